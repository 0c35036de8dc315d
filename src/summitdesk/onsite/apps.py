from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnsiteConfig(AppConfig):
    name = "summitdesk.onsite"
    label = "onsite"
    verbose_name = _("On-site desks")

    def ready(self) -> None:
        # `emails` registers the kind of email this app composes with the outbox (imported
        # here, once the app registry is ready: it imports models).
        from summitdesk.onsite import emails  # noqa: F401
