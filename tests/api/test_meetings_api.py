"""Meetings over the API: list with filters, one meeting, refusals."""

import datetime
from collections.abc import Callable

import pytest

from summitdesk.meetings.enums import MeetingKind, MeetingStatus
from tests.api.conftest import ApiClient, error_fields
from tests.factories import MeetingFactory, ProcessFactory

pytestmark = pytest.mark.django_db

ApiFor = Callable[..., ApiClient]


def test_list_and_filters(api_for: ApiFor) -> None:
    wsis = ProcessFactory(code="wsis")
    prepcom = MeetingFactory(process=wsis, kind=MeetingKind.PREPCOM)
    summit = MeetingFactory(
        process=wsis, kind=MeetingKind.SUMMIT_PHASE, status=MeetingStatus.REGISTRATION_OPEN
    )
    other = MeetingFactory()
    api = api_for("meetings:read")

    def ids(query: str) -> list[int]:
        return [item["id"] for item in api.walk(f"/meetings{query}")]

    assert ids("") == [prepcom.pk, summit.pk, other.pk]
    assert ids("?process=wsis") == [prepcom.pk, summit.pk]
    assert ids("?kind=summit_phase") == [summit.pk]
    assert ids("?status=registration_open") == [summit.pk]
    assert ids("?limit=1") == [prepcom.pk, summit.pk, other.pk]


def test_get_one_meeting_with_etag(api_for: ApiFor) -> None:
    meeting = MeetingFactory(
        code="prepcom-3",
        start_date=datetime.date(2003, 9, 15),
        end_date=datetime.date(2003, 9, 26),
        process=ProcessFactory(code="wsis"),
    )
    api = api_for("meetings:read")

    response = api.get(f"/meetings/{meeting.pk}")

    assert response.status_code == 200
    body = response.json()
    assert body["code"] == "prepcom-3" and body["process"] == "wsis"
    assert body["start_date"] == "2003-09-15" and body["end_date"] == "2003-09-26"
    assert body["time_zone"] == "Europe/Zurich"
    assert (
        api.get(f"/meetings/{meeting.pk}", {"If-None-Match": response["ETag"]}).status_code == 304
    )


def test_meeting_gives_its_title_in_the_languages_given(api_for: ApiFor) -> None:
    meeting = MeetingFactory(
        title="Third Preparatory Committee",
        title_translations={"fr": "Troisième Comité préparatoire", "zh": "第三次筹备委员会"},
    )

    body = api_for("meetings:read").get(f"/meetings/{meeting.pk}").json()

    assert body["title"] == "Third Preparatory Committee"
    assert body["title_translations"] == {
        "fr": "Troisième Comité préparatoire",
        "zh": "第三次筹备委员会",
    }


def test_refusals(api_for: ApiFor, anonymous: ApiClient) -> None:
    meeting = MeetingFactory()

    assert anonymous.get("/meetings").status_code == 401
    wrong = api_for("directory:read").get(f"/meetings/{meeting.pk}")
    assert wrong.status_code == 403 and error_fields(wrong) == {"scope": ["meetings:read"]}
    assert api_for("meetings:read").get("/meetings/987654").status_code == 404
