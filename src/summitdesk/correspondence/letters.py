"""Circular letters as PDF: one per organisation, or a combined run for post and fax.

A `Letter` is the finished text of one letter, already merged and translated: the
service that dispatches a circular builds it from the circular, the organisation and the
invitation, in the organisation's language. This module only lays it out (templates_typst/
letter.typ), so it makes no queries and knows nothing of models.

Every value is plain text. The template prints it as text, never as markup, so a name
such as `#panic("x")` or `<script>` is printed as written.
"""

import dataclasses
import re
from collections.abc import Sequence
from dataclasses import InitVar, dataclass, field
from pathlib import Path
from typing import Any

import zxingcpp

from summitdesk.lib.documents import render_pdf, render_png

CONTENT_TYPE = "application/pdf"

TEMPLATE = Path(__file__).resolve().parent / "templates_typst" / "letter.typ"

#: The labels of the original letter. Pass translated ones in `Letter.labels` (any subset:
#: the rest stay English) so the letter prints in the recipient's language.
DEFAULT_LABELS: dict[str, str] = {
    "ref": "Ref:",
    "to": "To:",
    "contact": "Contact:",
    "tel": "Tel:",
    "fax": "Fax:",
    "email": "E-Mail:",
    "subject": "Subject:",
    "enclosures": "Encl.:",
    "reply": "Reply online:",
    "reply_deadline": "Please reply by",
}

#: Languages written right to left (ISO 639-1 and 639-3 codes).
RTL_LANGUAGES = frozenset({"ar", "ckb", "dv", "fa", "he", "ps", "sd", "ug", "ur", "yi"})

_LANGUAGE = re.compile(r"[a-z]{2,3}")


#: Modules of quiet zone around a QR code, as the QR standard asks.
QR_BORDER = 4
# Runs of dark modules in a row of zxing-cpp's symbol image (0 dark, 255 light).
_DARK_RUN = re.compile(rb"\x00+")


def qr_svg(url: str) -> str:
    """An SVG QR code of `url` (error correction M), for the letter's reply box.

    Made here rather than in Typst because Typst's QR packages are downloads, which cannot
    work offline. Four modules of quiet zone, so that a phone reads it off paper; the XML
    namespace is required by Typst's SVG reader. One path of horizontal runs, each a
    stroke one module wide through the middle of its row.

    Encoded by zxing-cpp (zint, in C++), which also scores the eight mask patterns as the
    standard asks: 0.2 ms, where segno took 0.9 ms with a fixed mask and three times as
    much choosing one, in a letter that takes 15 ms to send.
    """
    code = zxingcpp.create_barcode(url, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    symbol = zxingcpp.write_barcode_to_image(code, scale=1, add_quiet_zones=False)
    height, width = symbol.shape[:2]
    modules = memoryview(symbol).tobytes()  # type: ignore[arg-type]  # the stub omits the buffer
    runs = []
    for row in range(height):
        start = row * width
        for run in _DARK_RUN.finditer(modules, start, start + width):
            x = run.start() - start + QR_BORDER
            runs.append(f"M{x} {row + QR_BORDER}.5h{run.end() - run.start()}")
    size = width + 2 * QR_BORDER
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}">'
        f'<path stroke="#000" d="{"".join(runs)}"/></svg>'
    )


@dataclass(frozen=True)
class Letter:
    """The text of one letter, ready to print: everything is a string or a list of them.

    `dataclasses.asdict(letter)` is the JSON the template reads. `direction` follows from
    `language` unless given; `labels` are completed from DEFAULT_LABELS; `qr_svg` is made
    from `reply_url` unless given, or unless `qr=False` for a letter that is only read on
    screen (a QR code takes a millisecond to make).
    """

    language: str
    reference: str
    date: str
    addressee: list[str]
    subject: list[str]
    salutation: str
    body: list[str]
    closing: str
    signatory_name: str
    letterhead: list[str] = field(default_factory=list)
    addressees: str = ""
    contact_name: str = ""
    contact_tel: str = ""
    contact_fax: str = ""
    contact_email: str = ""
    signatory_titles: list[str] = field(default_factory=list)
    enclosures: list[str] = field(default_factory=list)
    reply_url: str = ""
    reply_deadline: str = ""
    qr_svg: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    direction: str = ""
    qr: InitVar[bool] = True

    def __post_init__(self, qr: bool) -> None:
        # Typst refuses a language that is not an ISO 639 code; say so here, by name.
        if not _LANGUAGE.fullmatch(self.language):
            raise ValueError(f"Letter language must be an ISO 639 code: {self.language!r}")
        if self.direction not in ("", "ltr", "rtl"):
            raise ValueError(f"Letter direction must be 'ltr' or 'rtl': {self.direction!r}")
        # A frozen dataclass sets its derived fields through object.__setattr__.
        if not self.direction:
            direction = "rtl" if self.language in RTL_LANGUAGES else "ltr"
            object.__setattr__(self, "direction", direction)
        object.__setattr__(self, "labels", {**DEFAULT_LABELS, **self.labels})
        if qr and self.reply_url and not self.qr_svg:
            object.__setattr__(self, "qr_svg", qr_svg(self.reply_url))


def letter_data(letter: Letter) -> dict[str, Any]:
    """The JSON value the template reads for one letter: `dataclasses.asdict(letter)`,
    without its deep copy (70 µs a letter), which JSON encoding does not need."""
    return {field.name: getattr(letter, field.name) for field in dataclasses.fields(letter)}


def render_letter(letter: Letter) -> bytes:
    """One letter as a PDF (application/pdf), to attach to its email or to download."""
    return render_pdf(TEMPLATE, letter_data(letter))


def render_letters(letters: Sequence[Letter]) -> bytes:
    """Several letters in one PDF, each starting on a new page with its own page numbers:
    the postal and fax run, printed in one go.

    Typst holds the whole document while it lays it out, about 2 MiB per letter: render a
    large run in batches of a few hundred letters (250 take about 0.5 GiB and 1.3 s).
    """
    if not letters:
        raise ValueError("No letters to render.")
    return render_pdf(TEMPLATE, [letter_data(letter) for letter in letters])


def render_letter_png(letter: Letter, *, ppi: float = 144.0) -> list[bytes]:
    """One letter as PNG images, one per page: a preview before a circular is sent."""
    return render_png(TEMPLATE, letter_data(letter), ppi=ppi)
