"""Result tables as plain text, Markdown, CSV or LaTeX (booktabs), and their rows.

A table is a list of rows (dicts with the same keys); :func:`render` formats it. The row
builders turn an :class:`~solver.nash.EquilibriumSet`, a cooperation report or a network
analysis into rows that read well in a paper: ``(D, D)`` for a pure equilibrium,
``(0.667 C + 0.333 D, …)`` for a mixed one.

Examples
--------
>>> print(render([{"link": "A–B", "level": "none"}], "markdown"))
| link | level |
| --- | --- |
| A–B | none |
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Mapping, Sequence

from games import Game
from games.errors import UserInputError

from .cooperation import CooperationReport
from .nash import Equilibrium
from .progress import stage

__all__ = [
    "FORMATS",
    "allocation_rows",
    "analysis_rows",
    "budget_line",
    "design_rows",
    "equilibrium_rows",
    "expression_text",
    "format_equilibrium",
    "format_strategy",
    "model_corner_rows",
    "model_json",
    "model_number",
    "model_rest_rows",
    "region_names",
    "render",
    "render_corner_table",
    "render_model",
    "selten_note",
    "strength_text",
    "sweep_rows",
    "transfer_rows",
]

#: Tabular output formats.
FORMATS = ("table", "markdown", "csv", "latex")


def _number(value: float, *, snap: bool = True) -> str:
    """A number in a table: an integer as itself, anything else to 4 significant digits
    (float noise below 1e-12 reads 0, unless ``snap`` is False: payoffs read from exact values
    carry no noise, and a payoff of 1e-100 is 1e-100).

    >>> _number(5 / 3), _number(2.0), _number(-1e-17), _number(float("inf")), _number(1e100), _number(1e-100, snap=False)
    ('1.667', '2', '0', 'inf', '1e+100', '1e-100')
    """
    if value != value or abs(value) == float("inf"):
        return str(value)
    if abs(value) < 1e-12 and (snap or value == 0):
        return "0"
    # Whole numbers as themselves up to 10¹⁵ (beyond, a float's digits are binary artefacts).
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else f"{value:.4g}"


def region_names(network) -> dict[str, str]:
    """Region id → display name (of a :class:`~regions.RegionNetwork`, e.g. ``network.named("zh")``),
    the ``names`` argument of the row builders.

    >>> from regions import load_scenario
    >>> region_names(load_scenario("yongkang-wuyi-jinyun").named("zh"))["yongkang"]
    '永康市'
    """
    return {rid: r.name for rid, r in network.regions.items()}


def _name(names: Mapping[str, str] | None, rid: str | None) -> str:
    return "" if rid is None else (names or {}).get(rid, rid)


def _link(names: Mapping[str, str] | None, between: Sequence[str]) -> str:
    return "–".join(_name(names, r) for r in between)


def _words(text: str) -> str:
    """``breach_penalty`` → ``breach penalty``: parameter names as words."""
    return text.replace("_", " ")


def format_strategy(probabilities: Sequence[float], labels: Sequence[str]) -> str:
    """A mixed strategy as ``"0.667 C + 0.333 D"``, a pure one as its label.

    >>> format_strategy((2 / 3, 1 / 3), ("C", "D"))
    '0.667 C + 0.333 D'
    >>> format_strategy((0.0, 1.0), ("C", "D"))
    'D'
    """
    used = [(p, label) for p, label in zip(probabilities, labels) if p > 0]
    if len(used) == 1:
        return used[0][1]
    return " + ".join(f"{p:.3g} {label}" for p, label in used)


def format_equilibrium(e: Equilibrium, game: Game) -> str:
    """``"(D, D) → (1, 1)"``: both strategies and both payoffs."""
    row = format_strategy(e.row, game.strategies[0])
    col = format_strategy(e.col, game.strategies[1])
    return f"({row}, {col}) → ({_number(e.payoffs[0])}, {_number(e.payoffs[1])})"


def equilibrium_rows(report: CooperationReport) -> list[dict]:
    """One row per equilibrium of a report's game."""
    game = report.equilibria.game
    return [
        {
            "#": k,
            game.players[0]: format_strategy(e.row, game.strategies[0]),
            game.players[1]: format_strategy(e.col, game.strategies[1]),
            "payoffs": f"({_number(e.payoffs[0], snap=False)}, {_number(e.payoffs[1], snap=False)})",
            "cooperation": f"{e.cooperation:.3g}",
        }
        for k, e in enumerate(report.equilibria, 1)
    ]


