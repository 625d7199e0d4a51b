"""Games between local governments: the two-player stage games and their builders.

Public API
----------
:class:`Game`
    A two-player normal-form game: payoff matrices, player names, strategy labels and the
    cooperation matrix (DESIGN §3). Immutable; ``to_nashpy()`` converts it.
:class:`StagePayoffs`, :func:`stage_game`, :func:`stage_payoffs`
    A 2×2 stage game from each government's R, S, T, P, and back.
:func:`prisoners_dilemma`, :func:`stag_hunt`, :func:`chicken`, :func:`harmony`, :func:`donation_game`
    Textbook games; each checks its defining inequalities and names the one that fails.
:func:`game_type`
    Harmony, prisoner's dilemma, stag hunt or chicken, from the incentive gaps.
:class:`ClusterEconomics`, :func:`cluster_payoffs`, :func:`cluster_game`
    The cluster payoff model: synergy b, cost c, poaching gain g, loss l, waste w → R, S, T, P.

Examples
--------
>>> from games import prisoners_dilemma, game_type
>>> game_type(prisoners_dilemma(T=5, R=3, P=1, S=0))
"prisoner's dilemma"
"""

from .cluster import ClusterEconomics, cluster_game, cluster_payoffs
from .game import Game
from .stage import (
    StagePayoffs,
    chicken,
    donation_game,
    game_type,
    harmony,
    prisoners_dilemma,
    stag_hunt,
    stage_game,
    stage_payoffs,
)

__all__ = [
    "ClusterEconomics",
    "Game",
    "StagePayoffs",
    "chicken",
    "cluster_game",
    "cluster_payoffs",
    "donation_game",
    "game_type",
    "harmony",
    "prisoners_dilemma",
    "stag_hunt",
    "stage_game",
    "stage_payoffs",
]
