"""Uncertain quantities of a scenario: distributions, their names, and a Gaussian copula.

Wherever a scenario accepts a number in a link's ``payoffs`` or ``economics``, a link's
``weight`` or a mechanism's numeric parameter, a table may stand instead (docs/tutorial.md)::

    T = { uniform = [4.5, 5.5] }
    T = { triangular = [low, mode, high] }
    T = { normal = [mean, sd], bounds = [low, high] }   # bounds optional: a truncated normal
    T = { lognormal = [mu, sigma] }                     # log of the value is normal(mu, sigma)
    T = { choice = [a, b, c], weights = [0.2, 0.3, 0.5] }  # weights optional, equal by default

An optional ``name = "..."`` names the quantity; the same name in two places is one shared
draw. A top-level ``[uncertainty]`` table correlates named quantities through a Gaussian
copula: ``correlation = [["a", "b", 0.6]]`` sets the correlation of the underlying standard
normals (Nelsen 2006, §5.1; the rank correlation of the values is then (6/π)·asin(ρ/2)).

Every other command uses each distribution's *central value* (:attr:`Distribution.central`):

============  ======================================================================
uniform       the midpoint (low + high)/2
triangular    the mode (the value the researcher wrote as most likely)
normal        the mean; with ``bounds``, the mean of the truncated law
lognormal     the median exp(mu) (its mean exp(mu + sigma²/2) is pulled by the tail)
choice        the weighted mean of the values (a number where a number is expected;
              it need not be one of the values)
============  ======================================================================

Examples
--------
>>> d = Distribution.from_table({"triangular": [4, 5, 7]})
>>> d.describe(), d.central
('triangular on [4, 7], mode 5', 5.0)
>>> [float(x) for x in d.ppf(np.array([0.0, 1 / 3, 1.0]))]
[4.0, 5.0, 7.0]
>>> u = Uncertainty((Quantity("a", Distribution("uniform", (4.0, 6.0)), (("weight", 0),)),))
>>> u.sample(4, seed=1).shape
(4, 1)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy import special
from scipy.stats import qmc

from games.errors import UserInputError

from .network import MAX_MAGNITUDE, EntryError, did_you_mean, in_range, out_of_range

__all__ = ["DISTRIBUTION_KINDS", "Distribution", "Quantity", "Uncertainty", "is_distribution"]

#: Distribution kinds and the names of their parameters, in the order they are written.
DISTRIBUTION_KINDS: dict[str, tuple[str, ...]] = {
    "uniform": ("low", "high"),
    "triangular": ("low", "mode", "high"),
    "normal": ("mean", "sd"),
    "lognormal": ("mu", "sigma"),
    "choice": (),
}
_KEYS = (*DISTRIBUTION_KINDS, "bounds", "weights", "name")
#: Least probability the bounds of a truncated normal must hold.
MIN_MASS = 1e-12
#: Tolerance on the sum of a choice's weights.
WEIGHT_TOLERANCE = 1e-9
# Uniforms are kept inside the open interval, so normal quantiles stay finite.
_U_LOW, _U_HIGH = 1e-300, 1.0 - 2.0**-53


def _fmt(x: float) -> str:
    return f"{x:g}"


def _numbers(value: Any, key: str) -> tuple[float, ...]:
    if not isinstance(value, (list, tuple)):
        raise EntryError(None, key, f"must be an array of numbers, got {value!r}")
    out = []
    for v in value:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise EntryError(None, key, f"must be an array of numbers, got {type(v).__name__} {v!r}")
        if isinstance(v, float) and not math.isfinite(v):
            raise EntryError(None, key, f"must hold finite numbers, got {v!r}")
        if not in_range(v):
            raise EntryError(None, key, out_of_range(v))
        out.append(float(v))
    return tuple(out)


def is_distribution(value: Any) -> bool:
    """Whether a scenario value is a distribution table (any table where a number may stand).

    >>> is_distribution({"uniform": [1, 2]}), is_distribution(3.0)
    (True, False)
    """
    return isinstance(value, Mapping)


@dataclass(frozen=True)
class Distribution:
    """A one-dimensional distribution of an uncertain quantity.

    Parameters
    ----------
    kind : str
        One of :data:`DISTRIBUTION_KINDS`.
    params : tuple of float
        uniform (low, high); triangular (low, mode, high); normal (mean, sd); lognormal
        (mu, sigma); choice the values, in the order written.
    bounds : (float, float), optional
        Truncation of a normal.
    weights : tuple of float, optional
        Probabilities of a choice's values (equal when not given).

    Raises
    ------
    regions.EntryError
        (a ``ValueError``) naming the sub-key, for a bad parameter (see :meth:`from_table`).
    """

    kind: str
    params: tuple[float, ...]
    bounds: tuple[float, float] | None = None
    weights: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        kind = self.kind
        if kind not in DISTRIBUTION_KINDS:
            raise EntryError(None, None, f"unknown distribution {kind!r}{did_you_mean(str(kind), DISTRIBUTION_KINDS)}")
        p = _numbers(self.params, kind)
        object.__setattr__(self, "params", p)
        arity = DISTRIBUTION_KINDS[kind]
        if arity and len(p) != len(arity):
            raise EntryError(None, kind, f"takes [{', '.join(arity)}], got {len(p)} number{'s' if len(p) != 1 else ''}")
        if self.bounds is not None and kind != "normal":
            raise EntryError(None, "bounds", f"only a normal takes bounds, not a {kind}")
        if self.weights is not None and kind != "choice":
            raise EntryError(None, "weights", f"only a choice takes weights, not a {kind}")
        if kind == "uniform" and not p[0] < p[1]:
            raise EntryError(None, kind, f"needs low < high, got [{_fmt(p[0])}, {_fmt(p[1])}]")
        if kind == "triangular" and not (p[0] <= p[1] <= p[2] and p[0] < p[2]):
            raise EntryError(None, kind, f"needs low ≤ mode ≤ high and low < high, got [{', '.join(map(_fmt, p))}]")
        if kind == "normal" and not p[1] > 0:
            raise EntryError(None, kind, f"needs sd > 0, got {_fmt(p[1])}")
        if kind == "lognormal" and not p[1] > 0:
            raise EntryError(None, kind, f"needs sigma > 0, got {_fmt(p[1])}")
        if self.bounds is not None:
            b = _numbers(self.bounds, "bounds")
            if len(b) != 2:
                raise EntryError(None, "bounds", f"takes [low, high], got {len(b)} numbers")
            if not b[0] < b[1]:
                raise EntryError(None, "bounds", f"needs low < high, got [{_fmt(b[0])}, {_fmt(b[1])}]")
            object.__setattr__(self, "bounds", b)
            mass = self._mass()
            if not mass >= MIN_MASS:
                raise EntryError(
                    None,
                    "bounds",
                    f"[{_fmt(b[0])}, {_fmt(b[1])}] hold probability {mass:.2g} of normal(mean {_fmt(p[0])}, sd {_fmt(p[1])}); they must hold ≥ {MIN_MASS:g}",
                )
        if kind == "choice":
            if len(p) < 2:
                raise EntryError(None, kind, f"needs at least two values, got {len(p)}")
            if self.weights is None:
                w = (1.0 / len(p),) * len(p)
            else:
                w = _numbers(self.weights, "weights")
                if len(w) != len(p):
                    raise EntryError(None, "weights", f"needs one weight per value ({len(p)}), got {len(w)}")
                if min(w) < 0:
                    raise EntryError(None, "weights", f"must not be negative, got {_fmt(min(w))}")
                if abs(math.fsum(w) - 1.0) > WEIGHT_TOLERANCE:
                    raise EntryError(None, "weights", f"must sum to 1, got {math.fsum(w):.10g}")
            object.__setattr__(self, "weights", w)
        if kind != "choice":
            # the samples are numbers of the scenario: within its range but for 10⁻⁹ of the mass
            # at each end (a lognormal(0, 50) drew subsidies of 10¹⁰⁸ and negative bounds)
            reach = self.ppf(np.array([1e-9, 1 - 1e-9]))
            if not (np.all(np.isfinite(reach)) and np.all(np.abs(reach) <= MAX_MAGNITUDE)):
                far = float(reach[np.argmax(np.abs(reach))])
                raise EntryError(None, kind, f"reaches {far:.3g}; its samples must stay within |x| ≤ 10¹² (but for 10⁻⁹ of the mass at each end)")

    # -- construction from and to a scenario table ---------------------------------------
    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> Distribution:
        """A distribution from its scenario table (``name`` is ignored here; see :class:`Quantity`).

        Raises
        ------
        regions.EntryError
            With ``field`` the sub-key at fault: an unknown key (did-you-mean), no or two kinds,
            wrong arity, a non-number, NaN or infinity, low > high, mode outside [low, high],
            sd ≤ 0, sigma ≤ 0, bounds holding probability < 1e-12, weights that are negative,
            of the wrong count or not summing to 1 (± 1e-9).

        >>> Distribution.from_table({"unifrom": [1, 2]})
        Traceback (most recent call last):
        ...
        regions.network.EntryError: field 'unifrom': unknown key (did you mean 'uniform'?)
        """
        for key in table:
            if key not in _KEYS:
                raise EntryError(None, str(key), f"unknown key{did_you_mean(str(key), _KEYS)}")
        kinds = [k for k in DISTRIBUTION_KINDS if k in table]
        if not kinds:
            raise EntryError(None, None, f"a distribution table needs one of {', '.join(DISTRIBUTION_KINDS)}")
        if len(kinds) > 1:
            raise EntryError(None, kinds[1], f"give one distribution, got {' and '.join(kinds)}")
        kind = kinds[0]
        return cls(kind, _numbers(table[kind], kind), table.get("bounds"), table.get("weights"))

    def to_table(self) -> dict[str, Any]:
        """The scenario table (without ``name``); :meth:`from_table` reads it back equal.

        >>> Distribution("normal", (5, 1), bounds=(4, 7)).to_table()
        {'normal': [5.0, 1.0], 'bounds': [4.0, 7.0]}
        """
        table: dict[str, Any] = {self.kind: list(self.params)}
        if self.bounds is not None:
            table["bounds"] = list(self.bounds)
        if self.kind == "choice" and self.weights is not None and len(set(self.weights)) > 1:
            table["weights"] = list(self.weights)
        return table

    # -- the law ---------------------------------------------------------------------------
    def _standard_bounds(self) -> tuple[float, float]:
        mean, sd = self.params
        low, high = self.bounds if self.bounds is not None else (-math.inf, math.inf)
        return (low - mean) / sd, (high - mean) / sd

    def _mass(self) -> float:
        a, b = self._standard_bounds()
        if a > 0:  # upper tail: survival functions keep the digits
            return float(special.ndtr(-a) - special.ndtr(-b))
        return float(special.ndtr(b) - special.ndtr(a))

    @property
    def support(self) -> tuple[float, float]:
        """The least and greatest values the quantity can take (±inf if unbounded)."""
        p = self.params
        if self.kind in ("uniform", "triangular"):
            return p[0], p[-1]
        if self.kind == "normal":
            return self.bounds if self.bounds is not None else (-math.inf, math.inf)
        if self.kind == "lognormal":
            return 0.0, math.inf
        return min(p), max(p)

    @property
    def central(self) -> float:
        """The value every command but ``robustness`` uses (module docstring: midpoint, mode,
        mean of the (truncated) normal, median of the lognormal, weighted mean of a choice).

        >>> Distribution("normal", (0.0, 1.0), bounds=(0.0, 10.0)).central  # sqrt(2/pi)
        0.7978845608028654
        """
        p = self.params
        if self.kind == "uniform":
            return (p[0] + p[1]) / 2
        if self.kind == "triangular":
            return p[1]
        if self.kind == "normal":
            if self.bounds is None:
                return p[0]
            a, b = self._standard_bounds()
            pdf = (math.exp(-a * a / 2) - math.exp(-b * b / 2)) / math.sqrt(2 * math.pi)
            return float(min(max(p[0] + p[1] * pdf / self._mass(), self.bounds[0]), self.bounds[1]))
        if self.kind == "lognormal":
            return math.exp(p[0])
        return math.fsum(v * w for v, w in zip(p, self.weights or ()))

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """The inverse CDF (quantile function), vectorized; u in [0, 1].

        Closed forms: uniform low + u·(high − low); triangular by the two square-root
        branches either side of the mode; normal mean + sd·Φ⁻¹(u), truncated as
        Φ⁻¹(Φ(a) + u·(Φ(b) − Φ(a))) (through the survival function in the upper tail);
        lognormal exp(mu + sigma·Φ⁻¹(u)); choice the least value whose cumulative weight
        (values in increasing order) exceeds u.
        """
        u = np.asarray(u, dtype=float)
        p = self.params
        if self.kind == "uniform":
            return p[0] + u * (p[1] - p[0])
        if self.kind == "triangular":
            low, mode, high = p
            cut = (mode - low) / (high - low)
            left = low + np.sqrt(np.clip(u, 0, None) * (high - low) * (mode - low))
            right = high - np.sqrt(np.clip(1 - u, 0, None) * (high - low) * (high - mode))
            return np.where(u < cut, left, right)
        uu = np.clip(u, _U_LOW, _U_HIGH)
        if self.kind == "normal":
            mean, sd = p
            if self.bounds is None:
                return mean + sd * special.ndtri(uu)
            a, b = self._standard_bounds()
            if a > 0:
                qa, qb = special.ndtr(-a), special.ndtr(-b)
                z = -special.ndtri(qa - uu * (qa - qb))
            else:
                fa, fb = special.ndtr(a), special.ndtr(b)
                z = special.ndtri(fa + uu * (fb - fa))
            return np.clip(mean + sd * z, *self.bounds)
        if self.kind == "lognormal":
            return np.exp(p[0] + p[1] * special.ndtri(uu))
        values, cum = self._sorted_choice()
        index = np.searchsorted(cum, u, side="right")
        return values[np.clip(index, 0, len(values) - 1)]

    def _sorted_choice(self) -> tuple[np.ndarray, np.ndarray]:
        order = np.argsort(self.params, kind="stable")
        values = np.asarray(self.params)[order]
        cum = np.cumsum(np.asarray(self.weights)[order])
        return values, cum

    def cdf(self, x: np.ndarray) -> np.ndarray:
        """The cumulative distribution function P(X ≤ x), vectorized."""
        x = np.asarray(x, dtype=float)
        p = self.params
        if self.kind == "uniform":
            return np.clip((x - p[0]) / (p[1] - p[0]), 0, 1)
        if self.kind == "triangular":
            low, mode, high = p
            xc = np.clip(x, low, high)
            with np.errstate(divide="ignore", invalid="ignore"):
                left = (xc - low) ** 2 / ((high - low) * (mode - low))
                right = 1 - (high - xc) ** 2 / ((high - low) * (high - mode))
            return np.clip(np.where(xc < mode, left, np.where(xc > mode, right, (mode - low) / (high - low))), 0, 1)
        if self.kind == "normal":
            z = (x - p[0]) / p[1]
            if self.bounds is None:
                return special.ndtr(z)
            a, b = self._standard_bounds()
            zc = np.clip(z, a, b)
            if a > 0:
                qa, qb = special.ndtr(-a), special.ndtr(-b)
                return np.clip((qa - special.ndtr(-zc)) / (qa - qb), 0, 1)
            fa, fb = special.ndtr(a), special.ndtr(b)
            return np.clip((special.ndtr(zc) - fa) / (fb - fa), 0, 1)
        if self.kind == "lognormal":
            with np.errstate(divide="ignore"):
                return np.where(x > 0, special.ndtr((np.log(np.where(x > 0, x, 1.0)) - p[0]) / p[1]), 0.0)
        values, cum = self._sorted_choice()
        index = np.searchsorted(values, x, side="right")
        return np.where(index > 0, cum[np.clip(index - 1, 0, None)], 0.0).clip(0, 1)

    def describe(self) -> str:
        """A short text: ``uniform on [4, 6]``, ``normal(mean 5, sd 1) on [4, 7]``, ….

        >>> Distribution("choice", (1, 2), weights=(0.25, 0.75)).describe()
        'choice of 1, 2 (weights 0.25, 0.75)'
        """
        p = list(map(_fmt, self.params))
        if self.kind == "uniform":
            return f"uniform on [{p[0]}, {p[1]}]"
        if self.kind == "triangular":
            return f"triangular on [{p[0]}, {p[2]}], mode {p[1]}"
        if self.kind == "normal":
            text = f"normal(mean {p[0]}, sd {p[1]})"
            return text + (f" on [{_fmt(self.bounds[0])}, {_fmt(self.bounds[1])}]" if self.bounds is not None else "")
        if self.kind == "lognormal":
            return f"lognormal(mu {p[0]}, sigma {p[1]})"
        text = f"choice of {', '.join(p)}"
        if self.weights is not None and len(set(self.weights)) > 1:
            text += f" (weights {', '.join(f'{w:.6g}' for w in self.weights)})"
        return text


@dataclass(frozen=True)
class Quantity:
    """A named uncertain quantity and the places of the scenario it fills.

    Each place is ``("link", link_index, side, key)`` with side ``"both"`` (a symmetric
    link), ``"row"`` or ``"col"`` and key one of R, S, T, P, b, c, g, l, w;
    ``("weight", link_index)``; or ``("mechanism", mechanism_index, parameter)``. Indices
    count from 0 in ``RegionNetwork.links`` and ``RegionNetwork.mechanisms``.
    """

    name: str
    distribution: Distribution
    places: tuple[tuple[Any, ...], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "places", tuple(tuple(p) for p in self.places))


@dataclass(frozen=True, eq=False)
class Uncertainty:
    """The uncertain quantities of a scenario and their correlation (a Gaussian copula).

    Parameters
    ----------
    quantities : tuple of Quantity
        In the order they first appear in the scenario; names are unique.
    pairs : tuple of (str, str, float)
        The ``[uncertainty] correlation`` entries: the correlation ρ of the normal scores of
        two quantities. Unlisted pairs are independent.

    Raises
    ------
    regions.EntryError
        With entry ``[uncertainty]`` and field ``correlation``: an unknown name, a quantity
        correlated with itself or a pair listed twice, |ρ| > 1, or a matrix that is not
        positive definite.
    """

    quantities: tuple[Quantity, ...]
    pairs: tuple[tuple[str, str, float], ...] = ()
    _cholesky: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        quantities = tuple(self.quantities)
        object.__setattr__(self, "quantities", quantities)
        names = [q.name for q in quantities]
        if len(set(names)) != len(names):
            twice = next(n for n in names if names.count(n) > 1)
            raise EntryError("[uncertainty]", None, f"the quantity name '{twice}' is used twice")
        index = {n: i for i, n in enumerate(names)}
        matrix = np.eye(len(names))
        seen: set[frozenset[str]] = set()
        clean = []
        for pair in self.pairs:
            if not isinstance(pair, (list, tuple)) or len(pair) != 3 or not all(isinstance(v, str) for v in pair[:2]):
                raise EntryError("[uncertainty]", "correlation", f'each entry is ["name", "name", rho], got {pair!r}')
            a, b, rho = pair
            for n in (a, b):
                if n not in index:
                    known = f"; quantities: {', '.join(names)}" if names else "; the scenario has no uncertain quantities"
                    raise EntryError("[uncertainty]", "correlation", f"'{n}' is not an uncertain quantity{did_you_mean(n, names)}{known}")
            if isinstance(rho, bool) or not isinstance(rho, (int, float)) or not math.isfinite(rho):
                raise EntryError("[uncertainty]", "correlation", f"the correlation of '{a}' and '{b}' must be a finite number, got {rho!r}")
            if a == b:
                raise EntryError("[uncertainty]", "correlation", f"'{a}' is correlated with itself")
            if frozenset((a, b)) in seen:
                raise EntryError("[uncertainty]", "correlation", f"the pair '{a}', '{b}' is listed twice")
            if abs(rho) > 1:
                raise EntryError("[uncertainty]", "correlation", f"the correlation of '{a}' and '{b}' must lie in [-1, 1], got {_fmt(rho)}")
            seen.add(frozenset((a, b)))
            matrix[index[a], index[b]] = matrix[index[b], index[a]] = float(rho)
            clean.append((a, b, float(rho)))
        object.__setattr__(self, "pairs", tuple(clean))
        try:
            chol = np.linalg.cholesky(matrix) if len(names) else np.zeros((0, 0))
        except np.linalg.LinAlgError:
            chol = None
        if chol is None or (len(names) and np.min(np.linalg.eigvalsh(matrix)) <= 1e-12):
            smallest = float(np.min(np.linalg.eigvalsh(matrix)))
            raise EntryError("[uncertainty]", "correlation", f"the correlation matrix is not positive definite (smallest eigenvalue {smallest:.3g})")
        chol.setflags(write=False)
        object.__setattr__(self, "_cholesky", chol)

    @property
    def names(self) -> tuple[str, ...]:
        """The quantities' names, in order (the columns of :meth:`sample`)."""
        return tuple(q.name for q in self.quantities)

    @property
    def correlation(self) -> np.ndarray:
        """The correlation matrix of the normal scores (a copy), in the order of :attr:`names`."""
        return self._cholesky @ self._cholesky.T if len(self.quantities) else np.zeros((0, 0))

    @property
    def central(self) -> dict[str, float]:
        """Each quantity's central value, by name."""
        return {q.name: q.distribution.central for q in self.quantities}

    def unit_to_values(self, u: np.ndarray) -> pd.DataFrame:
        """Values from points of the unit cube, one column per quantity.

        The columns of ``u`` are read as independent uniforms: they go to normal scores, through
        the copula (the Cholesky factor of :attr:`correlation`), back to uniforms and through
        each quantity's inverse CDF. Without correlation each column is just mapped by its ppf.

        >>> d = Distribution("uniform", (0.0, 2.0))
        >>> Uncertainty((Quantity("x", d),)).unit_to_values(np.array([[0.25], [0.5]]))["x"].tolist()
        [0.5, 1.0]
        """
        u = np.asarray(u, dtype=float)
        k = len(self.quantities)
        if u.ndim != 2 or u.shape[1] != k:
            raise UserInputError(f"u must have shape (n, {k}), got {u.shape}")
        if np.any((u < 0) | (u > 1)) or not np.all(np.isfinite(u)):
            raise UserInputError("u must lie in [0, 1]")
        if self.pairs:
            z = special.ndtri(np.clip(u, _U_LOW, _U_HIGH)) @ self._cholesky.T
            u = special.ndtr(z)
        columns = {q.name: q.distribution.ppf(u[:, j]) for j, q in enumerate(self.quantities)}
        return pd.DataFrame(columns, columns=list(self.names))

    def sample(self, n: int, seed: int = 0, *, method: str = "sobol") -> pd.DataFrame:
        """``n`` joint draws of the quantities, one column per name.

        ``method="sobol"``: scrambled Sobol' points (scipy.stats.qmc, Owen scrambling seeded by
        ``seed``; a power of two for n keeps their balance); ``"random"``: plain Monte Carlo
        from ``numpy.random.default_rng(seed)``. Either is mapped by :meth:`unit_to_values`.
        The same seed gives the same sample.
        """
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise UserInputError(f"n must be a positive whole number, got {n!r}")
        k = len(self.quantities)
        if method not in ("sobol", "random"):
            raise UserInputError(f"method must be 'sobol' or 'random', got {method!r}")
        if k == 0:
            return pd.DataFrame(index=range(int(n)))
        if method == "sobol":
            engine = qmc.Sobol(k, scramble=True, seed=np.random.default_rng(seed))
            with warnings.catch_warnings():
                warnings.filterwarnings("ignore", message="The balance properties of Sobol' points")
                u = engine.random(int(n))
        else:
            u = np.random.default_rng(seed).random((int(n), k))
        return self.unit_to_values(u)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Uncertainty):
            return NotImplemented
        return self.quantities == other.quantities and self.pairs == other.pairs

    __hash__ = None  # type: ignore[assignment]

    def __len__(self) -> int:
        return len(self.quantities)


def quantities_from(records: Sequence[tuple[str, Distribution, tuple[Any, ...]]]) -> tuple[Quantity, ...]:
    """Quantities from (name, distribution, place) records in scenario order: one per name.

    Raises
    ------
    regions.EntryError
        If one name is given two different distributions (field ``name``).
    """
    found: dict[str, tuple[Distribution, list[tuple[Any, ...]]]] = {}
    for name, dist, place in records:
        if name in found:
            if found[name][0] != dist:
                raise EntryError(
                    None,
                    "name",
                    f"the quantity '{name}' is already {found[name][0].describe()}, here {dist.describe()}; one name is one quantity (give another name)",
                )
            found[name][1].append(place)
        else:
            found[name] = (dist, [place])
    return tuple(Quantity(name, dist, tuple(places)) for name, (dist, places) in found.items())
