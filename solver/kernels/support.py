"""Every equilibrium of a nondegenerate bimatrix game: batched float supports, exact decisions.

With payoffs shifted to be positive, the best-response polytopes of von Stengel (2007) are
P = {x ≥ 0, Bᵀx ≤ 1} and Q = {Ay ≤ 1, y ≥ 0} (see :mod:`solver.kernels.exact`). A choice of m tight
constraints of P is a pair (I, J) of equal size k: xᵢ = 0 off the row support I and the
columns J tight, so x_I solves the k×k system B[I, J]ᵀ x_I = 1; Q's bases are the same pairs
with A[I, J] y_J = 1. Support enumeration over supports of equal size therefore solves every
basis of both polytopes, C(m + n, m) each, and so sees every vertex. This module solves them
in floating point, all bases of one size k in one batched ``numpy.linalg`` call, and sorts each
basis into

* clearly infeasible: a coordinate or a slack below −band;
* clearly a nondegenerate vertex: every coordinate of z and every other slack above +band;
* unclear: anything inside the band, or a system whose condition number (bounded above
  from its determinant and Frobenius norm, Guggenheimer et al. 1995) is too large for the
  band to hold. The band is the forward-error bound of the solve, κ·10⁻¹³ relative.

Unclear bases are decided EXACTLY in integers (fraction-free elimination on the integer
payoffs); a singular basis is no vertex (every vertex has a nonsingular basis among its tight
constraints). If some basis is a feasible point with an extra tight constraint, the game is
degenerate and :func:`nondegenerate_equilibria` returns None: the caller takes the exact
vertex enumeration. Otherwise the game is nondegenerate (every vertex has exactly m or n
labels), its equilibria are exactly the pairs (I, J) feasible in both P and Q (a fully
labelled pair of nondegenerate vertices has equal supports), and each of those is solved and
checked again exactly before it is returned. The verdict that the game is nondegenerate
rests on the float classification with its error band; every listed equilibrium is exact.

References
----------
.. [vS07] B. von Stengel, "Equilibrium computation for two-player games in strategic and
   extensive form", ch. 3 of Nisan et al., *Algorithmic Game Theory*, 2007.
.. [G95] H. W. Guggenheimer, A. S. Edelman, C. R. Johnson, "A simple estimate of the
   condition number of a linear system", *College Math. J.* 26 (1995) 2–5.

Examples
--------
>>> r = nondegenerate_equilibria([[3, 3], [2, 5], [0, 6]], [[3, 2], [2, 6], [3, 1]])
>>> [(x, y) for x, y, _ in r][:2]
[((1.0, 0.0, 0.0), (1.0, 0.0)), ((0.8, 0.2, 0.0), (0.6666666666666666, 0.3333333333333333))]
>>> r[2][2]  # both expected payoffs of the third
(4.0, 2.6666666666666665)
>>> nondegenerate_equilibria([[1, 1], [1, 1]], [[1, 1], [1, 1]]) is None
True
"""

from __future__ import annotations

import math
from fractions import Fraction
from functools import lru_cache
from itertools import combinations

import numpy as np
import numpy.typing as npt

from .bands import ERROR_PER_CONDITION, MAX_CONDITION
from .exact import ExactResult, Vector, _pair, _vertex, _vertices

__all__ = ["integer_equilibria", "nondegenerate_equilibria", "screened_extreme_equilibria"]

Solved = tuple[tuple[float, ...], tuple[float, ...], tuple[float, float]]


class _Degenerate(Exception):
    """Some basis is a feasible point with an extra tight constraint."""


@lru_cache(maxsize=64)
def _choices(total: int, size: int) -> np.ndarray:
    return np.array(list(combinations(range(total), size)), dtype=np.intp).reshape(-1, size)


