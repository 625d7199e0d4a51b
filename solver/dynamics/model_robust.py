"""How likely each pure corner of a model is stable when some parameters are uncertain.

A model file may give a parameter as a distribution (docs/models.md, "Uncertain parameters");
every other command uses its central value. :func:`model_robustness` samples the uncertain
parameters (scrambled Sobol' points in :data:`solver.robust.scenario.QMC_GROUPS` independent
scramblings, or plain Monte Carlo; :meth:`regions.Uncertainty.sample`, the scenarios' sampler)
and, for each pure corner, estimates the probability that it is asymptotically stable, with
its interval (:func:`solver.robust.estimate.probability`: the spread over the scramblings, or
Wilson's), and the Sobol' indices of the corner's stability indicator with respect to each
uncertain parameter (:func:`solver.robust.sobol.sobol_indices`).

The verdict is the derivation's (:func:`solver.dynamics.derive.derive`): a corner is stable
when every eigenvalue is negative — its eigenvalue expressions (for two strategies
(1 − 2xₖ)Fₖ at the corner; with more, the payoff differences of the unilateral deviations) are
compiled once with :func:`sympy.lambdify` and evaluated on all samples at once, in complex
arithmetic so that ``sqrt`` and ``log`` of negative numbers take sympy's principal values; an
eigenvalue counts as negative when its real part is below −:data:`solver.dynamics.corners.ZERO`,
as :func:`solver.dynamics.corners.verdict` does. A zero eigenvalue (non-hyperbolic: the
derivation's ``inconclusive``) and an undefined one (a division by zero at a sampled point,
counted in ``undefined``) are *not stable*. Where the derivation has no eigenvalue expressions
(state-dependent payoffs whose Jacobian is not diagonal at the corner), the Jacobian at the
corner is compiled and its eigenvalues computed sample by sample (numpy, batched). The only
difference from the exact derivation: an exact rational eigenvalue within 10⁻⁹ of zero is
signed exactly there and by the threshold here.

Examples
--------
>>> from games.model import Model
>>> from importlib.resources import files
>>> src = (files("games") / "data" / "three-party.toml").read_text(encoding="utf-8")
>>> src = src.replace('s = { value = 1.5,', 's = { value = { uniform = [0, 3] },')
>>> m = Model.from_text(src, "uncertain.toml")
>>> r = model_robustness(m, 1024, seed=1)
>>> [(c.label, c.verdict, round(c.stable.p, 2), c.stable.covers(1 / 3)) for c in r.corners if c.stable.p > 0]
[('defect/defect/strict', 'saddle', 0.33, True), ('cooperate/cooperate/lax', 'stable', 1.0, False)]

(defect/defect/strict is stable iff s < 1: probability 1/3 under s uniform on [0, 3].)
"""

from __future__ import annotations

import math
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import sympy

from games.errors import UserInputError

from ..robust.estimate import Estimate, probability
from ..robust.sobol import SobolIndex, sobol_indices
from .corners import ZERO
from .derive import Derivation, derive

__all__ = ["CornerRobustness", "ModelRobustness", "corner_stability", "model_robustness"]

#: Samples evaluated at once by :func:`corner_stability`.
CHUNK = 1 << 16
#: Largest base sample (a power of two) of the Saltelli design of the Sobol' indices.
SOBOL_MAX_LOG2 = 14


@dataclass(frozen=True)
class CornerRobustness:
    """One pure corner over the sampled parameters.

    Attributes
    ----------
    corner : tuple of int
        As in :class:`solver.dynamics.derive.CornerDerivation` (1: the first strategy).
    profile : tuple of int
        The pure profile (population k plays strategy ``profile[k]``; 0 = the first).
    label : str
        The profile in strategy names, ``cooperate/cooperate/lax``.
    verdict : str
        The derivation's verdict at the central values.
    stable : Estimate
        P(the corner is asymptotically stable) with its confidence interval.
    undefined : int
        Samples where an eigenvalue is undefined (counted as not stable).
    sobol : mapping of str to SobolIndex
        Sobol' indices of the stability indicator by uncertain parameter (empty when not
        computed: correlated parameters, or the indicator is the same at every point).
    """

    corner: tuple[int, ...]
    profile: tuple[int, ...]
    label: str
    verdict: str
    stable: Estimate
    undefined: int = 0
    sobol: Mapping[str, SobolIndex] = field(default_factory=dict)