def _announced(items: Sequence, what: str) -> Iterator:
    """``items``, announced as a :func:`solver.progress.stage` (advanced a thousand at a time)."""
    with stage(f"{len(items):,} {what}", total=len(items)) as advance:
        for k, item in enumerate(items, 1):
            yield item
            if k % 1000 == 0:
                advance(1000)
        advance(len(items) % 1000)


def analysis_rows(analysis: object, names: Mapping[str, str] | None = None) -> list[dict]:
    """One row per link and mechanism of a :class:`~solver.network.NetworkAnalysis`; regions by
    their ``names`` (id → display name, :func:`region_names`) when given, else by id."""
    rows = []
    for r in _announced(analysis.links, "table rows"):  # type: ignore[attr-defined]
        report = r.report
        rows.append(
            {
                "link": _link(names, r.between),
                "cluster": r.link.cluster,
                "weight": _number(r.link.weight),
                "superior": _name(names, r.superior),
                "mechanism": r.mechanism,
                "game": report.game_type,
                "equilibria": summarize_equilibria(report, r.game, most=2),
                "level": report.level,
                "basin": "" if report.basin is None else report.basin.text,
                "paid by": format_costs(r.costs, names),
            }
        )
    return rows


def summarize_equilibria(report: CooperationReport, game: Game, most: int = 3) -> str:
    """The equilibria of a report, at most ``most`` of them written out, then a count.

    >>> from games import stag_hunt
    >>> from solver import stability
    >>> summarize_equilibria(stability(stag_hunt(), basin=False), stag_hunt(), most=2)
    '(C, C) → (4, 4); (D, D) → (2, 2); … 3 in all'
    """
    eqs = list(report.equilibria)
    text = "; ".join(format_equilibrium(e, game) for e in eqs[:most])
    if len(eqs) > most:
        text += f"; … {len(eqs)} in all"
    if report.equilibria.continuum:
        text += " (extreme points of a continuum)"
    return text


def format_costs(costs: dict, names: Mapping[str, str] | None = None) -> str:
    """Net payers at the reference equilibrium: ``"jinhua 1.1, yongkang 0.05"`` (by ``names`` when given).

    >>> format_costs({"jinhua": {"paid": 1.1, "received": 0.0}, "wuyi": {"paid": 0.0, "received": 0.5}}, {"jinhua": "Jinhua"})
    'Jinhua 1.1'
    """
    payers = [(party, v["paid"] - v["received"]) for party, v in costs.items()]
    return ", ".join(f"{_name(names, party)} {_number(net)}" for party, net in payers if net > 1e-9)


#: The unbreakable pieces of a table cell: runs of non-space, non-CJK text, and single CJK characters.
_UNBREAKABLE = re.compile(r"[\u2e80-\U0002ffff]|[^\s\u2e80-\U0002ffff]+")


def _latex_columns(columns: Sequence[str], cells: Sequence[Sequence[str]]) -> list[str]:
    """Column types: ``l`` when the table is narrow; otherwise ``l`` for short columns and ragged
    paragraph columns sharing the rest of ``\\linewidth`` in proportion to their text (never
    narrower than their longest word)."""
    def width(text: str) -> int:  # in Latin characters: a CJK character is about two
        return len(text) + sum(ord(ch) >= 0x2E80 for ch in text)

    longest = [max(width(c), *(width(r[k]) for r in cells)) for k, c in enumerate(columns)]
    if sum(longest) + 2 * len(columns) <= 110:
        return ["l"] * len(columns)
    def pieces(text: str) -> list[str]:  # xeCJK may break between any two CJK characters
        return _UNBREAKABLE.findall(text) or [""]

    words = [max(width(w) for text in (c, *(r[k] for r in cells)) for w in pieces(text)) for k, c in enumerate(columns)]
    short = [n <= 14 or n <= w for n, w in zip(longest, words)]
    # The short columns' width, estimated at 0.55 em a character plus the column gap.
    reserve = sum(0.55 * max(n, 1) + 1.0 for n, is_short in zip(longest, short) if is_short)
    weights = [max(w, min(n, 40)) for w, n in zip(words, longest)]
    total = sum(w for w, is_short in zip(weights, short) if not is_short)
    return [
        "l" if is_short else rf">{{\raggedright\arraybackslash}}p{{\dimexpr(\linewidth-{reserve:.1f}em)*{w}/{total}-2\tabcolsep\relax}}"
        for w, is_short in zip(weights, short)
    ]


