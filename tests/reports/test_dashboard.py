"""The participation dashboard: every figure against numbers known in advance
(tests/reports/dashboard_data.py), filters, CSV and SVG, permissions, and queries."""

import csv
import datetime
import io
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from summitdesk.core.enums import Role
from summitdesk.core.models import AuditEntry
from summitdesk.core.permissions import Permission, roles_with
from summitdesk.delegations.models import Delegate
from summitdesk.lib import spreadsheets
from summitdesk.meetings.models import Meeting
from summitdesk.reports import dashboard, dashboard_urls, panels
from summitdesk.reports.dashboard import Filters, Tally
from tests.conftest import signed_in
from tests.factories import MeetingFactory, UserFactory
from tests.reports.dashboard_data import Known, build, grow
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db


@pytest.fixture
def known() -> Known:
    return build()


def figures(tally: Tally) -> dict[str, Any]:
    return {
        "invited": tally.invited,
        "answered": tally.answered,
        "attending": tally.attending,
        "declined": tally.declined,
        "estimated": tally.estimated,
        "registered": tally.registered,
        "approved": tally.approved,
        "checked_in": tally.checked_in,
        "ceo": tally.chief_executive_heads,
    }


def rows(breakdown: dashboard.DashboardBreakdown) -> dict[str, dict[str, Any]]:
    return {row.key: figures(row.tally) for row in breakdown.rows}


def F(
    inv: int, ans: int, att: int, dec: int, est: int, reg: int, app: int, chk: int, ceo: int
) -> dict[str, int]:
    return {
        "invited": inv,
        "answered": ans,
        "attending": att,
        "declined": dec,
        "estimated": est,
        "registered": reg,
        "approved": app,
        "checked_in": chk,
        "ceo": ceo,
    }


# The figures


def test_meeting_totals_are_the_known_numbers(known: Known) -> None:
    result = dashboard.meeting_dashboard(known.geneva)

    assert figures(result.totals) == F(12, 7, 5, 2, 20, 30, 11, 4, 3)
    assert result.totals.response_percent == "58.3"


def test_meeting_by_stakeholder_group_shows_every_group(known: Known) -> None:
    result = dashboard.meeting_dashboard(known.geneva)

    assert rows(result.breakdown("stakeholder_group")) == {
        "governments": F(4, 3, 2, 1, 8, 13, 6, 2, 1),
        "private_sector": F(4, 3, 2, 1, 6, 11, 4, 1, 2),
        "civil_society": F(2, 1, 1, 0, 6, 6, 1, 1, 0),
        "international_organisations": F(2, 0, 0, 0, 0, 0, 0, 0, 0),
    }


def test_meeting_by_region_folds_countries_and_keeps_the_unknown(known: Known) -> None:
    result = dashboard.meeting_dashboard(known.geneva)

    assert rows(result.breakdown("region")) == {
        "africa": F(2, 2, 2, 0, 9, 11, 3, 1, 0),
        "americas": F(2, 2, 0, 2, 0, 0, 0, 0, 0),
        "arab-states": F(1, 0, 0, 0, 0, 0, 0, 0, 0),
        "asia-pacific": F(2, 1, 1, 0, 2, 4, 1, 0, 1),
        "cis": F(1, 0, 0, 0, 0, 0, 0, 0, 0),
        "europe": F(3, 2, 2, 0, 9, 15, 7, 3, 2),
        "unknown": F(1, 0, 0, 0, 0, 0, 0, 0, 0),
    }


def test_meeting_by_category(known: Known) -> None:
    result = dashboard.meeting_dashboard(known.geneva)

    assert list(rows(result.breakdown("category"))) == [
        "member_state",
        "sector_member",
        "civil_society",
        "international_organisation",
    ]
    assert rows(result.breakdown("category"))["sector_member"] == F(4, 3, 2, 1, 6, 11, 4, 1, 2)


def test_head_levels_and_genders(known: Known) -> None:
    result = dashboard.meeting_dashboard(known.geneva)

    assert [(h.key, h.count) for h in result.head_levels] == [
        ("head_of_state", 0),
        ("vice_president", 0),
        ("minister", 0),
        ("vice_minister", 0),
        ("ambassador", 1),
        ("chief_executive", 3),
        ("other", 1),
        ("not_given", 0),
    ]
    assert [(g.key, g.count) for g in result.genders] == [
        ("female", 12),
        ("male", 13),
        ("other", 1),
        ("not_given", 4),
    ]
    assert result.genders_given == 26


