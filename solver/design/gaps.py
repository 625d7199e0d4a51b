"""Which values of one mechanism parameter reach a target level in a 2×2 game: an interval.

Every stage mechanism moves both governments' incentive gaps a₁ = R − T (cooperating against
a cooperator) and a₂ = S − P (against a defector) affinely in any one parameter x:
a(x) = a(x₀) + b·(x − x₀). With (C, C) the cooperative profile, the level reaches ``weak``
iff a₁ ≥ 0 for both, ``strict`` iff a₁ > 0 for both, ``dominant`` iff also a₂ > 0 for both.
Each condition with b > 0 is a lower bound on x, with b < 0 an upper bound, with b = 0 it holds
everywhere or nowhere; so the values that reach the target form one interval, possibly empty
(a side payment raises the receiver's a₁ and lowers the payer's). :func:`solve_gaps` returns
its ends for many games at once, and for an empty interval the reason in words, with both
bounds: "the receiver needs transfer ≥ 1, the payer gives at most 0.5".

Examples
--------
>>> import numpy as np
>>> g0 = np.array([[0.5, -1.0, -1.0, -1.0]])      # row a₁, column a₁, row a₂, column a₂ at t = 0
>>> slope = np.array([[-1.0, 1.0, 0.0, 0.0]])     # the row government pays t at (C, C)
>>> s = solve_gaps(g0, slope, 0.0, "weak", (0.0, 40.0, False, False), "transfer", names=("payer", "receiver"), payer=0)
>>> bool(s.empty[0]), s.reason[0]
(True, 'the receiver needs transfer ≥ 1, the payer gives at most 0.5')
>>> s = solve_gaps(np.array([[2.5, -1.0, 0, 0]]), slope, 0.0, "strict", (0.0, 40.0, False, False), "transfer")
>>> float(s.low[0]), bool(s.low_closed[0]), float(s.high[0]), bool(s.high_closed[0])
(1.0, False, 2.5, False)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from games.errors import UserInputError

__all__ = ["GAP_NAMES", "GapInterval", "affine_tolerance", "fmt", "interval_text", "simplest_fraction", "solve_gaps", "tidy"]

#: The four gap columns: row a₁, column a₁, row a₂, column a₂.
GAP_NAMES = ("R − T", "R − T", "S − P", "S − P")

#: Gaps and roots within this share of the payoff scale of a short decimal are that decimal (float
#: noise of the transforms: 2.9000000000000004 − 2.9); far below the solver's tolerance of 1e-9.
SNAP = 1e-13


def affine_tolerance(g0: np.ndarray) -> float:
    """Tolerance of the affinity check of gaps evaluated at three points."""
    return 1e-9 * (1.0 + float(np.abs(g0).max(initial=0.0)))


def tidy(x, scale=1.0):
    """The shortest decimal of at most six places within ``SNAP × max(1, |x|, scale)`` of ``x``,
    else ``x`` itself (2.0000000000000004 → 2.0, 7/27 unchanged); elementwise on arrays.

    >>> tidy(2.0000000000000004), tidy(-3e-17), tidy(0.30000000000000004), tidy(7 / 27) == 7 / 27
    (2.0, 0.0, 0.3, True)
    """
    values = np.asarray(x, dtype=float)
    width = SNAP * np.maximum(np.maximum(1.0, np.abs(values)), scale)
    out, done = values.copy(), ~np.isfinite(values)
    for places in range(7):
        near = np.round(values, places)
        hit = ~done & (np.abs(near - values) <= width)
        out, done = np.where(hit, near, out), done | hit
    out = out + 0.0  # no negative zero
    return float(out) if np.ndim(out) == 0 else out


def simplest(a: float, b: float) -> float:
    """The decimal with the fewest digits in [a, b] (0 if the interval holds it).

    >>> simplest(0.49999999, 0.50000001), simplest(-1e-9, 4e-9), simplest(0.123456, 0.123457)
    (0.5, 0.0, 0.123456)
    """
    if a <= 0.0 <= b:
        return 0.0
    if b < 0:
        return -simplest(-b, -a)
    top = math.floor(math.log10(b))
    for digits in range(-top, 18):
        unit = 10.0**-digits
        x = math.ceil(a / unit) * unit
        x = float(f"{x:.{max(digits, 0)}f}") if digits > 0 else x
        if a <= x <= b:
            return x
    return a


def simplest_fraction(a: float, b: float) -> Fraction:
    """The fraction with the smallest denominator in [a, b] (a ≤ b), by continued fractions.

    A bisected threshold such as 25/72 or 1/3 is attained exactly at that rational, which no
    short decimal hits; :func:`minimal_strength` tries it before the decimal.

    >>> simplest_fraction(0.3333333, 0.3333334), simplest_fraction(0.34722221, 0.34722223)
    (Fraction(1, 3), Fraction(25, 72))
    """
    lo, hi = Fraction(a), Fraction(b)
    if lo > hi:
        raise ValueError(f"empty interval [{a}, {b}]")
    return _simplest(lo, hi)


def _simplest(lo: Fraction, hi: Fraction) -> Fraction:
    floor = math.floor(lo)
    if floor == lo:
        return Fraction(floor)
    if floor + 1 <= hi:
        return Fraction(floor + 1)
    # lo, hi in (floor, floor + 1): the simplest of the reciprocals of the fractional parts.
    return floor + 1 / _simplest(1 / (hi - floor), 1 / (lo - floor))


def fmt(x: float) -> str:
    """A number for messages: six significant digits, no float artefacts, no negative zero.

    >>> fmt(0.9999999999999998), fmt(-0.0), fmt(2.5), fmt(1 / 3)
    ('1', '0', '2.5', '0.333333')
    """
    text = f"{x:.6g}"
    return "0" if text in ("-0", "0") else text


def interval_text(low: float, high: float, open_low: bool, open_high: bool) -> str:
    """A parameter range as written in messages: ``(0, 1)``, ``[0, 40]``.

    >>> interval_text(0.0, 1.0, True, True)
    '(0, 1)'
    """
    return f"{'(' if open_low else '['}{fmt(low)}, {fmt(high)}{')' if open_high else ']'}"


@dataclass(frozen=True)
class GapInterval:
    """The values of the parameter that reach the target, one interval per game.

    Attributes
    ----------
    low, high : arrays (N,)
        Ends of the interval (NaN where ``empty``); ``low`` is the minimal strength.
    low_closed, high_closed : arrays (N,) of bool
        Whether each end belongs to the interval (a ≥ condition) or not (>).
    empty : array (N,) of bool
        No value in the range reaches the target.
    in_range : array (N,) of bool
        Whether an empty interval is empty because of the parameter's range (the message then
        names the range); False when the conditions contradict each other wherever x is.
    reason : array (N,) of str
        Why the interval is empty ("" otherwise).
    """

    low: np.ndarray
    low_closed: np.ndarray
    high: np.ndarray
    high_closed: np.ndarray
    empty: np.ndarray
    in_range: np.ndarray
    reason: np.ndarray


def _needs(who: str, parameter: str, upper: bool, closed: bool, value: float, gives: bool) -> str:
    if upper and gives:
        return f"the {who} gives at most {fmt(value)}" if closed else f"the {who} gives less than {fmt(value)}"
    sign = ("≤" if closed else "<") if upper else ("≥" if closed else ">")
    verb = "need" if who.startswith("both") else "needs"
    return f"{'' if who.startswith('both') else 'the '}{who} {verb} {parameter} {sign} {fmt(value)}"


def _same(x: float, y: float) -> bool:
    """Whether two governments' bounds are one number for the message ("both governments need
    … > x"): equal to 10⁻⁹ relative, so that float noise in the gaps (a threshold of 34/27 read
    from 2.9000000000000004 against 2.9) does not name one government where both have it."""
    return abs(x - y) <= 1e-9 * max(1.0, abs(x), abs(y))


def _who(names: tuple[str, str], columns: list[int]) -> str:
    """Who a bound binds: one government, or both when both have it."""
    players = {k % 2 for k in columns}
    if len(players) == 2 and names == ("row government", "column government"):
        return "both governments"
    return names[columns[0] % 2]


def solve_gaps(
    g0: np.ndarray,
    slope: np.ndarray,
    x0: float,
    target: str,
    bounds: tuple[float, float, bool, bool],
    parameter: str,
    *,
    names: tuple[str, str] = ("row government", "column government"),
    payer: int | None = None,
) -> GapInterval:
    """The interval of parameter values at which each game reaches ``target``.

    Parameters
    ----------
    g0, slope : arrays (N, 4)
        The gaps (row a₁, column a₁, row a₂, column a₂) at ``x0`` and their change per unit.
    x0 : float
        Where ``g0`` was evaluated.
    target : {"weak", "strict", "dominant"}
    bounds : (low, high, open_low, open_high)
        The parameter's range; ``low`` and ``high`` may be arrays (N,), one range per game.
    parameter : str
        Its name, for the reasons.
    names : (str, str)
        How the reasons call the row and the column government.
    payer : int, optional
        The government whose upper bound is what it "gives" (a side payment's payer).
    """
    if target not in ("weak", "strict", "dominant"):
        raise UserInputError(f"the incentive gaps decide weak, strict and dominant only, got {target!r}")
    g0, slope = np.atleast_2d(np.asarray(g0, dtype=float)), np.atleast_2d(np.asarray(slope, dtype=float))
    n = len(g0)
    low, high, open_low, open_high = bounds
    low, high = np.broadcast_to(np.asarray(low, dtype=float), (n,)), np.broadcast_to(np.asarray(high, dtype=float), (n,))
    strict = target != "weak"
    scale = 1.0 + np.abs(g0).max(axis=1)
    empty = np.zeros(n, dtype=bool)
    in_range = np.zeros(n, dtype=bool)
    reason = np.full(n, "", dtype=object)
    lower, lower_closed, lower_who = np.full(n, -np.inf), np.ones(n, dtype=bool), np.full(n, -1)
    upper, upper_closed, upper_who = np.full(n, np.inf), np.ones(n, dtype=bool), np.full(n, -1)
    bounds_by = []  # (column, root, bounds from below, bounds from above)
    for k in [0, 1] + ([2, 3] if target == "dominant" else []):
        a = np.where(np.abs(g0[:, k]) <= SNAP * scale, 0.0, g0[:, k])
        b = slope[:, k]
        flat = np.abs(b) <= SNAP * scale
        fails = flat & ((a < 0) | ((a == 0) & strict))
        for i in np.flatnonzero(fails & ~empty):
            reason[i] = f"{parameter} does not change the {names[k % 2]}'s {GAP_NAMES[k]} = {fmt(a[i])}" + (" (needs > 0)" if strict else "")
        empty |= fails
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # flat slopes' roots are not used
            root = tidy(x0 - a / b, scale / np.maximum(np.abs(b), 1e-300))
        up = ~flat & (b > 0)
        down = ~flat & (b < 0)
        bounds_by.append((k, root, up, down))
        move = up & ((root > lower) | ((root == lower) & strict))
        lower, lower_closed, lower_who = np.where(move, root, lower), np.where(move, not strict, lower_closed), np.where(move, k, lower_who)
        move = down & ((root < upper) | ((root == upper) & strict))
        upper, upper_closed, upper_who = np.where(move, root, upper), np.where(move, not strict, upper_closed), np.where(move, k, upper_who)
    # Intersect with the range.
    inf = np.where(lower > low, lower, low)
    inf_closed = np.where(lower > low, lower_closed, np.where(lower == low, lower_closed & (not open_low), not open_low))
    sup = np.where(upper < high, upper, high)
    sup_closed = np.where(upper < high, upper_closed, np.where(upper == high, upper_closed & (not open_high), not open_high))
    crossed = ~empty & ((inf > sup) | ((inf == sup) & ~(inf_closed & sup_closed)))
    for i in np.flatnonzero(crossed):
        parts = []
        if lower_who[i] >= 0 and lower[i] >= low[i]:
            tied = [k for k, root, up, _ in bounds_by if up[i] and _same(root[i], lower[i])]
            parts.append(_needs(_who(names, tied), parameter, False, bool(lower_closed[i]), lower[i], False))
        if upper_who[i] >= 0 and upper[i] <= high[i]:
            gives = payer is not None and upper_who[i] % 2 == payer
            tied = [k for k, root, _, down in bounds_by if down[i] and _same(root[i], upper[i])]
            parts.append(_needs(_who(names, tied), parameter, True, bool(upper_closed[i]), upper[i], gives))
        both = len(parts) == 2 and lower[i] <= high[i] and upper[i] >= low[i]
        in_range[i] = not both
        reason[i] = ", ".join(parts)
    empty |= crossed
    nan = np.full(n, np.nan)
    return GapInterval(np.where(empty, nan, inf), inf_closed & ~empty, np.where(empty, nan, sup), sup_closed & ~empty, empty, in_range, reason)
