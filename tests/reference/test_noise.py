"""Repeated play with implementation noise against a Monte-Carlo simulation of the automata.

The induced game is computed by one exact linear solve (games.repeated). The reference here
simulates the two automata round by round, flipping each intended action with probability ε,
and stops at a geometric time τ with P(τ = t) = (1 − δ)δᵗ: the outcome at τ then has exactly
the discounted distribution (1 − δ) Σₜ δᵗ P(outcome at t), so its sample mean estimates the
realised share of mutual cooperation and the normalized payoffs without truncation bias.
Tolerance: 4 standard errors of the sample mean (two-sided false-alarm rate 6·10⁻⁵ per
comparison), with 4,000 runs per pair: a standard error of at most 0.008 for a share.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from games import STANDARD, RepeatedPlay, apply, induced_game, prisoners_dilemma
from solver import stability

RUNS = 4000
_OUTCOMES = ((0, 0), (0, 1), (1, 0), (1, 1))


def _simulate(first, second, delta: float, noise: float, rng: np.random.Generator) -> np.ndarray:
    """Outcome index (CC, CD, DC, DD from the first's side) at a geometric time, per run."""
    stop = rng.geometric(1 - delta, RUNS) - 1  # τ ∈ {0, 1, …}, P(τ = t) = (1 − δ)δᵗ
    s1 = np.full(RUNS, first.initial)
    s2 = np.full(RUNS, second.initial)
    act1 = np.array([a == "D" for a in first.actions], dtype=int)
    act2 = np.array([a == "D" for a in second.actions], dtype=int)
    t1, t2 = np.array(first.table), np.array(second.table)
    result = np.zeros(RUNS, dtype=int)
    for t in range(int(stop.max()) + 1):
        r1 = act1[s1] ^ (rng.random(RUNS) < noise)
        r2 = act2[s2] ^ (rng.random(RUNS) < noise)
        here = stop == t
        result[here] = (2 * r1 + r2)[here]
        s1, s2 = t1[s1, 2 * r1 + r2], t2[s2, 2 * r2 + r1]
    return result


@settings(max_examples=12, deadline=None)
@given(
    i=st.integers(0, 4),
    j=st.integers(0, 4),
    delta=st.sampled_from([0.5, 0.7, 0.8, 0.85]),
    noise=st.sampled_from([0.0, 0.05, 0.1, 0.2]),
    seed=st.integers(0, 2**32 - 1),
)
def test_induced_payoffs_and_cooperation_match_simulation(i, j, delta, noise, seed):
    stage = prisoners_dilemma(T=5, R=3, P=1, S=0)
    game = induced_game(stage, delta, STANDARD, noise)
    outcome = _simulate(STANDARD[i], STANDARD[j], delta, noise, np.random.default_rng(seed))
    row = np.array([stage.row_payoffs[o] for o in _OUTCOMES])[outcome]
    col = np.array([stage.col_payoffs[o] for o in _OUTCOMES])[outcome]
    for simulated, exact in ((outcome == 0, game.cooperation[i, j]), (row, game.row_payoffs[i, j]), (col, game.col_payoffs[i, j])):
        se = max(float(np.std(simulated)) / np.sqrt(RUNS), 1e-3)  # floor: a deterministic path has std 0
        assert abs(float(np.mean(simulated)) - exact) <= 4 * se


def test_the_issue_case_grim_is_not_cooperative_under_noise():
    # PD 5, 3, 1, 0, δ = 0.95, ε = 0.1: (Grim, Grim) realises mutual cooperation in 0.187 of
    # the rounds (simulated above for other δ), below ½ (1 − ε)² = 0.405: not cooperative.
    game = apply(prisoners_dilemma(T=5, R=3, P=1, S=0), RepeatedPlay(discount=0.95, noise=0.1))
    grim = game.strategies[0].index("Grim")
    assert round(float(game.cooperation[grim, grim]), 3) == 0.187
    assert not game.cooperative[grim, grim]
    report = stability(game, basin=False)
    assert (grim, grim) not in report.cooperative_profiles
    assert all(game.cooperation[p] >= 0.5 * 0.9**2 for p in report.cooperative_profiles)
    # The same game without noise: (Grim, Grim) is a cooperative strict equilibrium.
    clean = apply(prisoners_dilemma(T=5, R=3, P=1, S=0), RepeatedPlay(discount=0.95))
    assert clean.cooperative[grim, grim] and (grim, grim) in stability(clean, basin=False).cooperative_profiles


@settings(max_examples=30, deadline=None)
@given(delta=st.sampled_from([0.3, 0.6, 0.9, 0.95]), noise=st.sampled_from([0.01, 0.1, 0.3]))
def test_cooperative_mask_is_the_documented_rule(delta, noise):
    # Independent of the mask: the noise-free path from the noise-free induced game, the
    # realised share from the noisy one, the threshold ½ (1 − ε)² from AllC against AllC.
    noisy = induced_game(prisoners_dilemma(), delta, STANDARD, noise)
    clean = induced_game(prisoners_dilemma(), delta, STANDARD, 0.0)
    best = noisy.cooperation[0, 0]  # AllC, AllC: (1 − ε)² in every round
    assert abs(best - (1 - noise) ** 2) < 1e-12
    expected = (clean.cooperation == 1.0) & (noisy.cooperation >= 0.5 * best - 1e-12)
    assert np.array_equal(noisy.cooperative, expected)
