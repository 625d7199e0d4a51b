"""The rows and sentences of a robustness result (:func:`solver.robust.scenario.robustness`).

One place turns a :class:`~solver.robust.scenario.Robustness` into what people read: the
``intergov robustness`` table, the files of ``--out``, and the report's robustness section all
use these functions, so a probability shows the same digits everywhere.

* A probability is shown with its interval, to the decimals the interval's width supports
  (:func:`estimate_text`): ``0.01797 [0.01773, 0.01822]``.
* A robust strength is rounded *up* to 4 significant digits (:func:`strength_display`): the
  target holds in the required share of worlds at every value above the exact quantile, so
  "subsidy > 1.933" is true where "subsidy > 1.932" would claim too much.

Examples
--------
>>> from solver.robust.estimate import Estimate
>>> estimate_text(Estimate(0.0179749, 0.0177264, 0.0182233, 65536, "qmc"))
'0.01797 [0.01773, 0.01822]'
>>> estimate_text(Estimate(1.0, 0.99996, 1.0, 65536, "qmc"))
'1 [0.999960, 1]'
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from .cooperation import LEVELS
from .robust.engine import RobustStrength
from .robust.estimate import Estimate
from .robust.rounding import up4

__all__ = [
    "discovery_text",
    "estimate_text",
    "interval_text",
    "quantity_label",
    "robustness_lines",
    "robustness_rows",
    "sobol_rows",
    "strength_display",
    "strength_sobol_rows",
    "up4",
]


def _decimals(width: float) -> int:
    """Decimals that show an interval of this width to two significant digits (2 to 6)."""
    if not width > 0 or not math.isfinite(width):
        return 4
    return max(2, min(6, 1 - math.floor(math.log10(width))))


def _fixed(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    if float(text) in (0.0, 1.0):
        return str(int(float(text)))
    return text


def estimate_text(e: Estimate, *, interval: bool = True) -> str:
    """A probability and its interval, to the decimals the interval supports."""
    d = _decimals(e.high - e.low)
    shown = _fixed(e.p, d)
    if not interval:
        return shown
    return f"{shown} [{_fixed(e.low, d)}, {_fixed(e.high, d)}]"


def interval_text(interval: tuple[float, float] | None) -> str:
    """A strength's interval rounded outwards to 4 significant digits: ``[1.921, 1.952]``;
    an unbounded end reads ``∞`` (the quantile may be unreachable).

    >>> interval_text((1.92149, 1.95111)), interval_text((0.5, float("inf")))
    ('[1.921, 1.952]', '[0.5, ∞]')
    """
    if interval is None:
        return ""
    lo, hi = interval

    def end(x: float, up: bool) -> str:
        if math.isinf(x):
            return "∞" if x > 0 else "−∞"
        return up4(x) if up else up4(-x).removeprefix("-") if x > 0 else "-" + up4(-x) if x < 0 else "0"

    return f"[{end(lo, False)}, {end(hi, True)}]"


def strength_display(s: RobustStrength | None, *, interval: bool = True) -> str:
    """A robust strength for a table: ``subsidy > 1.933 [1.921, 1.952]`` (the value as
    :attr:`~solver.robust.RobustStrength.shown`, the quantile's interval rounded outwards),
    ``not reachable``, or ``n/a``."""
    if s is None:
        return "n/a"
    if s.value is None:
        return "not reachable"
    text = s.text.replace(s.parameter, s.parameter.replace("_", " "), 1)
    if interval and s.interval is not None:
        text += " " + interval_text(s.interval)
    return text


def quantity_label(result, name: str) -> str:
    """How a quantity is named for readers (its place in words, or the user's own name)."""
    return result.labels.get(name, name)


def _link_label(link, names: Mapping[str, str] | None) -> str:
    pair = "–".join((names or {}).get(r, r) for r in link.between)
    return f"{pair} ({link.cluster})" if link.cluster else pair


def robustness_rows(result, names: Mapping[str, str] | None = None) -> list[dict]:
    """One row per link and option: the probability of the target (with its interval), of each
    level, and on a mechanism's row its robust minimal strength and expected cost there."""
    rows = []
    share = f"{result.confidence:.0%}"
    for link in result.links:
        for option in link.options:
            row = {"link": _link_label(link, names), "mechanism": option.option, f"P(≥ {result.target})": estimate_text(option.target)}
            for level in LEVELS:
                row[f"P({level})"] = estimate_text(option.levels[level], interval=False)
            s = link.strengths.get(option.option)
            row[f"robust strength ({share} of worlds)"] = strength_display(s) if option.option in link.strengths else ""
            row["expected cost"] = "" if s is None or s.expected_cost is None else f"{s.payer} {up4(s.expected_cost)}"
            rows.append(row)
    return rows


def sobol_rows(result) -> list[dict]:
    """One row per quantity: its distribution and its Sobol' indices (first order and total) of
    the share of link weight at the target, with their interval half-widths; largest total first."""

    def pm(value: float, conf: float) -> str:
        if not math.isfinite(value):
            return "n/a"
        return f"{max(value, 0.0):.3f} ± {conf:.3f}"

    described = dict(result.quantities)
    ranked = sorted(result.sobol.items(), key=lambda kv: -(kv[1].ST if math.isfinite(kv[1].ST) else -1.0))
    return [
        {
            "quantity": quantity_label(result, name),
            "distribution": described.get(name, ""),
            "first order S1": pm(i.S1, i.S1_conf),
            "total ST": pm(i.ST, i.ST_conf),
        }
        for name, i in ranked
    ]


def strength_sobol_rows(result, names: Mapping[str, str] | None = None, *, most: int = 3) -> list[dict]:
    """One row per link and mechanism with Sobol' indices of its minimal strength: the
    quantities with the largest total index (with interval half-widths), and how they were
    computed (or why not)."""
    rows = []
    for link in result.links:
        for mechanism, note in link.strength_sobol_note.items():
            indices = link.strength_sobol.get(mechanism, {})
            ranked = sorted(((q, i) for q, i in indices.items() if math.isfinite(i.ST) and i.ST > 0), key=lambda qi: -qi[1].ST)[:most]
            shown = "; ".join(f"{quantity_label(result, q)} {i.ST:.3f} ± {i.ST_conf:.3f}" for q, i in ranked)
            rows.append(
                {"link": _link_label(link, names), "mechanism": mechanism, "largest total indices of the minimal strength": shown or "none", "note": note}
            )
    return rows


def discovery_text(result) -> str | None:
    """PRIM's box in words, or None: "Xinxiang–Luoyang: T > 4.234 (coverage 97 %, density 96 %)"."""
    box = result.discovery
    if box is None:
        return None

    def limit(name: str, lo: float, hi: float) -> str:
        label = quantity_label(result, name)
        if hi == math.inf:
            return f"{label} > {lo:.4g}"
        if lo == -math.inf:
            return f"{label} < {hi:.4g}"
        return f"{lo:.4g} < {label} < {hi:.4g}"

    limits = "; ".join(limit(name, lo, hi) for name, (lo, hi) in box.limits.items()) or "everywhere"
    return f"{limits} (coverage {box.coverage:.0%}, density {box.density:.0%})"


def robustness_lines(result) -> list[str]:
    """The sentences under the table: what was sampled, the city group's share at the target,
    the Sobol' ranking, and where cooperation fails (PRIM)."""
    mean, low, high = result.network_share
    how = f"{result.samples:,} worlds of scrambled Sobol' points (8 scramblings)" if result.method == "sobol" else f"{result.samples:,} Monte-Carlo worlds"
    lines = [
        f"{result.scenario}: {how}, seed {result.seed}, over {len(result.quantities)} uncertain quantities. "
        f"Link weight at {result.target} or better with all mechanisms: {mean:.1%} [{low:.1%}, {high:.1%}] (95 % interval)."
    ]
    if result.sobol:
        top = [r for r in sobol_rows(result)][:3]
        lines.append(f"Sobol' total indices of that share ({result.sobol_note}); largest: " + "; ".join(f"{r['quantity']} {r['total ST']}" for r in top) + ".")
    elif result.sobol_note:
        lines.append(f"No Sobol' indices: {result.sobol_note}.")
    where = discovery_text(result)
    if where is not None:
        lines.append(f"Where some link misses {result.target} (PRIM box): {where}.")
    return lines
