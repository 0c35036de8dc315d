from django.db import models
from django.utils.translation import gettext_lazy as _


class AccreditationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REVOKED = "revoked", _("Revoked")


class CheckInResult(models.TextChoices):
    ENTERED = "entered", _("Checked in")
    REENTERED = "reentered", _("Re-entry")
    REFUSED = "refused", _("Refused")


class PrintRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Printing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
