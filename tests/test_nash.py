"""solver.equilibria: reference equilibria, degenerate games, and properties."""

import itertools
import warnings
from fractions import Fraction

import nashpy
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from games import Game, chicken, prisoners_dilemma, stag_hunt
from solver import equilibria, is_equilibrium, stability
from solver.kernels.exact import extreme_equilibria
from tests.strategies import bimatrix_games


def pairs(eqs):
    return [(e.row, e.col) for e in eqs]


def close(found, expected):
    assert len(found) == len(expected), (found, expected)
    for (x, y), (u, v) in zip(found, expected):
        np.testing.assert_allclose(x, u, atol=1e-12)
        np.testing.assert_allclose(y, v, atol=1e-12)


class TestReference:
    def test_prisoners_dilemma(self):
        # Osborne, An Introduction to Game Theory (2004), §2.2: (D, D) is the only equilibrium.
        eqs = equilibria(prisoners_dilemma(T=5, R=3, P=1, S=0))
        close(pairs(eqs), [((0, 1), (0, 1))])
        assert eqs[0].payoffs == (1.0, 1.0)
        assert (eqs.degenerate, eqs.continuum, eqs.missed_by_nashpy) == (False, False, 0)

    def test_stag_hunt_three_equilibria_mixed_exact(self):
        # Skyrms, The Stag Hunt (2004): two pure equilibria and a mixed one at
        # p* = (P − S)/[(R − T) + (P − S)] = 2/3 for R, T, P, S = 4, 3, 2, 0.
        g = stag_hunt(R=4, T=3, P=2, S=0)
        eqs = equilibria(g)
        close(pairs(eqs), [((1, 0), (1, 0)), ((0, 1), (0, 1)), ((2 / 3, 1 / 3), (2 / 3, 1 / 3))])
        exact = extreme_equilibria(g.row_payoffs, g.col_payoffs)
        assert ((Fraction(2, 3), Fraction(1, 3)), (Fraction(2, 3), Fraction(1, 3))) in exact.equilibria
        assert eqs[2].payoffs == pytest.approx((8 / 3, 8 / 3))

    def test_chicken(self):
        # Hawk–dove with T, R, S, P = 4, 3, 1, 0: (C, D), (D, C) and the mixed
        # equilibrium where the partner cooperates with probability (S − P)/[(T − R) + (S − P)] = 1/2.
        eqs = equilibria(chicken(T=4, R=3, S=1, P=0))
        close(pairs(eqs), [((1, 0), (0, 1)), ((0, 1), (1, 0)), ((0.5, 0.5), (0.5, 0.5))])

    def test_matching_pennies(self):
        # von Neumann's zero-sum example: the unique equilibrium mixes 1/2–1/2, value 0.
        eqs = equilibria(Game([[1, -1], [-1, 1]], [[-1, 1], [1, -1]]))
        close(pairs(eqs), [((0.5, 0.5), (0.5, 0.5))])
        assert eqs[0].payoffs == (0.0, 0.0)

    def test_von_stengel_3x2(self):
        # von Stengel (2007), Algorithmic Game Theory ch. 3, the 3×2 example with three equilibria.
        eqs = equilibria(Game([[3, 3], [2, 5], [0, 6]], [[3, 2], [2, 6], [3, 1]]))
        close(
            pairs(eqs),
            [((1, 0, 0), (1, 0)), ((0.8, 0.2, 0), (2 / 3, 1 / 3)), ((0, 1 / 3, 2 / 3), (1 / 3, 2 / 3))],
        )
        assert [e.payoffs for e in eqs] == [(3.0, 3.0), (3.0, 2.8), (4.0, pytest.approx(8 / 3))]


