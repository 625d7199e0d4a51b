"""solver.tables: formats and row builders."""

import csv
import io
import re

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
    assert text.startswith(r"\begin{tabular}{@{}lll@{}}") and r"\toprule" in text and r"\bottomrule" in text
    assert r"x\textbar{}y \& 50\%" in text and r"c\_d" in text and "a--b" in text
    long = render(ROWS, "latex", long=True)
    assert long.startswith(r"\begin{longtable}") and r"\endhead" in long and long.endswith(r"\end{longtable}")


def test_latex_wide_table_shares_the_line():
    rows = [{"short": "x", "long": "word " * 40, "longer": "text " * 60}]
    spec = render(rows, "latex").splitlines()[0]
    # The short column stays natural; the two long ones share \linewidth, 40 : 60 capped at 40 : 40.
    assert spec.startswith(r"\begin{tabular}{@{}l>") and spec.count(r"\linewidth") == 2 and spec.count("*40/80") == 2


def test_design_rows_words_and_precision():
    from regions import load_scenario
    from solver.design import compare
    from solver.tables import design_rows, region_names

    net = load_scenario("yongkang-wuyi-jinyun").named("zh")
    rows = design_rows(compare(net), region_names(net))
    strengths = [r["minimal strength"] for r in rows]
    assert "breach penalty > 1" in strengths and not any("_" in s for s in strengths)
    # Grim on yongkang–wuyi needs δ ≥ (T − R)/(T − P) of each player: max(1/6, 1/4.5) = 2/9, to 4 digits.
    assert "discount > 0.2222" in strengths
    assert not any(re.search(r"\d\.\d{5,}", s) for s in strengths)
    assert rows[0]["link"] == "永康市–武义县" and rows[0]["superior"] == "金华市"


def test_unknown_format():
    with pytest.raises(ValueError, match="unknown table format 'html'"):
        render(ROWS, "html")


def test_equilibrium_rows():
    rows = equilibrium_rows(stability(stag_hunt(R=4, T=3, P=2, S=0), basin=False))
    assert [r["row"] for r in rows] == ["C", "D", "0.667 C + 0.333 D"]
    assert rows[2]["payoffs"] == "(2.667, 2.667)"
    assert format_strategy((0.25, 0.0, 0.75), ("a", "b", "c")) == "0.25 a + 0.75 c"
