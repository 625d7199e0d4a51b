"""solver.kernels.fast2x2: the closed-form exact 2×2 decision and the scalar path ``solve_single``.

References, each independent of the code under test:

* the general exact vertex enumeration :func:`solver.kernels.exact.extreme_equilibria` (Fraction-free
  elimination over every choice of tight constraints) on the rationals ``games.game.rational``
  reads — what ``solver.equilibria(method="exact")`` lists and what ``_decide_exactly`` used
  before the closed forms;
* Gambit's ``enummixed_solve(rational=True)`` (its own vertex enumeration, in rationals);
* between the two fast paths, ``solve_2x2`` (arrays) and ``solve_single`` (plain floats),
  which share no code outside the band.

Tolerance: none. Probabilities and payoffs are floats rounded once from the same rationals, so
they are compared with ``==``; only a game decided in floats (outside the band) is allowed
1e-12 on p, q (p* = −c₀/c₁ rounded in float arithmetic rather than from the rational).
"""

from fractions import Fraction

import numpy as np
import pygambit as gbt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from games.game import matrix_scale, rational
from solver.cooperation import LEVELS
from solver.kernels.exact import exact_payoffs, extreme_equilibria
from solver.kernels.fast2x2 import _exact_decision, _integers, solve_2x2, solve_single

DECIMALS = [0.1, 0.2, 0.3, 0.1 + 0.2, 0.7, 2.9, 2.9000000000000004, 1 / 3, 2 / 3, 1 - 1 / 3, 0.6 + 0.2, 0.8]


