"""Sobol' sensitivity indices of any vectorized function of uncertain quantities, via SALib.

The variance of an output Y = f(X₁, …, X_k) of independent inputs splits into the parts each
input explains alone and together (Sobol' 2001). The first-order index S1ᵢ = V(E[Y | Xᵢ]) / V(Y)
is the share of the variance that Xᵢ explains alone; the total index STᵢ = E[V(Y | X₋ᵢ)] / V(Y)
adds every interaction in which Xᵢ takes part, so STᵢ = 0 means Xᵢ does not matter at all.

:func:`sobol_indices` draws Saltelli's design on the unit hypercube (SALib's scrambled Sobol'
sequence, seeded), maps each column through the quantity's inverse CDF, evaluates the function
once on all the points, and estimates the indices with SALib (Saltelli et al. 2010 for S1,
Jansen 1999 for ST) with bootstrap confidence intervals (seeded too).

Examples
--------
>>> import numpy as np
>>> from scipy import stats
>>> ppf = {"a": stats.uniform(0, 1).ppf, "b": stats.uniform(0, 1).ppf, "c": stats.uniform(0, 1).ppf}
>>> idx = sobol_indices(lambda v: v["a"] + 2 * v["b"], ["a", "b", "c"], ppf, n=1024, seed=1)
>>> round(idx["b"].S1, 1), round(idx["a"].ST, 1), abs(idx["c"].ST)   # closed form: 0.8, 0.2, 0
(0.8, 0.2, 0.0)

References
----------
Sobol', I. M. (2001). Global sensitivity indices for nonlinear mathematical models and their
Monte Carlo estimates. *Mathematics and Computers in Simulation* 55, 271–280.
Saltelli, A. et al. (2010). Variance based sensitivity analysis of model output. Design and
estimator for the total sensitivity index. *Computer Physics Communications* 181, 259–270.
Herman, J. and Usher, W. (2017). SALib: an open-source Python library for sensitivity analysis.
*Journal of Open Source Software* 2(9), 97.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

__all__ = ["SobolIndex", "sobol_indices"]

Func = Callable[[dict[str, np.ndarray]], npt.ArrayLike]
PPF = Mapping[str, Callable[[np.ndarray], npt.ArrayLike]] | Callable[[np.ndarray], Mapping[str, npt.ArrayLike]]


@dataclass(frozen=True)
class SobolIndex:
    """The Sobol' indices of one input, with the half-widths of their confidence intervals.

    Attributes
    ----------
    S1, S1_conf : float
        First-order index and the half-width of its bootstrap confidence interval.
    ST, ST_conf : float
        Total index and its half-width.
    S2, S2_conf : dict of str to float
        Second-order indices with each other input (empty unless ``calc_second_order``).

    All are NaN when the output is constant over the sample (the indices are then undefined).
    """

    S1: float
    S1_conf: float
    ST: float
    ST_conf: float
    S2: dict[str, float] = field(default_factory=dict)
    S2_conf: dict[str, float] = field(default_factory=dict)


def sobol_indices(
    func: Func,
    names: Sequence[str],
    ppf: PPF,
    n: int,
    seed: int,
    *,
    calc_second_order: bool = False,
    num_resamples: int = 100,
    conf_level: float = 0.95,
) -> dict[str, SobolIndex]:
    """First-order and total Sobol' indices of ``func`` with respect to each named input.

    Parameters
    ----------
    func : callable
        ``func(values) -> array (N,)``, where ``values`` maps each name to an array (N,) of
        that input's values; it must be vectorized (called once, on all N points).
    names : sequence of str
        The inputs, in the order of the design's columns.
    ppf : mapping of str to callable, or callable
        Each input's inverse CDF, applied to its column of uniform numbers in (0, 1); or one
        callable taking the whole (N, k) unit array and returning a mapping (or DataFrame) of
        the values by name (e.g. ``Uncertainty.unit_to_values``). The indices assume
        independent inputs.
    n : int
        Base sample size, a power of 2; ``func`` sees N = n·(k + 2) points (n·(2k + 2) with
        ``calc_second_order``).
    seed : int
        Seeds the scrambling of the Sobol' sequence and the bootstrap: same seed, same result.
    calc_second_order : bool
        Also estimate the second-order indices.
    num_resamples, conf_level :
        Bootstrap resamples and the level of the confidence intervals.

    Returns
    -------
    dict of str to SobolIndex
        In the order of ``names``.

    Raises
    ------
    ValueError
        If ``names`` is empty or repeats a name, ``n`` is not a power of 2, ``ppf`` lacks a
        name, or ``func`` returns the wrong shape or a non-finite value.

    Examples
    --------
    >>> from scipy import stats
    >>> ppf = {"x": stats.norm(0, 1).ppf, "y": stats.norm(0, 1).ppf}
    >>> idx = sobol_indices(lambda v: v["x"] * v["y"], ["x", "y"], ppf, n=4096, seed=0)
    >>> abs(idx["x"].S1) < 0.05, round(idx["x"].ST, 1)   # pure interaction: S1 = 0, ST = 1
    (True, 1.0)
    """
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    names = list(names)
    if not names:
        raise ValueError("sobol_indices needs at least one input name")
    if len(set(names)) != len(names):
        raise ValueError(f"sobol_indices: input names repeat: {names}")
    if n < 2 or n & (n - 1):
        raise ValueError(f"sobol_indices: n must be a power of 2 (the Sobol' sequence's balance), got {n}")
    if not callable(ppf):
        missing = [name for name in names if name not in ppf]
        if missing:
            raise ValueError(f"sobol_indices: no inverse CDF for {', '.join(missing)}")
    problem = {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}
    unit = sample.sample(problem, n, calc_second_order=calc_second_order, scramble=True, seed=seed)
    values = _map(unit, names, ppf)
    y = np.asarray(func(values), dtype=float)
    if y.shape != (unit.shape[0],):
        raise ValueError(f"sobol_indices: func returned shape {y.shape}, expected ({unit.shape[0]},)")
    if not np.all(np.isfinite(y)):
        raise ValueError(f"sobol_indices: func returned {int(np.sum(~np.isfinite(y)))} non-finite values")
    if np.all(y == y[0]):
        nan = float("nan")
        s2 = {other: nan for other in names} if calc_second_order else {}
        return {name: SobolIndex(nan, nan, nan, nan, {o: nan for o in s2 if o != name}, {o: nan for o in s2 if o != name}) for name in names}
    # SALib seeds its bootstrap only for a truthy seed (``if seed:``): seed 0 would draw from
    # numpy's global state, so the intervals are seeded with a nonzero number derived from it.
    boot = int(np.random.SeedSequence(seed).generate_state(1)[0]) or 1
    res = analyze.analyze(
        problem, y, calc_second_order=calc_second_order, num_resamples=num_resamples, conf_level=conf_level, seed=boot, print_to_console=False
    )
    out = {}
    for i, name in enumerate(names):
        s2, s2c = {}, {}
        if calc_second_order:
            for j, other in enumerate(names):
                if j != i:
                    a, b = min(i, j), max(i, j)
                    s2[other] = float(res["S2"][a, b])
                    s2c[other] = float(res["S2_conf"][a, b])
        out[name] = SobolIndex(float(res["S1"][i]), float(res["S1_conf"][i]), float(res["ST"][i]), float(res["ST_conf"][i]), s2, s2c)
    return out


def _map(unit: np.ndarray, names: list[str], ppf: PPF) -> dict[str, np.ndarray]:
    """The design's unit columns mapped to the inputs' values, by name."""
    if callable(ppf):
        mapped = ppf(unit)
        return {name: np.asarray(mapped[name], dtype=float) for name in names}
    return {name: np.asarray(ppf[name](unit[:, i]), dtype=float) for i, name in enumerate(names)}
