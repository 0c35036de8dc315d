"""A scan at a gate of the venue: in or out of a zone, with a badge or a secondary pass.

A gate is found by the desk name of the scan (Gate rows), or named by the scan itself
(a zone code and a direction); a scan naming none is at the meeting's main entrance,
going in, exactly as the check-in desk always was. A meeting without zones keeps the
check-in as it was: no zone, date or passage.

Going in with a badge goes through `accreditation.checkin.check_in` with the venue's
rule (zone and valid dates: venue.validity), so every refusal of the desk holds at every
gate and the first admission still counts once; the admission counts the person inside
the zone (venue.occupancy) in the same transaction. A secondary pass is locked while it
is scanned: two gates scanning one pass at once admit it once, the other gate is told it
is inside already. Every scan at a zone is a Passage row; refusals say why in the
operator's language and in the holder's (their organisation's preferred language).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from summitdesk.accreditation import checkin
from summitdesk.accreditation.badges import read_badge_code
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation, CheckIn
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.lib import dates
from summitdesk.lib.localized import localized
from summitdesk.meetings.models import Meeting
from summitdesk.venue import occupancy, validity
from summitdesk.venue.enums import Direction, GateResult
from summitdesk.venue.models import Gate, Passage, SecondaryPass, Zone
from summitdesk.venue.passes import read_pass_code


class GateError(Exception):
    """A scan that names a zone or direction the meeting does not have."""


@dataclass(frozen=True)
class GateScan:
    """What the gate shows after a scan."""

    result: GateResult
    message: str
    zone: Zone | None
    direction: str
    accreditation: Accreditation | None = None
    check_in: CheckIn | None = None
    passage: Passage | None = None
    first: CheckIn | None = None
    secondary_pass: SecondaryPass | None = None
    #: The message in the holder's language (their organisation's), and that language.
    holder_message: str = ""
    holder_language: str = ""

    @property
    def admitted(self) -> bool:
        return self.result != GateResult.REFUSED


def where(
    meeting: Meeting, desk: str, zone_code: str | None = None, direction: str | None = None
) -> tuple[Zone | None, str]:
    """The zone and direction of a scan at `desk`: the ones named (a zone code of the
    meeting, "in" or "out"), else the gate of that name, else the main entrance, in."""
    if direction is not None and direction not in Direction.values:
        raise GateError(_("The direction is “in” or “out”."))
    if zone_code:
        zone = Zone.objects.filter(meeting=meeting, code=zone_code).first()
        if zone is None:
            raise GateError(_("This meeting has no zone with this code."))
        return zone, direction or Direction.IN
    gate = Gate.objects.select_related("zone").filter(meeting=meeting, name=desk.strip()).first()
    if gate is not None and direction is None:
        return gate.zone, gate.direction
    main = Zone.objects.filter(meeting=meeting, is_main_entrance=True).first()
    if main is None and direction == Direction.OUT:
        raise GateError(_("This meeting has no main entrance to go out of: name a zone."))
    return main, direction or Direction.IN


def holder_language(accreditation: Accreditation | None) -> str:
    if accreditation is None:
        return translation.get_language() or "en"
    return dates.django_language(accreditation.delegate.reply.organisation.language or "en")


def scan(
    code_or_id: str | int,
    *,
    meeting: Meeting,
    desk: str,
    actor: Actor,
    zone: Zone | None = None,
    direction: str = Direction.IN,
    badge_numbers: bool = False,
    now: datetime.datetime | None = None,
) -> GateScan:
    """A scan at `desk` of `meeting`, into or out of `zone` (None: the meeting has no
    zones, the plain check-in). Always records what happened."""
    desk = desk.strip()[: checkin.DESK_MAX_LENGTH]
    pass_id = read_pass_code(code_or_id) if isinstance(code_or_id, str) else None
    if pass_id is not None and zone is not None:
        return _pass(
            pass_id, meeting=meeting, desk=desk, actor=actor, zone=zone, direction=direction
        )
    if direction == Direction.OUT and zone is not None:
        return _out(code_or_id, meeting=meeting, desk=desk, actor=actor, zone=zone)
    if zone is None:
        result = checkin.check_in(
            code_or_id, meeting=meeting, desk=desk, actor=actor, badge_numbers=badge_numbers
        )
        return GateScan(
            GateResult(result.result),
            result.message,
            None,
            Direction.IN,
            result.accreditation,
            result.check_in,
            first=result.first,
            holder_message=result.message,
        )
    return _in(code_or_id, meeting, desk, actor, zone, badge_numbers, now)


def _in(
    code_or_id: str | int,
    meeting: Meeting,
    desk: str,
    actor: Actor,
    zone: Zone,
    badge_numbers: bool,
    now: datetime.datetime | None,
) -> GateScan:
    day = validity.meeting_today(meeting, now)
    found: dict[str, validity.Validity] = {}
    recorded: list[Passage] = []

    def rule(accreditation: Accreditation) -> str | None:
        found["validity"] = validity.validity_of(accreditation, meeting)
        return validity.refusal(found["validity"], zone, day)

    def on_admit(accreditation: Accreditation, row: CheckIn) -> None:
        passage = Passage.objects.create(
            meeting=meeting,
            zone=zone,
            direction=Direction.IN,
            accreditation=accreditation,
            check_in=row,
            admitted=True,
            desk=desk,
            operator=actor.user,
        )
        recorded.append(passage)
        if not zone.is_main_entrance:
            _record_entry(passage, accreditation, actor)
        occupancy.enter(zone, accreditation)  # last: the counter's row lock is held briefly

    result = checkin.check_in(
        code_or_id,
        meeting=meeting,
        desk=desk,
        actor=actor,
        badge_numbers=badge_numbers,
        rule=rule,
        on_admit=on_admit,
        related=(validity.VALIDITY,),
    )
    accreditation = result.accreditation
    language = holder_language(accreditation)
    if not result.admitted:
        assert result.check_in is not None  # check_in records every scan
        passage = Passage.objects.create(
            meeting=meeting,
            zone=zone,
            direction=Direction.IN,
            accreditation=accreditation,
            check_in=result.check_in,
            admitted=False,
            reason=result.message[:200],
            desk=desk,
            operator=actor.user,
        )
        with translation.override(language):
            if "validity" in found:
                told = validity.refusal(found["validity"], zone, day) or result.message
            else:
                told = _("Not admitted: please ask at the accreditation desk.")
        return GateScan(
            GateResult.REFUSED,
            result.message,
            zone,
            Direction.IN,
            accreditation,
            result.check_in,
            passage,
            holder_message=told,
            holder_language=language,
        )
    message = result.message
    if not zone.is_main_entrance:
        message = _welcome(zone)
    with translation.override(language):
        told = _welcome(zone)
    return GateScan(
        GateResult(result.result),
        message,
        zone,
        Direction.IN,
        accreditation,
        result.check_in,
        recorded[0] if recorded else None,
        result.first,
        holder_message=told,
        holder_language=language,
    )


def _welcome(zone: Zone) -> str:
    if zone.is_main_entrance:
        return _("Welcome.")
    return _("Welcome to the %(zone)s.") % {"zone": localized(zone, "name")}


def _record_entry(passage: Passage, accreditation: Accreditation, actor: Actor) -> None:
    """The audit entry of an entry into a zone: webhooks tell integrations of it."""
    audit.record(
        passage,
        "summitdesk.venue.zone_entered",
        actor=actor,
        changes={"zone": [None, passage.zone.code], "desk": [None, passage.desk]},
        organisation_id=accreditation.delegate.reply.organisation_id,
    )


def _badge_holder(code_or_id: str | int, meeting: Meeting) -> Accreditation | None:
    if isinstance(code_or_id, int):
        accreditation_id = code_or_id
    else:
        read = read_badge_code(code_or_id)
        if read is None:
            return None
        accreditation_id = read[0]
    return (
        Accreditation.objects.select_related("delegate__reply__organisation")
        .filter(pk=accreditation_id, meeting=meeting)
        .first()
    )


def _out(
    code_or_id: str | int, *, meeting: Meeting, desk: str, actor: Actor, zone: Zone
) -> GateScan:
    """Out of `zone` (out of the main entrance: out of every zone). An out gate never
    holds anyone back; an unknown code is recorded and said."""
    accreditation = _badge_holder(code_or_id, meeting)
    if accreditation is None:
        reason = _("Unknown code: this is not a badge of this meeting.")
        passage = Passage.objects.create(
            meeting=meeting,
            zone=zone,
            direction=Direction.OUT,
            admitted=False,
            reason=reason,
            desk=desk,
            operator=actor.user,
        )
        return GateScan(GateResult.REFUSED, reason, zone, Direction.OUT, passage=passage)
    with transaction.atomic():
        passage = Passage.objects.create(
            meeting=meeting,
            zone=zone,
            direction=Direction.OUT,
            accreditation=accreditation,
            admitted=True,
            desk=desk,
            operator=actor.user,
        )
        if zone.is_main_entrance:
            occupancy.leave_meeting(meeting, accreditation)
        else:
            occupancy.leave(zone, accreditation)
    language = holder_language(accreditation)
    with translation.override(language):
        told = _("Goodbye.")
    return GateScan(
        GateResult.EXITED,
        _("Goodbye."),
        zone,
        Direction.OUT,
        accreditation,
        passage=passage,
        holder_message=told,
        holder_language=language,
    )


def _pass_refusal(found: SecondaryPass | None, zone: Zone, meeting: Meeting) -> str | None:
    if found is None or found.pool.reply.meeting_id != meeting.pk:
        return _("Unknown pass: this is not a pass of this meeting.")
    if found.pool.zone_id != zone.pk:
        return _("Refused: this pass is for another zone (%(zone)s).") % {
            "zone": localized(found.pool.zone, "name")
        }
    holder = found.holder
    if holder is None:
        return _("Refused: this pass has not been handed to anyone.")
    if holder.status != AccreditationStatus.APPROVED:
        return _("Refused: the holder of this pass is not accredited.")
    if found.inside_since is not None:
        return _("Refused: this pass is inside already (since %(time)s).") % {
            "time": dates.format_time(found.inside_since, meeting.time_zone or "UTC")
        }
    return None


def _pass(
    pass_id: int, *, meeting: Meeting, desk: str, actor: Actor, zone: Zone, direction: str
) -> GateScan:
    """A secondary pass at a gate of its zone. The pass row is locked first: of two gates
    scanning it at once, the second waits and then sees it inside."""
    with transaction.atomic():
        found = (
            SecondaryPass.objects.select_for_update(of=("self",))
            .select_related("pool__reply", "pool__zone", "holder__delegate__reply__organisation")
            .filter(pk=pass_id)
            .first()
        )
        holder = found.holder if found is not None else None
        if direction == Direction.OUT and found is not None and found.pool.zone_id == zone.pk:
            found.inside_since = None
            found.save(update_fields=["inside_since", "updated_at"])
            passage = Passage.objects.create(
                meeting=meeting,
                zone=zone,
                direction=Direction.OUT,
                accreditation=holder,
                secondary_pass=found,
                admitted=True,
                desk=desk,
                operator=actor.user,
            )
            if holder is not None:
                occupancy.leave(zone, holder)
            return GateScan(
                GateResult.EXITED,
                _("Goodbye."),
                zone,
                Direction.OUT,
                holder,
                None,
                passage,
                secondary_pass=found,
                holder_message=_("Goodbye."),
            )
        reason = _pass_refusal(found, zone, meeting)
        passage = Passage.objects.create(
            meeting=meeting,
            zone=zone,
            direction=direction,
            accreditation=holder,
            secondary_pass=found
            if found is not None and found.pool.reply.meeting_id == meeting.pk
            else None,
            admitted=reason is None,
            reason=(reason or "")[:200],
            desk=desk,
            operator=actor.user,
        )
        language = holder_language(holder)
        if reason is not None:
            with translation.override(language):
                told = _pass_refusal(found, zone, meeting) or reason
            return GateScan(
                GateResult.REFUSED,
                reason,
                zone,
                direction,
                holder,
                None,
                passage,
                holder_message=told,
                holder_language=language,
            )
        assert found is not None and holder is not None
        found.inside_since = timezone.now()
        found.save(update_fields=["inside_since", "updated_at"])
        _record_entry(passage, holder, actor)
        occupancy.enter(zone, holder)
    with translation.override(language):
        told = _welcome(zone)
    return GateScan(
        GateResult.ENTERED,
        _welcome(zone),
        zone,
        direction,
        holder,
        None,
        passage,
        secondary_pass=found,
        holder_message=told,
        holder_language=language,
    )


def told_holder(passage: Passage, meeting: Meeting) -> tuple[str, str]:
    """What the gate of `passage` says to its holder, in their language, and that language
    (for the desk page, which shows a scan after redirecting to it)."""
    accreditation = passage.accreditation
    language = holder_language(accreditation)
    with translation.override(language):
        if passage.direction == Direction.OUT:
            return (_("Goodbye.") if passage.admitted else passage.reason), language
        if passage.admitted:
            return _welcome(passage.zone), language
        if accreditation is not None and accreditation.status == AccreditationStatus.APPROVED:
            found = validity.refusal(
                validity.validity_of(accreditation, meeting),
                passage.zone,
                validity.meeting_today(meeting, passage.scanned_at),
            )
            if found is not None:
                return found, language
        return _("Not admitted: please ask at the accreditation desk."), language
