"""A model's derivation as a LaTeX appendix: the pages papers write by hand, typeset.

:func:`derivation_document` renders a :class:`solver.dynamics.derive.Derivation` (with its
:class:`games.model.Model`, for the names and the payoff table) as a complete XeLaTeX
document: the populations and parameters, the payoff table (one row per pure profile), each
strategy's expected payoff and each population's mean payoff, the replicator equations, the
Jacobian, the table of the 2^K pure corners (eigenvalue expressions, their values, the
stability conditions, the verdict), the rest points off the corners and, for payoffs that do
not depend on the shares, the note that only strict Nash equilibria can be asymptotically stable
(Selten 1980).

Expressions are typeset by :func:`sympy.latex`; every name the researcher wrote (model,
populations, strategies, notes) is escaped for LaTeX, Greek letters in it become math, and a
name with CJK characters switches on ``xeCJK`` with the font ``Noto Serif CJK SC``
(Debian's ``fonts-noto-cjk``). Long sums are broken over several lines; the Jacobian of more
than four populations, or with wide entries, is listed entry by entry. The packages used
(``fontspec``, ``amsmath``, ``amssymb``, ``booktabs``, ``longtable``, ``geometry`` and, for CJK,
``xeCJK``) are in Debian's ``texlive-xetex`` and ``texlive-lang-cjk``.

Examples
--------
>>> from games.model import builtin_model
>>> from solver.dynamics.derive import derive
>>> m = builtin_model("three-party")
>>> tex = derivation_document(derive(m, rest_points=False), model=m)
>>> tex.startswith("\\\\documentclass"), tex.rstrip().endswith("\\\\end{document}")
(True, True)
>>> escape_latex("R&D 50% {x_1}")
'R\\\\&D 50\\\\% \\\\{x\\\\_1\\\\}'
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import numpy as np
import sympy

__all__ = ["CJK_FONT", "VERDICT_WORDS", "derivation_document", "escape_latex", "math_cell", "math_latex", "needs_cjk", "preamble", "unsettable"]

#: The CJK font named in documents whose names need one (Debian: fonts-noto-cjk).
CJK_FONT = "Noto Serif CJK SC"
#: How each verdict of :mod:`solver.dynamics.corners` reads in the appendix.
VERDICT_WORDS = {
    "stable": "asymptotically stable",
    "unstable": "unstable",
    "saddle": "saddle",
    "inconclusive": "non-hyperbolic",
}
#: Characters of a line of display math before a long sum is broken.
_LINE = 90
#: Widest Jacobian (in characters of LaTeX per row) printed as a matrix.
_MATRIX_ROW = 110

_ESCAPES = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
    "<": r"$<$",
    ">": r"$>$",
    "|": r"\textbar{}",
}
_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΦΨΩ",
        (
            *r"\alpha \beta \gamma \delta \varepsilon \zeta \eta \theta \iota \kappa \lambda \mu".split(),
            *r"\nu \xi \pi \rho \sigma \tau \upsilon \varphi \chi \psi \omega".split(),
            *r"\Gamma \Delta \Theta \Lambda \Xi \Pi \Sigma \Phi \Psi \Omega".split(),
        ),
    )
)
_SYMBOLS = {
    "−": "-", "×": r"\times", "·": r"\cdot", "≤": r"\leq", "≥": r"\geq", "≠": r"\neq", "→": r"\to", "±": r"\pm", "∞": r"\infty",
    "≈": r"\approx", "≡": r"\equiv", "∝": r"\propto", "∈": r"\in", "∉": r"\notin", "∑": r"\sum", "∏": r"\prod", "∫": r"\int",
    "√": r"\surd", "∂": r"\partial", "∇": r"\nabla", "∀": r"\forall", "∃": r"\exists", "∪": r"\cup", "∩": r"\cap",
    "⊂": r"\subset", "⊆": r"\subseteq", "⇒": r"\Rightarrow", "⇐": r"\Leftarrow", "⇔": r"\Leftrightarrow", "←": r"\leftarrow",
    "↔": r"\leftrightarrow", "↑": r"\uparrow", "↓": r"\downarrow", "′": r"\prime", "÷": r"\div", "∘": r"\circ", "∅": r"\emptyset",
    "ς": r"\varsigma", "ϕ": r"\phi", "ϑ": r"\vartheta", "ϵ": r"\epsilon", "ϱ": r"\varrho", "ϖ": r"\varpi", "ο": "o", "Ο": "O",
}  # fmt: skip
#: Greek letters with an accent (ά, ή, ώ …): the letter in math under its accent.
_GREEK_ACCENTS = {"\u0301": r"\acute", "\u0300": r"\grave", "\u0308": r"\ddot", "\u0342": r"\tilde", "\u0304": r"\bar"}
_TEXT_SYMBOLS = {"–": "--", "—": "---", "…": r"\dots{}", "“": "``", "”": "''", "‘": "`", "’": "'", "\u00a0": "~"}
_CJK = re.compile(r"[\u2e80-\u2fff\u3000-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef\U00020000-\U0002fa1f]")


def needs_cjk(*texts: str) -> bool:
    """Whether any of the texts has CJK characters (then the document loads xeCJK).

    >>> needs_cjk("county A", "永康市"), needs_cjk("région")
    (True, False)
    """
    return any(_CJK.search(t or "") for t in texts)


def _accented_greek(ch: str) -> str | None:
    """``ά`` → ``\\acute{\\alpha}``; None for anything else."""
    import unicodedata

    parts = unicodedata.normalize("NFD", ch)
    if len(parts) < 2 or parts[0] not in _GREEK or any(p not in _GREEK_ACCENTS for p in parts[1:]):
        return None
    body = _GREEK[parts[0]]
    for accent in parts[1:]:
        body = f"{_GREEK_ACCENTS[accent]}{{{body}}}"
    return body


#: What a report's LaTeX sets without loss: ASCII, the Latin blocks of Latin Modern, typographic
#: punctuation, and (with xeCJK) CJK; everything else escape_latex turns into math or drops.
_SETTABLE = re.compile(r"[\x00-\x7f\u00a0-\u024f\u1e00-\u1eff\u2010-\u2027\u2030-\u205e\u20ac]")


def unsettable(tex: str) -> str:
    """The characters of LaTeX source (as escape_latex writes it) that XeLaTeX with Latin Modern
    and xeCJK cannot set: they would be dropped with only a "Missing character" line in the log.

    >>> unsettable(escape_latex("Δx ≈ 0, 永康, Zürich")), unsettable(escape_latex("Москва 😀"))
    ('', 'Москва😀')
    """
    return "".join(dict.fromkeys(ch for ch in tex if not ch.isspace() and not _SETTABLE.match(ch) and not _CJK.match(ch)))


def escape_latex(text: str) -> str:
    """User text for LaTeX text mode: special characters escaped, Greek letters and mathematical
    symbols (≥, −, ·, →, <, and the minus sign of a negative number) as math, control characters
    dropped. The one escaping function of the package: tables, reports and appendices use it.

    >>> print(escape_latex("α_AΔR ≥ 0"))
    $\\alpha$\\_A$\\Delta$R $\\geq$ 0
    >>> print(escape_latex("(D, D) → (-1, -0.5); risk-dominant"))
    (D, D) $\\to$ ($-$1, $-$0.5); risk-dominant
    """
    text = str(text)
    out = []
    for k, ch in enumerate(text):
        if ch == "-" and k + 1 < len(text) and (text[k + 1].isdigit() or text[k + 1] == ".") and (k == 0 or text[k - 1] in " (,;[/=≥≤<>"):
            out.append("$-$")  # the minus of a number, not a hyphen
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch in _GREEK:
            out.append(f"${_GREEK[ch]}$")
        elif (accented := _accented_greek(ch)) is not None:
            out.append(f"${accented}$")
        elif ch in _SYMBOLS:
            out.append(f"${_SYMBOLS[ch]}$")
        elif ch in _TEXT_SYMBOLS:
            out.append(_TEXT_SYMBOLS[ch])
        elif ch in "\n\t\r":
            out.append(" ")
        elif ch.isprintable():
            out.append(ch)
    return "".join(out)


_MATH_TOKEN = re.compile(
    r"(?P<name>[A-Za-z]+)(?:_(?P<sub>[A-Za-z0-9]+))?|(?P<greek>[" + "".join(_GREEK) + r"])(?:_(?P<gsub>[A-Za-z0-9]+))?"
    r"|(?P<num>\d+(?:\.\d+)?)|\^(?P<power>[A-Za-z0-9]+)|(?P<other>.)",
    re.S,
)


def math_latex(text: str) -> str:
    """A formula written in plain text (``α_AΔR − E_A − C_A < 0``, ``-b^2 + 2·a``) as the body
    of LaTeX math: one-letter names (Latin or Greek) as math variables with their subscripts,
    longer names upright in ``\\\\text{}``, operators as math symbols. Wrap it in ``$…$``.

    >>> print(math_latex("α_AΔR − E_A − C_A < 0"))
    \\alpha_{A}\\Delta R - E_{A} - C_{A} < 0
    >>> print(math_latex("-b^2 + 2·cost_H"))
    -b^{2} + 2\\cdot \\text{cost}_{H}
    """
    out: list[str] = []
    for m in _MATH_TOKEN.finditer(str(text)):
        if m.group("name"):
            name = m.group("name")
            word = name if len(name) == 1 else rf"\text{{{name}}}"
            out.append(word + (f"_{{{m.group('sub')}}}" if m.group("sub") else ""))
        elif m.group("greek"):
            out.append(_GREEK[m.group("greek")] + (f"_{{{m.group('gsub')}}}" if m.group("gsub") else " "))
        elif m.group("num"):
            out.append(m.group("num"))
        elif m.group("power"):
            out.append(f"^{{{m.group('power')}}}")
        else:
            ch = m.group("other")
            if ch in _SYMBOLS:
                out.append(_SYMBOLS[ch] + ("" if _SYMBOLS[ch] == "-" else " "))
            elif ch == "*":
                out.append(r"\cdot ")
            elif ch in "+-/=<>()[],.;:! ":
                out.append(ch)
            elif ch.isprintable():
                out.append(rf"\text{{{escape_latex(ch)}}}")
    return re.sub(" {2,}", " ", "".join(out)).strip()


def math_cell(text: str) -> str:
    """A cell of formulas separated by ``;`` as inline math, one ``$…$`` per formula.

    >>> math_cell("−C_A; C_B")
    '$-C_{A}$; $C_{B}$'
    """
    parts = [p.strip() for p in str(text).split(";")]
    return "; ".join(f"${math_latex(p)}$" if p and p not in ("—", "(numeric)") else escape_latex(p) for p in parts)


def _tex(expr: Any) -> str:
    if expr is sympy.true or expr is True:
        return r"\text{always}"
    if expr is sympy.false or expr is False:
        return r"\text{never}"
    return sympy.latex(expr)


def _terms(expr: Any) -> list[str]:
    """The top-level terms of a sum as LaTeX, each with its sign (``+ …`` or ``- …``)."""
    expr = sympy.sympify(expr)
    if not isinstance(expr, sympy.Add):
        return [_tex(expr)]
    out = []
    for term in expr.as_ordered_terms():
        text = sympy.latex(term)
        out.append(text if text.startswith("-") else "+ " + text)
    first = out[0]
    out[0] = first[2:] if first.startswith("+ ") else first
    return out


def _display(lhs: str, expr: Any, width: int = _LINE) -> list[str]:
    """Lines of an ``align*`` row ``lhs &= expr``, a long sum broken between its terms."""
    terms = _terms(expr)
    lines, current = [], ""
    for term in terms:
        if current and len(current) + len(term) > width:
            lines.append(current)
            current = term
        else:
            current = f"{current} {term}".strip()
    lines.append(current)
    rows = [f"{lhs} &= {lines[0]}"]
    rows.extend(rf"&\quad {line}" for line in lines[1:])
    return rows


def _share_rows(lhs: str, expr: sympy.Expr) -> list[str]:
    """``lhs = expr``; a long fraction as N / D with N and D each broken over lines."""
    text = sympy.latex(expr)
    if len(text) <= _LINE:
        return [f"{lhs} &= {text}"]
    numerator, denominator = sympy.fraction(sympy.together(expr))
    if denominator == 1:
        return _display(lhs, expr)
    rows = [f"{lhs} &= N / D,"]
    rows += _display(r"\qquad N", sympy.expand(numerator))
    rows += _display(r"\qquad D", sympy.expand(denominator))
    return rows


def _align(rows: Sequence[str]) -> str:
    return "\\begin{align*}\n" + " \\\\\n".join(rows) + "\n\\end{align*}\n"


def _number(value: Any) -> str:
    """A value for print: exact rationals as fractions, other numbers to 6 significant digits."""
    value = sympy.sympify(value)
    if value.is_Rational:
        return sympy.latex(value)
    c = complex(sympy.N(value, 20))
    scale = max(1.0, abs(c))
    if abs(c.imag) <= 1e-12 * scale:
        return _float(c.real)
    imaginary = f"{_float(abs(c.imag))}\\,i"
    if abs(c.real) <= 1e-12 * scale:
        return ("-" if c.imag < 0 else "") + imaginary
    return f"{_float(c.real)} {'-' if c.imag < 0 else '+'} {imaginary}"


def _float(x: float) -> str:
    if not np.isfinite(x):
        return r"\text{undefined}"
    text = f"{x:.6g}"
    if "e" in text:
        mantissa, exponent = text.split("e")
        return rf"{mantissa} \times 10^{{{int(exponent)}}}"
    return "0" if text in ("-0", "0") else text


def _exact(value: Any) -> str:
    """An exact value, and its decimal when it is not a rational."""
    value = sympy.sympify(value)
    if value.is_Rational or not value.is_number:
        return sympy.latex(value)
    return f"{sympy.latex(value)} \\approx {_number(value)}"


def _corner_label(corner: Sequence[int]) -> str:
    return "(" + ", ".join(str(int(c)) for c in corner) + ")"


def preamble(title: str, cjk: bool, *, cjk_font: str = CJK_FONT, graphics: bool = False, landscape: bool = False) -> list[str]:
    """The lines of a XeLaTeX document up to ``\\maketitle``: ``fontspec``, ``amsmath``,
    ``booktabs``, ``longtable``, ``array`` (with a ragged column type ``P{width}``), ``geometry``
    and, when ``cjk``, ``xeCJK`` with ``cjk_font``; ``graphicx`` when ``graphics``.

    ``title`` is LaTeX already (escape user text with :func:`escape_latex`).

    >>> lines = preamble("A", cjk=True)
    >>> lines[0], lines[-1], any("xeCJK" in line for line in lines)
    ('\\\\documentclass[10pt]{article}', '\\\\maketitle', True)
    """
    lines = [
        r"\documentclass[10pt]{article}",
        r"\usepackage{fontspec}",
        r"\usepackage{amsmath,amssymb}",
        r"\usepackage{booktabs,longtable,array}",
        rf"\usepackage[a4paper,{'landscape,' if landscape else ''}margin=2cm]{{geometry}}",
    ]
    if graphics:
        lines.append(r"\usepackage{graphicx}")
    if cjk:
        lines += [r"\usepackage{xeCJK}", rf"\setCJKmainfont{{{cjk_font}}}"]
    lines += [
        r"\allowdisplaybreaks",
        r"\setlength{\tabcolsep}{4pt}",
        r"\setlength{\LTpre}{4pt}",
        r"\setlength{\LTpost}{4pt}",
        r"\newcolumntype{P}[1]{>{\raggedright\arraybackslash}p{#1}}",
        rf"\title{{{title}}}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
    ]
    return lines


def _model_section(model: Any, derivation: Any) -> list[str]:
    out = [r"\section{The model}", r"\begin{longtable}{@{}P{0.30\textwidth}P{0.42\textwidth}P{0.18\textwidth}@{}}", r"\toprule"]
    out.append(r"population & strategies (first, second) & share of the first \\ \midrule \endhead")
    for k, name in enumerate(model.populations):
        strategies = ", ".join(escape_latex(s) for s in model.strategies[k])
        out.append(rf"{escape_latex(name)} & {strategies} & ${sympy.latex(derivation.shares[k])}$ \\")
    out += [r"\bottomrule", r"\end{longtable}"]
    if model.parameters:
        out += [r"\subsection*{Parameters}", r"\begin{longtable}{@{}P{0.16\textwidth}P{0.16\textwidth}P{0.18\textwidth}P{0.42\textwidth}@{}}", r"\toprule"]
        out.append(r"parameter & value & range & meaning \\ \midrule \endhead")
        for name, parameter in model.parameters.items():
            value = sympy.Rational(parameter.value.numerator, parameter.value.denominator)
            rng = "" if parameter.range is None else f"$[{_float(parameter.range[0])}, {_float(parameter.range[1])}]$"
            out.append(rf"${sympy.latex(model.symbol(name))}$ & ${_exact(value)}$ & {rng} & {escape_latex(parameter.note)} \\")
        out += [r"\bottomrule", r"\end{longtable}"]
    return out


def _payoff_section(model: Any) -> list[str]:
    k_count = len(model.populations)
    out = [
        r"\section{Payoff table}",
        "Each row is a pure profile (one strategy per population) and the payoff $u_k$ of each population $k$ there.",
    ]
    per_column = k_count <= 4
    if per_column:
        width = 0.36 / k_count
        spec = "".join(rf"P{{{width:.3f}\textwidth}}" for _ in range(k_count)) + r"P{0.56\textwidth}"
        head = " & ".join(rf"\textbf{{{escape_latex(p)}}}" for p in model.populations) + r" & payoffs \\"
    else:
        spec = r"P{0.36\textwidth}P{0.56\textwidth}"
        head = r"profile (" + "; ".join(escape_latex(p) for p in model.populations) + r") & payoffs \\"
    out += [rf"\begin{{longtable}}{{@{{}}{spec}@{{}}}}", r"\toprule", head + r" \midrule \endhead"]
    for profile, values in model.payoffs.items():
        names = [escape_latex(model.strategies[k][i]) for k, i in enumerate(profile)]
        cells = names if per_column else [" / ".join(names)]
        payoffs = r"\newline ".join(rf"$u_{{{k + 1}}} = {sympy.latex(v)}$" for k, v in enumerate(values))
        out.append(" & ".join([*cells, payoffs]) + r" \\ \addlinespace[2pt]")
    out += [r"\bottomrule", r"\end{longtable}"]
    return out


def _payoffs_section(model: Any, derivation: Any) -> list[str]:
    out = [
        r"\section{Expected payoffs and replicator equations}",
        "Under independent mixing, with $x_k$ the share of population $k$ playing its first strategy, "
        r"strategy $s$ of population $k$ earns $E_{k,s}$, the population's mean payoff is "
        r"$\bar E_k = x_k E_{k,1} + (1 - x_k) E_{k,2}$ and its payoff difference is $F_k = E_{k,1} - E_{k,2}$.",
    ]
    for k, name in enumerate(model.populations):
        first, second = model.strategies[k][0], model.strategies[k][1]
        x = sympy.latex(derivation.shares[k])
        out.append(rf"\subsection*{{{escape_latex(name)} (${x}$: {escape_latex(first)})}}")
        rows = []
        rows += _display(rf"E_{{{k + 1},1}} \;(\text{{{escape_latex(first)}}})", derivation.expected_payoffs[k][0])
        rows += _display(rf"E_{{{k + 1},2}} \;(\text{{{escape_latex(second)}}})", derivation.expected_payoffs[k][1])
        rows.append(rf"\bar E_{{{k + 1}}} &= {x}\, E_{{{k + 1},1}} + \left(1 - {x}\right) E_{{{k + 1},2}}")
        rows += _display(rf"F_{{{k + 1}}}", derivation.payoff_differences[k])
        out.append(_align(rows))
    out.append(r"\subsection*{Replicator equations}")
    equations = [rf"\dot{{{sympy.latex(x)}}} &= {sympy.latex(x)}\left(1 - {sympy.latex(x)}\right) F_{{{k + 1}}}" for k, x in enumerate(derivation.shares)]
    out.append(_align(equations))
    return out


def _jacobian_section(derivation: Any) -> list[str]:
    jacobian = derivation.jacobian
    k_count = jacobian.shape[0]
    entries = [[sympy.latex(jacobian[i, j]) for j in range(k_count)] for i in range(k_count)]
    out = [r"\section{Jacobian}", r"The Jacobian $J_{kj} = \partial \dot x_k / \partial x_j$ of the replicator equations:"]
    if k_count <= 4 and max(sum(len(e) for e in row) for row in entries) <= _MATRIX_ROW:
        body = " \\\\\n".join(" & ".join(row) for row in entries)
        out.append("\\[\nJ = \\begin{bmatrix}\n" + body + "\n\\end{bmatrix}\n\\]")
        return out
    rows = []
    for i in range(k_count):
        for j in range(k_count):
            rows += _display(rf"J_{{{i + 1}{j + 1}}}" if k_count < 10 else rf"J_{{{i + 1},{j + 1}}}", jacobian[i, j])
    out.append(_align(rows))
    return out


def _corner_section(model: Any, derivation: Any) -> list[str]:
    shares = ", ".join(sympy.latex(x) for x in derivation.shares)
    out = [
        r"\section{Pure corners}",
        rf"A corner lists $({shares})$, each population's share playing its first strategy. The Jacobian is "
        r"diagonal there with eigenvalues $\lambda_k = (1 - 2x_k) F_k$; the corner is asymptotically stable "
        r"if and only if every $\lambda_k < 0$ (the conditions below, each marked with whether it holds at the "
        "parameter values). A zero eigenvalue with none positive leaves the corner non-hyperbolic.",
        r"\begin{longtable}{@{}P{0.15\textwidth}P{0.03\textwidth}P{0.27\textwidth}P{0.10\textwidth}P{0.26\textwidth}P{0.06\textwidth}@{}}",
        r"\toprule",
        r"corner & $k$ & eigenvalue $\lambda_k$ & value & stability condition & holds \\ \midrule \endhead",
    ]
    for row in derivation.corners:
        profile = " / ".join(escape_latex(model.strategies[k][0 if c else 1]) for k, c in enumerate(row.corner))
        word = VERDICT_WORDS.get(row.verdict, escape_latex(row.verdict))
        head = rf"${_corner_label(row.corner)}$\newline {{\footnotesize {profile}}}\newline \textbf{{{word}}}"
        count = max(len(row.eigenvalues), 1)
        for k in range(count):
            expression = f"${sympy.latex(row.eigenvalue_expressions[k])}$" if k < len(row.eigenvalue_expressions) else "(numeric)"
            value = f"${_number(row.eigenvalues[k])}$" if k < len(row.eigenvalues) else ""
            condition = f"${_tex(row.conditions[k])}$" if k < len(row.conditions) else ""
            holds = ("yes" if row.holds[k] else "no") if k < len(row.holds) else ""
            cells = [head if k == 0 else "", str(k + 1), expression, value, condition, holds]
            out.append(" & ".join(cells) + (r" \\*" if k < count - 1 else r" \\ \midrule"))
    out += [r"\end{longtable}"]
    stable = [r for r in derivation.corners if r.verdict == "stable"]
    if stable:
        out.append("Asymptotically stable at the parameter values: " + ", ".join(f"${_corner_label(r.corner)}$" for r in stable) + ".")
    else:
        out.append("No pure corner is asymptotically stable at the parameter values.")
    return out


def _rest_section(derivation: Any) -> list[str]:
    out = [r"\section{Rest points off the corners}"]
    points = list(derivation.rest_points)
    if not points:
        out.append("None were found on the edges, the faces or in the interior at the parameter values.")
    else:
        out += [
            r"\begin{longtable}{@{}P{0.06\textwidth}P{0.10\textwidth}P{0.30\textwidth}P{0.34\textwidth}P{0.12\textwidth}@{}}",
            r"\toprule",
            r"no. & kind & point & eigenvalues & verdict \\ \midrule \endhead",
        ]
        for i, p in enumerate(points, start=1):
            where = "$(" + ", ".join(_float(v) for v in p.point) + ")$"
            eig = "$" + r",\ ".join(_number(e) for e in p.eigenvalues) + "$"
            out.append(rf"{i} & {p.kind} & {where} & {eig} & {VERDICT_WORDS.get(p.verdict, escape_latex(p.verdict))} \\ \addlinespace[2pt]")
        out += [r"\bottomrule", r"\end{longtable}"]
        exact = [(i, p) for i, p in enumerate(points, start=1) if p.exact and p.expressions]
        if exact:
            out.append("In the parameters (where sympy solved the face's equations):")
            rows = []
            for i, p in exact:
                for x, e in zip(derivation.shares, p.expressions):
                    e = sympy.sympify(e)
                    if e.is_number:
                        continue
                    rows += _share_rows(rf"\text{{{i}:}}\quad {sympy.latex(x)}", e)
            out.append(_align(rows))
    if derivation.at_most_neutral:
        out.append(
            r"\paragraph{Note (Selten 1980).} The payoffs do not depend on the population shares, so in these "
            "multi-population replicator dynamics only strict Nash equilibria, which are pure corners, can be "
            "asymptotically stable: every rest point off the corners is at most neutrally stable."
        )
    else:
        out.append(
            r"\paragraph{Note.} The payoffs depend on the population shares, so Selten's (1980) result that only "
            "strict Nash equilibria can be asymptotically stable does not apply: rest points off the corners may be stable."
        )
    return out


def derivation_document(derivation: Any, *, model: Any = None, title: str | None = None) -> str:
    """A complete XeLaTeX document with a model's whole derivation (see the module notes).

    Parameters
    ----------
    derivation : solver.dynamics.derive.Derivation
        From :func:`solver.dynamics.derive.derive`.
    model : games.model.Model, optional
        The model derived: its names and payoff table. Taken from ``derivation.model`` when
        not given.
    title : str, optional
        The document's title; the model's name by default. Escaped for LaTeX.

    Returns
    -------
    str
        The document; compile it with ``xelatex``.

    Raises
    ------
    ValueError
        Without a model, or when the model's shares are not the derivation's.
    """
    model = model if model is not None else getattr(derivation, "model", None)
    if model is None:
        raise ValueError("derivation_document needs the model derived (model=...) for its names and payoff table")
    if tuple(model.share_symbols) != tuple(derivation.shares):
        raise ValueError(f"the model's shares {tuple(model.share_symbols)} are not the derivation's {tuple(derivation.shares)}")
    heading = title if title is not None else (model.name or "Model")
    names = [heading, *model.populations, *(s for row in model.strategies for s in row), *(p.note for p in model.parameters.values())]
    lines = preamble(escape_latex(heading), needs_cjk(*names))
    for part in (_model_section(model, derivation), _payoff_section(model), _payoffs_section(model, derivation), _jacobian_section(derivation)):
        lines += part
    lines += _corner_section(model, derivation)
    lines += _rest_section(derivation)
    lines.append(r"\end{document}")
    return "\n".join(lines) + "\n"
