from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccreditationConfig(AppConfig):
    name = "summitdesk.accreditation"
    label = "accreditation"
    verbose_name = _("Accreditation")

    def ready(self) -> None:
        # Imported here, once the app registry is ready (these modules import models).
        from summitdesk.accreditation import emails, receivers  # noqa: F401
        from summitdesk.delegations import signals

        # `emails` registers the kinds of email this app composes with the outbox.
        signals.reply_saved.connect(receivers.reply_saved, dispatch_uid="accreditation.reply_saved")
