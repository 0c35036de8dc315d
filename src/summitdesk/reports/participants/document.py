"""The List of Participants as a PDF: the JSON data of the Typst template
(`list_of_participants.typ`), its render, and the staff's preview PDF."""

import datetime
import zoneinfo
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from summitdesk.correspondence.letters import RTL_LANGUAGES
from summitdesk.lib import dates
from summitdesk.lib.documents import render_pdf
from summitdesk.lib.localized import localized
from summitdesk.meetings.models import Meeting
from summitdesk.reports.models import EditionKind
from summitdesk.reports.participants.listing import build_list, merge_pages, not_shown_line

CONTENT_TYPE = "application/pdf"
TEMPLATE = Path(__file__).resolve().parent.parent / "templates_typst" / "list_of_participants.typ"
#: Up to this many pages, the preview offers the whole list as a PDF (~10,000 people,
#: a few seconds); beyond, the page shown only.
PREVIEW_PDF_PAGES = 40


def removed_line(count: int) -> str:
    """What the next edition says of the people the previous one listed and it does not."""
    if count == 0:
        return ""
    return ngettext(
        "%(count)s participant listed in the previous edition is no longer listed.",
        "%(count)s participants listed in the previous edition are no longer listed.",
        count,
    ) % {"count": formats.number_format(count, force_grouping=True)}


def edition_label(kind: str, number: int | None) -> str:
    if number is None:
        return _("Preview (not published)")
    if kind == EditionKind.FINAL:
        return _("Final list, edition %(number)s") % {"number": number}
    return _("Provisional list, edition %(number)s") % {"number": number}


def list_document(
    meeting: Meeting,
    *,
    edition: str,
    date: datetime.date,
    not_shown: int,
    pages: Iterable[dict[str, Any]],
    removed: int = 0,
) -> dict[str, Any]:
    """The JSON data of the PDF template, in the active language."""
    language = translation.get_language() or "en"
    return {
        "meeting": localized(meeting, "title"),
        "edition": edition,
        "date": dates.format_date(date),
        "language": language.split("-")[0],
        "direction": "rtl" if language.split("-")[0] in RTL_LANGUAGES else "ltr",
        "not_shown_line": not_shown_line(not_shown),
        "removed_line": removed_line(removed),
        "labels": {
            "title": _("List of Participants"),
            "page": _("Page"),
            "head": _("Head of delegation"),
        },
        "groups": merge_pages(pages)["groups"],
    }


def render_list(document: dict[str, Any]) -> bytes:
    """The PDF of `list_document`'s data (no query)."""
    return render_pdf(TEMPLATE, document)


def meeting_today(meeting: Meeting) -> datetime.date:
    """Today at the meeting's venue: the date an edition carries."""
    return timezone.now().astimezone(zoneinfo.ZoneInfo(meeting.time_zone)).date()


def preview_pdf(meeting: Meeting, *, page: int | None = None) -> bytes:
    """The list as it stands, marked as a preview: what publishing would print. The whole
    list, or one page of it (a long list takes too long to render in a request)."""
    current = build_list(meeting, page=page)
    document = list_document(
        meeting,
        edition=edition_label(EditionKind.PROVISIONAL, None),
        date=meeting_today(meeting),
        not_shown=current.not_shown,
        pages=(current.page_data(n) for n in sorted(current.pages)),
    )
    return render_list(document)
