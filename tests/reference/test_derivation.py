"""The symbolic derivation (solver.dynamics.derive) against computations written in the test.

References, none of them the engine's code path:
- corner eigenvalues: (1 − 2xₖ)Fₖ with Fₖ = uₖ(first, others) − uₖ(second, others) read off
  the payoff table and computed in ``fractions.Fraction`` (no sympy), exact;
- the symbolic Jacobian: central finite differences of a plain numpy replicator field built here
  from the table by summing over all pure profiles (no multilinear normal form);
- trajectories: that plain field integrated by scipy's DOP853 in the shares themselves.
"""

from fractions import Fraction
from itertools import product

import numpy as np
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.integrate import solve_ivp

from games.model import Model
from solver.dynamics import corner_table, trajectory
from solver.dynamics.derive import ModelDynamics, derive

NAMES = ("a", "b", "c")


@st.composite
def tables(draw, sizes=(3, 4)):
    """A K-population two-strategy table: each payoff is an integer plus an integer multiple of
    one of three parameters with rational values."""
    k = draw(st.sampled_from(sizes))
    values = {n: Fraction(draw(st.integers(-6, 6)), draw(st.integers(1, 3))) for n in NAMES}
    entry = st.tuples(st.integers(-3, 3), st.integers(-2, 2), st.sampled_from(NAMES))
    table = {profile: tuple(draw(entry) for _ in range(k)) for profile in product((0, 1), repeat=k)}
    return k, values, table


def _model(k, values, table):
    payoffs = {profile: tuple(f"{c} + ({m})*{n}" for c, m, n in entries) for profile, entries in table.items()}
    return Model(
        populations=tuple(f"P{i + 1}" for i in range(k)),
        strategies=(("first", "second"),) * k,
        parameters={n: str(v) for n, v in values.items()},
        payoffs=payoffs,
    )


def _payoff(entry, values):
    c, m, n = entry
    return Fraction(c) + m * values[n]


def _corner_difference(table, values, corner, k):
    """Fₖ at a pure corner, from the table: profile index 0 = first strategy (share 1)."""
    profile = [0 if c else 1 for c in corner]
    first, second = list(profile), list(profile)
    first[k], second[k] = 0, 1
    return _payoff(table[tuple(first)][k], values) - _payoff(table[tuple(second)][k], values)


def _plain_field(table, values, kk):
    """ẋₖ = xₖ(1 − xₖ)(Eₖ,first − Eₖ,second), each expected payoff a sum over all profiles."""
    u = {p: np.array([float(_payoff(e, values)) for e in entries]) for p, entries in table.items()}

    def field(_t, x):
        out = np.empty(kk)
        for k in range(kk):
            expected = [0.0, 0.0]
            for p, pay in u.items():
                weight = np.prod([x[j] if p[j] == 0 else 1 - x[j] for j in range(kk) if j != k])
                expected[p[k]] += weight * pay[k]
            out[k] = x[k] * (1 - x[k]) * (expected[0] - expected[1])
        return out

    return field


def _rational(v):
    return sympy.Rational(v.numerator, v.denominator)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(case=tables(), other=st.lists(st.fractions(-5, 5, max_denominator=4), min_size=3, max_size=3))
def test_corner_eigenvalues_equal_the_table_differences(case, other):
    k, values, table = case
    d = derive(_model(k, values, table), rest_points=False)
    elsewhere = dict(zip(NAMES, other))  # the expressions must hold at any parameters, not only the file's
    for row in d.corners:
        expected = [(1 - 2 * row.corner[j]) * _corner_difference(table, values, row.corner, j) for j in range(k)]
        assert row.eigenvalues == tuple(_rational(v) for v in expected), row.corner
        somewhere = {sympy.Symbol(n, real=True): _rational(v) for n, v in elsewhere.items()}
        for j, e in enumerate(row.eigenvalue_expressions):
            assert e.xreplace(somewhere) == _rational((1 - 2 * row.corner[j]) * _corner_difference(table, elsewhere, row.corner, j))
            assert bool(row.conditions[j].xreplace(somewhere)) == (e.xreplace(somewhere) < 0)
        assert row.holds == tuple(v < 0 for v in expected)
        signs = [np.sign(float(v)) for v in expected]
        want = (
            "stable"
            if all(s < 0 for s in signs)
            else "unstable"
            if all(s > 0 for s in signs)
            else "saddle"
            if 1 in signs and -1 in signs
            else "unstable"
            if 1 in signs
            else "inconclusive"
        )
        assert row.verdict == want