@lru_cache(maxsize=64)
def _bases(m: int, n: int, sizes: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every pair (I, J) of equal size k in ``sizes``, padded to K = max(sizes) columns.

    Returns the row sets I and column sets J (count, K), padded past k with indices m + t and
    n + t (t = k … K − 1) that point into the identity block of an augmented matrix, and the
    mask of real entries."""
    K = max(sizes)
    rows, cols, real = [], [], []
    for k in sizes:
        ri, cj = _choices(m, k), _choices(n, k)
        count = len(ri) * len(cj)
        pad = np.broadcast_to(np.arange(k, K), (count, K - k))
        rows.append(np.hstack([np.repeat(ri, len(cj), axis=0), m + pad]))
        cols.append(np.hstack([np.tile(cj, (len(ri), 1)), n + pad]))
        real.append(np.broadcast_to(np.arange(K) < k, (count, K)))
    return np.vstack(rows), np.vstack(cols), np.vstack(real)


def _augment(M: np.ndarray, K: int) -> np.ndarray:
    """[[M, 0], [0, I_K]]: padded bases solve [[M_k, 0], [0, I]] z = [1, 0], so z = [z_k, 0]."""
    r, d = M.shape
    out = np.zeros((r + K, d + K))
    out[:r, :d] = M
    out[r:, d:] = np.eye(K)
    return out


def _integers(M: npt.ArrayLike) -> tuple[list[list[int]], int]:
    """Exact payoffs as integers: rows of M·L and the common denominator L (ints and
    Fractions are exact; anything else is read with :class:`~fractions.Fraction`)."""
    rows = M.tolist() if isinstance(M, np.ndarray) else [list(r) for r in M]  # type: ignore[union-attr]
    rows = [[v if isinstance(v, (int, Fraction)) else Fraction(v) for v in r] for r in rows]
    scale = math.lcm(*(v.denominator for r in rows for v in r))
    return [[v.numerator * (scale // v.denominator) for v in r] for r in rows], scale


def _positive(rows: list[list[int]]) -> list[list[int]]:
    low = min(min(r) for r in rows)
    return [[v - low + 1 for v in r] for r in rows]


def _classify(M: np.ndarray, tight: np.ndarray, free: np.ndarray, real: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Float classification of the bases (tight rows, free coordinates) of {z ≥ 0, Mz ≤ 1}.

    ``M`` is augmented (:func:`_augment`) and ``tight``, ``free``, ``real`` come from
    :func:`_bases`. Returns boolean arrays ``vertex`` (clearly a nondegenerate vertex) and
    ``unclear``.
    """
    count, K = tight.shape
    r = M.shape[0] - K
    systems = M[tight[:, :, None], free[:, None, :]]
    det = np.linalg.det(systems)
    frob = np.sqrt(np.einsum("bij,bij->b", systems, systems))
    with np.errstate(divide="ignore", over="ignore"):
        condition = 2.0 * (frob / math.sqrt(K)) ** K / np.abs(det)
    good = condition <= MAX_CONDITION
    z = np.zeros((count, K))
    if good.all():
        z = np.linalg.solve(systems, real[..., None].astype(float))[..., 0]
    elif good.any():
        z[good] = np.linalg.solve(systems[good], real[good][..., None].astype(float))[..., 0]
    norm = np.sqrt(np.einsum("bk,bk->b", z, z))
    with np.errstate(invalid="ignore"):
        error = np.where(good, condition * ERROR_PER_CONDITION * norm, np.inf) + 1e-15
    slack = 1.0 - np.einsum("rbk,bk->br", M[:r][:, free], z)
    which, position = np.nonzero(real)
    slack[which, tight[which, position]] = np.inf
    band_z = 10.0 * error
    band_s = 10.0 * error * math.sqrt(M.shape[1]) + 1e-13
    low_z = np.where(real, z, np.inf).min(axis=1)
    low_s = slack.min(axis=1)
    infeasible = good & ((low_z < -band_z) | (low_s < -band_s))
    vertex = good & (low_z > band_z) & (low_s > band_s)
    return vertex, ~(infeasible | vertex)


def _status_numpy(a_f: np.ndarray, bt_f: np.ndarray, ri: np.ndarray, cj: np.ndarray, real: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Status of every basis of P and Q (0 infeasible, 1 vertex, 2 unclear), numpy batches."""
    K = ri.shape[1]
    p_vertex, p_unclear = _classify(_augment(bt_f, K), cj, ri, real)  # P: columns J tight, x_I free
    q_vertex, q_unclear = _classify(_augment(a_f, K), ri, cj, real)  # Q: rows I tight, y_J free
    return p_vertex + 2 * p_unclear, q_vertex + 2 * q_unclear


@lru_cache(maxsize=1)
def _compiled():  # the module of compiled loops, or None
    """:mod:`solver.kernels.compiled`, imported on first use (importing numba costs ~0.3 s), or
    None without numba (then numpy batches classify the bases)."""
    try:
        from . import compiled
    except ImportError:  # pragma: no cover - numba is a dependency
        return None
    return compiled


def _status(a_f: np.ndarray, bt_f: np.ndarray, ri: np.ndarray, cj: np.ndarray, real: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    kernels = _compiled()
    if kernels is None:
        return _status_numpy(a_f, bt_f, ri, cj, real)
    size = real.sum(axis=1)
    p, q = np.empty(len(ri), np.int8), np.empty(len(ri), np.int8)
    kernels.classify_bases(bt_f, cj, ri, size, p)
    kernels.classify_bases(a_f, ri, cj, size, q)
    return p, q


#: Most equilibria :func:`integer_equilibria` lists before leaving the game to Python.
MAX_LISTED = 64


@lru_cache(maxsize=64)
def _sized_bases(m: int, n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    ri, cj, real = _bases(m, n, tuple(range(1, min(m, n) + 1)))
    return ri, cj, real.sum(axis=1)


def integer_equilibria(a: np.ndarray, b: np.ndarray) -> list[list[float]] | bool | None:
    """:func:`nondegenerate_equilibria` of an integer game, compiled, or None.

    For float matrices holding integers below 2⁵³ (:class:`games.Game` checks this of its exact
    payoffs): every basis classified as in :func:`nondegenerate_equilibria` and every
    equilibrium with supports of size ≤ 3 solved and checked exactly in int64, in one call of
    :func:`solver.kernels.compiled.integer_equilibria`; larger supports are solved and checked
    here in Python integers (:func:`_exact_vertex`). False when a basis decided exactly proves
    the game degenerate (the caller takes the exact enumeration); None whenever the call does
    not settle the game — numba missing, an unclear basis, a degenerate vertex found in Python,
    more than :data:`MAX_LISTED` equilibria — and the caller takes
    :func:`nondegenerate_equilibria`.

    Returns
    -------
    list of list, False or None
        One row per equilibrium, in the order of :func:`solver.equilibria`: x (m entries),
        y (n entries), then both payoffs, each rounded once from its exact rational (and a
        last entry, −1).

    Examples
    --------
    >>> import numpy as np
    >>> r = integer_equilibria(np.array([[3.0, 3.0], [2.0, 5.0], [0.0, 6.0]]), np.array([[3.0, 2.0], [2.0, 6.0], [3.0, 1.0]]))
    >>> r[1][:-1]
    [0.8, 0.2, 0.0, 0.6666666666666666, 0.3333333333333333, 3.0, 2.8]
    """
    kernels = _compiled()
    if kernels is None:
        return None
    m, n = a.shape
    ri, cj, size = _sized_bases(m, n)
    out = np.empty((MAX_LISTED, m + n + 3))
    count = kernels.integer_equilibria(a, b, ri, cj, size, out)
    if count == -3:
        return False
    if count < 0:
        return None
    rows = out[:count].tolist()
    if not rows or rows[-1][-1] < 0:  # rows left to Python come last (bases by size), if any
        return rows
    waiting = [t for t, row in enumerate(rows) if row[-1] >= 0]
    a_int, b_int = a.astype(np.int64).tolist(), b.astype(np.int64).tolist()
    a_pos, b_pos = _positive(a_int), _positive(b_int)
    bt_pos = [list(col) for col in zip(*b_pos)]
    try:
        for t in waiting:
            basis = int(rows[t][-1])
            k = int(size[basis])
            I, J = tuple(ri[basis, :k].tolist()), tuple(cj[basis, :k].tolist())
            px, qy = _exact_vertex(bt_pos, J, I), _exact_vertex(a_pos, I, J)
            if px is None or qy is None:  # the floats called a non-vertex clear: do not trust them
                return None
            x, y = px[0], qy[0]
            sx, sy = sum(x), sum(y)
            u = sum(x[i] * a_int[i][j] * y[j] for i in I for j in J) / (sx * sy)
            v = sum(x[i] * b_int[i][j] * y[j] for i in I for j in J) / (sx * sy)
            rows[t] = [*(c / sx for c in x), *(c / sy for c in y), u, v, -1.0]
    except _Degenerate:
        return None
    rows.sort(key=lambda r: (sum(c > 0 for c in r[: m + n]), [-c for c in r[: m + n]]))
    return rows


def _solve_forward(matrix: list[list[int]], rhs: list[int]) -> tuple[list[int], int] | None:
    """Solve a square integer system exactly: (numerators, denominator > 0), None when singular.

    Bareiss's fraction-free forward elimination (every division exact) gives the upper
    triangle U with U[k-1][k-1] = ±det; back substitution then finds the Cramer numerators
    Nᵢ = (det·b′ᵢ − Σⱼ₍>ᵢ₎ Uᵢⱼ Nⱼ) / Uᵢᵢ, each an exact integer division."""
    k = len(matrix)
    rows = [[*r, b] for r, b in zip(matrix, rhs)]
    previous = 1
    for col in range(k):
        pivot = col
        while pivot < k and rows[pivot][col] == 0:
            pivot += 1
        if pivot == k:
            return None
        if pivot != col:
            rows[col], rows[pivot] = rows[pivot], rows[col]
        top = rows[col]
        p = top[col]
        for r in range(col + 1, k):
            row = rows[r]
            f = row[col]
            rows[r] = [0] * (col + 1) + [(p * row[j] - f * top[j]) // previous for j in range(col + 1, k + 1)]
        previous = p
    det = rows[k - 1][k - 1]
    nums = [0] * k
    for i in range(k - 1, -1, -1):
        row = rows[i]
        t = det * row[k]
        for j in range(i + 1, k):
            t -= row[j] * nums[j]
        nums[i] = t // row[i]
    if det < 0:
        return [-v for v in nums], -det
    return nums, det


def _exact_vertex(M: list[list[int]], tight: tuple[int, ...], free: tuple[int, ...]) -> tuple[list[int], int] | None:
    """Exact decision of one basis of {z ≥ 0, Mz ≤ 1}: (numerators over all d coordinates,
    denominator) of a nondegenerate vertex, None when singular or infeasible; raises
    :class:`_Degenerate` on a feasible point with an extra tight constraint."""
    if len(tight) == 1:  # a pure strategy: z = 1 / M[i][c]
        nums, den = [1], M[tight[0]][free[0]]
    else:
        solved = _solve_forward([[M[i][c] for c in free] for i in tight], [1] * len(tight))
        if solved is None:
            return None
        nums, den = solved
    if any(v < 0 for v in nums):
        return None
    pairs = list(zip(free, nums))
    loads = [sum(row[c] * v for c, v in pairs) for row in M]
    if any(load > den for load in loads):
        return None
    extra = sum(load == den for load in loads) > len(tight)
    if extra or any(v == 0 for v in nums):
        raise _Degenerate
    z = [0] * len(M[0])
    for c, v in pairs:
        z[c] = v
    return z, den


def _prepared(A: npt.ArrayLike, B: npt.ArrayLike) -> tuple:
    a_int, a_scale = _integers(A)
    b_int, b_scale = _integers(B)
    a_pos, b_pos = _positive(a_int), _positive(b_int)
    bt_pos = [list(col) for col in zip(*b_pos)]
    return a_int, a_scale, b_int, b_scale, a_pos, bt_pos, _scaled(a_pos), _scaled(bt_pos)


def _scaled(rows: list[list[int]]) -> np.ndarray:
    """Positive integers as floats divided by their largest: through floats while they fit,
    else by exact integer division (correctly rounded; a payoff given with 10³⁰⁰ in its
    denominator makes integers beyond any float)."""
    top = max(max(r) for r in rows)
    if top.bit_length() < 1000:
        f = np.array(rows, dtype=float)
        return f / f.max()
    return np.array([[v / top for v in r] for r in rows])


def screened_extreme_equilibria(A: npt.ArrayLike, B: npt.ArrayLike) -> ExactResult:
    """:func:`solver.kernels.exact.extreme_equilibria`, with the floats screening the bases.

    A clearly infeasible basis is no vertex; a clear vertex is nondegenerate, so its labels
    are exactly its basis (the zero coordinates and the tight constraints) and no other
    basis gives the same point. Only the unclear bases are solved exactly before pairing, and
    only the vertices of fully labelled pairs afterwards. The vertices, their labels and the
    pairs are those of the exact enumeration: the same equilibria and the same degeneracy and
    continuum verdicts, for degenerate games too.

    Examples
    --------
    >>> r = screened_extreme_equilibria([[3, 3], [2, 5], [0, 6]], [[3, 3], [2, 6], [3, 1]])
    >>> r.degenerate, r.continuum, len(r.equilibria)
    (True, True, 3)
    """
    *_, a_pos, bt_pos, a_f, bt_f = _prepared(A, B)
    m, n = len(a_pos), len(bt_pos)
    ri, cj, real = _bases(m, n, tuple(range(1, min(m, n) + 1)))
    p_status, q_status = _status(a_f, bt_f, ri, cj, real)
    bit = np.left_shift(np.int64(1), np.where(real, ri, 0)) * real
    i_bits = bit.sum(axis=1)
    j_bits = (np.left_shift(np.int64(1), np.where(real, cj, 0)) * real).sum(axis=1)
    p_masks = (((1 << m) - 1) ^ i_bits) | (j_bits << m)  # x_i = 0 off I; columns J tight
    q_masks = i_bits | ((((1 << n) - 1) ^ j_bits) << m)  # rows I tight; y_j = 0 off J
    degenerate = False
    sides = []
    for status, masks, M, tight_of, free_of, local in ((p_status, p_masks, bt_pos, cj, ri, False), (q_status, q_masks, a_pos, ri, cj, True)):
        keep = np.flatnonzero(status == 1).tolist()
        labels = masks[keep].tolist()
        points: list = [None] * len(keep)  # exact points, solved when paired
        seen: set = set()
        for b in np.flatnonzero(status == 2):
            size = int(real[b].sum())
            vertex = _vertex(M, tuple(free_of[b, :size].tolist()), tuple(tight_of[b, :size].tolist()))
            if vertex is None or vertex[0] in seen:
                continue
            seen.add(vertex[0])
            d = len(M[0])
            glob = [(m + k if k < d else k - d) for k in vertex[1]] if local else list(vertex[1])
            degenerate |= len(glob) > d
            keep.append(int(b))
            labels.append(sum(1 << t for t in glob))
            points.append(vertex[0])
        sides.append((keep, np.array(labels, dtype=np.int64), points, M, tight_of, free_of))
    (p_keep, p_lab, p_pts, *p_rest), (q_keep, q_lab, q_pts, *q_rest) = sides
    full = (1 << (m + n)) - 1
    hits = np.argwhere((p_lab[:, None] | q_lab[None, :]) == full) if len(p_lab) and len(q_lab) else np.zeros((0, 2), int)

    def point(pts: list, keep: list, rest: list, t: int) -> Vector:
        if pts[t] is None:
            M, tight_of, free_of = rest
            b = keep[t]
            size = int(real[b].sum())
            found = _vertex(M, tuple(free_of[b, :size].tolist()), tuple(tight_of[b, :size].tolist()))
            if found is None:  # the floats called an infeasible basis clear: do not trust them
                raise ArithmeticError
            pts[t] = found[0]
        return pts[t]

    pairs = []
    try:
        for s_, t_ in hits.tolist():
            x, y = point(p_pts, p_keep, p_rest, s_), point(q_pts, q_keep, q_rest, t_)
            sx, sy = sum(x), sum(y)
            pairs.append((tuple(v / sx for v in x), tuple(v / sy for v in y)))
    except ArithmeticError:  # the plain exact enumeration over every basis
        return _pair(m, n, _vertices(bt_pos, 1), _vertices(a_pos, 1))
    continuum = len({x for x, _ in pairs}) < len(pairs) or len({y for _, y in pairs}) < len(pairs)
    return ExactResult(equilibria=tuple(pairs), degenerate=degenerate, continuum=continuum)


def nondegenerate_equilibria(A: npt.ArrayLike, B: npt.ArrayLike, *, limit: int | None = None) -> list[Solved] | None:
    """All Nash equilibria of (A, B) if the game is nondegenerate, else None.

    Parameters
    ----------
    A, B : array_like
        Row and column payoff matrices of shape (m, n): exact entries (int or
        :class:`~fractions.Fraction`, e.g. a game's :attr:`games.Game.exact`).
    limit : int, optional
        Most unclear bases to decide exactly before giving up (None: no limit).

    Returns
    -------
    list of (row, col, payoffs) or None
        Each equilibrium as float probabilities and expected payoffs, all rounded once from
        their exact rational values; None when the game is degenerate or more than ``limit``
        bases were unclear (the caller then takes :func:`solver.kernels.exact.extreme_equilibria`).
    """
    a_int, a_scale, b_int, b_scale, a_pos, bt_pos, a_f, bt_f = _prepared(A, B)
    m, n = len(a_int), len(a_int[0])
    budget = math.inf if limit is None else limit
    exact_p: dict[tuple, tuple[list[int], int] | None] = {}
    exact_q: dict[tuple, tuple[list[int], int] | None] = {}
    pairs: list[tuple[tuple[int, ...], tuple[int, ...]]] = []
    small = min(m, n)
    # One padded batch when the bases are few (numpy's per-call cost dominates); one batch
    # per support size otherwise (padding would make every system K×K). The compiled kernel
    # takes one batch of all sizes.
    few = _compiled() is not None or math.comb(m + n, m) <= 2_000
    groups = [tuple(range(1, small + 1))] if few else [(k,) for k in range(1, small + 1)]
    try:
        for sizes in groups:
            ri, cj, real = _bases(m, n, sizes)
            p_status, q_status = _status(a_f, bt_f, ri, cj, real)
            unclear = np.flatnonzero((p_status == 2) | (q_status == 2))
            if len(unclear) > budget:
                return None
            budget -= len(unclear)
            for b in unclear:
                size = int(real[b].sum())
                I, J = tuple(ri[b, :size].tolist()), tuple(cj[b, :size].tolist())
                if p_status[b] == 2:
                    exact_p[I, J] = found = _exact_vertex(bt_pos, J, I)
                    p_status[b] = found is not None
                if q_status[b] == 2:
                    exact_q[I, J] = found = _exact_vertex(a_pos, I, J)
                    q_status[b] = found is not None
            for b in np.flatnonzero((p_status == 1) & (q_status == 1)):
                size = int(real[b].sum())
                pairs.append((tuple(ri[b, :size].tolist()), tuple(cj[b, :size].tolist())))
        result = []
        for I, J in pairs:
            px = exact_p.get((I, J)) or _exact_vertex(bt_pos, J, I)
            qy = exact_q.get((I, J)) or _exact_vertex(a_pos, I, J)
            if px is None or qy is None:  # the floats called a non-vertex clear: do not trust them
                return None
            x, y = px[0], qy[0]
            sx, sy = sum(x), sum(y)
            u = sum(x[i] * a_int[i][j] * y[j] for i in I for j in J) / (a_scale * sx * sy)
            v = sum(x[i] * b_int[i][j] * y[j] for i in I for j in J) / (b_scale * sx * sy)
            result.append((tuple(t / sx for t in x), tuple(t / sy for t in y), (u, v)))
    except _Degenerate:
        return None
    return result