class TestDegenerate:
    # The degenerate variant of von Stengel's example (the top row gives the column player 3
    # against both columns): the top row has two best responses, so a continuum of equilibria
    # ((1,0,0), (q, 1−q)) for q in [2/3, 1] joins (1,0,0)×(1,0) and (1,0,0)×(2/3,1/3).
    A = np.array([[3, 3], [2, 5], [0, 6]])
    B = np.array([[3, 3], [2, 6], [3, 1]])

    def test_nashpy_support_enumeration_misses_one(self):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            found = list(nashpy.Game(self.A, self.B).support_enumeration())
        assert any(issubclass(w.category, RuntimeWarning) for w in caught)
        assert not any(np.allclose(y, [2 / 3, 1 / 3]) and np.allclose(x, [1, 0, 0]) for x, y in found)

    def test_we_find_every_extreme_equilibrium(self):
        eqs = equilibria(Game(self.A, self.B))
        close(pairs(eqs), [((1, 0, 0), (1, 0)), ((1, 0, 0), (2 / 3, 1 / 3)), ((0, 1 / 3, 2 / 3), (1 / 3, 2 / 3))])
        assert eqs.degenerate is True
        assert eqs.continuum is True
        assert any("continuum" in n for n in eqs.notes)

    def test_two_by_two_tie_flagged(self):
        # The column player is indifferent against D: degenerate, but only two equilibria.
        eqs = equilibria(Game([[1, 1], [0, 1]], [[1, 0], [1, 1]]))
        close(pairs(eqs), [((1, 0), (1, 0)), ((0, 1), (0, 1))])
        assert eqs.degenerate is True and eqs.continuum is False
        assert any("degenerate" in n for n in eqs.notes)
        assert any("nashpy support enumeration warned" in n for n in equilibria(Game([[1, 1], [0, 1]], [[1, 0], [1, 1]]), method="nashpy").notes)

    def test_all_ties_is_a_continuum(self):
        eqs = equilibria(Game(np.zeros((2, 3)), np.zeros((2, 3))))
        assert eqs.degenerate and eqs.continuum
        assert len(eqs) == 6  # every pure profile is an extreme equilibrium

    def test_nashpy_misses_in_random_3x3_games_and_we_do_not(self):
        # DESIGN §5: support enumeration misses equilibria in many random 3×3 games; our set
        # always contains the exact one and nashpy's.
        rng = np.random.default_rng(2026)
        missed_somewhere = False
        for _ in range(30):
            a, b = rng.integers(0, 1000, (3, 3)), rng.integers(0, 1000, (3, 3))
            ours = pairs(equilibria(Game(a, b)))
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theirs = list(nashpy.Game(a, b).support_enumeration())
            for x, y in theirs:
                assert any(np.allclose(x, u) and np.allclose(y, v) for u, v in ours)
            missed_somewhere |= len(theirs) < len(ours)
            assert len(ours) % 2 == 1  # nondegenerate: an odd number (Lemke–Howson parity)
        assert missed_somewhere


def brute_force_pure(game):
    a, b = game.row_payoffs, game.col_payoffs
    return {(i, j) for i, j in itertools.product(range(game.shape[0]), range(game.shape[1])) if a[i, j] >= a[:, j].max() and b[i, j] >= b[i, :].max()}


def analytic_2x2(game):
    """Independent solution of a nondegenerate 2×2 game: pure by brute force, mixed by indifference."""
    found = [((1.0 - i, float(i)), (1.0 - j, float(j))) for i, j in sorted(brute_force_pure(game))]
    a, b = game.row_payoffs, game.col_payoffs
    den_q = (a[0, 0] - a[1, 0]) + (a[1, 1] - a[0, 1])
    den_p = (b[0, 0] - b[0, 1]) + (b[1, 1] - b[1, 0])
    if den_q != 0 and den_p != 0:
        q = (a[1, 1] - a[0, 1]) / den_q  # column's probability of C making row indifferent
        p = (b[1, 1] - b[1, 0]) / den_p
        if 0 < q < 1 and 0 < p < 1:
            found.append(((p, 1 - p), (q, 1 - q)))
    return found


class TestProperties:
    @given(bimatrix_games(max_size=4))
    def test_every_equilibrium_is_mutual_best_responses(self, game):
        eqs = equilibria(game)
        assert len(eqs) >= 1  # Nash's theorem
        for e in eqs:
            assert is_equilibrium(game, np.array(e.row), np.array(e.col))
            assert e.payoffs == pytest.approx(game.expected(e.row, e.col), abs=1e-9)

    @given(bimatrix_games(max_size=4))
    def test_every_pure_equilibrium_is_found(self, game):
        found = {e.profile for e in equilibria(game) if e.pure}
        assert found == brute_force_pure(game)

    @given(bimatrix_games(max_size=3, values=st.integers(-1000, 1000)))
    def test_nondegenerate_games_have_an_odd_number(self, game):
        eqs = equilibria(game)
        if not eqs.degenerate:
            assert len(eqs) % 2 == 1
            assert not eqs.continuum

    @given(bimatrix_games(max_size=2, values=st.integers(-1000, 1000)))
    def test_two_by_two_agrees_with_the_analytic_solution(self, game):
        eqs = equilibria(game)
        if game.shape == (2, 2) and not eqs.degenerate:
            expected = analytic_2x2(game)
            assert len(eqs) == len(expected)
            for x, y in expected:
                assert any(np.allclose(x, e.row) and np.allclose(y, e.col) for e in eqs)

    @given(bimatrix_games(max_size=3))
    def test_order_is_stable_and_deduplicated(self, game):
        first, second = pairs(equilibria(game)), pairs(equilibria(game.replace(name="again")))
        assert first == second
        assert len({(tuple(np.round(x, 9)), tuple(np.round(y, 9))) for x, y in first}) == len(first)


