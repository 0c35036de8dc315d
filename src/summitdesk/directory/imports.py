"""Importing organisations from CSV and XLSX files: the CLI, the upload page and its task.

Four steps, each usable alone:

1. `read_file`: bytes and a file name -> `SourceFile`, the rows numbered as a spreadsheet
   shows them (the header is row 1), or `FileError` when the file cannot be read at all
   (not CSV or XLSX, no "name" column, too many rows).
2. `check_rows`: every row cleaned on its own, without the database: categories, groups,
   sectors, countries and languages matched ignoring case; emails and web addresses
   checked; an external ID used twice in the file refused. -> `CheckedFile`.
3. `plan_import`: the rows against the directory (reads only): which create, update or
   leave an organisation unchanged, which are refused (a new organisation without a
   name...), and which look like organisations already there. -> `ImportPlan`.
4. `apply_plan`: writes the plan with bulk queries in one transaction, with an audit entry
   for every organisation, person and position created or changed and a duplicate
   candidate for every likely duplicate; writes nothing when a row was refused (unless
   `only_valid`) or on a dry run. -> `ImportReport`.

`import_organisations` runs the four. `create_job`, `confirm_job` and `run_job` are the
upload page's steps: preview, queue, run in the background.

Matching rows to organisations: a row whose external ID is in the directory updates that
organisation (or the one it was merged into), its blank cells leaving fields as they
were. A row without an external ID makes a new organisation, except when an organisation
with exactly the values the row gives (same name, country...) is already there: then it
is unchanged, so that importing the same file twice changes nothing.
"""

import codecs
import csv
import io
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import PurePath
from typing import Any, TypeVar

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import IntegrityError, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

from summitdesk.core import audit
from summitdesk.core.audit import Actor
from summitdesk.core.enums import Channel
from summitdesk.core.models import AuditEntry
from summitdesk.directory.enums import (
    Category,
    Language,
    PositionRole,
    Sector,
    StakeholderGroup,
)
from summitdesk.directory.models import (
    DuplicateCandidate,
    ImportJob,
    ImportJobStatus,
    Organisation,
    Person,
    Position,
)
from summitdesk.directory.services import (
    ORGANISATION_FIELDS,
    PERSON_FIELDS,
    DirectoryError,
    assign_position,
    refresh_search_fields,
)
from summitdesk.lib.countries import lookup_country
from summitdesk.lib.text import fold, name_key

#: The columns of an import file, in the order of the downloadable template.
COLUMNS: tuple[str, ...] = (
    "external_id",
    "name",
    "acronym",
    "category",
    "stakeholder_group",
    "sectors",
    "country",
    "language",
    "address",
    "website",
    "email",
    "ceo_title",
    "ceo_given_name",
    "ceo_family_name",
    "ceo_email",
    "ceo_phone",
)
TEMPLATE_EXAMPLE: tuple[str, ...] = (
    "EX-0042",
    "Télécom Exemple",
    "TEX",
    "Sector Member",
    "Private sector",
    "ITU-T; ITU-D",
    "FR",
    "fr",
    "1 rue de l'Exemple, 75001 Paris",
    "www.example.org",
    "contact@example.org",
    "Ms",
    "Claire",
    "Dupont",
    "claire.dupont@example.org",
    "+33 1 23 45 67 89",
)
#: Chief executive columns -> Person fields.
CEO_COLUMNS = {
    "ceo_title": "title",
    "ceo_given_name": "given_name",
    "ceo_family_name": "family_name",
    "ceo_email": "email",
    "ceo_phone": "phone",
}
#: Fields a new organisation cannot do without (stakeholder_group may come from
#: DEFAULT_STAKEHOLDER_GROUP).
REQUIRED = ("name", "category", "stakeholder_group", "country")

#: The stakeholder group a category implies, used when a new organisation's cell is blank.
#: Only categories that belong to one group are listed: a Sector Member or an Associate
#: may be a company, an association or an international organisation, and secretariats
#: count academia and media differently, so for those the file must say.
DEFAULT_STAKEHOLDER_GROUP = {
    Category.MEMBER_STATE: StakeholderGroup.GOVERNMENTS,
    Category.BUSINESS_ENTITY: StakeholderGroup.PRIVATE_SECTOR,
    Category.CIVIL_SOCIETY: StakeholderGroup.CIVIL_SOCIETY,
    Category.INTERNATIONAL_ORGANISATION: StakeholderGroup.INTERNATIONAL_ORGANISATIONS,
}

MAX_ROWS = 100_000
MAX_FILE_BYTES = 100 * 1024 * 1024
# An XLSX file is a zip archive: refuse one that would unpack to more than this.
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
CHUNK = 500  # values per IN (...) query and rows per INSERT/UPDATE statement
WRITE_CHUNK = 2000  # rows written between two progress reports
MAX_MATCHES = 5  # likely duplicates reported per row and reason

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
CHECKING, WRITING = "checking", "writing"

#: progress(stage, done, total), stage being CHECKING or WRITING.
Progress = Callable[[str, int, int], None]


