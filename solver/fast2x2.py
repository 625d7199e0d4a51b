"""An exact vectorized path for many 2×2 games at once: equilibria, degeneracy, cooperation.

For a 2×2 game the best-response polytopes have at most three vertices each (after
normalization): the two pure strategies and, when it lies strictly inside, the mixed strategy
that makes the other player indifferent. The extreme equilibria are the fully labelled vertex
pairs (von Stengel 2007), so every game needs at most 3 × 3 label checks — done for all games
at once in numpy, with no Python loop per game. This is the same enumeration as
:mod:`solver.exact` (and so as Gambit's ``enummixed``): the tests hold it to the nashpy-based
:func:`solver.equilibria` on 10,000 random games, a quarter of them with ties.

Every decision agrees with the exact path (:mod:`solver.exact`, :mod:`solver.cooperation`),
which compares the payoffs as rationals (:func:`games.game.rational`). The floats decide a
game only when every quantity a decision rests on — the four incentive gaps, their two
differences and the difference of the risk-dominance products — is farther than
:data:`BAND` times the payoff range from zero, where float error and the rational reading
cannot change a sign; the few games inside the band are decided again exactly, one by one (a
filtered exact predicate).

Examples
--------
>>> import numpy as np
>>> A = np.array([[[3, 0], [5, 1]], [[4, 0], [3, 2]]], dtype=float)   # a dilemma, a stag hunt
>>> B = np.transpose(A, (0, 2, 1))
>>> r = solve_2x2(A, B)
>>> r.count.tolist(), r.level.tolist()
([1, 3], ['none', 'strict'])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .cooperation import LEVELS
from .nash import TOLERANCE

__all__ = ["BAND", "Solved2x2", "levels_2x2", "report_from_batch", "solve_2x2", "stack_games"]

#: Relative distance from zero below which a game is decided exactly rather than in floats.
BAND = 1e-6


@dataclass(frozen=True)
class Solved2x2:
    """Equilibria and cooperation report fields of N 2×2 games.

    Attributes
    ----------
    p, q : arrays (N, 9)
        Each extreme equilibrium's probability that the row (p) and column (q) government
        cooperates, in the stable order of :func:`solver.equilibria`; NaN beyond ``count``.
    count : array (N,)
    degenerate, continuum : arrays (N,) of bool
    nash, strict, unique, dominant, risk_dominant : arrays (N,) of bool
    level : array (N,) of str
    payoffs : array (N, 9, 2)
        Both expected payoffs at each equilibrium.
    """

    p: np.ndarray
    q: np.ndarray
    count: np.ndarray
    degenerate: np.ndarray
    continuum: np.ndarray
    nash: np.ndarray
    strict: np.ndarray
    unique: np.ndarray
    dominant: np.ndarray
    risk_dominant: np.ndarray
    level: np.ndarray
    payoffs: np.ndarray


def stack_games(games) -> tuple[np.ndarray, np.ndarray]:
    """Stack 2×2 :class:`games.Game` objects into arrays A, B of shape (N, 2, 2)."""
    A = np.array([g.row_payoffs for g in games], dtype=float).reshape(-1, 2, 2)
    B = np.array([g.col_payoffs for g in games], dtype=float).reshape(-1, 2, 2)
    return A, B


def solve_2x2(A: npt.ArrayLike, B: npt.ArrayLike, *, payoffs: bool = True) -> Solved2x2:
    """Every extreme Nash equilibrium and the cooperation report fields of N 2×2 games.

    Parameters
    ----------
    A, B : array_like, shape (N, 2, 2) or (2, 2)
        Row and column payoffs; strategy 0 is cooperate, and (C, C) is the only fully
        cooperative profile (the default cooperation matrix).
    payoffs : bool
        Whether to compute the expected payoffs at each equilibrium (NaN otherwise).
    """
    A = np.asarray(A, dtype=float).reshape(-1, 2, 2)
    B = np.asarray(B, dtype=float).reshape(-1, 2, 2)
    n = len(A)

    def spread(M: np.ndarray) -> np.ndarray:  # max − min of each game's four payoffs, elementwise
        m00, m01, m10, m11 = M[:, 0, 0], M[:, 0, 1], M[:, 1, 0], M[:, 1, 1]
        return np.maximum(np.maximum(m00, m01), np.maximum(m10, m11)) - np.minimum(np.minimum(m00, m01), np.minimum(m10, m11))

    scale = np.maximum(np.maximum(spread(A), spread(B)), 1.0)
    eps = TOLERANCE * scale

    # Vertices of the row's polytope: x = (p, 1 − p) with p ∈ {1, 0, p*}; p* makes the column
    # indifferent: B₀₀p + B₁₀(1 − p) = B₀₁p + B₁₁(1 − p).
    c0 = B[:, 1, 0] - B[:, 1, 1]  # column's advantage of C against row's D
    c1 = (B[:, 0, 0] - B[:, 0, 1]) - c0
    r0 = A[:, 0, 1] - A[:, 1, 1]  # row's advantage of C against column's D
    r1 = (A[:, 0, 0] - A[:, 1, 0]) - r0
    with np.errstate(divide="ignore", invalid="ignore"):
        pstar = np.where(np.abs(c1) > eps, -c0 / c1, np.nan)
        qstar = np.where(np.abs(r1) > eps, -r0 / r1, np.nan)
    pvals = np.stack([np.ones(n), np.zeros(n), pstar], axis=1)  # (n, 3)
    qvals = np.stack([np.ones(n), np.zeros(n), qstar], axis=1)
    inside = 1e-12  # a mixed vertex at p* = 0 or 1 is the pure one
    pvalid = np.stack([np.ones(n, bool), np.ones(n, bool), np.isfinite(pstar) & (pstar > inside) & (pstar < 1 - inside)], axis=1)
    qvalid = np.stack([np.ones(n, bool), np.ones(n, bool), np.isfinite(qstar) & (qstar > inside) & (qstar < 1 - inside)], axis=1)

    # Labels as 4-bit masks. x: bit 0 row's C unused (p = 0), bit 1 row's D unused (p = 1),
    # bit 2 column's C a best response, bit 3 column's D a best response; y likewise with the
    # row's best responses in bits 0, 1 and the column's unused strategies in bits 2, 3.
    col_adv = c0[:, None] + c1[:, None] * np.nan_to_num(pvals)
    row_adv = r0[:, None] + r1[:, None] * np.nan_to_num(qvals)
    e = eps[:, None]
    xbits = (pvals == 0) * 1 + (pvals == 1) * 2 + (col_adv >= -e) * 4 + (col_adv <= e) * 8
    ybits = (row_adv >= -e) * 1 + (row_adv <= e) * 2 + (qvals == 0) * 4 + (qvals == 1) * 8
    xbits[:, 2] = 12  # the mixed vertex: both column strategies best responses, nothing unused
    ybits[:, 2] = 3
    popcount = np.array([bin(k).count("1") for k in range(16)])
    many = (popcount[xbits] > 2) & pvalid
    degenerate = many[:, 0] | many[:, 1] | many[:, 2]
    many = (popcount[ybits] > 2) & qvalid
    degenerate |= many[:, 0] | many[:, 1] | many[:, 2]
    full = ((xbits[:, :, None] | ybits[:, None, :]) == 15) & pvalid[:, :, None] & qvalid[:, None, :]  # (n, 3, 3)
    f8 = full.astype(np.int8)
    per_x = f8[:, :, 0] + f8[:, :, 1] + f8[:, :, 2]
    per_y = f8[:, 0, :] + f8[:, 1, :] + f8[:, 2, :]
    continuum = (per_x > 1).any(axis=1) | (per_y > 1).any(axis=1)

    # Order as solver.equilibria: pure first (support size), then more weight on C first.
    P = np.broadcast_to(pvals[:, :, None], (n, 3, 3)).reshape(n, 9)
    Q = np.broadcast_to(qvals[:, None, :], (n, 3, 3)).reshape(n, 9)
    mask = full.reshape(n, 9)
    size = (np.where((P == 0) | (P == 1), 1, 2) + np.where((Q == 0) | (Q == 1), 1, 2)).astype(float)
    keys = np.where(mask, size * 1e6 + (1 - P) * 1e3 + (1 - Q), np.inf)
    order = np.argsort(keys, axis=1, kind="stable")
    P = np.take_along_axis(np.where(mask, P, np.nan), order, axis=1)
    Q = np.take_along_axis(np.where(mask, Q, np.nan), order, axis=1)
    count = per_x.sum(axis=1)
    cc, cd, dc, dd = P * Q, P * (1 - Q), (1 - P) * Q, (1 - P) * (1 - Q)

    def expected(M: np.ndarray) -> np.ndarray:
        return cc * M[:, 0, 0, None] + cd * M[:, 0, 1, None] + dc * M[:, 1, 0, None] + dd * M[:, 1, 1, None]

    values = np.stack([expected(A), expected(B)], axis=2) if payoffs else np.full((n, 9, 2), np.nan)

    # Cooperation report (docs/models.md) with (C, C) the only fully cooperative profile.
    a1r, a1c = A[:, 0, 0] - A[:, 1, 0], B[:, 0, 0] - B[:, 0, 1]
    a2r, a2c = A[:, 0, 1] - A[:, 1, 1], B[:, 1, 0] - B[:, 1, 1]
    nash = (a1r >= -eps) & (a1c >= -eps)
    strict = (a1r > eps) & (a1c > eps)
    unique = nash & (count == 1)
    dominant = strict & (a2r > eps) & (a2c > eps)
    dd_strict = (-a2r > eps) & (-a2c > eps)
    mine, theirs = a1r * a1c, a2r * a2c  # products of deviation losses at (C, C) and (D, D)
    tie = np.abs(mine - theirs) <= eps * scale
    risk_dominant = strict & (~dd_strict | ((mine > theirs) & ~tie))
    codes = np.select([dominant, unique, risk_dominant, strict, nash], [0, 1, 2, 3, 4], default=5)
    level = np.array(LEVELS, dtype=object)[codes]
    result = Solved2x2(P, Q, count, degenerate, continuum, nash, strict, unique, dominant, risk_dominant, level, values)
    band = BAND * scale
    near = np.zeros(n, dtype=bool)
    for x in (a1r, a1c, a2r, a2c, a1r - a2r, a1c - a2c):
        near |= np.abs(x) <= band
    near |= np.abs(mine - theirs) <= band * scale
    for k in np.flatnonzero(near):
        _decide_exactly(A[k], B[k], result, int(k), payoffs)
    return result


def _decide_exactly(A: np.ndarray, B: np.ndarray, out: Solved2x2, k: int, payoffs: bool) -> None:
    """Game ``k`` decided in exact rationals; its entries of ``out`` are overwritten in place."""
    from games.game import matrix_scale, rational

    from .exact import exact_payoffs, extreme_equilibria

    scale_a, scale_b = matrix_scale(A), matrix_scale(B)
    a = [[rational(v, scale_a) for v in row] for row in A.tolist()]
    b = [[rational(v, scale_b) for v in row] for row in B.tolist()]
    found = extreme_equilibria(a, b)
    pairs = sorted(found.equilibria, key=lambda e: (sum(1 if v in (0, 1) else 2 for v in (e[0][0], e[1][0])), -e[0][0], -e[1][0]))
    out.p[k], out.q[k], out.payoffs[k] = np.nan, np.nan, np.nan
    for i, (x, y) in enumerate(pairs):
        out.p[k, i], out.q[k, i] = float(x[0]), float(y[0])
        if payoffs:
            out.payoffs[k, i] = exact_payoffs(a, b, x, y)
    g1r, g1c = a[0][0] - a[1][0], b[0][0] - b[0][1]
    g2r, g2c = a[0][1] - a[1][1], b[1][0] - b[1][1]
    nash = g1r >= 0 and g1c >= 0
    strict = g1r > 0 and g1c > 0
    dominant = strict and g2r > 0 and g2c > 0
    risk = strict and (not (g2r < 0 and g2c < 0) or g1r * g1c > g2r * g2c)
    out.count[k] = len(pairs)
    out.degenerate[k], out.continuum[k] = found.degenerate, found.continuum
    out.nash[k], out.strict[k], out.unique[k], out.dominant[k], out.risk_dominant[k] = nash, strict, nash and len(pairs) == 1, dominant, risk
    out.level[k] = next((name for name, flag in zip(LEVELS, (dominant, nash and len(pairs) == 1, risk, strict, nash)) if flag), "none")


def report_from_batch(game, solved: Solved2x2, k: int):
    """The :class:`~solver.cooperation.CooperationReport` of game ``k`` of a batch (no basin)."""
    from games import game_type

    from .cooperation import CooperationReport
    from .nash import Equilibrium, EquilibriumSet

    eqs = []
    for i in range(int(solved.count[k])):
        p, q = float(solved.p[k, i]), float(solved.q[k, i])
        x, y = (p, 1.0 - p), (q, 1.0 - q)
        payoffs = (float(solved.payoffs[k, i, 0]), float(solved.payoffs[k, i, 1]))
        eqs.append(Equilibrium(row=x, col=y, payoffs=payoffs, cooperation=p * q))
    notes = []
    if solved.continuum[k]:
        notes.append("the equilibria form a continuum; the listed ones are its extreme points")
    elif solved.degenerate[k]:
        notes.append("the game is degenerate (a mixed strategy has more pure best responses than its support size)")
    eq_set = EquilibriumSet(game, tuple(eqs), bool(solved.degenerate[k]), bool(solved.continuum[k]), "vectorized 2×2 vertex enumeration", notes=tuple(notes))
    return CooperationReport(
        nash=bool(solved.nash[k]),
        strict=bool(solved.strict[k]),
        unique=bool(solved.unique[k]),
        dominant=bool(solved.dominant[k]),
        risk_dominant=bool(solved.risk_dominant[k]),
        basin=None,
        level=str(solved.level[k]),
        equilibria=eq_set,
        game_type=game_type(game),
        cooperative_profiles=((0, 0),) if solved.nash[k] else (),
        notes=tuple(notes),
    )


#: Games per block of :func:`levels_2x2`: its few temporaries (about 1 MB) stay in cache.
CHUNK = 1 << 15


def levels_2x2(A: npt.ArrayLike, B: npt.ArrayLike, *, exact: bool = True) -> np.ndarray:
    """The cooperation level of each of N 2×2 games, as its index into :data:`solver.LEVELS`.

    ``LEVELS[levels_2x2(A, B)[k]] == solve_2x2(A, B).level[k]`` for every game: the same
    decision, with nothing else computed (no equilibria, no payoffs), in blocks of
    :data:`CHUNK` games with preallocated buffers.

    Parameters
    ----------
    A, B : array_like, shape (N, 2, 2) or (2, 2)
        Row and column payoffs; strategy 0 is cooperate.
    exact : bool
        Whether the games inside the band are decided exactly (the default). With False they
        are decided by the signs of the float gaps too: a search that only needs to locate a
        boundary to within the band (the bisection of :mod:`solver.robust.engine`, whose answer
        is then confirmed exactly) skips the exact decisions at every step near it.

    Returns
    -------
    array (N,) of int8
        0 dominant, 1 unique, 2 risk-dominant, 3 strict, 4 weak, 5 none.

    Raises
    ------
    ValueError
        If A and B do not have the same number of games.

    Notes
    -----
    Outside the band of :func:`solve_2x2` (every gap a₁, a₂ of both players, their
    differences and the difference of the risk-dominance products farther than
    :data:`BAND` × scale from zero) no label of the vertex enumeration is within the
    tolerance, so the equilibria follow from the signs of the gaps alone: with a₁ > 0 for
    both players, (C, C) is strict, and it is the only equilibrium unless a₂ < 0 for both
    (then (D, D) and one mixed equilibrium exist too, and risk dominance compares a₁ᵣa₁꜀ with
    a₂ᵣa₂꜀); with some a₁ < 0 it is not an equilibrium. The games inside the band go to
    :func:`solve_2x2`, which decides them exactly, so the two agree game by game.

    Examples
    --------
    >>> A = np.array([[[3, 0], [5, 1]], [[4, 0], [3, 2]], [[5, 3], [3, 1]]], dtype=float)
    >>> levels_2x2(A, np.transpose(A, (0, 2, 1))).tolist()     # dilemma, stag hunt, harmony
    [5, 3, 0]
    """
    A = np.asarray(A, dtype=float).reshape(-1, 2, 2)
    B = np.asarray(B, dtype=float).reshape(-1, 2, 2)
    if A.shape != B.shape:
        raise ValueError(f"A and B must hold the same number of 2×2 games, got {len(A)} and {len(B)}")
    n = len(A)
    codes = np.empty(n, dtype=np.int8)
    m = min(n, CHUNK)
    f = np.empty((8, m))  # gaps g1r, g1c, g2r, g2c; scale, band; two scratch rows
    t = np.empty((4, m), dtype=bool)
    c = np.empty(m, dtype=np.int8)
    near_games = []
    for start in range(0, n, CHUNK):
        stop = min(n, start + CHUNK)
        k = stop - start
        a, b = A[start:stop], B[start:stop]
        g1r, g1c, g2r, g2c, scale, band, x, y = (row[:k] for row in f)
        near, hit, u, v = (row[:k] for row in t)
        cc = c[:k]
        np.subtract(a[:, 0, 0], a[:, 1, 0], out=g1r)
        np.subtract(b[:, 0, 0], b[:, 0, 1], out=g1c)
        np.subtract(a[:, 0, 1], a[:, 1, 1], out=g2r)
        np.subtract(b[:, 1, 0], b[:, 1, 1], out=g2c)
        for M, spread in ((a, scale), (b, band)):  # max − min of the four payoffs, as solve_2x2
            np.maximum(M[:, 0, 0], M[:, 0, 1], out=spread)
            np.maximum(M[:, 1, 0], M[:, 1, 1], out=x)
            np.maximum(spread, x, out=spread)
            np.minimum(M[:, 0, 0], M[:, 0, 1], out=x)
            np.minimum(M[:, 1, 0], M[:, 1, 1], out=y)
            np.minimum(x, y, out=x)
            np.subtract(spread, x, out=spread)
        np.maximum(scale, band, out=scale)
        np.maximum(scale, 1.0, out=scale)
        np.multiply(scale, BAND, out=band)  # BAND · scale, the band of solve_2x2
        # near: the games solve_2x2 decides exactly (the same quantities, the same floats)
        np.less_equal(np.abs(g1r, out=x), band, out=near)
        for g in (g1c, g2r, g2c):
            np.logical_or(near, np.less_equal(np.abs(g, out=x), band, out=hit), out=near)
        np.subtract(g1r, g2r, out=x)
        np.logical_or(near, np.less_equal(np.abs(x, out=x), band, out=hit), out=near)
        np.subtract(g1c, g2c, out=x)
        np.logical_or(near, np.less_equal(np.abs(x, out=x), band, out=hit), out=near)
        np.multiply(g1r, g1c, out=x)  # mine
        np.multiply(g2r, g2c, out=y)  # theirs
        np.multiply(band, scale, out=band)
        np.subtract(x, y, out=scale)
        np.logical_or(near, np.less_equal(np.abs(scale, out=scale), band, out=hit), out=near)
        # outside the band: signs decide (code = 5 − 4·strict + strict·dd·(1 + [mine ≤ theirs]) − dominant)
        np.logical_and(np.greater(g1r, 0.0, out=u), np.greater(g1c, 0.0, out=hit), out=u)  # strict
        np.logical_and(np.less(g2r, 0.0, out=v), np.less(g2c, 0.0, out=hit), out=v)  # (D, D) strict
        np.logical_and(v, u, out=v)
        np.multiply(u, np.int8(-4), out=cc)
        np.add(cc, np.int8(5), out=cc)
        np.add(cc, v, out=cc, casting="unsafe")
        np.logical_and(v, np.less_equal(x, y, out=hit), out=v)
        np.add(cc, v, out=cc, casting="unsafe")
        np.logical_and(u, np.greater(g2r, 0.0, out=hit), out=u)
        np.logical_and(u, np.greater(g2c, 0.0, out=hit), out=u)  # dominant
        np.subtract(cc, u, out=cc, casting="unsafe")
        codes[start:stop] = cc
        if near.any():
            near_games.append(start + np.flatnonzero(near))
    if near_games and exact:
        index = np.concatenate(near_games)
        exact = solve_2x2(A[index], B[index], payoffs=False).level
        codes[index] = [LEVELS.index(level) for level in exact]
    return codes
