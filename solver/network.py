"""Analysis of a whole city group: every cluster link's game, equilibria and cooperation.

Each link's stage game is built from its specification (payoffs or cluster economics); the
first region of the link is the row player. The government that could guide a link is the
lowest common superior of its two regions (DESIGN §6). The summary gives the share of links,
weighted by link weight, whose cooperation is stable (some Nash equilibrium is fully
cooperative), overall and by the administrative level of the superior.

Examples
--------
>>> from regions import load_scenario
>>> from solver import analyze
>>> result = analyze(load_scenario("yongkang-wuyi-jinyun"), basin=False)
>>> [(r.between, r.superior, r.report.level) for r in result.links]
[(('yongkang', 'wuyi'), 'jinhua', 'none'), (('yongkang', 'jinyun'), 'zhejiang', 'none'), (('wuyi', 'jinyun'), 'zhejiang', 'none')]
>>> result.summary["stable_share"]
0.0
"""

from __future__ import annotations

from dataclasses import dataclass

from games import Game, cluster_game, stage_game
from regions import Link, RegionNetwork

from .cooperation import LEVELS, CooperationReport, stability

__all__ = ["LinkResult", "NetworkAnalysis", "analyze", "link_game"]


def link_game(network: RegionNetwork, link: Link) -> Game:
    """The stage game of a link, players named after its two regions.

    Examples
    --------
    >>> from regions import load_scenario
    >>> net = load_scenario("yongkang-wuyi-jinyun")
    >>> g = link_game(net, net.links[1])
    >>> g.players, g.row_payoffs.tolist()
    (('Yongkang', 'Jinyun'), [[3.0, -1.0], [4.0, 0.0]])
    """
    a, b = (network.region(r).name for r in link.between)
    row, col = link.game.values()
    title = f"{a}–{b} {link.cluster}"
    if link.game.kind == "economics":
        return cluster_game(row=row, col=col, players=(a, b), name=title)
    return stage_game(row, col, players=(a, b), name=title)


@dataclass(frozen=True)
class LinkResult:
    """The analysis of one link under one mechanism (``"status quo"`` for none)."""

    link: Link
    superior: str | None
    superior_level: str | None
    mechanism: str
    game: Game
    report: CooperationReport

    @property
    def between(self) -> tuple[str, str]:
        return self.link.between

    def to_dict(self) -> dict:
        """The JSON entry of DESIGN §9: the report plus ``between``, ``mechanism``, ``superior``."""
        return {
            "between": list(self.link.between),
            "cluster": self.link.cluster,
            "weight": self.link.weight,
            "mechanism": self.mechanism,
            "superior": self.superior,
            **self.report.to_dict(),
        }


@dataclass(frozen=True)
class NetworkAnalysis:
    """Per-link results and the network summary."""

    scenario: str
    links: tuple[LinkResult, ...]
    summary: dict

    def to_dict(self) -> dict:
        """``{"scenario": name, "links": [...], "summary": {...}}`` (DESIGN §9)."""
        return {"scenario": self.scenario, "links": [r.to_dict() for r in self.links], "summary": self.summary}


def _summary(results: list[LinkResult]) -> dict:
    total = sum(r.link.weight for r in results)
    stable = sum(r.link.weight for r in results if r.report.stable)
    by_level: dict[str, dict[str, float]] = {}
    for r in results:
        key = r.superior_level or "none"
        entry = by_level.setdefault(key, {"links": 0, "weight": 0.0, "stable_weight": 0.0})
        entry["links"] += 1
        entry["weight"] += r.link.weight
        entry["stable_weight"] += r.link.weight if r.report.stable else 0.0
    for entry in by_level.values():
        entry["stable_share"] = entry["stable_weight"] / entry["weight"]
    return {
        "links": len(results),
        "total_weight": total,
        "stable_weight": stable,
        "stable_share": stable / total if total else 0.0,
        "levels": {level: sum(r.report.level == level for r in results) for level in LEVELS},
        "by_superior_level": by_level,
    }


def analyze(network: RegionNetwork, *, basin: bool = True) -> NetworkAnalysis:
    """Equilibria and cooperation report of every link's stage game, and a summary.

    Parameters
    ----------
    network : RegionNetwork
        The city group.
    basin : bool
        Whether to compute each link's replicator basin of cooperation.

    Returns
    -------
    NetworkAnalysis
        One :class:`LinkResult` per link (mechanism ``"status quo"``) and a summary:
        ``stable_share`` (by weight), counts per cooperation level, and per administrative
        level of the superior government its links, weight and stable share.
    """
    results = []
    for link in network.links:
        superior = network.superior(*link.between)
        game = link_game(network, link)
        results.append(
            LinkResult(
                link=link,
                superior=superior,
                superior_level=network.region(superior).level if superior else None,
                mechanism="status quo",
                game=game,
                report=stability(game, basin=basin),
            )
        )
    return NetworkAnalysis(scenario=network.name, links=tuple(results), summary=_summary(results))
