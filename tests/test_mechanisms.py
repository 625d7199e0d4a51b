"""games.mechanisms: DESIGN §4 formulas, accounting, validation, and properties."""

import itertools
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from games import (
    STANDARD,
    BindingContract,
    Game,
    HigherLevelGuidance,
    RepeatedPlay,
    SidePayment,
    ThirdPartyOrganization,
    accounting,
    apply,
    contract_game,
    induced_game,
    mechanism_from_dict,
    prisoners_dilemma,
    stage_payoffs,
)
from regions import MECHANISM_KINDS
from solver import equilibria, is_equilibrium, stability
from solver.design.strength import reaches
from tests.strategies import pd_payoffs, stage_games

PDS = [(5, 3, 1, 0), (4, 3, 0, -1), (3, 2, 1, 0), (6, 3, 2, -2), (7, 4, 3, 1)]


def cc_is_nash(game):
    return is_equilibrium(game, np.array([1.0, 0.0]), np.array([1.0, 0.0]))


@pytest.mark.parametrize(("T", "R", "P", "S"), PDS)
def test_guidance_thresholds_on_a_grid(T, R, P, S):
    # DESIGN §4: (C, C) is an equilibrium iff s + p·f ≥ T − R; C strictly dominant iff
    # s + p·f > max(T − R, P − S).
    game = prisoners_dilemma(T=T, R=R, P=P, S=S)
    for s, f, p in itertools.product([0, 0.5, 1, 2, 3], [0, 1, 2, 4], [0, 0.25, 0.5, 1]):
        g = apply(game, HigherLevelGuidance(subsidy=s, penalty=f, detection=p))
        shift = s + p * f
        assert cc_is_nash(g) == (shift >= T - R), (s, f, p)
        assert (stability(g, basin=False).level == "dominant") == (shift > max(T - R, P - S)), (s, f, p)


@pytest.mark.parametrize(("T", "R", "P", "S"), PDS)
def test_contract_threshold_on_a_grid(T, R, P, S):
    # DESIGN §4 (θ = 1, no mutual breach): (C, C) an equilibrium iff e·L ≥ T − R; compliance
    # strictly dominant iff e·L > max(T − R, P − S).
    game = prisoners_dilemma(T=T, R=R, P=P, S=S)
    for L, e in itertools.product([0, 1, 1.5, 2, 3, 5], [0, 0.25, 0.5, 0.8, 1]):
        g = apply(game, BindingContract(breach_penalty=L, enforcement=e))
        assert cc_is_nash(g) == (e * L >= T - R), (L, e)
        assert (stability(g, basin=False).level == "dominant") == (e * L > max(T - R, P - S)), (L, e)


def test_guidance_turns_a_dilemma_into_a_stag_hunt():
    # T − R = 2 < s + p·f = 2.5 < P − S = 3: a stag hunt, mixed equilibrium at
    # p* = (P′ − S′)/[(R′ − T′) + (P′ − S′)], risk dominance iff R′ + S′ > T′ + P′.
    game = prisoners_dilemma(T=5, R=3, P=1, S=-2)
    g = apply(game, HigherLevelGuidance(subsidy=2.5))
    p = stage_payoffs(g)[0]
    star = (p.P - p.S) / ((p.R - p.T) + (p.P - p.S))
    mixed = [e for e in equilibria(g) if not e.pure]
    assert len(mixed) == 1 and mixed[0].row[0] == pytest.approx(star) and mixed[0].col[0] == pytest.approx(star)
    assert stability(g, basin=False).risk_dominant is (p.R + p.S > p.T + p.P)
    for subsidy in (2.2, 2.4, 2.6, 2.8):
        q = stage_payoffs(apply(game, HigherLevelGuidance(subsidy=subsidy)))[0]
        assert stability(apply(game, HigherLevelGuidance(subsidy=subsidy)), basin=False).risk_dominant is (q.R + q.S > q.T + q.P)


