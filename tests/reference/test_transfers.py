"""Side payments and imperfect monitoring against numerical optimization and Markov-chain values.

References
----------
* Fair transfer: the Nash bargaining solution, found here by maximizing the Nash product
  (R_A − t − P_A)(R_B + t − P_B) numerically (``scipy.optimize.minimize_scalar``), not by the
  closed form. Tolerance 1e-6: the optimizer's ``xatol``.
* Stabilizing transfer: the transfer that minimizes the larger of the two grim-trigger
  thresholds (T − R′)/(T − P), found by numerical minimization of that maximum; tolerance 1e-6.
* Imperfect-monitoring threshold: the value of cooperation and of a one-shot deviation are
  computed by solving the two-state Markov chain (cooperation phase, permanent reversion)
  with a linear solve, and the least δ at which deviating does not pay is found by bisection
  to 1e-10; compared with the closed form within 1e-7.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import minimize_scalar
from strategies import pd_payoffs

from games import SidePayment, apply, stage_game, stage_payoffs
from solver.design import imperfect_monitoring_threshold
from solver.design.transfers import fair_transfer, stabilizing_transfer


def _signed(payment: SidePayment) -> float:
    """Transfer from the row to the column government at (C, C)."""
    return payment.transfer if payment.payer == 0 else -payment.transfer


@settings(max_examples=60)
@given(pd_payoffs(), pd_payoffs())
def test_fair_transfer_maximizes_the_nash_product(row, col):
    game = stage_game(row, col)
    a, b = stage_payoffs(game)
    lo, hi = -(b.R - b.P), a.R - a.P  # both keep at least their disagreement payoff
    best = minimize_scalar(lambda t: -(a.R - t - a.P) * (b.R + t - b.P), bounds=(lo, hi), method="bounded", options={"xatol": 1e-9})
    assert abs(_signed(fair_transfer(game)) - best.x) < 1e-6
    # The transfer really is paid at (C, C): the transformed game's rewards move by it.
    moved = stage_payoffs(apply(game, fair_transfer(game)))
    assert np.isclose(moved[0].R, a.R - best.x, atol=1e-6) and np.isclose(moved[1].R, b.R + best.x, atol=1e-6)


def _grim(T: float, R: float, P: float) -> float:
    return max(0.0, (T - R) / (T - P))


@settings(max_examples=60)
@given(pd_payoffs(), pd_payoffs())
def test_stabilizing_transfer_minimizes_the_larger_threshold(row, col):
    game = stage_game(row, col)
    a, b = stage_payoffs(game)

    def larger(t: float) -> float:
        return max((a.T - (a.R - t)) / (a.T - a.P), (b.T - (b.R + t)) / (b.T - b.P))

    span = (a.T - a.P) + (b.T - b.P)
    best = minimize_scalar(larger, bounds=(-span, span), method="bounded", options={"xatol": 1e-10})
    assert abs(_signed(stabilizing_transfer(game)) - best.x) < 1e-6


def _values(T, R, P, delta, eps, eta):
    """(value of cooperating, value of a one-shot deviation) by a linear solve of the chain."""
    # States: 0 = cooperation phase, 1 = permanent mutual defection.
    def solve(stage_c: float, bad: float) -> float:
        # V = (1 − δ) u + δ M V with M the transition matrix from the cooperation phase.
        M = np.array([[1 - eps, eps], [0.0, 1.0]])
        u = np.array([R, P])
        V = np.linalg.solve(np.eye(2) - delta * M, (1 - delta) * u)
        return (1 - delta) * stage_c + delta * ((1 - bad) * V[0] + bad * V[1]), V[0]

    _, cooperate = solve(R, eps)
    deviate, _ = solve(T, eta)
    return cooperate, deviate


@settings(max_examples=60)
@given(pd_payoffs(), st.integers(0, 40).map(lambda k: k / 100), st.integers(1, 60).map(lambda k: k / 100))
def test_imperfect_monitoring_threshold_by_bisection(row, eps, gap):
    eta = min(1.0, eps + gap)
    game = stage_game(row, row)
    p = stage_payoffs(game)[0]

    def holds(delta: float) -> bool:
        c, d = _values(p.T, p.R, p.P, delta, eps, eta)
        return c >= d

    result = imperfect_monitoring_threshold(game, false_alarm=eps, detection=eta)
    top = 1 - 1e-6  # at an exact tie ε(T − R) = (η − ε)(R − P) the threshold is δ = 1: infeasible
    if not holds(top):
        assert not result.feasible and result.threshold is None
        return
    grid = np.append(np.linspace(0, 1, 401)[:-1], top)
    ok = [holds(d) for d in grid]
    # Deviation gains are monotone in δ here: once cooperation holds it keeps holding.
    first = ok.index(True)
    assert all(ok[first:])
    lo, hi = (grid[first - 1], grid[first]) if first else (0.0, 0.0)
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if holds(mid) else (mid, hi)
    assert result.feasible
    assert abs(result.threshold - hi) < 1e-7
