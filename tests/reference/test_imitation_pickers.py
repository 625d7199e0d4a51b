"""The neighbour pickers of the imitation rules against the exact probabilities (issue 15).

Reference: a neighbour j of node i is drawn with probability wᵢⱼ / Σₖ wᵢₖ (Fermi), and with
wᵢⱼ·exp(βπⱼ) / Σₖ wᵢₖ·exp(βπₖ) (death–birth), computed here directly from the definitions.
Frequencies over 40,000 draws per node are checked against them within 4.5 binomial standard
errors (a false alarm below 1 in 10⁵ per comparison), on hypothesis-drawn weighted and
unweighted graphs; the fast uniform path of the Fermi picker must also pick exactly the
neighbour the cumulative-sum path picks for the same uniform draw.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from solver.dynamics.graph import _DeathBirth, _Picker

DRAWS = 40_000


def _graph(seed: int, n: int, weighted: bool) -> sparse.csr_matrix:
    rng = np.random.default_rng(seed)
    A = np.triu(rng.random((n, n)) < 0.5, 1)
    A = A | A.T
    for i in range(n):  # every node has a neighbour
        if not A[i].any():
            j = (i + 1) % n
            A[i, j] = A[j, i] = True
    W = A * (rng.choice([0.25, 1.0, 3.0], size=(n, n)) if weighted else 1.0)
    W = np.triu(W, 1)
    return sparse.csr_matrix(W + W.T)


def _frequencies(picks: np.ndarray, n: int) -> np.ndarray:
    return np.bincount(picks, minlength=n) / len(picks)


def _within(freq: np.ndarray, p: np.ndarray) -> bool:
    se = np.sqrt(np.maximum(p * (1 - p), 1e-12) / DRAWS)
    return bool(np.all(np.abs(freq - p) <= 4.5 * se + 1e-12))


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**31), st.integers(2, 7), st.booleans())
def test_fermi_picker_draws_neighbours_with_probability_proportional_to_weight(seed, n, weighted):
    W = _graph(seed, n, weighted)
    picker = _Picker(W, W.data)
    assert picker.uniform == (not weighted or np.all([len(set(W.data[W.indptr[i] : W.indptr[i + 1]])) == 1 for i in range(n)]))
    rng = np.random.default_rng(seed)
    dense = W.toarray()
    for i in range(n):
        picks = picker(np.full(DRAWS, i), rng)
        assert _within(_frequencies(picks, n), dense[i] / dense[i].sum())


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**31), st.integers(2, 7))
def test_uniform_path_picks_what_the_cumulative_sum_picks(seed, n):
    W = _graph(seed, n, weighted=False)
    fast = _Picker(W, W.data)
    slow = _Picker(W, W.data)
    slow.uniform = False  # force the cumulative-sum path on the same weights
    degree = np.diff(W.indptr)
    rows = np.repeat(np.arange(n), degree)
    totals = np.bincount(rows, weights=W.data, minlength=n)
    slow.c = np.cumsum(W.data / totals[rows])
    slow.start = np.concatenate([[0.0], slow.c])[W.indptr[:-1]]
    slow.end = slow.c[W.indptr[1:] - 1]
    who = np.tile(np.arange(n), 500)
    assert np.array_equal(fast(who, np.random.default_rng(seed)), slow(who, np.random.default_rng(seed)))


@settings(max_examples=8, deadline=None)
@given(st.integers(0, 2**31), st.integers(2, 6), st.floats(0, 3), st.booleans())
def test_death_birth_picks_with_the_exponential_weights(seed, n, beta, spread):
    W = _graph(seed, n, weighted=True)
    pay = np.random.default_rng(seed + 1).normal(0, 400 if spread else 1, n)  # 400: the per-row shift
    choose = _DeathBirth(W)
    dense = W.toarray()
    rng = np.random.default_rng(seed)
    for i in range(n):
        logits = np.where(dense[i] > 0, np.log(np.where(dense[i] > 0, dense[i], 1)) + beta * pay, -np.inf)
        p = np.exp(logits - logits.max())
        p /= p.sum()
        assert _within(_frequencies(choose(pay, np.full(DRAWS, i), beta, rng), n), p)
