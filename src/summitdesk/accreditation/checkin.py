"""Check-in at the door: a scan (or a name chosen at the desk, or a badge number typed
there) becomes one CheckIn row.

The first admission of an accreditation is an `entered` row; the database holds at most
one per accreditation (a partial unique constraint), so two desks scanning the same badge
at the same instant cannot both count it: the insert of the one that loses the race does
nothing (lib.inserts: ON CONFLICT DO NOTHING, one statement instead of a savepoint around
it) and it records a re-entry instead. Every refusal is recorded too, with its reason, the
desk and the operator.
"""

import datetime
import functools
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.accreditation.badges import read_badge_code
from summitdesk.accreditation.enums import AccreditationStatus, CheckInResult
from summitdesk.accreditation.models import Accreditation, CheckIn
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import User
from summitdesk.lib import dates
from summitdesk.lib.inserts import insert_unless_taken
from summitdesk.lib.text import fold, search_words
from summitdesk.meetings.models import Meeting

DESK_MAX_LENGTH = 50
SEARCH_LIMIT = 20
#: How long after an admission its desk may still undo it (a wrong person chosen by name,
#: a badge scanned by mistake): long enough to notice, short enough that the count holds.
UNDO_WINDOW = datetime.timedelta(minutes=5)


class UndoRefused(Exception):
    """An admission that cannot be undone; the message says why, for the desk."""


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
    code_or_id: str | int,
    *,
    meeting: Meeting,
    desk: str,
    actor: Actor,
    badge_numbers: bool = False,
    rule: Callable[[Accreditation], str | None] | None = None,
    on_admit: Callable[[Accreditation, CheckIn], None] | None = None,
    related: tuple[str, ...] = (),
) -> ScanResult:
    """Admit (or refuse) the holder of a badge code, or of an accreditation chosen by name
    (an int: the desk looked the person up), at `desk` of `meeting`; always records a row.
    With `badge_numbers` (the desk, where a person reads the badge), a badge number of the
    meeting typed instead of the code is accepted too; gates and the API scan codes only,
    since numbers follow one another and can be guessed.
    The row records `actor`'s staff member as the desk's operator (none for an API token),
    and the admission's audit entry names `actor` (`desk_actor` for a desk).
    A door with conditions of its own (the venue's zones and valid dates) passes `rule`,
    which gives the reason to refuse an approved accreditation or None, and `on_admit`,
    called in the admission's transaction with the row recorded (entry or re-entry);
    `related` names more relations of the accreditation that `rule` reads (`select_related`:
    read with it, in the same query).
    """
    desk = desk.strip()[:DESK_MAX_LENGTH]
    operator = actor.user
    version: int | None = None
    if isinstance(code_or_id, int):
        accreditation_id = code_or_id
    else:
        read = read_badge_code(code_or_id)
        numbered = badge_number_of(meeting, code_or_id) if read is None and badge_numbers else None
        if read is not None:
            accreditation_id, version = read
        elif numbered is not None:
            accreditation_id = numbered
        else:
            return _refuse(
                meeting, desk, operator, None, _("Unknown code: this is not a valid badge.")
            )
    accreditation = _accreditations().select_related(*related).filter(pk=accreditation_id).first()
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
    if accreditation.delegate.online:
        return _refuse(
            meeting,
            desk,
            operator,
            accreditation,
            _("Refused: registered to take part online only."),
        )
    refusal = rule(accreditation) if rule is not None else None
    if refusal is not None:
        return _refuse(meeting, desk, operator, accreditation, refusal)
    return _admit(meeting, desk, operator, accreditation, actor, on_admit)


def desk_actor(user: User | None, desk: str) -> Actor:
    """The actor of the scans and undos made by `user` at the check-in desk `desk`."""
    return Actor(user=user, channel=Channel.BACKOFFICE, label=f"check-in desk {desk}")


def badge_number_of(meeting: Meeting, typed: str) -> int | None:
    """The accreditation of `meeting` whose badge number is `typed`, ignoring case and
    spaces ("00 042" is 00042), or None. Only an exact number: a typing slip that is the
    number of someone else would admit the wrong person."""
    number = "".join(typed.split())
    if not number:
        return None
    return (
        Accreditation.objects.filter(meeting=meeting, badge_number__iexact=number)
        .values_list("pk", flat=True)
        .first()
    )


def needs_identity_document(accreditation: Accreditation) -> bool:
    """Whether the door must see an identity document: without a photo, nobody can
    compare the face with the badge's holder; and a badge collected by someone else (a
    delegation's pickup) until the holder's document was seen once at the door
    (`record_identity_check`)."""
    if not accreditation.photo.name:
        return True
    return accreditation.identity_check_due and accreditation.identity_checked_at is None