class FileError(DirectoryError):
    """The file cannot be read at all; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str  # "" when the whole row is at fault
    reason: str

    def __str__(self) -> str:
        if self.column:
            return _("row %(row)s, %(column)s: %(reason)s") % asdict(self)
        return _("row %(row)s: %(reason)s") % asdict(self)


@dataclass(frozen=True)
class DuplicateFlag:
    """A row's new organisation looks like another, in the directory or in the file."""

    row: int
    name: str
    reason: str
    other_name: str
    other_id: int | None = None  # an organisation already in the directory
    other_row: int | None = None  # another new organisation of this file
    organisation_id: int | None = None  # the row's organisation, once written


@dataclass(frozen=True)
class SourceRow:
    number: int
    cells: dict[str, str]  # column -> text without surrounding spaces, "" when blank
    overflow: int = 0  # filled cells beyond the header's last column


@dataclass
class SourceFile:
    filename: str
    rows: list[SourceRow]
    warnings: list[str]


@dataclass
class CheckedRow:
    number: int
    external_id: str
    fields: dict[str, Any]  # Organisation fields the row fills
    ceo: dict[str, str]  # Person fields of the chief executive the row fills


@dataclass
class CheckedFile:
    filename: str
    total_rows: int
    rows: list[CheckedRow]
    errors: list[RowError]
    warnings: list[str]


@dataclass
class CeoPlan:
    person: Person  # the person already there, or a new one (unsaved)
    values: dict[str, str]
    changes: dict[str, list[Any]]
    new: bool
    assign: bool  # the person must be made chief executive
    replaces: bool  # someone else is chief executive now (and becomes another contact)


@dataclass
class PlannedRow:
    number: int
    action: str  # CREATE, UPDATE or UNCHANGED
    organisation: Organisation  # new (unsaved) or the one already there
    values: dict[str, Any]
    changes: dict[str, list[Any]]
    ceo: CeoPlan | None = None


@dataclass
class ImportPlan:
    filename: str
    total_rows: int
    rows: list[PlannedRow]
    errors: list[RowError]
    warnings: list[str]
    duplicates: list[DuplicateFlag]


@dataclass
class ImportReport:
    filename: str
    total_rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    refused: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    duplicates: list[DuplicateFlag] = field(default_factory=list)
    dry_run: bool = False
    only_valid: bool = False
    written: bool = False  # whether the directory was changed (or would have been)

    @property
    def exit_code(self) -> int:
        """0 when every row is good, 3 when some were refused (2 is for unreadable files)."""
        return 3 if self.refused else 0

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["exit_code"] = self.exit_code
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "ImportReport":
        values = {key: data[key] for key in cls.__dataclass_fields__ if key in data}
        values["errors"] = [RowError(**error) for error in data.get("errors", [])]
        values["duplicates"] = [DuplicateFlag(**flag) for flag in data.get("duplicates", [])]
        return cls(**values)


# Reading ------------------------------------------------------------------------------


