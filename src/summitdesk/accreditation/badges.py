"""Badges: the signed code in the QR, the data a badge template prints, and reissue.

The code carries only (accreditation id, badge version), signed with the project's secret
key (salt "summitdesk.badge"; a code made with a key since moved to
SECRET_KEY_FALLBACKS still reads): nothing personal, and nothing a stranger can forge. A
badge is reissued by bumping `badge_version`; the code on the older badge then reads as
that older version, which check-in compares with the current one and refuses.

The code is made from the accreditation as approved, not at printing: the same
accreditation and version always give the same code (signing is deterministic).
"""

from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core import signing
from django.core.files.storage import default_storage
from django.db import transaction

from summitdesk.accreditation.enums import AccreditationStatus, BadgeLayout
from summitdesk.accreditation.layouts import layout_data
from summitdesk.accreditation.models import Accreditation
from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.delegations.participant_types import type_of, types_of
from summitdesk.directory.enums import Category
from summitdesk.lib import dates, qr
from summitdesk.lib.countries import country_name
from summitdesk.lib.documents import render_pdf, render_png
from summitdesk.meetings.models import ParticipantType

SALT = "summitdesk.badge"
#: The main file: places badges on pages as the layout says, each drawn by DESIGN.
TEMPLATE = Path(__file__).resolve().parent / "templates_typst" / "badge_sheet.typ"
#: The built-in design of one badge (a meeting may replace it: badge_templates).
DESIGN = TEMPLATE.parent / "badge.typ"
QR_MASK = 4
QR_BORDER = qr.QR_BORDER

#: The colour band of each category: (band colour, text colour on it). Eight hues far
#: apart; dark bands carry white text, the two light ones (yellow, orange) black text.
CATEGORY_COLOURS: dict[str, tuple[str, str]] = {
    Category.MEMBER_STATE: ("#1f4e9c", "#ffffff"),
    Category.SECTOR_MEMBER: ("#00796b", "#ffffff"),
    Category.ASSOCIATE: ("#6a1b9a", "#ffffff"),
    Category.ACADEMIA: ("#f9c22e", "#000000"),
    Category.BUSINESS_ENTITY: ("#37474f", "#ffffff"),
    Category.CIVIL_SOCIETY: ("#2e7d32", "#ffffff"),
    Category.INTERNATIONAL_ORGANISATION: ("#b71c1c", "#ffffff"),
    Category.MEDIA: ("#f57c00", "#000000"),
}
DEFAULT_COLOURS = ("#616161", "#ffffff")


class BadgeError(Exception):
    """A badge cannot be issued for this accreditation (not approved, say)."""


def _signer() -> signing.Signer:
    """Made at each use, from the keys in force: SECRET_KEY signs; a code signed with one
    of SECRET_KEY_FALLBACKS (a key since replaced) still reads, so printed badges keep
    opening doors when the key is rotated."""
    return signing.Signer(salt=SALT)


def badge_code(accreditation: Accreditation) -> str:
    """The signed identifier printed in the badge's QR code: (id, badge_version) only.

    Compact JSON, base64, and an HMAC-SHA256 signature (django.core.signing.Signer, no
    timestamp): the same accreditation and version always give the same code, fixed when
    the accreditation is approved (which sets the version), whenever the badge is printed.
    """
    return _signer().sign_object([accreditation.pk, accreditation.badge_version])


def read_badge_code(code: str) -> tuple[int, int] | None:
    """(accreditation id, badge version) of a genuine code, or None for anything else.

    A code of an older badge reads as its own version: the caller compares it with the
    accreditation's current `badge_version`.
    """
    if not isinstance(code, str) or len(code) > 200:
        return None
    try:
        value = _signer().unsign_object(code.strip())
    except (signing.BadSignature, ValueError, UnicodeDecodeError):
        return None
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(type(part) is int and part >= 0 for part in value)
    ):
        return value[0], value[1]
    return None


def qr_svg(code: str) -> str:
    """An SVG QR code of `code` with the mask fixed (any mask gives a valid code; scoring
    all eight costs time): print runs make ten thousand of these."""
    return qr.qr_svg(code, mask=QR_MASK)


def photo_kind(content: bytes) -> str:
    """'jpg' or 'png' from the file's first bytes; '' when it is neither."""
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    return ""


def read_photo(accreditation: Accreditation) -> tuple[str, bytes] | None:
    """(safe file name, content) of the accreditation's photo, or None (no photo, a file
    gone missing, or not a JPEG/PNG): the badge then shows a neutral box.

    The badge-size copy when there is one (photos saved before it existed have none)."""
    name = accreditation.badge_photo.name or accreditation.photo.name
    if not name:
        return None
    try:
        with default_storage.open(name, "rb") as file:
            content = file.read()
    except OSError:
        return None
    kind = photo_kind(content)
    if not kind:
        return None
    return f"photo-{accreditation.pk}.{kind}", content


def _dates(accreditation: Accreditation) -> str:
    meeting = accreditation.meeting
    start, end = meeting.start_date, meeting.end_date
    if start and end and start != end:
        return f"{dates.format_date(start)} \u2013 {dates.format_date(end)}"
    if start:
        return dates.format_date(start)
    return ""


