"""A probability estimated from sampled worlds, with its confidence interval.

Plain Monte-Carlo: the share of hits k/n with the Wilson score interval (Wilson 1927; Brown, Cai
and DasGupta 2001, who recommend it over the Wald interval for every n). Randomized quasi-Monte-
Carlo (scrambled Sobol' points, Owen 1997): R independent scramblings give R independent unbiased
estimates m₁ … m_R; the estimate is their mean and the interval mean ± t_{R−1} · sd / √R
(L'Ecuyer and Lemieux 2002, "Recent advances in randomized quasi-Monte Carlo methods"); where
every scrambling gives the same or one of two neighbouring lattice values (an indicator of one
or two quantities), the interval is widened by a Wilson interval on the step (see the code).

Examples
--------
>>> import numpy as np
>>> e = probability(np.array([True] * 25 + [False] * 75))
>>> e.p, round(e.low, 4), round(e.high, 4), e.n, e.method
(0.25, 0.1755, 0.343, 100, 'wilson')
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy import stats

from games.errors import UserInputError

__all__ = ["METHODS", "Estimate", "probability"]

#: Interval methods: plain Monte-Carlo (Wilson) and randomized QMC (t over scramblings).
METHODS = ("wilson", "qmc")


@dataclass(frozen=True)
class Estimate:
    """A probability with its confidence interval.

    Attributes
    ----------
    p : float
        The estimate (the share of hits; for QMC the mean of the scramblings' shares).
    low, high : float
        The interval, within [0, 1].
    n : int
        Number of samples (all scramblings together).
    method : str
        ``"wilson"`` or ``"qmc"``.
    confidence : float
        The interval's nominal coverage.
    """

    p: float
    low: float
    high: float
    n: int
    method: str
    confidence: float = 0.95

    def covers(self, value: float) -> bool:
        """Whether ``value`` lies in the closed interval [low, high]."""
        return self.low <= value <= self.high


def _wilson(k: int, n: int, confidence: float) -> tuple[float, float]:
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    # at k = 0 (k = n) the lower (upper) end is exactly 0 (1); the formula leaves float noise there
    low = 0.0 if k == 0 else max(0.0, centre - half)
    high = 1.0 if k == n else min(1.0, centre + half)
    return float(low), float(high)


def probability(
    hits: npt.ArrayLike, *, method: str = "wilson", groups: npt.ArrayLike | None = None, confidence: float = 0.95
) -> Estimate:
    """The probability of an event from its indicator over sampled worlds.

    Parameters
    ----------
    hits : array_like of bool, shape (n,)
        Whether the event holds in each sample.
    method : {"wilson", "qmc"}
        ``wilson`` for independent draws; ``qmc`` for scrambled Sobol' points, where ``groups``
        gives each sample's scrambling.
    groups : array_like of int, shape (n,), optional
        The scrambling index of each sample (``qmc`` only; at least two scramblings).
    confidence : float
        Nominal coverage of the interval, in (0, 1).

    Returns
    -------
    Estimate

    Raises
    ------
    UserInputError
        For an unknown method, no samples, a confidence outside (0, 1), ``qmc`` without
        ``groups`` or with fewer than two scramblings, or ``groups`` of another length.

    Examples
    --------
    >>> e = probability(np.array([1, 0, 0, 0, 1, 0, 0, 0], bool), method="qmc", groups=[0, 0, 0, 0, 1, 1, 1, 1])
    >>> e.p, round(e.low, 4), round(e.high, 4)      # both scramblings agree: the lattice interval
    (0.25, 0.0856, 0.4144)
    """
    hits = np.asarray(hits, dtype=bool).ravel()
    n = len(hits)
    if method not in METHODS:
        raise UserInputError(f"unknown method {method!r}; methods: {', '.join(METHODS)}")
    if n == 0:
        raise ValueError("no samples: hits is empty")
    if not 0 < confidence < 1:
        raise UserInputError(f"confidence must be in (0, 1), got {confidence}")
    if method == "wilson":
        k = int(hits.sum())
        return Estimate(k / n, *_wilson(k, n, confidence), n, "wilson", confidence)
    if groups is None:
        raise ValueError("method 'qmc' needs groups: the scrambling index of each sample")
    groups = np.asarray(groups).ravel()
    if len(groups) != n:
        raise ValueError(f"groups has {len(groups)} entries, hits has {n}")
    labels, index = np.unique(groups, return_inverse=True)
    r = len(labels)
    if r < 2:
        raise ValueError(f"method 'qmc' needs at least two scramblings, got {r}")
    means = np.bincount(index, weights=hits, minlength=r) / np.bincount(index, minlength=r)
    p = float(means.mean())
    half = float(stats.t.ppf(0.5 + confidence / 2, r - 1) * means.std(ddof=1) / np.sqrt(r))
    low, high = p - half, p + half
    # Lattice case: the share of m points is a multiple of 1/m, and a net of few dimensions puts
    # within one point of m·p in [0, p] — every scrambling then counts the same or one of two
    # neighbouring values, the spread understates the error (often it is 0) and the t interval
    # fails. The scramblings are then Bernoulli on the step: p = a + f/m with f the chance of
    # the upper value, bounded by Wilson over the r scramblings (symmetric when all agree).
    step = 1.0 / np.bincount(index).min()
    if np.ptp(means) <= step * (1 + 1e-9):
        a, upper = float(means.min()), int((means > means.min() + step / 2).sum())
        f_low, f_high = _wilson(upper, r, confidence)
        low = min(low, a - step * f_high if upper == 0 else a + step * f_low)
        high = max(high, a + step * f_high)
    return Estimate(p, float(max(0.0, low)), float(min(1.0, high)), n, "qmc", confidence)
