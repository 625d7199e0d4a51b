"""The compiled loops of the support kernel (numba): float bases, small bases exactly in int64.

Imported lazily by :mod:`solver.kernels.support` (importing numba costs about 0.3 s); the
functions are compiled on first use and cached on disk.

* :func:`classify_bases` sorts every basis of {z ≥ 0, Mz ≤ 1} into clearly infeasible (0),
  clearly a nondegenerate vertex (1) and unclear (2) — the float classification with its
  error band described in :mod:`solver.kernels.support`.
* :func:`integer_equilibria` does the nondegenerate enumeration of a game with integer
  payoffs in one call. Every basis of size k ≤ 3 is decided EXACTLY in int64 by Cramer's rule
  (k ≤ 3 cofactor determinants): no vertex (singular, a negative coordinate or a violated
  constraint), a nondegenerate vertex, or a feasible point with a zero coordinate or an extra
  tight constraint — then the game is degenerate and is handed back. Larger bases get the
  float classification. Each equilibrium with supports of size ≤ 3 is thus solved exactly; its
  floats are one correctly rounded division of two integers below 2⁵³, so they are the exact
  enumeration's numbers. The payoffs are bounded (entries ≤ :data:`SMALL` after the shift) so
  that no integer reaches 2⁵³. Anything else — an unclear or degenerate basis, a larger
  support, larger payoffs — is left to the Python integers of :mod:`solver.kernels.support`.

Examples
--------
>>> import numpy as np
>>> from solver.kernels.support import _bases
>>> a = np.array([[3.0, 3.0], [2.0, 5.0], [0.0, 6.0]]); b = np.array([[3.0, 2.0], [2.0, 6.0], [3.0, 1.0]])
>>> ri, cj, real = _bases(3, 2, (1, 2))
>>> out = np.empty((8, 3 + 2 + 3))
>>> integer_equilibria(a, b, ri, cj, real.sum(axis=1), out)
3
>>> out[1].tolist()  # x, y, both payoffs, −1: solved here
[0.8, 0.2, 0.0, 0.6666666666666666, 0.3333333333333333, 3.0, 2.8, -1.0]
"""

from __future__ import annotations

import numba
import numpy as np

from .bands import ERROR_PER_CONDITION, MAX_CONDITION

__all__ = ["SMALL", "classify_bases", "integer_equilibria"]

#: Largest shifted payoff (and |shift|) for the int64 path: with k ≤ 3, determinants stay below
#: 6·SMALL³ and every load, sum and payoff numerator below 2⁵³.
SMALL = 4096


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _classify(M, tight, free, b, k, S, z):  # pragma: no cover - compiled
    """Status of basis ``b`` (size k) of {z ≥ 0, Mz ≤ 1}: 0 infeasible, 1 vertex, 2 unclear."""
    r, d = M.shape
    frob = 0.0
    for i in range(k):
        for j in range(k):
            S[i, j] = M[tight[b, i], free[b, j]]
            frob += S[i, j] * S[i, j]
        z[i] = 1.0
    det = 1.0
    for c in range(k):  # LU with partial pivoting, applied to the right-hand side
        p = c
        for i in range(c + 1, k):
            if abs(S[i, c]) > abs(S[p, c]):
                p = i
        if p != c:
            for j in range(k):
                S[c, j], S[p, j] = S[p, j], S[c, j]
            z[c], z[p] = z[p], z[c]
            det = -det
        det *= S[c, c]
        if S[c, c] == 0.0:
            break
        for i in range(c + 1, k):
            f = S[i, c] / S[c, c]
            for j in range(c, k):
                S[i, j] -= f * S[c, j]
            z[i] -= f * z[c]
    scale = np.sqrt(frob / k)  # the condition bound 2 (‖S‖_F / √k)^k / |det S|
    power = 1.0
    for _ in range(k):
        power *= scale
    condition = 2.0 * power / abs(det) if det != 0.0 else np.inf
    if not condition <= MAX_CONDITION:
        return 2
    for i in range(k - 1, -1, -1):
        t = z[i]
        for j in range(i + 1, k):
            t -= S[i, j] * z[j]
        z[i] = t / S[i, i]
    norm = 0.0
    low_z = np.inf
    for i in range(k):
        norm += z[i] * z[i]
        low_z = min(low_z, z[i])
    error = condition * ERROR_PER_CONDITION * np.sqrt(norm) + 1e-15
    band_z = 10.0 * error
    band_s = 10.0 * error * np.sqrt(d) + 1e-13
    if low_z < -band_z:  # clearly infeasible, whatever the slacks
        return 0
    low_s = np.inf
    t = 0  # the tight rows, in increasing order within each basis of solver.kernels.support._bases
    for row in range(r):
        if t < k and tight[b, t] == row:
            t += 1
            continue
        load = 0.0
        for j in range(k):
            load += M[row, free[b, j]] * z[j]
        slack = 1.0 - load
        if slack < -band_s:
            return 0
        low_s = min(low_s, slack)
    if low_z > band_z and low_s > band_s:
        return 1
    return 2


