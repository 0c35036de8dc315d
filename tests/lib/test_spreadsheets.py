"""The one rule against formulas in every CSV and XLSX file SummitDesk writes."""

import io
from typing import Any

import openpyxl
import pytest

from summitdesk.exports.writers import write_csv, write_xlsx
from summitdesk.lib import spreadsheets
from summitdesk.lib.spreadsheets import neutralise, neutralised


def test_neutralise_prefixes_text_that_starts_like_a_formula() -> None:
    cells = ["=1+1", "+1", "-1", "@x", "\tx", "\rx", "a=b", "", -1, 2.5, None]

    assert [neutralise(cell) for cell in cells] == neutralised(cells) == [
        "'=1+1", "'+1", "'-1", "'@x", "'\tx", "'\rx", "a=b", "", -1, 2.5, None,
    ]  # fmt: skip


def test_export_writers_follow_the_one_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    # A rule widened to "!" reaches both writers: neither keeps a copy of its own.
    monkeypatch.setattr(spreadsheets, "FORMULA_STARTS", frozenset("=!"))
    rows: list[list[Any]] = [["=cmd", "!cmd", "+41"]]
    as_csv, as_xlsx = io.BytesIO(), io.BytesIO()

    write_csv(as_csv, ["A", "B", "C"], rows)
    write_xlsx(as_xlsx, ["A", "B", "C"], rows)

    assert as_csv.getvalue().decode("utf-8-sig").splitlines()[1] == "'=cmd,'!cmd,+41"
    sheet: Any = openpyxl.load_workbook(as_xlsx).active
    assert [(cell.value, cell.quotePrefix) for cell in sheet[2]] == [
        ("=cmd", True), ("!cmd", True), ("+41", False),
    ]  # fmt: skip
