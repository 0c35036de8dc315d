"""Reads for the pickup pages, the API and the dashboard."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.meetings.models import Meeting
from summitdesk.onsite.models import PickupBooking, PickupSlot
from summitdesk.onsite.pickup import slots_of_day


@dataclass(frozen=True)
class QueueEntry:
    booking: PickupBooking
    badges: int  # ready to hand over


@dataclass
class QueueSlot:
    slot: PickupSlot
    bookings: list[QueueEntry] = field(default_factory=list)

    @property
    def free(self) -> int:
        return max(0, self.slot.capacity - len(self.bookings))


@dataclass
class Queue:
    """A day's pickup queue: every slot with its bookings, and each delegation's badges."""

    slots: list[QueueSlot]

    @property
    def booked(self) -> int:
        return sum(len(s.bookings) for s in self.slots)

    @property
    def collected(self) -> int:
        return sum(1 for s in self.slots for e in s.bookings if e.booking.collected_at is not None)


def queue(meeting: Meeting, day: datetime.date, *, booked_only: bool = False) -> Queue:
    """The queue of `day` in three queries, however many slots."""
    slots = list(slots_of_day(meeting, day).order_by("starts_at"))
    by_slot: dict[int, list[PickupBooking]] = defaultdict(list)
    bookings = (
        PickupBooking.objects.filter(slot__in=[s.pk for s in slots])
        .select_related("reply__organisation")
        .order_by("slot_id", "id")
        if slots
        else PickupBooking.objects.none()
    )
    for booking in bookings:
        by_slot[booking.slot_id].append(booking)
    replies = [b.reply_id for found in by_slot.values() for b in found]
    badges = (
        dict(
            Accreditation.objects.filter(
                delegate__reply__in=replies,
                meeting=meeting,
                status=AccreditationStatus.APPROVED,
                badge_version__gt=0,
            )
            .exclude(badge_number="")
            .values_list("delegate__reply")
            .annotate(count=Count("pk"))
            .values_list("delegate__reply", "count")
        )
        if replies
        else {}
    )
    rows = [
        QueueSlot(
            slot, [QueueEntry(b, badges.get(b.reply_id, 0)) for b in by_slot.get(slot.pk, [])]
        )
        for slot in slots
    ]
    if booked_only:
        rows = [row for row in rows if row.bookings]
    return Queue(rows)


def open_slots(meeting: Meeting, *, after: datetime.datetime) -> list[tuple[PickupSlot, int]]:
    """The meeting's slots still open for booking (starting after `after`) with the
    number of delegations booked on each."""
    return [
        (slot, slot.booked)
        for slot in PickupSlot.objects.filter(meeting=meeting, starts_at__gt=after)
        .annotate(booked=Count("bookings"))
        .order_by("starts_at")
    ]
