"""Lines of Arabic in the PDFs do not touch: in the List of Participants (a function that
wraps onto a second line, person after person) and on a badge (a name, an organisation's
name on two lines, its country), a blank row of pixels separates every two lines as
poppler draws the page. Arabic letters and marks reach above the Latin capitals and below
the baseline: lines measured on Latin capitals collided."""

from typing import Any

import pytest

from summitdesk.accreditation import badges
from summitdesk.lib.documents import render_pdf
from summitdesk.reports.participants import document
from tests.conftest import ink_lines

pytestmark = pytest.mark.integration  # pdftoppm runs in a process of its own

NAMES = [
    "عبد الرحمن الشريف",
    "فاطمة الزهراء بنعلي",
    "محمد يوسف القحطاني",
    "ليلى عبد الله الفارسي",
    "خالد إبراهيم المنصوري",
]
# Long enough to take two lines in its column.
FUNCTION = (
    "مستشار أول لشؤون الاتصالات الدولية والتنظيم والسياسات في وزارة الاتصالات وتقانة المعلومات"
)


def text_lines(lines: list[tuple[int, int]]) -> list[int]:
    """The heights of the runs of ink tall enough to be a line of text (at least 8 px at
    150 dpi): the dots under a line's letters may make a run of their own, a few pixels
    high. Two lines that touch make one run, twice as high."""
    return [bottom - top for top, bottom in lines if bottom - top >= 8]


def arabic_list(people: int) -> dict[str, Any]:
    return {
        "meeting": "القمة العالمية لمجتمع المعلومات",
        "edition": "قائمة مؤقتة، الإصدار 1",
        "date": "7 ديسمبر 2026",
        "language": "ar",
        "direction": "rtl",
        "not_shown_line": "",
        "removed_line": "",
        "labels": {"title": "قائمة المشاركين", "page": "صفحة", "head": "رئيس الوفد"},
        "groups": [
            {
                "key": "governments",
                "title": "الحكومات",
                "sections": [
                    {
                        "key": "member_state",
                        "title": "الدول الأعضاء",
                        "delegations": [
                            {
                                "name": "المملكة العربية السعودية",
                                "people": [
                                    {
                                        "name": NAMES[number % len(NAMES)],
                                        "function": FUNCTION,
                                        "head": number == 0,
                                        "id": number,
                                    }
                                    for number in range(people)
                                ],
                            }
                        ],
                    }
                ],
            }
        ],
    }


def test_list_of_participants_arabic_lines_never_touch() -> None:
    pdf = document.render_list(arabic_list(10))
    # The functions' column: the left half of a right-to-left page, below the titles.
    heights = text_lines(ink_lines(pdf, (0.06, 0.22, 0.48, 0.92)))
    assert len(heights) == 20, f"10 functions of two lines each, drawn as {heights}"
    # Each is one line of 9 pt (about 19 px at 150 dpi), never two run together.
    assert max(heights) < 30, heights


def test_badge_arabic_lines_never_touch() -> None:
    badge = {
        "given_name": "عبد الرحمن",
        "family_name": "الشريف",
        "title": "",
        "organisation": "هيئة الاتصالات وتقنية المعلومات في المملكة العربية السعودية (CITC)",
        "country": "المملكة العربية السعودية",
        "category": "الدول الأعضاء",
        "band": "#1f4e79",
        "ink": "#ffffff",
        "badge_number": "A-0042",
        "meeting_title": "القمة العالمية لمجتمع المعلومات، المرحلة الأولى والاجتماعات التحضيرية",
        "meeting_dates": "10-12 ديسمبر 2026",
        "meeting_place": "جنيف",
        "qr_svg": badges.qr_svg("A-0042"),
        "photo": "",
    }
    pdf = render_pdf(badges.TEMPLATE, badges.sheet_data([badge]))
    # Under the photo: given name, family name, the organisation on two lines, country.
    below_photo = text_lines(ink_lines(pdf, (0.04, 0.47, 0.96, 0.85)))
    assert len(below_photo) == 5, below_photo
    # Above it: the meeting's title on two lines, then its place and dates.
    above_photo = text_lines(ink_lines(pdf, (0.04, 0.02, 0.96, 0.17)))
    assert len(above_photo) == 3, above_photo