@settings(max_examples=10, deadline=None)
@given(case=tables(), seed=st.integers(0, 2**32 - 1))
def test_symbolic_jacobian_equals_finite_differences(case, seed):
    # Central differences with h = 1e-5 on a field with payoffs of order 10 and cubic terms:
    # truncation ~ h²·|f'''| ≈ 1e-9 and rounding ~ 1e-16·|f|/h ≈ 1e-10, so 1e-6 relative to
    # max(1, |J|) leaves three orders of margin while any wrong entry (≥ 1e-2 apart) fails.
    k, values, table = case
    d = derive(_model(k, values, table), rest_points=False)
    field = _plain_field(table, values, k)
    rng = np.random.default_rng(seed)
    subs = {sympy.Symbol(n, real=True): _rational(v) for n, v in values.items()}
    h = 1e-5
    for _ in range(3):
        x = rng.uniform(0.05, 0.95, k)
        numeric = np.column_stack([(field(0, x + h * e) - field(0, x - h * e)) / (2 * h) for e in np.eye(k)])
        at = subs | {s: sympy.Float(v, 30) for s, v in zip(d.shares, x)}
        symbolic = np.array(d.jacobian.xreplace(at).evalf(20), dtype=float)
        scale = max(1.0, np.max(np.abs(symbolic)))
        assert np.max(np.abs(symbolic - numeric)) <= 1e-6 * scale


@settings(max_examples=8, deadline=None)
@given(case=tables(), seed=st.integers(0, 2**32 - 1))
def test_trajectories_equal_a_plain_numpy_field(case, seed):
    # Both integrations run at rtol ≤ 1e-9 over t ≤ 4 with rates ≤ ~15: the global errors stay
    # near 1e-8, so 1e-6 on the shares separates a right field from a wrong one (any wrong
    # payoff moves the path by ≥ 1e-3 in this time).
    k, values, table = case
    m = ModelDynamics(_model(k, values, table))
    start = np.random.default_rng(seed).uniform(0.2, 0.8, k)
    r = trajectory(m, start, t_end=4.0, points=41)
    ref = solve_ivp(_plain_field(table, values, k), (0, 4.0), start, method="DOP853", t_eval=r.t, rtol=1e-12, atol=1e-14)
    assert np.max(np.abs(r.states - ref.y.T)) < 1e-6


def test_model_dynamics_corner_table_matches_the_table():
    # corner_table of the lambdified field against the Fraction corner differences.
    k, values = 3, {"a": Fraction(3, 2), "b": Fraction(-2), "c": Fraction(1, 3)}
    table = {p: ((p[0] - p[1], 1, "a"), (2 * p[2] - 1, -1, "b"), (p[0] + p[1] - 1, 2, "c")) for p in product((0, 1), repeat=3)}
    rows = corner_table(ModelDynamics(_model(k, values, table)), interior=False)
    for row in rows:
        expected = [float((1 - 2 * row.corner[j]) * _corner_difference(table, values, row.corner, j)) for j in range(k)]
        assert row.eigenvalues == pytest.approx(expected, abs=1e-12)


# ThreeParty's documented parameter sets: its defaults (docs/models.md), the cycling synergy-4
# model (tests/reference/test_cycling.py) and an asymmetric one; both variants.
THREE_PARTY_SETS = [
    {},
    {"synergy": (4, 4), "cost": (3, 3), "spillover": (2, 2), "subsidy": 1.5, "fine": 2, "supervision_cost": 3, "accountability": 1},
    {"synergy": (7, 5), "cost": (2.5, 3.5), "spillover": (1, 3), "subsidy": 0.5, "fine": 4, "supervision_cost": 2, "accountability": 0.25},
]


