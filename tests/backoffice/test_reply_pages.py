"""The reply pages: the response tracker of a circular and of a meeting, one reply as staff
see it (change requests, links, history), the reply staff enter on an organisation's
behalf, and the participation on an organisation's page."""

import csv
import datetime
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any
from unittest import mock

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from summitdesk.accreditation import services as accreditation_services
from summitdesk.accreditation.models import Accreditation
from summitdesk.backoffice import urls
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry, User
from summitdesk.correspondence import reply_links
from summitdesk.correspondence.models import Invitation, ReplyLink
from summitdesk.delegations import services
from summitdesk.delegations.enums import ChangeRequestStatus, ReplyState
from summitdesk.delegations.models import ChangeRequest, Delegate, Reply
from summitdesk.delegations.services import DelegateData, PersonData, ReplyData
from summitdesk.directory.enums import PositionRole
from summitdesk.directory.models import Organisation, Position
from summitdesk.meetings.models import Meeting
from summitdesk.reports import dashboard
from tests.confirm import CONFIRMED, confirmation
from tests.delegations.conftest import (
    Tracked,
    build_tracked,
    invite,
    make_circular,
    reply,
)
from tests.factories import MeetingFactory, OrganisationFactory, ProcessFactory
from tests.tasks import run_queued_tasks

pytestmark = pytest.mark.django_db

PORTAL = Actor(user=None, channel=Channel.PORTAL, label="Focal point of A")


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@dataclass
class Sample:
    tracked: Tracked
    link: ReplyLink
    token: str
    change: ChangeRequest

    @property
    def a(self) -> Organisation:
        return self.tracked.by_name["A"]

    @property
    def h(self) -> Organisation:
        return self.tracked.by_name["H"]

    @property
    def meeting(self) -> Meeting:
        return self.tracked.meeting


@pytest.fixture
def sample() -> Sample:
    """The tracker's directory (tests.delegations.test_queries), with a live link of A's
    and a change A's focal point asked for after the deadline."""
    tracked = build_tracked()
    a = tracked.by_name["A"]
    link, token = reply_links.issue(
        a,
        tracked.meeting,
        invitation=Invitation.objects.get(circular=tracked.circular, organisation=a),
    )
    change = services.request_change(
        Reply.objects.get(organisation=a, meeting=tracked.meeting),
        ReplyData(
            attending=True,
            estimated_participants=9,
            focal_point=PersonData(family_name="Sow", given_name="Aïda", email="sow@a.example"),
            delegates=[
                DelegateData(
                    family_name="Sow",
                    given_name="Aïda",
                    is_head=True,
                    protocol_level="chief_executive",
                )
            ],
        ),
        note="Two more colleagues will come.",
        actor=PORTAL,
    )
    return Sample(tracked, link, token, change)


# Every page, every persona

Kwargs = Callable[[Sample], dict[str, Any]]


def _reply(organisation: Callable[[Sample], Organisation]) -> Kwargs:
    def kwargs(s: Sample) -> dict[str, Any]:
        return {"pk": organisation(s).pk, "code": s.meeting.code}

    return kwargs


READ_PAGES: list[tuple[str, Kwargs]] = [
    ("backoffice:tracker-circular", lambda s: {"pk": s.tracked.circular.pk}),
    ("backoffice:tracker-circular-csv", lambda s: {"pk": s.tracked.circular.pk}),
    ("backoffice:tracker-meeting", lambda s: {"code": s.meeting.code}),
    ("backoffice:tracker-meeting-csv", lambda s: {"code": s.meeting.code}),
    ("backoffice:reply-detail", _reply(lambda s: s.a)),
]
WRITE_PAGES: list[tuple[str, Kwargs]] = [
    ("backoffice:reply-edit", _reply(lambda s: s.a)),
    ("backoffice:reply-earlier", _reply(lambda s: s.a)),
]
WRITE_ACTIONS: list[tuple[str, Kwargs]] = [
    (
        "backoffice:reply-change-request",
        lambda s: {"pk": s.a.pk, "code": s.meeting.code, "request_pk": s.change.pk},
    ),
    ("backoffice:reply-link-issue", _reply(lambda s: s.a)),
    (
        "backoffice:reply-link-revoke",
        lambda s: {"pk": s.a.pk, "code": s.meeting.code, "link_pk": s.link.pk},
    ),
    ("backoffice:reply-open-as-organisation", _reply(lambda s: s.a)),
    # Reminding organisations chosen on the list: tests/backoffice/test_reply_reminders.py
    ("backoffice:tracker-circular-remind", lambda s: {"pk": s.tracked.circular.pk}),
    ("backoffice:tracker-meeting-remind", lambda s: {"code": s.meeting.code}),
]
#: Every URL name these tests cover, for the project-wide coverage check.
URL_NAMES = {
    name.removeprefix("backoffice:") for name, _ in READ_PAGES + WRITE_PAGES + WRITE_ACTIONS
}


def state() -> tuple[Any, ...]:
    """What any change to replies, their links or change requests would move."""
    return (
        AuditEntry.objects.count(),
        list(
            Reply.objects.order_by("pk").values_list(
                "state", "estimated_participants", "entered_on_behalf", "focal_point"
            )
        ),
        Delegate.objects.count(),
        ReplyLink.objects.filter(revoked_at__isnull=True).count(),
        ReplyLink.objects.count(),
        list(ChangeRequest.objects.order_by("pk").values_list("status", flat=True)),
    )


