"""Design rows against applying, by hand, exactly the mechanisms each row names.

For every row of :func:`solver.design.compare`, the stack is rebuilt from the row's names only
(generic names from the table below, scenario names from the scenario's entries), the varied
parameter set to the strength the row used, and the link's game solved with
``solver.stability``: the level must be the row's, and the payments at (C, C) — written out by
hand from each mechanism's definition (subsidies, inspection, signing costs, fees, transfers) —
must be the row's costs. A row that contains a mechanism it does not name fails both. Just
below a monotone threshold the target must not be reached (the strength is minimal).
"""

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from games import BindingContract, HigherLevelGuidance, RepeatedPlay, SidePayment, ThirdPartyOrganization, apply
from games.repeated import STANDARD
from regions import GameSpec, Link, MechanismSpec, Region, RegionNetwork, load_scenario
from solver import link_game, stability
from solver.design import compare
from solver.design.strength import reaches

#: The generic candidates, written out independently of solver.design.GENERIC.
GENERIC = {
    "guidance: subsidy": (HigherLevelGuidance, {"detection": 1.0}),
    "guidance: penalty": (HigherLevelGuidance, {"detection": 1.0}),
    "binding contract": (BindingContract, {}),
    "repeated play": (RepeatedPlay, {}),
}
CLASSES = {
    "higher_level_guidance": HigherLevelGuidance,
    "binding_contract": BindingContract,
    "third_party_organization": ThirdPartyOrganization,
    "side_payment": SidePayment,
    "repeated_play": RepeatedPlay,
}


def _spec_named(net, link, name):
    """The scenario entry a row names: by its name, or unnamed as 'kind [by gov] (scenario)';
    a name taken twice carries the entry's number, '(entry k)'."""
    base, sep, number = name.rpartition(" (entry ")
    if sep:
        spec = net.mechanisms[int(number.rstrip(")")) - 1]
        assert spec in net.mechanisms_for(link) and base in (spec.name, f"{spec.label} (scenario)")
        return spec
    found = [s for s in net.mechanisms_for(link) if s.name == name or (not s.name and f"{s.label} (scenario)" == name)]
    assert found, f"the row names {name!r}, which is no mechanism of {link.between}"
    return found[0]  # later entries of the same name are numbered


def _by_hand(net, link, name):
    """(mechanism, guiding government or None) for a name, from the scenario entry by hand."""
    if name in GENERIC:
        cls, params = GENERIC[name]
        guide = net.superior(*link.between) if cls is HigherLevelGuidance else None
        return cls(**params), guide
    spec = _spec_named(net, link, name)
    params = dict(spec.parameters)
    if "payer" in params:
        params["payer"] = 0 if params["payer"] == link.between[0] else 1
    if "strategies" in params:
        params["strategies"] = tuple(a for n in params["strategies"] for a in STANDARD if a.name == n)
    guide = (spec.by or net.superior(*link.between)) if spec.kind == "higher_level_guidance" else None
    return CLASSES[spec.kind](**params), guide


def _payments_at_cc(stack, link, guide):
    """Net payment (paid − received) of each party at (C, C), from the mechanisms' definitions."""
    a, b = link.between
    net: dict[str, float] = {}

    def pay(party, amount):
        net[party] = net.get(party, 0.0) + amount

    for m in stack:
        if isinstance(m, HigherLevelGuidance):  # a subsidy to each cooperator, inspection always
            pay(guide, 2 * m.subsidy + m.inspection_cost)
            pay(a, -m.subsidy), pay(b, -m.subsidy), pay("deadweight", -m.inspection_cost)
        elif isinstance(m, BindingContract):  # nobody breaches at (C, C): only the signing cost
            pay(a, m.signing_cost), pay(b, m.signing_cost), pay("deadweight", -2 * m.signing_cost)
        elif isinstance(m, ThirdPartyOrganization):
            pay(a, m.fee), pay(b, m.fee), pay("third party", -2 * m.fee)
        elif isinstance(m, SidePayment):
            payer, payee = (a, b) if m.payer == 0 else (b, a)
            pay(payer, m.transfer), pay(payee, -m.transfer)
    return {p: v for p, v in net.items() if abs(v) > 1e-9}


def _stack(net, link, row, value):
    """The row's stack by hand, the varied (first named) mechanism at ``value``."""
    varied, *others = row.contains
    built = [_by_hand(net, link, n) for n in others]
    mech, guide = _by_hand(net, link, varied)
    mech = replace(mech, **{row.strength.parameter: value})
    guides = [g for _, g in (*built, (mech, guide)) if g]
    return [m for m, _ in built] + [mech], (guides[0] if guides else None)


