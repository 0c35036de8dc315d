"""The venue: a meeting's zones, its gates, who may enter which zone on which days,
secondary passes handed within a delegation, and who is inside each zone now.

Occupancy is kept as it happens: a `Presence` row per person inside a zone (one at most:
the database refuses a second) and a `ZoneOccupancy` counter row per zone, changed in
the same transaction as the presence row, so that reading the figure is one row per zone
and always equal to a recount of the presence rows (venue.occupancy.recount).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from summitdesk.accreditation.enums import PrintRunStatus
from summitdesk.accreditation.models import Accreditation, CheckIn
from summitdesk.delegations.models import Reply
from summitdesk.lib.localized import TranslationsValidator
from summitdesk.meetings.models import Meeting
from summitdesk.venue.enums import Direction


class Zone(models.Model):
    """An area of the venue with its own gates: plenary, conference area, media centre,
    high-level segment, bilateral rooms. The main entrance is the zone of a scan that
    names none (the check-in desk and the API's call without a zone)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="zones")
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("name"), max_length=100)
    name_translations = models.JSONField(
        _("name in other languages"),
        default=dict,
        blank=True,
        validators=[TranslationsValidator(100)],
    )
    capacity = models.PositiveIntegerField(_("capacity"), null=True, blank=True)
    is_main_entrance = models.BooleanField(_("main entrance"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["meeting", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "code"], name="one_zone_code_per_meeting"),
            models.UniqueConstraint(
                fields=["meeting"],
                condition=Q(is_main_entrance=True),
                name="one_main_entrance_per_meeting",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Gate(models.Model):
    """A desk or gate: its name is the desk name its scans record."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="gates")
    name = models.CharField(_("name"), max_length=50)
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="gates")
    direction = models.CharField(
        _("direction"), max_length=3, choices=Direction.choices, default=Direction.IN
    )

    class Meta:
        ordering = ["meeting", "name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "name"], name="one_gate_name_per_meeting")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.zone}, {self.direction})"


class ZoneDefault(models.Model):
    """A zone that accreditations of a participant type may enter unless set otherwise.
    Keyed on the type's code ("delegate", "press", "vip"...): see venue.validity."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    participant_type_code = models.SlugField(_("participant type"), max_length=40)
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="defaults")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "participant_type_code", "zone"], name="one_default_per_zone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_type_code}: {self.zone}"


class AccreditationValidity(models.Model):
    """The dates and zones of one accreditation, set by staff; without this row they are
    the defaults of its participant type (venue.validity.validity_of)."""

    accreditation = models.OneToOneField(
        Accreditation, on_delete=models.CASCADE, related_name="validity"
    )
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    zones = models.ManyToManyField(Zone, blank=True, related_name="+", verbose_name=_("zones"))
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"validity of accreditation {self.accreditation_id}"


class SecondaryPassPool(models.Model):
    """Passes for one zone (or one session in it) given to a delegation, which its focal
    point hands to its members in the portal until the cut-off."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="pass_pools")
    zone = models.ForeignKey(Zone, on_delete=models.PROTECT, related_name="pass_pools")
    session = models.CharField(_("session"), max_length=100, blank=True)
    size = models.PositiveSmallIntegerField(_("passes"))
    cutoff = models.DateTimeField(_("assignable until"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["reply", "zone", "id"]

    def __str__(self) -> str:
        return f"{self.reply}: {self.size} passes for {self.zone}"


class SecondaryPass(models.Model):
    """One pass of a pool; its holder is the member the focal point handed it to."""

    pool = models.ForeignKey(SecondaryPassPool, on_delete=models.CASCADE, related_name="passes")
    number = models.PositiveSmallIntegerField()
    holder = models.ForeignKey(
        Accreditation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Where the pass is now: set by an admission at its zone's gate, cleared on the way out.
    inside_since = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pool", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pool", "number"], name="one_pass_number_per_pool")
        ]

    def __str__(self) -> str:
        return f"pass {self.number} of pool {self.pool_id}"


class PassCardRun(models.Model):
    """The cards of every secondary pass of a meeting, printed as a background task into
    one stored PDF (venue.cards): thousands of cards take longer than a page may wait."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(
        max_length=16, choices=PrintRunStatus.choices, default=PrintRunStatus.QUEUED
    )
    total = models.PositiveIntegerField(default=0)
    file = models.CharField(max_length=300, blank=True)  # the PDF's storage name
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.meeting} pass cards {self.pk}"


class Passage(models.Model):
    """A scan at a gate of a zone, in or out, admitted or refused. A scan going in through
    the check-in (a badge) keeps its CheckIn row beside it."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="passages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    accreditation = models.ForeignKey(
        Accreditation, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    secondary_pass = models.ForeignKey(
        SecondaryPass, null=True, blank=True, on_delete=models.SET_NULL, related_name="passages"
    )
    check_in = models.OneToOneField(
        CheckIn, null=True, blank=True, on_delete=models.CASCADE, related_name="passage"
    )
    admitted = models.BooleanField()
    reason = models.CharField(max_length=200, blank=True)
    desk = models.CharField(max_length=50)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scanned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scanned_at", "-id"]
        indexes = [models.Index(fields=["zone", "scanned_at"], name="passage_zone_time")]

    def __str__(self) -> str:
        return f"{self.accreditation_id} {self.direction} {self.zone_id}"


class Presence(models.Model):
    """A person inside a zone: at most one row per person and zone."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="presences")
    accreditation = models.ForeignKey(Accreditation, on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["zone", "accreditation"], name="one_presence_per_zone_and_person"
            )
        ]

    def __str__(self) -> str:
        return f"{self.accreditation_id} in {self.zone_id}"


class ZoneOccupancy(models.Model):
    """How many people are inside a zone now: the presence rows, counted as they change."""

    zone = models.OneToOneField(
        Zone, primary_key=True, on_delete=models.CASCADE, related_name="occupancy"
    )
    inside = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.zone_id}: {self.inside}"
