import datetime
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from summitdesk.core.audit import Actor
from summitdesk.core.models import AuditEntry, User
from summitdesk.meetings import services
from summitdesk.meetings.models import Meeting, Process
from tests.factories import MeetingFactory, ProcessFactory

pytestmark = pytest.mark.django_db

DASH = "\N{EN DASH}"  # between two dates

Kwargs = Callable[[Meeting], dict[str, Any]]

READ_PAGES: list[tuple[str, Kwargs]] = [
    ("backoffice:meeting-list", lambda m: {}),
    ("backoffice:meeting-detail", lambda m: {"code": m.code}),
    ("backoffice:protocol-list", lambda m: {"code": m.code}),
]
WRITE_PAGES: list[tuple[str, Kwargs]] = [
    ("backoffice:meeting-create", lambda m: {}),
    ("backoffice:meeting-edit", lambda m: {"code": m.code}),
    ("backoffice:process-edit", lambda m: {"code": m.process.code}),
    ("backoffice:participant-type-edit", lambda m: {"code": m.code, "type_code": "press"}),
]


@pytest.fixture
def meeting() -> Meeting:
    process = ProcessFactory(code="wsis", name="World Summit on the Information Society")
    return MeetingFactory(
        process=process,
        code="prepcom-3",
        title="Third Preparatory Committee",
        start_date=datetime.date(2003, 9, 15),
        end_date=datetime.date(2003, 9, 26),
        registration_opens_at=datetime.datetime(2003, 7, 1, 9, 0, tzinfo=datetime.UTC),
        registration_closes_at=datetime.datetime(2003, 9, 1, 17, 30, tzinfo=datetime.UTC),
    )


def meeting_data(process: Process, **overrides: Any) -> dict[str, Any]:
    data = {
        "process": process.pk,
        "code": "geneva-phase",
        "title": "First phase of the Summit",
        "kind": "summit_phase",
        "city": "Geneva",
        "country": "CH",
        "time_zone": "Europe/Zurich",
        "start_date": "2003-12-10",
        "end_date": "2003-12-12",
        "registration_opens_at": "2003-07-09T09:00",
        "registration_closes_at": "2003-11-15T17:00",
        "status": "planned",
    }
    data.update(overrides)
    return data


def messages_of(response: Any) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# Every page, every persona


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES + WRITE_PAGES)
def test_meeting_pages_send_anonymous_visitors_to_sign_in(
    client: Client, meeting: Meeting, name: str, kwargs: Kwargs
) -> None:
    url = reverse(name, kwargs=kwargs(meeting))

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"/sign-in/?next={url}"


@pytest.mark.parametrize(("name", "kwargs"), READ_PAGES)
def test_meeting_read_pages_open_to_viewer(
    viewer_client: Client, meeting: Meeting, name: str, kwargs: Kwargs
) -> None:
    response = viewer_client.get(reverse(name, kwargs=kwargs(meeting)))

    assert response.status_code == 200
    assert "Third Preparatory Committee" in response.content.decode()


@pytest.mark.parametrize(("name", "kwargs"), WRITE_PAGES)
def test_meeting_write_pages_refused_to_viewer(
    viewer_client: Client, meeting: Meeting, name: str, kwargs: Kwargs
) -> None:
    url = reverse(name, kwargs=kwargs(meeting))

    page = viewer_client.get(url)
    posted = viewer_client.post(url, meeting_data(meeting.process, code="prepcom-3"))

    assert (page.status_code, posted.status_code) == (403, 403)
    assert list(Meeting.objects.values_list("code", "title")) == [
        ("prepcom-3", "Third Preparatory Committee")
    ]
    assert AuditEntry.objects.count() == 0


