from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    REGIONAL_CONFERENCE = "regional_conference", _("Regional conference")
    SUBREGIONAL_CONFERENCE = "subregional_conference", _("Sub-regional conference")
    PREPCOM = "prepcom", _("Preparatory Committee (PrepCom)")
    SUMMIT_PHASE = "summit_phase", _("Summit phase")
    OTHER = "other", _("Other")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    REGISTRATION_OPEN = "registration_open", _("Registration open")
    REGISTRATION_CLOSED = "registration_closed", _("Registration closed")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")
