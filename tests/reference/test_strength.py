"""Minimal strengths against bisection on the solver's level of the final game.

The reference is an independent algorithm: no formula, only the cooperation level the solver
computes for the transformed game (the vectorized exact 2×2 enumeration, ``solve_2x2``, for
stage mechanisms; ``stability`` for repeated play), evaluated on a grid over the parameter's
range and bisected — written here, for every game of a stack at once. The package's answers
(the vectorized formula of ``batch_minimal_strength`` and the game-by-game ``minimal_strength``)
must give the same feasibility, the same threshold, and attainment (≥ against >) as the level
at the threshold itself says. Ranges are drawn so that a share of the games cannot reach the
target (a side payment the payer cannot afford, a detection above 1, a search limit below the
threshold); those must be "unreachable" on both sides, with the reason.

Tolerance: the bisection stops at a bracket of 1e-6 × max(1, |x|) and the comparison allows
2e-6 × max(1, |x|). A wrong formula misses by the order of a payoff over a slope (≥ 0.01 with
one-decimal draws), four orders of magnitude more; a tighter bracket would only make the
exact tie-breaking of ``solve_2x2`` (run game by game near a threshold) dominate the run time.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from games import BindingContract, Game, HigherLevelGuidance, RepeatedPlay, SidePayment, ThirdPartyOrganization, apply, stage_game
from solver import stability
from solver.cooperation import LEVELS
from solver.design import minimal_strength
from solver.design.batch import batch_apply, batch_minimal_strength
from solver.kernels.fast2x2 import solve_2x2

GRID = 9
BRACKET = 1e-6
TOLERANCE = 2e-6
GAMES = 1000  # per mechanism


def _reach(A, B, stack, index, parameter, target, x, params):
    at = [dict(p) for p in params]
    at[index] = {**at[index], parameter: x}
    level = solve_2x2(*batch_apply(A, B, stack, at), payoffs=False).level
    return np.isin(level, LEVELS[: LEVELS.index(target) + 1])


def reference_bisection(A, B, stack, index, parameter, target, params, low, high, points=GRID):
    """(feasible, boundary, one run) per game: a grid of two-decimal points over [low, high],
    then bisection of the first edge where the target starts to hold. ``one run``: the values
    reaching the target on the grid are contiguous (an interval, as for a side payment)."""
    n = len(A)
    grid = np.round(low + (high - low) * np.linspace(0.0, 1.0, points)[:, None], 2)  # (points, n)
    flags = np.stack([_reach(A, B, stack, index, parameter, target, grid[k], params) for k in range(points)])
    starts = flags & np.vstack([np.ones((1, n), dtype=bool), ~flags[:-1]])
    monotone = starts.sum(axis=0) <= 1
    feasible = flags.any(axis=0)
    first = np.argmax(flags, axis=0)
    rows = np.arange(n)
    b = grid[first, rows]
    a = np.where(first > 0, grid[np.maximum(first - 1, 0), rows], b)
    while True:
        open_ = feasible & (first > 0) & (b - a > BRACKET * np.maximum(1.0, np.abs(b)))
        if not open_.any():
            break
        mid = np.where(open_, 0.5 * (a + b), b)
        hit = _reach(A, B, stack, index, parameter, target, mid, params)
        b = np.where(open_ & hit, mid, b)
        a = np.where(open_ & ~hit, mid, a)
    return feasible, b, monotone


def _draw_games(rng, n):
    """One-decimal payoffs in [−3, 5]: ties and exactly written thresholds occur."""
    A = np.round(rng.uniform(-3, 5, (n, 2, 2)), 1)
    B = np.round(rng.uniform(-3, 5, (n, 2, 2)), 1)
    return A, B


def _u(rng, n, low, high):
    return np.round(rng.uniform(low, high, n), 1)


# (name, stack, index, parameter, per-game parameters of the stack, upper end of the search).
# A side payment's working values are an interval whose ends are multiples of 0.1 with these
# draws (possibly one point): a grid of step 0.05 meets every such interval.
CASES = {
    "guidance": [
        ("subsidy", [HigherLevelGuidance()], 0, "subsidy", lambda r, n: [{"penalty": _u(r, n, 0, 2), "detection": _u(r, n, 0, 1)}], 3.0),
        ("detection", [HigherLevelGuidance()], 0, "detection", lambda r, n: [{"penalty": _u(r, n, 0, 4), "subsidy": _u(r, n, 0, 1)}], None),
    ],
    "contract": [
        ("breach_penalty", [BindingContract()], 0, "breach_penalty", lambda r, n: [{"enforcement": _u(r, n, 0, 1), "compensation": _u(r, n, 0, 1)}], 4.0),
        ("enforcement", [BindingContract()], 0, "enforcement", lambda r, n: [{"breach_penalty": _u(r, n, 0, 4)}], None),
    ],
    "third party": [
        (
            "detection",
            [HigherLevelGuidance(), ThirdPartyOrganization()],
            1,
            "detection",
            lambda r, n: [{"penalty": _u(r, n, 0, 5), "detection": _u(r, n, 0, 0.5)}, {"fee": _u(r, n, 0, 1)}],
            None,
        ),
    ],
    "side payment": [
        ("payer 0", [SidePayment(payer=0)], 0, "transfer", lambda r, n: [{}], 4.0),
        ("payer 1", [HigherLevelGuidance(), SidePayment(payer=1)], 1, "transfer", lambda r, n: [{"subsidy": _u(r, n, 0, 1)}, {}], 4.0),
    ],
}


def _range(stack, index, parameter, upper, n):
    low, high, _, _ = type(stack[index]).RANGES[parameter]
    return np.full(n, low), np.full(n, min(high, upper) if upper is not None else high)


@pytest.mark.parametrize("mechanism", list(CASES))
def test_formula_equals_bisection_on_random_games(mechanism):
    rng = np.random.default_rng(list(CASES).index(mechanism))
    cases = CASES[mechanism]
    per_case = -(-GAMES // len(cases))
    counts = {"games": 0, "unreachable": 0, "attained": 0, "open": 0}
    for name, stack, index, parameter, draw, upper in cases:
        for target in ("weak", "strict", "dominant"):
            n = -(-per_case // 3)
            A, B = _draw_games(rng, n)
            params = draw(rng, n)
            found = batch_minimal_strength(A, B, stack, index, parameter, target, params, upper=upper)
            assert found is not None
            low, high = _range(stack, index, parameter, upper, n)
            points = 81 if mechanism == "side payment" else GRID
            feasible, boundary, monotone = reference_bisection(A, B, stack, index, parameter, target, params, low, high, points)
            assert monotone.all()  # the gaps are affine: the working values are one interval
            value, closed, used = found
            where = f"{mechanism} {name} {target}"
            np.testing.assert_array_equal(~np.isnan(value), feasible, err_msg=where)
            tol = TOLERANCE * np.maximum(1.0, np.abs(boundary))
            ok = feasible
            assert np.all(np.abs(value[ok] - boundary[ok]) <= tol[ok]), where
            # Attainment is what the level at the threshold itself says (≥ holds there, > does not).
            at = _reach(A, B, stack, index, parameter, target, np.where(ok, value, low), params)
            short = ok & (np.round(value, 6) == value)
            np.testing.assert_array_equal(closed[short], at[short], err_msg=where)
            # The level reported is reached at ``used``, and used stays within the range.
            assert np.all(_reach(A, B, stack, index, parameter, target, np.where(ok, used, low), params)[ok])
            assert np.all(found.method == "analytic"), where
            assert all(m.startswith("no ") for m in found.message[~ok]), where
            counts["games"] += n
            counts["unreachable"] += int((~ok).sum())
            counts["attained"] += int((ok & closed).sum())
            counts["open"] += int((ok & ~closed).sum())
    assert counts["games"] >= GAMES
    # The draws must exercise each kind of answer.
    assert counts["unreachable"] >= 30 and counts["attained"] >= 30 and counts["open"] >= 30, counts


@pytest.mark.parametrize("mechanism", list(CASES))
def test_scalar_path_equals_batch_path(mechanism):
    rng = np.random.default_rng(100 + list(CASES).index(mechanism))
    for name, stack, index, parameter, draw, upper in CASES[mechanism]:
        for target in ("weak", "strict", "dominant"):
            n = 20
            A, B = _draw_games(rng, n)
            params = draw(rng, n)
            found = batch_minimal_strength(A, B, stack, index, parameter, target, params, upper=upper)
            for k in range(n):
                mechs = [replace(m, **{key: float(v[k]) for key, v in p.items()}) for m, p in zip(stack, params)]
                s = minimal_strength(Game(A[k], B[k]), mechs[index], parameter, target, others=mechs[:index] + mechs[index + 1 :], upper=upper)
                where = f"{mechanism} {name} {target} game {k}"
                assert s.feasible == (not np.isnan(found.value[k])), where
                assert s.message == found.message[k] or s.feasible, where
                if s.feasible:
                    assert s.value == pytest.approx(found.value[k], abs=1e-12), where
                    assert s.attained == found.closed[k], where
                    assert s.method == "analytic", where


def test_infeasible_side_payment_is_said():
    # The receiver needs t ≥ T − R = 1, the payer can give at most R − T = 0.5 (issue #11).
    game = stage_game({"R": 3, "S": 0, "T": 2.5, "P": 1}, {"R": 2, "S": 0, "T": 3, "P": 1})
    expected = "no transfer reaches weak: the receiver needs transfer ≥ 1, the payer gives at most 0.5"
    analytic = minimal_strength(game, SidePayment(payer=0), "transfer", "weak")
    assert (analytic.value, analytic.level, analytic.message) == (None, None, expected)
    bisected = minimal_strength(game, SidePayment(payer=0), "transfer", "weak", method="bisection")
    assert not bisected.feasible
    found = batch_minimal_strength(game.row_payoffs[None], game.col_payoffs[None], [SidePayment(payer=0)], 0, "transfer", "weak")
    assert np.isnan(found.value[0]) and found.message[0] == expected
    # Strict needs 1 < t < 0.5, equally empty; the payer paying 0.75 of a larger gap works.
    strict = minimal_strength(game, SidePayment(payer=0), "transfer", "strict")
    assert strict.message == "no transfer reaches strict: the receiver needs transfer > 1, the payer gives less than 0.5"
    roomy = stage_game({"R": 3, "S": 0, "T": 1.5, "P": 1}, {"R": 2, "S": 0, "T": 3, "P": 1})
    s = minimal_strength(roomy, SidePayment(payer=0), "transfer", "weak")
    assert (s.value, s.attained, s.level) == (1.0, True, "weak")


def test_thresholds_are_written_without_float_artefacts():
    from games import prisoners_dilemma

    pd = prisoners_dilemma(T=5, R=3, P=1, S=0)
    # The strict target holds for every penalty > 0 once the subsidy closes the gap: "> 0".
    for method in ("auto", "bisection"):
        s = minimal_strength(pd, HigherLevelGuidance(subsidy=2), "penalty", "strict", method=method)
        assert (s.value, s.attained, s.message) == (0.0, False, "penalty > 0")
    # A discount range is open at 0: cooperation dominant at every δ is "discount > 0", not 1e-09.
    from games import harmony

    s = minimal_strength(harmony(), RepeatedPlay(), "discount", "weak")
    assert (s.value, s.attained, s.message) == (0.0, False, "discount > 0")
    b = minimal_strength(pd, RepeatedPlay(), "discount", "weak", method="bisection")
    assert (b.value, b.attained, b.message) == (0.5, True, "discount ≥ 0.5")


@st.composite
def _stage_case(draw):
    one = st.integers(-30, 50).map(lambda k: k / 10)
    row = {key: draw(one) for key in "RSTP"}
    col = {key: draw(one) for key in "RSTP"}
    p = st.integers(0, 10).map(lambda k: k / 10)
    mechanism, parameter = draw(
        st.sampled_from(
            [
                (HigherLevelGuidance(penalty=draw(st.integers(0, 40)) / 10, detection=draw(p)), "subsidy"),
                (HigherLevelGuidance(penalty=draw(st.integers(0, 40)) / 10, subsidy=draw(p)), "detection"),
                (BindingContract(enforcement=draw(p), compensation=draw(p)), "breach_penalty"),
                (BindingContract(breach_penalty=draw(st.integers(0, 40)) / 10), "enforcement"),
                (ThirdPartyOrganization(fee=draw(p)), "fee"),
            ]
        )
    )
    return stage_game(row, col), mechanism, parameter, draw(st.sampled_from(["weak", "strict", "dominant"]))


@settings(max_examples=25, deadline=None)
@given(_stage_case())
def test_analytic_equals_bisection_game_by_game(case):
    # Side payments are left to the dense grid of the bulk test: their working values are an
    # interval that the 17-point grid of ``method="bisection"`` can step over.
    game, mechanism, parameter, target = case
    analytic = minimal_strength(game, mechanism, parameter, target, upper=6.0)
    bisected = minimal_strength(game, mechanism, parameter, target, upper=6.0, method="bisection")
    assert analytic.feasible == bisected.feasible, (analytic.message, bisected.message)
    if analytic.feasible:
        assert analytic.value == pytest.approx(bisected.value, abs=1e-7 * max(1.0, abs(bisected.value)))
        level = stability(apply(game, mechanism.__class__(**{**mechanism.parameters(), parameter: analytic.used})), basin=False).level
        assert level == analytic.level and LEVELS.index(level) <= LEVELS.index(target)
        if round(analytic.value, 6) == analytic.value:  # written exactly: attainment is decidable
            assert analytic.attained == bisected.attained


def test_repeated_play_threshold_against_the_solver():
    """δ* = maxᵢ (Tᵢ − Rᵢ)/(Tᵢ − Pᵢ) against the repeated game's level just below and above it.

    The exact level of the induced 5 × 5 game costs ~25 ms, so this draws 60 prisoner's dilemmas
    (each bracketed at ±1e-6 by the solver, the final step of a bisection) and bisects two fully.
    """
    rng = np.random.default_rng(7)
    unreachable = 0
    for k in range(60):
        s_, p_, r_, t_ = np.sort(np.round(rng.uniform(-3, 6, 4), 1))
        if len({s_, p_, r_, t_}) < 4:
            continue
        game = stage_game({"R": r_, "S": s_, "T": t_, "P": p_})
        upper = float(np.round(rng.uniform(0.2, 1.0), 2))
        target = ("weak", "strict")[k % 2]
        s = minimal_strength(game, RepeatedPlay(), "discount", target, upper=upper if upper < 1 else None)

        def level(d, game=game):
            return stability(apply(game, RepeatedPlay(discount=d)), basin=False, method="fast").level

        delta = (t_ - r_) / (t_ - p_)
        if not s.feasible:
            unreachable += 1
            assert delta >= upper - 1e-12 and s.message.startswith(f"no discount in (0, {upper:g}] reaches {target}: ")
            assert LEVELS.index(level(upper)) > LEVELS.index(target)
            continue
        assert s.method == "analytic" and s.value == pytest.approx(delta, abs=1e-12)
        assert LEVELS.index(level(s.value - 1e-6)) > LEVELS.index(target)
        assert LEVELS.index(level(s.used)) <= LEVELS.index(target)
        assert s.attained == (target == "weak")
    assert unreachable >= 1
    pd = stage_game({"R": 3, "S": 0, "T": 4.5, "P": 1})
    for target in ("weak", "strict"):
        a = minimal_strength(pd, RepeatedPlay(), "discount", target)
        b = minimal_strength(pd, RepeatedPlay(), "discount", target, method="bisection")
        assert a.value == pytest.approx(b.value, abs=1e-7) == pytest.approx(1.5 / 3.5, abs=1e-7)


def test_regression_thresholds_attained_at_a_rational_no_short_decimal_hits():
    # Found by an adversarial check: bisection wrote the boundary as a short decimal, where the
    # level was still "none", so 25/72 and 1/3 came out as "> 0.347305" and "> 0.333333".
    # The references: at δ = 25/72 (TFT, TFT) is an equilibrium of the noisy game (the solver's
    # level is weak there); at δ = 1/3 AllD earns (T + δP)/(1 + δ) = 4 = R against WSLS.
    from fractions import Fraction

    noisy = minimal_strength(stage_game({"R": 3, "S": 0, "T": 4, "P": 1}), RepeatedPlay(noise=0.02), "discount", "weak")
    assert noisy.attained and Fraction(noisy.value).limit_denominator(1000) == Fraction(25, 72)
    assert stability(apply(stage_game({"R": 3, "S": 0, "T": 4, "P": 1}), RepeatedPlay(discount=25 / 72, noise=0.02)), basin=False).level == "weak"
    wsls = minimal_strength(stage_game({"R": 4, "S": 0, "T": 5, "P": 1}), RepeatedPlay(strategies=("AllD", "WSLS")), "discount", "weak")
    assert wsls.attained and wsls.value == pytest.approx(1 / 3, abs=1e-15) and wsls.message == "discount ≥ 0.333333"


def test_regression_a_window_narrower_than_the_grid_is_found():
    # Found by a second adversarial check: with noise 0.05 over (AllC, AllD, Grim) cooperation
    # holds only for δ in about (0.876, 0.912), between two points of the 17-point grid, and the
    # answer was "no discount reaches weak". Reference: the solver's level on either side.
    game = stage_game({"R": 3, "S": -1, "T": 7, "P": 2})
    mechanism = RepeatedPlay(noise=0.05, strategies=("AllC", "AllD", "Grim"))
    s = minimal_strength(game, mechanism, "discount", "strict")
    assert s.feasible and 0.87 < s.value < 0.88 and "not monotone" in s.message

    def level(d):
        return stability(apply(game, RepeatedPlay(discount=d, noise=0.05, strategies=("AllC", "AllD", "Grim"))), basin=False).level

    assert LEVELS.index(level(s.value - 1e-6)) > LEVELS.index("strict") >= LEVELS.index(level(s.used))
