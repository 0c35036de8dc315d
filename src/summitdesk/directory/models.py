from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from summitdesk.directory.enums import (
    Category,
    DuplicateStatus,
    Language,
    OrganisationStatus,
    PositionRole,
    Sector,
    StakeholderGroup,
)
from summitdesk.lib.countries import COUNTRIES, REGIONS, country_name


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def current(self) -> "OrganisationQuerySet":
        """Organisations that still exist as themselves (not merged into another)."""
        return self.exclude(status=OrganisationStatus.MERGED)


class Organisation(models.Model):
    external_id = models.CharField(
        _("external ID"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text=_("The key of this organisation in the spreadsheet or system it came from."),
    )
    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    stakeholder_group = models.CharField(
        _("stakeholder group"), max_length=32, choices=StakeholderGroup.choices
    )
    itu_r = models.BooleanField("ITU-R", default=False)
    itu_t = models.BooleanField("ITU-T", default=False)
    itu_d = models.BooleanField("ITU-D", default=False)
    country = models.CharField(_("country"), max_length=2, db_index=True)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    address = models.TextField(_("postal address"), blank=True)
    email = models.EmailField(_("general email"), blank=True)
    website = models.URLField(_("website"), blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=OrganisationStatus.choices,
        default=OrganisationStatus.ACTIVE,
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name=_("merged into"),
    )
    # Name, acronym and country folded to lower case without accents, in every script,
    # so that search behaves the same on SQLite and PostgreSQL.
    search_text = models.TextField(editable=False, default="")
    # Name without case, accents, punctuation or spaces: how likely duplicates are found.
    name_key = models.CharField(max_length=300, editable=False, default="", db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name_key", "id"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(status=OrganisationStatus.MERGED),
                name="organisation_merged_has_status",
            ),
        ]
        indexes = [
            models.Index(fields=["category", "stakeholder_group"]),
            # Lists of a meeting's accreditations are read in organisation-name order.
            models.Index(fields=["name"], name="organisation_name"),
            # The directory and the reply lists sorted by a column, then by name.
            models.Index(fields=["category", "name_key"], name="organisation_category_name"),
            models.Index(fields=["stakeholder_group", "name_key"], name="organisation_group_name"),
            models.Index(fields=["country", "name_key"], name="organisation_country_name"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def sectors(self) -> list[str]:
        flags = {Sector.R: self.itu_r, Sector.T: self.itu_t, Sector.D: self.itu_d}
        return [str(sector) for sector, held in flags.items() if held]

    @property
    def country_name(self) -> str:
        """In the reader's language (lib.countries.country_name)."""
        return country_name(self.country)

    @property
    def region(self) -> str:
        country = COUNTRIES.get(self.country)
        return country.region if country else ""

    @property
    def region_label(self) -> str:
        return REGIONS.get(self.region, "")


class Person(models.Model):
    title = models.CharField(_("title"), max_length=50, blank=True)
    given_name = models.CharField(_("given name"), max_length=150, blank=True)
    family_name = models.CharField(_("family name"), max_length=150)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    fax = models.CharField(_("fax"), max_length=50, blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["family_name", "given_name", "id"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self) -> str:
        return " ".join(part for part in (self.title, self.given_name, self.family_name) if part)


class Position(models.Model):
    """A role a person holds for an organisation: chief executive, focal point, contact."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="positions",
        verbose_name=_("organisation"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="positions", verbose_name=_("person")
    )
    role = models.CharField(_("role"), max_length=32, choices=PositionRole.choices)
    function = models.CharField(
        _("function"),
        max_length=200,
        blank=True,
        help_text=_("The person's job title in the organisation, e.g. Chief Executive Officer."),
    )

    class Meta:
        ordering = ["role", "id"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(role=PositionRole.CHIEF_EXECUTIVE),
                name="one_chief_executive_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(role=PositionRole.FOCAL_POINT),
                name="one_focal_point_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["organisation", "person", "role"],
                name="unique_position",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}, {self.get_role_display()}"


class DuplicateCandidate(models.Model):
    """Two organisations that look like the same one, for a person to merge or keep apart."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    status = models.CharField(
        max_length=16, choices=DuplicateStatus.choices, default=DuplicateStatus.OPEN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "other"], name="unique_duplicate_pair"),
            models.CheckConstraint(
                condition=~Q(organisation=models.F("other")), name="duplicate_of_another"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} / {self.other}"


class ImportJobStatus(models.TextChoices):
    # Kept beside its one model: an import job's states matter to nothing else.
    PREVIEWING = "previewing", _("Checking the file")
    PREVIEWED = "previewed", _("Previewed")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class ImportJob(models.Model):
    """An uploaded organisations file: previewed, then imported by a background task."""

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("confirmed by"),
    )
    filename = models.CharField(_("file name"), max_length=255)
    # The file as uploaded, kept until the import is done (then emptied: it holds
    # personal data that the directory now has).
    content = models.BinaryField(default=b"")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ImportJobStatus.choices,
        default=ImportJobStatus.PREVIEWED,
    )
    only_valid = models.BooleanField(_("only the valid rows"), default=False)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows done"), default=0)
    # ImportReport.as_dict(): what importing would do (preview), then what it did (report).
    preview = models.JSONField(default=dict)
    report = models.JSONField(default=dict)
    error = models.TextField(_("error"), blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.filename} ({self.get_status_display()})"
