"""Mechanism design for many 2×2 games at once: stacked transforms and analytic thresholds.

Every stage mechanism is a payoff transform written for one game or a stack (N, 2, 2) with one
parameter value per game (``batch_transform``). :func:`batch_apply` applies a stack of them
with the semantics of :func:`games.apply` (third-party detection strengthening the others), and
:func:`batch_minimal_strength` solves DESIGN §4's threshold conditions on the affine incentive
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

import numpy as np

from games import BindingContract, HigherLevelGuidance, Mechanism, RepeatedPlay, SidePayment, ThirdPartyOrganization

__all__ = ["BATCH_TARGETS", "batch_apply", "batch_minimal_strength", "cost_at_cc"]

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


def batch_minimal_strength(
    A: np.ndarray,
    B: np.ndarray,
    mechanisms: Sequence[Mechanism],
    index: int,
    parameter: str,
    target: str,
    params: Sequence[Mapping[str, np.ndarray] | None] | None = None,
    upper: float | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """The least value of one parameter of ``mechanisms[index]`` reaching ``target`` in each game.

    Returns ``(value, closed, used)``: the threshold (NaN where no value in the range reaches
    the target), whether it is attained at the threshold itself (≥) or only above it (>), and
    the value at which to evaluate (just above an open threshold). None when no formula
    applies (a target outside :data:`BATCH_TARGETS`, repeated play in the stack, or gaps that
    are not affine in the parameter).
    """
    if target not in BATCH_TARGETS or any(isinstance(m, RepeatedPlay) for m in mechanisms):
        return None
    n = len(A)
    m = mechanisms[index]
    low, high, open_low, open_high = type(m).RANGES[parameter]
    if math.isinf(high):
        spread = float(max(np.ptp(A.reshape(n, 4), axis=1).max(initial=0.0), np.ptp(B.reshape(n, 4), axis=1).max(initial=0.0)))
        high = upper if upper is not None else 10.0 * (spread + 1.0)
    lo = low + (1e-9 if open_low else 0.0)
    hi = high - (1e-9 if open_high else 0.0)
    base = list(params) if params is not None else [None] * len(mechanisms)

    def gaps_at(value: float) -> np.ndarray:
        at = list(base)
        at[index] = {**(at[index] or {}), parameter: np.full(n, value)}
        return _gaps(*batch_apply(A, B, mechanisms, at))

    g0, g1, gh = gaps_at(lo), gaps_at(lo + 1.0), gaps_at(lo + 0.5)
    slope = g1 - g0
    if not np.allclose(gh, g0 + 0.5 * slope, atol=1e-9 * (1 + np.abs(g0).max(initial=0.0))):
        return None
    needed = [0, 1] + ([2, 3] if target == "dominant" else [])
    strict = target != "weak"
    value = np.full(n, lo)
    closed = np.ones(n, dtype=bool)
    never = np.zeros(n, dtype=bool)
    for k in needed:
        a, b = g0[:, k], slope[:, k]
        flat = np.abs(b) < 1e-15
        never |= flat & ~((a > 0) | ((a == 0) & (not strict)))
        with np.errstate(divide="ignore", invalid="ignore"):
            root = lo - a / b
        move = ~flat & (b > 0) & ((root > value) | ((root == value) & strict))
        value = np.where(move, root, value)
        closed = np.where(move, not strict, closed)
        never |= ~flat & (b < 0) & ((root < lo) | ((root == lo) & strict))
    never |= (value > hi) | ((value == hi) & ~closed)
    value = np.where(never, np.nan, np.maximum(value, lo))
    used = np.where(closed, value, np.minimum(value + np.maximum(1e-7, 1e-7 * np.abs(value)), hi))
    return value, closed, used


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
