"""Cells that would start a formula in a spreadsheet are made inert, numbers stay numbers."""

from __future__ import annotations

import pytest

from opengov.core.csvsafe import neutralise_formula, spreadsheet_dict, spreadsheet_row


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ('=HYPERLINK("http://evil.example","x")', '\'=HYPERLINK("http://evil.example","x")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-5", "-5"),
        ("+3.2", "+3.2"),
        ("意見 =1", "意見 =1"),
        ("", ""),
        (None, None),
        (7, 7),
    ],
)
def test_neutralise_formula(value, expected):
    assert neutralise_formula(value) == expected


def test_rows_and_mappings():
    assert spreadsheet_row(["=1", "a", 3]) == ["'=1", "a", 3]
    assert spreadsheet_dict({"body": "@SUM(A1)", "n": 2}) == {"body": "'@SUM(A1)", "n": 2}