def _file_values(kwargs):
    from games import ThreeParty

    m = ThreeParty(**kwargs)
    (ra, rb), (ca, cb), (ea, eb) = m.synergy, m.cost, m.spillover
    return {"R_A": ra, "R_B": rb, "C_A": ca, "C_B": cb, "E_A": ea, "E_B": eb, "s": m.subsidy, "f": m.fine, "C_H": m.supervision_cost, "W": m.accountability}


@pytest.mark.parametrize("dynamic", [False, True])
@pytest.mark.parametrize("kwargs", THREE_PARTY_SETS)
def test_bundled_three_party_file_gives_three_partys_corner_eigenvalues(kwargs, dynamic):
    # ThreeParty states its advantages directly (games/threeparty.py); the file is a payoff
    # table whose expected differences must equal them, so every corner eigenvalue agrees.
    from games import ThreeParty
    from games.model import builtin_model

    model = builtin_model("three-party-dynamic" if dynamic else "three-party").with_values(**{k: str(v) for k, v in _file_values(kwargs).items()})
    d = derive(model, rest_points=False)
    reference = {row.corner: row for row in corner_table(ThreeParty(**kwargs, dynamic=dynamic), interior=False)}
    for row in d.corners:
        assert row.numeric == pytest.approx(reference[row.corner].eigenvalues, abs=1e-9)
        assert row.verdict == reference[row.corner].verdict


# --- more than two strategies: the product of simplices -----------------------------------------
# References written here: the corner eigenvalues as payoff differences π(k′, s₋ₖ) − π(sₖ, s₋ₖ)
# read off the table in Fraction arithmetic; the eigenvalues of a central-difference Jacobian of a
# plain numpy replicator field (expected payoffs summed over all profiles, in the same free
# coordinates: each population's shares but the last); pure strict Nash equilibria checked by
# hand against every unilateral deviation, and solver.equilibria's equilibria of the bimatrix game.


@st.composite
def simplex_tables(draw, counts=((3, 3), (3, 2, 2))):
    """Small integer payoffs plus an integer multiple of a rational parameter a."""
    sizes = draw(st.sampled_from(counts))
    a = Fraction(draw(st.integers(-4, 4)), draw(st.integers(1, 3)))
    entry = st.tuples(st.integers(-3, 3), st.integers(-1, 1))
    table = {p: tuple(draw(entry) for _ in sizes) for p in product(*(range(n) for n in sizes))}
    return sizes, a, table


def _simplex_model(sizes, a, table):
    return Model(
        populations=tuple(f"P{k + 1}" for k in range(len(sizes))),
        strategies=tuple(tuple(f"s{i}" for i in range(n)) for n in sizes),
        parameters={"a": str(a)},
        payoffs={p: tuple(f"{c} + ({m})*a" for c, m in entries) for p, entries in table.items()},
    )


def _simplex_payoff(table, a, profile, k):
    c, m = table[tuple(profile)][k]
    return Fraction(c) + m * a


def _plain_simplex_field(sizes, a, table):
    """ẏₖ,ᵢ = yₖ,ᵢ(Eₖ,ᵢ − Σₘ σₖ,ₘEₖ,ₘ) in the free coordinates, σₖ = (yₖ, 1 − Σyₖ)."""
    u = {p: [float(_simplex_payoff(table, a, p, k)) for k in range(len(sizes))] for p in table}
    cuts = np.cumsum([0, *(n - 1 for n in sizes)])

    def field(y):
        sigma = [np.append(y[cuts[k] : cuts[k + 1]], 1 - np.sum(y[cuts[k] : cuts[k + 1]])) for k in range(len(sizes))]
        out = []
        for k, n in enumerate(sizes):
            expected = np.zeros(n)
            for p, pay in u.items():
                weight = 1.0
                for j in range(len(sizes)):
                    if j != k:
                        weight *= sigma[j][p[j]]
                expected[p[k]] += weight * pay[k]
            mean = sigma[k] @ expected
            out.extend(y[cuts[k] + i] * (expected[i] - mean) for i in range(n - 1))
        return np.array(out)

    return field


