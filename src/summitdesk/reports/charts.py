"""Small charts drawn on the server as SVG: no script, no CDN, readable without colour.

The builders only compute geometry: an `Svg` of rectangles, lines and texts whose every
coordinate is already a string (a localised float would read "12,5" in French and break
the drawing). `Svg` writes itself out with format_html, which escapes every text and
attribute, so the same markup serves inline in a page and as a downloaded .svg file (a
template would do the same, ten times slower: a dashboard draws about a thousand shapes).
Each chart carries a title and a description for screen readers, and writes its numbers
beside the bars.
"""

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

INK = "#1b1f24"
MUTED = "#5b6472"
GRID = "#d5dae1"
DEADLINE = "#b3261e"
#: Series colours, distinguishable by most colour-blind readers (and each labelled anyway).
PALETTE = ("#1f5f99", "#e08a1e", "#3a8f5c", "#7b4ea3", "#8c6d1f")

WIDTH = 720
FONT_SIZE = 12
CHAR_WIDTH = 6.6  # an average character at FONT_SIZE, to leave room for labels
BAR = 18
GAP = 8
TOP = 12


def _n(value: float) -> str:
    """A coordinate as SVG wants it, whatever the language of the page."""
    return f"{value:.1f}".removesuffix(".0")


@dataclass(frozen=True)
class Rect:
    x: str
    y: str
    width: str
    height: str
    fill: str
    title: str


@dataclass(frozen=True)
class Line:
    x1: str
    y1: str
    x2: str
    y2: str
    stroke: str
    dash: str = ""


@dataclass(frozen=True)
class Text:
    x: str
    y: str
    text: str
    anchor: str = "start"
    fill: str = INK
    weight: str = "normal"


@dataclass(frozen=True)
class Dot:
    cx: str
    cy: str
    title: str


@dataclass
class Svg:
    """A chart as shapes and texts, written out by `markup` (inline) or `render` (a file)."""

    name: str  # unique in a page: the ids of the title and description derive from it
    title: str
    description: str
    width: int = WIDTH
    height: int = 0
    rects: list[Rect] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    texts: list[Text] = field(default_factory=list)
    dots: list[Dot] = field(default_factory=list)
    polyline: str = ""

    def markup(self) -> SafeString:
        """The drawing as an inline <svg> element. Every text and attribute goes through
        format_html, which escapes it (labels may come from older data)."""
        return self._svg(standalone=False)

    def render(self) -> str:
        """The standalone SVG document, for download."""
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + self._svg(standalone=True)

    def _svg(self, *, standalone: bool) -> SafeString:
        ids = f"chart-{self.name}"
        # In a page the chart scales with it (its width the column's, its height from the
        # viewBox's proportions: class "chart" in the stylesheet); a file keeps its size.
        size = (
            format_html('width="{}" height="{}"', self.width, self.height)
            if standalone
            else mark_safe('width="100%" class="chart"')  # a constant
        )
        parts = [
            format_html(
                '<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 {} {}" '
                '{} preserveAspectRatio="xMinYMin meet" role="img" '
                'aria-labelledby="{}-title {}-desc" '
                'font-family="system-ui, -apple-system, {}, sans-serif" font-size="{}">'
                '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>',
                self.width, self.height, size, ids, ids, "'Segoe UI'",
                FONT_SIZE, ids, self.title, ids, self.description,
            )
        ]  # fmt: skip
        if standalone:
            parts.append(
                format_html(
                    '<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>',
                    self.width,
                    self.height,
                )
            )
        parts += [
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}"{}/>',
                line.x1, line.y1, line.x2, line.y2, line.stroke,
                format_html(' stroke-dasharray="{}" stroke-width="2"', line.dash)
                if line.dash
                else "",
            )
            for line in self.lines
        ]  # fmt: skip
        parts += [
            format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"><title>{}</title></rect>',
                rect.x, rect.y, rect.width, rect.height, rect.fill, rect.title,
            )
            for rect in self.rects
        ]  # fmt: skip
        if self.polyline:
            parts.append(
                format_html(
                    '<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>',
                    self.polyline,
                    PALETTE[0],
                )
            )
        parts += [
            format_html(
                '<circle cx="{}" cy="{}" r="3" fill="{}"><title>{}</title></circle>',
                dot.cx, dot.cy, PALETTE[0], dot.title,
            )
            for dot in self.dots
        ]  # fmt: skip
        parts += [
            format_html(
                '<text x="{}" y="{}" text-anchor="{}" fill="{}" font-weight="{}">{}</text>',
                text.x, text.y, text.anchor, text.fill, text.weight, text.text,
            )
            for text in self.texts
        ]  # fmt: skip
        parts.append(mark_safe("</svg>"))  # a constant
        # Each part is already safe (format_html), so joining escapes nothing twice.
        return format_html_join("\n", "{}", ((part,) for part in parts))


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    text: str  # the number written beside the bar


