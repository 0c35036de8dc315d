"""The venue in the REST API: occupancy per zone, and secondary passes (read, give a pool
to a delegation, hand a pass on). Pass codes are never shown: like a badge's QR code, a
pass's code opens a door."""

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from summitdesk.api.common import ERRORS, WRITE_ERRORS, Id, actor, error, scope, with_etag
from summitdesk.core.versions import version_of
from summitdesk.delegations.models import Reply
from summitdesk.meetings.models import Meeting
from summitdesk.reports import figures
from summitdesk.venue import passes
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