def _latex(columns: Sequence[str], cells: Sequence[Sequence[str]], math: Sequence[str], long: bool) -> str:
    from .latex import escape_latex, math_cell

    spec = "@{}" + "".join(_latex_columns(columns, cells)) + "@{}"
    cell = [math_cell if c in math else escape_latex for c in columns]
    head = " & ".join(escape_latex(c) for c in columns) + r" \\"
    body = [" & ".join(f(v) for f, v in zip(cell, r)) + r" \\" for r in cells]
    if long:
        # The header repeats on every page of a long table.
        return "\n".join([rf"\begin{{longtable}}{{{spec}}}", r"\toprule", head, r"\midrule", r"\endhead", *body, r"\bottomrule", r"\end{longtable}"])
    return "\n".join([rf"\begin{{tabular}}{{{spec}}}", r"\toprule", head, r"\midrule", *body, r"\bottomrule", r"\end{tabular}"])


def render(rows: list[dict], fmt: str = "table", *, math: Sequence[str] = (), long: bool = False) -> str:
    """Format rows as ``table`` (aligned text), ``markdown``, ``csv`` or ``latex``.

    LaTeX is a booktabs ``tabular`` (with ``long``, a ``longtable`` whose header repeats on each
    page; it needs the packages ``booktabs``, ``array`` and ``longtable``): text is escaped with
    :func:`solver.latex.escape_latex` (symbols such as ≥, −, → in math mode), and the columns
    named in ``math`` hold formulas typeset as math (:func:`solver.latex.math_cell`). A wide
    table gets ragged paragraph columns sharing ``\\linewidth``.

    >>> print(render([{"link": "A–B", "threshold": "discount ≥ 0.5", "condition": "C_A − s < 0"}], "latex", math=["condition"]))
    \\begin{tabular}{@{}lll@{}}
    \\toprule
    link & threshold & condition \\\\
    \\midrule
    A--B & discount $\\geq$ 0.5 & $C_{A} - s < 0$ \\\\
    \\bottomrule
    \\end{tabular}

    Raises
    ------
    UserInputError
        For an unknown format.
    """
    if fmt not in FORMATS:
        raise UserInputError(f"unknown table format '{fmt}'; choose one of {', '.join(FORMATS)}")
    if not rows:
        return ""
    columns = list(rows[0])
    cells = [[str(row.get(c, "")) for c in columns] for row in rows]
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(cells)
        return out.getvalue().rstrip("\n")
    if fmt == "markdown":

        def esc(s: str) -> str:
            return s.replace("|", "\\|")

        lines = ["| " + " | ".join(map(esc, columns)) + " |", "| " + " | ".join("---" for _ in columns) + " |"]
        lines += ["| " + " | ".join(map(esc, r)) + " |" for r in cells]
        return "\n".join(lines)
    if fmt == "latex":
        return _latex(columns, cells, math, long)
    widths = [max(len(c), *(len(r[k]) for r in cells)) for k, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(r, widths)).rstrip() for r in cells]
    return "\n".join(lines)


def render_corner_table(table: Sequence, fmt: str = "table") -> str:
    """A corner table (:class:`solver.dynamics.CornerTable`) as ``table`` (text), ``markdown``,
    ``csv`` or ``latex``: one row per rest point, from the table's ``rows``.

    >>> from games import ThreeParty
    >>> from solver.dynamics import corner_table
    >>> text = render_corner_table(corner_table(ThreeParty(), interior=False), "markdown")
    >>> text.splitlines()[8].startswith("| (1, 1, 0) | -1, -1, -6 | stable |")
    True
    """
    return render(list(table.rows), fmt, math=("eigenvalues (expressions)", "conditions for stability"))


def strength_text(strength) -> str:
    """A minimal strength for a table: ``"breach penalty > 1.667"`` (the parameter in words, the
    threshold to 4 significant digits), or why no value works.

    >>> from solver.design.strength import Strength
    >>> strength_text(Strength("breach_penalty", "strict", 5 / 3, False, 5 / 3, None, "strict", "analytic", (0, 10)))
    'breach penalty > 1.667'
    """
    if strength.value is not None:
        return f"{_words(strength.parameter)} {'≥' if strength.attained else '>'} {_number(strength.value)}"
    return _words(strength.message.split(";")[0])


