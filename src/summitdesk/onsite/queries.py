"""Reads for the pickup and walk-in pages, the API and the dashboard."""

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.db.models import BooleanField, Count, ExpressionWrapper, Q

from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.correspondence.enums import MessageKind
from summitdesk.correspondence.models import OutboundMessage
from summitdesk.meetings.models import Meeting
from summitdesk.onsite.models import PickupBooking, PickupSlot, WalkInRequest
from summitdesk.onsite.pickup import day_bounds, slots_of_day


class QueueEntry(NamedTuple):
    """A delegation booked on a slot: its booking, organisation, and badges ready."""

    booking_id: int
    reply_id: int
    organisation: str
    collected: bool
    badges: int


class QueueSlot(NamedTuple):
    """A slot of the day and the delegations booked on it. Tuples of plain values, like
    QueueEntry: the garbage collector stops tracking them, so a day of 2,000 slots adds
    nothing to its full collections (which otherwise ran every few pages)."""

    slot_id: int
    starts_at: datetime.datetime
    capacity: int
    bookings: tuple[QueueEntry, ...] = ()

    @property
    def free(self) -> int:
        return max(0, self.capacity - len(self.bookings))


@dataclass
class Queue:
    """A day's pickup queue: every slot with its bookings, and each delegation's badges."""

    slots: list[QueueSlot]

    @property
    def booked(self) -> int:
        return sum(len(s.bookings) for s in self.slots)

    @property
    def collected(self) -> int:
        return sum(1 for s in self.slots for e in s.bookings if e.collected)


def queue(meeting: Meeting, day: datetime.date, *, booked_only: bool = False) -> Queue:
    """The queue of `day` in three queries of plain columns, however many slots (a day of
    2,000 slots is read in tens of milliseconds: bench/pickup_queue.py). Each booking row
    becomes its QueueEntry at once, in its slot's list: few objects are made per row, and
    none the garbage collector keeps tracking."""
    start, end = day_bounds(meeting, day)
    slot_rows = list(
        slots_of_day(meeting, day).order_by("starts_at").values_list("pk", "starts_at", "capacity")
    )
    rows = (
        PickupBooking.objects.filter(
            meeting=meeting, slot__starts_at__gte=start, slot__starts_at__lt=end
        )
        .order_by("slot_id", "id")
        .annotate(
            collected=ExpressionWrapper(Q(collected_at__isnull=False), output_field=BooleanField())
        )
        .values_list("pk", "slot_id", "reply_id", "reply__organisation__name", "collected")
        if slot_rows
        else []
    )
    # Every booked delegation's badges: counted for the whole meeting in one grouped
    # query, cheaper than joining the day's bookings.
    badges: dict[int, int] = {}
    if rows:
        badges = dict(
            Accreditation.objects.filter(
                meeting=meeting,
                status=AccreditationStatus.APPROVED,
                badge_version__gt=0,
            )
            .exclude(badge_number="")
            .order_by()
            .values_list("delegate__reply")
            .annotate(count=Count("pk"))
            .values_list("delegate__reply", "count")
        )
    booked: dict[int, list[QueueEntry]] = {}
    for pk, slot_id, reply_id, organisation, collected in rows:
        entry = QueueEntry(pk, reply_id, organisation, bool(collected), badges.get(reply_id, 0))
        if slot_id in booked:
            booked[slot_id].append(entry)
        else:
            booked[slot_id] = [entry]
    slots = [
        QueueSlot(pk, starts_at, capacity, tuple(booked[pk]) if pk in booked else ())
        for pk, starts_at, capacity in slot_rows
        if not booked_only or pk in booked
    ]
    return Queue(slots)


def open_slots(meeting: Meeting, *, after: datetime.datetime) -> list[tuple[PickupSlot, int]]:
    """The meeting's slots still open for booking (starting after `after`) with the
    number of delegations booked on each."""
    return [
        (slot, slot.booked)
        for slot in PickupSlot.objects.filter(meeting=meeting, starts_at__gt=after)
        .annotate(booked=Count("bookings"))
        .order_by("starts_at")
    ]


def confirmation_email(request: WalkInRequest) -> OutboundMessage | None:
    """The email that asked the focal point to confirm the walk-in (onsite.emails)."""
    return (
        OutboundMessage.objects.filter(
            kind=MessageKind.WALK_IN_TO_CONFIRM,
            about_type=WalkInRequest._meta.label_lower,
            about_id=request.pk,
        )
        .order_by("-pk")
        .first()
    )
