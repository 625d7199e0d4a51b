"""solver.design: minimal strength, comparison, transfers, monitoring, Shapley, allocation."""

import itertools

import numpy as np
import pytest
from scipy.optimize import brentq

from games import (
    BindingContract,
    HigherLevelGuidance,
    RepeatedPlay,
    SidePayment,
    ThirdPartyOrganization,
    apply,
    grim_trigger_threshold,
    prisoners_dilemma,
)
from regions import GameSpec, Link, Region, RegionNetwork, load_scenario
from solver import stability
from solver.design import (
    GENERIC,
    Option,
    allocate,
    compare,
    fair_transfer,
    imperfect_monitoring_threshold,
    link_key,
    minimal_strength,
    shapley_surplus,
    side_payments,
    stabilizing_transfer,
)

PDS = [(5, 3, 1, 0), (4, 3, 0, -1), (6, 3, 2, -2), (7, 4, 3, 1)]


@pytest.mark.parametrize(("T", "R", "P", "S"), PDS)
@pytest.mark.parametrize(
    ("mechanism", "parameter", "formula"),
    [
        # target → analytic threshold from DESIGN §4, as a function of (T, R, P, S)
        (
            HigherLevelGuidance(),
            "subsidy",
            {
                "weak": lambda T, R, P, S: T - R,
                "strict": lambda T, R, P, S: T - R,
                "dominant": lambda T, R, P, S: max(T - R, P - S),
            },
        ),
        (
            HigherLevelGuidance(subsidy=0.5, detection=0.5),
            "penalty",
            {"weak": lambda T, R, P, S: (T - R - 0.5) / 0.5, "dominant": lambda T, R, P, S: (max(T - R, P - S) - 0.5) / 0.5},
        ),
        (
            HigherLevelGuidance(penalty=4),
            "detection",
            {"weak": lambda T, R, P, S: (T - R) / 4, "dominant": lambda T, R, P, S: max(T - R, P - S) / 4},
        ),
        (
            BindingContract(),
            "breach_penalty",
            {
                "weak": lambda T, R, P, S: T - R,
                "strict": lambda T, R, P, S: T - R,
                "dominant": lambda T, R, P, S: max(T - R, P - S),
            },
        ),
        (
            BindingContract(breach_penalty=5),
            "enforcement",
            {"weak": lambda T, R, P, S: (T - R) / 5, "dominant": lambda T, R, P, S: max(T - R, P - S) / 5},
        ),
        (
            RepeatedPlay(),
            "discount",
            {"weak": lambda T, R, P, S: (T - R) / (T - P), "strict": lambda T, R, P, S: (T - R) / (T - P)},
        ),
    ],
    ids=["subsidy", "penalty", "detection", "breach_penalty", "enforcement", "discount"],
)
def test_bisection_agrees_with_the_formula(T, R, P, S, mechanism, parameter, formula):
    game = prisoners_dilemma(T=T, R=R, P=P, S=S)
    for target, f in formula.items():
        expected = f(T, R, P, S)
        analytic = minimal_strength(game, mechanism, parameter, target)
        bisected = minimal_strength(game, mechanism, parameter, target, method="bisection")
        high = type(mechanism).RANGES[parameter][1]
        if expected > high or (expected == high and target != "weak"):  # a strict inequality at the bound
            assert not analytic.feasible and not bisected.feasible
            continue
        expected = max(expected, 0.0)
        assert analytic.method == "analytic"
        assert analytic.value == pytest.approx(expected, abs=1e-12)
        assert bisected.method == "bisection" and bisected.monotone
        assert bisected.value == pytest.approx(expected, abs=1e-6)
        assert stability(apply(game, analytic.mechanism), basin=False).level == analytic.level


def test_strict_threshold_is_open_and_weak_is_closed():
    game = prisoners_dilemma(T=5, R=3, P=1, S=0)
    weak = minimal_strength(game, HigherLevelGuidance(), "subsidy", "weak")
    strict = minimal_strength(game, HigherLevelGuidance(), "subsidy", "strict")
    assert (weak.value, weak.attained, weak.used) == (2.0, True, 2.0)
    assert strict.value == 2.0 and not strict.attained and strict.used > 2.0
    assert stability(apply(game, HigherLevelGuidance(subsidy=2.0)), basin=False).level == "weak"


