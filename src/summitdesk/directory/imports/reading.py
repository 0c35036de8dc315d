"""Reading a file: bytes and a file name -> `SourceFile`, or `FileError`.

CSV text (UTF-8 or UTF-16, else the encoding charset-normalizer finds, named in a warning;
comma, semicolon or tab, told apart outside quoted cells, or Excel's "sep=" line) or the
first sheet of an XLSX workbook, as a table of text cells. The header is the first
row with a "name" column, its titles matched to `COLUMNS` ignoring case, spaces and
punctuation; the rows below are numbered as a spreadsheet shows them (the header is row
1), blank rows left out, and reading stops after MAX_BLANK_ROWS blank rows in a row (a
sheet formatted down to its last row holds a million of them). Also the template offered
for download, `template_csv`.
"""

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import PurePath

import charset_normalizer
import openpyxl
from django.utils.translation import gettext as _

from summitdesk.directory.imports.results import READING, FileError, Progress

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

MAX_ROWS = 100_000
MAX_FILE_BYTES = 100 * 1024 * 1024
# An XLSX file is a zip archive: refuse one that would unpack to more than this. 100,000
# rows of the template's columns, each cell as long as the template's example and written
# the larger way (inline strings, as openpyxl writes them), unpack to 106 MB: 160 MiB
# leaves room for longer cells (see docs/configuration.md).
MAX_UNPACKED_BYTES = 160 * 1024 * 1024
#: Blank rows in a row after which reading stops.
MAX_BLANK_ROWS = 1_000
#: Rows read between two progress reports while reading.
READ_CHUNK = 1_000


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


def read_file(content: bytes, filename: str, *, progress: Progress | None = None) -> SourceFile:
    """The rows of a CSV or XLSX file, by their spreadsheet row numbers; `progress` is told
    the rows read so far (READING, rows, 0) every READ_CHUNK rows."""
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
    warnings: list[str] = []
    if content.startswith(b"PK\x03\x04") or suffix in (".xlsx", ".xlsm"):
        table = _xlsx_table(content)
    else:
        table = _csv_table(content, warnings)
    return _source_file(_until_blank_run(table, warnings, progress), filename, warnings)


def _until_blank_run(
    table: Iterator[tuple[int, list[str]]], warnings: list[str], progress: Progress | None
) -> Iterator[tuple[int, list[str]]]:
    """The rows, up to MAX_BLANK_ROWS blank rows in a row; a warning says where reading
    stopped when something (even blank) followed."""
    blank = 0
    for number, cells in table:
        if progress and number % READ_CHUNK == 0:
            progress(READING, number, 0)
        if any(cell.strip() for cell in cells):
            blank = 0
        else:
            blank += 1
            if blank >= MAX_BLANK_ROWS:
                if next(table, None) is not None:
                    warnings.append(
                        _(
                            "reading stopped at row %(row)s after %(blank)s blank rows in a "
                            "row: anything below was not read"
                        )
                        % {"row": number, "blank": f"{MAX_BLANK_ROWS:,}"}
                    )
                return
        yield number, cells


#: The encodings a spreadsheet program writes CSV in, besides UTF-8 and UTF-16: the
#: Windows code pages and the East Asian ones. Guessing among fewer makes fewer mistakes.
_ENCODINGS = (
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "gb18030",
    "big5",
    "shift_jis",
    "euc_kr",
    "mac_roman",
)
_ENCODING_NAMES = {
    "cp1252": "Windows-1252 (Western European)",
    "cp1250": "Windows-1250 (Central European)",
    "cp1251": "Windows-1251 (Cyrillic)",
    "cp1253": "Windows-1253 (Greek)",
    "cp1254": "Windows-1254 (Turkish)",
    "cp1255": "Windows-1255 (Hebrew)",
    "cp1256": "Windows-1256 (Arabic)",
    "cp1257": "Windows-1257 (Baltic)",
    "gb18030": "GB18030 (Chinese)",
    "big5": "Big5 (Traditional Chinese)",
    "shift_jis": "Shift JIS (Japanese)",
    "euc_kr": "EUC-KR (Korean)",
    "mac_roman": "Mac OS Roman",
}
#: Bytes from the start of the file the encoding is guessed from (the whole file is
#: decoded with it).
ENCODING_SAMPLE_BYTES = 256 * 1024


