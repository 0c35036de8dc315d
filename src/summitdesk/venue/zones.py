"""Configuring a meeting's venue: its zones, gates and the zones each participant type
may enter by default. Every change is audited.

A zone or gate is deleted only while nothing refers to it: a zone with recorded scans,
people inside, gates, secondary passes, or named by a participant type's zones or an
accreditation's own is refused, saying which (deleting it would rewrite the history of
who went where, or quietly change who may enter: a type left with no zone falls back to
the delegates' zones). A gate with recorded scans at its desk is refused likewise. Such a
zone or gate can still be renamed, and a gate moved to another zone or direction.
"""

from django.db import IntegrityError, transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from summitdesk.accreditation.models import CheckIn
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.lib.locales import join_list
from summitdesk.meetings.models import Meeting
from summitdesk.venue.enums import Direction
from summitdesk.venue.models import (
    AccreditationValidity,
    Gate,
    Passage,
    Presence,
    SecondaryPassPool,
    Zone,
    ZoneDefault,
    ZoneOccupancy,
)


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


def update_zone(
    zone: Zone,
    *,
    name: str,
    capacity: int | None,
    name_translations: dict[str, str],
    actor: Actor,
) -> Zone:
    """Rename a zone (in English and the other languages) and change its capacity; its
    code, which gates and integrations use, stays."""
    name = name.strip()[:100]
    if not name:
        raise VenueError(_("Give the zone a name."))
    if capacity is not None and capacity < 1:
        raise VenueError(_("A capacity is at least 1; leave it empty for none."))
    with transaction.atomic():
        locked = Zone.objects.select_for_update().get(pk=zone.pk)
        before = {
            "name": locked.name,
            "name_translations": locked.name_translations,
            "capacity": locked.capacity,
        }
        after = {"name": name, "name_translations": name_translations, "capacity": capacity}
        changes = {
            key: [before[key], value] for key, value in after.items() if before[key] != value
        }
        if not changes:
            return locked
        locked.name = name
        locked.name_translations = name_translations
        locked.capacity = capacity
        locked.save(update_fields=["name", "name_translations", "capacity"])
        audit.record(locked, "summitdesk.venue.zone_changed", actor=actor, changes=changes)
    return locked


def update_gate(gate: Gate, *, name: str, zone: Zone, direction: str, actor: Actor) -> Gate:
    """Rename a gate (the desk name its scans record from now on), or move it to another
    zone of its meeting or direction."""
    name = name.strip()[:50]
    if not name:
        raise VenueError(_("Give the gate a name: it is the desk name its scans record."))
    if zone.meeting_id != gate.meeting_id:
        raise VenueError(_("Choose a zone of this meeting."))
    if direction not in Direction.values:
        raise VenueError(_("Choose the direction: in or out."))
    with transaction.atomic():
        locked = Gate.objects.select_for_update().select_related("zone").get(pk=gate.pk)
        if (
            name != locked.name
            and Gate.objects.filter(meeting_id=locked.meeting_id, name=name).exists()
        ):
            raise VenueError(_("This meeting already has a gate with this name."))
        before = {"name": locked.name, "zone": locked.zone.code, "direction": locked.direction}
        after = {"name": name, "zone": zone.code, "direction": direction}
        changes = {
            key: [before[key], value] for key, value in after.items() if before[key] != value
        }
        if not changes:
            return locked
        locked.name, locked.zone, locked.direction = name, zone, direction
        try:
            locked.save(update_fields=["name", "zone", "direction"])
        except IntegrityError:
            raise VenueError(_("This meeting already has a gate with this name.")) from None
        audit.record(locked, "summitdesk.venue.gate_changed", actor=actor, changes=changes)
    return locked


def zone_in_use(zone: Zone) -> list[str]:
    """What keeps `zone` from being deleted, each said in a few words (none: it may go)."""
    uses = []
    if Passage.objects.filter(zone=zone).exists():
        uses.append(_("recorded scans"))
    if Presence.objects.filter(zone=zone).exists():
        uses.append(_("people inside"))
    if Gate.objects.filter(zone=zone).exists():
        uses.append(_("gates"))
    if SecondaryPassPool.objects.filter(zone=zone).exists():
        uses.append(_("secondary passes"))
    if ZoneDefault.objects.filter(zone=zone).exists():
        uses.append(_("participant types' zones"))
    if AccreditationValidity.objects.filter(zones=zone).exists():
        uses.append(_("accreditations' own zones"))
    if (
        zone.is_main_entrance
        and Zone.objects.filter(meeting_id=zone.meeting_id).exclude(pk=zone.pk).exists()
    ):
        uses.append(_("the other zones, which need a main entrance"))
    return uses


def gate_in_use(gate: Gate) -> list[str]:
    """What keeps `gate` from being deleted: scans recorded at its desk."""
    scanned = Passage.objects.filter(meeting_id=gate.meeting_id, desk=gate.name).exists() or (
        CheckIn.objects.filter(meeting_id=gate.meeting_id, desk=gate.name).exists()
    )
    return [_("recorded scans")] if scanned else []


def delete_zone(zone: Zone, *, actor: Actor) -> None:
    """Delete a zone nothing refers to (else VenueError saying what does)."""
    with transaction.atomic():
        locked = Zone.objects.select_for_update().get(pk=zone.pk)
        uses = zone_in_use(locked)
        if uses:
            raise VenueError(
                _("%(zone)s cannot be deleted: it has %(uses)s. Rename it instead.")
                % {"zone": locked.name, "uses": join_list(uses)}
            )
        audit.record(
            locked,
            "summitdesk.venue.zone_deleted",
            actor=actor,
            changes={"name": [locked.name, None], "code": [locked.code, None]},
        )
        locked.delete()


def delete_gate(gate: Gate, *, actor: Actor) -> None:
    """Delete a gate no scan was recorded at (else VenueError saying so)."""
    with transaction.atomic():
        locked = Gate.objects.select_for_update().select_related("zone").get(pk=gate.pk)
        if gate_in_use(locked):
            raise VenueError(
                _(
                    "%(gate)s cannot be deleted: scans were recorded at it. Rename it or "
                    "move it to another zone instead."
                )
                % {"gate": locked.name}
            )
        audit.record(
            locked,
            "summitdesk.venue.gate_deleted",
            actor=actor,
            changes={
                "name": [locked.name, None],
                "zone": [locked.zone.code, None],
                "direction": [locked.direction, None],
            },
        )
        locked.delete()
