"""The participation figures: each one defined and counted here, once, and read from here
by every surface that shows it (the response tracker's page, list and CSV, the exports,
the dashboard and its charts, the public statistics, the check-in desk, the List of
Participants, the API). Two readers cannot disagree when neither counts for itself;
tests/reports/test_figures.py pins every surface to the same numbers on one data set.

Why here: a figure crosses apps (a delegate is "registered" by its reply's state, its
organisation's invitation and its accreditation's status), so it belongs above
correspondence, delegations and accreditation, in reports, which the layout gives the
statistics. The tracker, in delegations below, reaches this module by name inside its
functions, as it reaches accreditation.

The figures, each a queryset of the rows counted (so that a reader may count it, group
it or list it) and, where a page needs it fast, its count:
- invited: organisations sent the circular (for a meeting: any circular about it), each
  once per meeting; an organisation invited to two meetings counts once for each;
- a reply's state: "not opened" when the invited organisation has no reply yet;
- opened: invited organisations whose reply a person acted on (a POST from the page, or
  any answer entered for them); a visit alone never counts (`opened`);
- attending: invited organisations whose reply is submitted or amended; declined: whose
  reply is declined; answered: attending or declined; silent: invited, not answered;
  response rate: answered / invited. All of them, and what attending replies announce
  (estimated participants, heads' levels), are read from one `Answers` (`answers`);
- registered: delegates named in the attending (submitted or amended) replies of invited
  organisations and still in their delegation, i.e. without a withdrawn or revoked
  accreditation (`registered_delegates`, `registered`, `registered_per_reply`);
- approved: accreditations to the meeting whose status is approved now
  (`approved_accreditations`);
- checked in: accreditations with an `entered` check-in, at most one each, whatever their
  status since (`entered_check_ins`);
- applications by status: a process's applications staff see (email confirmed), per
  status (`applications_by_status`); admitted organisations per standing
  (`admissions_by_status`); an admitted organisation's approved accreditations to the
  process's meetings (`approved_accreditations_of_admitted`);
- shown / not shown on the List of Participants: approved delegates who consented to
  publication, and those who did not (`approved_delegates`, `CONSENTED`, `listed`);
- document missing: attending replies of invited organisations lacking a mandate document
  their meeting requires of their category, received meaning accepted by inspection
  (`document_missing_replies`, `documents_missing`; the tracker, the reminders' recipients).
"""

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce

from summitdesk.accreditation.enums import DETACHED, AccreditationStatus, CheckInResult
from summitdesk.accreditation.models import Accreditation, CheckIn
from summitdesk.admission.enums import ApplicationStatus
from summitdesk.admission.models import Admission, Application
from summitdesk.correspondence.models import Circular, Invitation
from summitdesk.credentials.queries import lacking_documents
from summitdesk.delegations.enums import ATTENDING_STATES, ProtocolLevel, ReplyState
from summitdesk.delegations.models import Delegate, Reply, head_level, in_delegation
from summitdesk.delegations.participant_types import HIGH_LEVEL, by_precedence, type_code
from summitdesk.lib.localized import localized
from summitdesk.meetings.models import Meeting, ParticipantType, Process
from summitdesk.onsite.models import PickupBooking, PickupSlot
from summitdesk.venue.models import Zone

#: A condition on the organisation reached through a prefix ("", "reply__", ...): the
#: dashboard's filters; every organisation by default.
OrganisationFilter = Callable[[str], Q]


def every_organisation(prefix: str) -> Q:
    return Q()


#: Approved delegates listed by name: they consented to publication.
CONSENTED = Q(consent_to_publish=True)


def _invited(circular: Circular | None) -> Exists:
    """The reply's organisation was sent `circular`, or any circular about the reply's
    meeting."""
    if circular is not None:
        return Exists(
            Invitation.objects.filter(circular=circular, organisation=OuterRef("organisation"))
        )
    return Exists(
        Invitation.objects.filter(
            organisation=OuterRef("organisation"), circular__meeting=OuterRef("meeting")
        )
    )


def invited_replies(
    meetings: Sequence[Meeting],
    *,
    circular: Circular | None = None,
    organisations: OrganisationFilter = every_organisation,
) -> QuerySet[Reply]:
    """The replies about `meetings` of organisations invited to them (by `circular`)."""
    return (
        Reply.objects.filter(meeting__in=meetings)
        .filter(organisations(""))
        .filter(_invited(circular))
        .order_by()
    )


def _no_answers() -> dict[str, int]:
    return dict.fromkeys(ReplyState.values, 0)


