"""CSV and XLSX files: the same cells in both, read back; formulas neutralised."""

import csv
import datetime
import io
import math
import zipfile
from decimal import Decimal
from typing import Any

import openpyxl
import pytest

from summitdesk.exports import services, writers
from summitdesk.exports.kinds import KINDS, parse_filters
from summitdesk.exports.writers import TooManyRows, csv_chunks, write_csv, write_xlsx
from summitdesk.lib.spreadsheets import neutralise
from tests.exports.conftest import World

HEADER = ["Name", "Number", "Note"]
ROWS: list[list[Any]] = [
    ['=HYPERLINK("http://evil")', 1, "+41 22 730 51 11"],
    ["-5", -5, "@SUM(A1)"],
    ["Müller & <Søn>", 0, ""],
    ["Иванова 王 الحسن", 12345, "\tTabbed"],
    ['Line\nbreak, and "quotes"', None, "control\x01char"],
]


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def read_xlsx(data: bytes) -> list[list[Any]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    sheet: Any = workbook.active
    rows = [
        ["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)
    ]
    workbook.close()
    width = len(rows[0])
    return [row + [""] * (width - len(row)) for row in rows]


def _as_csv_text(cell: Any) -> str:
    """A cell read from XLSX as the CSV writes it: text with its apostrophe when it starts
    like a formula, date-times (written in UTC) in ISO form with their zone."""
    if isinstance(cell, datetime.datetime):
        if cell.time() == datetime.time() and cell.microsecond == 0:
            return cell.date().isoformat()
        return cell.replace(tzinfo=datetime.UTC).isoformat()
    return str(neutralise(cell))


def test_neutralise_prefixes_formula_starts_only_in_text() -> None:
    assert [neutralise(value) for value in ["=1+1", "+1", "-1", "@x", "\tx", "a=b", -1, 2.5]] == [
        "'=1+1", "'+1", "'-1", "'@x", "'\tx", "a=b", -1, 2.5,
    ]  # fmt: skip


def test_csv_has_a_byte_order_mark_and_neutralised_formulas() -> None:
    out = io.BytesIO()

    count = write_csv(out, HEADER, ROWS)

    assert count == 5
    assert read_csv(out.getvalue()) == [
        HEADER,
        ['\'=HYPERLINK("http://evil")', "1", "'+41 22 730 51 11"],
        ["'-5", "-5", "'@SUM(A1)"],
        ["Müller & <Søn>", "0", ""],
        ["Иванова 王 الحسن", "12345", "'\tTabbed"],
        ['Line\nbreak, and "quotes"', "", "control\x01char"],
    ]


def test_xlsx_read_back_holds_the_same_cells_typed() -> None:
    out = io.BytesIO()

    count = write_xlsx(out, HEADER, ROWS, sheet_name="Accreditations")

    assert count == 5
    assert read_xlsx(out.getvalue()) == [
        HEADER,
        ['=HYPERLINK("http://evil")', 1, "+41 22 730 51 11"],
        ["-5", -5, "@SUM(A1)"],
        ["Müller & <Søn>", 0, ""],
        ["Иванова 王 الحسن", 12345, "\tTabbed"],
        ['Line\nbreak, and "quotes"', "", "controlchar"],  # XML cannot hold \x01
    ]
    workbook = openpyxl.load_workbook(out)
    sheet: Any = workbook.active
    assert workbook.sheetnames == ["Accreditations"]
    assert sheet["A1"].font.b is True


def test_xlsx_marks_text_that_starts_like_a_formula_with_a_quote_prefix() -> None:
    out = io.BytesIO()

    write_xlsx(out, ["=Header", "Plain", "Note"], ROWS)

    sheet: Any = openpyxl.load_workbook(out).active
    quoted = [[cell.coordinate for cell in row if cell.quotePrefix] for row in sheet.iter_rows()]
    assert quoted == [["A1"], ["A2", "C2"], ["A3", "C3"], [], ["C5"], []]
    assert (sheet["A1"].value, sheet["A1"].font.b) == ("=Header", True)
    assert (sheet["A2"].value, sheet["A2"].data_type) == ('=HYPERLINK("http://evil")', "s")
    assert sheet["B3"].value == -5


def test_xlsx_writes_dates_and_times_as_date_cells_in_utc() -> None:
    geneva = datetime.timezone(datetime.timedelta(hours=2))
    rows: list[list[Any]] = [
        [
            datetime.date(2030, 1, 31),
            datetime.datetime(2026, 3, 2, 11, 30, 15, tzinfo=geneva),
            datetime.datetime(2026, 3, 2, 9, 30),
            datetime.date(1899, 1, 1),
        ]
    ]
    out = io.BytesIO()

    write_xlsx(out, ["Expiry", "Submitted", "Naive", "Old"], rows)

    sheet: Any = openpyxl.load_workbook(out).active
    assert [cell.value for cell in sheet[2]] == [
        datetime.datetime(2030, 1, 31),
        datetime.datetime(2026, 3, 2, 9, 30, 15),
        datetime.datetime(2026, 3, 2, 9, 30),
        "1899-01-01",  # before Excel's serial dates: ISO text
    ]
    assert [cell.number_format for cell in sheet[2]] == [
        "yyyy-mm-dd", "yyyy-mm-dd hh:mm:ss", "yyyy-mm-dd hh:mm:ss", "General",
    ]  # fmt: skip
    as_csv = io.BytesIO()
    write_csv(as_csv, ["Expiry", "Submitted", "Naive", "Old"], rows)
    assert read_csv(as_csv.getvalue())[1] == [
        "2030-01-31", "2026-03-02T11:30:15+02:00", "2026-03-02T09:30:00", "1899-01-01",
    ]  # fmt: skip


def test_nan_and_infinities_are_written_as_text_in_both_formats() -> None:
    rows: list[list[Any]] = [[math.nan, math.inf, -math.inf, Decimal("NaN"), Decimal("2.50"), 1.5]]
    as_csv, as_xlsx = io.BytesIO(), io.BytesIO()

    write_csv(as_csv, ["A", "B", "C", "D", "E", "F"], rows)
    write_xlsx(as_xlsx, ["A", "B", "C", "D", "E", "F"], rows)

    assert read_csv(as_csv.getvalue())[1] == ["NaN", "Infinity", "'-Infinity", "NaN", "2.50", "1.5"]
    sheet: Any = openpyxl.load_workbook(as_xlsx).active
    assert [cell.value for cell in sheet[2]] == ["NaN", "Infinity", "-Infinity", "NaN", 2.5, 1.5]
    assert sheet["C2"].quotePrefix is True


def test_xlsx_cuts_a_cell_beyond_excels_limit_with_a_visible_marker() -> None:
    long, astral = "x" * 40_000, "😀" * 20_000  # each emoji counts two characters in Excel
    exact = "y" * 32_767
    out = io.BytesIO()

    write_xlsx(out, ["Long", "Astral", "Exact"], [[long, astral, exact]])

    sheet: Any = openpyxl.load_workbook(out).active
    assert sheet["A2"].value == "x" * 32_764 + "[…]"
    assert sheet["B2"].value == "😀" * 16_382 + "[…]"
    assert sheet["C2"].value == exact
    as_csv = io.BytesIO()
    write_csv(as_csv, ["Long"], [[long]])
    assert read_csv(as_csv.getvalue())[1] == [long]  # CSV has no such limit


def test_xlsx_refuses_rows_beyond_a_sheets_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(writers, "XLSX_MAX_ROWS", 4)  # the header and three rows
    write_xlsx(io.BytesIO(), ["N"], [[1], [2], [3]])

    with pytest.raises(TooManyRows) as refused:
        write_xlsx(io.BytesIO(), ["N"], [[1], [2], [3], [4]])

    assert str(refused.value) == (
        "An XLSX sheet holds at most 3 rows under its header; this export has more. "
        "Narrow the filters or choose CSV."
    )
    writers.check_rows("xlsx", 3)
    writers.check_rows("csv", 4)
    with pytest.raises(TooManyRows):
        writers.check_rows("xlsx", 4)


def test_streamed_csv_chunks_make_the_same_file() -> None:
    rows = [[f"row {number}", number] for number in range(1234)]
    out = io.BytesIO()
    write_csv(out, ["Name", "Number"], rows)

    chunks = list(csv_chunks(["Name", "Number"], rows))

    assert len(chunks) == 3
    assert b"".join(chunks) == out.getvalue()


def test_every_kind_gives_the_same_cells_in_csv_and_xlsx(world: World) -> None:
    for kind in KINDS.values():
        scope = "process" if "process" in kind.filter_names else "meeting"
        code = world.meeting.process.code if scope == "process" else "wsis-2026"
        filters = parse_filters(kind, {scope: [code]})
        as_csv, as_xlsx = io.BytesIO(), io.BytesIO()
        services.write_export(kind, filters, "csv", as_csv, identity=True)
        services.write_export(kind, filters, "xlsx", as_xlsx, identity=True)

        from_xlsx = [[_as_csv_text(cell) for cell in row] for row in read_xlsx(as_xlsx.getvalue())]
        assert from_xlsx == read_csv(as_csv.getvalue()), kind.name
        assert len(from_xlsx) > 1


def test_export_neutralises_a_formula_in_an_organisation_name(world: World) -> None:
    kind = KINDS["accreditations"]
    out = io.BytesIO()

    services.write_export(
        kind, parse_filters(kind, {"meeting": ["wsis-2026"]}), "xlsx", out, identity=False
    )

    egypt = read_xlsx(out.getvalue())[1]
    assert (egypt[5], egypt[15]) == ("=Egyptian Telecom", "+Hassan")


def test_filename_names_kind_meeting_and_time(world: World) -> None:
    kind = KINDS["accreditations"]
    filters = parse_filters(kind, {"meeting": ["wsis-2026"]})
    when = datetime.datetime(2026, 6, 1, 8, 5, tzinfo=datetime.UTC)

    assert (
        services.filename(kind, filters, "xlsx", when)
        == "accreditations-wsis-2026-20260601-0805.xlsx"
    )


def test_xlsx_has_a_filter_row_over_the_whole_table() -> None:
    out = io.BytesIO()
    writers.write_xlsx(out, ["Name", "Count", "Phone"], ROWS)
    sheet: Any = openpyxl.load_workbook(out).active

    assert sheet.auto_filter.ref == "A1:C6"
    assert sheet.freeze_panes == "A2"


def test_xlsx_filter_of_a_header_without_rows_covers_the_header() -> None:
    out = io.BytesIO()
    writers.write_xlsx(out, ["Name", "Country"], [])
    sheet: Any = openpyxl.load_workbook(out).active

    assert sheet.auto_filter.ref == "A1:B1"


def test_xlsx_columns_are_as_wide_as_their_header_and_cells_need() -> None:
    rows: list[list[Any]] = [
        ["Ann", datetime.date(2026, 12, 7), "王" * 10, "x" * 500],
        ["Bartholomew Longname", datetime.datetime(2026, 12, 7, 9, 30), "", None],
    ]
    out = io.BytesIO()
    writers.write_xlsx(out, ["Name", "Born", "Chinese name", "Notes"], rows)
    sheet: Any = openpyxl.load_workbook(out).active

    widths = [sheet.column_dimensions[letter].width for letter in "ABCD"]
    # The longest name plus one; a date and time as the style shows it; ten wide
    # characters count twenty; a very long text stops at the widest column.
    assert widths == [21, 20, 21, 60]


def test_xlsx_column_of_short_values_keeps_a_readable_width() -> None:
    out = io.BytesIO()
    writers.write_xlsx(out, ["N"], [[1], [2]])
    sheet: Any = openpyxl.load_workbook(out).active

    assert sheet.column_dimensions["A"].width == 8


def test_xlsx_widths_read_only_the_sample_and_every_row_is_written() -> None:
    rows = ([str(number)] for number in range(writers.WIDTH_SAMPLE + 5))
    out = io.BytesIO()
    count = writers.write_xlsx(out, ["Number"], rows)

    assert count == writers.WIDTH_SAMPLE + 5
    read = read_xlsx(out.getvalue())
    assert read[1] == ["0"] and read[-1] == [str(writers.WIDTH_SAMPLE + 4)]


def test_xlsx_filter_range_is_named_for_a_sheet_name_with_a_quote() -> None:
    out = io.BytesIO()
    writers.write_xlsx(out, ["Name"], [["Ann"]], sheet_name="Delegates' list")
    with zipfile.ZipFile(out) as archive:
        workbook = archive.read("xl/workbook.xml").decode()

    assert (
        '<definedName name="_xlnm._FilterDatabase" localSheetId="0" hidden="1">'
        "'Delegates'' list'!$A$1:$A$2</definedName>"
    ) in workbook
