"""Cooperation levels and mechanism strengths of many sampled worlds of one link, on arrays.

A sampled world is a 2×2 stage game (one slice of the arrays A, B of shape (n, 2, 2)) and the
values of the mechanism parameters in it. :func:`level_samples` gives the cooperation level of
every world after the mechanism stack, with :func:`solver.design.batch.batch_apply` and the exact
vectorized 2×2 enumeration (:func:`solver.fast2x2.solve_2x2`) — the path of
:func:`solver.sweep.evaluate`. A stack with repeated play induces an m×m normal form that the
2×2 path cannot solve: those worlds are solved one by one (:func:`solver.cooperation.stability`,
``method="fast"``), as sweeps do.

:func:`robust_strength` is the least value of one parameter at which the target level holds in
at least a share ``confidence`` of the worlds: the ``confidence`` quantile of the pointwise
minimal strength (:func:`solver.design.batch.batch_minimal_strength`; a world where no value
works counts as +∞), confirmed by evaluating every world at that value.

Examples
--------
>>> import numpy as np
>>> from games import HigherLevelGuidance
>>> T = np.array([4.0, 4.5, 5.0, 6.0])                  # R = 3, S = 0, P = 1
>>> A = np.stack([np.stack([np.full(4, 3.0), np.zeros(4)], 1), np.stack([T, np.ones(4)], 1)], 1)
>>> B = np.transpose(A, (0, 2, 1))
>>> level_samples(A, B, [HigherLevelGuidance(subsidy=1.5)]).tolist()
['dominant', 'weak', 'none', 'none']
>>> r = robust_strength(A, B, HigherLevelGuidance(), "subsidy", "weak", confidence=0.75)
>>> r.value, r.closed, r.text
(2.0, True, 'subsidy ≥ 2')
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np
import numpy.typing as npt

from games import Game, Mechanism, RepeatedPlay, SidePayment, apply

from ..cooperation import LEVELS, stability
from ..design.batch import BATCH_TARGETS, _gaps, _range, batch_apply, batch_minimal_strength, cost_at_cc
from ..design.gaps import affine_tolerance, fmt, solve_gaps, tidy
from ..design.strength import STEP, minimal_strength
from ..fast2x2 import solve_2x2

__all__ = ["RobustStrength", "level_samples", "pointwise_strength", "reaches_target", "robust_strength"]

Params = Mapping[int, Mapping[str, npt.ArrayLike]] | None


def _arrays(A: npt.ArrayLike, B: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    if A.ndim != 3 or A.shape[1:] != (2, 2) or A.shape != B.shape:
        raise ValueError(f"A and B must both have shape (n, 2, 2), got {A.shape} and {B.shape}")
    return A, B


def _param_list(mechanisms: Sequence[Mechanism], params: Params, n: int) -> list[dict[str, np.ndarray] | None]:
    """``params`` keyed by stack index → the list :func:`batch_apply` takes, checked."""
    out: list[dict[str, np.ndarray] | None] = [None] * len(mechanisms)
    for k, given in (params or {}).items():
        if not 0 <= k < len(mechanisms):
            raise ValueError(f"params names mechanism {k}, the stack has {len(mechanisms)}")
        m = mechanisms[k]
        values = {}
        for name, v in given.items():
            if name not in type(m).RANGES:
                raise ValueError(f"{type(m).__name__} has no numeric parameter {name!r}; parameters: {', '.join(type(m).RANGES)}")
            v = np.asarray(v, dtype=float)
            if v.ndim and v.shape != (n,):
                raise ValueError(f"parameter {name!r} of mechanism {k} has shape {v.shape}, expected ({n},)")
            values[name] = np.broadcast_to(v, (n,))
        out[k] = values
    return out


def _stack_at(mechanisms: Sequence[Mechanism], params: list, i: int) -> list[Mechanism]:
    """The mechanisms of world ``i`` (its parameter values set), for the game-by-game path."""
    return [replace(m, **{key: float(v[i]) for key, v in p.items()}) if p else m for m, p in zip(mechanisms, params)]


def level_samples(A: npt.ArrayLike, B: npt.ArrayLike, mechanisms: Sequence[Mechanism] = (), params: Params = None) -> np.ndarray:
    """The cooperation level of each of n sampled worlds under a mechanism stack.

    Parameters
    ----------
    A, B : array_like, shape (n, 2, 2)
        Row and column stage payoffs of each world (strategy 0 = cooperate).
    mechanisms : sequence of Mechanism
        The stack, applied as :func:`games.apply` applies it.
    params : mapping, optional
        ``{stack index: {parameter: array (n,) or scalar}}``: parameter values per world,
        overriding those of the mechanism at that index.

    Returns
    -------
    array (n,) of str
        One of :data:`solver.LEVELS` per world.

    Raises
    ------
    ValueError
        If the arrays are not (n, 2, 2), or ``params`` names a mechanism or parameter the stack
        does not have, or an array of the wrong length.

    Notes
    -----
    Stage stacks are fully vectorized (10⁶ worlds of one link in about a second). With
    :class:`games.RepeatedPlay` each world's induced normal form is solved on its own, in a
    Python loop (about a millisecond per world).
    """
    A, B = _arrays(A, B)
    mechanisms = list(mechanisms)
    values = _param_list(mechanisms, params, len(A))
    if not any(isinstance(m, RepeatedPlay) for m in mechanisms):
        return np.asarray(solve_2x2(*batch_apply(A, B, mechanisms, values), payoffs=False).level, dtype=object)
    out = np.empty(len(A), dtype=object)
    for i in range(len(A)):
        game = apply(Game(A[i], B[i]), *_stack_at(mechanisms, values, i))
        out[i] = stability(game, basin=False, method="fast").level
    return out


def reaches_target(levels: npt.ArrayLike, target: str) -> np.ndarray:
    """Whether each level is ``target`` or stronger (:func:`solver.design.reaches`, on arrays).

    >>> reaches_target(np.array(["none", "weak", "strict", "dominant"]), "strict").tolist()
    [False, False, True, True]
    """
    if target not in LEVELS:
        raise ValueError(f"unknown level {target!r}; levels: {', '.join(LEVELS)}")
    return np.isin(np.asarray(levels, dtype=object), LEVELS[: LEVELS.index(target) + 1])


@dataclass(frozen=True)
class RobustStrength:
    """The least strength of one parameter at which a target holds in a share of the worlds.

    Attributes
    ----------
    value : float or None
        The strength (the ``confidence`` quantile of the pointwise minimal strength); None
        when no value reaches the target in the required share ("not reachable").
    closed : bool
        Whether the target holds in the required share at ``value`` itself ("≥ value") or
        only just above it ("> value", where the share's worlds have open thresholds).
    used : float or None
        A value at which the share was confirmed: ``value`` when closed, else just above it.
    holds_share : float
        The share of worlds in which the target holds at ``used`` (≥ ``quantile_of``), or
        the largest share found when not reachable.
    reachable_share : float
        The share of worlds in which some value of the parameter reaches the target.
    quantile_of : float
        The required share (the confidence).
    expected_cost : float or None
        Mean over the worlds of the mechanism's cost at (C, C) with the parameter at ``used``
        (:func:`solver.design.batch.cost_at_cc`: the guide 2s + k, the members their fees…).
    payer : str
        Who pays that cost.
    parameter : str
    target : str
    pointwise : array (n,) or None
        Each world's own minimal strength (+∞ where unreachable), whose ``quantile_of``
        quantile ``value`` is; not compared, not printed.
    """

    value: float | None
    closed: bool
    used: float | None
    holds_share: float
    reachable_share: float
    quantile_of: float
    expected_cost: float | None
    payer: str
    parameter: str
    target: str
    pointwise: np.ndarray | None = field(default=None, repr=False, compare=False)

    @property
    def text(self) -> str:
        """"subsidy ≥ 2.9", "subsidy > 1", or "not reachable"."""
        if self.value is None:
            return "not reachable"
        return f"{self.parameter} {'≥' if self.closed else '>'} {fmt(self.value)}"


def _formula(A, B, stack, parameter, target, values) -> tuple[np.ndarray, np.ndarray] | None:
    """Each world's threshold and whether it is attained, from the gap formulas alone (no
    confirmation: :func:`robust_strength` confirms its one answer on every world instead).

    :func:`~solver.design.batch.batch_minimal_strength` confirms each world at its own threshold,
    where the gaps are exactly zero and the 2×2 path decides in rationals (about 1 ms a world);
    this is its first half. None where it has no formula.
    """
    if target not in BATCH_TARGETS or any(isinstance(m, RepeatedPlay) for m in stack):
        return None
    n, m = len(A), stack[0]
    low, high, open_low, open_high = _range(m, parameter, A, B, None)
    x0 = float(low[0] + 1e-9) if open_low else float(low[0])

    def gaps_at(x: float) -> np.ndarray:
        return _gaps(*batch_apply(A, B, stack, [{**(values[0] or {}), parameter: np.full(n, x)}, *values[1:]]))

    g0, g1, gh = gaps_at(x0), gaps_at(x0 + 1.0), gaps_at(x0 + 0.5)
    if not np.allclose(gh, g0 + 0.5 * (g1 - g0), atol=affine_tolerance(g0)):
        return None
    names, payer = ("row government", "column government"), None
    if isinstance(m, SidePayment):
        payer = m.payer
        names = ("payer", "receiver") if payer == 0 else ("receiver", "payer")
    s = solve_gaps(g0, g1 - g0, x0, target, (low, high, open_low, open_high), parameter, names=names, payer=payer)
    return np.where(s.empty, np.nan, tidy(s.low)), s.low_closed & ~s.empty


def _pointwise(A, B, stack, parameter, target, values) -> tuple[np.ndarray, np.ndarray]:
    """Threshold and a confirmed value per world (NaN where unreachable)."""
    found = batch_minimal_strength(A, B, stack, 0, parameter, target, values)
    if found is not None:
        return found.value, found.used
    value, used = np.full(len(A), np.nan), np.full(len(A), np.nan)
    for i in range(len(A)):  # repeated play or a target with no formula: world by world
        world = _stack_at(stack, values, i)
        s = minimal_strength(Game(A[i], B[i]), world[0], parameter, target, others=world[1:])
        if s.feasible:
            value[i], used[i] = s.value, s.used
    return value, used


def pointwise_strength(
    A: npt.ArrayLike,
    B: npt.ArrayLike,
    mechanism: Mechanism,
    parameter: str,
    target: str,
    *,
    others: Sequence[Mechanism] = (),
    params: Params = None,
) -> np.ndarray:
    """Each world's minimal strength: the least value of ``parameter`` at which ``target`` holds
    there, +∞ where no value does.

    The thresholds come from the gap formulas of :mod:`solver.design.gaps` where the stack has
    them (all at once, not confirmed world by world), else from
    :func:`solver.design.minimal_strength` world by world. Whether the threshold itself is
    attained (≥ or >) is not told here; :func:`robust_strength` decides that for its quantile.

    >>> import numpy as np
    >>> from games import HigherLevelGuidance
    >>> T = np.array([4.0, 5.0, 6.0])                     # R = 3, S = 0, P = 1
    >>> A = np.stack([np.stack([np.full(3, 3.0), np.zeros(3)], 1), np.stack([T, np.ones(3)], 1)], 1)
    >>> pointwise_strength(A, np.transpose(A, (0, 2, 1)), HigherLevelGuidance(), "subsidy", "strict").tolist()
    [1.0, 2.0, 3.0]
    """
    if target not in LEVELS or target == "none":
        raise ValueError(f"target must be a level other than 'none' ({', '.join(LEVELS[:-1])}), got {target!r}")
    if parameter not in type(mechanism).RANGES:
        raise ValueError(f"{type(mechanism).__name__} has no numeric parameter {parameter!r}; parameters: {', '.join(type(mechanism).RANGES)}")
    A, B = _arrays(A, B)
    stack = [mechanism, *others]
    values = _param_list(stack, params, len(A))
    formula = _formula(A, B, stack, parameter, target, values)
    threshold = formula[0] if formula is not None else _pointwise(A, B, stack, parameter, target, values)[0]
    return np.where(np.isnan(threshold), np.inf, threshold)


def robust_strength(
    A: npt.ArrayLike,
    B: npt.ArrayLike,
    mechanism: Mechanism,
    parameter: str,
    target: str,
    *,
    others: Sequence[Mechanism] = (),
    params: Params = None,
    confidence: float = 0.95,
) -> RobustStrength:
    """The least value of ``parameter`` at which ``target`` holds in ≥ ``confidence`` of the worlds.

    Parameters
    ----------
    A, B : array_like, shape (n, 2, 2)
        The sampled stage games.
    mechanism : Mechanism
        The mechanism whose parameter is set; its other parameters as given (or per world in
        ``params[0]``).
    parameter : str
        One of its numeric parameters.
    target : str
        A cooperation level other than ``none``.
    others : sequence of Mechanism
        Mechanisms applied with it; the stack is ``(mechanism, *others)``.
    params : mapping, optional
        Parameter values per world, keyed by the index in that stack (0 = ``mechanism``).
    confidence : float
        The required share of worlds, in (0, 1).

    Returns
    -------
    RobustStrength

    Notes
    -----
    With k = ⌈confidence · n⌉, the answer is the k-th smallest pointwise threshold (unreachable
    worlds last, as +∞), i.e. the empirical quantile whose share of worlds at or below it is at
    least ``confidence`` (numpy's ``inverted_cdf``). It is then confirmed: every world is
    evaluated at the value itself (``closed`` when the target holds in ≥ k worlds there); else at
    the k-th smallest pointwise *confirmed* value (``used`` of
    :func:`~solver.design.batch.batch_minimal_strength`, just above an open threshold). When the
    values that work are bounded above in some worlds (a side payment the payer tolerates only up
    to a point), the share is not monotone; the next larger pointwise values are tried (up to 64)
    and the answer is "not reachable" if none gives the share.

    Raises
    ------
    ValueError
        For a confidence outside (0, 1), a target ``none`` or unknown, or bad arrays.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    if target not in LEVELS or target == "none":
        raise ValueError(f"target must be a level other than 'none' ({', '.join(LEVELS[:-1])}), got {target!r}")
    if parameter not in type(mechanism).RANGES:
        raise ValueError(f"{type(mechanism).__name__} has no numeric parameter {parameter!r}; parameters: {', '.join(type(mechanism).RANGES)}")
    A, B = _arrays(A, B)
    n = len(A)
    stack = [mechanism, *others]
    values = _param_list(stack, params, n)
    k = math.ceil(confidence * n - 1e-9)  # the share k / n ≥ confidence, k the least such

    def share_at(x: float) -> float:
        at = dict(values[0] or {})
        at[parameter] = np.full(n, x)
        return float(reaches_target(level_samples(A, B, stack, {0: at, **{j: v for j, v in enumerate(values) if j and v}}), target).mean())

    def result(value, closed, at, share) -> RobustStrength:
        cost_params = {name: np.broadcast_to(np.asarray(getattr(mechanism, name), dtype=float), (n,)) for name in type(mechanism).RANGES}
        cost_params.update(values[0] or {})
        cost_params[parameter] = np.full(n, at)
        payer, cost = cost_at_cc(mechanism, cost_params)
        return RobustStrength(value, closed, at, share, float(reachable.mean()), confidence, float(tidy(np.mean(cost))), payer, parameter, target, pointwise)

    formula = _formula(A, B, stack, parameter, target, values)
    if formula is not None:  # the formulas' quantile, confirmed on every world: it holds there, fails just below
        reachable = ~np.isnan(formula[0])
        pointwise = np.where(reachable, formula[0], np.inf)
        if int(reachable.sum()) >= k:
            x = float(np.sort(formula[0][reachable])[k - 1])
            step = STEP * max(1.0, abs(x))
            if share_at(x - step) < confidence - 1e-12:
                share = share_at(x)
                if share >= confidence - 1e-12:
                    return result(x, True, x, share)
                share = share_at(x + step)
                if share >= confidence - 1e-12 and share_at(x) < confidence - 1e-12:
                    return result(x, False, x + step, share)
    threshold, used = _pointwise(A, B, stack, parameter, target, values)  # every world confirmed (slow at 10⁵ and more)
    reachable = ~np.isnan(threshold)
    pointwise = np.where(reachable, threshold, np.inf)
    best = 0.0
    if int(reachable.sum()) >= k:
        x = float(tidy(np.sort(threshold[reachable])[k - 1]))
        share = share_at(x)
        if share >= confidence - 1e-12:
            return result(x, True, x, share)
        best = share
        confirmed = np.sort(used[reachable])
        for y in np.unique(confirmed[k - 1 :])[:64]:
            share = share_at(float(y))
            if share >= confidence - 1e-12:
                return result(x if y == confirmed[k - 1] else float(y), False, float(y), share)
            best = max(best, share)
    payer = cost_at_cc(mechanism, {name: np.zeros(1) for name in type(mechanism).RANGES})[0]
    return RobustStrength(None, False, None, best, float(reachable.mean()), confidence, None, payer, parameter, target, pointwise)
