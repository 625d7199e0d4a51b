"""games.Game, the textbook constructors, the cluster model and game types."""

import numpy as np
import pytest
from hypothesis import given

from games import (
    Game,
    StagePayoffs,
    chicken,
    cluster_game,
    cluster_payoffs,
    donation_game,
    game_type,
    harmony,
    prisoners_dilemma,
    stag_hunt,
    stage_game,
    stage_payoffs,
)
from tests.strategies import pd_payoffs, stage_games


class TestGame:
    def test_fields_and_defaults(self):
        g = Game([[3, 0], [5, 1]], [[3, 5], [0, 1]])
        assert g.shape == (2, 2)
        assert g.players == ("row", "col")
        assert g.strategies == (("C", "D"), ("C", "D"))
        np.testing.assert_array_equal(g.cooperation, [[1, 0], [0, 0]])
        assert g.payoff((1, 0)) == (5.0, 0.0)

    def test_immutable(self):
        g = Game([[1, 2]], [[3, 4]])
        with pytest.raises(ValueError):
            g.row_payoffs[0, 0] = 9
        with pytest.raises(AttributeError):
            g.name = "x"

    def test_copies_input(self):
        a = np.array([[1.0, 2.0]])
        g = Game(a, a)
        a[0, 0] = 7
        assert g.row_payoffs[0, 0] == 1

    def test_one_by_one_and_labels(self):
        g = Game([[1]], [[2]], strategies=(["only"], ["one"]))
        assert g.strategies == (("only",), ("one",))
        assert Game([[1, 2, 3]], [[1, 2, 3]]).strategies[1] == ("s0", "s1", "s2")

    @pytest.mark.parametrize(
        ("a", "b", "match"),
        [
            ([[1, 2]], [[1, 2], [3, 4]], "differ in shape"),
            ([1, 2], [1, 2], "2-dimensional"),
            (np.zeros((0, 2)), np.zeros((0, 2)), "at least 1×1"),
            ([[np.nan, 1]], [[1, 1]], "finite"),
            ([[np.inf, 1]], [[1, 1]], "finite"),
            ([["a", 1]], [[1, 1]], "matrix of numbers"),
        ],
    )
    def test_rejects_bad_matrices(self, a, b, match):
        with pytest.raises(ValueError, match=match):
            Game(a, b)

    def test_rejects_bad_labels_and_cooperation(self):
        with pytest.raises(ValueError, match="2 strategies but 3 labels"):
            Game([[1, 2], [3, 4]], [[1, 2], [3, 4]], strategies=(("a", "b", "c"), ("a", "b")))
        with pytest.raises(ValueError, match="distinct"):
            Game([[1, 2], [3, 4]], [[1, 2], [3, 4]], strategies=(("a", "a"), ("a", "b")))
        with pytest.raises(ValueError, match=r"\[0, 1\]"):
            Game([[1]], [[1]], cooperation=[[2]])

    def test_swap_and_equality(self):
        g = prisoners_dilemma(4, 3, 0, -1, col={"T": 6, "R": 2, "P": 1, "S": -2}, players=("A", "B"))
        s = g.swap()
        assert s.players == ("B", "A")
        np.testing.assert_array_equal(s.row_payoffs, g.col_payoffs.T)
        assert s.swap() == g
        assert hash(s.swap()) == hash(g)
        assert g.replace(name="other") != g

    def test_to_nashpy(self):
        g = Game([[3, 0], [5, 1]], [[3, 5], [0, 1]])
        a, b = g.to_nashpy().payoff_matrices
        np.testing.assert_array_equal(a, g.row_payoffs)
        np.testing.assert_array_equal(b, g.col_payoffs)