@dataclass(frozen=True)
class ModelRobustness:
    """Every pure corner's probability of being stable over the uncertain parameters.

    Attributes
    ----------
    samples : int
        Sampled parameter sets (all scramblings together).
    seed : int
    method : {"sobol", "random"}
    parameters : mapping of str to str
        Each uncertain parameter's law in words (``uniform on [0, 3]``), in file order.
    corners : tuple of CornerRobustness
        In the derivation's corner order.
    sobol_note : str
        How the Sobol' indices were computed, or why they were not.
    """

    samples: int
    seed: int
    method: str
    parameters: Mapping[str, str]
    corners: tuple[CornerRobustness, ...]
    sobol_note: str = ""

    def to_dict(self) -> dict:
        """JSON-ready data (docs/models.md, "The output of ``intergov evolve model``": ``robustness``)."""

        def number(x: float) -> float | None:
            return float(x) if math.isfinite(x) else None

        return {
            "samples": self.samples,
            "seed": self.seed,
            "method": self.method,
            "parameters": dict(self.parameters),
            "sobol_note": self.sobol_note,
            "corners": [
                {
                    "corner": list(c.corner),
                    "profile": c.label,
                    "verdict_at_central": c.verdict,
                    "p_stable": c.stable.p,
                    "ci": [c.stable.low, c.stable.high],
                    "interval": c.stable.method,
                    "undefined": c.undefined,
                    "sobol": {
                        n: {"S1": number(i.S1), "S1_conf": number(i.S1_conf), "ST": number(i.ST), "ST_conf": number(i.ST_conf)} for n, i in c.sobol.items()
                    },
                }
                for c in self.corners
            ],
        }


def _compile(model: Any, derivation: Derivation) -> list[Any]:
    """Per corner a function of the parameter arrays giving its eigenvalues, shape (m, n)."""
    symbols = list(derivation.parameters)
    out = []
    for c in derivation.corners:
        if c.eigenvalue_expressions:
            funcs = [sympy.lambdify(symbols, e, "numpy") for e in c.eigenvalue_expressions]
            out.append(("eigenvalues", funcs))
            continue
        at = dict(zip(derivation.shares, (sympy.Integer(v) for v in c.corner)))
        matrix = derivation.jacobian.xreplace(at)
        size = matrix.shape[0]
        funcs = [[sympy.lambdify(symbols, matrix[i, j], "numpy") for j in range(size)] for i in range(size)]
        out.append(("jacobian", funcs))
    return out


def _column(func: Any, args: list[np.ndarray], n: int) -> np.ndarray:
    return np.broadcast_to(np.asarray(func(*args), dtype=complex), (n,))


