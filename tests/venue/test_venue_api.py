"""The venue in the API: scans with a zone and direction, occupancy, secondary passes."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from summitdesk.accreditation.badges import badge_code
from summitdesk.core.models import AuditEntry
from summitdesk.venue import passes, validity, zones
from summitdesk.venue.models import SecondaryPass
from tests.accreditation.builders import make_accreditation
from tests.api.conftest import ApiClient
from tests.venue.builders import STAFF, Venue, make_venue, press_accreditation

pytestmark = pytest.mark.django_db


@pytest.fixture
def venue(db: None) -> Venue:
    return make_venue()


def scan(api: ApiClient, code: str, **fields: str) -> dict[str, Any]:
    body = {"meeting": "prepcom-3", "code": code, "desk": "Gate 9", **fields}
    response = api.post("/check-ins", body)
    assert response.status_code == 201, response.content
    data: dict[str, Any] = response.json()
    return data


def test_scan_with_zone_and_direction(api_for: Callable[..., ApiClient], venue: Venue) -> None:
    gate = api_for("checkins:write")
    delegate = make_accreditation(venue.meeting)
    press = press_accreditation(venue.meeting, given="Lois", family="Lane")

    entered = scan(gate, badge_code(delegate), zone="plenary", direction="in")
    refused = scan(gate, badge_code(press), zone="plenary")
    left = scan(gate, badge_code(delegate), zone="plenary", direction="out")
    main = scan(gate, badge_code(delegate))  # the call as it always was: the main entrance

    assert (entered["result"], entered["zone"], entered["direction"]) == (
        "entered",
        "plenary",
        "in",
    )
    assert entered["message"] == "Welcome to the Plenary."
    assert (refused["result"], refused["admitted"]) == ("refused", False)
    assert refused["message"] == "Refused: not valid for this zone (Plenary)."
    assert refused["holder_language"] == "fr"
    assert "Plénière" in refused["holder_message"]
    assert (left["result"], left["id"], left["zone"]) == ("exited", None, "plenary")
    assert left["passage"] is not None
    assert (main["result"], main["zone"]) == ("reentered", "main-entrance")


def test_scan_with_an_unknown_zone_is_refused_and_recorded_nowhere(
    api_for: Callable[..., ApiClient], venue: Venue
) -> None:
    gate = api_for("checkins:write")
    delegate = make_accreditation(venue.meeting)
    body = {"meeting": "prepcom-3", "code": badge_code(delegate), "desk": "G", "zone": "roof"}
    response = gate.post("/check-ins", body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "zone"
    response = gate.post("/check-ins", {**body, "zone": "plenary", "direction": "up"})
    assert response.status_code == 422


def test_occupancy_per_zone(api_for: Callable[..., ApiClient], venue: Venue) -> None:
    gate = api_for("checkins:write")
    scan(gate, badge_code(make_accreditation(venue.meeting)), zone="plenary")
    reader = api_for("venue:read")
    response = reader.get("/venue/occupancy?meeting=prepcom-3")
    assert response.status_code == 200
    zones = {row["zone"]: row["inside"] for row in response.json()["zones"]}
    assert zones == {"main-entrance": 0, "plenary": 1, "media": 0, "hls": 0}
    assert reader.get("/venue/occupancy?meeting=nowhere").status_code == 404
    assert gate.get("/venue/occupancy?meeting=prepcom-3").status_code == 403


def test_pools_and_handing_a_pass_on(api_for: Callable[..., ApiClient], venue: Venue) -> None:
    writer = api_for("venue:write", "venue:read")
    ana = make_accreditation(venue.meeting, given="Ana")
    reply = ana.delegate.reply
    created = writer.post("/venue/pools", {"reply": reply.pk, "zone": "hls", "size": 2})
    assert created.status_code == 201, created.content
    first = created.json()["passes"][0]
    assert (
        writer.post("/venue/pools", {"reply": reply.pk, "zone": "roof", "size": 2}).status_code
        == 422
    )

    handed = writer.put(
        f"/venue/passes/{first['id']}/holder", {"holder": ana.pk, "version": first["version"]}
    )
    assert handed.status_code == 200, handed.content
    assert handed.json()["holder"] == ana.pk
    stale = writer.put(
        f"/venue/passes/{first['id']}/holder", {"holder": None, "version": first["version"]}
    )
    assert stale.status_code == 409
    listed = writer.get(f"/venue/pools?reply={reply.pk}").json()
    assert listed["pools"][0]["passes"][0]["holder"] == ana.pk
    assert "code" not in listed["pools"][0]["passes"][0]
    assert (
        writer.put("/venue/passes/999999/holder", {"holder": None, "version": ""}).status_code
        == 404
    )


def test_pass_scanned_through_the_api(api_for: Callable[..., ApiClient], venue: Venue) -> None:
    ana = make_accreditation(venue.meeting, given="Ana")
    pool = passes.create_pool(ana.delegate.reply, venue.high_level, size=1, actor=STAFF)
    one = SecondaryPass.objects.get(pool=pool)
    SecondaryPass.objects.filter(pk=one.pk).update(holder=ana)
    gate = api_for("checkins:write")
    entered = scan(gate, passes.pass_code(one), zone="hls")
    assert (entered["result"], entered["holder"]["given_name"]) == ("entered", "Ana")
    assert scan(gate, passes.pass_code(one), zone="hls")["result"] == "refused"


def validity_url(accreditation_id: int) -> str:
    return f"/venue/accreditations/{accreditation_id}/validity"


def test_setting_one_accreditations_validity(
    api_for: Callable[..., ApiClient], venue: Venue
) -> None:
    press = press_accreditation(venue.meeting)
    writer = api_for("venue:read", "venue:write")
    read = writer.get(validity_url(press.pk))
    assert read.status_code == 200
    assert (read.json()["zones"], read.json()["defaulted"]) == (["media"], True)
    first = venue.meeting.start_date
    assert first is not None
    body = {"valid_from": first.isoformat(), "valid_until": None, "zones": ["plenary", "media"]}

    assert writer.put(validity_url(press.pk), body).status_code == 428
    done = writer.put(validity_url(press.pk), body, headers={"If-Match": read["ETag"]})
    assert done.status_code == 200, done.content
    assert done.json() == {
        "accreditation": press.pk,
        "meeting": "prepcom-3",
        "valid_from": first.isoformat(),
        "valid_until": None,
        "zones": ["plenary", "media"],
        "defaulted": False,
    }
    found = validity.validity_of(press)
    assert found.zone_ids == {venue.plenary.pk, venue.media.pk}
    assert AuditEntry.objects.filter(action="summitdesk.venue.validity_set").count() == 1
    stale = writer.put(validity_url(press.pk), body, headers={"If-Match": read["ETag"]})
    assert stale.status_code == 412


def test_validity_refuses_another_meetings_zone_and_days_outside_the_meeting(
    api_for: Callable[..., ApiClient], venue: Venue
) -> None:
    other = make_venue(code="prepcom-4")
    press = press_accreditation(venue.meeting)
    writer = api_for("venue:read", "venue:write")
    tag = {"If-Match": "*"}
    last = venue.meeting.end_date
    assert last is not None
    assert other.plenary.code == "plenary"
    foreign = zones.create_zone(other.meeting, name="Roof", actor=STAFF)
    wrong_zone = writer.put(validity_url(press.pk), {"zones": [foreign.code]}, headers=tag)
    assert wrong_zone.status_code == 422
    assert wrong_zone.json()["errors"][0]["field"] == "zones"
    assert "no zone with these codes: roof" in wrong_zone.json()["detail"]
    late = {"valid_until": (last + datetime.timedelta(days=1)).isoformat(), "zones": []}
    outside = writer.put(validity_url(press.pk), late, headers=tag)
    assert outside.status_code == 422
    assert "within the meeting's dates" in outside.json()["detail"]
    reversed_days = {"valid_from": last.isoformat(), "valid_until": "2000-01-01", "zones": []}
    assert writer.put(validity_url(press.pk), reversed_days, headers=tag).status_code == 422
    not_a_date = {"valid_from": "soon", "zones": []}
    assert writer.put(validity_url(press.pk), not_a_date, headers=tag).status_code == 422
    nul = {"zones": ["plen\x00ary"]}
    assert writer.put(validity_url(press.pk), nul, headers=tag).status_code == 422
    too_long = {"zones": ["p" * 41]}
    assert writer.put(validity_url(press.pk), too_long, headers=tag).status_code == 422
    too_many = {"zones": ["plenary"] * 51}
    assert writer.put(validity_url(press.pk), too_many, headers=tag).status_code == 422
    assert validity.validity_of(press).defaulted
    assert not AuditEntry.objects.filter(action="summitdesk.venue.validity_set").exists()


def test_validity_needs_its_scope_and_a_known_accreditation(
    api_for: Callable[..., ApiClient], venue: Venue
) -> None:
    press = press_accreditation(venue.meeting)
    reader = api_for("venue:read")
    body = {"zones": ["plenary"]}
    refused = reader.put(validity_url(press.pk), body, headers={"If-Match": "*"})
    assert refused.status_code == 403
    assert api_for("checkins:write").get(validity_url(press.pk)).status_code == 403
    writer = api_for("venue:write", "venue:read")
    assert writer.get(validity_url(999999)).status_code == 404
    assert writer.put(validity_url(999999), body, headers={"If-Match": "*"}).status_code == 404
    assert validity.validity_of(press).defaulted
