"""The check-ins API: a gate posts the code it read and is told to let the holder in or
not, by the function of the desk page (entries, re-entries, every refusal and its reason),
and two gates racing on one badge count one entry."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from summitdesk.accreditation.badges import badge_code
from summitdesk.accreditation.enums import AccreditationStatus, CheckInResult
from summitdesk.accreditation.models import Accreditation, CheckIn
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.meetings.models import Meeting
from tests.accreditation.builders import code_of, make_accreditation
from tests.api.conftest import ApiClient, error_fields, make_token
from tests.factories import MeetingFactory

WRITE = "checkins:write"


@pytest.fixture
def summit(db: None) -> Meeting:
    return MeetingFactory(code="prepcom-3", title="PrepCom-3", time_zone="Europe/Zurich")


@pytest.fixture
def gate(api_for: Callable[..., ApiClient]) -> ApiClient:
    return api_for(WRITE)


def scan(
    api: ApiClient, code: str, *, meeting: str = "prepcom-3", desk: str = "Gate 1"
) -> dict[str, Any]:
    response = api.post("/check-ins", {"meeting": meeting, "code": code, "desk": desk})
    assert response.status_code == 201, response.content
    body: dict[str, Any] = response.json()
    return body


def test_first_scan_enters_then_reenters(gate: ApiClient, summit: Meeting) -> None:
    accreditation = make_accreditation(summit)

    first = scan(gate, badge_code(accreditation))
    second = scan(gate, badge_code(accreditation), desk="Gate 2")

    assert (first["result"], first["admitted"], first["message"]) == ("entered", True, "Welcome.")
    assert first["holder"] == {
        "accreditation": accreditation.pk,
        "given_name": "Amina",
        "family_name": "Diallo",
        "organisation": "Sonatel",
        "badge_number": None,
    }
    assert first["first_entered_at"] is None
    assert (second["result"], second["admitted"]) == ("reentered", True)
    assert second["message"].startswith("Already checked in at ")
    assert second["first_entered_at"] == first["scanned_at"]
    rows = CheckIn.objects.order_by("id")
    assert [(row.result, row.operator) for row in rows] == [
        (CheckInResult.ENTERED, None),
        (CheckInResult.REENTERED, None),
    ]
    assert rows[0].desk.startswith("Gate 1 (integrator-")
    [entry] = AuditEntry.objects.filter(action="summitdesk.accreditation.checked_in")
    assert entry.channel == Channel.API
    assert entry.actor_label.startswith("API token integrator-")


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (AccreditationStatus.PENDING, "Not accredited yet: the accreditation is still pending."),
        (AccreditationStatus.REJECTED, "Refused: the accreditation was rejected."),
        (AccreditationStatus.WITHDRAWN, "Refused: the accreditation was withdrawn."),
        (AccreditationStatus.REVOKED, "Refused: the accreditation was revoked."),
    ],
)
def test_not_approved_is_refused_with_the_reason(
    gate: ApiClient, summit: Meeting, status: str, reason: str
) -> None:
    accreditation = make_accreditation(summit, status=status)

    answer = scan(gate, code_of(accreditation))

    assert (answer["result"], answer["admitted"], answer["message"]) == ("refused", False, reason)
    assert CheckIn.objects.get().result == CheckInResult.REFUSED


def test_forged_older_and_foreign_badges_are_refused(gate: ApiClient, summit: Meeting) -> None:
    accreditation = make_accreditation(summit, badge_version=2)
    elsewhere = make_accreditation(MeetingFactory(code="other"), organisation="Orange")

    forged = scan(gate, "[1,2]:forgedsignature")
    older = scan(gate, code_of(accreditation, version=1))
    foreign = scan(gate, code_of(elsewhere))

    assert (forged["result"], forged["holder"]) == ("refused", None)
    assert forged["message"] == "Unknown code: this is not a valid badge."
    assert older["message"] == "Refused: this badge was replaced; this is an older badge."
    assert foreign["message"] == "Refused: this badge is for another meeting."
    assert CheckIn.objects.filter(result=CheckInResult.REFUSED).count() == 3
    assert not CheckIn.objects.exclude(result=CheckInResult.REFUSED).exists()


def test_unknown_meeting_and_bad_input_are_refused_on_the_field(
    gate: ApiClient, summit: Meeting
) -> None:
    accreditation = make_accreditation(summit)

    unknown = gate.post(
        "/check-ins", {"meeting": "nowhere", "code": badge_code(accreditation), "desk": "G"}
    )
    empty = gate.post("/check-ins", {"meeting": "prepcom-3", "code": "", "desk": "G"})
    missing = gate.post("/check-ins", {"meeting": "prepcom-3", "code": "x"})

    assert unknown.status_code == 422
    assert "meeting" in error_fields(unknown)
    assert empty.status_code == 422
    assert "code" in error_fields(empty)
    assert missing.status_code == 422
    assert "desk" in error_fields(missing)
    assert not CheckIn.objects.exists()


def test_check_in_needs_a_token_with_the_scope(
    anonymous: ApiClient, api_for: Callable[..., ApiClient], summit: Meeting
) -> None:
    code = badge_code(make_accreditation(summit))
    body = {"meeting": "prepcom-3", "code": code, "desk": "Gate 1"}

    without = anonymous.post("/check-ins", body)
    reader = api_for("accreditations:read").post("/check-ins", body)

    assert without.status_code == 401
    assert reader.status_code == 403
    assert error_fields(reader) == {"scope": [WRITE]}
    assert not CheckIn.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_two_gates_at_once_on_one_badge_give_one_entry() -> None:
    summit = MeetingFactory(code="prepcom-3")
    accreditation: Accreditation = make_accreditation(summit)
    code = badge_code(accreditation)
    token = make_token(WRITE)
    barrier = threading.Barrier(2)
    results: list[str] = []
    errors: list[BaseException] = []

    def gate(name: str) -> None:
        try:
            api = ApiClient(token)
            barrier.wait(timeout=10)
            results.append(scan(api, code, desk=name)["result"])
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=gate, args=(f"Gate {n}",)) for n in (1, 2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert sorted(results) == ["entered", "reentered"]
    assert CheckIn.objects.filter(result=CheckInResult.ENTERED).count() == 1


def test_badge_number_is_not_a_code_for_the_api(gate: ApiClient, summit: Meeting) -> None:
    # Badge numbers follow one another: a gate (no person reading the badge) takes the
    # signed code only, as before the desk learned to take typed numbers.
    accreditation = make_accreditation(summit)
    Accreditation.objects.filter(pk=accreditation.pk).update(badge_number="00042")

    answer = scan(gate, "00042")

    assert (answer["result"], answer["holder"], answer["message"]) == (
        "refused",
        None,
        "Unknown code: this is not a valid badge.",
    )
    assert not CheckIn.objects.exclude(result=CheckInResult.REFUSED).exists()
