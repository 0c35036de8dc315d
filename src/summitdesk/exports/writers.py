"""Writing rows as CSV or XLSX, one row at a time, to a binary stream.

Neither writer keeps rows: memory stays the same for ten rows or a million.

- CSV is UTF-8 with a byte order mark (so that Excel reads accents, Cyrillic, Arabic and
  Chinese correctly), comma-separated, with CRLF line ends (the `csv` module's default).
- XLSX is written here as the smallest workbook the format allows (one sheet, inline
  strings, a bold header row), streamed into the ZIP entry by entry: openpyxl's write-only
  mode, without lxml (not installed), is too slow for the largest lists
  (`bench/exports.py` prints the times). Tests read its files back with openpyxl.

Both neutralise formulas (`lib.spreadsheets`): in CSV a text cell that starts like a
formula gets a leading apostrophe; in XLSX its text stays as it is and the cell gets a
quote-prefix style, which Excel and LibreOffice show without an apostrophe and never run.

What each format does with the cells XLSX cannot hold as they are:

- Dates and date-times are real cells in XLSX (a serial number with a date format); a
  date-time with a zone is written in UTC, the zone the CSV's ISO text states. CSV writes
  them as ISO text, as before.
- NaN and infinities have no XLSX number: they are written as the text "NaN", "Infinity"
  and "-Infinity" in both formats, so that a wrong figure shows instead of an empty cell
  that would pass for "nothing".
- Excel refuses more than 32,767 characters in a cell: a longer text is cut in XLSX and
  ends with the visible marker "[…]"; CSV keeps the whole text.
- A sheet has at most 1,048,576 rows, the header included: `write_xlsx` refuses the row
  beyond with `TooManyRows`, whose message says what to do; callers that count rows first
  refuse before writing (`check_rows`).

An XLSX sheet opens ready to work with: the header row frozen and bold, a filter button on
every header cell (an autoFilter over the whole table), and each column as wide as its
header and the first WIDTH_SAMPLE rows need (between MIN_WIDTH and MAX_WIDTH characters;
a wide East Asian character counts two). The widths come before the rows in the file, so
they are measured on that sample, which is all the writer ever holds.
"""

import csv
import datetime
import io
import itertools
import math
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext as _

from summitdesk.exports.kinds import ExportError
from summitdesk.lib import spreadsheets

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
#: Excel's limits: rows in a sheet (the header included) and characters in a cell.
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_CHARS = 32_767
CUT_MARKER = "[…]"
#: Rows gathered before a chunk is written (CSV) or yielded (streamed responses).
ROWS_PER_CHUNK = 500

Progress = Callable[[int], None]


class TooManyRows(ExportError):
    """More rows than an XLSX sheet holds; the message says what to do."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "An XLSX sheet holds at most %(limit)s rows under its header; this export has "
                "more. Narrow the filters or choose CSV."
            )
            % {"limit": f"{XLSX_MAX_ROWS - 1:,}"}
        )


def check_rows(export_format: str, rows: int) -> None:
    """Refuse, before writing, an XLSX export of more rows than a sheet holds."""
    if export_format == "xlsx" and rows + 1 > XLSX_MAX_ROWS:
        raise TooManyRows


_NOT_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


def _finite(value: float | Decimal) -> bool:
    return value.is_finite() if isinstance(value, Decimal) else math.isfinite(value)


def _not_finite(value: float | Decimal) -> str:
    """A NaN or an infinity as text (no spreadsheet number holds it)."""
    return _NOT_FINITE.get(str(value).lower().replace("infinity", "inf"), "NaN")


def _csv_cell(cell: Any) -> Any:
    if isinstance(cell, datetime.date):
        return cell.isoformat()
    if isinstance(cell, float | Decimal) and not _finite(cell):
        return _not_finite(cell)
    return cell


_PLAIN = frozenset((str, int, type(None)))


def _neutralised(row: list[Any]) -> list[Any]:
    """The row as CSV cells: dates in ISO form, NaN as text, formulas neutralised."""
    plain = _PLAIN
    return spreadsheets.neutralised(
        [cell if cell.__class__ in plain else _csv_cell(cell) for cell in row]
    )


def csv_chunks(header: list[str], rows: Iterable[list[Any]]) -> Iterator[bytes]:
    """The CSV file, in chunks of encoded bytes, the byte order mark first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")
    writer.writerow(_neutralised(header))
    for count, row in enumerate(rows, start=1):
        writer.writerow(_neutralised(row))
        if count % ROWS_PER_CHUNK == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def write_csv(
    out: IO[bytes], header: list[str], rows: Iterable[list[Any]], progress: Progress | None = None
) -> int:
    """Write the CSV file to `out`; returns the number of rows (header not counted)."""
    counted = _counting(rows, progress)
    for chunk in csv_chunks(header, counted):
        out.write(chunk)
    return counted.count


class _Counter:
    def __init__(self, rows: Iterable[list[Any]], progress: Progress | None) -> None:
        self.rows = rows
        self.progress = progress
        self.count = 0

    def __iter__(self) -> Iterator[list[Any]]:
        for row in self.rows:
            yield row
            self.count += 1
            if self.progress is not None and self.count % ROWS_PER_CHUNK == 0:
                self.progress(self.count)
        if self.progress is not None:
            self.progress(self.count)