def test_every_reply_url_is_covered_by_a_permission_test() -> None:
    names = {
        str(pattern.name)
        for pattern in urls.urlpatterns
        if str(pattern.name).startswith(("reply-", "tracker-"))
    }

    assert names == URL_NAMES


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES + WRITE_PAGES + WRITE_ACTIONS)
def test_reply_pages_send_anonymous_visitors_to_sign_in(
    client: Client, sample: Sample, name: str, kwargs: Kwargs
) -> None:
    url = reverse(name, kwargs=kwargs(sample))
    before = state()

    response = client.get(url)
    posted = client.post(url, {"decision": "accept"})

    assert (response.status_code, response["Location"]) == (302, f"/sign-in/?next={url}")
    assert (posted.status_code, posted["Location"]) == (302, f"/sign-in/?next={url}")
    assert state() == before


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES)
def test_reply_read_pages_open_to_viewer(
    viewer_client: Client, sample: Sample, name: str, kwargs: Kwargs
) -> None:
    before = state()

    response = viewer_client.get(reverse(name, kwargs=kwargs(sample)))

    assert response.status_code == 200
    assert state() == before


@pytest.mark.parametrize(("name", "kwargs"), WRITE_PAGES)
def test_reply_write_pages_refused_to_viewer(
    viewer_client: Client, sample: Sample, name: str, kwargs: Kwargs
) -> None:
    url = reverse(name, kwargs=kwargs(sample))
    before = state()

    page = viewer_client.get(url)
    posted = viewer_client.post(url, entry(version=version_of(sample.a, sample.meeting)))

    assert (page.status_code, posted.status_code) == (403, 403)
    assert state() == before


@pytest.mark.parametrize(("name", "kwargs"), WRITE_ACTIONS)
def test_reply_actions_refused_to_viewer(
    viewer_client: Client, sample: Sample, name: str, kwargs: Kwargs
) -> None:
    before = state()

    response = viewer_client.post(reverse(name, kwargs=kwargs(sample)), {"decision": "accept"})

    assert response.status_code == 403
    assert state() == before


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES + WRITE_PAGES)
def test_reply_pages_open_to_officer_and_administrator(
    secretary_client: Client, admin_client: Client, sample: Sample, name: str, kwargs: Kwargs
) -> None:
    url = reverse(name, kwargs=kwargs(sample))

    assert secretary_client.get(url).status_code == 200
    assert admin_client.get(url).status_code == 200


def test_reply_actions_need_post(secretary_client: Client, sample: Sample) -> None:
    for name, kwargs in WRITE_ACTIONS:
        assert secretary_client.get(reverse(name, kwargs=kwargs(sample))).status_code == 405


def test_reply_pages_of_unknown_objects_are_404(secretary_client: Client, sample: Sample) -> None:
    a, other = sample.a, sample.tracked.by_name["B"]
    urls = [
        "/circulars/999999/replies/",
        "/meetings/no-such-meeting/replies/",
        f"/organisations/999999/replies/{sample.meeting.code}/",
        f"/organisations/{a.pk}/replies/no-such-meeting/",
    ]
    # A link or request of A's is not reachable through B.
    actions = [
        f"/organisations/{other.pk}/replies/{sample.meeting.code}/links/{sample.link.pk}/revoke/",
        f"/organisations/{other.pk}/replies/{sample.meeting.code}/requests/"
        f"{sample.change.pk}/decide/",
    ]
    before = state()

    assert [secretary_client.get(url).status_code for url in urls] == [404] * 4
    assert [secretary_client.post(url, {"decision": "accept"}).status_code for url in actions] == [
        404
    ] * 2
    assert state() == before


# The tracker


def figures(page: str) -> dict[str, str]:
    """The headline figures as the page shows them: {label: number}."""
    found = re.findall(r"<dt>([^<]+)</dt><dd>(?:<a [^>]*>)?(\d+)", page)
    return dict(found)


def test_tracker_page_shows_the_circular_figures(viewer_client: Client, sample: Sample) -> None:
    response = viewer_client.get(f"/circulars/{sample.tracked.circular.pk}/replies/")
    page = response.content.decode()

    assert figures(page) == {
        "Invited": "10",
        "Opened": "7",
        "Attending": "4",
        "Declined": "1",
        "Silent": "5",
        "Heads at chief-executive level": "2",
        "Estimated participants": "20",
        "Delegates named": "6",
    }
    category = response.context["tracker"].breakdowns[0]
    assert [(row.key, row.counts.cells) for row in category.rows] == [
        ("sector_member", [4, 0, 0, 1, 1, 1, 1, 1, 8]),
        ("business_entity", [3, 1, 1, 0, 1, 0, 0, 2, 10]),
        ("civil_society", [3, 2, 0, 0, 1, 0, 0, 2, 2]),
    ]
    assert (
        '<tr><th scope="row"><a href="?region=africa#list">Africa</a></th><td>5</td><td>1</td>'
        "<td>1</td><td>0</td><td>2</td><td>0</td><td>1</td><td>2</td><td>12</td></tr>"
    ) in page


