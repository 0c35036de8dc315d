"""Replies: what an organisation answers about a meeting, and who it sends.

Portal, back office, API and tasks all call these functions. Each is atomic and writes
one audit entry naming the channel (portal, staff on behalf, API). Emails leave only from
tasks (delegations.tasks), enqueued in the same transaction.

What a reply says (`ReplyData`...) lives in the leaf module delegations.data and its
deadline in delegations.deadlines, which the emails and the accreditation app read
without importing these services; both are named here too, for their callers.
"""

from dataclasses import asdict, fields, replace
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.accreditation.enums import DETACHED, AccreditationStatus
from summitdesk.admission.enums import AdmissionStatus
from summitdesk.admission.review import standing_closed
from summitdesk.core import audit, versions
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.correspondence import reply_links
from summitdesk.correspondence.models import Invitation, ReplyLink
from summitdesk.delegations import duplicates, emails, join_emails, signals
from summitdesk.delegations.data import DelegateData as DelegateData
from summitdesk.delegations.data import PersonData as PersonData
from summitdesk.delegations.data import ReplyData as ReplyData
from summitdesk.delegations.deadlines import deadline as deadline
from summitdesk.delegations.enums import (
    ChangeRequestStatus,
    ProtocolLevel,
    Relationship,
    ReplyState,
)
from summitdesk.delegations.models import ChangeRequest, Delegate, Reply
from summitdesk.directory import services as directory_services
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Organisation, Person, Position
from summitdesk.lib.text import fold
from summitdesk.meetings.models import Meeting, ParticipantType

REPLY_FIELDS = (
    "state",
    "attending",
    "decline_reason",
    "estimated_participants",
    "focal_point",
    "backup_focal_point",
    "entered_on_behalf",
)
ANSWERED = (ReplyState.SUBMITTED, ReplyState.AMENDED, ReplyState.DECLINED)
MAX_DELEGATES = 200
#: How long a staff member's "open as this organisation" link works.
STAFF_LINK_LIFETIME = timedelta(hours=1)


class ReplyError(Exception):
    """A reply refused, with a message for the person who gave it."""


class ReplyClosed(ReplyError):
    """The deadline has passed: changes from the portal become a request to the secretariat."""


class AdmissionClosed(ReplyError):
    """The organisation's admission to the meeting's process is suspended or withdrawn:
    it may not reply until staff reinstate it."""


def refuse_if_not_admitted(reply: Reply) -> None:
    """Raise AdmissionClosed when the reply's organisation is suspended or withdrawn from
    the meeting's process."""
    closed = standing_closed(reply.organisation_id, reply.meeting.process_id)
    if closed is None:
        return
    if closed.status == AdmissionStatus.SUSPENDED:
        raise AdmissionClosed(
            _(
                "Your organisation's admission is suspended: replies are closed. "
                "Contact the secretariat."
            )
        )
    raise AdmissionClosed(
        _(
            "Your organisation's admission was withdrawn: replies are closed. "
            "Contact the secretariat."
        )
    )


def reply_for(organisation: Organisation, meeting: Meeting) -> Reply:
    """The one reply of `organisation` about `meeting`, created on first use."""
    reply, _created = Reply.objects.get_or_create(organisation=organisation, meeting=meeting)
    return reply


def accepts_changes(reply: Reply, *, now: datetime | None = None) -> bool:
    """Whether the portal may still change the reply itself (before the deadline)."""
    limit = deadline(reply)
    return limit is None or (now or timezone.now()) <= limit


