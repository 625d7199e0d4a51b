"""The confidence interval of the robust strength (``RobustStrength.interval``).

Closed form: a prisoner's dilemma with R = 3, S = 0, P = 1 and T uniform on [4, 6] under
guidance needs a subsidy above T − 3 for ``strict`` (the subsidy must close the temptation
T − R), so the pointwise minimal strength is uniform on [1, 3] and its q-quantile is 1 + 2q:
2.9 at q = 0.95. The references are that closed form, the coverage law of the order-statistic
interval computed here from scipy.stats.binom (not from the package's ranks), and
scipy.stats.binom's CDF for the ranks themselves.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats
from scipy.stats import qmc

from games import HigherLevelGuidance
from solver.robust.engine import order_statistic_indices, quantile_interval, robust_strength

GUIDANCE = HigherLevelGuidance()


def dilemmas(T: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    A = np.zeros((len(T), 2, 2))
    A[:, 0, 0], A[:, 1, 0], A[:, 1, 1] = 3.0, T, 1.0
    return A, np.transpose(A, (0, 2, 1)).copy()


@pytest.mark.parametrize(("n", "q", "c"), [(100, 0.95, 0.95), (20, 0.95, 0.95), (1000, 0.95, 0.9), (59, 0.5, 0.95), (7, 0.5, 0.99)])
def test_ranks_meet_the_binomial_tail_conditions(n, q, c):
    low, high = order_statistic_indices(n, q, c)
    law, tail = stats.binom(n, q), (1 - c) / 2
    # l: the least m with F(m) ≥ α/2 (so P(count < l) = F(l − 1) < α/2); u − 1: the same for 1 − α/2
    assert law.cdf(low - 1) < tail <= law.cdf(low)
    if high <= n:
        assert law.cdf(high - 2) < 1 - tail <= law.cdf(high - 1)
    else:  # no rank ≤ n reaches the upper tail: +∞
        assert law.cdf(n - 1) < 1 - tail
    assert law.cdf(min(high, n + 1) - 1) - law.cdf(low - 1) >= c  # coverage at least nominal


def test_hand_case_n100():
    # Bin(100, 0.95): F(89) = 0.0282 ≥ 0.025 > F(88) = 0.0115 and F(98) = 0.9629 < 0.975 ≤ F(99)
    assert order_statistic_indices(100, 0.95) == (90, 100)
    assert quantile_interval(np.arange(1.0, 101.0), 0.95) == (90.0, 100.0)
    assert quantile_interval(np.arange(1.0, 21.0), 0.95) == (17.0, math.inf)  # 20 draws: no upper rank


def test_monte_carlo_coverage_of_the_order_statistic_interval():
    # 1,000 fixed seeds of n = 100 independent draws. For a continuous law the interval's exact
    # coverage is F(u − 1) − F(l − 1) with F the Bin(100, 0.95) CDF: 0.9826 for (l, u) =
    # (90, 100). The count of covering seeds is Bin(1000, 0.9826); the acceptance region is its
    # central 99.9 % ([968, 994]), so a correct interval fails with probability 0.001 over seed
    # lists, and ranks one step inside — (91, 100) or (90, 99), coverage 0.966 and 0.951 —
    # fall outside it (one step outside, 0.990, is caught by the rank test above instead).
    # The first 100 seeds go through robust_strength (its interval is that of the pointwise
    # strengths T − 3); the rest through quantile_interval on T − 3 directly, for time.
    n, seeds = 100, 1000
    coverage = stats.binom.cdf(99, n, 0.95) - stats.binom.cdf(89, n, 0.95)
    covered = 0
    for seed in range(seeds):
        T = np.random.default_rng(seed).uniform(4, 6, n)
        interval = quantile_interval(T - 3, 0.95)
        if seed < 100:
            assert robust_strength(*dilemmas(T), GUIDANCE, "subsidy", "strict", confidence=0.95).interval == interval
        covered += interval[0] <= 2.9 <= interval[1]
    lo, hi = stats.binom.ppf([0.0005, 0.9995], seeds, coverage)
    assert lo <= covered <= hi, (covered, lo, hi)


def test_qmc_t_interval_covers_the_closed_form_quantile():
    # 100 seeds, each 8 independent scramblings of 64 Sobol' points: the interval must cover
    # the closed-form 0.95 quantile 2.9 in at least 90 of them (nominal 95 %; 90 leaves room
    # for the asymptotic t law with 8 groups), and stay informative (narrower than 0.2, the
    # range is 2).
    covered, widths = 0, []
    for seed in range(100):
        seeds = np.random.SeedSequence(seed).spawn(8)
        u = np.concatenate([qmc.Sobol(1, scramble=True, seed=int(s.generate_state(1)[0])).random(64)[:, 0] for s in seeds])
        groups = np.repeat(np.arange(8), 64)
        r = robust_strength(*dilemmas(4 + 2 * u), GUIDANCE, "subsidy", "strict", confidence=0.95, groups=groups)
        covered += r.interval[0] <= 2.9 <= r.interval[1]
        widths.append(r.interval[1] - r.interval[0])
    assert covered >= 90
    assert max(widths) < 0.2


def test_qmc_interval_with_two_quantities_covers_its_quantile():
    # T − R with T uniform on [4, 6] and R uniform on [2.5, 3.5] (S = 0, P = 1): the strength is
    # the difference of two independent uniforms, trapezoidal on [0.5, 3.5] with density
    # (3.5 − x)/2 on [2.5, 3.5], so P(X > x) = (3.5 − x)²/4 there and the 0.95 quantile is
    # 3.5 − √0.2. Sobol' in 2-D, 8 × 64.
    truth = 3.5 - math.sqrt(0.2)
    covered = 0
    for seed in range(100):
        seeds = np.random.SeedSequence(1000 + seed).spawn(8)
        u = np.concatenate([qmc.Sobol(2, scramble=True, seed=int(s.generate_state(1)[0])).random(64) for s in seeds])
        T, R = 4 + 2 * u[:, 0], 2.5 + u[:, 1]
        A, B = dilemmas(T)
        A[:, 0, 0] = R
        B = np.transpose(A, (0, 2, 1)).copy()
        r = robust_strength(A, B, GUIDANCE, "subsidy", "strict", confidence=0.95, groups=np.repeat(np.arange(8), 64))
        covered += r.interval[0] <= truth <= r.interval[1]
    assert covered >= 90


def test_unreachable_worlds_give_an_infinite_upper_end():
    x = np.concatenate([np.linspace(1, 2, 97), np.full(3, np.inf)])  # 3 % unreachable
    assert quantile_interval(x, 0.95) == (x[89], math.inf)  # x₍₉₀₎ and x₍₁₀₀₎ = +∞
    low, high = quantile_interval(x, 0.95, groups=np.tile(np.arange(4), 25))  # one +∞ in groups 1-3
    assert high == math.inf and 1.8 < low < 2
    x = np.concatenate([np.linspace(1, 2, 94), np.full(6, np.inf)])  # only group 3's quantile is +∞
    groups = np.repeat([0, 1, 2, 3], 25)
    q = [np.quantile(np.where(np.isinf(x), 2.0, x)[groups == g], 0.95, method="inverted_cdf") for g in range(4)]
    t = stats.t.ppf(0.975, 3) * np.std(q, ddof=1) / 2  # the t part, +∞ censored at the largest finite value 2
    low, high = quantile_interval(x, 0.95, groups=groups)
    # (group 3's (k − 1)-th value is +∞ too, so the widening leaves the t part's lower end)
    assert high == math.inf and low == pytest.approx(np.mean(q) - t, abs=1e-12)
    x = np.concatenate([np.linspace(1, 2, 90), np.full(10, np.inf)])  # 10 % unreachable: +∞ everywhere
    assert quantile_interval(x, 0.95, groups=np.tile(np.arange(4), 25)) == (math.inf, math.inf)
    assert quantile_interval(np.full(50, np.inf), 0.5, groups=np.repeat([0, 1], 25)) == (math.inf, math.inf)


def test_an_atom_gives_a_point_interval():
    r = robust_strength(*dilemmas(np.full(100, 5.0)), GUIDANCE, "subsidy", "strict")  # every world needs 2
    assert r.interval == (2.0, 2.0)
    r = robust_strength(*dilemmas(np.full(100, 5.0)), GUIDANCE, "subsidy", "strict", groups=np.repeat([0, 1, 2, 3], 25))
    assert r.interval == (2.0, 2.0)
    # 40 draws are too few for an upper bound on the 0.95 quantile (all n draws fall below it
    # with probability 0.95ⁿ, which must be ≤ 0.025: the least n is 72), and a
    # scrambling of 10 points has no value beyond its 10th, the 0.95 quantile's own
    r = robust_strength(*dilemmas(np.full(40, 5.0)), GUIDANCE, "subsidy", "strict")
    assert r.interval == (2.0, math.inf)
    assert quantile_interval(np.full(40, 2.0), 0.95, groups=np.repeat([0, 1, 2, 3], 10)) == (2.0, math.inf)
    assert order_statistic_indices(71, 0.95)[1] == 72 and order_statistic_indices(72, 0.95)[1] == 72


def test_errors():
    with pytest.raises(ValueError, match="at least two"):
        quantile_interval(np.ones(4), 0.5, groups=np.zeros(4))
    with pytest.raises(ValueError, match="groups has 3 entries"):
        quantile_interval(np.ones(4), 0.5, groups=np.zeros(3))
    with pytest.raises(ValueError, match="interval_confidence"):
        robust_strength(*dilemmas(np.full(4, 5.0)), GUIDANCE, "subsidy", "strict", interval_confidence=1.0)
    with pytest.raises(ValueError, match="NaN"):
        quantile_interval(np.array([1.0, np.nan]), 0.5)