@settings(max_examples=15, deadline=None)
@given(case=simplex_tables())
def test_simplex_corner_eigenvalues_are_the_payoff_differences(case):
    # Tolerance 1e-6 against the finite-difference eigenvalues: central differences with
    # h = 1e-5 on a polynomial field of degree ≤ 4 with payoffs ≤ 7 err by ≈ h²|f'''|/6 ≈ 1e-9
    # (rounding ≈ 1e-16·|f|/h ≈ 1e-10). At a corner the shares at 0 stay exactly 0 under the
    # steps, so the difference matrix keeps the block-triangular zero pattern exactly and those
    # errors move the eigenvalues linearly; only eigvals' own backward error (≈ 1e-15·‖J‖) is
    # amplified to its square root (≈ 1e-7) when integer payoffs make a repeated eigenvalue
    # defective. A wrong eigenvalue is off by at least 1/3 (payoffs on a grid of 1/3).
    sizes, a, table = case
    d = derive(_simplex_model(sizes, a, table), rest_points=False)
    assert len(d.corners) == int(np.prod(sizes))
    field = _plain_simplex_field(sizes, a, table)
    h = 1e-5
    for row in d.corners:
        s = row.profile
        expected = [
            _simplex_payoff(table, a, (*s[:k], other, *s[k + 1 :]), k) - _simplex_payoff(table, a, s, k)
            for k, n in enumerate(sizes)
            for other in range(n)
            if other != s[k]
        ]
        assert row.eigenvalues == tuple(_rational(v) for v in expected), s
        assert row.holds == tuple(v < 0 for v in expected)
        # The corner in the free coordinates: 1 where population k's strategy sₖ (not the last) is.
        y = np.array([1.0 if s[k] == i else 0.0 for k, n in enumerate(sizes) for i in range(n - 1)])
        assert row.corner == tuple(int(v) for v in y)
        numeric = np.column_stack([(field(y + h * e) - field(y - h * e)) / (2 * h) for e in np.eye(len(y))])
        eig = np.linalg.eigvals(numeric)
        assert np.max(np.abs(eig.imag)) < 1e-6
        assert np.sort(eig.real) == pytest.approx(sorted(float(v) for v in expected), abs=1e-6)
        want = (
            "stable"
            if all(v < 0 for v in expected)
            else "saddle"
            if any(v > 0 for v in expected) and any(v < 0 for v in expected)
            else "unstable"
            if any(v > 0 for v in expected)
            else "inconclusive"
        )
        assert row.verdict == want


@settings(max_examples=15, deadline=None)
@given(payoffs=st.lists(st.tuples(st.integers(-3, 3), st.integers(-3, 3)), min_size=9, max_size=9))
def test_stable_corners_of_a_bimatrix_model_are_its_strict_pure_equilibria(payoffs):
    from games import Game
    from solver import equilibria

    A = np.array([p[0] for p in payoffs], dtype=float).reshape(3, 3)
    B = np.array([p[1] for p in payoffs], dtype=float).reshape(3, 3)
    model = Model(("row", "col"), (("a", "b", "c"), ("a", "b", "c")), {}, {(i, j): (int(A[i, j]), int(B[i, j])) for i in range(3) for j in range(3)})
    d = derive(model, rest_points=False)
    stable = {row.profile for row in d.corners if row.verdict == "stable"}
    cells = list(product(range(3), range(3)))
    strict = {(i, j) for i, j in cells if all(A[o, j] < A[i, j] for o in range(3) if o != i) and all(B[i, o] < B[i, j] for o in range(3) if o != j)}
    weak = {(i, j) for i, j in cells if A[i, j] >= A[:, j].max() and B[i, j] >= B[i, :].max()}
    assert stable == strict
    found = {(int(np.argmax(e.row)), int(np.argmax(e.col))) for e in equilibria(Game(A, B)).equilibria if max(e.row) == 1 and max(e.col) == 1}
    assert found == weak and strict <= found


