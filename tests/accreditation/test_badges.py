"""Badges: the signed code, the printed page (text and QR), reissue."""

import io
from typing import Any
from unittest import mock

import pytest
import zxingcpp
from django.core import signing
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image
from pypdf import PdfReader
from pytest_django import Settings

from summitdesk.accreditation import badges
from summitdesk.accreditation.enums import AccreditationStatus
from summitdesk.accreditation.models import Accreditation
from summitdesk.core.audit import Actor
from summitdesk.core.models import AuditEntry
from summitdesk.directory.enums import Category
from summitdesk.meetings.models import Meeting
from tests.accreditation.builders import loaded, make_accreditations
from tests.factories import MeetingFactory


def jpeg(colour: tuple[int, int, int], size: tuple[int, int] = (350, 450)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=80)
    return buffer.getvalue()


@pytest.fixture
def meeting(db: None) -> Meeting:
    return MeetingFactory(code="wsis-geneva", title="World Summit on the Information Society")


def test_code_round_trip_without_personal_data(meeting: Meeting) -> None:
    [accreditation] = make_accreditations(meeting, [("Amina", "Haddad")])
    code = badges.badge_code(accreditation)
    assert badges.read_badge_code(code) == (accreditation.pk, 1)
    assert "Haddad" not in code and "Amina" not in code
    payload = signing.b64_decode(code.split(":")[0].encode())
    assert payload == f"[{accreditation.pk},1]".encode()
    assert code.count(":") == 1  # no timestamp: the code does not change with time
    # The same accreditation and version always give the same code, whenever printed.
    with mock.patch("time.time", return_value=4_000_000_000):
        assert badges.badge_code(accreditation) == code


def test_tampered_and_foreign_codes_are_rejected(meeting: Meeting) -> None:
    [accreditation] = make_accreditations(meeting, [("Amina", "Haddad")])
    code = badges.badge_code(accreditation)
    _payload, signature = code.split(":", 1)
    forged_payload = signing.b64_encode(f"[{accreditation.pk + 1},1]".encode()).decode()
    assert badges.read_badge_code(code) == (accreditation.pk, 1)  # the genuine code reads
    assert badges.read_badge_code(f"{forged_payload}:{signature}") is None
    assert badges.read_badge_code(code[:-1] + ("A" if code[-1] != "A" else "B")) is None
    assert badges.read_badge_code("") is None
    assert badges.read_badge_code("not a code") is None
    assert badges.read_badge_code("x" * 500) is None
    # Signed with another salt (another kind of token): not a badge.
    other = signing.Signer(salt="summitdesk.other").sign_object([accreditation.pk, 1])
    assert badges.read_badge_code(other) is None
    # Genuine signature over something that is not (id, version).
    odd = signing.Signer(salt=badges.SALT).sign_object({"id": accreditation.pk})
    assert badges.read_badge_code(odd) is None


OLD_KEY = "generated-key-of-the-demo-" + "o" * 40
NEW_KEY = "configured-key-of-production-" + "n" * 40


def test_code_of_the_replaced_key_reads_while_it_is_a_fallback(
    meeting: Meeting, settings: Settings
) -> None:
    """Moving from the generated key to a configured one: printed badges still read."""
    [accreditation] = make_accreditations(meeting, [("Amina", "Haddad")])
    settings.SECRET_KEY = OLD_KEY
    printed = badges.badge_code(accreditation)

    settings.SECRET_KEY = NEW_KEY
    settings.SECRET_KEY_FALLBACKS = [OLD_KEY]
    assert badges.read_badge_code(printed) == (accreditation.pk, 1)
    # New badges are signed with the configured key, and read without the fallback.
    fresh = badges.badge_code(accreditation)
    assert fresh != printed
    settings.SECRET_KEY_FALLBACKS = []
    assert badges.read_badge_code(fresh) == (accreditation.pk, 1)
    # Once the old key is dropped from the fallbacks, its badges no longer read.
    assert badges.read_badge_code(printed) is None


def test_reissue_makes_the_old_code_stale(meeting: Meeting) -> None:
    [accreditation] = make_accreditations(meeting, [("Amina", "Haddad")])
    old_code = badges.badge_code(accreditation)
    actor = Actor.system("test")
    assert badges.reissue_badge(accreditation, actor=actor, reason="Badge lost") == 2
    accreditation.refresh_from_db()
    assert accreditation.badge_version == 2
    new_code = badges.badge_code(accreditation)
    assert new_code != old_code
    # The old code still reads, as the old version: check-in compares and refuses it.
    assert badges.read_badge_code(old_code) == (accreditation.pk, 1)
    assert badges.read_badge_code(new_code) == (accreditation.pk, 2)
    audit_entry = AuditEntry.objects.get(action="badge_reissued")
    assert audit_entry.changes == {"badge_version": [1, 2]}
    assert audit_entry.note == "Badge lost"


def test_reissue_refused_for_a_pending_accreditation(meeting: Meeting) -> None:
    [accreditation] = make_accreditations(
        meeting, [("Amina", "Haddad")], status=AccreditationStatus.PENDING
    )
    with pytest.raises(badges.BadgeError):
        badges.reissue_badge(accreditation, actor=Actor.system("test"))