@dataclass
class Answers:
    """The invited organisations of a group by their reply's state ("not opened" without a
    reply), with what their attending replies announce. Every surface reads invited,
    opened, attending, declined, answered, silent and the response rate from here."""

    by_state: dict[str, int] = field(default_factory=_no_answers)
    #: Estimated participants of the attending replies.
    estimated: int = 0
    #: Attending replies by their head's level ("" when not given).
    heads: Counter[str] = field(default_factory=Counter)

    @property
    def invited(self) -> int:
        return sum(self.by_state.values())

    @property
    def opened(self) -> int:
        return self.invited - self.by_state[ReplyState.NOT_OPENED]

    @property
    def attending(self) -> int:
        return sum(self.by_state[state] for state in ATTENDING_STATES)

    @property
    def declined(self) -> int:
        return self.by_state[ReplyState.DECLINED]

    @property
    def answered(self) -> int:
        return self.attending + self.declined

    @property
    def silent(self) -> int:
        return self.invited - self.answered

    @property
    def response_rate(self) -> float | None:
        """Answered / invited, from 0 to 1; None when nobody was invited."""
        return self.answered / self.invited if self.invited else None

    @property
    def chief_executive_heads(self) -> int:
        return self.heads[ProtocolLevel.CHIEF_EXECUTIVE]

    def __add__(self, other: "Answers") -> "Answers":
        return Answers(
            by_state={s: n + other.by_state[s] for s, n in self.by_state.items()},
            estimated=self.estimated + other.estimated,
            heads=self.heads + other.heads,
        )

    def __bool__(self) -> bool:
        return bool(self.invited)


def answers(
    meetings: Sequence[Meeting],
    *,
    circular: Circular | None = None,
    organisations: OrganisationFilter = every_organisation,
    by: Sequence[str] = (),
) -> dict[tuple[str, ...], Answers]:
    """The `Answers` of the invited organisations grouped by their fields `by` (e.g.
    "category"), keyed by those fields' values; two queries, whatever the number of
    organisations. "Not opened" is what is left of the invited once the replies past it
    are counted: most invited organisations have no reply row at all."""
    fields = [f"organisation__{name}" for name in by]
    invitations = (
        Invitation.objects.filter(circular=circular)
        if circular is not None
        else Invitation.objects.filter(circular__meeting__in=meetings)
    )
    # Grouped by meeting too, so that an organisation counts once per meeting.
    invited = (
        invitations.filter(organisations(""))
        .order_by()
        .values("circular__meeting", *fields)
        .annotate(n=Count("organisation", distinct=True))
    )
    replies = (
        invited_replies(meetings, circular=circular, organisations=organisations)
        .exclude(state=ReplyState.NOT_OPENED)
        .annotate(head_protocol_level=head_level())
        .values("state", "head_protocol_level", *fields)
        .annotate(n=Count("pk"), estimated=Sum("estimated_participants", default=0))
    )
    found: dict[tuple[str, ...], Answers] = {}

    def of(row: dict[str, Any]) -> Answers:
        return found.setdefault(tuple(str(row[name]) for name in fields), Answers())

    for row in invited:
        of(row).by_state[ReplyState.NOT_OPENED] += row["n"]
    for row in replies:
        group = of(row)
        group.by_state[row["state"]] += row["n"]
        group.by_state[ReplyState.NOT_OPENED] -= row["n"]
        if row["state"] in ATTENDING_STATES:
            group.estimated += row["estimated"]
            group.heads[row["head_protocol_level"] or ""] += row["n"]
    return found


def total(groups: dict[tuple[str, ...], Answers]) -> Answers:
    return sum(groups.values(), Answers())


def opened(meeting: Meeting, *, circular: Circular | None = None) -> int:
    """Invited organisations whose reply is past "not opened": a person acted on the page
    (its first POST) or an answer was entered for them. A GET of the link changes nothing."""
    return total(answers([meeting], circular=circular)).opened


def attending_replies(
    meetings: Sequence[Meeting],
    *,
    circular: Circular | None = None,
    organisations: OrganisationFilter = every_organisation,
) -> QuerySet[Reply]:
    return invited_replies(meetings, circular=circular, organisations=organisations).filter(
        state__in=ATTENDING_STATES
    )


def document_missing_replies(
    meetings: Sequence[Meeting], *, circular: Circular | None = None
) -> QuerySet[Reply]:
    """Attending replies of invited organisations still lacking a required document."""
    return attending_replies(meetings, circular=circular).filter(lacking_documents())


def documents_missing(meeting: Meeting, *, circular: Circular | None = None) -> int:
    """How many `document_missing_replies` for `meeting` (by `circular`)."""
    return document_missing_replies([meeting], circular=circular).count()


def registered_delegates(
    meetings: Sequence[Meeting],
    *,
    circular: Circular | None = None,
    organisations: OrganisationFilter = every_organisation,
) -> QuerySet[Delegate]:
    """The delegates registered: named in an attending reply of an invited organisation,
    and still in the delegation (not kept only for a withdrawn or revoked accreditation)."""
    replies = attending_replies(meetings, circular=circular, organisations=organisations)
    return Delegate.objects.filter(reply__in=Subquery(replies.values("pk"))).filter(in_delegation())


