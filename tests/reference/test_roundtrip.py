"""Round trips: a scenario written as GraphML, CSV or TOML and read back is the same scenario.

Reference: the original network itself. Each format is written and read back, and compared
field by field with the network that never went through a file — every link's two regions in
order (the first is the row player), its row and column payoffs or economics exactly (no
tolerance: decimal inputs are written as their shortest repr and must come back bit for bit),
every mechanism's kind, parameters and scope, every region's fields and attributes — and then
the analysis (``solver.analyze(net, basin=False)``: every link's game, equilibria, cooperation
level and costs, and the summary) of the re-imported network is compared with the analysis of
the original, exactly. The analysis is the quantity a researcher publishes; a swapped row and
column player changes the equilibrium payoffs of every asymmetric link, and a dropped mechanism
removes its rows.

Cases: the built-in scenarios through every format, and hypothesis-generated scenarios (small
administrative trees, asymmetric payoffs and economics with decimal values, links whose first
region comes later in the file than the second, several clusters between the same two regions,
attributes named like columns, and random mechanisms of every kind with random scope).
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from regions import (
    LEVELS,
    MECHANISM_KINDS,
    STRATEGY_NAMES,
    EntryError,
    GameSpec,
    Link,
    MechanismSpec,
    Region,
    RegionNetwork,
    builtin_scenarios,
    dumps_scenario,
    graphml_graph,
    load_scenario,
    loads_scenario,
    read_csv,
    read_graphml,
    to_csv,
)
from solver import analyze
from solver.cli import main
from solver.export import to_graphml


def via_graphml(net: RegionNetwork, *, analysis: bool = False) -> RegionNetwork:
    """Through the GraphML the export writes (with the analysis attributes) or the bare scenario graph."""
    text = to_graphml(net) if analysis else "\n".join(nx.generate_graphml(graphml_graph(net)))
    return read_graphml(io.StringIO(text))


def via_csv(net: RegionNetwork) -> RegionNetwork:
    return read_csv(*map(io.StringIO, to_csv(net)))


def via_toml(net: RegionNetwork) -> RegionNetwork:
    return loads_scenario(dumps_scenario(net))


FORMATS = {"graphml": via_graphml, "csv": via_csv, "toml": via_toml}


def assert_same_scenario(back: RegionNetwork, net: RegionNetwork) -> None:
    """Every region, link (row player first, payoffs exactly) and mechanism (kind, parameters, scope)."""
    assert list(back.regions) == list(net.regions)
    for rid, region in net.regions.items():
        other = back.regions[rid]
        for field in ("name", "name_zh", "level", "parent", "lon", "lat"):
            assert getattr(other, field) == getattr(region, field), (rid, field)
        assert dict(other.attributes) == dict(region.attributes), rid
        assert {k: type(v) for k, v in other.attributes.items()} == {k: type(v) for k, v in region.attributes.items()}, rid
    assert len(back.links) == len(net.links)
    for mine, theirs in zip(back.links, net.links):
        assert mine.between == theirs.between  # the first region is the row player
        assert (mine.cluster, mine.weight, mine.note) == (theirs.cluster, theirs.weight, theirs.note)
        assert mine.game.kind == theirs.game.kind
        row, col = mine.game.values()
        want_row, want_col = theirs.game.values()
        assert row == want_row and col == want_col, mine.between  # exactly: no tolerance
    assert len(back.mechanisms) == len(net.mechanisms)
    for mine, theirs in zip(back.mechanisms, net.mechanisms):
        assert (mine.kind, mine.name, mine.by, mine.links) == (theirs.kind, theirs.name, theirs.by, theirs.links)
        assert dict(mine.parameters) == dict(theirs.parameters)
        assert [k.between for k in back.links_of(mine)] == [k.between for k in net.links_of(theirs)]


def analysis_of(net: RegionNetwork) -> tuple:
    """Everything the analysis reports, as plain values (scenario name aside)."""
    result = analyze(net, basin=False)
    rows = tuple(
        (
            r.link.between,
            r.link.cluster,
            r.superior,
            r.superior_level,
            r.mechanism,
            r.game.players,
            r.game.row_payoffs.tolist(),
            r.game.col_payoffs.tolist(),
            r.report.to_dict(),
            r.costs,
        )
        for r in result.links
    )
    return rows, result.summary


# ---- the defect as reported: the CLI commands of issue #11, defect 7 ----------------------------


def test_cli_graphml_round_trip_keeps_payoffs_and_mechanisms(tmp_path, capsys):
    """`intergov export yongkang-wuyi-jinyun --out x.graphml` then `intergov import x.graphml`."""
    original = load_scenario("yongkang-wuyi-jinyun")
    assert main(["export", "yongkang-wuyi-jinyun", "--out", str(tmp_path / "x.graphml")]) == 0
    assert main(["import", str(tmp_path / "x.graphml"), "--out", str(tmp_path / "back.toml")]) == 0
    assert "6 mechanisms" in capsys.readouterr().out
    back = load_scenario(tmp_path / "back.toml")
    assert_same_scenario(back, original)
    assert back.name == original.name and back.note == original.note
    assert analysis_of(back) == analysis_of(original)


def test_cli_csv_and_toml_round_trips(tmp_path, capsys):
    original = load_scenario("yongkang-wuyi-jinyun")
    assert main(["export", "yongkang-wuyi-jinyun", "--out", str(tmp_path / "yk.csv")]) == 0
    assert "yk.mechanisms.csv" in capsys.readouterr().out
    tables = [str(tmp_path / f"yk.{t}.csv") for t in ("regions", "links", "mechanisms")]
    assert main(["import", *tables, "--out", str(tmp_path / "back.toml")]) == 0
    assert_same_scenario(load_scenario(tmp_path / "back.toml"), original)
    assert main(["export", "yongkang-wuyi-jinyun", "--out", str(tmp_path / "s.toml")]) == 0
    assert load_scenario(tmp_path / "s.toml") == original


def test_row_player_is_kept_when_it_comes_later_in_the_file():
    """The swap of defect 7: networkx reads an undirected edge's ends in node order."""
    net = load_scenario("yongkang-wuyi-jinyun")
    flipped = [Link(k.between[::-1], k.cluster, k.weight, GameSpec(k.game.kind, *k.game.values()[::-1]), k.note) for k in net.links]
    net = RegionNetwork(net.regions.values(), flipped, name=net.name, mechanisms=net.mechanisms)
    for fmt, through in FORMATS.items():
        back = through(net)
        assert [k.between for k in back.links] == [("wuyi", "yongkang"), ("jinyun", "yongkang"), ("jinyun", "wuyi")], fmt
        assert_same_scenario(back, net)


