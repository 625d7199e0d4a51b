"""The fast basins (issue 15) against independent references.

* 2×2, vectorized separatrix area (:func:`solver.basin_exact.separatrix_areas`: tanh-sinh nodes,
  Newton on a convex branch) against the scalar adaptive path (:func:`solver.basin.separatrix_area`:
  brentq + scipy ``quad``) and against a uniform Monte-Carlo sample integrated by a plain RK4 in
  the original coordinates (tests/replicator_rk4.py), with its binomial standard error;
* 2×2 decided on arrays (:func:`solver.basin.exact_basins_2x2`, and so ``analyze``) against the
  game-by-game decision on the exact rationals (:func:`solver.basin.basin_of_cooperation`);
* n×n, per-start classification of the compiled integrator with its certified early stop
  against scipy's DOP853 in the original (share) coordinates to the same horizon, on
  hypothesis-drawn 3×3…5×5 games; the certificate's inequality itself on random states; the
  basin value of a 5×5 repeated game against plain uniform Monte-Carlo with its binomial SE.
"""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from games import Game, RepeatedPlay, apply, prisoners_dilemma
from regions import load_scenario, synthetic_province
from solver import analyze, stability
from solver.basin import _classify, basin_of_cooperation, exact_basins_2x2, separatrix_area
from solver.basin_exact import separatrix_areas
from solver.basin_flow import certificates
from tests.reference.test_basin import mc_general
from tests.replicator_rk4 import rk4_ends

gain = st.floats(-6, 4).map(lambda v: float(np.exp(v)))


@settings(max_examples=40, deadline=None)
@given(st.lists(gain, min_size=4, max_size=4))
def test_vectorized_separatrix_area_matches_adaptive_quadrature(gains):
    # Gains over four decades either way (end exponents c0/r0 from 1e-4 to 1e4). The adaptive
    # reference is good to ~1e-11; the brief asks for 1e-9.
    r0, r1, c0, c1 = -gains[0], gains[1], -gains[2], gains[3]
    fast = separatrix_areas([r0], [r1], [c0], [c1])[0]
    assert abs(fast - separatrix_area(r0, r1, c0, c1)[0]) < 1e-9


def test_vectorized_separatrix_area_matches_monte_carlo():
    # 4,000 uniform starts per game, RK4 (dt 0.05) to t = 200 payoff-range units: SE ≤ 0.008;
    # 4 SE, a false alarm has probability 6e-5 per game.
    games = [Game([[4, 0], [3, 2]], [[4, 3], [0, 2]]), Game([[5, -3], [1, 0]], [[2, 0], [-1, 1]]), Game([[1, -4], [0, 0.5]], [[3, 0], [-1, 2]])]
    rng = np.random.default_rng(11)
    for game in games:
        a, b = game.row_payoffs, game.col_payoffs
        r0, r1, c0, c1 = a[0, 1] - a[1, 1], a[0, 0] - a[1, 0], b[1, 0] - b[1, 1], b[0, 0] - b[0, 1]
        area = separatrix_areas([r0], [r1], [c0], [c1])[0]
        x, y = rk4_ends(game, rng.uniform(size=4000), rng.uniform(size=4000), t_end=200.0)
        share = float(np.mean((x > 0.5) & (y > 0.5)))
        se = np.sqrt(share * (1 - share) / 4000)
        assert abs(area - share) <= 4 * se, (game, area, share, se)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-3, 3), min_size=8, max_size=8))
def test_array_decisions_match_the_exact_game_by_game_basin(values):
    # Tie-heavy integer games: every case (undefined, 1, bistable, a zero gain left to the exact path).
    a = np.array(values[:4], dtype=float).reshape(2, 2)
    b = np.array(values[4:], dtype=float).reshape(2, 2)
    (fast,) = exact_basins_2x2(a[None], b[None])
    exact = basin_of_cooperation(Game(a, b))
    gains = (a[0, 1] - a[1, 1], a[0, 0] - a[1, 0], b[1, 0] - b[1, 1], b[0, 0] - b[0, 1])
    if fast is None:
        assert 0 in gains
        return
    assert (fast.method, fast.rivals, fast.reason, fast.text) == (exact.method, exact.rivals, exact.reason, exact.text)
    if exact.value is not None:
        assert abs(fast.value - exact.value) < 1e-12
        assert np.allclose(fast.region, exact.region, atol=1e-12)


