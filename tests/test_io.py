"""regions.io and solver.export: CSV and GraphML in and out (round trips), GeoJSON out."""

import io
import json

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from regions import ScenarioError, graphml_graph, load_scenario, read_csv, read_graphml, to_csv
from solver.cli import main
from solver.export import to_geojson, to_graphml, write_export

REGIONS = "id,name,name_zh,level,parent,lon,lat,gdp\nzj,Zhejiang,浙江省,province,,120.15,30.27,\njh,Jinhua,,prefecture,zj,119.65,29.08,\nyk,Yongkang,,county,jh,120.04,28.89,724\nwy,Wuyi,,county,jh,119.82,28.89,300\n"
LINKS = "a,b,cluster,weight,R_row,S_row,T_row,P_row,R_col,S_col,T_col,P_col\nyk,wy,hardware,1.0,4,-3,5,-1,3,-3,4,-0.5\n"


def test_csv_tables():
    net = read_csv(io.StringIO(REGIONS), io.StringIO(LINKS), name="csv")
    assert net.superior("yk", "wy") == "jh"
    assert net.region("yk").attributes["gdp"] == 724.0 and net.region("zj").name_zh == "浙江省"
    assert net.links[0].game.values()[1] == {"R": 3.0, "S": -3.0, "T": 4.0, "P": -0.5}


@pytest.mark.parametrize(
    ("regions", "links", "message"),
    [
        (REGIONS.replace("yk,Yongkang,,county", "yk,Yongkang,,countie"), LINKS, r"row 4, field 'level': must be one of"),
        (REGIONS, LINKS.replace("yk,wy", "yk,wx"), r"link yk–wx, field 'between': 'wx' is not a region"),
        (REGIONS, LINKS.replace(",4,-3,5,-1,", ",4,-3,x,-1,"), r"row 2, field 'T_row': must be a number"),
        (REGIONS, "a,b,R,S\nyk,wy,1,2\n", r"row 2, field 'R': the stage game is missing"),
        (REGIONS, "a,b,c,g,l,w\nyk,wy,1,2,0,0\n", r"row 2, field 'c': in a links table the economics need _row and _col"),
        (REGIONS, LINKS.replace("weight,", "weight,R,S,T,P,").replace("1.0,", "1.0,1,2,3,4,"), r"row 2, field 'R': the stage game is given twice"),
        (REGIONS, "a,b,R,S,T,P\nyk,,1,2,3,4\n", r"row 2, field 'b': is missing"),
        (REGIONS.replace("120.04", "nan"), LINKS, r"row 4, field 'lon': must be a finite number"),
        ("id,level\n", LINKS, "no regions"),
    ],
)
def test_csv_errors(regions, links, message):
    with pytest.raises(ScenarioError, match=message):
        read_csv(io.StringIO(regions), io.StringIO(links))


@given(st.text(max_size=300), st.text(max_size=300))
def test_fuzz_csv_gives_a_network_or_a_scenario_error(regions, links):
    try:
        read_csv(io.StringIO("id,name,level,parent,lon,lat\n" + regions), io.StringIO("a,b,R,S,T,P\n" + links))
    except ScenarioError as err:
        assert "\n" not in str(err)


def test_graphml_round_trip_and_geojson(tmp_path):
    net = load_scenario("yongkang-wuyi-jinyun")
    (path,) = write_export(net, tmp_path / "yk.graphml")
    back = read_graphml(path)
    assert [k.game.values() for k in back.links] == [k.game.values() for k in net.links]
    assert back.links == net.links and back.mechanisms == net.mechanisms
    assert {r.id: r.parent for r in back.regions.values()} == {r.id: r.parent for r in net.regions.values()}
    text = to_graphml(net)
    assert "level_with_mechanisms" in text and "min_guidance_subsidy" in text
    doc = to_geojson(net)
    lines = [f for f in doc["features"] if f["geometry"]["type"] == "LineString"]
    assert len(lines) == 3 and {f["properties"]["level"] for f in lines} == {"none"}
    assert lines[0]["properties"]["min_guidance_subsidy"] == pytest.approx(1.0)
    # Strict needs R + s > T: the threshold 1 itself is not enough, and the export says so.
    assert lines[0]["properties"]["min_guidance_subsidy_attained"] is False
    with pytest.raises(ValueError, match="use --force"):
        write_export(net, path)
    with pytest.raises(ScenarioError, match="not a GraphML file"):
        (tmp_path / "bad.graphml").write_text("<graphml", encoding="utf-8")
        read_graphml(tmp_path / "bad.graphml")