def _counting(rows: Iterable[list[Any]], progress: Progress | None) -> _Counter:
    return _Counter(rows, progress)


# XLSX

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")

_XML = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_OPENXML = "http://schemas.openxmlformats.org"
_OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_RELATIONSHIP = f"{_OPENXML}/officeDocument/2006/relationships"
_CONTENT_TYPES_XML = (
    f'{_XML}<Types xmlns="{_OPENXML}/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_OFFICE}.sheet.main+xml"/>'
    f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{_OFFICE}.worksheet+xml"/>'
    f'<Override PartName="/xl/styles.xml" ContentType="{_OFFICE}.styles+xml"/>'
    "</Types>"
)
_ROOT_RELS_XML = (
    f'{_XML}<Relationships xmlns="{_OPENXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIP}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK_RELS_XML = (
    f'{_XML}<Relationships xmlns="{_OPENXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_RELATIONSHIP}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_RELATIONSHIP}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# Cell styles (cellXfs), by index: 0 plain, 1 bold (header), 2 text that starts like a
# formula (quote prefix), 3 the same in the header, 4 date, 5 date and time.
_STYLES_XML = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    '<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy-mm-dd"/>'
    '<numFmt numFmtId="165" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1" quotePrefix="1"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)
_QUOTED = {"": ' s="2"', ' s="1"': ' s="3"'}
_DATE_STYLE = ' s="4"'
_DATE_TIME_STYLE = ' s="5"'
#: Day 0 of Excel's serial dates (1899-12-30 makes up for its false 29 February 1900);
#: serials are right from 1 March 1900, earlier dates are written as text.
_EPOCH = datetime.datetime(1899, 12, 30)
_FIRST_SERIAL_DATE = datetime.date(1900, 3, 1)


def _sheet_title(sheet_name: str) -> str:
    """The sheet's name as Excel allows it: without []:*?/\\, at most 31 characters."""
    title = sheet_name.translate(str.maketrans("", "", "[]:*?/\\"))
    return _ILLEGAL_XML.sub("", title)[:31] or "Export"


def _workbook_xml(sheet_name: str, filter_ref: str | None = None) -> str:
    title = _sheet_title(sheet_name)
    name = _xml_text(title).replace('"', "&quot;")
    defined = ""
    if filter_ref is not None:
        # The name Excel gives a sheet's filter range; without it Excel still filters,
        # but some readers show no buttons.
        quoted = _xml_text("'" + title.replace("'", "''") + "'")
        start, _colon, end = filter_ref.partition(":")
        absolute = "!" + ":".join(re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref) for ref in (start, end))
        defined = (
            '<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" '
            f'hidden="1">{quoted}{absolute}</definedName></definedNames>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f'<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>{defined}</workbook>'
    )


#: Rows (after the header) whose cells decide the columns' widths.
WIDTH_SAMPLE = 200
#: Column widths, in characters of the default font.
MIN_WIDTH = 8
MAX_WIDTH = 60
#: Width of a date and of a date and time cell as the styles show them.
_DATE_WIDTH = 10
_DATE_TIME_WIDTH = 19


def _text_width(text: str) -> int:
    """Characters `text` takes in a cell: a wide or full-width character counts two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _cell_width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, datetime.datetime):
        return _DATE_TIME_WIDTH
    if isinstance(value, datetime.date):
        return _DATE_WIDTH
    text = str(value)
    if "\n" in text:  # a cell with lines is as wide as its longest line
        return max(_text_width(line) for line in text.splitlines())
    return _text_width(text)


def column_widths(header: list[str], sample: Iterable[list[Any]]) -> list[int]:
    """Each column's width: what its header and the `sample` rows need, plus a little room
    for the filter button, between MIN_WIDTH and MAX_WIDTH."""
    widths = [_cell_width(title) + 3 for title in header]  # the button covers ~3 characters
    for row in sample:
        for index, value in enumerate(row[: len(widths)]):
            width = _cell_width(value) + 1
            if width > widths[index]:
                widths[index] = width
    return [min(MAX_WIDTH, max(MIN_WIDTH, width)) for width in widths]


def _cols_xml(widths: list[int]) -> str:
    if not widths:
        return ""
    columns = "".join(
        f'<col min="{number}" max="{number}" width="{width}" customWidth="1"/>'
        for number, width in enumerate(widths, start=1)
    )
    return f"<cols>{columns}</cols>"


def _xml_text(text: str) -> str:
    """Text as XML element content: escaped, without the characters XML cannot hold."""
    if _ILLEGAL_XML.search(text):
        text = _ILLEGAL_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _column_letters(count: int) -> list[str]:
    letters = []
    for index in range(1, count + 1):
        name = ""
        while index:
            index, remainder = divmod(index - 1, 26)
            name = chr(65 + remainder) + name
        letters.append(name)
    return letters


#: Texts this long or shorter fit in a cell whatever their characters.
_SHORT = XLSX_MAX_CHARS // 2


def _fitted(text: str) -> str:
    """`text`, cut to Excel's limit with a visible marker; counted as Excel counts, in
    UTF-16 units (a character beyond the Basic Multilingual Plane counts two)."""
    if len(text) <= _SHORT or len(text.encode("utf-16-le")) // 2 <= XLSX_MAX_CHARS:
        return text
    room = XLSX_MAX_CHARS - len(CUT_MARKER)
    while len(text[:room].encode("utf-16-le")) // 2 > XLSX_MAX_CHARS - len(CUT_MARKER):
        room -= 1
    return text[:room] + CUT_MARKER


def _serial(value: datetime.date) -> str | None:
    """The serial number Excel stores for a date or date-time; None before 1 March 1900."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        if value.date() < _FIRST_SERIAL_DATE:
            return None
        delta = value - _EPOCH
        return repr(delta.days + (delta.seconds + delta.microseconds / 1e6) / 86400)
    if value < _FIRST_SERIAL_DATE:
        return None
    return str((value - _EPOCH.date()).days)


