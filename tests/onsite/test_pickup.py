"""Badge pickup: slots generated for a day, a focal point's booking (full slots, the
cut-off, another meeting's slot), the badge desk's queue and hand-over (once only), and
the door asking for the identity document of a badge someone else collected."""

import datetime
import gc
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from summitdesk.accreditation import checkin
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.enums import Role
from summitdesk.core.models import AuditEntry
from summitdesk.onsite import pickup, queries
from summitdesk.onsite.models import PickupBooking, PickupSlot
from summitdesk.reports import figures
from summitdesk.webhooks.services import events_data
from tests.accreditation.builders import STAFF
from tests.conftest import signed_in
from tests.delegations.builders import summit
from tests.factories import UserFactory
from tests.onsite.builders import approved_delegation, first_day_slots

pytestmark = pytest.mark.django_db

FOCAL = STAFF  # the actor does not change what the services allow


@pytest.fixture(autouse=True)
def _files(settings: Settings, tmp_path: Path) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "files"},
        },
    }


def before(slot: PickupSlot, hours: int = 24) -> datetime.datetime:
    return slot.starts_at - datetime.timedelta(hours=hours)


def test_generate_slots_makes_the_day_every_quarter_in_the_meeting_zone() -> None:
    meeting = summit(time_zone="Africa/Lagos")

    slots = first_day_slots(meeting, capacity=3)

    assert [
        timezone.localtime(s.starts_at, pickup.zone_of(meeting)).strftime("%H:%M") for s in slots
    ] == [
        "08:00",
        "08:15",
        "08:30",
        "08:45",
    ]
    assert {s.capacity for s in slots} == {3}
    # Again: the times that have a slot keep it.
    assert first_day_slots(meeting) == slots


def test_generate_slots_refuses_an_end_before_the_start() -> None:
    meeting = summit()
    with pytest.raises(pickup.PickupError, match="must end after"):
        pickup.generate_slots(
            meeting,
            day=datetime.date(2030, 1, 1),
            start=datetime.time(10),
            end=datetime.time(9),
            every=15,
            capacity=2,
            actor=STAFF,
        )
    assert not PickupSlot.objects.exists()


def test_focal_point_books_then_moves_the_booking() -> None:
    nigeria = approved_delegation()
    slots = first_day_slots(nigeria.meeting)

    booking = pickup.book(nigeria.reply, slots[2], actor=FOCAL, now=before(slots[2]))
    moved = pickup.book(nigeria.reply, slots[3], actor=FOCAL, now=before(slots[3]))

    assert moved.pk == booking.pk
    assert PickupBooking.objects.get().slot == slots[3]
    assert AuditEntry.objects.filter(action="summitdesk.pickup.booked").count() == 2


def test_booking_a_full_slot_is_refused_and_changes_nothing() -> None:
    meeting = summit()
    slots = first_day_slots(meeting, capacity=1)
    first = approved_delegation(meeting, name="Ghana", count=1)
    second = approved_delegation(meeting, name="Kenya", count=1)
    pickup.book(first.reply, slots[0], actor=FOCAL, now=before(slots[0]))

    with pytest.raises(pickup.PickupError, match="This slot is full: choose another"):
        pickup.book(second.reply, slots[0], actor=FOCAL, now=before(slots[0]))

    assert PickupBooking.objects.filter(reply=second.reply).count() == 0


def test_booking_after_the_cut_off_is_refused() -> None:
    nigeria = approved_delegation(count=1)
    [slot, *_rest] = first_day_slots(nigeria.meeting)

    with pytest.raises(pickup.PickupError, match="Bookings for this slot closed at"):
        pickup.book(
            nigeria.reply, slot, actor=FOCAL, now=slot.starts_at - datetime.timedelta(minutes=30)
        )

    assert not PickupBooking.objects.exists()


def test_booking_another_meetings_slot_is_refused() -> None:
    nigeria = approved_delegation(count=1)
    other = summit(code="tunis-2005")
    [slot, *_rest] = first_day_slots(other)

    with pytest.raises(pickup.PickupError, match="no such pickup slot"):
        pickup.book(nigeria.reply, slot, actor=FOCAL, now=before(slot))


