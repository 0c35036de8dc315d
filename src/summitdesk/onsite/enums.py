from django.db import models
from django.utils.translation import gettext_lazy as _


class WalkInBasis(models.TextChoices):
    """What the organisation's agreement to a walk-in rests on."""

    LETTER = "letter", _("The focal point's letter")
    FOCAL_POINT = "focal_point", _("The focal point, in person or by telephone")
    PORTAL = "portal", _("The focal point's confirmation through their link")
