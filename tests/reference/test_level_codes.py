"""solver.kernels.fast2x2.levels_2x2 and solver.robust.level_codes: the levels-only 2×2 kernel.

References: the single-game path ``solver.stability(Game(A, B), basin=False)`` (nashpy's
candidates verified and united with the exact rational vertex enumeration of solver.kernels.exact — no
code shared with the kernel's sign rule), and, on many more games, ``solve_2x2(A, B).level``
(the full vectorized enumeration the kernel must agree with game by game). Games are drawn
tie-heavy on purpose: small integers in {-1, 0, 1, 2}, binary payoffs, equal rows, and ties
perturbed by 10⁻¹² … 10⁻⁴ of the payoff range (inside, at and outside the exact-decision band).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from games import Game, HigherLevelGuidance, SidePayment, apply
from solver import LEVELS, stability
from solver.kernels.fast2x2 import CHUNK, levels_2x2, solve_2x2
from solver.robust import level_samples
from solver.robust.engine import level_codes


def reference_levels(A: np.ndarray, B: np.ndarray) -> list[str]:
    return [stability(Game(a, b), basin=False).level for a, b in zip(A, B)]


def names(codes: np.ndarray) -> list[str]:
    return [LEVELS[c] for c in codes.tolist()]


def tie_heavy(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """n games in five kinds: integers in {-1, 0, 1, 2}, binary, equal rows, ties perturbed
    by 10^-u (u uniform in [4, 12]) on one random entry, and standard normal payoffs."""
    A = rng.integers(-1, 3, size=(n, 2, 2)).astype(float)
    B = rng.integers(-1, 3, size=(n, 2, 2)).astype(float)
    kind = rng.integers(0, 5, size=n)
    binary = kind == 1
    A[binary], B[binary] = rng.integers(0, 2, size=(2, binary.sum(), 2, 2))
    rows = kind == 2  # the row's two rows equal, the column's two columns equal: every gap 0
    A[rows, 1, :] = A[rows, 0, :]
    B[rows, :, 1] = B[rows, :, 0]
    nudged = np.flatnonzero(kind == 3)
    M = np.where(rng.random(len(nudged)) < 0.5, 0, 1)
    i, j = rng.integers(0, 2, size=(2, len(nudged)))
    delta = rng.choice([-1.0, 1.0], len(nudged)) * 10.0 ** -rng.uniform(4, 12, len(nudged))
    A[nudged[M == 0], i[M == 0], j[M == 0]] += delta[M == 0]
    B[nudged[M == 1], i[M == 1], j[M == 1]] += delta[M == 1]
    normal = kind == 4
    A[normal], B[normal] = rng.normal(size=(2, normal.sum(), 2, 2))
    return A, B


GAMES = st.lists(
    st.one_of(
        st.tuples(*[st.sampled_from([-1.0, 0.0, 1.0, 2.0])] * 8),
        st.tuples(*[st.sampled_from([0.0, 1.0])] * 8),
        st.tuples(*[st.floats(-10, 10, allow_nan=False, allow_subnormal=False)] * 8),
        st.tuples(*[st.sampled_from([0.1, 0.2, 0.3, 0.1 + 0.2, 2.9, 3.0])] * 8),  # decimals: 0.1 + 0.2 ties 0.3
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=40, deadline=None)
@given(GAMES, st.booleans())
def test_levels_equal_the_single_game_exact_path(games, equal_rows):
    X = np.array(games).reshape(-1, 2, 2, 2)
    A, B = X[:, 0].copy(), X[:, 1].copy()
    if equal_rows:  # the row player indifferent between its rows in every game
        A[:, 1, :] = A[:, 0, :]
    assert names(levels_2x2(A, B)) == reference_levels(A, B)


def test_levels_equal_the_single_game_exact_path_on_2000_seeded_games():
    A, B = tie_heavy(np.random.default_rng(14), 2000)
    codes = levels_2x2(A, B)
    assert names(codes) == reference_levels(A, B)
    assert len(set(codes.tolist())) == len(LEVELS)  # every level occurs: the test covers each branch


def test_levels_equal_solve_2x2_on_100k_games_across_chunks():
    # 97k normal games at three scales (chunk borders crossed) and 3k tie-heavy ones, most of
    # them decided exactly (about 1 ms a game on each side, hence not more)
    rng = np.random.default_rng(1)
    A, B = rng.normal(size=(2, 97_000, 2, 2)) * rng.choice([1.0, 30.0, 1e3], size=(2, 97_000, 1, 1))
    tA, tB = tie_heavy(rng, 3_000)
    A, B = np.concatenate([A, tA]), np.concatenate([B, tB])
    order = rng.permutation(len(A))
    A, B = A[order], B[order]
    assert len(A) > 3 * CHUNK
    assert names(levels_2x2(A, B)) == solve_2x2(A, B, payoffs=False).level.tolist()


def test_levels_at_the_threshold_nudged_inside_and_outside_the_exact_band():
    # Games with an exact tie (a gap, a difference of gaps, or a tied risk-dominance product)
    # nudged on one entry by ±10^-u: u ≥ 9.5 is erased by the rational reading (decimals with
    # denominators ≤ 10⁹), so the exact path sees the tie; u ≤ 8 is a real change of sign. The
    # kernel must hand every game of the first kind to the exact decision.
    rng = np.random.default_rng(5)
    A, B = rng.integers(-1, 3, size=(2, 400, 2, 2)).astype(float)
    g = np.stack([A[:, 0, 0] - A[:, 1, 0], B[:, 0, 0] - B[:, 0, 1], A[:, 0, 1] - A[:, 1, 1], B[:, 1, 0] - B[:, 1, 1]], 1)
    risk_tie = (g[:, 0] * g[:, 1] == g[:, 2] * g[:, 3]) & (g[:, :2] > 0).all(1) & (g[:, 2:] < 0).all(1)
    base = np.concatenate([np.flatnonzero(risk_tie)[:6], np.flatnonzero(~risk_tie & (g == 0).any(1))[:14]])
    stag = np.array([[2.0, -1.0], [1.0, 0.0]])  # a₁ = 1, a₂ = −1 for both: products tie at 1
    A, B = np.concatenate([A[base], stag[None]]), np.concatenate([B[base], stag.T[None]])
    games = []
    for a, b in zip(A, B):
        for entry in range(8):
            for delta in (-1e-12, 10**-10.3, -(10**-9.6), 10**-9.2, -1e-8, 10**-6.5):
                x = np.stack([a, b]).reshape(8)
                x[entry] += delta * max(1.0, abs(x[entry]))
                games.append(x)
    X = np.array(games).reshape(-1, 2, 2, 2)
    A, B = X[:, 0], X[:, 1]
    assert names(levels_2x2(A, B)) == reference_levels(A, B)


def test_level_codes_under_a_stack_with_parameters_per_world_equal_the_game_by_game_path():
    rng = np.random.default_rng(7)
    n = 300
    A, B = tie_heavy(rng, n)
    stack = [HigherLevelGuidance(subsidy=0.5, penalty=1.0, detection=0.5), SidePayment(transfer=0.5, payer=0)]
    subsidy = rng.choice([0.0, 0.5, 1.0, 1.5], size=n)  # steps of the payoff grid: many exact ties
    codes = level_codes(A, B, stack, {0: {"subsidy": subsidy}})
    expected = [
        stability(apply(Game(a, b), HigherLevelGuidance(subsidy=float(s), penalty=1.0, detection=0.5), stack[1]), basin=False).level
        for a, b, s in zip(A, B, subsidy)
    ]
    assert codes.dtype == np.int8
    assert names(codes) == expected
    assert level_samples(A, B, stack, {0: {"subsidy": subsidy}}).tolist() == expected


def test_empty_and_single_games_and_bad_shapes():
    assert levels_2x2(np.zeros((0, 2, 2)), np.zeros((0, 2, 2))).tolist() == []
    assert levels_2x2([[3, 0], [5, 1]], [[3, 5], [0, 1]]).tolist() == [LEVELS.index("none")]
    with pytest.raises(ValueError, match="same number of 2×2 games"):
        levels_2x2(np.zeros((3, 2, 2)), np.zeros((2, 2, 2)))
