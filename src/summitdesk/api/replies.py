"""Invitations and replies in the REST API: read them, and write a reply on an
organisation's behalf (it answered by letter or fax to a system that speaks to ours).

A reply is written through `delegations.services.save_reply`, the function the back
office's reply page calls, with the token as actor: the same checks (`problems`, given
field by field), the same reconciliation of the delegation and its accreditations, the
same audit entry. Like the back office, and unlike the portal, the API may still change a
reply after the reply deadline.
"""

from dataclasses import asdict, replace
from datetime import datetime
from typing import Any, Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import field_validator

from summitdesk.api.common import (
    DEFAULT_LIMIT,
    ERRORS,
    NOT_BLANK,
    WRITE_ERRORS,
    ChangeRecord,
    Id,
    Page,
    actor,
    changes_operation,
    error,
    feed_record_leaving,
    one_or_404,
    optional,
    page_of,
    scope,
    stale_as_412,
    version_matched,
    with_etag,
)
from summitdesk.core.models import AuditEntry
from summitdesk.correspondence.models import Invitation
from summitdesk.credentials import queries as credentials_queries
from summitdesk.credentials.enums import CredentialsState
from summitdesk.delegations import returning, services
from summitdesk.delegations.enums import Gender, ProtocolLevel, Relationship, ReplyState
from summitdesk.delegations.models import Reply, head_level
from summitdesk.delegations.participant_types import type_of, types_of
from summitdesk.delegations.services import DelegateData, PersonData, ReplyData
from summitdesk.directory.models import Organisation
from summitdesk.directory.validators import (
    COUNTRY_CODE_PATTERN,
    MAX_LENGTH,
    Affiliation,
    FamilyName,
    Function,
    GivenName,
    Phone,
    Title,
)
from summitdesk.lib.countries import COUNTRY_REGIONS
from summitdesk.meetings.models import Meeting
from summitdesk.reports import figures

invitations = Router(tags=["invitations"])
replies = Router(tags=["replies"])

OBJECT_TYPE = Reply._meta.label_lower
FEED_ACTIONS = {
    "summitdesk.reply.opened": "opened",
    "summitdesk.reply.saved": "updated",
    "summitdesk.reply.submitted": "submitted",
    "summitdesk.reply.change_requested": "change_requested",
    "summitdesk.reply.change_accepted": "updated",
    "summitdesk.reply.change_refused": "change_refused",
}
MAX_ESTIMATE = 999


# Shapes


class ReplyOrganisation(Schema):
    id: int
    name: str
    acronym: str
    country: str
    region: str = Field(description="The region of its country (empty when unknown).")


class InvitationOut(Schema):
    id: int
    circular: str = Field(description="The circular's reference.")
    meeting: str = Field(description="The meeting's code.")
    organisation: ReplyOrganisation
    language: str
    answered: bool = Field(
        description="The organisation has answered about the meeting (by any circular)."
    )
    replied_at: datetime | None
    created_at: datetime


class InvitationFilter(Schema):
    meeting: str | None = Field(None, max_length=50, description="A meeting's code.")
    circular: str | None = Field(None, max_length=50, description="A circular's reference.")
    organisation: Id | None = Field(None, description="An organisation's id.")
    answered: bool | None = None

    @field_validator("meeting", "circular")
    @classmethod
    def _plain(cls, value: str | None) -> str | None:
        return None if value is None else text(value)


def text(value: str) -> str:
    """PostgreSQL refuses the NUL character in text: a clear 422 instead of an error."""
    if "\x00" in value:
        raise ValueError(_("Text cannot contain the NUL character."))
    return value.strip()


class _PersonIn(Schema):
    """What a focal point and a delegate are both given by, checked the same way."""

    title: Title = ""
    given_name: GivenName = ""
    family_name: FamilyName = Field(
        min_length=1, json_schema_extra={"allOf": [{"pattern": NOT_BLANK}]}
    )
    function: Function = ""
    email: str = Field(
        "",
        max_length=MAX_LENGTH["email"],
        json_schema_extra={"anyOf": optional("email", MAX_LENGTH["email"])["anyOf"]},
    )

    @field_validator("family_name")
    @classmethod
    def _named(cls, value: str) -> str:
        if not value:
            raise ValueError(_("Give the family name."))
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        return _valid_email(value)


