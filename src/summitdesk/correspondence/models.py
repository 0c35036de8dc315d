from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from summitdesk.correspondence.enums import (
    CircularStatus,
    MailingKind,
    MessageKind,
    MessageState,
    ReminderTarget,
)
from summitdesk.directory.enums import Language
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting


class Circular(models.Model):
    """A formal letter to many organisations about a meeting, e.g. DM-1048."""

    reference = models.CharField(_("reference"), max_length=50, unique=True)
    date = models.DateField(_("date"))
    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="circulars", verbose_name=_("meeting")
    )
    letterhead = models.TextField(
        _("letterhead"), blank=True, help_text=_("The sender's name and address, one line each.")
    )
    addressees = models.CharField(
        _("addressees"),
        max_length=300,
        help_text=_("As printed after “To:”, e.g. CEOs of ITU Sector Members."),
    )
    # Saved filters over the directory; see correspondence.audience.Audience.
    audience = models.JSONField(_("audience"), default=dict, blank=True)
    signatory_name = models.CharField(_("signatory"), max_length=200)
    signatory_titles = models.TextField(_("signatory's titles"), help_text=_("One per line."))
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    contact_tel = models.CharField(_("tel"), max_length=50, blank=True)
    contact_fax = models.CharField(_("fax"), max_length=50, blank=True)
    contact_email = models.EmailField(_("e-mail"), blank=True)
    enclosures = models.JSONField(_("enclosures"), default=list, blank=True)
    reply_deadline = models.DateTimeField(_("reply deadline"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=CircularStatus.choices, default=CircularStatus.DRAFT
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date", "reference"]
        verbose_name = _("circular")
        verbose_name_plural = _("circulars")

    def __str__(self) -> str:
        return self.reference

    @property
    def titles(self) -> list[str]:
        return [line.strip() for line in self.signatory_titles.splitlines() if line.strip()]


class CircularText(models.Model):
    """The subject and body of a circular in one language, with merge fields."""

    circular = models.ForeignKey(Circular, on_delete=models.CASCADE, related_name="texts")
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    subject = models.CharField(_("subject"), max_length=300)
    salutation = models.CharField(_("salutation"), max_length=200, default="Dear Sir/Madam,")
    body = models.TextField(_("body"), help_text=_("Paragraphs separated by a blank line."))
    closing = models.CharField(_("closing"), max_length=200, default="Yours faithfully,")
    # What the circular prints around the text, in this language; empty ones print the
    # circular's own (English) values. See Circular for what each is.
    letterhead = models.TextField(
        _("letterhead"), blank=True, help_text=_("The sender's name and address, one line each.")
    )
    addressees = models.CharField(_("addressees"), max_length=300, blank=True)
    signatory_titles = models.TextField(
        _("signatory's titles"), blank=True, help_text=_("One per line.")
    )
    contact_name = models.CharField(_("contact"), max_length=200, blank=True)
    # The secretariat's own translation, not an official version: the letter says so.
    secretariat_translation = models.BooleanField(
        _("translation by the secretariat"),
        default=False,
        help_text=_("The letter says that this text is the secretariat's unofficial translation."),
    )

    class Meta:
        ordering = ["language"]
        constraints = [
            models.UniqueConstraint(fields=["circular", "language"], name="one_text_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.circular} ({self.language})"

    @property
    def titles(self) -> list[str]:
        return [line.strip() for line in self.signatory_titles.splitlines() if line.strip()]


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def awaiting_reply(self) -> "InvitationQuerySet":
        """Invitations whose organisation has not answered about the circular's meeting
        (by this circular or another one about the same meeting)."""
        # The reply lives in a higher layer (delegations), reached by name, not import.
        reply = apps.get_model("delegations", "Reply")
        answered = reply.objects.filter(
            organisation=OuterRef("organisation"),
            meeting=OuterRef("circular__meeting"),
            state__in=["submitted", "amended", "declined"],
        )
        return self.filter(replied_at__isnull=True).exclude(Exists(answered))


class Invitation(models.Model):
    """The circular as sent to one organisation: what it said, in which language."""

    circular = models.ForeignKey(Circular, on_delete=models.PROTECT, related_name="invitations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="invitations"
    )
    language = models.CharField(max_length=2, choices=Language.choices)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = InvitationQuerySet.as_manager()
    # When two organisations are merged, one invitation per circular survives on the kept one.
    merge_unique_with = "circular"

    class Meta:
        ordering = ["circular", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["circular", "organisation"], name="one_invitation_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.circular} → {self.organisation}"


class ReplyLink(models.Model):
    """A personal link to answer for one organisation about one meeting.

    Only the SHA-256 of the token is stored; the token itself exists in the letter and
    email that carried it.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="reply_links"
    )
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="reply_links")
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.SET_NULL, related_name="reply_links"
    )
    # A focal point's own link names them; a letter's link names nobody.
    person = models.ForeignKey(
        "directory.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # A staff member's link to open the portal as the organisation ("open as this
    # organisation"): it opens only in that person's own signed-in session, and what they
    # change through it is recorded as them acting for the organisation.
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.organisation} / {self.meeting}"


class Mailing(models.Model):
    """One sending of a circular (the letters) or of a reminder about it."""

    circular = models.ForeignKey(Circular, on_delete=models.PROTECT, related_name="mailings")
    kind = models.CharField(max_length=16, choices=MailingKind.choices)
    # For a reminder: invitations without a reply at this moment are reminded, or (target
    # "document missing") those whose delegation lacks a required mandate document.
    target = models.CharField(
        max_length=20, choices=ReminderTarget.choices, default=ReminderTarget.UNANSWERED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # For a reminder to organisations chosen on the reply list (target "chosen"): the
    # invitations reminded, whose outbox rows a task writes a chunk at a time, and how many
    # of them have theirs (a task that dies resumes after the last chunk written).
    chosen_invitations = models.JSONField(default=list, blank=True)
    chosen_total = models.PositiveIntegerField(default=0)
    prepared = models.PositiveIntegerField(default=0)
    prepared_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.circular} {self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M} UTC"

    @property
    def preparing(self) -> bool:
        """Whether outbox rows of chosen organisations are still to be written."""
        return self.prepared < self.chosen_total


class OutboundMessage(models.Model):
    """The outbox: one email to one organisation, sent exactly once.

    A circular's letter or reminder is a row of a mailing, for an invitation. Every other
    email (a reply's confirmation, a focal point's or a delegate's link, an accreditation
    decision...) is a row of its `kind` alone, about one object of the app that composes
    it (`about_type`, `about_id`, with what the email must say in `params`); that app's
    composer writes it when a worker claims the row (correspondence.messages).
    """

    kind = models.CharField(
        _("kind"), max_length=32, choices=MessageKind.choices, default=MessageKind.LETTER
    )
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="outbound_messages",
    )
    mailing = models.ForeignKey(
        Mailing, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    invitation = models.ForeignKey(
        Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    # What the email is about, in the app that composes it: e.g. ("delegations.reply", 12).
    about_type = models.CharField(max_length=64, blank=True)
    about_id = models.PositiveIntegerField(null=True, blank=True)
    # The person the email is for, when one is named (a focal point's own link).
    person = models.ForeignKey(
        "directory.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    params = models.JSONField(default=dict, blank=True)
    # The row this one sends again (staff re-sent it from the organisation's page).
    resent_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    state = models.CharField(
        max_length=16, choices=MessageState.choices, default=MessageState.QUEUED, db_index=True
    )
    to = models.JSONField(default=list)
    cc = models.JSONField(default=list)
    reply_to = models.JSONField(default=list, blank=True)
    language = models.CharField(max_length=8, blank=True)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField(blank=True)
    pdf = models.FileField(upload_to="letters/%Y/%m/", blank=True)
    # The attachment's file name in the email, for a row that is not a letter.
    attachment_name = models.CharField(max_length=200, blank=True)
    message_id = models.CharField(max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["mailing", "invitation"], name="one_message_per_invitation_and_mailing"
            ),
            models.CheckConstraint(
                condition=~Q(state=MessageState.SENT) | Q(sent_at__isnull=False),
                name="sent_message_has_time",
            ),
            # A letter belongs to a mailing; any other email to none.
            models.CheckConstraint(
                condition=(
                    Q(kind__in=[MessageKind.LETTER, MessageKind.REMINDER])
                    & Q(mailing__isnull=False, invitation__isnull=False)
                )
                | (
                    ~Q(kind__in=[MessageKind.LETTER, MessageKind.REMINDER])
                    & Q(mailing__isnull=True)
                ),
                name="letters_in_mailings_others_alone",
            ),
        ]
        indexes = [
            models.Index(fields=["mailing", "state"]),
            models.Index(fields=["organisation", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.organisation_id} ({self.state})"

    @property
    def is_letter(self) -> bool:
        return self.mailing_id is not None

    # A letter's row always has its mailing and invitation (the constraint above): the
    # code that handles letters reads them through these.

    @property
    def letter_mailing(self) -> Mailing:
        if self.mailing is None:
            raise ValueError(f"Outbox row {self.pk} is not a letter")
        return self.mailing

    @property
    def letter_mailing_id(self) -> int:
        if self.mailing_id is None:
            raise ValueError(f"Outbox row {self.pk} is not a letter")
        return self.mailing_id

    @property
    def letter_invitation(self) -> Invitation:
        if self.invitation is None:
            raise ValueError(f"Outbox row {self.pk} is not a letter")
        return self.invitation


class MailboxMessage(models.Model):
    """An email kept in the local outbox instead of being sent (demo and development).

    Staff read it in the app; the raw message keeps attachments as they would have gone.
    """

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sender = models.CharField(max_length=300)
    recipients = models.JSONField(default=list)
    subject = models.CharField(max_length=300)
    message_id = models.CharField(max_length=200, blank=True)
    raw = models.BinaryField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject
