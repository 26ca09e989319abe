"""Report downloads: text a spreadsheet would run as a formula opens as the text it is."""

import csv
import io

import pytest

from regulars.reports.registry import Column, Table
from regulars.reports.render import inert, to_csv

pytestmark = pytest.mark.nodb


@pytest.mark.parametrize("text", ["=cmd|' /C calc'!A0", "+86 138", "-1", "@A1", "\tx", "\rx"])
def test_inert_prefixes_formula_text(text):
    assert inert(text) == "'" + text


@pytest.mark.parametrize("value", ["王芳", "1=1", " =x", "", -5, -12.5, 0, None])
def test_inert_leaves_other_values(value):
    assert inert(value) == value


def test_to_csv_numbers_stay_numbers():
    table = Table(name="t", title="t", columns=[Column("who", "客户", "text"), Column("n", "数", "number"),
                                                Column("fen", "金额", "fen")],
                  rows=[{"who": "=HYPERLINK(\"x\")", "n": -3, "fen": -1250}, {"who": "-", "n": 4, "fen": None}])
    rows = list(csv.reader(io.StringIO(to_csv(table).decode("utf-8-sig"))))
    assert rows == [["客户", "数", "金额"], ["'=HYPERLINK(\"x\")", "-3", "-12.50"], ["'-", "4", ""]]
