"""Sensitivity of K-population dynamics: trajectories as one parameter steps over a range, and
from a set of initial willingness levels — the two figures every three-party paper prints.

>>> from games import ThreeParty
>>> runs = parameter_sensitivity(ThreeParty(), "subsidy", [0.5, 1.5, 3.0], start=(0.5, 0.5, 0.5), t_end=50)
>>> [label for label, _ in runs]
['subsidy = 0.5', 'subsidy = 1.5', 'subsidy = 3']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from .replicator import Model, Trajectory, trajectory

__all__ = ["initial_sensitivity", "parameter_sensitivity"]


def parameter_sensitivity(
    model: Model, parameter: str, values: Sequence[float], start: Sequence[float] = (0.5, 0.5, 0.5), t_end: float = 50.0
) -> list[tuple[str, Trajectory]]:
    """One trajectory per value of a model parameter (a frozen-dataclass field), same start."""
    if not hasattr(model, parameter):
        raise ValueError(f"{type(model).__name__} has no parameter {parameter!r}")
    return [(f"{parameter} = {v:g}", trajectory(replace(model, **{parameter: v}), start, t_end)) for v in values]  # type: ignore[type-var]


def initial_sensitivity(model: Model, starts: Sequence[Sequence[float]], t_end: float = 50.0) -> list[tuple[str, Trajectory]]:
    """One trajectory per initial state (the initial willingness to cooperate and supervise)."""
    return [("(" + ", ".join(f"{v:g}" for v in s) + ")", trajectory(model, s, t_end)) for s in starts]