def reply_data(reply: Reply) -> ReplyData:
    """The reply as it stands, in the shape the services take (forms start from it)."""

    # A focal point's function is that of their position in the directory (_save_focal_points).
    functions = {
        (person_id, role): function
        for person_id, role, function in Position.objects.filter(
            organisation=reply.organisation_id,
            person__in=[reply.focal_point_id, reply.backup_focal_point_id],
            role__in=[PositionRole.FOCAL_POINT, PositionRole.BACKUP_FOCAL_POINT],
        ).values_list("person_id", "role", "function")
    }

    def person(value: Person | None, role: PositionRole) -> PersonData | None:
        if value is None:
            return None
        return PersonData(
            title=value.title,
            given_name=value.given_name,
            family_name=value.family_name,
            function=functions.get((value.pk, role), ""),
            email=value.email,
            phone=value.phone,
        )

    return ReplyData(
        attending=reply.attending,
        decline_reason=reply.decline_reason,
        estimated_participants=reply.estimated_participants,
        focal_point=person(reply.focal_point, PositionRole.FOCAL_POINT),
        backup_focal_point=person(reply.backup_focal_point, PositionRole.BACKUP_FOCAL_POINT),
        delegates=[
            DelegateData(
                family_name=d.family_name,
                given_name=d.given_name,
                title=d.title,
                function=d.function,
                email=d.email,
                nationality=d.nationality,
                gender=d.gender,
                consent_to_publish=d.consent_to_publish,
                is_head=d.is_head,
                affiliation=d.affiliation,
                relationship=d.relationship,
                returning_from_id=d.returning_from_id,
                protocol_level=d.protocol_level,
                online=d.online,
                participant_type=d.participant_type.code if d.participant_type else "",
            )
            for d in active_delegates(reply).select_related("participant_type")
        ],
    )


@transaction.atomic
def open_reply(reply: Reply, *, actor: Actor) -> None:
    """The link was opened: not opened -> opened (once)."""
    updated = Reply.objects.filter(pk=reply.pk, state=ReplyState.NOT_OPENED).update(
        state=ReplyState.OPENED, opened_at=timezone.now()
    )
    if updated:
        reply.refresh_from_db()
        audit.record(
            reply,
            "summitdesk.reply.opened",
            actor=actor,
            changes={"state": [ReplyState.NOT_OPENED, ReplyState.OPENED]},
            organisation_id=reply.organisation_id,
        )


def problems(data: ReplyData, *, submitting: bool) -> dict[str, str]:
    """What is wrong with `data`, by field; a draft is only checked for consistency."""
    found: dict[str, str] = {}
    if data.attending is False:
        return found  # a declining reply sends nobody: its delegation is dropped
    named = len(data.delegates)
    if named > MAX_DELEGATES:
        found["delegates"] = _("A delegation can list at most %(max)d people.") % {
            "max": MAX_DELEGATES
        }
    if data.estimated_participants is not None and data.estimated_participants < named:
        found["estimated_participants"] = _(
            "The estimate (%(estimate)d) is lower than the %(named)d people named."
        ) % {"estimate": data.estimated_participants, "named": named}
    heads = [d for d in data.delegates if d.is_head]
    if len(heads) > 1:
        found["delegates"] = _("Only one person can head the delegation.")
    if any(d.protocol_level not in ("", *ProtocolLevel.values) for d in data.delegates):
        found["delegates"] = _("Choose each person's protocol level from the list.")
    if any(d.relationship not in ("", *Relationship.values) for d in data.delegates):
        found["delegates"] = _("Choose each person's relationship from the list.")
    if not submitting:
        return found
    if data.attending is None:
        found["attending"] = _("Say whether your organisation will attend.")
    elif data.attending:
        if not data.focal_point or not data.focal_point.family_name:
            found["focal_point"] = _("Name the designated focal point.")
        elif not data.focal_point.email:
            found["focal_point"] = _("Give the focal point's email address.")
        if not data.estimated_participants:
            found["estimated_participants"] = _("Estimate the number of participants.")
        # Seats are held with the estimate alone, as the letter asks: the head of
        # delegation and their level are asked for once people are named.
        if named and not heads:
            found["delegates"] = _("Mark the head of delegation among the people named.")
        if heads and not heads[0].protocol_level:
            found["head_level"] = _("Give the protocol level of the head of delegation.")
    return found


def _save_person(
    current: Person | None, data: PersonData | None, *, reply: Reply, actor: Actor
) -> Person | None:
    """The person named: the current one updated when it is the same person (same email,
    or same family name without an email), else a new person of the directory."""
    if data is None or not data.family_name:
        return None
    values = {
        "title": data.title,
        "given_name": data.given_name,
        "family_name": data.family_name,
        "email": data.email,
        "phone": data.phone,
    }
    same = current is not None and (
        (data.email and current.email.lower() == data.email.lower())
        or (not data.email and current.family_name == data.family_name)
    )
    person = current if same and current is not None else Person()
    directory_services.save_person(person, values, organisation=reply.organisation, actor=actor)
    return person