def test_graphml_without_row_region_takes_the_source_as_row_player():
    """A file from another tool: the edge's ``source`` is the row player, whatever the node order."""
    text = (
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">'
        '<key id="l" for="node" attr.name="level" attr.type="string"/>'
        '<key id="p" for="node" attr.name="parent" attr.type="string"/>'
        + "".join(
            f'<key id="{k}" for="edge" attr.name="{k}" attr.type="double"/>' for k in ("R_row", "S_row", "T_row", "P_row", "R_col", "S_col", "T_col", "P_col")
        )
        + '<graph edgedefault="undirected">'
        '<node id="p"><data key="l">prefecture</data></node>'
        '<node id="a"><data key="l">county</data><data key="p">p</data></node>'
        '<node id="b"><data key="l">county</data><data key="p">p</data></node>'
        '<edge source="b" target="a">'
        + "".join(
            f'<data key="{k}">{v}</data>' for k, v in zip(("R_row", "S_row", "T_row", "P_row", "R_col", "S_col", "T_col", "P_col"), (1, 2, 3, 4, 5, 6, 7, 8))
        )
        + "</edge></graph></graphml>"
    )
    (link,) = read_graphml(io.StringIO(text)).links
    assert link.between == ("b", "a")
    assert link.game.values() == ({"R": 1, "S": 2, "T": 3, "P": 4}, {"R": 5, "S": 6, "T": 7, "P": 8})


