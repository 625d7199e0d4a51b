"""Sensitivity of K-population dynamics: trajectories as one parameter steps over a range, and
from a set of initial willingness levels — the two figures every three-party paper prints.

The horizon is chosen from the dynamics, not fixed: each run is integrated over a horizon that
doubles (from :data:`T_START`) until it has converged to a stable rest point or is cycling, up
to ``t_max``; every run of the comparison is then integrated over one common horizon, the
latest time a converged run came within ``rest_tol`` of its end point for good, times
:data:`MARGIN`. A run that cycles, or is still unsettled at ``t_max``, keeps the longest
horizon tried and its outcome, which the figure prints beside it
(:func:`solver.plots.sensitivity_panels`). A fixed ``t_end=50`` cut runs near a threshold
before they settled.

>>> from games import ThreeParty
>>> runs = parameter_sensitivity(ThreeParty(), "subsidy", [0.5, 1.1, 3.0], start=(0.3, 0.3, 0.5))
>>> [label for label, _ in runs], [r.outcome for _, r in runs]
(['subsidy = 0.5', 'subsidy = 1.1', 'subsidy = 3'], ['converged', 'converged', 'converged'])
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from games.errors import UserInputError

from .replicator import Model, Trajectory, trajectory

__all__ = ["MARGIN", "T_MAX", "T_START", "initial_sensitivity", "parameter_sensitivity", "settling_time"]

#: The first horizon tried.
T_START = 50.0
#: The longest horizon tried.
T_MAX = 12800.0
#: The common horizon is the latest settling time times this (the rest is seen to be rest).
MARGIN = 1.25


def settling_time(run: Trajectory, rest_tol: float = 1e-3) -> float | None:
    """The time after which a converged run stays within ``rest_tol`` (max-norm) of its end
    point; None for a run that did not converge.

    >>> from games import ThreeParty
    >>> r = trajectory(ThreeParty(), (0.3, 0.3, 0.5), 200)
    >>> 5 < settling_time(r) < 20
    True
    """
    if not run.converged or run.final is None:
        return None
    away = np.flatnonzero(np.max(np.abs(run.states - np.asarray(run.final)), axis=1) > rest_tol)
    if not len(away):
        return float(run.t[0])
    return float(run.t[min(away[-1] + 1, len(run.t) - 1)])


def _nice_ceiling(t: float) -> float:
    """The least of 1, 2, 2.5, 5 times a power of ten that is ≥ t (a horizon ticks end on).

    >>> _nice_ceiling(16.3), _nice_ceiling(200.5), _nice_ceiling(0.3)
    (20.0, 250.0, 1.0)
    """
    t = max(t, 1.0)
    power = 10.0 ** np.floor(np.log10(t))
    return float(next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= t * (1 - 1e-12)))


def _settled_run(model: Model, start: Sequence[float], t_max: float) -> Trajectory:
    """A run over a doubling horizon until it converges or cycles (or ``t_max`` is reached)."""
    horizon = min(T_START, t_max)
    while True:
        run = trajectory(model, start, horizon)
        if run.outcome != "not settled" or horizon >= t_max:
            return run
        horizon = min(2 * horizon, t_max)


def _runs(cases: list[tuple[str, Model, Sequence[float]]], t_end: float | None, t_max: float) -> list[tuple[str, Trajectory]]:
    if t_end is not None:
        return [(label, trajectory(model, start, t_end)) for label, model, start in cases]
    first = [_settled_run(model, start, t_max) for _, model, start in cases]
    times = [settling_time(r) for r in first]
    settled = [t for t in times if t is not None]
    if not settled:
        return [(label, r) for (label, _, _), r in zip(cases, first)]
    # One horizon for the runs that converged, so they are compared over the same span; a run
    # that cycles or did not settle keeps the longest horizon tried, which its outcome names.
    horizon = _nice_ceiling(MARGIN * max(settled))
    return [(label, trajectory(model, start, horizon) if t is not None else r) for (label, model, start), r, t in zip(cases, first, times)]


def parameter_sensitivity(
    model: Model,
    parameter: str,
    values: Sequence[float],
    start: Sequence[float] = (0.5, 0.5, 0.5),
    t_end: float | None = None,
    *,
    t_max: float = T_MAX,
) -> list[tuple[str, Trajectory]]:
    """One trajectory per value of a model parameter (a frozen-dataclass field), same start.

    Parameters
    ----------
    model : Model
    parameter : str
        A field of the model's dataclass.
    values : sequence of float
    start : sequence of float
    t_end : float, optional
        A fixed horizon; by default it is chosen from the dynamics (see the module notes).
    t_max : float
        The longest horizon tried when choosing it.

    Raises
    ------
    UserInputError
        If the model has no such parameter.
    """
    if not hasattr(model, parameter):
        raise UserInputError(f"{type(model).__name__} has no parameter {parameter!r}")
    cases = [(f"{parameter} = {v:g}", replace(model, **{parameter: v}), start) for v in values]  # type: ignore[type-var]
    return _runs(cases, t_end, t_max)


def initial_sensitivity(model: Model, starts: Sequence[Sequence[float]], t_end: float | None = None, *, t_max: float = T_MAX) -> list[tuple[str, Trajectory]]:
    """One trajectory per initial state (the initial willingness to cooperate and supervise);
    the horizon as in :func:`parameter_sensitivity`."""
    return _runs([("(" + ", ".join(f"{v:g}" for v in s) + ")", model, s) for s in starts], t_end, t_max)
