"""The default equilibrium path (support kernel, solver.kernels.support) against the exact enumeration.

References, each independent of the kernel's float screening and support pairing:

* ``equilibria(game, method="exact")``: the plain rational vertex enumeration of
  :mod:`solver.kernels.exact` over every basis (no floats at all);
* Gambit 17's ``enummixed_solve(rational=True)`` (its own lrs-style vertex enumeration).

"Identical" means the whole public result: every equilibrium's floats, payoffs and cooperation
bit for bit, the order, the degeneracy and continuum verdicts and the notes. No tolerance:
both sides round the same exact rationals once. Case counts are chosen to stay under ~25 s.
"""

import numpy as np
import pygambit as gbt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from games import Game
from solver import equilibria
from solver.kernels.exact import extreme_equilibria
from solver.kernels.support import _bases, _compiled, _status_numpy, integer_equilibria, nondegenerate_equilibria, screened_extreme_equilibria


def key(eqs):
    """Everything a caller sees in an EquilibriumSet, except the method label, as text (so that
    −0.0 and 0.0, which compare equal, differ as they do in the JSON)."""
    return repr(([(e.row, e.col, e.payoffs, e.cooperation) for e in eqs], eqs.degenerate, eqs.continuum, eqs.notes))


def same_as_exact(game):
    fast, exact = equilibria(game), equilibria(game, method="exact")
    assert key(fast) == key(exact), (game.row_payoffs.tolist(), game.col_payoffs.tolist())
    return fast


def with_dominated_rows(rng, m, n, high):
    """A random game in which the last row is strictly dominated by the first (so iterated
    elimination would shrink it) and the last column by the first."""
    a, b = rng.integers(0, high, (m, n)), rng.integers(0, high, (m, n))
    a[-1] = a[0] - rng.integers(1, 5, n)
    b[:, -1] = b[:, 0] - rng.integers(1, 5, m)
    return Game(a, b)


def test_random_integer_games_3x3_to_6x6_equal_the_exact_enumeration():
    # 240 seeded games, square and not, payoffs 0…999 (mostly nondegenerate: the kernel's
    # path) and a third with dominated strategies.
    rng = np.random.default_rng(15)
    kernel_used = 0
    for trial in range(240):
        m, n = rng.integers(3, 7, 2) if trial % 4 else (rng.integers(3, 7),) * 2
        if m + n > 12:  # the plain exact enumeration of a 6×7 game takes ~0.5 s
            m, n = min(m, 6), min(n, 6)
        game = with_dominated_rows(rng, m, n, 1000) if trial % 3 == 0 else Game(rng.integers(0, 1000, (m, n)), rng.integers(0, 1000, (m, n)))
        fast = same_as_exact(game)
        kernel_used += fast.method.startswith("support enumeration")
    assert kernel_used >= 200  # the comparison exercised the kernel, not only the fallback


def gambit(game):
    g = gbt.StrategicGame.from_arrays(game.row_payoffs.astype(int).tolist(), game.col_payoffs.astype(int).tolist())
    result = gbt.nash.enummixed_solve(g, rational=True)
    found = [tuple(tuple(v for _, v in eq[p]) for p in g.players) for eq in result.equilibria]
    return sorted({(tuple(float(v) for v in x), tuple(float(v) for v in y)) for x, y in found})


@pytest.mark.parametrize(("shape", "count"), [((7, 7), 3), ((8, 8), 2), ((6, 8), 2), ((4, 9), 2)])
def test_larger_games_equal_gambits_enummixed(shape, count):
    # The exact enumeration of solver.kernels.exact takes seconds here; Gambit's is the reference.
    rng = np.random.default_rng(shape[0] * 100 + shape[1])
    for trial in range(count):
        game = with_dominated_rows(rng, *shape, 1000) if trial % 2 else Game(rng.integers(0, 1000, shape), rng.integers(0, 1000, shape))
        ours = equilibria(game)
        assert ours.method.startswith("support enumeration") and ours.degenerate is False
        assert sorted((e.row, e.col) for e in ours) == gambit(game)


