from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebhooksConfig(AppConfig):
    name = "summitdesk.webhooks"
    verbose_name = _("Webhooks")

    def ready(self) -> None:
        from summitdesk.webhooks import signals  # noqa: F401 (connects the receiver)
