from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    REGISTRATION_OFFICER = "registration_officer", _("Registration officer")
    BADGE_DESK = "badge_desk", _("Badge desk")
    CHECKIN_DESK = "checkin_desk", _("Check-in desk")
    COMMUNICATIONS = "communications", _("Communications officer")
    VIEWER = "viewer", _("Viewer")
    CREDENTIALS_OFFICER = "credentials_officer", _("Credentials officer")


class Channel(models.TextChoices):
    """Through which door a change came in."""

    BACKOFFICE = "backoffice", _("Back office")
    IMPORT = "import", _("Import")
    CLI = "cli", _("Command line")
    PORTAL = "portal", _("Portal")
    API = "api", _("API")
    SYSTEM = "system", _("System")