def check_rows(net, target, comparison=None):
    comparison = comparison if comparison is not None else compare(net, target=target)
    for link in net.links:
        rows = [r for r in comparison.rows if r.link == link]
        labels = [r.candidate for r in rows]
        assert len(labels) == len(set(labels)), f"two rows of {link.between} share a label: {labels}"
        for row in rows:
            assert row.candidate == " + ".join(row.contains)
            s = row.strength
            game = link_game(net, link)
            if not s.feasible:
                assert row.costs == {}
                continue
            stack, guide = _stack(net, link, row, s.used)
            level = stability(apply(game, *stack), basin=False).level
            assert level == s.level, f"{row.candidate} on {link.between}: by hand {level}, row {s.level}"
            if not any(isinstance(m, RepeatedPlay) for m in stack):  # flows under noisy play: not by hand
                got = {p: v["paid"] - v["received"] for p, v in row.costs.items()}
                got = {p: v for p, v in got.items() if abs(v) > 1e-9}
                want = _payments_at_cc(stack, link, guide)
                assert got.keys() == want.keys(), (row.candidate, got, want)
                for party in want:
                    assert got[party] == pytest.approx(want[party], abs=1e-6)
            # Minimality of repeated play's discount under noise is solver/design/strength.py's
            # (tests/reference of minimal strengths); here: the stage-game stacks.
            repeated = any(isinstance(m, RepeatedPlay) for m in stack)
            if not repeated and s.monotone and s.value > s.bounds[0] + 1e-6:
                below, _ = _stack(net, link, row, s.value - 1e-6 * max(1.0, s.value))
                assert not reaches(stability(apply(game, *below), basin=False).level, target), f"{row.candidate}: not minimal"


@pytest.fixture(scope="module")
def builtin():
    """The built-in scenario with two more contracts on yongkang–wuyi: an unnamed one, and one
    named like the generic candidate; and its comparison at ``strict``."""
    net = load_scenario("yongkang-wuyi-jinyun").with_mechanisms(
        MechanismSpec("binding_contract", {"breach_penalty": 2.0, "enforcement": 0.6, "signing_cost": 0.3}, links=[("yongkang", "wuyi")]),
        MechanismSpec("binding_contract", {"signing_cost": 0.2}, name="binding contract", links=[("yongkang", "wuyi")]),
    )
    return net, compare(net, target="strict")


def test_builtin_scenario_rows_contain_what_they_name(builtin):
    check_rows(*builtin[:1], "strict", builtin[1])


def test_third_party_and_transfer_rows_name_their_companions(builtin):
    rows = {(r.link.between, r.candidate) for r in builtin[1].rows}
    companions = "Jinhua guidance + binding contract (scenario) + binding contract (entry 8)"
    assert (("yongkang", "wuyi"), f"Hardware industry association + {companions}") in rows
    assert (("wuyi", "jinyun"), "Wuyi–Jinyun transfer + Repeated interaction") in rows
    assert not any(c in ("Hardware industry association", "Wuyi–Jinyun transfer") for _, c in rows)


def test_unnamed_scenario_contract_keeps_its_identity(builtin):
    rows = {r.candidate: r for r in builtin[1].rows if r.link.between == ("yongkang", "wuyi")}
    # generic: e·L > T − R = 1 with e = 1; the unnamed scenario one: 0.6 L > 1 and its signing cost.
    assert rows["binding contract"].strength.value == pytest.approx(1.0)
    assert rows["binding contract (scenario)"].strength.value == pytest.approx(1 / 0.6)
    assert rows["binding contract (scenario)"].cost_to("yongkang") == pytest.approx(0.3)
    assert rows["binding contract (entry 8)"].cost_to("yongkang") == pytest.approx(0.2)  # named like the generic one


def _network(payoffs, mechanisms):
    regions = [Region("prov", "Province", "province"), Region("a", "A", "county", parent="prov"), Region("b", "B", "county", parent="prov")]
    R, S, T, P = payoffs
    link = Link(("a", "b"), "x", 1.0, GameSpec("payoffs", {"R": R, "S": S, "T": T, "P": P}))
    return RegionNetwork(regions, [link], name="random").with_mechanisms(*mechanisms)


_half = st.integers(0, 8).map(lambda k: k / 4)
_prob = st.integers(0, 10).map(lambda k: k / 10)
_name = st.sampled_from(["", "", "binding contract", "Deal"])
_mechanism = st.one_of(
    st.builds(lambda s, f, p, c: MechanismSpec("higher_level_guidance", {"subsidy": s, "penalty": f, "detection": p, "inspection_cost": c}), _half, _half, _prob, _half),
    st.builds(lambda L, e, c, n: MechanismSpec("binding_contract", {"breach_penalty": L, "enforcement": e, "signing_cost": c}, name=n), _half, _prob, _half, _name),
    st.builds(lambda q, c: MechanismSpec("third_party_organization", {"detection": q, "fee": c}), _prob, _half),
    st.builds(lambda t, who: MechanismSpec("side_payment", {"transfer": t, "payer": who}), _half, st.sampled_from(["a", "b"])),
)


@settings(max_examples=12, deadline=None)
@given(
    payoffs=st.tuples(*[st.integers(-4, 6)] * 4),
    mechanisms=st.lists(_mechanism, max_size=3).filter(lambda ms: sum(m.kind == "higher_level_guidance" for m in ms) <= 1),
    target=st.sampled_from(["weak", "strict", "dominant"]),
)
def test_random_rows_contain_what_they_name(payoffs, mechanisms, target):
    # One guidance at most: the ledger has one "guide" party (two governments' guidance on one
    # link would share it; see the design notes).
    check_rows(_network(payoffs, mechanisms), target)
