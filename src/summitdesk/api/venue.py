"""The venue in the REST API: occupancy per zone, secondary passes (read, give a pool
to a delegation, hand a pass on), and one accreditation's valid dates and zones (read,
set). Pass codes are never shown: like a badge's QR code, a pass's code opens a door."""

from datetime import date, datetime
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import field_validator

from summitdesk.accreditation.models import Accreditation
from summitdesk.api.common import (
    ERRORS,
    WRITE_ERRORS,
    Id,
    actor,
    error,
    require_if_match,
    scope,
    with_etag,
)
from summitdesk.core.versions import version_of
from summitdesk.delegations.models import Reply
from summitdesk.lib.locales import join_list
from summitdesk.meetings.models import Meeting
from summitdesk.reports import figures
from summitdesk.venue import passes, validity
from summitdesk.venue.models import SecondaryPass, SecondaryPassPool, Zone

router = Router(tags=["venue"])

READ = "venue:read"
WRITE = "venue:write"


class ZoneOccupancyOut(Schema):
    zone: str = Field(description="The zone's code.")
    name: str
    inside: int = Field(description="People inside now.")
    capacity: int | None
    main_entrance: bool


class OccupancyOut(Schema):
    meeting: str
    zones: list[ZoneOccupancyOut]


def _meeting(code: str) -> Meeting:
    meeting = Meeting.objects.filter(code=code[:50]).first()
    if meeting is None:
        error(404, _("No meeting with this code."))
    return meeting


@router.get("/occupancy", response={200: OccupancyOut, **ERRORS})
@scope(READ)
def occupancy(request: HttpRequest, meeting: str) -> HttpResponse:
    """How many people are inside each zone of the meeting now (the venue manager's figure)."""
    found = _meeting(meeting)
    data = OccupancyOut(
        meeting=found.code,
        zones=[
            ZoneOccupancyOut(
                zone=row.zone.code,
                name=row.zone.name,
                inside=row.inside,
                capacity=row.capacity,
                main_entrance=row.zone.is_main_entrance,
            )
            for row in figures.zone_occupancy(found)
        ],
    ).model_dump(mode="json")
    response = with_etag(request, data)
    response["Cache-Control"] = "no-store"
    return response


class PassOut(Schema):
    id: int
    number: int
    holder: int | None = Field(description="The holder's accreditation id.")
    assigned_at: datetime | None
    inside: bool
    version: str = Field(description="Send it back to hand the pass on.")


class PoolOut(Schema):
    id: int
    reply: int
    zone: str
    session: str
    size: int
    cutoff: datetime | None
    passes: list[PassOut]


def _pool_data(pool: SecondaryPassPool) -> dict[str, Any]:
    return PoolOut(
        id=pool.pk,
        reply=pool.reply_id,
        zone=pool.zone.code,
        session=pool.session,
        size=pool.size,
        cutoff=pool.cutoff,
        passes=[_pass_out(one) for one in pool.passes.order_by("number")],
    ).model_dump(mode="json")


def _pass_out(one: SecondaryPass) -> PassOut:
    return PassOut(
        id=one.pk,
        number=one.number,
        holder=one.holder_id,
        assigned_at=one.assigned_at,
        inside=one.inside_since is not None,
        version=version_of(one),
    )


class PoolsOut(Schema):
    reply: int
    pools: list[PoolOut]


@router.get("/pools", response={200: PoolsOut, **ERRORS})
@scope(READ)
def list_pools(request: HttpRequest, reply: Id) -> HttpResponse:
    """The secondary pass pools of a reply's delegation, with their passes."""
    pools = SecondaryPassPool.objects.filter(reply_id=reply).select_related("zone")
    return with_etag(
        request, {"reply": reply, "pools": [_pool_data(pool) for pool in pools.order_by("pk")]}
    )


class PoolIn(Schema):
    reply: Id
    zone: str = Field(max_length=40, description="The zone's code.")
    size: int = Field(ge=1, le=passes.MAX_POOL_SIZE)
    session: str = Field("", max_length=100)
    cutoff: datetime | None = None


@router.post("/pools", response={201: PoolOut, **WRITE_ERRORS})
@scope(WRITE)
def create_pool(request: HttpRequest, body: PoolIn) -> HttpResponse:
    """Give a delegation a pool of passes for a zone of its meeting."""
    reply = Reply.objects.filter(pk=body.reply).first()
    if reply is None:
        error(404, _("No such reply."))
    zone = Zone.objects.filter(meeting_id=reply.meeting_id, code=body.zone).first()
    if zone is None:
        error(
            422,
            _("The reply's meeting has no zone with this code."),
            {"zone": [_("Unknown zone.")]},
        )
    try:
        pool = passes.create_pool(
            reply,
            zone,
            size=body.size,
            session=body.session,
            cutoff=body.cutoff,
            actor=actor(request),
        )
    except passes.PassError as refused:
        error(422, str(refused))
    return with_etag(request, _pool_data(pool), status=201)


