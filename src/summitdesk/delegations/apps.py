from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DelegationsConfig(AppConfig):
    name = "summitdesk.delegations"
    label = "delegations"
    verbose_name = _("Delegations")

    def ready(self) -> None:
        # Registers the kinds of email this app composes with the outbox.
        from summitdesk.delegations import emails, join_emails  # noqa: F401
