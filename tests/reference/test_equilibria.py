"""Equilibrium sets against Gambit's exact enumeration (pygambit ``enummixed``, rational).

Reference: Gambit 17's ``enummixed_solve(rational=True)`` lists the extreme equilibria of a
bimatrix game by its own vertex enumeration (lrslib-style), a different implementation from
ours (nashpy candidates + our fraction-free enumeration). Hypothesis draws games up to 4×4
with payoffs −3…3, so ties, degenerate games and continua are common. Tolerance 1e-9 on the
probabilities: both sides are exact rationals printed as floats.
"""

import numpy as np
import pygambit as gbt
from hypothesis import given, settings
from strategies import bimatrix_games, small_ints

from games import Game
from solver import equilibria


def _gambit(game: Game) -> list[tuple[tuple[float, ...], tuple[float, ...]]]:
    g = gbt.StrategicGame.from_arrays(game.row_payoffs.astype(int).tolist(), game.col_payoffs.astype(int).tolist())
    result = gbt.nash.enummixed_solve(g, rational=True)
    found = [tuple(tuple(float(v) for _, v in eq[p]) for p in g.players) for eq in result.equilibria]
    return list(dict.fromkeys(found))


@settings(max_examples=150)
@given(bimatrix_games(max_size=4, values=small_ints.filter(lambda v: -3 <= v <= 3)))
def test_extreme_equilibria_equal_gambits(game):
    theirs = _gambit(game)
    ours = [(e.row, e.col) for e in equilibria(game)]
    assert len(ours) == len(theirs), (game.row_payoffs.tolist(), game.col_payoffs.tolist(), theirs, ours)
    for x, y in theirs:
        assert any(np.allclose(x, u, atol=1e-9) and np.allclose(y, v, atol=1e-9) for u, v in ours)