def test_sample_against_gambit_including_ties():
    # 80 games up to 5×5 with payoffs 0…4 (many degenerate, some continua) and 0…999.
    rng = np.random.default_rng(1515)
    for trial in range(80):
        m, n = rng.integers(1, 6, 2)
        high = 5 if trial % 2 else 1000
        game = Game(rng.integers(0, high, (m, n)), rng.integers(0, high, (m, n)))
        assert sorted((e.row, e.col) for e in equilibria(game)) == gambit(game)


def tie_heavy(rng, trial):
    """Degenerate and tie-heavy games: binary payoffs, payoffs 0…2, equal rows or columns,
    constant matrices (continua), zero-sum and symmetric ties, shapes up to 4×3."""
    m, n = (int(v) for v in rng.integers(1, 5, 2))
    if m * n > 12:
        n = 3
    kind = trial % 6
    high = 2 if kind in (0, 3) else 3
    a, b = rng.integers(0, high, (m, n)), rng.integers(0, high, (m, n))
    if kind == 1 and m > 1:
        a[1], b[1] = a[0], b[0]  # equal rows: a whole segment of strategies is equivalent
    if kind == 2 and n > 1:
        b[:, 1] = b[:, 0]
    if kind == 4:
        a = np.full((m, n), rng.integers(0, 3))  # the row player is indifferent everywhere
    if kind == 5:
        b = -a  # zero-sum with ties
    return Game(a, b)


def test_two_thousand_tie_heavy_games_equal_the_exact_path():
    # must-hold 2 of issue 15: identical results on ≥ 2,000 degenerate and tie-heavy games.
    rng = np.random.default_rng(2026)
    degenerate = continuum = 0
    for trial in range(2100):
        fast = same_as_exact(tie_heavy(rng, trial))
        degenerate += bool(fast.degenerate)
        continuum += bool(fast.continuum)
    assert degenerate > 1000 and continuum > 300  # the sample really is tie-heavy


def test_two_by_two_default_path_equals_the_exact_path():
    # Integer 2×2 games go through solver.kernels.fast2x2.solve_single, others through the kernel.
    rng = np.random.default_rng(22)
    for trial in range(600):
        high = (3, 10, 1000)[trial % 3]
        a, b = rng.integers(-high, high, (2, 2)), rng.integers(-high, high, (2, 2))
        if trial % 5 == 0:
            a, b = a / 10 + 0.05, b / 4  # decimals: read as the rationals they spell
        same_as_exact(Game(a, b))


def test_kernel_returns_none_exactly_for_degenerate_games():
    rng = np.random.default_rng(5)
    for trial in range(300):
        m, n = (int(v) for v in rng.integers(1, 5, 2))
        high = (2, 4, 1000)[trial % 3]
        game = Game(rng.integers(0, high, (m, n)), rng.integers(0, high, (m, n)))
        reference = extreme_equilibria(*game.exact)
        assert (nondegenerate_equilibria(*game.exact) is None) == reference.degenerate
        screened = screened_extreme_equilibria(*game.exact)
        assert (screened.degenerate, screened.continuum, sorted(screened.equilibria)) == (
            reference.degenerate,
            reference.continuum,
            sorted(reference.equilibria),
        )


@pytest.mark.skipif(_compiled() is None, reason="numba not installed")
def test_compiled_and_numpy_classifications_agree():
    # The numpy fallback and the compiled kernel classify every basis alike where neither is
    # unclear (they may differ only on which bases they hand to the exact decision).
    rng = np.random.default_rng(9)
    for m, n in [(3, 3), (4, 6), (5, 5)]:
        a = rng.integers(1, 1000, (m, n)) / 999
        bt = rng.integers(1, 1000, (n, m)) / 999
        ri, cj, real = _bases(m, n, tuple(range(1, min(m, n) + 1)))
        p_np, q_np = _status_numpy(a, bt, ri, cj, real)
        size = real.sum(axis=1)
        p_c, q_c = np.empty(len(ri), np.int8), np.empty(len(ri), np.int8)
        _compiled().classify_bases(bt, cj, ri, size, p_c)
        _compiled().classify_bases(a, ri, cj, size, q_c)
        for x, y in ((p_np, p_c), (q_np, q_c)):
            sure = (x != 2) & (y != 2)
            assert sure.mean() > 0.95
            np.testing.assert_array_equal(x[sure], y[sure])


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="method must be one of 'auto'"):
        equilibria(Game([[1]], [[1]]), method="lemke")


