"""The minimal strength of a mechanism that lifts cooperation to a target level.

``minimal_strength(game, mechanism, parameter, target)`` varies one parameter of a mechanism
(the others fixed, other mechanisms of the stack held in ``others``) and finds the least
value at which the cooperation level reaches the target or better.

*Analytic* where DESIGN §4 has a formula. Every stage-game mechanism shifts each
government's two incentive gaps a₁ = R′ − T′ and a₂ = S′ − P′ affinely in any one parameter,
and in a 2×2 game (C, C) is a Nash equilibrium iff a₁ ≥ 0 for both (target ``weak``), strict
iff a₁ > 0 for both (``strict``), and made of strictly dominant strategies iff also a₂ > 0
(``dominant``); so the threshold solves one linear inequality per gap (guidance: s + p·f ≥
T − R; contract: e·L ≥ T − R). For repeated play over the standard strategies without noise,
(Grim, Grim) is an equilibrium iff δ ≥ maxᵢ (Tᵢ − Rᵢ)/(Tᵢ − Pᵢ), strict above it (up to
path-equivalent deviations).

*Bisection* on the solver otherwise (or with ``method="bisection"``): the level is first
evaluated on a grid over the parameter's range to check the monotonicity bisection relies on
(reached at a value implies reached at every larger one); then the boundary is bisected to a
relative tolerance. The analytic and the bisected values agree (tests hold them to 1e-6).

Examples
--------
>>> from games import prisoners_dilemma, HigherLevelGuidance
>>> r = minimal_strength(prisoners_dilemma(T=5, R=3, P=1, S=0), HigherLevelGuidance(), "subsidy", "weak")
>>> r.value, r.attained, r.method        # s* = T − R
(2.0, True, 'analytic')
>>> r = minimal_strength(prisoners_dilemma(T=5, R=3, P=1, S=0), HigherLevelGuidance(), "subsidy", "weak", method="bisection")
>>> round(r.value, 6)
2.0
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from games import STANDARD, Game, Mechanism, RepeatedPlay, apply, grim_trigger_threshold, stage_payoffs

from ..cooperation import LEVELS, stability

__all__ = ["Strength", "minimal_strength", "reaches"]

#: Grid points of the monotonicity check.
GRID = 17


@dataclass(frozen=True)
class Strength:
    """The least parameter value reaching a target cooperation level.

    Attributes
    ----------
    parameter, target : str
    value : float or None
        The threshold (an infimum when not ``attained``); None when no value in the range
        reaches the target.
    attained : bool
        Whether the target holds at ``value`` itself (a ≥ condition) or only above it (>).
    used : float or None
        The value at which the level and costs are evaluated: ``value``, or just above it.
    mechanism : Mechanism or None
        The mechanism with the parameter set to ``used``.
    level : str or None
        The cooperation level at ``used``.
    method : str
        ``"analytic"`` or ``"bisection"``.
    bounds : (float, float)
        The parameter range searched.
    monotone : bool
        Whether the grid check found the level monotone in the parameter.
    message : str
        A sentence for tables and errors ("no subsidy in [0, 40] reaches strict").
    """

    parameter: str
    target: str
    value: float | None
    attained: bool
    used: float | None
    mechanism: Mechanism | None
    level: str | None
    method: str
    bounds: tuple[float, float]
    monotone: bool = True
    message: str = ""

    @classmethod
    def unreachable(cls, parameter: str, target: str, how: str, bounds: tuple[float, float], owner: str, monotone: bool = True) -> Strength:
        """The result when no value of the parameter in its range reaches the target."""
        low, high = bounds
        message = f"no {parameter} of {owner} in [{low:g}, {high:g}] reaches {target}"
        return cls(parameter, target, None, False, None, None, None, how, bounds, monotone, message)

    @property
    def feasible(self) -> bool:
        """Whether some value in the range reaches the target."""
        return self.value is not None


def _rank(level: str) -> int:
    return LEVELS.index(level)


def reaches(level: str, target: str) -> bool:
    """Whether a cooperation level is the target or stronger.

    >>> reaches("dominant", "strict"), reaches("weak", "strict")
    (True, False)
    """
    return _rank(level) <= _rank(target)


def _level(game: Game, others: Sequence[Mechanism], mechanism: Mechanism) -> str:
    return stability(apply(game, *others, mechanism), basin=False, method="fast").level


def _bounds(game: Game, mechanism: Mechanism, parameter: str, upper: float | None) -> tuple[float, float, bool, bool]:
    low, high, open_low, open_high = type(mechanism).RANGES[parameter]
    if math.isinf(high):
        spread = max(float(np.ptp(game.row_payoffs)), float(np.ptp(game.col_payoffs)))
        high, open_high = (upper if upper is not None else 10.0 * (spread + 1.0)), False
    elif upper is not None:
        high = min(high, upper)
    return low, high, open_low, open_high


def _gaps(game: Game) -> np.ndarray:
    """Both players' gaps (a₁, a₂) = (R − T, S − P) of a 2×2 game, as a 2×2 array."""
    return np.array([[p.R - p.T, p.S - p.P] for p in stage_payoffs(game)])