@pytest.mark.parametrize(("x", "q"), [(0.0, 0.5), (0.3, 0.4), (0.5, 0.0), (0.9, 0.9), (1.0, 0.2)])
def test_third_party_detection(x, q):
    game = prisoners_dilemma(T=5, R=3, P=1, S=0)
    g = apply(game, HigherLevelGuidance(penalty=2, detection=x), ThirdPartyOrganization(fee=0.1, detection=q))
    effective = 1 - (1 - x) * (1 - q)
    assert g.row_payoffs[1, 0] == pytest.approx(5 - effective * 2 - 0.1)
    c = apply(game, BindingContract(breach_penalty=2, enforcement=x), ThirdPartyOrganization(detection=q))
    assert c.row_payoffs[1, 0] == pytest.approx(5 - effective * 2)
    r = apply(game, RepeatedPlay(discount=0.8, noise=0.1), ThirdPartyOrganization(detection=q))
    np.testing.assert_allclose(r.row_payoffs, apply(game, RepeatedPlay(discount=0.8, noise=0.1 * (1 - q))).row_payoffs, atol=1e-12)


def test_side_payment():
    g = apply(prisoners_dilemma(T=5, R=3, P=1, S=0), SidePayment(transfer=1, payer=0))
    assert g.payoff((0, 0)) == (2.0, 4.0)
    assert g.payoff((1, 1)) == (1.0, 1.0)


def test_mutual_breach_and_compensation():
    g = apply(
        prisoners_dilemma(T=5, R=3, P=1, S=0),
        BindingContract(breach_penalty=2, enforcement=0.5, compensation=0.5, mutual_breach=True, signing_cost=0.1),
    )
    np.testing.assert_allclose(g.row_payoffs, [[2.9, 0.4], [3.9, -0.1]])
    book = accounting(
        prisoners_dilemma(),
        BindingContract(breach_penalty=2, enforcement=0.5, compensation=0.5, mutual_breach=True, signing_cost=0.1),
    )
    assert book.at((0, 1), (1, 0))["enforcer"] == pytest.approx((0.0, 0.5))  # row breaches: pays 1, half to the cooperator
    assert book.at((0, 1), (0, 1))["enforcer"] == pytest.approx((0.0, 2.0))  # mutual breach: both pay 1


def test_contract_game_participation():
    # Symmetric PD: signed and kept iff the contract deters (e·L ≥ T − R) and R − k ≥ P
    # (DESIGN §4). A government whose partner stays out is not bound and plays D.
    stage = prisoners_dilemma(T=5, R=3, P=1, S=0)
    comply = np.array([1.0, 0.0, 0.0])
    for k in (0.0, 1.0, 2.0, 2.5):
        g = contract_game(stage, BindingContract(breach_penalty=3, signing_cost=k))
        assert is_equilibrium(g, comply, comply) == (3 - k >= 1), k
    weak = contract_game(stage, BindingContract(breach_penalty=1))
    assert not is_equilibrium(weak, comply, comply)


@pytest.mark.parametrize(
    ("build", "match"),
    [
        (lambda: HigherLevelGuidance(detection=1.5), "detection must be in \\[0, 1\\], got 1.5"),
        (lambda: HigherLevelGuidance(subsidy=-1), "subsidy must be ≥ 0"),
        (lambda: HigherLevelGuidance(inspection_cost=float("nan")), "inspection_cost must be a finite number"),
        (lambda: BindingContract(enforcement=-0.1), "enforcement must be in"),
        (lambda: BindingContract(signing_cost=-1), "signing_cost must be ≥ 0"),
        (lambda: BindingContract(mutual_breach="yes"), "mutual_breach must be true or false"),
        (lambda: ThirdPartyOrganization(fee=-0.5), "fee must be ≥ 0"),
        (lambda: SidePayment(transfer=1, payer=2), "payer must be 0"),
        (lambda: RepeatedPlay(discount=1.0), "discount must be in \\(0, 1\\)"),
        (lambda: RepeatedPlay(discount=0.0), "discount must be in \\(0, 1\\)"),
        (lambda: RepeatedPlay(noise=0.5), "noise must be in \\[0, 0.5\\)"),
        (lambda: apply(prisoners_dilemma(), RepeatedPlay(), RepeatedPlay()), "at most one RepeatedPlay"),
        (lambda: apply(induced_game(prisoners_dilemma(), 0.9), HigherLevelGuidance()), "2×2 stage game"),
        (lambda: mechanism_from_dict("guidance", {}), "unknown mechanism kind"),
    ],
)
def test_validation_names_the_parameter(build, match):
    with pytest.raises(ValueError, match=match):
        build()


