"""Analysis of a whole city group: every cluster link's game, equilibria and cooperation.

Each link's stage game is built from its specification (payoffs or cluster economics); the
first region of the link is the row player. The government that could guide a link is the
lowest common superior of its two regions (docs/models.md). For every link the analysis reports
the status quo, each of the scenario's mechanisms that applies to the link on its own, and,
when several apply, all of them together; with the costs at the reference equilibrium (the
first fully cooperative one, else the first) named by who pays.

The summary gives the share of links, weighted by link weight, whose cooperation is stable
(some Nash equilibrium is fully cooperative), overall and by the administrative level of the
superior, in the status quo and with all of the scenario's mechanisms.

Examples
--------
>>> from regions import load_scenario
>>> from solver import analyze
>>> result = analyze(load_scenario("yongkang-wuyi-jinyun"), basin=False)
>>> [(r.between, r.superior, r.report.level) for r in result.links if r.mechanism == "status quo"]
[(('yongkang', 'wuyi'), 'jinhua', 'none'), (('yongkang', 'jinyun'), 'zhejiang', 'none'), (('wuyi', 'jinyun'), 'zhejiang', 'none')]
>>> result.summary["stable_share"], result.summary["with_mechanisms"]["stable_share"]
(0.0, 1.0)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from games import Game, Ledger, Mechanism, accounting, apply, cluster_game, stage_game
from regions import Link, RegionNetwork

from .basin import DEFAULT_SAMPLES
from .cooperation import LEVELS, CooperationReport, stability
from .fast2x2 import report_from_batch, solve_2x2, stack_games
from .nash import Equilibrium
from .stack import link_mechanisms

__all__ = ["ALL_TOGETHER", "LinkResult", "NetworkAnalysis", "analyze", "link_game", "named_costs", "reference_equilibrium"]

_DEFAULT_MASK = np.array([[True, False], [False, False]])

#: The mechanism label of a link's row with every applicable scenario mechanism at once.
ALL_TOGETHER = "all together"


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


def reference_equilibrium(report: CooperationReport) -> Equilibrium | None:
    """The equilibrium costs are reported at: the first fully cooperative one, else the first."""
    eqs = report.equilibria
    game = eqs.game
    for e in eqs:
        rows, cols = e.support
        if all(game.cooperative[i, j] for i in rows for j in cols):
            return e
    return eqs[0] if len(eqs) else None


def named_costs(ledger: Ledger, e: Equilibrium | None, link: Link, guide: str | None) -> dict[str, dict[str, float]]:
    """Expected payments at an equilibrium, parties named: the link's regions, the guide, …"""
    if e is None:
        return {}
    names = {"row": link.between[0], "col": link.between[1], "guide": guide or "guide"}
    out: dict[str, dict[str, float]] = {}
    for party, (paid, received) in ledger.at(e.row, e.col).items():
        if abs(paid) > 1e-12 or abs(received) > 1e-12:
            entry = out.setdefault(names.get(party, party), {"paid": 0.0, "received": 0.0})
            entry["paid"] += paid
            entry["received"] += received
    return out


@dataclass(frozen=True)
class LinkResult:
    """The analysis of one link under one mechanism stack (``"status quo"`` for none)."""

    link: Link
    superior: str | None
    superior_level: str | None
    mechanism: str
    game: Game
    report: CooperationReport
    mechanisms: tuple[Mechanism, ...] = ()
    costs: dict = field(default_factory=dict)

    @property
    def between(self) -> tuple[str, str]:
        return self.link.between

    def to_dict(self) -> dict:
        """The JSON entry of the stable contract: the report plus ``between``, ``mechanism``, ``superior``."""
        return {
            "between": list(self.link.between),
            "cluster": self.link.cluster,
            "weight": self.link.weight,
            "mechanism": self.mechanism,
            "superior": self.superior,
            **self.report.to_dict(),
            "costs": self.costs,
        }


