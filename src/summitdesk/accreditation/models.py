from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from summitdesk.accreditation.enums import (
    AccreditationStatus,
    BadgeLayout,
    BulkDecisionStatus,
    CheckInResult,
    PrintRunStatus,
)
from summitdesk.delegations.models import Delegate
from summitdesk.directory.enums import Category
from summitdesk.meetings.models import Meeting


class Accreditation(models.Model):
    """One delegate's accreditation to the meeting of their reply.

    The status says whether the secretariat lets them in; badge printing and check-in
    are recorded beside it, never as statuses.
    """

    delegate = models.OneToOneField(
        Delegate, on_delete=models.PROTECT, related_name="accreditation"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="accreditations")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AccreditationStatus.choices,
        default=AccreditationStatus.PENDING,
        db_index=True,
    )
    reason = models.TextField(_("reason"), blank=True)
    # Names as in the passport, and the identity document: visible only to the roles
    # that need them, deleted on schedule after the meeting.
    passport_given_name = models.CharField(
        _("given name(s) as in the passport"), max_length=150, blank=True
    )
    passport_family_name = models.CharField(
        _("family name as in the passport"), max_length=150, blank=True
    )
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    document_number = models.CharField(_("identity document number"), max_length=50, blank=True)
    document_expires = models.DateField(_("identity document expiry"), null=True, blank=True)
    identity_purged_at = models.DateTimeField(null=True, blank=True, editable=False)
    photo = models.FileField(_("photo"), upload_to="photos/%Y/", blank=True)
    # A small copy of the photo (350 x 450) made at upload, which badges print: a run of
    # ten thousand badges then never decodes the full-size photos.
    badge_photo = models.FileField(upload_to="photos/%Y/", blank=True, editable=False)
    # When the photo was uploaded (a reused photo keeps its first upload's time): how old
    # it is when a returning delegate would reuse it (accreditation.returning).
    photo_uploaded_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The badge: a new version on every (re)issue; the code printed in the QR carries it,
    # so an older badge's code is refused at the door.
    badge_version = models.PositiveIntegerField(default=0)
    badge_number = models.CharField(max_length=20, blank=True)
    badge_printed_version = models.PositiveIntegerField(default=0)
    badge_printed_at = models.DateTimeField(null=True, blank=True)
    # The badge went to someone else (the delegation's focal point at the pickup desk):
    # the door checks the holder's identity document at first entry, and records it.
    identity_check_due = models.BooleanField(default=False)
    identity_checked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting", "delegate__family_name", "id"]
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")
        indexes = [
            # The reports read a delegate's accreditation status from this index alone.
            models.Index(
                fields=["delegate", "status", "meeting"], name="accreditation_delegate_status"
            ),
            # Counting a meeting's accreditations by status reads only this index.
            models.Index(fields=["meeting", "status"], name="accreditation_meeting_status"),
            # The officer's list sorted by badge number.
            models.Index(fields=["meeting", "badge_number"], name="accreditation_meeting_badge"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "badge_number"],
                condition=~Q(badge_number=""),
                name="unique_badge_number_per_meeting",
            ),
            models.CheckConstraint(
                condition=~Q(status=AccreditationStatus.REJECTED) | ~Q(reason=""),
                name="rejection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.delegate} ({self.get_status_display()})"


class DelegateLink(models.Model):
    """A delegate's own link to complete their accreditation (identity data, photo,
    consent). Only the SHA-256 of the token is stored: the token exists only in the
    email that carried it. A new link revokes the ones before it."""

    accreditation = models.ForeignKey(
        Accreditation, on_delete=models.CASCADE, related_name="delegate_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"link of accreditation {self.accreditation_id}"


class DelegateLimit(models.Model):
    """How many delegates an organisation of a category may have accredited to a meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="delegate_limits")
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    limit = models.PositiveSmallIntegerField(_("delegates at most"))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "category"], name="one_limit_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} {self.category} ≤ {self.limit}"


class LimitException(models.Model):
    """More delegates than the limit for one organisation, as the secretariat granted."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, related_name="limit_exceptions"
    )
    requested = models.PositiveSmallIntegerField(_("delegates requested"))
    granted = models.PositiveSmallIntegerField(_("delegates granted"), null=True, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    decision_reason = models.TextField(_("the secretariat's reason"), blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.organisation} / {self.meeting}"


class CheckIn(models.Model):
    """A scan at a desk. One `entered` per accreditation (the database refuses a second);
    later scans are re-entries, refusals are kept too."""

    accreditation = models.ForeignKey(
        Accreditation, null=True, blank=True, on_delete=models.PROTECT, related_name="check_ins"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="check_ins")
    result = models.CharField(max_length=16, choices=CheckInResult.choices)
    reason = models.CharField(max_length=200, blank=True)
    desk = models.CharField(_("desk"), max_length=50)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scanned_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-scanned_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["accreditation"],
                condition=Q(result=CheckInResult.ENTERED),
                name="one_check_in_per_accreditation",
            )
        ]

    def __str__(self) -> str:
        return f"{self.accreditation_id} {self.result} at {self.desk}"


class PrintRun(models.Model):
    """Badges printed in one go, as a background task: PDFs of at most 1,000 badges."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="print_runs")
    accreditation_ids = models.JSONField(default=list)
    status = models.CharField(
        max_length=16, choices=PrintRunStatus.choices, default=PrintRunStatus.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    files = models.JSONField(default=list)  # storage names of the PDFs and the ZIP
    layout = models.CharField(
        _("layout"), max_length=8, choices=BadgeLayout.choices, default=BadgeLayout.CARD
    )
    # Millimetres the grid moves down and right (negative: up and left) to meet the cuts.
    offset_top = models.DecimalField(
        _("top offset (mm)"), max_digits=4, decimal_places=1, default=Decimal(0)
    )
    offset_left = models.DecimalField(
        _("left offset (mm)"), max_digits=4, decimal_places=1, default=Decimal(0)
    )
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.meeting} print run {self.pk}"


class BadgeTemplate(models.Model):
    """A meeting's own badge design, a Typst file that replaces the built-in one.

    Accepted only once it compiled against sample data (accreditation.badge_templates).
    """

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="badge_template")
    file = models.FileField(upload_to="badge-templates/%Y/")
    original_name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.meeting} badge template {self.original_name}"


class BulkDecision(models.Model):
    """Accreditations approved or rejected in one go as a background task: every one that
    matched a list's filter when the officer confirmed (the filter is kept beside them)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="bulk_decisions")
    to = models.CharField(max_length=16, choices=AccreditationStatus.choices)
    reason = models.TextField(blank=True)
    skip_incomplete = models.BooleanField(default=False)
    criteria = models.JSONField(default=dict)  # the list's filter, as chosen
    accreditation_ids = models.JSONField(default=list)
    status = models.CharField(
        max_length=16, choices=BulkDecisionStatus.choices, default=BulkDecisionStatus.QUEUED
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    moved = models.PositiveIntegerField(default=0)
    skipped = models.PositiveIntegerField(default=0)
    refused = models.JSONField(default=dict)  # accreditation id -> why
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)  # the task's heartbeat
    finished_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.meeting} bulk decision {self.pk}"
