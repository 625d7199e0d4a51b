"""Each world's minimal strength for targets without a formula (unique, risk-dominant), found
by bisecting all worlds at once, against minimal_strength world by world (issue 14).

The reference decides every step exactly (:func:`solver.design.minimal_strength`, scalar
search, levels in rationals near ties). The vectorized search decides its steps by float signs
and locates the boundary to within the exact-decision band (10⁻⁶ of the payoff scale), so the
two agree to 10⁻⁵ relative (the band is 10⁻⁶ × scale ≤ 10 here) and on reachability exactly.
The targets are those without a threshold formula, where both searches use the same grid (for
strict and dominant, minimal_strength solves the formula and can find a side payment's window
narrower than the grid step, which no grid search claims to see).
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from games import BindingContract, Game, HigherLevelGuidance, SidePayment
from solver.design import minimal_strength
from solver.robust.engine import _bisect_worlds, _param_list, robust_strength

MECHANISMS = [(HigherLevelGuidance(penalty=1, detection=0.5), "subsidy"), (BindingContract(), "breach_penalty"), (SidePayment(), "transfer")]


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**32 - 1), st.sampled_from(MECHANISMS), st.sampled_from(["unique", "risk-dominant"]))
def test_vectorized_bisection_equals_minimal_strength_world_by_world(seed, case, target):
    mechanism, parameter = case
    rng = np.random.default_rng(seed)
    n = 40
    A = rng.integers(-3, 6, size=(n, 2, 2)).astype(float) + rng.choice([0.0, 0.5], size=(n, 2, 2))
    B = rng.integers(-3, 6, size=(n, 2, 2)).astype(float)
    found = _bisect_worlds(A, B, [mechanism], parameter, target, _param_list([mechanism], None, n))
    for i in range(n):
        s = minimal_strength(Game(A[i], B[i]), mechanism, parameter, target)
        if not s.feasible:
            assert np.isnan(found[i]), (i, found[i], s.message)
        else:
            assert found[i] == pytest.approx(s.value, rel=1e-5, abs=1e-5), (i, A[i], B[i])


def test_robust_risk_dominant_subsidy_is_the_closed_form_quantile():
    """Stag hunt R = 4, S = 0, P = 1 symmetric with T uniform on [2, 3.9]: guidance s (penalty 0)
    makes (C, C) risk-dominant when (R + s − T)² > (P − S − s)², i.e. s > (T − R + P − S)/2 =
    (T − 3)/2 (both sides positive there). The 95 % quantile over a stratified grid of T is
    (F⁻¹(0.95) − 3)/2, F the uniform law: 0.405."""
    n = 2000
    T = 2 + 1.9 * (np.arange(n) + 0.5) / n
    A = np.zeros((n, 2, 2))
    A[:, 0, 0], A[:, 0, 1], A[:, 1, 0], A[:, 1, 1] = 4.0, 0.0, T, 1.0
    r = robust_strength(A, np.transpose(A, (0, 2, 1)), HigherLevelGuidance(), "subsidy", "risk-dominant")
    assert r.value == pytest.approx((2 + 1.9 * 0.95 - 3) / 2, abs=1.9 / n)
    assert r.holds_share >= 0.95
