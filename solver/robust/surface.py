"""The probability of cooperation over a grid of two uncertain quantities (a probability surface).

:func:`probability_surface` fixes two quantities x and y at the points of a grid and estimates,
at each point, the probability that the target level holds — for one link, or for every link —
over the other quantities, drawn from their distribution *given* x and y. Under the scenario's
Gaussian copula the normal scores z = Φ⁻¹(F(v)) are jointly standard normal with correlation Σ,
so the others' scores given (z_x, z_y) = q are normal with mean Σ_oq Σ_qq⁻¹ q and covariance
Σ_oo − Σ_oq Σ_qq⁻¹ Σ_qo (the conditional normal); independent others keep their own laws. The
others are plain Monte-Carlo draws (seeded), the same draws of the residual at every grid point
(common random numbers: a smooth surface), so the standard error at a point is the binomial
√(p(1 − p)/samples). All grid points × samples worlds are evaluated in one vectorized call.

The grid spans each quantity's support where it is bounded, else its 0.5 % or 99.5 % quantile.

Examples
--------
>>> from regions import loads_scenario
>>> net = loads_scenario('''
... [scenario]
... name = "one link"
... [[regions]]
... id = "p"
... level = "province"
... [[regions]]
... id = "a"
... level = "county"
... parent = "p"
... [[regions]]
... id = "b"
... level = "county"
... parent = "p"
... [[links]]
... between = ["a", "b"]
... payoffs = { R = 3.5, S = 0, T = { uniform = [4, 6] }, P = 1 }
... [[mechanisms]]
... kind = "higher_level_guidance"
... by = "p"
... subsidy = { uniform = [0, 2], name = "subsidy" }
... ''')
>>> s = probability_surface(net, "a-b.T", "subsidy", grid=3)
>>> s.xs.tolist(), s.ys.tolist(), s.samples           # no other quantity: each point is exact
([4.0, 5.0, 6.0], [0.0, 1.0, 2.0], 0)
>>> s.p.tolist()                                       # strict iff 3.5 + subsidy > T
[[0.0, 0.0, 0.0], [1.0, 0.0, 0.0], [1.0, 1.0, 0.0]]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import special

from games.errors import UserInputError
from regions import RegionNetwork

from ..cooperation import LEVELS

__all__ = ["Surface", "grid_range", "probability_surface", "surface_pair"]

#: Quantiles bounding the grid of an unbounded side of a distribution.
TAILS = (0.005, 0.995)
#: Uniforms are kept this far inside (0, 1) before Φ⁻¹ (a grid point at a bound has F = 0 or 1).
_EDGE = 1e-12


@dataclass(frozen=True)
class Surface:
    """P(target reached) on a grid of two quantities, the others sampled given them.

    Attributes
    ----------
    x, y : str
        The two quantities' names; ``x_label``, ``y_label`` how a figure names them.
    xs, ys : array (nx,), (ny,)
        The grid values.
    p : array (ny, nx)
        The estimated probability at each grid point (row j ↔ ys[j], column i ↔ xs[i]).
    se : array (ny, nx)
        Its standard error (0 where the other quantities are certain or absent).
    samples : int
        Worlds sampled per grid point for the other quantities (0 when there are none).
    what : str
        The event, in words: "Xinxiang–Luoyang reaches strict" or "every link reaches strict".
    target : str
    central : tuple[float, float]
        The two quantities' central values (the operating point other commands use).
    """

    x: str
    y: str
    x_label: str
    y_label: str
    xs: np.ndarray
    ys: np.ndarray
    p: np.ndarray
    se: np.ndarray
    samples: int
    what: str
    target: str
    central: tuple[float, float]


def grid_range(distribution) -> tuple[float, float]:
    """The span of a quantity's grid: its support where bounded, else the 0.5 % / 99.5 % quantile.

    >>> from regions.uncertain import Distribution
    >>> grid_range(Distribution("uniform", (4.0, 6.0)))
    (4.0, 6.0)
    >>> [round(v, 3) for v in grid_range(Distribution("normal", (0.0, 1.0)))]
    [-2.576, 2.576]
    """
    low, high = distribution.support
    if not math.isfinite(low):
        low = float(distribution.ppf(np.array([TAILS[0]]))[0])
    if not math.isfinite(high):
        high = float(distribution.ppf(np.array([TAILS[1]]))[0])
    return float(low), float(high)


def probability_surface(
    network: RegionNetwork,
    x: str,
    y: str,
    *,
    grid: int = 21,
    samples: int = 256,
    seed: int = 0,
    target: str = "strict",
    link: int | None = None,
) -> Surface:
    """P(``target`` or better) on a ``grid`` × ``grid`` grid of quantities ``x`` and ``y``.

    Parameters
    ----------
    network : RegionNetwork
        A scenario with uncertain quantities (``network.uncertainty``).
    x, y : str
        Two different quantity names.
    grid : int
        Points per axis (≥ 2).
    samples : int
        Draws of the other quantities per grid point (their conditional law given x and y).
    seed : int
        Seeds the draws: same seed, same surface.
    target : str
        A cooperation level other than ``none``.
    link : int, optional
        The index of one link; by default the event is that every link reaches the target,
        each with all its scenario mechanisms together (the status quo where it has none).

    Returns
    -------
    Surface

    Raises
    ------
    UserInputError
        For a scenario without uncertain quantities, an unknown or repeated quantity, a bad
        ``grid``, ``samples``, ``target`` or ``link``.
    """
    from .scenario import _labels, links_at_target

    uncertainty = network.uncertainty
    if uncertainty is None:
        raise UserInputError(f"{network.name or 'the scenario'} states no uncertain quantity: give a distribution, e.g. T = {{ uniform = [4.5, 5.5] }}")
    names = list(uncertainty.names)
    for name in (x, y):
        if name not in names:
            raise UserInputError(f"{name!r} is not an uncertain quantity of {network.name or 'the scenario'}; quantities: {', '.join(names)}")
    if x == y:
        raise UserInputError(f"the surface needs two different quantities, got {x!r} twice")
    if isinstance(grid, bool) or not isinstance(grid, (int, np.integer)) or grid < 2:
        raise UserInputError(f"grid must be a whole number ≥ 2, got {grid!r}")
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or samples < 1:
        raise UserInputError(f"samples must be a positive whole number, got {samples!r}")
    if target not in LEVELS[:-1]:
        raise UserInputError(f"target must be one of {', '.join(LEVELS[:-1])}, got {target!r}")
    if link is not None and (isinstance(link, bool) or not isinstance(link, (int, np.integer)) or not 0 <= link < len(network.links)):
        raise UserInputError(f"link must be a link index from 0 to {len(network.links) - 1}, got {link!r}")

    law = {q.name: q.distribution for q in uncertainty.quantities}
    sigma = uncertainty.correlation
    ix, iy = names.index(x), names.index(y)
    if law[x].kind == "choice" and law[y].kind == "choice" and sigma[ix, iy] != 0:
        raise UserInputError(f"a surface over two correlated choice quantities ({x}, {y}) is not supported; pick a continuous one for an axis")
    xs, ys = (_axis(law[name], int(grid)) for name in (x, y))
    gx, gy = np.meshgrid(xs, ys)  # (ny, nx): row j ↔ ys[j]
    gx, gy = gx.ravel(), gy.ravel()
    points = len(gx)
    others = [name for name in names if name not in (x, y)]
    draws = int(samples) if others else 1
    columns = {x: np.repeat(gx, draws), y: np.repeat(gy, draws)}
    if others:
        columns.update(_conditional(uncertainty, law, x, y, gx, gy, others, draws, seed))
    worlds = pd.DataFrame({name: columns[name] for name in names})
    hits = links_at_target(network, worlds, target, None if link is None else [int(link)]).all(axis=1)
    p = hits.reshape(points, draws).mean(axis=1)
    se = np.sqrt(p * (1 - p) / draws) if others else np.zeros(points)
    labels = _labels(network)
    if link is None:
        what = f"every link reaches {target}"
    else:
        pair = "–".join(network.region(r).name for r in network.links[int(link)].between)
        what = f"{pair} reaches {target}"
    shape = (len(ys), len(xs))
    return Surface(
        x, y, labels.get(x, x), labels.get(y, y), xs, ys, p.reshape(shape), se.reshape(shape), draws if others else 0, what, target,
        (float(law[x].central), float(law[y].central)),
    )  # fmt: skip


def _axis(distribution, grid: int) -> np.ndarray:
    """The grid of one axis: ``grid`` points over the support, or a choice law's own values."""
    if distribution.kind == "choice":
        return np.unique(np.asarray(distribution.params, dtype=float))
    return np.linspace(*grid_range(distribution), grid)


