"""solver.robust: levels over sampled worlds, probabilities with intervals, robust strengths.

References: closed forms of the prisoner's dilemma under guidance (a₁ = R + s + d·f − T), the
laws' CDF and ppf from scipy.stats, the Wilson interval as the root set of its defining
inequality (brentq), scipy's one-sample t interval, order statistics' Beta law, and the
exact rational per-world game path (games.apply + solver.stability on Fractions).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize, stats
from scipy.stats import qmc

from games import Game, HigherLevelGuidance, RepeatedPlay, SidePayment, apply
from solver import stability
from solver.robust import level_samples, probability, reaches_target, robust_strength

R, S, P = 3.0, 0.0, 1.0
# subsidy + detection · penalty = 1 + 0.5 · 1 = 1.5: (C, C) is Nash ⇔ T − R ≤ 1.5 ⇔ T ≤ 4.5
GUIDANCE = HigherLevelGuidance(subsidy=1.0, penalty=1.0, detection=0.5)
LAWS = {
    "uniform": stats.uniform(4, 2),
    "triangular": stats.triang(c=0.35, loc=4, scale=2),  # mode 4.7; F(4.5) = 0.25 / 1.4, not dyadic
    "truncated normal": stats.truncnorm(-1.5, 1.5, loc=5, scale=2 / 3),  # mean 5, sd 2/3, on [4, 6]
}


def pd(T, r=R, s=S, p=P):
    """Symmetric prisoner's dilemmas, one per T: arrays (n, 2, 2)."""
    T = np.asarray(T, dtype=float)
    A = np.zeros((len(T), 2, 2))
    A[:, 0, 0], A[:, 0, 1], A[:, 1, 0], A[:, 1, 1] = r, s, T, p
    return A, np.transpose(A, (0, 2, 1))


def nash_hits(T):
    return reaches_target(level_samples(*pd(T), [GUIDANCE]), "weak")


def test_the_issue_probability_is_one_quarter_on_a_stratified_grid():
    # T_i = 4 + 2 (i + ½)/n: exactly n/4 of them are ≤ 4.5, so the share is 0.25 with no error.
    n = 4000
    T = 4 + 2 * (np.arange(n) + 0.5) / n
    assert probability(nash_hits(T)).p == 0.25
    # the threshold itself: T = 4.5 gives a₁ = 0, (C, C) is (weakly) Nash; 4.500001, not (the next
    # float above 4.5 is read as the decimal 4.5 it prints as: docs/architecture.md, exact numbers)
    levels = level_samples(*pd([4.5, 4.500001]), [GUIDANCE])
    assert levels.tolist() == ["weak", "none"]


def test_per_world_parameters_move_the_threshold():
    # detection per world: T ≤ 4.5 ⇔ d ≥ T − 4 with subsidy 1, penalty 1 (closed form, elementwise)
    rng = np.random.default_rng(3)
    T, d = rng.uniform(4, 6, 2000), rng.uniform(0, 1, 2000)
    hits = reaches_target(level_samples(*pd(T), [GUIDANCE], {0: {"detection": d}}), "weak")
    np.testing.assert_array_equal(hits, R + 1 + d - T >= 0)


@pytest.mark.parametrize("law", ["triangular", "truncated normal"])
def test_probability_is_the_laws_cdf_at_the_threshold(law):
    # T_i = F⁻¹((i + ½)/n): the share of T_i ≤ 4.5 is within 1/n of F(4.5) (scipy's CDF).
    n = 4000
    T = LAWS[law].ppf((np.arange(n) + 0.5) / n)
    p = probability(nash_hits(T)).p
    assert abs(p - LAWS[law].cdf(4.5)) <= 1 / n


