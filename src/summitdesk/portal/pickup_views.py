"""The focal point's "Badge pickup" page: book a slot for the delegation's printed badges
(on a phone), move or give it back, and see when they were collected. A slot id from the
form is only ever looked for among the link's own meeting's slots."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.lib.ids import parse_id
from summitdesk.onsite import pickup, queries
from summitdesk.onsite.models import PickupBooking, PickupSlot
from summitdesk.portal.access import PortalAccess
from summitdesk.portal.views import portal


@dataclass(frozen=True)
class SlotChoice:
    slot: PickupSlot
    time: str
    left: int
    closed: bool

    @property
    def open(self) -> bool:
        return not self.closed and self.left > 0


@dataclass
class Day:
    day: datetime.date
    slots: list[SlotChoice]


def _days(access: PortalAccess, now: datetime.datetime) -> list[Day]:
    zone = pickup.zone_of(access.meeting)
    days: dict[datetime.date, Day] = {}
    for slot, booked in queries.open_slots(access.meeting, after=now):
        local = timezone.localtime(slot.starts_at, zone)
        days.setdefault(local.date(), Day(local.date(), [])).slots.append(
            SlotChoice(
                slot,
                local.strftime("%H:%M"),
                max(0, slot.capacity - booked),
                now > pickup.booking_closes_at(slot),
            )
        )
    return list(days.values())


def _booking(access: PortalAccess) -> PickupBooking | None:
    return (
        PickupBooking.objects.select_related("slot")
        .filter(meeting=access.meeting, reply=access.reply)
        .first()
    )


@portal
def badge_pickup(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    if request.method == "POST":
        return _post(request, access)
    now = timezone.now()
    booking = _booking(access)
    context: dict[str, Any] = {
        "access": access,
        "meeting": access.meeting,
        "organisation": access.organisation,
        "token": access.token,
        "booking": booking,
        "bookable": pickup.bookable(access.reply),
        "badges": pickup.badges_of(access.reply).count(),
        "days": _days(access, now) if booking is None or booking.collected_at is None else [],
        "time_zone": access.meeting.time_zone or "UTC",
        "cutoff_minutes": int(pickup.cutoff().total_seconds() // 60),
    }
    return render(request, "portal/pickup.html", context)


def _post(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    if "cancel" in request.POST:
        booking = _booking(access)
        if booking is not None:
            try:
                pickup.cancel(booking, actor=access.actor)
            except pickup.PickupError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("Your pickup slot is given back."))
        return redirect("portal:pickup", token=access.token)
    try:
        slot_id = parse_id(request.POST.get("slot", ""))
    except ValueError:
        slot_id = None
    slot = (
        PickupSlot.objects.filter(pk=slot_id, meeting=access.meeting).first() if slot_id else None
    )
    if slot is None:
        messages.error(request, _("Choose a pickup slot."))
        return redirect("portal:pickup", token=access.token)
    try:
        pickup.book(access.reply, slot, actor=access.actor)
    except pickup.PickupError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Your pickup slot is booked."))
    return redirect("portal:pickup", token=access.token)
