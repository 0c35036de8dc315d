"""Dates and times as people read them (lib/dates.py and its template filters): one date
format per language, every time in a named zone, never a framework default format."""

import datetime
import re
from pathlib import Path

import pytest
from django.template import Context, Template
from django.utils import translation

from summitdesk.lib import dates

TEMPLATES = Path(__file__).resolve().parents[2] / "src" / "summitdesk"
#: 17:01 UTC on 7 December 2026: 18:01 in Geneva, 02:01 the next day in Tokyo.
MOMENT = datetime.datetime(2026, 12, 7, 17, 1, tzinfo=datetime.UTC)
#: How Django writes a date or time when no format is given ("Dec. 7, 2026, 5:01 p.m.").
DJANGO_DEFAULT = re.compile(r"\b[ap]\.m\.|\b[A-Z][a-z]{2}\. \d{1,2}, \d{4}|\bnoon\b|\bmidnight\b")


def render(source: str, **context: object) -> str:
    return Template("{% load summitdesk %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "7 December 2026"),
        ("fr", "7 décembre 2026"),
        ("es", "7 de diciembre de 2026"),
        ("ru", "7 декабря 2026 г."),  # noqa: RUF001 -- Russian's own abbreviation of "year"
        ("zh-hans", "2026年12月7日"),
        ("zh", "2026年12月7日"),
        ("ar", "7 ديسمبر، 2026"),
    ],
)
def test_format_date_writes_one_date_format_per_language(language: str, expected: str) -> None:
    assert dates.format_date(datetime.date(2026, 12, 7), language) == expected


def test_format_datetime_names_the_zone_it_is_written_in() -> None:
    assert dates.format_datetime(MOMENT, "Europe/Zurich", "en") == (
        "7 December 2026, 18:01 (Europe/Zurich)"
    )
    # The day it is where the zone is.
    assert (
        dates.format_datetime(MOMENT, "Asia/Tokyo", "fr") == "8 décembre 2026, 02:01 (Asia/Tokyo)"
    )
    assert dates.format_datetime(MOMENT, "UTC", "en") == "7 December 2026, 17:01 (UTC)"
    # The language's own separator between date and time.
    assert dates.format_datetime(MOMENT, "Asia/Tokyo", "zh") == (
        "2026年12月8日 02:01\N{FULLWIDTH LEFT PARENTHESIS}Asia/Tokyo\N{FULLWIDTH RIGHT PARENTHESIS}"
    )
    assert dates.format_datetime(MOMENT, "UTC", "ar") == "7 ديسمبر، 2026، 17:01 (UTC)"
    assert dates.format_datetime(None, "UTC", "en") == ""


def test_zone_for_prefers_the_person_then_the_meeting_then_utc() -> None:
    assert dates.zone_for(None) == "UTC"
    assert dates.zone_for("Europe/Zurich") == "Europe/Zurich"
    token = dates.activate_personal_zone("Asia/Tokyo")
    try:
        assert dates.zone_for("Europe/Zurich") == "Asia/Tokyo"
    finally:
        dates.reset_personal_zone(token)
    assert dates.zone_for("Europe/Zurich") == "Europe/Zurich"


def test_personal_zone_that_does_not_exist_is_ignored() -> None:
    token = dates.activate_personal_zone("Mars/Olympus")
    try:
        assert dates.zone_for("Europe/Zurich") == "Europe/Zurich"
    finally:
        dates.reset_personal_zone(token)


def test_filters_write_dates_and_times_in_the_page_language() -> None:
    source = (
        "{{ moment|when:zone }} | {{ moment|day:zone }} | {{ moment|clock:zone }} | {{ n|number }}"
    )
    with translation.override("en"):
        assert render(source, moment=MOMENT, zone="Europe/Zurich", n=12500) == (
            "7 December 2026, 18:01 (Europe/Zurich) | 7 December 2026 | "
            "18:01 (Europe/Zurich) | 12,500"
        )
    with translation.override("fr"):
        assert render(source, moment=MOMENT, zone="Asia/Tokyo", n=12500) == (
            "8 décembre 2026, 02:01 (Asia/Tokyo) | 8 décembre 2026 | 02:01 (Asia/Tokyo) | 12\xa0500"
        )


def test_filters_write_nothing_for_nothing() -> None:
    assert render(
        "[{{ none|when }}][{{ none|day }}][{{ none|clock }}][{{ none|number }}]", none=None
    ) == ("[][][][]")


def test_filter_when_without_a_meeting_names_utc() -> None:
    with translation.override("en"):
        assert render("{{ moment|when }}", moment=MOMENT) == "7 December 2026, 17:01 (UTC)"


def test_no_template_writes_a_date_or_time_without_the_project_filters() -> None:
    """`|date` and `|time` take a format per template, and a datetime printed as it is takes
    Django's default ("Dec. 7, 2026, 5:01 p.m."): templates use day, when and clock instead.
    `|date:"c"` (ISO 8601, for machines: <time datetime>) is the one exception."""
    found = []
    for path in sorted(TEMPLATES.rglob("templates/**/*.html")) + sorted(
        TEMPLATES.rglob("templates/**/*.txt")
    ):
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for match in re.finditer(r"\|(date|time)(:\s*(['\"])(.*?)\3)?", line):
                if match.group(1) == "date" and match.group(4) == "c":
                    continue
                found.append(f"{path.relative_to(TEMPLATES)}:{number}: {match.group(0)}")
            # A model's datetime printed as it is (a view's text ending in _at is text).
            for match in re.finditer(r"\{\{ *\w+(\.\w+)*\.\w+_at *\}\}", line):
                found.append(f"{path.relative_to(TEMPLATES)}:{number}: {match.group(0)}")

    assert found == []


def test_django_default_format_pattern_is_recognised() -> None:
    """The pattern the page tests look for finds what Django writes by default."""
    with translation.override("en"):
        assert DJANGO_DEFAULT.search(Template("{{ moment }}").render(Context({"moment": MOMENT})))


def test_filter_as_when_writes_a_recorded_moment_and_leaves_other_values() -> None:
    source = "{{ value|as_when:zone }}"
    with translation.override("en"):
        assert render(source, value="2026-07-21T09:46:00+02:00", zone="Europe/Zurich") == (
            "21 July 2026, 09:46 (Europe/Zurich)"
        )
        assert render(source, value="2026-07-21T07:46:00Z", zone="") == (
            "21 July 2026, 07:46 (UTC)"
        )
        assert render(source, value="Door B", zone="Europe/Zurich") == "Door B"
        assert render(source, value="2026-07-21", zone="Europe/Zurich") == "2026-07-21"
