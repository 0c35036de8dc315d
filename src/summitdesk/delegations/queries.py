"""Reading replies: the response tracker of a circular or meeting, the staff's view of one
reply, and an organisation's participation across a process.

The tracker's figures come from a fixed number of aggregate queries, whatever the number of
organisations: one query grouped by category, stakeholder group, country and state, folded
in Python into the headline figures and the three breakdowns (regions are derived from
countries by summitdesk.lib.countries, which the database does not know), and one query for
the delegates named.

Words used here:
- invited: the organisation received the circular (for a meeting: any circular about it);
- state: the reply's state, "not opened" when there is no reply yet (a visit of the
  reply link alone changes nothing: only a person's POST opens the reply);
- attending: answered and coming (submitted or amended); declined: answered, not coming;
- silent: invited but not answered (neither attending nor declined);
- opened: any state but "not opened".

Every figure shared with another surface (opened, delegates registered) is counted by
summitdesk.reports.figures, so that the tracker, its list and CSV, the exports and the
dashboard agree (figures reads only this app's models and enums, never this module).
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from summitdesk.core import versions
from summitdesk.core.models import AuditEntry
from summitdesk.correspondence.models import Circular, Invitation, InvitationQuerySet, ReplyLink
from summitdesk.delegations.data import ReplyData
from summitdesk.delegations.enums import ATTENDING_STATES as ATTENDING_STATES
from summitdesk.delegations.enums import ChangeRequestStatus, ProtocolLevel, ReplyState
from summitdesk.delegations.models import ChangeRequest, Delegate, Reply, head_level
from summitdesk.delegations.models import in_delegation as in_delegation
from summitdesk.delegations.participant_types import head_level as head_level_of
from summitdesk.delegations.participant_types import level_label, type_of, types_of
from summitdesk.delegations.services import proposed_data
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.directory.models import Organisation, OrganisationQuerySet
from summitdesk.lib.countries import (
    COUNTRIES,
    REGIONS,
    UNKNOWN_REGION,
    countries_in_region,
    region_of,
)
from summitdesk.lib.spreadsheets import neutralise
from summitdesk.meetings.models import Meeting, Process
from summitdesk.reports import figures

ANSWERED_STATES = (*ATTENDING_STATES, ReplyState.DECLINED)
#: The states in the order the tracker shows them.
STATES: tuple[ReplyState, ...] = tuple(ReplyState)
#: What the list of organisations can be narrowed to: a state, or one of these groups.
SILENT = "silent"
ATTENDING = "attending"
LIST_STATES: list[tuple[str, StrOrPromise]] = [
    *ReplyState.choices,
    (SILENT, _("Silent (not answered)")),
    (ATTENDING, _("Attending (submitted or amended)")),
]


@dataclass(frozen=True)
class Scope:
    """Whose replies the tracker counts: those invited by one circular, or by any circular
    about the meeting. Replies are per organisation and meeting either way."""

    meeting: Meeting
    circular: Circular | None = None

    def invitations(self) -> InvitationQuerySet:
        if self.circular is not None:
            return Invitation.objects.filter(circular=self.circular)
        return Invitation.objects.filter(circular__meeting=self.meeting)

    def invited(self) -> OrganisationQuerySet:
        """The organisations invited, each once, without their reply."""
        # Asked of each organisation (EXISTS, through the invitations' index by
        # organisation), so that a page in name order reads its rows from the name's index
        # and stops when full, rather than listing (and sorting) every invitation first.
        invitations = self.invitations().order_by().filter(organisation=OuterRef("pk"))
        return Organisation.objects.filter(Exists(invitations))

    def organisations(self) -> OrganisationQuerySet:
        """The organisations invited, each once, with their reply's state (`reply_state`)
        and their reply's columns reachable through `reply__`."""
        return with_reply(self.invited(), self.meeting)


def with_reply(organisations: OrganisationQuerySet, meeting: Meeting) -> OrganisationQuerySet:
    """`organisations` joined to their reply about `meeting` (at most one: the pair is
    unique), annotated with `reply_state` as the tracker counts it."""
    return organisations.annotate(
        reply=FilteredRelation("replies", condition=Q(replies__meeting=meeting)),
    ).annotate(
        reply_state=Coalesce(F("reply__state"), Value(ReplyState.NOT_OPENED.value)),
    )


# The tracker's figures