@settings(max_examples=6, deadline=None)
@given(case=simplex_tables(counts=((3, 3), (3, 2, 2))))
def test_simplex_rest_points_are_zeros_of_the_plain_field(case):
    # Each numeric rest point: the plain field vanishes there (the root finder stops at 1e-13 on
    # payoff differences of order 10, so 1e-9 leaves margin; a non-rest point of a field with
    # integer-grid payoffs is off by far more), it lies inside its face of the product of
    # simplices, and the engine's eigenvalues equal those of the central-difference Jacobian
    # to 1e-4: off the corners no zero pattern protects a defective (repeated) eigenvalue from the
    # square-root amplification of the ≈ 1e-10 difference error, √1e-10 = 1e-5.
    sizes, a, table = case
    d = derive(_simplex_model(sizes, a, table))
    field = _plain_simplex_field(sizes, a, table)
    cuts = np.cumsum([0, *(n - 1 for n in sizes)])
    h = 1e-5
    for p in d.rest_points:
        y = np.array(p.point)
        assert np.max(np.abs(field(y))) < 1e-9
        for k in range(len(sizes)):
            block = y[cuts[k] : cuts[k + 1]]
            assert np.all(block >= 0) and block.sum() <= 1
        numeric = np.column_stack([(field(y + h * e) - field(y - h * e)) / (2 * h) for e in np.eye(len(y))])
        ours, ref = np.array(p.eigenvalues, dtype=complex), np.linalg.eigvals(numeric)
        assert all(np.min(np.abs(ref - v)) < 1e-4 for v in ours)


def test_bundled_three_party_trajectories_equal_threepartys():
    # Must hold 2 of issue 12: the bundled files run the same dynamics as the hand-coded model.
    # The two fields agree to ~1e-15 (tests/test_model.py); LSODA's adaptive steps then carry that
    # difference up to the integration tolerance, so trajectories agree to 1e-7, not bit for bit
    # (measured: 1e-13 … 1.1e-8 over these starts).
    from games import ThreeParty
    from games.model import builtin_model
    from solver.dynamics import ModelDynamics, trajectory

    for dynamic, name in ((False, "three-party"), (True, "three-party-dynamic")):
        for start in [(0.2, 0.2, 0.2), (0.4, 0.6, 0.5), (0.7, 0.3, 0.9)]:
            ours = trajectory(ModelDynamics(builtin_model(name)), start, t_end=50)
            theirs = trajectory(ThreeParty(dynamic=dynamic), start, t_end=50)
            assert np.abs(ours.states - theirs.states).max() < 1e-7, (name, start)
            assert ours.outcome == theirs.outcome


def test_bundled_three_party_field_integrates_like_threepartys_to_1e9():
    # The same comparison with the integrator's tolerance out of the way: both fields integrated
    # by DOP853 at rtol 1e-12 agree to 1e-9 (measured ~1e-12), as issue 12 asks.
    from scipy.integrate import solve_ivp

    from games import ThreeParty
    from games.model import builtin_model
    from solver.dynamics import ModelDynamics

    for dynamic, name in ((False, "three-party"), (True, "three-party-dynamic")):
        ends = []
        for model in (ModelDynamics(builtin_model(name)), ThreeParty(dynamic=dynamic)):

            def field(_t, x, model=model):
                return x * (1 - x) * np.asarray(model.payoff_differences(x), dtype=float)

            sol = solve_ivp(field, (0, 20), [0.4, 0.6, 0.5], method="DOP853", rtol=1e-12, atol=1e-14, t_eval=np.linspace(0, 20, 201))
            ends.append(sol.y)
        assert np.abs(ends[0] - ends[1]).max() < 1e-9, name