def _ink(colour: str) -> str:
    """Black or white text, whichever reads better on `colour` (#rrggbb)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return "#000000" if 0.299 * red + 0.587 * green + 0.114 * blue > 150 else "#ffffff"


def type_mark(participant_type: ParticipantType | None) -> dict[str, str]:
    """What a badge shows of the participant type: its label on its colour."""
    if participant_type is None:
        return {"participant_type": "", "type_label": "", "type_colour": "", "type_ink": ""}
    colour = participant_type.badge_colour
    return {
        "participant_type": str(participant_type),
        "type_label": participant_type.badge_label or str(participant_type).upper(),
        "type_colour": colour,
        "type_ink": _ink(colour),
    }


def badge_data(
    accreditation: Accreditation,
    *,
    photo: str = "",
    types: Mapping[str, ParticipantType] | None = None,
) -> dict[str, Any]:
    """The JSON one badge template reads. `photo` is the name under which the photo is
    passed in `files` ("" for the placeholder box).

    Queries: none when delegate__reply__organisation and meeting are selected with it and
    `types` (the meeting's participant types) is given.
    """
    delegate = accreditation.delegate
    organisation = delegate.reply.organisation
    category = organisation.category
    band, ink = CATEGORY_COLOURS.get(category, DEFAULT_COLOURS)
    meeting = accreditation.meeting
    return {
        "given_name": delegate.given_name,
        "family_name": delegate.family_name,
        "title": delegate.title,
        "organisation": organisation.name,
        "country": country_name(organisation.country),
        "category": str(Category(category).label) if category in Category.values else category,
        "band": band,
        "ink": ink,
        "badge_number": accreditation.badge_number,
        "meeting_title": meeting.title,
        "meeting_dates": _dates(accreditation),
        "meeting_place": meeting.city,
        "qr_svg": qr_svg(badge_code(accreditation)),
        "photo": photo,
        **type_mark(type_of(delegate, types)),
    }


def badge_documents(
    accreditations: list[Accreditation],
) -> tuple[list[dict[str, Any]], dict[str, bytes]]:
    """The data and files for printing `accreditations` as one document."""
    data = []
    files: dict[str, bytes] = {}
    types: dict[int, dict[str, ParticipantType]] = {}
    for accreditation in accreditations:
        photo = read_photo(accreditation)
        if photo is not None:
            files[photo[0]] = photo[1]
        if accreditation.meeting_id not in types:
            types[accreditation.meeting_id] = types_of(accreditation.meeting_id)
        data.append(
            badge_data(
                accreditation,
                photo=photo[0] if photo else "",
                types=types[accreditation.meeting_id],
            )
        )
    return data, files


def sheet_data(
    badges: list[dict[str, Any]],
    *,
    layout: str = BadgeLayout.CARD,
    offset_top: Decimal = Decimal(0),
    offset_left: Decimal = Decimal(0),
) -> dict[str, Any]:
    """The JSON of a badge document: the layout, and the badges' data."""
    return {
        "layout": layout_data(layout, offset_top=offset_top, offset_left=offset_left),
        "badges": badges,
    }


def render_badges(
    accreditations: list[Accreditation],
    *,
    layout: str = BadgeLayout.CARD,
    offset_top: Decimal = Decimal(0),
    offset_left: Decimal = Decimal(0),
) -> bytes:
    """Badges as one PDF, placed as `layout` says (one a page by default, for a card
    printer), with the built-in design."""
    if not accreditations:
        raise ValueError("No badges to render.")
    data, files = badge_documents(accreditations)
    document = sheet_data(data, layout=layout, offset_top=offset_top, offset_left=offset_left)
    return render_pdf(TEMPLATE, document, files=files)


def render_badge_png(
    accreditation: Accreditation, *, ppi: float = 200.0, layout: str = BadgeLayout.CARD
) -> bytes:
    """One badge (on the first page of `layout`) as a PNG image: a preview, and the tests
    that read its QR code."""
    data, files = badge_documents([accreditation])
    return render_png(TEMPLATE, sheet_data(data, layout=layout), files=files, ppi=ppi)[0]


def printable(accreditation: Accreditation) -> bool:
    return (
        accreditation.status == AccreditationStatus.APPROVED
        and accreditation.badge_version > 0
        and bool(accreditation.badge_number)
        and not accreditation.delegate.online
    )


def reissue_badge(accreditation: Accreditation, *, actor: Actor, reason: str = "") -> int:
    """A new badge version for an approved accreditation (a lost badge, a corrected name).

    The older badge's code stops opening doors: it reads as the older version. Returns the
    new version; the badge is printed by a print run as any other. Raises BadgeError when
    the accreditation is not approved.
    """
    with transaction.atomic():
        locked = Accreditation.objects.select_for_update().get(pk=accreditation.pk)
        if not printable(locked):
            raise BadgeError("Only an approved accreditation with a badge number has a badge.")
        before = locked.badge_version
        locked.badge_version = before + 1
        locked.save(update_fields=["badge_version", "updated_at"])
        audit.record(
            locked,
            "badge_reissued",
            actor=actor,
            changes={"badge_version": [before, locked.badge_version]},
            note=reason,
        )
    accreditation.badge_version = locked.badge_version
    return locked.badge_version