def _analytic_stage(game, others, mechanism, parameter, target, low, high):
    """Threshold from the affine gaps, or None where no formula applies."""
    if target not in ("weak", "strict", "dominant") or game.shape != (2, 2):
        return None
    if any(isinstance(m, RepeatedPlay) for m in (*others, mechanism)):
        return None
    if not np.array_equal(game.cooperative, [[True, False], [False, False]]):
        return None
    g0 = _gaps(apply(game, *others, replace(mechanism, **{parameter: low})))
    g1 = _gaps(apply(game, *others, replace(mechanism, **{parameter: low + 1.0})))
    slope = g1 - g0
    # The gaps are affine in one parameter: check at a third point before trusting it.
    g2 = _gaps(apply(game, *others, replace(mechanism, **{parameter: low + 0.5})))
    if not np.allclose(g2, g0 + 0.5 * slope, atol=1e-9 * (1 + np.abs(g0).max())):
        return None
    needed = [(0, 0), (1, 0)] + ([(0, 1), (1, 1)] if target == "dominant" else [])
    strict = target != "weak"
    lo_bound, lo_closed = low, True  # the threshold and whether it is included
    for who, which in needed:
        a, b = g0[who, which], slope[who, which]
        if abs(b) < 1e-15:
            if a > 0 or (a == 0 and not strict):
                continue
            return ("never", None)
        root = low - a / b
        if b > 0:  # need x ≥ root (or > root)
            if root > lo_bound or (root == lo_bound and strict):
                lo_bound, lo_closed = root, not strict
        elif root < low or (root == low and strict):  # decreasing gap: must hold at low already
            return ("never", None)
    if lo_bound > high or (lo_bound == high and not lo_closed):
        return ("never", None)
    return ("value", (max(lo_bound, low), lo_closed))


def _analytic_repeated(game, others, mechanism, parameter, target):
    if not isinstance(mechanism, RepeatedPlay) or parameter != "discount" or target not in ("weak", "strict"):
        return None
    if others or mechanism.noise > 0 or mechanism.strategies != STANDARD or game.shape != (2, 2):
        return None
    rows = stage_payoffs(game)
    if not all(p.T > p.R > p.P > p.S for p in rows):
        return None
    delta = max(grim_trigger_threshold(game))
    if delta >= 1:
        return ("never", None)
    return ("value", (delta, target == "weak"))


