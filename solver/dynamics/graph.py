"""Evolution of cooperation on the region graph: imitation dynamics, sparse and vectorized.

Each region holds a strategy (0 = cooperate, 1 = defect) and plays its stage game against every
neighbour, each game weighted by the link's weight; with ``self_interaction`` it also plays
against itself (Nowak and May 1992). Then regions revise by

``fermi``
    compare with a random neighbour j (chosen with probability ∝ wᵢⱼ) and copy it with
    probability 1 / (1 + exp(−β(πⱼ − πᵢ))) (Szabó and Tőke 1998);
``death-birth``
    the region's strategy is replaced by a neighbour's, chosen with probability
    ∝ wᵢⱼ·exp(βπⱼ) normalised over its own neighbours (Ohtsuki et al. 2006, with exponential
    fitness; :func:`death_birth_choice`);
``best-neighbour``
    copy the neighbour with the highest payoff if it earns more (Nowak and May 1992).

``synchronous`` updates every region at once; otherwise a random ``update_fraction`` of the
regions revises each step against the current payoffs (1/N gives one-at-a-time updating).
Payoffs are one sparse matrix–vector product per step; neighbour choice is a vectorized
search in the CSR rows' cumulative weights, normalised row by row; so 10,000 regions × 1,000 steps take
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

from dataclasses import dataclass, field

import networkx as nx
import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy import stats as sps

from games import Game, apply
from games.errors import UserInputError

from ..network import link_game
from ..progress import stage
from ..stack import link_mechanisms

__all__ = [
    "PAYOFFS",
    "RULES",
    "EnsembleResult",
    "EvolutionResult",
    "cooperation_dominant",
    "death_birth_choice",
    "evolve_many",
    "evolve_on_graph",
    "fermi_choice",
]

RULES = ("fermi", "death-birth", "best-neighbour")

#: How a region's payoff sums its games: the total, or the mean per unit of link weight.
PAYOFFS = ("accumulated", "average")


@dataclass(frozen=True)
class EvolutionResult:
    """Share of regions cooperating at each step (``steps + 1`` values) and the final state."""

    nodes: tuple
    cooperation: np.ndarray
    final: np.ndarray
    seed: int | None
    rule: str
    payoffs: str = "accumulated"

    def final_strategies(self) -> dict:
        """The final strategy of each node: ``"C"`` or ``"D"``."""
        return {n: "CD"[int(s)] for n, s in zip(self.nodes, self.final)}


@dataclass(frozen=True)
class EnsembleResult:
    """Cooperation share over time averaged over seeds, with a confidence interval; ``runs``
    holds every run's share over time (one row per seed), for figures that show each run."""

    seeds: tuple[int, ...]
    mean: np.ndarray
    low: np.ndarray
    high: np.ndarray
    final_shares: np.ndarray
    confidence: float
    runs: np.ndarray | None = field(default=None, compare=False, repr=False)


def _payoff_vector(game: Game) -> np.ndarray:
    if game.shape != (2, 2):
        raise UserInputError(f"evolution on a graph needs a 2×2 stage game, not {game.shape}")
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
        raise UserInputError("link weights must be non-negative")
    return nodes, W, None, None, None, _payoff_vector(game)


