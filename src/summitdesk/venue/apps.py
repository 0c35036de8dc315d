from django.apps import AppConfig
from django.db.models.signals import pre_delete
from django.utils.translation import gettext_lazy as _


class VenueConfig(AppConfig):
    name = "summitdesk.venue"
    label = "venue"
    verbose_name = _("Venue")

    def ready(self) -> None:
        # Imported here, once the app registry is ready (the receivers import models).
        from summitdesk.accreditation.models import CheckIn
        from summitdesk.venue import receivers

        pre_delete.connect(
            receivers.check_in_deleted, sender=CheckIn, dispatch_uid="venue.check_in_deleted"
        )
