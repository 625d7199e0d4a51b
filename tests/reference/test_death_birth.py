"""Neighbour choice of the imitation rules against exact probabilities, by a χ² test.

Death–birth: the dying node i takes the strategy of neighbour j with probability
wᵢⱼ·exp(βπⱼ) / Σₖ wᵢₖ·exp(βπₖ) (Ohtsuki et al. 2006, exponential fitness). Fermi: i compares
with j drawn with probability wᵢⱼ / Σₖ wᵢₖ and copies it with probability
1 / (1 + exp(−β(πⱼ − πᵢ))) (Szabó and Tőke 1998). The exact probabilities are computed here in
log space (scipy's softmax), not by the code under test.

The graph has a hub: node 0 joined to 30 leaves, earning far more than anyone else, and a
five-node clique (31–35) hanging from it by node 31. Issue #11 (defect 4): with fitness
exp(β(π − global max π)) and one cumulative sum over all nodes, the clique's weights vanished
next to the hub's and the last neighbour in CSR order was always chosen.

Sample sizes: 20,000 draws per case; cells with an expected count below 5 are pooled (the χ²
approximation needs it). A case passes at p > 0.001: one false alarm in a thousand runs of a
correct sampler, while a sampler off by 0.02 in one probability gives χ² ≈ 20,000·0.02²/p ≈ 40
or more on one degree of freedom (p < 1e-9).
"""

import networkx as nx
import numpy as np
import pytest
from scipy import sparse
from scipy.special import softmax
from scipy.stats import chisquare

from solver.dynamics import death_birth_choice, fermi_choice

DRAWS = 20_000
HUB, LEAVES, CLIQUE = 0, range(1, 31), range(31, 36)


def hub_graph():
    G = nx.Graph()
    G.add_edges_from((HUB, leaf) for leaf in LEAVES)
    G.add_edges_from(((a, b) for a in CLIQUE for b in CLIQUE if a < b), weight=1.0)
    G.add_edge(HUB, 31)
    G[32][33]["weight"] = 2.0
    G[32][34]["weight"] = 0.5
    nodes = sorted(G)
    W = sparse.csr_matrix(nx.to_scipy_sparse_array(G, nodelist=nodes, weight="weight", format="csr"))
    pay = np.ones(len(nodes))
    pay[HUB] = 40.0  # the hub earns far more than anyone else
    pay[list(CLIQUE)] = [1.0, 1.05, 1.12, 0.95, 1.2]
    return G, W, pay


def chi2_pvalue(observed: np.ndarray, expected_p: np.ndarray) -> float:
    """χ² goodness of fit; impossible cells must be empty, and the least likely cells are
    pooled until every cell expects at least 5."""
    impossible = expected_p == 0
    assert not observed[impossible].any(), "an impossible choice was drawn"
    observed, expected = observed[~impossible], expected_p[~impossible] * observed.sum()
    order = np.argsort(expected)
    observed, expected = list(observed[order]), list(expected[order])
    while len(expected) > 1 and expected[0] < 5:
        o, e = observed.pop(0), expected.pop(0)
        observed[0] += o
        expected[0] += e
        order = np.argsort(expected)
        observed, expected = [observed[k] for k in order], [expected[k] for k in order]
    assert len(expected) >= 2, "the case is degenerate: one cell holds everything"
    return float(chisquare(observed, expected).pvalue)


@pytest.mark.parametrize("beta", [0.1, 1.0, 10.0])
def test_death_birth_neighbour_frequencies(beta):
    G, W, pay = hub_graph()
    rng = np.random.default_rng(int(beta * 10))
    # Three dying nodes drawn in one call, interleaved: a clique node away from the hub, the
    # clique node next to the hub, and a leaf.
    # From β = 1 on, node 31 copies the hub with probability 1 − 4e-17 or closer: every draw.
    dying = [32, 31, 5] if beta < 1 else [32, 5]
    who = np.tile([*dying, 31], DRAWS)
    chosen = death_birth_choice(W, pay, who, beta, rng)
    for node in dying:
        neighbours = sorted(G[node])
        weights = np.array([G[node][j].get("weight", 1.0) for j in neighbours])
        exact = softmax(np.log(weights) + beta * pay[neighbours])
        picks = chosen[who == node]
        assert set(picks.tolist()) <= set(neighbours)
        observed = np.array([np.sum(picks == j) for j in neighbours])
        if len(neighbours) == 1:
            assert observed.tolist() == [DRAWS]
            continue
        assert chi2_pvalue(observed, exact) > 1e-3, (node, observed / DRAWS, exact)
    if beta >= 1:
        assert np.all(chosen[who == 31] == HUB)
    # The case that failed: node 32's last neighbour (35) is not always chosen.
    assert np.mean(chosen[who == 32] == 35) < 0.7


@pytest.mark.parametrize("beta", [0.1, 1.0, 10.0])
def test_fermi_neighbour_and_copy_frequencies(beta):
    G, W, pay = hub_graph()
    rng = np.random.default_rng(100 + int(beta * 10))
    node = 31  # next to the hub
    who = np.full(DRAWS, node)
    other, adopt = fermi_choice(W, pay, who, beta, rng)
    neighbours = sorted(G[node])
    weights = np.array([G[node][j].get("weight", 1.0) for j in neighbours])
    draw = weights / weights.sum()
    copy = 1 / (1 + np.exp(-beta * (pay[neighbours] - pay[node])))
    exact = np.concatenate([draw * copy, draw * (1 - copy)])
    observed = np.array([np.sum((other == j) & adopt) for j in neighbours] + [np.sum((other == j) & ~adopt) for j in neighbours])
    assert chi2_pvalue(observed, exact) > 1e-3, (observed / DRAWS, exact)
