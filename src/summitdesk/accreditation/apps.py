from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccreditationConfig(AppConfig):
    name = "summitdesk.accreditation"
    label = "accreditation"
    verbose_name = _("Accreditation")

    def ready(self) -> None:
        # Registers the kinds of email this app composes with the outbox.
        from summitdesk.accreditation import emails  # noqa: F401
