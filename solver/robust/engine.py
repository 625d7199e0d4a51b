"""Cooperation levels and mechanism strengths of many sampled worlds of one link, on arrays.

A sampled world is a 2×2 stage game (one slice of the arrays A, B of shape (n, 2, 2)) and the
values of the mechanism parameters in it. :func:`level_codes` gives the cooperation level of
every world after the mechanism stack as an index into :data:`solver.LEVELS`, with
:func:`solver.design.batch.batch_apply` and the levels-only 2×2 kernel
(:func:`solver.kernels.fast2x2.levels_2x2`, game by game the decision of
:func:`solver.kernels.fast2x2.solve_2x2`, the path of :func:`solver.sweep.evaluate`);
:func:`level_samples` gives the same levels as names. A stack with repeated play induces an m×m
normal form that the 2×2 path cannot solve: its payoffs are computed for all worlds at once
(:func:`induced_arrays`, linear in the stage payoffs), the worlds where some deviation beats
every cooperative profile are ``none`` at once, and the others are decided on arrays where
every sign is outside its error band (:func:`solver.repeated_batch.stack_levels`) and solved
one by one otherwise (:func:`solver.cooperation.stability`, ``method="fast"``), as sweeps do.

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
>>> level_codes(A, B, [HigherLevelGuidance(subsidy=1.5)]).tolist()
[0, 4, 5, 5]
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
from scipy import stats

from games import Game, Mechanism, RepeatedPlay, SidePayment, ThirdPartyOrganization, apply
from games.errors import UserInputError
from games.repeated import EXACT_STATES, Automaton
from games.repeated_batch import _path_cooperative

from ..cooperation import LEVELS, stability
from ..design.batch import BATCH_TARGETS, _gaps, _range, batch_apply, batch_minimal_strength, cost_at_cc
from ..design.gaps import affine_tolerance, fmt, solve_gaps, tidy
from ..design.strength import FINE_GRID, GRID, STEP, minimal_strength
from ..kernels.fast2x2 import levels_2x2
from ..repeated_batch import stack_levels
from .rounding import up4

__all__ = [
    "SCREEN_BAND",
    "RobustStrength",
    "induced_arrays",
    "level_codes",
    "level_samples",
    "order_statistic_indices",
    "pointwise_strength",
    "quantile_interval",
    "reaches_target",
    "robust_strength",
]

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


_NAMES = np.asarray(LEVELS, dtype=object)


def level_codes(A: npt.ArrayLike, B: npt.ArrayLike, mechanisms: Sequence[Mechanism] = (), params: Params = None, *, exact: bool = True) -> np.ndarray:
    """The cooperation level of each of n sampled worlds under a mechanism stack, as its index
    into :data:`solver.LEVELS` (0 dominant … 5 none; a level reaches a target when its code is
    at most the target's).

    Parameters and errors as :func:`level_samples`, which is ``LEVELS[level_codes(...)]``.

    With ``exact=False`` a stage stack's near-ties are decided by the float signs
    (:func:`solver.kernels.fast2x2.levels_2x2`), for searches whose answer is confirmed exactly.

    Returns
    -------
    array (n,) of int8

    Notes
    -----
    Stage stacks: :func:`solver.design.batch.batch_apply`, then
    :func:`solver.kernels.fast2x2.levels_2x2` (10⁶ worlds in a few hundredths of a second plus the
    transform). With :class:`games.RepeatedPlay`, a screen on arrays (about 10 µs a world)
    decides the worlds where some deviation of one player beats every cooperative profile by
    more than :data:`SCREEN_BAND` of the payoff range: no mixture of cooperative strategies is
    then an equilibrium, so the level is ``none`` (a sufficient condition, exact in its
    verdict). Every other world's induced normal form is solved on its own
    (:func:`solver.cooperation.stability`, 1–10 ms a world; identical worlds once).

    >>> import numpy as np
    >>> A = np.array([[[3.0, 0.0], [5.0, 1.0]], [[4.0, 0.0], [3.0, 2.0]]])  # dilemma, stag hunt
    >>> level_codes(A, np.transpose(A, (0, 2, 1))).tolist()
    [5, 3]
    """
    A, B = _arrays(A, B)
    mechanisms = list(mechanisms)
    values = _param_list(mechanisms, params, len(A))
    if not any(isinstance(m, RepeatedPlay) for m in mechanisms):
        return levels_2x2(*batch_apply(A, B, mechanisms, values), exact=exact)
    out = np.full(len(A), LEVELS.index("none"), dtype=np.int8)
    rest = np.flatnonzero(~_repeated_none(A, B, mechanisms, values))
    # identical worlds (the same payoffs and parameter values, as with discrete distributions)
    # are solved once
    columns = [A[rest].reshape(len(rest), 4), B[rest].reshape(len(rest), 4)]
    columns += [v[rest, None] for p in values if p for v in p.values()]
    _, first, inverse = np.unique(np.concatenate(columns, axis=1), axis=0, return_index=True, return_inverse=True)
    solved = np.empty(len(first), dtype=np.int8)
    worlds = rest[first]
    # the induced games of all these worlds at once, each level decided on arrays where certain
    batch = stack_levels([Game(A[i], B[i]) for i in worlds], [_stack_at(mechanisms, values, i) for i in worlds])
    for u, i in enumerate(worlds):
        if batch is not None and batch.decided[u]:
            solved[u] = batch.level[u]
            continue
        game = apply(Game(A[i], B[i]), *_stack_at(mechanisms, values, i))
        solved[u] = LEVELS.index(stability(game, basin=False, method="fast").level)
    out[rest] = solved[np.ravel(inverse)]
    return out


# Repeated play on arrays -------------------------------------------------------------------
# Outcome order (own action, other's action): CC, CD, DC, DD, as games.repeated.
_OUTCOMES = ((0, 0), (0, 1), (1, 0), (1, 1))
#: Margin of the "none" screen, times the induced game's payoff range and 1 / (1 − δ): far
#: above the float error of the induced payoffs (≈ 10⁻¹² of the range from reading floats as
#: rationals, amplified at most 1 / (1 − δ) by the repetition) and above the tolerance 10⁻⁷ with
#: which :func:`solver.equilibria` (``method="fast"``) accepts a float equilibrium.
SCREEN_BAND = 1e-6


def _pair_outcomes(first: Automaton, second: Automaton, delta: np.ndarray, eps: np.ndarray) -> np.ndarray:
    """:func:`games.repeated.discounted_outcomes` of one pair of automata in n worlds at once:
    array (n, 4) over CC, CD, DC, DD, in floats (δ and ε per world)."""
    n1, n2 = len(first.actions), len(second.actions)
    size, n = n1 * n2, len(delta)
    result = np.empty((n, 4))
    chunk = max(1, 2**21 // (size * size))
    for lo in range(0, n, chunk):
        d, e = delta[lo : lo + chunk], eps[lo : lo + chunk]
        m, keep = len(d), 1.0 - e
        M, outcome = np.zeros((m, size, size)), np.zeros((m, size, 4))
        for s1 in range(n1):
            for s2 in range(n2):
                k = s1 * n2 + s2
                a1, a2 = (0 if first.actions[s1] == "C" else 1), (0 if second.actions[s2] == "C" else 1)
                for o, (r1, r2) in enumerate(_OUTCOMES):
                    p = (keep if r1 == a1 else e) * (keep if r2 == a2 else e)
                    outcome[:, k, o] += p
                    M[:, k, first.table[s1][o] * n2 + second.table[s2][_OUTCOMES.index((r2, r1))]] += p
        # the occupation measure o solves o (I − δM) = (1 − δ) e_start
        rhs = np.zeros((m, size, 1))
        rhs[:, first.initial * n2 + second.initial, 0] = 1.0 - d
        lhs = np.eye(size) - d[:, None, None] * M
        occupation = np.linalg.solve(np.transpose(lhs, (0, 2, 1)), rhs)[:, :, 0]
        result[lo : lo + chunk] = np.einsum("ns,nso->no", occupation, outcome)
    return result


def induced_arrays(
    a: np.ndarray, b: np.ndarray, strategies: Sequence[Automaton], delta: npt.ArrayLike, noise: npt.ArrayLike
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The induced normal forms of n repeated 2×2 stage games, in floats.

    The induced payoffs are linear in the stage payoffs: ``A[i, j] = W[i, j] · a`` with
    ``W[i, j]`` the discounted outcome distribution of automata i against j
    (:func:`games.repeated.discounted_outcomes`), which depends on δ and ε only.

    Parameters
    ----------
    a, b : array (n, 2, 2)
        Row and column stage payoffs (strategy 0 = C).
    strategies : sequence of Automaton
    delta, noise : array_like (n,) or scalar
        δ and ε per world.

    Returns
    -------
    A, B : array (n, k, k)
        The induced payoffs (:func:`games.repeated.induced_game`, to float rounding).
    cooperative : array (n, k, k) of bool
        A superset of the induced game's ``cooperative`` mask: the profiles whose noise-free
        path is mutual cooperation and, under noise, whose realised share of mutual
        cooperation is not below :data:`games.repeated.REALISED_SHARE` · (1 − ε)² by more than
        float error (pairs of more than :data:`games.repeated.EXACT_STATES` state pairs, whose
        path the module judges in floats, count as cooperative).

    Examples
    --------
    >>> import numpy as np
    >>> from games.repeated import STANDARD
    >>> a = np.array([[[3.0, 0.0], [5.0, 1.0]]])
    >>> A, B, coop = induced_arrays(a, np.transpose(a, (0, 2, 1)), STANDARD, 0.9, 0.0)
    >>> round(float(A[0, 1, 2]), 10), coop[0].diagonal().tolist()   # AllD against Grim
    (1.4, [True, False, True, True, True])
    """
    n, k = len(a), len(strategies)
    delta = np.broadcast_to(np.asarray(delta, dtype=float), (n,))
    eps = np.broadcast_to(np.asarray(noise, dtype=float), (n,))
    flat_a, flat_b = np.asarray(a, dtype=float).reshape(n, 4), np.asarray(b, dtype=float).reshape(n, 4)
    A, B = np.empty((n, k, k)), np.empty((n, k, k))
    coop = np.zeros((n, k, k), dtype=bool)
    best = 0.5 * (1.0 - eps) ** 2  # REALISED_SHARE · (1 − ε)²
    for i, first in enumerate(strategies):
        for j, second in enumerate(strategies):
            w = _pair_outcomes(first, second, delta, eps)
            A[:, i, j] = np.einsum("no,no->n", w, flat_a)
            B[:, i, j] = np.einsum("no,no->n", w, flat_b)
            if len(first.actions) * len(second.actions) > EXACT_STATES:
                coop[:, i, j] = True
            elif _path_cooperative(first, second):
                coop[:, i, j] = (eps <= 1e-9) | (w[:, 0] >= best - 1e-8)
    return A, B, coop


def _values_of(m: Mechanism, given: Mapping[str, np.ndarray] | None, name: str, n: int) -> np.ndarray:
    return given[name] if given and name in given else np.full(n, float(getattr(m, name)))


def _repeated_none(A: np.ndarray, B: np.ndarray, mechanisms: list[Mechanism], values: list) -> np.ndarray:
    """Worlds whose level is certainly ``none``: a sufficient condition, decided on arrays.

    A fully cooperative equilibrium (x, y) has its support R × C among the cooperative
    profiles. If some row strategy d earns more than every cooperative profile (i, j) gives
    its row, A[d, j] > A[i, j] for all of them, then against y strategy d earns more than every
    i ∈ R, so x is no best reply; likewise a column strategy d′ with B[i, d′] > B[i, j]. Either
    player's deviation suffices, and with no cooperative profile at all there is nothing to
    check. The margin :data:`SCREEN_BAND` keeps float error from deciding; the mask is a
    superset of the true one, which only makes the condition harder to meet. Everything else
    is left to the exact path.
    """
    n = len(A)
    repeated = [(m, v) for m, v in zip(mechanisms, values) if isinstance(m, RepeatedPlay)]
    if len(repeated) != 1:  # apply() raises on two; leave that to it
        return np.zeros(n, dtype=bool)
    rep, rep_values = repeated[0]
    stage = [(m, v) for m, v in zip(mechanisms, values) if not isinstance(m, RepeatedPlay)]
    a, b = batch_apply(A, B, [m for m, _ in stage], [v for _, v in stage])
    miss = np.ones(n)
    for m, v in stage:
        if isinstance(m, ThirdPartyOrganization):
            miss = miss * (1.0 - _values_of(m, v, "detection", n))
    delta = _values_of(rep, rep_values, "discount", n)
    eps = _values_of(rep, rep_values, "noise", n) * miss
    ok = np.isfinite(a).all(axis=(1, 2)) & np.isfinite(b).all(axis=(1, 2)) & (delta > 0) & (delta < 1) & (eps >= 0) & (eps < 0.5)
    out = np.zeros(n, dtype=bool)
    chunk = 16384
    for lo in range(0, n, chunk):
        sl = slice(lo, lo + chunk)
        X, Y, coop = induced_arrays(a[sl], b[sl], rep.strategies, np.where(ok[sl], delta[sl], 0.5), np.where(ok[sl], eps[sl], 0.0))
        scale = np.maximum(np.maximum(np.ptp(X, axis=(1, 2)), np.ptp(Y, axis=(1, 2))), 1.0)
        margin = SCREEN_BAND * scale / (1.0 - np.where(ok[sl], delta[sl], 0.5))
        blocked = ~coop[:, None, :, :]  # (n, d, i, j): profiles (i, j) that are not cooperative
        # row: A[d, j] − A[i, j] over the cooperative (i, j), its least value for each d
        row_gain = np.where(blocked, np.inf, X[:, :, None, :] - X[:, None, :, :]).min(axis=(2, 3))
        # column: B[i, d′] − B[i, j], as (n, d′, i, j)
        col_gain = np.where(blocked, np.inf, np.transpose(Y, (0, 2, 1))[:, :, :, None] - Y[:, None, :, :]).min(axis=(2, 3))
        out[sl] = (row_gain.max(axis=1) > margin) | (col_gain.max(axis=1) > margin)
    return out & ok


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
    UserInputError
        If the arrays are not (n, 2, 2), or ``params`` names a mechanism or parameter the stack
        does not have, or an array of the wrong length.

    Notes
    -----
    ``LEVELS[level_codes(...)]``: see :func:`level_codes` for the paths and their speed.
    """
    return _NAMES[level_codes(A, B, mechanisms, params)]


def reaches_target(levels: npt.ArrayLike, target: str) -> np.ndarray:
    """Whether each level is ``target`` or stronger (:func:`solver.design.reaches`, on arrays).

    >>> reaches_target(np.array(["none", "weak", "strict", "dominant"]), "strict").tolist()
    [False, False, True, True]
    """
    if target not in LEVELS:
        raise UserInputError(f"unknown level {target!r}; levels: {', '.join(LEVELS)}")
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
    interval : (float, float) or None
        A confidence interval for the ``quantile_of`` quantile of the pointwise minimal
        strength (:func:`quantile_interval`; an end +∞ where the quantile may be unreachable,
        −∞ where the sample bounds it from no side); None when not computed.
    pointwise : array (n,) or None
        Each world's own minimal strength (+∞ where unreachable), whose ``quantile_of``
        quantile ``value`` is; not compared, not printed.
    shown : str or None
        ``value`` as people read it: rounded up to 4 significant digits
        (:func:`solver.robust.rounding.up4`) where the target was confirmed in the required
        share at the rounded value too, else to 12 (the working values of a side payment are
        bounded above: rounding up can leave them).
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
    interval: tuple[float, float] | None = None
    pointwise: np.ndarray | None = field(default=None, repr=False, compare=False)
    shown: str | None = None

    @property
    def text(self) -> str:
        """"subsidy ≥ 2.9", "subsidy > 1.935", or "not reachable" (the value as ``shown``)."""
        if self.value is None:
            return "not reachable"
        return f"{self.parameter} {'≥' if self.closed else '>'} {self.shown or fmt(self.value)}"


def order_statistic_indices(n: int, quantile: float, confidence: float = 0.95) -> tuple[int, int]:
    """The ranks (l, u), 1-based, of the distribution-free interval [x₍ₗ₎, x₍ᵤ₎] for the
    ``quantile`` of a law from n independent draws (Hahn and Meeker 1991, ch. 5).

    With F the binomial(n, q) CDF and α = 1 − ``confidence``: l = F⁻¹(α/2) (the least m with
    F(m) ≥ α/2) and u = F⁻¹(1 − α/2) + 1. The interval misses ξ only if fewer than l draws
    fall at or below ξ (probability ≤ F(l − 1) < α/2) or at least u fall below it (probability
    ≤ 1 − F(u − 1) ≤ α/2), so its coverage is at least ``confidence`` for every law, with
    atoms or without. l = 0 means no order statistic bounds ξ from below (−∞), u = n + 1 none
    from above (+∞).

    Examples
    --------
    >>> order_statistic_indices(100, 0.95)
    (90, 100)
    >>> order_statistic_indices(20, 0.95)          # too few draws for an upper bound
    (17, 21)
    """
    if n < 1:
        raise ValueError(f"need at least one draw, got n = {n}")
    if not 0 < quantile < 1 or not 0 < confidence < 1:
        raise ValueError(f"quantile and confidence must be in (0, 1), got {quantile} and {confidence}")
    tail = (1 - confidence) / 2
    low = int(stats.binom.ppf(tail, n, quantile))  # least m with F(m) ≥ tail, so F(m − 1) < tail
    high = int(stats.binom.ppf(1 - tail, n, quantile)) + 1  # F(high − 1) ≥ 1 − tail
    return low, min(high, n + 1)


def quantile_interval(
    values: npt.ArrayLike, quantile: float, *, groups: npt.ArrayLike | None = None, confidence: float = 0.95
) -> tuple[float, float]:
    """A confidence interval for the ``quantile`` of the law behind sampled ``values``.

    Parameters
    ----------
    values : array_like (n,)
        The samples; +∞ allowed (a world where the strength is unreachable).
    quantile : float
        In (0, 1), the quantile's level (the robust strength's confidence).
    groups : array_like of int (n,), optional
        Each sample's independent QMC scrambling (at least two). Without it the samples are
        taken as independent draws.
    confidence : float
        The interval's nominal coverage, in (0, 1).

    Returns
    -------
    (low, high) : tuple of float
        ``high`` is +∞ where the quantile may be unreachable; ``low`` is −∞ where no sample
        bounds it from below.

    Notes
    -----
    Independent draws: the order-statistic interval [x₍ₗ₎, x₍ᵤ₎] of
    :func:`order_statistic_indices`, distribution-free, coverage at least ``confidence``.

    Scramblings: each group's own quantile (the same rule as the robust strength, numpy's
    ``inverted_cdf``: the k-th smallest of its m values, k = ⌈q·m⌉) is an independent estimate;
    the interval is their mean ± t_{R−1} · sd / √R over the R groups, as
    :func:`solver.robust.estimate.probability` does for probabilities (asymptotic: as far as the
    group quantiles are near normal). It is widened, where they reach further, to the mean over
    the groups of their (k − 1)-th and (k + 1)-th smallest values: the k-th order statistic of
    a scrambled net is off the quantile by up to a spacing, a bias the spread of the groups does
    not show (with few quantities each scrambling puts its k-th point in the same stratum, and
    the t interval alone covers 2.9, the 0.95 quantile of U[1, 3] from 8 × 64 points, in about
    a third of the seeds) — the counterpart of the lattice widening of
    :func:`~solver.robust.estimate.probability`. If some group's quantile is +∞ the upper end
    is +∞, and the t part of the lower end is computed with +∞ replaced by the largest finite
    value in the sample (the quantile of the censored law min(X, c) is at most the true one,
    so the lower end stays conservative); if every group's quantile is +∞ the interval is
    (+∞, +∞).

    Examples
    --------
    >>> x = np.arange(1.0, 101.0)
    >>> quantile_interval(x, 0.95)
    (90.0, 100.0)
    >>> low, high = quantile_interval(x, 0.5, groups=np.repeat([0, 1, 2, 3], 25))
    >>> round(low, 2), round(high, 2)     # group medians 13, 38, 63, 88: 50.5 ± t₃ · 32.27 / 2
    (-0.86, 101.86)
    """
    x = np.asarray(values, dtype=float).ravel()
    n = len(x)
    if n == 0:
        raise ValueError("no samples: values is empty")
    if np.isnan(x).any():
        raise ValueError("values must not be NaN (an unreachable world is +inf)")
    if groups is None:
        low, high = order_statistic_indices(n, quantile, confidence)
        ordered = np.sort(x)
        return (float(ordered[low - 1]) if low >= 1 else -math.inf, float(ordered[high - 1]) if high <= n else math.inf)
    groups = np.asarray(groups).ravel()
    if len(groups) != n:
        raise ValueError(f"groups has {len(groups)} entries, values has {n}")
    if not 0 < quantile < 1 or not 0 < confidence < 1:
        raise UserInputError(f"quantile and confidence must be in (0, 1), got {quantile} and {confidence}")
    labels = np.unique(groups)
    if len(labels) < 2:
        raise ValueError(f"an interval over scramblings needs at least two, got {len(labels)}")
    # per group its ⌈q·m⌉-th smallest value (inverted_cdf) and the order statistics either side
    near = np.empty((len(labels), 3))
    for r, g in enumerate(labels):
        own = np.sort(x[groups == g])
        k = math.ceil(quantile * len(own) - 1e-9)
        near[r] = [own[k - 2] if k >= 2 else -math.inf, own[k - 1], own[k] if k < len(own) else math.inf]
    q = near[:, 1]
    if np.isinf(q).all():
        return math.inf, math.inf
    censored = np.where(np.isinf(q), x[np.isfinite(x)].max(), q)
    half = float(stats.t.ppf(0.5 + confidence / 2, len(q) - 1) * censored.std(ddof=1) / math.sqrt(len(q)))
    centre = float(censored.mean())
    below, above = near[:, 0].mean(), near[:, 2].mean()
    low = min(centre - half, float(below))
    high = math.inf if np.isinf(q).any() else max(centre + half, float(above))
    return float(tidy(low)) if math.isfinite(low) else low, float(tidy(high)) if math.isfinite(high) else high


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


#: Worlds per block of the vectorized bisection (each world is evaluated at GRID points at once).
BISECT_BLOCK = 2**14


def _bisect_worlds(A, B, stack, parameter, target, values, tol: float = 1e-6) -> np.ndarray:
    """Each world's least value of ``parameter`` reaching ``target`` by the search of
    :func:`solver.design.minimal_strength` (a grid of GRID points over the range, FINE_GRID where
    none holds, then bisection between the last failing and the first holding grid point), for
    all worlds at once with :func:`level_codes`; NaN where no grid point holds.

    The steps are decided by the float signs (``level_codes(..., exact=False)``): the boundary
    is located to within the exact-decision band (about 10⁻⁶ of the payoff scale), not snapped
    to a short decimal as minimal_strength does; :func:`robust_strength` confirms its one
    answer on every world exactly. The value returned is the bisection's upper end.
    """
    n = len(A)
    out = np.full(n, np.nan)
    code = LEVELS.index(target)
    low, high, open_low, open_high = _range(stack[0], parameter, A, B, None)
    inner = 1e-9 * np.maximum(1.0, high - low)
    lo_s = low + inner if open_low else low
    hi_s = high - inner if open_high else high

    def holds(rows: np.ndarray, x: np.ndarray, exact: bool = True) -> np.ndarray:
        """Whether the target holds in worlds ``rows`` (repeated as x's columns) at values x (m, g)."""
        g = x.shape[1]
        at = [None if v is None else {key: np.repeat(np.asarray(a)[rows], g) for key, a in v.items()} for v in values]
        at[0] = {**(at[0] or {}), parameter: x.ravel()}
        codes = level_codes(np.repeat(A[rows], g, axis=0), np.repeat(B[rows], g, axis=0), stack, dict(enumerate(at)), exact=exact)
        return (codes <= code).reshape(len(rows), g)

    for start in range(0, n, BISECT_BLOCK):
        rows = np.arange(start, min(n, start + BISECT_BLOCK))
        fractions = np.linspace(0.0, 1.0, GRID)
        grid = lo_s[rows, None] + (hi_s - lo_s)[rows, None] * fractions
        flags = holds(rows, grid)
        none = ~flags.any(axis=1)
        if none.any():  # a window narrower than the grid's step: look again, eight times finer
            fine = np.linspace(0.0, 1.0, FINE_GRID)
            again = rows[none]
            fine_grid = lo_s[again, None] + (hi_s - lo_s)[again, None] * fine
            fine_flags = holds(again, fine_grid)
            found = fine_flags.any(axis=1)
            first = np.argmax(fine_flags, axis=1)
            a_f = np.where(first > 0, fine_grid[np.arange(len(again)), np.maximum(first - 1, 0)], np.nan)
            b_f = fine_grid[np.arange(len(again)), first]
        first = np.argmax(flags, axis=1)
        a = np.where(first > 0, grid[np.arange(len(rows)), np.maximum(first - 1, 0)], np.nan)
        b = grid[np.arange(len(rows)), first]
        if none.any():
            a[none], b[none] = a_f, b_f
            b[np.flatnonzero(none)[~found]] = np.nan
        # first grid point holds: the range's low end (open: the end itself, not attained)
        at_low = ~np.isnan(b) & np.isnan(a)
        result = np.where(at_low, low[rows], np.nan)
        search = ~np.isnan(a) & ~np.isnan(b)
        lo_b, hi_b, idx = a[search], b[search], rows[search]
        for _ in range(200):
            wide = hi_b - lo_b > tol * np.maximum(1.0, np.abs(hi_b))
            if not wide.any():
                break
            mid = 0.5 * (lo_b[wide] + hi_b[wide])
            # float decisions: near the boundary a wrong one moves the bracket by less than the
            # band; the check below catches worlds where floats misjudge more than that
            ok = holds(idx[wide], mid[:, None], exact=False)[:, 0]
            w = np.flatnonzero(wide)
            hi_b[w[ok]] = mid[ok]
            lo_b[w[~ok]] = mid[~ok]
        result[np.flatnonzero(search)] = hi_b
        # Exact check of each bisected world: the target holds just above its value and fails
        # just below. A world where it does not (a tie the floats cannot see, a window) is
        # searched again on its own by minimal_strength.
        pos = np.flatnonzero(search)
        if len(pos):
            v = result[pos]
            step = 1e-5 * np.maximum(1.0, np.abs(v))
            below = np.maximum(v - step, lo_s[rows[pos]])
            good = holds(rows[pos], (v + step)[:, None])[:, 0] & ((v - step < lo_s[rows[pos]]) | ~holds(rows[pos], below[:, None])[:, 0])
            for j in pos[~good]:
                i = int(rows[j])
                world = _stack_at(stack, values, i)
                s = minimal_strength(Game(A[i], B[i]), world[0], parameter, target, others=world[1:])
                result[j] = s.value if s.feasible else np.nan
        out[rows] = result
    return out


def _pointwise(A, B, stack, parameter, target, values) -> tuple[np.ndarray, np.ndarray]:
    """Threshold and a confirmed value per world (NaN where unreachable)."""
    found = batch_minimal_strength(A, B, stack, 0, parameter, target, values)
    if found is not None:
        return found.value, found.used
    if not any(isinstance(m, RepeatedPlay) for m in stack):  # a stage target with no formula: bisect every world at once
        value = _bisect_worlds(A, B, stack, parameter, target, values)
        # confirmed just above the float boundary, beyond the band where floats may misjudge
        return value, np.where(value == _range(stack[0], parameter, A, B, None)[0], value, value + 1e-5 * np.maximum(1.0, np.abs(value)))
    value, used = np.full(len(A), np.nan), np.full(len(A), np.nan)
    for i in range(len(A)):  # repeated play: world by world
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
        raise UserInputError(f"target must be a level other than 'none' ({', '.join(LEVELS[:-1])}), got {target!r}")
    if parameter not in type(mechanism).RANGES:
        raise UserInputError(f"{type(mechanism).__name__} has no numeric parameter {parameter!r}; parameters: {', '.join(type(mechanism).RANGES)}")
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
    groups: npt.ArrayLike | None = None,
    interval_confidence: float = 0.95,
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
    groups : array_like of int (n,), optional
        Each world's independent QMC scrambling (as
        :func:`solver.robust.scenario.sample_worlds` returns them); None for independent draws.
    interval_confidence : float
        The nominal coverage of ``interval`` (:func:`quantile_interval` of the pointwise
        strengths), in (0, 1).

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
    UserInputError
        For a confidence outside (0, 1), a target ``none`` or unknown, or bad arrays.
    """
    if not 0 < confidence < 1:
        raise UserInputError(f"confidence must be in (0, 1), got {confidence}")
    if not 0 < interval_confidence < 1:
        raise UserInputError(f"interval_confidence must be in (0, 1), got {interval_confidence}")
    if target not in LEVELS or target == "none":
        raise UserInputError(f"target must be a level other than 'none' ({', '.join(LEVELS[:-1])}), got {target!r}")
    if parameter not in type(mechanism).RANGES:
        raise UserInputError(f"{type(mechanism).__name__} has no numeric parameter {parameter!r}; parameters: {', '.join(type(mechanism).RANGES)}")
    A, B = _arrays(A, B)
    n = len(A)
    if groups is not None:
        groups = np.asarray(groups).ravel()
        if len(groups) != n:
            raise ValueError(f"groups has {len(groups)} entries, the worlds are {n}")
        if len(np.unique(groups)) < 2:
            raise ValueError("groups must name at least two scramblings")

    def interval(pointwise: np.ndarray) -> tuple[float, float]:
        return quantile_interval(pointwise, confidence, groups=groups, confidence=interval_confidence)
    stack = [mechanism, *others]
    values = _param_list(stack, params, n)
    k = math.ceil(confidence * n - 1e-9)  # the share k / n ≥ confidence, k the least such
    wanted = LEVELS.index(target)  # the codes that reach the target: 0 … wanted

    def share_at(x: float) -> float:
        at = dict(values[0] or {})
        at[parameter] = np.full(n, x)
        codes = level_codes(A, B, stack, {0: at, **{j: v for j, v in enumerate(values) if j and v}})
        return float(np.count_nonzero(codes <= wanted)) / n

    def result(value, closed, at, share) -> RobustStrength:
        cost_params = {name: np.broadcast_to(np.asarray(getattr(mechanism, name), dtype=float), (n,)) for name in type(mechanism).RANGES}
        cost_params.update(values[0] or {})
        cost_params[parameter] = np.full(n, at)
        payer, cost = cost_at_cc(mechanism, cost_params)
        # the printed value: rounded up where the target still holds there in the share
        shown = up4(value)
        if float(shown) != value and share_at(float(shown)) < confidence - 1e-12:
            shown = f"{value:.12g}"
        return RobustStrength(
            value, closed, at, share, float(reachable.mean()), confidence, float(tidy(np.mean(cost))), payer, parameter, target, interval(pointwise), pointwise,
            shown,
        )  # fmt: skip

    formula = _formula(A, B, stack, parameter, target, values)
    if formula is not None:  # the formulas' quantile, confirmed on every world: it holds there, fails just below
        reachable = ~np.isnan(formula[0])
        pointwise = np.where(reachable, formula[0], np.inf)
        if int(reachable.sum()) >= k:
            x = float(np.sort(formula[0][reachable])[k - 1])
            step = STEP * max(1.0, abs(x))
            bottom, _, open_bottom, _ = type(mechanism).RANGES[parameter]
            # at the range's closed low end (no subsidy needed) there is nothing below to fail
            if (x <= bottom and not open_bottom) or share_at(x - step) < confidence - 1e-12:
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
    return RobustStrength(None, False, None, best, float(reachable.mean()), confidence, None, payer, parameter, target, interval(pointwise), pointwise)
