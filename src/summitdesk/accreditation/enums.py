from django.db import models
from django.utils.translation import gettext_lazy as _


class AccreditationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REVOKED = "revoked", _("Revoked")


#: The statuses of a delegate no longer in the delegation (kept, never deleted): the
#: delegations app reads it too (`delegations.services.active_delegates`).
DETACHED = (AccreditationStatus.WITHDRAWN, AccreditationStatus.REVOKED)
#: Statuses that hold a seat against the organisation's limit.
COUNTED = (AccreditationStatus.PENDING, AccreditationStatus.APPROVED)


class CheckInResult(models.TextChoices):
    ENTERED = "entered", _("Checked in")
    REENTERED = "reentered", _("Re-entry")
    REFUSED = "refused", _("Refused")


class PrintRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Printing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BulkDecisionStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class BadgeLayout(models.TextChoices):
    """How a print run places badges on paper (see accreditation.layouts)."""

    CARD = "card", _("Card: one badge of 100 x 140 mm a page")
    A4_FOUR = "a4-4", _("A4: four badges of 100 x 140 mm")
    A4_SIX = "a4-6", _("A4: six badges of 99 x 93 mm (pre-cut stock)")