def test_analyze_basins_match_stability_row_by_row():
    for network in (load_scenario("henan-clusters"), load_scenario("yongkang-wuyi-jinyun"), synthetic_province(regions=60, links=150, seed=3)):
        for row in analyze(network).links:
            if row.game.shape != (2, 2):
                continue
            fast, exact = row.report.basin, stability(row.game).basin
            assert (fast.method, fast.rivals, fast.reason, fast.text, fast.samples) == (exact.method, exact.rivals, exact.reason, exact.text, exact.samples)
            assert (fast.value is None) == (exact.value is None)
            if exact.value is not None:
                assert abs(fast.value - exact.value) < 1e-12


def _reference_classes(game, mask, x0, y0, t_end, threshold):
    """Each start's class from scipy's DOP853 in share coordinates (no logits, no certificate)."""
    a, b = game.row_payoffs, game.col_payoffs
    scale = max(np.ptp(a), np.ptp(b)) or 1.0
    a, b = a / scale, b / scale
    count, m = x0.shape
    n = y0.shape[1]

    def f(_t, z):
        z = z.reshape(count, m + n)
        x, y = z[:, :m], z[:, m:]
        ay, xb = y @ a.T, x @ b
        return np.concatenate([x * (ay - np.sum(x * ay, 1, keepdims=True)), y * (xb - np.sum(xb * y, 1, keepdims=True))], 1).ravel()

    end = solve_ivp(f, (0, t_end), np.concatenate([x0, y0], 1).ravel(), method="DOP853", rtol=1e-9, atol=1e-12).y[:, -1].reshape(count, m + n)
    x, y = end[:, :m], end[:, m:]
    return np.einsum("ki,ij,kj->k", x, mask.astype(float), y) >= threshold, x, y


@st.composite
def coordination_games(draw):
    """3×3…5×5 games with a strict cooperative (0, 0) and usually rival strict equilibria."""
    m = draw(st.integers(3, 5))
    a = np.array(draw(st.lists(st.integers(-4, 4), min_size=m * m, max_size=m * m)), dtype=float).reshape(m, m)
    b = np.array(draw(st.lists(st.integers(-4, 4), min_size=m * m, max_size=m * m)), dtype=float).reshape(m, m)
    bonus = np.array(draw(st.lists(st.integers(0, 6), min_size=m, max_size=m)), dtype=float)
    a[np.diag_indices(m)] += bonus
    b[np.diag_indices(m)] += bonus
    a[0, 0], b[0, 0] = a[:, 0].max() + 1, b[0, :].max() + 1
    cooperation = np.zeros((m, m))
    cooperation[0, 0] = 1
    return Game(a, b, cooperation=cooperation)


@settings(max_examples=12, deadline=None)
@given(coordination_games(), st.integers(0, 2**16))
def test_every_start_is_classified_as_an_independent_integrator_classifies_it(game, seed):
    # 48 Dirichlet starts per game to t = 300 payoff-range units. A start within the integrators'
    # error (~1e-5) of a separatrix may fall either way, so one disagreement per game is allowed
    # (none among the starts stopped early by the certificate: their class is proven).
    m, n = game.shape
    rng = np.random.default_rng(seed)
    x0, y0 = rng.dirichlet(np.ones(m), 48), rng.dirichlet(np.ones(n), 48)
    mask = game.cooperative
    coop, other, strict_other = _classify(game, mask, x0, y0, 300.0, 0.99)
    ref, x, y = _reference_classes(game, mask, x0, y0, 300.0, 0.99)
    ref_other = np.zeros(len(ref), bool)
    for c in strict_other:
        ref_other |= (x[:, list(c.rows)].sum(1) >= 0.99) & (y[:, list(c.cols)].sum(1) >= 0.99)
    ref_other &= ~ref
    assert np.sum((coop != ref) | (other != ref_other)) <= 1