def test_tracker_page_of_meeting_counts_every_circular(
    viewer_client: Client, sample: Sample
) -> None:
    page = viewer_client.get(f"/meetings/{sample.meeting.code}/replies/").content.decode()

    assert figures(page)["Invited"] == "11"
    assert figures(page)["Estimated participants"] == "27"
    assert "DM-1048" in page
    assert "DM-1050" in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"]),
        ("state=silent", ["D", "F", "G", "H", "I"]),
        ("state=not_opened", ["G", "H", "I"]),
        ("state=opened", ["F"]),
        ("state=draft", ["D"]),
        ("state=submitted", ["A", "E", "J"]),
        ("state=amended", ["B"]),
        ("state=declined", ["C"]),
        ("state=silent&category=business_entity", ["F", "G"]),
        ("stakeholder_group=civil_society&region=africa", ["H", "J"]),
        ("state=nonsense", ["A", "B", "C", "D", "E", "F", "G", "H", "I", "J"]),
    ],
)
def test_tracker_list_filters(
    viewer_client: Client, sample: Sample, query: str, expected: list[str]
) -> None:
    response = viewer_client.get(f"/circulars/{sample.tracked.circular.pk}/replies/?{query}")

    assert [row.organisation.name for row in response.context["rows"]] == expected


def test_tracker_list_marks_chief_executive_and_entries_on_behalf(
    viewer_client: Client, sample: Sample
) -> None:
    response = viewer_client.get(
        f"/circulars/{sample.tracked.circular.pk}/replies/?state=submitted"
    )
    page = response.content.decode()

    e = sample.tracked.by_name["E"]
    row = page[page.index(f'/organisations/{e.pk}/replies/prepcom-3/"') :]
    row = row[: row.index("</tr>")]
    assert '<strong class="status status-dispatched">Chief executive</strong>' in row
    assert "Secretariat, on its behalf" in row
    assert "<td>10</td>" in row


def test_tracker_list_is_paginated_by_fifty(viewer_client: Client, sample: Sample) -> None:
    for n in range(50):
        invite(sample.tracked.circular, OrganisationFactory(name=f"Z{n:02d}"))
    url = f"/circulars/{sample.tracked.circular.pk}/replies/"

    first = viewer_client.get(f"{url}?state=not_opened")
    second = viewer_client.get(f"{url}?state=not_opened&page=2")

    assert first.context["page"].paginator.count == 53
    assert len(first.context["rows"]) == 50
    assert 'href="?state=not_opened&amp;page=2"' in first.content.decode()
    assert [row.organisation.name for row in second.context["rows"]] == ["Z47", "Z48", "Z49"]


def test_tracker_page_queries_do_not_grow_with_the_organisations(
    secretary_client: Client,
) -> None:
    meeting = MeetingFactory(code="prepcom-3")
    circular = make_circular(meeting, "DM-1048")

    def add(count: int) -> None:
        for n in range(count):
            organisation = OrganisationFactory(country=["CH", "SN", "BR"][n % 3])
            invite(circular, organisation)
            reply(organisation, meeting, ReplyState.SUBMITTED, estimate=3, delegates=2)

    url = f"/circulars/{circular.pk}/replies/"
    add(5)
    with CaptureQueriesContext(connection) as five:
        assert secretary_client.get(url).status_code == 200
    add(45)
    with CaptureQueriesContext(connection) as fifty:
        response = secretary_client.get(url)

    assert response.context["tracker"].totals.invited == 50
    assert len(fifty) == len(five)


def _seven_invited() -> tuple[Meeting, str]:
    """Seven organisations invited to prepcom-4 by DM-2001: three attending, four silent."""
    meeting = MeetingFactory(code="prepcom-4")
    circular = make_circular(meeting, "DM-2001")
    for n in range(7):
        organisation = OrganisationFactory(name=f"Org {n}")
        invite(circular, organisation)
        if n < 3:
            reply(organisation, meeting, ReplyState.SUBMITTED, estimate=2)
    return meeting, f"/circulars/{circular.pk}/replies/"


def test_tracker_list_count_is_read_from_the_figures_when_unfiltered(
    viewer_client: Client,
) -> None:
    _meeting, url = _seven_invited()

    with CaptureQueriesContext(connection) as unfiltered:
        everyone = viewer_client.get(url)
    attending = viewer_client.get(url, {"state": "attending"})

    assert everyone.context["page"].paginator.count == 7
    assert len(everyone.context["rows"]) == 7
    assert not [q for q in unfiltered.captured_queries if "COUNT(*)" in q["sql"]]
    # Filtered by what the figures do not count as such, the list counts its rows.
    assert attending.context["page"].paginator.count == 3
    assert len(attending.context["rows"]) == 3