def design_rows(comparison, names: Mapping[str, str] | None = None) -> list[dict]:
    """One row per link and candidate of a :class:`~solver.design.Comparison`: the minimal
    strength, the level it reaches, the payer and the net cost per play (regions by ``names``
    when given)."""
    rows = []
    for r in comparison.rows:
        st = r.strength
        rows.append(
            {
                "link": _link(names, r.link.between),
                "superior": _name(names, r.superior),
                "mechanism": r.candidate,
                "minimal strength": strength_text(st),
                "level": st.level or "",
                "payer": _name(names, r.payer),
                "net cost per play": format_costs(r.costs, names),
                "method": st.method + ("" if st.monotone else ", not monotone"),
            }
        )
    return rows


def _link_key(names: Mapping[str, str] | None, key: str) -> str:
    """An allocation's link key ``"a–b cluster"`` with region names."""
    pair, _, cluster = key.partition(" ")
    return f"{_link(names, pair.split('–'))} {cluster}".strip() if names else key


def allocation_rows(plan, names: Mapping[str, str] | None = None) -> list[dict]:
    """One row per link of an :class:`~solver.design.Allocation`: what is funded, what it
    contains, who pays what per play, and the level reached.

    >>> from solver.design import Allocation, Option
    >>> plan = Allocation({"a–b x": Option("subsidy", "p", 2.0, level="strict"), "b–c y": None}, {"p": 2.0}, {"p": 3.0}, 1.0, 2.0, [], ["b–c y"], "optimal")
    >>> [(r["link"], r["funded"], r["paid by"]) for r in allocation_rows(plan)]
    [('a–b x', 'subsidy', 'p 2'), ('b–c y', '-', '')]
    """
    rows = []
    for key, o in plan.chosen.items():
        contains = " + ".join(o.contains) if o and o.contains else ""
        rows.append(
            {
                "link": _link_key(names, key),
                "funded": o.name if o else ("-" if key not in plan.already_stable else "(at the target already)"),
                # Only where the option's name does not already say it.
                "contains": "" if not o or contains in o.name else contains,
                "paid by": format_costs({p: {"paid": v, "received": 0.0} for p, v in o.paid.items()}, names) if o else "",
                "level": (o.level or "") if o else "",
            }
        )
    return rows


def budget_line(plan, names: Mapping[str, str] | None = None) -> str:
    """The budget used: ``"jinhua 0.1 of 5, zhejiang 0 of 1; weight at the target 1 of 2.3"``."""
    spend = ", ".join(f"{_name(names, g)} {_number(plan.spend[g])} of {_number(plan.budgets[g])}" for g in plan.budgets)
    left = ", ".join(_link_key(names, k) for k in plan.unstable) or "none"
    return f"budget used: {spend}; link weight at the target {plan.stabilized_weight:.4g} of {plan.total_weight:.4g}; left unstable: {left}"


def transfer_rows(network, names: Mapping[str, str] | None = None) -> list[dict]:
    """Fair (Nash-bargaining) and stabilizing transfers on each asymmetric link (regions by
    ``names`` when given)."""
    from .design import side_payment_reports

    rows = []
    for link, r in side_payment_reports(network):
        rows.append(
            {
                "link": _link(names, link.between),
                "fair transfer": f"{_name(names, link.between[r.fair.payer])} pays {_number(r.fair.transfer)}",
                "stabilizing transfer": f"{_name(names, link.between[r.stabilizing.payer])} pays {_number(r.stabilizing.transfer)}",
                "grim thresholds": " / ".join(map(_number, r.thresholds["none"])),
                "after stabilizing": " / ".join(map(_number, r.thresholds["stabilizing"])),
                "fair and stable differ": "yes" if r.conflict else "no",
            }
        )
    return rows


# --- a model file's derivation (intergov evolve model) ---------------------------------------

_SELTEN = (
    "only strict Nash equilibria (pure corners) can be asymptotically stable in multi-population replicator dynamics"
    " (Selten 1980): every rest point off the corners is at most neutrally stable"
)


def expression_text(expr: object) -> str:
    """A sympy expression or condition on one line in Unicode: ``·`` for products, ``^`` for
    powers, ``≤``/``≥``/``≠``.

    >>> import sympy
    >>> a, b = sympy.symbols("a b", real=True)
    >>> expression_text(sympy.Gt(2 * a - b**2, 0))
    '-b^2 + 2·a > 0'
    """
    import sympy

    text = sympy.sstr(expr, order="none") if isinstance(expr, sympy.Basic) else str(expr)
    for a, b in (("**", "^"), ("*", "·"), ("<=", "≤"), (">=", "≥"), ("!=", "≠")):
        text = text.replace(a, b)
    return text


