"""regions.RegionNetwork and solver.analyze."""

import networkx as nx
import pytest

from regions import EntryError, GameSpec, Link, Region, RegionNetwork, load_scenario
from solver import analyze, link_game, stability


@pytest.fixture
def city_group():
    return RegionNetwork(
        [
            Region("zj", "Zhejiang", "province"),
            Region("jh", "Jinhua", "prefecture", parent="zj"),
            Region("ls", "Lishui", "prefecture", parent="zj"),
            Region("yk", "Yongkang", "county", parent="jh"),
            Region("wy", "Wuyi", "county", parent="jh"),
            Region("jy", "Jinyun", "county", parent="ls"),
            Region("other", "Elsewhere", "province"),
        ],
        [
            Link(("yk", "wy"), "hardware", 2.0, GameSpec("payoffs", {"R": 3, "S": -1, "T": 4, "P": 0})),
            Link(("yk", "jy"), "hardware", 1.0, GameSpec("payoffs", {"R": 3, "S": 0, "T": 2, "P": 1})),
            Link(("yk", "wy"), "tourism", 1.0, GameSpec("economics", {"b": 4, "c": 1, "g": 2, "l": 0, "w": 0})),
        ],
        name="test",
    )


class TestRegionNetwork:
    def test_graph_and_hierarchy(self, city_group):
        assert isinstance(city_group.graph, nx.MultiGraph)
        assert city_group.graph.number_of_edges("yk", "wy") == 2
        assert city_group.graph.nodes["yk"]["level"] == "county"
        assert sorted(city_group.hierarchy.successors("jh")) == ["wy", "yk"]
        assert city_group.under("zj") == {"jh", "ls", "yk", "wy", "jy"}

    @pytest.mark.parametrize(
        ("a", "b", "superior"),
        [
            ("yk", "wy", "jh"),
            ("yk", "jy", "zj"),
            ("jh", "yk", "zj"),
            ("jh", "ls", "zj"),
            ("yk", "other", None),
            ("zj", "jh", None),
        ],
    )
    def test_superior(self, city_group, a, b, superior):
        assert city_group.superior(a, b) == superior
        assert city_group.superior(b, a) == superior

    def test_unknown_region(self, city_group):
        with pytest.raises(KeyError, match="did you mean 'yk'"):
            city_group.region("ykk")

    def test_link_to_unknown_region(self):
        with pytest.raises(EntryError, match="link a–z, field 'between': 'z' is not a region"):
            RegionNetwork([Region("a", "A", "county")], [Link(("a", "z"), "c", 1, GameSpec("payoffs", dict(R=1, S=0, T=2, P=0.5)))])

    def test_spec_validation(self):
        with pytest.raises(EntryError, match=r"economics\.w"):
            GameSpec("economics", {"b": 1, "c": 1, "g": 1, "l": 1})
        with pytest.raises(EntryError, match="'kind'"):
            GameSpec("matrix", {})


class TestAnalyze:
    def test_builtin_status_quo_is_a_dilemma_everywhere(self):
        result = analyze(load_scenario("yongkang-wuyi-jinyun"), mechanisms=False)
        assert [r.mechanism for r in result.links] == ["status quo"] * 3
        assert [r.report.game_type for r in result.links] == ["prisoner's dilemma"] * 3
        assert [r.report.level for r in result.links] == ["none"] * 3
        assert [r.superior for r in result.links] == ["jinhua", "zhejiang", "zhejiang"]
        assert all(r.report.basin.text == "undefined" for r in result.links)  # issue 11: no basin in a PD
        assert result.summary["stable_share"] == 0.0
        assert result.summary["by_superior_level"]["prefecture"]["links"] == 1
        assert result.summary["by_superior_level"]["province"]["weight"] == pytest.approx(1.3)

    def test_summary_weights(self, city_group):
        result = analyze(city_group, basin=False)
        levels = [r.report.level for r in result.links]
        # Link 2 is a stag hunt with R + S < T + P; link 3 (R, S, T, P = 3, −1, 2, 0) a stag hunt with a tie.
        assert levels[0] == "none"
        assert levels[1:] == ["strict", "strict"]
        assert result.summary["stable_weight"] == pytest.approx(sum(r.link.weight for r in result.links if r.report.stable))
        assert result.summary["stable_share"] == pytest.approx(result.summary["stable_weight"] / 4.0)
        assert result.summary["by_superior_level"]["province"] == {
            "links": 1,
            "weight": 1.0,
            "stable_weight": 1.0,
            "stable_share": 1.0,
        }

    def test_link_game_orientation(self, city_group):
        g = link_game(city_group, city_group.links[2])
        assert g.players == ("Yongkang", "Wuyi")
        assert g.row_payoffs.tolist() == [[3.0, -1.0], [2.0, 0.0]]  # R = b − c, S = −c − l, T = g, P = −w
        assert stability(g, basin=False).level == "strict"

    def test_json_contract(self):
        d = analyze(load_scenario("yongkang-wuyi-jinyun"), basin=False).to_dict()
        assert set(d) == {"scenario", "links", "summary"}
        entry = next(e for e in d["links"] if e["mechanism"] == "status quo" and e["between"] == ["yongkang", "jinyun"])
        assert entry["between"] == ["yongkang", "jinyun"]
        assert entry["mechanism"] == "status quo"
        assert entry["superior"] == "zhejiang"
        assert entry["equilibria"] == [{"row": [0.0, 1.0], "col": [0.0, 1.0], "payoffs": [0.0, 0.0]}]
        assert entry["cooperation"]["level"] == "none"
