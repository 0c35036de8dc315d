"""Configuring a meeting's venue: its zones, gates and the zones each participant type
may enter by default. Every change is audited."""

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.meetings.models import Meeting
from summitdesk.venue.enums import Direction
from summitdesk.venue.models import Gate, Zone, ZoneDefault, ZoneOccupancy


class VenueError(Exception):
    """A configuration that cannot be saved; the message says why."""


def create_zone(
    meeting: Meeting,
    *,
    name: str,
    code: str = "",
    capacity: int | None = None,
    is_main_entrance: bool = False,
    name_translations: dict[str, str] | None = None,
    actor: Actor,
) -> Zone:
    name = name.strip()[:100]
    code = slugify(code or name)[:40]
    if not name or not code:
        raise VenueError(_("Give the zone a name."))
    with transaction.atomic():
        if Zone.objects.filter(meeting=meeting, code=code).exists():
            raise VenueError(_("This meeting already has a zone with this code."))
        if (
            is_main_entrance
            and Zone.objects.filter(meeting=meeting, is_main_entrance=True).exists()
        ):
            raise VenueError(_("This meeting already has a main entrance."))
        try:
            zone = Zone.objects.create(
                meeting=meeting,
                code=code,
                name=name,
                name_translations=name_translations or {},
                capacity=capacity,
                is_main_entrance=is_main_entrance,
                position=Zone.objects.filter(meeting=meeting).count(),
            )
        except IntegrityError:
            raise VenueError(_("This meeting already has a zone with this code.")) from None
        ZoneOccupancy.objects.create(zone=zone)
        audit.record(
            zone,
            "summitdesk.venue.zone_created",
            actor=actor,
            changes={"name": [None, name], "code": [None, code]},
        )
    return zone


def create_gate(meeting: Meeting, *, name: str, zone: Zone, direction: str, actor: Actor) -> Gate:
    name = name.strip()[:50]
    if not name:
        raise VenueError(_("Give the gate a name: it is the desk name its scans record."))
    if zone.meeting_id != meeting.pk:
        raise VenueError(_("Choose a zone of this meeting."))
    if direction not in Direction.values:
        raise VenueError(_("Choose the direction: in or out."))
    with transaction.atomic():
        if Gate.objects.filter(meeting=meeting, name=name).exists():
            raise VenueError(_("This meeting already has a gate with this name."))
        gate = Gate.objects.create(meeting=meeting, name=name, zone=zone, direction=direction)
        audit.record(
            gate,
            "summitdesk.venue.gate_created",
            actor=actor,
            changes={"zone": [None, zone.code], "direction": [None, direction]},
        )
    return gate


def set_zone_defaults(
    meeting: Meeting, participant_type_code: str, zones: list[Zone], *, actor: Actor
) -> None:
    """The zones participants of the type `participant_type_code` may enter by default."""
    code = slugify(participant_type_code)[:40]
    if not code:
        raise VenueError(_("Give the participant type's code."))
    if any(zone.meeting_id != meeting.pk for zone in zones):
        raise VenueError(_("Choose a zone of this meeting."))
    with transaction.atomic():
        rows = ZoneDefault.objects.filter(meeting=meeting, participant_type_code=code)
        before = sorted(rows.values_list("zone__code", flat=True))
        rows.delete()
        ZoneDefault.objects.bulk_create(
            ZoneDefault(meeting=meeting, participant_type_code=code, zone=zone) for zone in zones
        )
        audit.record(
            meeting,
            "summitdesk.venue.zone_defaults_set",
            actor=actor,
            changes={code: [before, sorted(zone.code for zone in zones)]},
        )