@pytest.mark.parametrize(("name", "kwargs"), WRITE_PAGES)
def test_meeting_write_pages_open_to_registration_officer_and_administrator(
    secretary_client: Client, admin_client: Client, meeting: Meeting, name: str, kwargs: Kwargs
) -> None:
    url = reverse(name, kwargs=kwargs(meeting))

    assert secretary_client.get(url).status_code == 200
    assert admin_client.get(url).status_code == 200


def test_meeting_detail_of_unknown_code_is_404(viewer_client: Client) -> None:
    assert viewer_client.get("/meetings/no-such-meeting/").status_code == 404


# Pages


def test_meeting_list_groups_meetings_by_process(viewer_client: Client, meeting: Meeting) -> None:
    MeetingFactory(process=meeting.process, code="prepcom-1", title="PrepCom-1", start_date=None)
    ProcessFactory(name="Empty process")

    response = viewer_client.get("/meetings/")

    content = response.content.decode()
    assert content.index("Third Preparatory Committee") < content.index("PrepCom-1")
    assert f"15 September 2003 {DASH} 26 September 2003" in content
    assert "Empty process" in content
    assert "No meetings yet." in content
    assert "New meeting" not in content  # a viewer cannot create one


def test_meeting_list_queries_do_not_grow_with_meetings(
    viewer_client: Client, meeting: Meeting
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert viewer_client.get("/meetings/").status_code == 200
        return len(captured)

    with_one = queries()
    for _ in range(3):
        MeetingFactory.create_batch(5, process=ProcessFactory())

    assert queries() == with_one


def test_home_lists_meetings_in_calendar_order(viewer_client: Client, meeting: Meeting) -> None:
    MeetingFactory(code="prepcom-1", title="PrepCom-1", start_date=datetime.date(2002, 7, 1))

    response = viewer_client.get("/")

    assert [m.code for m in response.context["meetings"]] == ["prepcom-1", "prepcom-3"]


def test_meeting_detail_shows_replayed_dates_beside_historical_ones(
    viewer_client: Client, meeting: Meeting
) -> None:
    Process.objects.filter(pk=meeting.process_id).update(replay_offset_days=365)

    response = viewer_client.get("/meetings/prepcom-3/")

    content = response.content.decode()
    assert f"15 September 2003 {DASH} 26 September 2003" in content
    assert "(replays 15 September 2002)" in content
    assert (
        f"1 July 2003, 11:00 (Europe/Zurich) {DASH} 1 September 2003, 19:30 (Europe/Zurich)"
        in content
    )


# Create and edit


def test_meeting_create_saves_and_records(secretary_client: Client, secretary: User) -> None:
    process = ProcessFactory()

    response = secretary_client.post("/meetings/new/", meeting_data(process))

    assert response.status_code == 302
    assert response["Location"] == "/meetings/geneva-phase/"
    assert messages_of(response) == ["Saved."]
    meeting = Meeting.objects.get()
    assert (meeting.start_date, meeting.registration_opens_at) == (
        datetime.date(2003, 12, 10),
        datetime.datetime(2003, 7, 9, 9, 0, tzinfo=datetime.UTC),
    )
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor) == ("summitdesk.meeting.created", secretary)
    assert entry.changes["title"] == [None, "First phase of the Summit"]


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"title": ""}, "Title: This field is required."),
        ({"code": "PrepCom 3"}, "Code: Use lower-case letters, digits and single hyphens"),
        ({"code": "prepcom--3"}, "Code: Use lower-case letters, digits and single hyphens"),
        ({"code": "prepcom-3"}, "Code: Meeting with this Code already exists."),
        (
            {"start_date": "2003-12-12", "end_date": "2003-12-10"},
            "End date: The meeting cannot end before it starts.",
        ),
        (
            {
                "registration_opens_at": "2003-11-15T17:00",
                "registration_closes_at": "2003-07-09T09:00",
            },
            "Registration closes: Registration cannot close before it opens.",
        ),
        ({"time_zone": "Mars/Olympus_Mons"}, "Time zone: Mars/Olympus_Mons is not a time zone"),
        ({"time_zone": ""}, "Time zone: This field is required."),
        ({"start_date": "12/31/2003x"}, "Start date: Enter a valid date."),
        ({"kind": "party"}, "Kind: Select a valid choice. party is not one of the available"),
    ],
)
def test_meeting_create_shows_validation_messages_and_saves_nothing(
    secretary_client: Client, meeting: Meeting, overrides: dict[str, str], message: str
) -> None:
    response = secretary_client.post("/meetings/new/", meeting_data(meeting.process, **overrides))

    assert response.status_code == 200
    assert message in response.content.decode().replace("</a>", "")
    assert list(Meeting.objects.values_list("code", flat=True)) == ["prepcom-3"]
    assert AuditEntry.objects.count() == 0