class FocalPointIn(_PersonIn):
    phone: Phone = ""


class FocalPointOut(Schema):
    title: str
    given_name: str
    family_name: str
    function: str
    email: str
    phone: str


def _valid_email(value: str) -> str:
    value = text(value)
    if value:
        try:
            validate_email(value)
        except ValidationError:
            raise ValueError(_("Enter a valid email address.")) from None
    return value


class ReplyDelegateIn(_PersonIn):
    nationality: str = Field(
        "",
        max_length=MAX_LENGTH["nationality"],
        description="ISO 3166 alpha-2, or empty.",
        json_schema_extra={"pattern": COUNTRY_CODE_PATTERN},
    )
    gender: Gender = Field(Gender.UNSAID, description="Only for anonymous statistics.")
    consent_to_publish: bool = False
    is_head: bool = False
    affiliation: Affiliation = Field("", description="The employer, if not the organisation.")
    relationship: Relationship | Literal[""] = ""
    protocol_level: ProtocolLevel | Literal[""] = Field(
        "", description="The head's level is the delegation's (`head_level`)."
    )
    online: bool = Field(False, description="Takes part online only: no badge, no entry.")
    participant_type: str | None = Field(
        None,
        max_length=40,
        description="The code of one of the meeting's participant types; empty: the "
        "default of the organisation's category; left out: unchanged.",
    )

    @field_validator("nationality")
    @classmethod
    def _country(cls, value: str) -> str:
        value = text(value).upper()
        if value and value not in COUNTRY_REGIONS:
            raise ValueError(_("Give an ISO 3166 country code, such as CH."))
        return value


class ReplyDelegateOut(Schema):
    id: int
    title: str
    given_name: str
    family_name: str
    function: str
    email: str
    nationality: str
    consent_to_publish: bool
    is_head: bool
    affiliation: str
    relationship: str
    protocol_level: str
    online: bool
    participant_type: str = Field(
        description="The participant type's code (the default when none set)."
    )
    accreditation: int | None = Field(description="The delegate's accreditation id, if any.")
    returning_from: str | None = Field(
        description="A returning delegate: the code of the earlier meeting they were copied from."
    )
    confirmed: bool | None = Field(
        description="Whether a returning delegate confirmed through their own link (null when "
        "not returning)."
    )


def _read_only_head_level(value: object) -> None:
    if value is not None:
        raise ValueError(_("Read only: give the protocol_level of the head of delegation instead."))


class ReplyIn(Schema):
    """The whole reply, as the back office's reply page takes it."""

    submit: bool = Field(
        False,
        description="Submit (first time: submitted; then: amended; not attending: declined); "
        "else saved as a draft (a reply already answered becomes amended).",
    )
    attending: bool | None = None
    decline_reason: str = Field("", max_length=2000)
    estimated_participants: int | None = Field(None, ge=1, le=MAX_ESTIMATE)
    focal_point: FocalPointIn | None = None
    backup_focal_point: FocalPointIn | None = None
    delegates: list[ReplyDelegateIn] = Field(
        default_factory=list, max_length=services.MAX_DELEGATES
    )
    head_level: None = Field(
        None, description="Read only: the head of delegation's `protocol_level` says it."
    )

    @field_validator("decline_reason")
    @classmethod
    def _plain(cls, value: str) -> str:
        return text(value)

    @field_validator("head_level", mode="before")
    @classmethod
    def _head_level(cls, value: object) -> None:
        _read_only_head_level(value)


class ReplyPatch(Schema):
    """Only the fields given change; the others keep their value. A list of delegates given
    replaces the delegation (members are matched by email, then by name)."""

    submit: bool = False
    attending: bool | None = None
    decline_reason: str | None = Field(None, max_length=2000)
    estimated_participants: int | None = Field(None, ge=1, le=MAX_ESTIMATE)
    focal_point: FocalPointIn | None = None
    backup_focal_point: FocalPointIn | None = None
    delegates: list[ReplyDelegateIn] | None = Field(None, max_length=services.MAX_DELEGATES)
    head_level: None = Field(
        None, description="Read only: the head of delegation's `protocol_level` says it."
    )

    @field_validator("decline_reason")
    @classmethod
    def _plain(cls, value: str | None) -> str | None:
        return None if value is None else text(value)

    @field_validator("head_level", mode="before")
    @classmethod
    def _head_level(cls, value: object) -> None:
        _read_only_head_level(value)


