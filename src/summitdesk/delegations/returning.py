"""Returning delegations: a reply started from the organisation's delegation to an earlier
meeting of the same process.

The focal point (or staff on the organisation's behalf) picks who comes again; those
people join the reply with their names, function, email, nationality, affiliation and
relationship, each marked as returning from their earlier self (`Delegate.returning_from`).
Never anything of the identity document: each meeting collects passport names, date of
birth and document afresh, and purges them on its own schedule. The photo is not copied
here either: the returning delegate may reuse it on their own page, if it is young enough
(accreditation.returning).

The copy is an ordinary save of the reply (`services.save_reply`): the same checks, the
same audit entry, the same closing at the deadline. It saves a draft (an amendment when the
reply was already answered); the focal point then checks the form and submits.
"""

from collections.abc import Iterable
from dataclasses import dataclass, replace

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from summitdesk.core.audit import Actor
from summitdesk.delegations import services
from summitdesk.delegations.data import DelegateData, ReplyData
from summitdesk.delegations.enums import ReplyState
from summitdesk.delegations.models import Delegate, Reply, in_delegation
from summitdesk.delegations.services import ReplyError
from summitdesk.meetings.models import Meeting

#: The replies whose delegation attended: answered, attending.
ATTENDED = (ReplyState.SUBMITTED, ReplyState.AMENDED)


@dataclass(frozen=True)
class EarlierDelegation:
    """An organisation's delegation to an earlier meeting, as it stood."""

    reply: Reply
    members: list[Delegate]

    @property
    def meeting(self) -> Meeting:
        return self.reply.meeting


def earlier_delegations(reply: Reply) -> list[EarlierDelegation]:
    """The delegations this organisation sent to earlier meetings of the same process
    (attending replies with members still in them), in calendar order: the last one is the
    latest."""
    replies = list(services.earlier_replies(reply).filter(state__in=ATTENDED, attending=True))
    members: dict[int, list[Delegate]] = {}
    for delegate in (
        Delegate.objects.filter(in_delegation(), reply__in=[r.pk for r in replies])
        .select_related("accreditation")
        .order_by("-is_head", "position", "pk")
    ):
        members.setdefault(delegate.reply_id, []).append(delegate)
    return [
        EarlierDelegation(reply=earlier, members=members[earlier.pk])
        for earlier in replies
        if earlier.pk in members
    ]


def earlier_delegation(reply: Reply, meeting_code: str | None) -> EarlierDelegation | None:
    """One of `earlier_delegations`, by its meeting's code (None: the latest); None when
    the organisation sent no delegation to that meeting, or it is no earlier meeting of
    the process."""
    found = earlier_delegations(reply)
    if not meeting_code:
        return found[-1] if found else None
    return next((d for d in found if d.meeting.code == meeting_code), None)


def _returning(member: Delegate) -> DelegateData:
    """What comes again of a member: never their identity document, consent or gender
    (asked afresh), never the head's role (decided for the new delegation)."""
    return DelegateData(
        family_name=member.family_name,
        given_name=member.given_name,
        title=member.title,
        function=member.function,
        email=member.email,
        nationality=member.nationality,
        affiliation=member.affiliation,
        relationship=member.relationship,
        protocol_level=member.protocol_level,
        returning_from_id=member.pk,
    )


def copy_plan(reply: Reply, earlier: EarlierDelegation, picked: Iterable[int]) -> ReplyData:
    """The reply with the picked members of `earlier` added after those already named.

    A picked member already named (same email, or same name) is marked as returning rather
    than added twice. The earlier head heads again when the delegation has no head yet (the
    level of a delegation is its head's protocol level, copied with the person). The
    estimate rises to the names given.
    Raises ReplyError when nobody is picked, a pick is no member of `earlier`, or the reply
    declines the meeting.
    """
    wanted = set(picked)
    chosen = [member for member in earlier.members if member.pk in wanted]
    if not wanted:
        raise ReplyError(_("Tick at least one person who comes again."))
    if len(chosen) != len(wanted):
        raise ReplyError(_("Only members of that earlier delegation can be copied."))
    current = services.reply_data(reply)
    if current.attending is False:
        raise ReplyError(_("The reply declines the meeting: say it attends before naming people."))
    delegates = list(current.delegates)
    has_head = any(d.is_head for d in delegates)
    for member in chosen:
        copied = _returning(member)
        same = next((i for i, d in enumerate(delegates) if _same_person(d, copied)), None)
        if same is not None:
            if delegates[same].returning_from_id is None:
                delegates[same] = replace(delegates[same], returning_from_id=member.pk)
            continue
        if member.is_head and not has_head:
            copied = replace(copied, is_head=True)
            has_head = True
        delegates.append(copied)
    estimate = max(current.estimated_participants or 0, len(delegates))
    return replace(
        current,
        attending=True,
        estimated_participants=estimate,
        delegates=delegates,
    )


def _same_person(named: DelegateData, member: DelegateData) -> bool:
    if named.email and member.email:
        return named.email.strip().casefold() == member.email.strip().casefold()
    return services.same_name(named, member)


@transaction.atomic
def copy_delegation(
    reply: Reply,
    earlier: EarlierDelegation,
    picked: Iterable[int],
    *,
    actor: Actor,
    expected_version: str | None = None,
) -> int:
    """Add the picked members of `earlier` to `reply` (see `copy_plan`), saved as any
    change of the reply is (`services.save_reply`: a draft, or an amendment of an answered
    reply; refused from the portal after the deadline). Returns how many are returning."""
    plan = copy_plan(reply, earlier, picked)
    services.save_reply(
        reply,
        plan,
        submit=False,
        actor=actor,
        expected_version=expected_version,
    )
    return sum(1 for d in plan.delegates if d.returning_from_id is not None)


def awaiting_confirmation(reply: Reply) -> list[Delegate]:
    """The returning members of `reply` who have not confirmed yet."""
    return list(
        services.active_delegates(reply).filter(
            returning_from__isnull=False, confirmed_at__isnull=True
        )
    )


def latest_earlier_reply(reply: Reply) -> Reply | None:
    """The organisation's reply about the latest earlier meeting of the process that sent a
    delegation (None: none), in one query: what a reply page offers to start from."""
    sent = Delegate.objects.filter(in_delegation(), reply=OuterRef("pk"))
    return (
        services.earlier_replies(reply)
        .filter(Exists(sent), state__in=ATTENDED, attending=True)
        .last()
    )


def reply_context(reply: Reply) -> dict[str, object]:
    """What a reply page shows of returning delegations: the organisation's reply about the
    latest earlier meeting to start from (None: none), and the members still to confirm."""
    return {"earlier": latest_earlier_reply(reply), "awaiting": awaiting_confirmation(reply)}


def summary(delegate: Delegate) -> dict[str, str | bool | None]:
    """Where a returning delegate comes from (the earlier meeting's code) and whether they
    confirmed; both None for the others. What the API shows (load the delegate with
    `returning_from__reply__meeting`)."""
    if delegate.returning_from is None:
        return {"returning_from": None, "confirmed": None}
    return {
        "returning_from": delegate.returning_from.reply.meeting.code,
        "confirmed": delegate.confirmed_at is not None,
    }
