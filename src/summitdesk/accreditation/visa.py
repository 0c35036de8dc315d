"""Visa support letters: a PDF for an approved delegate, on request, from a template.

The letter names the delegate as in the passport, with nationality and document number,
and the meeting with its dates and venue, over a signatory. The signatory and the
letterhead come from settings (SUMMITDESK_VISA_SIGNATORY_NAME, _TITLE, and
SUMMITDESK_VISA_LETTERHEAD, a list of lines), with neutral defaults; the venue is the
meeting's city and country, or SUMMITDESK_VISA_VENUE when set. The badge code is not
printed: the letter goes to embassies, and the code opens the meeting's doors.
"""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.lib import dates
from summitdesk.lib.countries import country_name
from summitdesk.lib.documents import render_pdf

TEMPLATE = Path(__file__).resolve().parent / "templates_typst" / "visa_letter.typ"

DEFAULT_SIGNATORY_NAME = "The Executive Secretariat"
DEFAULT_LETTERHEAD = ["World Summit on the Information Society", "Executive Secretariat"]


class VisaLetterError(Exception):
    """No letter for this accreditation (not approved, or the passport data is missing)."""


def _country(code: str) -> str:
    # The letter's words are English (visa_letter.typ): its country names too.
    return country_name(code, "en")


def _date(value: Any) -> str:
    return dates.format_date(value) if value else ""


def why_no_letter(accreditation: Accreditation) -> str:
    """Why no visa support letter can be written for `accreditation` (not approved; no
    passport name or document number), in words for staff; empty when one can."""
    if accreditation.status != AccreditationStatus.APPROVED:
        return _("A visa support letter is only for an approved delegate.")
    if not accreditation.passport_family_name or not accreditation.document_number:
        return _(
            "Not yet: the passport names and document number are needed for a visa support letter."
        )
    return ""


def visa_letter_data(accreditation: Accreditation) -> dict[str, Any]:
    """The JSON the visa letter template reads. Raises VisaLetterError when no letter can
    be written (see `why_no_letter`)."""
    reason = why_no_letter(accreditation)
    if reason:
        raise VisaLetterError(reason)
    delegate = accreditation.delegate
    family = accreditation.passport_family_name
    meeting = accreditation.meeting
    organisation = delegate.reply.organisation
    venue = getattr(settings, "SUMMITDESK_VISA_VENUE", "") or ", ".join(
        part
        for part in (meeting.city, _country(meeting.country) if meeting.country else "")
        if part
    )
    number = accreditation.badge_number or str(accreditation.pk)
    return {
        "letterhead": list(getattr(settings, "SUMMITDESK_VISA_LETTERHEAD", DEFAULT_LETTERHEAD)),
        "date": _date(timezone.localdate()),
        "reference": f"{meeting.code.upper()}/VISA/{number}",
        "given_names": accreditation.passport_given_name,
        "family_name": family,
        "date_of_birth": _date(accreditation.date_of_birth),
        "nationality": _country(delegate.nationality) if delegate.nationality else "",
        "document_number": accreditation.document_number,
        "document_expires": _date(accreditation.document_expires),
        "function": delegate.function,
        "organisation": organisation.name,
        "meeting_title": meeting.title,
        "start_date": _date(meeting.start_date),
        "end_date": _date(meeting.end_date),
        "venue": venue,
        "signatory_name": getattr(
            settings, "SUMMITDESK_VISA_SIGNATORY_NAME", DEFAULT_SIGNATORY_NAME
        ),
        "signatory_title": getattr(settings, "SUMMITDESK_VISA_SIGNATORY_TITLE", ""),
    }


def render_visa_letter(accreditation: Accreditation) -> bytes:
    """The visa support letter as a PDF (application/pdf)."""
    return render_pdf(TEMPLATE, visa_letter_data(accreditation))