def _save_focal_points(reply: Reply, data: ReplyData, *, actor: Actor) -> None:
    """The focal points named in the reply hold that position in the directory, with the
    function given (Person has none: a function belongs to a position)."""
    named = (
        (reply.focal_point, data.focal_point, PositionRole.FOCAL_POINT),
        (reply.backup_focal_point, data.backup_focal_point, PositionRole.BACKUP_FOCAL_POINT),
    )
    for person, given, role in named:
        if person is not None and given is not None:
            directory_services.assign_position(
                reply.organisation, person, role=role, function=given.function, actor=actor
            )


def _delegate_line(delegate: Delegate) -> str:
    head = " (head)" if delegate.is_head else ""
    function = f", {delegate.function}" if delegate.function else ""
    return f"{delegate}{head}{function}"


def _delegates_summary(delegates: list[Delegate]) -> list[str]:
    """One line per member, in the delegation's order (the head first, then by position)."""
    ordered = sorted(delegates, key=lambda d: (not d.is_head, d.position, d.pk))
    return [_delegate_line(d) for d in ordered]


# What identifies a member, and what an edit may change about them (position is the order
# of the list: shown by the "delegates" summary, not member by member).
DELEGATE_DATA_FIELDS = tuple(f.name for f in fields(DelegateData))
#: Those stored as they are (the participant type is a code, stored as its row).
DELEGATE_FIELDS = tuple(name for name in DELEGATE_DATA_FIELDS if name != "participant_type")


#: What a badge and the List of Participants show of a person: a change to any of them on
#: an approved delegate may put someone else behind the approval.
IDENTITY_FIELDS = ("title", "given_name", "family_name")
#: Who may correct an approved delegate's name and keep the approval: staff correct a
#: spelling; through the portal or the API, another person may be put on the badge.
STAFF_CHANNELS = (Channel.BACKOFFICE, Channel.CLI, Channel.IMPORT)


def identity_changes(reply: Reply, data: ReplyData) -> list[tuple[Delegate, DelegateData]]:
    """The approved delegates of `reply` whose title or names `data` would change, each
    with what they would become (matched as `save_reply` matches them): what the portal
    asks the focal point to confirm before saving."""
    if data.attending is False:
        return []
    existing = list(active_delegates(reply).select_related("accreditation"))
    found = []
    for delegate, member in zip(
        _match_delegates(existing, data.delegates), data.delegates, strict=True
    ):
        accreditation = getattr(delegate, "accreditation", None) if delegate else None
        if delegate is None or accreditation is None:
            continue
        if accreditation.status != AccreditationStatus.APPROVED:
            continue
        if any(getattr(delegate, name) != getattr(member, name) for name in IDENTITY_FIELDS):
            found.append((delegate, member))
    return found


def _email_key(email: str) -> str:
    return email.strip().casefold()


def _name_key(family_name: str, given_name: str) -> tuple[str, str]:
    return (fold(" ".join(family_name.split())), fold(" ".join(given_name.split())))


def same_name(one: DelegateData, other: DelegateData) -> bool:
    """Whether two members have the same family and given names (accents, case and spacing
    aside), as `_match_delegates` compares them."""
    return _name_key(one.family_name, one.given_name) == _name_key(
        other.family_name, other.given_name
    )


def _match_delegates(
    existing: list[Delegate], incoming: list[DelegateData]
) -> list[Delegate | None]:
    """For each member named, the delegate of the same reply they are (None: a new member).

    Identity is never taken from outside: only the existing delegates of this reply can
    match, each at most once; first by email (case-insensitive) when both have one, then,
    for those still unmatched, by family and given name folded (accents and case ignored).
    """
    by_email: dict[str, list[Delegate]] = {}
    by_name: dict[tuple[str, str], list[Delegate]] = {}
    for delegate in existing:  # in the delegation's order: the earlier namesake matches first
        if email := _email_key(delegate.email):
            by_email.setdefault(email, []).append(delegate)
        by_name.setdefault(_name_key(delegate.family_name, delegate.given_name), []).append(
            delegate
        )
    taken: set[int] = set()

    def take(candidates: list[Delegate]) -> Delegate | None:
        for delegate in candidates:
            if delegate.pk not in taken:
                taken.add(delegate.pk)
                return delegate
        return None

    # An empty email is never a key of by_email: without one, only the name can match.
    matched = [take(by_email.get(_email_key(data.email), [])) for data in incoming]
    for index, data in enumerate(incoming):
        if matched[index] is None:
            matched[index] = take(by_name.get(_name_key(data.family_name, data.given_name), []))
    return matched


