"""CSV meant for spreadsheet programs: one rule for making formula-like cells inert.

Excel, LibreOffice and Google Sheets run a cell that starts with `=`, `+`, `-`, `@`, a tab or
a carriage return as a formula (OWASP "CSV injection": `=HYPERLINK(...)` exfiltrates,
`+cmd|' /C calc'!A0` runs a program through DDE). Every CSV offered for spreadsheets (those
written with a byte-order mark so that Excel reads UTF-8) passes its text cells through
`neutralise_formula`; machine-readable CSV stays exact.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable, Mapping
from typing import Any

#: The byte-order mark that makes spreadsheet programs read the file as UTF-8.
BOM = codecs.BOM_UTF8
BOM_TEXT = "\ufeff"

#: What starts a formula in Excel and LibreOffice (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def neutralise_formula(value: Any) -> Any:
    """A text cell made inert for spreadsheets: a leading single quote when it starts like a
    formula (OWASP). A cell that is only a number (-5, +3.2) is left alone: it cannot run.
    Values that are not text are returned as they are."""
    if (
        isinstance(value, str)
        and value[:1] in FORMULA_TRIGGERS
        and not _PLAIN_NUMBER.fullmatch(value)
    ):
        return "'" + value
    return value


def spreadsheet_row(row: Iterable[Any]) -> list[Any]:
    """Every cell of a row made inert."""
    return [neutralise_formula(cell) for cell in row]


def spreadsheet_dict(row: Mapping[str, Any]) -> dict[str, Any]:
    """Every value of a row (as a mapping) made inert."""
    return {key: neutralise_formula(value) for key, value in row.items()}