def test_risk_dominance_threshold_of_repetition():
    # (Grim, Grim) risk-dominates (AllD, AllD) iff (R − (1 − δ)T − δP)² > ((1 − δ)(P − S))², i.e.
    # δ > (T − R + P − S)/(T − S): 0.6 for 5, 3, 1, 0. No formula is coded for it: bisection.
    r = minimal_strength(prisoners_dilemma(T=5, R=3, P=1, S=0), RepeatedPlay(), "discount", "risk-dominant")
    assert r.method == "bisection"
    assert r.value == pytest.approx(0.6, abs=1e-6)


def test_unreachable_and_non_monotone_are_said():
    game = prisoners_dilemma(T=5, R=3, P=1, S=0)
    r = minimal_strength(game, HigherLevelGuidance(penalty=1), "detection", "weak")  # p·f ≤ 1 < T − R = 2
    assert not r.feasible and r.message == "no detection in [0, 1] reaches weak: both governments need detection ≥ 2"
    never = minimal_strength(game, RepeatedPlay(), "discount", "dominant")
    assert not never.feasible
    noisy = minimal_strength(game, RepeatedPlay(noise=0.01), "discount", "strict")
    assert noisy.feasible and not noisy.monotone and "not monotone" in noisy.message


def test_third_party_needs_a_sanction_to_strengthen():
    game = prisoners_dilemma(T=5, R=3, P=1, S=0)
    alone = minimal_strength(game, ThirdPartyOrganization(), "detection", "weak")
    assert not alone.feasible
    with_fine = minimal_strength(game, ThirdPartyOrganization(), "detection", "weak", others=(HigherLevelGuidance(penalty=4, detection=0.2),))
    # 1 − (1 − 0.2)(1 − q) ≥ 2/4  ⇔  q ≥ 0.375
    assert with_fine.value == pytest.approx(0.375)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda g: minimal_strength(g, HigherLevelGuidance(), "budget"), "no numeric parameter 'budget'"),
        (lambda g: minimal_strength(g, HigherLevelGuidance(), "subsidy", "none"), "target must be one of"),
        (lambda g: minimal_strength(g, HigherLevelGuidance(), "subsidy", "risk-dominant", method="analytic"), "no formula"),
    ],
)
def test_bad_calls(call, match):
    with pytest.raises(ValueError, match=match):
        call(prisoners_dilemma())


class TestTransfers:
    GAME = prisoners_dilemma(T=6, R=3, P=1, S=0, col={"T": 4, "R": 3, "P": 0, "S": -1})

    def test_fair_transfer_is_nash_bargaining(self):
        pay = fair_transfer(self.GAME)
        after = apply(self.GAME, pay).payoff((0, 0))
        # Each gets Pᵢ + ½[(R_A + R_B) − (P_A + P_B)] = Pᵢ + 2.5.
        assert after == pytest.approx((1 + 2.5, 0 + 2.5))

    def test_stabilizing_transfer_equalizes_thresholds_at_the_lowest_common_value(self):
        pay = stabilizing_transfer(self.GAME)
        a, b = grim_trigger_threshold(apply(self.GAME, pay))
        assert a == pytest.approx(b) == pytest.approx((3 + 1) / (5 + 4))
        # No transfer does better: the larger threshold is minimized at t*.
        for t in np.linspace(0, 2, 41):
            for payer in (0, 1):
                assert max(grim_trigger_threshold(apply(self.GAME, SidePayment(t, payer)))) >= a - 1e-12

    def test_reported_together(self):
        r = side_payments(self.GAME)
        assert r.conflict
        assert r.thresholds["stabilizing"][0] == pytest.approx(r.common_threshold)


@pytest.mark.parametrize(("T", "R", "P", "S"), PDS)
@pytest.mark.parametrize(("eps", "eta"), [(0.0, 1.0), (0.05, 0.9), (0.1, 0.5), (0.2, 0.95)])
def test_imperfect_monitoring_threshold(T, R, P, S, eps, eta):
    # Independent check: V_C = (1 − δ)R + δ[(1 − ε)V_C + εP] (cooperate, revert on a bad signal),
    # V_D = (1 − δ)T + δ[(1 − η)V_C + ηP] (deviate once); the threshold solves V_C = V_D.
    game = prisoners_dilemma(T=T, R=R, P=P, S=S)
    r = imperfect_monitoring_threshold(game, eps, eta)
    feasible = eps * (T - R) < (eta - eps) * (R - P)
    assert r.feasible == feasible
    if not feasible:
        assert "infeasible" in r.message
        return

    def gain(d):
        vc = ((1 - d) * R + d * eps * P) / (1 - d * (1 - eps))
        vd = (1 - d) * T + d * ((1 - eta) * vc + eta * P)
        return vc - vd

    root = brentq(gain, 1e-9, 1 - 1e-9, xtol=1e-14)
    assert r.threshold == pytest.approx(root, abs=1e-9)
    if eps == 0 and eta == 1:
        assert r.threshold == pytest.approx((T - R) / (T - P))