@dataclass(frozen=True)
class Counts:
    """The replies of a group of invited organisations, as `reports.figures.Answers`
    counts them for every surface, in the tracker's words."""

    answers: figures.Answers

    @property
    def by_state(self) -> dict[str, int]:
        return self.answers.by_state

    @property
    def invited(self) -> int:
        return self.answers.invited

    @property
    def attending(self) -> int:
        return self.answers.attending

    @property
    def declined(self) -> int:
        return self.answers.declined

    @property
    def silent(self) -> int:
        return self.answers.silent

    @property
    def estimated_participants(self) -> int:
        return self.answers.estimated

    @property
    def chief_executive_heads(self) -> int:
        return self.answers.chief_executive_heads

    @property
    def cells(self) -> list[int]:
        """The numbers of a breakdown row, in the order of `BREAKDOWN_COLUMNS`."""
        return [
            self.invited,
            *(self.by_state[state] for state in STATES),
            self.silent,
            self.estimated_participants,
        ]


#: Column headings of the breakdown tables, matching `Counts.cells`.
BREAKDOWN_COLUMNS: list[StrOrPromise] = [
    _("Invited"),
    *(state.label for state in STATES),
    _("Silent"),
    _("Estimated participants"),
]


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: StrOrPromise
    counts: Counts


@dataclass(frozen=True)
class TrackerBreakdown:
    """The replies by one property of the organisations: a row for each value met."""

    key: str  # the list filter this breakdown's rows narrow to
    title: StrOrPromise
    heading: StrOrPromise  # of the rows' column
    rows: list[BreakdownRow]


@dataclass(frozen=True)
class Tracker:
    totals: Counts
    # Counted by reports.figures, as every other surface counts them.
    opened: int
    named_delegates: int
    breakdowns: list[TrackerBreakdown]
    # Attending replies lacking a mandate document their meeting requires.
    documents_missing: int = 0
    counted_at: datetime.datetime = field(default_factory=timezone.now)

    def list_count(self, f: "ListFilter") -> int | None:
        """How many rows `tracker_list` has under `f`, read from these figures when `f`
        narrows by nothing (every organisation invited, each once); None otherwise."""
        return self.totals.invited if f == ListFilter() else None


#: The organisation's fields the tracker's figures are grouped by.
TRACKER_GROUPS = ("category", "stakeholder_group", "country")


def tracker(scope: Scope) -> Tracker:
    """Every figure of the response tracker, in four queries (two for the replies, one
    for the delegates, one for the documents missing), counted by reports.figures."""
    groups = figures.answers([scope.meeting], circular=scope.circular, by=TRACKER_GROUPS)
    totals = figures.total(groups)
    by: dict[str, dict[str, figures.Answers]] = {
        "category": defaultdict(figures.Answers),
        "stakeholder_group": defaultdict(figures.Answers),
        "region": defaultdict(figures.Answers),
    }
    for (category, group, country), answers in groups.items():
        by["category"][category] += answers
        by["stakeholder_group"][group] += answers
        by["region"][region_of(country)] += answers
    return Tracker(
        totals=Counts(totals),
        opened=totals.opened,
        named_delegates=figures.registered([scope.meeting], circular=scope.circular),
        documents_missing=figures.documents_missing(scope.meeting, circular=scope.circular),
        breakdowns=[
            _breakdown(
                "category", _("By category"), _("Category"), Category.choices, by["category"]
            ),
            _breakdown(
                "stakeholder_group",
                _("By stakeholder group"),
                _("Stakeholder group"),
                StakeholderGroup.choices,
                by["stakeholder_group"],
            ),
            _breakdown(
                "region",
                _("By region"),
                _("Region"),
                [*REGIONS.items(), (UNKNOWN_REGION, _("Unknown region"))],
                by["region"],
            ),
        ],
    )


def _breakdown(
    key: str,
    title: StrOrPromise,
    heading: StrOrPromise,
    choices: Iterable[tuple[str, StrOrPromise]],
    counts: dict[str, figures.Answers],
) -> TrackerBreakdown:
    """Rows in the order of `choices`, only those with someone invited; values outside the
    choices (data older than them) are kept, under their own name."""
    labels = dict(choices)
    rows = [BreakdownRow(value, label, Counts(counts[value])) for value, label in labels.items()]
    rows += [
        BreakdownRow(value, value, Counts(counts[value])) for value in counts if value not in labels
    ]
    return TrackerBreakdown(key, title, heading, [row for row in rows if row.counts.invited])


# The list of organisations


@dataclass(frozen=True)
class ListFilter:
    state: str = ""
    category: str = ""
    stakeholder_group: str = ""
    region: str = ""