class TestConstructors:
    def test_prisoners_dilemma_layout(self):
        g = prisoners_dilemma(T=5, R=3, P=1, S=0)
        np.testing.assert_array_equal(g.row_payoffs, [[3, 0], [5, 1]])
        np.testing.assert_array_equal(g.col_payoffs, [[3, 5], [0, 1]])

    @pytest.mark.parametrize(
        ("build", "match"),
        [
            (lambda: prisoners_dilemma(T=3, R=3, P=1, S=0), "T > R fails for the row player"),
            (lambda: prisoners_dilemma(T=5, R=1, P=1, S=0), "R > P fails"),
            (lambda: prisoners_dilemma(T=5, R=3, P=0, S=0), "P > S fails"),
            (lambda: prisoners_dilemma(col={"T": 1, "R": 3, "P": 1, "S": 0}), "T > R fails for the column player"),
            (lambda: stag_hunt(R=3, T=3, P=2, S=0), "R > T fails"),
            (lambda: stag_hunt(R=4, T=1, P=2, S=0), "T ≥ P fails"),
            (lambda: stag_hunt(R=4, T=3, P=0, S=0), "P > S fails"),
            (lambda: chicken(T=4, R=3, S=0, P=1), "S > P fails"),
            (lambda: harmony(R=4, T=3, S=1, P=2), "S > P fails"),
            (lambda: harmony(R=3, T=4, S=2, P=1), "R > T fails"),
            (lambda: donation_game(1, 2), "b > c fails"),
            (lambda: donation_game(1, -1), "c > 0 fails"),
            (lambda: prisoners_dilemma(col={"T": 1, "R": 3}), "need exactly R, S, T, P"),
            (lambda: prisoners_dilemma(T=float("nan")), "finite number"),
        ],
    )
    def test_broken_inequality_is_named(self, build, match):
        with pytest.raises(ValueError, match=match):
            build()

    def test_donation_game(self):
        # Sigmund, The Calculus of Selfishness (2010): R = b − c, S = −c, T = b, P = 0.
        assert stage_payoffs(donation_game(3, 1))[0] == StagePayoffs(R=2, S=-1, T=3, P=0)

    @given(pd_payoffs())
    def test_stage_payoffs_round_trip(self, p):
        g = prisoners_dilemma(**p)
        row, col = stage_payoffs(g)
        assert row._asdict() == p == col._asdict()

    @given(stage_games())
    def test_swap_exchanges_stage_payoffs(self, g):
        row, col = stage_payoffs(g)
        assert stage_payoffs(g.swap()) == (col, row)


class TestClusterModel:
    def test_formulas(self):
        # DESIGN §3: R = b − c, S = −c − l, T = g, P = −w.
        assert cluster_payoffs({"b": 5, "c": 2, "g": 4, "l": 1, "w": 0.5}) == StagePayoffs(R=3, S=-3, T=4, P=-0.5)

    def test_asymmetric(self):
        g = cluster_game(row={"b": 6, "c": 2, "g": 5, "l": 1, "w": 1}, col={"b": 4, "c": 2, "g": 3, "l": 1, "w": 0})
        assert stage_payoffs(g) == (StagePayoffs(4, -3, 5, -1), StagePayoffs(2, -3, 3, 0))

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [
            ({"b": 1, "c": -1, "g": 1, "l": 0, "w": 0}, "parameter c must be ≥ 0"),
            ({"b": 1, "c": 1, "g": float("inf"), "l": 0, "w": 0}, "parameter g must be a finite number"),
            ({"b": 1, "c": 1, "g": 1, "l": 0}, r"missing \['w'\]"),
        ],
    )
    def test_rejects(self, kwargs, match):
        with pytest.raises(ValueError, match=match):
            cluster_game(**kwargs)


@pytest.mark.parametrize(
    ("game", "kind"),
    [
        (prisoners_dilemma(), "prisoner's dilemma"),
        (stag_hunt(), "stag hunt"),
        (chicken(), "chicken"),
        (harmony(), "harmony"),
        (stage_game({"R": 3, "S": 1, "T": 3, "P": 0}), "degenerate"),
        (Game([[1, 2, 3]], [[1, 2, 3]]), "1×3 game"),
    ],
)
def test_game_type(game, kind):
    assert game_type(game) == kind
