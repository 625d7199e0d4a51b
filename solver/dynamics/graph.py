"""Evolution of cooperation on the region graph: imitation dynamics, sparse and vectorized.

Each region holds a strategy (0 = cooperate, 1 = defect) and plays its stage game against every
neighbour, each game weighted by the link's weight; with ``self_interaction`` it also plays
against itself (Nowak and May 1992). Then regions revise by

``fermi``
    compare with a random neighbour j (chosen with probability ∝ wᵢⱼ) and copy it with
    probability 1 / (1 + exp(−β(πⱼ − πᵢ))) (Szabó and Tőke 1998);
``death-birth``
    the region's strategy is replaced by a neighbour's, chosen with probability
    ∝ wᵢⱼ·exp(βπⱼ) (Ohtsuki et al. 2006, with exponential fitness);
``best-neighbour``
    copy the neighbour with the highest payoff if it earns more (Nowak and May 1992).

``synchronous`` updates every region at once; otherwise a random ``update_fraction`` of the
regions revises each step against the current payoffs (1/N gives one-at-a-time updating).
Payoffs are one sparse matrix–vector product per step; neighbour choice is a vectorized
search in the cumulative weights of the CSR rows; so 10,000 regions × 1,000 steps take
seconds. Randomness comes from ``numpy.random.default_rng(seed)``: the same seed gives the
same run.

Examples
--------
>>> import networkx as nx
>>> from games import prisoners_dilemma, harmony
>>> r = evolve_on_graph(nx.complete_graph(30), prisoners_dilemma(), steps=300, seed=1)
>>> bool(r.cooperation[0] > 0.3), float(r.cooperation[-1])
(True, 0.0)
>>> float(evolve_on_graph(nx.complete_graph(30), harmony(), steps=300, seed=1).cooperation[-1])
1.0
"""

from __future__ import annotations

from dataclasses import dataclass

import networkx as nx
import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy import stats as sps

from games import Game, apply

from ..network import link_game
from ..stack import link_mechanisms

__all__ = ["RULES", "EnsembleResult", "EvolutionResult", "evolve_many", "evolve_on_graph"]

RULES = ("fermi", "death-birth", "best-neighbour")


@dataclass(frozen=True)
class EvolutionResult:
    """Share of regions cooperating at each step (``steps + 1`` values) and the final state."""

    nodes: tuple
    cooperation: np.ndarray
    final: np.ndarray
    seed: int | None
    rule: str

    def final_strategies(self) -> dict:
        """The final strategy of each node: ``"C"`` or ``"D"``."""
        return {n: "CD"[int(s)] for n, s in zip(self.nodes, self.final)}


@dataclass(frozen=True)
class EnsembleResult:
    """Cooperation share over time averaged over seeds, with a confidence interval."""

    seeds: tuple[int, ...]
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    final_shares: np.ndarray
    confidence: float


def _payoff_vector(game: Game) -> np.ndarray:
    if game.shape != (2, 2):
        raise ValueError(f"evolution on a graph needs a 2×2 stage game, not {game.shape}")
    a = game.row_payoffs
    return np.array([a[0, 0], a[0, 1], a[1, 0], a[1, 1]])  # R, S, T, P of the row player


def _setup(G, game):
    """Nodes, CSR weights and per-edge payoff tables (or one symmetric table)."""
    from regions import RegionNetwork

    if isinstance(G, RegionNetwork):
        network = G
        nodes = list(dict.fromkeys(r for link in network.links for r in link.between))
        index = {n: k for k, n in enumerate(nodes)}
        src, dst, weight, own = [], [], [], []
        for link in network.links:
            a, b = link.between
            if game is None:
                mechs = [m.mechanism for m in link_mechanisms(network, link) if m.spec.kind != "repeated_play"]
                g = apply(link_game(network, link), *mechs)
            else:
                g = game
            for i, j, gg in ((a, b, g), (b, a, g.swap())):
                src.append(index[i])
                dst.append(index[j])
                weight.append(link.weight)
                own.append(_payoff_vector(gg))
        n = len(nodes)
        W = sparse.csr_matrix((weight, (src, dst)), shape=(n, n))
        return nodes, W, np.array(src), np.array(dst), np.array(weight, dtype=float), np.array(own)
    if not isinstance(G, nx.Graph):
        raise TypeError(f"expected a networkx graph or a RegionNetwork, got {type(G).__name__}")
    if game is None:
        raise ValueError("a networkx graph needs the stage game to play")
    nodes = list(G.nodes)
    W = nx.to_scipy_sparse_array(G, nodelist=nodes, weight="weight", format="csr").astype(float)
    W = sparse.csr_matrix(W)
    W.setdiag(0)
    W.eliminate_zeros()
    if (W.data < 0).any():
        raise ValueError("link weights must be non-negative")
    return nodes, W, None, None, None, _payoff_vector(game)