def test_scenario_schema_matches_the_mechanisms():
    # regions states the parameter ranges again (it may not import games): they must agree.
    from games import MECHANISMS

    assert set(MECHANISM_KINDS) == set(MECHANISMS)
    for kind, ranges in MECHANISM_KINDS.items():
        assert ranges == MECHANISMS[kind].RANGES, kind


# Random mechanisms of each kind, with valid parameters: 0, or at least 10⁻¹⁰⁰ (subnormal
# strengths are refused: they made payoffs of 1e-313, beyond any exact kernel's floats).
prob = st.floats(0, 1).filter(lambda v: v == 0 or v >= 1e-100)
amount = st.floats(0, 10).filter(lambda v: v == 0 or v >= 1e-100)
guidance = st.builds(HigherLevelGuidance, subsidy=amount, penalty=amount, detection=prob, inspection_cost=amount)
contract = st.builds(BindingContract, breach_penalty=amount, enforcement=prob, compensation=prob, signing_cost=amount, mutual_breach=st.booleans())
third = st.builds(ThirdPartyOrganization, fee=amount, detection=prob)
side = st.builds(SidePayment, transfer=amount, payer=st.sampled_from([0, 1]))
repeated = st.builds(RepeatedPlay, discount=st.floats(0.05, 0.95), noise=st.floats(0, 0.3).filter(lambda v: v == 0 or v >= 1e-100))
stage_mechanism = st.one_of(guidance, contract, third)


@given(stage_games(), st.lists(stage_mechanism, min_size=1, max_size=3))
def test_a_mechanism_never_lowers_a_cooperators_payoff_relative_to_a_defectors(game, mechanisms):
    after = apply(game, *mechanisms)
    for before_m, after_m in ((game.row_payoffs, after.row_payoffs), (game.col_payoffs.T, after.col_payoffs.T)):
        assert np.all(after_m[0] - after_m[1] >= before_m[0] - before_m[1] - 1e-9)


@given(stage_games(), side)
def test_a_side_payment_only_moves_the_reward(game, payment):
    # The one exception, by design: the payer's R falls by t, the receiver's rises by t.
    after = apply(game, payment)
    delta_row = after.row_payoffs - game.row_payoffs
    delta_col = after.col_payoffs - game.col_payoffs
    assert np.count_nonzero(delta_row[[0, 1, 1], [1, 0, 1]]) == 0
    assert delta_row[0, 0] == pytest.approx(-payment.transfer if payment.payer == 0 else payment.transfer)
    assert delta_row[0, 0] + delta_col[0, 0] == pytest.approx(0)


@given(stage_games(), st.lists(st.one_of(guidance, contract, third, side), min_size=1, max_size=4), st.none() | repeated)
def test_costs_balance(game, mechanisms, rep):
    stack = [*mechanisms, *([rep] if rep else [])]
    after = apply(game, *stack)
    book = accounting(game, *stack)
    if rep is None:
        base = game
    else:
        miss = math.prod(1 - m.detection for m in mechanisms if isinstance(m, ThirdPartyOrganization))
        base = induced_game(game, rep.discount, STANDARD, rep.noise * miss)
    # Each government's payoff changes by exactly its net flows …
    np.testing.assert_allclose(after.row_payoffs - base.row_payoffs, book.net("row"), atol=1e-9)
    np.testing.assert_allclose(after.col_payoffs - base.col_payoffs, book.net("col"), atol=1e-9)
    # … and what the members pay (fees, fines, signing, transfers) is what the others collect.
    total = sum(book.net(p) for p in ("row", "col", "guide", "third party", "enforcer", "deadweight"))
    np.testing.assert_allclose(total, 0.0, atol=1e-9)
    members_pay = book.paid("row") + book.paid("col")
    collected = sum(book.received(p) for p in ("guide", "third party", "enforcer", "deadweight"))
    transfers = book.received("row") + book.received("col")
    guide_pays = book.paid("guide")
    np.testing.assert_allclose(members_pay + guide_pays, collected + transfers, atol=1e-9)


