"""Game type and cooperation level of 2×2 games at exact thresholds, against exact arithmetic.

The reference is written here, independently of the package: each payoff and each mechanism
parameter is a one-decimal string, read with ``fractions.Fraction``; the transformed R, S, T, P
follow the formulas of DESIGN §4 by hand; the game type is the sign pattern of the incentive
gaps a₁ = R − T, a₂ = S − P of each player; the equilibria are found by checking every
candidate profile — pure strategies and the mixed strategies that make the other player
indifferent — for mutual best responses; the level applies DESIGN §5 (risk dominance:
Harsanyi–Selten's products (R − T)(R − T) against (P − S)(P − S)). The mechanism parameter is
put *exactly* on the threshold where the weakest gap is zero, the case where float arithmetic
used to decide wrongly. The default path, the ``fast`` path and the vectorized 2×2 path must
all give the reference's answer (no tolerance: the comparison is exact).
"""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from games import BindingContract, HigherLevelGuidance, ThirdPartyOrganization, apply, game_type, prisoners_dilemma, stage_game
from solver import equilibria, stability
from solver.kernels.fast2x2 import solve_2x2

decimals = st.integers(-40, 60).map(lambda k: f"{k / 10:.1f}")


def _type(a1: F, a2: F) -> str:
    if a1 > 0 and a2 > 0:
        return "harmony"
    if a1 < 0 and a2 < 0:
        return "prisoner's dilemma"
    if a1 > 0 > a2:
        return "stag hunt"
    if a1 < 0 < a2:
        return "chicken"
    return "degenerate"


def _equilibria(row: dict[str, F], col: dict[str, F]) -> set[tuple[F, F]]:
    """Candidate profiles (p, q) = P(row plays C), P(col plays C) that are mutual best responses."""
    A = [[row["R"], row["S"]], [row["T"], row["P"]]]
    B = [[col["R"], col["T"]], [col["S"], col["P"]]]
    ps, qs = {F(0), F(1)}, {F(0), F(1)}
    den = (B[0][0] - B[0][1]) - (B[1][0] - B[1][1])
    if den:
        ps.add(-(B[1][0] - B[1][1]) / den)
    den = (A[0][0] - A[1][0]) - (A[0][1] - A[1][1])
    if den:
        qs.add(-(A[0][1] - A[1][1]) / den)
    found = set()
    for p in ps:
        for q in qs:
            if not (0 <= p <= 1 and 0 <= q <= 1):
                continue
            u = [A[i][0] * q + A[i][1] * (1 - q) for i in (0, 1)]
            v = [B[0][j] * p + B[1][j] * (1 - p) for j in (0, 1)]
            mine = p * u[0] + (1 - p) * u[1]
            theirs = q * v[0] + (1 - q) * v[1]
            if mine == max(u) and theirs == max(v):
                found.add((p, q))
    return found


def _level(row: dict[str, F], col: dict[str, F]) -> str:
    a1r, a2r = row["R"] - row["T"], row["S"] - row["P"]
    a1c, a2c = col["R"] - col["T"], col["S"] - col["P"]
    nash = a1r >= 0 and a1c >= 0
    strict = a1r > 0 and a1c > 0
    if strict and a2r > 0 and a2c > 0:
        return "dominant"
    if nash and _equilibria(row, col) == {(F(1), F(1))}:
        return "unique"
    defect_strict = a2r < 0 and a2c < 0
    if strict and (not defect_strict or a1r * a1c > a2r * a2c):
        return "risk-dominant"
    return "strict" if strict else "weak" if nash else "none"


def _mechanism(kind: str, strength: F, extra: F) -> tuple[tuple, dict[str, F]]:
    """The mechanism at ``strength`` and its shift of R, S, T, P for either player, by hand."""
    if kind == "subsidy":
        return (HigherLevelGuidance(subsidy=float(strength)),), {"R": strength, "S": strength, "T": F(0), "P": F(0)}
    if kind == "penalty":  # detection ½ strengthened by a third party's 0.6 to 1 − ½·0.4 = 0.8
        fee = abs(extra)
        mech = (HigherLevelGuidance(penalty=float(strength / F("0.8")), detection=0.5), ThirdPartyOrganization(fee=float(fee), detection=0.6))
        return mech, {"R": -fee, "S": -fee, "T": -strength - fee, "P": -strength - fee}
    theta, k = min(abs(extra), F(1)), F("0.3")  # a contract: compensation θ, signing cost 0.3
    mech = (BindingContract(breach_penalty=float(strength), compensation=float(theta), signing_cost=0.3),)
    return mech, {"R": -k, "S": theta * strength - k, "T": -strength - k, "P": -k}