def tie_heavy_games(n: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Degenerate and near-degenerate 2×2 games of ten kinds, cycled."""
    rng = np.random.default_rng(seed)
    games = []
    for k in range(n):
        kind = k % 10
        if kind == 0:  # binary payoffs
            A, B = rng.integers(0, 2, (2, 2)), rng.integers(0, 2, (2, 2))
        elif kind == 1:  # payoffs −1, 0, 1
            A, B = rng.integers(-1, 2, (2, 2)), rng.integers(-1, 2, (2, 2))
        elif kind == 2:  # equal rows for the row player, equal columns for the column player
            A, B = np.repeat(rng.integers(0, 3, (1, 2)), 2, axis=0), np.repeat(rng.integers(0, 3, (2, 1)), 2, axis=1)
            if rng.random() < 0.5:
                A, B = rng.integers(0, 3, (2, 2)), B
        elif kind == 3:  # all payoffs equal for one or both players
            A, B = np.full((2, 2), rng.integers(-2, 3)), np.full((2, 2), rng.integers(-2, 3)) if rng.random() < 0.5 else rng.integers(0, 3, (2, 2))
        elif kind == 4:  # decimals that tie only when read as decimals (0.1 + 0.2 = 0.3)
            A, B = rng.choice(DECIMALS, (2, 2)), rng.choice(DECIMALS, (2, 2))
        elif kind == 5:  # a risk-dominance tie: a₁ᵣa₁꜀ = a₂ᵣa₂꜀ with both (C, C) and (D, D) strict
            g1, g2 = rng.integers(1, 4, 2)
            base = rng.integers(-3, 3, 4)
            A = np.array([[base[0] + g1, base[1] - g2], [base[0], base[1]]])
            B = np.array([[base[2] + g2, base[2]], [base[3] - g1, base[3]]])
        elif kind == 6:  # a symmetric threshold game scaled by a decimal: exact ties, float noise
            s = rng.choice([0.1, 0.3, 0.7, 1.1])
            R, S, T, P = rng.integers(0, 3, 4)
            A = np.array([[R * s, S * s], [T * s, P * s]])
            B = A.T.copy()
        elif kind == 7:  # tiny payoffs (inside the band of scale 1) and their float noise
            A, B = rng.integers(0, 3, (2, 2)) * 1e-7, rng.integers(0, 3, (2, 2)) * 1e-7 + (0.1 + 0.2 - 0.3)
        elif kind == 8:  # large integers, exact in floats, with ties
            A, B = rng.integers(0, 2, (2, 2)) * 10**12 + rng.integers(0, 2, (2, 2)), rng.integers(0, 2, (2, 2)) * 10**12
        else:  # small integers 0–2: a mix of ties and non-degenerate games
            A, B = rng.integers(0, 3, (2, 2)), rng.integers(0, 3, (2, 2))
        games.append((np.asarray(A, dtype=float), np.asarray(B, dtype=float)))
    return games


def reference(A: np.ndarray, B: np.ndarray):
    """The general exact enumeration, ordered as solver.equilibria, with the report fields."""
    a = [[rational(v, matrix_scale(A)) for v in row] for row in A.tolist()]
    b = [[rational(v, matrix_scale(B)) for v in row] for row in B.tolist()]
    found = extreme_equilibria(a, b)
    pairs = sorted(found.equilibria, key=lambda e: (sum(1 if v in (0, 1) else 2 for v in (e[0][0], e[1][0])), -e[0][0], -e[1][0]))
    g1r, g1c, g2r, g2c = a[0][0] - a[1][0], b[0][0] - b[0][1], a[0][1] - a[1][1], b[1][0] - b[1][1]
    nash, strict = g1r >= 0 and g1c >= 0, g1r > 0 and g1c > 0
    dominant = strict and g2r > 0 and g2c > 0
    risk = strict and (not (g2r < 0 and g2c < 0) or g1r * g1c > g2r * g2c)
    unique = nash and len(pairs) == 1
    level = next((name for name, flag in zip(LEVELS, (dominant, unique, risk, strict, nash)) if flag), "none")
    return (
        tuple(float(x[0]) for x, _ in pairs),
        tuple(float(y[0]) for _, y in pairs),
        tuple(exact_payoffs(a, b, x, y) for x, y in pairs),
        found.degenerate,
        found.continuum,
        nash,
        strict,
        unique,
        dominant,
        risk,
        level,
    )


def as_tuple(s) -> tuple:
    return (s.p, s.q, s.payoffs, s.degenerate, s.continuum, s.nash, s.strict, s.unique, s.dominant, s.risk_dominant, s.level)


def flat(M: np.ndarray) -> tuple[float, ...]:
    return tuple(M.ravel().tolist())


GAMES = tie_heavy_games(2500, seed=15)


def test_the_generated_games_are_tie_heavy():
    decided = [_exact_decision(flat(A), flat(B)) for A, B in GAMES]
    assert sum(d.degenerate for d in decided) > 1000 and sum(d.continuum for d in decided) > 300
    assert {d.level for d in decided} == set(LEVELS)
    assert sum(s.exact for s in (solve_single(A, B) for A, B in GAMES)) > 2000  # inside the band


def test_closed_form_equals_the_general_exact_enumeration():
    for A, B in GAMES:
        assert tuple(_exact_decision(flat(A), flat(B)))[:-1] == reference(A, B), (A.tolist(), B.tolist())  # every field but `exact`


def test_solve_single_equals_the_exact_path_on_random_games():
    rng = np.random.default_rng(1501)
    games = [(rng.integers(-50, 50, (2, 2)).astype(float), rng.normal(size=(2, 2)).round(3)) for _ in range(1000)]
    for A, B in GAMES + games:
        got, want = solve_single(A, B), reference(A, B)
        if got.exact:
            assert as_tuple(got) == want
        else:  # decided by the float gaps: the same set, p* and q* rounded in float arithmetic
            assert len(got.p) == len(want[0]) and as_tuple(got)[3:] == want[3:]
            assert np.allclose(got.p, want[0], rtol=0, atol=1e-12) and np.allclose(got.q, want[1], rtol=0, atol=1e-12)


def _gambit(A: list[list[Fraction]], B: list[list[Fraction]]) -> list[tuple[Fraction, Fraction]]:
    g = gbt.StrategicGame.from_arrays(A, B)
    result = gbt.nash.enummixed_solve(g, rational=True)
    found = [tuple(Fraction(str(next(iter(eq[player]))[1])) for player in g.players) for eq in result.equilibria]
    return sorted(dict.fromkeys(found))


def test_equilibrium_sets_equal_gambits():
    # Gambit is given the rationals games.game.rational reads, as Fractions. It returns no
    # equilibrium at all once numerators or denominators reach about 10¹² (measured: payoffs
    # 10¹² + 1, or the long decimals of kind 7), so those kinds are left to the other tests.
    compared = 0
    for A, B in GAMES:
        a = [[rational(v, matrix_scale(A)) for v in row] for row in A.tolist()]
        b = [[rational(v, matrix_scale(B)) for v in row] for row in B.tolist()]
        if any(abs(v.numerator) > 10**6 or v.denominator > 10**6 for v in (*a[0], *a[1], *b[0], *b[1])):
            continue
        if compared == 400:
            break
        compared += 1
        theirs = _gambit(a, b)
        d = _exact_decision(flat(A), flat(B))
        assert sorted(zip(d.p, d.q)) == [(float(p), float(q)) for p, q in theirs], (A.tolist(), B.tolist())
    assert compared == 400


@pytest.mark.parametrize("seed", [0, 1])
def test_solve_single_equals_solve_2x2_bit_for_bit(seed):
    # 50k games per seed: random integers, random floats, and the tie-heavy kinds.
    rng = np.random.default_rng(seed)
    n = 50_000
    A = rng.integers(-1000, 1000, (n, 2, 2)).astype(float)
    B = rng.normal(size=(n, 2, 2))
    A[1::2] = rng.normal(size=(n // 2, 2, 2)) * 10
    ties = tie_heavy_games(n // 4, seed=100 + seed)
    A[::4], B[::4] = [a for a, _ in ties], [b for _, b in ties]
    batch = solve_2x2(A, B)
    fields = ("degenerate", "continuum", "nash", "strict", "unique", "dominant", "risk_dominant", "level")
    columns = [getattr(batch, f).tolist() for f in fields]
    P, Q, V = np.full_like(batch.p, np.nan), np.full_like(batch.q, np.nan), np.full_like(batch.payoffs, np.nan)
    for k, (a, b) in enumerate(zip(A.tolist(), B.tolist())):
        s = solve_single(a, b)
        c = len(s.p)
        assert c == batch.count[k], (a, b)
        if c:
            P[k, :c], Q[k, :c], V[k, :c] = s.p, s.q, s.payoffs
        assert (s.degenerate, s.continuum, s.nash, s.strict, s.unique, s.dominant, s.risk_dominant, s.level) == tuple(col[k] for col in columns), (a, b)
    for mine, theirs in ((P, batch.p), (Q, batch.q), (V, batch.payoffs)):  # bit for bit (−0.0 ≠ 0.0)
        assert np.array_equal(np.isnan(mine), np.isnan(theirs))
        assert np.array_equal(np.nan_to_num(mine).view(np.int64), np.nan_to_num(theirs).view(np.int64))


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.integers(-(2**60), 2**60).map(float),
            st.floats(-1e30, 1e30, allow_nan=False),
            st.sampled_from([*DECIMALS, -0.0, 1e-300, 3.000001e-06, 6.25e-10, 1e22, 1.5e16, -2.5e-7]),
            st.decimals(-1000, 1000, places=3, allow_nan=False, allow_infinity=False).map(float),
            st.integers(-999, 999).map(lambda k: k * 1e-9),
            st.tuples(st.integers(-(10**7), 10**7), st.integers(1, 2 * 10**9)).map(lambda t: t[0] / t[1]),  # long reprs near p/q
            st.tuples(st.integers(0, 30), st.integers(-20, 20)).map(lambda t: t[0] * 0.1 + t[1] / 30),
        ),
        min_size=4,
        max_size=4,
    )
)
def test_integer_reading_equals_rational(values):
    numerators, common = _integers(tuple(values))
    scale = matrix_scale(np.array(values))
    assert [Fraction(v, common) for v in numerators] == [rational(v, scale) for v in values]


def test_frame_rows_equal_the_single_game_path():
    # solve_2x2(...).to_frame(): each row against solve_single on the same game (a separate
    # code path), on 1,000 random and 1,000 tie-heavy games.
    rng = np.random.default_rng(1515)
    games = [(rng.integers(-9, 10, (2, 2)).astype(float), rng.integers(-9, 10, (2, 2)).astype(float)) for _ in range(1000)]
    games += tie_heavy_games(1000, seed=1516)
    A, B = np.array([a for a, _ in games]), np.array([b for _, b in games])
    frame = solve_2x2(A, B).to_frame()
    assert len(frame) == len(games)
    for k, row in enumerate(frame.itertuples(index=False)):
        single = solve_single(A[k], B[k])
        c = len(single.p)
        assert row.count == c and row.level == single.level
        assert (row.nash, row.strict, row.unique, row.dominant, row.risk_dominant, row.degenerate, row.continuum) == (
            single.nash, single.strict, single.unique, single.dominant, single.risk_dominant, single.degenerate, single.continuum
        )
        for i in range(4):
            values = (getattr(row, f"p{i}"), getattr(row, f"q{i}"), getattr(row, f"u{i}"), getattr(row, f"v{i}"))
            if i < c:
                assert values == (single.p[i], single.q[i], *single.payoffs[i])
            else:
                assert all(np.isnan(v) for v in values)


def test_overflowing_risk_products_are_decided_exactly():
    # Payoffs near 1e160: the risk-dominance products overflow in floats (inf − inf is NaN);
    # every fast path must send the game to the exact decision. The reference: both profiles
    # (C, C) and (D, D) are strict equilibria, and Harsanyi–Selten's products of the deviation
    # losses in exact integers, (R − T)(R′ − T′) against (P − S)(P′ − S′), make (C, C)
    # risk-dominant. (A Game refuses payoffs beyond 1e100 since issue 16; the arrays do not.)
    from fractions import Fraction

    from games import Game, UserInputError
    from solver.design.ties import tie_levels
    from solver.kernels.fast2x2 import levels_2x2

    for top in (2e160, 1.5e154, 3e200):
        A = np.array([[top, 0.0], [0.0, top / 2]])
        B = A.T.copy()
        R, S, T, P = (Fraction(A[0, 0]), Fraction(A[0, 1]), Fraction(A[1, 0]), Fraction(A[1, 1]))
        assert R > T and P > S  # both pure profiles strict (the column player's game is the transpose)
        expected = "risk-dominant" if (R - T) ** 2 > (P - S) ** 2 else "strict"
        assert expected == "risk-dominant"
        with pytest.raises(UserInputError, match="out of range"):
            Game(A, B)
        assert solve_2x2(A, B).level[0] == solve_single(A, B).level == expected
        assert LEVELS[levels_2x2(A, B)[0]] == LEVELS[tie_levels(A[None], B[None])[0]] == expected
