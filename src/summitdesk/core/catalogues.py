"""What the gettext catalogues translate, and what they leave in English, by audience.

Every text of SummitDesk goes through one mechanism, the gettext catalogues in
locale/<locale>/LC_MESSAGES/django.po that `make messages` keeps current: pages, emails,
letters and PDFs alike, no per-language template or dictionary in code. This module reads
those catalogues as the integrator regenerates them (their `#:` references say where each
string is used) and tells, per language, which strings are untranslated:

- `portal`, `public`, `email` and `letter` strings are read by people outside the
  secretariat and must be translated into every language (tests/core/test_catalogues.py);
- labels of the enums strangers see (categories, stakeholder groups, a reply's state, an
  accreditation's status, head-of-delegation levels, genders, enclosures, languages) are
  counted with them wherever the enum is defined;
- everything else is `staff`: `summitdesk translations --audience staff` lists what is
  missing there, language by language.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Choices
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import to_locale

#: The audiences, in the order reports list them.
AUDIENCES = ("portal", "public", "email", "letter", "staff")
#: Those that must be complete in every language.
OUTSIDE_AUDIENCES = ("portal", "public", "email", "letter")

#: Where each audience's strings are used, as the catalogue's references give paths
#: (relative to src/summitdesk, `--add-location=file`).
SOURCES: dict[str, re.Pattern[str]] = {
    "portal": re.compile(r"^(templates/portal/|portal/(?!apps\.py))"),
    "public": re.compile(r"^(templates/public/|lib/public_pages\.py)"),
    "email": re.compile(
        r"^(\w+/templates/\w+/email/|accreditation/emails\.py|delegations/emails\.py"
        r"|delegations/summary\.py|correspondence/messages\.py)"
    ),
    "letter": re.compile(
        r"^correspondence/(compose\.py|letters\.py|templates_typst/|templates/correspondence/)"
    ),
}

#: Enums whose labels strangers read on the portal, in emails, letters and PDFs; reached
#: by name, since they live in the apps above this layer.
OUTSIDE_ENUMS: dict[str, tuple[str, ...]] = {
    "portal": (
        "summitdesk.accreditation.enums.AccreditationStatus",
        "summitdesk.delegations.enums.Gender",
        "summitdesk.delegations.enums.ProtocolLevel",
        "summitdesk.delegations.enums.Relationship",
        "summitdesk.delegations.enums.ReplyState",
        "summitdesk.directory.enums.Category",
        "summitdesk.directory.enums.Language",
        "summitdesk.directory.enums.StakeholderGroup",
    ),
    "letter": ("summitdesk.correspondence.enums.Enclosure",),
}


@dataclass(frozen=True)
class Entry:
    """One entry of a catalogue: its msgid, where it is used, its translations and flags."""

    msgid: str
    references: tuple[str, ...]
    translations: tuple[str, ...]
    flags: tuple[str, ...]

    @property
    def translated(self) -> bool:
        return bool(self.translations) and all(self.translations) and "fuzzy" not in self.flags


def locale_dir() -> Path:
    return Path(settings.LOCALE_PATHS[0])


def languages() -> list[str]:
    """The languages with a catalogue: every one of settings.LANGUAGES but English."""
    return [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def po_file(language: str, directory: Path | None = None) -> Path:
    return (directory or locale_dir()) / to_locale(language) / "LC_MESSAGES" / "django.po"


_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$')


def _unquote(text: str) -> str:
    return text.replace('\\"', '"').replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\")


def entries(language: str, directory: Path | None = None) -> list[Entry]:
    """Every entry of the language's catalogue but its header (obsolete ones left out)."""
    found = []
    text = po_file(language, directory).read_text(encoding="utf-8")
    for block in text.split("\n\n")[1:]:
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        references = tuple(
            place.rsplit(":", 1)[0]
            for line in lines
            if line.startswith("#: ")
            for place in line[3:].split()
        )
        flags = tuple(
            flag.strip() for line in lines if line.startswith("#,") for flag in line[2:].split(",")
        )
        fields: dict[str, str] = {}
        current = ""
        for line in lines:
            keyword = _KEYWORD.match(line)
            if keyword:
                current = keyword.group(1)
                fields[current] = keyword.group(2)
            elif line.startswith('"') and current:
                fields[current] += line[1:-1]
        if fields.get("msgid"):
            strs = tuple(
                _unquote(value) for key, value in fields.items() if key.startswith("msgstr")
            )
            found.append(Entry(_unquote(fields["msgid"]), references, strs, flags))
    return found


def enum_msgids(audience: str) -> set[str]:
    """The msgids of the labels of the enums `audience` reads (English is the msgid)."""
    msgids: set[str] = set()
    with translation.override(None):
        for path in OUTSIDE_ENUMS.get(audience, ()):
            enum: type[Choices] = import_string(path)
            msgids.update(str(label) for label in enum.labels)
    return msgids


def audiences_of(entry: Entry, enums: dict[str, set[str]]) -> set[str]:
    """Who reads `entry`: the outside audiences its references or enums give, else staff."""
    found = {
        audience
        for audience, pattern in SOURCES.items()
        if any(pattern.match(place) for place in entry.references)
    }
    found.update(audience for audience, msgids in enums.items() if entry.msgid in msgids)
    return found or {"staff"}


def missing(
    language: str,
    audiences: Iterable[str] = OUTSIDE_AUDIENCES,
    directory: Path | None = None,
) -> dict[str, list[str]]:
    """{audience: [msgid untranslated (or fuzzy) in `language`]} for `audiences`."""
    wanted = tuple(audiences)
    enums = {audience: enum_msgids(audience) for audience in OUTSIDE_ENUMS}
    found: dict[str, list[str]] = {audience: [] for audience in wanted}
    for entry in entries(language, directory):
        if entry.translated:
            continue
        for audience in audiences_of(entry, enums):
            if audience in found:
                found[audience].append(entry.msgid)
    return found


def counted(language: str, directory: Path | None = None) -> dict[str, tuple[int, int]]:
    """{audience: (translated, total)} of `language`'s catalogue."""
    enums = {audience: enum_msgids(audience) for audience in OUTSIDE_ENUMS}
    totals = {audience: [0, 0] for audience in AUDIENCES}
    for entry in entries(language, directory):
        for audience in audiences_of(entry, enums):
            totals[audience][1] += 1
            totals[audience][0] += entry.translated
    return {audience: (done, total) for audience, (done, total) in totals.items()}
