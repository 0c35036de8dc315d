"""Circular letters rendered through Typst: text, scripts, escaping, QR code, reuse.

Latin, Cyrillic and Chinese are checked in the text pypdf extracts. Arabic is not: its
extracted text is garbled even when the page is right, so it is checked by the embedded
font and by the ink on a rendered image.
"""

import dataclasses
import io
import logging
import threading
from pathlib import Path
from typing import Any, cast

import pypdf
import pytest
import zxingcpp
from PIL import Image, ImageChops
from pypdf.generic import DictionaryObject

from summitdesk.correspondence.letters import (
    DEFAULT_LABELS,
    TEMPLATE,
    Letter,
    render_letter,
    render_letter_png,
    render_letters,
)
from summitdesk.demo.circular import ENGLISH
from summitdesk.lib.documents import DocumentError, compiler_for, render_pdf, render_png
from summitdesk.lib.qr import qr_svg

# The body of ITU's circular DM-1048 (9 July 2003), as the demo's circular has it.
DM1048_BODY = list(ENGLISH[2])

# 128 bits of randomness, as the personal links carry.
REPLY_URL = "https://summitdesk.example.org/reply/p7Qz2mK9vXw4Lr8TnB3cYa"

ARABIC_ORGANISATION = "شركة الواحة للاتصالات"
ARABIC_LABELS = {
    "ref": "المرجع:",
    "to": "إلى:",
    "contact": "جهة الاتصال:",
    "tel": "الهاتف:",
    "fax": "الفاكس:",
    "email": "البريد الإلكتروني:",
    "subject": "الموضوع:",
    "enclosures": "المرفقات:",
    "reply": "الرد عبر الإنترنت:",
    "reply_deadline": "يرجى الرد قبل",
}

HOSTILE_NAMES = [
    "<script>alert(1)</script>",
    '#panic("x") *bold* $x$ @ref <label> [link](x) \\',
]


def dm1048_letter(**changes: Any) -> Letter:
    """DM-1048 as it went to one Sector Member, with `changes` to some fields."""
    fields: dict[str, Any] = {
        "language": "en",
        "letterhead": [
            "International Telecommunication Union",
            "Place des Nations",
            "CH-1211 Geneva 20",
        ],
        "reference": "DM-1048",
        "date": "9 July 2003",
        "addressee": [
            "Mr Mamadou Diallo",
            "Chief Executive Officer",
            "Télécommunications du Sénégal",
            "Avenue Cheikh Anta Diop",
            "Dakar",
            "Senegal",
        ],
        "addressees": "CEOs of ITU Sector Members and Accredited Business Sector Entities",
        "contact_name": "WSIS Executive Secretariat",
        "contact_tel": "+41 22 730 60 00",
        "contact_fax": "+41 22 730 63 93",
        "contact_email": "wsis@itu.int",
        "subject": [
            "World Summit on the Information Society (WSIS)",
            "Geneva, Switzerland, 10-12 December 2003",
        ],
        "salutation": "Dear Sir/Madam,",
        "body": DM1048_BODY,
        "closing": "Yours faithfully,",
        "signatory_name": "Yoshio UTSUMI",
        "signatory_titles": [
            "Secretary-General, International Telecommunication Union (ITU)",
            "Chairman, High-Level Summit Organizing Committee (HLSOC)",
        ],
        "enclosures": ["Reply form", "Information pack (CD-ROM)"],
        "reply_url": REPLY_URL,
        "reply_deadline": "15 August 2003",
    }
    fields.update(changes)
    return Letter(**fields)


def arabic_letter(**changes: Any) -> Letter:
    """A letter in Arabic, right to left, to an Arabic-named organisation."""
    fields: dict[str, Any] = {
        "language": "ar",
        "labels": ARABIC_LABELS,
        "addressee": [ARABIC_ORGANISATION, "الرياض"],
        "salutation": "السادة المحترمون،",
        "body": ["يسرني أن أدعو مؤسستكم إلى المشاركة في القمة العالمية لمجتمع المعلومات."],
        "closing": "وتفضلوا بقبول فائق الاحترام،",
    }
    fields.update(changes)
    return dm1048_letter(**fields)


def pdf_pages(pdf: bytes) -> list[pypdf.PageObject]:
    return list(pypdf.PdfReader(io.BytesIO(pdf)).pages)


def page_lines(page: pypdf.PageObject) -> list[str]:
    return page.extract_text().splitlines()


def words(text: str) -> str:
    """Text with every run of white space made one space: lines and justification aside."""
    return " ".join(text.split())


