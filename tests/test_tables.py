"""solver.tables: formats and row builders."""

import csv
import io

import pytest

from games import stag_hunt
from solver import stability
from solver.tables import equilibrium_rows, format_strategy, render

ROWS = [{"link": "a–b", "level": "none", "note": "x|y & 50%"}, {"link": "c_d", "level": "strict", "note": ""}]


def test_table_alignment():
    lines = render(ROWS, "table").splitlines()
    assert lines[0].split() == ["link", "level", "note"]
    assert len(lines) == 4


def test_markdown_escapes_pipes():
    assert "x\\|y" in render(ROWS, "markdown")


def test_csv_parses_back():
    parsed = list(csv.DictReader(io.StringIO(render(ROWS, "csv"))))
    assert parsed == ROWS


def test_latex_booktabs_escaped():
    text = render(ROWS, "latex")
    assert text.startswith(r"\begin{tabular}{lll}") and r"\toprule" in text and r"\bottomrule" in text
    assert r"x|y \& 50\%" in text and r"c\_d" in text and "a--b" in text


def test_unknown_format():
    with pytest.raises(ValueError, match="unknown table format 'html'"):
        render(ROWS, "html")


def test_equilibrium_rows():
    rows = equilibrium_rows(stability(stag_hunt(R=4, T=3, P=2, S=0), basin=False))
    assert [r["row"] for r in rows] == ["C", "D", "0.667 C + 0.333 D"]
    assert rows[2]["payoffs"] == "(2.667, 2.667)"
    assert format_strategy((0.25, 0.0, 0.75), ("a", "b", "c")) == "0.25 a + 0.75 c"
