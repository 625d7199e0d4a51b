"""Exact cooperation levels of many 2×2 games that sit on or near a tie (a design threshold).

The level of a 2×2 game is a function of the signs of its four incentive gaps a₁ = R − T,
a₂ = S − P of both governments (with zero a sign of its own) and, only when (C, C) is strict
and (D, D) an equilibrium too, of the sign of a₁ᵣa₁꜀ − a₂ᵣa₂꜀ (risk dominance). The exact path
(:func:`solver.kernels.fast2x2.solve_2x2`, :mod:`solver.cooperation`) takes these signs on the
payoffs read as rationals (:func:`games.game.rational` with the matrix's largest |entry| as
scale), and a reading moves a payoff by at most 10⁻¹² × that scale (plus its own rounding). So
a float gap farther than :data:`TIGHT` × scale from zero has the sign of the exact gap; a float
gap that is exactly 0 is an exact 0 (equal floats are the same rational); only the gaps in
between — float noise such as 2.9000000000000004 − 2.9 at a threshold — need the two payoffs
read as rationals, two readings rather than the eight of a whole game. A risk-dominance sign the
floats do not settle (rare) is left to the kernel. The minimal strengths confirm each
threshold on games that are ties by construction, so this decides them in arrays rather than
one by one.

:func:`tie_levels` equals :func:`solver.kernels.fast2x2.levels_2x2` game by game
(tests/reference/test_design_batch_exact.py, on tie-heavy integer and decimal games).

Examples
--------
>>> import numpy as np
>>> A = np.array([[[3, 0], [5, 1]], [[2.9000000000000004, 0], [2.9, 1]], [[3, 0], [3, 1]]])
>>> tie_levels(A, np.transpose(A, (0, 2, 1))).tolist()     # a dilemma; two weak ties
[5, 4, 4]
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from games.game import MAX_DENOMINATOR, SHORT_DIGITS, _digits, rational

from ..kernels.fast2x2 import levels_2x2

__all__ = ["TIGHT", "tie_levels"]

#: A float gap farther than this share of its matrix's scale from zero has the exact gap's sign:
#: each reading moves a payoff by ≤ (10⁻¹² + 2⁻⁵²) × scale (rational's test, made in floats, and
#: the rounding of the fraction it accepts), the float subtraction by ≤ 2⁻⁵³ × 2 × scale, so two
#: readings and the subtraction stay below 2.01 × 10⁻¹² × scale.
TIGHT = 3e-12

#: Relative error of one float product or difference (2⁻⁵³), doubled for safety below.
_EPS = 2.0**-53


def _scale(M: np.ndarray) -> np.ndarray:
    """Each matrix's largest |entry|, 1 where it is 0 (:func:`games.game.matrix_scale`)."""
    top = np.abs(M).max(axis=1)
    return np.where(top > 0, top, 1.0)


def _places(text: str) -> int:
    """Decimal places of a float's repr ('4.509' → 3, '1e-05' → 5, '1e+17' → 0)."""
    mantissa, _, exponent = text.partition("e")
    return max(0, len(mantissa.partition(".")[2]) - (int(exponent) if exponent else 0))


def _exact_sign(x: float, y: float, scale: float) -> int:
    """The sign of rational(x) − rational(y) for two distinct floats read with the same scale.

    :func:`games.game.rational` reads a short float (≤ 12 significant digits) as the decimal
    it prints as, and the decimals of distinct floats are distinct and ordered like them (a
    float's repr rounds back to it). A long float x is read as the nearest fraction with
    denominator ≤ 10⁹ if within 10⁻¹² × max(|x|, scale), else as its decimal. Against a short
    y = d = p/10ᵏ with 10ᵏ ≤ 10⁹ and |x − d| < 1/(2 · 10ᵏ · 10⁹), d is that nearest fraction
    (any other p′/q′ with q′ ≤ 10⁹ is ≥ 1/(10ᵏ · 10⁹) from d), so x reads as d exactly when
    rational's own test |y − x| ≤ 10⁻¹² × max(|x|, scale) holds, else as its decimal. Anything
    else (two long floats; a short one with more places) is read by :func:`rational` itself.
    """
    tx, ty = repr(x), repr(y)
    # A repr holds a "." or an "e", so it has at most len − 1 significant digits.
    short_x = len(tx) <= SHORT_DIGITS + 1 or _digits(tx) <= SHORT_DIGITS
    short_y = len(ty) <= SHORT_DIGITS + 1 or _digits(ty) <= SHORT_DIGITS
    by_floats = (x > y) - (x < y)
    if short_x and short_y:
        return by_floats
    if short_x != short_y:
        (d, text), far = ((x, tx), y) if short_x else ((y, ty), x)
        k = _places(text)
        # |far − d| ≤ |far − float(d)| + ulp/2; the factor 4 leaves room for the float arithmetic.
        if k <= 9 and 4.0 * (abs(far - d) + _EPS * 2 * abs(d)) * 10.0**k * MAX_DENOMINATOR < 1.0:
            return 0 if abs(d - far) <= 1e-12 * max(abs(far), scale) else by_floats
    g = rational(x, scale) - rational(y, scale)
    return (g > 0) - (g < 0)


