"""Repeated play in ``level_codes``: the batched "none" screen against the world-by-world path.

``level_codes`` decides a world with a RepeatedPlay in its stack as "none" on arrays when some
deviation beats every cooperative profile by more than a margin (see
``solver.robust.engine._repeated_none``); every other world goes through the exact path. The
reference is that exact path world by world — the stage mechanisms applied to the exact
rationals, ``games.repeated.induced_game`` in exact rationals (δ and ε read as the decimals
they print as), the equilibria enumerated in exact rationals (``method="exact"``, not the float
vertex path ``level_codes`` uses) and the level decided by ``solver.stability`` — which
shares nothing with the screen's float outcome weights and its deviation test. Identity is
checked on 2,000+ seeded worlds: random stage games (integers, so ties are common), several
strategy sets (with a non-standard automaton, tit for two tats), δ per world and fixed, noise,
a third party strengthening the noise, and δ exactly at the grim threshold (T − R)/(T − P),
where AllD ties the cooperative payoff and the screen must stay out.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from games import Game, HigherLevelGuidance, RepeatedPlay, ThirdPartyOrganization, apply
from games.repeated import STANDARD, Automaton, induced_game
from solver import LEVELS, stability
from solver.robust.engine import _param_list, _repeated_none, _stack_at, induced_arrays, level_codes

TF2T = Automaton("TF2T", actions="CCD", transitions=[(0, 1), (0, 2), (0, 2)])
SETS = (STANDARD, ("AllC", "AllD", "Grim"), ("AllD", "TFT"), ("AllD", "WSLS", TF2T), ("Grim", "AllD", "WSLS", "TFT"))


def world_by_world(A, B, stack, params) -> np.ndarray:
    values = _param_list(stack, params, len(A))
    return np.array([LEVELS.index(stability(apply(Game(A[i], B[i]), *_stack_at(stack, values, i)), basin=False, method="exact").level) for i in range(len(A))])


def integer_worlds(rng, n):
    return rng.integers(-1, 4, size=(n, 2, 2)).astype(float), rng.integers(-1, 4, size=(n, 2, 2)).astype(float)


def dilemmas(rng, n, T):
    A = np.zeros((n, 2, 2))
    A[:, 0, 0], A[:, 1, 0], A[:, 1, 1] = 3.0, T, 1.0
    return A, np.transpose(A, (0, 2, 1)).copy()


def check(A, B, stack, params=None) -> np.ndarray:
    """Assert identity with the reference; return the screen's mask (its soundness checked too)."""
    values = _param_list(stack, params, len(A))
    screened = _repeated_none(A, B, list(stack), values)
    reference = world_by_world(A, B, stack, params)
    assert np.all(reference[screened] == LEVELS.index("none"))  # soundness: screened ⇒ none
    assert level_codes(A, B, stack, params).tolist() == reference.tolist()
    return screened


def test_dilemmas_with_discount_per_world_and_at_the_grim_threshold():
    # 600 prisoner's dilemmas: T uniform on [4, 6], δ uniform on [0.3, 0.9], and 200 with δ
    # exactly at (T − R)/(T − P) for T in {4, 4.5, 5, 5.5, 6} (thresholds 1/3, 3/7, 1/2, 5/9, 3/5)
    rng = np.random.default_rng(141)
    T = np.concatenate([rng.uniform(4, 6, 400), rng.choice([4.0, 4.5, 5.0, 5.5, 6.0], 200)])
    delta = np.concatenate([rng.uniform(0.3, 0.9, 400), np.zeros(200)])
    delta[400:] = (T[400:] - 3.0) / (T[400:] - 1.0)
    A, B = dilemmas(rng, 600, T)
    screened = check(A, B, [RepeatedPlay(strategies=SETS[1])], {0: {"discount": delta}})
    # below the threshold AllD beats every cooperative profile: all screened; at it, none is
    below = delta < (T - 3.0) / (T - 1.0)
    assert np.array_equal(screened, below)
    assert below.sum() > 100


@pytest.mark.parametrize("k", range(1, len(SETS)))
def test_integer_stage_games_with_fixed_discount_noise_and_mechanisms(k):
    # 4 × 350 = 1,400 worlds of small integer payoffs (many exact ties in the induced games)
    rng = np.random.default_rng(1400 + k)
    A, B = integer_worlds(rng, 350)
    strategies = SETS[k]
    stacks = [
        ([RepeatedPlay(discount=0.75, strategies=strategies)], None),
        ([RepeatedPlay(strategies=strategies, noise=0.05)], {0: {"discount": rng.choice([0.5, 0.8, 0.95], 350)}}),
        ([ThirdPartyOrganization(detection=0.5, fee=0.1), RepeatedPlay(discount=0.8, noise=0.1, strategies=strategies)], None),
        ([HigherLevelGuidance(subsidy=1.0), RepeatedPlay(strategies=strategies)], {1: {"discount": rng.uniform(0.2, 0.95, 350)}}),
    ]
    stack, params = stacks[k - 1]
    screened = check(A, B, stack, params)
    assert screened.any()


def test_standard_set_at_the_grim_threshold():
    # 50 dilemmas over all five standard automata with δ exactly at (T − R)/(T − P): AllD
    # against Grim ties the cooperative payoff R, so no world may be screened
    rng = np.random.default_rng(8)
    T = rng.choice([4.0, 4.5, 5.0, 5.5, 6.0], 50)
    A, B = dilemmas(rng, 50, T)
    screened = check(A, B, [RepeatedPlay()], {0: {"discount": (T - 3.0) / (T - 1.0)}})
    assert not screened.any()


def test_standard_set_with_noise_on_dilemmas():
    # 60 worlds over all five standard automata, noise 0.02 and δ per world
    rng = np.random.default_rng(7)
    A, B = dilemmas(rng, 60, rng.uniform(4, 6, 60))
    screened = check(A, B, [RepeatedPlay(noise=0.02)], {0: {"discount": rng.uniform(0.3, 0.9, 60)}})
    assert screened.any() and not screened.all()


@settings(max_examples=25, deadline=None)
@given(
    st.lists(st.floats(-5, 5, allow_nan=False, allow_subnormal=False), min_size=8, max_size=8),
    st.floats(0.05, 0.97),
    st.sampled_from([0.0, 0.0, 0.01, 0.1, 0.3]),
    st.sampled_from(range(len(SETS))),
)
def test_induced_arrays_equal_the_exact_induced_game(payoffs, delta, noise, k):
    a, b = np.array(payoffs[:4]).reshape(2, 2), np.array(payoffs[4:]).reshape(2, 2)
    exact = induced_game(Game(a, b), delta, SETS[k], noise)
    strategies = [STANDARD[[s.name for s in STANDARD].index(s)] if isinstance(s, str) else s for s in SETS[k]]
    A, B, coop = induced_arrays(a[None], b[None], strategies, delta, noise)
    scale = max(1.0, float(np.abs([a, b]).max()))
    np.testing.assert_allclose(A[0], exact.row_payoffs, rtol=0, atol=1e-9 * scale / (1 - delta))
    np.testing.assert_allclose(B[0], exact.col_payoffs, rtol=0, atol=1e-9 * scale / (1 - delta))
    assert np.all(coop[0] >= exact.cooperative)  # a superset of the cooperative mask
