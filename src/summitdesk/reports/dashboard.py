"""The participation dashboard's figures, for one meeting or every meeting of a process.

Every figure comes from seven queries, whatever the number of organisations, replies,
delegates, accreditations or meetings, and none reads back a row per delegate: the
invitations and the answered replies, grouped by the organisation's category, stakeholder
group and country (and the reply's state and head level); the registered delegates (by
gender too), the approved accreditations and the entered check-ins, first counted per
reply in the database (grouping by an integer along an index is what keeps 100,000
accreditations fast) and then added up by group around that query (`_by_group`); the
circulars; and the answers per day. The rows counted are those that
summitdesk.reports.figures defines, for this page as for every other that shows the same
figure. Regions are derived from countries in Python, as everywhere else.

How each figure is counted (the pages and docs/architecture.md say the same):
- invited: organisations a dispatched circular about the meeting was sent to, each once
  per meeting (several circulars or reminders to one organisation count once);
- answered: invited organisations whose reply is submitted, amended or declined;
  attending: submitted or amended; declined: declined;
- response rate: answered / invited;
- replies over time: answered replies of invited organisations by the day they were first
  submitted (in the meeting's time zone), counted from the first dispatch;
- estimated: the estimated participants of the attending replies of invited organisations
  (as the response tracker counts them);
- registered: delegates named in attending replies, less those taken out of the delegation
  (accreditation withdrawn or revoked);
- approved: accreditations whose status is approved now;
- checked in: accreditations with an `entered` check-in (at most one each), whatever their
  status since;
- headed at chief-executive level: attending replies of invited organisations whose head
  of delegation is at chief-executive level;
- gender: registered delegates by the gender they chose to give ("not given" otherwise).

Filters narrow every figure to the organisations of a category, stakeholder group, region
or country.
"""

import datetime
import hashlib
import uuid
import zoneinfo
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import (
    CharField,
    Count,
    IntegerField,
    Min,
    Q,
    QuerySet,
)
from django.db.models.functions import Cast, Substr, TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from summitdesk.correspondence.enums import CircularStatus
from summitdesk.correspondence.models import Circular
from summitdesk.delegations.enums import Gender, ProtocolLevel
from summitdesk.delegations.models import Reply
from summitdesk.delegations.queries import ANSWERED_STATES, Scope, Tracker, tracker
from summitdesk.directory.enums import Category, StakeholderGroup
from summitdesk.directory.models import Organisation
from summitdesk.lib.countries import (
    COUNTRIES,
    REGIONS,
    UNKNOWN_REGION,
    countries_in_region,
    region_of,
)
from summitdesk.meetings.models import Meeting, Process
from summitdesk.reports import figures, tasks

NOT_GIVEN = "not_given"

REGION_CHOICES: list[tuple[str, StrOrPromise]] = [
    *REGIONS.items(),
    (UNKNOWN_REGION, _("Unknown region")),
]
HEAD_LEVEL_CHOICES: list[tuple[str, StrOrPromise]] = [
    *ProtocolLevel.choices,
    (NOT_GIVEN, _("Not given")),
]
GENDER_CHOICES: list[tuple[str, StrOrPromise]] = [
    (Gender.FEMALE, Gender.FEMALE.label),
    (Gender.MALE, Gender.MALE.label),
    (Gender.OTHER, Gender.OTHER.label),
    (NOT_GIVEN, _("Not given")),
]


@dataclass(frozen=True)
class Filters:
    """Which organisations the figures count; empty values count every one."""

    category: str = ""
    stakeholder_group: str = ""
    region: str = ""
    country: str = ""

    def organisations(self, prefix: str) -> Q:
        """The condition on the organisation reached through `prefix` (e.g. `reply__`)."""
        condition = Q()
        if self.category:
            condition &= Q(**{f"{prefix}organisation__category": self.category})
        if self.stakeholder_group:
            condition &= Q(**{f"{prefix}organisation__stakeholder_group": self.stakeholder_group})
        if self.region == UNKNOWN_REGION:
            condition &= ~Q(**{f"{prefix}organisation__country__in": list(COUNTRIES)})
        elif self.region:
            condition &= Q(
                **{f"{prefix}organisation__country__in": countries_in_region(self.region)}
            )
        if self.country:
            condition &= Q(**{f"{prefix}organisation__country": self.country})
        return condition

    @property
    def active(self) -> bool:
        return any((self.category, self.stakeholder_group, self.region, self.country))


