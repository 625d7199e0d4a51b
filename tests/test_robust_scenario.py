"""A scenario under uncertainty (solver.robust.scenario) against closed forms and the solver.

References: the link's own game from solver.network.link_game (the sampled arrays at the central
values), closed-form probabilities P(T ≤ t*) from scipy.stats, the closed-form quantile of the
pointwise minimal subsidy, and byte-identical JSON for the same seed.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scenarios import one_link as link_text
from scipy import stats

from regions import builtin_scenarios, load_scenario, loads_scenario
from solver.network import link_game
from solver.robust.scenario import link_arrays, robustness

ONE_LINK = link_text("one link", "{ R = 3, S = 0, T = TEMPTATION, P = 1 }", note="illustrative") + """
[[mechanisms]]
kind = "higher_level_guidance"
by = "p"
subsidy = 0.5
penalty = 2
detection = 0.5
"""


def one_link(temptation: str):
    return loads_scenario(ONE_LINK.replace("TEMPTATION", temptation))


@pytest.mark.parametrize("name", [n for n in builtin_scenarios() if n != "synthetic-province"])
def test_sampled_games_at_the_central_values_are_the_links_games(name):
    """Every link's arrays at the central values equal link_game's payoffs (economics links too)."""
    import pandas as pd

    from regions import RegionNetwork
    from regions.uncertain import Distribution, Quantity, Uncertainty

    net = load_scenario(name)
    # the first link's row T (or g) made uncertain around its value
    first = net.links[0]
    key = "T" if first.game.kind == "payoffs" else "g"
    value = first.game.values()[0][key]
    side = "both" if first.game.col is None else "row"
    quantity = Quantity("x", Distribution("uniform", (value - 0.5, value + 0.5)), (("link", 0, side, key),))
    uncertain = RegionNetwork(net.regions.values(), net.links, name=net.name, mechanisms=net.mechanisms, uncertainty=Uncertainty((quantity,)))
    central = pd.DataFrame([uncertain.uncertainty.central])
    for index in range(len(uncertain.links)):
        A, B = link_arrays(uncertain, index, central)
        game = link_game(net, net.links[index])
        assert np.allclose(A[0], game.row_payoffs) and np.allclose(B[0], game.col_payoffs)


@pytest.mark.parametrize(
    "temptation, law",
    [
        ("{ uniform = [4, 6] }", stats.uniform(4, 2)),
        ("{ triangular = [4, 4.2, 6] }", stats.triang(0.1, loc=4, scale=2)),
        ("{ normal = [4.8, 0.6], bounds = [3.5, 6] }", stats.truncnorm((3.5 - 4.8) / 0.6, (6 - 4.8) / 0.6, loc=4.8, scale=0.6)),
    ],
)
def test_probability_that_cooperation_is_an_equilibrium_is_the_cdf_at_the_threshold(temptation, law):
    """Guidance with subsidy + detection·penalty = 0.5 + 0.5·2 = 1.5: (C, C) is a Nash equilibrium
    iff T − R ≤ 1.5, i.e. T ≤ 4.5 (the issue's closed form; 0.25 for T uniform on [4, 6]).
    Over 40 fixed seeds the QMC interval covers the CDF at 4.5 at least 34 times (nominal 95 %:
    P(fewer than 34 of 40) < 0.01)."""
    net = one_link(temptation)
    truth = law.cdf(4.5)
    covered = 0
    for seed in range(40):
        r = robustness(net, samples=256, seed=seed, target="weak")
        guided = r.links[0].options[1]
        assert guided.option == "higher level guidance by p"
        covered += guided.target.covers(truth)
        assert abs(guided.target.p - truth) < 0.08
    assert covered >= 34


def test_robust_subsidy_is_the_quantile_of_the_pointwise_minimal_subsidy():
    """The least subsidy for weak cooperation in a world is T − R − detection·penalty = T − 4;
    with T uniform on [4, 6] its 95 % quantile is 4 + 0.95·2 − 4 = 1.9 (scipy's ppf)."""
    net = one_link("{ uniform = [4, 6] }")
    r = robustness(net, samples=4096, seed=3, target="weak", confidence=0.95)
    s = r.links[0].strengths["higher level guidance by p"]
    assert s is not None and s.parameter == "subsidy"
    assert s.value == pytest.approx(stats.uniform(4, 2).ppf(0.95) - 4, abs=0.01)
    assert s.holds_share >= 0.95


def test_same_seed_same_bytes_and_a_certain_scenario_is_refused():
    net = one_link("{ uniform = [4, 6] }")
    a = json.dumps(robustness(net, samples=128, seed=7).to_dict(), allow_nan=False)
    b = json.dumps(robustness(net, samples=128, seed=7).to_dict(), allow_nan=False)
    assert a == b and json.loads(a)["links"][0]["options"][0]["levels"]["none"]["probability"] == 1.0
    with pytest.raises(ValueError, match="no uncertain quantity"):
        robustness(load_scenario("yongkang-wuyi-jinyun"))


def test_other_commands_use_the_central_values_and_say_so_once(tmp_path, capsys):
    from solver.cli import main

    path = tmp_path / "one.toml"
    path.write_text(ONE_LINK.replace("TEMPTATION", "{ uniform = [4, 6] }"), encoding="utf-8")
    assert main(["analyze", str(path), "--format", "json"]) == 0
    out, err = capsys.readouterr()
    assert err.count("note: 1 uncertain quantities at their central values (a-b.T = 5)") == 1
    assert json.loads(out)["links"][0]["between"] == ["a", "b"]


def test_robustness_command_json_and_errors(tmp_path, capsys):
    from solver.cli import main

    path = tmp_path / "one.toml"
    path.write_text(ONE_LINK.replace("TEMPTATION", "{ uniform = [4, 6] }"), encoding="utf-8")
    assert main(["robustness", str(path), "--samples", "256", "--target", "weak", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    guided = doc["links"][0]["options"][1]
    assert guided["target"]["probability"] == pytest.approx(0.25, abs=0.01) and len(guided["levels"]["dominant"]["ci"]) == 2
    assert doc["links"][0]["robust_strength"]["higher level guidance by p"]["parameter"] == "subsidy"
    for bad in (["--samples", "3"], ["--confidence", "1.5"], ["--target", "best"]):
        assert main(["robustness", str(path), *bad]) == 2
        assert capsys.readouterr().err.count("\n") == 1
    assert main(["robustness", "yongkang-wuyi-jinyun"]) == 2
    assert "no uncertain quantity" in capsys.readouterr().err


def test_sobol_indices_of_the_share_find_the_quantity_that_matters():
    """With guidance (subsidy 0.5, fine 2·0.5), C answers D whenever S + 0.5 > P − 1 = 0, so S on
    [0, 0.4] never changes the level: its total index is 0 within its interval, while T on [4, 6]
    decides everything (ST = 1 within its interval)."""
    net = loads_scenario(
        ONE_LINK.replace("TEMPTATION", "{ uniform = [4, 6] }").replace("S = 0,", "S = { uniform = [0, 0.4] },")
    )
    r = robustness(net, samples=2048, seed=2, target="weak")
    s, t = r.sobol["a-b.S"], r.sobol["a-b.T"]
    assert abs(s.ST) <= max(s.ST_conf, 1e-9) and abs(s.S1) <= max(s.S1_conf, 1e-9)
    assert abs(t.ST - 1) <= t.ST_conf and abs(t.S1 - 1) <= t.S1_conf


def test_scenario_discovery_finds_the_closed_form_failure_region():
    """Under the guidance the link misses weak cooperation iff T > 4.5 (closed form); PRIM's box is
    T > t with t within one peel (5 % of the remaining mass, 0.1 in T here) below 4.5, covering
    every failing world."""
    r = robustness(one_link("{ uniform = [4, 6] }"), samples=4096, seed=5, target="weak")
    box = r.discovery
    assert box is not None and set(box.limits) == {"a-b.T"}
    low, high = box.limits["a-b.T"]
    assert 4.4 <= low <= 4.5 and high == float("inf")
    assert box.coverage >= 0.99 and box.density >= 0.875
    assert r.to_dict()["discovery"]["limits"]["a-b.T"] == [low, None]


STRENGTH = link_text(
    "strength indices",
    "{ R = { uniform = [RLOW, RHIGH] }, S = { uniform = [-0.5, 0.5] }, T = { uniform = [TLOW, THIGH] }, P = 1 }",
    weight="{ uniform = [0.5, 1.5] }",
) + """
[[mechanisms]]
kind = "higher_level_guidance"
by = "p"
subsidy = 0.5
penalty = 0
detection = { uniform = [0.2, 0.4] }
"""


@settings(max_examples=4, deadline=None)
@given(
    r_low=st.floats(1.0, 2.5),
    r_width=st.floats(0.2, 1.0),
    t_low=st.floats(4.0, 5.0),
    t_width=st.floats(0.2, 2.0),
)
def test_sobol_indices_of_the_minimal_subsidy_are_the_variance_shares(r_low, r_width, t_low, t_width):
    """Without a fine, the least subsidy making (C, C) strict is T − R (R + s > T), whatever S (which
    only matters off the path) and the detection (times a zero penalty). For independent uniforms
    the indices of an additive function are its variance shares: S1 = ST = w_T² / (w_T² + w_R²) for
    T (closed form; the width w of a uniform has variance w²/12). S, the detection and the weight
    (which does not enter the game) have indices 0. Tolerance: the bootstrap 95 % half-width plus
    0.01 (the QMC error of a 2¹⁰ base sample is far below that; the half-width alone can be
    narrower than the estimator's own bias on 4 random cases)."""
    text = STRENGTH.replace("RLOW", repr(r_low)).replace("RHIGH", repr(r_low + r_width))
    net = loads_scenario(text.replace("TLOW", repr(t_low)).replace("THIGH", repr(t_low + t_width)))
    link = robustness(net, samples=8192, seed=1).links[0]
    label = "higher level guidance by p"
    indices, note = link.strength_sobol[label], link.strength_sobol_note[label]
    assert "base sample 1024" in note and "4 quantities" in note and "counted at" not in note
    share_t = t_width**2 / (t_width**2 + r_width**2)
    for name, share in (("a-b.T", share_t), ("a-b.R", 1 - share_t)):
        i = indices[name]
        assert abs(i.S1 - share) <= i.S1_conf + 0.01 and abs(i.ST - share) <= i.ST_conf + 0.01
    for name in ("a-b.S", "higher level guidance by p.detection", "a-b.weight"):
        i = indices[name]
        assert abs(i.S1) <= i.S1_conf + 1e-12 and abs(i.ST) <= i.ST_conf + 1e-12
    doc = robustness(net, samples=8192, seed=1).to_dict()["links"][0]
    assert set(doc["strength_sobol"][label]["a-b.T"]) == {"S1", "S1_conf", "ST", "ST_conf"} and doc["strength_sobol_note"][label] == note


SIDE_PAYMENT = """
[scenario]
name = "a transfer the payer may refuse"
[[regions]]
id = "a"
level = "county"
[[regions]]
id = "b"
level = "county"
[[links]]
between = ["a", "b"]
payoffs = { row = { R = 5, S = 0, T = 4, P = 1 }, col = { R = 3, S = 0, T = { uniform = [3.2, HIGH] }, P = 1 } }
[[mechanisms]]
kind = "side_payment"
links = [["a", "b"]]
payer = "a"
transfer = 0.5
"""


def test_unreachable_worlds_are_censored_or_the_strength_indices_skipped():
    """a pays b a transfer t at (C, C): strict needs t > T_b − 3 (b) and t < 5 − 4 = 1 (a), so no t
    works where T_b ≥ 4: a share (HIGH − 4) / (HIGH − 3.2) of the worlds (closed form). At 0.04/0.84
    = 4.8 % (≤ CENSOR_SHARE) they count at the design's largest finite strength (just below 1); at
    0.2/1 = 20 % the indices are not computed, and the note says why."""
    from solver.robust.scenario import CENSOR_SHARE

    link = robustness(loads_scenario(SIDE_PAYMENT.replace("HIGH", "4.04")), samples=4096, seed=2).links[0]
    label = next(iter(link.strength_sobol))
    note = link.strength_sobol_note[label]
    assert 0.04 / 0.84 <= CENSOR_SHARE and "worlds where no transfer reaches strict counted at the design's largest finite value" in note
    counted = int(note.split("; ")[1].split()[0])
    value = float(note.rsplit(" ", 1)[1])
    assert 0.98 <= value < 1 and "base sample 1024" in note and abs(counted / (1024 * 3) - 0.04 / 0.84) < 0.01  # one quantity: 3·1024 worlds
    i = link.strength_sobol[label]["a-b.col.T"]
    assert abs(i.S1 - 1) <= i.S1_conf + 0.01 and abs(i.ST - 1) <= i.ST_conf + 0.01  # the only quantity
    link = robustness(loads_scenario(SIDE_PAYMENT.replace("HIGH", "4.2")), samples=256, seed=2).links[0]  # few: not reachable is confirmed world by world
    assert link.strength_sobol[label] == {}
    assert link.strength_sobol_note[label].startswith("not computed: transfer cannot reach strict in 20")


def test_strength_indices_without_a_formula_are_skipped_with_a_note():
    """Risk dominance has no threshold formula: each world's minimal subsidy is a search of its own,
    so the indices are not computed (and the run stays fast) — the note says so."""
    text = STRENGTH.replace("RLOW", "2").replace("RHIGH", "3").replace("TLOW", "4").replace("THIGH", "5")
    link = robustness(loads_scenario(text), samples=64, seed=0, target="risk-dominant").links[0]
    assert link.strength_sobol["higher level guidance by p"] == {}
    assert link.strength_sobol_note["higher level guidance by p"].startswith("not computed: the minimal subsidy for risk-dominant has no closed form")
