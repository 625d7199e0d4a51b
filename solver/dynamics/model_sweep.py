"""One parameter of a model swept over values: each corner's verdict and the long-run shares.

For each value v of the parameter, :func:`sweep_model` judges every pure corner of the
two-strategy model (:mod:`solver.dynamics.derive`) — by substituting the values into the
corner eigenvalue expressions of one derivation, exactly where the values are rational — and
integrates the replicator dynamics (:class:`~solver.dynamics.derive.ModelDynamics`,
:func:`~solver.dynamics.replicator.trajectory`) from a few fixed interior starts to a fixed
time. ``changes`` lists where a corner's verdict differs between consecutive values: a
bifurcation lies between them (or at one of them, when the verdict there is
``inconclusive``). The faces draw it (:func:`solver.plots.model.sweep_figure`).

Examples
--------
>>> from games.model import Model
>>> m = Model(["A", "B"], [["C", "D"], ["C", "D"]], {"s": 0},
...           {("C", "C"): ["1 + s", "1 + s"], ("C", "D"): ["s - 1", 2],
...            ("D", "C"): [2, "s - 1"], ("D", "D"): [0, 0]})
>>> sw = sweep_model(m, "s", [0, 0.5, 1, 1.5, 2], t_end=50)
>>> [(c, lo, hi, a, b) for c, lo, hi, a, b in sw.changes if c == (1, 1)]
[((1, 1), 0.5, 1.0, 'unstable', 'inconclusive'), ((1, 1), 1.0, 1.5, 'inconclusive', 'stable')]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import sympy

from games.errors import UserInputError

from .corners import verdict
from .derive import ModelDynamics, derive
from .replicator import trajectory

__all__ = ["ModelSweep", "default_starts", "sweep_model"]


@dataclass(frozen=True)
class ModelSweep:
    """The result of :func:`sweep_model`.

    Attributes
    ----------
    parameter : str
        The swept parameter.
    values : numpy.ndarray, shape (n,)
        Its values, increasing as given.
    corners : tuple of tuple of int
        The 2^K pure corners, ``corner[k]`` = population k's share playing its first strategy.
    verdicts : numpy.ndarray of str, shape (n, 2^K)
        ``stable``, ``unstable``, ``saddle`` or ``inconclusive`` of each corner at each value.
    starts : tuple of tuple of float
        The s interior starts of the trajectories.
    final_shares : numpy.ndarray, shape (n, s, K)
        The shares at ``t_end`` from each start, at each value.
    changes : tuple
        ``(corner, value_before, value_after, verdict_before, verdict_after)`` for every pair of
        consecutive values between which a corner's verdict changes.
    t_end : float
        Integration time of each trajectory.
    """

    parameter: str
    values: np.ndarray
    corners: tuple[tuple[int, ...], ...]
    verdicts: np.ndarray
    starts: tuple[tuple[float, ...], ...]
    final_shares: np.ndarray
    changes: tuple[tuple[tuple[int, ...], float, float, str, str], ...]
    t_end: float


def default_starts(k: int) -> tuple[tuple[float, ...], ...]:
    """Four fixed interior starts in K dimensions: the diagonal at ¼, ½, ¾, and an alternating one.

    >>> default_starts(3)
    ((0.25, 0.25, 0.25), (0.5, 0.5, 0.5), (0.75, 0.75, 0.75), (0.3, 0.7, 0.3))
    """
    return ((0.25,) * k, (0.5,) * k, (0.75,) * k, tuple(0.3 if j % 2 == 0 else 0.7 for j in range(k)))


def _sign(value: Any) -> float:
    """Exact sign of a rational; otherwise the sign of a 30-digit evaluation (|x| ≤ 1e-9: 0)."""
    value = sympy.sympify(value)
    if value.is_Rational:
        return float(sympy.sign(value))
    number = complex(sympy.N(value, 30))
    if number != number:
        return float("nan")
    return float(np.sign(number.real)) if abs(number.real) > 1e-9 else 0.0


def _verdicts(expressions: list[tuple[sympy.Expr, ...]] | None, model: Any) -> list[str]:
    """Each corner's verdict at the model's values: from the given corner eigenvalue
    expressions where every corner has them, else from a fresh derivation."""
    if expressions is None:
        return [c.verdict for c in derive(model, rest_points=False).corners]
    values = model.values()
    out = []
    for exprs in expressions:
        signs = np.array([_sign(e.xreplace(values)) for e in exprs])
        out.append("inconclusive" if np.any(np.isnan(signs)) else verdict(signs))
    return out


def sweep_model(
    model: Any,
    name: str,
    values: npt.ArrayLike,
    *,
    starts: Sequence[Sequence[float]] | None = None,
    t_end: float = 200.0,
    points: int = 401,
) -> ModelSweep:
    """Sweep one parameter of a two-strategy model: corner verdicts and long-run shares.

    Parameters
    ----------
    model : games.model.Model
    name : str
        The parameter to sweep.
    values : array_like of float
        Its values (each read as the short decimal it spells, as ``--set`` does).
    starts : sequence of K-tuples, optional
        Interior starts of the trajectories; :func:`default_starts` by default.
    t_end : float
        Integration time of each trajectory.
    points : int
        Samples of each trajectory (the last one is the long-run share).

    Raises
    ------
    games.model.ModelError
        For an unknown parameter (with a did-you-mean) or a value at which a payoff is undefined.
    ValueError
        For no values, a value that is not finite, a start outside the open unit cube, or a
        population with other than two strategies.
    """
    grid = np.asarray(values, dtype=float).ravel()
    if grid.size == 0:
        raise UserInputError(f"sweep of {name!r}: no values")
    if not np.all(np.isfinite(grid)):
        raise UserInputError(f"sweep of {name!r}: values must be finite numbers")
    k = len(model.populations)
    models = [model.with_values(**{name: float(v)}) for v in grid]  # validates the name and values
    grid = np.array([float(m.parameters[name].value) for m in models])  # 1.2, not linspace's 1.2000000000000002
    derivation = derive(model, rest_points=False)
    corners = tuple(c.corner for c in derivation.corners)
    expressions = None
    if all(c.eigenvalue_expressions for c in derivation.corners):
        expressions = [c.eigenvalue_expressions for c in derivation.corners]
    chosen = tuple(tuple(float(x) for x in s) for s in (starts if starts is not None else default_starts(k)))
    verdicts = np.empty((grid.size, len(corners)), dtype=object)
    final = np.empty((grid.size, len(chosen), k))
    for i, m in enumerate(models):
        verdicts[i] = _verdicts(expressions, m)
        dynamics = ModelDynamics(m, derivation.payoff_differences)
        for j, start in enumerate(chosen):
            final[i, j] = trajectory(dynamics, start, t_end, points=points).states[-1]
    verdicts = verdicts.astype(str)
    changes = tuple(
        (corner, float(grid[i]), float(grid[i + 1]), str(verdicts[i, c]), str(verdicts[i + 1, c]))
        for c, corner in enumerate(corners)
        for i in range(grid.size - 1)
        if verdicts[i, c] != verdicts[i + 1, c]
    )
    return ModelSweep(name, grid, corners, verdicts, chosen, final, changes, float(t_end))
