"""The focal point's "Badge pickup" page: book, move, give back; a full slot, a slot past
its cut-off and another meeting's slot are refused with the reason; one organisation's
link never reaches another's booking."""

import datetime

import pytest
from django.test import Client
from django.utils import timezone

from summitdesk.meetings.models import Meeting
from summitdesk.onsite import pickup
from summitdesk.onsite.models import PickupBooking, PickupSlot
from tests.accreditation.builders import STAFF, members, submitted_reply
from tests.delegations.builders import summit
from tests.onsite.builders import first_day_slots
from tests.portal.conftest import Invited, invited

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(db: None) -> Meeting:
    return summit()


@pytest.fixture
def acme_attending(meeting: Meeting) -> Invited:
    acme = invited(meeting, "Acme Telecom", ceo=("Amina", "Acmeceo"))
    submitted_reply(acme.organisation, meeting, members(2, prefix="Acme"))
    return acme


@pytest.fixture
def borealis_attending(meeting: Meeting) -> Invited:
    borealis = invited(meeting, "Borealis Networks", ceo=("Bjorn", "Borealceo"))
    submitted_reply(borealis.organisation, meeting, members(1, prefix="Boreal"))
    return borealis


def test_focal_point_books_a_slot_and_sees_it(acme_attending: Invited) -> None:
    slots = first_day_slots(acme_attending.reply.meeting)
    client = Client()

    page = client.get(f"{acme_attending.url}badge-pickup/").content.decode()
    assert "08:30" in page
    assert "2 places left" in page
    booked = client.post(f"{acme_attending.url}badge-pickup/", {"slot": slots[2].pk}, follow=True)

    assert "Your pickup slot is booked." in booked.content.decode()
    assert "Booked for" in booked.content.decode()
    assert PickupBooking.objects.get().slot == slots[2]
    gave_back = client.post(f"{acme_attending.url}badge-pickup/", {"cancel": "1"}, follow=True)
    assert "Your pickup slot is given back." in gave_back.content.decode()
    assert not PickupBooking.objects.exists()


def test_full_slot_is_refused_on_the_portal(
    acme_attending: Invited, borealis_attending: Invited
) -> None:
    slots = first_day_slots(acme_attending.reply.meeting, capacity=1)
    Client().post(f"{borealis_attending.url}badge-pickup/", {"slot": slots[0].pk})

    page = Client().get(f"{acme_attending.url}badge-pickup/").content.decode()
    refused = Client().post(
        f"{acme_attending.url}badge-pickup/", {"slot": slots[0].pk}, follow=True
    )

    assert "full" in page
    assert "This slot is full: choose another." in refused.content.decode()
    assert PickupBooking.objects.filter(reply=acme_attending.reply).count() == 0


def test_slot_past_its_cut_off_is_refused_on_the_portal(acme_attending: Invited) -> None:
    soon = PickupSlot.objects.create(
        meeting=acme_attending.reply.meeting,
        starts_at=timezone.now() + datetime.timedelta(minutes=30),
        capacity=5,
    )

    page = Client().get(f"{acme_attending.url}badge-pickup/").content.decode()
    refused = Client().post(f"{acme_attending.url}badge-pickup/", {"slot": soon.pk}, follow=True)

    assert "closed" in page
    assert "Bookings for this slot closed at" in refused.content.decode()
    assert not PickupBooking.objects.exists()


@pytest.mark.parametrize("hostile", ["", "abc", "-1", "99999999999999999999", "1 OR 1=1"])
def test_hostile_slot_ids_change_nothing(acme_attending: Invited, hostile: str) -> None:
    first_day_slots(acme_attending.reply.meeting)

    response = Client().post(f"{acme_attending.url}badge-pickup/", {"slot": hostile}, follow=True)

    assert response.status_code == 200
    assert "Choose a pickup slot." in response.content.decode()
    assert not PickupBooking.objects.exists()


def test_another_meetings_slot_and_anothers_booking_are_out_of_reach(
    acme_attending: Invited, borealis_attending: Invited
) -> None:
    slots = first_day_slots(acme_attending.reply.meeting)
    other = summit(code="tunis-2005")
    [elsewhere, *_rest] = first_day_slots(other)
    pickup.book(acme_attending.reply, slots[1], actor=STAFF)

    forged = Client().post(
        f"{borealis_attending.url}badge-pickup/", {"slot": elsewhere.pk}, follow=True
    )
    cancel = Client().post(f"{borealis_attending.url}badge-pickup/", {"cancel": "1"}, follow=True)
    page = Client().get(f"{borealis_attending.url}badge-pickup/").content.decode()

    assert "Choose a pickup slot." in forged.content.decode()
    assert cancel.status_code == 200
    assert PickupBooking.objects.get().reply == acme_attending.reply
    assert "Acme" not in page


def test_reply_not_attending_cannot_book(meeting: Meeting) -> None:
    quiet = invited(meeting, "Quiet Telecom", ceo=("Q", "Quietceo"))
    [slot, *_rest] = first_day_slots(quiet.reply.meeting)

    page = Client().get(f"{quiet.url}badge-pickup/").content.decode()
    refused = Client().post(f"{quiet.url}badge-pickup/", {"slot": slot.pk}, follow=True)

    assert "once your reply says your organisation attends" in page
    assert "Only a delegation whose reply says it attends" in refused.content.decode()


def test_unknown_link_answers_not_valid() -> None:
    assert Client().get("/reply/" + "x" * 32 + "/badge-pickup/").status_code == 404