def test_meeting_edit_form_shows_dates_browsers_can_read(
    secretary_client: Client, meeting: Meeting
) -> None:
    response = secretary_client.get("/meetings/prepcom-3/edit/")

    content = response.content.decode()
    assert 'type="date" name="start_date" value="2003-09-15"' in content
    assert 'type="datetime-local" name="registration_opens_at" value="2003-07-01T09:00"' in content


def test_meeting_edit_records_old_and_new_values(
    secretary_client: Client, secretary: User, meeting: Meeting
) -> None:
    data = meeting_data(
        meeting.process,
        code="prepcom-3",
        title="PrepCom-3",
        kind="prepcom",
        start_date="2003-09-15",
        end_date="2003-09-26",
        registration_opens_at="2003-07-01T09:00",
        registration_closes_at="2003-09-01T17:30",
    )

    response = secretary_client.post("/meetings/prepcom-3/edit/", data)
    page = secretary_client.get("/meetings/prepcom-3/")

    assert response["Location"] == "/meetings/prepcom-3/"
    entry = AuditEntry.objects.get()
    assert entry.action == "summitdesk.meeting.changed"
    assert entry.changes == {"title": ["Third Preparatory Committee", "PrepCom-3"]}
    content = page.content.decode()
    assert "Sara changed the title from Third Preparatory Committee to PrepCom-3" in content


def test_meeting_edit_with_new_code_moves_the_page(
    secretary_client: Client, meeting: Meeting
) -> None:
    data = meeting_data(meeting.process, code="prepcom-3-geneva")

    response = secretary_client.post("/meetings/prepcom-3/edit/", data)

    assert response["Location"] == "/meetings/prepcom-3-geneva/"
    assert secretary_client.get("/meetings/prepcom-3/").status_code == 404


def test_meeting_edit_with_bad_dates_changes_nothing(
    secretary_client: Client, meeting: Meeting
) -> None:
    data = meeting_data(
        meeting.process, code="prepcom-3", start_date="2003-09-26", end_date="2003-09-15"
    )

    response = secretary_client.post("/meetings/prepcom-3/edit/", data)

    assert response.status_code == 200
    meeting.refresh_from_db()
    assert (meeting.start_date, meeting.title) == (
        datetime.date(2003, 9, 15),
        "Third Preparatory Committee",
    )


def test_save_meeting_without_change_records_nothing(meeting: Meeting, secretary: User) -> None:
    changes = services.save_meeting(
        meeting, {"title": "Third Preparatory Committee"}, actor=Actor.staff(secretary)
    )

    assert changes == {}
    assert AuditEntry.objects.count() == 0


