"""Games between local governments: the two-player stage games and their builders.

Public API
----------
:class:`Game`
    A two-player normal-form game: payoff matrices, player names, strategy labels and the
    cooperation matrix (docs/models.md). Immutable; ``to_nashpy()`` converts it.
:class:`StagePayoffs`, :func:`stage_game`, :func:`stage_payoffs`
    A 2×2 stage game from each government's R, S, T, P, and back.
:func:`prisoners_dilemma`, :func:`stag_hunt`, :func:`chicken`, :func:`harmony`, :func:`donation_game`
    Textbook games; each checks its defining inequalities and names the one that fails.
:func:`game_type`
    Harmony, prisoner's dilemma, stag hunt or chicken, from the incentive gaps.
:class:`ClusterEconomics`, :func:`cluster_payoffs`, :func:`cluster_game`
    The cluster payoff model: synergy b, cost c, poaching gain g, loss l, waste w → R, S, T, P.
:class:`HigherLevelGuidance`, :class:`BindingContract`, :class:`ThirdPartyOrganization`,
:class:`SidePayment`, :class:`RepeatedPlay`
    Coordination mechanisms (docs/models.md), frozen dataclasses with validated parameters;
    :func:`apply` transforms a game with a stack of them, :func:`accounting` gives the
    :class:`Ledger` of who pays whom; :func:`mechanism_from_dict` builds one by kind name.
:class:`Automaton`, :data:`STANDARD` (AllC, AllD, Grim, TFT, WSLS), :func:`induced_game`, :func:`grim_trigger_threshold`
    Repeated play: the exact induced normal form of an infinitely repeated stage game.
:func:`contract_game`
    The signing stage of a voluntary binding contract.
:func:`read_nfg`, :func:`write_nfg`, :class:`NfgError`
    Gambit strategic-form (.nfg) files: read both versions, write the payoff version.
:class:`UserInputError`
    The error for input a user supplied (a file, a command-line value, an argument): one line
    naming the file, the entry and the field. A ``ValueError``; every reader's error
    (:class:`NfgError`, :class:`ModelError`, :class:`regions.ScenarioError`…) is one. The command
    line exits with status 2 on it, and with 1 (an internal error) on anything else.
:class:`ThreeParty`
    The three-party evolutionary game of two local governments and their superior (docs/models.md).
:class:`Model`, :class:`Parameter`, :class:`ModelError`, :func:`builtin_model`, :func:`builtin_models`
    A researcher's evolutionary model from a TOML file or Python: populations, strategies,
    exact parameters and a symbolic payoff table read safely (docs/models.md, "Model files");
    ``three-party`` and ``three-party-dynamic`` are bundled.

Examples
--------
>>> from games import prisoners_dilemma, game_type
>>> game_type(prisoners_dilemma(T=5, R=3, P=1, S=0))
"prisoner's dilemma"
"""

from .cluster import ClusterEconomics, cluster_game, cluster_payoffs
from .contract import contract_game
from .errors import UserInputError
from .game import Game
from .mechanisms import (
    MECHANISMS,
    BindingContract,
    HigherLevelGuidance,
    Ledger,
    Mechanism,
    RepeatedPlay,
    SidePayment,
    ThirdPartyOrganization,
    accounting,
    apply,
    mechanism_from_dict,
)
from .nfg import NfgError, read_nfg, write_nfg
from .repeated import ALLC, ALLD, GRIM, STANDARD, TFT, WSLS, Automaton, discounted_outcomes, grim_trigger_threshold, induced_game
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
from .threeparty import ThreeParty

#: Names loaded on first use: games.model imports sympy, which takes a noticeable time to load.
_FROM_MODEL = ("Model", "ModelError", "Parameter", "builtin_model", "builtin_models")


def __getattr__(name: str) -> object:
    if name in _FROM_MODEL:
        from . import model

        return getattr(model, name)
    raise AttributeError(f"module 'games' has no attribute {name!r}")


__all__ = [
    "ALLC",
    "ALLD",
    "GRIM",
    "MECHANISMS",
    "STANDARD",
    "TFT",
    "WSLS",
    "Automaton",
    "BindingContract",
    "ClusterEconomics",
    "Game",
    "HigherLevelGuidance",
    "Ledger",
    "Mechanism",
    "Model",
    "ModelError",
    "NfgError",
    "Parameter",
    "RepeatedPlay",
    "SidePayment",
    "StagePayoffs",
    "ThirdPartyOrganization",
    "ThreeParty",
    "UserInputError",
    "accounting",
    "apply",
    "builtin_model",
    "builtin_models",
    "chicken",
    "cluster_game",
    "cluster_payoffs",
    "contract_game",
    "discounted_outcomes",
    "donation_game",
    "game_type",
    "grim_trigger_threshold",
    "harmony",
    "induced_game",
    "mechanism_from_dict",
    "prisoners_dilemma",
    "read_nfg",
    "stag_hunt",
    "stage_game",
    "stage_payoffs",
    "write_nfg",
]