def _type_ids(meeting: Meeting, incoming: list[DelegateData]) -> dict[str, int]:
    """The meeting's participant types by code; raises ReplyError for a code it lacks."""
    types = dict(ParticipantType.objects.filter(meeting=meeting).values_list("code", "pk"))
    for data in incoming:
        if data.participant_type and data.participant_type not in types:
            raise ReplyError(
                _("%(code)s is not a participant type of this meeting.")
                % {"code": data.participant_type}
            )
    return types


def _stored(data: DelegateData, delegate: Delegate | None, types: dict[str, int]) -> dict[str, Any]:
    """The delegate's columns as `data` gives them; the type unchanged when not said."""
    values = {name: getattr(data, name) for name in DELEGATE_FIELDS}
    if data.participant_type is None:
        values["participant_type_id"] = delegate.participant_type_id if delegate else None
    else:
        values["participant_type_id"] = types.get(data.participant_type)
    return values


def _save_delegates(
    reply: Reply, existing: list[Delegate], incoming: list[DelegateData]
) -> tuple[list[Delegate], dict[str, list[Any]], set[int]]:
    """Reconcile the delegation with the members named: matched delegates are updated in
    place (they keep their primary key), new members are created, the others deleted.

    Returns the delegation as it now stands and the audit changes member by member:
    "delegate added: <name> (#id)", "delegate removed: <name> (#id)" (the member's line),
    and "delegate changed: <name> (#id): <field>" ([old, new], position aside); and the
    delegates kept whose identity (IDENTITY_FIELDS) changed.
    """
    types = _type_ids(reply.meeting, incoming)
    codes = {pk: code for code, pk in types.items()}
    compared = (*DELEGATE_FIELDS, "participant_type_id")
    matches = _match_delegates(existing, incoming)
    kept = {delegate.pk for delegate in matches if delegate is not None}
    removed = [delegate for delegate in existing if delegate.pk not in kept]
    if removed:
        # A delegate with an accreditation is never deleted (the accreditation PROTECTs it,
        # and its history must stay): the row is kept, out of the delegation, and save_reply
        # has the accreditation withdrawn (see `active_delegates`).
        gone = Delegate.objects.filter(pk__in=[delegate.pk for delegate in removed])
        gone.filter(accreditation__isnull=True).delete()
        gone.update(is_head=False)
    before = {
        delegate.pk: {name: getattr(delegate, name) for name in compared}
        for delegate in matches
        if delegate is not None
    }
    old_positions = {delegate.pk: delegate.position for delegate in existing}
    # One head per delegation (a constraint checked row by row): a kept delegate who no longer
    # heads it is cleared before another one becomes head.
    new_head = next(
        (
            delegate.pk
            for delegate, data in zip(matches, incoming, strict=True)
            if delegate is not None and data.is_head
        ),
        None,
    )
    stepping_down = [
        delegate.pk
        for delegate in matches
        if delegate is not None and delegate.is_head and delegate.pk != new_head
    ]
    if stepping_down:
        Delegate.objects.filter(pk__in=stepping_down).update(is_head=False)

    updated: list[Delegate] = []
    created: list[Delegate] = []
    current: list[Delegate] = []
    for position, (delegate, data) in enumerate(zip(matches, incoming, strict=True)):
        values = _stored(data, delegate, types)
        if delegate is not None and values["returning_from_id"] is None:
            # Where a member came from stays: forms and the API need not carry it.
            values["returning_from_id"] = before[delegate.pk]["returning_from_id"]
        if delegate is None:
            delegate = Delegate(reply=reply, position=position, **values)
            created.append(delegate)
        elif values != before[delegate.pk] or position != old_positions[delegate.pk]:
            for name, value in values.items():
                setattr(delegate, name, value)
            delegate.position = position
            updated.append(delegate)
        current.append(delegate)
    if updated:
        Delegate.objects.bulk_update(updated, [*DELEGATE_FIELDS, "participant_type", "position"])
    if created:
        Delegate.objects.bulk_create(created)

    changes: dict[str, list[Any]] = {}
    renamed: set[int] = set()
    for delegate in current:
        label = f"{delegate} (#{delegate.pk})"
        if delegate.pk not in before:
            changes[f"delegate added: {label}"] = [None, _delegate_line(delegate)]
            continue
        for name in compared:
            old, new = before[delegate.pk][name], getattr(delegate, name)
            if old != new:
                if name == "participant_type_id":
                    name, old, new = "participant_type", codes.get(old), codes.get(new)
                changes[f"delegate changed: {label}: {name}"] = [old, new]
                if name in IDENTITY_FIELDS:
                    renamed.add(delegate.pk)
    for delegate in removed:
        changes[f"delegate removed: {delegate} (#{delegate.pk})"] = [_delegate_line(delegate), None]
    return current, changes, renamed


