"""solver.dynamics.derive: the derivation's data, rest points, the Selten flag, errors."""

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from games.model import Model
from solver.dynamics import trajectory
from solver.dynamics.derive import ModelDynamics, derive


def _stag_hunt_with_parameters():
    # Two populations; a stag hunt R = 4, S = 0, T = t, P = 2 with t = 3: the interior rest
    # point is x* = (P − S)/(R − T + P − S) = 2/(6 − t) = 2/3 for both (by hand).
    return Model(
        populations=("A", "B"),
        strategies=(("stag", "hare"), ("stag", "hare")),
        parameters={"t": 3},
        payoffs={(0, 0): ("4", "4"), (0, 1): ("0", "t"), (1, 0): ("t", "0"), (1, 1): ("2", "2")},
    )


def test_expected_payoffs_differences_and_conditions():
    d = derive(_stag_hunt_with_parameters())
    _, x2 = d.shares
    t = sympy.Symbol("t", real=True)
    assert sympy.expand(d.expected_payoffs[0][0] - 4 * x2) == 0
    assert sympy.expand(d.expected_payoffs[0][1] - (t * x2 + 2 * (1 - x2))) == 0
    assert sympy.expand(d.payoff_differences[0] - ((4 - t) * x2 - 2 * (1 - x2))) == 0
    assert sympy.expand(d.replicator[1] - x2 * (1 - x2) * d.payoff_differences[1]) == 0
    top = next(c for c in d.corners if c.corner == (1, 1))
    # eigenvalue −(4 − t) = t − 4 at (1, 1): stable iff t − 4 < 0.
    assert top.conditions == (sympy.Lt(t - 4, 0), sympy.Lt(t - 4, 0))
    assert top.eigenvalues == (-1, -1) and top.verdict == "stable" and top.holds == (True, True)
    assert [c.verdict for c in d.corners] == ["stable", "unstable", "unstable", "stable"]


def test_interior_rest_point_is_symbolic_and_at_most_neutral():
    d = derive(_stag_hunt_with_parameters())
    interior = [p for p in d.rest_points if p.kind == "interior"]
    assert len(interior) == 1
    p = interior[0]
    t = sympy.Symbol("t", real=True)
    assert p.exact and all(sympy.simplify(e - 2 / (6 - t)) == 0 for e in p.expressions)
    assert p.point == pytest.approx((2 / 3, 2 / 3), abs=1e-12)
    assert p.verdict == "saddle" and p.at_most_neutral and d.at_most_neutral


def test_state_dependent_payoffs_use_the_corner_jacobian():
    # The fine for defecting falls as the population cooperates (payoffs depend on x1).
    m = Model(
        populations=("A", "B"),
        strategies=(("C", "D"), ("C", "D")),
        parameters={"f": 4, "c": 1},
        payoffs={(0, 0): ("-c", "-c"), (0, 1): ("-c", "-f*(1 - x1)"), (1, 0): ("-f*(1 - x1)", "-c"), (1, 1): ("-f*(1 - x1)", "-f*(1 - x1)")},
    )
    d = derive(m)
    assert d.state_dependent and not d.at_most_neutral
    f, c = sympy.Symbol("f", real=True), sympy.Symbol("c", real=True)
    # At (0, 0): F₁ = −c + f, F₂ = −c + f (x1 = 0 there); eigenvalues F.
    origin = next(row for row in d.corners if row.corner == (0, 0))
    assert origin.eigenvalue_expressions == (f - c, f - c) and origin.verdict == "unstable"
    # At (1, 1): fines vanish, F = −c, eigenvalue c.
    top = next(row for row in d.corners if row.corner == (1, 1))
    assert top.eigenvalue_expressions == (c, c) and top.verdict == "unstable"
    # A numeric Jacobian of the lambdified field agrees with the symbolic one off the corners.
    md = ModelDynamics(m)
    x = np.array([0.3, 0.6])
    at = {f: 4, c: 1, d.shares[0]: sympy.Rational(3, 10), d.shares[1]: sympy.Rational(3, 5)}
    assert md.jacobian(x) == pytest.approx(np.array(d.jacobian.xreplace(at), dtype=float), abs=1e-12)


def test_model_dynamics_runs_trajectories():
    r = trajectory(ModelDynamics(_stag_hunt_with_parameters()), (0.8, 0.8), t_end=60)
    assert r.converged and r.final == (1.0, 1.0)


def _rock_paper_scissors():
    # Zero-sum rock–paper–scissors between two populations: win 1, lose −1, tie 0.
    return Model(
        populations=("A", "B"),
        strategies=(("rock", "paper", "scissors"), ("rock", "paper", "scissors")),
        parameters={},
        payoffs={(i, j): ((i - j + 1) % 3 - 1, (j - i + 1) % 3 - 1) for i in range(3) for j in range(3)},
    )


def test_model_dynamics_refuses_more_than_two_strategies():
    m = Model(
        populations=("A", "B"),
        strategies=(("r", "p", "s"), ("r", "p")),
        parameters={},
        payoffs={(i, j): (str(i - j), str(j - i)) for i in range(3) for j in range(2)},
    )
    with pytest.raises(ValueError, match="ModelDynamics needs two strategies per population, got \\[3, 2\\]"):
        ModelDynamics(m)
    d = derive(m)  # the derivation itself runs on the simplices
    assert [str(x) for x in d.shares] == ["x1_1", "x1_2", "x2"]
    assert d.coordinates == ((0, 0), (0, 1), (1, 0))
    assert len(d.corners) == 6 and all(len(c.eigenvalues) == 3 for c in d.corners)