def test_forward_elimination_solves_like_gauss_jordan():
    # The kernel's exact solve (Bareiss forward elimination + exact back substitution)
    # against solver.kernels.exact's fraction-free Gauss–Jordan, on 3,000 random integer systems
    # up to 7×7, half with entries −3…3 (many singular).
    from fractions import Fraction

    from solver.kernels.exact import _solve
    from solver.kernels.support import _solve_forward

    rng = np.random.default_rng(31)
    singular = 0
    for trial in range(3000):
        k = int(rng.integers(1, 8))
        M = rng.integers(-3, 4, (k, k)).tolist() if trial % 2 else rng.integers(1, 1000, (k, k)).tolist()
        b = rng.integers(-2, 3, k).tolist()
        theirs, ours = _solve(M, b), _solve_forward(M, b)
        assert (theirs is None) == (ours is None), M
        if ours is None:
            singular += 1
            continue
        assert ours[1] > 0 and [Fraction(v, ours[1]) for v in ours[0]] == [Fraction(v, theirs[1]) for v in theirs[0]]
    assert singular > 50  # 83 with this seed: the singular branch is exercised


@pytest.mark.skipif(_compiled() is None, reason="numba not installed")
@settings(max_examples=150, deadline=None)
@given(
    shape=st.sampled_from([(3, 3), (2, 3), (3, 2), (3, 4), (4, 3), (3, 5), (2, 6)]),
    spread=st.sampled_from([3, 50, 1000, 4000, 6000, 10**9]),
    offset=st.sampled_from([0, -4200, 3000]),
    seed=st.integers(0, 2**32 - 1),
)
def test_compiled_int64_path_equals_the_exact_enumeration(shape, spread, offset, seed):
    # Integer games with a side of at most 3 take solver.kernels.compiled.integer_equilibria
    # (Cramer's rule in int64 inside its bounds; beyond them, or on a tie, the Python path).
    # Payoff spreads and offsets straddle the int64 bound SMALL = 4096; spread 3 gives ties.
    rng = np.random.default_rng(seed)
    a = rng.integers(0, spread, shape) + offset
    b = rng.integers(0, spread, shape) - offset
    same_as_exact(Game(a, b))


@pytest.mark.skipif(_compiled() is None, reason="numba not installed")
def test_compiled_int64_path_settles_most_small_games():
    # The property test above passes vacuously if the kernel always hands the game back; here
    # 300 seeded 3×3 games 0…999 must mostly be settled by it (and equal the exact path).
    rng = np.random.default_rng(15)
    settled = 0
    for _ in range(300):
        game = Game(rng.integers(0, 1000, (3, 3)), rng.integers(0, 1000, (3, 3)))
        settled += integer_equilibria(game.row_payoffs, game.col_payoffs) is not None
        same_as_exact(game)
    assert settled >= 270


@settings(max_examples=60, deadline=None)
@given(shape=st.sampled_from([(2, 2), (3, 3), (2, 4), (4, 3)]), seed=st.integers(0, 2**32 - 1), kind=st.sampled_from(["random", "default given", "one corner"]))
def test_cooperation_matrix_values_equal_the_exact_path(shape, seed, kind):
    # The fast paths take x₀·y₀ as the expected cooperation when the matrix is the default one
    # (given or not); any other matrix goes through game.expected_cooperation, as the exact path.
    rng = np.random.default_rng(seed)
    a, b = rng.integers(0, 20, shape), rng.integers(0, 20, shape)
    if kind == "random":
        cooperation = rng.random(shape)
    else:
        cooperation = np.zeros(shape)
        cooperation[(0, 0) if kind == "default given" else (-1, -1)] = 1.0
    same_as_exact(Game(a, b, cooperation=cooperation))


def test_no_negative_zero_payoffs():
    # 0 / (negative integer) is −0.0 in Python: the closed forms must print 0.0 as the exact path does.
    game = Game([[1, -3], [-1, 3]], [[-2, 0], [3, -2]])
    assert key(equilibria(game)) == key(equilibria(game, method="exact"))
    assert "-0.0" not in repr([e.payoffs for e in equilibria(game)])