@transaction.atomic
def save_reply(
    reply: Reply,
    data: ReplyData,
    *,
    submit: bool,
    actor: Actor,
    from_organisation: bool = False,
    expected_version: str | None = None,
) -> Reply:
    """Save the reply as a draft, or submit it (first time: submitted; then: amended;
    not attending: declined).

    Side effects: people of the directory for the focal points; the delegation reconciled
    with the names given (members keep their row, matched within this reply only: see
    `_match_delegates`); invitations marked replied; tasks enqueued for the confirmation
    email and for a new focal point's own link. From the portal after the deadline,
    raises ReplyClosed (see `request_change`). An approved delegate whose title or name
    changes returns to pending, unless staff made the change themselves (not
    `from_organisation`: a change request accepted is the organisation's change), who keep
    the approval with a new badge version (`on_identity_changed`). With `expected_version`
    (`versions.version_of` when the writer read the reply), raises `versions.Conflict` if
    the reply changed since, before anything else.
    """
    reply = Reply.objects.select_for_update().get(pk=reply.pk)
    versions.check(reply, expected_version)
    refuse_if_not_admitted(reply)
    # A staff member in the portal ("open as this organisation") acts on its behalf too.
    on_behalf = actor.channel in (Channel.BACKOFFICE, Channel.API) or actor.user is not None
    if actor.channel == Channel.PORTAL and not accepts_changes(reply):
        raise ReplyClosed(_("The deadline has passed: your changes go to the secretariat."))
    found = problems(data, submitting=submit)
    if found:
        raise ReplyError(" ".join(found.values()))
    _check_returning(reply, data)

    existing = list(active_delegates(reply))
    before = audit.snapshot(reply, REPLY_FIELDS) | {"delegates": _delegates_summary(existing)}
    previous_focal_point = reply.focal_point_id
    reply.attending = data.attending
    reply.decline_reason = data.decline_reason if data.attending is False else ""
    reply.estimated_participants = data.estimated_participants
    reply.focal_point = _save_person(reply.focal_point, data.focal_point, reply=reply, actor=actor)
    reply.backup_focal_point = _save_person(
        reply.backup_focal_point, data.backup_focal_point, reply=reply, actor=actor
    )
    reply.entered_on_behalf = reply.entered_on_behalf or on_behalf
    _save_focal_points(reply, data, actor=actor)
    if submit:
        if data.attending is False:
            reply.state = ReplyState.DECLINED
        elif reply.state in (ReplyState.SUBMITTED, ReplyState.AMENDED, ReplyState.DECLINED):
            reply.state = ReplyState.AMENDED
        else:
            reply.state = ReplyState.SUBMITTED
        reply.submitted_at = reply.submitted_at or timezone.now()
    elif reply.state in ANSWERED:
        # The answer the secretariat already counts has changed: that is an amendment.
        reply.state = ReplyState.AMENDED
    else:
        reply.state = ReplyState.DRAFT
    reply.save()

    delegates, member_changes, renamed = _save_delegates(
        reply, existing, data.delegates if data.attending is not False else []
    )
    _flag_duplicates(reply, [d for d in delegates if d.pk not in {e.pk for e in existing}], actor)
    after = audit.snapshot(reply, REPLY_FIELDS) | {"delegates": _delegates_summary(delegates)}
    changes = audit.diff(before, after) | member_changes
    # The accreditation app listens (accreditation.receivers): withdrawn for those taken
    # out, back to pending (or re-badged) for those renamed, pending for new delegates.
    signals.reply_saved.send(
        sender=Reply,
        reply=reply,
        removed={d.pk for d in existing} - {d.pk for d in delegates},
        submitted=reply.state in (ReplyState.SUBMITTED, ReplyState.AMENDED),
        renamed=renamed,
        keep_approval=actor.channel in STAFF_CHANNELS and not from_organisation,
        actor=actor,
    )
    if changes:
        action = "summitdesk.reply.submitted" if submit else "summitdesk.reply.saved"
        audit.record(
            reply,
            action,
            actor=actor,
            changes=changes,
            organisation_id=reply.organisation_id,
            note=_("Entered by the secretariat on the organisation's behalf") if on_behalf else "",
        )
    if submit:
        Invitation.objects.filter(
            organisation=reply.organisation_id,
            circular__meeting=reply.meeting_id,
            replied_at__isnull=True,
        ).update(replied_at=timezone.now())
        emails.queue_confirmation(reply)
    if reply.focal_point and reply.focal_point_id != previous_focal_point:
        emails.queue_focal_point_link(reply, reply.focal_point)
        if reply.focal_point.email:
            join_emails.tell_new_focal_point(reply)
    return reply


