"""solver.kernels.fast2x2: the vectorized 2×2 path returns what the nashpy path returns."""

import numpy as np
import pytest

from games import Game, chicken, donation_game, harmony, prisoners_dilemma, stag_hunt, stage_game
from solver import stability
from solver.kernels.fast2x2 import solve_2x2, stack_games


def agree(games):
    A, B = stack_games(games)
    fast = solve_2x2(A, B)
    for k, game in enumerate(games):
        report = stability(game, basin=False)  # nashpy, verified and completed exactly
        expected = [(e.row[0], e.col[0]) for e in report.equilibria]
        got = [(fast.p[k, i], fast.q[k, i]) for i in range(fast.count[k])]
        assert len(got) == len(expected), (game, expected, got)
        assert np.allclose(got, expected, atol=1e-9), (game, expected, got)
        assert np.allclose(fast.payoffs[k, : fast.count[k]], [e.payoffs for e in report.equilibria], atol=1e-9)
        assert (fast.degenerate[k], fast.continuum[k]) == (report.equilibria.degenerate, report.equilibria.continuum), game
        fields = (report.nash, report.strict, report.unique, report.dominant, report.risk_dominant, report.level)
        assert (fast.nash[k], fast.strict[k], fast.unique[k], fast.dominant[k], fast.risk_dominant[k], fast.level[k]) == fields, game


def test_ten_thousand_random_games_a_quarter_with_ties():
    rng = np.random.default_rng(20261124)
    games = []
    for k in range(10_000):
        high = 3 if k % 4 == 0 else 1000  # payoffs 0–2: many ties, degenerate games, continua
        games.append(Game(rng.integers(0, high, (2, 2)), rng.integers(0, high, (2, 2))))
    agree(games)
    A, B = stack_games(games)
    r = solve_2x2(A, B)
    assert r.degenerate[::4].mean() > 0.5 and r.continuum[::4].any()  # the tie games are exercised


TEXTBOOK = [
    prisoners_dilemma(),
    prisoners_dilemma(T=4, R=3, P=0, S=-1, col={"T": 6, "R": 2, "P": 1, "S": -2}),
    stag_hunt(R=4, T=3, P=2, S=0),
    stag_hunt(R=5, T=3, P=2, S=1),
    stag_hunt(R=5, T=3, P=2, S=0),  # risk-dominance tie
    chicken(),
    harmony(),
    donation_game(3, 1),
    Game([[1, -1], [-1, 1]], [[-1, 1], [1, -1]]),  # matching pennies
    Game([[1, 1], [0, 1]], [[1, 0], [1, 1]]),  # degenerate
    Game(np.zeros((2, 2)), np.zeros((2, 2))),  # every profile an equilibrium
    stage_game({"R": 3, "S": 0, "T": 3, "P": 1}),  # weak
    stage_game({"R": 4, "S": 2, "T": 3, "P": 1}, {"R": 4, "S": 0, "T": 3, "P": 2}),  # unique
    Game([[0.1 + 0.2, 0], [0.3, 1]], [[1, 0], [0, 1]]),  # a float tie
]


@pytest.mark.parametrize("game", TEXTBOOK, ids=range(len(TEXTBOOK)))
def test_textbook_games(game):
    agree([game])


def test_single_game_shapes():
    r = solve_2x2([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    assert r.count.tolist() == [1] and r.level.tolist() == ["none"]
    assert (r.p[0, 0], r.q[0, 0]) == (0.0, 0.0) and np.isnan(r.p[0, 1])
