"""Who is inside each zone: a Presence row per person and zone (the database refuses a
second), and the zone's ZoneOccupancy counter changed in the same transaction. Callers
run these inside the scan's transaction; the counter is written last, so that its row
lock is held for as short a time as possible."""

from django.db import IntegrityError, transaction
from django.db.models import Count, F

from summitdesk.accreditation.models import Accreditation
from summitdesk.lib.inserts import insert_unless_taken
from summitdesk.meetings.models import Meeting
from summitdesk.venue.models import Presence, Zone, ZoneOccupancy


def enter(zone: Zone, accreditation: Accreditation) -> bool:
    """Count `accreditation` inside `zone`; False when they were inside already (the
    losing gate of a race too: its insert waits for the winner's, then does nothing)."""
    if not insert_unless_taken(Presence(zone=zone, accreditation=accreditation)):
        return False
    _add(zone, 1)
    return True


def leave(zone: Zone, accreditation: Accreditation) -> bool:
    """`accreditation` is no longer inside `zone`; False when they were not counted in."""
    deleted, _rows = Presence.objects.filter(zone=zone, accreditation=accreditation).delete()
    if deleted:
        _add(zone, -1)
    return bool(deleted)


def leave_meeting(meeting: Meeting, accreditation: Accreditation) -> None:
    """Out of the main entrance: out of every zone of the meeting."""
    zones = Zone.objects.filter(meeting=meeting, presences__accreditation=accreditation).order_by(
        "pk"
    )
    for zone in zones:
        leave(zone, accreditation)


def _add(zone: Zone, change: int) -> None:
    if ZoneOccupancy.objects.filter(zone=zone).update(inside=F("inside") + change):
        return
    try:
        with transaction.atomic():
            ZoneOccupancy.objects.create(zone=zone, inside=change)
    except IntegrityError:  # another gate created it meanwhile
        ZoneOccupancy.objects.filter(zone=zone).update(inside=F("inside") + change)


def recount(meeting: Meeting) -> dict[int, int]:
    """The presence rows counted again, by zone id: what the counters must equal."""
    counted = dict(
        Presence.objects.filter(zone__meeting=meeting)
        .values_list("zone")
        .annotate(n=Count("pk"))
        .values_list("zone", "n")
    )
    return {
        zone_id: counted.get(zone_id, 0)
        for zone_id in Zone.objects.filter(meeting=meeting).values_list("pk", flat=True)
    }
