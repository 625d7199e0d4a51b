"""Mechanism design for many 2×2 games at once: stacked transforms and analytic thresholds.

Every stage mechanism is a payoff transform written for one game or a stack (N, 2, 2) with one
parameter value per game (``batch_transform``). :func:`batch_apply` applies a stack of them
with the semantics of :func:`games.apply` (third-party detection strengthening the others), and
:func:`batch_minimal_strength` solves the threshold conditions (docs/models.md) on the affine incentive
gaps for every game at once — the same formulas as :func:`~solver.design.minimal_strength`,
which the tests hold it to. Sweeps and network-scale comparisons use these; anything else
(repeated play, risk dominance as a target) goes game by game.

Examples
--------
>>> import numpy as np
>>> from games import HigherLevelGuidance
>>> A = np.array([[[3, 0], [5, 1]], [[3, -1], [4, 0]]], dtype=float)
>>> B = np.transpose(A, (0, 2, 1))
>>> value, closed, used = batch_minimal_strength(A, B, [HigherLevelGuidance()], 0, "subsidy", "weak")
>>> value.tolist(), closed.tolist()     # s* = T − R
([2.0, 1.0], [True, True])
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from games import BindingContract, HigherLevelGuidance, Mechanism, RepeatedPlay, SidePayment, ThirdPartyOrganization

__all__ = ["BATCH_TARGETS", "BatchStrength", "batch_apply", "batch_minimal_strength", "cost_at_cc"]

#: Targets with a formula on the incentive gaps.
BATCH_TARGETS = ("weak", "strict", "dominant")


def _params(m: Mechanism, n: int, given: Mapping[str, np.ndarray] | None) -> dict[str, np.ndarray]:
    out = {}
    for name in type(m).RANGES:
        value = None if given is None else given.get(name)
        out[name] = np.broadcast_to(np.asarray(getattr(m, name) if value is None else value, dtype=float), (n,)).astype(float)
    return out


def batch_apply(
    A: np.ndarray, B: np.ndarray, mechanisms: Sequence[Mechanism], params: Sequence[Mapping[str, np.ndarray] | None] | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Stage payoffs of N games after a stack of stage mechanisms, parameters per game.

    ``params[k]`` overrides parameters of ``mechanisms[k]`` with arrays of length N.

    Raises
    ------
    ValueError
        If the stack holds repeated play (not a 2×2 transform).
    """
    n = len(A)
    params = list(params) if params is not None else [None] * len(mechanisms)
    values = [_params(m, n, p) for m, p in zip(mechanisms, params)]
    miss = np.ones(n)
    for m, p in zip(mechanisms, values):
        if isinstance(m, RepeatedPlay):
            raise ValueError("repeated play is not a stage transform; evaluate such stacks game by game")
        if isinstance(m, ThirdPartyOrganization):
            miss = miss * (1 - p["detection"])
    for m, p in zip(mechanisms, values):
        if isinstance(m, HigherLevelGuidance):
            A, B = m.batch_transform(A, B, **{**p, "detection": 1 - (1 - p["detection"]) * miss})
        elif isinstance(m, BindingContract):
            A, B = m.batch_transform(A, B, mutual_breach=m.mutual_breach, **{**p, "enforcement": 1 - (1 - p["enforcement"]) * miss})
        elif isinstance(m, SidePayment):
            A, B = m.batch_transform(A, B, payer=m.payer, **p)
        else:
            A, B = type(m).batch_transform(A, B, **p)
    return A, B