def registered(
    meetings: Sequence[Meeting],
    *,
    circular: Circular | None = None,
    organisations: OrganisationFilter = every_organisation,
) -> int:
    """How many `registered_delegates`, in one query: every delegate of the attending
    replies less the few detached, so that the delegates are read from an index alone
    instead of each being joined to its accreditation."""
    replies = Subquery(
        attending_replies(meetings, circular=circular, organisations=organisations).values("pk")
    )
    detached = (
        Delegate.objects.filter(reply__in=replies, accreditation__status__in=DETACHED)
        .order_by()
        .annotate(n=Func("pk", function="COUNT", output_field=IntegerField()))
        .values("n")
    )
    counted = Delegate.objects.filter(reply__in=replies).aggregate(
        n=Count("pk") - Subquery(detached, output_field=IntegerField())
    )
    return int(counted["n"] or 0)


@dataclass(frozen=True)
class TypeCount:
    """The registered delegates of one participant type, those in person and those
    online only apart (`type` None: a code the meeting no longer has)."""

    code: str
    type: ParticipantType | None
    in_person: int
    online: int

    @property
    def total(self) -> int:
        return self.in_person + self.online

    @property
    def name(self) -> str:
        return localized(self.type, "name") if self.type is not None else self.code


def registered_by_type(
    meetings: Sequence[Meeting], *, organisations: OrganisationFilter = every_organisation
) -> list[TypeCount]:
    """`registered_delegates` by participant type (the type set, else the default of the
    organisation's category: `participant_types.type_code`), online only apart; every type
    of the meetings in their order, those counting nobody too. Two queries."""
    rows = (
        registered_delegates(meetings, organisations=organisations)
        .annotate(type_code=type_code())
        .order_by()
        .values("type_code", "online")
        .annotate(n=Count("pk"))
    )
    counted: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in rows:
        counted[str(row["type_code"])][1 if row["online"] else 0] += row["n"]
    types: dict[str, ParticipantType] = {}
    for found in ParticipantType.objects.filter(meeting__in=meetings).order_by("position", "pk"):
        types.setdefault(found.code, found)
    codes = [*types, *(code for code in counted if code not in types)]
    return [TypeCount(code, types.get(code), counted[code][0], counted[code][1]) for code in codes]


def high_level_participants(meeting: Meeting) -> QuerySet[Delegate]:
    """The registered delegates of a protocol level above "other", in the order of
    precedence: the protocol list (its page and its export)."""
    return by_precedence(registered_delegates([meeting]).filter(HIGH_LEVEL))


def _not_detached() -> QuerySet[Delegate]:
    """Delegates still in their delegation. "Not detached" is asked as a NOT EXISTS:
    joined instead, PostgreSQL reads every accreditation to find the few of a page's
    delegates."""
    detached = Accreditation.objects.filter(delegate=OuterRef("pk"), status__in=DETACHED)
    return Delegate.objects.filter(~Exists(detached))


def _per_reply() -> QuerySet[Delegate]:
    """Registered delegates of a reply of the tracker's list (whose organisation is invited
    by construction)."""
    return _not_detached().filter(reply__state__in=ATTENDING_STATES)


def registered_per_reply(reply_ids: Iterable[int | None]) -> dict[int, int]:
    """The registered delegates of each of these replies (one query); a reply that is not
    attending (a draft, a declined one) registers nobody."""
    wanted = [pk for pk in reply_ids if pk is not None]
    if not wanted:
        return {}
    # The page's attending replies first (by primary key), then their delegates along the
    # reply index: joining each delegate to its reply to ask its state is slower.
    attending = Reply.objects.filter(pk__in=wanted, state__in=ATTENDING_STATES).values("pk")
    rows = (
        _not_detached()
        .filter(reply__in=Subquery(attending))
        .order_by()
        .values("reply")
        .annotate(n=Count("pk"))
        .values_list("reply", "n")
    )
    return dict(rows)


