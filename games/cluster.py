"""The cluster payoff model: economic parameters of a shared industrial cluster → stage game.

For each local government (docs/models.md):

========  ==========================================================
``b``     synergy benefit when both cooperate (joint planning, shared suppliers)
``c``     cost of cooperating (coordination, foregone local protection)
``g``     poaching gain when it defects against a cooperator
``l``     loss when it cooperates against a defector (beyond c)
``w``     waste of a mutual subsidy race
========  ==========================================================

and the stage payoffs are R = b − c, S = −c − l, T = g, P = −w. All five parameters are
non-negative. The model makes no promise about the game's type: with g > b − c and w < c + l
it is a prisoner's dilemma (see :func:`games.game_type`).

Examples
--------
>>> from games import cluster_game, game_type
>>> g = cluster_game(b=5, c=2, g=4, l=1, w=0.5)
>>> g.row_payoffs.tolist()
[[3.0, -3.0], [4.0, -0.5]]
>>> game_type(g)
"prisoner's dilemma"
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

from .errors import UserInputError
from .game import Game
from .stage import StagePayoffs, stage_game

__all__ = ["ClusterEconomics", "cluster_game", "cluster_payoffs"]


class ClusterEconomics(NamedTuple):
    """One government's cluster economics: synergy b, cost c, poaching gain g, loss l, waste w."""

    b: float
    c: float
    g: float
    l: float
    w: float


def _as_economics(values: ClusterEconomics | Mapping[str, float], who: str) -> ClusterEconomics:
    if isinstance(values, Mapping):
        keys = set(values)
        if keys != set("bcglw"):
            raise UserInputError(
                f"{who}'s cluster economics need exactly b, c, g, l, w (missing {sorted(set('bcglw') - keys)}, unknown {sorted(keys - set('bcglw'))})"
            )
        values = ClusterEconomics(**{k: values[k] for k in "bcglw"})
    for key, value in values._asdict().items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise UserInputError(f"{who}'s cluster parameter {key} must be a finite number, got {value!r}")
        if value < 0:
            raise UserInputError(f"{who}'s cluster parameter {key} must be ≥ 0, got {value:g}")
    return ClusterEconomics(*(float(v) for v in values))


def cluster_payoffs(economics: ClusterEconomics | Mapping[str, float]) -> StagePayoffs:
    """R, S, T, P of one government from its cluster economics.

    Examples
    --------
    >>> cluster_payoffs({"b": 4, "c": 1, "g": 4, "l": 0, "w": 0})
    StagePayoffs(R=3.0, S=-1.0, T=4.0, P=0.0)
    """
    e = _as_economics(economics, "the government")
    return StagePayoffs(R=e.b - e.c, S=0.0 - e.c - e.l, T=e.g, P=0.0 - e.w)


def cluster_game(
    b: float | None = None,
    c: float | None = None,
    g: float | None = None,
    l: float | None = None,
    w: float | None = None,
    *,
    row: ClusterEconomics | Mapping[str, float] | None = None,
    col: ClusterEconomics | Mapping[str, float] | None = None,
    players: tuple[str, str] = ("row", "col"),
    name: str = "cluster game",
) -> Game:
    """The stage game of a cluster link from each government's economics.

    Give either the five parameters (both governments alike) or ``row=`` and ``col=``
    mappings (asymmetric regions).

    Raises
    ------
    UserInputError
        If a parameter is missing, negative or not a finite number (named in the message).

    Examples
    --------
    >>> g = cluster_game(row={"b": 6, "c": 2, "g": 5, "l": 1, "w": 1},
    ...                  col={"b": 4, "c": 2, "g": 3, "l": 1, "w": 0})
    >>> g.col_payoffs.tolist()
    [[2.0, 3.0], [-3.0, 0.0]]
    """
    scalars = (b, c, g, l, w)
    if row is None:
        if any(v is None for v in scalars):
            names = [n for n, v in zip("bcglw", scalars) if v is None]
            raise UserInputError(f"cluster game needs b, c, g, l, w (missing {names}) or row=/col=")
        row = ClusterEconomics(*scalars)  # type: ignore[arg-type]
    elif any(v is not None for v in scalars):
        raise UserInputError("give either b, c, g, l, w or row=/col=, not both")
    r = cluster_payoffs(_as_economics(row, "row government"))
    k = cluster_payoffs(_as_economics(col, "column government")) if col is not None else r
    return stage_game(r, k, players=players, name=name)