def test_hand_over_gives_all_fourteen_badges_at_once_and_the_door_asks_for_identity() -> None:
    nigeria = approved_delegation()
    slots = first_day_slots(nigeria.meeting)
    booking = pickup.book(nigeria.reply, slots[2], actor=FOCAL, now=before(slots[2]))
    ids = [a.pk for a in nigeria.badges]

    done = pickup.hand_over(
        booking,
        pickup.HandOver("Ngozi Okafor", document_seen=True, accreditation_ids=ids),
        actor=STAFF,
    )

    assert done.collected_by_name == "Ngozi Okafor"
    assert done.document_seen is True
    assert sorted(pair[0] for pair in done.badges) == sorted(ids)
    assert {pair[1] for pair in done.badges} == {1}
    first = Accreditation.objects.get(pk=ids[0])
    first.photo.save("face.jpg", ContentFile(b"\xff\xd8\xff a photo"))
    assert checkin.needs_identity_document(first)
    assert "someone else collected this badge" in checkin.identity_check_reason(first)
    # Recorded once at the door; a badge with a photo then stops asking.
    assert checkin.record_identity_check(first, actor=STAFF) is True
    assert checkin.record_identity_check(first, actor=STAFF) is False
    assert not checkin.needs_identity_document(Accreditation.objects.get(pk=ids[0]))
    assert figures.pickup_queue(nigeria.meeting) == figures.PickupCount(
        slots=4, booked=1, collected=1
    )


def test_handing_over_twice_is_refused_and_keeps_the_first() -> None:
    nigeria = approved_delegation(count=2)
    [slot, *_rest] = first_day_slots(nigeria.meeting)
    booking = pickup.book(nigeria.reply, slot, actor=FOCAL, now=before(slot))
    ids = [a.pk for a in nigeria.badges]
    pickup.hand_over(booking, pickup.HandOver("Ngozi Okafor", True, ids), actor=STAFF)

    with pytest.raises(pickup.PickupError, match="already handed over, to Ngozi Okafor"):
        pickup.hand_over(booking, pickup.HandOver("Someone Else", True, ids), actor=STAFF)

    assert PickupBooking.objects.get().collected_by_name == "Ngozi Okafor"


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (pickup.HandOver("", True, []), "Give the name"),
        (pickup.HandOver("Ngozi Okafor", False, []), "Check the identity document"),
    ],
)
def test_hand_over_without_name_or_document_is_refused(
    given: pickup.HandOver, message: str
) -> None:
    nigeria = approved_delegation(count=1)
    [slot, *_rest] = first_day_slots(nigeria.meeting)
    booking = pickup.book(nigeria.reply, slot, actor=FOCAL, now=before(slot))

    with pytest.raises(pickup.PickupError, match=message):
        pickup.hand_over(booking, given, actor=STAFF)
    assert PickupBooking.objects.get().collected_at is None


def test_hand_over_of_another_delegations_badge_is_refused() -> None:
    meeting = summit()
    nigeria = approved_delegation(meeting, count=1)
    ghana = approved_delegation(meeting, name="Ghana", count=1)
    [slot, *_rest] = first_day_slots(meeting)
    booking = pickup.book(nigeria.reply, slot, actor=FOCAL, now=before(slot))

    with pytest.raises(pickup.PickupError, match="not this delegation's"):
        pickup.hand_over(booking, pickup.HandOver("Ngozi", True, [ghana.badges[0].pk]), actor=STAFF)


def test_webhook_payload_of_a_collected_pickup_names_the_badges() -> None:
    nigeria = approved_delegation(count=2)
    [slot, *_rest] = first_day_slots(nigeria.meeting)
    booking = pickup.book(nigeria.reply, slot, actor=FOCAL, now=before(slot))
    pickup.hand_over(
        booking, pickup.HandOver("Ngozi", True, [a.pk for a in nigeria.badges]), actor=STAFF
    )
    entry = AuditEntry.objects.get(action="summitdesk.pickup.collected")

    data = events_data([entry])[entry.pk]

    assert sorted(data["pickup"]["badges"]) == sorted(a.pk for a in nigeria.badges)
    assert data["organisation"]["name"] == "Nigeria"
    assert "collected_by_name" not in data["pickup"]


# Pages


@pytest.fixture
def desk() -> Client:
    return signed_in(UserFactory(username="badges", role=Role.BADGE_DESK))


