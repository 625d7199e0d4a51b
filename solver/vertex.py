"""Extreme equilibria by vectorized vertex enumeration in floating point.

The same algorithm as :mod:`solver.exact` (fully labelled vertex pairs of the best-response
polytopes, von Stengel 2007), with every choice of tight constraints solved at once by
``numpy.linalg.solve`` on a stack of small systems and labels decided with a tolerance
relative to the payoff range. It is one to two orders of magnitude faster than the rational
enumeration. :func:`solver.equilibria` no longer calls it: since issue 15 every method that
must be fast takes the support kernel of :mod:`solver.support` (exact, and 2–10× faster
than this on 3×3–5×5 games); this module stays as a float cross-check.

Examples
--------
>>> r = float_extreme_equilibria([[4, 0], [3, 2]], [[4, 3], [0, 2]])
>>> sorted((x.round(6).tolist(), y.round(6).tolist()) for x, y in r.equilibria)
[([0.0, 1.0], [0.0, 1.0]), ([0.666667, 0.333333], [0.666667, 0.333333]), ([1.0, 0.0], [1.0, 0.0])]
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations

import numpy as np
import numpy.typing as npt

__all__ = ["FloatResult", "float_extreme_equilibria"]

#: Relative tolerance for tight constraints and feasibility.
TOL = 1e-9
#: A coordinate or slack between TOL and NEAR is a near tie the floats cannot be trusted with.
NEAR = 1e-6


@dataclass(frozen=True)
class FloatResult:
    """Extreme equilibria as float strategy pairs, with the degeneracy verdicts."""

    equilibria: tuple[tuple[np.ndarray, np.ndarray], ...]
    degenerate: bool
    continuum: bool
    near_tie: bool = False


@lru_cache(maxsize=64)
def _choices(total: int, size: int) -> np.ndarray:
    return np.array(list(combinations(range(total), size)), dtype=int).reshape(-1, size)


def _vertices(M: np.ndarray) -> tuple[np.ndarray, np.ndarray, bool]:
    """Vertices of {z ≥ 0, Mz ≤ 1}, their labels (z_k = 0: label k; (Mz)_i = 1: label d + i),
    and whether some vertex is within :data:`NEAR` of a tie (a coordinate or slack just above
    the tolerance, a point just outside the polytope, two distinct points merged)."""
    r, d = M.shape
    rows = np.vstack([-np.eye(d), M])
    rhs = np.concatenate([np.zeros(d), np.ones(r)])
    picks = _choices(d + r, d)
    A, b = rows[picks], rhs[picks]
    det = np.linalg.det(A)
    scale = np.abs(A).max(axis=(1, 2)) ** d
    regular = np.abs(det) > 1e-12 * np.maximum(scale, 1.0)
    z = np.linalg.solve(A[regular], b[regular][..., None])[..., 0]
    slack = rhs[None, :] - z @ rows.T
    feasible = np.all(slack >= -TOL, axis=1)
    near = bool(np.any(np.all(slack >= -NEAR, axis=1) & ~feasible))
    z, slack = z[feasible], slack[feasible]
    near |= bool(np.any((np.abs(z) > TOL) & (np.abs(z) <= NEAR)) or np.any((np.abs(slack) > TOL) & (np.abs(slack) <= NEAR)))
    z[np.abs(z) <= TOL] = 0.0
    labels = np.abs(slack) <= TOL
    if len(z) == 0:
        return z, labels, near
    # Only the same vertex found from different tight sets is merged: a coarser grid (1/√TOL
    # once) merged a mixed vertex 5e-5 away from a pure one and lost its equilibrium.
    keys = np.round(z / (1e3 * TOL))
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    near |= bool(np.any(np.abs(z - z[first][inverse.ravel()]) > TOL))
    first = np.sort(first)
    return z[first], labels[first], near


def float_extreme_equilibria(A: npt.ArrayLike, B: npt.ArrayLike) -> FloatResult:
    """All extreme Nash equilibria of (A, B) by vectorized float vertex enumeration.

    Payoffs are shifted to be at least 1 and divided by their range so that the tolerance
    :data:`TOL` is relative. Pure-strategy ties smaller than the tolerance count as ties, and
    ``near_tie`` says when some vertex lies within :data:`NEAR` of one: callers that must be
    right then take the exact enumeration.
    """
    A, B = np.asarray(A, dtype=float), np.asarray(B, dtype=float)
    m, n = A.shape

    def positive(X: np.ndarray) -> np.ndarray:
        spread = max(float(np.ptp(X)), 1e-300)
        return (X - X.min()) / spread + 1.0

    a, b = positive(A), positive(B)
    px, plab, near_p = _vertices(b.T)  # x ∈ ℝᵐ: labels 0..m−1 (xᵢ = 0), m + j (column j best response)
    qy, qlab_local, near_q = _vertices(a)  # y ∈ ℝⁿ: local k < n → m + k, local n + i → i
    qlab = np.concatenate([qlab_local[:, n:], qlab_local[:, :n]], axis=1)
    degenerate = bool(np.any(plab.sum(axis=1) > m) or np.any(qlab.sum(axis=1) > n))
    keep_p = px.sum(axis=1) > TOL
    keep_q = qy.sum(axis=1) > TOL
    px, plab, qy, qlab = px[keep_p], plab[keep_p], qy[keep_q], qlab[keep_q]
    full = np.all(plab[:, None, :] | qlab[None, :, :], axis=2)
    pairs = []
    for i, j in zip(*np.nonzero(full)):
        pairs.append((px[i] / px[i].sum(), qy[j] / qy[j].sum()))
    xs = {tuple(np.round(x, 9)) for x, _ in pairs}
    ys = {tuple(np.round(y, 9)) for _, y in pairs}
    continuum = len(xs) < len(pairs) or len(ys) < len(pairs)
    return FloatResult(tuple(pairs), degenerate, continuum, near_p or near_q)
