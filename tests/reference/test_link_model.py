"""The model of a scenario link against games.apply: its payoff table at the parameter values
equals the link's stage game transformed by the link's stage mechanisms, exactly."""

from fractions import Fraction

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from games import apply
from regions import MechanismSpec, RegionNetwork, builtin_scenarios, load_scenario
from solver.dynamics.link_model import SUPPORTED, left_out, link_model
from solver.network import link_game
from solver.stack import link_mechanisms


def _table_at_values(model):
    values = model.values()
    out = {}
    for profile, exprs in model.payoffs.items():
        numbers = [sympy.sympify(e).xreplace(values) for e in exprs]
        assert all(n.is_Rational for n in numbers), numbers
        out[profile] = tuple(Fraction(int(n.p), int(n.q)) for n in numbers)
    return out


def _reference(network, link):
    """The independent path: the link's game through games.apply with its stage mechanisms."""
    stage = [m.mechanism for m in link_mechanisms(network, link) if m.spec.kind in SUPPORTED]
    game = apply(link_game(network, link), *stage)
    a, b = game.exact
    return {(i, j): (Fraction(a[i][j]), Fraction(b[i][j])) for i in (0, 1) for j in (0, 1)}


def _links():
    for name in builtin_scenarios():
        network = load_scenario(name)
        links = network.links if len(network.links) <= 10 else network.links[::30]  # the synthetic province: every 30th of 600
        for link in links:
            yield pytest.param(network, link, id=f"{name}:{'-'.join(link.between)}")


@pytest.mark.parametrize(("network", "link"), list(_links()))
def test_link_model_equals_apply_on_builtin_links(network, link):
    model = link_model(network, link)
    assert model.populations == tuple(network.region(r).name for r in link.between)
    assert _table_at_values(model) == _reference(network, link)


def test_repeated_play_is_named_as_left_out():
    network = load_scenario("yongkang-wuyi-jinyun")
    assert left_out(network, network.links[0]) == ("Repeated interaction",)
    assert "delta" not in link_model(network, network.links[0]).parameters


_amount = st.decimals(min_value=0, max_value=5, places=2).map(float)
_probability = st.decimals(min_value=0, max_value=1, places=2).map(float)
_specs = st.lists(
    st.one_of(
        st.builds(lambda s, f, p: ("higher_level_guidance", {"subsidy": s, "penalty": f, "detection": p}), _amount, _amount, _probability),
        st.builds(
            lambda L, e, th, k, mb: ("binding_contract", {"breach_penalty": L, "enforcement": e, "compensation": th, "signing_cost": k, "mutual_breach": mb}),
            _amount, _probability, _probability, _amount, st.booleans(),
        ),
        st.builds(lambda c, q: ("third_party_organization", {"fee": c, "detection": q}), _amount, _probability),
        st.builds(lambda t, who: ("side_payment", {"transfer": t, "payer": who}), _amount, st.sampled_from(["wuyi", "jinyun"])),
    ),
    min_size=1,
    max_size=4,
)


@settings(max_examples=40, deadline=None)
@given(_specs)
def test_random_mechanism_stacks_equal_apply(specs):
    """Any stack of the four stage mechanisms (two of a kind too, third parties strengthening
    guidance detection and contract enforcement) on the Wuyi–Jinyun link."""
    base = load_scenario("yongkang-wuyi-jinyun")
    pair = [("wuyi", "jinyun")]
    mechanisms = [MechanismSpec(kind, params, links=pair) for kind, params in specs]
    network = RegionNetwork(base.regions.values(), base.links, name=base.name, mechanisms=mechanisms)  # only these mechanisms
    link = next(k for k in network.links if set(k.between) == {"wuyi", "jinyun"})
    model = link_model(network, link)
    assert _table_at_values(model) == _reference(network, link)