def test_cli_export_and_import(tmp_path, capsys):
    geo = tmp_path / "map.geojson"
    assert main(["export", "henan-clusters", "--out", str(geo)]) == 0
    assert json.loads(geo.read_text())["type"] == "FeatureCollection"
    (tmp_path / "r.csv").write_text(REGIONS, encoding="utf-8")
    (tmp_path / "l.csv").write_text(LINKS, encoding="utf-8")
    out = tmp_path / "s.toml"
    assert main(["import", str(tmp_path / "r.csv"), str(tmp_path / "l.csv"), "--out", str(out), "--name", "from csv"]) == 0
    assert load_scenario(out).name == "from csv"
    capsys.readouterr()
    assert main(["import", str(tmp_path / "r.csv"), str(tmp_path / "l.csv"), "--out", str(out)]) == 2
    assert "use --force" in capsys.readouterr().err
    assert main(["export", "henan-clusters", "--out", str(tmp_path / "x.kml")]) == 2


MECHANISMS = "kind,name,by,links,subsidy,transfer,payer,strategies,discount,mutual_breach,breach_penalty\n"


def test_csv_mechanisms_table():
    table = MECHANISMS + (
        "higher_level_guidance,guide,jh,,1.5,,,,,,\n"
        "side_payment,,,yk–wy,,0.25,wy,,,,\n"
        'repeated_play,,,"[[""wy"", ""yk""]]",,,,"AllC, Grim",0.9,,\n'
        "binding_contract,,,,,,,,,TRUE,2\n"
    )
    net = read_csv(io.StringIO(REGIONS), io.StringIO(LINKS), io.StringIO(table))
    guide, pay, repeat, contract = net.mechanisms
    assert (guide.name, guide.by, dict(guide.parameters)) == ("guide", "jh", {"subsidy": 1.5})
    assert pay.links == (("yk", "wy"),) and dict(pay.parameters) == {"transfer": 0.25, "payer": "wy"}
    assert repeat.parameters["strategies"] == ("AllC", "Grim") and repeat.links == (("wy", "yk"),)
    assert contract.parameters["mutual_breach"] is True
    assert read_csv(*map(io.StringIO, to_csv(net))).mechanisms == net.mechanisms


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("higher_level_guidance,,,,-1,,,,,,", r"m.csv: row 2, field 'subsidy': must be ≥ 0"),
        ("higher_level_guidance,,,,x,,,,,,", r"m.csv: row 2, field 'subsidy': must be a number"),
        ("side_payment,,,,,1,,,,,", r"m.csv: row 2, field 'payer': is missing"),
        ("side_payment,,,,1,1,yk,,,,", r"m.csv: row 2, field 'subsidy': not a parameter of side_payment"),
        ("side_payment,,,yk–zj,,1,yk,,,,", r"m.csv: row 2, field 'links': there is no link between yk and zj"),
        ("repeated_play,,,,,,,AllC Grimm,0.9,,", r"m.csv: row 2, field 'strategies': unknown strategy 'Grimm'"),
        ("repeated_play,,,[[1,,,,,,,0.9,,", r"m.csv: row 2, field 'links': not a JSON list"),
        ("binding_contract,,,,,,,,,maybe,1", r"m.csv: row 2, field 'mutual_breach': must be true or false"),
        ("bribe,,,,,,,,,,", r"m.csv: row 2, field 'kind': unknown mechanism kind 'bribe'"),
        (",,,,,,,,,,", r"m.csv: row 2, field 'kind': is missing"),
    ],
)
def test_csv_mechanism_errors(row, message):
    table = io.StringIO(MECHANISMS + row + "\n")
    table.name = "m.csv"
    with pytest.raises(ScenarioError, match=message):
        read_csv(io.StringIO(REGIONS), io.StringIO(LINKS), table)


def test_csv_attributes_named_like_columns_and_text():
    net = read_csv(io.StringIO(REGIONS.replace("gdp", "attributes.level")), io.StringIO(LINKS))
    assert net.region("yk").attributes == {"level": 724.0}
    regions_table = to_csv(net)[0]
    assert regions_table.splitlines()[0].endswith(",attributes.level")