class TestSurplus:
    def test_shapley_by_permutations(self):
        # Independent: average marginal contributions over all orders of the regions.
        net = load_scenario("yongkang-wuyi-jinyun")
        r = shapley_surplus(net)
        from solver.design import link_surplus

        weights = link_surplus(net)
        players = list(r.values)

        def v(coalition):
            return sum(w for (a, b, _), w in weights.items() if a in coalition and b in coalition)

        orders = list(itertools.permutations(players))
        for p in players:
            marginal = [v(set(o[: o.index(p) + 1])) - v(set(o[: o.index(p)])) for o in orders]
            assert r.values[p] == pytest.approx(np.mean(marginal))
        assert r.efficient and r.in_core

    def test_negative_surplus_can_leave_the_core(self):
        # A path a–b–c with a negative middle... cut {a} has weight w_ab < 0: φ not in the core.
        regions = [Region("p", "P", "province")] + [Region(x, x, "county", parent="p") for x in "abc"]
        bad = GameSpec("payoffs", {"R": -1, "S": -2, "T": 0, "P": 0})  # cooperating destroys value
        good = GameSpec("payoffs", {"R": 3, "S": -1, "T": 4, "P": 0})
        net = RegionNetwork(regions, [Link(("a", "b"), "x", 1, bad), Link(("b", "c"), "x", 1, good)])
        r = shapley_surplus(net)
        assert r.in_core is False and r.blocking is not None


def small_network():
    regions = [
        Region("prov", "Province", "province"),
        Region("p1", "P1", "prefecture", parent="prov"),
        Region("p2", "P2", "prefecture", parent="prov"),
        Region("a", "A", "county", parent="p1"),
        Region("b", "B", "county", parent="p1"),
        Region("c", "C", "county", parent="p2"),
        Region("d", "D", "county", parent="p2"),
    ]
    pd = GameSpec("payoffs", {"R": 3, "S": -1, "T": 4, "P": 0})
    harmony = GameSpec("payoffs", {"R": 4, "S": 2, "T": 3, "P": 1})
    links = [
        Link(("a", "b"), "x", 3.0, pd),
        Link(("c", "d"), "x", 2.0, pd),
        Link(("a", "c"), "x", 4.0, pd),
        Link(("b", "d"), "x", 1.0, pd),
        Link(("b", "c"), "y", 5.0, harmony),  # already stable
    ]
    return RegionNetwork(regions, links, name="small")


MENU_COSTS = {
    "a–b x": [("p1", 2.0), ("prov", 3.0)],
    "c–d x": [("p2", 1.5), ("prov", 1.0)],
    "a–c x": [("prov", 4.0)],
    "b–d x": [("prov", 0.5)],
}


def brute_force(net, budgets, menu):
    weights = {link_key(k): k.weight for k in net.links}
    keys = list(menu)
    best = (-1.0, 0.0, None)
    for choice in itertools.product(*[[None, *menu[k]] for k in keys]):
        spend = dict.fromkeys(budgets, 0.0)
        for o in choice:
            if o is not None:
                spend[o.government] += o.cost
        if any(spend[g] > budgets[g] + 1e-12 for g in budgets):
            continue
        weight = sum(weights[k] for k, o in zip(keys, choice) if o is not None)
        cost = sum(o.cost for o in choice if o is not None)
        if weight > best[0] + 1e-12 or (abs(weight - best[0]) <= 1e-12 and cost < best[1] - 1e-12):
            best = (weight, cost, choice)
    return best


@pytest.mark.parametrize(
    "budgets",
    [
        {"p1": 0.0, "p2": 0.0, "prov": 0.0},  # too small for anything
        {"p1": 2.0, "p2": 1.0, "prov": 4.0},
        {"p1": 1.0, "p2": 2.0, "prov": 4.5},
        {"p1": 0.0, "p2": 0.0, "prov": 5.0},
        {"p1": 10.0, "p2": 10.0, "prov": 10.0},  # enough for all
    ],
)
def test_allocate_matches_enumeration(budgets):
    net = small_network()
    menu = {k: [Option(f"{g} {c}", g, c) for g, c in v] for k, v in MENU_COSTS.items()}
    plan = allocate(net, budgets, menu)
    weight, cost, _ = brute_force(net, budgets, menu)
    assert plan.stabilized_weight == pytest.approx(5.0 + weight)  # b–c is stable already
    assert sum(plan.spend.values()) == pytest.approx(cost)
    assert plan.already_stable == ["b–c y"]
    assert all(plan.spend[g] <= budgets[g] + 1e-9 for g in budgets)
    if sum(budgets.values()) == 0:
        assert plan.unstable == list(MENU_COSTS) and plan.stabilized_weight == 5.0
    if min(budgets.values()) >= 10:
        assert plan.unstable == [] and plan.stabilized_weight == pytest.approx(15.0)


