"""Check-ins in the REST API: a gate or a desk application records a scan.

The scan goes through `accreditation.checkin.check_in`, the function of the desk page: the
same refusals (unknown or forged code, older badge, another meeting, not approved) and the
same guarantee that two scans of one badge at once give one entry and one re-entry. Every
scan is recorded as a CheckIn row with its desk; the API token's name is kept with the desk
(the row has no staff operator).
"""

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from pydantic import field_validator

from summitdesk.accreditation import checkin
from summitdesk.accreditation.enums import CheckInResult
from summitdesk.api.common import WRITE_ERRORS, actor, api_token, error, scope, with_etag
from summitdesk.meetings.models import Meeting

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

    @field_validator("meeting", "code", "desk")
    @classmethod
    def _plain(cls, value: str) -> str:
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
    id: int = Field(description="The check-in recorded.")
    result: CheckInResult = Field(description="entered, reentered or refused.")
    admitted: bool
    message: str = Field(description="What the desk shows: the reason of a refusal.")
    holder: BadgeHolder | None = Field(description="Whose badge it is (null: unknown code).")
    desk: str
    scanned_at: datetime
    first_entered_at: datetime | None = Field(
        description="For a re-entry: when the holder first entered."
    )


def represent(scan: checkin.ScanResult) -> dict[str, Any]:
    row = scan.check_in
    assert row is not None  # check_in always records a row
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
        id=row.pk,
        result=scan.result,
        admitted=scan.admitted,
        message=scan.message,
        holder=holder,
        desk=row.desk,
        scanned_at=row.scanned_at,
        first_entered_at=scan.first.scanned_at if scan.first else None,
    ).model_dump(mode="json")


@router.post("", response={201: ScanOut, **WRITE_ERRORS})
@scope("checkins:write")
def create_check_in(request: HttpRequest, scan: ScanIn) -> HttpResponse:
    """Record a scan at a desk or gate: the answer says whether to let the holder in
    (`entered`: first admission; `reentered`: admitted before, with the first time) or
    not (`refused`, with the reason). Every scan is recorded, refusals too (201)."""
    meeting = Meeting.objects.filter(code=scan.meeting).first()
    if meeting is None:
        error(422, _("No meeting with this code."), {"meeting": [_("No meeting with this code.")]})
    desk = f"{scan.desk} ({api_token(request).name})"[: checkin.DESK_MAX_LENGTH]
    result = checkin.check_in(scan.code, meeting=meeting, desk=desk, actor=actor(request))
    return with_etag(request, represent(result), status=201)