@dataclass
class Tally:
    """The figures of one group of organisations (or of all of them): the replies'
    (`figures.Answers`) and the delegates'."""

    answers: figures.Answers = field(default_factory=figures.Answers)
    registered: int = 0
    approved: int = 0
    checked_in: int = 0

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
    def answered(self) -> int:
        return self.answers.answered

    @property
    def response_rate(self) -> float | None:
        return self.answers.response_rate

    @property
    def estimated(self) -> int:
        return self.answers.estimated

    @property
    def chief_executive_heads(self) -> int:
        return self.answers.chief_executive_heads

    @property
    def response_percent(self) -> str:
        rate = self.response_rate
        return "" if rate is None else f"{rate * 100:.1f}"

    @property
    def empty(self) -> bool:
        return not any(getattr(self, name) for name in Tally.__dataclass_fields__)


@dataclass(frozen=True)
class Row:
    key: str
    label: StrOrPromise
    tally: Tally


@dataclass(frozen=True)
class DashboardBreakdown:
    """The figures by one property of the organisations, a row per value met."""

    key: str
    title: StrOrPromise
    heading: StrOrPromise
    rows: list[Row]


@dataclass(frozen=True)
class Figure:
    key: str
    label: StrOrPromise
    count: int


@dataclass(frozen=True)
class Day:
    day: datetime.date
    replies: int
    cumulative: int


@dataclass(frozen=True)
class Deadline:
    reference: str
    day: datetime.date


@dataclass(frozen=True)
class Timeline:
    """Answered replies by day, from the first dispatch."""

    start: datetime.date | None
    deadlines: list[Deadline]
    days: list[Day]
    #: Answered replies without a submission time (none are expected; kept visible).
    undated: int = 0

    @property
    def total(self) -> int:
        return self.days[-1].cumulative if self.days else 0


@dataclass(frozen=True)
class Dashboard:
    title: str
    meetings: list[Meeting]
    filters: Filters
    totals: Tally
    breakdowns: list[DashboardBreakdown]
    timeline: Timeline
    head_levels: list[Figure]
    genders: list[Figure]
    #: Registered delegates by participant type, online only apart.
    participant_types: list[figures.TypeCount] = field(default_factory=list)
    counted_at: datetime.datetime = field(default_factory=timezone.now)

    def breakdown(self, key: str) -> DashboardBreakdown:
        return next(b for b in self.breakdowns if b.key == key)

    @property
    def genders_given(self) -> int:
        return sum(g.count for g in self.genders if g.key != NOT_GIVEN)


@dataclass
class _Groups:
    """Tallies by (category, stakeholder group, country) while the queries are read."""

    tallies: dict[tuple[str, str, str], Tally] = field(default_factory=lambda: defaultdict(Tally))

    def of(self, row: dict[str, Any], prefix: str) -> Tally:
        key = (
            str(row[f"{prefix}organisation__category"]),
            str(row[f"{prefix}organisation__stakeholder_group"]),
            str(row[f"{prefix}organisation__country"]),
        )
        return self.tallies[key]


def _org_fields(prefix: str) -> tuple[str, str, str]:
    return (
        f"{prefix}organisation__category",
        f"{prefix}organisation__stakeholder_group",
        f"{prefix}organisation__country",
    )


#: Figures older than this (seconds) are counted again in the background.
CACHE_SECONDS = 60
#: How long counted figures are kept at all: a dashboard nobody opened for this long is
#: counted while its reader waits.
KEEP_SECONDS = 30 * 60


def cache_key(scope: Meeting | Process, filters: Filters) -> str:
    kind = "meeting" if isinstance(scope, Meeting) else "process"
    digest = hashlib.sha256(repr(filters).encode()).hexdigest()[:32]
    return f"dashboard:{kind}:{scope.pk}:{digest}"


def cached_dashboard(
    scope: Meeting | Process, filters: Filters = Filters(), *, fresh: bool = False
) -> Dashboard:
    """The dashboard of a meeting or process. Counting takes a good tenth of a second at
    100,000 accreditations, so figures are kept: those older than CACHE_SECONDS are still
    shown (with the time they were counted) while a background task counts them again, so
    that no reader waits once the figures exist. `fresh` counts again now."""
    key = cache_key(scope, filters)
    found = None if fresh else cache.get(key)
    if isinstance(found, Dashboard):
        if timezone.now() - found.counted_at > datetime.timedelta(seconds=CACHE_SECONDS):
            _recount_later(scope, filters, key)
        return found
    if isinstance(scope, Meeting):
        result = meeting_dashboard(scope, filters)
    else:
        result = process_dashboard(scope, filters)
    cache.set(key, result, KEEP_SECONDS)
    return result