def test_fast_float_enumeration_matches_the_exact_one():
    # 2,000 seeded random games up to 4×4, half of them with payoffs 0–2 (many ties):
    # the same equilibria and the same degeneracy and continuum verdicts.
    rng = np.random.default_rng(7)
    for trial in range(2000):
        m, n = rng.integers(1, 5, 2)
        high = 3 if trial % 2 else 1000
        game = Game(rng.integers(0, high, (m, n)), rng.integers(0, high, (m, n)))
        exact, fast = equilibria(game, method="exact"), equilibria(game, method="fast")
        assert (exact.degenerate, exact.continuum) == (fast.degenerate, fast.continuum), game
        assert len(exact) == len(fast), game
        for e in exact:
            assert any(np.allclose(e.row, f.row, atol=1e-9) and np.allclose(e.col, f.col, atol=1e-9) for f in fast), game


def test_regression_fast_path_keeps_a_mixed_equilibrium_next_to_a_pure_one():
    # Found by an adversarial check: the float enumeration merged vertices 5e-5 apart, so at
    # δ = 0.34725, ε = 0.02 it lost (TFT, TFT) and two mixed equilibria and called the level
    # "none" where the exact enumeration (and Gambit's) finds three equilibria.
    from games import RepeatedPlay, apply

    game = apply(prisoners_dilemma(T=4, R=3, P=1, S=0), RepeatedPlay(discount=0.34725, noise=0.02))
    fast, exact = equilibria(game, method="fast"), equilibria(game, method="exact")
    assert len(fast) == len(exact) == 3
    for e in exact:
        assert any(np.allclose(e.row, f.row, atol=1e-9) and np.allclose(e.col, f.col, atol=1e-9) for f in fast)


@pytest.mark.parametrize(
    ("A", "B"),
    [
        # Found by a second adversarial check: mixed vertices within 1e-6 of pure ones; the float
        # path found no equilibrium at all in the first, and only the pure one in the second.
        ([[2.999999, 1, 2.000001, 1.999999], [-1e-06, 0, 1.999999, 1e-06], [3, 3.000001, 0, 1]], [[2.999999, 2, 0, 1e-06], [1e-06, 1.999999, 3.000001, -1e-06], [1, 1e-06, 2, 1.000001]]),
        (
            [[1.9999999, -1e-07, 1.9999999], [0, 3, 3.0000001], [1.0000001, 1e-07, 3], [0, 0, 1.0000001]],
            [[3.0000001, 0.9999999, 2.9999999], [3.0000001, 0, 2.9999999], [1, 2.0000001, 1.9999999], [3.0000001, 2.9999999, 1.9999999]],
        ),
    ],
)
def test_regression_fast_path_hands_near_ties_to_the_exact_enumeration(A, B):
    game = Game(A, B)
    fast, exact = equilibria(game, method="fast"), equilibria(game, method="exact")
    assert len(fast) == len(exact) >= 1
    for e in exact:
        assert any(np.allclose(e.row, f.row, atol=1e-9) and np.allclose(e.col, f.col, atol=1e-9) for f in fast)
    assert stability(game, basin=False, method="fast").level == stability(game, basin=False).level


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 4).flatmap(lambda m: st.integers(2, 3).map(lambda n: (m, n))).flatmap(
        lambda mn: st.tuples(*[st.lists(st.lists(st.integers(-3, 3), min_size=mn[1], max_size=mn[1]), min_size=mn[0], max_size=mn[0])] * 2)
    ),
    st.sampled_from([Fraction(5, 10**324), Fraction(1, 10**300), Fraction(3, 10**150), Fraction(10**90)]),
)
def test_equilibria_do_not_change_when_every_payoff_is_scaled(matrices, factor):
    # Independent reference: multiplying all payoffs by a positive factor changes no best
    # response, so the equilibrium strategies and the verdicts stay. Found by fuzzing: a factor
    # like 5e-324 made exact integers beyond the floats that screen the bases (OverflowError).
    A, B = matrices
    plain = equilibria(Game(A, B))
    scaled = Game(
        np.array(A) * float(factor), np.array(B) * float(factor), exact=([[v * factor for v in r] for r in A], [[v * factor for v in r] for r in B])
    )
    found = equilibria(scaled)
    assert sorted((e.row, e.col) for e in found) == sorted((e.row, e.col) for e in plain)
    assert (found.degenerate, found.continuum) == (plain.degenerate, plain.continuum)
