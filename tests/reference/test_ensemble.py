"""Confidence intervals of evolution ensembles against scipy's own interval and a coverage run.

``evolve_many`` reports the mean cooperation share over seeds with a Student-t interval. The
references: ``scipy.stats.t.interval`` applied to the final shares the ensemble returns (a
different implementation of the interval), and the interval's coverage of the true mean of a
process whose mean is known — a complete graph where every region keeps its strategy
(β = 0: copying is a coin flip between equal payoffs, so the expected share stays the initial
share 0.5): over 200 ensembles of 10 seeds, a 90 % interval must cover 0.5 in 90 % ± 3 binomial
standard errors (±6.4 points) of them.
"""

import networkx as nx
import numpy as np
from scipy import stats

from games import harmony, prisoners_dilemma
from solver.dynamics import evolve_many


def test_interval_equals_scipys():
    e = evolve_many(nx.cycle_graph(40), harmony(R=3, S=0.5, T=2.9, P=0.4), seeds=range(8), steps=30, rule="fermi", beta=0.3)
    shares = e.final_shares
    low, high = stats.t.interval(e.confidence, len(shares) - 1, loc=shares.mean(), scale=stats.sem(shares))
    assert np.isclose(e.mean[-1], shares.mean()) and np.isclose(e.low[-1], max(low, 0.0)) and np.isclose(e.high[-1], min(high, 1.0))


def test_interval_is_cut_to_shares():
    # 5 seeds on the three-county scenario: one run keeps a cooperator, four lose them all; the
    # t-interval's lower end, 0.2 − 2.776 · 0.447/√5 = −0.355, is no share.
    from regions import load_scenario

    e = evolve_many(load_scenario("yongkang-wuyi-jinyun"), seeds=range(5), steps=100)
    assert np.all(e.low >= 0) and np.all(e.high <= 1)


def test_ninety_percent_interval_covers_a_known_mean():
    G = nx.complete_graph(20)
    covered = 0
    runs = 200
    for k in range(runs):
        e = evolve_many(G, prisoners_dilemma(), seeds=range(10 * k, 10 * k + 10), steps=5, rule="fermi", beta=0.0, confidence=0.9)
        covered += bool(e.low[-1] <= 0.5 <= e.high[-1])
    se = np.sqrt(0.9 * 0.1 / runs)
    assert abs(covered / runs - 0.9) <= 3 * se, covered