class HolderIn(Schema):
    holder: Id | None = Field(
        description="The accreditation to hand the pass to; null: take it back."
    )
    version: str = Field(max_length=40, description="The pass's version, as read.")


@router.put("/passes/{pass_id}/holder", response={200: PassOut, **WRITE_ERRORS})
@scope(WRITE)
def hand_on(request: HttpRequest, pass_id: Id, body: HolderIn) -> HttpResponse:
    """Hand a pass to a member of its delegation, as the focal point does in the portal
    (the same rules: the cut-off, an approved member, the version read)."""
    one = SecondaryPass.objects.select_related("pool__reply").filter(pk=pass_id).first()
    if one is None:
        error(404, _("No such pass."))
    try:
        changed = passes.assign(
            one.pk,
            body.holder,
            reply=one.pool.reply,
            expected_version=body.version,
            actor=actor(request),
        )
    except passes.PassError as refused:
        error(409, str(refused))
    return with_etag(request, _pass_out(changed).model_dump(mode="json"))


#: The most zones one accreditation's validity may name (a meeting has a few).
MAX_ZONES = 50


class ValidityOut(Schema):
    accreditation: int
    meeting: str
    valid_from: date | None = Field(description="The first valid day (null: from the start).")
    valid_until: date | None = Field(description="The last valid day (null: to the end).")
    zones: list[str] = Field(description="The codes of the zones the badge opens.")
    defaulted: bool = Field(
        description="True while they are the participant type's defaults, not set for it."
    )


ZoneCode = Annotated[str, Field(min_length=1, max_length=40)]


class ValidityIn(Schema):
    valid_from: date | None = Field(None, description="Within the meeting's dates.")
    valid_until: date | None = Field(None, description="Within the meeting's dates.")
    zones: list[ZoneCode] = Field(
        max_length=MAX_ZONES,
        description="Codes of zones of the accreditation's meeting (may be empty).",
    )

    @field_validator("zones")
    @classmethod
    def _plain(cls, value: list[str]) -> list[str]:
        if any("\x00" in code for code in value):
            raise ValueError(_("Text cannot contain the NUL character."))
        return [code.strip() for code in value]


def _accreditation(accreditation_id: int) -> Accreditation:
    found = (
        Accreditation.objects.select_related("meeting", "delegate__reply__organisation")
        .filter(pk=accreditation_id)
        .first()
    )
    if found is None:
        error(404, _("No such accreditation."))
    return found


def _validity_data(accreditation: Accreditation) -> dict[str, Any]:
    found = validity.validity_of(accreditation, accreditation.meeting)
    codes = dict(
        Zone.objects.filter(pk__in=found.zone_ids).values_list("pk", "code").order_by("position")
    )
    return ValidityOut(
        accreditation=accreditation.pk,
        meeting=accreditation.meeting.code,
        valid_from=found.valid_from,
        valid_until=found.valid_until,
        zones=list(codes.values()),
        defaulted=found.defaulted,
    ).model_dump(mode="json")


@router.get("/accreditations/{accreditation_id}/validity", response={200: ValidityOut, **ERRORS})
@scope(READ)
def get_validity(request: HttpRequest, accreditation_id: Id) -> HttpResponse:
    """The valid dates and zones of one accreditation: set by staff, or its participant
    type's defaults (`defaulted`). The ETag is the one to send back with If-Match."""
    return with_etag(request, _validity_data(_accreditation(accreditation_id)))


@router.put(
    "/accreditations/{accreditation_id}/validity", response={200: ValidityOut, **WRITE_ERRORS}
)
@scope(WRITE)
def set_validity(request: HttpRequest, accreditation_id: Id, body: ValidityIn) -> HttpResponse:
    """Set the valid dates and zones of one accreditation (they no longer follow its type's
    defaults), as the accreditation's validity page does. If-Match: the ETag as read.
    Days must be within the meeting's dates; zones are codes of the meeting's zones."""
    accreditation = _accreditation(accreditation_id)
    require_if_match(request, _validity_data(accreditation))
    codes = list(dict.fromkeys(body.zones))
    found = list(Zone.objects.filter(meeting_id=accreditation.meeting_id, code__in=codes))
    unknown = sorted(set(codes) - {zone.code for zone in found})
    if unknown:
        error(
            422,
            _("The accreditation's meeting has no zone with these codes: %(codes)s.")
            % {"codes": join_list(unknown)},
            {"zones": [_("Unknown zone.")]},
        )
    try:
        validity.set_validity(
            accreditation,
            valid_from=body.valid_from,
            valid_until=body.valid_until,
            zones=found,
            actor=actor(request),
        )
    except validity.ValidityError as refused:
        error(422, str(refused), {"valid_from": [str(refused)]})
    return with_etag(request, _validity_data(accreditation))