def _recount_later(scope: Meeting | Process, filters: Filters, key: str) -> None:
    """Enqueue one recount of the figures under `key` (not another while one is queued)."""
    if not cache.add(f"{key}:recounting", True, CACHE_SECONDS):
        return
    kind = "meeting" if isinstance(scope, Meeting) else "process"
    tasks.recount_dashboard.enqueue(kind, scope.pk, asdict(filters))


def recount(kind: str, pk: int, filters: dict[str, str]) -> None:
    """Count the figures of a meeting or process again and keep them (the task's body)."""
    model = Meeting if kind == "meeting" else Process
    scope = model.objects.filter(pk=pk).first()
    if scope is None:
        return
    cached_dashboard(scope, Filters(**filters), fresh=True)
    cache.delete(f"{cache_key(scope, Filters(**filters))}:recounting")


#: Changes with every invitation, reply, delegate or accreditation saved or deleted
#: (`figures_changed`): the tracker's kept figures are then counted again at once.
TRACKER_STAMP = "tracker:stamp"


def figures_changed(**kwargs: Any) -> None:
    """A row the tracker counts was saved or deleted (post_save, post_delete): figures
    kept before are no longer read. Updates in bulk send no signal; their change shows
    once the figures are counted again, a minute later at most after the next visit."""
    cache.set(TRACKER_STAMP, uuid.uuid4().hex, None)


def tracker_key(scope: Scope) -> str:
    circular = scope.circular.pk if scope.circular is not None else ""
    stamp = cache.get(TRACKER_STAMP, "")
    return f"tracker:{scope.meeting.pk}:{circular}:{stamp}"


def cached_tracker(scope: Scope, *, fresh: bool = False) -> Tracker:
    """The response tracker's figures (`delegations.queries.tracker`), kept like the
    dashboard's: those older than CACHE_SECONDS are still shown, with the time they were
    counted, while a background task counts them again. `fresh` counts again now."""
    key = tracker_key(scope)
    found = None if fresh else cache.get(key)
    if isinstance(found, Tracker):
        old = timezone.now() - found.counted_at > datetime.timedelta(seconds=CACHE_SECONDS)
        if old and cache.add(f"{key}:recounting", True, CACHE_SECONDS):
            circular = scope.circular.pk if scope.circular is not None else None
            tasks.recount_tracker.enqueue(scope.meeting.pk, circular)
        return found
    result = tracker(scope)
    cache.set(key, result, KEEP_SECONDS)
    return result


def recount_tracker(meeting_pk: int, circular_pk: int | None) -> None:
    """Count the tracker's figures of a meeting or circular again and keep them (the
    task's body)."""
    meeting = Meeting.objects.filter(pk=meeting_pk).first()
    circular = Circular.objects.filter(pk=circular_pk).first() if circular_pk else None
    if meeting is None or (circular_pk and circular is None):
        return
    scope = Scope(meeting, circular)
    key = tracker_key(scope)
    cache.set(key, tracker(scope), KEEP_SECONDS)
    cache.delete(f"{key}:recounting")


def meeting_dashboard(meeting: Meeting, filters: Filters = Filters()) -> Dashboard:
    return _dashboard(meeting.title, [meeting], filters)


def process_dashboard(process: Process, filters: Filters = Filters()) -> Dashboard:
    """Every meeting of the process together: an organisation invited to two meetings
    counts twice (once per meeting), as do its two replies."""
    meetings = list(process.meetings.in_calendar_order())
    return _dashboard(process.name, meetings, filters)


