"""The on-site desks: badge pickup (slots a meeting offers, a delegation's booking, its
hand-over at the badge desk) and walk-ins registered at the registration desk."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from summitdesk.accreditation.models import Accreditation
from summitdesk.delegations.models import Reply
from summitdesk.meetings.models import Meeting
from summitdesk.onsite.enums import WalkInBasis


class PickupSlot(models.Model):
    """A time at which delegations may collect their printed badges, for at most
    `capacity` delegations."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="pickup_slots")
    starts_at = models.DateTimeField(_("starts at"))
    capacity = models.PositiveSmallIntegerField(_("delegations at most"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "starts_at"], name="one_pickup_slot_per_time"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting} pickup {self.starts_at:%Y-%m-%d %H:%M}"


class PickupBooking(models.Model):
    """A delegation's pickup: the slot its focal point booked, and once handed over, who
    collected which badges (accreditation id and badge version each) against what."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    slot = models.ForeignKey(PickupSlot, on_delete=models.PROTECT, related_name="bookings")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="pickup_bookings")
    booked_by = models.CharField(max_length=300, blank=True)
    booked_at = models.DateTimeField(auto_now_add=True)
    collected_at = models.DateTimeField(null=True, blank=True)
    collected_by_name = models.CharField(_("collected by"), max_length=200, blank=True)
    document_seen = models.BooleanField(_("identity document seen"), default=False)
    badges = models.JSONField(default=list)  # [[accreditation id, badge version], ...]
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["slot__starts_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "reply"], name="one_pickup_per_reply")
        ]
        indexes = [models.Index(fields=["slot", "collected_at"], name="pickup_booking_slot")]

    def __str__(self) -> str:
        return f"pickup of reply {self.reply_id} at slot {self.slot_id}"


class WalkIn(models.Model):
    """A delegate registered at the on-site registration desk, on the organisation's word."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="+")
    reply = models.ForeignKey(Reply, on_delete=models.PROTECT, related_name="+")
    accreditation = models.OneToOneField(
        Accreditation, on_delete=models.PROTECT, related_name="walk_in"
    )
    basis = models.CharField(_("on the word of"), max_length=16, choices=WalkInBasis.choices)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    registered_at = models.DateTimeField(auto_now_add=True)
    badge_printed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"walk-in {self.accreditation_id}"


class WalkInRequest(models.Model):
    """A walk-in the desk asks the organisation's focal point to confirm through their
    link (the portal's "Walk-ins to confirm"); once confirmed, the desk registers them."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="walk_in_requests")
    given_name = models.CharField(_("given name"), max_length=150, blank=True)
    family_name = models.CharField(_("family name"), max_length=150)
    function = models.CharField(_("function"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    confirmed = models.BooleanField(null=True)
    decided_by = models.CharField(max_length=300, blank=True)
    walk_in = models.OneToOneField(
        WalkIn, null=True, blank=True, on_delete=models.SET_NULL, related_name="request"
    )

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"walk-in request {self.pk} ({self.given_name} {self.family_name})"