def test_wilson_intervals_cover_the_truth_as_often_as_the_binomial_law_says():
    # Fixed seeds 0…199, n = 400 plain draws of T per seed and law. The interval's exact coverage
    # C = Σ_k Binom(k; 400, p) [interval(k) ∋ p] is computed by summation (Wilson's coverage
    # oscillates around 95 %: C = 0.9435 at p = 0.25, Brown, Cai and DasGupta 2001), so the issue's
    # "≥ 95 % of 200 seeds" cannot hold for every seed list; the test asks C ≥ 0.93 and a count of
    # covering seeds no lower than the 0.1 % quantile of Binomial(200, C).
    n = 400
    for name, law in LAWS.items():
        truth = law.cdf(4.5)
        exact = sum(stats.binom.pmf(k, n, truth) for k in range(n + 1) if probability(np.arange(n) < k).covers(truth))
        covered = sum(probability(nash_hits(law.rvs(n, random_state=seed))).covers(truth) for seed in range(200))
        assert exact >= 0.93 and covered >= stats.binom(200, exact).ppf(0.001), (name, exact, covered)


def test_qmc_intervals_cover_the_truth_in_95_percent_of_200_seeds():
    # 8 independent scramblings of 64 Sobol' points per seed; t interval with 7 degrees of freedom.
    # (For the uniform law the threshold ¼ is dyadic: every scrambling then counts exactly 16 of 64,
    # the estimate is exactly 0.25 — checked too; the interval is then the lattice one, 0.25 ± 0.32/64.)
    for name, law in LAWS.items():
        truth, covered = law.cdf(4.5), 0
        for seed in range(200):
            rng = np.random.default_rng(seed)
            u = np.concatenate([qmc.Sobol(1, scramble=True, seed=rng).random(64)[:, 0] for _ in range(8)])
            e = probability(nash_hits(law.ppf(u)), method="qmc", groups=np.repeat(np.arange(8), 64))
            covered += e.covers(truth)
            if name == "uniform":
                assert e.p == 0.25 and e.high - e.low == pytest.approx(2 * 3.8415 / (8 + 3.8415) / 64, abs=1e-4)
        assert covered >= 190, (name, covered)


@pytest.mark.parametrize(("k", "n"), [(0, 10), (1, 10), (25, 100), (99, 100), (100, 100), (3, 7), (5000, 20000)])
@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
def test_wilson_interval_is_the_root_set_of_its_defining_inequality(k, n, confidence):
    # Wilson: {p : |k/n − p| ≤ z √(p(1 − p)/n)}; its ends are roots found here by bisection.
    z = stats.norm.ppf(0.5 + confidence / 2)
    phat = k / n

    def f(p):
        return (phat - p) ** 2 - z * z * p * (1 - p) / n

    # f ≤ 0 inside the interval, f(0) = phat² and f(1) = (1 − phat)²; at k = 0 (k = n) the end 0 (1)
    # is itself a root, so the other end is bracketed from just inside
    low = 0.0 if k == 0 else optimize.brentq(f, 0.0, min(phat, 1 - 1e-15), xtol=1e-15)
    high = 1.0 if k == n else optimize.brentq(f, max(phat, 1e-15), 1.0, xtol=1e-15)
    e = probability(np.arange(n) < k, confidence=confidence)
    assert (e.p, e.n, e.method) == (phat, n, "wilson")
    assert e.low == pytest.approx(low, abs=1e-12) and e.high == pytest.approx(high, abs=1e-12)


def test_qmc_interval_is_scipys_one_sample_t_interval():
    rng = np.random.default_rng(7)
    groups = np.repeat(np.arange(6), 50)
    hits = rng.random(300) < 0.3
    means = np.array([hits[groups == g].mean() for g in range(6)])
    ci = stats.ttest_1samp(means, 0).confidence_interval(0.9)
    e = probability(hits, method="qmc", groups=groups, confidence=0.9)
    assert e.p == pytest.approx(means.mean(), abs=1e-15)
    assert (e.low, e.high) == (pytest.approx(max(0, ci.low), abs=1e-12), pytest.approx(min(1, ci.high), abs=1e-12))