def minimal_strength(
    game: Game,
    mechanism: Mechanism,
    parameter: str,
    target: str = "strict",
    *,
    others: Sequence[Mechanism] = (),
    method: str = "auto",
    upper: float | None = None,
    tol: float = 1e-10,
) -> Strength:
    """The least value of ``parameter`` at which cooperation reaches ``target`` or better.

    Parameters
    ----------
    game : Game
        A 2×2 stage game.
    mechanism : Mechanism
        The mechanism, its other parameters fixed.
    parameter : str
        A numeric parameter of the mechanism (subsidy, penalty, detection, breach_penalty,
        enforcement, compensation, fee, transfer, discount, …).
    target : str
        A cooperation level other than ``none`` (:data:`solver.LEVELS`).
    others : sequence of Mechanism
        Mechanisms applied together with it, unchanged.
    method : {"auto", "analytic", "bisection"}
        ``auto`` uses a formula where DESIGN §4 has one and bisection otherwise.
    upper : float, optional
        Upper end of the search for unbounded parameters (default 10 × (payoff range + 1)).
    tol : float
        Relative tolerance of the bisection.

    Returns
    -------
    Strength

    Raises
    ------
    ValueError
        For an unknown parameter, target or method, or ``method="analytic"`` where no formula
        applies.
    """
    ranges = type(mechanism).RANGES
    if parameter not in ranges:
        raise ValueError(f"{type(mechanism).__name__} has no numeric parameter {parameter!r}; parameters: {', '.join(ranges)}")
    if target not in LEVELS[:-1]:
        raise ValueError(f"target must be one of {', '.join(LEVELS[:-1])}, got {target!r}")
    if method not in ("auto", "analytic", "bisection"):
        raise ValueError(f"method must be auto, analytic or bisection, got {method!r}")
    low, high, open_low, open_high = _bounds(game, mechanism, parameter, upper)
    # Open ends of a range (a discount in (0, 1)) are searched just inside.
    inner = 1e-9 * max(1.0, high - low)
    lo_search = low + inner if open_low else low
    hi_search = high - inner if open_high else high
    name = type(mechanism).__name__

    def at(x: float) -> Mechanism:
        return replace(mechanism, **{parameter: x})

    def finish(value: float | None, attained: bool, how: str, monotone: bool = True) -> Strength:
        if value is None:
            return Strength.unreachable(parameter, target, how, (low, high), name, monotone)
        used = value if attained else min(value + max(1e-7, 1e-7 * abs(value)), hi_search)
        mech = at(used)
        level = stability(apply(game, *others, mech), basin=False).level  # checked against nashpy too
        sign = "≥" if attained else ">"
        return Strength(parameter, target, value, attained, used, mech, level, how, (low, high), monotone, f"{parameter} {sign} {value:.6g}")

    if method != "bisection":
        found = _analytic_stage(game, others, mechanism, parameter, target, lo_search, hi_search) or _analytic_repeated(
            game, others, mechanism, parameter, target
        )
        if found is not None:
            kind, payload = found
            if kind == "never":
                return finish(None, False, "analytic")
            value, closed = payload
            return finish(float(value), bool(closed), "analytic")
        if method == "analytic":
            raise ValueError(f"no formula for the {parameter} of {name} at target {target}; use method='bisection'")

    grid = np.linspace(lo_search, hi_search, GRID)
    flags = [reaches(_level(game, others, at(float(x))), target) for x in grid]
    monotone = all(not flags[k] or flags[k + 1] for k in range(len(flags) - 1))
    if not monotone:
        drops = [float(grid[k + 1]) for k in range(len(flags) - 1) if flags[k] and not flags[k + 1]]
        note = f"; not monotone: the level falls below {target} again at {parameter} ≈ {drops[0]:.4g}"
    else:
        note = ""
    if not any(flags):
        return finish(None, False, "bisection", monotone)
    first = flags.index(True)
    if first == 0:
        result = finish(float(grid[0]), True, "bisection", monotone)
        return replace(result, message=result.message + note) if note else result
    a, b = float(grid[first - 1]), float(grid[first])
    while b - a > tol * max(1.0, abs(b)):
        mid = 0.5 * (a + b)
        if reaches(_level(game, others, at(mid)), target):
            b = mid
        else:
            a = mid
    result = finish(b, True, "bisection", monotone)
    return replace(result, message=result.message + note) if note else result
