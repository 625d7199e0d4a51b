"""Cooperation levels of many induced games of repeated play, decided on arrays where certain.

The induced normal forms come from :func:`games.repeated_batch.induced_batch` (floats with an
entrywise error bound η). Every basis (I, J), |I| = |J|, of both best-response polytopes
P = {x ≥ 0 : Bᵀx ≤ 1} and Q = {y ≥ 0 : Ay ≤ 1} (payoffs shifted to ≥ 1) is solved for all
points at once (:func:`numpy.linalg.inv` over a stack), with a bound on its error from
the norm of the inverse, verified a posteriori: ‖M⁻¹‖ ≤ ‖G‖ / (1 − ‖I − GM‖) for the computed
inverse G, the float solution's error from its residual, and the perturbation bound
‖Δz‖ ≤ ‖M⁻¹‖‖ΔM‖‖z‖ / (1 − ‖M⁻¹‖‖ΔM‖) with ‖ΔM‖ ≤ sη, doubled. A point is decided here only when every
basis of both polytopes is *clear*: clearly infeasible (a coordinate or a slack below minus its
bound) or clearly a nondegenerate vertex (every coordinate and every other slack above its
bound), with ‖I − GM‖ < 1/2 and ‖M⁻¹‖‖ΔM‖ < 1/4. Then the exact game is nondegenerate with exactly these vertices,
its equilibria are the pairs feasible in both polytopes (von Stengel 2007), every pure
equilibrium is strict with no path-equivalent deviation, and the report's other decisions
(dominance, risk dominance, equal payoffs of cooperative equilibria) are taken only outside
their own error bands. Everything else — degenerate games (every noise-free point, where AllC,
TFT and Grim tie), near-singular bases, near-ties — is left undecided, for the exact path
(:func:`solver.cooperation.stability` on :func:`games.repeated.induced_game`).

Examples
--------
>>> import numpy as np
>>> from games.repeated import STANDARD
>>> from games.repeated_batch import induced_batch
>>> a = np.array([[[3.0, 0.0], [5.0, 1.0]]] * 2)          # the prisoner's dilemma
>>> r = certified_levels(induced_batch(a, np.transpose(a, (0, 2, 1)), STANDARD, [0.95, 0.6], [0.02, 0.02]))
>>> r.decided.tolist(), [LEVELS[c] for c in r.level], r.count.tolist()
([True, True], ['risk-dominant', 'strict'], [7, 11])
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

import numpy as np

from games import Game, Mechanism, RepeatedPlay, ThirdPartyOrganization, apply
from games.mechanisms import exact_parameter
from games.repeated import EXACT_STATES
from games.repeated_batch import InducedBatch, induced_batch

from .kernels.levels import LEVELS

__all__ = ["RepeatedLevels", "certified_levels", "stack_levels"]

_U = np.finfo(float).eps / 2


@dataclass(frozen=True)
class RepeatedLevels:
    """The report fields of n induced games; valid only where ``decided``.

    ``level`` indexes :data:`solver.LEVELS`; ``count`` is the number of equilibria; a decided
    game is nondegenerate (no continuum).
    """

    decided: np.ndarray
    level: np.ndarray
    nash: np.ndarray
    strict: np.ndarray
    unique: np.ndarray
    dominant: np.ndarray
    risk_dominant: np.ndarray
    count: np.ndarray


def _bases(k: int, s: int) -> tuple[np.ndarray, np.ndarray]:
    sets = np.array(list(combinations(range(k), s)), dtype=np.intp)
    rows = np.repeat(sets, len(sets), axis=0)
    cols = np.tile(sets, (len(sets), 1))
    return rows, cols


def _solve(M: np.ndarray, L: np.ndarray, outside: np.ndarray, eta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Bases M z = 1 (n, b, s, s), slacks 1 − L z (L: n, b, k, s) on the ``outside`` lines (b, k).

    Returns z, its error bound, whether the basis is clearly a nondegenerate vertex, and
    whether it is unclear.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # non-finite values are unclear
        return _classify(M, L, outside, eta)


def _inverse(M: np.ndarray) -> np.ndarray:
    """Approximate inverses of a stack of s×s matrices: cofactors up to 3×3, LAPACK above.

    Only an approximation: :func:`_classify` bounds the error a posteriori (‖I − GM‖), so a
    poor inverse makes a basis unclear, never wrong. A singular matrix gives non-finite values.
    """
    s = M.shape[-1]
    if s == 1:
        return 1.0 / M
    if s == 2:
        a, b, c, d = M[..., 0, 0], M[..., 0, 1], M[..., 1, 0], M[..., 1, 1]
        det = a * d - b * c
        return np.stack([np.stack([d, -b], -1), np.stack([-c, a], -1)], -2) / det[..., None, None]
    if s == 3:
        cof = np.empty_like(M)
        for i in range(3):
            for j in range(3):
                r, c = [x for x in range(3) if x != i], [x for x in range(3) if x != j]
                minor = M[..., r[0], c[0]] * M[..., r[1], c[1]] - M[..., r[0], c[1]] * M[..., r[1], c[0]]
                cof[..., j, i] = minor if (i + j) % 2 == 0 else -minor  # the adjugate, transposed
        det = np.einsum("...j,...j->...", M[..., 0, :], cof[..., :, 0])
        return cof / det[..., None, None]
    try:
        return np.linalg.inv(M)
    except np.linalg.LinAlgError:  # an exactly singular float basis somewhere: those become NaN
        det = np.linalg.det(M)
        singular = ~np.isfinite(det) | (det == 0)
        G = np.linalg.inv(np.where(singular[..., None, None], np.eye(s), M))
        G[singular] = np.nan
        return G


def _classify(M: np.ndarray, L: np.ndarray, outside: np.ndarray, eta: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    # M and L hold shifted payoffs, all ≥ 1 (no absolute values needed).
    s = M.shape[-1]
    G = _inverse(M)
    z = G.sum(axis=-1)
    zmax = np.abs(z).max(axis=-1)
    g = np.abs(G).sum(axis=-1).max(axis=-1)
    norm = M.sum(axis=-1).max(axis=-1)
    # ‖M⁻¹‖ ≤ ‖G‖ / (1 − θ) for θ = ‖I − GM‖ < 1 (θ computed in floats, its rounding added)
    theta = np.abs(np.eye(s) - G @ M).sum(axis=-1).max(axis=-1) + 4 * s * _U * g * norm
    g_true = g / (1.0 - theta)
    # the float solution against the float matrix, from the residual 1 − M z
    residual = np.abs(1.0 - np.einsum("...ij,...j->...i", M, z)).max(axis=-1) + 4 * s * _U * norm * zmax + 4 * _U
    e0 = g_true * residual
    # and against the exact matrix, entries within η: ‖Δz‖ ≤ ‖M⁻¹‖ s η ‖z‖ / (1 − ‖M⁻¹‖ s η)
    rho = g_true * s * eta[:, None]
    ok = np.isfinite(g_true) & np.isfinite(e0) & (theta < 0.5) & (rho < 0.25)
    err_z = np.where(ok, 2 * (e0 + rho * (zmax + e0)) / np.where(ok, 1.0 - rho, 1.0), np.inf)
    t = 1.0 - np.einsum("nbls,nbs->nbl", L, z)
    row_sum = L.sum(axis=-1)
    err_t = 2 * (row_sum * err_z[..., None] + s * eta[:, None, None] * (zmax + err_z)[..., None] + 4 * s * _U * row_sum * zmax[..., None] + _U)
    pos = (z > err_z[..., None]).all(axis=-1) & np.where(outside[None], t > err_t, True).all(axis=-1)
    neg = (z < -err_z[..., None]).any(axis=-1) | np.where(outside[None], t < -err_t, False).any(axis=-1)
    feasible = ok & pos
    unclear = ~(feasible | (ok & neg))
    return z, err_z, feasible, unclear


def _report(X, Y, eta, eqs) -> tuple | None:
    """(nash, strict, unique, dominant, risk_dominant) of one certified game, None if unclear.

    ``eqs``: (cooperative, pure profile or None, row payoff, column payoff, payoff bound).
    """
    cooperative = [e for e in eqs if e[0]]
    if not cooperative:
        return False, False, False, False, False
    band = 4 * eta
    pure = [e[1] for e in cooperative if e[1] is not None]
    if len(cooperative) == len(eqs) and len(eqs) > 1:
        ref = cooperative[0]
        unique = True
        for e in cooperative[1:]:
            diff = max(abs(e[2] - ref[2]), abs(e[3] - ref[3]))
            # the report compares mixed payoffs as games.game.rational reads their floats (within
            # 10⁻¹² · max(|v|, 1)), so a difference must clear that too
            if diff <= e[4] + ref[4] + 4e-12 * max(1.0, abs(e[2]), abs(e[3]), abs(ref[2]), abs(ref[3])):
                return None
            unique = False
    else:
        unique = len(eqs) == 1
    dominant = False
    for i, j in pure:
        dr = np.delete(X[i][None, :] - X, i, axis=0)
        dc = np.delete(Y[:, j][:, None] - Y, j, axis=1)
        if (dr > band).all() and (dc > band).all():
            dominant = True
        elif not ((dr < -band).any() or (dc < -band).any()):
            return None
    others = [e[1] for e in eqs if e[1] is not None and not e[0]]
    risk = False
    for i, j in pure:
        wins = True
        for m, n_ in others:
            f = (X[i, j] - X[m, j], Y[i, j] - Y[i, n_], X[m, n_] - X[i, n_], Y[m, n_] - Y[m, j])
            mine, theirs = f[0] * f[1], f[2] * f[3]
            err = 2 * band * sum(abs(v) for v in f) + 4 * band * band + 4 * _U * (abs(mine) + abs(theirs))
            if abs(mine - theirs) <= err:
                return None
            wins &= bool(mine > theirs)
        risk |= wins
    return True, bool(pure), unique, dominant, risk


def certified_levels(batch: InducedBatch, *, chunk: int = 1024) -> RepeatedLevels:
    """The cooperation report's fields of every induced game of ``batch`` decided on arrays.

    Parameters
    ----------
    batch : InducedBatch
        From :func:`games.repeated_batch.induced_batch`.
    chunk : int
        Points per block of the batched solves (memory).

    Returns
    -------
    RepeatedLevels
        Identical, where ``decided``, to :func:`solver.cooperation.stability` (``basin=False``)
        of the exact induced game; elsewhere the fields are meaningless.
    """
    n, k = batch.A.shape[0], batch.A.shape[1]
    fields = {name: np.zeros(n, dtype=bool) for name in ("nash", "strict", "unique", "dominant", "risk_dominant")}
    count = np.zeros(n, dtype=np.int64)
    level = np.full(n, LEVELS.index("none"), dtype=np.int8)
    decided = batch.clear.copy()
    sizes = [(s, *_bases(k, s)) for s in range(1, k + 1)]
    for lo in range(0, n, chunk):
        sl = slice(lo, lo + chunk)
        X, Y = batch.A[sl], batch.B[sl]
        m = len(X)
        low_a, low_b = X.min(axis=(1, 2)), Y.min(axis=(1, 2))
        As, Bs = X - low_a[:, None, None] + 1.0, Y - low_b[:, None, None] + 1.0
        big = np.maximum(np.abs(X).max(axis=(1, 2)), np.abs(Y).max(axis=(1, 2))) + 1.0
        eta = batch.error[sl] + 8 * _U * big  # and the shift's rounding
        ok = decided[sl].copy()
        found: list[list] = [[] for _ in range(m)]
        coop = batch.cooperative[sl]
        for s, rows, cols in sizes:
            # P: x on rows I, tight columns J: Σ_p x_p B[I_p, J_q] = 1; slacks on all columns
            Lx = np.swapaxes(Bs[:, rows, :], -1, -2)  # (m, b, k, s): L[c, p] = B[I_p, c]
            Mx = np.swapaxes(Bs[:, rows[:, :, None], cols[:, None, :]], -1, -2)
            out_x = np.ones((len(cols), k), dtype=bool)
            np.put_along_axis(out_x, cols, False, axis=1)
            zx, ex, fx, ux = _solve(Mx, Lx, out_x, eta)
            # Q: y on columns J, tight rows I: Σ_q A[I_p, J_q] y_q = 1; slacks on all rows
            Ly = As[:, :, cols].transpose(0, 2, 1, 3)  # (m, b, k, s): L[r, q] = A[r, J_q]
            My = As[:, rows[:, :, None], cols[:, None, :]]
            out_y = np.ones((len(rows), k), dtype=bool)
            np.put_along_axis(out_y, rows, False, axis=1)
            zy, ey, fy, uy = _solve(My, Ly, out_y, eta)
            ok &= ~(ux.any(axis=1) | uy.any(axis=1))
            hits = fx & fy & ok[:, None]
            if not hits.any():
                continue
            # payoffs 1/Σy − shift, with the bound of 1/Σ from the coordinates' bounds
            sx, sy, vx, vy = zx.sum(axis=-1), zy.sum(axis=-1), ex * s, ey * s
            with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # only infeasible bases' values
                err = np.maximum(vy / (sy * (sy - vy)), vx / (sx * (sx - vx))) + 4 * _U * big[:, None]
                row_pay, col_pay = 1.0 / sy + low_a[:, None] - 1.0, 1.0 / sx + low_b[:, None] - 1.0
            err = np.where((vy < sy / 2) & (vx < sx / 2), err, np.inf)
            coop_b = coop[:, rows[:, :, None], cols[:, None, :]].all(axis=(-1, -2))
            for p, b in zip(*np.nonzero(hits)):
                profile = (int(rows[b, 0]), int(cols[b, 0])) if s == 1 else None
                found[p].append((bool(coop_b[p, b]), profile, float(row_pay[p, b]), float(col_pay[p, b]), float(err[p, b])))
        for p in np.flatnonzero(ok):
            i = lo + p
            count[i] = len(found[p])
            r = _report(X[p], Y[p], eta[p], found[p])
            if r is None:
                ok[p] = False
                continue
            for name, value in zip(fields, r):
                fields[name][i] = value
            nash, strict, unique, dominant, risk = r
            flags = {"dominant": dominant, "unique": unique and nash, "risk-dominant": risk, "strict": strict, "weak": nash}
            level[i] = LEVELS.index(next((name for name in LEVELS[:-1] if flags[name]), "none"))
        decided[sl] = ok
    return RepeatedLevels(decided, level, count=count, **fields)


def stack_levels(stages: Sequence[Game], stacks: Sequence[Sequence[Mechanism]]) -> RepeatedLevels | None:
    """:func:`certified_levels` of ``apply(stage, *stack)`` for each world (stage game, stack).

    Every stack holds one :class:`games.RepeatedPlay`, the same strategies in every world. The
    stage mechanisms are applied in exact rationals as :func:`games.apply` applies them, and δ
    and ε (strengthened by third parties' detection) are the exact path's rationals. None when
    the stacks do not fit (no or several RepeatedPlay, other strategies, large automata).

    Examples
    --------
    >>> from games import RepeatedPlay, prisoners_dilemma
    >>> r = stack_levels([prisoners_dilemma()] * 2, [[RepeatedPlay(discount=0.95, noise=0.02)], [RepeatedPlay(discount=0.95)]])
    >>> r.decided.tolist(), LEVELS[r.level[0]]                # the noise-free game is degenerate
    ([True, False], 'risk-dominant')
    """
    n = len(stages)
    reps = [[m for m in stack if isinstance(m, RepeatedPlay)] for stack in stacks]
    if n == 0 or any(len(r) != 1 for r in reps):
        return None
    strategies = reps[0][0].strategies
    if any(r[0].strategies != strategies for r in reps) or max(len(x.actions) for x in strategies) ** 2 > EXACT_STATES:
        return None
    a, b = np.empty((n, 2, 2)), np.empty((n, 2, 2))
    delta, eps = np.empty(n), np.empty(n)
    for w, (stage, stack, rep) in enumerate(zip(stages, stacks, reps)):
        others = [m for m in stack if not isinstance(m, RepeatedPlay)]
        exact = apply(stage, *others).exact
        a[w] = [[float(v) for v in row] for row in exact[0]]
        b[w] = [[float(v) for v in row] for row in exact[1]]
        miss = math.prod((1 - exact_parameter(m.detection) for m in others if isinstance(m, ThirdPartyOrganization)), start=Fraction(1))
        delta[w], eps[w] = float(exact_parameter(rep[0].discount)), float(exact_parameter(rep[0].noise) * miss)
    return certified_levels(induced_batch(a, b, strategies, delta, eps, decimals=False))
