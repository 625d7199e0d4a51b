"""The budget allocation against brute force, and the menus it is given.

:func:`solver.design.allocate` solves a mixed-integer program (HiGHS). The reference enumerates
every choice of at most one option per link on small random cases: the stabilized weight must
be the largest any choice within the budgets reaches, and the spend the least among the choices
that reach it. The menus' payments are checked against the mechanisms' definitions by hand.
"""

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from regions import GameSpec, Link, Region, RegionNetwork, ScenarioError, load_scenario
from solver.cli import main
from solver.design import Option, allocate, reaches
from solver.design.allocate import scenario_menu
from solver.design.menu import read_menu

GOVS = ("prov", "p1", "p2")


def _network(weights):
    regions = [Region("prov", "Province", "province"), Region("p1", "P1", "prefecture", parent="prov"), Region("p2", "P2", "prefecture", parent="prov")]
    regions += [Region(f"c{k}", f"C{k}", "county", parent="p1" if k % 2 else "p2") for k in range(len(weights) + 1)]
    pd = GameSpec("payoffs", {"R": 3, "S": -1, "T": 4, "P": 0})
    links = [Link((f"c{k}", f"c{k + 1}"), "x", w, pd) for k, w in enumerate(weights)]
    return RegionNetwork(regions, links, name="random")


def brute_force(keys, weights, menu, budgets, target):
    """(largest weight, least spend at that weight) over every choice of ≤ 1 option per link."""
    best = (-1.0, 0.0)
    usable = [[None, *(o for o in menu[k] if o.level is None or reaches(o.level, target))] for k in keys]
    for choice in itertools.product(*usable):
        spend = dict.fromkeys(budgets, 0.0)
        for o in choice:
            for payer, amount in (o.paid if o else {}).items():
                spend[payer] += amount
        if any(spend[g] > budgets[g] + 1e-9 for g in budgets):
            continue
        weight = sum(weights[k] for k, o in zip(keys, choice) if o is not None)
        cost = sum(spend.values())
        if weight > best[0] + 1e-9 or (abs(weight - best[0]) <= 1e-9 and cost < best[1] - 1e-9):
            best = (weight, cost)
    return best


_cost = st.integers(0, 8).map(lambda k: k / 2)
_option = st.builds(
    lambda pays, level: (pays, level),
    st.dictionaries(st.sampled_from(GOVS), _cost, min_size=1, max_size=2),
    st.sampled_from(["dominant", "strict", "weak", "none", None]),
)


@settings(max_examples=40, deadline=None)
@given(
    weights=st.lists(st.integers(1, 5).map(float), min_size=1, max_size=4),
    options=st.lists(st.lists(_option, max_size=3), min_size=4, max_size=4),
    budgets=st.tuples(*[_cost] * 3),
    target=st.sampled_from(["strict", "weak"]),
)
def test_allocation_equals_brute_force(weights, options, budgets, target):
    net = _network(weights)
    keys = [f"c{k}–c{k + 1} x" for k in range(len(weights))]
    menu = {key: [Option(f"o{j}", max(p, key=p.get), sum(p.values()), level=lv, payments=p) for j, (p, lv) in enumerate(options[i])] for i, key in enumerate(keys)}
    budgets = dict(zip(GOVS, budgets))
    plan = allocate(net, budgets, menu, target)
    weight, cost = brute_force(keys, dict(zip(keys, weights)), menu, budgets, target)
    assert plan.stabilized_weight == pytest.approx(weight)  # no link is stable in the status quo
    assert sum(plan.spend.values()) == pytest.approx(cost)
    assert all(plan.spend[g] <= budgets[g] + 1e-9 for g in budgets)
    assert all(o is None or o.level is None or reaches(o.level, target) for o in plan.chosen.values())


def test_scenario_menu_payments_by_hand():
    net = load_scenario("yongkang-wuyi-jinyun")
    menu = scenario_menu(net, ["jinhua", "zhejiang", "yongkang", "jinyun"])
    by_name = {(k, o.name): o for k, options in menu.items() for o in options}
    # Jinhua guidance as in the scenario: s = 0.5 to each member, inspection 0.1.
    assert by_name["yongkang–wuyi hardware", "Jinhua guidance as in the scenario"].paid == pytest.approx({"jinhua": 2 * 0.5 + 0.1})
    # The supply agreement: each member pays its signing cost 0.1; 0.6 × 2 > T − R = 1.
    contract = by_name["yongkang–jinyun hardware", "Yongkang–Jinyun supply agreement as in the scenario"]
    assert contract.paid == pytest.approx({"yongkang": 0.1, "jinyun": 0.1}) and contract.contains == ("Yongkang–Jinyun supply agreement",)
    # At its minimal strength Zhejiang's guidance needs s > T − R − p·f = 1 − 0.5.
    zj = by_name["wuyi–jinyun hardware", "Zhejiang guidance at subsidy > 0.5"]
    assert zj.paid["zhejiang"] == pytest.approx(2 * 0.5 + 0.2, abs=1e-6)
    # Repeated play is a setting, not an option; the transfer's payer (jinyun) has a budget, but
    # no transfer alone makes the symmetric one-shot game cooperative.
    assert not any("Repeated" in o.name or "transfer" in o.name for options in menu.values() for o in options)


