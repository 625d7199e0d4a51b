"""Imitation dynamics against a plain numpy loop of the same rule (issue 15).

For each rule (Fermi, death–birth, best neighbour; synchronous, accumulated payoffs, β = 1) on a
10⁴-node Barabási–Albert graph (m = 2), 10³ steps: `solver.dynamics.evolve_on_graph` against a
plain numpy implementation written here from the rule's definition, both starting from the
networkx graph (the conversion to a sparse matrix is in both timings). Medians of 3 runs,
ratio = ours / plain (the goal: ≤ 1.5).

Run: `python benchmarks/imitation.py`.
"""

from __future__ import annotations

import statistics
import time

import networkx as nx
import numpy as np
from scipy import sparse

from games import prisoners_dilemma
from solver.dynamics.graph import evolve_on_graph

N, STEPS, R, S, T, P = 10_000, 1000, 1.0, -0.1, 1.2, 0.0


def plain(G: nx.Graph, rule: str, seed: int = 0) -> float:
    """The rule as a plain numpy loop; returns the final share cooperating."""
    W = sparse.csr_matrix(nx.to_scipy_sparse_array(G, format="csr").astype(float))
    n = W.shape[0]
    indptr, indices = W.indptr, W.indices
    deg = np.diff(indptr)
    row_of = np.repeat(np.arange(n), deg)
    rng = np.random.default_rng(seed)
    s = np.ones(n, dtype=np.int8)
    s[rng.permutation(n)[: n // 2]] = 0
    for _ in range(STEPS):
        coop = (s == 0).astype(float)
        wc = W @ coop
        pay = np.where(s == 0, R * wc + S * (deg - wc), T * wc + P * (deg - wc))
        if rule == "fermi":
            other = indices[indptr[:-1] + (rng.random(n) * deg).astype(int)]
            adopt = rng.random(n) < 1 / (1 + np.exp(-(pay[other] - pay)))
            s = np.where(adopt, s[other], s)
        elif rule == "death-birth":
            w = np.exp(pay[indices] - pay.max())
            c = np.cumsum(w / np.bincount(row_of, weights=w, minlength=n)[row_of])
            start = np.concatenate([[0.0], c])[indptr[:-1]]
            pos = np.searchsorted(c, start + rng.random(n) * (c[indptr[1:] - 1] - start), side="right")
            s = s[indices[np.minimum(pos, indptr[1:] - 1)]]
        else:
            values = pay[indices]
            top = np.maximum.reduceat(values, indptr[:-1])
            first = np.minimum.reduceat(np.where(values == top[row_of], np.arange(len(values)), len(values)), indptr[:-1])
            best = indices[first]
            s = np.where(pay[best] > pay, s[best], s)
    return float(np.mean(s == 0))


def egttools_fermi(G: nx.Graph) -> float | None:
    """egttools' own Fermi imitation on the same graph and game (``NetworkSync``, β = 1, no
    mutation, 10³ generations), in seconds; None when egttools is not installed. Its update
    schedule is its own, so it is reported beside the ratio, not in it."""
    try:
        import egttools.games as egt_games
        import egttools.numerical as egt
        from egttools.numerical.structure import NetworkSync
    except ImportError:
        return None
    game = egt_games.NormalFormNetworkGame(1, np.array([[R, S], [T, P]]))
    network = NetworkSync(2, 1.0, 0.0, {i: list(G.neighbors(i)) for i in G.nodes}, game)
    start = time.perf_counter()
    egt.NetworkEvolver.evolve(STEPS, np.array([N // 2, N - N // 2]), network)
    return time.perf_counter() - start


def main() -> dict:
    G = nx.barabasi_albert_graph(N, 2, seed=1)
    game = prisoners_dilemma(T=T, R=R, P=P, S=S)
    print(f"imitation dynamics, {N:,}-node Barabási–Albert graph, {STEPS:,} synchronous steps (median of 3)")
    out = {}
    for rule in ("fermi", "death-birth", "best-neighbour"):
        ours, ref = [], []
        for _ in range(3):
            t = time.perf_counter()
            evolve_on_graph(G, game, rule=rule, steps=STEPS, seed=0)
            ours.append(time.perf_counter() - t)
            t = time.perf_counter()
            plain(G, rule)
            ref.append(time.perf_counter() - t)
        a, b = statistics.median(ours), statistics.median(ref)
        out[rule] = (a, b)
        print(f"  {rule:15s} intergov {a:.2f} s, plain numpy {b:.2f} s, ratio {a / b:.2f} (goal ≤ 1.5)")
    peer = egttools_fermi(G)
    out["egttools"] = peer
    if peer is not None:
        print(f"  egttools NetworkSync (Fermi, its own schedule) {peer:.2f} s")
    return out


if __name__ == "__main__":
    main()