def _graphml(net, edit):
    graph = graphml_graph(net)
    edit(graph)
    return io.StringIO("\n".join(nx.generate_graphml(graph)))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda g: g.edges["yk", "wy", "e0"].update(row_region="zj"), r"edge 'yk'–'wy', field 'row_region': must be one of the edge's two regions"),
        (lambda g: g.graph.update(mechanisms="[{"), r"graph, field 'mechanisms': not a JSON list"),
        (lambda g: g.graph.update(mechanisms='{"kind": "side_payment"}'), r"graph, field 'mechanisms': must be a JSON list"),
        (lambda g: g.graph.update(mechanisms='[{"kind": "side_payment", "transfer": 1}]'), r"mechanism #1, field 'payer': is missing"),
        (
            lambda g: g.graph.update(mechanisms='[{"kind": "side_payment", "payer": "zj", "transfer": 1}]'),
            r"mechanism #1, field 'payer': 'zj' is not a region of the link",
        ),
    ],
)
def test_graphml_errors(edit, message):
    net = read_csv(io.StringIO(REGIONS), io.StringIO(LINKS))
    with pytest.raises(ScenarioError, match=message):
        read_graphml(_graphml(net, edit))


def test_write_csv_and_its_paths(tmp_path):
    net = load_scenario("yongkang-wuyi-jinyun")
    paths = write_export(net, tmp_path / "yk.csv")
    assert [p.name for p in paths] == ["yk.regions.csv", "yk.links.csv", "yk.mechanisms.csv"]
    back = read_csv(*paths)
    assert back.links == net.links and back.mechanisms == net.mechanisms
    with pytest.raises(ValueError, match=r"yk\.regions\.csv: the file exists; use --force"):
        write_export(net, tmp_path / "yk.csv")
    assert write_export(net, tmp_path / "yk.csv", force=True) == paths


# Issue 16, defect 7: CSV import never changes data silently.
REGIONS_CSV = "id,name,level,parent\np,P,prefecture,\na,A,county,p\nb,B,county,p\n"


def test_an_unknown_links_column_is_refused_with_a_did_you_mean(tmp_path):
    (tmp_path / "r.csv").write_text(REGIONS_CSV, encoding="utf-8")
    (tmp_path / "l.csv").write_text("a,b,R,S,T,P,Weight\na,b,3,-1,4,0,0.25\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"l\.csv: field 'Weight': unknown links column \(did you mean 'weight'\?\)"):
        read_csv(tmp_path / "r.csv", tmp_path / "l.csv")


def test_files_with_a_byte_order_mark_are_read(tmp_path):
    # Spreadsheet programs write a UTF-8 BOM; it used to become part of the first column's name.
    (tmp_path / "r.csv").write_text("\ufeff" + REGIONS_CSV, encoding="utf-8")
    (tmp_path / "l.csv").write_text("\ufeffa,b,R,S,T,P,weight\na,b,3,-1,4,0,0.25\n", encoding="utf-8")
    net = read_csv(tmp_path / "r.csv", tmp_path / "l.csv")
    assert list(net.regions) == ["p", "a", "b"] and net.links[0].weight == 0.25


def _one_graphml(net=None):
    net = net or read_csv(io.StringIO(REGIONS), io.StringIO(LINKS))
    return "\n".join(nx.generate_graphml(graphml_graph(net)))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # Issue 16, defect 8: networkx keeps the last of two nodes of one id, and the last of two
        # <data> of one key; both silently changed the data.
        (lambda t: t.replace('<node id="wy">', '<node id="yk"><data key="d3">Again</data></node>\n<node id="wy">', 1), r"node 'yk': appears twice"),
        (lambda t: t.replace('<data key="d3">Yongkang</data>', '<data key="d3">Yongkang</data><data key="d3">Other</data>', 1), r"node 'yk', field 'name': is given twice"),
        (lambda t: t.replace("</graph>", '<edge source="yk" target="nowhere" /></graph>', 1), r"edge #2, field 'target': 'nowhere' is not a node"),
        (lambda t: t.replace("</graph>", '</graph><graph edgedefault="undirected" />', 1), r"holds 2 graphs"),
        (lambda t: t.replace("<graphml", "<graphm", 1).replace("</graphml>", "</graphm>"), r"not a GraphML file: the root element is <graphm>"),
    ],
)
def test_graphml_duplicates_and_strays_are_refused(tmp_path, edit, message):
    text = _one_graphml()
    changed = edit(text)
    assert changed != text
    path = tmp_path / "x.graphml"
    path.write_text(changed, encoding="utf-8")
    with pytest.raises(ScenarioError, match=message):
        read_graphml(path)


