"""Admission: organisations without an existing status apply to take part in a process,
are recommended by the secretariat and admitted by a decision of one of its meetings;
once admitted they stay admitted for every later meeting of the process."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from summitdesk.admission.enums import AdmissionStatus, ApplicationStatus
from summitdesk.core.documents import StoredDocument
from summitdesk.directory.enums import Category, Language, StakeholderGroup
from summitdesk.directory.models import Organisation
from summitdesk.lib.localized import TranslationsValidator
from summitdesk.meetings.models import Meeting, Process


class AdmissionPolicy(models.Model):
    """Who may apply to a process, and when."""

    process = models.OneToOneField(
        Process, on_delete=models.CASCADE, related_name="admission_policy"
    )
    # Lists of directory.enums.Category and StakeholderGroup values; empty: any.
    categories = models.JSONField(_("categories that may apply"), default=list, blank=True)
    stakeholder_groups = models.JSONField(
        _("stakeholder groups that may apply"), default=list, blank=True
    )
    opens_at = models.DateTimeField(_("applications open"), null=True, blank=True)
    closes_at = models.DateTimeField(_("applications close"), null=True, blank=True)
    review_every_months = models.PositiveSmallIntegerField(
        _("review admitted organisations every (months)"),
        null=True,
        blank=True,
        help_text=_("Empty: admission is not reviewed periodically."),
    )

    class Meta:
        verbose_name = _("admission policy")

    def __str__(self) -> str:
        return f"{self.process}"


class RequiredDocument(models.Model):
    """One line of a process's checklist of documents an applicant sends."""

    policy = models.ForeignKey(
        AdmissionPolicy, on_delete=models.CASCADE, related_name="required_documents"
    )
    position = models.PositiveSmallIntegerField(default=0)
    title = models.CharField(_("title"), max_length=200)
    title_translations = models.JSONField(
        _("title in other languages"),
        default=dict,
        blank=True,
        validators=[TranslationsValidator(200)],
    )
    description = models.TextField(_("what it must show"), blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["policy", "position", "id"]
        verbose_name = _("required document")

    def __str__(self) -> str:
        return self.title


class Application(models.Model):
    """An organisation's application for admission to a process."""

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="applications")
    reference = models.CharField(_("reference"), max_length=20, unique=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=ApplicationStatus.choices,
        default=ApplicationStatus.UNCONFIRMED,
        db_index=True,
    )
    # The organisation as it describes itself.
    name = models.CharField(_("name of the organisation"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    stakeholder_group = models.CharField(
        _("stakeholder group"), max_length=32, choices=StakeholderGroup.choices
    )
    country = models.CharField(_("country of headquarters"), max_length=2)
    address = models.TextField(_("postal address"), blank=True)
    website = models.URLField(_("website"), blank=True)
    organisation_email = models.EmailField(_("general email"), blank=True)
    language = models.CharField(
        _("preferred language"), max_length=2, choices=Language.choices, default=Language.ENGLISH
    )
    purpose = models.TextField(_("purpose, programmes and activities"))
    # The person applying: the focal point once admitted.
    contact_title = models.CharField(_("title"), max_length=50, blank=True)
    contact_given_name = models.CharField(_("given name"), max_length=150, blank=True)
    contact_family_name = models.CharField(_("family name"), max_length=150)
    contact_function = models.CharField(_("function"), max_length=200, blank=True)
    contact_email = models.EmailField(_("email"))
    contact_phone = models.CharField(_("phone"), max_length=50, blank=True)
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    # The review: what is missing (told to the applicant), the reasons of a negative
    # recommendation or decision, and the meeting whose decision admitted or not.
    missing = models.TextField(_("what is missing"), blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    decision_meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="admission_decisions",
        verbose_name=_("decided by"),
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    # The directory entry the applicant is (a duplicate found, or made on admission).
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
        verbose_name=_("directory entry"),
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("application for admission")
        verbose_name_plural = _("applications for admission")
        indexes = [models.Index(fields=["process", "status"], name="application_process_status")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.NOT_RECOMMENDED) | ~Q(reasons=""),
                name="not_recommended_has_reasons",
            ),
            models.CheckConstraint(
                condition=~Q(status=ApplicationStatus.INCOMPLETE) | ~Q(missing=""),
                name="incomplete_says_what_is_missing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.name}"


class ApplicationDocument(StoredDocument):
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    requirement = models.ForeignKey(
        RequiredDocument,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("document of the checklist"),
    )

    class Meta:
        ordering = ["application", "uploaded_at", "id"]
        verbose_name = _("application document")

    def __str__(self) -> str:
        return self.original_name


class ApplicantLink(models.Model):
    """The applicant's personal link to follow and complete the application: only the
    SHA-256 of its token is stored (lib.tokens); a new link revokes the earlier ones."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="links")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"link of application {self.application_id}"


class Admission(models.Model):
    """An organisation admitted to a process: it carries over to every later meeting."""

    process = models.ForeignKey(Process, on_delete=models.PROTECT, related_name="admissions")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="admissions"
    )
    application = models.OneToOneField(
        Application, null=True, blank=True, on_delete=models.SET_NULL, related_name="admission"
    )
    meeting = models.ForeignKey(
        Meeting,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="admissions",
        verbose_name=_("admitted by the decision of"),
    )
    admitted_on = models.DateField(_("admitted on"))
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=AdmissionStatus.choices,
        default=AdmissionStatus.ADMITTED,
        db_index=True,
    )
    status_reason = models.TextField(_("reason"), blank=True)
    next_review_on = models.DateField(_("next review"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["process", "organisation__name_key"]
        verbose_name = _("admission")
        constraints = [
            models.UniqueConstraint(
                fields=["process", "organisation"], name="one_admission_per_process"
            ),
            models.CheckConstraint(
                condition=Q(status=AdmissionStatus.ADMITTED) | ~Q(status_reason=""),
                name="suspension_or_withdrawal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} / {self.process}"