def _dashboard(title: str, meetings: list[Meeting], filters: Filters) -> Dashboard:
    groups = _Groups()
    genders: dict[str, int] = defaultdict(int)
    _count_answers(groups, meetings, filters)
    _count_delegates(groups, genders, meetings, filters)
    totals = Tally()
    by: dict[str, dict[str, Tally]] = {
        "stakeholder_group": defaultdict(Tally),
        "region": defaultdict(Tally),
        "category": defaultdict(Tally),
    }
    for (category, group, country), tally in groups.tallies.items():
        for target in (
            totals,
            by["category"][category],
            by["stakeholder_group"][group],
            by["region"][region_of(country)],
        ):
            _add(target, tally)
    timeline = _timeline(meetings, filters)
    timeline = replace(timeline, undated=totals.answered - timeline.total)
    return Dashboard(
        title=title,
        meetings=meetings,
        filters=filters,
        totals=totals,
        breakdowns=[
            _breakdown(
                "stakeholder_group",
                _("By stakeholder group"),
                _("Stakeholder group"),
                StakeholderGroup.choices,
                by["stakeholder_group"],
            ),
            _breakdown("region", _("By region"), _("Region"), REGION_CHOICES, by["region"]),
            _breakdown(
                "category", _("By category"), _("Category"), Category.choices, by["category"]
            ),
        ],
        timeline=timeline,
        head_levels=[
            Figure(key, label, totals.answers.heads["" if key == NOT_GIVEN else key])
            for key, label in HEAD_LEVEL_CHOICES
        ],
        genders=[Figure(key, label, genders[key]) for key, label in GENDER_CHOICES],
        participant_types=figures.registered_by_type(meetings, organisations=filters.organisations),
    )


def _add(target: Tally, tally: Tally) -> None:
    for name in Tally.__dataclass_fields__:
        setattr(target, name, getattr(target, name) + getattr(tally, name))


def _breakdown(
    key: str,
    title: StrOrPromise,
    heading: StrOrPromise,
    choices: Iterable[tuple[str, StrOrPromise]],
    tallies: dict[str, Tally],
) -> DashboardBreakdown:
    """Rows in the order of `choices`, those with any figure; values outside the choices
    (data older than them) are kept under their own name. The four stakeholder groups are
    always shown, so that a group nobody answered from shows as nought."""
    labels = dict(choices)
    rows = [Row(value, label, tallies[value]) for value, label in labels.items()]
    rows += [Row(value, value, tallies[value]) for value in tallies if value not in labels]
    keep_all = key == "stakeholder_group"
    return DashboardBreakdown(
        key, title, heading, [r for r in rows if keep_all or not r.tally.empty]
    )


def _count_answers(groups: _Groups, meetings: Sequence[Meeting], filters: Filters) -> None:
    """Invited, attending, declined and what attending replies announce, by the
    organisation's group, as `figures.answers` counts them for every surface."""
    for key, answers in figures.answers(
        meetings, organisations=filters.organisations, by=_BY
    ).items():
        groups.tallies[(key[0], key[1], key[2])].answers = answers


#: The organisation's fields the dashboard groups by, in `_Groups`' key order.
_BY = ("category", "stakeholder_group", "country")


def _count_delegates(
    groups: _Groups, genders: dict[str, int], meetings: Sequence[Meeting], filters: Filters
) -> None:
    """Registered (by gender too), approved and checked in, by group: the rows that
    reports.figures counts for every surface, counted here per reply first (the database
    groups by an integer) and added up by group around that query (`_by_group`)."""
    registered = (
        figures.registered_delegates(meetings, organisations=filters.organisations)
        .order_by()
        .values("reply")
        .annotate(
            **{
                column: Count("pk", filter=Q(gender="" if key == NOT_GIVEN else key))
                for key, column in _GENDER_COLUMNS.items()
            }
        )
    )
    for key, _state, counted in _by_group(registered, "reply"):
        for gender, column in _GENDER_COLUMNS.items():
            groups.tallies[key].registered += counted[column]
            genders[gender] += counted[column]
    approved = (
        figures.approved_accreditations(meetings, organisations=filters.organisations)
        .values("delegate__reply")
        .annotate(n=Count("pk"))
    )
    for key, _state, counted in _by_group(approved, "delegate__reply"):
        groups.tallies[key].approved += counted["n"]
    entered = (
        figures.entered_check_ins(meetings, organisations=filters.organisations)
        .values("accreditation__delegate__reply")
        .annotate(n=Count("pk"))
    )
    for key, _state, counted in _by_group(entered, "accreditation__delegate__reply"):
        groups.tallies[key].checked_in += counted["n"]


#: The genders counted apart in `_count_delegates`, with the column each is counted in.
_GENDER_COLUMNS = {key: f"gender_{key}" for key, _label in GENDER_CHOICES}


