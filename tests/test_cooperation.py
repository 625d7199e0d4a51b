"""solver.stability: the cooperation report of DESIGN §5."""

import numpy as np
import pytest
from hypothesis import given

from games import Game, chicken, harmony, prisoners_dilemma, stag_hunt, stage_game
from solver import LEVELS, stability
from solver.basin import basin_of_cooperation
from tests.strategies import bimatrix_games, stage_games


@pytest.mark.parametrize(
    ("game", "level", "flags"),
    [
        # (nash, strict, unique, dominant, risk_dominant)
        (prisoners_dilemma(), "none", (False, False, False, False, False)),
        (harmony(), "dominant", (True, True, True, True, True)),
        (stag_hunt(R=5, T=3, P=2, S=1), "risk-dominant", (True, True, False, False, True)),
        (stag_hunt(R=4, T=3, P=2, S=0), "strict", (True, True, False, False, False)),
        (chicken(), "none", (False, False, False, False, False)),
        # R = T: (C, C) is a weak equilibrium (the deviation to D ties).
        (stage_game({"R": 3, "S": 0, "T": 3, "P": 1}), "weak", (True, False, False, False, False)),
        # Row: C strictly dominant (harmony); column: a stag hunt. (C, C) is the unique
        # equilibrium, strict, but the column's C is not dominant.
        (
            stage_game({"R": 4, "S": 2, "T": 3, "P": 1}, {"R": 4, "S": 0, "T": 3, "P": 2}),
            "unique",
            (True, True, True, False, True),
        ),
    ],
)
def test_levels_of_textbook_games(game, level, flags):
    report = stability(game, basin=False)
    assert report.level == level
    assert (report.nash, report.strict, report.unique, report.dominant, report.risk_dominant) == flags


@pytest.mark.parametrize(
    ("R", "S", "T", "P", "risk_dominant"),
    [
        # Harsanyi–Selten: in a symmetric stag hunt (C, C) is risk dominant iff R + S > T + P.
        (5, 1, 3, 2, True),
        (4, 0, 3, 2, False),
        (6, 0, 4, 1, True),
        (6, 0, 5, 2, False),
    ],
)
def test_stag_hunt_risk_dominance_switch(R, S, T, P, risk_dominant):
    assert stability(stag_hunt(R=R, T=T, P=P, S=S), basin=False).risk_dominant is risk_dominant


def test_stag_hunt_risk_dominance_tie_is_reported():
    report = stability(stag_hunt(R=5, T=3, P=2, S=0), basin=False)  # R + S = T + P
    assert not report.risk_dominant
    assert any("exact tie" in n for n in report.notes)


def test_asymmetric_risk_dominance():
    # DESIGN §4: compare (R_A − T_A)(R_B − T_B) with (P_A − S_A)(P_B − S_B): 2·1 > 1·1.
    g = stage_game({"R": 5, "S": 0, "T": 3, "P": 1}, {"R": 4, "S": 0, "T": 3, "P": 1})
    assert stability(g, basin=False).risk_dominant
    g = stage_game({"R": 4, "S": 0, "T": 3, "P": 3}, {"R": 4, "S": 0, "T": 3, "P": 1})  # 1·1 < 3·1
    assert not stability(g, basin=False).risk_dominant


def test_path_equivalent_deviations_do_not_break_strictness():
    # Strategies 0 and 1 of the row player earn the same with the same cooperation against
    # column strategy 0 (as TFT and Grim do against Grim), so (0, 0) is strict up to equivalence.
    # Rows: Grim, TFT, AllD; columns: Grim, AllD (payoffs of a repeated game, rounded).
    a = [[3, 0.5], [3, 0.5], [2, 1]]
    b = [[3, 2], [3, 2], [0.5, 1]]
    coop = [[1, 0], [1, 0], [0, 0]]
    report = stability(Game(a, b, cooperation=coop), basin=False)
    assert report.strict
    assert any("path-equivalent" in n for n in report.notes)


def test_json_shape():
    d = stability(prisoners_dilemma()).to_dict()
    assert set(d["cooperation"]) == {"nash", "strict", "unique", "dominant", "risk_dominant", "basin", "level"}
    assert d["equilibria"] == [{"row": [0.0, 1.0], "col": [0.0, 1.0], "payoffs": [1.0, 1.0]}]


@given(bimatrix_games(max_size=3))
def test_level_is_consistent_with_the_fields(game):
    r = stability(game, basin=False)
    assert r.level in LEVELS
    expected = next(name for name, flag in zip(LEVELS, (r.dominant, r.unique and r.nash, r.risk_dominant, r.strict, r.nash, True)) if flag)
    assert r.level == expected
    assert not r.dominant or (r.strict and r.unique)
    assert not r.risk_dominant or r.strict
    assert not r.strict or r.nash
    assert r.nash == any(e.cooperation >= 1 - 1e-9 for e in r.equilibria)  # default mask: cooperation = 1


@given(stage_games())
def test_level_does_not_depend_on_player_order(game):
    assert stability(game, basin=False).level == stability(game.swap(), basin=False).level


class TestBasin:
    def test_separatrix_agrees_with_nashpy_replicator_dynamics(self):
        # Cross-check against nashpy's own asymmetric replicator dynamics (odeint in the
        # original coordinates): from every start of a 9 × 9 grid, the end is (C, C) exactly
        # when the start lies in the exact basin's region (starts within 0.01 of the
        # separatrix, where a finite run cannot decide, are skipped).
        from matplotlib.path import Path

        game = stag_hunt(R=4, T=3, P=2, S=0)
        region = basin_of_cooperation(game).region
        scale = np.ptp(game.row_payoffs)
        nash_game = Game(game.row_payoffs / scale, game.col_payoffs / scale).to_nashpy()
        checked = 0
        for x in np.arange(1, 10) / 10:
            for y in np.arange(1, 10) / 10:
                if np.min(np.hypot(region[:-1, 0] - x, region[:-1, 1] - y)) < 0.01:
                    continue
                xs, ys = nash_game.asymmetric_replicator_dynamics(x0=[x, 1 - x], y0=[y, 1 - y], timepoints=np.linspace(0, 200, 2001))
                assert (xs[-1][0] * ys[-1][0] >= 0.99) == Path(region).contains_point((x, y)), (x, y)
                checked += 1
        assert checked >= 70

    def test_extremes(self):
        # Issue 11: no basin without a strict cooperative equilibrium (it was 0.0 for the PD).
        assert basin_of_cooperation(harmony()).value == 1.0
        assert basin_of_cooperation(prisoners_dilemma()).value is None
        # In a stag hunt the basin grows as (C, C) becomes risk dominant.
        assert basin_of_cooperation(stag_hunt(R=6, T=3, P=2, S=1)).value > basin_of_cooperation(stag_hunt(R=4, T=3, P=2, S=1)).value
