"""The focal point's on-site pages: "Badge pickup" (book a slot for the delegation's
printed badges, on a phone; move or give it back; see when they were collected) and
"Walk-ins to confirm" (the registration desk's requests). Ids from a form are only ever
looked for among the link's own meeting's slots and reply's requests."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.lib.ids import parse_id
from summitdesk.onsite import pickup, queries, walk_ins
from summitdesk.onsite.models import PickupBooking, PickupSlot, WalkInRequest
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


# Walk-ins the registration desk asks the focal point to confirm.


def _requests(access: PortalAccess) -> list[WalkInRequest]:
    return list(
        WalkInRequest.objects.filter(reply=access.reply, meeting=access.meeting).order_by(
            "-requested_at", "-pk"
        )[:50]
    )


@portal
def walk_ins_to_confirm(request: HttpRequest, access: PortalAccess) -> HttpResponse:
    """The walk-ins the registration desk asked about: confirm that each belongs to the
    delegation (the desk then registers them), or refuse. A request id is only ever looked
    for among the link's own reply's requests."""
    if request.method == "POST":
        try:
            asked_id = parse_id(request.POST.get("request", ""))
        except ValueError:
            asked_id = None
        asked = (
            WalkInRequest.objects.filter(pk=asked_id, reply=access.reply).first()
            if asked_id
            else None
        )
        if asked is None:
            messages.error(request, _("There is no such walk-in."))
        else:
            confirm = request.POST.get("decision") == "confirm"
            try:
                walk_ins.decide_request(asked, confirm=confirm, actor=access.actor)
            except walk_ins.WalkInRefused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(
                    request,
                    _("Confirmed: the registration desk may register them.")
                    if confirm
                    else _("Refused: the registration desk will not register them."),
                )
        return redirect("portal:walk-ins", token=access.token)
    context: dict[str, Any] = {
        "access": access,
        "meeting": access.meeting,
        "organisation": access.organisation,
        "token": access.token,
        "requests": _requests(access),
        "time_zone": access.meeting.time_zone or "UTC",
    }
    return render(request, "portal/walk_ins.html", context)
