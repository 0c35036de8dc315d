"""Badge layouts: a card a page, four or six badges on A4, offsets, the QR code's size."""

import io
from decimal import Decimal

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from summitdesk.accreditation import badges, layouts
from summitdesk.accreditation.enums import BadgeLayout
from summitdesk.accreditation.models import Accreditation
from summitdesk.lib.documents import render_png
from summitdesk.lib.qr import qr_modules
from summitdesk.meetings.models import Meeting
from tests.accreditation.builders import (
    loaded,
    make_accreditations,
)
from tests.factories import MeetingFactory

MM = 72 / 25.4  # PDF points in a millimetre


@pytest.fixture
def meeting(db: None) -> Meeting:
    return MeetingFactory(code="wsis-geneva", title="World Summit on the Information Society")


def seven(meeting: Meeting) -> list[Accreditation]:
    names = [(f"Given{index}", f"Family{index}") for index in range(7)]
    return [loaded(item) for item in make_accreditations(meeting, names)]


@pytest.mark.parametrize(
    ("layout", "size", "pages"),
    [
        (BadgeLayout.CARD, (100, 140), 7),
        (BadgeLayout.A4_FOUR, (210, 297), 2),
        (BadgeLayout.A4_SIX, (210, 297), 2),
    ],
)
def test_layout_page_size_and_count(
    meeting: Meeting, layout: str, size: tuple[int, int], pages: int
) -> None:
    pdf = badges.render_badges(seven(meeting), layout=layout)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == pages
    for page in reader.pages:
        box = page.mediabox
        assert (round(float(box.width) / MM), round(float(box.height) / MM)) == size
    text = "".join(page.extract_text() for page in reader.pages)
    for index in range(7):
        assert f"Family{index}" in text and f"Given{index}" in text
    per_page = layouts.sheet(layout).per_page
    first = reader.pages[0].extract_text()
    assert [f"Family{index}" in first for index in range(7)] == [
        index < per_page for index in range(7)
    ]


def qr_sides(png: bytes) -> list[float]:
    """The width in pixels of each QR code found on the page."""
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    sides = []
    for result in results:
        assert result.format == zxingcpp.BarcodeFormat.QRCode
        position = result.position
        sides.append(float(position.top_right.x - position.top_left.x))
    return sides


def test_qr_code_has_the_same_printed_size_in_every_layout(meeting: Meeting) -> None:
    [accreditation] = [loaded(item) for item in make_accreditations(meeting, [("A", "B")])]
    sides = {}
    for layout in BadgeLayout.values:
        png = badges.render_badge_png(accreditation, ppi=150, layout=layout)
        [side] = qr_sides(png)
        sides[layout] = side
        code = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))[0].text
        assert badges.read_badge_code(code) == (accreditation.pk, 1)
    # 32 mm wide, four modules of quiet zone each side included; zxing measures the
    # symbol from corner to corner (its finder patterns' outer edges).
    modules = qr_modules(badges.badge_code(accreditation))
    expected = 32 / 25.4 * 150 * modules / (modules + 2 * badges.QR_BORDER)
    # Within 2 pixels (a third of a millimetre, under half a module): rasterising rounds.
    assert {layout: abs(side - expected) <= 2 for layout, side in sides.items()} == {
        layout: True for layout in BadgeLayout.values
    }, (sides, expected)


def test_every_badge_of_a_sheet_has_its_readable_qr_code(meeting: Meeting) -> None:
    accreditations = seven(meeting)[:6]
    data, files = badges.badge_documents(accreditations)
    document = badges.sheet_data(data, layout=BadgeLayout.A4_SIX)
    [png] = render_png(badges.TEMPLATE, document, files=files, ppi=150)
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    found = sorted(badges.read_badge_code(result.text) or (0, 0) for result in results)
    assert found == sorted((item.pk, 1) for item in accreditations)


def test_offsets_move_the_grid(meeting: Meeting) -> None:
    [accreditation] = [loaded(item) for item in make_accreditations(meeting, [("A", "B")])]
    data = layouts.layout_data(
        BadgeLayout.A4_SIX, offset_top=Decimal("-2.5"), offset_left=Decimal("1.5")
    )
    assert (data["top"], data["left"]) == (6.5, 7.5)
    plain = badges.render_badges([accreditation], layout=BadgeLayout.A4_SIX)
    moved = badges.render_badges(
        [accreditation],
        layout=BadgeLayout.A4_SIX,
        offset_top=Decimal("-2.5"),
        offset_left=Decimal("1.5"),
    )
    assert plain != moved


@pytest.mark.parametrize(
    ("layout", "top", "left", "message"),
    [
        (
            BadgeLayout.A4_SIX,
            "9.5",
            "0",
            "The top offset must be between -9 and 9 mm for A4: six badges of 99 x 93 mm "
            "(pre-cut stock).",
        ),
        (
            BadgeLayout.A4_FOUR,
            "0",
            "-5.5",
            "The left offset must be between -5 and 5 mm for A4: four badges of 100 x 140 mm.",
        ),
        (
            BadgeLayout.CARD,
            "6",
            "0",
            "The top offset must be between -5 and 5 mm for Card: one badge of 100 x 140 mm "
            "a page.",
        ),
        (BadgeLayout.CARD, "NaN", "0", None),
    ],
)
def test_offsets_out_of_bounds_are_refused(
    layout: str, top: str, left: str, message: str | None
) -> None:
    with pytest.raises(layouts.LayoutError) as refused:
        layouts.check_offsets(layout, offset_top=Decimal(top), offset_left=Decimal(left))
    if message is not None:
        assert str(refused.value) == message


def test_offsets_within_bounds_are_accepted() -> None:
    layouts.check_offsets(BadgeLayout.A4_FOUR, offset_top=Decimal("8.5"), offset_left=Decimal(-5))
    with pytest.raises(layouts.LayoutError):
        layouts.check_offsets("a3-9", offset_top=Decimal(0), offset_left=Decimal(0))