def test_timeline_counts_answers_by_day_from_the_dispatch(known: Known) -> None:
    timeline = dashboard.meeting_dashboard(known.geneva).timeline

    assert timeline.start == datetime.date(2003, 7, 9)
    assert [(d.reference, d.day) for d in timeline.deadlines] == [
        ("DM-1048", datetime.date(2003, 10, 10))
    ]
    assert [(d.day.isoformat(), d.replies, d.cumulative) for d in timeline.days] == [
        ("2003-07-15", 2, 2),
        ("2003-07-20", 1, 3),
        ("2003-08-01", 2, 5),
        ("2003-08-02", 1, 6),
        ("2003-09-30", 1, 7),
    ]
    assert timeline.undated == 0


def test_process_counts_each_meeting_of_the_process_only(known: Known) -> None:
    result = dashboard.process_dashboard(known.process)

    assert [m.code for m in result.meetings] == ["prepcom-3", "geneva-2003"]
    assert figures(result.totals) == F(14, 8, 6, 2, 22, 31, 12, 5, 4)
    assert result.timeline.total == 8


def test_nothing_yet_gives_noughts(known: Known) -> None:
    empty = dashboard.meeting_dashboard(Meeting.objects.create(
        process=known.process, code="empty", title="Empty", kind="other"
    ))  # fmt: skip

    assert figures(empty.totals) == F(0, 0, 0, 0, 0, 0, 0, 0, 0)
    assert empty.totals.response_rate is None
    assert empty.timeline.days == []
    assert [r.key for r in empty.breakdown("region").rows] == []


# Filters


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(stakeholder_group="private_sector"), F(4, 3, 2, 1, 6, 11, 4, 1, 2)),
        (Filters(category="member_state"), F(4, 3, 2, 1, 8, 13, 6, 2, 1)),
        (Filters(region="europe"), F(3, 2, 2, 0, 9, 15, 7, 3, 2)),
        (Filters(region="unknown"), F(1, 0, 0, 0, 0, 0, 0, 0, 0)),
        (Filters(country="KE"), F(1, 1, 1, 0, 3, 5, 2, 0, 0)),
        (Filters(region="europe", stakeholder_group="governments"), F(1, 1, 1, 0, 5, 8, 4, 2, 1)),
        (Filters(country="KE", region="europe"), F(0, 0, 0, 0, 0, 0, 0, 0, 0)),
    ],
)
def test_filters_narrow_every_figure(
    known: Known, filters: Filters, expected: dict[str, int]
) -> None:
    result = dashboard.meeting_dashboard(known.geneva, filters)

    assert figures(result.totals) == expected


def test_filters_narrow_genders_and_timeline(known: Known) -> None:
    result = dashboard.meeting_dashboard(known.geneva, Filters(stakeholder_group="private_sector"))

    assert [g.count for g in result.genders] == [4, 5, 0, 2]
    assert [(d.day.isoformat(), d.cumulative) for d in result.timeline.days] == [
        ("2003-08-01", 2),
        ("2003-08-02", 3),
    ]


def test_page_applies_the_filters_from_the_query_string(
    known: Known, viewer_client: Client
) -> None:
    url = reverse("dashboard:meeting", args=[known.geneva.code])

    response = viewer_client.get(url, {"region": "africa"})

    assert response.status_code == 200
    assert figures(response.context["dashboard"].totals) == F(2, 2, 2, 0, 9, 11, 3, 1, 0)


def test_page_ignores_unknown_filter_values_and_says_so(
    known: Known, viewer_client: Client
) -> None:
    url = reverse("dashboard:meeting", args=[known.geneva.code])

    response = viewer_client.get(url, {"region": "atlantis"})

    assert response.status_code == 200
    assert response.context["dashboard"].totals.invited == 12
    assert "These filters were not applied" in response.content.decode()


# The page, CSV and SVG


def test_page_shows_each_chart_with_its_table_and_downloads(
    known: Known, viewer_client: Client
) -> None:
    response = viewer_client.get(reverse("dashboard:meeting", args=[known.geneva.code]))

    page = response.content.decode()
    assert [p.name for p in response.context["panels"]()] == list(panels.NAMES)
    for name in panels.NAMES:
        assert f'id="chart-{name}-title"' in page
        assert f"/reports/meetings/geneva-2003/charts/{name}.csv" in page
        assert f"/reports/meetings/geneva-2003/charts/{name}.svg" in page
    assert "How these are counted:" in page
    # Nothing loaded from elsewhere (a CDN): every address on the page is the site's own.
    assert re.findall(r'(?:src|href)="(?:https?:)?//', page) == []
    assert "<script" not in page


