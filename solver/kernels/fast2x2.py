"""Exact 2×2 kernels: equilibria, degeneracy and cooperation of one game or of many at once.

For a 2×2 game the best-response polytopes have at most three vertices each (after
normalization): the two pure strategies and, when it lies strictly inside, the mixed strategy
that makes the other player indifferent. The extreme equilibria are the fully labelled vertex
pairs (von Stengel 2007); for a 2×2 game they follow in closed form from the signs of the four
incentive gaps and from which of them are exactly zero (:func:`_exact_decision`, at most four
pairs). This is the same enumeration as :mod:`solver.kernels.exact` (and so as Gambit's
``enummixed``): tests/reference/test_fast2x2_exact.py holds the closed forms to both on
thousands of tie-heavy games. :func:`solve_2x2` decides N games as arrays (structure of arrays,
blocks that stay in cache), :func:`solve_single` one game in plain Python floats, with the same
answers bit for bit; :func:`levels_2x2` computes the cooperation level only.

Every decision agrees with the exact path (:mod:`solver.kernels.exact`, :mod:`solver.cooperation`),
which compares the payoffs as rationals (:func:`games.game.rational`). The floats decide a
game only when every quantity a decision rests on — the four incentive gaps, their two
differences and the difference of the risk-dominance products — is farther than
:data:`BAND` times the payoff range from zero, where float error and the rational reading
cannot change a sign; the few games inside the band are decided exactly, one by one, by the
closed forms in integers over each matrix's common denominator (a filtered exact predicate;
a few microseconds a game, where the general enumeration took about 0.35 ms).

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

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from .levels import LEVELS

__all__ = ["BAND", "Pair2x2", "Single2x2", "Solved2x2", "exact_2x2", "levels_2x2", "solve_2x2", "solve_single", "stack_games"]

#: Relative distance from zero below which a game is decided exactly rather than in floats.
BAND = 1e-6

#: Most extreme equilibria a 2×2 game has (every profile of a constant game): the width of
#: the arrays of :class:`Solved2x2`.
MAX_EQUILIBRIA = 4

#: Games per block of :func:`solve_2x2` and :func:`levels_2x2`: their temporaries stay in cache.
CHUNK = 1 << 15

_LEVEL_NAMES = np.array(LEVELS, dtype=object)
_EXACT_INT = 2.0**53  # integer-valued floats below this are exact integers


@dataclass(frozen=True)
class Solved2x2:
    """Equilibria and cooperation report fields of N 2×2 games.

    Attributes
    ----------
    p, q : arrays (N, 4)
        Each extreme equilibrium's probability that the row (p) and column (q) government
        cooperates, in the stable order of :func:`solver.equilibria`; NaN beyond ``count``.
    count : array (N,)
    degenerate, continuum : arrays (N,) of bool
    nash, strict, unique, dominant, risk_dominant : arrays (N,) of bool
    level : array (N,) of str
    payoffs : array (N, 4, 2)
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

    def to_frame(self):
        """The batch as a pandas table, one row per game: the report fields, ``count``, and
        ``p0``…``p3``, ``q0``…``q3``, ``u0``…``u3`` (row payoff), ``v0``…``v3`` (column
        payoff) of each equilibrium (NaN beyond ``count``). The columns are views or copies of
        the arrays; nothing is built per game.

        Examples
        --------
        >>> solve_2x2([[[4, 0], [3, 2]]], [[[4, 3], [0, 2]]]).to_frame()[["count", "level", "p0", "p2"]]
           count   level   p0        p2
        0      3  strict  1.0  0.666667
        """
        import pandas as pd

        columns = {name: getattr(self, name) for name in ("count", "level", "nash", "strict", "unique", "dominant", "risk_dominant", "degenerate", "continuum")}
        for i in range(MAX_EQUILIBRIA):
            columns[f"p{i}"], columns[f"q{i}"] = self.p[:, i], self.q[:, i]
            columns[f"u{i}"], columns[f"v{i}"] = self.payoffs[:, i, 0], self.payoffs[:, i, 1]
        return pd.DataFrame(columns)


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

    Returns
    -------
    Solved2x2
        Game k's fields equal :func:`solve_single` of game k, bit for bit.

    Raises
    ------
    ValueError
        If A and B do not hold the same number of 2×2 games.

    Notes
    -----
    Structure of arrays, in blocks of :data:`CHUNK` games whose temporaries stay in cache.
    Outside the band (every gap, gap difference and the risk-dominance difference farther
    than :data:`BAND` × scale from zero) the game is non-degenerate and its equilibria follow
    from the signs of the four gaps: one pure equilibrium; or two pure ones, (C, C) and (D, D)
    or (C, D) and (D, C), and the mixed one; or the mixed one alone. The games inside the band
    are decided one by one by the exact closed forms (:func:`solve_single`).
    """
    A = np.asarray(A, dtype=float).reshape(-1, 2, 2)
    B = np.asarray(B, dtype=float).reshape(-1, 2, 2)
    if A.shape != B.shape:
        raise ValueError(f"A and B must hold the same number of 2×2 games, got {len(A)} and {len(B)}")
    n = len(A)
    # Column-major (each slot's N values contiguous), indexed [game, slot] as usual.
    P = np.empty((MAX_EQUILIBRIA, n)).T
    Q = np.empty((MAX_EQUILIBRIA, n)).T
    values = np.empty((MAX_EQUILIBRIA, 2, n)).transpose(2, 0, 1)
    count = np.empty(n, dtype=np.int64)
    flags = np.empty((5, n), dtype=bool)  # nash (= strict outside the band), strict, unique, dominant, risk
    codes = np.empty(n, dtype=np.int8)
    near_games = []
    nan = np.nan
    with np.errstate(divide="ignore", invalid="ignore"):
        for start in range(0, n, CHUNK):
            stop = min(n, start + CHUNK)
            a, b = A[start:stop], B[start:stop]
            a00, a01, a10, a11 = a[:, 0, 0], a[:, 0, 1], a[:, 1, 0], a[:, 1, 1]
            b00, b01, b10, b11 = b[:, 0, 0], b[:, 0, 1], b[:, 1, 0], b[:, 1, 1]
            g1r, g2r, g1c, g2c = a00 - a10, a01 - a11, b00 - b01, b10 - b11
            spread_a = np.maximum(np.maximum(a00, a01), np.maximum(a10, a11)) - np.minimum(np.minimum(a00, a01), np.minimum(a10, a11))
            spread_b = np.maximum(np.maximum(b00, b01), np.maximum(b10, b11)) - np.minimum(np.minimum(b00, b01), np.minimum(b10, b11))
            scale = np.maximum(np.maximum(spread_a, spread_b), 1.0)
            band = BAND * scale
            dr, dc = g1r - g2r, g1c - g2c  # r₁ and c₁: p* = −c₀/c₁ with c₀ = a₂꜀
            with np.errstate(over="ignore", invalid="ignore"):  # huge payoffs: the products overflow
                mine, theirs = g1r * g1c, g2r * g2c
                near = np.abs(g1r) <= band
                for x in (g1c, g2r, g2c, dr, dc):
                    near |= np.abs(x) <= band
                near |= ~(np.abs(mine - theirs) > band * scale) & np.isfinite(scale)  # an overflowing product (NaN) is near
            s1r, s2r, s1c, s2c = g1r > 0, g2r > 0, g1c > 0, g2c > 0
            e11 = s1c & s1r
            e10 = s2r & ~s1c
            e01 = s2c & ~s1r
            dd = ~s2c & ~s2r  # (D, D) an equilibrium (strict outside the band)
            npure = e11.view(np.int8) + e10.view(np.int8) + e01.view(np.int8) + dd.view(np.int8)
            mixed = (s1c ^ s2c) & (s1r ^ s2r)
            two = npure == 2
            lone = npure == 0
            pstar, qstar = -g2c / dc, -g2r / dr
            p, q = P[start:stop], Q[start:stop]
            p[:, 0] = np.where(lone, pstar, e11 | e10)
            q[:, 0] = np.where(lone, qstar, e11 | (e01 & ~e10))
            p[:, 1] = np.where(two, 0.0, nan)
            q[:, 1] = np.where(two, e01, nan)
            p[:, 2] = np.where(two, pstar, nan)
            q[:, 2] = np.where(two, qstar, nan)
            p[:, 3] = nan
            q[:, 3] = nan
            np.add(npure, mixed, out=count[start:stop], casting="unsafe")
            strict = s1r & s1c
            nash, strict_, unique, dominant, risk = (row[start:stop] for row in flags)
            strict_[...] = strict
            nash[...] = strict
            np.logical_and(strict, ~dd, out=unique)
            np.logical_and(unique, s2r & s2c, out=dominant)
            np.logical_and(strict, ~dd | (mine > theirs), out=risk)
            c = codes[start:stop]
            np.subtract(5, strict.view(np.int8) * 4, out=c)
            c += (strict & dd).view(np.int8) * (1 + (mine <= theirs).view(np.int8))
            c -= dominant.view(np.int8)
            v = values[start:stop]
            if payoffs:  # pure: the payoff itself (+ 0.0: no −0.0); mixed: expected payoffs at (p*, q*)
                cc, cd, dc_, dd_ = pstar * qstar, pstar * (1 - qstar), (1 - pstar) * qstar, (1 - pstar) * (1 - qstar)
                for who, (m00, m01, m10, m11) in enumerate(((a00, a01, a10, a11), (b00, b01, b10, b11))):
                    mix = cc * m00 + cd * m01 + dc_ * m10 + dd_ * m11
                    v[:, 0, who] = np.where(lone, mix, np.where(e11, m00, np.where(e10, m01, np.where(e01, m10, m11))) + 0.0)
                    v[:, 1, who] = np.where(two, np.where(e11, m11, m10) + 0.0, nan)
                    v[:, 2, who] = np.where(two, mix, nan)
                v[:, 3] = nan
            else:
                v[...] = nan
            if near.any():
                near_games.append(start + np.flatnonzero(near))
    level = _LEVEL_NAMES[codes]
    degenerate = np.zeros(n, dtype=bool)
    continuum = np.zeros(n, dtype=bool)
    result = Solved2x2(P, Q, count, degenerate, continuum, flags[0], flags[1], flags[2], flags[3], flags[4], level, values)
    if near_games:
        index = np.concatenate(near_games)
        a, b = A[index].reshape(-1, 4), B[index].reshape(-1, 4)
        small = np.all((np.abs(a) <= _SMALL) & (a == np.round(a)) & (np.abs(b) <= _SMALL) & (b == np.round(b)), axis=1)
        _decide_small_integers(a[small], b[small], result, index[small], payoffs)
        _decide_exactly(a[~small], b[~small], result, index[~small], payoffs)
    return result


#: Integer payoffs up to this size are decided exactly in float64 arithmetic (see below).
_SMALL = 2.0**16

# The nine candidate pairs of the closed forms, in the stable order: which vertex of each
# polytope (0: the pure C, 1: the pure D, 2: the mixed one) each pair joins.
_ROW_VERTEX = np.array([0, 0, 1, 1, 0, 2, 2, 1, 2])
_COL_VERTEX = np.array([0, 1, 0, 1, 2, 0, 1, 2, 2])


def _decide_small_integers(a: np.ndarray, b: np.ndarray, out: Solved2x2, index: np.ndarray, payoffs: bool) -> None:
    """Games of integer payoffs |x| ≤ 2¹⁶ decided by the closed forms, vectorized and exact.

    The same decision as :func:`_exact_decision` with every number exact in float64: the gaps
    (≤ 2¹⁷), their products (≤ 2³⁴), p* = a₂꜀/(a₂꜀ − a₁꜀) as a correctly rounded quotient of
    exact integers (what Python's int / int gives), and each expected payoff as its exact
    numerator (|·| ≤ denominator × 2¹⁶ ≤ 2⁵²) over its exact denominator (≤ 2³⁶), rounded once.
    """
    if not len(index):
        return
    a00, a01, a10, a11 = a.T
    b00, b01, b10, b11 = b.T
    g1r, g2r, g1c, g2c = a00 - a10, a01 - a11, b00 - b01, b10 - b11
    has_p, has_q = g1c * g2c < 0, g1r * g2r < 0
    pn, pd = np.abs(g2c), np.where(has_p, np.abs(g2c - g1c), 1.0)  # p* = pn / pd where it exists
    qn, qd = np.abs(g2r), np.where(has_q, np.abs(g2r - g1r), 1.0)
    m = len(index)
    ones, zeros = np.ones(m), np.zeros(m)
    full = np.stack(
        [
            (g1c >= 0) & (g1r >= 0),
            (g2r >= 0) & (g1c <= 0),
            (g2c >= 0) & (g1r <= 0),
            (g2c <= 0) & (g2r <= 0),
            has_q & (g1c == 0),
            has_p & (g1r == 0),
            has_p & (g2r == 0),
            has_q & (g2c == 0),
            has_p & has_q,
        ],
        axis=1,
    )  # (m, 9), the table of _exact_decision
    vn = np.stack([ones, zeros, pn])  # each vertex's numerator and denominator, (3, m)
    vd = np.stack([ones, ones, pd])
    wn = np.stack([ones, zeros, qn])
    wd = np.stack([ones, ones, qd])
    Pn, Pd, Qn, Qd = vn[_ROW_VERTEX].T, vd[_ROW_VERTEX].T, wn[_COL_VERTEX].T, wd[_COL_VERTEX].T  # (m, 9)
    slot = np.cumsum(full, axis=1) - 1
    rows, cols = np.nonzero(full)
    where = (index[rows], slot[rows, cols])
    out.p[index], out.q[index] = np.nan, np.nan
    out.p[where] = Pn[rows, cols] / Pd[rows, cols]
    out.q[where] = Qn[rows, cols] / Qd[rows, cols]
    if payoffs:
        out.payoffs[index] = np.nan
        pn_, pd_, qn_, qd_ = Pn[rows, cols], Pd[rows, cols], Qn[rows, cols], Qd[rows, cols]
        w = (pn_ * qn_, pn_ * (qd_ - qn_), (pd_ - pn_) * qn_, (pd_ - pn_) * (qd_ - qn_))
        den = pd_ * qd_
        for who, M in enumerate((a, b)):
            M = M[rows]
            out.payoffs[(*where, who)] = (w[0] * M[:, 0] + w[1] * M[:, 1] + w[2] * M[:, 2] + w[3] * M[:, 3] + 0.0) / den
    count = full.sum(axis=1)
    x_used = np.stack([full[:, [0, 1, 4]].sum(1), full[:, [2, 3, 7]].sum(1), full[:, [5, 6, 8]].sum(1)])
    y_used = np.stack([full[:, [0, 2, 5]].sum(1), full[:, [1, 3, 6]].sum(1), full[:, [4, 7, 8]].sum(1)])
    nash = (g1r >= 0) & (g1c >= 0)
    strict = (g1r > 0) & (g1c > 0)
    dominant = strict & (g2r > 0) & (g2c > 0)
    risk = strict & (~((g2r < 0) & (g2c < 0)) | (g1r * g1c > g2r * g2c))
    unique = nash & (count == 1)
    out.count[index] = count
    out.degenerate[index] = (g1r == 0) | (g2r == 0) | (g1c == 0) | (g2c == 0)
    out.continuum[index] = (x_used > 1).any(axis=0) | (y_used > 1).any(axis=0)
    out.nash[index], out.strict[index], out.unique[index], out.dominant[index], out.risk_dominant[index] = nash, strict, unique, dominant, risk
    out.level[index] = _LEVEL_NAMES[np.select([dominant, unique, risk, strict, nash], [0, 1, 2, 3, 4], default=5)]


class Single2x2(NamedTuple):
    """The equilibria and cooperation report fields of one 2×2 game (:func:`solve_single`).

    Immutable like the frozen dataclasses of the other results, but a named tuple: it is
    built once per game on the per-game path, where a frozen dataclass's construction
    (1.3 µs, measured) would be a quarter of the whole call (0.3 µs as a named tuple).

    Attributes
    ----------
    p, q : tuple of float
        Each extreme equilibrium's probability that the row (p) and the column (q) government
        cooperates, in the stable order of :func:`solver.equilibria` (pure first, then more
        weight on C first).
    payoffs : tuple of (float, float)
        Both expected payoffs at each equilibrium.
    degenerate, continuum : bool
        As :class:`solver.EquilibriumSet` (decided exactly).
    nash, strict, unique, dominant, risk_dominant : bool
    level : str
        One of :data:`solver.LEVELS`.
    exact : bool
        Whether the game lay inside the band and was decided in exact rationals (otherwise the
        signs of the float gaps decided it, which the band makes the same decision).
    """

    p: tuple[float, ...]
    q: tuple[float, ...]
    payoffs: tuple[tuple[float, float], ...]
    degenerate: bool
    continuum: bool
    nash: bool
    strict: bool
    unique: bool
    dominant: bool
    risk_dominant: bool
    level: str
    exact: bool


def _entries(M) -> tuple[float, float, float, float]:
    rows = M.tolist() if isinstance(M, np.ndarray) else M
    (m00, m01), (m10, m11) = rows
    return float(m00), float(m01), float(m10), float(m11)


_C, _D = (1.0, 0.0), (0.0, 1.0)

#: One extreme equilibrium of a 2×2 game: row and column strategies and both payoffs.
Pair2x2 = tuple[tuple[float, float], tuple[float, float], tuple[float, float]]


def exact_2x2(A, B) -> tuple[list[Pair2x2], bool, bool]:
    """Every extreme equilibrium of a 2×2 game from its exact payoffs, by the closed forms.

    The equilibria, the degeneracy and the continuum verdicts of :func:`_exact_decision` (its
    table of fully labelled vertex pairs), read from the exact payoffs: every comparison in
    integers (each matrix over its common denominator) and every float one correctly rounded
    quotient of integers, so the numbers are those of the exact vertex enumeration.

    Parameters
    ----------
    A, B : 2×2 nested sequences of int or Fraction
        The exact payoffs (:attr:`games.Game.exact`; anything with ``numerator`` and
        ``denominator``); strategy 0 is cooperate.

    Returns
    -------
    (equilibria, degenerate, continuum)
        ``equilibria``: (row, col, payoffs) in the order of :func:`solver.equilibria`.

    Examples
    --------
    >>> found, degenerate, continuum = exact_2x2(((4, 0), (3, 2)), ((4, 3), (0, 2)))  # a stag hunt
    >>> for x, y, u in found:
    ...     print(x, y, u)
    (1.0, 0.0) (1.0, 0.0) (4.0, 4.0)
    (0.0, 1.0) (0.0, 1.0) (2.0, 2.0)
    (0.6666666666666666, 0.3333333333333333) (0.6666666666666666, 0.3333333333333333) (2.6666666666666665, 2.6666666666666665)
    >>> exact_2x2(((1, 1), (1, 1)), ((1, 1), (1, 1)))[1:]
    (True, True)
    """
    (a0, a1), (a2, a3) = A
    (b0, b1), (b2, b3) = B
    if a0.denominator == a1.denominator == a2.denominator == a3.denominator == b0.denominator == b1.denominator == b2.denominator == b3.denominator == 1:
        a, la = (a0.numerator, a1.numerator, a2.numerator, a3.numerator), 1
        b, lb = (b0.numerator, b1.numerator, b2.numerator, b3.numerator), 1
    else:  # each matrix over its common denominator
        la = math.lcm(a0.denominator, a1.denominator, a2.denominator, a3.denominator)
        lb = math.lcm(b0.denominator, b1.denominator, b2.denominator, b3.denominator)
        a = tuple(v.numerator * (la // v.denominator) for v in (a0, a1, a2, a3))
        b = tuple(v.numerator * (lb // v.denominator) for v in (b0, b1, b2, b3))
    r0, r1, c0, c1 = a[0] - a[2], a[1] - a[3], b[0] - b[1], b[2] - b[3]
    if r0 and r1 and c0 and c1:  # nondegenerate: the table with strict signs, written out
        found = []
        if r0 > 0 and c0 > 0:
            found.append((_C, _C, (a[0] / la, b[0] / lb)))
        if r1 > 0 and c0 < 0:
            found.append((_C, _D, (a[1] / la, b[1] / lb)))
        if r0 < 0 and c1 > 0:
            found.append((_D, _C, (a[2] / la, b[2] / lb)))
        if r1 < 0 and c1 < 0:
            found.append((_D, _D, (a[3] / la, b[3] / lb)))
        if (r0 > 0) is not (r1 > 0) and (c0 > 0) is not (c1 > 0):  # p* = c₁/(c₁ − c₀), q* = r₁/(r₁ − r₀)
            pd, qd = c1 - c0, r1 - r0
            u = ((a[0] * r1 - a[1] * r0) / (qd * la) + 0.0, (b[0] * c1 - b[2] * c0) / (pd * lb) + 0.0)  # + 0.0: never −0.0
            found.append(((c1 / pd, -c0 / pd), (r1 / qd, -r0 / qd), u))
        return found, False, False
    pairs, values, degenerate, continuum = _closed_forms(a, la, b, lb)
    found = [((pn / pd, (pd - pn) / pd), (qn / qd, (qd - qn) / qd), u) for ((pn, pd), (qn, qd)), u in zip(pairs, values)]
    return found, degenerate, continuum


def solve_single(A: npt.ArrayLike, B: npt.ArrayLike) -> Single2x2:
    """Every extreme equilibrium and the report fields of one 2×2 game, in plain Python.

    The contract: for float payoffs, every field equals the same game's entry of
    :func:`solve_2x2` — bit for bit, ``p``/``q``/``payoffs`` included (the same float
    operations in the same order) — and so the exact path: the equilibrium set of
    :func:`solver.equilibria` with ``method="exact"`` and of Gambit's ``enummixed``. It costs a
    few microseconds: no numpy arrays, no vertex enumeration. A game outside the band of
    :func:`solve_2x2` is decided by the signs of its four incentive gaps; one inside is decided
    by the exact closed forms (integers over a common denominator, see :func:`_exact_decision`).

    Parameters
    ----------
    A, B : array_like, shape (2, 2)
        Row and column payoffs (nested sequences or an array; read as floats, and where a
        decision rests on a near-tie as the rationals :attr:`games.Game.exact` holds for them);
        strategy 0 is cooperate.

    Returns
    -------
    Single2x2

    Examples
    --------
    >>> r = solve_single([[4, 0], [3, 2]], [[4, 3], [0, 2]])          # a stag hunt
    >>> r.p, r.q, r.level
    ((1.0, 0.0, 0.6666666666666666), (1.0, 0.0, 0.6666666666666666), 'strict')
    >>> r = solve_single([[1, 1], [1, 1]], [[1, 1], [1, 1]])          # every profile an equilibrium
    >>> len(r.p), r.degenerate, r.continuum, r.exact
    (4, True, True, True)
    """
    a00, a01, a10, a11 = a4 = _entries(A)
    b00, b01, b10, b11 = b4 = _entries(B)
    scale = max(max(a00, a01, a10, a11) - min(a00, a01, a10, a11), max(b00, b01, b10, b11) - min(b00, b01, b10, b11), 1.0)
    band = BAND * scale
    a1r, a1c, a2r, a2c = a00 - a10, b00 - b01, a01 - a11, b10 - b11
    mine, theirs = a1r * a1c, a2r * a2c
    if (
        abs(a1r) <= band
        or abs(a1c) <= band
        or abs(a2r) <= band
        or abs(a2c) <= band
        or abs(a1r - a2r) <= band
        or abs(a1c - a2c) <= band
        or (not abs(mine - theirs) > band * scale and math.isfinite(scale))  # an overflowing product (NaN) is near
    ):
        return _exact_decision(a4, b4)
    # Outside the band no label is within the tolerance: the gaps' signs give the labels.
    # A pure equilibrium's payoffs are the payoffs themselves (+ 0.0: no −0.0).
    pairs, values = [], []
    if a1c > 0 and a1r > 0:
        pairs.append((1.0, 1.0))
        values.append((a00 + 0.0, b00 + 0.0))
    if a2r > 0 and a1c < 0:
        pairs.append((1.0, 0.0))
        values.append((a01 + 0.0, b01 + 0.0))
    if a2c > 0 and a1r < 0:
        pairs.append((0.0, 1.0))
        values.append((a10 + 0.0, b10 + 0.0))
    if a2c < 0 and a2r < 0:
        pairs.append((0.0, 0.0))
        values.append((a11 + 0.0, b11 + 0.0))
    if (a1c > 0) != (a2c > 0) and (a1r > 0) != (a2r > 0):
        P, Q = -a2c / (a1c - a2c), -a2r / (a1r - a2r)  # p* = −c₀/c₁, q* = −r₀/r₁
        cc, cd, dc, dd = P * Q, P * (1 - Q), (1 - P) * Q, (1 - P) * (1 - Q)
        pairs.append((P, Q))
        values.append((cc * a00 + cd * a01 + dc * a10 + dd * a11, cc * b00 + cd * b01 + dc * b10 + dd * b11))
    strict = a1r > 0 and a1c > 0
    dominant = strict and a2r > 0 and a2c > 0
    unique = strict and len(pairs) == 1
    risk = strict and (not (a2r < 0 and a2c < 0) or mine > theirs)
    level = "dominant" if dominant else "unique" if unique else "risk-dominant" if risk else "strict" if strict else "none"
    ps = tuple(P for P, _ in pairs)
    qs = tuple(Q for _, Q in pairs)
    return Single2x2(ps, qs, tuple(values), False, False, strict, strict, unique, dominant, risk, level, False)


def _integers(m: tuple[float, float, float, float]) -> tuple[list[int], int]:
    """Four payoffs of one matrix as integers over a common denominator: (numerators, L).

    The rationals are :func:`games.game.rational` of each entry with the matrix's
    :func:`games.game.matrix_scale`, exactly as :attr:`games.Game.exact` and
    :mod:`solver.kernels.exact` read them; an integer-valued float below 2⁵³ is that integer (which
    is what ``rational`` returns for it), so integer games never build a Fraction.
    """
    if all(v.is_integer() and -_EXACT_INT < v < _EXACT_INT for v in m):
        return [int(v) for v in m], 1
    top = max(abs(v) for v in m)
    scale = top if top > 0 else 1.0
    values = [_ratio(v, scale) for v in m]
    common = math.lcm(*(d for _, d in values))
    return [n * (common // d) for n, d in values], common


def _ratio(x: float, scale: float) -> tuple[int, int]:
    """``games.game.rational(x, scale)`` as (numerator, denominator > 0), not necessarily reduced.

    The same reading, in integers: a short decimal is parsed from its repr (four times faster
    than ``Fraction(text)``); a longer one is the nearest fraction with denominator ≤ 10⁹ by the
    continued-fraction steps of ``Fraction.limit_denominator`` (the same candidates and the same
    choice between them, without building Fractions) when it lies within 10⁻¹² × max(|x|, scale),
    and otherwise its repr. tests/reference/test_fast2x2_exact.py holds it to ``rational``.
    """
    from games.game import MAX_DENOMINATOR, SHORT_DIGITS, _digits

    text = repr(x)
    if _digits(text) > SHORT_DIGITS:
        n, d = x.as_integer_ratio()
        if d > MAX_DENOMINATOR:
            p0, q0, p1, q1 = 0, 1, 1, 0
            top, bottom = n, d
            while True:
                a = top // bottom
                q2 = q0 + a * q1
                if q2 > MAX_DENOMINATOR:
                    break
                p0, q0, p1, q1 = p1, q1, p0 + a * p1, q2
                top, bottom = bottom, top - a * bottom
            k = (MAX_DENOMINATOR - q0) // q1
            pb, qb = p0 + k * p1, q0 + k * q1
            # |p1/q1 − n/d| ≤ |pb/qb − n/d|: bound2 wins ties, as in limit_denominator
            n, d = (p1, q1) if abs(p1 * d - n * q1) * qb <= abs(pb * d - n * qb) * q1 else (pb, qb)
        if abs(n / d - x) <= 1e-12 * max(abs(x), scale):
            return n, d
    mantissa, _, exponent = text.partition("e")
    whole, _, fraction = mantissa.partition(".")
    shift = (int(exponent) if exponent else 0) - len(fraction)
    digits = int(whole + fraction)
    return (digits * 10**shift, 1) if shift >= 0 else (digits, 10**-shift)


def _exact_decision(a4: tuple[float, float, float, float], b4: tuple[float, float, float, float]) -> Single2x2:
    """One 2×2 game decided in exact rationals by the closed forms (no vertex enumeration).

    With the gaps a₁ = u(C | C) − u(D | C), a₂ = u(C | D) − u(D | D) of each player (integers
    over the matrix's common denominator), the vertices of the row's best-response polytope
    are p = 1, p = 0 and, when the column's gaps have strictly opposite signs,
    p* = a₂꜀ / (a₂꜀ − a₁꜀) — the column indifferent; likewise q* = a₂ᵣ / (a₂ᵣ − a₁ᵣ). A pure
    vertex carries the column's best responses to it as labels, a mixed one both, so the fully
    labelled pairs (von Stengel 2007), in the order of :func:`solver.equilibria`, are

    ========== ================================ ========== ===========================
    pair       condition                        pair       condition
    ========== ================================ ========== ===========================
    (1, 1)     a₁꜀ ≥ 0, a₁ᵣ ≥ 0                 (1, q*)    q* exists, a₁꜀ = 0
    (1, 0)     a₂ᵣ ≥ 0, a₁꜀ ≤ 0                 (p*, 1)    p* exists, a₁ᵣ = 0
    (0, 1)     a₂꜀ ≥ 0, a₁ᵣ ≤ 0                 (p*, 0)    p* exists, a₂ᵣ = 0
    (0, 0)     a₂꜀ ≤ 0, a₂ᵣ ≤ 0                 (0, q*)    q* exists, a₂꜀ = 0
    (p*, q*)   both exist
    ========== ================================ ========== ===========================

    A pure vertex has three labels exactly when its gap is 0, so the game is degenerate
    exactly when some gap is 0; the equilibria form a continuum when a vertex is in two
    pairs. This is what :func:`solver.kernels.exact.extreme_equilibria` finds for a 2×2 game
    (tests/reference/test_fast2x2_exact.py holds the two, and Gambit, to the same sets).
    """
    a, la = _integers(a4)
    b, lb = _integers(b4)
    pairs, values, degenerate, continuum = _closed_forms(a, la, b, lb)
    a00, a01, a10, a11 = a
    b00, b01, b10, b11 = b
    g1r, g2r, g1c, g2c = a00 - a10, a01 - a11, b00 - b01, b10 - b11
    ps = tuple(pn / pd for (pn, pd), _ in pairs)  # int / int is correctly rounded: float(Fraction(pn, pd))
    qs = tuple(qn / qd for _, (qn, qd) in pairs)
    nash = g1r >= 0 and g1c >= 0
    strict = g1r > 0 and g1c > 0
    dominant = strict and g2r > 0 and g2c > 0
    risk = strict and (not (g2r < 0 and g2c < 0) or g1r * g1c > g2r * g2c)
    unique = nash and len(pairs) == 1
    level = "dominant" if dominant else "unique" if unique else "risk-dominant" if risk else "strict" if strict else "weak" if nash else "none"
    return Single2x2(ps, qs, values, degenerate, continuum, nash, strict, unique, dominant, risk, level, True)


def _closed_forms(a: tuple[int, ...], la: int, b: tuple[int, ...], lb: int) -> tuple[list, tuple, bool, bool]:
    """The fully labelled vertex pairs of :func:`_exact_decision`'s table from the integer
    payoffs a, b (over their common denominators la, lb): the pairs ((pn, pd), (qn, qd)) in the
    stable order, both payoffs at each, and the degenerate and continuum verdicts."""
    a00, a01, a10, a11 = a
    b00, b01, b10, b11 = b
    g1r, g2r, g1c, g2c = a00 - a10, a01 - a11, b00 - b01, b10 - b11
    pm = qm = None  # p*, q* as (numerator, denominator > 0): a negative one would give −0.0
    if g1c * g2c < 0:
        pm = (g2c, g2c - g1c) if g2c > 0 else (-g2c, g1c - g2c)
    if g1r * g2r < 0:
        qm = (g2r, g2r - g1r) if g2r > 0 else (-g2r, g1r - g2r)
    one, zero = (1, 1), (0, 1)
    pairs = []
    if g1c >= 0 and g1r >= 0:
        pairs.append((one, one))
    if g2r >= 0 and g1c <= 0:
        pairs.append((one, zero))
    if g2c >= 0 and g1r <= 0:
        pairs.append((zero, one))
    if g2c <= 0 and g2r <= 0:
        pairs.append((zero, zero))
    if qm and g1c == 0:
        pairs.append((one, qm))
    if pm and g1r == 0:
        pairs.append((pm, one))
    if pm and g2r == 0:
        pairs.append((pm, zero))
    if qm and g2c == 0:
        pairs.append((zero, qm))
    if pm and qm:
        pairs.append((pm, qm))
    xs = [x for x, _ in pairs]
    ys = [y for _, y in pairs]
    continuum = len(set(xs)) < len(pairs) or len(set(ys)) < len(pairs)
    degenerate = g1r == 0 or g2r == 0 or g1c == 0 or g2c == 0
    values = []
    for (pn, pd), (qn, qd) in pairs:
        w = (pn * qn, pn * (qd - qn), (pd - pn) * qn, (pd - pn) * (qd - qn))
        den = pd * qd
        values.append(((w[0] * a00 + w[1] * a01 + w[2] * a10 + w[3] * a11) / (den * la), (w[0] * b00 + w[1] * b01 + w[2] * b10 + w[3] * b11) / (den * lb)))
    return pairs, tuple(values), degenerate, continuum


def _decide_exactly(A: np.ndarray, B: np.ndarray, out: Solved2x2, index: np.ndarray, payoffs: bool) -> None:
    """Games ``index`` of ``out`` decided by the exact closed forms; their entries overwritten.

    ``A``, ``B`` hold those games' payoffs, shape (len(index), 2, 2).
    """
    if not len(index):
        return
    decided = [_exact_decision(a, b) for a, b in zip(A.reshape(-1, 4).tolist(), B.reshape(-1, 4).tolist())]
    pad = [(np.nan,) * (MAX_EQUILIBRIA - k) for k in range(MAX_EQUILIBRIA + 1)]  # ≤ 4 pairs each
    out.p[index] = [d.p + pad[len(d.p)] for d in decided]
    out.q[index] = [d.q + pad[len(d.q)] for d in decided]
    if payoffs:
        out.payoffs[index] = [d.payoffs + ((np.nan, np.nan),) * (MAX_EQUILIBRIA - len(d.p)) for d in decided]
    out.count[index] = [len(d.p) for d in decided]
    for name in ("degenerate", "continuum", "nash", "strict", "unique", "dominant", "risk_dominant"):
        getattr(out, name)[index] = [getattr(d, name) for d in decided]
    out.level[index] = [d.level for d in decided]


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
        finite = np.isfinite(scale)  # finite payoffs (NaN or infinite ones keep the signs' answer)
        with np.errstate(over="ignore", invalid="ignore"):  # huge payoffs: the products overflow
            np.multiply(g1r, g1c, out=x)  # mine
            np.multiply(g2r, g2c, out=y)  # theirs
            np.multiply(band, scale, out=band)
            np.subtract(x, y, out=scale)
            np.greater(np.abs(scale, out=scale), band, out=hit)  # not clearly apart (an overflowing product: NaN) is near
        np.logical_not(hit, out=hit)
        np.logical_or(near, np.logical_and(hit, finite, out=hit), out=near)
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
