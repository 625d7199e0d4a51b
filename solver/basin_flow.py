"""Replicator trajectories of many starts, 64 abreast, with a certified early stop.

The flow of :mod:`solver.basin` in logit coordinates uᵢ = log xᵢ (shares xᵢ = softmax(u)ᵢ),

    u̇ᵢ = (Ay)ᵢ − xᵀAy,   v̇ⱼ = (xᵀB)ⱼ − xᵀBy,

is integrated per start by the Dormand–Prince 5(4) pair (the method of scipy's ``RK45``) with
its own step-size control (``rtol``, ``atol`` on each start's coordinates), compiled by numba
when it is installed (the same function runs as plain Python otherwise: the same numbers,
slowly). Starts are handed out in chunks to the calling thread and one helper (the compiled
code releases the GIL); each start is integrated on its own, so the numbers do not depend on
the threads or their scheduling. Within a chunk, :data:`_LANES` starts are advanced in
lockstep (arrays with the starts as the inner axis, each with its own time, step size and
acceptance; a finished start's lane takes the next one): per start the same operations in the
same order as a run on its own, so the same numbers, bit for bit, whatever its neighbours. The
loops over the lanes compile to SIMD code, the exponentials of the softmax included
(:func:`_exp`, within a unit in the last place of the library's exp).

**Certified early stop.** A start is stopped before ``t_end`` only when its class at ``t_end``
is proven. Take a profile class R × C (a strict equilibrium with its path-equivalent
strategies, :func:`solver.strict.strict_class`), the row's margin at each column l

    g_l = min_{r∈R, k∉R} (A_rl − A_kl),   D_A = max(0, −min_{l∉C} g_l),

the *strong* columns S = {l ∈ C : g_l > 0} with μ_A = min_{l∈S} g_l, and the *weak* ones
W = C ∖ S with G_A = max_{l∈W} (−g_l) (W is empty when every column of C has a positive margin).
For r ∈ R, k ∉ R, (Ay)_r − (Ay)_k ≥ Σ_l y_l g_l ≥ y_S μ_A − y_W G_A − (1 − y_C) D_A, and
d/dt x_R = Σ_{r∈R, k∉R} x_r x_k [(Ay)_r − (Ay)_k], so d/dt logit(x_R) is at least that bound.
The weak share is held by the ratio ρ = y_W / y_S: for w ∈ W, s ∈ S,
d/dt log(y_w / y_s) = (xᵀB)_w − (xᵀB)_s ≤ Λ_A := max(0, max_{i, w∈W, s∈S} (B_iw − B_is)), so
y_w(τ) y_s(t) ≤ y_w(t) y_s(τ) e^{Λ_A (τ − t)}; summed over w and s, ρ(τ) ≤ ρ̄ := ρ(t)
e^{Λ_A (t_end − t)} for t ≤ τ ≤ t_end. With y_S = y_C / (1 + ρ), y_W = y_C ρ / (1 + ρ) and
(μ_A − ρ G_A) / (1 + ρ) decreasing in ρ,

    d/dt logit(x_R) ≥ κ_A(y_C) := y_C μ̃_A − (1 − y_C) D_A,   μ̃_A = (μ_A − ρ̄ G_A) / (1 + ρ̄)

on [t, t_end] (μ̃_A = μ_A when W is empty), and d/dt logit(y_C) ≥ κ_B(x_R) likewise (margins of
B at each row of R, weak rows, Λ_B from A). When μ̃_A, μ̃_B > 0 and κ_A(y_C(t)) > 0,
κ_B(x_R(t)) > 0, the set {x_R ≥ x_R(t), y_C ≥ y_C(t)} is forward invariant up to ``t_end`` (on
its boundary both shares grow, and κ only grows inside it), and at ``t_end`` logit(x_R) ≥
logit(x_R(t)) + κ_A (t_end − t) (y likewise). The start is stopped when these lower bounds
already put it in the class the estimator would find at ``t_end``: for a class inside the
cooperative mask, x_R y_C ≥ ``threshold`` (the cooperative weight is at least x_R y_C); for a
class outside it, x_R, y_C ≥ ``threshold`` and 1 − x_R y_C < ``threshold`` (so it cannot also
be cooperative). Every other start is integrated to ``t_end`` and classified from its end
state, as before. (The weak strategies matter for repeated play without noise: on the face of
AllC, Grim, TFT, WSLS every profile pays the same, and AllD beats the face only against AllC,
whose share relative to the reciprocators never grows, Λ = 0.)

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

import math
from concurrent.futures import ThreadPoolExecutor
from functools import lru_cache
from typing import NamedTuple

import numpy as np

__all__ = ["Certificates", "certificates", "end_states"]

#: Local error tolerances of each start's integration (scipy's defaults for the old batch).
RTOL, ATOL = 1e-6, 1e-8
#: Slack on every certificate inequality: float rounding never decides a start.
_SLACK = 1e-9
#: Starts integrated together in lockstep by :func:`_ends`. Measured on the 5×5 games of
#: benchmarks/basins.py (one thread, 12,288 starts): 8 lanes 230 ms, 16: 130, 32: 140, 64: 85,
#: 128: 90 — the compiler vectorizes (and interleaves) the lane loops fully from 64 on.
_LANES = 64


class Certificates(NamedTuple):
    """Profile classes a start can be certified into: membership masks, margins, splits into
    strong and weak strategies (tiers: the kept ones first, then unused ones with margin 0) and kind."""

    rows: np.ndarray  # (K, m) bool
    cols: np.ndarray  # (K, n) bool
    mu_a: np.ndarray  # (K, n) μ_A = g_S of each split of C (0: no such split)
    d_a: np.ndarray  # (K,)
    mu_b: np.ndarray  # (K, m)
    d_b: np.ndarray  # (K,)
    kind: np.ndarray  # (K,) int: 1 cooperative, 2 elsewhere
    weak_cols: np.ndarray  # (K, n, n) bool: W of each split (the columns of C with the smallest margins)
    w_a: np.ndarray  # (K, n) G_A = max_{l∈W} (−g_l)
    lam_a: np.ndarray  # (K, n) Λ_A: growth rate bound of log(y_W / y_S)
    weak_rows: np.ndarray  # (K, m, m) bool
    w_b: np.ndarray  # (K, m)
    lam_b: np.ndarray  # (K, m)


def _tiers(gain: np.ndarray, inside: np.ndarray, rival: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None:
    """The splits of one side: ``gain[l]`` the margin g_l at each opposing strategy, ``inside``
    the opposing strategies of the class, ``rival[i, l]`` the opponent's payoff when its strategy
    l meets i. Split k puts the k inside strategies of smallest margin in W; it is kept when the
    others all have positive margins (μ > 0), the kept ones first. None when no split is kept."""
    size = len(gain)
    mu, w, lam = np.zeros(size), np.zeros(size), np.zeros(size)
    weak = np.zeros((size, size), bool)
    order = np.flatnonzero(inside)[np.argsort(gain[inside], kind="stable")]
    tier = 0
    for k in range(len(order)):
        low, high = order[:k], order[k:]
        if gain[high].min() <= 0:
            continue
        mu[tier] = gain[high].min()
        weak[tier, low] = True
        if k:
            w[tier] = (-gain[low]).max()
            lam[tier] = max(0.0, (rival[:, low][:, :, None] - rival[:, high][:, None, :]).max())
        tier += 1
    return (mu, weak, w, lam) if tier else None


def certificates(a: np.ndarray, b: np.ndarray, classes, threshold: float) -> Certificates:
    """The certifiable classes among ``classes`` — (rows, cols, cooperative) with rows × cols
    wholly inside (cooperative True) or wholly outside the cooperative mask — with the margins of
    the module docstring on the (scaled) payoffs ``a``, ``b``: on each side some split into weak
    and strong strategies, the strong ones with positive margins. Others are left out (never
    stopped early).

    >>> a = np.array([[2.0, 0.0], [0.0, 1.0]])
    >>> c = certificates(a, a.T.copy(), [((0,), (0,), True)], 0.99)
    >>> c.mu_a.tolist(), c.d_a.tolist(), c.kind.tolist(), c.weak_cols[0, 0].tolist()
    ([[2.0, 0.0]], [1.0], [1], [False, False])
    """
    m, n = a.shape
    keep, seen = [], set()
    for rows, cols, cooperative in classes:
        if (frozenset(rows), frozenset(cols)) in seen:
            continue  # the same class (its strategies listed in another order): the same certificate
        seen.add((frozenset(rows), frozenset(cols)))
        if not cooperative and 1 - threshold * threshold >= threshold:
            continue  # a class outside the mask could then also count as cooperative
        r, c = np.zeros(m, bool), np.zeros(n, bool)
        r[list(rows)], c[list(cols)] = True, True
        # Row margins: rows of R against rows outside, at each column (g_l) and outside C (D_A).
        if (~r).any():
            gain = (a[r][:, None, :] - a[~r][None, :, :]).min(axis=(0, 1))  # (l,)
            d_a = float(max(0.0, (-gain[~c]).max())) if (~c).any() else 0.0
            side_a = _tiers(gain, c, b)
        else:  # x_R = 1 throughout
            side_a, d_a = _tiers(np.where(c, 1.0, 0.0), c, b), 0.0
        if (~c).any():
            gain = (b[:, c][:, :, None] - b[:, ~c][:, None, :]).min(axis=(1, 2))  # (i,)
            d_b = float(max(0.0, (-gain[~r]).max())) if (~r).any() else 0.0
            side_b = _tiers(gain, r, a.T)
        else:
            side_b, d_b = _tiers(np.where(r, 1.0, 0.0), r, a.T), 0.0
        if side_a is not None and side_b is not None:
            (mu_a, weak_c, w_a, lam_a), (mu_b, weak_r, w_b, lam_b) = side_a, side_b
            keep.append((r, c, mu_a, d_a, mu_b, d_b, 1 if cooperative else 2, weak_c, w_a, lam_a, weak_r, w_b, lam_b))
    if not keep:
        rows, cols = np.zeros((0, m), bool), np.zeros((0, n), bool)
        za, zb = np.zeros((0, n)), np.zeros((0, m))
        return Certificates(
            rows, cols, za, np.zeros(0), zb, np.zeros(0), np.zeros(0, np.int64), np.zeros((0, n, n), bool), za, za, np.zeros((0, m, m), bool), zb, zb
        )
    return Certificates(*(np.array(field) for field in zip(*keep)))


# Dormand–Prince 5(4) tableau (Hairer, Nørsett & Wanner, Solving ODEs I, table II.5.2).
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


#: Constants of :func:`_exp` (Cody & Waite's split of log 2 as in fdlibm: n·LN2_HI is exact).
_LN2_HI, _LN2_LO, _INV_LN2 = 6.93147180369123816490e-01, 1.90821492927058770002e-10, 1.44269504088896338700e00


def _pow2(k):
    """2^k for an integral float k with a normal result (−1022 ≤ k ≤ 1023); compiled, the
    same number by a bit cast (:func:`_pow2_bits`)."""
    return math.ldexp(1.0, int(k))


def _pow2_bits(k):  # pragma: no cover - compiled by numba
    return _as_float((np.int64(k) + 1023) << 52)


def _as_float(bits):  # pragma: no cover - replaced by numba's bit cast when compiled
    raise NotImplementedError("a bit cast of compiled code only")


def _exp(z):
    """e^z for z ≤ 0 (NaN stays NaN): Cody–Waite reduction z = n log 2 + r, |r| ≤ log 2 / 2
    (n·LN2_HI exact), the degree-13 Taylor polynomial of e^r (truncation below 2e-17 relative),
    scaled by 2^(n+64)·2^−64 (one rounding also where the value is subnormal; 0 below −745.5).
    Within a unit in the last place of the library's exp (equal on nine values in ten; a test
    holds it to two units of the 30-digit value). Straight-line arithmetic, so a loop of it
    compiles to SIMD code, where the library's exp is one call per value.

    >>> float(_exp(-1.0)) == float(np.exp(-1.0)), float(_exp(-800.0))
    (True, 0.0)
    """
    z = z if (z > -745.5 or z != z) else -745.5
    n = np.floor(z * _INV_LN2 + 0.5)
    r = (z - n * _LN2_HI) - n * _LN2_LO
    p = 1.0 / 6227020800.0
    p = p * r + 1.0 / 479001600.0
    p = p * r + 1.0 / 39916800.0
    p = p * r + 1.0 / 3628800.0
    p = p * r + 1.0 / 362880.0
    p = p * r + 1.0 / 40320.0
    p = p * r + 1.0 / 5040.0
    p = p * r + 1.0 / 720.0
    p = p * r + 1.0 / 120.0
    p = p * r + 1.0 / 24.0
    p = p * r + 1.0 / 6.0
    p = p * r + 0.5
    p = p * r + 1.0
    p = p * r + 1.0
    return p * _pow2(n + 64.0) * 5.421010862427522e-20  # 2^-64


def _field(a, b, u, m, n, x, y, du):  # pragma: no cover - compiled by numba
    """The flow at the logits ``u`` of :data:`_LANES` starts (shape (m + n, lanes)): their shares
    ``x`` (m, lanes), ``y`` (n, lanes) and ``du`` (m + n, lanes). Each lane's numbers are those of
    one start on its own (no operation mixes lanes); the lanes are the inner loop, so the
    compiled code does each operation for all lanes at once (SIMD)."""
    lanes = u.shape[1]
    top = np.empty(lanes)
    s = np.empty(lanes)
    for lane in range(lanes):
        top[lane] = u[0, lane]
    for i in range(1, m):
        for lane in range(lanes):
            top[lane] = max(top[lane], u[i, lane])
    for i in range(m):
        for lane in range(lanes):
            x[i, lane] = _exp(u[i, lane] - top[lane])
    for lane in range(lanes):
        s[lane] = 0.0
    for i in range(m):
        for lane in range(lanes):
            s[lane] += x[i, lane]
    for i in range(m):
        for lane in range(lanes):
            x[i, lane] /= s[lane]
    for lane in range(lanes):
        top[lane] = u[m, lane]
    for j in range(1, n):
        for lane in range(lanes):
            top[lane] = max(top[lane], u[m + j, lane])
    for j in range(n):
        for lane in range(lanes):
            y[j, lane] = _exp(u[m + j, lane] - top[lane])
    for lane in range(lanes):
        s[lane] = 0.0
    for j in range(n):
        for lane in range(lanes):
            s[lane] += y[j, lane]
    for j in range(n):
        for lane in range(lanes):
            y[j, lane] /= s[lane]
    for lane in range(lanes):
        s[lane] = 0.0  # the mean payoff
    for i in range(m):
        for lane in range(lanes):
            du[i, lane] = 0.0
        for j in range(n):
            for lane in range(lanes):
                du[i, lane] += a[i, j] * y[j, lane]
        for lane in range(lanes):
            s[lane] += x[i, lane] * du[i, lane]
    for i in range(m):
        for lane in range(lanes):
            du[i, lane] -= s[lane]
    for lane in range(lanes):
        s[lane] = 0.0
    for j in range(n):
        for lane in range(lanes):
            du[m + j, lane] = 0.0
        for i in range(m):
            for lane in range(lanes):
                du[m + j, lane] += x[i, lane] * b[i, j]
        for lane in range(lanes):
            s[lane] += y[j, lane] * du[m + j, lane]
    for j in range(n):
        for lane in range(lanes):
            du[m + j, lane] -= s[lane]


def _margin(shares, cert, k, start, horizon):  # pragma: no cover - compiled by numba
    """μ̃ of the module docstring for class ``k``, the largest over the kept splits of one side,
    stored in row k of ``cert`` from column ``start`` (layout: :func:`_kernel_form`); -1.0 when no
    split proves a positive margin."""
    size = len(shares)
    best = -1.0
    for tier in range(int(cert[k, start])):
        at = start + 1 + tier * (4 + 2 * size)
        mu, w, lam = cert[k, at], cert[k, at + 1], cert[k, at + 2]
        if cert[k, at + 3] == 0.0:  # no weak strategies
            if mu > best:
                best = mu
            continue
        in_weak = 0.0
        in_strong = 0.0
        for j in range(size):
            in_weak += shares[j] * cert[k, at + 4 + j]
            in_strong += shares[j] * cert[k, at + 4 + size + j]
        if (in_weak <= 0.0 and lam > 0.0) or in_strong <= 0.0:
            continue  # an underflown share (times a growth factor): nothing proven
        ratio = in_weak / in_strong * np.exp(lam * horizon)
        if ratio * w >= mu:
            continue
        value = (mu - ratio * w) / (1.0 + ratio)
        if value > best:
            best = value
    return best


def _top_mu(cert, k, start, size):  # pragma: no cover - compiled by numba
    """The largest μ of the kept splits of one side of class ``k`` (layout of :func:`_margin`);
    -1.0 when none is kept."""
    best = -1.0
    for tier in range(int(cert[k, start])):
        best = max(best, cert[k, start + 1 + tier * (4 + 2 * size)])
    return best


def _certified(x, y, t, t_end, cert, threshold):  # pragma: no cover - compiled by numba
    """The kind (1, 2) of the first class the state is certified into at ``t_end``, else 0
    (``cert``: one row per class, :func:`_kernel_form`)."""
    m, n = len(x), len(y)
    for k in range(cert.shape[0]):
        out_x = 0.0
        for i in range(m):
            out_x += x[i] * cert[k, i]
        out_y = 0.0
        for j in range(n):
            out_y += y[j] * cert[k, m + j]
        in_x, in_y = 1.0 - out_x, 1.0 - out_y
        if in_x <= 0.0 or in_y <= 0.0:
            continue
        # μ̃ ≤ μ of its split, so κ is at most its value with the largest μ (the same rounded
        # operations, monotone for in_x, in_y > 0): where that is too small, so is κ (no exp).
        if in_y * _top_mu(cert, k, m + n + 3, n) - out_y * cert[k, m + n] <= _SLACK:
            continue
        if in_x * _top_mu(cert, k, m + n + 4 + n * (4 + 2 * n), m) - out_x * cert[k, m + n + 1] <= _SLACK:
            continue
        margin_a = _margin(y, cert, k, m + n + 3, t_end - t)
        margin_b = _margin(x, cert, k, m + n + 4 + n * (4 + 2 * n), t_end - t)
        if margin_a <= 0.0 or margin_b <= 0.0:
            continue
        kappa_a = in_y * margin_a - out_y * cert[k, m + n]
        kappa_b = in_x * margin_b - out_x * cert[k, m + n + 1]
        if kappa_a <= _SLACK or kappa_b <= _SLACK or in_x <= 0.0 or in_y <= 0.0:
            continue
        # Lower bounds of x_R, y_C at t_end from the growth of their logits.
        gx = np.log(out_x / in_x) - kappa_a * (t_end - t) if out_x > 0.0 else -np.inf
        gy = np.log(out_y / in_y) - kappa_b * (t_end - t) if out_y > 0.0 else -np.inf
        end_x = 1.0 / (1.0 + np.exp(gx))
        end_y = 1.0 / (1.0 + np.exp(gy))
        if cert[k, m + n + 2] == 1.0:
            if end_x * end_y >= threshold + _SLACK:
                return 1
        elif end_x >= threshold + _SLACK and end_y >= threshold + _SLACK and 1.0 - end_x * end_y < threshold - _SLACK:
            return 2
    return 0


def _finish(s, lane, done, label, xs, ys, x, y):  # pragma: no cover - compiled by numba
    """Record start ``s`` (in ``lane``): its kind and shares (``x``, ``y`` at its last state)."""
    label[s] = done
    for i in range(x.shape[0]):
        xs[s, i] = x[i, lane]
    for j in range(y.shape[0]):
        ys[s, j] = y[j, lane]


def _ends(a, b, u0, t_end, cert, threshold, rtol, atol, ca, b5, e, label, xs, ys):  # pragma: no cover
    """Integrate every start of ``u0``, :data:`_LANES` at a time in lockstep, each with its own
    time, step size and acceptance (a lane whose start is done takes the next start): per start
    the same operations, in the same order, as one adaptive Dormand–Prince run on its own (the
    step-size rule and the certificate of the module docstring), so the same numbers."""
    dim = u0.shape[1]
    lanes = _LANES
    m, n = a.shape
    k = np.zeros((7, dim, _LANES))
    u, w, new = np.zeros((dim, _LANES)), np.zeros((dim, _LANES)), np.zeros((dim, _LANES))
    x, y = np.zeros((m, _LANES)), np.zeros((n, _LANES))
    start_k, start_x, start_y = np.zeros((dim, _LANES)), np.zeros((m, _LANES)), np.zeros((n, _LANES))
    x1, y1 = np.empty(m), np.empty(n)  # one lane's shares, for its certificate
    t, h, err = np.zeros(_LANES), np.zeros(_LANES), np.zeros(_LANES)
    slot = np.full(_LANES, -1)  # the start in each lane (-1: none)
    following = 0  # the next start to take
    fresh = np.zeros(_LANES, np.bool_)
    following = _take(a, b, u0, t_end, cert, threshold, label, xs, ys, following, slot, fresh, u, t, h, k, start_k, start_x, start_y, x1, y1)
    while True:
        busy = False
        for lane in range(_LANES):
            if slot[lane] >= 0:
                busy = True
                if t[lane] + h[lane] > t_end:
                    h[lane] = t_end - t[lane]
        if not busy:
            return
        for stage in range(1, 6):
            for i in range(dim):
                for lane in range(lanes):
                    w[i, lane] = u[i, lane]
                for q in range(stage):
                    c = ca[stage, q]
                    for lane in range(lanes):
                        w[i, lane] += h[lane] * c * k[q, i, lane]
            _field(a, b, w, m, n, x, y, k[stage])
        for i in range(dim):
            for lane in range(lanes):
                new[i, lane] = u[i, lane]
            for q in range(6):
                c = b5[q]
                for lane in range(lanes):
                    new[i, lane] += h[lane] * c * k[q, i, lane]
        _field(a, b, new, m, n, x, y, k[6])
        for lane in range(_LANES):
            err[lane] = 0.0
        for i in range(dim):
            for lane in range(lanes):
                v = 0.0
                for q in range(7):
                    v += e[q] * k[q, i, lane]
                sc = atol + rtol * max(abs(u[i, lane]), abs(new[i, lane]))
                err[lane] += (h[lane] * v / sc) ** 2
        for lane in range(_LANES):
            if slot[lane] < 0:
                continue
            size = np.sqrt(err[lane] / dim)
            done = 0
            if size <= 1.0:
                t[lane] += h[lane]
                for i in range(dim):
                    u[i, lane] = new[i, lane]
                    k[0, i, lane] = k[6, i, lane]
                for i in range(m):
                    x1[i] = x[i, lane]
                for j in range(n):
                    y1[j] = y[j, lane]
                done = _certified(x1, y1, t[lane], t_end, cert, threshold)
                factor = 10.0 if size == 0.0 else min(10.0, 0.9 * size**-0.2)
            else:
                factor = max(0.2, 0.9 * size**-0.2)
            h[lane] *= factor
            if done != 0 or t[lane] >= t_end:
                _finish(slot[lane], lane, done, label, xs, ys, x, y)  # x, y: the shares at the accepted state
                slot[lane] = -1
        following = _take(a, b, u0, t_end, cert, threshold, label, xs, ys, following, slot, fresh, u, t, h, k, start_k, start_x, start_y, x1, y1)


def _take(a, b, u0, t_end, cert, threshold, label, xs, ys, following, slot, fresh, u, t, h, k, fk, fx, fy, x1, y1):  # pragma: no cover
    """Put the next starts into the free lanes (``slot`` −1), one field for all of them; the
    starts certified where they begin are recorded at once and their lanes filled again. Return
    the index of the next start to take. ``fresh`` marks the lanes filled in a round; ``fk``,
    ``fx``, ``fy`` are scratch for the field at the new starts."""
    count, dim = u0.shape
    m = x1.shape[0]
    n = y1.shape[0]
    while True:
        filled = False
        for lane in range(_LANES):
            fresh[lane] = slot[lane] < 0 and following < count
            if fresh[lane]:
                slot[lane] = following
                following += 1
                filled = True
                for i in range(dim):
                    u[i, lane] = u0[slot[lane], i]
                t[lane] = 0.0
                h[lane] = 0.05
        if not filled:
            return following
        _field(a, b, u, m, n, fx, fy, fk)
        for lane in range(_LANES):
            if not fresh[lane]:
                continue
            for i in range(dim):
                k[0, i, lane] = fk[i, lane]
            for i in range(m):
                x1[i] = fx[i, lane]
            for j in range(n):
                y1[j] = fy[j, lane]
            done = _certified(x1, y1, 0.0, t_end, cert, threshold)
            if done != 0 or not 0.0 < t_end:
                _finish(slot[lane], lane, done, label, xs, ys, fx, fy)
                slot[lane] = -1


@lru_cache(maxsize=1)
def _compiled():  # the compiled integrator, or the plain Python one
    """The integrator compiled by numba on first use (cached on disk), or plain Python without numba."""
    try:
        import numba
    except ImportError:  # pragma: no cover - numba is a dependency
        return _ends
    from llvmlite import ir
    from numba.extending import intrinsic

    # error_model "numpy": no zero-divisor branch in the loops (every divisor here is positive).
    jit = numba.njit(cache=True, nogil=True, error_model="numpy")
    global _exp, _pow2, _as_float, _field, _margin, _certified, _take, _finish, _top_mu
    _take, _finish = jit(_take), jit(_finish)
    # Inlined where they are called: no call (and no reference counting of their arrays) per step.
    inline = numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")
    _margin, _certified, _field, _top_mu = inline(_margin), inline(_certified), inline(_field), inline(_top_mu)
    _exp, _pow2 = inline(_exp), inline(_pow2_bits)

    @intrinsic
    def as_float(_typing, bits):  # the 64 bits of an integer read as a double
        return numba.float64(numba.int64), lambda _context, builder, _signature, args: builder.bitcast(args[0], ir.DoubleType())

    _as_float = as_float
    return jit(_ends)


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
    a, b, u0 = np.ascontiguousarray(a, float), np.ascontiguousarray(b, float), np.ascontiguousarray(u0, float)
    fixed = (_kernel_form(classes), float(threshold), rtol, atol, _A, _B5, _E)
    chunks = iter(range(0, count, _CHUNK))  # handed out one at a time (next() on a range iterator is atomic under the GIL)

    def work() -> None:
        for lo in chunks:
            hi = min(count, lo + _CHUNK)
            kernel(a, b, u0[lo:hi], float(t_end), *fixed, label[lo:hi], xs[lo:hi], ys[lo:hi])

    pool = _pool() if kernel is not _ends and count > _CHUNK else None
    helper = pool.submit(work) if pool is not None else None
    work()
    if helper is not None and not helper.cancel():  # never started (a busy helper, a forked child): nothing to wait for
        helper.result()
    return label, xs, ys


def _kernel_form(c: Certificates) -> np.ndarray:
    """The certificates as the compiled code reads them: one float row per class (one array, no
    reference counting of many in the hot loop) — the outside masks of rows (m) and columns (n)
    as 0/1 (a sum over a mask is then the same sum without branches), D_A, D_B, the kind, then
    for the row's side the number of kept splits and, per split, μ, G, Λ, |W| and the masks of
    W and S (n each), then the column's side likewise (m each).

    >>> a = np.array([[2.0, 0.0], [0.0, 1.0]])
    >>> _kernel_form(certificates(a, a.T.copy(), [((0,), (0,), True)], 0.99))[0, :8].tolist()
    [0.0, 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    """

    def side(inside, mu, weak, w, lam):
        count, size = inside.shape
        strong = inside[:, None, :] & ~weak
        tiers = np.concatenate([mu[..., None], w[..., None], lam[..., None], weak.sum(axis=2)[..., None], weak, strong], axis=2)
        return np.concatenate([(mu > 0).sum(axis=1)[:, None], tiers.reshape(count, size * (4 + 2 * size))], axis=1)

    head = [~c.rows, ~c.cols, c.d_a[:, None], c.d_b[:, None], c.kind[:, None]]
    rows = np.concatenate(
        [*(part.astype(float) for part in head), side(c.cols, c.mu_a, c.weak_cols, c.w_a, c.lam_a), side(c.rows, c.mu_b, c.weak_rows, c.w_b, c.lam_b)], axis=1
    )
    return np.ascontiguousarray(rows)


#: Starts per chunk of :func:`end_states`. Chunks are taken by whichever thread is free (the
#: caller's and one helper), each start integrated on its own: the numbers never depend on the
#: threads or their scheduling, and a busy second core costs nothing but the wait for one chunk.
#: Larger chunks leave fewer lanes idle at their ends (six 5×5 games of 2,048 starts, two threads:
#: 128 starts 64 ms, 256: 57, 512: 50, 1,024: 49); 512 still gives the helper a share of 2,048.
_CHUNK = 512


@lru_cache(maxsize=1)
def _pool() -> ThreadPoolExecutor:
    """One helper thread for :func:`end_states` (the compiled kernel releases the GIL)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="basin")