@dataclass(frozen=True)
class Series:
    label: str
    colour: str


def _label_room(labels: Sequence[str], *, bold: bool = False) -> float:
    longest = max((len(label) for label in labels), default=0)
    return min(max(longest * (CHAR_WIDTH + (0.8 if bold else 0)) + 12, 60), 300)


def _value_room(texts: Sequence[str]) -> float:
    """Room right of the longest bar for its number, written in bold."""
    longest = max((len(text) for text in texts), default=0)
    return max(longest * (CHAR_WIDTH + 0.6) + 12, 40)


def horizontal_bars(
    name: str,
    title: str,
    description: str,
    bars: Sequence[Bar],
    *,
    maximum: float | None = None,
    colour: str = PALETTE[0],
) -> Svg:
    """One bar per item, its label on the left and its number on the right. `maximum`
    fixes the full length (100 for percentages); otherwise the largest value fills it."""
    svg = Svg(name, title, description)
    left = _label_room([bar.label for bar in bars])
    room = WIDTH - left - _value_room([bar.text for bar in bars])
    top = max((bar.value for bar in bars), default=0)
    scale = room / (maximum or top or 1)
    y: float = TOP
    for bar in bars:
        length = max(bar.value, 0) * scale
        svg.texts.append(Text(_n(left - 6), _n(y + BAR - 5), bar.label, anchor="end"))
        svg.rects.append(
            Rect(_n(left), _n(y), _n(length), _n(BAR), colour, f"{bar.label}: {bar.text}")
        )
        svg.texts.append(Text(_n(left + length + 5), _n(y + BAR - 5), bar.text, weight="bold"))
        y += BAR + GAP
    if not bars:
        svg.texts.append(Text(_n(left), _n(y + BAR - 5), _("Nothing to show yet."), fill=MUTED))
        y += BAR + GAP
    svg.lines.append(Line(_n(left), _n(TOP - 4), _n(left), _n(y - GAP + 4), MUTED))
    svg.height = int(y + TOP)
    return svg


def grouped_bars(
    name: str,
    title: str,
    description: str,
    series: Sequence[Series],
    groups: Sequence[tuple[str, Sequence[float]]],
) -> Svg:
    """For each group (a label and one value per series), a bar per series, stacked one
    under the other; a legend of the series on top."""
    svg = Svg(name, title, description)
    left = _label_room([label for label, _values in groups], bold=True)
    room = WIDTH - left - _value_room([_number(v) for _label, values in groups for v in values])
    top = max((value for _label, values in groups for value in values), default=0)
    scale = room / (top or 1)
    x = left
    for item in series:
        svg.rects.append(Rect(_n(x), _n(TOP), "12", "12", item.colour, item.label))
        svg.texts.append(Text(_n(x + 16), _n(TOP + 10), item.label))
        x += 16 + len(item.label) * CHAR_WIDTH + 18
    y: float = TOP + 12 + GAP * 2
    thin = BAR * 0.75
    for label, values in groups:
        block = len(series) * (thin + 2)
        svg.texts.append(
            Text(_n(left - 6), _n(y + block / 2 + 4), label, anchor="end", weight="bold")
        )
        for item, value in zip(series, values, strict=True):
            length = max(value, 0) * scale
            text = _number(value)
            svg.rects.append(
                Rect(
                    _n(left), _n(y), _n(length), _n(thin), item.colour,
                    f"{label}, {item.label}: {text}",
                )
            )  # fmt: skip
            svg.texts.append(Text(_n(left + length + 5), _n(y + thin - 3), text))
            y += thin + 2
        y += GAP * 1.5
    if not groups:
        svg.texts.append(Text(_n(left), _n(y + BAR - 5), _("Nothing to show yet."), fill=MUTED))
        y += BAR + GAP
    svg.lines.append(Line(_n(left), _n(TOP + 24), _n(left), _n(y - GAP), MUTED))
    svg.height = int(y + TOP)
    return svg