class NewReply(ReplyIn):
    organisation: Id = Field(description="The organisation answering.")
    meeting: str = Field(max_length=50, description="The meeting's code.")

    @field_validator("meeting")
    @classmethod
    def _code(cls, value: str) -> str:
        return text(value)


class ReplySummary(Schema):
    id: int
    organisation: ReplyOrganisation
    meeting: str
    state: ReplyState
    attending: bool | None
    estimated_participants: int | None
    head_level: str = Field(description="The head of delegation's protocol level (read only).")
    entered_on_behalf: bool
    submitted_at: datetime | None
    updated_at: datetime
    delegates_registered: int = Field(
        description="Delegates the reply registers: named in it while it is submitted or "
        "amended, less those whose accreditation was withdrawn or revoked (a draft or a "
        "declined reply registers nobody). The tracker, exports and statistics count the same."
    )
    credentials: CredentialsState = Field(
        description="The delegation's credentials: the Credentials Committee's finding "
        "(in_order, provisional, not_in_order, missing), else received (to examine) or "
        "missing; not_required when the meeting does not ask its category."
    )


class ReplyOut(ReplySummary):
    decline_reason: str
    focal_point: FocalPointOut | None
    backup_focal_point: FocalPointOut | None
    delegates: list[ReplyDelegateOut]
    deadline: datetime | None = Field(description="The latest reply deadline of the circulars.")


class ReplyFilter(Schema):
    meeting: str | None = Field(None, max_length=50, description="A meeting's code.")
    state: ReplyState | None = None
    organisation: Id | None = Field(None, description="An organisation's id.")

    @field_validator("meeting")
    @classmethod
    def _plain(cls, value: str | None) -> str | None:
        return None if value is None else text(value)


class ReplyChange(ChangeRecord):
    state: str | None = Field(
        None, description="The state the change left (null when the state did not change)."
    )


class ReplyFeed(Schema):
    items: list[ReplyChange]
    next_since: int


# Representations


def _organisation(organisation: Organisation) -> dict[str, Any]:
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "acronym": organisation.acronym,
        "country": organisation.country,
        "region": organisation.region,
    }


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def represent_invitation(invitation: Invitation) -> dict[str, Any]:
    return {
        "id": invitation.pk,
        "circular": invitation.circular.reference,
        "meeting": invitation.circular.meeting.code,
        "organisation": _organisation(invitation.organisation),
        "language": invitation.language,
        "answered": bool(getattr(invitation, "answered", invitation.replied_at)),
        "replied_at": _when(invitation.replied_at),
        "created_at": _when(invitation.created_at),
    }


def summarise(reply: Reply) -> dict[str, Any]:
    return {
        "id": reply.pk,
        "organisation": _organisation(reply.organisation),
        "meeting": reply.meeting.code,
        "state": reply.state,
        "attending": reply.attending,
        "estimated_participants": reply.estimated_participants,
        "head_level": _head_level(reply),
        "entered_on_behalf": reply.entered_on_behalf,
        "submitted_at": _when(reply.submitted_at),
        "updated_at": _when(reply.updated_at),
        "delegates_registered": _registered(reply),
        "credentials": _credentials(reply),
    }


def _credentials(reply: Reply) -> str:
    """Annotated on a list (`with_credentials_state`), else read for the one reply."""
    if hasattr(reply, "credentials_policy"):
        return credentials_queries.annotated_state(reply).value
    return credentials_queries.credentials_state(reply).value


def _head_level(reply: Reply) -> str:
    """Annotated on a list (`head_protocol_level`), else read for the one reply."""
    level = getattr(reply, "head_protocol_level", None)
    return str(level or "") if hasattr(reply, "head_protocol_level") else reply.head_level


def _registered(reply: Reply) -> int:
    """Annotated on a list (`registered`), else counted for the one reply."""
    counted = getattr(reply, "registered", None)
    if counted is None:
        counted = figures.registered_per_reply([reply.pk]).get(reply.pk, 0)
    return int(counted)