def test_allocate_default_menu_respects_jurisdiction():
    net = load_scenario("yongkang-wuyi-jinyun")
    plan = allocate(net, {"jinhua": 100.0})
    # Jinhua may fund only the link inside its prefecture.
    assert [k for k, o in plan.chosen.items() if o] == ["yongkang–wuyi hardware"]
    assert plan.unstable == ["yongkang–jinyun hardware", "wuyi–jinyun hardware"]
    everything = allocate(net, {"zhejiang": 100.0})
    # By hand: the generic subsidy s* = T − R = 1 on yongkang–wuyi costs 2 × 1 (Zhejiang cannot
    # give Jinhua's guidance); on the two other links the scenario's Zhejiang guidance (penalty 1
    # detected with 0.5) needs s > T − R − 0.5 = 0.5 and costs 2 × 0.5 + 0.2 inspection = 1.2.
    assert everything.unstable == [] and everything.spend["zhejiang"] == pytest.approx(2.0 + 1.2 + 1.2, abs=1e-5)
    names = {k: o.name for k, o in everything.chosen.items()}
    assert names["yongkang–wuyi hardware"] == "guidance by zhejiang (subsidy 1)"


def test_allocate_rejects_bad_budgets():
    net = small_network()
    with pytest.raises(ValueError, match="budget of prov must be a finite non-negative number"):
        allocate(net, {"prov": -1.0})
    with pytest.raises(ValueError, match="funded by p1, which has no budget"):
        allocate(net, {"prov": 1.0}, {"a–b x": [Option("x", "p1", 1.0)]})


def test_compare_names_the_guiding_government():
    result = compare(load_scenario("yongkang-wuyi-jinyun"), candidates=GENERIC, target="strict")
    payers = {("–".join(r.link.between), r.candidate): r.payer for r in result.rows}
    assert payers[("yongkang–wuyi", "guidance: subsidy")] == "jinhua"
    assert payers[("yongkang–jinyun", "guidance: subsidy")] == "zhejiang"
    assert payers[("yongkang–jinyun", "binding contract")] == "members"
    costs = {("–".join(r.link.between), r.candidate): r.cost_to(r.payer or "") for r in result.rows}
    assert costs[("yongkang–wuyi", "guidance: subsidy")] == pytest.approx(2.0, abs=1e-5)  # 2 × s*, s* = 1
    assert costs[("yongkang–wuyi", "guidance: penalty")] == 0.0  # no fine is paid at (C, C)


def test_vectorized_compare_matches_link_by_link():
    # compare() sizes candidates shared by every link on all links at once; the rows must be
    # those of the one-link-at-a-time path (value, level, payer, every party's payments).
    from games import SidePayment, ThirdPartyOrganization
    from solver import link_game
    from solver.design import Candidate
    from solver.design.compare import _one_row

    net = load_scenario("yongkang-wuyi-jinyun")
    candidates = [
        Candidate("subsidy", HigherLevelGuidance(inspection_cost=0.1), "subsidy"),
        Candidate("penalty", HigherLevelGuidance(detection=0.5), "penalty"),
        Candidate("contract", BindingContract(enforcement=0.8, signing_cost=0.05), "breach_penalty"),
        Candidate("third party", ThirdPartyOrganization(fee=0.02), "detection", (HigherLevelGuidance(penalty=3, detection=0.1),)),
        Candidate("transfer", SidePayment(payer=1), "transfer", (HigherLevelGuidance(subsidy=0.9),)),
    ]
    for target in ("weak", "strict", "dominant"):
        for row in compare(net, candidates, target).rows:
            candidate = next(c for c in candidates if c.label == row.candidate)
            alone = _one_row(row.link, link_game(net, row.link), row.superior, candidate, target)
            assert (row.strength.value is None) == (alone.strength.value is None)
            if row.strength.value is not None:
                assert row.strength.value == pytest.approx(alone.strength.value, abs=1e-9)
            assert (row.strength.level, row.payer) == (alone.strength.level, alone.payer)
            assert row.costs.keys() == alone.costs.keys()
            for party, entry in row.costs.items():
                assert entry == pytest.approx(alone.costs[party], abs=1e-9)
