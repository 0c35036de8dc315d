"""Charts scale with the page (a viewBox, the column's width) and read well when all the
data falls on one day (one bar, one date, no zero-width axis)."""

import datetime
import xml.etree.ElementTree as ET

import pytest

from summitdesk.reports import charts

pytestmark = pytest.mark.unit

SVG = "{http://www.w3.org/2000/svg}"
DAY = datetime.date(2026, 12, 7)


def parsed(svg: charts.Svg) -> ET.Element:
    return ET.fromstring(svg.render().split("\n", 1)[1])  # noqa: S314  # our own output


def test_inline_chart_scales_with_the_page_and_the_file_keeps_its_size() -> None:
    svg = charts.horizontal_bars("a", "Title", "Description", [charts.Bar("Geneva", 3, "3")])

    inline = str(svg.markup())
    standalone = parsed(svg)

    assert f'viewBox="0 0 720 {svg.height}" width="100%" class="chart"' in inline
    assert 'height="' not in inline.split(">", 1)[0]
    assert (standalone.get("width"), standalone.get("height")) == ("720", str(svg.height))


def test_timeline_of_a_single_day_draws_one_bar_and_one_date() -> None:
    svg = charts.cumulative_line(
        "t", "Replies", "Replies by day", [(DAY, 7)], start=None, deadlines=[]
    )

    root = parsed(svg)
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]
    texts = [text.text for text in root.iter(f"{SVG}text")]

    assert svg.polyline == ""
    assert len(bars) == 1
    assert float(bars[0].get("width", "0")) > 0
    assert bars[0].findtext(f"{SVG}title") == "2026-12-07: 7"
    assert texts.count("2026-12-07") == 1
    assert "7" in texts


def test_timeline_of_a_single_day_with_its_deadline_names_it_once() -> None:
    svg = charts.cumulative_line(
        "t", "Replies", "Replies by day", [(DAY, 2)], start=DAY, deadlines=[("DM-1048", DAY)]
    )

    texts = [text.text for text in parsed(svg).iter(f"{SVG}text")]

    assert texts.count("Deadline DM-1048, 2026-12-07") == 1
    assert texts.count("2026-12-07") == 1


def test_timeline_over_several_days_keeps_its_line_from_first_to_last_date() -> None:
    svg = charts.cumulative_line(
        "t",
        "Replies",
        "Replies by day",
        [(DAY, 2), (DAY + datetime.timedelta(days=3), 5)],
        start=None,
        deadlines=[],
    )

    texts = [text.text for text in parsed(svg).iter(f"{SVG}text")]

    assert svg.polyline != ""
    assert "2026-12-07" in texts and "2026-12-10" in texts


def test_timeline_of_a_single_day_without_replies_draws_an_empty_bar_at_zero() -> None:
    svg = charts.cumulative_line("t", "Replies", "Nothing", [], start=DAY, deadlines=[])

    root = parsed(svg)
    bars = [rect for rect in root.iter(f"{SVG}rect") if rect.find(f"{SVG}title") is not None]

    assert [bar.findtext(f"{SVG}title") for bar in bars] == ["2026-12-07: 0"]
    assert float(bars[0].get("height", "-1")) == 0