@dataclass(frozen=True)
class NetworkAnalysis:
    """Per-link results and the network summary."""

    scenario: str
    links: tuple[LinkResult, ...]
    summary: dict

    def to_dict(self) -> dict:
        """``{"scenario": name, "links": [...], "summary": {...}}`` (the stable JSON contract)."""
        return {"scenario": self.scenario, "links": [r.to_dict() for r in self.links], "summary": self.summary}

    def status_quo(self) -> list[LinkResult]:
        """The status-quo row of every link."""
        return [r for r in self.links if r.mechanism == "status quo"]


def _shares(results: list[LinkResult]) -> dict:
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


def analyze(network: RegionNetwork, *, basin: bool = True, mechanisms: bool = True, basin_samples: int = DEFAULT_SAMPLES) -> NetworkAnalysis:
    """Equilibria and cooperation report of every link, in the status quo and with mechanisms.

    Parameters
    ----------
    network : RegionNetwork
        The city group.
    basin : bool
        Whether to compute each replicator basin of cooperation.
    mechanisms : bool
        Whether to add the rows of the scenario's mechanisms.
    basin_samples : int
        Quasi-Monte-Carlo starts of each basin of a game larger than 2×2.

    Returns
    -------
    NetworkAnalysis
        One :class:`LinkResult` per link and mechanism stack, and a summary: for the status
        quo, ``stable_share`` (by weight), counts per level, and per administrative level of
        the superior its links, weight and stable share; the same under ``with_mechanisms``
        for every link's full stack of scenario mechanisms (the status quo where none apply).
    """
    pending = []  # (link, superior, label, stack, guide, game, transformed)
    for link in network.links:
        superior = network.superior(*link.between)
        game = link_game(network, link)
        applied = link_mechanisms(network, link) if mechanisms else ()
        guides = [m.payer for m in applied if m.spec.kind == "higher_level_guidance"]
        stacks: list[tuple[str, tuple[Mechanism, ...], str | None]] = [("status quo", (), None)]
        stacks += [(m.label, (m.mechanism,), m.payer if m.spec.kind == "higher_level_guidance" else None) for m in applied]
        if len(applied) > 1:
            stacks.append((ALL_TOGETHER, tuple(m.mechanism for m in applied), "+".join(dict.fromkeys(g for g in guides if g)) or None))
        for label, stack, guide in stacks:
            pending.append((link, superior, label, stack, guide, game, apply(game, *stack)))
    # Without basins, every 2×2 row goes through the exact vectorized path at once.
    batch = [k for k, row in enumerate(pending) if not basin and row[6].shape == (2, 2) and np.array_equal(row[6].cooperative, _DEFAULT_MASK)]
    reports: dict[int, CooperationReport] = {}
    if batch:
        A, B = stack_games([pending[k][6] for k in batch])
        solved = solve_2x2(A, B)
        for i, k in enumerate(batch):
            reports[k] = report_from_batch(pending[k][6], solved, i)
    results: list[LinkResult] = []
    final: list[LinkResult] = []
    for k, (link, superior, label, stack, guide, game, transformed) in enumerate(pending):
        report = reports.get(k) or stability(transformed, basin=basin, basin_samples=basin_samples)
        costs = named_costs(accounting(game, *stack), reference_equilibrium(report), link, guide) if stack else {}
        row = LinkResult(
            link=link,
            superior=superior,
            superior_level=network.region(superior).level if superior else None,
            mechanism=label,
            game=transformed,
            report=report,
            mechanisms=stack,
            costs=costs,
        )
        results.append(row)
        if k + 1 == len(pending) or pending[k + 1][0] is not link:
            final.append(row)
    status_quo = [r for r in results if r.mechanism == "status quo"]
    summary = _shares(status_quo)
    summary["with_mechanisms"] = _shares(final)
    return NetworkAnalysis(scenario=network.name, links=tuple(results), summary=summary)