strength = st.floats(0, 8).filter(lambda v: v == 0 or v >= 1e-100)

PARAMETERS = [
    (HigherLevelGuidance(), "subsidy", strength),
    (HigherLevelGuidance(detection=0.5), "penalty", strength),
    (HigherLevelGuidance(penalty=4), "detection", prob),
    (BindingContract(), "breach_penalty", strength),
    (BindingContract(breach_penalty=4), "enforcement", prob),
    (RepeatedPlay(), "discount", st.floats(0.02, 0.98)),
]


@pytest.mark.parametrize(("mechanism", "parameter", "values"), PARAMETERS, ids=[p for _, p, _ in PARAMETERS])
def test_raising_a_strength_never_lowers_the_level(mechanism, parameter, values):
    from dataclasses import replace

    @given(pd_payoffs(), values, values)
    def check(p, a, b):
        assume(a != b)
        low, high = sorted((a, b))
        game = prisoners_dilemma(**p)
        weak = stability(apply(game, replace(mechanism, **{parameter: low})), basin=False, method="exact").level
        strong = stability(apply(game, replace(mechanism, **{parameter: high})), basin=False, method="exact").level
        assert reaches(strong, weak), (p, low, high, weak, strong)

    check()


class TestRepeatedPlayNames:
    """Issue #11: the API accepts the strategy names that scenario files use."""

    def test_names_mix_with_automata(self):
        from games import ALLC, GRIM, TFT

        assert RepeatedPlay(strategies=("AllC", "Grim")).strategies == (ALLC, GRIM)
        assert RepeatedPlay(strategies=("AllC", TFT)).strategies == (ALLC, TFT)
        # The induced game of names equals that of the automata they stand for.
        by_name = apply(prisoners_dilemma(), RepeatedPlay(strategies=("AllC", "Grim"), noise=0.1))
        by_object = apply(prisoners_dilemma(), RepeatedPlay(strategies=(ALLC, GRIM), noise=0.1))
        assert by_name == by_object

    def test_unknown_name_suggests_the_closest(self):
        with pytest.raises(ValueError, match=r"unknown strategy 'Grimm' \(did you mean 'Grim'\?\)"):
            RepeatedPlay(strategies=("AllC", "Grimm"))

    def test_duplicate_names_are_refused(self):
        with pytest.raises(ValueError, match="distinct"):
            RepeatedPlay(strategies=("Grim", "Grim"))


def test_regression_tiny_noise_is_not_rounded_to_a_denominator_of_a_billion():
    # Found by a fresh clone's `make test`: noise 1e-8 times a third party's miss rate 1/16 is
    # 6.25e-10, which the nearest fraction with denominator ≤ 10⁹ turned into 1e-9; the books
    # of the repeated game then missed the payoffs by 1.1e-9.
    game = Game([[0, 0], [0, 0]], [[0, 1], [0, 0]])
    stack = [ThirdPartyOrganization(fee=0, detection=0.9375), RepeatedPlay(discount=0.5, noise=1e-8)]
    base = induced_game(game, 0.5, STANDARD, 1e-8 * (1 - 0.9375))
    book = accounting(game, *stack)
    np.testing.assert_allclose(apply(game, *stack).col_payoffs - base.col_payoffs, book.net("col"), atol=1e-12)