def test_tracker_figures_are_kept_and_counted_again_in_the_background(
    viewer_client: Client,
) -> None:
    meeting, url = _seven_invited()
    first = viewer_client.get(url)
    # An update in bulk sends no signal: the kept figures stay until counted again.
    Reply.objects.filter(meeting=meeting).update(state=ReplyState.DECLINED, attending=False)
    later = timezone.now() + datetime.timedelta(seconds=dashboard.CACHE_SECONDS + 1)

    kept = viewer_client.get(url)
    with mock.patch("django.utils.timezone.now", return_value=later):
        stale = viewer_client.get(url)
        again = viewer_client.get(url)  # the recount is queued once only
    recounts = run_queued_tasks()
    after = viewer_client.get(url)
    fresh = viewer_client.get(url, {"fresh": "1"})

    assert first.context["tracker"].totals.attending == 3
    assert kept.context["tracker"].totals.attending == 3
    assert stale.context["tracker"].totals.attending == 3
    assert again.context["tracker"].totals.attending == 3
    assert recounts == 1
    assert after.context["tracker"].totals.attending == 0
    assert after.context["tracker"].totals.declined == 3
    assert fresh.context["tracker"].totals.declined == 3
    page = kept.content.decode()
    assert "Counted at" in page
    assert "figures older than a minute are counted again in the background" in page
    assert "fresh=1" in page
    assert "fresh" not in fresh.context["query"]


def test_tracker_figures_are_counted_again_once_a_reply_is_saved(
    viewer_client: Client,
) -> None:
    meeting, url = _seven_invited()
    viewer_client.get(url)
    declining = Reply.objects.filter(meeting=meeting).first()
    assert declining is not None
    declining.state = ReplyState.DECLINED
    declining.attending = False
    declining.save()

    after = viewer_client.get(url)

    assert after.context["tracker"].totals.attending == 2
    assert after.context["tracker"].totals.declined == 1


def test_tracker_offers_the_reminder_to_editors_only(
    secretary_client: Client, viewer_client: Client, sample: Sample
) -> None:
    url = f"/circulars/{sample.tracked.circular.pk}/replies/"
    remind = f'href="/circulars/{sample.tracked.circular.pk}/remind/"'

    assert remind in secretary_client.get(url).content.decode()
    assert remind not in viewer_client.get(url).content.decode()


def test_tracker_csv_lists_the_filtered_organisations(
    viewer_client: Client, sample: Sample
) -> None:
    response = viewer_client.get(
        f"/circulars/{sample.tracked.circular.pk}/replies.csv?state=declined"
    )

    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert response["Content-Disposition"] == 'attachment; filename="DM-1048-replies.csv"'
    assert rows == [
        [
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
        ],
        [
            str(sample.tracked.by_name["C"].pk),
            "C",
            "",
            "sector_member",
            "private_sector",
            "SN",
            "africa",
            "declined",
            "",
            "",
            "0",
            "",
            "",
        ],
    ]


def test_circular_and_meeting_pages_link_to_the_tracker(
    viewer_client: Client, sample: Sample
) -> None:
    circular = viewer_client.get(f"/circulars/{sample.tracked.circular.pk}/").content.decode()
    meeting = viewer_client.get(f"/meetings/{sample.meeting.code}/").content.decode()

    assert f'href="/circulars/{sample.tracked.circular.pk}/replies/"' in circular
    assert f'href="/meetings/{sample.meeting.code}/replies/"' in meeting


# Entering a reply on an organisation's behalf


def version_of(organisation: Organisation, meeting: Meeting) -> str:
    found = Reply.objects.filter(organisation=organisation, meeting=meeting).first()
    return f"{found.updated_at.timestamp():.6f}" if found else ""