def _conditional(uncertainty, law, x, y, gx, gy, others, draws, seed) -> dict[str, np.ndarray]:
    """The other quantities drawn given (x, y) at each grid point: ``draws`` rows per point.

    A continuous quantity's value fixes its normal score. A choice quantity's value v only
    bounds it, to (Φ⁻¹(F(v⁻)), Φ⁻¹(F(v))]: its score is drawn from the normal law it has given
    the other axis' score, truncated to that interval (two correlated choice axes are refused
    by the caller), and the others are drawn given both scores.
    """
    names = list(uncertainty.names)
    io = [names.index(n) for n in others]
    iq = [names.index(x), names.index(y)]
    sigma = uncertainty.correlation
    gain = sigma[np.ix_(io, iq)] @ np.linalg.inv(sigma[np.ix_(iq, iq)])  # Σ_oq Σ_qq⁻¹
    cov = sigma[np.ix_(io, io)] - gain @ sigma[np.ix_(iq, io)]
    chol = np.linalg.cholesky(cov + 1e-15 * np.eye(len(io)))
    rng = np.random.default_rng(seed)
    residual = rng.standard_normal((draws, len(io))) @ chol.T  # the same draws at every point
    points = len(gx)
    q = np.empty((points, draws, 2))
    rho = sigma[iq[0], iq[1]]
    discrete = [law[x].kind == "choice", law[y].kind == "choice"]
    for k, (name, values) in enumerate(((x, gx), (y, gy))):
        if not discrete[k]:
            q[:, :, k] = _score(law[name], values)[:, None]
    shares = rng.random((draws, 2))  # where in its interval each choice score falls (same at every point)
    for k, (name, values) in enumerate(((x, gx), (y, gy))):
        if discrete[k]:
            low = special.ndtri(np.clip(law[name].cdf(np.nextafter(values, -np.inf)), 0, 1))
            high = special.ndtri(np.clip(law[name].cdf(values), 0, 1))
            other = 1 - k
            # given the other axis' score (continuous) its law is N(ρ z, 1 − ρ²); independent: N(0, 1)
            centre = rho * q[:, :, other] if not discrete[other] else np.zeros((points, draws))
            scale = np.sqrt(1 - rho**2) if not discrete[other] else 1.0
            a, b = special.ndtr((low[:, None] - centre) / scale), special.ndtr((high[:, None] - centre) / scale)
            q[:, :, k] = centre + scale * special.ndtri(a + shares[None, :, k] * (b - a))
    mean = q @ gain.T  # (points, draws, others)
    z = (mean + residual[None, :, :]).reshape(-1, len(io))
    u = special.ndtr(z)
    return {name: np.asarray(law[name].ppf(u[:, j]), dtype=float) for j, name in enumerate(others)}


def _score(distribution, values: np.ndarray) -> np.ndarray:
    """Normal scores Φ⁻¹(F(v)) of grid values (kept finite at the support's bounds)."""
    return special.ndtri(np.clip(np.asarray(distribution.cdf(values), dtype=float), _EDGE, 1 - _EDGE))


def surface_pair(robustness) -> tuple[str, str]:
    """The two quantities with the largest total Sobol' index of the share at the target (ties
    and undefined indices in the scenario's order); the first two quantities when the indices
    are missing (correlated quantities, a constant share).

    Raises
    ------
    UserInputError
        When the scenario has fewer than two uncertain quantities.
    """
    names = [name for name, _ in robustness.quantities]
    if len(names) < 2:
        raise UserInputError(f"a probability surface needs two uncertain quantities, {robustness.scenario or 'the scenario'} has {len(names)}")
    ranked = [(i.ST, -names.index(n), n) for n, i in robustness.sobol.items() if math.isfinite(i.ST)]
    if len(ranked) < 2:
        return names[0], names[1]
    ranked.sort(reverse=True)
    return ranked[0][2], ranked[1][2]
