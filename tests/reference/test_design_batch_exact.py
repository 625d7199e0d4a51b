"""The design batch decides its ties in arrays (issue 15, network scale): identical answers.

``solver.design.ties.tie_levels`` replaces the exact 2×2 kernel's one-by-one decisions of the
games the minimal strengths are confirmed on — ties by construction. Held here to

* the kernel (``solver.kernels.fast2x2.levels_2x2``, every near-tie read as rationals game by
  game) and to the exact report (``solver.stability``) on tie-heavy integer and decimal games;
* ``games.game.rational`` itself for the shortcut that decides a tie between a short decimal
  and a float-noise neighbour without reading them;
* ``batch_minimal_strength`` with the kernel's levels in place of ``tie_levels`` (today's path:
  every array identical, bit for bit) and ``minimal_strength`` game by game (the scalar path),
  and ``compare`` on a tie-heavy network against ``_one_row`` link by link.
"""

from __future__ import annotations

import dataclasses
import importlib

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from games import BindingContract, Game, HigherLevelGuidance, SidePayment, ThirdPartyOrganization
from games.game import rational
from regions import synthetic_province
from regions.network import GameSpec, RegionNetwork
from solver import LEVELS, stability
from solver.design import Candidate, compare, minimal_strength
from solver.design.batch import batch_minimal_strength
from solver.design.compare import _one_row
from solver.design.ties import _exact_sign, tie_levels
from solver.kernels.fast2x2 import levels_2x2
from solver.network import link_game

compare_module = importlib.import_module("solver.design.compare")  # the module (the package exports the function)
ties_module = importlib.import_module("solver.design.ties")

#: The five candidates of benchmarks/run.py rows (b) and (g).
CANDIDATES = [
    Candidate("guidance: subsidy", HigherLevelGuidance(inspection_cost=0.1), "subsidy"),
    Candidate("guidance: penalty", HigherLevelGuidance(detection=0.5, inspection_cost=0.1), "penalty"),
    Candidate("binding contract", BindingContract(enforcement=0.8, signing_cost=0.05), "breach_penalty"),
    Candidate("third party", ThirdPartyOrganization(fee=0.05), "detection", (HigherLevelGuidance(penalty=3, detection=0.1),)),
    Candidate("side payment", SidePayment(payer=0), "transfer", (HigherLevelGuidance(subsidy=1.0),)),
]

# Payoffs with many ties: small integers, or one-decimal values; each game's entries may be
# recomputed with float noise (x + 0.1 − 0.1, 3 × (x / 3)) so equal rationals are unequal floats.
small = st.integers(-3, 3).map(float)
decimal = st.integers(-30, 30).map(lambda k: k / 10)
NOISE = (lambda x: x, lambda x: x + 0.1 - 0.1, lambda x: 3 * (x / 3), lambda x: (x + 0.7) - 0.7, lambda x: x * 1.1 / 1.1)


@st.composite
def tie_games(draw, size=60):
    """N games of four integer or one-decimal payoffs per player, some entries with float noise."""
    values = draw(st.lists(st.lists(draw(st.sampled_from([small, decimal])), min_size=8, max_size=8), min_size=size, max_size=size))
    noise = draw(st.lists(st.integers(0, len(NOISE) - 1), min_size=8 * size, max_size=8 * size))
    flat = np.array([NOISE[k](x) for x, k in zip(np.ravel(values), noise)], dtype=float)
    games = flat.reshape(size, 2, 2, 2)
    return games[:, 0].copy(), games[:, 1].copy()


@settings(max_examples=40, deadline=None)
@given(tie_games())
def test_tie_levels_equal_the_kernel_and_the_exact_report(games):
    A, B = games
    codes = tie_levels(A, B)
    assert codes.tolist() == levels_2x2(A, B).tolist()  # the kernel: near-ties read game by game
    for a, b, code in zip(A[:8], B[:8], codes[:8]):  # the exact report on a few of them
        assert stability(Game(a, b), basin=False).level == LEVELS[code]


@st.composite
def risk_ties(draw):
    """Stag hunts whose risk-dominance products tie exactly (a₁ᵣa₁꜀ = a₂ᵣa₂꜀), as decimals
    offset from a one-decimal base so the float gaps carry noise."""
    a1r, a1c = draw(st.integers(1, 12)), draw(st.integers(1, 12))
    a2r = draw(st.sampled_from([d for d in range(1, 13) if (a1r * a1c) % d == 0]))
    a2c = a1r * a1c // a2r + draw(st.sampled_from([0, 0, 0, 1, -1]))  # mostly exact ties, some near
    base_a, base_b = draw(decimal), draw(decimal)
    A = [[base_a + a1r / 10, base_a - a2r / 10], [base_a, base_a]]
    B = [[base_b + a1c / 10, base_b], [base_b - max(a2c, 1) / 10, base_b]]
    return A, B


@settings(max_examples=150, deadline=None)
@given(st.lists(risk_ties(), min_size=1, max_size=20))
def test_tie_levels_decide_risk_dominance_ties_exactly(games):
    A, B = np.array([g[0] for g in games]), np.array([g[1] for g in games])
    codes = tie_levels(A, B)
    assert codes.tolist() == levels_2x2(A, B).tolist()
    assert [stability(Game(a, b), basin=False).level for a, b in zip(A[:3], B[:3])] == [LEVELS[c] for c in codes[:3]]