def page_fonts(page: pypdf.PageObject) -> list[str]:
    """Embedded fonts' names without their subset prefix ('ABCDEF+')."""
    resources = cast(DictionaryObject, page["/Resources"].get_object())
    fonts = cast(DictionaryObject, resources["/Font"].get_object())
    return sorted(
        str(cast(DictionaryObject, font.get_object())["/BaseFont"]).split("+", 1)[-1]
        for font in fonts.values()
    )


def has_dark_pixels(image: Image.Image) -> bool:
    """Whether a greyscale image has ink: a pixel darker than a quarter of white."""
    return image.point(lambda value: 255 if value < 64 else 0).getbbox() is not None


def png_image(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("L")


def test_render_letter_dm1048_prints_the_whole_letter_on_one_page() -> None:
    pages = pdf_pages(render_letter(dm1048_letter()))

    assert len(pages) == 1
    text = words(pages[0].extract_text())
    in_order = [
        "International Telecommunication Union Place des Nations CH-1211 Geneva 20",
        "Ref: DM-1048 9 July 2003",
        "Mr Mamadou Diallo",
        "To: CEOs of ITU Sector Members and Accredited Business Sector Entities",
        "Subject: World Summit on the Information Society (WSIS) "
        "Geneva, Switzerland, 10-12 December 2003",
        "Dear Sir/Madam,",
        *(words(paragraph) for paragraph in DM1048_BODY),
        "Yours faithfully,",
        "Yoshio UTSUMI "
        "Secretary-General, International Telecommunication Union (ITU) "
        "Chairman, High-Level Summit Organizing Committee (HLSOC)",
        "Encl.: Reply form; Information pack (CD-ROM)",
        f"Reply online: {REPLY_URL} Please reply by 15 August 2003",
    ]
    assert [text.find(part) >= 0 for part in in_order] == [True] * len(in_order)
    positions = [text.find(part) for part in in_order]
    assert positions == sorted(positions)
    lines = page_lines(pages[0])
    for line in [
        "Chief Executive Officer",
        "Télécommunications du Sénégal",
        "Avenue Cheikh Anta Diop",
        "Dakar",
        "Senegal",
        "Contact: WSIS Executive Secretariat",
        "Tel: +41 22 730 60 00",
        "Fax: +41 22 730 63 93",
        "E-Mail: wsis@itu.int",
    ]:
        assert line in lines


def test_render_letter_without_contact_details_still_shows_the_labels() -> None:
    letter = dm1048_letter(contact_name="", contact_tel="", contact_fax="", contact_email="")

    lines = page_lines(pdf_pages(render_letter(letter))[0])

    assert [line for line in lines if line in ("Contact:", "Tel:", "Fax:", "E-Mail:")] == [
        "Contact:",
        "Tel:",
        "Fax:",
        "E-Mail:",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "Télécommunications du Sénégal",
        "Compañía Dominicana de Teléfonos, Bávaro",
        "Ростелеком",
        "华信通信集团",
    ],
)
def test_render_letter_organisation_name_in_latin_cyrillic_chinese_is_extracted_exactly(
    name: str,
) -> None:
    letter = dm1048_letter(addressee=["The Chief Executive Officer", name, "Postal address"])

    text = pdf_pages(render_letter(letter))[0].extract_text()

    assert name in text.splitlines()


def test_render_letter_chinese_name_embeds_noto_sans_cjk() -> None:
    page = pdf_pages(render_letter(dm1048_letter(addressee=["华信通信集团"])))[0]

    assert "NotoSansCJKsc-Regular-Identity-H" in page_fonts(page)


def test_render_letter_arabic_name_embeds_noto_sans_arabic() -> None:
    page = pdf_pages(render_letter(arabic_letter()))[0]

    assert "NotoSansArabic-Regular" in page_fonts(page)


def test_render_letter_latin_only_embeds_no_arabic_or_chinese_font() -> None:
    page = pdf_pages(render_letter(dm1048_letter()))[0]

    assert page_fonts(page) == [
        "DejaVuSansMono",
        "LibertinusSerif-Bold-Identity-H",
        "LibertinusSerif-Regular-Identity-H",
    ]


def arabic_line_ink(letter: Letter, *, ppi: float) -> tuple[Image.Image, tuple[int, int, int, int]]:
    """The page with the Arabic name as first addressee line, and the box of its ink.

    The ink is what differs from the same letter with that line left blank, within the
    height of one line: an Arabic line can be a little taller than an empty one, which
    moves the lines below it by a pixel.
    """
    with_name = png_image(render_letter_png(letter, ppi=ppi)[0])
    blank = dataclasses.replace(letter, addressee=["\u00a0", *letter.addressee[1:]])
    without_name = png_image(render_letter_png(blank, ppi=ppi)[0])
    difference = ImageChops.difference(with_name, without_name)
    changed = difference.getbbox()
    assert changed is not None
    top = changed[1]
    line = (0, top, with_name.size[0], top + round(13 * ppi / 72))  # 13pt: text at 10pt
    box = difference.crop(line).getbbox()
    assert box is not None
    left, _, right, bottom = box
    return with_name, (left, top, right, top + bottom)


