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

import operator
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from typing import overload

import numpy as np

from games import Game, Ledger, Mechanism, accounting, apply, cluster_game, stage_game
from games.game import MAX_DENOMINATOR, SHORT_DIGITS, _digits
from regions import Link, RegionNetwork

from .basin import DEFAULT_SAMPLES, Basin, basin_of_cooperation, exact_basins_2x2
from .cooperation import LEVELS, CooperationReport, report_from_batch, stability
from .kernels.fast2x2 import solve_2x2, stack_games
from .nash import Equilibrium
from .progress import stage
from .stack import link_mechanisms

__all__ = ["ALL_TOGETHER", "LazyRows", "LinkResult", "NetworkAnalysis", "analyze", "link_game", "link_payoffs", "named_costs", "reference_equilibrium"]

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


_ECONOMICS = operator.itemgetter("b", "c", "g", "l", "w")
_PAYOFFS = operator.itemgetter("R", "S", "T", "P")


def _stage_values(links: Sequence[Link]) -> np.ndarray:
    """Each link's (row, col) R, S, T, P, shape (N, 2, 4), with the float operations of
    :func:`games.cluster_payoffs` (R = b − c, S = 0 − c − l, T = g, P = 0 − w)."""
    specs = [link.game for link in links]
    economics = [k for k, spec in enumerate(specs) if spec.kind == "economics"]
    payoffs = [k for k, spec in enumerate(specs) if spec.kind != "economics"]
    out = np.empty((len(links), 2, 4))
    for rows, get, width in ((economics, _ECONOMICS, 5), (payoffs, _PAYOFFS, 4)):
        if not rows:
            continue
        chosen = [specs[k] for k in rows] if len(rows) < len(specs) else specs
        flat = [x for g in chosen for x in get(g.row) + get(g.row if g.col is None else g.col)]
        v = np.array(flat, dtype=float).reshape(-1, 2, width)
        if width == 5:
            b, c, g, l, w = (v[:, :, i] for i in range(5))
            v = np.stack([b - c, 0.0 - c - l, g, 0.0 - w], axis=2)
        out[rows] = v
    return out


def _read_as_games_do(x: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """``float(games.game.rational(x, scale))`` elementwise: the floats a :class:`Game` keeps.

    A value whose repr is a short decimal stays itself; any other is replaced by its nearest
    fraction with denominator ≤ 10⁹ when that lies within 10⁻¹² × max(|x|, scale) — the same
    float comparison as :func:`games.game.rational`, done once per distinct value.
    """
    values, inverse = np.unique(x, return_inverse=True)
    near = values.copy()
    long = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values.tolist()):
        if _digits(repr(v)) > SHORT_DIGITS:
            long[i] = True
            near[i] = float(Fraction(v).limit_denominator(MAX_DENOMINATOR))
    near_x, long_x = near[inverse].reshape(x.shape), long[inverse].reshape(x.shape)
    keep = long_x & (np.abs(near_x - x) <= 1e-12 * np.maximum(np.abs(x), scale))
    return np.where(keep, near_x, x) + 0.0  # + 0.0: -0.0 reads as the fraction 0


