"""Check-in at the door: a scan (or a name chosen at the desk) becomes one CheckIn row.

The first admission of an accreditation is an `entered` row; the database holds at most
one per accreditation (a partial unique constraint), so two desks scanning the same badge
at the same instant cannot both count it: the one that loses the race gets an
IntegrityError inside a savepoint and records a re-entry instead. Every refusal is
recorded too, with its reason, the desk and the operator.
"""

import zoneinfo
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.accreditation.badges import read_badge_code
from summitdesk.accreditation.enums import AccreditationStatus, CheckInResult
from summitdesk.accreditation.models import Accreditation, CheckIn
from summitdesk.core.models import User
from summitdesk.lib.text import search_words
from summitdesk.meetings.models import Meeting

DESK_MAX_LENGTH = 50
SEARCH_LIMIT = 20


@dataclass(frozen=True)
class ScanResult:
    """What the desk shows after a scan."""

    result: CheckInResult
    message: str
    accreditation: Accreditation | None = None
    check_in: CheckIn | None = None
    #: For a re-entry: the first admission (its time and desk are in `message`).
    first: CheckIn | None = None

    @property
    def admitted(self) -> bool:
        return self.result != CheckInResult.REFUSED


@dataclass(frozen=True)
class LiveCount:
    entered: int
    approved: int


def _refusal_reasons() -> dict[str, str]:
    return {
        AccreditationStatus.PENDING: _("Not accredited yet: the accreditation is still pending."),
        AccreditationStatus.REJECTED: _("Refused: the accreditation was rejected."),
        AccreditationStatus.WITHDRAWN: _("Refused: the accreditation was withdrawn."),
        AccreditationStatus.REVOKED: _("Refused: the accreditation was revoked."),
    }


def local_time(check_in: CheckIn, meeting: Meeting, *, seconds: bool = False) -> str:
    """The time of a scan as the door sees it: HH:MM (or HH:MM:SS) in the meeting's zone."""
    try:
        zone = zoneinfo.ZoneInfo(meeting.time_zone or "UTC")
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = zoneinfo.ZoneInfo("UTC")
    return timezone.localtime(check_in.scanned_at, zone).strftime(
        "%H:%M:%S" if seconds else "%H:%M"
    )


def _accreditations() -> QuerySet[Accreditation]:
    return Accreditation.objects.select_related("delegate__reply__organisation")


def check_in(
    code_or_id: str | int, *, meeting: Meeting, desk: str, operator: User | None
) -> ScanResult:
    """Admit (or refuse) the holder of a badge code, or of an accreditation chosen by name
    (an int: the desk looked the person up), at `desk` of `meeting`; always records a row.
    """
    desk = desk.strip()[:DESK_MAX_LENGTH]
    version: int | None = None
    if isinstance(code_or_id, int):
        accreditation_id = code_or_id
    else:
        read = read_badge_code(code_or_id)
        if read is None:
            return _refuse(
                meeting, desk, operator, None, _("Unknown code: this is not a valid badge.")
            )
        accreditation_id, version = read
    accreditation = _accreditations().filter(pk=accreditation_id).first()
    if accreditation is None:
        return _refuse(meeting, desk, operator, None, _("Unknown badge: no such accreditation."))
    if accreditation.meeting_id != meeting.pk:
        return _refuse(
            meeting, desk, operator, accreditation, _("Refused: this badge is for another meeting.")
        )
    if version is not None and version != accreditation.badge_version:
        return _refuse(
            meeting,
            desk,
            operator,
            accreditation,
            _("Refused: this badge was replaced; this is an older badge."),
        )
    if accreditation.status != AccreditationStatus.APPROVED:
        reason = _refusal_reasons().get(accreditation.status, _("Refused: not accredited."))
        return _refuse(meeting, desk, operator, accreditation, reason)
    return _admit(meeting, desk, operator, accreditation)


def _refuse(
    meeting: Meeting,
    desk: str,
    operator: User | None,
    accreditation: Accreditation | None,
    reason: str,
) -> ScanResult:
    row = CheckIn.objects.create(
        accreditation=accreditation,
        meeting=meeting,
        result=CheckInResult.REFUSED,
        reason=reason[:200],
        desk=desk,
        operator=operator,
    )
    return ScanResult(CheckInResult.REFUSED, reason, accreditation, row)


def _admit(
    meeting: Meeting, desk: str, operator: User | None, accreditation: Accreditation
) -> ScanResult:
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: the losing desk of a race lands here
                row = CheckIn.objects.create(
                    accreditation=accreditation,
                    meeting=meeting,
                    result=CheckInResult.ENTERED,
                    desk=desk,
                    operator=operator,
                )
        except IntegrityError:
            pass
        else:
            return ScanResult(CheckInResult.ENTERED, _("Welcome."), accreditation, row)
        first = CheckIn.objects.get(accreditation=accreditation, result=CheckInResult.ENTERED)
        message = _("Already checked in at %(time)s, desk %(desk)s.") % {
            "time": local_time(first, meeting),
            "desk": first.desk,
        }
        row = CheckIn.objects.create(
            accreditation=accreditation,
            meeting=meeting,
            result=CheckInResult.REENTERED,
            reason=message[:200],
            desk=desk,
            operator=operator,
        )
    return ScanResult(CheckInResult.REENTERED, message, accreditation, row, first)


def live_count(meeting: Meeting) -> LiveCount:
    """People checked in (each once) and people accredited, for the meeting."""
    entered = CheckIn.objects.filter(meeting=meeting, result=CheckInResult.ENTERED).count()
    approved = Accreditation.objects.filter(
        meeting=meeting, status=AccreditationStatus.APPROVED
    ).count()
    return LiveCount(entered=entered, approved=approved)


def search(meeting: Meeting, query: str, *, limit: int = SEARCH_LIMIT) -> list[Accreditation]:
    """Accreditations of the meeting whose delegate or organisation matches every word
    (case-insensitive; accents must match on PostgreSQL as typed), or the badge number."""
    words = search_words(query)[:5]
    if not words and not query.strip():
        return []
    found = _accreditations().filter(meeting=meeting)
    terms = words or [query.strip()]
    for word in terms:
        found = found.filter(
            Q(delegate__family_name__icontains=word)
            | Q(delegate__given_name__icontains=word)
            | Q(passport_family_name__icontains=word)
            | Q(passport_given_name__icontains=word)
            | Q(delegate__reply__organisation__search_text__contains=word)
            | Q(badge_number__iexact=word)
        )
    return list(found.order_by("delegate__family_name", "delegate__given_name", "id")[:limit])