def test_render_letter_rtl_prints_arabic_name_right_aligned() -> None:
    ppi = 72.0
    margin = 2.2 / 2.54 * ppi  # the template's side margins, in pixels

    page, (left, top, right, bottom) = arabic_line_ink(arabic_letter(), ppi=ppi)

    assert has_dark_pixels(page.crop((left, top, right, bottom)))  # ink, not a faint change
    assert left > page.size[0] / 2
    assert abs(right - (page.size[0] - margin)) <= 2


def test_render_letter_ltr_prints_arabic_name_left_aligned() -> None:
    ppi = 72.0
    margin = 2.2 / 2.54 * ppi

    page, (left, top, right, bottom) = arabic_line_ink(
        dm1048_letter(addressee=[ARABIC_ORGANISATION, "Riyadh"]), ppi=ppi
    )

    assert has_dark_pixels(page.crop((left, top, right, bottom)))
    assert abs(left - margin) <= 2
    assert right < page.size[0] / 2


def test_render_letter_qr_code_decodes_to_the_reply_url() -> None:
    page = png_image(render_letter_png(dm1048_letter(), ppi=144)[0])

    codes = zxingcpp.read_barcodes(page)

    assert [(code.format, code.text) for code in codes] == [
        (zxingcpp.BarcodeFormat.QRCode, REPLY_URL)
    ]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_render_letter_markup_in_data_is_printed_literally(name: str) -> None:
    letter = dm1048_letter(
        addressee=["The Chief Executive Officer", name],
        subject=[name],
        body=[f"Paragraph naming {name} in its text."],
        signatory_titles=[name],
    )

    text = pdf_pages(render_letter(letter))[0].extract_text()

    assert text.count(name) == 4  # addressee, subject, body, signatory's title
    assert f"Subject: {name}" in text.splitlines()
    assert f"Paragraph naming {name} in its text." in text.splitlines()


def test_render_letter_reply_url_is_a_link() -> None:
    page = pdf_pages(render_letter(dm1048_letter()))[0]

    links = [
        cast(DictionaryObject, annotation.get_object()) for annotation in page.annotations or []
    ]
    uris = [str(cast(DictionaryObject, link["/A"])["/URI"]) for link in links]
    assert uris == [REPLY_URL]


def test_render_letter_link_is_made_only_for_web_addresses() -> None:
    letter = dm1048_letter(reply_url="javascript:alert(1)")

    page = pdf_pages(render_letter(letter))[0]

    assert "javascript:alert(1)" in page_lines(page)
    assert "/Annots" not in page  # no link annotation


def test_render_letter_same_letter_gives_the_same_bytes() -> None:
    assert render_letter(dm1048_letter()) == render_letter(dm1048_letter())


def test_render_letter_logs_no_typst_warning(caplog: pytest.LogCaptureFixture) -> None:
    letter = dm1048_letter(addressee=["Ростелеком", "华信通信集团", ARABIC_ORGANISATION])

    with caplog.at_level(logging.WARNING, logger="summitdesk.lib.documents"):
        render_letter(letter)

    assert caplog.records == []


def test_render_letters_puts_each_letter_on_its_own_page() -> None:
    names = ["Télécommunications du Sénégal", "Ростелеком", "华信通信集团"]
    letters = [dm1048_letter(addressee=["The Chief Executive Officer", n]) for n in names]

    pages = pdf_pages(render_letters(letters))

    assert len(pages) == 3
    for page, name in zip(pages, names, strict=True):
        text = page.extract_text()
        assert [other for other in names if other in text] == [name]


def test_render_letters_restarts_page_numbers_for_each_letter() -> None:
    long_body = DM1048_BODY * 2
    letters = [dm1048_letter(body=long_body), dm1048_letter(reference="DM-1049", body=long_body)]

    pages = pdf_pages(render_letters(letters))

    footers = [[line for line in page_lines(page) if " · " in line] for page in pages]
    assert footers == [[], ["DM-1048 · 2"], [], ["DM-1049 · 2"]]


def test_render_letters_of_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="No letters to render"):
        render_letters([])


def test_render_letter_reuses_one_compiler() -> None:
    render_letter(dm1048_letter())
    first = compiler_for(TEMPLATE)

    render_letter(dm1048_letter(addressee=["Ростелеком"]))

    assert compiler_for(TEMPLATE) is first