@settings(max_examples=150, deadline=None)
@given(
    row=st.tuples(decimals, decimals, decimals),
    temptation=st.integers(0, 30),
    col=st.tuples(decimals, decimals, decimals, decimals),
    extra=decimals,
    above=st.sampled_from(["0", "0", "0.1", "1.5"]),
    kind=st.sampled_from(["subsidy", "penalty", "contract"]),
)
def test_type_and_level_at_thresholds_match_exact_arithmetic(row, temptation, col, extra, above, kind):
    r, s, p = row
    t = f"{F(r) + F(temptation, 10)}"
    base = {"R": F(r), "S": F(s), "T": F(r) + F(temptation, 10), "P": F(p)}
    other = {key: F(v) for key, v in zip("RSTP", col)}
    strength = base["T"] - base["R"] + F(above)  # exactly at the row's threshold when above = 0
    mech, shift = _mechanism(kind, strength, F(extra))
    game = apply(stage_game({k: float(v) for k, v in base.items()}, {k: float(v) for k, v in other.items()}), *mech)
    row_exact = {key: base[key] + shift[key] for key in "RSTP"}
    col_exact = {key: other[key] + shift[key] for key in "RSTP"}

    kinds = [_type(x["R"] - x["T"], x["S"] - x["P"]) for x in (row_exact, col_exact)]
    expected_type = kinds[0] if kinds[0] == kinds[1] else " / ".join(kinds)
    expected_level = _level(row_exact, col_exact)

    # Stored floats are the correctly rounded exact payoffs: no 2.9000000000000004.
    assert game.row_payoffs.tolist() == [[float(row_exact["R"]), float(row_exact["S"])], [float(row_exact["T"]), float(row_exact["P"])]]
    assert game.col_payoffs.tolist() == [[float(col_exact["R"]), float(col_exact["T"])], [float(col_exact["S"]), float(col_exact["P"])]]
    assert game_type(game) == expected_type, t
    assert stability(game, basin=False).level == expected_level
    assert stability(game, basin=False, method="fast").level == expected_level
    assert solve_2x2(game.row_payoffs, game.col_payoffs).level[0] == expected_level
    if above == "0":  # the row's gap a₁ is exactly zero: at most weak, never strict
        assert row_exact["R"] == row_exact["T"] and expected_level in ("weak", "none")


def test_the_issue_subsidy_at_and_above_the_threshold():
    # PD 5, 3, 1, 0: s* = T − R = 2. At 2 the gap R + s − T is exactly 0 (weak), above it strict.
    pd = prisoners_dilemma(T=5, R=3, P=1, S=0)
    at = apply(pd, HigherLevelGuidance(subsidy=2))
    above = apply(pd, HigherLevelGuidance(subsidy=2.1))
    assert stability(at, basin=False).level == "weak" and game_type(at) == "degenerate"
    # 2.1: a₁ = 0.1 > 0, a₂ = 2.1 > 0 for both: cooperating is strictly dominant.
    assert stability(above, basin=False).level == "dominant" and game_type(above) == "harmony"
    assert solve_2x2(at.row_payoffs, at.col_payoffs).level[0] == "weak"


def test_decimal_payoffs_stay_exact_through_transforms():
    g = apply(prisoners_dilemma(), BindingContract(breach_penalty=3), ThirdPartyOrganization(fee=0.1))
    assert g.row_payoffs.tolist() == [[2.9, 2.9], [1.9, 0.9]]
    assert g.exact[0][0][0] == F(29, 10)
    g = apply(stage_game({"R": 0.7, "S": 0.1, "T": 0.9, "P": 0.3}), HigherLevelGuidance(subsidy=0.2))
    assert g.row_payoffs[0, 0] == 0.9 and game_type(g) == "degenerate"  # 0.7 + 0.2 = 0.9 exactly


def test_fast_path_decides_float_noise_like_the_exact_path():
    # Payoffs that differ from a tie only by float noise are read as the decimals meant, on
    # every path: 0.1 + 0.2 is 0.3.
    A = np.array([[[0.1 + 0.2, 0.0], [0.3, 1.0]]])
    B = np.transpose(A, (0, 2, 1))
    g = stage_game({"R": 0.1 + 0.2, "S": 0.0, "T": 0.3, "P": 1.0})
    assert solve_2x2(A, B).level[0] == stability(g, basin=False).level == "weak"
    assert game_type(g) == "degenerate"


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.integers(-4, 4), min_size=8, max_size=8),
    st.lists(st.integers(-3, 3), min_size=8, max_size=8),
    st.sampled_from([1e-6, 1e-3, 1e3, 1e6]),
)
def test_scaling_both_players_keeps_equilibria_levels_and_types(base, nudges, factor):
    # Reference: a positive scaling of every payoff is a change of currency; the equilibria,
    # the level and the game type cannot change. Payoffs are integers nudged by multiples of
    # 1e-7 (near ties, the case where reading floats as fractions can go wrong); found by a
    # second adversarial check, where S = 1e-13 at scale 1e-6 was read as 0 (harmony → degenerate).
    from games import Game, game_type

    values = np.array(base, dtype=float) + 1e-7 * np.array(nudges)
    A, B = values[:4].reshape(2, 2), values[4:].reshape(2, 2)
    one, scaled = Game(A, B), Game(A * factor, B * factor)
    assert game_type(one) == game_type(scaled)
    assert stability(one, basin=False).level == stability(scaled, basin=False).level
    ours, theirs = equilibria(one), equilibria(scaled)
    assert len(ours) == len(theirs)
    for e in ours:
        assert any(np.allclose(e.row, f.row, atol=1e-7) and np.allclose(e.col, f.col, atol=1e-7) for f in theirs)


def test_regression_a_small_payoff_in_a_small_currency_is_not_noise():
    from games import Game

    for factor in (1.0, 1e-6, 1e6):
        g = Game(np.array([[1, 1e-7], [0.5, 0]]) * factor, np.array([[1, 0.5], [1e-7, 0]]) * factor)
        assert (game_type(g), stability(g, basin=False).level) == ("harmony", "dominant"), factor