@settings(max_examples=40, deadline=None)
@given(coordination_games(), st.integers(0, 2**16))
def test_certificate_inequality_holds_on_random_states(game, seed):
    # κ_A(y_C) = y_C μ_A − (1 − y_C) D_A must bound (Ay)_r − (Ay)_k for r ∈ R, k ∉ R, for every
    # column mix y (and κ_B likewise): checked on 200 random mixes weighted towards C.
    a, b = game.row_payoffs, game.col_payoffs
    classes = certificates(a, b, [((0,), (0,), True)], 0.99)
    if not len(classes.kind):
        return
    rng = np.random.default_rng(seed)
    m, n = game.shape
    mu_a, d_a, mu_b, d_b = classes.mu_a[0], classes.d_a[0], classes.mu_b[0], classes.d_b[0]
    for _ in range(200):
        y = rng.dirichlet(np.r_[rng.uniform(1, 20), np.ones(n - 1)])
        x = rng.dirichlet(np.r_[rng.uniform(1, 20), np.ones(m - 1)])
        ay, xb = a @ y, x @ b
        assert np.all(ay[0] - ay[1:] >= y[0] * mu_a - (1 - y[0]) * d_a - 1e-12)
        assert np.all(xb[0] - xb[1:] >= x[0] * mu_b - (1 - x[0]) * d_b - 1e-12)


def test_five_by_five_basin_matches_plain_monte_carlo():
    # The repeated prisoner's dilemma at δ = 0.7 (5 strategies): 1,500 uniform starts, DOP853 in
    # share coordinates (SE ≈ 0.012), against the default 2,048 QMC starts (SE 0.007): 4 combined SE.
    game = apply(prisoners_dilemma(T=5, R=3, P=1, S=0), RepeatedPlay(discount=0.7))
    basin = basin_of_cooperation(game)
    share, se = mc_general(game, 1500, seed=7)
    assert basin.method == "qmc" and basin.samples == 2048
    assert abs(basin.value - share) <= 4 * np.hypot(se, basin.stderr), (basin, share, se)


def test_plain_python_integrator_gives_the_compiled_numbers():
    # Without numba the same function runs uncompiled: the same classes, the same end states
    # (to rounding: the compiled code may fuse multiply-adds). 12 starts of a 3×3 game.
    from solver import basin_flow

    a = np.array([[4.0, 0, 0], [1, 2, 1], [0, 1, 3]]) / 4
    b = a.T.copy()
    rng = np.random.default_rng(5)
    u0 = np.log(np.hstack([rng.dirichlet(np.ones(3), 12), rng.dirichlet(np.ones(3), 12)]))
    classes = certificates(a, b, [((0,), (0,), True), ((1,), (1,), False), ((2,), (2,), False)], 0.99)
    label, x, y = basin_flow.end_states(a, b, u0, 1000.0, classes, 0.99)
    plain_label, plain_x, plain_y = np.zeros(12, np.int64), np.empty((12, 3)), np.empty((12, 3))
    args = (classes.rows, classes.cols, classes.mu_a, classes.d_a, classes.mu_b, classes.d_b, classes.kind, 0.99, basin_flow.RTOL, basin_flow.ATOL)
    basin_flow._ends_python(a, b, u0, 1000.0, *args, basin_flow._A, basin_flow._C, basin_flow._B5, basin_flow._E, plain_label, plain_x, plain_y)
    assert label.tolist() == plain_label.tolist() and set(label.tolist()) == {1, 2}
    assert np.allclose(x, plain_x, atol=1e-9) and np.allclose(y, plain_y, atol=1e-9)
