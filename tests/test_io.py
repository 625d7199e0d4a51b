"""regions.io and solver.export: CSV and GraphML in, GraphML and GeoJSON out."""

import io
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from regions import ScenarioError, load_scenario, read_csv, read_graphml
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
    path = write_export(net, tmp_path / "yk.graphml")
    back = read_graphml(path)
    assert [k.game.values() for k in back.links] == [k.game.values() for k in net.links]
    assert {r.id: r.parent for r in back.regions.values()} == {r.id: r.parent for r in net.regions.values()}
    text = to_graphml(net)
    assert "level_with_mechanisms" in text and "min_guidance_subsidy" in text
    doc = to_geojson(net)
    lines = [f for f in doc["features"] if f["geometry"]["type"] == "LineString"]
    assert len(lines) == 3 and {f["properties"]["level"] for f in lines} == {"none"}
    assert lines[0]["properties"]["min_guidance_subsidy"] == pytest.approx(1.0)
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