def test_render_letter_from_several_threads_keeps_each_letter_apart() -> None:
    names = [f"Organisation number {number}" for number in range(6)]
    results: dict[str, bytes] = {}

    def render(name: str) -> None:
        results[name] = render_letter(dm1048_letter(addressee=[name]))

    threads = [threading.Thread(target=render, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    for name in names:
        text = pdf_pages(results[name])[0].extract_text()
        assert [other for other in names if other in text] == [name]


def test_letter_direction_follows_the_language() -> None:
    assert dm1048_letter(language="ar").direction == "rtl"
    assert dm1048_letter(language="fr").direction == "ltr"
    assert dm1048_letter(language="fr", direction="rtl").direction == "rtl"


def test_letter_labels_missing_from_a_translation_stay_english() -> None:
    letter = dm1048_letter(language="fr", labels={"subject": "Objet :"})

    assert letter.labels == {**DEFAULT_LABELS, "subject": "Objet :"}


def test_letter_qr_code_is_made_from_the_reply_url() -> None:
    assert dm1048_letter().qr_svg == qr_svg(REPLY_URL)
    assert dm1048_letter(reply_url="").qr_svg == ""


def test_letter_language_that_is_not_an_iso_code_is_refused() -> None:
    with pytest.raises(ValueError, match="ISO 639 code: 'English'"):
        dm1048_letter(language="English")


def test_letter_asdict_is_the_json_the_template_reads() -> None:
    letter = dm1048_letter()

    data = dataclasses.asdict(letter)

    assert data["reference"] == "DM-1048"
    assert data["direction"] == "ltr"
    assert data["labels"] == DEFAULT_LABELS
    assert data["qr_svg"].startswith('<svg xmlns="http://www.w3.org/2000/svg"')


# Templates of the tests below live in their own folder under tmp_path: a template's
# whole folder is copied to its private root.


def write_template(folder: Path, source: str, name: str = "document.typ") -> Path:
    folder.mkdir(exist_ok=True)
    template = folder / name
    template.write_text("#let data = json(bytes(sys.inputs.data))\n" + source)
    return template


def test_render_pdf_template_error_raises_document_error_with_typst_message(
    tmp_path: Path,
) -> None:
    template = write_template(tmp_path / "broken", "#data.missing\n", name="broken.typ")

    with pytest.raises(DocumentError) as raised:
        render_pdf(template, {"present": "yes"})

    assert str(raised.value) == 'broken.typ: dictionary does not contain key "missing"'
    assert "broken.typ:2:" in raised.value.diagnostic


def test_render_pdf_missing_template_raises_document_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="Template not found"):
        render_pdf(tmp_path / "nowhere.typ", {})


def test_render_pdf_data_that_is_not_json_is_refused(tmp_path: Path) -> None:
    template = write_template(tmp_path / "plain", "#data.name\n")

    with pytest.raises(ValueError, match="Out of range float values are not JSON compliant"):
        render_pdf(template, {"name": float("nan")})


def test_render_pdf_sees_an_edited_template_without_restart(tmp_path: Path) -> None:
    template = write_template(tmp_path / "edited", "First version of #data.name\n")
    assert (
        "First version of Ada" in pdf_pages(render_pdf(template, {"name": "Ada"}))[0].extract_text()
    )

    write_template(tmp_path / "edited", "Second, longer version of #data.name\n")

    text = pdf_pages(render_pdf(template, {"name": "Ada"}))[0].extract_text()
    assert text == "Second, longer version of Ada"


def red_square_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), (255, 0, 0)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_render_png_shows_a_binary_file_passed_in_files(tmp_path: Path) -> None:
    template = write_template(
        tmp_path / "badge",
        "#set page(width: 4cm, height: 4cm, margin: 0cm)\n"
        '#image("/files/" + data.photo, width: 100%)\n',
    )

    png = render_png(
        template, {"photo": "photo.png"}, files={"photo.png": red_square_png()}, ppi=36
    )

    page = Image.open(io.BytesIO(png[0])).convert("RGB")
    assert page.getpixel((page.size[0] // 2, page.size[1] // 2)) == (255, 0, 0)


def test_render_pdf_files_do_not_outlive_their_render(tmp_path: Path) -> None:
    template = write_template(tmp_path / "badge", '#image("/files/" + data.photo)\n')
    render_pdf(template, {"photo": "photo.png"}, files={"photo.png": red_square_png()})

    with pytest.raises(DocumentError, match="file not found"):
        render_pdf(template, {"photo": "photo.png"})


@pytest.mark.parametrize("name", ["../escape.png", "sub/photo.png", ".hidden", ""])
def test_render_pdf_file_name_that_is_not_plain_is_refused(tmp_path: Path, name: str) -> None:
    template = write_template(tmp_path / "badge", "Nothing\n")

    with pytest.raises(ValueError, match="File name not allowed"):
        render_pdf(template, {}, files={name: b"x"})