def test_graphml_states_the_row_player_of_every_edge():
    """Read independently of regions.io: each edge's ``row_region`` and its ``P_row``."""
    net = load_scenario("yongkang-wuyi-jinyun")
    root = ET.fromstring(to_graphml(net))
    ns = "{http://graphml.graphdrawing.org/xmlns}"
    keys = {k.get("id"): k.get("attr.name") for k in root.iter(f"{ns}key") if k.get("for") == "edge"}
    edges = [{keys[d.get("key")]: d.text for d in e.iter(f"{ns}data")} for e in root.iter(f"{ns}edge")]
    by_index = {int(e["link_index"]): e for e in edges}
    for k, link in enumerate(net.links):
        assert by_index[k]["row_region"] == link.between[0]
        assert float(by_index[k][f"{'P' if link.game.kind == 'payoffs' else 'w'}_row"]) == link.game.values()[0]["P" if link.game.kind == "payoffs" else "w"]


# ---- the built-in scenarios through every format -------------------------------------------------


@pytest.mark.parametrize("name", builtin_scenarios())
def test_builtin_scenarios_through_every_format(name):
    net = load_scenario(name)
    small = len(net.links) <= 50  # the synthetic province (600 links): data only, analysis too slow here
    expected = analysis_of(net) if small else None
    for fmt, through in FORMATS.items():
        back = through(net)
        assert_same_scenario(back, net)
        if small:
            assert analysis_of(back) == expected, fmt
    if small:
        assert_same_scenario(via_graphml(net, analysis=True), net)


# ---- generated scenarios -----------------------------------------------------------------------

ids = st.from_regex(r"[a-z][a-z0-9_-]{0,5}", fullmatch=True)
#: Printable text without edge whitespace (XML cannot hold control characters; ids and names are stripped on reading).
text = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=8).map(str.strip).filter(bool)


def _not_a_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return True
    return False


def decimals(low: float, high: float, places: int = 2) -> st.SearchStrategy[float]:
    """Decimal inputs as a modeller types them (2.35, -0.1), as floats."""
    return st.decimals(Decimal(str(low)), Decimal(str(high)), places=places, allow_nan=False, allow_infinity=False).map(float)


@st.composite
def mechanism_specs(draw: st.DrawFn, net: RegionNetwork) -> MechanismSpec:
    kind = draw(st.sampled_from(sorted(MECHANISM_KINDS)))
    params: dict = {}
    for key, (low, high, open_low, open_high) in MECHANISM_KINDS[kind].items():
        if draw(st.booleans()):
            top = min(high, 10.0)
            value = draw(
                decimals(low, top, 3).filter(lambda v, lo=low, hi=high, ol=open_low, oh=open_high: (v > lo if ol else v >= lo) and (v < hi if oh else v <= hi))
            )
            params[key] = value
    pairs = [k.between for k in net.links]
    scope = draw(st.sampled_from(["all", "by", "links", "both"]))
    links = None
    by = None
    if scope in ("links", "both"):
        chosen = draw(st.lists(st.sampled_from(pairs), min_size=1, max_size=3, unique=True))
        links = [tuple(p) if draw(st.booleans()) else tuple(p[::-1]) for p in chosen]  # pairs are unordered in a scope
    if scope in ("by", "both"):  # a government above some link (others are drawn too, and refused)
        above = [g for k in net.links for g in net.ancestors(k.between[0]) if g in net.ancestors(k.between[1])]
        by = draw(st.sampled_from(above or list(net.regions)))
    if kind == "side_payment":
        pair = links[0] if links else pairs[0]
        params["payer"] = draw(st.sampled_from(pair))
    if kind == "binding_contract" and draw(st.booleans()):
        params["mutual_breach"] = draw(st.booleans())
    if kind == "repeated_play":
        params.setdefault("discount", draw(decimals(0.05, 0.95)))
        if draw(st.booleans()):
            params["strategies"] = draw(st.lists(st.sampled_from(STRATEGY_NAMES), min_size=1, max_size=3, unique=True))
    return MechanismSpec(kind, params, by=by, links=links, name=draw(st.just("") | text))


