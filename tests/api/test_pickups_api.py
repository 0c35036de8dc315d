"""Badge pickup in the API: a meeting's slots with their bookings counted, the bookings
with who collected which badges; the scope, an unknown meeting."""

import datetime

import pytest

from summitdesk.onsite import pickup
from tests.accreditation.builders import STAFF
from tests.api.conftest import ApiClient, make_token
from tests.onsite.builders import approved_delegation, first_day_slots

pytestmark = pytest.mark.django_db


def test_slots_and_bookings_with_the_hand_over() -> None:
    nigeria = approved_delegation(count=2)
    slots = first_day_slots(nigeria.meeting, capacity=3)
    booking = pickup.book(
        nigeria.reply, slots[1], actor=STAFF, now=slots[1].starts_at - datetime.timedelta(days=1)
    )
    pickup.hand_over(
        booking, pickup.HandOver("Ngozi Okafor", True, [a.pk for a in nigeria.badges]), actor=STAFF
    )
    api = ApiClient(make_token("pickups:read"))
    code = nigeria.meeting.code

    found = api.walk(f"/pickups/slots?meeting={code}")
    bookings = api.walk(f"/pickups/bookings?meeting={code}&collected=true")

    assert [(s["capacity"], s["booked"]) for s in found] == [(3, 0), (3, 1), (3, 0), (3, 0)]
    [only] = bookings
    assert only["organisation_name"] == "Nigeria"
    assert only["collected_by_name"] == "Ngozi Okafor"
    assert sorted(only["badges"]) == sorted(a.pk for a in nigeria.badges)
    assert api.walk(f"/pickups/bookings?meeting={code}&collected=false") == []


def test_pickups_need_their_scope_and_a_known_meeting() -> None:
    nigeria = approved_delegation(count=1)

    refused = ApiClient(make_token("accreditations:read")).get(
        f"/pickups/slots?meeting={nigeria.meeting.code}"
    )
    unknown = ApiClient(make_token("pickups:read")).get("/pickups/bookings?meeting=nowhere")

    assert refused.status_code == 403
    assert unknown.status_code == 404
