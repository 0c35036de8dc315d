"""Badge pickup: a meeting's slots, a delegation's booking, and its hand-over at the desk.

Staff generate a day's slots (every N minutes, each for at most `capacity` delegations);
a focal point books one for the delegation through the portal until the cut-off before it
starts (the slot's row is locked while its bookings are counted, so two bookings cannot
both take its last place); the badge desk hands the delegation's printed badges over at
once, recording who collected them, that their identity document was seen and which
badges (accreditation id and badge version). A badge collected by someone else asks the
door for its holder's identity document at first entry (`accreditation.checkin`).
"""

import datetime
import zoneinfo
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.delegations.enums import ATTENDING_STATES
from summitdesk.delegations.models import Reply
from summitdesk.lib import dates
from summitdesk.meetings.models import Meeting
from summitdesk.onsite.models import PickupBooking, PickupSlot

#: Most slots one generation may make (a day of one-minute slots fits).
MAX_SLOTS = 1440
MAX_CAPACITY = 1000
MAX_NAME_LENGTH = 200


class PickupError(Exception):
    """A pickup change refused; the message says why, for the person who asked."""


def cutoff() -> datetime.timedelta:
    """How long before a slot starts bookings for it close (SUMMITDESK_PICKUP_CUTOFF_MINUTES)."""
    return datetime.timedelta(minutes=getattr(settings, "SUMMITDESK_PICKUP_CUTOFF_MINUTES", 120))


