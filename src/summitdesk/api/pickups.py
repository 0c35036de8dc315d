"""Badge pickup in the REST API: a meeting's pickup slots (with how many delegations
booked each) and the delegations' bookings (and hand-overs). Read only: focal points
book through the portal, the badge desk hands over at its page."""

from datetime import datetime
from typing import Any

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from summitdesk.api.common import DEFAULT_LIMIT, ERRORS, Page, error, page_of, scope
from summitdesk.meetings.models import Meeting
from summitdesk.onsite.models import PickupBooking, PickupSlot

router = Router(tags=["pickups"])

READ = "pickups:read"


class SlotOut(Schema):
    id: int
    meeting: str = Field(description="The meeting's code.")
    starts_at: datetime
    capacity: int = Field(description="Delegations at most.")
    booked: int = Field(description="Delegations booked.")


class BookingOut(Schema):
    id: int
    meeting: str
    slot: int
    starts_at: datetime
    reply: int
    organisation: int
    organisation_name: str
    booked_at: datetime
    collected_at: datetime | None
    collected_by_name: str = Field(description="Who collected the badges ('' before).")
    badges: list[int] = Field(description="The accreditations whose badges were handed over.")


def _meeting(code: str) -> Meeting:
    meeting = Meeting.objects.filter(code=code).first()
    if meeting is None:
        error(404, _("No meeting with this code."))
    return meeting


def slot_data(slot: PickupSlot) -> dict[str, Any]:
    return SlotOut(
        id=slot.pk,
        meeting=slot.meeting.code,
        starts_at=slot.starts_at,
        capacity=slot.capacity,
        booked=slot.booked,  # type: ignore[attr-defined]
    ).model_dump(mode="json")


def booking_data(booking: PickupBooking) -> dict[str, Any]:
    return BookingOut(
        id=booking.pk,
        meeting=booking.meeting.code,
        slot=booking.slot_id,
        starts_at=booking.slot.starts_at,
        reply=booking.reply_id,
        organisation=booking.reply.organisation_id,
        organisation_name=booking.reply.organisation.name,
        booked_at=booking.booked_at,
        collected_at=booking.collected_at,
        collected_by_name=booking.collected_by_name,
        badges=[int(pair[0]) for pair in booking.badges],
    ).model_dump(mode="json")


@router.get("/slots", response={200: Page[SlotOut], **ERRORS})
@scope(READ)
def list_slots(
    request: HttpRequest, meeting: str, cursor: str | None = None, limit: int = DEFAULT_LIMIT
) -> HttpResponse:
    """The pickup slots of a meeting (its code), in id order, with how many booked each."""
    rows = (
        PickupSlot.objects.filter(meeting=_meeting(meeting))
        .select_related("meeting")
        .annotate(booked=Count("bookings"))
    )
    return page_of(request, rows, cursor=cursor, limit=limit, serialize=slot_data)


@router.get("/bookings", response={200: Page[BookingOut], **ERRORS})
@scope(READ)
def list_bookings(
    request: HttpRequest,
    meeting: str,
    collected: bool | None = None,
    cursor: str | None = None,
    limit: int = DEFAULT_LIMIT,
) -> HttpResponse:
    """The delegations' pickup bookings of a meeting (its code), in id order; with
    `collected`, only those handed over (true) or still waiting (false)."""
    rows = PickupBooking.objects.filter(meeting=_meeting(meeting)).select_related(
        "meeting", "slot", "reply__organisation"
    )
    if collected is not None:
        rows = rows.filter(collected_at__isnull=not collected)
    return page_of(request, rows, cursor=cursor, limit=limit, serialize=booking_data)
