"""A delegation's mandate documents (uploaded with its reply), what a meeting requires of
each category, and the register of credentials the Credentials Committee examines."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from summitdesk.core.documents import StoredDocument
from summitdesk.credentials.enums import (
    CredentialsForm,
    DocumentKind,
    Examined,
    IssuedBy,
    PowersScope,
    Standing,
)
from summitdesk.delegations.models import Reply
from summitdesk.directory.enums import Category
from summitdesk.meetings.models import Meeting


class MandateDocument(StoredDocument):
    """A nomination letter, note verbale or letter of credentials carried by a reply."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="mandate_documents")
    kind = models.CharField(_("kind"), max_length=32, choices=DocumentKind.choices)
    uploaded_by_staff = models.BooleanField(default=False)
    uploaded_by = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["reply", "kind", "uploaded_at", "id"]
        verbose_name = _("mandate document")
        verbose_name_plural = _("mandate documents")
        indexes = [models.Index(fields=["reply", "kind", "state"], name="mandate_reply_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.original_name})"


class DocumentRequirement(models.Model):
    """A meeting requires `kind` from the delegations of `category`; with `approval_waits`,
    no accreditation of theirs is approved before it is received."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="document_requirements"
    )
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    kind = models.CharField(_("document"), max_length=32, choices=DocumentKind.choices)
    approval_waits = models.BooleanField(_("approval waits for it"), default=False)

    class Meta:
        ordering = ["meeting", "category", "kind"]
        verbose_name = _("document requirement")
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "category", "kind"], name="one_requirement_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.get_kind_display()} ({self.get_category_display()})"


class CredentialsPolicy(models.Model):
    """Whether a meeting asks a category's delegations for credentials. Without a row, only
    governments (Member States) are asked."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="credentials_policies"
    )
    category = models.CharField(_("category"), max_length=32, choices=Category.choices)
    required = models.BooleanField(_("credentials required"))

    class Meta:
        ordering = ["meeting", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "category"], name="one_credentials_policy_per_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.meeting}: {self.category} {self.required}"


class Credentials(models.Model):
    """The credentials of one delegation (a reply) to one meeting, as received and examined."""

    reply = models.OneToOneField(Reply, on_delete=models.CASCADE, related_name="credentials")
    received_on = models.DateField(_("received on"), null=True, blank=True)
    form = models.CharField(_("form"), max_length=16, choices=CredentialsForm.choices, blank=True)
    issued_by = models.CharField(
        _("issued by"), max_length=32, choices=IssuedBy.choices, blank=True
    )
    issuing_authority = models.CharField(
        _("other authority"),
        max_length=200,
        blank=True,
        help_text=_("Name the authority when it is not the Head of State or the Minister."),
    )
    scope = models.CharField(_("scope"), max_length=32, choices=PowersScope.choices, blank=True)
    standing = models.CharField(
        _("provisional or final"), max_length=16, choices=Standing.choices, blank=True
    )
    proxy_to = models.ForeignKey(
        Reply,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="proxies_received",
        verbose_name=_("powers transferred to"),
    )
    examined = models.CharField(_("examined"), max_length=16, choices=Examined.choices, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("credentials")
        verbose_name_plural = _("credentials")
        constraints = [
            models.CheckConstraint(
                condition=Q(proxy_to__isnull=True) | ~Q(proxy_to=models.F("reply")),
                name="credentials_proxy_not_to_itself",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reply}"