def test_rock_paper_scissors_on_the_simplices():
    d = derive(_rock_paper_scissors())
    x11, _x12, x21, x22 = d.shares
    # By hand: E₁(rock) = x2_2·(−1)… with paper's share x2_2 and scissors' 1 − x2_1 − x2_2.
    assert sympy.expand(d.expected_payoffs[0][0] - (-x22 + (1 - x21 - x22))) == 0
    assert sympy.expand(d.replicator[0] - x11 * (d.expected_payoffs[0][0] - d.mean_payoffs[0])) == 0
    # Every pure corner is a saddle: a better reply (+1) and a worse one (−1) for each population.
    assert {c.verdict for c in d.corners} == {"saddle"}
    rock_rock = d.corners[0]
    assert rock_rock.profile == (0, 0) and rock_rock.corner == (1, 0, 1, 0)
    assert rock_rock.eigenvalues == (1, -1, 1, -1)
    assert rock_rock.conditions == (sympy.false, sympy.true, sympy.false, sympy.true)
    # The interior rest point (1/3, 1/3, 1/3) twice: a centre, linearly (eigenvalues ±i/√3 twice).
    interior = [p for p in d.rest_points if p.kind == "interior"]
    assert len(interior) == 1 and interior[0].point == pytest.approx((1 / 3,) * 4, abs=1e-9)
    assert not interior[0].exact and interior[0].verdict == "inconclusive"
    assert sorted(abs(complex(e).imag) for e in interior[0].eigenvalues) == pytest.approx([1 / np.sqrt(3)] * 4, abs=1e-9)
    assert max(abs(complex(e).real) for e in interior[0].eigenvalues) < 1e-9


# Found by an adversarial check of issue 12 (each compared with a computation by hand).


def test_regression_rest_points_found_exactly_on_a_root_are_kept():
    # Root finding can land exactly on the root and still say "not making good progress": the
    # residual decides. The face {s0, s1} × {t0, t1} has the rest point x = (2/9, 7/9), y = 3/11,
    # where both of A's strategies earn the same and both of B's do (checked by hand below).
    model = Model(
        ["A", "B"],
        [["s0", "s1", "s2"], ["t0", "t1"]],
        {},
        {
            ("s0", "t0"): ["19", "-14"], ("s0", "t1"): ["-20", "7/2"],
            ("s1", "t0"): ["-7/3", "5"], ("s1", "t1"): ["-12", "0"],
            ("s2", "t0"): ["29", "-11"], ("s2", "t1"): ["24", "-11/3"],
        },
    )
    y = 3 / 11
    assert np.isclose(19 * y - 20 * (1 - y), -7 / 3 * y - 12 * (1 - y))  # A indifferent between s0 and s1
    x0 = 2 / 9
    assert np.isclose(-14 * x0 + 5 * (1 - x0), 3.5 * x0 + 0 * (1 - x0))  # B indifferent between t0 and t1
    points = [p.point for p in derive(model).rest_points]
    assert any(np.allclose(p, (2 / 9, 7 / 9, 3 / 11), atol=1e-9) for p in points), points


def test_regression_a_square_root_of_a_share_does_not_crash_the_corners():
    # x1(1 − x1)·d/dx1 sqrt(x1) is 0·∞ at x1 = 0; its limit is 0, so the eigenvalues are (1 − 2xₖ)Fₖ.
    model = Model(["A", "B"], [["C", "D"], ["C", "D"]], {}, {("C", "C"): ["2 + sqrt(x1)", "1"], ("C", "D"): ["-1", "2"], ("D", "C"): ["1", "0"], ("D", "D"): ["0", "sqrt(x2)"]})
    by_corner = {c.corner: [float(v) for v in c.eigenvalues] for c in derive(model).corners}
    # By hand: F_A = x2(2 + √x1) − (1 − x2) − x2 and F_B = x1 − 2x1 − (1 − x1)√x2; at (0, 0): F = (−1, 0),
    # eigenvalues (−1, 0); at (1, 1): F = (2, −1), eigenvalues (−2, 1).
    assert by_corner[(0, 0)] == [-1.0, 0.0] and by_corner[(1, 1)] == [-2.0, 1.0]


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")  # the swallowed first alarm, on purpose
def test_a_timeout_swallowed_inside_a_finaliser_fires_again():
    """SIGALRM can land in a weakref callback, whose exceptions Python only prints: the time
    limit used to be lost then (a PytestUnraisableExceptionWarning in CI) and sympy ran on."""
    import time
    import weakref

    from solver.dynamics.derive import _time_limit, _Timeout

    class Box:
        pass

    def busy(_ref):  # the alarm fires while this callback runs
        end = time.monotonic() + 0.3
        while time.monotonic() < end:
            pass

    box = Box()
    ref = weakref.ref(box, busy)
    start = time.monotonic()
    with pytest.raises(_Timeout):
        with _time_limit(0.05):
            del box  # runs busy(); its _Timeout is swallowed
            while time.monotonic() < start + 3:
                pass
    assert time.monotonic() - start < 1.5 and ref() is None


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=1, max_size=4))
def test_rest_point_faces_counts_every_support_off_the_corners(counts):
    # Independent reference: enumerate every support of every population and drop the pure ones.
    from itertools import chain, combinations, product

    from solver.dynamics.derive import rest_point_faces

    supports = [list(chain.from_iterable(combinations(range(n), k) for k in range(1, n + 1))) for n in counts]
    brute = sum(1 for face in product(*supports) if any(len(s) > 1 for s in face))
    assert rest_point_faces(counts) == brute