def earlier_replies(reply: Reply) -> "QuerySet[Reply]":
    """The same organisation's replies about the meetings of the same process that started
    before `reply`'s meeting (none when it has no start date yet), in calendar order."""
    meeting = reply.meeting
    if meeting.start_date is None:
        return Reply.objects.none()
    return (
        Reply.objects.filter(
            organisation=reply.organisation_id,
            meeting__process=meeting.process_id,
            meeting__start_date__lt=meeting.start_date,
        )
        .select_related("meeting")
        .order_by("meeting__start_date", "meeting__code")
    )


def _check_returning(reply: Reply, data: ReplyData) -> None:
    """A member said to return from an earlier meeting must be a delegate of this
    organisation's delegation to an earlier meeting of the same process (a forged id from
    another organisation or process is refused: nothing of theirs is ever linked)."""
    wanted = {d.returning_from_id for d in data.delegates if d.returning_from_id is not None}
    if not wanted:
        return
    known = set(
        Delegate.objects.filter(pk__in=wanted, reply__in=earlier_replies(reply)).values_list(
            "pk", flat=True
        )
    )
    if wanted - known:
        raise ReplyError(
            _("Only members of your delegation to an earlier meeting of the process can return.")
        )


def _flag_duplicates(reply: Reply, added: list[Delegate], actor: Actor) -> None:
    """One person, two doors: new members who may already be accredited in another
    delegation to the meeting are flagged to staff in the reply's history (the reply page
    shows them beside the member, see duplicates.for_delegates)."""
    found = duplicates.for_delegates(reply.meeting_id, added, reply_id=reply.pk)
    if found:
        audit.record(
            reply,
            "summitdesk.reply.possible_duplicate",
            actor=actor,
            organisation_id=reply.organisation_id,
            note="\n".join(duplicates.duplicate_notes(same) for same in found.values())[:2000],
        )


def active_delegates(reply: Reply) -> "QuerySet[Delegate]":
    """The delegation as it stands: the reply's delegates but those taken out of it whose
    row is kept for their accreditation (withdrawn, or revoked on substitution)."""
    return reply.delegates.exclude(accreditation__status__in=DETACHED)


@transaction.atomic
def hand_over(reply: Reply, new_focal_point: PersonData, *, actor: Actor) -> Reply:
    """The focal point hands over to another person: the earlier focal point's own links
    stop working and the new one receives theirs."""
    data = reply_data(reply)
    previous = reply.focal_point_id
    updated = save_reply(
        reply,
        replace(data, focal_point=new_focal_point),
        submit=reply.state in ANSWERED,
        actor=actor,
    )
    if previous and previous != updated.focal_point_id:
        reply_links.revoke(
            ReplyLink.objects.filter(
                person=previous, organisation=reply.organisation_id, meeting=reply.meeting_id
            ),
            actor=actor,
            why=_("The focal point handed over."),
        )
    return updated


