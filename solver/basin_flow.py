"""Replicator trajectories of many starts, one start at a time, with a certified early stop.

The flow of :mod:`solver.basin` in logit coordinates uᵢ = log xᵢ (shares xᵢ = softmax(u)ᵢ),

    u̇ᵢ = (Ay)ᵢ − xᵀAy,   v̇ⱼ = (xᵀB)ⱼ − xᵀBy,

is integrated per start by the Dormand–Prince 5(4) pair (the method of scipy's ``RK45``) with
its own step-size control (``rtol``, ``atol`` on each start's coordinates), compiled by numba
when it is installed (the same function runs as plain Python otherwise: the same numbers,
slowly).

**Certified early stop.** A start is stopped before ``t_end`` only when its class at ``t_end``
is proven. Take a profile class R × C (a strict equilibrium with its path-equivalent
strategies, :func:`solver.strict.strict_class`) and the payoff margins

    μ_A = min_{r∈R, l∈C, k∉R} (A_rl − A_kl),   D_A = max(0, max_{r∈R, l∉C, k∉R} (A_kl − A_rl))

(μ_B, D_B likewise for the column). For all r ∈ R, k ∉ R, (Ay)_r − (Ay)_k ≥ y_C μ_A − (1 − y_C) D_A
=: κ_A(y_C), and d/dt x_R = Σ_{r∈R, k∉R} x_r x_k [(Ay)_r − (Ay)_k] ≥ x_R (1 − x_R) κ_A(y_C), so

    d/dt logit(x_R) ≥ κ_A(y_C),   d/dt logit(y_C) ≥ κ_B(x_R).

When μ_A, μ_B > 0 and, at time t, κ_A(y_C(t)) > 0 and κ_B(x_R(t)) > 0, the set
{x_R ≥ x_R(t), y_C ≥ y_C(t)} is forward invariant (on its boundary both shares grow, and κ
only grows inside it), and at ``t_end`` logit(x_R) ≥ logit(x_R(t)) + κ_A (t_end − t) (y
likewise). The start is stopped when these lower bounds already put it in the class the
estimator would find at ``t_end``: for a class inside the cooperative mask, x_R y_C ≥
``threshold`` (the cooperative weight is at least x_R y_C); for a class outside it, x_R, y_C ≥
``threshold`` and 1 − x_R y_C < ``threshold`` (so it cannot also be cooperative). Every other
start is integrated to ``t_end`` and classified from its end state, as before.

Examples
--------
>>> import numpy as np
>>> a = np.array([[2.0, 0.0], [0.0, 1.0]])        # coordination: two strict equilibria
>>> classes = certificates(a, a.T.copy(), [((0,), (0,), True), ((1,), (1,), False)], 0.99)
>>> u0 = np.log(np.array([[0.9, 0.1, 0.9, 0.1], [0.1, 0.9, 0.1, 0.9]]))
>>> label, x, y = end_states(a, a.T.copy(), u0, 1000.0, classes, 0.99)
>>> label.tolist()                                # 1: certified cooperative, 2: certified elsewhere
[1, 2]
"""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

import numpy as np

__all__ = ["Certificates", "certificates", "end_states"]

#: Local error tolerances of each start's integration (scipy's defaults for the old batch).
RTOL, ATOL = 1e-6, 1e-8
#: Slack on every certificate inequality: float rounding never decides a start.
_SLACK = 1e-9


class Certificates(NamedTuple):
    """Profile classes a start can be certified into: membership masks, margins and kind."""

    rows: np.ndarray  # (K, m) bool
    cols: np.ndarray  # (K, n) bool
    mu_a: np.ndarray  # (K,)
    d_a: np.ndarray
    mu_b: np.ndarray
    d_b: np.ndarray
    kind: np.ndarray  # (K,) int: 1 cooperative, 2 elsewhere


