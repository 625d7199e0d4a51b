"""games.repeated: the exact induced normal form, checked by hand and by Monte-Carlo."""

import numpy as np
import pytest

from games import (
    ALLC,
    ALLD,
    GRIM,
    STANDARD,
    TFT,
    WSLS,
    Automaton,
    donation_game,
    grim_trigger_threshold,
    induced_game,
    prisoners_dilemma,
)
from solver import is_equilibrium

D = 0.9
# Hand-derived normalized payoffs (1 − δ) Σ δᵗ uₜ of the row strategy against the column one,
# δ = 0.9, T, R, P, S = 5, 3, 1, 0. Against AllD, Grim and TFT cooperate once (S) then defect (P):
# 0.1·0 + 0.9·1 = 0.9; AllD gets 0.1·5 + 0.9·1 = 1.4 from them. WSLS against AllD alternates C, D
# (S, P, S, P, …): δ/(1 + δ) = 0.9/1.9, and AllD gets (T + δP)/(1 + δ) = 5.9/1.9.
HAND = {
    "AllC": {"AllC": 3, "AllD": 0, "Grim": 3, "TFT": 3, "WSLS": 3},
    "AllD": {"AllC": 5, "AllD": 1, "Grim": 1.4, "TFT": 1.4, "WSLS": 5.9 / 1.9},
    "Grim": {"AllC": 3, "AllD": 0.9, "Grim": 3, "TFT": 3, "WSLS": 3},
    "TFT": {"AllC": 3, "AllD": 0.9, "Grim": 3, "TFT": 3, "WSLS": 3},
    "WSLS": {"AllC": 3, "AllD": 0.9 / 1.9, "Grim": 3, "TFT": 3, "WSLS": 3},
}


@pytest.mark.parametrize("row", list(HAND))
@pytest.mark.parametrize("col", list(HAND))
def test_hand_derived_payoffs_without_noise(row, col):
    g = induced_game(prisoners_dilemma(T=5, R=3, P=1, S=0), discount=D)
    i, j = g.strategies[0].index(row), g.strategies[1].index(col)
    assert g.row_payoffs[i, j] == pytest.approx(HAND[row][col], abs=1e-12)
    assert g.col_payoffs[i, j] == pytest.approx(HAND[col][row], abs=1e-12)
    both_cooperate = HAND[row][col] == 3 and HAND[col][row] == 3
    assert g.cooperation[i, j] == pytest.approx(1.0 if both_cooperate else 0.0)


def simulate(first, second, stage, discount, noise, runs, rng, horizon=120):
    """Independent Monte-Carlo: play the automata with action noise, discounted sums per run."""
    s1 = np.full(runs, first.initial)
    s2 = np.full(runs, second.initial)
    act1 = np.array([0 if a == "C" else 1 for a in first.actions])
    act2 = np.array([0 if a == "C" else 1 for a in second.actions])
    table1, table2 = np.array(first.table), np.array(second.table)
    total1, total2, together = np.zeros(runs), np.zeros(runs), np.zeros(runs)
    for t in range(horizon):
        a1 = act1[s1] ^ (rng.random(runs) < noise)
        a2 = act2[s2] ^ (rng.random(runs) < noise)
        w = (1 - discount) * discount**t
        total1 += w * stage.row_payoffs[a1, a2]
        total2 += w * stage.col_payoffs[a1, a2]
        together += w * ((a1 == 0) & (a2 == 0))
        s1 = table1[s1, 2 * a1 + a2]
        s2 = table2[s2, 2 * a2 + a1]
    return total1, total2, together


def test_noise_agrees_with_monte_carlo():
    # 20,000 runs per pair; the truncation at 120 rounds leaves δ¹²⁰ ≈ 1e-12 of the weight
    # out. Each estimate must lie within 5 standard errors of the exact value: a false alarm has
    # probability about 6e-7 per comparison, 75 comparisons here.
    stage = prisoners_dilemma(T=5, R=3, P=1, S=0)
    discount, noise, runs = 0.8, 0.05, 20_000
    exact = induced_game(stage, discount, noise=noise)
    rng = np.random.default_rng(20261124)
    for i, first in enumerate(STANDARD):
        for j, second in enumerate(STANDARD):
            u1, u2, cc = simulate(first, second, stage, discount, noise, runs, rng)
            for sample, value in ((u1, exact.row_payoffs[i, j]), (u2, exact.col_payoffs[i, j]), (cc, exact.cooperation[i, j])):
                se = sample.std(ddof=1) / np.sqrt(runs)
                assert abs(sample.mean() - value) <= 5 * se + 1e-9, (first.name, second.name, sample.mean(), value, se)


