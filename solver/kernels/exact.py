"""Exact enumeration of the extreme Nash equilibria of a bimatrix game, in rational arithmetic.

This is the independent check on nashpy. Following von Stengel (2007), with payoffs shifted to
be positive, the best-response polytopes are

    P = {x ∈ ℝᵐ : x ≥ 0, Bᵀx ≤ 1},   Q = {y ∈ ℝⁿ : Ay ≤ 1, y ≥ 0}.

A point of P carries label i when xᵢ = 0 and label m + j when column j is a best response
((Bᵀx)ⱼ = 1); a point of Q carries label i when row i is a best response and m + j when yⱼ = 0.
The extreme equilibria are the fully labelled vertex pairs (x, y) ≠ (0, 0), normalized. The
game is degenerate exactly when some vertex carries more labels than its dimension, and the
equilibria form a continuum exactly when one extreme strategy is paired with two others
(their convex combinations are equilibria too). Every vertex is found by solving the linear
system of each choice of tight constraints in :class:`fractions.Fraction` arithmetic, so ties
are decided exactly. This is what Gambit's ``enummixed`` computes (with lrs), and it costs
C(m + n, m) small solves: cheap up to about 8×8.

Payoffs given as :class:`~fractions.Fraction` (a game's :attr:`games.Game.exact`) are used as
they are; float payoffs are read as the nearest fraction with denominator at most 10⁹
(:func:`games.game.rational`), so that 0.1 + 0.2 and 0.3 are the same payoff.

References
----------
.. [vS07] B. von Stengel, "Equilibrium computation for two-player games in strategic and
   extensive form", ch. 3 of Nisan et al., *Algorithmic Game Theory*, 2007.

Examples
--------
>>> result = extreme_equilibria([[1, 1], [1, 1]], [[1, 1], [1, 1]])
>>> result.degenerate, result.continuum, len(result.equilibria)
(True, True, 4)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations
from math import comb

import numpy as np
import numpy.typing as npt

from games.errors import UserInputError
from games.game import rational as _read

__all__ = ["ExactResult", "affordable", "exact_payoffs", "extreme_equilibria", "rational"]

#: Largest number of tight-constraint choices per polytope enumerated exactly.
MAX_SUBSETS = 50_000

Vector = tuple[Fraction, ...]


@dataclass(frozen=True)
class ExactResult:
    """Extreme equilibria as exact rational strategy pairs, with the degeneracy verdicts."""

    equilibria: tuple[tuple[Vector, Vector], ...]
    degenerate: bool
    continuum: bool


def rational(value: float | Fraction) -> Fraction:
    """A payoff as an exact fraction: a Fraction as it is, a float with denominator ≤ 10⁹.

    >>> rational(0.1 + 0.2)
    Fraction(3, 10)
    """
    return _read(value)


def _matrix(M: npt.ArrayLike) -> list[list[Fraction]]:
    """A payoff matrix as rows of exact fractions (Fraction entries kept, floats read)."""
    rows = M.tolist() if isinstance(M, np.ndarray) else M
    return [[_read(v) for v in row] for row in rows]  # type: ignore[union-attr]


def affordable(shape: tuple[int, int]) -> bool:
    """Whether :func:`extreme_equilibria` is cheap enough for a game of this shape."""
    m, n = shape
    return comb(m + n, m) <= MAX_SUBSETS


def _solve(matrix: list[list[int]], rhs: list[int]) -> tuple[list[int], int] | None:
    """Solve a square integer system exactly: (numerators, denominator), None when singular.

    Fraction-free Gauss–Jordan elimination (Bareiss): every division is exact, so the work
    stays in Python integers; at the end each diagonal entry is ± the determinant d and
    xᵢ = (row i's last entry) / d.
    """
    k = len(matrix)
    rows = [[*r, b] for r, b in zip(matrix, rhs)]
    previous = 1
    for col in range(k):
        pivot = next((r for r in range(col, k) if rows[r][col] != 0), None)
        if pivot is None:
            return None
        rows[col], rows[pivot] = rows[pivot], rows[col]
        p = rows[col][col]
        for r in range(k):
            if r != col:
                f = rows[r][col]
                rows[r] = [(p * a - f * b) // previous for a, b in zip(rows[r], rows[col])]
        previous = p
    det = rows[0][0]
    if det < 0:
        return [-rows[i][k] for i in range(k)], -det
    return [rows[i][k] for i in range(k)], det


def _vertex(M: list[list[int]], free: tuple[int, ...], tight: tuple[int, ...], bound: int = 1) -> tuple[Vector, frozenset[int]] | None:
    """The point of {z ≥ 0, Mz ≤ bound} where z is zero off ``free`` and the rows ``tight``
    are tight, with all its labels (see :func:`_vertices`); None when the system is singular
    or the point infeasible."""
    r, d = len(M), len(M[0])
    if free:
        sol = _solve([[M[i][k] for k in free] for i in tight], [bound] * len(free))
        if sol is None:
            return None
        nums, den = sol
        if any(v < 0 for v in nums):
            return None
    else:
        nums, den = [], 1
    z = [0] * d
    for k, v in zip(free, nums):
        z[k] = v
    loads = [sum(M[i][k] * z[k] for k in free) for i in range(r)]
    limit = bound * den
    if any(load > limit for load in loads):
        return None
    labels = {k for k in range(d) if z[k] == 0}
    labels |= {d + i for i in range(r) if loads[i] == limit}
    return tuple(Fraction(v, den) for v in z), frozenset(labels)


def _vertices(M: list[list[int]], bound: int) -> dict[Vector, frozenset[int]]:
    """Vertices of {z ∈ ℝᵈ : z ≥ 0, Mz ≤ bound} with their tight constraints.

    ``M`` has shape (r, d) with positive integer entries. Label k < d means zₖ = 0 and label
    d + i means (Mz)ᵢ = bound. Vertices are returned scaled by 1/bound (irrelevant once
    normalized to strategies).
    """
    r, d = len(M), len(M[0])
    found: dict[Vector, frozenset[int]] = {}
    for zeros in range(d + 1):
        free_count = d - zeros
        for zero_set in combinations(range(d), zeros):
            free = tuple(k for k in range(d) if k not in zero_set)
            for tight in combinations(range(r), free_count):
                vertex = _vertex(M, free, tight, bound)
                if vertex is not None and vertex[0] not in found:
                    found[vertex[0]] = vertex[1]
    return found


def _positive(matrix: npt.ArrayLike) -> list[list[int]]:
    """The payoffs shifted to be ≥ 1 and scaled to integers (same best responses)."""
    values = _matrix(matrix)
    low = min(min(row) for row in values)
    shifted = [[v - low + 1 for v in row] for row in values]
    scale = math.lcm(*(v.denominator for row in shifted for v in row))
    return [[int(v * scale) for v in row] for row in shifted]


def extreme_equilibria(A: npt.ArrayLike, B: npt.ArrayLike) -> ExactResult:
    """All extreme Nash equilibria of the bimatrix game (A, B), exactly.

    Parameters
    ----------
    A, B : array_like
        Row and column payoff matrices of shape (m, n).

    Returns
    -------
    ExactResult
        The extreme equilibria as pairs of rational probability vectors (in the order the
        enumeration meets them), whether the game is degenerate and whether the equilibria
        form a continuum.

    Raises
    ------
    UserInputError
        If the game is too large for exhaustive enumeration (see :func:`affordable`).

    Examples
    --------
    Matching pennies has one equilibrium, both mixing half and half:

    >>> r = extreme_equilibria([[1, -1], [-1, 1]], [[-1, 1], [1, -1]])
    >>> [tuple(map(str, x)) + tuple(map(str, y)) for x, y in r.equilibria]
    [('1/2', '1/2', '1/2', '1/2')]
    >>> r.degenerate
    False
    """
    m, n = np.shape(np.asarray(A, dtype=object))
    if not affordable((m, n)):
        raise UserInputError(f"a {m}×{n} game is too large for exact vertex enumeration")
    a, b = _positive(A), _positive(B)
    bt = [[b[i][j] for i in range(m)] for j in range(n)]  # Bᵀ, shape (n, m)
    # P: x ∈ ℝᵐ, x ≥ 0 (labels 0..m-1), Bᵀx ≤ 1 (labels m + j): _vertices labels match.
    return _pair(m, n, _vertices(bt, 1), _vertices(a, 1))


def _pair(m: int, n: int, p_vertices: dict[Vector, frozenset[int]], q_local: dict[Vector, frozenset[int]]) -> ExactResult:
    """The fully labelled pairs of the vertices of P and Q (Q's labels still local)."""
    # Q: y ∈ ℝⁿ, y ≥ 0 (local labels 0..n-1 → m + j), Ay ≤ 1 (local n + i → i).
    q_vertices = {y: frozenset((m + k) if k < n else (k - n) for k in labels) for y, labels in q_local.items()}
    degenerate = any(len(lab) > m for lab in p_vertices.values()) or any(len(lab) > n for lab in q_vertices.values())
    full = frozenset(range(m + n))
    pairs = []
    for x, lx in p_vertices.items():
        if not any(x):
            continue
        for y, ly in q_vertices.items():
            if any(y) and lx | ly == full:
                sx, sy = sum(x), sum(y)
                pairs.append((tuple(v / sx for v in x), tuple(v / sy for v in y)))
    xs = [x for x, _ in pairs]
    ys = [y for _, y in pairs]
    continuum = len(set(xs)) < len(pairs) or len(set(ys)) < len(pairs)
    return ExactResult(equilibria=tuple(pairs), degenerate=degenerate, continuum=continuum)


def exact_payoffs(A: npt.ArrayLike, B: npt.ArrayLike, x: Vector, y: Vector) -> tuple[float, float]:
    """Both expected payoffs of rational strategies, computed exactly and then rounded once.

    >>> exact_payoffs([[3, 3], [2, 5], [0, 6]], [[3, 2], [2, 6], [3, 1]],
    ...               (Fraction(0), Fraction(1, 3), Fraction(2, 3)), (Fraction(1, 3), Fraction(2, 3)))
    (4.0, 2.6666666666666665)
    """
    values = []
    for M in (_matrix(A), _matrix(B)):
        total = sum(
            (x[i] * M[i][j] * y[j] for i in range(len(x)) for j in range(len(y)) if x[i] and y[j]),
            Fraction(0),
        )
        values.append(float(total))
    return values[0], values[1]