@settings(max_examples=25, deadline=None)
@given(lo=st.integers(30, 60), width=st.integers(1, 40), confidence=st.sampled_from([0.8, 0.9, 0.95]))
def test_robust_subsidy_is_the_quantile_of_t_minus_r_uniform(lo, width, confidence):
    # T uniform on [lo, hi] (tenths), guidance subsidy s alone: the pointwise need is T − R, its
    # quantile lo + q (hi − lo) − R (scipy's ppf). On the grid T_i = F⁻¹((i + ½)/n) the k-th
    # smallest (k = ⌈qn⌉) is F⁻¹((k − ½)/n): within (hi − lo)/n of the ppf.
    lo, hi, n = lo / 10, (lo + width) / 10, 2000
    law = stats.uniform(lo, hi - lo)
    r = robust_strength(*pd(law.ppf((np.arange(n) + 0.5) / n), r=lo - 1), HigherLevelGuidance(), "subsidy", "weak", confidence=confidence)
    assert r.value == pytest.approx(law.ppf(confidence) - (lo - 1), abs=(hi - lo) / n + 1e-12)
    assert r.closed and r.holds_share >= confidence and r.reachable_share == 1.0
    assert r.text.startswith("subsidy ≥ ")


@pytest.mark.parametrize("law", ["triangular", "truncated normal"])
def test_robust_subsidy_from_random_draws_sits_where_the_order_statistic_law_says(law):
    # x̂ is the k-th order statistic of T − R: F(x̂ + R) ~ Beta(k, n + 1 − k); 99.9 % interval.
    n, q = 5000, 0.95
    k = math.ceil(q * n)
    T = LAWS[law].rvs(n, random_state=11)
    r = robust_strength(*pd(T), HigherLevelGuidance(), "subsidy", "weak", confidence=q)
    lo, hi = stats.beta(k, n + 1 - k).ppf([0.0005, 0.9995])
    assert lo <= LAWS[law].cdf(r.value + R) <= hi
    assert abs(r.value - (LAWS[law].ppf(q) - R)) < 0.05


def _reaches_exactly(t: Fraction, s: Fraction, target: str) -> bool:
    """Weak: R + s ≥ T; strict: R + s > T (a PD under a subsidy s: a₁ = R + s − T)."""
    gap = Fraction(3) + s - t
    return gap >= 0 if target == "weak" else gap > 0


@pytest.mark.parametrize("target", ["weak", "strict"])
def test_robust_value_holds_in_the_share_and_fails_just_below_exact_arithmetic(target):
    # 40 worlds with one-decimal T: the answer must hold in ≥ 95 % and (for ≥) fail just below,
    # judged by hand in Fractions and by the exact game path (games.apply + solver.stability).
    T = np.round(np.random.default_rng(5).uniform(4, 6, 40), 1)
    r = robust_strength(*pd(T), HigherLevelGuidance(), "subsidy", target)
    x = Fraction(r.value).limit_denominator(10**6)
    ts = [Fraction(str(t)) for t in T]
    expected = sorted(t - 3 for t in ts)[math.ceil(0.95 * 40) - 1]
    assert x == expected and r.closed == (target == "weak")
    at = Fraction(r.used).limit_denominator(10**9) if r.closed else Fraction(r.used)
    assert sum(_reaches_exactly(t, at, target) for t in ts) >= 38
    below = x - Fraction(1, 10**6)
    assert sum(_reaches_exactly(t, below, target) for t in ts) < 38
    games = [apply(Game(a, b), HigherLevelGuidance(subsidy=r.used)) for a, b in zip(*pd(T))]
    assert sum(stability(g, basin=False).level != "none" and (target == "weak" or stability(g, basin=False).strict) for g in games) >= 38


def test_expected_cost_is_the_mean_of_2s_plus_k():
    T = 4 + 2 * (np.arange(1000) + 0.5) / 1000
    k = np.linspace(0, 1, 1000)
    r = robust_strength(*pd(T), HigherLevelGuidance(), "subsidy", "weak", params={0: {"inspection_cost": k}})
    assert r.payer == "guide" and r.expected_cost == pytest.approx(2 * r.value + 0.5, abs=1e-12)