@numba.njit(cache=True, nogil=True, error_model="numpy")
def classify_bases(M, tight, free, size, out):  # pragma: no cover - compiled
    """The status of every basis (rows ``tight[b]``, coordinates ``free[b]``, ``size[b]`` of each)."""
    K = tight.shape[1]
    S = np.empty((K, K))
    z = np.empty(K)
    for b in range(tight.shape[0]):
        out[b] = _classify(M, tight, free, b, size[b], S, z)


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _det(S, k):  # pragma: no cover - compiled
    if k == 1:
        return S[0, 0]
    if k == 2:
        return S[0, 0] * S[1, 1] - S[0, 1] * S[1, 0]
    minor0 = S[1, 1] * S[2, 2] - S[1, 2] * S[2, 1]
    minor1 = S[1, 0] * S[2, 2] - S[1, 2] * S[2, 0]
    minor2 = S[1, 0] * S[2, 1] - S[1, 1] * S[2, 0]
    return S[0, 0] * minor0 - S[0, 1] * minor1 + S[0, 2] * minor2


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _exact_status(M, tight, free, b, k, S, T, nums):  # pragma: no cover - compiled
    """The exact status of basis ``b`` (size k ≤ 3) of {z ≥ 0, Mz ≤ 1}, integer M, by Cramer's
    rule: (0, 0) no vertex (singular or infeasible), (1, den) a nondegenerate vertex with
    ``nums``/den, (3, 0) a feasible point with a zero coordinate or an extra tight constraint
    (the game is degenerate)."""
    for i in range(k):
        for j in range(k):
            S[i, j] = M[tight[b, i], free[b, j]]
    det = _det(S, k)
    if det == 0:
        return 0, 0
    for c in range(k):
        for i in range(k):
            for j in range(k):
                T[i, j] = 1 if j == c else S[i, j]
        nums[c] = _det(T, k)
    if det < 0:
        det = -det
        for c in range(k):
            nums[c] = -nums[c]
    zero = False
    for c in range(k):
        if nums[c] < 0:
            return 0, 0
        if nums[c] == 0:
            zero = True
    extra = False
    t = 0  # the tight rows, in increasing order
    for row in range(M.shape[0]):
        if t < k and tight[b, t] == row:
            t += 1
            continue
        load = 0
        for j in range(k):
            load += M[row, free[b, j]] * nums[j]
        if load > det:
            return 0, 0
        if load == det:
            extra = True
    if zero or extra:
        return 3, 0
    return 1, det


@numba.njit(cache=True, nogil=True, error_model="numpy")
def _before(out, s, t, m, n):  # pragma: no cover - compiled
    """Whether row s of ``out`` comes before row t in the order of :func:`solver.equilibria`:
    smaller supports first, then more weight on earlier strategies (row, then column)."""
    ks, kt = 0, 0
    for i in range(m + n):
        ks += out[s, i] > 0.0
        kt += out[t, i] > 0.0
    if ks != kt:
        return ks < kt
    for i in range(m + n):
        if out[s, i] != out[t, i]:
            return out[s, i] > out[t, i]
    return False


