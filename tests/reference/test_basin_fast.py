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
  basin value of a 5×5 repeated game against plain uniform Monte-Carlo with its binomial SE;
  the integrator's vectorized exponential against 30-digit mpmath; lockstep lanes against
  each start integrated alone.
"""

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from games import Game, RepeatedPlay, apply, prisoners_dilemma
from regions import load_scenario, synthetic_province
from solver import analyze, basin_flow, stability
from solver.basin import _classify, _integrate, _scale, basin_of_cooperation, exact_basins_2x2, separatrix_area
from solver.basin_exact import separatrix_areas
from solver.basin_flow import certificates
from solver.strict import strict_class
from tests.reference.test_basin import mc_general
from tests.replicator_rk4 import rk4_ends

gain = st.floats(-6, 4).map(lambda v: float(np.exp(v)))


def _mp_area(r0, r1, c0, c1):
    """The area above the separatrix in 20-digit mpmath: the first integral solved by bisection,
    tanh-sinh quadrature with breakpoints graded towards the saddle."""
    import mpmath as mp

    with mp.workdps(20):
        r0, r1, c0, c1 = (mp.mpf(v) for v in (r0, r1, c0, c1))
        xs, ys, ratio = -c0 / (c1 - c0), -r0 / (r1 - r0), (c1 - c0) / (r1 - r0)

        def g(z, star):
            return -star * mp.log(z) - (1 - star) * mp.log(1 - z)

        def above(x):
            target = g(ys, ys) + ratio * (g(x, xs) - g(xs, xs))
            y = (lambda s: 1 - mp.exp(-s)) if x < xs else (lambda s: mp.exp(-s))
            lo = -mp.log(1 - ys) if x < xs else -mp.log(ys)
            if g(y(lo), ys) >= target:
                return 1 - y(lo)
            hi = lo + 1
            while g(y(hi), ys) < target:
                hi = lo + 2 * (hi - lo)
            for _ in range(80):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if g(y(mid), ys) < target else (lo, mid)
            return 1 - y((lo + hi) / 2)

        grade = [0, mp.mpf(10) ** -6, mp.mpf(10) ** -3, mp.mpf(1) / 2, 1]
        return float(mp.quad(above, [xs * p for p in grade] + [xs + (1 - xs) * p for p in grade[1:]], maxdegree=8))


@settings(max_examples=40, deadline=None)
@given(st.lists(gain, min_size=4, max_size=4))
@example([float(np.exp(-6.0)), 1.0, float(np.exp(-3.0)), float(np.exp(4.0))])
def test_vectorized_separatrix_area_matches_adaptive_quadrature(gains):
    # Gains over four decades either way (end exponents c0/r0 from 1e-4 to 1e4). The adaptive
    # reference is good to ~1e-11 except where the curve turns within ~1e-6 of the saddle (the
    # example: 4e-7 off); there a 20-digit mpmath quadrature decides. The brief asks for 1e-9.
    r0, r1, c0, c1 = -gains[0], gains[1], -gains[2], gains[3]
    fast = separatrix_areas([r0], [r1], [c0], [c1])[0]
    if abs(fast - separatrix_area(r0, r1, c0, c1)[0]) >= 1e-9:
        assert abs(fast - _mp_area(r0, r1, c0, c1)) < 1e-9


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
    """Each start's class from scipy's DOP853 in share coordinates (no logits, no certificate).

    The field uses the normalized shares x / Σx, y / Σy: then Σx, Σy are constants of the
    numerical flow too. (Unnormalized, d/dt Σy = (1 − Σy)·xᵀBy: where the mean payoff is
    negative the integrator's drift off the simplex grows like e^{|xᵀBy| t} — an end state
    y ≈ (0.977, 0, 0) for a start that truly converges to (1, 0, 0).)"""
    a, b = game.row_payoffs, game.col_payoffs
    scale = max(np.ptp(a), np.ptp(b)) or 1.0
    a, b = a / scale, b / scale
    count, m = x0.shape
    n = y0.shape[1]

    def f(_t, z):
        z = z.reshape(count, m + n)
        x, y = z[:, :m], z[:, m:]
        xn, yn = x / x.sum(1, keepdims=True), y / y.sum(1, keepdims=True)
        ay, xb = yn @ a.T, xn @ b
        return np.concatenate([x * (ay - np.sum(xn * ay, 1, keepdims=True)), y * (xb - np.sum(xb * yn, 1, keepdims=True))], 1).ravel()

    end = solve_ivp(f, (0, t_end), np.concatenate([x0, y0], 1).ravel(), method="DOP853", rtol=1e-9, atol=1e-12).y[:, -1].reshape(count, m + n)
    x, y = end[:, :m], end[:, m:]
    x, y = x / x.sum(1, keepdims=True), y / y.sum(1, keepdims=True)
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


def _check_inequalities(a, b, classes, rng, draws=200):
    """For every class and every split kept: (Ay)_r − (Ay)_k ≥ y_S μ_A − y_W G_A − (1 − y_C) D_A
    for r ∈ R, k ∉ R, and (xᵀB)_w − (xᵀB)_s ≤ Λ_A for w ∈ W, s ∈ S (the column side likewise), on
    random mixes weighted towards the class."""
    for k in range(len(classes.kind)):
        rows, cols = classes.rows[k], classes.cols[k]
        for _ in range(draws):
            x = rng.dirichlet(np.where(rows, rng.uniform(1, 20), 1.0))
            y = rng.dirichlet(np.where(cols, rng.uniform(1, 20), 1.0))
            ay, xb = a @ y, x @ b
            row_gap = (ay[rows][:, None] - ay[~rows][None, :]).min() if (~rows).any() else np.inf
            col_gap = (xb[cols][:, None] - xb[~cols][None, :]).min() if (~cols).any() else np.inf
            for side in range(2):
                mu, weak, w, lam = (
                    (classes.mu_a, classes.weak_cols, classes.w_a, classes.lam_a)
                    if side == 0
                    else (classes.mu_b, classes.weak_rows, classes.w_b, classes.lam_b)
                )
                inside, shares, gap, rival = (cols, y, row_gap, xb) if side == 0 else (rows, x, col_gap, ay)
                d = classes.d_a[k] if side == 0 else classes.d_b[k]
                for tier in np.flatnonzero(mu[k] > 0):
                    low, high = weak[k, tier], inside & ~weak[k, tier]
                    bound = shares[high].sum() * mu[k, tier] - shares[low].sum() * w[k, tier] - shares[~inside].sum() * d
                    assert gap >= bound - 1e-12
                    if low.any():
                        assert (rival[low][:, None] - rival[high][None, :]).max() <= lam[k, tier] + 1e-12


@settings(max_examples=40, deadline=None)
@given(coordination_games(), st.integers(0, 2**16))
def test_certificate_inequality_holds_on_random_states(game, seed):
    # 200 random mixes per class: the margins bound the payoff gaps for every mix (exact algebra,
    # so a tolerance of 1e-12 for rounding only).
    a, b = game.row_payoffs, game.col_payoffs
    _check_inequalities(a, b, certificates(a, b, [((0,), (0,), True)], 0.99), np.random.default_rng(seed))


@settings(max_examples=10, deadline=None)
@given(st.sampled_from(range(4)), st.integers(0, 2**16))
def test_weak_strategy_inequalities_hold_on_random_states(which, seed):
    # The repeated dilemmas' face classes, every split (weak AllC, AllC and WSLS, ...).
    a, b, classes = _weak_classes(DILEMMAS[which])
    assert (classes.mu_a > 0).sum() >= 2  # more than one split is in use
    _check_inequalities(a, b, classes, np.random.default_rng(seed))


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
    a = np.array([[4.0, 0, 0], [1, 2, 1], [0, 1, 3]]) / 4
    b = a.T.copy()
    rng = np.random.default_rng(5)
    u0 = np.log(np.hstack([rng.dirichlet(np.ones(3), 12), rng.dirichlet(np.ones(3), 12)]))
    classes = certificates(a, b, [((0,), (0,), True), ((1,), (1,), False), ((2,), (2,), False)], 0.99)
    label, x, y = basin_flow.end_states(a, b, u0, 1000.0, classes, 0.99)
    plain_label, plain_x, plain_y = np.zeros(12, np.int64), np.empty((12, 3)), np.empty((12, 3))
    args = (basin_flow._kernel_form(classes), 0.99, basin_flow.RTOL, basin_flow.ATOL, basin_flow._A, basin_flow._B5, basin_flow._E)
    basin_flow._ends(a, b, u0, 1000.0, *args, plain_label, plain_x, plain_y)
    assert label.tolist() == plain_label.tolist() and set(label.tolist()) == {1, 2}
    assert np.allclose(x, plain_x, atol=1e-9) and np.allclose(y, plain_y, atol=1e-9)


def test_threaded_run_gives_the_one_thread_numbers(monkeypatch):
    # Chunks go to whichever thread is free; every start is integrated on its own, so the
    # numbers must be bit-for-bit those of one thread doing every chunk (1,100 starts, 3 chunks).
    a = np.array([[4.0, 0, 0], [1, 2, 1], [0, 1, 3]]) / 4
    b = a.T.copy()
    rng = np.random.default_rng(9)
    u0 = np.log(np.hstack([rng.dirichlet(np.ones(3), 1100), rng.dirichlet(np.ones(3), 1100)]))
    classes = certificates(a, b, [((0,), (0,), True), ((1,), (1,), False)], 0.99)
    threaded = basin_flow.end_states(a, b, u0, 1000.0, classes, 0.99)
    monkeypatch.setattr(basin_flow, "_pool", lambda: None)
    alone = basin_flow.end_states(a, b, u0, 1000.0, classes, 0.99)
    assert all(np.array_equal(p, q) for p, q in zip(threaded, alone))


@settings(max_examples=200, deadline=None)
@given(st.floats(-750.0, 0.0))
@example(-745.1332191019411)  # the smallest subnormal's neighbourhood
@example(-708.3964185322641)  # the smallest normal's
@example(-745.5)
def test_vectorized_exp_is_within_two_units_of_the_true_value(z):
    # The softmax's exponential of the compiled integrator (straight-line, so SIMD) against
    # 30-digit mpmath rounded to a double: two units in the last place (the library's exp is
    # within one; ours measured within one of it). Below the smallest subnormal: 0.
    import mpmath as mp

    basin_flow._compiled()
    with mp.workdps(30):
        exact = float(mp.exp(mp.mpf(z)))
    got = float(basin_flow._exp(z))
    assert abs(got - exact) <= 2 * np.spacing(exact), (z, got, exact)


@settings(max_examples=12, deadline=None)
@given(st.integers(2, 6), st.integers(0, 2**32 - 1))
def test_lockstep_lanes_give_each_start_its_own_numbers(size, seed):
    # Starts advance 64 abreast, each with its own step sizes, and a finished start's lane takes
    # the next one: a start's numbers must not depend on its neighbours — bit for bit those of
    # the start integrated alone (the other lanes idle), on random integer games with every pure
    # profile offered as a class (the certifiable ones kept); 150 starts (lanes reused), 12 of
    # them integrated alone, the first and last ones among them.
    rng = np.random.default_rng(seed)
    a, b = rng.integers(-4, 5, (size, size)) / 8, rng.integers(-4, 5, (size, size)) / 8
    u0 = np.log(np.hstack([rng.dirichlet(np.ones(size), 150), rng.dirichlet(np.ones(size), 150)]))
    classes = certificates(a, b, [((i,), (j,), (i + j) % 2 == 0) for i in range(size) for j in range(size)], 0.99)
    together = basin_flow.end_states(a, b, u0, 1000.0, classes, 0.99)
    for s in [0, 63, 64, 149, *rng.choice(np.arange(1, 149), 8, replace=False).tolist()]:
        alone = basin_flow.end_states(a, b, u0[s : s + 1], 1000.0, classes, 0.99)
        assert all(np.array_equal(p[s : s + 1], q) for p, q in zip(together, alone)), s


def _dilemma(t, r, p, s, discount):
    return apply(prisoners_dilemma(T=t, R=r, P=p, S=s), RepeatedPlay(discount=discount))


# Repeated dilemmas without noise: on the face of AllC, Grim, TFT and WSLS every profile pays R,
# and AllD beats the face only against AllC — the certificates have weak strategies (W = {AllC}).
DILEMMAS = [_dilemma(5, 3, 1, 0, 0.7), _dilemma(4, 3, 1, 0, 0.6), _dilemma(6, 3, 2, 0, 0.8), _dilemma(5, 3, 1, 0, 0.9)]


def _weak_classes(game, threshold=0.99):
    mask = game.cooperative.astype(bool)
    a, b = game.row_payoffs / _scale(game), game.col_payoffs / _scale(game)
    strict = [c for i, j in zip(*np.nonzero(mask)) if (c := strict_class(game, int(i), int(j))).strict]
    classes = certificates(a, b, [(c.rows, c.cols, True) for c in strict], threshold)
    return a, b, classes


def _log_share_flow(a, b, m):
    """The replicator flow in log-shares z = log(x, y), by scipy (the kernel: its own Dormand–Prince)."""

    def f(_t, z):
        x, y = np.exp(z[:m]), np.exp(z[m:])
        x, y = x / x.sum(), y / y.sum()  # Σ constant in the numerical flow too (see _reference_classes)
        ay, xb = a @ y, x @ b
        return np.concatenate([ay - x @ ay, xb - xb @ y])

    return f


def _margin(shares, inside, weak, mu, w, lam, horizon):
    """μ̃ of solver.basin_flow's docstring, written again from the formula: the best split (None: nothing proven)."""
    best = None
    for tier in np.flatnonzero(mu > 0):
        low, high = weak[tier], inside & ~weak[tier]
        ratio = shares[low].sum() / shares[high].sum() * np.exp(lam[tier] * horizon)
        if ratio * w[tier] < mu[tier]:
            value = (mu[tier] - ratio * w[tier]) / (1 + ratio)
            best = value if best is None else max(best, value)
    return best