@st.composite
def scenarios(draw: st.DrawFn) -> RegionNetwork:
    """Small valid scenarios whose every field a round trip must keep."""
    count = draw(st.integers(2, 6))
    names = draw(st.lists(ids, min_size=count, max_size=count, unique=True))
    regions: list[Region] = []
    for k, rid in enumerate(names):
        parents = [r for r in regions if LEVELS.index(r.level) < len(LEVELS) - 1]
        parent = draw(st.sampled_from(parents)) if parents and k and draw(st.integers(0, 4)) else None
        lowest = LEVELS.index(parent.level) + 1 if parent else 0
        level = draw(st.sampled_from(LEVELS[lowest:]))
        coords = draw(st.none() | st.tuples(decimals(-180, 180), decimals(-90, 90)))
        keys = st.sampled_from(["gdp", "population", "level", "name", "attributes.x"]) | ids
        values = decimals(-1e6, 1e6) | text.filter(_not_a_number)
        regions.append(
            Region(
                rid,
                draw(text),
                level,
                parent=parent.id if parent else None,
                lon=coords[0] if coords else None,
                lat=coords[1] if coords else None,
                name_zh=draw(st.none() | text),
                attributes=draw(st.dictionaries(keys, values, max_size=3)),
            )
        )
    pairs = draw(st.lists(st.tuples(st.sampled_from(names), st.sampled_from(names)).filter(lambda p: p[0] != p[1]), min_size=1, max_size=4))
    links, seen = [], set()
    for a, b in pairs:
        cluster = draw(st.sampled_from(["hardware", "tools"]))  # two clusters may join the same regions
        if (frozenset((a, b)), cluster) in seen:
            continue
        seen.add((frozenset((a, b)), cluster))
        kind = draw(st.sampled_from(["payoffs", "economics"]))
        keys, values = (("R", "S", "T", "P"), decimals(-10, 10)) if kind == "payoffs" else (("b", "c", "g", "l", "w"), decimals(0, 10))
        row = {k: draw(values) for k in keys}
        col = draw(st.none() | st.fixed_dictionaries({k: values for k in keys}))
        note = draw(st.just("") | text)
        links.append(Link((a, b), cluster, draw(decimals(0.01, 10)), GameSpec(kind, row, col), note=note))
    net = RegionNetwork(regions, links, name=draw(text), note=draw(st.just("") | text))
    specs = []
    for _ in range(draw(st.integers(0, 4))):
        spec = draw(mechanism_specs(net))
        if spec.kind == "repeated_play" and any(m.kind == "repeated_play" for m in specs):
            continue  # the analysis stacks at most one repeated play per link
        try:
            net.with_mechanisms(*specs, spec)  # keep only entries the scenario schema accepts
        except EntryError:
            continue
        specs.append(spec)
    return net.with_mechanisms(*specs)


# Each example runs four analyses (original and three formats); 25 examples keep the module
# well under its time budget while drawing every mechanism kind and scope many times.
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(scenarios())
def test_generated_scenarios_keep_payoffs_mechanisms_and_analysis(net):
    expected = analysis_of(net)
    for fmt, through in FORMATS.items():
        back = through(net)
        assert_same_scenario(back, net)
        assert analysis_of(back) == expected, fmt


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(scenarios())
def test_generated_scenarios_keep_every_field(net):
    """Data only (no analysis), so more cases."""
    for through in FORMATS.values():
        assert_same_scenario(through(net), net)