def tie_levels(A: npt.ArrayLike, B: npt.ArrayLike) -> np.ndarray:
    """The cooperation level of each of N 2×2 games as its index into :data:`solver.LEVELS`.

    The same codes as :func:`solver.kernels.fast2x2.levels_2x2` (exact), computed from the
    gaps' signs in arrays: only gaps within :data:`TIGHT` × scale of zero that are not exactly
    zero read their two payoffs as rationals, and only games whose risk-dominance sign the
    floats cannot settle (and any with a payoff that is not finite) go to the kernel.

    Parameters
    ----------
    A, B : array_like, shape (N, 2, 2) or (2, 2)
        Row and column payoffs; strategy 0 is cooperate.

    Returns
    -------
    array (N,) of int8
        0 dominant, 1 unique, 2 risk-dominant, 3 strict, 4 weak, 5 none.

    Raises
    ------
    ValueError
        If A and B do not hold the same number of 2×2 games.

    Examples
    --------
    >>> tie_levels([[4, 0], [3, 2]], [[4, 3], [0, 2]]).tolist()    # a stag hunt
    [3]
    """
    A = np.asarray(A, dtype=float).reshape(-1, 4)
    B = np.asarray(B, dtype=float).reshape(-1, 4)
    if A.shape != B.shape:
        raise ValueError(f"A and B must hold the same number of 2×2 games, got {len(A)} and {len(B)}")
    n = len(A)
    if n == 0:
        return np.zeros(0, dtype=np.int8)
    sa, sb = _scale(A), _scale(B)
    # Columns: row a₁, row a₂, column a₁, column a₂, with the two payoffs each compares.
    first, second = (0, 1, 0, 2), (2, 3, 1, 3)
    mats = (A, A, B, B)
    with np.errstate(invalid="ignore", over="ignore"):  # payoffs that are not finite go to the kernel
        f = np.stack([M[:, i] - M[:, j] for M, i, j in zip(mats, first, second)], axis=1)
    scale = np.stack([sa, sa, sb, sb], axis=1)
    sign = np.sign(np.nan_to_num(f)).astype(np.int8)
    unsure = (np.abs(f) <= TIGHT * scale) & (f != 0) & np.isfinite(scale)
    rows, cols = np.nonzero(unsure)
    for k, c in zip(rows.tolist(), cols.tolist()):
        M = mats[c]
        sign[k, c] = _exact_sign(float(M[k, first[c]]), float(M[k, second[c]]), float(scale[k, c]))
    s1r, s2r, s1c, s2c = sign.T
    nash = (s1r >= 0) & (s1c >= 0)
    strict = (s1r > 0) & (s1c > 0)
    dominant = strict & (s2r > 0) & (s2c > 0)
    has_p, has_q = s1c * s2c < 0, s1r * s2r < 0
    count = (
        ((s1c >= 0) & (s1r >= 0)).view(np.int8)
        + ((s2r >= 0) & (s1c <= 0)).view(np.int8)
        + ((s2c >= 0) & (s1r <= 0)).view(np.int8)
        + ((s2c <= 0) & (s2r <= 0)).view(np.int8)
        + (has_q & (s1c == 0)).view(np.int8)
        + (has_p & (s1r == 0)).view(np.int8)
        + (has_p & (s2r == 0)).view(np.int8)
        + (has_q & (s2c == 0)).view(np.int8)
        + (has_p & has_q).view(np.int8)
    )
    unique = nash & (count == 1)
    # Risk dominance decides only with (C, C) strict and (D, D) strict too.
    need = strict & (s2r < 0) & (s2c < 0)
    f1r, f2r, f1c, f2c = f.T
    with np.errstate(invalid="ignore", over="ignore"):
        mine, theirs = f1r * f1c, f2r * f2c
        err_a, err_b = 2.01e-12 * sa, 2.01e-12 * sb  # |exact gap − float gap| (see TIGHT)
        margin = err_a * (np.abs(f1c) + np.abs(f2c)) + err_b * (np.abs(f1r) + np.abs(f2r)) + 2 * err_a * err_b
        margin += 4 * _EPS * (np.abs(mine) + np.abs(theirs))
        risky = need & (unsure.any(axis=1) | ~(np.abs(mine - theirs) > 2 * margin))
    risky |= ~np.isfinite(f).all(axis=1)  # NaN or infinite payoffs: the kernel's answer
    risk = strict & (~need | (mine > theirs))
    codes = np.select([dominant, unique, risk, strict, nash], [0, 1, 2, 3, 4], default=5).astype(np.int8)
    hard = np.flatnonzero(risky)
    if len(hard):
        codes[hard] = levels_2x2(A[hard].reshape(-1, 2, 2), B[hard].reshape(-1, 2, 2))
    return codes
