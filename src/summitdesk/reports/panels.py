"""The dashboard's panels: each chart with the table of its numbers (the same numbers, so
the CSV download, the table and the drawing cannot disagree) and a line saying how they
are counted. Built in the language of the request."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from summitdesk.reports import charts
from summitdesk.reports.dashboard import NOT_GIVEN, Dashboard, DashboardBreakdown, Tally

Cell = str | int


@dataclass(frozen=True)
class Table:
    headings: list[str]
    rows: list[list[Cell]]
    footer: list[Cell] | None = None

    def csv_rows(self) -> list[list[Cell]]:
        return [list(self.headings), *self.rows, *([self.footer] if self.footer else [])]


@dataclass(frozen=True)
class Panel:
    name: str  # in URLs: /charts/<name>.csv
    title: str
    counting: str  # how these figures are counted, shown under the chart
    svg: charts.Svg
    table: Table


def _percent(tally: Tally) -> str:
    return f"{tally.response_percent}%" if tally.invited else "-"


def _share(part: int, whole: int) -> str:
    return f"{part / whole * 100:.1f}%" if whole else "-"


def _response(dashboard: Dashboard, breakdown: DashboardBreakdown) -> Panel:
    name = f"response-by-{breakdown.key.replace('_', '-')}"
    title = _("Response rate by %(dimension)s") % {"dimension": str(breakdown.heading).lower()}
    bars = [
        charts.Bar(str(row.label), (row.tally.response_rate or 0) * 100, _rate_text(row.tally))
        for row in breakdown.rows
    ]
    counting = _(
        "Response rate: organisations that answered (submitted, amended or declined) out of "
        "the organisations invited (sent a dispatched circular about the meeting, each once)."
    )
    headings = [
        str(breakdown.heading),
        _("Invited"),
        _("Answered"),
        _("Attending"),
        _("Declined"),
        _("Response rate"),
    ]
    rows: list[list[Cell]] = [
        [str(row.label), *_response_cells(row.tally)] for row in breakdown.rows
    ]
    return Panel(
        name,
        title,
        counting,
        charts.horizontal_bars(name, title, counting, bars, maximum=100),
        Table(headings, rows, [_("Total"), *_response_cells(dashboard.totals)]),
    )


def _rate_text(tally: Tally) -> str:
    if not tally.invited:
        return _("nobody invited")
    return _("%(rate)s (%(answered)d of %(invited)d)") % {
        "rate": _percent(tally),
        "answered": tally.answered,
        "invited": tally.invited,
    }


def _response_cells(tally: Tally) -> list[Cell]:
    return [tally.invited, tally.answered, tally.attending, tally.declined, _percent(tally)]


def _series() -> list[charts.Series]:
    labels = [_("Estimated"), _("Registered"), _("Approved"), _("Checked in")]
    return [charts.Series(label, charts.PALETTE[i]) for i, label in enumerate(labels)]


def _participant_cells(tally: Tally) -> list[Cell]:
    return [tally.estimated, tally.registered, tally.approved, tally.checked_in]


PARTICIPANTS_COUNTING = gettext_lazy(
    "Estimated: participants announced in attending replies. Registered: delegates named in "
    "attending replies, less those withdrawn or revoked. Approved: accreditations approved "
    "now. Checked in: accreditations scanned in at a door at least once."
)


def _participants_by(dashboard: Dashboard, breakdown: DashboardBreakdown) -> Panel:
    name = f"participants-by-{breakdown.key.replace('_', '-')}"
    title = _("Participants by %(dimension)s") % {"dimension": str(breakdown.heading).lower()}
    counting = str(PARTICIPANTS_COUNTING)
    # The table keeps every row; the drawing leaves out the groups with nobody to draw.
    groups = [
        (str(row.label), [float(v) for v in _participant_cells(row.tally)])
        for row in breakdown.rows
        if any(_participant_cells(row.tally))
    ]
    headings = [
        str(breakdown.heading),
        *(str(s.label) for s in _series()),
        _("Headed at chief-executive level"),
    ]
    rows: list[list[Cell]] = [
        [str(row.label), *_participant_cells(row.tally), row.tally.chief_executive_heads]
        for row in breakdown.rows
    ]
    footer: list[Cell] = [
        _("Total"),
        *_participant_cells(dashboard.totals),
        dashboard.totals.chief_executive_heads,
    ]
    return Panel(
        name,
        title,
        counting,
        charts.grouped_bars(name, title, counting, _series(), groups),
        Table(headings, rows, footer),
    )


def _participants(dashboard: Dashboard) -> Panel:
    name = "participants"
    title = _("Estimated, registered, approved and checked-in participants")
    counting = str(PARTICIPANTS_COUNTING)
    series = _series()
    values = _participant_cells(dashboard.totals)
    bars = [charts.Bar(s.label, float(v), str(v)) for s, v in zip(series, values, strict=True)]
    rows: list[list[Cell]] = [[s.label, v] for s, v in zip(series, values, strict=True)]
    return Panel(
        name,
        title,
        counting,
        charts.horizontal_bars(name, title, counting, bars),
        Table([_("Participants"), _("Number")], rows),
    )


def _head_levels(dashboard: Dashboard) -> Panel:
    name = "head-levels"
    title = _("Delegations by level of their head")
    counting = _(
        "Attending replies (submitted or amended) by the level of the head of delegation the "
        "organisation gave; %(heads)d headed at chief-executive level."
    ) % {"heads": dashboard.totals.chief_executive_heads}
    total = sum(level.count for level in dashboard.head_levels)
    bars = [
        charts.Bar(str(level.label), level.count, str(level.count))
        for level in dashboard.head_levels
    ]
    rows: list[list[Cell]] = [
        [str(level.label), level.count, _share(level.count, total)]
        for level in dashboard.head_levels
    ]
    return Panel(
        name,
        title,
        counting,
        charts.horizontal_bars(name, title, counting, bars),
        Table([_("Level"), _("Delegations"), _("Share")], rows, [_("Total"), total, ""]),
    )


def _participant_types(dashboard: Dashboard) -> Panel:
    name = "participant-types"
    title = _("Registered participants by type")
    counting = _(
        "Registered delegates by participant type (the type the secretariat set, else the "
        "default of the organisation's category); those taking part online only are "
        "counted apart."
    )
    counts = dashboard.participant_types
    bars = [charts.Bar(c.name, c.total, str(c.total)) for c in counts]
    rows: list[list[Cell]] = [[c.name, c.in_person, c.online, c.total] for c in counts]
    footer: list[Cell] = [
        _("Total"),
        sum(c.in_person for c in counts),
        sum(c.online for c in counts),
        sum(c.total for c in counts),
    ]
    return Panel(
        name,
        title,
        counting,
        charts.horizontal_bars(name, title, counting, bars, colour=charts.PALETTE[2]),
        Table([_("Participant type"), _("In person"), _("Online"), _("Total")], rows, footer),
    )


def _genders(dashboard: Dashboard) -> Panel:
    name = "gender"
    title = _("Gender balance of the registered delegates")
    given = dashboard.genders_given
    counting = _(
        "Registered delegates by the gender they chose to give; the shares are of the "
        "%(given)d who gave it."
    ) % {"given": given}
    bars = [
        charts.Bar(
            str(g.label),
            g.count,
            f"{g.count} ({_share(g.count, given)})" if g.key != NOT_GIVEN else str(g.count),
        )
        for g in dashboard.genders
    ]
    rows: list[list[Cell]] = [
        [str(g.label), g.count, _share(g.count, given) if g.key != NOT_GIVEN else ""]
        for g in dashboard.genders
    ]
    total = sum(g.count for g in dashboard.genders)
    return Panel(
        name,
        title,
        counting,
        charts.horizontal_bars(name, title, counting, bars, colour=charts.PALETTE[3]),
        Table([_("Gender"), _("Delegates"), _("Share")], rows, [_("Total"), total, ""]),
    )


def _timeline(dashboard: Dashboard) -> Panel:
    name = "replies-over-time"
    title = _("Replies over time")
    timeline = dashboard.timeline
    counting = _(
        "Organisations that answered (submitted, amended or declined), by the day their reply "
        "was first submitted, counted from the first dispatch; the dashed line is the reply "
        "deadline."
    )
    if timeline.undated:
        counting += " " + _("%(n)d answered replies have no submission date.") % {
            "n": timeline.undated
        }
    rows: list[list[Cell]] = [
        [day.day.isoformat(), day.replies, day.cumulative] for day in timeline.days
    ]
    return Panel(
        name,
        title,
        counting,
        charts.cumulative_line(
            name,
            title,
            counting,
            [(day.day, day.cumulative) for day in timeline.days],
            start=timeline.start,
            deadlines=[(d.reference, d.day) for d in timeline.deadlines],
        ),
        Table([_("Day"), _("Replies that day"), _("Replies so far")], rows),
    )


def panels(dashboard: Dashboard) -> list[Panel]:
    """Every panel, in the order of the page."""
    by = {b.key: b for b in dashboard.breakdowns}
    return [
        _timeline(dashboard),
        _participants(dashboard),
        *(_response(dashboard, by[key]) for key in ("stakeholder_group", "region", "category")),
        *(
            _participants_by(dashboard, by[key])
            for key in ("stakeholder_group", "region", "category")
        ),
        _head_levels(dashboard),
        _participant_types(dashboard),
        _genders(dashboard),
    ]


def panel(dashboard: Dashboard, name: str) -> Panel | None:
    return next((p for p in panels(dashboard) if p.name == name), None)


NAMES: Sequence[str] = (
    "replies-over-time",
    "participants",
    "response-by-stakeholder-group",
    "response-by-region",
    "response-by-category",
    "participants-by-stakeholder-group",
    "participants-by-region",
    "participants-by-category",
    "head-levels",
    "participant-types",
    "gender",
)