@transaction.atomic
def open_as_organisation(organisation: Organisation, meeting: Meeting, *, actor: Actor) -> str:
    """A link for the staff member `actor` to open the portal as `organisation` about
    `meeting`; returns its token, stored nowhere (the caller redirects to it at once).

    The link opens only in that staff member's own signed-in session (portal.access), for
    STAFF_LINK_LIFETIME; their earlier such links for the pair are revoked. The
    organisation's own links keep working. Audited with the staff member as actor.
    Raises ReplyError when the organisation was never invited to the meeting.
    """
    if actor.user is None:
        raise ReplyError(_("Only a staff member may open the portal as an organisation."))
    invitation = (
        Invitation.objects.filter(organisation=organisation, circular__meeting=meeting)
        .order_by("-circular__date", "-pk")
        .first()
    )
    if invitation is None:
        raise ReplyError(_("No circular about this meeting was sent to it: no portal to open."))
    now = timezone.now()
    reply_links.revoke(
        ReplyLink.objects.filter(organisation=organisation, meeting=meeting, opened_by=actor.user),
        actor=actor,
        why=_("The staff member opened the portal again."),
    )
    link, token = reply_links.issue(
        organisation,
        meeting,
        invitation=invitation,
        opened_by=actor.user,
        expires_at=now + STAFF_LINK_LIFETIME,
    )
    audit.record(
        link,
        "summitdesk.reply_link.opened_as_organisation",
        actor=actor,
        changes={"opened_by": [None, actor.name]},
        organisation_id=organisation.pk,
        note=_("%(name)s opened the portal as the organisation") % {"name": actor.name},
    )
    return token


@transaction.atomic
def request_change(reply: Reply, data: ReplyData, *, note: str, actor: Actor) -> ChangeRequest:
    """After the deadline: the portal's changes wait for the secretariat's decision."""
    refuse_if_not_admitted(reply)
    found = problems(data, submitting=True)
    if found:
        raise ReplyError(" ".join(found.values()))
    request = ChangeRequest.objects.create(reply=reply, proposed=_to_json(data), note=note)
    audit.record(
        reply,
        "summitdesk.reply.change_requested",
        actor=actor,
        note=note[:300],
        organisation_id=reply.organisation_id,
    )
    return request


def _to_json(data: ReplyData) -> dict[str, Any]:
    return asdict(data)


def _delegate_from_json(item: dict[str, Any], reply: dict[str, Any]) -> DelegateData:
    """A member as a change request stored it; a request made before protocol levels
    gave the reply's `head_level` (its old values mapped as migration 0007 maps them)."""
    known = {name: item[name] for name in DELEGATE_DATA_FIELDS if name in item}
    if item.get("is_head") and not known.get("protocol_level") and reply.get("head_level"):
        old = reply["head_level"]
        known["protocol_level"] = old if old in ProtocolLevel.values else ProtocolLevel.OTHER
    return DelegateData(**known)


def _from_json(value: dict[str, Any]) -> ReplyData:
    def person(item: dict[str, Any] | None) -> PersonData | None:
        return PersonData(**item) if item else None

    return ReplyData(
        attending=value.get("attending"),
        decline_reason=value.get("decline_reason", ""),
        estimated_participants=value.get("estimated_participants"),
        focal_point=person(value.get("focal_point")),
        backup_focal_point=person(value.get("backup_focal_point")),
        delegates=[_delegate_from_json(item, value) for item in value.get("delegates", [])],
    )


@transaction.atomic
def decide_change_request(request: ChangeRequest, *, accept: bool, actor: Actor) -> None:
    """The secretariat accepts (the reply becomes what was asked) or refuses a request."""
    request = ChangeRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != ChangeRequestStatus.PENDING:
        raise ReplyError(_("This request has already been decided."))
    if accept:
        save_reply(
            request.reply,
            _from_json(request.proposed),
            submit=True,
            actor=actor,
            from_organisation=True,
        )
    request.status = ChangeRequestStatus.ACCEPTED if accept else ChangeRequestStatus.REFUSED
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_at"])
    audit.record(
        request.reply,
        "summitdesk.reply.change_accepted" if accept else "summitdesk.reply.change_refused",
        actor=actor,
        organisation_id=request.reply.organisation_id,
    )


def proposed_data(request: ChangeRequest) -> ReplyData:
    """The reply a change request asks for, in the shape the services take."""
    return _from_json(request.proposed)


@transaction.atomic
def revoke_reply_link(link: ReplyLink, *, actor: Actor) -> ReplyLink:
    """Revoke one reply link (it leaked, or its holder left); the organisation's other
    links keep working. Raises ReplyError when it was already revoked."""
    if not reply_links.revoke(ReplyLink.objects.filter(pk=link.pk), actor=actor):
        raise ReplyError(_("This link had already been revoked."))
    return ReplyLink.objects.get(pk=link.pk)