def tracker_selection(scope: Scope, f: ListFilter) -> OrganisationQuerySet:
    """The organisations invited that `f` selects, in directory order, without their
    reply's columns: what a page's ids, a count and a selection across pages read. The
    reply is joined only when `f` narrows by its state."""
    organisations = scope.organisations() if f.state else scope.invited()
    if f.state == SILENT:
        organisations = organisations.exclude(Q(reply_state__in=ANSWERED_STATES))
    elif f.state == ATTENDING:
        organisations = organisations.filter(Q(reply_state__in=ATTENDING_STATES))
    elif f.state:
        organisations = organisations.filter(Q(reply_state=f.state))
    if f.category:
        organisations = organisations.filter(category=f.category)
    if f.stakeholder_group:
        organisations = organisations.filter(stakeholder_group=f.stakeholder_group)
    if f.region == UNKNOWN_REGION:
        organisations = organisations.exclude(country__in=list(COUNTRIES))
    elif f.region:
        organisations = organisations.filter(country__in=countries_in_region(f.region))
    return organisations.order_by("name_key", "pk")


def tracker_list(scope: Scope, f: ListFilter) -> OrganisationQuerySet:
    """The organisations invited, narrowed by `f`, in directory order, each with its
    reply's columns: `reply_state`, `reply_id`, `estimate`, `head_level`, `on_behalf`,
    `submitted_at`."""
    organisations = tracker_selection(scope, f)
    if not f.state:
        organisations = with_reply(organisations, scope.meeting)
    return organisations.annotate(
        reply_id=F("reply__id"),
        estimate=F("reply__estimated_participants"),
        head_level=head_level("reply__id"),
        on_behalf=F("reply__entered_on_behalf"),
        submitted_at=F("reply__submitted_at"),
    ).order_by("name_key", "pk")


@dataclass(frozen=True)
class ListRow:
    organisation: Organisation
    named: int

    @property
    def state_label(self) -> StrOrPromise:
        return ReplyState(self.organisation.reply_state).label  # type: ignore[attr-defined]

    @property
    def head_level_label(self) -> StrOrPromise:
        level = self.organisation.head_level  # type: ignore[attr-defined]
        return ProtocolLevel(level).label if level in ProtocolLevel.values else ""

    @property
    def entered_by(self) -> str:
        """Who wrote the reply: "secretariat", "organisation", or "" when nobody has."""
        organisation: Any = self.organisation
        if organisation.on_behalf:
            return "secretariat"
        written = organisation.reply_state not in (ReplyState.NOT_OPENED, ReplyState.OPENED)
        return "organisation" if written else ""

    @property
    def chief_executive(self) -> bool:
        """Whether the head is of high level (above "other"): the tracker shows it bold."""
        level = self.organisation.head_level  # type: ignore[attr-defined]
        return bool(level) and level != ProtocolLevel.OTHER


def list_rows(organisations: Iterable[Organisation]) -> list[ListRow]:
    """A page of `tracker_list` with the delegates each reply registers (one more query)."""
    page = list(organisations)
    named = figures.registered_per_reply(o.reply_id for o in page)  # type: ignore[attr-defined]
    return [ListRow(o, named.get(o.reply_id, 0)) for o in page]  # type: ignore[attr-defined]


CSV_HEADER = [
    "organisation",
    "name",
    "acronym",
    "category",
    "stakeholder_group",
    "country",
    "region",
    "state",
    "estimated_participants",
    "head_level",
    "named_delegates",
    "entered_on_behalf",
    "submitted_at",
]


def csv_rows(scope: Scope, f: ListFilter) -> Iterator[list[Any]]:
    """The list as rows of values for a CSV file, header first; read in chunks, so memory
    stays flat whatever the number of organisations."""
    yield CSV_HEADER
    rows = tracker_list(scope, f).annotate(named=figures.registered_of_reply("reply_id"))
    for o in rows.iterator(chunk_size=2000):
        yield [
            o.pk,
            neutralise(o.name),  # a name may begin with = or +
            neutralise(o.acronym),
            o.category,
            o.stakeholder_group,
            o.country,
            region_of(o.country),
            o.reply_state,  # type: ignore[attr-defined]
            "" if o.estimate is None else o.estimate,  # type: ignore[attr-defined]
            o.head_level or "",  # type: ignore[attr-defined]
            o.named,  # type: ignore[attr-defined]
            "yes" if o.on_behalf else "",  # type: ignore[attr-defined]
            o.submitted_at.isoformat() if o.submitted_at else "",  # type: ignore[attr-defined]
        ]


# One reply, as staff see it


def _with_types(reply: Reply) -> list[Delegate]:
    """The delegation, each delegate with `type_name`: their participant type's name."""
    delegates = list(
        reply.delegates.filter(in_delegation()).select_related(
            "participant_type", "reply__organisation", "returning_from__reply__meeting"
        )
    )
    types = types_of(reply.meeting_id)
    for delegate in delegates:
        setattr(delegate, "type_name", str(type_of(delegate, types) or ""))  # noqa: B010
    return delegates