class _Picker:
    """A neighbour of each node in ``who`` with probability ∝ fixed link weights (the Fermi
    rule's), prepared once per run.

    Each row's weights are divided by the row's total before one cumulative sum runs over all
    rows, so every row spans an interval of length ≈ 1 and a row with small weights is resolved
    as finely as any other; u ∈ [0, 1) picks the entry whose interval holds start + u·(end −
    start). Where every node's links have equal weights (an unweighted graph) that entry is the
    ⌊u·degree⌋-th of the row, found without the sum and the binary search.
    """

    def __init__(self, W: sparse.csr_matrix, weights: np.ndarray) -> None:
        self.indptr, self.indices = W.indptr, W.indices
        n = W.shape[0]
        degree = np.diff(self.indptr)
        row_of = np.repeat(np.arange(n), degree)
        self.uniform = bool(np.all(weights == weights[self.indptr[row_of]])) if len(weights) else True
        self.degree = degree
        if not self.uniform:
            totals = np.bincount(row_of, weights=weights, minlength=n)
            self.c = np.cumsum(weights / np.where(totals > 0, totals, 1.0)[row_of])
            self.start = np.concatenate([[0.0], self.c])[self.indptr[:-1]]
            self.end = self.c[np.maximum(self.indptr[1:] - 1, 0)]

    def __call__(self, who: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        u = rng.random(len(who))
        if who is not getattr(self, "_who", None):  # the same nodes every step (synchronous): gathered once
            self._who, self._first, self._degree = who, self.indptr[who], self.degree[who]
        first = self._first
        if self.uniform:
            k = np.minimum((u * self._degree).astype(np.intp), self._degree - 1)
            return self.indices[first + k]
        target = self.start[who] + u * (self.end[who] - self.start[who])
        pos = np.clip(np.searchsorted(self.c, target, side="right"), first, self.indptr[who + 1] - 1)
        return self.indices[pos]


def _fermi(picker: _Picker, pay: np.ndarray, who: np.ndarray, beta: float, rng: np.random.Generator, everyone: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """``everyone``: ``who`` is every node in order (synchronous updating), so ``pay[who]`` is ``pay``."""
    other = picker(who, rng)
    z = pay[other] - (pay if everyone else pay[who])
    z *= -beta
    np.minimum(z, 700.0, out=z)  # exp(−∞…) is 0, not an overflow
    np.exp(z, out=z)
    z += 1.0
    return other, rng.random(len(who)) * z < 1.0  # u < 1 / (1 + e^z), without the division


def fermi_choice(W: sparse.csr_matrix, pay: np.ndarray, who: np.ndarray, beta: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """The Fermi rule for each node i in ``who``: a neighbour j drawn with probability
    wᵢⱼ / Σₖ wᵢₖ, and whether i copies it, with probability 1 / (1 + exp(−β(πⱼ − πᵢ))).

    Every node in ``who`` needs a neighbour.

    >>> W = sparse.csr_matrix(np.array([[0, 1.0], [1.0, 0]]))
    >>> other, adopt = fermi_choice(W, np.array([0.0, 100.0]), np.array([0, 0]), 1.0, np.random.default_rng(0))
    >>> other.tolist(), adopt.tolist()
    ([1, 1], [True, True])
    """
    return _fermi(_Picker(W, W.data), pay, who, beta, rng)


def death_birth_choice(W: sparse.csr_matrix, pay: np.ndarray, who: np.ndarray, beta: float, rng: np.random.Generator) -> np.ndarray:
    """The neighbour whose strategy replaces each dying node i in ``who``: j with probability

        wᵢⱼ·exp(βπⱼ) / Σₖ wᵢₖ·exp(βπₖ),

    computed as wᵢⱼ·exp(β(πⱼ − maxₖ πₖ)) with the maximum over i's own neighbours and
    normalised within i's row, so a high payoff elsewhere in the graph (a hub) cannot make the
    weights underflow. Every node in ``who`` needs a neighbour.

    >>> W = sparse.csr_matrix(np.array([[0, 1.0, 1.0], [1.0, 0, 0], [1.0, 0, 0]]))
    >>> other = death_birth_choice(W, np.array([0.0, 1.0, 1.0]), np.zeros(4000, dtype=int), 1.0, np.random.default_rng(0))
    >>> round(float(np.mean(other == 1)), 1)
    0.5
    """
    return _DeathBirth(W)(pay, who, beta, rng)


class _DeathBirth:
    """:func:`death_birth_choice` with the graph's fixed arrays (rows, each entry's row, the
    zero-weight links) prepared once per run; per step only the payoff-dependent weights, their
    per-row normalised cumulative sum and one binary search per dying node."""

    def __init__(self, W: sparse.csr_matrix) -> None:
        self.W, self.indptr, self.indices = W, W.indptr, W.indices
        n = W.shape[0]
        self.rows = np.flatnonzero(np.diff(self.indptr) > 0)
        self.row_of = np.repeat(np.arange(n), np.diff(self.indptr))
        self.dead = W.data <= 0  # a link of weight 0 never counts
        self.any_dead = bool(self.dead.any())
        self.starts = self.indptr[self.rows]

    def __call__(self, pay: np.ndarray, who: np.ndarray, beta: float, rng: np.random.Generator) -> np.ndarray:
        n = self.W.shape[0]
        values = beta * pay[self.indices]
        if self.any_dead:
            values[self.dead] = -np.inf
        top, bottom = (float(values.max()), float(values.min())) if len(values) else (0.0, 0.0)
        if self.any_dead or not top - bottom < 700:
            # each row's own maximum: a high payoff elsewhere (a hub) cannot make a row underflow
            best = np.zeros(n)
            best[self.rows] = np.maximum.reduceat(values, self.starts)
            best[~np.isfinite(best)] = 0.0
            weights = self.W.data * np.exp(values - best[self.row_of])
        else:  # no weight can underflow: one shift for all rows (the same law after normalising)
            weights = self.W.data * np.exp(values - top)
        totals = np.bincount(self.row_of, weights=weights, minlength=n)
        c = np.cumsum(weights / np.where(totals > 0, totals, 1.0)[self.row_of])
        first, last = self.indptr[who], self.indptr[who + 1] - 1
        start = np.concatenate([[0.0], c])[first]
        end = c[last]
        target = start + rng.random(len(who)) * (end - start)
        pos = np.clip(np.searchsorted(c, target, side="right"), first, last)
        return self.indices[pos]


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
    payoffs: str = "accumulated",
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
    payoffs : {"accumulated", "average"}
        ``accumulated``: a region earns the weighted sum of its games, as in Santos and Pacheco
        (2005, 2006), where scale-free graphs favour cooperation because hubs earn more;
        ``average``: that sum divided by the region's total link weight, the normalised
        payoffs of Maciejewski et al. (2014) and of Szolnoki, Perc and Danku (2008), under which
        degree no longer multiplies payoff. With accumulated payoffs a high-degree defector can
        out-earn every cooperator around it, so defection can spread even where cooperation
        is the dominant strategy of every link's game; the two agree on regular graphs.

    Raises
    ------
    UserInputError
        For an unknown rule, negative β or steps, an initial share outside [0, 1], …
    """
    if rule not in RULES:
        raise UserInputError(f"rule must be one of {', '.join(RULES)}, got {rule!r}")
    if not np.isfinite(beta) or beta < 0:
        raise UserInputError(f"beta must be a finite number ≥ 0, got {beta}")
    if int(steps) != steps or steps < 0:
        raise UserInputError(f"steps must be a whole number ≥ 0, got {steps}")
    if payoffs not in PAYOFFS:
        raise UserInputError(f"payoffs must be one of {', '.join(PAYOFFS)}, got {payoffs!r}")
    if not 0 < update_fraction <= 1:
        raise UserInputError(f"update_fraction must lie in (0, 1], got {update_fraction}")
    nodes, W, src, dst, weight, table = _setup(G, game)
    n = len(nodes)
    rng = np.random.default_rng(seed)
    if np.ndim(initial) == 0:
        share = float(initial)
        if not 0 <= share <= 1:
            raise UserInputError(f"initial share must lie in [0, 1], got {share}")
        state = np.ones(n, dtype=np.int8)
        state[rng.permutation(n)[: round(share * n)]] = 0
    else:
        state = np.asarray(initial, dtype=np.int8).copy()
        if state.shape != (n,) or not np.isin(state, (0, 1)).all():
            raise UserInputError(f"initial strategies must be {n} values of 0 (C) or 1 (D)")
    indptr, indices = W.indptr, W.indices
    degree_weight = np.asarray(W.sum(axis=1)).ravel()
    has_neighbours = (np.diff(indptr) > 0) & (degree_weight > 0)
    row_of = np.repeat(np.arange(n), np.diff(indptr))

    def accumulate(s: np.ndarray) -> np.ndarray:
        if src is None:  # one game for every link
            R, S, T, P = table
            cooperating = s == 0
            with_c = W @ cooperating.astype(float)
            with_d = degree_weight - with_c
            pay = np.where(cooperating, R * with_c + S * with_d, T * with_c + P * with_d)
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

    picker = _Picker(W, W.data) if rule == "fermi" else None
    dying = _DeathBirth(W) if rule == "death-birth" else None
    everyone = np.flatnonzero(has_neighbours)  # who revises under synchronous updating
    rows = np.flatnonzero(np.diff(indptr) > 0)
    history = np.empty(int(steps) + 1)
    history[0] = float(np.mean(state == 0)) if n else 0.0
    for step in range(int(steps)):
        pay = accumulate(state)
        if payoffs == "average":
            pay = pay / np.where(degree_weight > 0, degree_weight, 1.0)
        if synchronous:
            who = everyone
        else:
            chosen = rng.random(n) < update_fraction
            who = np.flatnonzero(chosen & has_neighbours)
        if len(who) and rule == "fermi" and synchronous and len(who) == n:  # every node revises: no gathers
            other, adopt = _fermi(picker, pay, who, beta, rng, everyone=True)
            state = np.where(adopt, state[other], state)
        elif len(who):
            new = state.copy()
            if rule == "fermi":
                other, adopt = _fermi(picker, pay, who, beta, rng)
                new[who[adopt]] = state[other[adopt]]
            elif rule == "death-birth":
                other = dying(pay, who, beta, rng)
                new[who] = state[other]
            else:
                # each row's best neighbour, the first of equals in the row's order
                values = pay[indices]
                top = np.full(n, -np.inf)
                top[rows] = np.maximum.reduceat(values, indptr[rows])
                position = np.where(values == top[row_of], np.arange(len(values)), len(values))
                first = np.full(n, -1)
                first[rows] = np.minimum.reduceat(position, indptr[rows])
                best = indices[first[who]]
                better = pay[best] > pay[who]
                new[who[better]] = state[best[better]]
            state = new
        history[step + 1] = (n - np.count_nonzero(state)) / n if n else 0.0
    return EvolutionResult(tuple(nodes), history, state, seed, rule, payoffs)


def cooperation_dominant(G, game: Game | None = None) -> bool:
    """Whether cooperating strictly dominates on every link's stage game, for both regions
    (R > T and S > P), as :func:`evolve_on_graph` plays them.

    >>> import networkx as nx
    >>> from games import harmony, prisoners_dilemma
    >>> cooperation_dominant(nx.path_graph(3), harmony()), cooperation_dominant(nx.path_graph(3), prisoners_dilemma())
    (True, False)
    """
    table = np.atleast_2d(_setup(G, game)[5])
    return bool(np.all((table[:, 0] > table[:, 2]) & (table[:, 1] > table[:, 3])))


def evolve_many(G, game: Game | None = None, seeds=range(20), confidence: float = 0.95, **kwargs) -> EnsembleResult:
    """Run :func:`evolve_on_graph` for several seeds: the mean cooperation share over time with
    a Student-t confidence interval (cut to [0, 1]), and every run's final share."""
    seeds = tuple(seeds)
    runs = []
    with stage(f"imitation dynamics: {len(seeds)} runs", total=len(seeds)) as advance:
        for s in seeds:
            runs.append(evolve_on_graph(G, game, seed=s, **kwargs).cooperation)
            advance()
    data = np.array(runs)
    mean = data.mean(axis=0)
    if len(runs) > 1:
        half = sps.t.ppf(0.5 + confidence / 2, len(runs) - 1) * data.std(axis=0, ddof=1) / np.sqrt(len(runs))
    else:
        half = np.zeros_like(mean)
    # A share lies in [0, 1]: the t-interval is cut there (with few seeds it can reach past).
    return EnsembleResult(tuple(seeds), mean, np.clip(mean - half, 0.0, 1.0), np.clip(mean + half, 0.0, 1.0), data[:, -1], confidence, data)
