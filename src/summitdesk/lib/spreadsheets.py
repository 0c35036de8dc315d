"""Text a spreadsheet will not run as a formula: the one rule every CSV and XLSX file
SummitDesk writes follows (exports, the reply tracker's CSV, the dashboard's CSV).

A text cell beginning with =, +, -, @ (or a tab or carriage return, which some spreadsheets
skip before looking) could run as a formula when the file is opened: an organisation
called "=HYPERLINK(...)" must stay text. CSV has no cell styles, so the text gets a leading
apostrophe; the XLSX writer keeps the text as it is and marks the cell with a quote-prefix
style instead (`starts_like_formula` decides for both).
"""

from typing import Any

FORMULA_STARTS = frozenset("=+-@\t\r")


def starts_like_formula(text: str) -> bool:
    return bool(text) and text[0] in FORMULA_STARTS


def neutralise(value: Any) -> Any:
    """`value`, with a leading apostrophe when it is text that starts like a formula."""
    if isinstance(value, str) and starts_like_formula(value):
        return "'" + value
    return value


def neutralised(row: list[Any]) -> list[Any]:
    """`neutralise` on every cell of a row, inlined: it runs for millions of cells."""
    starts = FORMULA_STARTS
    return [
        "'" + cell
        if (cell.__class__ is str or isinstance(cell, str)) and cell and cell[0] in starts
        else cell
        for cell in row
    ]
