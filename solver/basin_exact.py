"""The exact 2×2 basin of many bistable games at once: the separatrix as arrays.

For gains r₀ < 0 < r₁ (row) and c₀ < 0 < c₁ (column) from cooperating when the partner defects
(0) or cooperates (1), the separatrix of the replicator flow is the level set through the saddle
(x*, y*) = (−c₀/(c₁ − c₀), −r₀/(r₁ − r₀)) of the first integral of :mod:`solver.basin`:

    G_y(y) − ρ G_x(x) = G_y(y*) − ρ G_x(x*),   ρ = (c₁ − c₀)/(r₁ − r₀),
    G_z(z) = −z* log z − (1 − z*) log(1 − z),

a decreasing graph y = h(x). Here h is found for every game and abscissa at once: with
y = 1 − e^{−s} above the saddle (x < x*) and y = e^{−s} below it, G_y is a convex function of
s, increasing from its minimum at the saddle, bounded below by (1 − y*) s (upper branch) or y* s
(lower branch) — so Newton's method from s = target/(1 − y*) (or target/y*) approaches the
root monotonically from above and cannot overshoot. The area above the graph (the basin) is
∫₀¹ (1 − h) dx, split at x*, each part by tanh-sinh quadrature (Takahasi & Mori 1974): the
integrand behaves like a power x^α at the ends (α = c₀/r₀ may be small or large), which the
double-exponential map turns into a fast-decaying smooth integrand; 2 × 193 fixed nodes reach
an error below 1e-11 (held to the adaptive :func:`solver.basin.separatrix_area` and to
Monte-Carlo in tests/reference/test_basin_fast.py).

Examples
--------
>>> import numpy as np
>>> separatrix_areas(np.array([-1.0, -1.0]), np.array([1.0, 2.0]), np.array([-1.0, -1.0]), np.array([1.0, 1.0])).round(9).tolist()
[0.5, 0.633333333]
"""

from __future__ import annotations

import numpy as np

__all__ = ["separatrix_areas", "separatrix_heights"]

#: Tanh-sinh step and half-width: nodes t = kh, |t| ≤ 6 (beyond, the weights are below 1e-300).
_H, _T = 1 / 16, 6.0
_NODES = np.arange(-round(_T / _H), round(_T / _H) + 1) * _H
_Z = np.pi * np.sinh(_NODES)
_SIGMA = 1 / (1 + np.exp(-_Z))  # node in (0, 1)
_COSIGMA = 1 / (1 + np.exp(_Z))  # 1 − node, without cancellation
_WEIGHT = _H * np.pi * np.cosh(_NODES) * _SIGMA * _COSIGMA


def _g(z: np.ndarray, one_minus_z: np.ndarray, star: np.ndarray) -> np.ndarray:
    return -star * np.log(z) - (1 - star) * np.log(one_minus_z)


def separatrix_heights(r0, r1, c0, c1, x, one_minus_x=None) -> np.ndarray:
    """1 − h(x): the height above the separatrix at ``x``, for arrays broadcast together.

    ``one_minus_x`` (optional) is 1 − x given without cancellation, for abscissae near 1.

    >>> round(float(separatrix_heights(-1.0, 1.0, -1.0, 1.0, 0.25)), 12)   # the anti-diagonal
    0.25
    """
    omx = 1 - np.asarray(x, dtype=float) if one_minus_x is None else one_minus_x
    shape = np.broadcast_shapes(*(np.shape(v) for v in (r0, r1, c0, c1, x, omx)))
    r0, r1, c0, c1, x, omx = (v.ravel() for v in np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (r0, r1, c0, c1, x, omx))))
    a1, b1 = r1 - r0, c1 - c0
    xs, ys = -c0 / b1, -r0 / a1
    ratio = b1 / a1
    target = _g(ys, 1 - ys, ys) + ratio * (_g(x, omx, xs) - _g(xs, 1 - xs, xs))
    upper = x < xs
    # Upper branch y = 1 − e^{−s}: G = −y* log(1 − e^{−s}) + (1 − y*) s; lower y = e^{−s}: G = y* s − (1 − y*) log(1 − e^{−s}).
    p = np.where(upper, ys, 1 - ys)  # weight of the log term
    q = 1 - p  # slope at infinity
    s0 = np.where(upper, -np.log1p(-ys), -np.log(ys))
    s = np.maximum(s0, target / q)
    active = np.ones(s.shape, dtype=bool)
    for _ in range(200):
        if not active.any():
            break
        sa, pa, qa = s[active], p[active], q[active]
        em = -np.expm1(-sa)  # 1 − e^{−s}
        value = -pa * np.log(em) + qa * sa - target[active]
        slope = qa - pa * np.exp(-sa) / em
        step = np.where((value > 0) & (slope > 0), value / np.where(slope > 0, slope, 1.0), 0.0)
        new = np.maximum(sa - step, s0[active])
        done = (step <= 4e-16 * np.maximum(sa, 1.0)) | (new == sa)
        s[active] = new
        idx = np.flatnonzero(active)
        active[idx[done]] = False
    return np.where(upper, np.exp(-s), -np.expm1(-s)).reshape(shape)


def separatrix_areas(r0: np.ndarray, r1: np.ndarray, c0: np.ndarray, c1: np.ndarray) -> np.ndarray:
    """Area above the separatrix of N bistable 2×2 replicator flows (r0 < 0 < r1, c0 < 0 < c1).

    Parameters
    ----------
    r0, r1, c0, c1 : arrays of shape (N,)
        The gains from cooperating of the row and the column when the partner defects (0) and
        cooperates (1).

    Returns
    -------
    array of shape (N,)
        The basin of cooperation of each game (error < 1e-11).

    Raises
    ------
    ValueError
        If a game is not bistable.

    Examples
    --------
    >>> round(float(separatrix_areas([-2.0], [1.0], [-1.0], [3.0])[0]), 9)
    0.5864627
    """
    r0, r1, c0, c1 = (np.atleast_1d(np.asarray(v, dtype=float)) for v in (r0, r1, c0, c1))
    bad = ~((r0 < 0) & (0 < r1) & (c0 < 0) & (0 < c1))
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ValueError(f"separatrix_areas needs r0 < 0 < r1 and c0 < 0 < c1, got {r0[k]}, {r1[k]}, {c0[k]}, {c1[k]} (game {k})")
    xs = (-c0 / (c1 - c0))[:, None]
    # [0, x*]: x = x* σ;  [x*, 1]: x = x* + (1 − x*) σ, 1 − x = (1 − x*)(1 − σ).
    left_x = xs * _SIGMA
    right_x, right_omx = xs + (1 - xs) * _SIGMA, (1 - xs) * _COSIGMA
    x = np.concatenate([left_x, right_x], axis=1)
    omx = np.concatenate([1 - left_x, right_omx], axis=1)
    args = (r0[:, None], r1[:, None], c0[:, None], c1[:, None])
    height = separatrix_heights(*args, x, omx)
    k = len(_NODES)
    return (height[:, :k] @ _WEIGHT) * xs[:, 0] + (height[:, k:] @ _WEIGHT) * (1 - xs[:, 0])