def test_not_reachable_when_too_many_worlds_have_no_transfer():
    # the row government pays t: receiver needs t ≥ 1, payer tolerates t ≤ T-dependent bound;
    # at T_row = 2.5 the payer gives at most 0.5 (solver.design.batch's doctest case): unreachable.
    A = np.array([[[3, 0], [2.5, 1]]] * 10, dtype=float)
    B = np.array([[[2, 3], [0, 1]]] * 10, dtype=float)
    A[:8, 1, 0] = 1.0  # 8 of 10 reachable: a₁ of the payer 2, receiver needs 1
    r = robust_strength(A, B, SidePayment(payer=0), "transfer", "weak", confidence=0.9)
    assert r.value is None and r.text == "not reachable" and r.reachable_share == 0.8
    assert robust_strength(A, B, SidePayment(payer=0), "transfer", "weak", confidence=0.8).value == 1.0


def test_repeated_play_levels_follow_the_grim_trigger_threshold():
    # strategies AllD and Grim: (Grim, Grim) is Nash ⇔ δ ≥ (T − R)/(T − P) (closed form)
    T = np.round(np.random.default_rng(2).uniform(3.5, 8, 30), 2)
    hits = reaches_target(level_samples(*pd(T), [RepeatedPlay(discount=0.6, strategies=("AllD", "Grim"))]), "weak")
    np.testing.assert_array_equal(hits, 0.6 >= (T - R) / (T - P))


def test_bad_inputs_are_one_line_errors():
    A, B = pd([5.0, 6.0])
    with pytest.raises(ValueError, match=r"shape \(n, 2, 2\)"):
        level_samples(A[0], B[0])
    with pytest.raises(ValueError, match="no numeric parameter 'subsidyy'"):
        level_samples(A, B, [GUIDANCE], {0: {"subsidyy": 1.0}})
    with pytest.raises(ValueError, match="params names mechanism 1"):
        level_samples(A, B, [GUIDANCE], {1: {"subsidy": 1.0}})
    with pytest.raises(ValueError, match=r"shape \(3,\), expected \(2,\)"):
        level_samples(A, B, [GUIDANCE], {0: {"subsidy": np.ones(3)}})
    with pytest.raises(ValueError, match="confidence must be in"):
        robust_strength(A, B, GUIDANCE, "subsidy", "weak", confidence=1.0)
    with pytest.raises(ValueError, match="target must be a level other than 'none'"):
        robust_strength(A, B, GUIDANCE, "subsidy", "none")
    with pytest.raises(ValueError, match="needs groups"):
        probability([True, False], method="qmc")
    with pytest.raises(ValueError, match="at least two scramblings"):
        probability([True, False], method="qmc", groups=[0, 0])
    with pytest.raises(ValueError, match="unknown method 'sobol'"):
        probability([True], method="sobol")
    with pytest.raises(ValueError, match="hits is empty"):
        probability([])


def test_robust_discount_of_repeated_play_is_the_quantile_of_the_grim_threshold():
    # world by world (no batch formula for repeated play): δ*(T) = (T − R)/(T − P), its 18th of 20
    T = np.round(np.random.default_rng(2).uniform(3.5, 8, 20), 2)
    r = robust_strength(*pd(T), RepeatedPlay(strategies=("AllD", "Grim")), "discount", "weak", confidence=0.9)
    assert r.value == pytest.approx(np.sort((T - R) / (T - P))[17], abs=1e-9) and r.closed and r.payer == "none"


@pytest.mark.parametrize(
    ("stack", "closed_form"),
    [
        ([GUIDANCE], lambda T: T <= 4.5),  # a₁ = R + s + d·f − T = 4.5 − T ≥ 0
        ([RepeatedPlay(discount=0.6, strategies=("AllD", "Grim"))], lambda T: 0.6 >= (T - R) / (T - P)),  # grim trigger
    ],
)
def test_level_codes_index_the_levels_and_reach_the_target_by_the_closed_form(stack, closed_form):
    from solver import LEVELS
    from solver.robust.engine import level_codes

    T = np.concatenate([np.round(np.random.default_rng(4).uniform(3.5, 8, 40), 2), [4.5, 6.0]])  # with both thresholds
    codes = level_codes(*pd(T), stack)
    assert codes.dtype == np.int8
    assert [LEVELS[c] for c in codes] == level_samples(*pd(T), stack).tolist()
    np.testing.assert_array_equal(codes <= LEVELS.index("weak"), closed_form(T))