def test_noise_lowers_grim_cooperation_but_not_the_intended_path():
    g = induced_game(prisoners_dilemma(), 0.9, noise=0.05)
    k = g.strategies[0].index("Grim")
    assert g.cooperation[k, k] < 0.9
    assert g.cooperative[k, k]


@pytest.mark.parametrize(("T", "R", "P", "S"), [(5, 3, 1, 0), (4, 3, 0, -1), (10, 6, 2, 1), (3, 2, 1, 0)])
def test_grim_is_an_equilibrium_exactly_from_the_threshold(T, R, P, S):
    stage = prisoners_dilemma(T=T, R=R, P=P, S=S)
    star = (T - R) / (T - P)
    assert grim_trigger_threshold(stage) == (star, star)
    grim = np.eye(5)[2]
    above = induced_game(stage, star + 1e-9)
    below = induced_game(stage, star - 1e-6)
    assert is_equilibrium(above, grim, grim)
    assert is_equilibrium(induced_game(stage, star), grim, grim)
    assert not is_equilibrium(below, grim, grim)


def test_asymmetric_threshold_is_the_larger():
    stage = prisoners_dilemma(T=6, R=3, P=1, S=0, col={"T": 4, "R": 3, "P": 0, "S": -1})
    assert grim_trigger_threshold(stage) == (0.6, 0.25)
    grim = np.eye(5)[2]
    assert is_equilibrium(induced_game(stage, 0.6 + 1e-9), grim, grim)
    assert not is_equilibrium(induced_game(stage, 0.59), grim, grim)


def test_donation_game_threshold_is_c_over_b():
    assert grim_trigger_threshold(donation_game(b=5, c=2)) == (0.4, 0.4)


def test_wsls_threshold():
    # WSLS is an equilibrium against itself iff δ ≥ (T − R)/(R − P) (Fudenberg and Maskin 1990).
    stage = prisoners_dilemma(T=4, R=3, P=0, S=-1)  # (T − R)/(R − P) = 1/3
    wsls = np.eye(5)[4]
    assert is_equilibrium(induced_game(stage, 1 / 3 + 1e-9), wsls, wsls)
    assert not is_equilibrium(induced_game(stage, 1 / 3 - 1e-6), wsls, wsls)


def test_user_automaton():
    tf2t = Automaton("TF2T", "CCD", [(0, 1), (0, 2), (0, 2)])
    g = induced_game(prisoners_dilemma(), 0.9, strategies=(ALLD, tf2t, TFT))
    # TF2T against AllD: C, C, then D for ever: (1 − δ)(0 + δ·0) + δ²·1 = 0.81.
    assert g.row_payoffs[1, 0] == pytest.approx(0.81)
    assert g.row_payoffs[1, 2] == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"discount": 1.0}, "discount must lie in"),
        ({"discount": 0.0}, "discount must lie in"),
        ({"discount": 0.5, "noise": 0.5}, "noise must lie in"),
        ({"discount": 0.5, "strategies": (ALLC, ALLC)}, "distinct"),
    ],
)
def test_rejects(kwargs, match):
    with pytest.raises(ValueError, match=match):
        induced_game(prisoners_dilemma(), **kwargs)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (("X", "CE", [(0, 1), (1, 1)]), "'E' is not 'C' or 'D'"),
        (("X", "CD", [(0, 2), (1, 1)]), "does not exist"),
        (("X", "CD", [(0, 1)]), "2 states but 1 transition"),
        (("X", "C", [(0, 0, 0)]), "needs 2 or 4"),
    ],
)
def test_bad_automaton(args, match):
    with pytest.raises(ValueError, match=match):
        Automaton(*args)


def test_standard_strategies_are_what_they_say():
    assert [a.name for a in STANDARD] == ["AllC", "AllD", "Grim", "TFT", "WSLS"]
    assert GRIM.table[1] == (1, 1, 1, 1) and TFT.table[0] == (0, 1, 0, 1) and WSLS.table[0] == (0, 1, 1, 0)


def test_noise_free_path_formula_equals_the_linear_solve():
    # The noise-free induced game follows the deterministic path (prefix + cycle); the
    # reference is the Gauss–Jordan solve of (I − δM)ᵀ o = (1 − δ) e_start in rationals.
    from fractions import Fraction

    from games.repeated import _exact_outcomes, _path_outcomes

    for delta in (Fraction(1, 10), Fraction(1, 2), Fraction(19, 20), Fraction(999, 1000)):
        for first in STANDARD:
            for second in STANDARD:
                assert _path_outcomes(first, second, delta) == _exact_outcomes(first, second, delta, Fraction(0))
