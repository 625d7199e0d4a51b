"""Induced normal forms of repeated play at many (discount, noise) points, in one batched solve.

For each pair of automata (i, j) the joint chain over state pairs has transition matrix
M(ε) = (1 − ε)² M₀ + ε(1 − ε) M₁ + ε² M₂, where Mₖ counts the moves after k flipped
actions; the discounted outcome distribution is W = (1 − δ) e_start (I − δM)⁻¹ U(ε)
(:mod:`games.repeated`). Every pair's chain is padded to the largest number of state pairs S
(the padding states are absorbing with weight 0), and the systems of all points and all pairs
are solved by one call of :func:`numpy.linalg.solve` over a stack of S×S matrices. The induced
payoffs are linear in the stage payoffs: X[i, j] = W[i, j] · a.

δ and ε are read as :func:`games.repeated.induced_game` reads them (the decimals they print
as, :func:`games.mechanisms.exact_parameter`), so the floats here approximate the same exact
rationals. Each point carries a bound on the error of its induced payoffs,
``ERROR_SCALE`` · max|stage payoff| / (1 − δ): the solve is backward stable (LU with partial
pivoting on at most 16 × 16 matrices, error ≲ 2S³u‖I − δM‖), I − δM has condition number at
most (1 + δ)/(1 − δ) in the ∞-norm (M is stochastic), and the inputs carry relative errors of
a few units in the last place u = 2⁻⁵³; 10⁻¹² is about 30× the resulting textbook bound for
S = 4 (the test measures the actual error against the exact rationals). Which profiles are
cooperative is decided only where the realised share is outside that bound from
:data:`games.repeated.REALISED_SHARE` · (1 − ε)²; elsewhere ``clear`` is False.

Examples
--------
>>> import numpy as np
>>> from games.repeated import STANDARD
>>> a = np.array([[[3.0, 0.0], [5.0, 1.0]]])
>>> r = induced_batch(a, np.transpose(a, (0, 2, 1)), STANDARD, [0.9], [0.0])
>>> round(float(r.A[0, 1, 2]), 10)   # AllD against Grim: (1 − δ)T + δP
1.4
>>> r.cooperative[0].diagonal().tolist(), bool(r.clear[0])
([True, False, True, True, True], True)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .errors import UserInputError
from .mechanisms import exact_parameter
from .repeated import EXACT_STATES, REALISED_SHARE, Automaton, standard_strategy

__all__ = ["ERROR_SCALE", "InducedBatch", "induced_batch", "outcome_weights"]

#: Relative error bound of the induced payoffs, times max|stage payoff| / (1 − δ).
ERROR_SCALE = 1e-12
_OUTCOMES = ((0, 0), (0, 1), (1, 0), (1, 1))


@dataclass(frozen=True)
class InducedBatch:
    """Induced normal forms of n points (k strategies), in floats, with their error bounds.

    Attributes
    ----------
    A, B : array (n, k, k)
        Induced payoffs of the row and column player.
    cooperation : array (n, k, k)
        Discounted share of rounds with realised mutual cooperation, clipped to [0, 1].
    cooperative : array (n, k, k) of bool
        The ``cooperative`` mask of :func:`games.repeated.induced_game` (valid where ``clear``).
    clear : array (n,) of bool
        Whether every profile's mask was decided outside the error bound.
    error : array (n,)
        Bound on |A − exact A| and |B − exact B| entrywise.
    discount, noise : array (n,)
        δ and ε as the floats of the exact rationals the exact path uses.
    """

    A: np.ndarray
    B: np.ndarray
    cooperation: np.ndarray
    cooperative: np.ndarray
    clear: np.ndarray
    error: np.ndarray
    discount: np.ndarray
    noise: np.ndarray


def _coefficients(first: Automaton, second: Automaton, size: int) -> tuple[np.ndarray, np.ndarray, int]:
    """Move counts M[c] (3, S, S) and outcome counts U[c] (3, S, 4) by number of flips c."""
    n2 = len(second.actions)
    M, U = np.zeros((3, size, size)), np.zeros((3, size, 4))
    for s1, act1 in enumerate(first.actions):
        for s2, act2 in enumerate(second.actions):
            k = s1 * n2 + s2
            a1, a2 = int(act1 == "D"), int(act2 == "D")
            for o, (r1, r2) in enumerate(_OUTCOMES):
                flips = int(r1 != a1) + int(r2 != a2)
                U[flips, k, o] += 1
                M[flips, k, first.table[s1][o] * n2 + second.table[s2][_OUTCOMES.index((r2, r1))]] += 1
    return M, U, first.initial * n2 + second.initial


def _path_cooperative(first: Automaton, second: Automaton) -> bool:
    """Whether the noise-free path of the pair is mutual cooperation in every round."""
    seen, state = set(), (first.initial, second.initial)
    while state not in seen:
        seen.add(state)
        s1, s2 = state
        if first.actions[s1] != "C" or second.actions[s2] != "C":
            return False
        state = (first.table[s1][0], second.table[s2][0])
    return True


def _exact_floats(values: npt.ArrayLike, n: int) -> np.ndarray:
    """Each value as the float of the rational the exact path reads (one conversion per value)."""
    arr = np.broadcast_to(np.asarray(values, dtype=float), (n,))
    unique, inverse = np.unique(arr, return_inverse=True)
    return np.array([float(exact_parameter(v)) for v in unique])[np.ravel(inverse)]


def outcome_weights(strategies: Sequence[Automaton | str], discount: npt.ArrayLike, noise: npt.ArrayLike) -> np.ndarray:
    """Discounted outcome distributions W (n, k, k, 4) over CC, CD, DC, DD of every pair.

    ``discount`` and ``noise`` are used as given (floats); :func:`induced_batch` first reads
    them as the exact path does. One :func:`numpy.linalg.solve` over all points and pairs.

    Examples
    --------
    >>> from games.repeated import GRIM, ALLD
    >>> outcome_weights([GRIM, ALLD], [0.9], [0.0])[0, 0, 1].round(10).tolist()   # CD, then DD
    [0.0, 0.1, 0.0, 0.9]
    """
    autos = [standard_strategy(s) for s in strategies]
    delta, eps = np.atleast_1d(np.asarray(discount, dtype=float)), np.atleast_1d(np.asarray(noise, dtype=float))
    delta, eps = np.broadcast_arrays(delta, eps)
    n, k = len(delta), len(autos)
    size = max(len(a.actions) for a in autos) ** 2
    pairs = [_coefficients(f, s, size) for f in autos for s in autos]
    M = np.stack([p[0] for p in pairs])  # (P, 3, S, S)
    U = np.stack([p[1] for p in pairs])  # (P, 3, S, 4)
    start = np.array([p[2] for p in pairs])
    keep = 1.0 - eps
    q = np.stack([keep * keep, eps * keep, eps * eps], axis=1)  # (n, 3)
    out = np.empty((n, k * k, 4))
    chunk = max(1, 2**20 // (k * k * size * size))
    eye = np.eye(size)
    for lo in range(0, n, chunk):
        sl = slice(lo, lo + chunk)
        moves = np.einsum("nc,pcst->npst", q[sl], M)
        lhs = eye - delta[sl, None, None, None] * moves
        rhs = np.zeros((len(moves), k * k, size, 1))
        rhs[:, np.arange(k * k), start, 0] = (1.0 - delta[sl])[:, None]
        # the occupation o solves o (I − δM) = (1 − δ) e_start, i.e. (I − δM)ᵀ oᵀ = …
        occupation = np.linalg.solve(np.swapaxes(lhs, -1, -2), rhs)[..., 0]
        out[sl] = np.einsum("nps,nc,pcso->npo", occupation, q[sl], U)
    return out.reshape(n, k, k, 4)


def induced_batch(
    a: npt.ArrayLike,
    b: npt.ArrayLike,
    strategies: Sequence[Automaton | str],
    discount: npt.ArrayLike,
    noise: npt.ArrayLike,
    *,
    decimals: bool = True,
) -> InducedBatch:
    """The induced normal forms of n points: stage payoffs, δ and ε per point.

    Parameters
    ----------
    a, b : array (n, 2, 2)
        Row and column stage payoffs (strategy 0 = C), the floats of the exact stage game.
    strategies : sequence of Automaton or str
        At most :data:`games.repeated.EXACT_STATES` state pairs per pair of automata.
    discount, noise : array_like (n,) or scalar
        δ in (0, 1), ε in [0, 0.5), read as the decimals they print as.
    decimals : bool
        With False, δ and ε are taken as given: the caller passes the floats of the exact
        rationals the exact path uses (a noise strengthened by third parties, say).

    Raises
    ------
    ValueError
        For a parameter out of range, arrays of the wrong shape, or automata too large for the
        exact path.
    """
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.ndim != 3 or a.shape[1:] != (2, 2) or b.shape != a.shape:
        raise ValueError(f"stage payoffs must be two arrays of shape (n, 2, 2), got {a.shape} and {b.shape}")
    n = len(a)
    autos = [standard_strategy(s) for s in strategies]
    if max(len(x.actions) for x in autos) ** 2 > EXACT_STATES:
        raise ValueError(f"automata with more than {EXACT_STATES} state pairs are solved in floats only; use games.repeated.induced_game")
    if decimals:
        delta, eps = _exact_floats(discount, n), _exact_floats(noise, n)
    else:
        delta = np.broadcast_to(np.asarray(discount, dtype=float), (n,)).copy()
        eps = np.broadcast_to(np.asarray(noise, dtype=float), (n,)).copy()
    if np.any((delta <= 0) | (delta >= 1)):
        raise UserInputError("discount must lie in (0, 1)")
    if np.any((eps < 0) | (eps >= 0.5)):
        raise UserInputError("noise must lie in [0, 0.5)")
    k = len(autos)
    W = outcome_weights(autos, delta, eps)
    A = np.einsum("nijo,no->nij", W, a.reshape(n, 4))
    B = np.einsum("nijo,no->nij", W, b.reshape(n, 4))
    realised = W[..., 0]
    scale = np.maximum(np.abs(a).max(axis=(1, 2)), np.abs(b).max(axis=(1, 2)))
    error = ERROR_SCALE * np.maximum(scale, np.finfo(float).tiny) / (1.0 - delta)
    weight_error = ERROR_SCALE / (1.0 - delta)
    intended = np.array([[_path_cooperative(f, s) for s in autos] for f in autos])
    best = float(REALISED_SHARE) * (1.0 - eps) ** 2  # its float error is far inside the bound
    gap = realised - best[:, None, None]
    noisy = eps > 0
    mask = intended[None] & (~noisy[:, None, None] | (gap >= 0))
    unclear = intended[None] & noisy[:, None, None] & (np.abs(gap) <= weight_error[:, None, None])
    clear = ~unclear.reshape(n, k * k).any(axis=1)
    return InducedBatch(A, B, np.clip(realised, 0.0, 1.0), mask, clear, error, delta, eps)