def read_file(content: bytes, filename: str) -> SourceFile:
    """The rows of a CSV or XLSX file, by their spreadsheet row numbers."""
    if len(content) > MAX_FILE_BYTES:
        raise FileError(
            _("The file is larger than %(size)s MB: split it into smaller files.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)}
        )
    suffix = PurePath(filename).suffix.lower()
    if content.startswith(b"\xd0\xcf\x11\xe0") or suffix == ".xls":
        raise FileError(
            _("Old Excel files (.xls) cannot be read: save the sheet as XLSX or CSV UTF-8.")
        )
    if content.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        table = _xlsx_table(content)
    else:
        table = _csv_table(content)
    return _source_file(table, filename)


def _decode(content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = ("utf-8-sig", "cp1252")
    for encoding in encodings:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return text
    raise FileError(
        _(
            "This file is neither an XLSX workbook nor CSV text in UTF-8 or Windows-1252: "
            "save it from the spreadsheet as XLSX or CSV UTF-8."
        )
    )


def _csv_table(content: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(content)
    first_line, _newline, rest = text.partition("\n")
    hint = re.fullmatch(r"sep=(.)\r?", first_line)
    if hint:  # Excel's "sep=;" line, which it does not show as a row
        delimiter, text = hint.group(1), rest
    else:
        header = next((line for line in text.splitlines() if line.strip()), "")
        counts = {candidate: header.count(candidate) for candidate in (",", ";", "\t")}
        delimiter = max(counts, key=lambda candidate: counts[candidate])
        if not counts[delimiter]:
            delimiter = ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    try:
        for cells in reader:
            number += 1
            yield number, cells
    except csv.Error as error:
        raise FileError(
            _("The file cannot be read as CSV at row %(row)s: %(error)s")
            % {"row": number + 1, "error": error}
        ) from error


def _xlsx_table(content: bytes) -> Iterator[tuple[int, list[str]]]:
    not_xlsx = _("This file is not a valid XLSX workbook: save it again as XLSX or CSV.")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except Exception as error:  # a damaged archive fails in many ways
        raise FileError(not_xlsx) from error
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileError(_("This workbook is too large to import: split it into smaller files."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise FileError(not_xlsx) from error
    try:
        if not workbook.worksheets:
            raise FileError(not_xlsx)
        sheet = workbook.worksheets[0]
        # Some programs write a wrong sheet size; read what is really there.
        sheet.reset_dimensions()
        rows = sheet.iter_rows(min_row=1, min_col=1, values_only=True)
        for number, values in enumerate(rows, start=1):
            yield number, [_cell_text(value) for value in values]
    except FileError:
        raise
    except Exception as error:  # a damaged sheet fails while it is read
        raise FileError(not_xlsx) from error
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person sees: 123, not 123.0; dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def _column_key(text: str) -> str:
    return re.sub(r"[\s_\-.]+", "", text.casefold())


_COLUMN_KEYS = {_column_key(column): column for column in COLUMNS} | {
    # Other names people give these columns.
    "externalkey": "external_id",
    "organisationname": "name",
    "organizationname": "name",
    "sector": "sectors",
    "itusectors": "sectors",
    "countrycode": "country",
    "languagecode": "language",
}
HEADER_SEARCH = 10  # filled rows in which the header is looked for (titles may come first)


def _find_header(table: Iterator[tuple[int, list[str]]]) -> tuple[list[str], list[int]]:
    """The header (the first row with a "name" column) and the filled rows above it."""
    first: list[str] = []
    above: list[int] = []
    for number, cells in table:
        row = [cell.strip() for cell in cells]
        if not any(row):
            continue
        if any(_COLUMN_KEYS.get(_column_key(title)) == "name" for title in row):
            return row, above
        first = first or row
        above.append(number)
        if len(above) >= HEADER_SEARCH:
            break
    if not first:
        raise FileError(_("The file is empty."))
    found = ", ".join(f'"{_shown(title, 30)}"' for title in first[:8] if title)
    raise FileError(
        _(
            'The first row must name the columns, one of them "name" (see the template); '
            "found: %(found)s."
        )
        % {"found": found}
    )


def _source_file(table: Iterator[tuple[int, list[str]]], filename: str) -> SourceFile:
    header, above = _find_header(table)
    positions: dict[str, int] = {}
    warnings: list[str] = []
    if above:
        warnings.append(
            _("rows above the header ignored: %(rows)s") % {"rows": ", ".join(map(str, above))}
        )
    for index, title in enumerate(header):
        column = _COLUMN_KEYS.get(_column_key(title))
        if not title:
            continue
        if column is None:
            warnings.append(_('unknown column "%(column)s" ignored') % {"column": _shown(title)})
        elif column in positions:
            raise FileError(
                _('The column "%(column)s" appears twice, in columns %(first)s and %(second)s.')
                % {"column": column, "first": positions[column] + 1, "second": index + 1}
            )
        else:
            positions[column] = index
    rows: list[SourceRow] = []
    unnamed = False
    for number, cells in table:
        values = [cell.strip() for cell in cells]
        if not any(values):
            continue
        if len(rows) >= MAX_ROWS:
            raise FileError(
                _("The file has more than %(limit)s rows: split it into smaller files.")
                % {"limit": f"{MAX_ROWS:,}"}
            )
        padded = values + [""] * (len(header) - len(values))
        overflow = sum(1 for value in values[len(header) :] if value)
        unnamed = unnamed or any(
            value and not header[index] for index, value in enumerate(values[: len(header)])
        )
        rows.append(
            SourceRow(
                number=number,
                cells={column: padded[index] for column, index in positions.items()},
                overflow=overflow,
            )
        )
    if unnamed:
        warnings.append(_("cells under a column without a name were ignored"))
    return SourceFile(filename=filename, rows=rows, warnings=warnings)


def template_csv() -> bytes:
    """The template offered for download: the header row and one example row."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerow(TEMPLATE_EXAMPLE)
    # With a byte order mark, Excel opens the accents right.
    return codecs.BOM_UTF8 + out.getvalue().encode()


# Checking rows ------------------------------------------------------------------------


class _Invalid(Exception):
    pass


def _shown(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _value_key(text: str) -> str:
    key = re.sub(r"[\s_\-.]+", "", text.casefold())
    return key.replace("organization", "organisation")


@cache
def _max_length(model: type[models.Model], name: str) -> int | None:
    limit: int | None = getattr(model._meta.get_field(name), "max_length", None)
    return limit


@cache
def _choices_index(choices: type[models.TextChoices]) -> dict[str, str]:
    """Enum value or English label (any case, spacing) -> value."""
    index: dict[str, str] = {}
    with translation.override("en"):
        for value, label in choices.choices:
            index[_value_key(value)] = value
            index[_value_key(str(label))] = value
    return index


def _choice(choices: type[models.TextChoices], text: str, unknown: StrOrPromise) -> str:
    index = _choices_index(choices)
    key = _value_key(text)
    # "Government" for "Governments", "International organisations" for "...organisation".
    value = index.get(key) or index.get(key + "s") or index.get(key.removesuffix("s"))
    if value is None:
        with translation.override("en"):
            expected = ", ".join(str(label) for label in choices.labels)
        raise _Invalid(unknown % {"value": _shown(text), "expected": expected})
    return value


_SECTOR_KEYS = {
    "R": Sector.R,
    "RADIOCOMMUNICATION": Sector.R,
    "T": Sector.T,
    "STANDARDIZATION": Sector.T,
    "STANDARDISATION": Sector.T,
    "D": Sector.D,
    "DEVELOPMENT": Sector.D,
}


def _sectors(text: str) -> dict[str, Any]:
    held: set[str] = set()
    for part in re.split(r"[;,\n]", text):
        if not part.strip():
            continue
        key = re.sub(r"[\s_\-.]+", "", part.upper()).removeprefix("ITU")
        sector = _SECTOR_KEYS.get(key)
        if sector is None:
            raise _Invalid(
                _('unknown ITU sector "%(value)s"; expected ITU-R, ITU-T or ITU-D')
                % {"value": _shown(part.strip())}
            )
        held.add(sector)
    return {"itu_r": Sector.R in held, "itu_t": Sector.T in held, "itu_d": Sector.D in held}


def _country(text: str) -> str:
    country = lookup_country(text)
    if country is None:
        raise _Invalid(_('unknown country "%(value)s"') % {"value": _shown(text)})
    return country.code


def _language(text: str) -> str:
    code = text.casefold()
    if re.fullmatch(r"[a-z]{2}[-_][a-z]{2,4}", code):  # en-GB, zh_Hans
        code = code[:2]
    if code in Language.values:
        return code
    value = _choices_index(Language).get(_value_key(text))  # "French"
    if value is None:
        raise _Invalid(
            _('unknown language "%(value)s"; expected one of: %(expected)s')
            % {"value": _shown(text), "expected": ", ".join(sorted(Language.values))}
        )
    return value


def _email(text: str) -> str:
    try:
        validate_email(text)
    except ValidationError:
        raise _Invalid(
            _('not a valid email address: "%(value)s"') % {"value": _shown(text)}
        ) from None
    return text


_url_validator = URLValidator(schemes=["http", "https"])


def _website(text: str) -> str:
    url = text if "://" in text else "https://" + text
    try:
        _url_validator(url)
    except ValidationError:
        raise _Invalid(
            _('not a valid web address: "%(value)s"') % {"value": _shown(text)}
        ) from None
    return url


def _limited(text: str, limit: int | None) -> str:
    if limit is not None and len(text) > limit:
        raise _Invalid(
            _("too long: %(length)s characters, at most %(limit)s")
            % {"length": len(text), "limit": limit}
        )
    return text


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


_UNKNOWN_CATEGORY = gettext_lazy('unknown category "%(value)s"; expected one of: %(expected)s')
_UNKNOWN_GROUP = gettext_lazy(
    'unknown stakeholder group "%(value)s"; expected one of: %(expected)s'
)


def _organisation_value(column: str, text: str) -> dict[str, Any]:
    if column == "category":
        return {"category": _choice(Category, text, _UNKNOWN_CATEGORY)}
    if column == "stakeholder_group":
        return {"stakeholder_group": _choice(StakeholderGroup, text, _UNKNOWN_GROUP)}
    if column == "sectors":
        return _sectors(text)
    if column == "country":
        return {"country": _country(text)}
    if column == "language":
        return {"language": _language(text)}
    if column == "email":
        text = _email(text)
    elif column == "website":
        text = _website(text)
    elif column == "address":
        text = _lines(text)
    elif column != "external_id":
        text = _one_line(text)
    return {column: _limited(text, _max_length(Organisation, column))}


def _person_value(name: str, text: str) -> str:
    text = _email(text) if name == "email" else _one_line(text)
    return _limited(text, _max_length(Person, name))


def _check_row(row: SourceRow) -> tuple[CheckedRow, list[RowError]]:
    errors: list[RowError] = []
    fields: dict[str, Any] = {}
    ceo: dict[str, str] = {}
    if row.overflow:
        reason = _(
            "more cells than the header has columns: "
            "a value containing the delimiter must be in quotes"
        )
        # The cells are shifted: what each column would say about them is noise.
        return CheckedRow(row.number, "", {}, {}), [RowError(row.number, "", reason)]
    for column, text in row.cells.items():
        if not text:
            continue
        if "\n" in text and column != "address":
            reason = _("a line break inside the cell: is a closing quote missing?")
            errors.append(RowError(row.number, column, reason))
            continue
        try:
            if column in CEO_COLUMNS:
                ceo[CEO_COLUMNS[column]] = _person_value(CEO_COLUMNS[column], text)
            else:
                fields.update(_organisation_value(column, text))
        except _Invalid as error:
            errors.append(RowError(row.number, column, str(error)))
    external_id = fields.pop("external_id", "")
    return CheckedRow(row.number, external_id, fields, ceo), errors


def check_rows(source: SourceFile, *, progress: Progress | None = None) -> CheckedFile:
    """Every row checked on its own (no database); rows with an error are left out."""
    rows: list[CheckedRow] = []
    errors: list[RowError] = []
    first_row: dict[str, int] = {}  # external ID -> the row that used it first
    total = len(source.rows)
    for done, source_row in enumerate(source.rows, start=1):
        row, row_errors = _check_row(source_row)
        if row.external_id and row.external_id in first_row:
            reason = _('external ID "%(value)s" already used in row %(row)s') % {
                "value": _shown(row.external_id),
                "row": first_row[row.external_id],
            }
            row_errors.append(RowError(row.number, "external_id", reason))
        elif row.external_id:
            first_row[row.external_id] = row.number
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(row)
        if progress and (done % CHUNK == 0 or done == total):
            progress(CHECKING, done, total)
    return CheckedFile(source.filename, total, rows, errors, list(source.warnings))


# Planning -----------------------------------------------------------------------------

M = TypeVar("M", bound=models.Model)


def _in_chunks(queryset: models.QuerySet[M], lookup: str, values: Iterable[Any]) -> Iterator[M]:
    values = list(values)
    for start in range(0, len(values), CHUNK):
        yield from queryset.filter(**{f"{lookup}__in": values[start : start + CHUNK]})


def _by_external_id(external_ids: set[str]) -> dict[str, Organisation]:
    """Organisations by external ID; one merged into another stands for the one kept."""
    found = {
        org.external_id or "": org
        for org in _in_chunks(Organisation.objects.all(), "external_id", external_ids)
    }
    for _depth in range(10):  # merges point at the one kept; older data may have chains
        merged = {key: org.merged_into_id for key, org in found.items() if org.merged_into_id}
        if not merged:
            break
        kept = {
            org.pk: org
            for org in _in_chunks(Organisation.objects.all(), "pk", set(merged.values()))
        }
        for key, kept_id in merged.items():
            found[key] = kept[kept_id]
    return found


@dataclass(frozen=True)
class _Known:
    pk: int
    label: str
    name_key: str


def _known(org: Organisation) -> _Known:
    return _Known(org.pk, str(org), org.name_key)


def _same_acronym(pairs: set[tuple[str, str]]) -> dict[tuple[str, str], list[_Known]]:
    """Current organisations by (folded acronym, country), for the pairs asked about."""
    found: dict[tuple[str, str], list[_Known]] = defaultdict(list)
    countries = {country for _acronym, country in pairs}
    if not pairs:
        return found
    candidates = (
        Organisation.objects.current()
        .exclude(acronym="")
        .filter(country__in=countries)
        .values_list("pk", "name", "acronym", "country", "name_key")
    )
    for pk, name, acronym, country, key in candidates.iterator(chunk_size=2000):
        pair = (name_key(acronym), country)
        if pair in pairs:
            found[pair].append(_Known(pk, f"{name} ({acronym})", key))
    return found


def _same_person(person: Person, values: dict[str, str]) -> bool:
    """Whether the row's chief executive is `person` (with details changed, perhaps)."""
    email = values.get("email", "")
    if email and person.email and email.casefold() == person.email.casefold():
        return True
    family, given = values.get("family_name", ""), values.get("given_name", "")
    if family and fold(family) != fold(person.family_name):
        return False
    return not (given and fold(given) != fold(person.given_name))


def _plan_ceo(row: CheckedRow, current: Position | None) -> CeoPlan | None:
    if not row.ceo:
        return None
    if current is not None and _same_person(current.person, row.ceo):
        person = current.person
        changes = audit.diff(audit.snapshot(person, row.ceo), dict(row.ceo))
        if not changes:
            return None
        return CeoPlan(person, dict(row.ceo), changes, new=False, assign=False, replaces=False)
    if not row.ceo.get("family_name"):
        raise _Invalid(_("needed to record a new chief executive"))
    person = Person(**row.ceo)
    changes = audit.diff({}, audit.snapshot(person, PERSON_FIELDS))
    return CeoPlan(
        person, dict(row.ceo), changes, new=True, assign=True, replaces=current is not None
    )


def _identical(row: CheckedRow, organisation: Organisation, ceo: Position | None) -> bool:
    """Whether `organisation` already holds every value the row gives."""
    if audit.diff(audit.snapshot(organisation, row.fields), row.fields):
        return False
    if row.ceo:
        return (
            ceo is not None
            and _same_person(ceo.person, row.ceo)
            and not audit.diff(audit.snapshot(ceo.person, row.ceo), row.ceo)
        )
    return True


def plan_import(checked: CheckedFile) -> ImportPlan:
    """What importing the checked rows would do to the directory (reads only)."""
    errors = list(checked.errors)
    targets = _by_external_id({row.external_id for row in checked.rows if row.external_id})
    new_rows = [row for row in checked.rows if row.external_id not in targets]
    names = {name_key(row.fields["name"]) for row in new_rows if row.fields.get("name")}
    same_name: dict[str, list[Organisation]] = defaultdict(list)
    for org in _in_chunks(Organisation.objects.current(), "name_key", names - {""}):
        same_name[org.name_key].append(org)
    acronyms = {
        (name_key(row.fields["acronym"]), row.fields["country"])
        for row in new_rows
        if row.fields.get("acronym") and row.fields.get("country")
    }
    same_acronym = _same_acronym({pair for pair in acronyms if pair[0]})
    involved = {org.pk for org in targets.values()}
    involved |= {org.pk for group in same_name.values() for org in group}
    chief_executives = {
        position.organisation_id: position
        for position in _in_chunks(
            Position.objects.filter(role=PositionRole.CHIEF_EXECUTIVE).select_related("person"),
            "organisation_id",
            involved,
        )
    }

    planned: list[PlannedRow] = []
    duplicates: list[DuplicateFlag] = []
    claimed: dict[int, int] = {}  # organisation -> the row that plans it
    new_by_name: dict[str, list[PlannedRow]] = defaultdict(list)
    new_by_acronym: dict[tuple[str, str], list[PlannedRow]] = defaultdict(list)
    for row in checked.rows:
        target = targets.get(row.external_id) if row.external_id else None
        if target is None and not row.external_id:
            # Those with a chief executive (or not) like the row first, so that each row
            # finds again the organisation it made when the file is imported twice.
            candidates = sorted(
                same_name.get(name_key(row.fields.get("name", "")), []),
                key=lambda org: (org.pk in chief_executives) != bool(row.ceo),
            )
            target = next(
                (
                    org
                    for org in candidates
                    if org.pk not in claimed and _identical(row, org, chief_executives.get(org.pk))
                ),
                None,
            )
        if target is not None and target.pk in claimed:
            reason = _("updates the same organisation as row %(row)s") % {"row": claimed[target.pk]}
            errors.append(RowError(row.number, "external_id", reason))
            continue
        try:
            if target is not None:
                step = _plan_update(row, target, chief_executives.get(target.pk))
                claimed[target.pk] = row.number
            else:
                step = _plan_create(row)
        except _Column as error:
            errors.append(RowError(row.number, error.column, error.reason))
            continue
        planned.append(step)
        if step.action == CREATE:
            duplicates.extend(_flags(step, same_name, same_acronym, new_by_name, new_by_acronym))
    errors.sort(key=lambda error: error.row)
    return ImportPlan(
        filename=checked.filename,
        total_rows=checked.total_rows,
        rows=planned,
        errors=errors,
        warnings=checked.warnings,
        duplicates=duplicates,
    )


class _Column(Exception):
    def __init__(self, column: str, reason: str) -> None:
        super().__init__(reason)
        self.column = column
        self.reason = reason


def _ceo_or_fail(row: CheckedRow, current: Position | None) -> CeoPlan | None:
    try:
        return _plan_ceo(row, current)
    except _Invalid as error:
        raise _Column("ceo_family_name", str(error)) from None


def _plan_update(row: CheckedRow, organisation: Organisation, ceo: Position | None) -> PlannedRow:
    before = audit.snapshot(organisation, row.fields)
    changes = audit.diff(before, dict(row.fields))
    ceo_plan = _ceo_or_fail(row, ceo)
    action = UPDATE if changes or ceo_plan else UNCHANGED
    return PlannedRow(row.number, action, organisation, dict(row.fields), changes, ceo_plan)


def _plan_create(row: CheckedRow) -> PlannedRow:
    values = dict(row.fields)
    if "stakeholder_group" not in values and values.get("category") in DEFAULT_STAKEHOLDER_GROUP:
        values["stakeholder_group"] = DEFAULT_STAKEHOLDER_GROUP[Category(values["category"])]
    for required in REQUIRED:
        if not values.get(required):
            raise _Column(required, _("required for a new organisation"))
    if row.external_id:
        values["external_id"] = row.external_id
    organisation = Organisation(**values)
    refresh_search_fields(organisation)
    changes = audit.diff({}, audit.snapshot(organisation, ORGANISATION_FIELDS))
    return PlannedRow(row.number, CREATE, organisation, values, changes, _ceo_or_fail(row, None))


def _flags(
    step: PlannedRow,
    same_name: dict[str, list[Organisation]],
    same_acronym: dict[tuple[str, str], list[_Known]],
    new_by_name: dict[str, list[PlannedRow]],
    new_by_acronym: dict[tuple[str, str], list[PlannedRow]],
) -> list[DuplicateFlag]:
    """Likely duplicates of a new organisation, in the directory and earlier in the file;
    the same tests as `services.likely_duplicates`."""
    organisation = step.organisation
    flags: list[DuplicateFlag] = []
    name = str(organisation)

    def flag(reason: str, known: Iterable[_Known], earlier: Iterable[PlannedRow]) -> None:
        for other in list(known)[:MAX_MATCHES]:
            flags.append(DuplicateFlag(step.number, name, reason, other.label, other_id=other.pk))
        for row in list(earlier)[:MAX_MATCHES]:
            flags.append(
                DuplicateFlag(
                    step.number, name, reason, str(row.organisation), other_row=row.number
                )
            )

    key = organisation.name_key
    if key:  # a name of punctuation alone would match every other such name
        flag(_("same name"), map(_known, same_name.get(key, [])), new_by_name[key])
        new_by_name[key].append(step)
    acronym = (name_key(organisation.acronym), organisation.country)
    if acronym[0]:
        flag(
            _("same acronym and country"),
            (other for other in same_acronym.get(acronym, []) if other.name_key != key),
            (row for row in new_by_acronym[acronym] if row.organisation.name_key != key),
        )
        new_by_acronym[acronym].append(step)
    return flags


# Writing ------------------------------------------------------------------------------


def apply_plan(
    plan: ImportPlan,
    *,
    actor: Actor,
    only_valid: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Write the plan in one transaction and report what was done.

    Nothing is written on a dry run, nor when a row was refused and `only_valid` is false.
    Side effects: organisations, people and chief executive positions created or changed,
    with one audit entry each (actor's channel, a note naming the file and row); duplicate
    candidates for the likely duplicates of new organisations.
    Call `plan_import` in the same transaction so that the plan is still true.
    """
    counts = Counter(row.action for row in plan.rows)
    write = not dry_run and (only_valid or not plan.errors)
    duplicates = plan.duplicates
    if write:
        with transaction.atomic():
            duplicates = _write(plan, actor=actor, progress=progress)
    return ImportReport(
        filename=plan.filename,
        total_rows=plan.total_rows,
        created=counts[CREATE],
        updated=counts[UPDATE],
        unchanged=counts[UNCHANGED],
        refused=len({error.row for error in plan.errors}),
        errors=plan.errors,
        warnings=plan.warnings,
        duplicates=duplicates,
        dry_run=dry_run,
        only_valid=only_valid,
        written=write and bool(counts[CREATE] or counts[UPDATE]),
    )


def _write(plan: ImportPlan, *, actor: Actor, progress: Progress | None) -> list[DuplicateFlag]:
    rows = [row for row in plan.rows if row.action != UNCHANGED]
    for start in range(0, len(rows), WRITE_CHUNK):
        chunk = rows[start : start + WRITE_CHUNK]
        _write_chunk(chunk, plan.filename, actor=actor)
        if progress:
            progress(WRITING, start + len(chunk), len(rows))
    created = {row.number: row.organisation.pk for row in rows if row.action == CREATE}
    flags: list[DuplicateFlag] = []
    pairs: dict[tuple[int, int], str] = {}
    for flag in plan.duplicates:
        first = created[flag.row]
        second = created[flag.other_row] if flag.other_row is not None else flag.other_id
        assert second is not None
        pairs.setdefault((min(first, second), max(first, second)), flag.reason)
        flags.append(replace(flag, organisation_id=first))
    DuplicateCandidate.objects.bulk_create(
        [
            DuplicateCandidate(organisation_id=a, other_id=b, reason=r)
            for (a, b), r in pairs.items()
        ],
        batch_size=CHUNK,
        ignore_conflicts=True,
    )
    return flags


def _write_chunk(rows: list[PlannedRow], filename: str, *, actor: Actor) -> None:
    now = timezone.now()
    entries: list[AuditEntry] = []

    def note(row: PlannedRow) -> str:
        return _("%(file)s, row %(row)s") % {"file": filename, "row": row.number}

    creates = [row for row in rows if row.action == CREATE]  # search fields filled by the plan
    Organisation.objects.bulk_create([row.organisation for row in creates], batch_size=CHUNK)
    changed = [row for row in rows if row.action == UPDATE and row.changes]
    for row in changed:
        for name, value in row.values.items():
            setattr(row.organisation, name, value)
        refresh_search_fields(row.organisation)
        row.organisation.updated_at = now
    if changed:
        fields = {name for row in changed for name in row.changes}
        Organisation.objects.bulk_update(
            [row.organisation for row in changed],
            sorted(fields | {"search_text", "name_key", "updated_at"}),
            batch_size=CHUNK,
        )
    for row in creates:
        entries.append(_entry(row.organisation, "created", row, actor, note(row)))
    for row in changed:
        entries.append(_entry(row.organisation, "changed", row, actor, note(row)))

    people = [row for row in rows if row.ceo is not None]
    new_people = [row.ceo.person for row in people if row.ceo and row.ceo.new]
    Person.objects.bulk_create(new_people, batch_size=CHUNK)
    changed_people = [row.ceo for row in people if row.ceo and not row.ceo.new]
    for ceo in changed_people:
        for name, value in ceo.values.items():
            setattr(ceo.person, name, value)
        ceo.person.updated_at = now
    if changed_people:
        fields = {name for ceo in changed_people for name in ceo.changes}
        Person.objects.bulk_update(
            [ceo.person for ceo in changed_people],
            sorted(fields | {"updated_at"}),
            batch_size=CHUNK,
        )
    positions: list[tuple[PlannedRow, Position]] = []
    replacing: list[PlannedRow] = []
    for row in people:
        assert row.ceo is not None
        action = "summitdesk.person.created" if row.ceo.new else "summitdesk.person.changed"
        entries.append(
            audit.entry(
                row.ceo.person,
                action,
                actor=actor,
                changes=row.ceo.changes,
                organisation_id=row.organisation.pk,
                note=note(row),
            )
        )
        if row.ceo.replaces:
            replacing.append(row)
        elif row.ceo.assign:
            position = Position(
                organisation=row.organisation,
                person=row.ceo.person,
                role=PositionRole.CHIEF_EXECUTIVE,
            )
            positions.append((row, position))
    Position.objects.bulk_create([position for _row, position in positions], batch_size=CHUNK)
    assigned = audit.diff({}, {"role": str(PositionRole.CHIEF_EXECUTIVE), "function": ""})
    for row, position in positions:
        entries.append(
            audit.entry(
                position,
                "summitdesk.position.assigned",
                actor=actor,
                changes=assigned,
                organisation_id=position.organisation_id,
                note=note(row),
            )
        )
    AuditEntry.objects.bulk_create(entries, batch_size=CHUNK)
    for row in replacing:  # rare: the service moves the previous one aside, with its entries
        assert row.ceo is not None
        assign_position(
            row.organisation, row.ceo.person, role=PositionRole.CHIEF_EXECUTIVE, actor=actor
        )


def _entry(
    organisation: Organisation, verb: str, row: PlannedRow, actor: Actor, note: str
) -> AuditEntry:
    return audit.entry(
        organisation,
        f"summitdesk.organisation.{verb}",
        actor=actor,
        changes=row.changes,
        organisation_id=organisation.pk,
        note=note,
    )


def import_organisations(
    content: bytes,
    filename: str,
    *,
    actor: Actor,
    only_valid: bool = False,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Read, check, plan and apply a file (see the module's docstring).

    Raises FileError when the file cannot be read, DirectoryError when another change to
    the directory collided with the import (nothing is written then either).
    """
    checked = check_rows(read_file(content, filename), progress=progress)
    if dry_run:  # no transaction: on SQLite it would hold the write lock while reading
        return apply_plan(plan_import(checked), actor=actor, only_valid=only_valid, dry_run=True)
    try:
        with transaction.atomic():
            plan = plan_import(checked)
            return apply_plan(plan, actor=actor, only_valid=only_valid, progress=progress)
    except IntegrityError as error:  # e.g. the same new external ID from two imports at once
        raise DirectoryError(
            _("The directory changed during the import, so nothing was written: run it again.")
        ) from error


# Import jobs (the upload page) --------------------------------------------------------


def create_job(content: bytes, filename: str, *, actor: Actor) -> ImportJob:
    """Keep an uploaded file with what importing it would do, for the person to confirm.

    Raises FileError (and keeps nothing) when the file cannot be read.
    """
    preview = import_organisations(content, filename, actor=actor, dry_run=True)
    return ImportJob.objects.create(
        uploaded_by=actor.user,
        filename=PurePath(filename).name[-255:],
        content=content,
        rows_total=preview.total_rows,
        preview=preview.as_dict(),
    )


def confirm_job(job: ImportJob, *, only_valid: bool, actor: Actor) -> None:
    """Queue a previewed import for the background worker (in the same transaction)."""
    from summitdesk.directory.tasks import run_import_job

    with transaction.atomic():
        locked = ImportJob.objects.select_for_update().get(pk=job.pk)
        if locked.status != ImportJobStatus.PREVIEWED:
            raise DirectoryError(_("This import has already been confirmed."))
        result = run_import_job.enqueue(locked.pk)
        locked.status = ImportJobStatus.QUEUED
        locked.only_valid = only_valid
        locked.confirmed_by = actor.user
        locked.queued_at = timezone.now()
        locked.task_id = str(result.id)
        locked.save()
    job.refresh_from_db()


def discard_job(job: ImportJob) -> None:
    """Forget a previewed file that the person decided not to import."""
    deleted, _by_model = ImportJob.objects.filter(
        pk=job.pk, status=ImportJobStatus.PREVIEWED
    ).delete()
    if not deleted:
        raise DirectoryError(_("This import has already been confirmed."))


def run_job(job_id: int) -> None:
    """Import a confirmed job's file; a job already done (or gone) is left alone.

    The import and the job's "done" are committed together, so a job run again after its
    worker died imports the file again from the start, never half of it twice.
    """
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.status not in (ImportJobStatus.QUEUED, ImportJobStatus.RUNNING):
        return
    jobs = ImportJob.objects.filter(pk=job_id)
    jobs.update(status=ImportJobStatus.RUNNING, started_at=timezone.now(), rows_done=0)
    user = job.confirmed_by or job.uploaded_by
    actor = (
        Actor.staff(user, Channel.IMPORT)
        if user is not None
        else Actor.system("import", Channel.IMPORT)
    )

    def progress(stage: str, done: int, total: int) -> None:
        # Only checking is visible from outside: writing happens in one transaction.
        if stage == CHECKING:
            jobs.update(rows_done=done, rows_total=total)

    try:
        checked = check_rows(read_file(bytes(job.content), job.filename), progress=progress)
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job_id)
            if locked.status == ImportJobStatus.DONE:  # another worker finished it meanwhile
                return
            plan = plan_import(checked)
            report = apply_plan(plan, actor=actor, only_valid=job.only_valid)
            locked.status = ImportJobStatus.DONE
            locked.report = report.as_dict()
            locked.rows_done = locked.rows_total = report.total_rows
            locked.finished_at = timezone.now()
            locked.content = b""
            locked.save()
    except Exception as error:
        # Never over a job that another worker finished meanwhile.
        jobs.exclude(status=ImportJobStatus.DONE).update(
            status=ImportJobStatus.FAILED,
            error=str(error)
            if isinstance(error, FileError)
            else _("The import stopped on an unexpected error; nothing was written."),
            finished_at=timezone.now(),
        )
        if not isinstance(error, FileError):
            raise


def requeue_stalled_jobs(*, older_than: timedelta = timedelta(minutes=30)) -> int:
    """Enqueue again the jobs that a dead worker left queued or running; for a periodic sweep.

    The database queue never gives back a task whose worker was killed. Running a job
    twice is harmless (see `run_job`), so a job still running after `older_than` (ten
    thousand rows take seconds) is simply enqueued again. Returns how many were.
    """
    from summitdesk.directory.tasks import run_import_job

    cutoff = timezone.now() - older_than
    stalled = ImportJob.objects.filter(
        models.Q(status=ImportJobStatus.QUEUED, queued_at__lt=cutoff)
        | models.Q(status=ImportJobStatus.RUNNING, started_at__lt=cutoff)
    ).values_list("pk", flat=True)
    count = 0
    for job_id in stalled:
        with transaction.atomic():
            result = run_import_job.enqueue(job_id)
            # Queued anew, so that the next sweep leaves it to this run for a while.
            ImportJob.objects.filter(pk=job_id).exclude(status=ImportJobStatus.DONE).update(
                status=ImportJobStatus.QUEUED, queued_at=timezone.now(), task_id=str(result.id)
            )
        count += 1
    return count
