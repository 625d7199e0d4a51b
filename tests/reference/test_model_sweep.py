"""sweep_model against independent computations: the verdict change points of a model whose
corner eigenvalues are solved by hand, and the long-run shares against a plain numpy RK4
integration of the replicator equations built from the payoff table."""

import itertools
import math
from fractions import Fraction

import numpy as np
import sympy

from games.model import Model, builtin_model
from solver.dynamics.model_sweep import sweep_model

# Two populations, C/D; the subsidy enters as s²/2 so that the bifurcations are irrational.
# For population k with cost c_k (b = 2, g = 2, l = 1):
#   F_k(other cooperates) = b − c_k − g + s²/2 = s²/2 − c_k,  zero at s = √(2 c_k)
#   F_k(other defects)    = −c_k − l + s²/2,                  zero at s = √(2 (c_k + 1))
# and the corner eigenvalue of k is (1 − 2x_k)·F_k at the other's corner share.
C = (1, 2)
ROOTS = sorted({math.sqrt(2 * c) for c in C} | {math.sqrt(2 * (c + 1)) for c in C})  # √2, 2, √6


def _model():
    return Model(
        ["A", "B"], [["C", "D"], ["C", "D"]], {"b": 2, "g": 2, "l": 1, "cA": C[0], "cB": C[1], "s": 0},
        {("C", "C"): ["b - cA + s^2/2", "b - cB + s^2/2"], ("C", "D"): ["-cA - l + s^2/2", "g"],
         ("D", "C"): ["g", "-cB - l + s^2/2"], ("D", "D"): [0, 0]},
    )


def _hand_verdict(corner, s):
    """The verdict from the hand-derived eigenvalues, with exact rational arithmetic."""
    s = Fraction(s)
    eig = []
    for k, c in enumerate(C):
        other = corner[1 - k]
        f = s * s / 2 - c if other == 1 else s * s / 2 - c - 1
        eig.append((1 - 2 * corner[k]) * f)
    if all(e < 0 for e in eig):
        return "stable"
    if any(e > 0 for e in eig):
        return "saddle" if any(e < 0 for e in eig) else "unstable"
    return "inconclusive"


def test_verdict_changes_bracket_the_closed_form_roots():
    values = [Fraction(k, 4) for k in range(13)]  # 0, 0.25, …, 3: s = 2 is a grid point (an exact tie)
    sweep = sweep_model(_model(), "s", [float(v) for v in values], t_end=20)
    for i, v in enumerate(values):
        assert [sweep.verdicts[i, c] for c in range(4)] == [_hand_verdict(corner, v) for corner in sweep.corners]
    assert sweep.verdicts[values.index(2), sweep.corners.index((1, 0))] == "inconclusive"  # F_A(B defects) = F_B(A cooperates) = 0 at s = 2
    assert sweep.changes
    for corner, lo, hi, before, after in sweep.changes:
        assert before != after
        assert any(lo <= r <= hi for r in ROOTS), (corner, lo, hi)
    for r in ROOTS:  # every root is seen by some corner
        assert any(lo <= r <= hi for _, lo, hi, _, _ in sweep.changes)


def _numpy_field(model):
    """ẋₖ = xₖ(1 − xₖ)(Eₖ(first) − Eₖ(second)) from the numeric payoff table, by summing over
    the profiles with product weights (no derivation involved)."""
    k_count = len(model.populations)
    values = model.values()
    table = np.zeros((2,) * k_count + (k_count,))
    for profile, exprs in model.payoffs.items():
        table[profile] = [float(sympy.sympify(e).xreplace(values)) for e in exprs]

    def field(x):
        out = np.zeros_like(x)
        for k in range(k_count):
            diff = np.zeros(x.shape[0])
            for profile in itertools.product((0, 1), repeat=k_count):
                if profile[k] != 0:
                    continue
                weight = np.ones(x.shape[0])
                for j in range(k_count):
                    if j != k:
                        weight = weight * (x[:, j] if profile[j] == 0 else 1 - x[:, j])
                second = list(profile)
                second[k] = 1
                diff += weight * (table[profile][k] - table[tuple(second)][k])
            out[:, k] = x[:, k] * (1 - x[:, k]) * diff
        return out

    return field


def _rk4(field, starts, t_end, dt=0.01):
    x = np.array(starts, dtype=float)
    for _ in range(round(t_end / dt)):
        k1 = field(x)
        k2 = field(x + dt / 2 * k1)
        k3 = field(x + dt / 2 * k2)
        k4 = field(x + dt * k3)
        x = x + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return x


def test_long_run_shares_equal_a_plain_rk4_integration():
    model = builtin_model("three-party")
    values = [0.5, 1.5, 3.0]
    sweep = sweep_model(model, "s", values, t_end=30)
    assert sweep.final_shares.shape == (3, len(sweep.starts), 3)
    for i, v in enumerate(values):
        reference = _rk4(_numpy_field(model.with_values(s=v)), sweep.starts, 30.0)
        # RK4 with dt = 0.01 has a global error ~1e-8 here; LSODA runs at rtol 1e-9 in logit
        # coordinates: 1e-6 leaves room for both and still fails on any wrong payoff.
        np.testing.assert_allclose(sweep.final_shares[i], reference, atol=1e-6)
