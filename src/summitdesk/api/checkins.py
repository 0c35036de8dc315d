"""Check-ins in the REST API: a gate or a desk application records a scan.

The scan goes through `accreditation.checkin.check_in`, the function of the desk page: the
same refusals (unknown or forged code, older badge, another meeting, not approved) and the
same guarantee that two scans of one badge at once give one entry and one re-entry. Every
scan is recorded as a CheckIn row with its desk; the API token's name is kept with the desk
(the row has no staff operator).

Without `zone` and `direction` the call is what it always was: the meeting's main
entrance, going in (or, for a desk name that is a configured gate, that gate's zone and
direction). With them, the scan is at a gate of that zone (venue.gates): zone and valid
dates are checked, occupancy follows, and a secondary pass's code is accepted.
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import field_validator

from summitdesk.accreditation import checkin
from summitdesk.api.common import WRITE_ERRORS, actor, api_token, error, scope, with_etag
from summitdesk.meetings.models import Meeting
from summitdesk.venue import gates
from summitdesk.venue.enums import Direction, GateResult

router = Router(tags=["check-ins"])

MAX_CODE_LENGTH = 500


class ScanIn(Schema):
    meeting: str = Field(max_length=50, description="The meeting's code (the door's meeting).")
    code: str = Field(
        min_length=1, max_length=MAX_CODE_LENGTH, description="The badge's QR code, as read."
    )
    desk: str = Field(
        min_length=1, max_length=checkin.DESK_MAX_LENGTH, description="Which desk or gate."
    )
    zone: str | None = Field(
        None,
        max_length=40,
        description="The zone's code (optional; none: the desk's gate, else the main entrance).",
    )
    direction: Direction | None = Field(
        None, description="in or out (optional; none: the desk's gate, else in)."
    )

    @field_validator("meeting", "code", "desk", "zone")
    @classmethod
    def _plain(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if "\x00" in value:
            raise ValueError(_("Text cannot contain the NUL character."))
        return value.strip()


class BadgeHolder(Schema):
    accreditation: int
    given_name: str
    family_name: str
    organisation: str
    badge_number: str | None


class ScanOut(Schema):
    id: int | None = Field(
        description="The check-in recorded (null for a way out or a secondary pass: see passage)."
    )
    result: GateResult = Field(description="entered, reentered, refused, or exited (a way out).")
    admitted: bool
    message: str = Field(description="What the desk shows: the reason of a refusal.")
    holder_message: str = Field(description="The same, in the holder's language.")
    holder_language: str = Field(description="That language ('' when unknown).")
    zone: str | None = Field(description="The zone's code (null: a meeting without zones).")
    direction: Direction
    passage: int | None = Field(description="The scan at the zone's gate, recorded.")
    holder: BadgeHolder | None = Field(description="Whose badge it is (null: unknown code).")
    desk: str
    scanned_at: datetime
    first_entered_at: datetime | None = Field(
        description="For a re-entry: when the holder first entered."
    )


def represent(scan: gates.GateScan) -> dict[str, Any]:
    row = scan.check_in
    passage = scan.passage
    recorded = row or passage
    assert recorded is not None  # every scan records a row
    accreditation = scan.accreditation
    holder = None
    if accreditation is not None:
        delegate = accreditation.delegate
        holder = BadgeHolder(
            accreditation=accreditation.pk,
            given_name=delegate.given_name,
            family_name=delegate.family_name,
            organisation=delegate.reply.organisation.name,
            badge_number=accreditation.badge_number or None,
        )
    return ScanOut(
        id=row.pk if row else None,
        result=scan.result,
        admitted=scan.admitted,
        message=scan.message,
        holder_message=scan.holder_message or scan.message,
        holder_language=scan.holder_language,
        zone=scan.zone.code if scan.zone else None,
        direction=Direction(scan.direction),
        passage=passage.pk if passage else None,
        holder=holder,
        desk=recorded.desk,
        scanned_at=recorded.scanned_at,
        first_entered_at=scan.first.scanned_at if scan.first else None,
    ).model_dump(mode="json")


@router.post("", response={201: ScanOut, **WRITE_ERRORS})
@scope("checkins:write")
def create_check_in(request: HttpRequest, scan: ScanIn) -> HttpResponse:
    """Record a scan at a desk or gate: the answer says whether to let the holder in
    (`entered`: first admission; `reentered`: admitted before, with the first time) or
    not (`refused`, with the reason), or that they went out (`exited`). Every scan is
    recorded, refusals too (201). `zone` and `direction` are optional: without them the
    scan is at the desk's gate if it is one, else at the main entrance going in."""
    meeting = Meeting.objects.filter(code=scan.meeting).first()
    if meeting is None:
        error(422, _("No meeting with this code."), {"meeting": [_("No meeting with this code.")]})
    try:
        zone, direction = gates.where(meeting, scan.desk, scan.zone, scan.direction)
    except gates.GateError as refused:
        field = "direction" if scan.zone is None else "zone"
        error(422, str(refused), {field: [str(refused)]})
    desk = f"{scan.desk} ({api_token(request).name})"[: checkin.DESK_MAX_LENGTH]
    result = gates.scan(
        scan.code, meeting=meeting, desk=desk, actor=actor(request), zone=zone, direction=direction
    )
    return with_etag(request, represent(result), status=201)
