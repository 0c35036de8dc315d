"""Applications and admissions over the API: read, change feeds, and a meeting's decision
(all or none, the staff page's refusals)."""

from collections.abc import Callable

import pytest

from summitdesk.admission.enums import ApplicationStatus
from summitdesk.admission.models import Admission, Application
from tests.admission.builders import application, prepcom
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db
ApiFor = Callable[..., ApiClient]
S = ApplicationStatus


def test_list_read_and_feed_without_unconfirmed_or_contact(api_for: ApiFor) -> None:
    meeting = prepcom()
    shown = application(meeting.process, status=S.RECOMMENDED)
    hidden = application(meeting.process, status=S.UNCONFIRMED)
    api = api_for("applications:read")

    items = api.walk(f"/applications?process={meeting.process.code}")
    one = api.get(f"/applications/{shown.pk}")

    assert [item["reference"] for item in items] == [shown.reference]
    assert one.status_code == 200 and one.json()["status"] == "recommended"
    assert "contact_email" not in one.json() and "wanjiru" not in one.content.decode()
    assert api.get(f"/applications/{hidden.pk}").status_code == 404
    assert api.get("/applications/changes").status_code == 200
    assert api_for("meetings:read").get("/applications").status_code == 403


def test_a_decision_over_the_api_is_all_or_none(api_for: ApiFor) -> None:
    meeting = prepcom()
    first = application(meeting.process, status=S.RECOMMENDED)
    api = api_for("applications:read", "applications:write")

    refused = api.post(
        "/applications/decisions",
        {"meeting": meeting.code, "admit": [first.reference, "FORGED-1"]},
    )
    assert refused.status_code == 422 and "FORGED-1" in refused.json()["detail"]
    assert Application.objects.get(pk=first.pk).status == S.RECOMMENDED
    unknown = api.post("/applications/decisions", {"meeting": "nope", "admit": [first.reference]})
    assert unknown.status_code == 422

    done = api.post(
        "/applications/decisions", {"meeting": meeting.code, "admit": [first.reference]}
    )
    assert done.status_code == 200 and done.json()["admitted"] == [first.reference]
    again = api.post(
        "/applications/decisions", {"meeting": meeting.code, "admit": [first.reference]}
    )
    assert again.status_code == 422 and "already been decided" in again.json()["detail"]

    admitted = api.walk(f"/admissions?process={meeting.process.code}")
    assert [item["application"] for item in admitted] == [first.reference]
    assert Admission.objects.count() == 1
    feed = api.get("/admissions/changes").json()["items"]
    assert [record["audit_action"] for record in feed] == ["summitdesk.admission.created"]
    assert (
        api_for("applications:read")
        .post("/applications/decisions", {"meeting": meeting.code, "admit": [first.reference]})
        .status_code
        == 403
    )