@dataclass(frozen=True)
class PendingChange:
    """A change a focal point asked for after the deadline, as the reply it would give."""

    request: ChangeRequest
    proposed: ReplyData

    @property
    def head_level_label(self) -> StrOrPromise:
        return level_label(head_level_of(self.proposed))


@dataclass(frozen=True)
class ReplyOverview:
    """One organisation's reply about one meeting and what surrounds it."""

    organisation: Organisation
    meeting: Meeting
    reply: Reply | None
    delegates: list[Delegate]
    pending_changes: list[PendingChange]
    links: list[ReplyLink]
    invitation: Invitation | None  # the latest: a new link is issued through it
    history: list[AuditEntry]


def reply_overview(organisation: Organisation, meeting: Meeting) -> ReplyOverview:
    """Everything the staff's reply page shows, in a fixed number of queries; reading never
    creates the reply."""
    reply = (
        Reply.objects.filter(organisation=organisation, meeting=meeting)
        .select_related("focal_point", "backup_focal_point")
        .first()
    )
    links = list(
        ReplyLink.objects.filter(organisation=organisation, meeting=meeting)
        .select_related("person", "opened_by", "invitation__circular")
        .order_by("-created_at", "-pk")
    )
    invitations = list(_invitations(organisation, meeting))
    # The reply's own entries, and those of its links and invitations (revoked, re-issued).
    about = Q(object_type="correspondence.replylink", object_id__in=[str(x.pk) for x in links])
    about |= Q(
        object_type="correspondence.invitation",
        object_id__in=[str(x.pk) for x in invitations],
        action__startswith="summitdesk.reply_link.",
    )
    if reply is not None:
        about |= Q(object_type=Reply._meta.label_lower, object_id=str(reply.pk))
    history = list(AuditEntry.objects.filter(about).select_related("actor")[:200])
    return ReplyOverview(
        organisation=organisation,
        meeting=meeting,
        reply=reply,
        delegates=_with_types(reply) if reply else [],
        pending_changes=[
            PendingChange(request, proposed_data(request))
            for request in ChangeRequest.objects.filter(
                reply=reply, status=ChangeRequestStatus.PENDING
            ).order_by("created_at", "pk")
        ]
        if reply
        else [],
        links=links,
        invitation=invitations[0] if invitations else None,
        history=history,
    )


def _invitations(organisation: Organisation, meeting: Meeting) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(organisation=organisation, circular__meeting=meeting)
        .select_related("circular")
        .order_by("-circular__date", "-pk")
    )


def latest_invitation(organisation: Organisation, meeting: Meeting) -> Invitation | None:
    """The latest circular about `meeting` sent to `organisation`, or None."""
    return _invitations(organisation, meeting).first()


def version(reply: Reply | None) -> str:
    """What the reply looked like when a form was opened: a form saved on an older version
    would undo a change made meanwhile (the focal point answering online, say)."""
    return versions.version_of(reply)


# Participation across a process


@dataclass(frozen=True)
class Participation:
    """An organisation and one meeting: whether invited, and its reply if any."""

    meeting: Meeting
    invited: bool
    reply: Reply | None

    @property
    def head(self) -> Delegate | None:
        heads: list[Delegate] = getattr(self.reply, "heads", [])
        return heads[0] if heads else None

    @property
    def named(self) -> int:
        return int(getattr(self.reply, "named", 0))

    @property
    def head_level(self) -> str:
        """The delegation's level: its head's protocol level."""
        return self.head.protocol_level if self.head else ""

    @property
    def head_level_label(self) -> str:
        return level_label(self.head_level)


def participation(organisation: Organisation) -> list[tuple[Process, list[Participation]]]:
    """Every meeting of every process, in calendar order, with the organisation's reply
    and whether it was invited: four queries, whatever the number of meetings."""
    meetings = list(Meeting.objects.select_related("process").in_calendar_order())
    replies = {
        reply.meeting_id: reply
        for reply in Reply.objects.filter(organisation=organisation)
        .annotate(named=Count("delegates", filter=in_delegation("delegates__")))
        .prefetch_related(
            Prefetch("delegates", queryset=Delegate.objects.filter(is_head=True), to_attr="heads")
        )
    }
    invited = set(
        Invitation.objects.filter(organisation=organisation).values_list(
            "circular__meeting", flat=True
        )
    )
    by_process: dict[int, tuple[Process, list[Participation]]] = {}
    for meeting in meetings:
        entry = by_process.setdefault(meeting.process_id, (meeting.process, []))
        entry[1].append(Participation(meeting, meeting.pk in invited, replies.get(meeting.pk)))
    return sorted(by_process.values(), key=lambda item: item[0].name)