def model_number(value: object) -> str:
    """An exact or numeric value for people: ``3``, ``1.5``, ``1/3``, ``0.707107``, ``1+2j``.

    >>> import sympy
    >>> model_number(sympy.Rational(3, 2)), model_number(sympy.Rational(1, 3)), model_number(sympy.sqrt(2)), model_number(-0.0)
    ('1.5', '1/3', '1.41421', '0')
    >>> model_number(sympy.Rational(3 * 10**100 + 1, 10**100)), model_number(float("nan"))
    ('3', 'undefined')
    """
    import sympy

    if isinstance(value, sympy.Basic) and value.is_Rational:
        if value.q == 1:
            return str(value.p)
        text = f"{float(value):.12g}"
        # a short fraction as itself (1/3); a long one (from a parameter of 1e-100) as a decimal
        return text if sympy.Rational(text) == value or len(str(value.q)) > 6 else f"{value.p}/{value.q}"
    number = complex(sympy.N(value)) if isinstance(value, sympy.Basic) else complex(value)
    if number != number:  # NaN in either part: an eigenvalue where the Jacobian has none
        return "undefined"
    if abs(number.imag) > 1e-12:
        return (f"{number.real:.6g}" if abs(number.real) > 1e-12 else "") + f"{number.imag:+.6g}i"
    real = number.real
    return "0" if abs(real) < 1e-12 else f"{real:.6g}"


def _json_number(value: object) -> float | str | None:
    """A number for JSON: an exact rational as the nearest float (1e-14 stays 1e-14, so it never
    contradicts the verdict decided on it); a numeric value with 12 significant digits and
    |x| < 1e-12 read as 0 (eigenvalue noise); a complex one as text; an undefined one (NaN: an
    eigenvalue where the Jacobian has none) as null."""
    from fractions import Fraction

    import sympy

    if isinstance(value, Fraction) or (isinstance(value, sympy.Basic) and value.is_Rational):
        return float(value)
    number = complex(sympy.N(value)) if isinstance(value, sympy.Basic) else complex(value)
    if number != number:  # NaN in either part
        return None
    if abs(number.imag) > 1e-12:
        return model_number(number)
    return 0.0 if abs(number.real) < 1e-12 else float(f"{number.real:.12g}")


def _point(values: Sequence[float]) -> str:
    return "(" + ", ".join(model_number(v) for v in values) + ")"


def model_corner_rows(derivation) -> list[dict]:
    """One row per pure corner of a :class:`~solver.dynamics.derive.Derivation`: the corner,
    λₖ = (1 − 2xₖ)Fₖ as expressions, their values, the stability conditions and the verdict."""
    k_count = len(derivation.shares)
    rows = []
    for c in derivation.corners:
        row = {"corner": _point(c.corner)}
        for k in range(k_count):
            row[f"λ{k + 1}"] = expression_text(c.eigenvalue_expressions[k]) if c.eigenvalue_expressions else "(numeric)"
        row["values"] = ", ".join(model_number(v) for v in c.eigenvalues)
        row["conditions"] = "; ".join(expression_text(x) for x in c.conditions) or "—"
        row["verdict"] = c.verdict
        rows.append(row)
    return rows


def model_rest_rows(derivation) -> list[dict]:
    """One row per rest point off the corners: where, how found, eigenvalues and verdict."""
    rows = []
    for r in derivation.rest_points:
        rows.append(
            {
                "point": _point(r.point),
                "kind": r.kind,
                "found": "exact" if r.exact else "numeric",
                "eigenvalues": ", ".join(model_number(v) for v in r.eigenvalues),
                "verdict": r.verdict,
            }
        )
    return rows


def selten_note(derivation) -> str | None:
    """The note that interior and face rest points are at most neutrally stable, when it applies."""
    return f"note: {_SELTEN}." if derivation.at_most_neutral and derivation.rest_points else None


def sweep_rows(sweep) -> list[dict]:
    """Where each corner's verdict changes in a :class:`~solver.dynamics.model_sweep.ModelSweep`."""
    return [
        {"corner": _point(corner), sweep.parameter: f"between {model_number(lo)} and {model_number(hi)}", "verdict": f"{a} → {b}"}
        for corner, lo, hi, a, b in sweep.changes
    ]


