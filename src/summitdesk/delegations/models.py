from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from summitdesk.accreditation.enums import DETACHED
from summitdesk.delegations.enums import (
    ChangeRequestStatus,
    Gender,
    JoinRequestStatus,
    ProtocolLevel,
    Relationship,
    ReplyState,
)
from summitdesk.directory.models import Organisation
from summitdesk.meetings.models import Meeting, ParticipantType


class ReplyQuerySet(models.QuerySet["Reply"]):
    def answered(self) -> "ReplyQuerySet":
        return self.filter(
            state__in=[ReplyState.SUBMITTED, ReplyState.AMENDED, ReplyState.DECLINED]
        )


class Reply(models.Model):
    """An organisation's answer about one meeting: every letter and reminder about that
    meeting opens this same reply."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="replies")
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="replies")
    state = models.CharField(
        _("state"), max_length=16, choices=ReplyState.choices, default=ReplyState.NOT_OPENED
    )
    attending = models.BooleanField(_("attending"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    estimated_participants = models.PositiveSmallIntegerField(
        _("estimated number of participants"), null=True, blank=True
    )
    # The designated focal point and a backup for this meeting (people of the directory).
    focal_point = models.ForeignKey(
        "directory.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("designated focal point"),
    )
    backup_focal_point = models.ForeignKey(
        "directory.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("backup focal point"),
    )
    entered_on_behalf = models.BooleanField(
        _("entered by the secretariat"),
        default=False,
        help_text=_("The answer came by letter or fax and staff typed it in."),
    )
    opened_at = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReplyQuerySet.as_manager()
    # When two organisations are merged, one reply per meeting survives on the kept one.
    merge_unique_with = "meeting"

    class Meta:
        ordering = ["meeting", "organisation"]
        verbose_name = _("reply")
        verbose_name_plural = _("replies")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "meeting"], name="one_reply_per_organisation_and_meeting"
            ),
            models.CheckConstraint(
                condition=~Q(state=ReplyState.DECLINED) | Q(attending=False),
                name="declined_reply_is_not_attending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} / {self.meeting}"

    @property
    def head_level(self) -> str:
        """The protocol level of the head of delegation ("" when no head or no level)."""
        level = self.delegates.filter(is_head=True).values_list("protocol_level", flat=True)
        return next(iter(level), "")

    @property
    def head_level_label(self) -> str:
        level = self.head_level
        return str(ProtocolLevel(level).label) if level in ProtocolLevel.values else ""


class Delegate(models.Model):
    """A member of a delegation as named in the reply. Seats may be held before the names
    exist: the estimate can exceed the names given."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="delegates")
    position = models.PositiveSmallIntegerField(default=0)
    is_head = models.BooleanField(_("head of delegation"), default=False)
    title = models.CharField(_("title"), max_length=50, blank=True)
    given_name = models.CharField(_("given name"), max_length=150, blank=True)
    family_name = models.CharField(_("family name"), max_length=150)
    function = models.CharField(_("function"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    nationality = models.CharField(_("nationality"), max_length=2, blank=True)
    gender = models.CharField(
        _("gender"),
        max_length=8,
        choices=Gender.choices,
        blank=True,
        help_text=_("Optional, used only for anonymous statistics."),
    )
    consent_to_publish = models.BooleanField(
        _("may appear on the published List of Participants"), default=False
    )
    affiliation = models.CharField(
        _("affiliation"),
        max_length=200,
        blank=True,
        help_text=_("The employer, when it is not the nominating organisation."),
    )
    relationship = models.CharField(
        _("relationship to the organisation"),
        max_length=16,
        choices=Relationship.choices,
        blank=True,
    )
    # A returning delegate: the same person in the delegation of an earlier meeting of the
    # process, copied from it (delegations.returning); they confirm by their own link.
    returning_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("returning from"),
    )
    confirmed_at = models.DateTimeField(_("confirmed coming"), null=True, blank=True)
    # Empty: the default of the organisation's category (participant_types.type_of).
    participant_type = models.ForeignKey(
        ParticipantType,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("participant type"),
    )
    # The head's level is the delegation's (`head_level`): the letter asks for the highest.
    protocol_level = models.CharField(
        _("protocol level"), max_length=20, choices=ProtocolLevel.choices, blank=True
    )
    online = models.BooleanField(
        _("takes part online only"),
        default=False,
        help_text=_("No badge and no entry: a link to the online access details instead."),
    )

    class Meta:
        ordering = ["reply", "-is_head", "position", "id"]
        verbose_name = _("delegate")
        verbose_name_plural = _("delegates")
        # The reports count delegates per reply and gender from this index alone.
        indexes = [
            models.Index(fields=["reply", "gender"], name="delegate_reply_gender"),
            # The accreditation list sorted by delegate.
            models.Index(fields=["family_name", "given_name"], name="delegate_name"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["reply"], condition=Q(is_head=True), name="one_head_per_delegation"
            )
        ]

    def __str__(self) -> str:
        return " ".join(part for part in (self.title, self.given_name, self.family_name) if part)

    @property
    def awaits_confirmation(self) -> bool:
        """A returning delegate who has not yet confirmed by their own link."""
        return self.returning_from_id is not None and self.confirmed_at is None


class ChangeRequest(models.Model):
    """A change a focal point asks for after the deadline, for the secretariat to decide."""

    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="change_requests")
    proposed = models.JSONField(_("proposed reply"))
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(
        max_length=16, choices=ChangeRequestStatus.choices, default=ChangeRequestStatus.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.reply} ({self.status})"