def test_queue_page_shows_the_day_by_slot_and_hand_over_page_hands_over(desk: Client) -> None:
    nigeria = approved_delegation(count=3)
    slots = first_day_slots(nigeria.meeting)
    booking = pickup.book(nigeria.reply, slots[2], actor=FOCAL, now=before(slots[2]))
    code = nigeria.meeting.code
    day = nigeria.meeting.start_date.isoformat()  # type: ignore[union-attr]

    page = desk.get(f"/meetings/{code}/pickup/?day={day}").content.decode()
    assert "08:30" in page
    assert "Nigeria" in page
    assert "3 badges" in page

    url = f"/meetings/{code}/pickup/{booking.pk}/hand-over/"
    refused = desk.post(
        url, {"collected_by_name": "Ngozi Okafor", "badges": [a.pk for a in nigeria.badges]}
    )
    assert refused.status_code == 400
    assert "Check the identity document" in refused.content.decode()
    assert PickupBooking.objects.get().collected_at is None

    done = desk.post(
        url,
        {
            "collected_by_name": "Ngozi Okafor",
            "document_seen": "on",
            "badges": [a.pk for a in nigeria.badges],
        },
    )
    assert done.status_code == 302
    assert PickupBooking.objects.get().collected_by_name == "Ngozi Okafor"
    again = desk.post(
        url, {"collected_by_name": "X", "document_seen": "on", "badges": [nigeria.badges[0].pk]}
    )
    assert "already handed over" in again.content.decode()
    assert PickupBooking.objects.get().collected_by_name == "Ngozi Okafor"


def test_queue_page_leaves_no_queue_for_the_garbage_collector(
    desk: Client, secretary_client: Client
) -> None:
    """The day's queue (thousands of objects for a day of 2,000 slots) is freed as soon as
    the page is made: it is kept out of the template's context, which ends in reference
    cycles that only a full collection frees (bench/pickup_queue.py's p95)."""
    nigeria = approved_delegation(count=1)
    slots = first_day_slots(nigeria.meeting)
    pickup.book(nigeria.reply, slots[0], actor=FOCAL, now=before(slots[0]))
    day = nigeria.meeting.start_date.isoformat()  # type: ignore[union-attr]
    gc.collect()
    gc.disable()
    try:
        for client, url in (
            (desk, f"/meetings/{nigeria.meeting.code}/pickup/?day={day}"),
            (secretary_client, f"/meetings/{nigeria.meeting.code}/pickup/slots/?day={day}"),
        ):
            assert "08:00" in client.get(url).content.decode()
        # type(), not isinstance(): a lazy object's proxy would load what it wraps.
        left = [o for o in gc.get_objects() if type(o) in {queries.Queue, queries.QueueSlot}]
    finally:
        gc.enable()
    assert left == []


def test_hand_over_page_of_another_meetings_booking_is_404(desk: Client) -> None:
    nigeria = approved_delegation(count=1)
    [slot, *_rest] = first_day_slots(nigeria.meeting)
    booking = pickup.book(nigeria.reply, slot, actor=FOCAL, now=before(slot))
    summit(code="tunis-2005")

    assert desk.get(f"/meetings/tunis-2005/pickup/{booking.pk}/hand-over/").status_code == 404


def test_slots_page_generates_a_day(secretary_client: Client) -> None:
    meeting = summit()
    response = secretary_client.post(
        f"/meetings/{meeting.code}/pickup/slots/",
        {"day": "2030-03-04", "start": "08:00", "end": "10:00", "every": "15", "capacity": "5"},
    )

    assert response.status_code == 302
    assert PickupSlot.objects.filter(meeting=meeting, capacity=5).count() == 8


def test_slots_page_refuses_hostile_input_and_makes_nothing(secretary_client: Client) -> None:
    meeting = summit()
    response = secretary_client.post(
        f"/meetings/{meeting.code}/pickup/slots/",
        {"day": "2030-13-45", "start": "25:00", "end": "x", "every": "-5", "capacity": "99999"},
    )

    assert response.status_code == 400
    assert not PickupSlot.objects.exists()


def test_check_in_desk_asks_for_and_records_the_identity_document(settings: Settings) -> None:
    nigeria = approved_delegation(count=1)
    [slot, *_rest] = first_day_slots(nigeria.meeting)
    booking = pickup.book(nigeria.reply, slot, actor=FOCAL, now=before(slot))
    [badge] = nigeria.badges
    badge.photo.save("face.jpg", ContentFile(b"\xff\xd8\xff a photo"))
    pickup.hand_over(booking, pickup.HandOver("Ngozi", True, [badge.pk]), actor=STAFF)
    door = signed_in(UserFactory(username="door", role=Role.CHECKIN_DESK))
    url = f"/meetings/{nigeria.meeting.code}/check-in/"
    door.post(url, {"desk": "Desk 1"})

    admitted = door.post(url, {"accreditation": badge.pk}, follow=True).content.decode()
    assert "Check an identity document: someone else collected this badge." in admitted
    row = badge.check_ins.get()

    seen = door.post(url, {"identity_seen": row.pk}, follow=True).content.decode()
    assert "Identity document seen" in seen
    assert "someone else collected this badge" not in seen.split("Identity document seen")[1]
    assert Accreditation.objects.get(pk=badge.pk).identity_checked_at is not None