def zone_of(meeting: Meeting) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(meeting.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def day_bounds(meeting: Meeting, day: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The start and end of `day` in the meeting's time zone, as aware datetimes."""
    zone = zone_of(meeting)
    start = datetime.datetime.combine(day, datetime.time(0), tzinfo=zone)
    return start, datetime.datetime.combine(
        day + datetime.timedelta(days=1), datetime.time(0), tzinfo=zone
    )


def slots_of_day(meeting: Meeting, day: datetime.date) -> QuerySet[PickupSlot]:
    start, end = day_bounds(meeting, day)
    return PickupSlot.objects.filter(meeting=meeting, starts_at__gte=start, starts_at__lt=end)


def generate_slots(
    meeting: Meeting,
    *,
    day: datetime.date,
    start: datetime.time,
    end: datetime.time,
    every: int,
    capacity: int,
    actor: Actor,
) -> int:
    """Slots on `day` from `start` up to (not including) `end`, in the meeting's time zone,
    every `every` minutes, each for `capacity` delegations; times that already have a slot
    keep it. Returns how many were made (one audit entry for them all)."""
    if not 1 <= every <= 24 * 60:
        raise PickupError(_("Give the minutes between slots: from 1 to 1440."))
    if not 1 <= capacity <= MAX_CAPACITY:
        raise PickupError(
            _("Give how many delegations a slot takes: from 1 to %(most)d.")
            % {"most": MAX_CAPACITY}
        )
    if end <= start:
        raise PickupError(_("The last slot must end after the first starts."))
    zone = zone_of(meeting)
    first = datetime.datetime.combine(day, start, tzinfo=zone)
    last = datetime.datetime.combine(day, end, tzinfo=zone)
    times: list[datetime.datetime] = []
    moment = first
    while moment < last and len(times) < MAX_SLOTS:
        times.append(moment)
        moment += datetime.timedelta(minutes=every)
    with transaction.atomic():
        taken = set(
            PickupSlot.objects.filter(meeting=meeting, starts_at__in=times).values_list(
                "starts_at", flat=True
            )
        )
        new = [
            PickupSlot(meeting=meeting, starts_at=moment, capacity=capacity)
            for moment in times
            if moment not in taken
        ]
        PickupSlot.objects.bulk_create(new)
        if new:
            audit.record(
                meeting,
                "summitdesk.pickup.slots_generated",
                actor=actor,
                changes={"pickup_slots": [None, len(new)]},
                note=f"{day.isoformat()} from {start:%H:%M} ({meeting.time_zone}) "
                f"to {end:%H:%M} ({meeting.time_zone}), every {every} min, capacity {capacity}",
            )
    return len(new)


def bookable(reply: Reply) -> bool:
    """Whether the reply's delegation may book a pickup: an answered, attending reply."""
    return reply.attending is True and reply.state in ATTENDING_STATES


def booking_closes_at(slot: PickupSlot) -> datetime.datetime:
    return slot.starts_at - cutoff()


def book(
    reply: Reply, slot: PickupSlot, *, actor: Actor, now: datetime.datetime | None = None
) -> PickupBooking:
    """Book `slot` for the reply's delegation (moving its booking if it had one), or raise
    PickupError: a slot of another meeting, a reply that is not attending, a pickup already
    made, a slot past its cut-off, a slot full."""
    now = now or timezone.now()
    reply = Reply.objects.select_related("meeting").get(pk=reply.pk)  # as it stands
    if slot.meeting_id != reply.meeting_id:
        raise PickupError(_("There is no such pickup slot."))
    if not bookable(reply):
        raise PickupError(_("Only a delegation whose reply says it attends can book a pickup."))
    with transaction.atomic():
        locked = PickupSlot.objects.select_for_update().get(pk=slot.pk)
        existing = (
            PickupBooking.objects.select_for_update()
            .filter(meeting_id=reply.meeting_id, reply=reply)
            .first()
        )
        if existing is not None and existing.collected_at is not None:
            raise PickupError(_("Your delegation's badges were already collected."))
        if existing is not None and existing.slot_id == locked.pk:
            return existing
        if now > booking_closes_at(locked):
            raise PickupError(
                _("Bookings for this slot closed at %(time)s: choose a later one.")
                % {
                    "time": dates.format_datetime(
                        booking_closes_at(locked), reply.meeting.time_zone or "UTC"
                    )
                }
            )
        if PickupBooking.objects.filter(slot=locked).count() >= locked.capacity:
            raise PickupError(_("This slot is full: choose another."))
        before = existing.slot.starts_at.isoformat() if existing is not None else None
        if existing is None:
            booking = PickupBooking.objects.create(
                meeting_id=reply.meeting_id, slot=locked, reply=reply, booked_by=actor.name[:300]
            )
        else:
            booking = existing
            booking.slot = locked
            booking.booked_by = actor.name[:300]
            booking.save(update_fields=["slot", "booked_by"])
        audit.record(
            booking,
            "summitdesk.pickup.booked",
            actor=actor,
            changes={"slot": [before, locked.starts_at.isoformat()]},
            organisation_id=reply.organisation_id,
        )
    return booking


def cancel(booking: PickupBooking, *, actor: Actor) -> None:
    """Give the booked slot back; a pickup already made stays recorded."""
    with transaction.atomic():
        locked = (
            PickupBooking.objects.select_for_update()
            .select_related("slot", "reply")
            .get(pk=booking.pk)
        )
        if locked.collected_at is not None:
            raise PickupError(_("Your delegation's badges were already collected."))
        audit.record(
            locked,
            "summitdesk.pickup.cancelled",
            actor=actor,
            changes={"slot": [locked.slot.starts_at.isoformat(), None]},
            organisation_id=locked.reply.organisation_id,
        )
        locked.delete()


def badges_of(reply: Reply) -> QuerySet[Accreditation]:
    """The delegation's badges that can be handed over: approved, numbered, issued."""
    return (
        Accreditation.objects.filter(
            delegate__reply=reply,
            meeting_id=reply.meeting_id,
            status=AccreditationStatus.APPROVED,
            badge_version__gt=0,
        )
        .exclude(badge_number="")
        .select_related("delegate")
        .order_by("delegate__family_name", "delegate__given_name", "pk")
    )


@dataclass(frozen=True)
class HandOver:
    collected_by_name: str
    document_seen: bool
    accreditation_ids: list[int]


def hand_over(
    booking: PickupBooking,
    given: HandOver,
    *,
    actor: Actor,
    now: datetime.datetime | None = None,
) -> PickupBooking:
    """Hand the delegation's chosen badges to the person collecting them, whose identity
    document the desk saw; or raise PickupError (handed over already, no name, document
    not seen, no badge, a badge not of the delegation). Each badge handed over asks the
    door for its holder's identity document at first entry."""
    name = " ".join(given.collected_by_name.split())[:MAX_NAME_LENGTH]
    if not name:
        raise PickupError(_("Give the name of the person collecting the badges."))
    if not given.document_seen:
        raise PickupError(_("Check the identity document of the person collecting the badges."))
    with transaction.atomic():
        locked = (
            PickupBooking.objects.select_for_update()
            .select_related("reply", "slot")
            .get(pk=booking.pk)
        )
        if locked.collected_at is not None:
            raise PickupError(
                _("This delegation's badges were already handed over, to %(name)s at %(time)s.")
                % {
                    "name": locked.collected_by_name,
                    "time": dates.format_datetime(
                        locked.collected_at, locked.reply.meeting.time_zone or "UTC"
                    ),
                }
            )
        chosen = set(given.accreditation_ids)
        found = list(badges_of(locked.reply).filter(pk__in=chosen))
        if not chosen:
            raise PickupError(_("Choose the badges handed over."))
        if len(found) != len(chosen):
            raise PickupError(_("Some of the badges chosen are not this delegation's."))
        locked.collected_at = now or timezone.now()
        locked.collected_by_name = name
        locked.document_seen = True
        locked.badges = [[a.pk, a.badge_version] for a in found]
        locked.handed_over_by = actor.user
        locked.save()
        for accreditation in found:
            accreditation.identity_check_due = True
            accreditation.save(update_fields=["identity_check_due", "updated_at"])
            audit.record(
                accreditation,
                "summitdesk.accreditation.badge_collected",
                actor=actor,
                changes={"collected_by": [None, name]},
                organisation_id=locked.reply.organisation_id,
            )
        audit.record(
            locked,
            "summitdesk.pickup.collected",
            actor=actor,
            changes={"collected_by": [None, name], "badges": [None, len(found)]},
            organisation_id=locked.reply.organisation_id,
        )
    return locked
