"""The LaTeX derivation appendix (solver.latex): its content against the derivation, and that it
compiles with XeLaTeX (issue 12, "must hold" 4: in CI a missing engine fails the test)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import sympy

from games.model import Model, builtin_model
from solver.dynamics.derive import derive
from solver.latex import VERDICT_WORDS, derivation_document, escape_latex, needs_cjk

CHINESE = Model(
    ["永康市", "武义县"],
    [["合作", "搭便车"], ["合作", "搭便车"]],
    {"b": 5, "c": {"value": 2, "note": "治理成本 c ≥ 0"}},
    {(0, 0): ["b - c", "b - c"], (0, 1): ["-c", "b"], (1, 0): ["b", "-c"], (1, 1): [0, 0]},
    name="永康–武义 联防联治 & 50% {test}",
)


def _engine() -> str | None:
    return shutil.which("xelatex") or shutil.which("lualatex")


def _compile(tex: str, folder: Path) -> str:
    engine = _engine()
    if engine is None:
        if os.environ.get("CI"):
            pytest.fail("no XeLaTeX or LuaLaTeX engine found in CI: .ci/run installs texlive-xetex (run it as root)")
        pytest.skip("no XeLaTeX or LuaLaTeX engine on this machine (apt-get install texlive-xetex texlive-lang-cjk texlive-lang-chinese fonts-noto-cjk); CI fails here instead")
    (folder / "appendix.tex").write_text(tex, encoding="utf-8")
    run = subprocess.run([engine, "-interaction=nonstopmode", "-halt-on-error", "appendix.tex"], cwd=folder, capture_output=True, text=True, timeout=120)
    log = (folder / "appendix.log").read_text(encoding="utf-8", errors="replace")
    assert run.returncode == 0, log[-3000:]
    assert (folder / "appendix.pdf").stat().st_size > 1000
    return log


@pytest.mark.parametrize("model", [builtin_model("three-party"), CHINESE], ids=["three-party", "chinese-names"])
def test_appendix_compiles_with_xelatex(model, tmp_path):
    log = _compile(derivation_document(derive(model), model=model), tmp_path)
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert not errors, errors
    # every glyph was found: no empty boxes for the Chinese names or the Greek in the notes
    assert "Missing character" not in log


def test_chinese_names_switch_on_xecjk():
    tex = derivation_document(derive(CHINESE), model=CHINESE)
    assert r"\usepackage{xeCJK}" in tex and "Noto Serif CJK SC" in tex
    assert "永康市" in tex and "搭便车" in tex
    assert r"\& 50\% \{test\}" in tex  # the title, escaped
    plain = builtin_model("three-party")
    assert "xeCJK" not in derivation_document(derive(plain, rest_points=False), model=plain)


@pytest.mark.parametrize("name", ["three-party", "three-party-dynamic"])
def test_every_corner_verdict_and_condition_appears(name):
    model = builtin_model(name)
    d = derive(model)
    tex = derivation_document(d, model=model)
    corner_part = tex[tex.index(r"\section{Pure corners}") : tex.index(r"\section{Rest points")]
    blocks = re.split(r"\\\\ \\midrule", corner_part)
    for row in d.corners:
        label = "$(" + ", ".join(map(str, row.corner)) + ")$"
        block = next(b for b in blocks if label in b)
        assert rf"\textbf{{{VERDICT_WORDS[row.verdict]}}}" in block, row.corner
        for expression, condition in zip(row.eigenvalue_expressions, row.conditions):
            assert f"${sympy.latex(expression)}$" in block
            assert f"${sympy.latex(condition)}$" in block
        # the holds column says yes exactly where the derivation's condition holds
        assert block.count(" & yes") == sum(row.holds) and block.count(" & no") == len(row.holds) - sum(row.holds)
    stable = [row.corner for row in d.corners if row.verdict == "stable"]
    assert tex.count(r"\textbf{asymptotically stable}") == len(stable)
    for k, name_ in enumerate(model.populations):
        assert escape_latex(name_) in tex
        assert sympy.latex(d.payoff_differences[k]).split(" ")[0] in tex
    assert ("Selten 1980" in tex) == d.at_most_neutral


def test_payoff_table_lists_every_profile_and_payoff():
    model = builtin_model("three-party")
    tex = derivation_document(derive(model, rest_points=False), model=model)
    table = tex[tex.index(r"\section{Payoff table}") : tex.index(r"\section{Expected payoffs")]
    rows = [line for line in table.splitlines() if line.endswith(r"\addlinespace[2pt]")]
    assert len(rows) == len(model.payoffs) == 8
    for row, (profile, values) in zip(rows, model.payoffs.items()):
        assert row.startswith(" & ".join(model.strategies[k][i] for k, i in enumerate(profile)))
        for k, v in enumerate(values):
            assert f"$u_{{{k + 1}}} = {sympy.latex(v)}$" in row


def test_jacobian_by_entries_for_five_populations():
    k = 5
    profiles = [tuple((p >> j) & 1 for j in range(k)) for p in range(2**k)]
    model = Model([f"P{j}" for j in range(k)], [["a", "b"]] * k, {"c": 1}, {p: [f"{sum(p)} - c*{j}" for j in range(k)] for p in profiles})
    d = derive(model, rest_points=False)
    tex = derivation_document(d, model=model)
    assert "bmatrix" not in tex and "J_{55} &=" in tex
    assert tex.count(r"\textbf{") >= 2**k


def test_escape_and_cjk_detection():
    assert escape_latex("a_b & c%") == r"a\_b \& c\%"
    assert escape_latex("\\x") == r"\textbackslash{}x"
    assert needs_cjk("县") and not needs_cjk("α région")


def test_document_needs_the_matching_model():
    model = builtin_model("three-party")
    d = derive(model, rest_points=False)
    with pytest.raises(ValueError, match="needs the model"):
        derivation_document(d)
    with pytest.raises(ValueError, match="shares"):
        derivation_document(d, model=CHINESE)