@numba.njit(cache=True, nogil=True, error_model="numpy")
def integer_equilibria(a, b, ri, cj, size, out):  # pragma: no cover - compiled
    """Every equilibrium of the integer game (a, b) (float arrays holding integers below 2⁵³),
    when the float classification is clear: the number of equilibria, each a row of ``out`` —
    x (m entries), y (n entries), both payoffs, and a last entry: −1 for a row solved here,
    otherwise the basis whose exact solve is left to the caller's Python integers (a support
    larger than 3, payoffs too large for int64 to stay below 2⁵³; the rest of that row is
    NaN). Without such rows, the rows are in the order of :func:`solver.equilibria`.

    −1 when some basis is unclear, −2 when there are more equilibria than ``out`` has rows: the
    caller then takes the Python path; −3 when a basis decided exactly proves the game
    degenerate."""
    m, n = a.shape
    low_a, low_b = a.min(), b.min()
    top_a, top_b = a.max() - low_a + 1.0, b.max() - low_b + 1.0
    a_pos = np.empty((m, n), np.int64)
    bt_pos = np.empty((n, m), np.int64)
    a_f = np.empty((m, n))
    bt_f = np.empty((n, m))
    for i in range(m):
        for j in range(n):
            a_pos[i, j] = np.int64(a[i, j] - low_a) + 1
            bt_pos[j, i] = np.int64(b[i, j] - low_b) + 1
            a_f[i, j] = (a[i, j] - low_a + 1.0) / top_a
            bt_f[j, i] = (b[i, j] - low_b + 1.0) / top_b
    small = top_a <= SMALL and top_b <= SMALL and abs(low_a - 1) <= SMALL and abs(low_b - 1) <= SMALL
    shift_a, shift_b = np.int64(low_a) - 1, np.int64(low_b) - 1
    K = ri.shape[1]
    S = np.empty((K, K))
    z = np.empty(K)
    work = np.empty((2, 3, 3), np.int64)  # the system and Cramer's matrix
    numerators = np.empty((2, 3), np.int64)
    Si, Ti, xn, yn = work[0], work[1], numerators[0], numerators[1]
    count = 0
    waiting = 0
    for basis in range(ri.shape[0]):
        k = size[basis]
        if k <= 3 and small:  # decided exactly in int64: no float band at all
            p, xd = _exact_status(bt_pos, cj, ri, basis, k, Si, Ti, xn)  # P: columns J tight, x_I free
            if p == 3:
                return -3
            q, yd = _exact_status(a_pos, ri, cj, basis, k, Si, Ti, yn)  # Q: rows I tight, y_J free
            if q == 3:
                return -3
        else:
            p = _classify(bt_f, cj, ri, basis, k, S, z)
            if p == 2:
                return -1
            q = _classify(a_f, ri, cj, basis, k, S, z)
            if q == 2:
                return -1
        if p != 1 or q != 1:
            continue
        if count == out.shape[0]:
            return -2
        if k > 3 or not small:
            waiting += 1
            for i in range(m + n + 2):
                out[count, i] = np.nan
            out[count, m + n + 2] = basis
            count += 1
            continue
        out[count, m + n + 2] = -1.0
        sx, sy = 0, 0
        for t in range(k):
            sx += xn[t]
            sy += yn[t]
        for i in range(m + n):
            out[count, i] = 0.0
        for t in range(k):
            out[count, ri[basis, t]] = np.float64(xn[t]) / np.float64(sx)
            out[count, m + cj[basis, t]] = np.float64(yn[t]) / np.float64(sy)
        # Against y the row earns 1/Σy' in a − low_a + 1 (its tight rows are 1), so
        # (den_y + (low_a − 1)·Σ num_y) / Σ num_y in a; the column likewise from x.
        out[count, m + n] = np.float64(yd + shift_a * sy) / np.float64(sy)
        out[count, m + n + 1] = np.float64(xd + shift_b * sx) / np.float64(sx)
        count += 1
    if waiting:
        return count
    for s in range(1, count):  # insertion sort into the stable order
        t = s
        while t > 0 and _before(out, t, t - 1, m, n):
            for i in range(m + n + 3):
                out[t, i], out[t - 1, i] = out[t - 1, i], out[t, i]
            t -= 1
    return count