def test_meeting_edit_saves_the_badge_requirements(
    secretary_client: Client, secretary: User, meeting: Meeting
) -> None:
    data = meeting_data(
        meeting.process,
        code="prepcom-3",
        title="Third Preparatory Committee",
        start_date="2003-09-15",
        end_date="2003-09-26",
        registration_opens_at="2003-07-01T09:00",
        registration_closes_at="2003-09-01T17:30",
        kind=meeting.kind,
        city=meeting.city,
        country=meeting.country,
        time_zone=meeting.time_zone,
        approval_requires_identity="on",
        printing_requires_identity="on",
        photo_max_age_months="12",
    )

    form = secretary_client.get("/meetings/prepcom-3/edit/")
    response = secretary_client.post("/meetings/prepcom-3/edit/", data)

    assert "approval requires photo and identity data" in form.content.decode().lower()
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.approval_requires_identity, meeting.printing_requires_identity) == (
        True,
        True,
    )
    assert meeting.photo_max_age_months == 12
    assert AuditEntry.objects.get().changes == {
        "approval_requires_identity": [False, True],
        "printing_requires_identity": [False, True],
        "photo_max_age_months": [6, 12],
    }


# Names in the six languages


def test_meeting_title_in_french_is_saved_from_its_folded_field(
    secretary_client: Client, meeting: Meeting
) -> None:
    page = secretary_client.get("/meetings/prepcom-3/edit/").content.decode()

    response = secretary_client.post(
        "/meetings/prepcom-3/edit/",
        meeting_data(
            meeting.process,
            code="prepcom-3",
            title="Third Preparatory Committee",
            title_fr="  Troisième Comité préparatoire ",
            title_ar="اللجنة التحضيرية الثالثة",
            title_es="",
        ),
    )

    assert '<details class="language">' in page
    assert 'name="title_zh"' in page
    assert 'lang="ar"' in page
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.title_translations == {
        "fr": "Troisième Comité préparatoire",
        "ar": "اللجنة التحضيرية الثالثة",
    }
    entry = AuditEntry.objects.get(action="summitdesk.meeting.changed")
    assert entry.changes["title_translations"] == [
        {},
        {"fr": "Troisième Comité préparatoire", "ar": "اللجنة التحضيرية الثالثة"},
    ]


def test_meeting_title_translation_too_long_is_refused_with_the_fold_open(
    secretary_client: Client, meeting: Meeting
) -> None:
    response = secretary_client.post(
        "/meetings/prepcom-3/edit/",
        meeting_data(meeting.process, code="prepcom-3", title_ru="Я" * 201),
    )

    assert response.status_code == 200
    assert '<details class="language" open>' in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.title_translations == {}


def test_meeting_detail_lists_the_title_in_each_language_given(
    viewer_client: Client, meeting: Meeting
) -> None:
    Meeting.objects.filter(pk=meeting.pk).update(title_translations={"zh": "第三次筹备委员会"})

    content = viewer_client.get("/meetings/prepcom-3/").content.decode()

    assert '<bdi lang="zh">第三次筹备委员会</bdi>' in content
    assert '<bdi lang="en">Third Preparatory Committee</bdi>' in content


def test_process_name_in_six_languages_saved_by_an_officer_and_shown_in_french(
    secretary_client: Client, meeting: Meeting, secretary: User
) -> None:
    response = secretary_client.post(
        "/processes/wsis/edit/",
        {
            "name": "World Summit on the Information Society",
            "description": "",
            "name_fr": "Sommet mondial sur la société de l'information",
            "name_zh": "信息社会世界峰会",
        },
    )
    list_in_french = secretary_client.get("/meetings/", headers={"accept-language": "fr"})

    assert response.status_code == 302
    process = Process.objects.get(code="wsis")
    assert process.name_translations == {
        "fr": "Sommet mondial sur la société de l'information",
        "zh": "信息社会世界峰会",
    }
    entry = AuditEntry.objects.get(action="summitdesk.process.changed")
    assert entry.actor == secretary
    assert "Sommet mondial sur la société de l&#x27;information" in list_in_french.content.decode()


def test_process_edit_refused_to_viewer(viewer_client: Client, meeting: Meeting) -> None:
    response = viewer_client.post("/processes/wsis/edit/", {"name": "Renamed", "name_fr": "X"})

    assert response.status_code == 403
    assert Process.objects.get(code="wsis").name == "World Summit on the Information Society"