def link_payoffs(network: RegionNetwork, links: Sequence[Link] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The stage games of many links as arrays A, B of shape (N, 2, 2), without building games.

    Entry for entry the payoffs of :func:`link_game` (the floats of its exact rationals), so
    ``solver.kernels.fast2x2.stack_games([link_game(network, k) for k in links])`` gives the same arrays.

    Examples
    --------
    >>> from regions import load_scenario
    >>> A, B = link_payoffs(load_scenario("yongkang-wuyi-jinyun"))
    >>> A[1].tolist(), B.shape
    ([[3.0, -1.0], [4.0, 0.0]], (3, 2, 2))
    """
    links = network.links if links is None else links
    if not links:
        return np.zeros((0, 2, 2)), np.zeros((0, 2, 2))
    raw = _stage_values(links)  # (N, player, R S T P)
    top = np.max(np.abs(raw), axis=2, keepdims=True)
    scale = np.where(top > 0, top, 1.0)
    exact = _read_as_games_do(raw, np.broadcast_to(scale, raw.shape))
    R, S, T, P = (exact[:, :, k] for k in range(4))
    A = np.stack([R[:, 0], S[:, 0], T[:, 0], P[:, 0]], axis=1).reshape(-1, 2, 2)
    B = np.stack([R[:, 1], T[:, 1], S[:, 1], P[:, 1]], axis=1).reshape(-1, 2, 2)
    return A, B


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


class LazyRows(Sequence):
    """A read-only sequence whose entries are built on first access and then kept.

    Network-scale results hold their numbers as arrays; a row object (a :class:`LinkResult`, a
    design row) is made only when someone asks for it, so a summary over 150,000 links never
    builds 150,000 objects. ``items`` holds built rows or None; ``build(k)`` makes row ``k``.

    >>> rows = LazyRows([None, "b"], lambda k: f"row {k}")
    >>> len(rows), rows[0], list(rows), rows == ("row 0", "b")
    (2, 'row 0', ['row 0', 'b'], True)
    """

    __slots__ = ("_build", "_items")

    def __init__(self, items: list, build: Callable[[int], object]) -> None:
        self._items = items
        self._build = build

    def __len__(self) -> int:
        return len(self._items)

    @overload
    def __getitem__(self, k: int) -> object: ...
    @overload
    def __getitem__(self, k: slice) -> tuple: ...
    def __getitem__(self, k):
        if isinstance(k, slice):
            return tuple(self[i] for i in range(*k.indices(len(self))))
        item = self._items[k]
        if item is None:
            k = k % len(self._items)
            item = self._items[k] = self._build(k)
        return item

    def __iter__(self) -> Iterator:
        return (self[k] for k in range(len(self._items)))

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (LazyRows, tuple, list)):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"LazyRows({len(self)} rows)"


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
    """Per-link results and the network summary.

    ``links`` is a sequence of :class:`LinkResult` (a tuple, or a :class:`LazyRows` whose rows
    are built when first read).
    """

    scenario: str
    links: Sequence[LinkResult]
    summary: dict

    def to_dict(self) -> dict:
        """``{"scenario": name, "links": [...], "summary": {...}}`` (the stable JSON contract)."""
        rows = []
        with stage(f"{len(self.links):,} result rows", total=len(self.links)) as advance:
            for k, r in enumerate(self.links, 1):
                rows.append(r.to_dict())
                if k % 1000 == 0:
                    advance(1000)
            advance(len(rows) % 1000)
        return {"scenario": self.scenario, "links": rows, "summary": self.summary}

    def status_quo(self) -> list[LinkResult]:
        """The status-quo row of every link."""
        return [r for r in self.links if r.mechanism == "status quo"]


def _shares(results: list[LinkResult]) -> dict:
    return _shares_of(
        [r.link.weight for r in results], [r.report.stable for r in results], [r.report.level for r in results], [r.superior_level for r in results]
    )


def _shares_of(weights: list[float], stable: list[bool], levels: list[str], superior_levels: list[str | None]) -> dict:
    """The summary of rows given as columns (weights added in row order, as one by one)."""
    total = sum(weights)
    by_level: dict[str, dict[str, float]] = {}
    members: dict[str, list[int]] = {}
    for k, level in enumerate(superior_levels):
        members.setdefault(level or "none", []).append(k)
    for key, rows in members.items():
        weight = sum(weights[k] for k in rows)
        stable_weight = sum(weights[k] if stable[k] else 0.0 for k in rows)
        by_level[key] = {"links": len(rows), "weight": weight, "stable_weight": stable_weight, "stable_share": stable_weight / weight}
    stable_weight = sum(w for w, s in zip(weights, stable) if s)
    return {
        "links": len(weights),
        "total_weight": total,
        "stable_weight": stable_weight,
        "stable_share": stable_weight / total if total else 0.0,
        "levels": {level: levels.count(level) for level in LEVELS},
        "by_superior_level": by_level,
    }


_DEFAULT_COOPERATION = np.array([[1.0, 0.0], [0.0, 0.0]])


def _game_key(game: Game) -> tuple:
    """What a game's basin depends on: its exact payoffs, cooperation matrix and cooperative mask."""
    exact = tuple(tuple(tuple(row) for row in matrix) for matrix in game.exact)
    return (exact, game.cooperation.tobytes(), game.cooperative.tobytes(), game.shape)


def _batch_basins(payoffs: tuple[np.ndarray, np.ndarray], games: list, make: Callable[[int], Game] | None) -> list[Basin]:
    """Basins of 2×2 games with (0, 0) the cooperative profile: decided on arrays
    (:func:`solver.basin.exact_basins_2x2`), the rest — a zero gain, or a cooperation matrix
    that could make a deviation path-equivalent — exactly, game by game."""
    out = exact_basins_2x2(*payoffs)
    for k, share in enumerate(out):
        game = games[k]
        if share is None or (game is not None and not np.array_equal(game.cooperation, _DEFAULT_COOPERATION)):
            out[k] = basin_of_cooperation(game if game is not None else make(k))
    return out


def analyze(network: RegionNetwork, *, basin: bool = True, mechanisms: bool = True, basin_samples: int = DEFAULT_SAMPLES) -> NetworkAnalysis:
    """Equilibria and cooperation report of every link, in the status quo and with mechanisms.

    Parameters
    ----------
    network : RegionNetwork
        The city group.
    basin : bool
        Whether to compute each replicator basin of cooperation (2×2 games: decided and
        integrated on arrays, :func:`solver.basin.exact_basins_2x2`; larger games: one
        quasi-Monte-Carlo estimate per distinct game).
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
    links = list(network.links)
    superiors = [network.superior(*link.between) for link in links]
    levels_of = {r: network.region(r).level for r in dict.fromkeys(superiors) if r}
    superior_levels = [levels_of[r] if r else None for r in superiors]
    with_specs = mechanisms and bool(network.mechanisms)
    # Status-quo rows: solved as arrays at once (their basins too); each row object built when read.
    payoffs = link_payoffs(network, links)
    solved = solve_2x2(*payoffs) if links else None
    quo_basins = _batch_basins(payoffs, [None] * len(links), lambda i: link_game(network, links[i])) if basin and links else None
    games: dict[int, Game] = {}
    items: list = []
    at: list[int] = []  # the link of each row
    pending = []  # (row, link index, label, stack, guide, game, transformed)
    for i, link in enumerate(links):
        applied = link_mechanisms(network, link) if with_specs else ()
        guides = [m.payer for m in applied if m.spec.kind == "higher_level_guidance"]
        stacks: list[tuple[str, tuple[Mechanism, ...], str | None]] = [
            (m.label, (m.mechanism,), m.payer if m.spec.kind == "higher_level_guidance" else None) for m in applied
        ]
        if len(applied) > 1:
            stacks.append((ALL_TOGETHER, tuple(m.mechanism for m in applied), "+".join(dict.fromkeys(g for g in guides if g)) or None))
        items.append(None)
        at.append(i)
        if stacks:
            game = games[i] = link_game(network, link)
            for label, stack, guide in stacks:
                pending.append((len(items), i, label, stack, guide, game, apply(game, *stack)))
                items.append(None)
                at.append(i)
    # Every 2×2 row goes through the exact vectorized path at once (with its basin on arrays).
    batch = [k for k, row in enumerate(pending) if row[6].shape == (2, 2) and np.array_equal(row[6].cooperative, _DEFAULT_MASK)]
    reports: dict[int, CooperationReport] = {}
    if batch:
        A, B = stack_games([pending[k][6] for k in batch])
        batch_solved = solve_2x2(A, B)
        shares = _batch_basins((A, B), [pending[k][6] for k in batch], None) if basin else [None] * len(batch)
        for j, k in enumerate(batch):
            reports[k] = report_from_batch(pending[k][6], batch_solved, j, shares[j])
    solved_basins: dict[tuple, Basin] = {}  # identical games in one call: one basin
    last: dict[int, int] = {}  # link → its last row
    rest = len(pending) - len(reports)
    with stage(f"{rest:,} mechanism rows beyond 2×2" + (" with their basins" if basin else ""), total=rest) as advance:
        for k, (row, i, label, stack, guide, game, transformed) in enumerate(pending):
            link = links[i]
            report = reports.get(k)
            if report is None:
                report = stability(transformed, basin=False)
                if basin:
                    key = _game_key(transformed)
                    if key not in solved_basins:
                        solved_basins[key] = basin_of_cooperation(transformed, samples=basin_samples)
                    report = replace(report, basin=solved_basins[key])
                advance()
            costs = named_costs(accounting(game, *stack), reference_equilibrium(report), link, guide) if stack else {}
            items[row] = LinkResult(link, superiors[i], superior_levels[i], label, transformed, report, stack, costs)
            last[i] = row

    def status_quo_row(row: int) -> LinkResult:
        i = at[row]
        game = games.get(i) or link_game(network, links[i])
        share = quo_basins[i] if quo_basins is not None else None
        return LinkResult(links[i], superiors[i], superior_levels[i], "status quo", game, report_from_batch(game, solved, i, share))

    weights = [link.weight for link in links]
    stable, levels = (solved.nash.tolist(), solved.level.tolist()) if links else ([], [])
    summary = _shares_of(weights, stable, levels, superior_levels)
    final = [last.get(i) for i in range(len(links))]
    stable_final = [stable[i] if r is None or items[r].mechanism == "status quo" else items[r].report.stable for i, r in enumerate(final)]
    levels_final = [levels[i] if r is None or items[r].mechanism == "status quo" else items[r].report.level for i, r in enumerate(final)]
    summary["with_mechanisms"] = _shares_of(weights, stable_final, levels_final, superior_levels)
    rows = LazyRows(items, status_quo_row)
    return NetworkAnalysis(scenario=network.name, links=rows, summary=summary)
