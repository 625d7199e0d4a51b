"""The LaTeX the report writes compiles with XeLaTeX, with and without Chinese names (issue 13).

In CI (env CI set) a missing xelatex or pdftotext is a failure (.ci/run installs them); on a
user's machine without them the compile tests skip with a message saying what to install.
Each document is compiled twice, as longtable needs for its column widths; xelatex takes well
under a second a run here, the report with figures about 25 s (measured), so the module stays
under the 60 s budget by writing one report with figures (names both) and one without.
"""

import re
import subprocess

import pytest

from regions import load_scenario
from solver.cli import main
from solver.latex import CJK_FONT, needs_cjk, preamble
from solver.report import write_report
from solver.tables import render, render_corner_table
from tests.tools import require_tool

_tool = require_tool


def compile_tex(folder, name):
    """Run xelatex twice on folder/name.tex; fail with the log's errors; the log text."""
    xelatex = _tool("xelatex")
    for _ in range(2):
        run = subprocess.run([xelatex, "-interaction=nonstopmode", "-halt-on-error", f"{name}.tex"], cwd=folder, capture_output=True, text=True, timeout=120)
    log = (folder / f"{name}.log").read_text(encoding="utf-8", errors="replace")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert run.returncode == 0 and (folder / f"{name}.pdf").exists(), f"{name}.tex does not compile: {errors[:5]}"
    # A glyph no font has is a tofu box in the PDF: XeTeX logs it as a missing character.
    assert "Missing character" not in log, [line for line in log.splitlines() if "Missing character" in line][:5]
    return log


def pdf_text(path):
    return subprocess.run([_tool("pdftotext"), str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """`intergov report yongkang-wuyi-jinyun --names both --out r`, with its figures."""
    out = tmp_path_factory.mktemp("latex") / "r"
    # Fewer basin starts than the default 2048: the LaTeX does not depend on them, the time does.
    assert main(["report", "yongkang-wuyi-jinyun", "--names", "both", "--out", str(out), "--basin-samples", "256"]) == 0
    return out


@pytest.fixture(scope="module")
def latin(tmp_path_factory):
    """A report with Latin names only (no figures: they are the same code path as above)."""
    return write_report(load_scenario("yongkang-wuyi-jinyun"), tmp_path_factory.mktemp("latex") / "r", figures=False, basin_samples=256)


@pytest.fixture(scope="module")
def uncertain(tmp_path_factory):
    """A scenario with distributions, Chinese names: the report gains its robustness section,
    tables and figures (issue 14)."""
    out = tmp_path_factory.mktemp("latex") / "r"
    args = ["report", "henan-uncertain", "--names", "zh", "--out", str(out), "--basin-samples", "256", "--robust-samples", "256"]
    assert main(args) == 0
    return out


def _outside_math(tex):
    return re.sub(r"(?<!\\)\$.*?(?<!\\)\$", "", tex)


@pytest.mark.parametrize("which", ["both", "latin", "uncertain"])
def test_every_tex_file_has_symbols_in_math_mode(request, which):
    folder = request.getfixturevalue(which)
    files = sorted(folder.rglob("*.tex"))
    assert {p.relative_to(folder).as_posix() for p in files} >= {"report.tex", "tables/analysis.tex", "tables/design.tex"}
    for path in files:
        text = _outside_math(path.read_text(encoding="utf-8"))
        # Outside $…$ only ASCII and (with Chinese names) CJK characters: no raw ≥, −, α, Δ, ·, →, ×.
        stray = {ch for ch in text if ord(ch) > 127 and not needs_cjk(ch)}
        assert not stray, f"{path.name}: {sorted(stray)} in text mode"
        assert "_" not in text.replace(r"\_", ""), path.name
    report = (folder / "report.tex").read_text(encoding="utf-8")
    assert ("xeCJK" in report) == (which != "latin")


def test_report_tex_compiles_and_shows_the_chinese_names(both):
    compile_tex(both, "report")
    text = pdf_text(both / "report.pdf")
    for name in ("永康市", "武义县", "缙云县", "浙江省", "Yongkang"):
        assert name in text
    report = (both / "report.tex").read_text(encoding="utf-8")
    # Every figure of the folder is included, with the caption report.md gives it.
    md = (both / "report.md").read_text(encoding="utf-8")
    for pdf in sorted((both / "figures").glob("*.pdf")):
        assert f"{{figures/{pdf.name}}}" in report
        assert f"(figures/{pdf.stem}.png)" in md
    assert report.count(r"\caption{") == len(list((both / "figures").glob("*.pdf")))


@pytest.mark.parametrize("which", ["both", "latin", "uncertain"])
def test_table_fragments_compile_alone(request, tmp_path, which):
    folder = request.getfixturevalue(which)
    for path in sorted((folder / "tables").glob("*.tex")):
        body = path.read_text(encoding="utf-8")
        doc = [*preamble("t", needs_cjk(body), landscape=True), body, r"\end{document}"]
        (tmp_path / f"{path.stem}.tex").write_text("\n".join(doc) + "\n", encoding="utf-8")
        compile_tex(tmp_path, path.stem)
        if which == "both":
            assert "缙云县" in pdf_text(tmp_path / f"{path.stem}.pdf")
        if which == "uncertain" and path.stem in ("robustness", "analysis"):
            assert "洛阳市" in pdf_text(tmp_path / f"{path.stem}.pdf")


def test_robustness_section_compiles_with_its_tables_and_figures(uncertain):
    assert {"robustness.tex", "sobol.tex"} <= {p.name for p in (uncertain / "tables").iterdir()}
    compile_tex(uncertain, "report")
    text = " ".join(pdf_text(uncertain / "report.pdf").split())
    assert "Robustness under uncertain payoffs" in text and "新乡市–洛阳市" in text
    report = (uncertain / "report.tex").read_text(encoding="utf-8")
    for kind in ("robust-map", "tornado", "probability-surface", "strength-distribution"):
        assert f"{{figures/{kind}.pdf}}" in report


def test_latin_report_compiles_without_cjk(latin):
    compile_tex(latin, "report")
    assert "Yongkang–Wuyi" in pdf_text(latin / "report.pdf")


def test_corner_table_formulas_in_math_mode():
    from games import ThreeParty
    from solver.dynamics import corner_table

    tex = render_corner_table(corner_table(ThreeParty(), interior=False), "latex")
    assert r"\_" not in tex and "C_{A}" in tex and r"\alpha_{A}\Delta R" in tex
    assert not {ch for ch in _outside_math(tex) if ord(ch) > 127}


def test_render_latex_escapes_user_text():
    tex = render([{"name": "R&D 50% #1 {x} ~ ^", "value": "-0.5 ≥ −1"}], "latex")
    assert r"R\&D 50\% \#1 \{x\} \textasciitilde{} \textasciicircum{}" in tex
    assert r"$-$0.5 $\geq$ $-$1" in tex
    assert CJK_FONT == "Noto Serif CJK SC"