@pytest.mark.parametrize("game", DILEMMAS, ids=["d0.7", "d0.6", "T6-d0.8", "d0.9"])
def test_weak_strategy_certificate_bounds_hold_along_reference_trajectories(game):
    # The proof's claims, checked on DOP853 trajectories in log-shares (rtol 1e-10) from 40
    # starts near the cooperative face, at 41 times up to the horizon H = 200: for every split,
    # the weak/strong ratio ρ(τ) ≤ ρ(0) e^{Λτ}; wherever the certificate holds at τ = 0,
    # logit x_R(τ) ≥ logit x_R(0) + κ_A τ and logit y_C likewise. Tolerance 1e-6: the reference's error.
    m = game.shape[0]
    a, b, classes = _weak_classes(game)
    horizon, active = 200.0, 0
    f = _log_share_flow(a, b, m)
    rng = np.random.default_rng(3)
    times = np.linspace(0, horizon, 41)
    for k in range(len(classes.kind)):
        rows, cols = classes.rows[k], classes.cols[k]
        for _ in range(40):
            # Near the face, mostly on its strongest strategies: where the certificate can hold.
            x0 = rng.dirichlet(np.where(rows, np.where(classes.weak_rows[k].any(axis=0), 0.1, 4.0), 0.2))
            y0 = rng.dirichlet(np.where(cols, np.where(classes.weak_cols[k].any(axis=0), 0.1, 4.0), 0.2))
            z = solve_ivp(f, (0, horizon), np.log(np.concatenate([x0, y0])), method="DOP853", t_eval=times, rtol=1e-10, atol=1e-12).y.T
            x, y = np.exp(z[:, :m]), np.exp(z[:, m:])
            x, y = x / x.sum(1, keepdims=True), y / y.sum(1, keepdims=True)
            for tier in np.flatnonzero(classes.mu_a[k] > 0):
                low, high = classes.weak_cols[k, tier], cols & ~classes.weak_cols[k, tier]
                if low.any():
                    ratio = y[:, low].sum(1) / y[:, high].sum(1)
                    assert np.all(ratio <= ratio[0] * np.exp(classes.lam_a[k, tier] * times) * (1 + 1e-6))
            mu_a = _margin(y0, cols, classes.weak_cols[k], classes.mu_a[k], classes.w_a[k], classes.lam_a[k], horizon)
            mu_b = _margin(x0, rows, classes.weak_rows[k], classes.mu_b[k], classes.w_b[k], classes.lam_b[k], horizon)
            if mu_a is None or mu_b is None:
                continue
            kappa_a = y0[cols].sum() * mu_a - y0[~cols].sum() * classes.d_a[k]
            kappa_b = x0[rows].sum() * mu_b - x0[~rows].sum() * classes.d_b[k]
            if kappa_a <= 0 or kappa_b <= 0:
                continue
            active += 1
            logit_x = np.log(x[:, rows].sum(1) / x[:, ~rows].sum(1))
            logit_y = np.log(y[:, cols].sum(1) / y[:, ~cols].sum(1))
            assert np.all(logit_x >= logit_x[0] + kappa_a * times - 1e-6)
            assert np.all(logit_y >= logit_y[0] + kappa_b * times - 1e-6)
    assert active >= 10  # the bounds were exercised, not skipped