def identity_check_reason(accreditation: Accreditation) -> str:
    """Why the door checks an identity document ("" when it need not)."""
    if not needs_identity_document(accreditation):
        return ""
    if not accreditation.photo.name:
        return _("Check an identity document: there is no photo of this person.")
    return _("Check an identity document: someone else collected this badge.")


def record_identity_check(accreditation: Accreditation, *, actor: Actor) -> bool:
    """The door saw the holder's identity document: it no longer asks for it (a badge
    without a photo always asks). Returns False when it was already recorded."""
    with transaction.atomic():
        locked = Accreditation.objects.select_for_update().get(pk=accreditation.pk)
        if locked.identity_checked_at is not None:
            return False
        locked.identity_checked_at = timezone.now()
        locked.save(update_fields=["identity_checked_at", "updated_at"])
        audit.record(
            locked,
            "summitdesk.accreditation.identity_checked",
            actor=actor,
            changes={"identity_checked": [None, locked.identity_checked_at.isoformat()]},
            organisation_id=accreditation.delegate.reply.organisation_id,
        )
    accreditation.identity_checked_at = locked.identity_checked_at
    return True


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
    meeting: Meeting,
    desk: str,
    operator: User | None,
    accreditation: Accreditation,
    actor: Actor,
    on_admit: Callable[[Accreditation, CheckIn], None] | None = None,
) -> ScanResult:
    with transaction.atomic():
        first = None
        for _attempt in range(3):
            row = CheckIn(
                accreditation=accreditation,
                meeting=meeting,
                result=CheckInResult.ENTERED,
                desk=desk,
                operator=operator,
            )
            # The losing desk of a race: its insert waits for the winner's, then does nothing.
            if insert_unless_taken(row):
                _record_entry(accreditation, row, actor)
                if on_admit is not None:
                    on_admit(accreditation, row)
                return ScanResult(CheckInResult.ENTERED, _("Welcome."), accreditation, row)
            # Locked, so that an undo of that admission at its desk waits for this re-entry
            # (and then sees it); one undone in between is gone: try to enter again.
            first = (
                CheckIn.objects.select_for_update()
                .filter(accreditation=accreditation, result=CheckInResult.ENTERED)
                .first()
            )
            if first is not None:
                break
        if first is None:  # undone three times over in a few milliseconds: never seen
            raise RuntimeError("check-in: the first admission kept disappearing")
        message = _("Already checked in at %(time)s, desk %(desk)s.") % {
            "time": dates.format_time(first.scanned_at, meeting.time_zone or "UTC"),
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
        if on_admit is not None:
            on_admit(accreditation, row)
    return ScanResult(CheckInResult.REENTERED, message, accreditation, row, first)


def _record_entry(accreditation: Accreditation, row: CheckIn, actor: Actor) -> None:
    """The audit entry of an admission, in the admission's transaction: integrations
    (webhooks) learn of check-ins from it. One insert: the accreditation, its delegate and
    organisation are already loaded. Re-entries and refusals stay CheckIn rows only."""
    audit.record(
        accreditation,
        "summitdesk.accreditation.checked_in",
        actor=actor,
        changes={"checked_in": [None, row.scanned_at.isoformat()], "desk": [None, row.desk]},
        organisation_id=accreditation.delegate.reply.organisation_id,
    )


def undo_refusal(
    row: CheckIn, *, desk: str, actor: Actor, now: datetime.datetime | None = None
) -> str | None:
    """Why the desk `desk`, worked by `actor`'s staff member, may not undo the admission
    `row`, or None when it may. Only an admission (a re-entry or a refusal changes no
    count), only by the staff member who made it at this desk (desk names are free text,
    shared by whoever types them: the operator is what identifies who saw the person),
    only the last one they made there, within UNDO_WINDOW, and not once the badge was
    scanned again (the person was seen at the door since)."""
    if row.result != CheckInResult.ENTERED or row.accreditation_id is None:
        return _("Only an admission can be undone: a re-entry or a refusal changes no count.")
    operator = actor.user
    if operator is None or row.operator_id != operator.pk or row.desk != desk:
        return _("Only the staff member who admitted this person, at this desk, can undo it.")
    if (now or timezone.now()) - row.scanned_at > UNDO_WINDOW:
        return _("Too late to undo: an admission can be undone for %(minutes)d minutes.") % {
            "minutes": int(UNDO_WINDOW.total_seconds() // 60)
        }
    later = CheckIn.objects.filter(
        meeting_id=row.meeting_id,
        desk=row.desk,
        operator_id=row.operator_id,
        result=CheckInResult.ENTERED,
        id__gt=row.pk,
    )
    if later.exists():
        return _("Only the last admission of this desk can be undone.")
    if CheckIn.objects.filter(accreditation_id=row.accreditation_id, id__gt=row.pk).exists():
        return _("The badge was scanned again since this admission: it can no longer be undone.")
    return None


def undo_admission(check_in_id: int, *, meeting: Meeting, desk: str, actor: Actor) -> Accreditation:
    """Undo the admission `check_in_id` made at `desk` of `meeting` by `actor`'s staff
    member (see `undo_refusal`), or raise UndoRefused saying why not. The row is deleted,
    so the person no longer counts as checked in and a later scan admits them again; the
    audit entry records the admission that was undone. The row is locked first: two undos
    at once undo once, and a re-entry being recorded finishes before the undo looks."""
    desk = desk.strip()[:DESK_MAX_LENGTH]
    with transaction.atomic():
        row = CheckIn.objects.select_for_update().filter(pk=check_in_id, meeting=meeting).first()
        if row is None:
            raise UndoRefused(_("There is no such admission: it may have been undone already."))
        refusal = undo_refusal(row, desk=desk, actor=actor)
        if refusal is not None or row.accreditation_id is None:
            raise UndoRefused(refusal or "")
        accreditation = _accreditations().get(pk=row.accreditation_id)
        audit.record(
            accreditation,
            "summitdesk.accreditation.check_in_undone",
            actor=actor,
            changes={
                "checked_in": [row.scanned_at.isoformat(), None],
                "desk": [row.desk, None],
            },
            organisation_id=accreditation.delegate.reply.organisation_id,
        )
        row.delete()
    return accreditation


#: Characters beyond ASCII looked at when a folded search word is matched in the database.
_LETTER_RANGES = ((0x00C0, 0x0250), (0x1E00, 0x1F00), (0x0370, 0x0530))


@functools.cache
def _variants() -> dict[str, str]:
    """For each folded letter, the letters that fold to it (both cases): "u" -> "uUùúûüÜ…"."""
    found: dict[str, set[str]] = {}
    for start, end in _LETTER_RANGES:
        for code in range(start, end):
            char = chr(code)
            folded = fold(char)
            if len(folded) == 1 and folded != char:
                found.setdefault(folded, {folded, folded.upper()}).add(char)
    return {letter: "".join(sorted(chars)) for letter, chars in found.items()}


#: Letters that fold to two: a word typed "strasse" finds "Straße".
_PAIRS = {"ss": "ßẞ", "ae": "æÆ", "oe": "œŒ"}


def folded_pattern(word: str) -> str:
    """A regular expression (the same on SQLite and PostgreSQL) that finds `word`, already
    folded, in text that is not: every letter also matches its accented forms, and
    combining marks may follow it. Names of delegates are stored as typed; the directory
    stores a folded copy, delegates have none."""
    variants = _variants()

    def letter(char: str) -> str:
        if char in variants:
            return f"[{variants[char]}]"
        if char.upper() != char:  # the database's case folding may not know every script
            return f"[{char}{char.upper()}]"
        return re.escape(char)

    marks = "[\u0300-\u036f]*"
    parts: list[str] = []
    index = 0
    while index < len(word):
        pair = word[index : index + 2]
        char = word[index]
        if pair in _PAIRS:
            parts.append(f"(?:{letter(char)}{marks}{letter(pair[1])}|[{_PAIRS[pair]}])")
            index += 2
        else:
            parts.append(letter(char))
            index += 1
        parts.append(marks)
    return "".join(parts)


def search(meeting: Meeting, query: str, *, limit: int = SEARCH_LIMIT) -> list[Accreditation]:
    """Accreditations of the meeting whose delegate or organisation matches every word, or
    the badge number. Case and accents are ignored on both sides, as in the directory:
    "Muller" finds "Müller", "José" finds "Jose" (see `folded_pattern`)."""
    words = search_words(query)[:5]
    if not words and not query.strip():
        return []
    # Online participants have no door: the desk does not list them.
    found = _accreditations().filter(meeting=meeting, delegate__online=False)
    for word in words or [query.strip()]:
        pattern = folded_pattern(word)
        found = found.filter(
            Q(delegate__family_name__iregex=pattern)
            | Q(delegate__given_name__iregex=pattern)
            | Q(passport_family_name__iregex=pattern)
            | Q(passport_given_name__iregex=pattern)
            | Q(delegate__reply__organisation__search_text__contains=word)
            | Q(badge_number__iexact=word)
        )
    return list(found.order_by("delegate__family_name", "delegate__given_name", "id")[:limit])