def _other_cell(ref: str, value: Any, style: str) -> str:
    """A cell that is not plain text, int or float: dates, decimals, NaN, anything else."""
    if isinstance(value, datetime.date):
        serial = _serial(value)
        if serial is not None:
            dated = _DATE_TIME_STYLE if isinstance(value, datetime.datetime) else _DATE_STYLE
            return f'<c r="{ref}"{dated}><v>{serial}</v></c>'
        value = value.isoformat()
    elif isinstance(value, float | Decimal):
        if _finite(value):
            return f'<c r="{ref}"{style}><v>{value}</v></c>'
        value = _not_finite(value)
    return _text_cell(ref, str(value), style)


def _text_cell(ref: str, value: str, style: str) -> str:
    if spreadsheets.starts_like_formula(value):
        style = _QUOTED[style]
    return (
        f'<c r="{ref}"{style} t="inlineStr"><is><t xml:space="preserve">'
        f"{_xml_text(_fitted(value))}</t></is></c>"
    )


def _row_xml(number: int, row: list[Any], letters: list[str], style: str) -> str:
    cells = []
    quoted = _QUOTED[style]
    starts_like_formula = spreadsheets.starts_like_formula
    for letter, value in zip(letters, row, strict=False):
        kind = value.__class__
        if kind is str:  # the common cell, inlined: it runs for millions of cells
            if not value:
                continue
            if len(value) > _SHORT:
                value = _fitted(value)
            cells.append(
                f'<c r="{letter}{number}"{quoted if starts_like_formula(value) else style} '
                f't="inlineStr"><is><t xml:space="preserve">{_xml_text(value)}</t></is></c>'
            )
        elif value is None:
            continue
        elif kind is int or (kind is float and math.isfinite(value)):
            cells.append(f'<c r="{letter}{number}"{style}><v>{value}</v></c>')
        else:
            cells.append(_other_cell(f"{letter}{number}", value, style))
    return f'<row r="{number}">{"".join(cells)}</row>'


def write_xlsx(
    out: IO[bytes],
    header: list[str],
    rows: Iterable[list[Any]],
    progress: Progress | None = None,
    *,
    sheet_name: str = "Export",
) -> int:
    """Write the workbook to `out` (seekable or not); returns the number of rows."""
    letters = _column_letters(len(header))
    counted = _counting(rows, progress)
    flowing = iter(counted)
    # Only the sample is held: the widths precede the rows in the sheet.
    sample = list(itertools.islice(flowing, WIDTH_SAMPLE))
    widths = column_widths(list(header), sample)
    number = 1  # the header's, until rows follow
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES_XML)
        archive.writestr("_rels/.rels", _ROOT_RELS_XML)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS_XML)
        archive.writestr("xl/styles.xml", _STYLES_XML)
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(
                b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                b'<sheetViews><sheetView workbookViewId="0"><pane ySplit="1" topLeftCell="A2" '
                b'activePane="bottomLeft" state="frozen"/></sheetView></sheetViews>'
            )
            sheet.write(f"{_cols_xml(widths)}<sheetData>".encode())
            sheet.write(_row_xml(1, list(header), letters, ' s="1"').encode())
            chunk: list[str] = []
            for number, row in enumerate(itertools.chain(sample, flowing), start=2):
                if number > XLSX_MAX_ROWS:
                    raise TooManyRows
                chunk.append(_row_xml(number, row, letters, ""))
                if len(chunk) == ROWS_PER_CHUNK:
                    sheet.write("".join(chunk).encode())
                    chunk.clear()
            sheet.write("".join(chunk).encode())
            filter_ref = f"A1:{letters[-1]}{number}" if letters else None
            ending = f'<autoFilter ref="{filter_ref}"/>' if filter_ref else ""
            sheet.write(f"</sheetData>{ending}</worksheet>".encode())
        # After the sheet: the filter's range names the last row.
        archive.writestr("xl/workbook.xml", _workbook_xml(sheet_name, filter_ref))
    return counted.count


WRITERS: dict[str, Callable[..., int]] = {"csv": write_csv, "xlsx": write_xlsx}