def test_an_option_is_offered_only_to_those_who_pay(tmp_path):
    net = load_scenario("yongkang-wuyi-jinyun")
    menu = scenario_menu(net, ["zhejiang"])
    assert not any(o.name.startswith("Yongkang–Jinyun supply agreement") for o in menu["yongkang–jinyun hardware"])  # members have no budget


MENU = """
[[options]]
link = ["jinyun", "wuyi"]
name = "Zhejiang subsidy 0.75"
kind = "higher_level_guidance"
by = "zhejiang"
subsidy = 0.75
penalty = 1.0
detection = 0.5

[[options]]
link = ["yongkang", "jinyun"]
kind = "third_party_organization"
detection = 0.5
with = ["Zhejiang guidance"]

[[options]]
link = ["yongkang", "wuyi"]
kind = "binding_contract"
breach_penalty = 2.0
cost = 0.5
government = "jinhua"
"""


def test_menu_file(tmp_path):
    path = tmp_path / "menu.toml"
    path.write_text(MENU, encoding="utf-8")
    net = load_scenario("yongkang-wuyi-jinyun")
    menu = read_menu(path, net)
    (subsidy,) = menu["wuyi–jinyun hardware"]
    # R − T + s + p·f = −1 + 0.75 + 0.5 > 0 for both; pays 2 × 0.75 (no inspection cost).
    assert (subsidy.level, subsidy.paid) == ("strict", {"zhejiang": 1.5})
    (third,) = menu["yongkang–jinyun hardware"]
    # detection 1 − 0.5 × 0.5 = 0.75 → p·f = 0.75, s = 0.5: gaps −1 + 1.25 > 0 and S − P + 1.25 > 0.
    assert third.contains == ("third party organization (detection 0.5)", "Zhejiang guidance")
    assert third.level == "dominant" and third.paid == pytest.approx({"zhejiang": 1.2})
    (contract,) = menu["yongkang–wuyi hardware"]
    # L = 2 with compensation: R − T + 2 = 1 > 0 for both; the victim's S + 2 − P = 0 (row) and
    # −0.5 (col), so (D, D) is strict too, and 1 × 1 > 0 × 0.5: (C, C) is risk-dominant.
    assert contract.paid == {"jinhua": 0.5} and contract.level == "risk-dominant"
    plan = allocate(net, {"zhejiang": 2.0, "jinhua": 1.0}, menu)
    # 1.5 + 1.2 > 2: Zhejiang funds one of its two, the heavier yongkang–jinyun (0.8 > 0.5).
    assert plan.spend == pytest.approx({"zhejiang": 1.2, "jinhua": 0.5})
    assert plan.stabilized_weight == pytest.approx(1.0 + 0.8)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[options]]\nlink = ["yongkang", "lishui"]\nkind = "side_payment"', r"option #1, field 'link': no link yongkang–lishui"),
        ('[[options]]\nlink = ["yongkang", "wuyi"]\nkind = "guidance"', r"option #1, field 'kind': unknown mechanism kind 'guidance'"),
        ('[[options]]\nlink = ["yongkang", "wuyi"]\nkind = "higher_level_guidance"\nsubsidy = -1', r"option #1, field 'subsidy': must be ≥ 0"),
        ('[[options]]\nlink = ["yongkang", "wuyi"]\nkind = "binding_contract"\nwith = ["Nothing"]', r"field 'with': 'Nothing' is not a mechanism"),
        ('[[options]]\nlink = ["yongkang", "wuyi"]\nkind = "binding_contract"\ncost = 1', r"field 'government': is missing"),
        ('[[options]]\nlink = ["yongkang", "wuyi"]\nkind = "side_payment"\npayer = "jinyun"\ntransfer = 1', r"field 'payer': must be one of the link's regions"),
        ("[[option]]\nlink = 1", r"field 'option': unknown table"),
        ("options = 3", r"field 'options': missing or not a list"),
    ],
)
def test_bad_menu_files(tmp_path, capsys, text, message):
    path = tmp_path / "m.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError, match=message):
        read_menu(path, load_scenario("yongkang-wuyi-jinyun"))
    code = main(["design", "yongkang-wuyi-jinyun", "--budget", "jinhua=1", "--menu", str(path)])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(f"intergov: error: {path}: ") and err.count("\n") == 1


def test_report_has_the_allocation(tmp_path):
    from solver.report import write_report

    net = load_scenario("yongkang-wuyi-jinyun")
    budgets = {"zhejiang": 3.0, "jinhua": 1.0}
    plan = allocate(net, budgets)
    folder = write_report(net, tmp_path / "r", scenario_text="x", figures=False, budgets=budgets)
    text = (folder / "report.md").read_text(encoding="utf-8")
    section = text.split("## Allocation", 1)[1].split("\n## ", 1)[0]
    for key, option in plan.chosen.items():
        pair, cluster = key.split(" ", 1)  # ids in the plan, region names in the report
        shown = "–".join(net.region(r).name for r in pair.split("–"))
        assert f"| {shown} {cluster} | {option.name} |" in section
    assert "Budget used: Zhejiang 2.4 of 3, Jinhua 0.1 of 1" in section  # 2 × 1.2 and 0.1, as by hand above
    assert (folder / "tables" / "allocation.csv").is_file()