def represent(reply: Reply) -> dict[str, Any]:
    """The reply as the API shows it (and as its ETag is computed)."""
    data = services.reply_data(reply)
    delegates = services.active_delegates(reply).select_related(
        "accreditation", "participant_type", "reply__organisation", "returning_from__reply__meeting"
    )
    types = types_of(reply.meeting_id)
    deadline = services.deadline(reply)
    return summarise(reply) | {
        "decline_reason": reply.decline_reason,
        "focal_point": asdict(data.focal_point) if data.focal_point else None,
        "backup_focal_point": asdict(data.backup_focal_point) if data.backup_focal_point else None,
        "delegates": [
            {
                "id": delegate.pk,
                "title": delegate.title,
                "given_name": delegate.given_name,
                "family_name": delegate.family_name,
                "function": delegate.function,
                "email": delegate.email,
                "nationality": delegate.nationality,
                "consent_to_publish": delegate.consent_to_publish,
                "is_head": delegate.is_head,
                "affiliation": delegate.affiliation,
                "relationship": delegate.relationship,
                "protocol_level": delegate.protocol_level,
                "online": delegate.online,
                "participant_type": getattr(type_of(delegate, types), "code", ""),
                "accreditation": getattr(getattr(delegate, "accreditation", None), "pk", None),
                **returning.summary(delegate),
            }
            for delegate in delegates
        ],
        "deadline": _when(deadline),
    }


def _replies() -> QuerySet[Reply]:
    return Reply.objects.select_related(
        "organisation", "meeting", "focal_point", "backup_focal_point"
    )


def _one(reply_id: int) -> Reply:
    return one_or_404(_replies(), reply_id, _("No reply with this id."))


# Invitations