def registered_of_reply(reply: str = "reply_id") -> Coalesce:
    """The registered delegates of the reply whose id is the outer query's column `reply`,
    as an expression to annotate rows with (the replies export)."""
    counted = (
        _per_reply()
        .filter(reply=OuterRef(reply))
        .order_by()
        .values("reply")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def approved_accreditations(
    meetings: Sequence[Meeting], *, organisations: OrganisationFilter = every_organisation
) -> QuerySet[Accreditation]:
    return (
        Accreditation.objects.filter(meeting__in=meetings, status=AccreditationStatus.APPROVED)
        .filter(organisations("delegate__reply__"))
        .order_by()
    )


def entered_check_ins(
    meetings: Sequence[Meeting], *, organisations: OrganisationFilter = every_organisation
) -> QuerySet[CheckIn]:
    """One `entered` check-in per accreditation at most (a constraint): re-entries and
    refusals are other results."""
    return (
        CheckIn.objects.filter(meeting__in=meetings, result=CheckInResult.ENTERED)
        .filter(organisations("accreditation__delegate__reply__"))
        .order_by()
    )


def approved_delegates(meeting: Meeting) -> QuerySet[Delegate]:
    """The delegates of `meeting` whose accreditation is approved: the List of
    Participants shows those `CONSENTED` and counts the others as not shown."""
    return Delegate.objects.filter(
        accreditation__meeting=meeting, accreditation__status=AccreditationStatus.APPROVED
    )


@dataclass(frozen=True)
class Listed:
    shown: int
    not_shown: int


def listed(meeting: Meeting) -> Listed:
    """Shown and not shown on the List of Participants as it stands (one query)."""
    counted = approved_delegates(meeting).aggregate(
        shown=Count("pk", filter=CONSENTED), every=Count("pk")
    )
    return Listed(shown=counted["shown"], not_shown=counted["every"] - counted["shown"])


@dataclass(frozen=True)
class DeskCount:
    """The check-in desk's "checked in of accredited"."""

    entered: int
    approved: int


def desk_count(meeting: Meeting) -> DeskCount:
    return DeskCount(
        entered=entered_check_ins([meeting]).count(),
        approved=approved_accreditations([meeting]).count(),
    )


@dataclass(frozen=True)
class ZoneFigure:
    """How many people are inside a zone now, against its capacity (None: not set)."""

    zone: Zone
    inside: int
    capacity: int | None

    @property
    def full(self) -> bool:
        return self.capacity is not None and self.inside >= self.capacity


def zone_occupancy(meeting: Meeting) -> list[ZoneFigure]:
    """People inside each zone of `meeting`, in the zones' order: one query reading each
    zone's counter row, which the gates keep in their scans' transactions (equal to a
    recount of the presence rows: venue.occupancy.recount)."""
    zones = (
        Zone.objects.filter(meeting=meeting).select_related("occupancy").order_by("position", "pk")
    )
    return [
        ZoneFigure(
            zone,
            zone.occupancy.inside if hasattr(zone, "occupancy") else 0,
            zone.capacity,
        )
        for zone in zones
    ]


@dataclass(frozen=True)
class PickupCount:
    """The badge pickup queue: delegations booked, and of them those that collected."""

    slots: int
    booked: int
    collected: int

    @property
    def waiting(self) -> int:
        return self.booked - self.collected


def pickup_queue(meeting: Meeting) -> PickupCount:
    """The meeting's badge pickup in figures (two queries): the dashboard's tile."""
    counted = PickupBooking.objects.filter(meeting=meeting).aggregate(
        booked=Count("pk"), collected=Count("pk", filter=Q(collected_at__isnull=False))
    )
    return PickupCount(
        slots=PickupSlot.objects.filter(meeting=meeting).count(),
        booked=counted["booked"],
        collected=counted["collected"],
    )


def count_by(rows: QuerySet[Any], fields: Sequence[str]) -> Counter[tuple[Any, ...]]:
    """The rows of a figure counted by `fields` (one grouped query)."""
    grouped = rows.order_by().values_list(*fields).annotate(n=Count("pk"))
    return Counter({tuple(row[:-1]): row[-1] for row in grouped})


# Admission


def applications_by_status(process: Process) -> dict[str, int]:
    """How many of `process`'s applications staff see are in each status (every status
    named, zeros included), in one grouped query."""
    counts = dict(
        Application.objects.filter(process=process)
        .exclude(status=ApplicationStatus.UNCONFIRMED)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {
        status: counts.get(status, 0)
        for status in ApplicationStatus.values
        if status != ApplicationStatus.UNCONFIRMED
    }


def admissions_by_status(process: Process) -> dict[str, int]:
    counts = dict(
        Admission.objects.filter(process=process)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return counts


def approved_accreditations_of_admitted(admissions: Iterable[Admission]) -> dict[int, int]:
    """Per admission id: the organisation's accreditations approved now to the meetings of
    the admission's process (they stay when it is suspended or withdrawn)."""
    wanted = list(admissions)
    rows = (
        Accreditation.objects.filter(
            status=AccreditationStatus.APPROVED,
            meeting__process_id__in={admission.process_id for admission in wanted},
            delegate__reply__organisation_id__in={
                admission.organisation_id for admission in wanted
            },
        )
        .order_by()
        .values_list("meeting__process_id", "delegate__reply__organisation_id")
        .annotate(n=Count("id"))
    )
    counted = {(process, organisation): n for process, organisation, n in rows}
    return {
        admission.pk: counted.get((admission.process_id, admission.organisation_id), 0)
        for admission in wanted
    }
