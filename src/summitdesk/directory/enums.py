from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    MEMBER_STATE = "member_state", _("Member State")
    SECTOR_MEMBER = "sector_member", _("Sector Member")
    ASSOCIATE = "associate", _("Associate")
    ACADEMIA = "academia", _("Academia")
    BUSINESS_ENTITY = "business_entity", _("Accredited business entity")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    INTERNATIONAL_ORGANISATION = "international_organisation", _("International organisation")
    MEDIA = "media", _("Media")


class StakeholderGroup(models.TextChoices):
    GOVERNMENTS = "governments", _("Governments")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    CIVIL_SOCIETY = "civil_society", _("Civil society")
    INTERNATIONAL_ORGANISATIONS = "international_organisations", _("International organisations")


class Sector(models.TextChoices):
    """ITU sector memberships; an organisation may hold several."""

    R = "ITU-R", "ITU-R"
    T = "ITU-T", "ITU-T"
    D = "ITU-D", "ITU-D"


class Language(models.TextChoices):
    ARABIC = "ar", _("Arabic")
    CHINESE = "zh", _("Chinese")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    RUSSIAN = "ru", _("Russian")
    SPANISH = "es", _("Spanish")


class OrganisationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    INACTIVE = "inactive", _("Inactive")
    MERGED = "merged", _("Merged into another")


class PositionRole(models.TextChoices):
    CHIEF_EXECUTIVE = "chief_executive", _("Chief executive")
    FOCAL_POINT = "focal_point", _("Designated focal point")
    BACKUP_FOCAL_POINT = "backup_focal_point", _("Backup focal point")
    OTHER_CONTACT = "other_contact", _("Other contact")


class DuplicateStatus(models.TextChoices):
    OPEN = "open", _("To review")
    MERGED = "merged", _("Merged")
    KEPT = "kept", _("Kept apart")