def _guess_encoding(content: bytes) -> str | None:
    """The encoding charset-normalizer finds likeliest, Windows-1252 when it decodes the
    text the same (the short samples of a directory file rarely tell the Latin code pages
    apart, and Windows-1252 is what Excel writes in Western Europe)."""
    sample = content[:ENCODING_SAMPLE_BYTES]
    if len(content) > ENCODING_SAMPLE_BYTES and b"\n" in sample:
        sample = sample[: sample.rindex(b"\n") + 1]  # not in the middle of a character
    results = charset_normalizer.from_bytes(sample, cp_isolation=list(_ENCODINGS))
    best = results.best()
    if best is None:
        return None
    as_likely = [r for r in results if (r.chaos, r.coherence) == (best.chaos, best.coherence)]
    if any("cp1252" in result.could_be_from_charset for result in as_likely):
        return "cp1252"
    return str(best.encoding)


def _decode(content: bytes) -> tuple[str, str | None]:
    """The text, and the name of the encoding assumed when the file did not say it (no
    byte order mark) and is not UTF-8."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding, assumed = "utf-16", False
    else:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            encoding, assumed = _guess_encoding(content) or "", True
        else:
            encoding, assumed = "utf-8-sig", False
            if "\x00" not in text:
                return text, None
    if encoding:
        try:
            text = content.decode(encoding)
        except UnicodeDecodeError:
            text = "\x00"
        if "\x00" not in text:
            return text, _ENCODING_NAMES.get(encoding, encoding) if assumed else None
    raise FileError(
        _(
            "This file is neither an XLSX workbook nor CSV text in an encoding that could be "
            "recognised: save it from the spreadsheet as XLSX or CSV UTF-8."
        )
    )


_DELIMITERS = (",", ";", "\t")


def _delimiter(text: str) -> str:
    """The delimiter of CSV text, told by reading its first rows as CSV with each one in
    turn (quoted cells stay whole, so the commas of a quoted address do not count): the
    one that finds the header (a "name" column) with the most known columns, else the one
    that splits a row into the most cells. Title rows above the header count for nothing."""
    sample = text[:65_536]
    best: tuple[int, int, int] = (0, 0, 0)
    chosen = ","
    for rank, candidate in enumerate(_DELIMITERS):
        known = widest = 0
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=candidate)
        try:
            for _index, cells in zip(range(HEADER_SEARCH * 2), reader, strict=False):
                widest = max(widest, len(cells))
                columns = {_COLUMN_KEYS.get(_column_key(cell)) for cell in cells}
                if "name" in columns:
                    known = max(known, len(columns - {None}))
        except csv.Error:
            pass  # the rows read so far decide
        score = (known, widest, -rank)
        if score > best:
            best, chosen = score, candidate
    return chosen


def _csv_table(content: bytes, warnings: list[str]) -> Iterator[tuple[int, list[str]]]:
    text, assumed = _decode(content)
    if assumed:
        warnings.append(
            _("the file is not UTF-8: its text was read as %(encoding)s; check its accents")
            % {"encoding": assumed}
        )
    first_line, _newline, rest = text.partition("\n")
    hint = re.fullmatch(r"sep=(.)\r?", first_line)
    if hint:  # Excel's "sep=;" line, which it does not show as a row
        delimiter, text = hint.group(1), rest
    else:
        delimiter = _delimiter(text)
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


def _source_file(
    table: Iterator[tuple[int, list[str]]], filename: str, warnings: list[str]
) -> SourceFile:
    header, above = _find_header(table)
    positions: dict[str, int] = {}
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


def _shown(value: str, limit: int = 60) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"
