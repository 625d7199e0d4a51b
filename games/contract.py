"""The contract game: whether a voluntary binding agreement is both signed and kept (docs/models.md).

Each government chooses *sign and comply* (plays C), *sign and breach* (plays D) or *stay out*
(plays D). The contract binds only when both sign: then the contract-transformed stage game
gives the payoffs. Otherwise the bare stage game does, each signer still pays its signing cost
k, and nobody is bound: signatures are public before play, so a signer whose partner stayed
out plays the bare game's D like everyone else (the reading under which the design's
participation condition holds). In a symmetric prisoner's dilemma the agreement is signed and
kept in equilibrium iff the contract deters breach (e·L ≥ T − R) and participation pays
(R − k ≥ P).

Examples
--------
>>> from games import prisoners_dilemma, BindingContract
>>> g = contract_game(prisoners_dilemma(T=5, R=3, P=1, S=0), BindingContract(breach_penalty=3, signing_cost=0.5))
>>> g.strategies[0]
('sign and comply', 'sign and breach', 'stay out')
>>> g.row_payoffs.tolist()
[[2.5, 2.5, 0.5], [1.5, 0.5, 0.5], [1.0, 1.0, 1.0]]
"""

from __future__ import annotations

import numpy as np

from .errors import UserInputError
from .game import Game
from .mechanisms import BindingContract, apply

__all__ = ["CONTRACT_STRATEGIES", "contract_game"]

CONTRACT_STRATEGIES = ("sign and comply", "sign and breach", "stay out")
_ACTION = (0, 1, 1)  # the stage action of each choice
_SIGNS = (True, True, False)


def contract_game(stage: Game, contract: BindingContract) -> Game:
    """The 3×3 signing game of a binding contract on a 2×2 stage game.

    Parameters
    ----------
    stage : Game
        The bare 2×2 stage game (strategy 0 = C).
    contract : BindingContract
        The agreement offered.

    Returns
    -------
    Game
        Strategies ``sign and comply``, ``sign and breach``, ``stay out`` for both; the
        cooperation matrix is 1 only at (sign and comply, sign and comply).
    """
    if stage.shape != (2, 2):
        raise UserInputError(f"the contract game needs a 2×2 stage game, not {stage.shape}")
    bound = apply(stage, contract)
    a, b = np.zeros((3, 3)), np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            cell = (_ACTION[i], _ACTION[j])
            if _SIGNS[i] and _SIGNS[j]:
                a[i, j], b[i, j] = bound.row_payoffs[cell], bound.col_payoffs[cell]
            else:  # not bound: both play D
                a[i, j] = stage.row_payoffs[1, 1] - (contract.signing_cost if _SIGNS[i] else 0.0)
                b[i, j] = stage.col_payoffs[1, 1] - (contract.signing_cost if _SIGNS[j] else 0.0)
    coop = np.zeros((3, 3))
    coop[0, 0] = 1.0
    name = f"{stage.name or 'stage game'}: contract game ({contract.describe()})"
    return Game(a, b, players=stage.players, strategies=(CONTRACT_STRATEGIES, CONTRACT_STRATEGIES), cooperation=coop, name=name)