@st.composite
def close_pairs(draw):
    """A short decimal and a float near it (a few ulps away, or computed with float noise)."""
    places = draw(st.integers(0, 12))
    d = draw(st.integers(-(10**7), 10**7)) / 10**places
    how = draw(st.sampled_from(["ulps", "arith", "long"]))
    if how == "ulps":
        x = d
        for _ in range(draw(st.integers(1, 6))):
            x = np.nextafter(x, draw(st.sampled_from([np.inf, -np.inf])))
        x = float(x)
    elif how == "arith":
        x = (d + 0.1) - 0.1 if draw(st.booleans()) else d * 7 / 7
    else:  # two long floats, or a long one far from any short decimal
        x = d + draw(st.integers(1, 1000)) / 3e12
    scale = max(abs(d), abs(x), draw(st.sampled_from([1.0, 1e-6, 1e3])))
    return (d, x, scale) if draw(st.booleans()) else (x, d, scale)


@settings(max_examples=300, deadline=None)
@given(close_pairs())
def test_exact_sign_equals_the_rational_reading(pair):
    x, y, scale = pair
    if x == y:
        return
    difference = rational(x, scale) - rational(y, scale)
    assert _exact_sign(x, y, scale) == (difference > 0) - (difference < 0)


def test_exact_sign_on_named_cases():
    assert _exact_sign(2.9000000000000004, 2.9, 5.0) == 0  # both 29/10
    assert _exact_sign(4.5089999999999995, 4.509, 6.0) == 0
    assert _exact_sign(0.30000000000000004, 0.3, 1e-6) == 0  # scale below |x|: max(|x|, scale)
    assert _exact_sign(1.000000000001, 1.0, 1.0) == 1  # 13 digits: 1.000088900582341e-12 above 1, more than 1e-12
    assert _exact_sign(7 / 27, 0.25925925925, 1.0) == 1  # 7/27 against its 11-digit decimal


def _kernel_levels(A, B):
    return levels_2x2(A, B)


def _strength_arrays(found):
    return [found.value.tobytes(), found.closed.tobytes(), found.used.tobytes(), found.level.tolist(), found.method.tolist(), found.message.tolist()]


@settings(max_examples=12, deadline=None)
@given(tie_games(size=40), st.sampled_from(["weak", "strict", "dominant"]))
def test_batch_strength_identical_to_the_kernel_path_and_to_the_scalar_path(games, target):
    A, B = games
    with pytest.MonkeyPatch.context() as mp:
        for c in CANDIDATES:
            stack = [*c.others, c.mechanism]
            ours = batch_minimal_strength(A, B, stack, len(stack) - 1, c.parameter, target)
            mp.setattr(ties_module, "tie_levels", _kernel_levels)  # imported inside batch_minimal_strength
            theirs = batch_minimal_strength(A, B, stack, len(stack) - 1, c.parameter, target)
            mp.undo()
            assert _strength_arrays(ours) == _strength_arrays(theirs)
            for i in range(0, len(A), 8):  # the scalar path on every eighth game
                one = minimal_strength(Game(A[i], B[i]), c.mechanism, c.parameter, target, others=c.others)
                assert ours.message[i] == one.message
                assert (bool(ours.closed[i]) if one.feasible else False) == bool(one.attained)
                assert (ours.level[i] or None) == one.level
                if one.feasible:  # the batch and the scalar formula round alike to 1e-12 (test_network_scale)
                    assert ours.value[i] == pytest.approx(one.value, rel=1e-12, abs=1e-15)


def _tie_network(seed: int, links: int) -> RegionNetwork:
    """A synthetic province whose links play tie-heavy integer and one-decimal games."""
    base = synthetic_province(regions=30, links=links, seed=seed)
    rng = np.random.default_rng(seed)
    made = []
    for link in base.links:
        pick = (lambda: int(rng.integers(-2, 4))) if rng.random() < 0.5 else (lambda: round(float(rng.integers(-20, 40)) / 10, 1))
        row = {k: pick() for k in "RSTP"}
        col = {k: pick() for k in "RSTP"} if rng.random() < 0.5 else None
        made.append(dataclasses.replace(link, game=GameSpec("payoffs", row, col)))
    return RegionNetwork(base.regions.values(), made, name="tie-heavy province")


@pytest.mark.parametrize("seed", [3, 4])
def test_compare_on_a_tie_heavy_network_equals_the_per_link_path(seed):
    network = _tie_network(seed, 40)
    rows = compare(network, CANDIDATES, target="strict").rows
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(compare_module, "tie_levels", _kernel_levels)
        mp.setattr(ties_module, "tie_levels", _kernel_levels)
        today = compare(network, CANDIDATES, target="strict").rows
        assert [r.to_dict() for r in rows] == [r.to_dict() for r in today]  # identical to the kernel path
    for k, link in enumerate(network.links):
        game, superior = link_game(network, link), network.superior(*link.between)
        for j, c in enumerate(CANDIDATES):
            row, one = rows[k * len(CANDIDATES) + j], _one_row(link, game, superior, c, "strict")
            assert row.strength.message == one.strength.message
            assert (row.strength.attained, row.strength.level, row.payer, row.costs.keys()) == (one.strength.attained, one.strength.level, one.payer, one.costs.keys())
            if one.strength.value is not None:
                assert row.strength.value == pytest.approx(one.strength.value, rel=1e-12, abs=1e-15)


def test_tie_levels_leave_gaps_that_are_not_finite_to_the_kernel():
    # A NaN payoff, and gaps that overflow (1e308 − (−1e308)): the kernel's answer, whatever it is.
    A = np.array([[[np.nan, 0], [1, 0]], [[1e308, -1e308], [-1e308, 1e308]], [[3, 0], [5, 1]]])
    B = np.transpose(A, (0, 2, 1))
    with np.errstate(invalid="ignore", over="ignore"):
        assert tie_levels(A, B).tolist() == levels_2x2(A, B).tolist()