def _by_group(
    per_reply: QuerySet[Any, Any], reply: str
) -> list[tuple[tuple[str, str, str], str, dict[str, int]]]:
    """The figures `per_reply` counts for each reply (grouped by its column `reply`),
    added up by the organisation's category, stakeholder group and country and by the
    reply's state: ((category, group, country), state, {figure: number}).

    Grouping 100,000 rows by the organisation's columns directly makes the database sort
    them all; grouping them by reply follows an index and leaves a few thousand rows to
    join to their reply and organisation. The ORM cannot select from a subquery, hence
    the SQL around it (names only: the values stay the inner query's parameters)."""
    inner_sql, params = per_reply.query.sql_with_params()
    quote = connection.ops.quote_name

    def column(model: type[Reply | Organisation], name: str) -> str:
        return quote(model._meta.get_field(name).get_attname_column()[1] or name)  # type: ignore[union-attr]

    figures = [name for name in per_reply.query.annotation_select if name != reply]
    group = ", ".join(
        f"o.{column(Organisation, name)}" for name in ("category", "stakeholder_group", "country")
    )
    state = f"r.{column(Reply, 'state')}"
    sums = "".join(f", SUM(x.{quote(name)})" for name in figures)
    sql = (
        f"SELECT {group}, {state}{sums} FROM ({inner_sql}) x "  # noqa: S608
        f"INNER JOIN {quote(Reply._meta.db_table)} r ON r.{column(Reply, 'id')} = x.{quote(reply)} "
        f"INNER JOIN {quote(Organisation._meta.db_table)} o "
        f"ON o.{column(Organisation, 'id')} = r.{column(Reply, 'organisation')} "
        f"GROUP BY {group}, {state}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    return [
        (
            (str(row[0]), str(row[1]), str(row[2])),
            str(row[3]),
            {name: int(n or 0) for name, n in zip(figures, row[4:], strict=True)},
        )
        for row in found
    ]


def _timeline(meetings: Sequence[Meeting], filters: Filters) -> Timeline:
    """Answered replies of invited organisations by day of first submission, in the
    (first) meeting's time zone, from the first dispatch of a circular about the
    meeting(s); the days are counted in the database."""
    zone = zoneinfo.ZoneInfo(meetings[0].time_zone if meetings else "UTC")
    circulars = list(
        Circular.objects.filter(meeting__in=meetings)
        .exclude(status=CircularStatus.DRAFT)
        .annotate(dispatched_at=Min("invitations__created_at"))
        .order_by("date", "pk")
    )
    dispatched = [c.dispatched_at for c in circulars if c.dispatched_at]
    start = min(dispatched).astimezone(zone).date() if dispatched else None
    deadlines = [
        Deadline(c.reference, c.reply_deadline.astimezone(zone).date())
        for c in circulars
        if c.reply_deadline is not None
    ]
    answered = figures.invited_replies(meetings, organisations=filters.organisations).filter(
        state__in=ANSWERED_STATES, submitted_at__isnull=False
    )
    per_day = _per_day(answered, zone)
    days: list[Day] = []
    total = 0
    for day in sorted(per_day):
        total += per_day[day]
        days.append(Day(day, per_day[day], total))
    return Timeline(start=start, deadlines=deadlines, days=days)


def _per_day(replies: QuerySet[Reply], zone: zoneinfo.ZoneInfo) -> Counter[datetime.date]:
    """How many of `replies` were first submitted on each day in `zone`.

    PostgreSQL converts and truncates itself. SQLite would call Python for every reply
    to convert its time, so there the replies are counted by quarter of an hour (UTC, from
    the stored text) and the quarters put in their day here: a day in any time zone in use
    begins on a quarter of an hour, so no quarter straddles two days."""
    if connection.vendor != "sqlite":
        return Counter(
            dict(
                replies.values_list(TruncDate("submitted_at", tzinfo=zone))
                .annotate(n=Count("pk"))
                .order_by()
            )
        )
    quarters = (
        replies.values_list(
            Substr("submitted_at", 1, 13, output_field=CharField()),
            Cast(Substr("submitted_at", 15, 2, output_field=CharField()), IntegerField()) / 15,
        )
        .annotate(n=Count("pk"))
        .order_by()
    )
    per_day: Counter[datetime.date] = Counter()
    for hour, quarter, n in quarters:
        start = datetime.datetime.fromisoformat(f"{hour}:{quarter * 15:02d}:00+00:00")
        per_day[start.astimezone(zone).date()] += n
    return per_day