def entry(*, version: str = "", button: str = "submit", **overrides: str) -> dict[str, str]:
    """The staff form as posted: a fax saying the organisation attends with four people,
    two named, led by its chief executive."""
    data = {
        "version": version,
        "attending": "yes",
        "decline_reason": "",
        "estimated_participants": "4",
        "focal_point-title": "Ms",
        "focal_point-given_name": "Wanjiru",
        "focal_point-family_name": "Kamau",
        "focal_point-function": "Head of Partnerships",
        "focal_point-email": "wanjiru@h.example.org",
        "focal_point-phone": "+254 20 000000",
        "members-TOTAL_FORMS": "3",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
        "members-0-title": "Dr",
        "members-0-given_name": "Otieno",
        "members-0-family_name": "Odhiambo",
        "members-0-function": "Chief Executive Officer",
        "members-0-email": "ceo@h.example.org",
        "members-0-nationality": "KE",
        "members-0-gender": "male",
        "members-0-consent_to_publish": "on",
        "members-0-is_head": "on",
        "members-0-protocol_level": "chief_executive",
        "members-1-given_name": "Wanjiru",
        "members-1-family_name": "Kamau",
        "members-1-nationality": "KE",
        "members-1-gender": "",
        button: "1",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def edit_url(organisation: Organisation, meeting: Meeting) -> str:
    return f"/organisations/{organisation.pk}/replies/{meeting.code}/edit/"


def test_staff_entry_records_a_reply_on_behalf(
    secretary_client: Client, secretary: User, sample: Sample
) -> None:
    h = sample.h

    response = secretary_client.post(edit_url(h, sample.meeting), entry())

    assert response.status_code == 302
    assert response["Location"] == f"/organisations/{h.pk}/replies/{sample.meeting.code}/"
    saved = Reply.objects.get(organisation=h, meeting=sample.meeting)
    assert (
        saved.state,
        saved.attending,
        saved.estimated_participants,
        saved.head_level,
        saved.entered_on_behalf,
        str(saved.focal_point),
    ) == (ReplyState.SUBMITTED, True, 4, "chief_executive", True, "Ms Wanjiru Kamau")
    assert [
        (d.title, d.given_name, d.family_name, d.is_head, d.nationality, d.gender)
        for d in saved.delegates.all()
    ] == [
        ("Dr", "Otieno", "Odhiambo", True, "KE", "male"),
        ("", "Wanjiru", "Kamau", False, "KE", ""),
    ]
    record = AuditEntry.objects.for_object(saved).get()
    assert (record.action, record.channel, record.actor, record.note) == (
        "summitdesk.reply.submitted",
        Channel.BACKOFFICE,
        secretary,
        "Entered by the secretariat on the organisation's behalf",
    )
    assert record.changes["state"] == ["not_opened", "submitted"]
    assert Invitation.objects.get(circular=sample.tracked.circular, organisation=h).replied_at
    assert list(
        Position.objects.filter(organisation=h).values_list(
            "person__family_name", "role", "function"
        )
    ) == [("Kamau", PositionRole.FOCAL_POINT, "Head of Partnerships")]


def big_entry(count: int) -> dict[str, str]:
    """The staff form with `count` people, every field of every row sent."""
    data = entry(estimated_participants=str(count))
    data["members-TOTAL_FORMS"] = str(count)
    for index in range(count):
        data |= {
            f"members-{index}-title": "",
            f"members-{index}-given_name": f"Given{index}",
            f"members-{index}-family_name": f"Family{index}",
            f"members-{index}-function": "Adviser",
            f"members-{index}-email": f"person{index}@h.example.org",
            f"members-{index}-nationality": "KE",
            f"members-{index}-gender": "",
            f"members-{index}-consent_to_publish": "on",
        }
    data["members-0-is_head"] = "on"  # unticked boxes are not sent
    return data


def test_staff_entry_saves_a_delegation_of_two_hundred(
    secretary_client: Client, sample: Sample
) -> None:
    data = big_entry(200)
    assert len(data) > 1_600

    response = secretary_client.post(edit_url(sample.h, sample.meeting), data)

    assert response.status_code == 302
    saved = Reply.objects.get(organisation=sample.h, meeting=sample.meeting)
    assert saved.delegates.count() == 200
    assert saved.delegates.filter(consent_to_publish=True).count() == 200


def test_staff_entry_refuses_a_delegation_of_two_hundred_and_one(
    secretary_client: Client, sample: Sample
) -> None:
    before = state()

    response = secretary_client.post(edit_url(sample.h, sample.meeting), big_entry(201))

    # The page is shown again with the problems, as for every refused entry.
    assert response.status_code == 200
    assert response.context["form"].members_problem == "A delegation can list at most 200 people."
    assert state() == before


def test_staff_entry_shows_on_the_tracker_and_the_reply_page(
    secretary_client: Client, sample: Sample
) -> None:
    secretary_client.post(edit_url(sample.h, sample.meeting), entry())

    tracker = secretary_client.get(f"/circulars/{sample.tracked.circular.pk}/replies/")
    page = secretary_client.get(
        f"/organisations/{sample.h.pk}/replies/{sample.meeting.code}/"
    ).content.decode()

    totals = tracker.context["tracker"].totals
    assert (totals.attending, totals.silent, totals.estimated_participants) == (5, 4, 24)
    assert "entered by the secretariat on the organisation's behalf" in page
    assert "Entered by the secretariat on the organisation&#x27;s behalf" in page  # history
    assert "<bdi>Dr Otieno Odhiambo</bdi> <strong>(head of delegation)</strong>" in page


def test_reply_page_lists_only_the_delegates_still_in_the_delegation(
    secretary_client: Client, sample: Sample
) -> None:
    secretary_client.post(edit_url(sample.h, sample.meeting), entry())
    wanjiru = Accreditation.objects.get(delegate__family_name="Kamau")
    accreditation_services.withdraw(wanjiru, actor=Actor.system("test"))

    page = secretary_client.get(
        f"/organisations/{sample.h.pk}/replies/{sample.meeting.code}/"
    ).content.decode()

    delegation = page[page.index('id="delegation-title"') : page.index("</section>")]
    assert "Odhiambo" in delegation
    assert "Kamau" not in delegation


def test_staff_entry_can_save_a_draft(secretary_client: Client, sample: Sample) -> None:
    response = secretary_client.post(
        edit_url(sample.h, sample.meeting),
        entry(button="draft", **{"focal_point-email": "", "members-0-protocol_level": ""}),
    )

    saved = Reply.objects.get(organisation=sample.h, meeting=sample.meeting)
    assert response.status_code == 302
    assert messages_of(response) == ["Draft saved."]
    assert (saved.state, saved.entered_on_behalf) == (ReplyState.DRAFT, True)
    assert AuditEntry.objects.for_object(saved).get().action == "summitdesk.reply.saved"


def test_staff_entry_records_a_decline(secretary_client: Client, sample: Sample) -> None:
    secretary_client.post(
        edit_url(sample.h, sample.meeting),
        entry(attending="no", decline_reason="Budget cuts."),
    )

    saved = Reply.objects.get(organisation=sample.h, meeting=sample.meeting)
    assert (saved.state, saved.attending, saved.decline_reason, saved.delegates.count()) == (
        ReplyState.DECLINED,
        False,
        "Budget cuts.",
        0,
    )


def test_staff_entry_shows_the_services_problems_next_to_fields(
    secretary_client: Client, sample: Sample
) -> None:
    before = state()

    response = secretary_client.post(
        edit_url(sample.h, sample.meeting),
        entry(
            **{
                "focal_point-title": "",
                "focal_point-given_name": "",
                "focal_point-family_name": "",
                "focal_point-function": "",
                "focal_point-email": "",
                "focal_point-phone": "",
                "estimated_participants": "1",
                "members-1-is_head": "on",
            }
        ),
    )

    form = response.context["form"]
    assert response.status_code == 200
    assert form.answer.errors["estimated_participants"] == [
        "The estimate (1) is lower than the 2 people named."
    ]
    assert form.focal_point.non_field_errors() == ["Name the designated focal point."]
    assert form.members_problem == "Only one person can head the delegation."
    page = response.content.decode()
    assert '<a href="#members-section">Delegation</a>: Only one person' in page
    assert state() == before


def test_staff_entry_refuses_a_person_without_family_name(
    secretary_client: Client, sample: Sample
) -> None:
    response = secretary_client.post(
        edit_url(sample.h, sample.meeting), entry(**{"backup-email": "backup@h.example.org"})
    )

    assert response.context["form"].backup.errors["family_name"] == [
        "Give the family name too, or clear this person."
    ]
    assert not Reply.objects.filter(organisation=sample.h, meeting=sample.meeting).exists()


def test_staff_correction_after_the_deadline_is_accepted(
    secretary_client: Client, secretary: User, sample: Sample
) -> None:
    circular = sample.tracked.circular
    circular.reply_deadline = timezone.now() - datetime.timedelta(days=3)
    circular.save()
    a = sample.a
    form = secretary_client.get(edit_url(a, sample.meeting)).context["form"]
    assert form.answer["estimated_participants"].value() == 5
    assert form.members.total_form_count() == 2 + 3

    response = secretary_client.post(
        edit_url(a, sample.meeting),
        entry(
            version=version_of(a, sample.meeting),
            estimated_participants="12",
            **{"members-1-family_name": "Müller"},
        ),
    )

    saved = Reply.objects.get(organisation=a, meeting=sample.meeting)
    assert response.status_code == 302
    assert (saved.state, saved.estimated_participants, saved.entered_on_behalf) == (
        ReplyState.AMENDED,
        12,
        True,
    )
    record = AuditEntry.objects.for_object(saved).filter(actor=secretary).get()
    assert record.changes["estimated_participants"] == [5, 12]
    assert record.changes["state"] == ["submitted", "amended"]


def test_staff_entry_refuses_a_form_opened_before_another_change(
    secretary_client: Client, sample: Sample
) -> None:
    a = sample.a
    old = version_of(a, sample.meeting)
    Reply.objects.filter(organisation=a, meeting=sample.meeting).update(
        estimated_participants=6, updated_at=timezone.now() + datetime.timedelta(seconds=1)
    )

    response = secretary_client.post(edit_url(a, sample.meeting), entry(version=old))

    assert response.status_code == 200
    assert response.context["form"].answer.non_field_errors() == [
        "The reply changed while you were editing it: check it, then save."
    ]
    assert Reply.objects.get(organisation=a, meeting=sample.meeting).estimated_participants == 6


def test_staff_entry_refuses_a_change_made_after_its_check_naming_who_made_it(
    secretary_client: Client, sample: Sample, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The focal point saves between the page's check and the save: the service refuses
    the staff entry under the reply's lock, and the form keeps what was typed."""
    a = sample.a
    opened = version_of(a, sample.meeting)
    save = services.save_reply

    def after_the_focal_point(reply: Reply, data: ReplyData, **options: Any) -> Reply:
        current = services.reply_data(Reply.objects.get(pk=reply.pk))
        save(reply, replace(current, estimated_participants=6), submit=False, actor=PORTAL)
        return save(reply, data, **options)

    monkeypatch.setattr(services, "save_reply", after_the_focal_point)

    response = secretary_client.post(
        edit_url(a, sample.meeting), entry(version=opened, estimated_participants="12")
    )

    assert response.status_code == 200
    [message] = response.context["form"].answer.non_field_errors()
    assert message.startswith("Changed by Focal point of A at ")
    assert message.endswith(" since you opened it.")
    assert 'value="12"' in response.content.decode()
    assert response.context["form"].version == version_of(a, sample.meeting) != opened
    assert Reply.objects.get(organisation=a, meeting=sample.meeting).estimated_participants == 6


def test_staff_entry_adds_member_rows_without_saving(
    secretary_client: Client, sample: Sample
) -> None:
    before = state()

    response = secretary_client.post(edit_url(sample.h, sample.meeting), entry(button="more"))

    assert response.status_code == 200
    assert response.context["form"].members.total_form_count() == 8
    assert state() == before


def test_staff_entry_removes_a_member_ticked_for_deletion(
    secretary_client: Client, sample: Sample
) -> None:
    a = sample.a
    data = entry(version=version_of(a, sample.meeting), **{"members-1-DELETE": "on"})

    secretary_client.post(edit_url(a, sample.meeting), data)

    remaining = Delegate.objects.filter(reply__organisation=a, reply__meeting=sample.meeting)
    assert [d.family_name for d in remaining] == ["Odhiambo"]


def test_staff_entry_page_says_it_is_recorded_on_behalf(
    secretary_client: Client, sample: Sample
) -> None:
    page = secretary_client.get(edit_url(sample.h, sample.meeting)).content.decode()

    assert "recorded as entered by the secretariat on the organisation's behalf" in page
    assert not Reply.objects.filter(organisation=sample.h, meeting=sample.meeting).exists()


# Change requests


def decide_url(s: Sample) -> str:
    return f"/organisations/{s.a.pk}/replies/{s.meeting.code}/requests/{s.change.pk}/decide/"


def test_reply_page_shows_the_pending_change(viewer_client: Client, sample: Sample) -> None:
    page = viewer_client.get(
        f"/organisations/{sample.a.pk}/replies/{sample.meeting.code}/"
    ).content.decode()

    assert "Two more colleagues will come." in page
    assert "<dd>9</dd>" in page
    assert "Aïda Sow (head)" in page
    assert 'value="accept"' not in page  # a viewer sees no buttons


def test_accepting_a_change_request_updates_the_reply(
    secretary_client: Client, secretary: User, sample: Sample
) -> None:
    response = secretary_client.post(decide_url(sample), {"decision": "accept"})

    sample.change.refresh_from_db()
    saved = Reply.objects.get(organisation=sample.a, meeting=sample.meeting)
    assert messages_of(response) == ["The change is accepted: the reply now reads as requested."]
    assert sample.change.status == ChangeRequestStatus.ACCEPTED
    assert (saved.state, saved.estimated_participants, str(saved.focal_point)) == (
        ReplyState.AMENDED,
        9,
        "Aïda Sow",
    )
    assert list(
        AuditEntry.objects.for_object(saved)
        .filter(actor=secretary)
        .values_list("action", flat=True)
    ) == ["summitdesk.reply.change_accepted", "summitdesk.reply.submitted"]


def test_refusing_a_change_request_keeps_the_reply(
    secretary_client: Client, sample: Sample
) -> None:
    assert confirmation(secretary_client.post(decide_url(sample), {"decision": "refuse"})) == (
        f"Refuse the change {sample.a.name} asked for?",
        "The reply stays as it was; the focal point is told.",
        "Refuse the change",
    )
    sample.change.refresh_from_db()
    assert sample.change.status == ChangeRequestStatus.PENDING

    response = secretary_client.post(decide_url(sample), {"decision": "refuse", **CONFIRMED})

    sample.change.refresh_from_db()
    saved = Reply.objects.get(organisation=sample.a, meeting=sample.meeting)
    assert messages_of(response) == ["The change is refused: the reply stays as it was."]
    assert sample.change.status == ChangeRequestStatus.REFUSED
    assert (saved.state, saved.estimated_participants) == (ReplyState.SUBMITTED, 5)


def test_a_change_request_is_decided_once(secretary_client: Client, sample: Sample) -> None:
    secretary_client.post(decide_url(sample), {"decision": "refuse", **CONFIRMED}, follow=True)

    response = secretary_client.post(decide_url(sample), {"decision": "accept"})

    sample.change.refresh_from_db()
    assert messages_of(response) == ["This request has already been decided."]
    assert sample.change.status == ChangeRequestStatus.REFUSED


def test_a_change_request_needs_a_decision(secretary_client: Client, sample: Sample) -> None:
    before = state()

    response = secretary_client.post(decide_url(sample), {"decision": "maybe"})

    assert messages_of(response) == ["Choose whether to accept or refuse the request."]
    assert state() == before


# Reply links


def test_revoking_a_link_stops_it(
    secretary_client: Client, secretary: User, sample: Sample
) -> None:
    other, other_token = reply_links.issue(sample.a, sample.meeting)
    url = (
        f"/organisations/{sample.a.pk}/replies/{sample.meeting.code}/links/{sample.link.pk}/revoke/"
    )

    question, consequence, button = confirmation(secretary_client.post(url))
    assert question.startswith(f"Revoke the reply link of {sample.a.name} created on ")
    assert (consequence, button) == (
        "Whoever holds it can no longer open or change the reply.",
        "Revoke the link",
    )
    assert reply_links.find(sample.token) == sample.link

    response = secretary_client.post(url, CONFIRMED, follow=True)

    assert response.redirect_chain == [
        (f"/organisations/{sample.a.pk}/replies/{sample.meeting.code}/", 302)
    ]
    assert reply_links.find(sample.token) is None
    assert reply_links.find(other_token) == other
    record = AuditEntry.objects.for_object(sample.link).get()
    assert (record.action, record.actor, record.organisation_id) == (
        "summitdesk.reply_link.revoked",
        secretary,
        sample.a.pk,
    )
    again = secretary_client.post(url, CONFIRMED)
    assert messages_of(again) == ["This link had already been revoked."]


def test_issuing_a_new_link_shows_it_once_and_revokes_the_others(
    secretary_client: Client, sample: Sample
) -> None:
    url = f"/organisations/{sample.a.pk}/replies/{sample.meeting.code}/links/new/"
    assert confirmation(secretary_client.post(url)) == (
        f"Issue a new reply link to {sample.a.name}?",
        "Every earlier link of this organisation for this meeting stops working.",
        "Issue a new link",
    )
    assert reply_links.find(sample.token) == sample.link

    response = secretary_client.post(url, CONFIRMED)

    token = response.context["url"].rstrip("/").rsplit("/", 1)[1]
    assert response["Cache-Control"] == "no-store"
    assert reply_links.find(sample.token) is None
    found = reply_links.find(token)
    assert found is not None
    assert (found.organisation, found.meeting) == (sample.a, sample.meeting)
    assert response.context["url"] in response.content.decode()


def test_issuing_a_link_needs_an_invitation(secretary_client: Client, sample: Sample) -> None:
    stranger = OrganisationFactory(name="Never invited")
    before = state()

    response = secretary_client.post(
        f"/organisations/{stranger.pk}/replies/{sample.meeting.code}/links/new/"
    )

    assert messages_of(response) == ["No circular about this meeting was sent to it: no link."]
    assert state() == before


def test_reply_page_lists_links_and_history(viewer_client: Client, sample: Sample) -> None:
    reply_links.revoke_all(sample.a, sample.meeting, actor=Actor.system("test"))
    services.revoke_reply_link(
        reply_links.issue(sample.a, sample.meeting)[0], actor=Actor.system("test")
    )

    response = viewer_client.get(f"/organisations/{sample.a.pk}/replies/{sample.meeting.code}/")

    overview = response.context["overview"]
    assert len(overview.links) == 2
    assert [entry.action for entry in response.context["history"]] == [
        "summitdesk.reply_link.revoked",
        "summitdesk.reply_link.revoked",
        "summitdesk.reply.change_requested",
    ]
    assert "Letter of DM-1048" in response.content.decode()


def test_reply_page_without_a_reply_creates_none(viewer_client: Client, sample: Sample) -> None:
    response = viewer_client.get(f"/organisations/{sample.h.pk}/replies/{sample.meeting.code}/")

    assert response.context["reply"] is None
    assert "No reply yet" in response.content.decode()
    assert not Reply.objects.filter(organisation=sample.h, meeting=sample.meeting).exists()


# Participation across the process


def test_organisation_page_shows_replies_across_the_process(viewer_client: Client) -> None:
    wsis = ProcessFactory(code="wsis", name="World Summit on the Information Society")
    meetings = {
        code: MeetingFactory(process=wsis, code=code, title=title, start_date=day)
        for code, title, day in [
            ("summit-geneva", "Summit, Geneva phase", datetime.date(2003, 12, 10)),
            ("prepcom-2", "PrepCom-2", datetime.date(2003, 2, 17)),
            ("prepcom-1", "PrepCom-1", datetime.date(2002, 7, 1)),
            ("prepcom-3", "PrepCom-3", datetime.date(2003, 9, 15)),
        ]
    }
    acme = OrganisationFactory(name="Acme")
    reply(acme, meetings["prepcom-1"], ReplyState.DECLINED)
    reply(
        acme,
        meetings["prepcom-2"],
        ReplyState.SUBMITTED,
        estimate=3,
        level="chief_executive",
        delegates=2,
    )
    reply(acme, meetings["prepcom-3"], ReplyState.DRAFT, estimate=5)
    reply(
        acme, meetings["summit-geneva"], ReplyState.AMENDED, estimate=8, delegates=1, on_behalf=True
    )

    response = viewer_client.get(f"/organisations/{acme.pk}/")

    page = response.content.decode()
    section = page[
        page.index('id="participation-title"') : page.index(
            "</section>", page.index('id="participation-title"')
        )
    ]
    rows = re.findall(
        r"<tr>\s*<th scope=\"row\"><a href=\"([^\"]+)\">([^<]+)</a></th>(.*?)</tr>", section, re.S
    )
    assert [(href, title) for href, title, _ in rows] == [
        (f"/organisations/{acme.pk}/replies/prepcom-1/", "PrepCom-1"),
        (f"/organisations/{acme.pk}/replies/prepcom-2/", "PrepCom-2"),
        (f"/organisations/{acme.pk}/replies/prepcom-3/", "PrepCom-3"),
        (f"/organisations/{acme.pk}/replies/summit-geneva/", "Summit, Geneva phase"),
    ]
    cells = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", rest)).strip() for _, _, rest in rows]
    assert cells == [
        "1 July 2002 no Declined no — — 0",
        "17 February 2003 no Submitted yes 3 D0 Chief executive 2",
        "15 September 2003 no Draft — 5 — 0",
        "10 December 2003 no Amended entered by the secretariat yes 8 D0 1",
    ]


def test_organisation_page_queries_do_not_grow_with_meetings(viewer_client: Client) -> None:
    wsis = ProcessFactory(name="WSIS")
    acme = OrganisationFactory(name="Acme")

    def add(count: int) -> None:
        for _ in range(count):
            meeting = MeetingFactory(process=wsis)
            reply(acme, meeting, ReplyState.SUBMITTED, estimate=2, delegates=2)
            invite(make_circular(meeting, f"DM-{meeting.pk}"), acme)

    add(1)
    with CaptureQueriesContext(connection) as one:
        viewer_client.get(f"/organisations/{acme.pk}/")
    add(6)
    with CaptureQueriesContext(connection) as seven:
        viewer_client.get(f"/organisations/{acme.pk}/")

    assert len(seven) == len(one)
