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

from summitdesk.lib.documents import render_pdf, render_png
from summitdesk.lib.qr import qr_svg

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
    # Printed at the foot of a translation the secretariat made, in the letter's language.
    translation_note: str = ""
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
    large run in batches of a few hundred letters (`bench/letters_raw.py` prints the cost).
    """
    if not letters:
        raise ValueError("No letters to render.")
    return render_pdf(TEMPLATE, [letter_data(letter) for letter in letters])


def render_letter_png(letter: Letter, *, ppi: float = 144.0) -> list[bytes]:
    """One letter as PNG images, one per page: a preview before a circular is sent."""
    return render_png(TEMPLATE, letter_data(letter), ppi=ppi)
