from django.db import models
from django.utils.translation import gettext_lazy as _


class Event(models.TextChoices):
    """What a subscriber may be told about; each comes from one audit action (EVENT_OF)."""

    REPLY_SUBMITTED = "reply.submitted", _("Reply submitted")
    ACCREDITATION_APPROVED = "accreditation.approved", _("Accreditation approved")
    ACCREDITATION_REJECTED = "accreditation.rejected", _("Accreditation rejected")
    ACCREDITATION_REVOKED = "accreditation.revoked", _("Accreditation revoked")
    ACCREDITATION_CHECKED_IN = "accreditation.checked_in", _("Delegate checked in")
    JOIN_REQUEST_RECEIVED = "join_request.received", _("Request to join received")
    JOIN_REQUEST_ACCEPTED = "join_request.accepted", _("Request to join accepted")
    JOIN_REQUEST_DECLINED = "join_request.declined", _("Request to join declined")
    VENUE_ZONE_ENTERED = "venue.zone_entered", _("Entered a zone of the venue")
    PICKUP_BOOKED = "pickup.booked", _("Badge pickup booked")
    PICKUP_COLLECTED = "pickup.collected", _("Delegation's badges collected")


#: The audit action each event is made from.
EVENT_OF: dict[str, str] = {f"summitdesk.{event}": event for event in Event.values}

#: The event of "send test event": never made from the audit trail.
TEST_EVENT = "webhook.test"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
