"""Repeated play batched over (discount, noise): the arrays against the exact path, point by point.

``games.repeated_batch.induced_batch`` solves every pair's joint chain for all points in one
float solve and bounds its error; ``solver.repeated_batch.certified_levels`` decides a point's
cooperation report on arrays only where every basis of both polytopes and every comparison is
outside its error band. References, sharing nothing with the batch:

* the exact rational induced game of ``games.repeated.induced_game`` (Gauss–Jordan on
  Fractions, δ and ε read as decimals) at each point, and the equilibria enumerated in exact
  rationals (``method="exact"``, vertex enumeration of both polytopes, not support enumeration
  in floats) with the report of ``solver.stability``;
* a Monte-Carlo simulation of the two automata with implementation noise (a geometric horizon
  with continuation δ, so the outcome at the stopping round has the normalized discounted
  distribution), within 5 standard errors;
* the sweep's own point-by-point path (``intergov sweep`` before the batch), frame for frame.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import solver.sweep as sweep
from games import Game
from games.repeated import ALLC, ALLD, GRIM, STANDARD, TFT, WSLS, Automaton, induced_game
from games.repeated_batch import induced_batch, outcome_weights
from solver import LEVELS, stability
from solver.repeated_batch import certified_levels

TF2T = Automaton("TF2T", actions="CCD", transitions=[(0, 1), (0, 2), (0, 2)])
SETS = (STANDARD, (ALLC, ALLD, GRIM), (ALLD, TFT, WSLS, TF2T))


def exact_report(a, b, strategies, delta, eps):
    r = stability(induced_game(Game(a, b), float(delta), strategies, float(eps)), basin=False, method="exact")
    return (r.level, len(r.equilibria), r.nash, r.strict, r.unique, r.dominant, r.risk_dominant, r.equilibria.degenerate, r.equilibria.continuum)


def batch_reports(a, b, strategies, delta, eps):
    r = certified_levels(induced_batch(a, b, strategies, delta, eps))
    rows = [
        (LEVELS[r.level[i]], int(r.count[i]), *(bool(getattr(r, f)[i]) for f in ("nash", "strict", "unique", "dominant", "risk_dominant")), False, False)
        for i in range(len(a))
    ]
    return r.decided, rows


def check_points(a, b, strategies, delta, eps) -> int:
    """Assert every decided point equals the exact path; return how many were decided."""
    decided, rows = batch_reports(a, b, strategies, delta, eps)
    for i in np.flatnonzero(decided):
        assert rows[i] == exact_report(a[i], b[i], strategies, delta[i], eps[i]), (a[i].tolist(), b[i].tolist(), delta[i], eps[i])
    return int(decided.sum())


def test_prisoners_dilemma_grid_identical_to_the_exact_path():
    # The 5-strategy game over a discount × noise grid (ε = 0 included: every noise-free induced
    # game is degenerate and must be left to the exact path) plus the grim thresholds of T.
    delta = np.repeat(np.round(np.linspace(0.1, 0.98, 15), 2), 8)
    eps = np.tile([0, 0.001, 0.01, 0.03, 0.05, 0.1, 0.2, 0.45], 15)
    a = np.tile(np.array([[3.0, 0.0], [5.0, 1.0]]), (len(delta), 1, 1))
    decided = check_points(a, np.transpose(a, (0, 2, 1)), STANDARD, delta, eps)
    assert decided >= 0.8 * np.count_nonzero(eps)  # the batch decides most noisy points
    assert not batch_reports(a, np.transpose(a, (0, 2, 1)), STANDARD, delta, eps)[0][eps == 0].any()


@pytest.mark.parametrize("strategies", SETS, ids=["standard", "AllC-AllD-Grim", "with-TF2T"])
def test_random_integer_games_identical_to_the_exact_path(strategies):
    # Integer stage payoffs in −2…4 (ties common), δ and ε three-decimal values; 150 points
    # per strategy set (the exact reference costs ~15 ms a point).
    rng = np.random.default_rng(15)
    n = 150
    a, b = rng.integers(-2, 5, size=(n, 2, 2)).astype(float), rng.integers(-2, 5, size=(n, 2, 2)).astype(float)
    delta, eps = np.round(rng.uniform(0.05, 0.97, n), 3), np.round(rng.uniform(0.0, 0.3, n), 3)
    assert check_points(a, b, strategies, delta, eps) > n // 3


decimals = st.integers(1, 999).map(lambda k: k / 1000)
boundary_deltas = st.sampled_from([1e-9, 0.001, 0.5, 0.999, 0.999999, 1 - 1e-9])
boundary_noises = st.sampled_from([0.0, 1e-9, 0.001, 0.25, 0.499, 0.4999999])


@settings(max_examples=30, deadline=None)
@given(
    delta=st.one_of(decimals, boundary_deltas, st.floats(0.01, 0.99)),
    eps=st.one_of(decimals.map(lambda x: x / 2.01), boundary_noises, st.floats(0.0, 0.49)),
    payoffs=st.lists(st.integers(-3, 6), min_size=8, max_size=8),
)
def test_drawn_points_bound_and_identity(delta, eps, payoffs):
    a = np.array(payoffs[:4], dtype=float).reshape(1, 2, 2)
    b = np.array(payoffs[4:], dtype=float).reshape(1, 2, 2)
    r = induced_batch(a, b, STANDARD, [delta], [eps])
    exact = induced_game(Game(a[0], b[0]), delta, STANDARD, eps)
    X = np.array([[float(v) for v in row] for row in exact.exact[0]])
    Y = np.array([[float(v) for v in row] for row in exact.exact[1]])
    # the stated error bound holds (the exact rationals rounded once to floats: ≤ 1 ulp more)
    slack = 4 * np.finfo(float).eps * max(1.0, np.abs(X).max(), np.abs(Y).max())
    assert np.abs(r.A[0] - X).max() <= r.error[0] + slack
    assert np.abs(r.B[0] - Y).max() <= r.error[0] + slack
    if r.clear[0]:
        assert r.cooperative[0].tolist() == exact.cooperative.tolist()
    check_points(a, b, STANDARD, np.array([delta]), np.array([eps]))


def simulate(first: Automaton, second: Automaton, delta: float, eps: float, runs: int, rng) -> np.ndarray:
    """Outcome frequencies (CC, CD, DC, DD) at a geometric stopping round, P(T = t) = (1 − δ)δᵗ."""
    stop = rng.geometric(1.0 - delta, size=runs) - 1
    t1, t2 = np.array(first.table), np.array(second.table)
    d1, d2 = np.array([x == "D" for x in first.actions]), np.array([x == "D" for x in second.actions])
    s1, s2 = np.full(runs, first.initial), np.full(runs, second.initial)
    counts = np.zeros(4)
    for t in range(int(stop.max()) + 1):
        r1 = d1[s1] ^ (rng.random(runs) < eps)
        r2 = d2[s2] ^ (rng.random(runs) < eps)
        outcome = 2 * r1 + r2
        counts += np.bincount(outcome[stop == t], minlength=4)
        s1, s2 = t1[s1, outcome], t2[s2, 2 * r2 + r1]
    return counts / runs


@pytest.mark.parametrize(
    ("first", "second", "delta", "eps"),
    [(GRIM, GRIM, 0.8, 0.05), (WSLS, TFT, 0.9, 0.1), (TFT, TF2T, 0.7, 0.2), (WSLS, ALLD, 0.6, 0.3)],
)
def test_outcome_weights_against_monte_carlo(first, second, delta, eps):
    # 40,000 simulated plays: SE ≤ 0.0025 per outcome; 5 SE is loose enough never to flake
    # (p ≈ 6·10⁻⁷ per comparison) and tight enough to catch a wrong transition or flip rule
    # (those move a share by ≥ 0.02 at these δ and ε).
    runs = 40_000
    freq = simulate(first, second, delta, eps, runs, np.random.default_rng(7))
    w = outcome_weights([first, second], [delta], [eps])[0, 0, 1]
    se = np.sqrt(np.maximum(w * (1 - w), 1e-12) / runs)
    assert np.all(np.abs(freq - w) <= 5 * se + 1e-12), (freq, w)


def test_sweep_identical_to_the_point_by_point_path(monkeypatch):
    # Discount × noise with ε = 0 included (exact path), a third party strengthening the noise
    # (ε·(1 − detection), an exact rational the batch must read as the exact path does) and a
    # stage subsidy; the frames must be equal cell by cell, dtypes included.
    doc = {
        "game": {"payoffs": {"R": 3, "S": 0, "T": 5, "P": 1}},
        "mechanisms": [{"kind": "higher_level_guidance", "subsidy": 0.5}, {"kind": "third_party_organization", "detection": 0.3}, {"kind": "repeated_play"}],
        "parameters": {
            "repeated_play.discount": {"from": 0.35, "to": 0.95, "points": 5},
            "repeated_play.noise": [0, 0.01, 0.1, 0.3],
            "higher_level_guidance.subsidy": [0, 1.5],
        },
    }
    spec = sweep.parse_sweep(doc)
    points = sweep.sweep_points(spec)
    fast = sweep.evaluate(spec, points)
    assert sweep._repeated_batch(spec, points).decided.sum() >= 20
    monkeypatch.setattr(sweep, "_repeated_batch", lambda spec, points: None)
    slow = sweep.evaluate(spec, points)
    pd_testing = pytest.importorskip("pandas.testing")
    pd_testing.assert_frame_equal(fast, slow)


def test_stack_levels_with_stage_mechanisms_identical_to_the_exact_path():
    # What level_codes (robustness) now uses: per world a stage game and a stack with a subsidy,
    # a third party (noise strengthened to ε·(1 − detection)) and repeated play; 60 worlds.
    from games import HigherLevelGuidance, RepeatedPlay, ThirdPartyOrganization, apply, stage_game
    from solver.repeated_batch import stack_levels

    rng = np.random.default_rng(3)
    stages, stacks = [], []
    for _ in range(60):
        T, S = round(float(rng.uniform(3.5, 6)), 2), round(float(rng.uniform(-1, 0.5)), 2)
        stages.append(stage_game({"R": 3, "S": S, "T": T, "P": 1}))
        stacks.append(
            [
                HigherLevelGuidance(subsidy=round(float(rng.uniform(0, 2)), 1)),
                ThirdPartyOrganization(detection=round(float(rng.uniform(0, 0.9)), 2)),
                RepeatedPlay(discount=round(float(rng.uniform(0.3, 0.97)), 3), noise=round(float(rng.uniform(0.005, 0.3)), 3)),
            ]
        )
    r = stack_levels(stages, stacks)
    assert r.decided.sum() >= 30
    for w in np.flatnonzero(r.decided):
        report = stability(apply(stages[w], *stacks[w]), basin=False, method="exact")
        assert (LEVELS[r.level[w]], int(r.count[w])) == (report.level, len(report.equilibria)), w


def test_exact_decimal_reading():
    # 0.1 is read as 1/10 (not the binary float 0.1000000000000000055…), as the exact path reads it
    r = induced_batch(np.zeros((1, 2, 2)), np.zeros((1, 2, 2)), STANDARD, [0.1], [0.1])
    assert Fraction(r.discount[0]) == Fraction(float(Fraction(1, 10)))


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"discount": [1.0]}, "discount must lie in"),
        ({"discount": [0.0]}, "discount must lie in"),
        ({"noise": [0.5]}, "noise must lie in"),
        ({"a": np.zeros((1, 3, 3))}, "shape"),
        ({"strategies": [Automaton("Big", "CCCCC", [(0, 1)] * 5)]}, "state pairs"),
    ],
)
def test_bad_input(kwargs, match):
    args = {"a": np.zeros((1, 2, 2)), "b": np.zeros((1, 2, 2)), "strategies": STANDARD, "discount": [0.5], "noise": [0.1]}
    args.update(kwargs)
    with pytest.raises(ValueError, match=match):
        induced_batch(**args)
