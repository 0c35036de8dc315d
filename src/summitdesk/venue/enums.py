from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    """Which way a gate lets people through."""

    IN = "in", _("in")
    OUT = "out", _("out")


class GateResult(models.TextChoices):
    """What a gate did: the check-in's results, and a way out."""

    ENTERED = "entered", _("Checked in")
    REENTERED = "reentered", _("Re-entry")
    REFUSED = "refused", _("Refused")
    EXITED = "exited", _("Left")