def certificates(a: np.ndarray, b: np.ndarray, classes, threshold: float) -> Certificates:
    """The certifiable classes among ``classes`` — (rows, cols, cooperative) with rows × cols
    wholly inside (cooperative True) or wholly outside the cooperative mask — with positive
    margins μ_A, μ_B on the (scaled) payoffs ``a``, ``b``. Others are left out (never stopped early).

    >>> a = np.array([[2.0, 0.0], [0.0, 1.0]])
    >>> c = certificates(a, a.T.copy(), [((0,), (0,), True)], 0.99)
    >>> c.mu_a.tolist(), c.d_a.tolist(), c.kind.tolist()
    ([2.0], [1.0], [1])
    """
    m, n = a.shape
    keep = []
    for rows, cols, cooperative in classes:
        if not cooperative and 1 - threshold * threshold >= threshold:
            continue  # a class outside the mask could then also count as cooperative
        r, c = np.zeros(m, bool), np.zeros(n, bool)
        r[list(rows)], c[list(cols)] = True, True
        # Row margins: rows of R against rows outside, at the columns of C and outside them.
        if (~r).any():
            gain = a[r][:, None, :] - a[~r][None, :, :]  # (r, k, l)
            mu_a = float(gain[:, :, c].min())
            d_a = float(max(0.0, (-gain[:, :, ~c]).max())) if (~c).any() else 0.0
        else:
            mu_a, d_a = 1.0, 0.0
        if (~c).any():
            gain = b[:, c][:, :, None] - b[:, ~c][:, None, :]  # (l, c, k)
            mu_b = float(gain[r].min())
            d_b = float(max(0.0, (-gain[~r]).max())) if (~r).any() else 0.0
        else:
            mu_b, d_b = 1.0, 0.0
        if mu_a > 0 and mu_b > 0:
            keep.append((r, c, mu_a, d_a, mu_b, d_b, 1 if cooperative else 2))
    if not keep:
        return Certificates(np.zeros((0, m), bool), np.zeros((0, n), bool), *(np.zeros(0) for _ in range(4)), np.zeros(0, np.int64))
    r, c, mu_a, d_a, mu_b, d_b, kind = zip(*keep)
    return Certificates(np.array(r), np.array(c), np.array(mu_a), np.array(d_a), np.array(mu_b), np.array(d_b), np.array(kind, np.int64))


