"""The minimal strength of a mechanism that lifts cooperation to a target level.

``minimal_strength(game, mechanism, parameter, target)`` varies one parameter of a mechanism
(the others fixed, other mechanisms of the stack held in ``others``) and finds the infimum of
the values at which the cooperation level of the final game reaches the target or better.

*Analytic* where docs/models.md has a formula. Every stage-game mechanism shifts each
government's two incentive gaps a₁ = R′ − T′ and a₂ = S′ − P′ affinely in any one parameter,
and in a 2×2 game (C, C) is a Nash equilibrium iff a₁ ≥ 0 for both (target ``weak``), strict
iff a₁ > 0 for both (``strict``), and made of strictly dominant strategies iff also a₂ > 0
(``dominant``). Each condition bounds the parameter from below or from above, so the values
that work form an interval (:func:`solver.design.gaps.solve_gaps`), possibly empty: a side
payment raises the receiver's gap and lowers the payer's. For repeated play over the standard
strategies without noise, (Grim, Grim) is an equilibrium iff δ ≥ maxᵢ (Tᵢ − Rᵢ)/(Tᵢ − Pᵢ) of
the stage game, strict above it (up to path-equivalent deviations).

Every formula's answer is then *confirmed on the final game*: the solver's level must fail
just below the value (relative distance 1e-7) and reach the target at the value (if attained;
at the first float above it for a threshold such as 7/27 that no float is) or just above it
(if not); an open threshold written exactly (a decimal of at most six places) must fail at the
value itself. An empty interval must fail at every gap's root and at the range's ends. An answer the solver
does not confirm is replaced by bisection (``method="auto"``) or refused (``"analytic"``).

*Bisection* on the solver otherwise (or with ``method="bisection"``): the level is first
evaluated on a grid over the parameter's range to check the monotonicity bisection relies on
(reached at a value implies reached at every larger one); then the boundary is bisected to a
relative tolerance and reported as the shortest decimal within 1e-8 (relative) of it — ten
times the solver's payoff tolerance — attained if the target holds there (≥), else the infimum
of a target that holds only above it (>).

Examples
--------
>>> from games import prisoners_dilemma, stage_game, HigherLevelGuidance, SidePayment
>>> r = minimal_strength(prisoners_dilemma(T=5, R=3, P=1, S=0), HigherLevelGuidance(), "subsidy", "weak")
>>> r.value, r.attained, r.method, r.message        # s* = T − R
(2.0, True, 'analytic', 'subsidy ≥ 2')
>>> minimal_strength(prisoners_dilemma(T=5, R=3, P=1, S=0), HigherLevelGuidance(), "subsidy", "weak", method="bisection").value
2.0
>>> g = stage_game({"R": 3, "S": 0, "T": 2.5, "P": 1}, {"R": 2, "S": 0, "T": 3, "P": 1})
>>> minimal_strength(g, SidePayment(payer=0), "transfer", "weak").message
'no transfer reaches weak: the receiver needs transfer ≥ 1, the payer gives at most 0.5'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from games import STANDARD, Game, Mechanism, RepeatedPlay, SidePayment, apply, grim_trigger_threshold, stage_payoffs
from games.errors import UserInputError

from ..cooperation import LEVELS, stability
from .gaps import affine_tolerance, fmt, interval_text, simplest, simplest_fraction, solve_gaps, tidy

__all__ = ["Strength", "minimal_strength", "reaches"]

#: Grid points of the monotonicity check.
GRID = 17
#: Grid points of the second look when the first grid finds no value reaching the target.
FINE_GRID = 129

#: Relative width within which a bisected boundary is reported as its shortest decimal.
SNAP_BISECTION = 1e-8

#: Relative distance below (above) a threshold at which the target must fail (hold).
STEP = 1e-7


@dataclass(frozen=True)
class Strength:
    """The least parameter value reaching a target cooperation level.

    Attributes
    ----------
    parameter, target : str
    value : float or None
        The threshold: the infimum of the values reaching the target (a minimum when
        ``attained``); None when no value in the range reaches the target.
    attained : bool
        Whether the target holds at ``value`` itself (≥) or only above it (>).
    used : float or None
        The value at which the level and costs are evaluated: ``value``, or just above it.
    mechanism : Mechanism or None
        The mechanism with the parameter set to ``used``.
    level : str or None
        The cooperation level at ``used``.
    method : str
        ``"analytic"`` (a formula, confirmed by the solver's level) or ``"bisection"``.
    bounds : (float, float)
        The parameter range searched.
    monotone : bool
        Whether the grid check found the level monotone in the parameter.
    message : str
        A sentence for tables and errors: "subsidy ≥ 2", "discount > 0.5", or why nothing works
        ("no transfer reaches weak: the receiver needs transfer ≥ 1, the payer gives at most 0.5").
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
    def unreachable(
        cls,
        parameter: str,
        target: str,
        how: str,
        bounds: tuple[float, float],
        monotone: bool = True,
        *,
        reason: str = "",
        interval: str | None = "",
    ) -> Strength:
        """The result when no value of the parameter in its range reaches the target.

        ``interval`` is the range as written in the message (default ``[low, high]``; None to
        leave it out when the reason does not depend on it); ``reason`` says why.

        >>> Strength.unreachable("detection", "weak", "analytic", (0.0, 1.0), reason="the row government needs detection ≥ 2").message
        'no detection in [0, 1] reaches weak: the row government needs detection ≥ 2'
        """
        low, high = bounds
        where = f" in [{fmt(low)}, {fmt(high)}]" if interval == "" else (f" in {interval}" if interval else "")
        message = f"no {parameter}{where} reaches {target}" + (f": {reason}" if reason else "")
        return cls(parameter, target, None, False, None, None, None, how, bounds, monotone, message)

    @classmethod
    def threshold(
        cls, parameter: str, target: str, value: float, attained: bool, used: float, mechanism: Mechanism, level: str, how: str, bounds: tuple[float, float]
    ) -> Strength:
        """A reached target: ``value`` (≥ if attained, > otherwise), evaluated at ``used``."""
        message = f"{parameter} {'≥' if attained else '>'} {fmt(value)}"
        return cls(parameter, target, value, attained, used, mechanism, level, how, bounds, True, message)

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


def _floats_up(x: float, count: int) -> list[float]:
    """``x`` and the next ``count`` floats above it: a threshold that is not a float (7/27) is
    reached at the first float above it."""
    out = [x]
    for _ in range(count):
        out.append(math.nextafter(out[-1], math.inf))
    return out


def _short(x: float) -> bool:
    """Whether ``x`` is a decimal of at most six places, so that its float is the threshold itself."""
    return tidy(x) == x and round(x, 6) == x


def _bounds(game: Game, mechanism: Mechanism, parameter: str, upper: float | None) -> tuple[float, float, bool, bool]:
    low, high, open_low, open_high = type(mechanism).RANGES[parameter]
    if math.isinf(high):
        spread = max(float(np.ptp(game.row_payoffs)), float(np.ptp(game.col_payoffs)))
        high, open_high = (upper if upper is not None else 10.0 * (spread + 1.0)), False
    elif upper is not None and upper < high:
        high, open_high = upper, False
    return low, high, open_low, open_high


@dataclass(frozen=True)
class _Formula:
    """What a formula says: the interval [value, sup] of working values, or why it is empty."""

    empty: bool
    value: float = math.nan
    closed: bool = True
    sup: float = math.nan
    sup_closed: bool = True
    reason: str = ""
    in_range: bool = True
    probes: tuple[float, ...] = ()  # where an empty answer is checked


def _gaps(game: Game) -> np.ndarray:
    """Gaps (row a₁, column a₁, row a₂, column a₂) = (R − T, S − P) of both players."""
    row, col = stage_payoffs(game)
    return np.array([row.R - row.T, col.R - col.T, row.S - row.P, col.S - col.P])


def _analytic_stage(game, others, mechanism, parameter, target, bounds, x0) -> _Formula | None:
    """The interval from the affine gaps, or None where no formula applies."""
    if target not in ("weak", "strict", "dominant") or game.shape != (2, 2):
        return None
    if any(isinstance(m, RepeatedPlay) for m in (*others, mechanism)):
        return None
    if not np.array_equal(game.cooperative, [[True, False], [False, False]]):
        return None

    def gaps(x: float) -> np.ndarray:
        return _gaps(apply(game, *others, replace(mechanism, **{parameter: x})))

    g0, g1, gh = gaps(x0), gaps(x0 + 1.0), gaps(x0 + 0.5)
    slope = g1 - g0
    # The gaps are affine in one parameter: check at a third point before trusting it.
    if not np.allclose(gh, g0 + 0.5 * slope, atol=affine_tolerance(g0)):
        return None
    names, payer = ("row government", "column government"), None
    if isinstance(mechanism, SidePayment):
        payer = mechanism.payer
        names = ("payer", "receiver") if payer == 0 else ("receiver", "payer")
    s = solve_gaps(g0[None], slope[None], x0, target, bounds, parameter, names=names, payer=payer)
    if s.empty[0]:
        with np.errstate(divide="ignore", invalid="ignore"):
            roots = x0 - g0 / slope
        return _Formula(True, reason=str(s.reason[0]), in_range=bool(s.in_range[0]), probes=tuple(float(r) for r in roots if np.isfinite(r)))
    return _Formula(False, float(s.low[0]), bool(s.low_closed[0]), float(s.high[0]), bool(s.high_closed[0]))


def _analytic_repeated(game, others, mechanism, parameter, target, bounds) -> _Formula | None:
    """δ* = maxᵢ (Tᵢ − Rᵢ)/(Tᵢ − Pᵢ) of the stage game (after the stage mechanisms in ``others``)."""
    if not isinstance(mechanism, RepeatedPlay) or parameter != "discount" or target not in ("weak", "strict"):
        return None
    if any(isinstance(m, RepeatedPlay) for m in others) or mechanism.noise > 0 or mechanism.strategies != STANDARD:
        return None
    if game.shape != (2, 2) or not np.array_equal(game.cooperative, [[True, False], [False, False]]):
        return None
    stage = apply(game, *others)
    rows = stage_payoffs(stage)
    if not all(p.T > p.R > p.P > p.S for p in rows):
        return None
    thresholds = grim_trigger_threshold(stage)
    who = int(np.argmax(thresholds))
    delta, closed = float(thresholds[who]), target == "weak"
    tied = abs(thresholds[0] - thresholds[1]) <= 1e-9 * max(1.0, abs(thresholds[0]), abs(thresholds[1]))  # as solver.design.gaps._same
    needs = "both governments need" if tied else f"the {('row', 'column')[who]} government needs"
    low, high, open_low, open_high = bounds
    if delta > high or (delta == high and not (closed and not open_high)):
        reason = f"{needs} discount {'≥' if closed else '>'} {fmt(delta)}"
        return _Formula(True, reason=reason, probes=(delta,))
    if delta < low or (delta == low and open_low):
        return _Formula(False, low, False, high, not open_high)
    return _Formula(False, delta, closed, high, not open_high)


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
    """The infimum of the values of ``parameter`` at which cooperation reaches ``target`` or better.

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
        ``auto`` uses a formula where docs/models.md has one and the solver confirms it, bisection
        otherwise.
    upper : float, optional
        Upper end of the search (default: the parameter's range, and 10 × (payoff range + 1)
        for unbounded parameters).
    tol : float
        Relative tolerance of the bisection.

    Returns
    -------
    Strength

    Raises
    ------
    UserInputError
        For an unknown parameter, target or method, or ``method="analytic"`` where no formula
        applies or the solver does not confirm it.
    """
    ranges = type(mechanism).RANGES
    if parameter not in ranges:
        raise UserInputError(f"{type(mechanism).__name__} has no numeric parameter {parameter!r}; parameters: {', '.join(ranges)}")
    if target not in LEVELS[:-1]:
        raise UserInputError(f"target must be one of {', '.join(LEVELS[:-1])}, got {target!r}")
    if method not in ("auto", "analytic", "bisection"):
        raise UserInputError(f"method must be auto, analytic or bisection, got {method!r}")
    bounds = _bounds(game, mechanism, parameter, upper)
    low, high, open_low, open_high = bounds
    # Open ends of a range (a discount in (0, 1)) are searched just inside.
    inner = 1e-9 * max(1.0, high - low)
    lo_search = low + inner if open_low else low
    hi_search = high - inner if open_high else high
    name = type(mechanism).__name__
    interval = interval_text(*bounds)

    def at(x: float) -> Mechanism:
        return replace(mechanism, **{parameter: float(x)})

    levels: dict[float, str] = {}

    def level_at(x: float) -> str:
        # The fast path decides exactly as the nashpy path does (tests/test_fast2x2.py, test_nash.py)
        # and costs a millisecond where nashpy's vertex enumeration of a 5×5 repeated game costs 30.
        if x not in levels:
            levels[x] = stability(apply(game, *others, at(x)), basin=False, method="fast").level
        return levels[x]

    def ok(x: float) -> bool:
        return reaches(level_at(x), target)

    def finish(value: float, attained: bool, used: float, how: str) -> Strength | None:
        level = level_at(used)
        if not reaches(level, target):
            return None
        return Strength.threshold(parameter, target, value, attained, used, at(used), level, how, (low, high))

    def above(value: float, sup: float, sup_closed: bool, last: float | None = None) -> float | None:
        """The first of value + STEP·10ᵏ (k = 0…3) inside the interval at which the target holds."""
        step = STEP * max(1.0, abs(value))
        for k in range(4):
            x = value + step * 10**k
            if x > hi_search or x > sup or (x == sup and not sup_closed):
                break
            if ok(x):
                return x
        return last if last is not None and ok(last) else None

    def confirmed(f: _Formula) -> Strength | None:
        if f.empty:
            probes = {lo_search, hi_search, *(min(max(p, lo_search), hi_search) for p in f.probes)}
            if any(ok(x) for x in sorted(probes)):
                return None
            return Strength.unreachable(parameter, target, "analytic", (low, high), reason=f.reason, interval=interval if f.in_range else None)
        below = f.value - STEP * max(1.0, abs(f.value))
        if below >= lo_search and ok(below):
            return None
        if f.closed:
            used = next((x for x in _floats_up(f.value, 4) if x <= hi_search and ok(x)), None)
            return None if used is None else finish(f.value, True, used, "analytic")
        if f.value >= lo_search and _short(f.value) and ok(f.value):  # an exactly written threshold must fail
            return None
        used = above(f.value, f.sup, f.sup_closed)
        return None if used is None else finish(f.value, False, used, "analytic")

    note = ""
    if method != "bisection":
        found = _analytic_stage(game, others, mechanism, parameter, target, bounds, lo_search) or _analytic_repeated(
            game, others, mechanism, parameter, target, bounds
        )
        if found is None and method == "analytic":
            raise UserInputError(f"no formula for the {parameter} of {name} at target {target}; use method='bisection'")
        if found is not None:
            result = confirmed(found)
            if result is not None:
                return result
            claim = found.reason or f"{parameter} {'≥' if found.closed else '>'} {fmt(found.value)}"
            if method == "analytic":
                raise UserInputError(f"the formula for the {parameter} of {name} ({claim}) is not confirmed by the solver's level; use method='bisection'")
            note = f"; the formula ({claim}) was not confirmed by the solver's level"
    return _bisect(ok, finish, above, bounds, (lo_search, hi_search), parameter, target, tol, note)


def _bisect(ok: Callable[[float], bool], finish, above, bounds, search, parameter: str, target: str, tol: float, note: str) -> Strength:
    """Grid check, bisection and a short decimal for the boundary (see the module docstring)."""
    low, high, open_low, _open_high = bounds
    lo_search, hi_search = search
    grid = np.linspace(lo_search, hi_search, GRID)
    flags = [ok(float(x)) for x in grid]
    if not any(flags):
        # A window narrower than the grid's step (noisy repetition reaches its target only
        # between two discounts, say) would be missed: look again, eight times finer.
        grid = np.linspace(lo_search, hi_search, FINE_GRID)
        flags = [ok(float(x)) for x in grid]
    monotone = all(not flags[k] or flags[k + 1] for k in range(len(flags) - 1))
    if not monotone:
        drops = [float(grid[k + 1]) for k in range(len(flags) - 1) if flags[k] and not flags[k + 1]]
        note += f"; not monotone: the level falls below {target} again at {parameter} ≈ {fmt(drops[0])}"
    if not any(flags):
        step = fmt((hi_search - lo_search) / (FINE_GRID - 1))
        reason = f"the target fails at all {FINE_GRID} points of a grid over the range (a window narrower than {step} could be missed)" + note
        return Strength.unreachable(parameter, target, "bisection", (low, high), monotone, reason=reason, interval=interval_text(*bounds))
    first = flags.index(True)
    if first == 0:
        if open_low:  # holds from the open end on: the infimum is the end itself, not attained
            value, attained, used = low, False, above(low, hi_search, True, float(grid[0]))
        else:
            value, attained, used = low, True, low
    else:
        a, b = float(grid[first - 1]), float(grid[first])
        while b - a > tol * max(1.0, abs(b)):
            mid = 0.5 * (a + b)
            if ok(mid):
                b = mid
            else:
                a = mid
        width = SNAP_BISECTION * max(1.0, abs(b))
        lo_snap, hi_snap = max(a - width, low), min(b + width, hi_search)
        value = simplest(lo_snap, hi_snap)
        # A threshold attained at a rational no short decimal hits (25/72, 1/3): try the simplest
        # fraction of the bracket first; the level there says whether it is attained.
        exact = float(simplest_fraction(lo_snap, hi_snap))
        just_below = exact - 1e-10 * max(1.0, abs(exact))  # beyond the 1e-12 within which floats read as the rational
        # The boundary is that rational when the target holds there and fails just below it.
        if exact != value and (exact > low or not open_low) and ok(exact) and not (just_below >= lo_search and ok(just_below)):
            value = exact
        inside = value > low or not open_low
        attained = inside and ok(value)
        used = value if attained else above(value, hi_search, True, b)
    result = finish(value, attained, used, "bisection") if used is not None else None
    if result is None:  # the boundary point found by the fast level is refused by the full solver
        result = finish(float(grid[first]), True, float(grid[first]), "bisection")
    if result is None:
        reason = f"the fast and the full solver disagree on the level at {parameter} = {fmt(float(grid[first]))}"
        return Strength.unreachable(parameter, target, "bisection", (low, high), monotone, reason=reason, interval=interval_text(*bounds))
    return replace(result, monotone=monotone, message=result.message + note)