@settings(max_examples=8, deadline=None)
@given(st.sampled_from(DILEMMAS), st.integers(0, 2**16))
def test_starts_stopped_early_on_a_weak_face_end_in_their_class(game, seed):
    # 40 starts (Dirichlet, half of them near the face's reciprocators) to t = 300: every start the
    # certificate stopped early must be in the same class at t = 300 under DOP853 in share
    # coordinates (rtol 1e-9) — no tolerance, the class is proven; the rest may differ only
    # within the integrators' error of a separatrix (at most one per game, as above).
    m, n = game.shape
    rng = np.random.default_rng(seed)
    face = np.r_[0.5, 0.3, 3.0, 3.0, 1.0]  # AllC, AllD, Grim, TFT, WSLS
    x0 = np.vstack([rng.dirichlet(np.ones(m), 20), rng.dirichlet(face, 20)])
    y0 = np.vstack([rng.dirichlet(np.ones(n), 20), rng.dirichlet(face, 20)])
    mask = game.cooperative.astype(bool)
    strict_other = [c for i, j in zip(*np.nonzero(~mask)) if (c := strict_class(game, int(i), int(j))).strict]
    label, _, _ = _integrate(game, mask, x0, y0, 300.0, 0.99, strict_other)
    coop, other, _ = _classify(game, mask, x0, y0, 300.0, 0.99)
    ref, x, y = _reference_classes(game, mask, x0, y0, 300.0, 0.99)
    ref_other = np.zeros(len(ref), bool)
    for c in strict_other:
        ref_other |= (x[:, list(c.rows)].sum(1) >= 0.99) & (y[:, list(c.cols)].sum(1) >= 0.99)
    assert np.all(ref[label == 1]) and np.all(ref_other[label == 2] & ~ref[label == 2])
    assert np.sum((coop != ref) | (other != (ref_other & ~ref))) <= 1