@pytest.mark.parametrize(
    "doctype",
    [
        # billion laughs: refused before any expansion, whatever the system's expat version
        '<!DOCTYPE g [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>',
        '<!DOCTYPE g [<!ENTITY x SYSTEM "file:///etc/passwd">]>',  # an external entity
        "<!DOCTYPE graphml>",  # any DTD at all
    ],
)
def test_graphml_with_a_dtd_is_refused(tmp_path, capsys, doctype):
    text = _one_graphml()
    if "ENTITY a" in doctype:
        text = text.replace('<data key="d3">Yongkang</data>', '<data key="d3">&c;</data>', 1)
    elif "SYSTEM" in doctype:
        text = text.replace('<data key="d3">Yongkang</data>', '<data key="d3">&x;</data>', 1)
    path = tmp_path / "x.graphml"
    path.write_text(f'<?xml version="1.0" encoding="utf-8"?>\n{doctype}\n{text}', encoding="utf-8")
    code = main(["import", str(path), "-o", str(tmp_path / "out.toml")])
    err = capsys.readouterr().err
    assert code == 2 and "DTDs and entities are not read" in err and err.count("\n") == 1
    assert not (tmp_path / "out.toml").exists()


# Issue 16 (fuzzing): GraphML and CSV imports end in one line (exit 2) or succeed with nothing on
# stderr; a JSON cell nested 100,000 deep was a RecursionError, a <key> without attr.type a warning.
def _import(tmp_path, text):
    import os
    import subprocess
    import sys

    (tmp_path / "g.graphml").write_text(text, encoding="utf-8")
    env = dict(os.environ, PYTHONWARNINGS="default")
    return subprocess.run(
        [sys.executable, "-m", "solver", "import", "g.graphml", "-o", "out.toml"], capture_output=True, text=True, timeout=300, cwd=tmp_path, env=env
    )


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        # RecursionError in json.loads (internal error)
        (
            lambda t: t.replace('<graph edgedefault="undirected">', '<graph edgedefault="undirected"><data key="dm">' + "[" * 100_000 + "</data>"),
            "graph, field 'mechanisms': nested too deeply",
        ),
        # networkx's "Bad GraphML data: no key d99" named neither the node nor the field
        (
            lambda t: t.replace('<data key="d3">Yongkang</data>', '<data key="d3">Yongkang</data><data key="d99">x</data>'),
            "node 'yk', field 'd99': no <key> declares",
        ),
    ],
)
def test_graphml_import_refuses_in_one_line(tmp_path, edit, message):
    text = _one_graphml().replace("<graph ", '<key id="dm" for="graph" attr.name="mechanisms" attr.type="string" />\n  <graph ', 1)
    done = _import(tmp_path, edit(text))
    assert done.returncode == 2 and done.stderr.startswith("intergov: error: g.graphml: ") and message in done.stderr
    assert done.stderr.count("\n") == 1 and not (tmp_path / "out.toml").exists()


def test_a_graphml_key_without_type_is_read_as_a_string_without_a_warning(tmp_path):
    # GraphML's default attr.type is string; networkx printed "UserWarning: No key type for id d14".
    text = _one_graphml()
    changed = text.replace(' attr.name="R_row" attr.type="double"', ' attr.name="R_row"').replace(' attr.name="name" attr.type="string"', ' attr.name="name"')
    assert changed.count("attr.type") == text.count("attr.type") - 3  # the graph's name key too
    done = _import(tmp_path, changed)
    assert (done.returncode, done.stderr) == (0, "")
    net, original = load_scenario(tmp_path / "out.toml"), read_graphml(io.StringIO(text))
    assert net.links == original.links and net.region("yk").name == "Yongkang"


def test_json_nested_too_deeply_is_refused():
    net = read_csv(io.StringIO(REGIONS), io.StringIO(LINKS))
    with pytest.raises(ScenarioError, match=r"graph, field 'mechanisms': nested too deeply \(at most 32 levels"):
        read_graphml(_graphml(net, lambda g: g.graph.update(mechanisms="[" * 40 + "]" * 40)))
    for cell in ("[" * 100_000, "[" * 40 + "]" * 40):
        table = io.StringIO(MECHANISMS + f"repeated_play,,,{cell},,,,,0.9,,\n")
        table.name = "m.csv"
        with pytest.raises(ScenarioError, match=r"m\.csv: row 2, field 'links': nested too deeply"):
            read_csv(io.StringIO(REGIONS), io.StringIO(LINKS), table)
    with pytest.raises(ScenarioError, match=r"graph, field 'mechanisms': not a JSON list of mechanism tables: Exceeds the limit"):
        read_graphml(_graphml(net, lambda g: g.graph.update(mechanisms="[1" + "0" * 5000 + "]")))