# Dormand–Prince 5(4) tableau (Hairer, Nørsett & Wanner, Solving ODEs I, table II.5.2).
_C = np.array([0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0])
_A = np.array(
    [
        [0.0, 0.0, 0.0, 0.0, 0.0],
        [1 / 5, 0.0, 0.0, 0.0, 0.0],
        [3 / 40, 9 / 40, 0.0, 0.0, 0.0],
        [44 / 45, -56 / 15, 32 / 9, 0.0, 0.0],
        [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729, 0.0],
        [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
    ]
)
_B5 = np.array([35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0.0])
_E = np.array([71 / 57600, 0.0, -71 / 16695, 71 / 1920, -17253 / 339200, 22 / 525, -1 / 40])


def _field(a, b, u, m, n, x, y, du):  # pragma: no cover - compiled by numba
    top = u[0]
    for i in range(1, m):
        top = max(top, u[i])
    s = 0.0
    for i in range(m):
        x[i] = np.exp(u[i] - top)
        s += x[i]
    for i in range(m):
        x[i] /= s
    top = u[m]
    for j in range(1, n):
        top = max(top, u[m + j])
    s = 0.0
    for j in range(n):
        y[j] = np.exp(u[m + j] - top)
        s += y[j]
    for j in range(n):
        y[j] /= s
    mean = 0.0
    for i in range(m):
        v = 0.0
        for j in range(n):
            v += a[i, j] * y[j]
        du[i] = v
        mean += x[i] * v
    for i in range(m):
        du[i] -= mean
    mean = 0.0
    for j in range(n):
        v = 0.0
        for i in range(m):
            v += x[i] * b[i, j]
        du[m + j] = v
        mean += y[j] * v
    for j in range(n):
        du[m + j] -= mean


def _certified(x, y, t, t_end, rows, cols, mu_a, d_a, mu_b, d_b, kind, threshold):  # pragma: no cover - compiled by numba
    """The kind (1, 2) of the first class the state is certified into at ``t_end``, else 0."""
    for k in range(len(kind)):
        out_x = 0.0
        for i in range(len(x)):
            if not rows[k, i]:
                out_x += x[i]
        out_y = 0.0
        for j in range(len(y)):
            if not cols[k, j]:
                out_y += y[j]
        in_x, in_y = 1.0 - out_x, 1.0 - out_y
        kappa_a = in_y * mu_a[k] - out_y * d_a[k]
        kappa_b = in_x * mu_b[k] - out_x * d_b[k]
        if kappa_a <= _SLACK or kappa_b <= _SLACK or in_x <= 0.0 or in_y <= 0.0:
            continue
        # Lower bounds of x_R, y_C at t_end from the growth of their logits.
        gx = np.log(out_x / in_x) - kappa_a * (t_end - t) if out_x > 0.0 else -np.inf
        gy = np.log(out_y / in_y) - kappa_b * (t_end - t) if out_y > 0.0 else -np.inf
        end_x = 1.0 / (1.0 + np.exp(gx))
        end_y = 1.0 / (1.0 + np.exp(gy))
        if kind[k] == 1:
            if end_x * end_y >= threshold + _SLACK:
                return 1
        elif end_x >= threshold + _SLACK and end_y >= threshold + _SLACK and 1.0 - end_x * end_y < threshold - _SLACK:
            return 2
    return 0


def _ends_python(a, b, u0, t_end, rows, cols, mu_a, d_a, mu_b, d_b, kind, threshold, rtol, atol, ca, cc, b5, e, label, xs, ys):  # pragma: no cover
    count, dim = u0.shape
    m, n = a.shape
    k = np.zeros((7, dim))
    u = np.empty(dim)
    w = np.empty(dim)
    new = np.empty(dim)
    x = np.empty(m)
    y = np.empty(n)
    for s in range(count):
        for i in range(dim):
            u[i] = u0[s, i]
        t = 0.0
        h = 0.05
        _field(a, b, u, m, n, x, y, k[0])
        done = _certified(x, y, t, t_end, rows, cols, mu_a, d_a, mu_b, d_b, kind, threshold)
        while done == 0 and t < t_end:
            if t + h > t_end:
                h = t_end - t
            for stage in range(1, 6):
                for i in range(dim):
                    v = u[i]
                    for q in range(stage):
                        v += h * ca[stage, q] * k[q, i]
                    w[i] = v
                _field(a, b, w, m, n, x, y, k[stage])
            for i in range(dim):
                v = u[i]
                for q in range(6):
                    v += h * b5[q] * k[q, i]
                new[i] = v
            _field(a, b, new, m, n, x, y, k[6])
            err = 0.0
            for i in range(dim):
                v = 0.0
                for q in range(7):
                    v += e[q] * k[q, i]
                sc = atol + rtol * max(abs(u[i]), abs(new[i]))
                err += (h * v / sc) ** 2
            err = np.sqrt(err / dim)
            if err <= 1.0:
                t += h
                for i in range(dim):
                    u[i] = new[i]
                    k[0, i] = k[6, i]
                done = _certified(x, y, t, t_end, rows, cols, mu_a, d_a, mu_b, d_b, kind, threshold)
                factor = 10.0 if err == 0.0 else min(10.0, 0.9 * err**-0.2)
            else:
                factor = max(0.2, 0.9 * err**-0.2)
            h *= factor
        label[s] = done
        _field(a, b, u, m, n, x, y, k[6])
        for i in range(m):
            xs[s, i] = x[i]
        for j in range(n):
            ys[s, j] = y[j]


@lru_cache(maxsize=1)
def _compiled():  # the compiled integrator, or the plain Python one
    """The integrator compiled by numba on first use (cached on disk), or plain Python without numba."""
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency
        return _ends_python
    jit = numba.njit(cache=True, nogil=True)
    global _field, _certified
    _field, _certified = jit(_field), jit(_certified)
    return jit(_ends_python)


def end_states(
    a: np.ndarray, b: np.ndarray, u0: np.ndarray, t_end: float, classes: Certificates, threshold: float, *, rtol: float = RTOL, atol: float = ATOL
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each start's certified class (1 cooperative, 2 elsewhere, 0 integrated to ``t_end``) and
    its last shares x, y (at ``t_end``, or where it was certified).

    Parameters
    ----------
    a, b : arrays of shape (m, n)
        Payoffs, already in units of the payoff range.
    u0 : array of shape (count, m + n)
        Starting logits.
    t_end : float
    classes : Certificates
        From :func:`certificates`.
    threshold : float
    """
    count = len(u0)
    m, n = a.shape
    label = np.zeros(count, np.int64)
    xs, ys = np.empty((count, m)), np.empty((count, n))
    kernel = _compiled()
    kernel(
        np.ascontiguousarray(a, float),
        np.ascontiguousarray(b, float),
        np.ascontiguousarray(u0, float),
        float(t_end),
        classes.rows,
        classes.cols,
        classes.mu_a,
        classes.d_a,
        classes.mu_b,
        classes.d_b,
        classes.kind,
        float(threshold),
        rtol,
        atol,
        _A,
        _C,
        _B5,
        _E,
        label,
        xs,
        ys,
    )
    return label, xs, ys