def cumulative_line(
    name: str,
    title: str,
    description: str,
    points: Sequence[tuple[datetime.date, int]],
    *,
    start: datetime.date | None,
    deadlines: Sequence[tuple[str, datetime.date]],
) -> Svg:
    """A running total by day (a step line from `start`), with each deadline marked by a
    dashed vertical line and its label. The last total is written at the end of the line."""
    height = 260
    left, right, top, bottom = 48.0, 24.0, 28.0, 36.0
    svg = Svg(name, title, description, height=height)
    days = [day for day, _total in points] + [day for _label, day in deadlines]
    if start is not None:
        days.append(start)
    if not days:
        svg.texts.append(Text(_n(left), _n(top + 20), _("Nothing to show yet."), fill=MUTED))
        svg.height = int(top + 40)
        return svg
    first, last = start or min(days), max(days)
    first = min(first, *days)
    span = max((last - first).days, 1)
    ceiling = _nice_ceiling(max((total for _day, total in points), default=0))
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    if first == last:
        # Everything on one day: a line over no time would be a zero-width axis and two
        # labels of the same date on top of each other; one bar says it.
        return _one_day(
            svg, first, points, deadlines, ceiling=ceiling, box=(left, top, plot_w, plot_h)
        )

    def x_of(day: datetime.date) -> float:
        return left + (day - first).days / span * plot_w

    def y_of(total: float) -> float:
        return top + plot_h - total / ceiling * plot_h

    for step in range(5):  # horizontal grid with its values
        total = ceiling * step / 4
        y = y_of(total)
        svg.lines.append(Line(_n(left), _n(y), _n(left + plot_w), _n(y), GRID))
        svg.texts.append(Text(_n(left - 6), _n(y + 4), _number(total), anchor="end", fill=MUTED))
    base = _n(top + plot_h)
    svg.lines.append(Line(_n(left), base, _n(left + plot_w), base, MUTED))
    svg.texts.append(Text(_n(left), _n(height - 12), _date(first), fill=MUTED))
    svg.texts.append(Text(_n(left + plot_w), _n(height - 12), _date(last), "end", MUTED))
    coordinates = [(x_of(first), y_of(0))]
    previous = 0
    for day, total in points:
        x = x_of(day)
        coordinates += [(x, y_of(previous)), (x, y_of(total))]
        svg.dots.append(Dot(_n(x), _n(y_of(total)), f"{_date(day)}: {total}"))
        previous = total
    coordinates.append((x_of(last), y_of(previous)))
    svg.polyline = " ".join(f"{_n(x)},{_n(y)}" for x, y in coordinates)
    svg.texts.append(
        Text(_n(x_of(last) - 4), _n(y_of(previous) - 6), str(previous), "end", weight="bold")
    )
    for label, day in deadlines:
        at = _n(x_of(day))
        svg.lines.append(Line(at, _n(top - 6), at, base, DEADLINE, dash="5 4"))
        text = _("Deadline %(reference)s, %(date)s") % {"reference": label, "date": _date(day)}
        anchor = "end" if x_of(day) > left + plot_w / 2 else "start"
        offset = -4 if anchor == "end" else 4
        svg.texts.append(Text(_n(x_of(day) + offset), _n(top - 10), text, anchor, DEADLINE))
    return svg


def _one_day(
    svg: Svg,
    day: datetime.date,
    points: Sequence[tuple[datetime.date, int]],
    deadlines: Sequence[tuple[str, datetime.date]],
    *,
    ceiling: float,
    box: tuple[float, float, float, float],
) -> Svg:
    """The running total of a single day: one bar in the middle of the axis, its total
    above it and the date once below, the deadlines of that day named beside it."""
    left, top, plot_w, plot_h = box
    total = points[-1][1] if points else 0
    bar_w = 48.0
    middle = left + plot_w / 2

    def y_of(value: float) -> float:
        return top + plot_h - value / ceiling * plot_h

    for step in range(5):
        value = ceiling * step / 4
        y = y_of(value)
        svg.lines.append(Line(_n(left), _n(y), _n(left + plot_w), _n(y), GRID))
        svg.texts.append(Text(_n(left - 6), _n(y + 4), _number(value), anchor="end", fill=MUTED))
    base = _n(top + plot_h)
    svg.lines.append(Line(_n(left), base, _n(left + plot_w), base, MUTED))
    svg.rects.append(
        Rect(
            _n(middle - bar_w / 2),
            _n(y_of(total)),
            _n(bar_w),
            _n(top + plot_h - y_of(total)),
            PALETTE[0],
            f"{_date(day)}: {total}",
        )
    )
    svg.texts.append(Text(_n(middle), _n(y_of(total) - 6), str(total), "middle", weight="bold"))
    svg.texts.append(Text(_n(middle), _n(svg.height - 12), _date(day), "middle", MUTED))
    if deadlines:  # all on that day too: one mark, their names together
        text = "; ".join(
            _("Deadline %(reference)s, %(date)s") % {"reference": label, "date": _date(day)}
            for label, _day in deadlines
        )
        at = _n(middle + bar_w / 2 + 8)
        svg.lines.append(Line(at, _n(top - 6), at, base, DEADLINE, dash="5 4"))
        svg.texts.append(Text(_n(middle + bar_w / 2 + 12), _n(top - 10), text, "start", DEADLINE))
    return svg


def _nice_ceiling(value: float) -> float:
    """The top of the scale: four grid steps of 1, 2, 2.5 or 5 times a power of ten (whole
    numbers only, as the charts count people), the first to reach `value`."""
    if value <= 4:
        return 4
    power = 10.0 ** math.floor(math.log10(value / 4))
    for factor in (1, 2, 2.5, 5, 10):
        step = factor * power
        if step == int(step) and 4 * step >= value:
            return 4 * step
    return 40 * power


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


def _date(day: datetime.date) -> str:
    return day.isoformat()