def _stable(kind: str, funcs: Any, args: list[np.ndarray], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(stable, undefined) per sample for one corner."""
    with np.errstate(all="ignore"):
        if kind == "eigenvalues":
            eig = np.stack([_column(f, args, n) for f in funcs]) if funcs else np.zeros((0, n), complex)
            finite = np.all(np.isfinite(eig), axis=0)
            stable = finite & np.all(eig.real < -ZERO, axis=0)
            return stable, ~finite
        matrix = np.stack([np.stack([_column(f, args, n) for f in row], axis=-1) for row in funcs], axis=-2)  # (n, K, K)
        finite = np.all(np.isfinite(matrix), axis=(1, 2))
        safe = np.where(finite[:, None, None], matrix, 0)
        eig = np.linalg.eigvals(safe)
        return finite & np.all(eig.real < -ZERO, axis=1), ~finite


def corner_stability(model: Any, values: Mapping[str, np.ndarray], *, derivation: Derivation | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Whether each corner is stable at each of n parameter sets, vectorized.

    Parameters
    ----------
    model : games.model.Model
    values : mapping of str to array (n,)
        Values of some parameters by name; the others keep the model's values.
    derivation : Derivation, optional
        ``derive(model, rest_points=False)``, if already computed.

    Returns
    -------
    stable, undefined : ndarray of bool, shape (n, corners)
        In the derivation's corner order.

    Raises
    ------
    KeyError
        For a name that is not a parameter of the model.

    Examples
    --------
    >>> from games.model import builtin_model
    >>> m = builtin_model("three-party")
    >>> stable, _ = corner_stability(m, {"E_A": np.array([2.0, 4.0])})
    >>> stable[:, 6].tolist()    # (1, 1, 0) is stable iff C_A + E_A < R_A = 6
    [True, False]
    """
    derivation = derivation or derive(model, rest_points=False)
    names = [str(s) for s in derivation.parameters]
    for key in values:
        if key not in names:
            raise KeyError(f"no parameter {key!r} in the model")
    n = len(next(iter(values.values()))) if values else 1
    central = {str(s): complex(v) for s, v in derivation.values.items()}
    compiled = _compile(model, derivation)
    stable = np.zeros((n, len(derivation.corners)), bool)
    undefined = np.zeros_like(stable)
    for start in range(0, n, CHUNK):  # bounded memory: every parameter is an array of the chunk
        stop = min(n, start + CHUNK)
        m = stop - start
        args = [np.asarray(values[name][start:stop], dtype=complex) if name in values else np.full(m, central[name]) for name in names]
        for j, (kind, funcs) in enumerate(compiled):
            stable[start:stop, j], undefined[start:stop, j] = _stable(kind, funcs, args, m)
    return stable, undefined


def _sample(model: Any, samples: int, seed: int, method: str) -> tuple[dict[str, np.ndarray], np.ndarray | None]:
    from ..robust.scenario import sample_worlds

    # sample_worlds reads only ``.uncertainty`` and ``.name``: the model's draws are the scenarios'.
    worlds, groups = sample_worlds(types.SimpleNamespace(uncertainty=model.uncertainty, name=model.name), samples, seed, method)
    return {name: worlds[name].to_numpy() for name in worlds.columns}, groups


def _base_sample(samples: int, k: int) -> int:
    return 2 ** min(SOBOL_MAX_LOG2, max(3, int(math.log2(max(samples // (k + 2), 8)))))


def model_robustness(model: Any, samples: int, seed: int = 0, method: str = "sobol", *, sobol: bool = True, confidence: float = 0.95) -> ModelRobustness:
    """P(each pure corner is asymptotically stable) over the model's uncertain parameters.

    Parameters
    ----------
    model : games.model.Model
        With at least one parameter given as a distribution (``model.uncertainty``).
    samples : int
        Sampled parameter sets; with ``"sobol"`` at least 64 (8 scramblings of ≥ 8 points),
        best a multiple of 8 times a power of two.
    seed : int
        Same seed, same result.
    method : {"sobol", "random"}
        Scrambled Sobol' points (interval: the spread over 8 scramblings) or plain Monte Carlo
        (Wilson interval).
    sobol : bool
        Also estimate the Sobol' indices of each corner's stability indicator (Saltelli design of
        about ``samples`` points, base at most 2¹⁴; skipped for correlated parameters).
    confidence : float
        Coverage of the intervals.

    Returns
    -------
    ModelRobustness

    Raises
    ------
    UserInputError
        For a model without uncertain parameters, too few samples, or an unknown method.
    """
    uncertainty = getattr(model, "uncertainty", None)
    if uncertainty is None or not len(uncertainty):
        name = getattr(model, "name", "") or "the model"
        raise UserInputError(f"{name} has no uncertain parameter: give one as a distribution, e.g. s = {{ uniform = [1, 3] }}")
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)):
        raise UserInputError(f"samples must be a whole number, got {samples!r}")
    derivation = derive(model, rest_points=False)
    values, groups = _sample(model, int(samples), seed, method)
    stable, undefined = corner_stability(model, values, derivation=derivation)
    interval = "qmc" if groups is not None else "wilson"
    estimates = [probability(stable[:, j], method=interval, groups=groups, confidence=confidence) for j in range(stable.shape[1])]
    indices: list[dict[str, SobolIndex]] = [{} for _ in derivation.corners]
    names = list(uncertainty.names)
    note = ""
    if not sobol:
        note = "not computed"
    elif uncertainty.pairs:
        note = "Sobol' indices assume independent parameters; this model correlates some"
    else:
        n = _base_sample(int(samples), len(names))
        ppf = {q.name: q.distribution.ppf for q in uncertainty.quantities}
        cache: list[tuple[dict[str, np.ndarray], np.ndarray]] = []

        def indicator(j: int) -> Any:
            # The same seed and base sample give every corner the same design: evaluate it once.
            def f(v: Mapping[str, np.ndarray]) -> np.ndarray:
                if not (cache and all(np.array_equal(cache[0][0][k], v[k]) for k in names)):
                    cache[:] = [({k: np.asarray(v[k]) for k in names}, corner_stability(model, v, derivation=derivation)[0])]
                return cache[0][1][:, j].astype(float)

            return f

        for j in range(len(derivation.corners)):
            if 0 < estimates[j].p < 1:
                found = sobol_indices(indicator(j), names, ppf, n=n, seed=seed)
                if any(math.isfinite(i.ST) for i in found.values()):
                    indices[j] = found
        note = f"Saltelli design, base sample {n} ({n * (len(names) + 2)} evaluations), bootstrap intervals"
    corners = []
    for j, c in enumerate(derivation.corners):
        label = "/".join(model.strategies[k][i] for k, i in enumerate(c.profile))
        corners.append(CornerRobustness(tuple(c.corner), tuple(c.profile), label, c.verdict, estimates[j], int(undefined[:, j].sum()), indices[j]))
    laws = {q.name: q.distribution.describe() for q in uncertainty.quantities}
    return ModelRobustness(len(stable), seed, method, laws, tuple(corners), note)