def csv_of(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_csv_of_response_by_stakeholder_group(known: Known, viewer_client: Client) -> None:
    url = reverse(
        "dashboard:meeting-chart-csv", args=[known.geneva.code, "response-by-stakeholder-group"]
    )

    response = viewer_client.get(url)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "geneva-2003-response-by-stakeholder-group.csv" in response["Content-Disposition"]
    assert csv_of(response) == [
        ["Stakeholder group", "Invited", "Answered", "Attending", "Declined", "Response rate"],
        ["Governments", "4", "3", "2", "1", "75.0%"],
        ["Private sector", "4", "3", "2", "1", "75.0%"],
        ["Civil society", "2", "1", "1", "0", "50.0%"],
        ["International organisations", "2", "0", "0", "0", "0.0%"],
        ["Total", "12", "7", "5", "2", "58.3%"],
    ]


def test_csv_of_participants_follows_the_filters(known: Known, viewer_client: Client) -> None:
    url = reverse("dashboard:meeting-chart-csv", args=[known.geneva.code, "participants"])

    everyone = csv_of(viewer_client.get(url))
    governments = csv_of(viewer_client.get(url, {"stakeholder_group": "governments"}))

    assert everyone == [
        ["Participants", "Number"],
        ["Estimated", "20"],
        ["Registered", "30"],
        ["Approved", "11"],
        ["Checked in", "4"],
    ]
    assert [row[1] for row in governments[1:]] == ["8", "13", "6", "2"]


def test_csv_of_the_timeline_and_of_genders(known: Known, viewer_client: Client) -> None:
    def get(chart: str) -> list[list[str]]:
        url = reverse("dashboard:meeting-chart-csv", args=[known.geneva.code, chart])
        return csv_of(viewer_client.get(url))

    assert get("replies-over-time") == [
        ["Day", "Replies that day", "Replies so far"],
        ["2003-07-15", "2", "2"],
        ["2003-07-20", "1", "3"],
        ["2003-08-01", "2", "5"],
        ["2003-08-02", "1", "6"],
        ["2003-09-30", "1", "7"],
    ]
    assert get("gender") == [
        ["Gender", "Delegates", "Share"],
        ["Female", "12", "46.2%"],
        ["Male", "13", "50.0%"],
        ["Another gender", "1", "3.8%"],
        ["Not given", "4", ""],
        ["Total", "30", ""],
    ]
    assert ["Chief executive", "3", "60.0%"] in get("head-levels")


def svg_texts(content: bytes) -> list[str]:
    root = ET.fromstring(content)  # noqa: S314  # our own output, parsed to prove it is well formed
    return [t.text or "" for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_svg_download_is_well_formed_and_writes_the_numbers(
    known: Known, viewer_client: Client
) -> None:
    url = reverse(
        "dashboard:meeting-chart-svg", args=[known.geneva.code, "response-by-stakeholder-group"]
    )

    response = viewer_client.get(url)

    assert response["Content-Type"] == "image/svg+xml; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    texts = svg_texts(response.content)
    assert "Governments" in texts
    assert "75.0% (3 of 4)" in texts
    assert "50.0% (1 of 2)" in texts
    assert "0.0% (0 of 2)" in texts
    root = ET.fromstring(response.content)  # noqa: S314
    title = root.find("{http://www.w3.org/2000/svg}title")
    assert title is not None
    assert title.text == "Response rate by stakeholder group"


def test_svg_timeline_marks_the_deadline_and_the_total(known: Known, viewer_client: Client) -> None:
    url = reverse("dashboard:meeting-chart-svg", args=[known.geneva.code, "replies-over-time"])

    texts = svg_texts(viewer_client.get(url).content)

    assert "Deadline DM-1048, 2003-10-10" in texts
    assert "7" in texts
    assert "2003-07-09" in texts


def test_svg_in_french_keeps_dots_in_coordinates(known: Known, viewer_client: Client) -> None:
    url = reverse("dashboard:meeting-chart-svg", args=[known.geneva.code, "participants"])

    response = viewer_client.get(url, HTTP_ACCEPT_LANGUAGE="fr")

    root = ET.fromstring(response.content)  # noqa: S314
    widths = [r.get("width", "") for r in root.iter("{http://www.w3.org/2000/svg}rect")]
    assert all("," not in w for w in widths)
    assert {"20", "30", "11", "4"} <= set(svg_texts(response.content))


def test_labels_are_escaped_in_svg_and_page(known: Known, viewer_client: Client) -> None:
    organisation = known.organisations["io-zz"]
    type(organisation).objects.filter(pk=organisation.pk).update(category="<b>old&odd</b>")

    svg = viewer_client.get(
        reverse("dashboard:meeting-chart-svg", args=[known.geneva.code, "response-by-category"])
    )
    page = viewer_client.get(reverse("dashboard:meeting", args=[known.geneva.code]))

    assert "<b>old" not in svg.content.decode()
    assert "<b>old" not in page.content.decode()
    assert "<b>old&odd</b>" in svg_texts(svg.content)


def test_csv_guards_against_formulas(
    known: Known, viewer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    organisation = known.organisations["io-zz"]
    type(organisation).objects.filter(pk=organisation.pk).update(category="=1+1")
    url = reverse("dashboard:meeting-chart-csv", args=[known.geneva.code, "response-by-category"])

    assert ["'=1+1", "1", "0", "0", "0", "0.0%"] in csv_of(viewer_client.get(url))
    # The rule is the one of lib.spreadsheets: widened there, it reaches the dashboard.
    monkeypatch.setattr(spreadsheets, "FORMULA_STARTS", frozenset("=!"))
    type(organisation).objects.filter(pk=organisation.pk).update(category="!1")
    cache.clear()  # the figures are cached
    assert ["'!1", "1", "0", "0", "0", "0.0%"] in csv_of(viewer_client.get(url))


def test_unknown_chart_or_meeting_is_not_found(known: Known, viewer_client: Client) -> None:
    bad_chart = reverse("dashboard:meeting-chart-csv", args=[known.geneva.code, "nope"])
    bad_meeting = reverse("dashboard:meeting", args=["nope"])

    assert viewer_client.get(bad_chart).status_code == 404
    assert viewer_client.get(bad_meeting).status_code == 404


def test_process_page_and_its_csv(known: Known, viewer_client: Client) -> None:
    page = viewer_client.get(reverse("dashboard:process", args=[known.process.code]))
    url = reverse("dashboard:process-chart-csv", args=[known.process.code, "participants"])

    assert page.status_code == 200
    assert "PrepCom-3" in page.content.decode()
    assert [row[1] for row in csv_of(viewer_client.get(url))[1:]] == ["22", "31", "12", "5"]


# Publishing the public statistics


def test_communications_officer_publishes_and_withdraws(known: Known) -> None:
    client = signed_in(UserFactory(role=Role.COMMUNICATIONS))
    url = reverse("dashboard:public-statistics", args=[known.geneva.code])

    published = client.post(url, {"enabled": "1"})
    known.geneva.refresh_from_db()
    assert published.status_code == 302
    assert known.geneva.public_statistics is True

    client.post(url, {"enabled": "0"})
    known.geneva.refresh_from_db()
    assert known.geneva.public_statistics is False
    entries = AuditEntry.objects.filter(action__startswith="summitdesk.meeting.public_statistics")
    assert [(e.action, e.changes) for e in entries.order_by("pk")] == [
        ("summitdesk.meeting.public_statistics_published", {"public_statistics": [False, True]}),
        ("summitdesk.meeting.public_statistics_withdrawn", {"public_statistics": [True, False]}),
    ]


def test_publishing_twice_records_once(known: Known, admin_client: Client) -> None:
    url = reverse("dashboard:public-statistics", args=[known.geneva.code])

    admin_client.post(url, {"enabled": "1"})
    admin_client.post(url, {"enabled": "1"})

    assert AuditEntry.objects.filter(action__contains="public_statistics").count() == 1


def test_publishing_with_a_bad_value_changes_nothing(known: Known, admin_client: Client) -> None:
    url = reverse("dashboard:public-statistics", args=[known.geneva.code])

    response = admin_client.post(url, {"enabled": "maybe"}, follow=True)

    known.geneva.refresh_from_db()
    assert known.geneva.public_statistics is False
    assert "Choose whether to publish or withdraw the statistics." in response.content.decode()
    assert not AuditEntry.objects.filter(action__contains="public_statistics").exists()


@pytest.mark.parametrize(
    "role",
    [Role.REGISTRATION_OFFICER, Role.BADGE_DESK, Role.CHECKIN_DESK, Role.VIEWER],
)
def test_other_roles_may_not_publish(known: Known, role: Role) -> None:
    client = signed_in(UserFactory(role=role))

    response = client.post(
        reverse("dashboard:public-statistics", args=[known.geneva.code]), {"enabled": "1"}
    )

    known.geneva.refresh_from_db()
    assert response.status_code == 403
    assert known.geneva.public_statistics is False


def test_switch_refuses_get(known: Known, admin_client: Client) -> None:
    response = admin_client.get(reverse("dashboard:public-statistics", args=[known.geneva.code]))

    assert response.status_code == 405


def test_publish_button_only_for_those_who_may(known: Known, viewer_client: Client) -> None:
    comms = signed_in(UserFactory(role=Role.COMMUNICATIONS))
    url = reverse("dashboard:meeting", args=[known.geneva.code])

    assert "Publish the statistics" not in viewer_client.get(url).content.decode()
    assert "Publish the statistics" in comms.get(url).content.decode()


def test_figures_are_reused_for_a_minute_unless_counted_again(
    known: Known, viewer_client: Client
) -> None:
    url = reverse("dashboard:meeting", args=[known.geneva.code])
    viewer_client.get(url)
    grow(known, 3)

    reused = viewer_client.get(url)
    fresh = viewer_client.get(url, {"fresh": "1"})
    after = viewer_client.get(url)

    assert reused.context["dashboard"].totals.invited == 12
    assert fresh.context["dashboard"].totals.invited == 15
    assert after.context["dashboard"].totals.invited == 15
    invited = "<dt>Invited</dt><dd>{}</dd>"
    assert invited.format(12) in reused.content.decode()
    assert invited.format(15) in fresh.content.decode()
    assert invited.format(15) in after.content.decode()
    assert "fresh=1" in reused.content.decode()
    assert "fresh" not in reused.context["query"]


def test_figures_older_than_a_minute_are_shown_while_counted_again_in_the_background(
    known: Known, viewer_client: Client
) -> None:
    url = reverse("dashboard:meeting", args=[known.geneva.code])
    viewer_client.get(url)
    grow(known, 3)
    later = timezone.now() + datetime.timedelta(seconds=dashboard.CACHE_SECONDS + 1)

    with mock.patch("django.utils.timezone.now", return_value=later):
        stale = viewer_client.get(url)
        again = viewer_client.get(url)  # the recount is queued once only
    recounts = run_queued_tasks()
    after = viewer_client.get(url)

    assert stale.context["dashboard"].totals.invited == 12
    assert again.context["dashboard"].totals.invited == 12
    assert recounts == 1
    assert after.context["dashboard"].totals.invited == 15


def test_cached_figures_are_kept_apart_per_filter_and_meeting(known: Known) -> None:
    everyone = dashboard.cached_dashboard(known.geneva)
    africa = dashboard.cached_dashboard(known.geneva, Filters(region="africa"))
    process = dashboard.cached_dashboard(known.process)

    assert (everyone.totals.invited, africa.totals.invited, process.totals.invited) == (12, 2, 14)
    assert dashboard.cached_dashboard(known.geneva, Filters(region="africa")).totals.invited == 2


# Permissions

Kwargs = Callable[[Known], dict[str, Any]]
READ_PAGES: list[tuple[str, Kwargs]] = [
    ("dashboard:index", lambda k: {}),
    ("dashboard:meeting", lambda k: {"code": k.geneva.code}),
    ("dashboard:meeting-chart-csv", lambda k: {"code": k.geneva.code, "chart": "gender"}),
    ("dashboard:meeting-chart-svg", lambda k: {"code": k.geneva.code, "chart": "gender"}),
    ("dashboard:process", lambda k: {"code": k.process.code}),
    ("dashboard:process-chart-csv", lambda k: {"code": k.process.code, "chart": "participants"}),
    ("dashboard:process-chart-svg", lambda k: {"code": k.process.code, "chart": "participants"}),
]
WRITE_ACTIONS: list[tuple[str, Kwargs]] = [
    ("dashboard:public-statistics", lambda k: {"code": k.geneva.code}),
]
#: Every URL name these tests cover, for the coverage check below.
URL_NAMES = {name.removeprefix("dashboard:") for name, _ in READ_PAGES + WRITE_ACTIONS}


def test_every_dashboard_url_is_covered_by_a_permission_test() -> None:
    assert {str(getattr(p, "name", "")) for p in dashboard_urls.urlpatterns} == URL_NAMES


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES + WRITE_ACTIONS)
def test_signed_out_visitors_are_sent_to_sign_in(
    client: Client, known: Known, name: str, kwargs: Kwargs
) -> None:
    url = reverse(name, kwargs=kwargs(known))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/sign-in/?next={url}"


@pytest.mark.parametrize("role", roles_with(Permission.STATISTICS_READ))
@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES)
def test_every_staff_role_may_read(known: Known, role: Role, name: str, kwargs: Kwargs) -> None:
    client = signed_in(UserFactory(role=role))

    response = client.get(reverse(name, kwargs=kwargs(known)))

    assert response.status_code == 200


def test_inactive_staff_may_not_read(known: Known) -> None:
    user = UserFactory(role=Role.ADMINISTRATOR)
    client = signed_in(user)
    user.is_active = False
    user.save()

    response = client.get(reverse("dashboard:meeting", args=[known.geneva.code]))

    assert response.status_code in (302, 403)
    assert "WSIS Geneva phase" not in response.content.decode()


def test_nav_links_to_reports(viewer_client: Client) -> None:
    page = viewer_client.get(reverse("backoffice:home")).content.decode()

    assert 'href="/reports/"' in page


# Queries do not grow with the data


def queries_of(client: Client, url: str) -> int:
    cache.clear()  # counted, not read from the minute's cache
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_queries_per_page_do_not_grow_with_the_data(known: Known, viewer_client: Client) -> None:
    pages = [
        reverse("dashboard:meeting", args=[known.geneva.code]),
        reverse("dashboard:meeting", args=[known.geneva.code]) + "?region=africa&country=GH",
        reverse("dashboard:process", args=[known.process.code]),
        reverse("dashboard:meeting-chart-csv", args=[known.geneva.code, "participants"]),
        reverse("dashboard:meeting-chart-svg", args=[known.geneva.code, "replies-over-time"]),
    ]
    grow(known, 10)
    small = [queries_of(viewer_client, url) for url in pages]
    grow(known, 90)
    large = [queries_of(viewer_client, url) for url in pages]

    assert small == large
    assert dashboard.meeting_dashboard(known.geneva).totals.invited == 112
    assert max(small) <= 14  # 12, and the participant types with their counts


def test_dashboard_of_a_meeting_nobody_is_invited_to_says_where_to_start(
    viewer_client: Client,
) -> None:
    meeting = MeetingFactory(code="empty-2026")

    content = viewer_client.get(reverse("dashboard:meeting", args=[meeting.code])).content.decode()

    assert "Nothing to count yet: the figures start when a circular invites" in content
    assert '<a href="/circulars/">Draft and dispatch a circular</a>' in content


def test_dashboard_index_without_any_process_says_where_to_start(viewer_client: Client) -> None:
    content = viewer_client.get(reverse("dashboard:index")).content.decode()

    assert "No process yet: reports appear once a meeting exists" in content
    assert 'href="/meetings/">Meetings</a>' in content


def test_participants_by_type_add_up_to_the_registered(known: Known, viewer_client: Client) -> None:
    Delegate.objects.filter(reply=known.replies["gov-ch"], is_head=False).filter(position=1).update(
        online=True
    )
    cache.clear()
    result = dashboard.meeting_dashboard(known.geneva)

    counts = {c.code: (c.in_person, c.online) for c in result.participant_types}
    assert sum(c.total for c in result.participant_types) == result.totals.registered
    assert counts["observer"] == (6, 0)  # the civil society delegation
    assert counts["delegate"][1] == 1
    url = reverse("dashboard:meeting-chart-csv", args=[known.geneva.code, "participant-types"])
    rows = csv_of(viewer_client.get(url))
    assert rows[0] == ["Participant type", "In person", "Online", "Total"]
    assert ["Observer", "6", "0", "6"] in rows
    assert rows[-1][0] == "Total" and rows[-1][3] == str(result.totals.registered)