class JoinRequest(models.Model):
    """A person asking, through the public page, to join an organisation's delegation to a
    meeting. The organisation's focal point (or, while it has none, the secretariat)
    accepts or declines it; once accepted the person is a delegate (`delegate`).

    The confirmation link sent to `email` is stored by its hash only (lib.tokens),
    expires and is revoked once used."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="join_requests")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="join_requests"
    )
    given_name = models.CharField(_("given name"), max_length=150, blank=True)
    family_name = models.CharField(_("family name"), max_length=150)
    function = models.CharField(_("function"), max_length=200, blank=True)
    email = models.EmailField(_("email"))
    nationality = models.CharField(_("nationality"), max_length=2, blank=True)
    affiliation = models.CharField(_("affiliation"), max_length=200, blank=True)
    relationship = models.CharField(
        _("relationship to the organisation"),
        max_length=16,
        choices=Relationship.choices,
        blank=True,
    )
    message = models.TextField(_("message"), blank=True)
    # The language the person wrote in: the emails to them are in it.
    language = models.CharField(max_length=8, blank=True)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=JoinRequestStatus.choices,
        default=JoinRequestStatus.UNCONFIRMED,
    )
    email_confirmed_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.CharField(_("decided by"), max_length=200, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    # Someone already in a delegation to the meeting may be this person (join_requests.
    # possible_duplicates): only staff may then accept, after checking.
    possible_duplicate = models.BooleanField(_("possibly already accredited"), default=False)
    duplicate_notes = models.TextField(_("possible duplicates"), blank=True)
    # A flagged request the organisation accepted, waiting for the secretariat's check.
    organisation_accepted_at = models.DateTimeField(null=True, blank=True)
    delegate = models.ForeignKey(
        Delegate, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The email confirmation link: only its hash, expiring, revoked once used.
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    token_revoked_at = models.DateTimeField(null=True, blank=True)
    # When the focal point was last told of it (in a digest).
    notified_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("request to join")
        verbose_name_plural = _("requests to join")
        indexes = [
            models.Index(fields=["organisation", "meeting", "status"], name="join_request_inbox"),
            models.Index(fields=["meeting", "status"], name="join_request_meeting"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=JoinRequestStatus.DECLINED) | Q(decided_at__isnull=False),
                name="declined_join_request_has_time",
            ),
        ]

    def __str__(self) -> str:
        name = " ".join(part for part in (self.given_name, self.family_name) if part)
        return f"{name} → {self.organisation_id} ({self.status})"

    @property
    def name(self) -> str:
        return " ".join(part for part in (self.given_name, self.family_name) if part)


def in_delegation(prefix: str = "") -> Q:
    """Delegates still in their delegation (as `services.active_delegates`): not those kept
    only for their withdrawn or revoked accreditation. `prefix` reaches them from another
    model ("delegates__")."""
    return Q(**{f"{prefix}accreditation__isnull": True}) | ~Q(
        **{f"{prefix}accreditation__status__in": DETACHED}
    )


def head_level(reply: str = "pk") -> Subquery:
    """The protocol level of the head of the reply whose id is the outer query's column
    `reply` ("" or None when nobody heads it): the level of the delegation, which the
    tracker, the exports and the figures read."""
    heads = Delegate.objects.filter(reply=OuterRef(reply), is_head=True).values("protocol_level")[
        :1
    ]
    return Subquery(heads, output_field=models.CharField())