def evolve_on_graph(
    G,
    game: Game | None = None,
    rule: str = "fermi",
    steps: int = 1000,
    seed: int | None = 0,
    beta: float = 1.0,
    synchronous: bool = True,
    self_interaction: bool = False,
    initial: float | npt.ArrayLike = 0.5,
    update_fraction: float = 0.1,
) -> EvolutionResult:
    """Imitation dynamics of cooperation on a graph (see the module notes).

    Parameters
    ----------
    G : networkx.Graph or RegionNetwork
        The graph; edge attribute ``weight`` (default 1). A :class:`regions.RegionNetwork`
        plays each link's own stage game with the scenario's stage mechanisms when ``game`` is
        None.
    game : Game, optional
        A symmetric-role 2×2 stage game (the row player's payoffs are every region's).
    rule : {"fermi", "death-birth", "best-neighbour"}
    steps : int
    seed : int or None
    beta : float
        Selection strength (≥ 0).
    synchronous : bool
    self_interaction : bool
    initial : float or array
        Share cooperating at the start (placed at random), or a strategy per node (0 = C, 1 = D).
    update_fraction : float
        With ``synchronous=False``, the share of regions revising per step.

    Raises
    ------
    ValueError
        For an unknown rule, negative β or steps, an initial share outside [0, 1], …
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {', '.join(RULES)}, got {rule!r}")
    if not np.isfinite(beta) or beta < 0:
        raise ValueError(f"beta must be a finite number ≥ 0, got {beta}")
    if int(steps) != steps or steps < 0:
        raise ValueError(f"steps must be a whole number ≥ 0, got {steps}")
    if not 0 < update_fraction <= 1:
        raise ValueError(f"update_fraction must lie in (0, 1], got {update_fraction}")
    nodes, W, src, dst, weight, table = _setup(G, game)
    n = len(nodes)
    rng = np.random.default_rng(seed)
    if np.ndim(initial) == 0:
        share = float(initial)
        if not 0 <= share <= 1:
            raise ValueError(f"initial share must lie in [0, 1], got {share}")
        state = np.ones(n, dtype=np.int8)
        state[rng.permutation(n)[: round(share * n)]] = 0
    else:
        state = np.asarray(initial, dtype=np.int8).copy()
        if state.shape != (n,) or not np.isin(state, (0, 1)).all():
            raise ValueError(f"initial strategies must be {n} values of 0 (C) or 1 (D)")
    indptr, indices, data = W.indptr, W.indices, W.data
    degree_weight = np.asarray(W.sum(axis=1)).ravel()
    has_neighbours = np.diff(indptr) > 0
    row_of = np.repeat(np.arange(n), np.diff(indptr))

    def payoffs(s: np.ndarray) -> np.ndarray:
        if src is None:  # one game for every link
            R, S, T, P = table
            coop = (s == 0).astype(float)
            with_c = W @ coop
            with_d = degree_weight - with_c
            pay = np.where(s == 0, R * with_c + S * with_d, T * with_c + P * with_d)
            if self_interaction:
                pay = pay + np.where(s == 0, R, P)
            return pay
        idx = 2 * s[src] + s[dst]
        per_edge = weight * table[np.arange(len(src)), idx]
        pay = np.bincount(src, weights=per_edge, minlength=n)
        if self_interaction:  # against itself: the mean of its links' R (if C) or P (if D)
            own = np.bincount(src, weights=table[np.arange(len(src)), 3 * s[src]], minlength=n)
            pay = pay + own / np.maximum(np.bincount(src, minlength=n), 1)
        return pay

    def pick(weights_data: np.ndarray, totals: np.ndarray, who: np.ndarray) -> np.ndarray:
        """A neighbour of each node in ``who``, with probability ∝ the given CSR weights."""
        c = np.cumsum(weights_data)
        base = np.concatenate([[0.0], c])[indptr[who]]
        target = base + rng.random(len(who)) * totals[who]
        pos = np.searchsorted(c, target, side="right")
        pos = np.minimum(pos, indptr[who + 1] - 1)
        return indices[pos]

    history = np.empty(int(steps) + 1)
    history[0] = float(np.mean(state == 0)) if n else 0.0
    for step in range(int(steps)):
        pay = payoffs(state)
        if synchronous:
            who = np.flatnonzero(has_neighbours)
        else:
            chosen = rng.random(n) < update_fraction
            who = np.flatnonzero(chosen & has_neighbours)
        if len(who):
            new = state.copy()
            if rule == "fermi":
                other = pick(data, degree_weight, who)
                z = np.clip(-beta * (pay[other] - pay[who]), -700, 700)
                adopt = rng.random(len(who)) < 1.0 / (1.0 + np.exp(z))
                new[who[adopt]] = state[other[adopt]]
            elif rule == "death-birth":
                fitness = np.exp(np.clip(beta * (pay - pay.max()), -700, 0))
                weighted = data * fitness[indices]
                totals = np.bincount(row_of, weights=weighted, minlength=n)
                ok = who[totals[who] > 0]
                other = pick(weighted, totals, ok)
                new[ok] = state[other]
            else:
                values = pay[indices]
                order = np.lexsort((-values, row_of))
                first = np.full(n, -1)
                first[row_of[order][::-1]] = order[::-1]
                best = indices[first[who]]
                better = pay[best] > pay[who]
                new[who[better]] = state[best[better]]
            state = new
        history[step + 1] = float(np.mean(state == 0))
    return EvolutionResult(tuple(nodes), history, state, seed, rule)


def evolve_many(G, game: Game | None = None, seeds=range(20), confidence: float = 0.95, **kwargs) -> EnsembleResult:
    """Run :func:`evolve_on_graph` for several seeds: the mean cooperation share over time with
    a Student-t confidence interval, and every run's final share."""
    runs = [evolve_on_graph(G, game, seed=s, **kwargs).cooperation for s in seeds]
    data = np.array(runs)
    mean = data.mean(axis=0)
    if len(runs) > 1:
        half = sps.t.ppf(0.5 + confidence / 2, len(runs) - 1) * data.std(axis=0, ddof=1) / np.sqrt(len(runs))
    else:
        half = np.zeros_like(mean)
    return EnsembleResult(tuple(seeds), mean, mean - half, mean + half, data[:, -1], confidence)