def _gaps(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """a₁ = R − T and a₂ = S − P of both players: columns (row a₁, col a₁, row a₂, col a₂)."""
    return np.stack([A[:, 0, 0] - A[:, 1, 0], B[:, 0, 0] - B[:, 0, 1], A[:, 0, 1] - A[:, 1, 1], B[:, 1, 0] - B[:, 1, 1]], axis=1)


@dataclass(frozen=True)
class BatchStrength:
    """Minimal strengths of one parameter in N games; unpacks as ``(value, closed, used)``.

    Attributes
    ----------
    value : array (N,)
        The threshold (the infimum of the values reaching the target); NaN where none does.
    closed : array (N,) of bool
        Whether the target holds at ``value`` itself (≥) or only above it (>).
    used : array (N,)
        Where to evaluate: ``value``, or just above an open threshold; NaN where unreachable.
    level : array (N,) of str
        The level of the final game at ``used`` ("" where unreachable).
    method : array (N,) of str
        ``"analytic"`` (the formula, confirmed by the vectorized level) or ``"bisection"``
        (the formula was not confirmed: :func:`~solver.design.minimal_strength` game by game).
    message : array (N,) of str
        As :attr:`Strength.message <solver.design.Strength>`: "breach_penalty ≥ 2", or why no
        value works.
    """

    value: np.ndarray
    closed: np.ndarray
    used: np.ndarray
    level: np.ndarray
    method: np.ndarray
    message: np.ndarray

    def __iter__(self):
        return iter((self.value, self.closed, self.used))

    def __len__(self) -> int:
        return len(self.value)


def _range(m: Mechanism, parameter: str, A: np.ndarray, B: np.ndarray, upper: float | None) -> tuple[np.ndarray, np.ndarray, bool, bool]:
    """Each game's search range, as :func:`~solver.design.minimal_strength` draws it."""
    n = len(A)
    low, high, open_low, open_high = type(m).RANGES[parameter]
    if math.isinf(high):
        spread = np.maximum(np.ptp(A.reshape(n, 4), axis=1), np.ptp(B.reshape(n, 4), axis=1))
        high_n = np.full(n, float(upper)) if upper is not None else 10.0 * (spread + 1.0)
        open_high = False
    else:
        if upper is not None and upper < high:
            high, open_high = upper, False
        high_n = np.full(n, float(high))
    return np.full(n, float(low)), high_n, open_low, open_high


def batch_minimal_strength(
    A: np.ndarray,
    B: np.ndarray,
    mechanisms: Sequence[Mechanism],
    index: int,
    parameter: str,
    target: str,
    params: Sequence[Mapping[str, np.ndarray] | None] | None = None,
    upper: float | None = None,
) -> BatchStrength | None:
    """The least value of one parameter of ``mechanisms[index]`` reaching ``target`` in each game.

    The conditions on the affine incentive gaps give an interval per game
    (:func:`~solver.design.gaps.solve_gaps`); every answer is then confirmed on the final games
    with the exact vectorized 2×2 levels (:func:`~solver.design.ties.tie_levels`): the target holds
    at ``used`` and fails just below the threshold (or at it, for an open one), and an empty
    interval fails at its bounds and at the range's ends. Games whose answer is not confirmed
    are solved by :func:`~solver.design.minimal_strength` with bisection.

    Returns a :class:`BatchStrength`, which unpacks as ``(value, closed, used)``; None when no
    formula applies (a target outside :data:`BATCH_TARGETS`, repeated play in the stack, or
    gaps that are not affine in the parameter).

    Examples
    --------
    >>> from games import SidePayment
    >>> A = np.array([[[3, 0], [2.5, 1]]]); B = np.array([[[2, 3], [0, 1]]])
    >>> found = batch_minimal_strength(A, B, [SidePayment(payer=0)], 0, "transfer", "weak")
    >>> found.value.tolist(), found.message[0]
    ([nan], 'no transfer reaches weak: the receiver needs transfer ≥ 1, the payer gives at most 0.5')
    """
    if target not in BATCH_TARGETS or any(isinstance(m, RepeatedPlay) for m in mechanisms):
        return None
    from ..cooperation import LEVELS
    from .gaps import affine_tolerance, fmt, interval_text, solve_gaps, tidy
    from .strength import STEP, reaches
    from .ties import tie_levels

    A, B = np.asarray(A, dtype=float).reshape(-1, 2, 2), np.asarray(B, dtype=float).reshape(-1, 2, 2)
    n = len(A)
    m = mechanisms[index]
    low, high, open_low, open_high = _range(m, parameter, A, B, upper)
    inner = 1e-9 * np.maximum(1.0, high - low)
    lo = low + inner if open_low else low
    hi = high - inner if open_high else high
    x0 = float(low[0] + 1e-9) if open_low else float(low[0])
    base = list(params) if params is not None else [None] * len(mechanisms)

    def at(values: np.ndarray, rows: np.ndarray) -> list:
        out = []
        for k, p in enumerate(base):
            p = {key: np.broadcast_to(np.asarray(v, dtype=float), (n,))[rows] for key, v in (p or {}).items()}
            if k == index:
                p[parameter] = values
            out.append(p)
        return out

    everyone = np.arange(n)
    reached = np.array([k for k, x in enumerate(LEVELS) if reaches(x, target)])

    def gaps_at(value: float) -> np.ndarray:
        return _gaps(*batch_apply(A, B, mechanisms, at(np.full(n, value), everyone)))

    def ok(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Whether the target holds in games ``rows`` with the parameter at ``values``."""
        if len(rows) == 0:
            return np.zeros(0, dtype=bool)
        return np.isin(tie_levels(*batch_apply(A[rows], B[rows], mechanisms, at(values, rows))), reached)

    g0, g1, gh = gaps_at(x0), gaps_at(x0 + 1.0), gaps_at(x0 + 0.5)
    slope = g1 - g0
    if not np.allclose(gh, g0 + 0.5 * slope, atol=affine_tolerance(g0)):
        return None
    names, payer = ("row government", "column government"), None
    if isinstance(m, SidePayment):
        payer = m.payer
        names = ("payer", "receiver") if payer == 0 else ("receiver", "payer")
    s = solve_gaps(g0, slope, x0, target, (low, high, open_low, open_high), parameter, names=names, payer=payer)
    feasible = ~s.empty
    value, closed = np.where(feasible, s.low, np.nan), s.low_closed & feasible
    step = STEP * np.maximum(1.0, np.abs(np.nan_to_num(value)))
    good = np.ones(n, dtype=bool)

    # Every threshold: the target fails just below it.
    below = value - step
    rows = np.flatnonzero(feasible & (below >= lo))
    good[rows] &= ~ok(below[rows], rows)
    # Closed: holds at the value, or at one of the next floats (a threshold such as 7/27 is no float).
    used = np.full(n, np.nan)
    x = value.copy()
    for _ in range(5):
        rows = np.flatnonzero(feasible & closed & np.isnan(used) & (x <= hi))
        hit = ok(x[rows], rows)
        used[rows[hit]] = x[rows[hit]]
        x = np.nextafter(x, np.inf)
    # Open: an exactly written threshold (a short decimal) fails at the value; holds just above it.
    short = (np.round(value, 6) == value) & (tidy(value) == value)
    rows = np.flatnonzero(feasible & ~closed & (value >= lo) & short)
    good[rows] &= ~ok(value[rows], rows)
    for k in range(4):
        x = value + step * 10**k
        inside = (x <= hi) & ((x < s.high) | ((x == s.high) & s.high_closed))
        rows = np.flatnonzero(feasible & ~closed & np.isnan(used) & inside)
        hit = ok(x[rows], rows)
        used[rows[hit]] = x[rows[hit]]
    good &= ~(feasible & np.isnan(used))
    # Empty intervals: the target fails at the range's ends and at every gap's root.
    rows = np.flatnonzero(s.empty)
    if len(rows):
        with np.errstate(divide="ignore", invalid="ignore"):
            roots = x0 - g0[rows] / slope[rows]
        probes = [lo[rows], hi[rows]] + [np.clip(np.where(np.isfinite(r), r, lo[rows]), lo[rows], hi[rows]) for r in roots.T]
        for x in probes:
            good[rows] &= ~ok(x, rows)

    level = np.full(n, "", dtype=object)
    rows = np.flatnonzero(feasible & good)
    if len(rows):
        level[rows] = np.asarray(LEVELS, dtype=object)[tie_levels(*batch_apply(A[rows], B[rows], mechanisms, at(used[rows], rows)))]
    method = np.full(n, "analytic", dtype=object)
    message = np.full(n, "", dtype=object)
    rows = np.flatnonzero(good & feasible)
    message[rows] = [f"{parameter} {'≥' if c else '>'} {fmt(v)}" for v, c in zip(value[rows].tolist(), closed[rows].tolist())] if len(rows) else []
    for i in np.flatnonzero(good & ~feasible):
        where = f" in {interval_text(low[i], high[i], open_low, open_high)}" if s.in_range[i] else ""
        message[i] = f"no {parameter}{where} reaches {target}" + (f": {s.reason[i]}" if s.reason[i] else "")
    for i in np.flatnonzero(~good):  # not confirmed: game by game, by bisection
        r = _one_by_bisection(A[i], B[i], mechanisms, index, parameter, target, base, i, upper)
        value[i], closed[i] = (r.value, r.attained) if r.feasible else (np.nan, False)
        used[i] = r.used if r.feasible else np.nan
        level[i], method[i], message[i] = r.level or "", r.method, r.message
    used = np.where(np.isnan(value), np.nan, used)
    return BatchStrength(value, closed, used, level, method, message)


def _one_by_bisection(a, b, mechanisms, index, parameter, target, params, i, upper):
    from games import Game

    from .strength import minimal_strength

    stack = []
    for m, p in zip(mechanisms, params):
        given = {key: float(np.asarray(v, dtype=float)[i] if np.ndim(v) else v) for key, v in (p or {}).items()}
        stack.append(replace(m, **given) if given else m)
    others = stack[:index] + stack[index + 1 :]
    return minimal_strength(Game(a, b), stack[index], parameter, target, others=others, method="bisection", upper=upper)


def cost_at_cc(m: Mechanism, p: Mapping[str, np.ndarray]) -> tuple[str, np.ndarray]:
    """Who pays for a stage mechanism at (C, C) and the net amount per play (no fine is paid
    there): the guide 2s + k; the members their signing costs or fees; the payer the transfer."""
    if isinstance(m, HigherLevelGuidance):
        return "guide", 2 * np.asarray(p["subsidy"]) + np.asarray(p["inspection_cost"])
    if isinstance(m, BindingContract):
        return "members", 2 * np.asarray(p["signing_cost"])
    if isinstance(m, ThirdPartyOrganization):
        return "members", 2 * np.asarray(p["fee"])
    if isinstance(m, SidePayment):
        return ("row" if m.payer == 0 else "col"), np.asarray(p["transfer"])
    return "none", np.zeros(np.shape(next(iter(p.values()))) if p else 0)