@invitations.get("", response={200: Page[InvitationOut], 304: None, **ERRORS})
@scope("replies:read")
def list_invitations(
    request: HttpRequest,
    filters: Query[InvitationFilter],
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> HttpResponse:
    """The circulars as sent to each organisation, in id order, page by page."""
    answered = Reply.objects.answered().filter(
        organisation=OuterRef("organisation"), meeting=OuterRef("circular__meeting")
    )
    found = Invitation.objects.select_related("circular__meeting", "organisation").annotate(
        answered=Exists(answered)
    )
    if filters.meeting:
        found = found.filter(circular__meeting__code=filters.meeting)
    if filters.circular:
        found = found.filter(circular__reference=filters.circular)
    if filters.organisation is not None:
        found = found.filter(organisation=filters.organisation)
    if filters.answered is not None:
        awaiting = Invitation.objects.awaiting_reply().values("pk")
        found = (
            found.exclude(pk__in=awaiting) if filters.answered else found.filter(pk__in=awaiting)
        )
    return page_of(request, found, cursor=cursor, limit=limit, serialize=represent_invitation)


# Replies


@replies.get("", response={200: Page[ReplySummary], 304: None, **ERRORS})
@scope("replies:read")
def list_replies(
    request: HttpRequest,
    filters: Query[ReplyFilter],
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> HttpResponse:
    """Replies in id order, page by page; the delegation is given by `GET /replies/{id}`."""
    found = credentials_queries.with_credentials_state(
        Reply.objects.select_related("organisation", "meeting").annotate(
            registered=figures.registered_of_reply("pk"), head_protocol_level=head_level()
        )
    )
    if filters.meeting:
        found = found.filter(meeting__code=filters.meeting)
    if filters.state:
        found = found.filter(state=filters.state)
    if filters.organisation is not None:
        found = found.filter(organisation=filters.organisation)
    return page_of(request, found, cursor=cursor, limit=limit, serialize=summarise)


@changes_operation(replies, [OBJECT_TYPE], read_scope="replies:read", feed=ReplyFeed, etag=False)
def reply_changes(entry: AuditEntry) -> dict[str, Any]:
    """What changed after `since` (the `next_since` of the previous call; 0 at first)."""
    return feed_record_leaving(entry, "replies", actions=FEED_ACTIONS, field="state")


@replies.get("/{int:reply_id}", response={200: ReplyOut, 304: None, **ERRORS})
@scope("replies:read")
def get_reply(request: HttpRequest, reply_id: Id) -> HttpResponse:
    """One reply with its delegation, and an `ETag` to send as `If-Match` when changing it."""
    return with_etag(request, represent(_one(reply_id)))


def _reply_data(given: ReplyIn | ReplyPatch, current: ReplyData) -> ReplyData:
    """The reply to save: for a PUT, the reply given; for a PATCH, `current` with the
    fields given (a delegation left out, or null, stays as it is)."""
    values = given.model_dump(
        mode="json", exclude_unset=True, exclude={"submit", "organisation", "meeting", "head_level"}
    )
    changes: dict[str, Any] = {}
    for name, value in values.items():
        if name in ("focal_point", "backup_focal_point"):
            changes[name] = PersonData(**value) if value else None
        elif name == "delegates":
            if value is not None:
                changes[name] = [DelegateData(**member) for member in value]
        elif name == "decline_reason":
            changes[name] = value or ""
        else:
            changes[name] = value
    return replace(ReplyData() if isinstance(given, ReplyIn) else current, **changes)


def _check(data: ReplyData, *, submit: bool) -> None:
    """422 with the problems `services.problems` finds, field by field."""
    found = services.problems(data, submitting=submit)
    if found:
        error(
            422,
            _("The reply cannot be saved as it is."),
            {name: [message] for name, message in found.items()},
        )


def _save(
    request: HttpRequest,
    reply: Reply,
    data: ReplyData,
    *,
    submit: bool,
    expected_version: str | None = None,
) -> None:
    _check(data, submit=submit)
    try:
        with stale_as_412():
            services.save_reply(
                reply, data, submit=submit, actor=actor(request), expected_version=expected_version
            )
    except services.ReplyError as refused:
        error(409, str(refused))


def _write(request: HttpRequest, reply_id: int, given: ReplyIn | ReplyPatch) -> HttpResponse:
    reply = _one(reply_id)
    # save_reply locks the reply and refuses it if it changed after this read.
    version = version_matched(request, represent(reply), reply)
    data = _reply_data(given, services.reply_data(reply))
    _save(request, reply, data, submit=given.submit, expected_version=version)
    return with_etag(request, represent(_one(reply_id)))


@replies.put("/{int:reply_id}", response={200: ReplyOut, **WRITE_ERRORS})
@scope("replies:write")
def replace_reply(request: HttpRequest, reply_id: Id, body: ReplyIn) -> HttpResponse:
    """Replace the reply on the organisation's behalf (fields left out are emptied; the
    delegation becomes the list given). `If-Match` with the reply's ETag is required."""
    return _write(request, reply_id, body)


@replies.patch("/{int:reply_id}", response={200: ReplyOut, **WRITE_ERRORS})
@scope("replies:write")
def change_reply(request: HttpRequest, reply_id: Id, body: ReplyPatch) -> HttpResponse:
    """Change some fields of the reply on the organisation's behalf. `If-Match` required."""
    return _write(request, reply_id, body)


@replies.post("", response={201: ReplyOut, **WRITE_ERRORS})
@scope("replies:write")
def create_reply(request: HttpRequest, body: NewReply) -> HttpResponse:
    """Enter the reply of an organisation that has none about the meeting yet (one that
    has: `PUT /replies/{id}`)."""
    organisation = Organisation.objects.current().filter(pk=body.organisation).first()
    meeting = Meeting.objects.filter(code=body.meeting).first()
    problems: dict[str, list[str]] = {}
    if organisation is None:
        problems["organisation"] = [_("No current organisation with this id.")]
    if meeting is None:
        problems["meeting"] = [_("No meeting with this code.")]
    if organisation is None or meeting is None:
        error(422, _("The reply cannot be saved as it is."), problems)
    with transaction.atomic():
        if Reply.objects.filter(organisation=organisation, meeting=meeting).exists():
            error(
                409,
                _("This organisation already has a reply about this meeting: change it with PUT."),
            )
        data = _reply_data(body, ReplyData())
        _check(data, submit=body.submit)
        reply = services.reply_for(organisation, meeting)
        _save(request, reply, data, submit=body.submit)
    return with_etag(request, represent(_one(reply.pk)), status=201)