def render_model(derivation, model, fmt: str = "text", sweep=None) -> str:
    """A model's derivation as ``text`` (aligned, Unicode) or ``markdown``: the corner table,
    the rest points, the Selten note when it applies, and a sweep's verdict changes.

    >>> from games.model import builtin_model
    >>> from solver.dynamics import derive
    >>> m = builtin_model("three-party")
    >>> text = render_model(derive(m, rest_points=False), m)
    >>> [line for line in text.splitlines() if "stable" in line and "(1, 1, 0)" in line][0].split()[-1]
    'stable'
    """
    if fmt not in ("text", "markdown"):
        raise UserInputError(f"unknown model format '{fmt}'; choose text or markdown")
    table = "table" if fmt == "text" else "markdown"
    head = (lambda s: f"## {s}") if fmt == "markdown" else (lambda s: s)
    shares = ", ".join(f"{x} = share of {p} playing {s[0]}" for x, p, s in zip(derivation.shares, model.populations, model.strategies))
    lines = [f"# {model.name}" if fmt == "markdown" and model.name else model.name, shares, ""]
    lines += [head("Pure corners (λₖ = (1 − 2xₖ)·Fₖ; stable iff every condition holds)"), "", render(model_corner_rows(derivation), table), ""]
    rest = model_rest_rows(derivation)
    if rest:
        lines += [head("Rest points on edges, faces and the interior"), "", render(rest, table), ""]
        for r in derivation.rest_points:
            if r.exact:
                text = ", ".join(f"{x} = {expression_text(e)}" for x, e in zip(derivation.shares, r.expressions))
                lines.append(f"{_point(r.point)}: {text}" if len(text) <= 160 else f"{_point(r.point)}: long expressions (see --format json or latex)")
        lines.append("")
    note = selten_note(derivation)
    if note:
        lines += [note, ""]
    if sweep is not None:
        lines += [head(f"Sweep of {sweep.parameter} over {model_number(sweep.values[0])} … {model_number(sweep.values[-1])} ({len(sweep.values)} values)"), ""]
        changes = sweep_rows(sweep)
        lines += [render(changes, table) if changes else "no corner changes its verdict", ""]
    return "\n".join(lines).strip("\n")


def model_json(derivation, model, sweep=None) -> dict:
    """A model's derivation as JSON-ready data (the format of docs/models.md):
    ``{"corners": [{"corner": [1, 0, 1], "eigenvalues": [...], "eigenvalue_expressions": [...],
    "conditions": [...], "verdict": ...}], "rest_points": [...], ...}``.
    """
    import sympy

    out = {
        "model": {
            "name": model.name,
            "populations": list(model.populations),
            "strategies": [list(s) for s in model.strategies],
            "shares": [str(x) for x in derivation.shares],
            "parameters": {n: _json_number(sympy.Rational(p.value.numerator, p.value.denominator)) for n, p in model.parameters.items()},
        },
        "payoff_differences": [str(e) for e in derivation.payoff_differences],
        "replicator": [str(e) for e in derivation.replicator],
        "corners": [
            {
                "corner": list(c.corner),
                "eigenvalues": [_json_number(v) for v in c.eigenvalues],
                "eigenvalue_expressions": [str(e) for e in c.eigenvalue_expressions],
                "conditions": [str(x) for x in c.conditions],
                "holds": list(c.holds),
                "verdict": c.verdict,
            }
            for c in derivation.corners
        ],
        "rest_points": [
            {
                "point": [_json_number(v) for v in r.point],
                "kind": r.kind,
                "exact": r.exact,
                "expressions": [str(e) for e in r.expressions],
                "eigenvalues": [_json_number(v) for v in r.eigenvalues],
                "verdict": r.verdict,
            }
            for r in derivation.rest_points
        ],
        "state_dependent": derivation.state_dependent,
        "unsearched_faces": derivation.unsearched_faces,
        "note": selten_note(derivation)[len("note: ") :] if selten_note(derivation) else None,
    }
    if sweep is not None:
        out["sweep"] = {
            "parameter": sweep.parameter,
            "values": [_json_number(v) for v in sweep.values],
            "corners": [list(c) for c in sweep.corners],
            "verdicts": sweep.verdicts.tolist(),
            "starts": [list(s) for s in sweep.starts],
            "final_shares": [[[_json_number(v) for v in run] for run in at] for at in sweep.final_shares],
            "changes": [
                {"corner": list(c), "between": [_json_number(lo), _json_number(hi)], "verdicts": [a, b]} for c, lo, hi, a, b in sweep.changes
            ],
        }
    return out