def test_badge_pdf_text(meeting: Meeting) -> None:
    accreditations = make_accreditations(
        meeting,
        [("Amina", "Haddad"), ("Мария", "Иванова"), ("小明", "王")],
        organisation_name="Ministère des Télécommunications",
    )
    pdf = badges.render_badges([loaded(item) for item in accreditations])
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    texts = [page.extract_text() for page in reader.pages]
    assert "Haddad" in texts[0] and "Amina" in texts[0]
    assert "Иванова" in texts[1] and "Мария" in texts[1]
    assert "王" in texts[2] and "小明" in texts[2]
    for text, accreditation in zip(texts, accreditations, strict=True):
        assert "Ministère des Télécommunications" in text
        assert accreditation.badge_number in text
        assert "World Summit on the Information Society" in text
        assert "MEMBER STATE" in text
        assert "Egypt" in text


def test_badge_fonts_cover_arabic_and_chinese(meeting: Meeting) -> None:
    # Arabic text extracts garbled (see DESIGN.md): the embedded fonts say it is set.
    accreditations = make_accreditations(meeting, [("محمد", "الحسن"), ("小明", "王")])
    pdf = badges.render_badges([loaded(item) for item in accreditations])
    reader = PdfReader(io.BytesIO(pdf))
    fonts = []
    for page in reader.pages:
        resources: Any = page["/Resources"]
        fonts.append({str(font.get_object()["/BaseFont"]) for font in resources["/Font"].values()})
    assert any("NotoSansArabic" in name for name in fonts[0]), fonts[0]
    assert any("NotoSansCJK" in name for name in fonts[1]), fonts[1]
    assert "王" in reader.pages[1].extract_text()


def test_qr_decodes_to_a_code_that_reads_back(meeting: Meeting) -> None:
    [accreditation] = make_accreditations(meeting, [("Amina", "Haddad")])
    path = default_storage.save("photos/test/amina.jpg", ContentFile(jpeg((180, 40, 40))))
    try:
        Accreditation.objects.filter(pk=accreditation.pk).update(photo=path)
        png = badges.render_badge_png(loaded(accreditation), ppi=200)
    finally:
        default_storage.delete(path)
    image = Image.open(io.BytesIO(png))
    results = zxingcpp.read_barcodes(image)
    assert len(results) == 1
    assert results[0].format == zxingcpp.BarcodeFormat.QRCode
    assert badges.read_badge_code(results[0].text) == (accreditation.pk, 1)
    # The photo is on the page: its red shows in the upper left.
    red: Any = image.convert("RGB").getpixel((int(image.width * 0.15), int(image.height * 0.3)))
    assert red[0] > 150 and red[1] < 90


def test_missing_photo_prints_a_placeholder(meeting: Meeting) -> None:
    [accreditation] = make_accreditations(meeting, [("Amina", "Haddad")])
    Accreditation.objects.filter(pk=accreditation.pk).update(photo="photos/gone.jpg")
    data, files = badges.badge_documents([loaded(accreditation)])
    assert files == {} and data[0]["photo"] == ""
    assert badges.render_badges([loaded(accreditation)]).startswith(b"%PDF")


def test_photo_is_passed_by_a_generated_name(meeting: Meeting) -> None:
    [accreditation] = make_accreditations(meeting, [("Amina", "Haddad")])
    buffer = io.BytesIO()
    Image.new("RGB", (35, 45), (0, 0, 255)).save(buffer, "PNG")
    path = default_storage.save("photos/test/strange name (1).png", ContentFile(buffer.getvalue()))
    try:
        Accreditation.objects.filter(pk=accreditation.pk).update(photo=path)
        data, files = badges.badge_documents([loaded(accreditation)])
    finally:
        default_storage.delete(path)
    assert list(files) == [f"photo-{accreditation.pk}.png"]
    assert data[0]["photo"] == f"photo-{accreditation.pk}.png"


def test_categories_have_distinct_colours() -> None:
    assert set(badges.CATEGORY_COLOURS) == set(Category.values)
    bands = [band for band, _ink in badges.CATEGORY_COLOURS.values()]
    assert len(set(bands)) == len(bands)

    def luminance(colour: str) -> float:
        def channel(value: int) -> float:
            c = value / 255
            return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    for band, ink in badges.CATEGORY_COLOURS.values():
        light, dark = sorted((luminance(band), luminance(ink)), reverse=True)
        assert (light + 0.05) / (dark + 0.05) >= 4.5, (band, ink)


def test_markup_in_names_is_printed_as_text(meeting: Meeting) -> None:
    [accreditation] = make_accreditations(
        meeting, [('#panic("x")', "*bold* $x$ <script>")], organisation_name="#set page(width: 1cm)"
    )
    pdf = badges.render_badges([loaded(accreditation)])
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert '#panic("x")' in text
    assert "#set page(width: 1cm)" in text


def test_badge_carries_the_participant_types_mark(meeting: Meeting) -> None:
    [accreditation] = make_accreditations(meeting, [("Amina", "Haddad")])
    press = meeting.participant_types.get(code="press")
    accreditation.delegate.participant_type = press
    accreditation.delegate.save(update_fields=["participant_type"])

    data = badges.badge_data(loaded(accreditation))
    pdf = badges.render_badges([loaded(accreditation)])

    assert (data["type_label"], data["type_colour"], data["type_ink"]) == (
        "PRESS",
        "#c62828",
        "#ffffff",
    )
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "PRESS" in text and "MEMBER STATE" in text
