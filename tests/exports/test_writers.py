"""CSV and XLSX files: the same cells in both, read back; formulas neutralised."""

import csv
import datetime
import io
from typing import Any

import openpyxl

from summitdesk.exports import services
from summitdesk.exports.kinds import KINDS, parse_filters
from summitdesk.exports.writers import csv_chunks, neutralise, write_csv, write_xlsx
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
        ['\'=HYPERLINK("http://evil")', 1, "'+41 22 730 51 11"],
        ["'-5", -5, "'@SUM(A1)"],
        ["Müller & <Søn>", 0, ""],
        ["Иванова 王 الحسن", 12345, "'\tTabbed"],
        ['Line\nbreak, and "quotes"', "", "controlchar"],  # XML cannot hold \x01
    ]
    workbook = openpyxl.load_workbook(out)
    sheet: Any = workbook.active
    assert workbook.sheetnames == ["Accreditations"]
    assert sheet["A1"].font.b is True


def test_streamed_csv_chunks_make_the_same_file() -> None:
    rows = [[f"row {number}", number] for number in range(1234)]
    out = io.BytesIO()
    write_csv(out, ["Name", "Number"], rows)

    chunks = list(csv_chunks(["Name", "Number"], rows))

    assert len(chunks) == 3
    assert b"".join(chunks) == out.getvalue()


def test_every_kind_gives_the_same_cells_in_csv_and_xlsx(world: World) -> None:
    for kind in KINDS.values():
        filters = parse_filters(kind, {"meeting": ["wsis-2026"]})
        as_csv, as_xlsx = io.BytesIO(), io.BytesIO()
        services.write_export(kind, filters, "csv", as_csv, identity=True)
        services.write_export(kind, filters, "xlsx", as_xlsx, identity=True)

        from_xlsx = [[str(cell) for cell in row] for row in read_xlsx(as_xlsx.getvalue())]
        assert from_xlsx == read_csv(as_csv.getvalue()), kind.name
        assert len(from_xlsx) > 1


def test_export_neutralises_a_formula_in_an_organisation_name(world: World) -> None:
    kind = KINDS["accreditations"]
    out = io.BytesIO()

    services.write_export(
        kind, parse_filters(kind, {"meeting": ["wsis-2026"]}), "xlsx", out, identity=False
    )

    egypt = read_xlsx(out.getvalue())[1]
    assert (egypt[5], egypt[15]) == ("'=Egyptian Telecom", "'+Hassan")


def test_filename_names_kind_meeting_and_time(world: World) -> None:
    kind = KINDS["accreditations"]
    filters = parse_filters(kind, {"meeting": ["wsis-2026"]})
    when = datetime.datetime(2026, 6, 1, 8, 5, tzinfo=datetime.UTC)

    assert (
        services.filename(kind, filters, "xlsx", when)
        == "accreditations-wsis-2026-20260601-0805.xlsx"
    )
