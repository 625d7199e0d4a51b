"""Cycling and convergence of the three-party dynamics against long integrations.

The reference is independent of the code under test at every step: the payoff advantages are
written out again here from the model's formulas (DESIGN §8), vectorized over all models;
they are integrated by a different method (DOP853, an explicit 8th-order Runge–Kutta scheme,
instead of the solver's LSODA) with tighter tolerances to t = 1500, two and a half times as long as the runs
classified; rest points are solved in closed form where the model allows it, and Jacobians are
taken by complex-step differentiation of the reference field.
"""

from itertools import pairwise

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.special import expit

from games import ThreeParty
from solver.dynamics import corner_table, trajectory

SYNERGY_4 = {"synergy": (4, 4), "cost": (3, 3), "spillover": (2, 2), "subsidy": 1.5, "fine": 2, "supervision_cost": 3, "accountability": 1}
T_REFERENCE = 1500.0
T_CLASSIFIED = 600.0


def advantages(p: dict, x, y, z):
    """F_A, F_B, F_H of the three-party model, written from the formulas, vectorized."""
    na, nb, ca, cb, ea, eb = p["na"], p["nb"], p["ca"], p["cb"], p["ea"], p["eb"]
    s, f, ch, w, dyn = p["s"], p["f"], p["ch"], p["w"], p["dynamic"]
    sa = np.where(dyn, 1 - x, 1.0)  # dynamic reward and punishment: scaled by 1 − own share
    sb = np.where(dyn, 1 - y, 1.0)
    fa = y * (na - ea) - ca + z * (s + f) * sa
    fb = x * (nb - eb) - cb + z * (s + f) * sb
    static_h = -ch - s * (x + y) + (f + w) * (2 - x - y)
    dynamic_h = -ch - s * (1 - x) * x - s * (1 - y) * y + (f * (1 - x) + w) * (1 - x) + (f * (1 - y) + w) * (1 - y)
    return fa, fb, np.where(dyn, dynamic_h, static_h)


def params(model: ThreeParty) -> dict:
    (na, nb), (ca, cb), (ea, eb) = model.synergy, model.cost, model.spillover
    return {
        "na": na, "nb": nb, "ca": ca, "cb": cb, "ea": ea, "eb": eb, "s": model.subsidy, "f": model.fine,
        "ch": model.supervision_cost, "w": model.accountability, "dynamic": model.dynamic,
    }  # fmt: skip


def reference_runs(models, starts, t_end=T_REFERENCE, samples=6001):
    """All models at once: logit coordinates u, u̇ = F(expit(u)), DOP853, rtol 1e-11."""
    p = {k: np.array([params(m)[k] for m in models]) for k in params(models[0])}
    n = len(models)
    x0 = np.array(starts, dtype=float)

    def rhs(_t, u):
        x, y, z = expit(u.reshape(3, n))
        return np.concatenate(advantages(p, x, y, z))

    u0 = np.log(x0.T / (1 - x0.T)).ravel()
    times = np.linspace(0, t_end, samples)
    sol = solve_ivp(rhs, (0, t_end), u0, method="DOP853", t_eval=times, rtol=1e-11, atol=1e-11)
    assert sol.success
    return times, expit(sol.y.reshape(3, n, -1)).transpose(1, 2, 0)  # (model, time, coordinate)


def reference_jacobian(model: ThreeParty, point) -> np.ndarray:
    """The Jacobian of ẋ = x(1 − x)F(x) by the complex step on the reference field."""
    p, h = params(model), 1e-30
    J = np.zeros((3, 3))
    for j in range(3):
        v = np.array(point, dtype=complex)
        v[j] += 1j * h
        F = np.array(advantages(p, *v), dtype=complex)
        J[:, j] = np.imag(v * (1 - v) * F) / h
    return J


def visits(states, radius=0.1):
    out = []
    for row in states:
        c = np.rint(row)
        if np.max(np.abs(row - c)) < radius:
            corner = tuple(int(v) for v in c)
            if not out or out[-1] != corner:
                out.append(corner)
    return out


def random_models(count: int, seed: int = 2024):
    """ThreeParty models with no stable corner (half with dynamic reward and punishment), and
    an interior start each."""
    rng = np.random.default_rng(seed)
    out = []
    while len(out) < count:
        model = ThreeParty(
            synergy=tuple(rng.uniform(0, 10, 2)), cost=tuple(rng.uniform(0, 6, 2)), spillover=tuple(rng.uniform(0, 4, 2)),
            subsidy=rng.uniform(0, 4), fine=rng.uniform(0, 4), supervision_cost=rng.uniform(0, 6),
            accountability=rng.uniform(0, 3), dynamic=bool(rng.random() < 0.5),
        )  # fmt: skip
        # A stable corner has Fₖ > 0 where xₖ = 1 and Fₖ < 0 where xₖ = 0: checked on the
        # reference field, not with the corner table.
        corners = np.array([[a, b, c] for a in (0, 1) for b in (0, 1) for c in (0, 1)], dtype=float)
        F = np.array(advantages(params(model), *corners.T)).T
        if np.any(np.all(np.where(corners == 1, F > 0, F < 0), axis=1)):
            continue
        out.append((model, tuple(rng.uniform(0.05, 0.95, 3))))
    return out


def test_the_synergy_4_model_cycles_through_four_corners():
    # Issue #11, defect 2: no corner is stable, and the orbit follows the heteroclinic cycle
    # (0,0,0) → (0,0,1) → (1,1,1) → (1,1,0) → (0,0,0) with ever longer visits.
    model = ThreeParty(**SYNERGY_4)
    assert not corner_table(model).stable
    r = trajectory(model, start=(0.4, 0.6, 0.5))  # default t_end = 200
    assert r.outcome == "cycling" and r.final is None
    assert r.corner_sequence == "(1,1,1) → (1,1,0) → (0,0,0) → (0,0,1) → …"
    assert "(1,1,1) → (1,1,0) → (0,0,0) → (0,0,1) → …" in r.note
    # Each step leaves a corner along its unstable directions and arrives along stable ones:
    # the signs of the corner eigenvalues (1 − 2xₖ)Fₖ of the reference field.
    p = params(model)
    cycle = list(r.cycle)
    for here, there in zip(cycle, cycle[1:] + cycle[:1]):
        flipped = [k for k in range(3) if here[k] != there[k]]
        eig_here = (1 - 2 * np.array(here)) * np.array(advantages(p, *np.array(here, dtype=float)))
        eig_there = (1 - 2 * np.array(there)) * np.array(advantages(p, *np.array(there, dtype=float)))
        assert flipped and all(eig_here[k] > 0 and eig_there[k] < 0 for k in flipped), (here, there)
    # The long reference run keeps going round the same cycle, the visits getting longer.
    _, states = reference_runs([model], [(0.4, 0.6, 0.5)], t_end=6000, samples=60001)
    seq = visits(states[0])
    assert len(seq) >= 12
    for a, b in pairwise(seq[4:]):  # after the first lap
        assert cycle[(cycle.index(a) + 1) % 4] == b


@pytest.mark.parametrize("t_end", [100, 150, 300, 1000])
def test_the_dynamic_variant_converges_to_its_interior_rest_point(t_end):
    # With dynamic reward and punishment the same model spirals into an interior point. By the
    # symmetry x = y, F_H = 0 reads 7u² − u − 3 = 0 in u = 1 − x, so x = 1 − (1 + √85)/14, and
    # F_A = 0 gives z = (3 − 2x) / (3.5(1 − x)).
    model = ThreeParty(**SYNERGY_4, dynamic=True)
    x = 1 - (1 + np.sqrt(85)) / 14
    z = (3 - 2 * x) / (3.5 * (1 - x))
    r = trajectory(model, start=(0.4, 0.6, 0.5), t_end=t_end)
    assert r.outcome == "converged" and r.verdict == "stable"
    assert r.final == pytest.approx((x, x, z), abs=1e-9)
    eig = np.linalg.eigvals(reference_jacobian(model, (x, x, z)))
    assert np.all(eig.real < 0)
    assert np.sort_complex(np.array(r.eigenvalues, dtype=complex)) == pytest.approx(np.sort_complex(eig), abs=1e-8)


def test_random_models_without_a_stable_corner():
    # ≥ 100 seeded random models with no stable corner. Each run (t_end = 600) is classified
    # by trajectory(); the reference run goes on to t = 1500 with another integrator. At least
    # 95 % must be reported as cycling or as converging to a rest point off the corners whose
    # Jacobian is stable (issue #11), and every such report must agree with the reference:
    # - converged to p: the reference ends within 1e-6 of p, F vanishes there on the free
    #   coordinates, and the complex-step Jacobian of the reference field is stable at p;
    # - cycling through corners: the corner table has no stable rest point, and after the
    #   classified run is half over the reference keeps visiting the reported corners in the
    #   reported cyclic order;
    # - cycling without corners (a periodic orbit): no stable rest point, and the reference
    #   is still moving at t = 1500 (its last 500 time units span more than 1e-3).
    models = random_models(100)
    times, ref = reference_runs([m for m, _ in models], [s for _, s in models])
    later = times >= T_CLASSIFIED / 2
    decided = 0
    for (model, start), states in zip(models, ref):
        r = trajectory(model, start, t_end=T_CLASSIFIED, points=2401)
        if r.outcome == "converged" and r.verdict == "stable":
            decided += 1
            point = np.array(r.final)
            assert not np.all(np.isin(point, (0.0, 1.0))), (model, "a corner cannot be stable here")
            assert np.max(np.abs(states[-1] - point)) < 1e-6, (model, states[-1], point)
            free = (point > 0) & (point < 1)
            assert np.max(np.abs(np.array(advantages(params(model), *point))[free])) < 1e-9
            assert np.all(np.linalg.eigvals(reference_jacobian(model, point)).real < 0), model
        elif r.outcome == "cycling":
            decided += 1
            assert not corner_table(model).stable, model
            if r.cycle:
                # The orbit hugs the heteroclinic connections ever closer, so a later lap may
                # also pass within 0.1 of a corner an earlier lap missed: the reference's
                # visits, kept to the reported corners, must follow the reported order.
                cycle = list(r.cycle)
                seq = [c for c in visits(states[later]) if c in cycle]
                seq = [c for k, c in enumerate(seq) if k == 0 or seq[k - 1] != c]
                assert seq, (model, "the reference no longer visits the reported corners")
                for a, b in pairwise(seq):
                    assert cycle[(cycle.index(a) + 1) % len(cycle)] == b, (model, cycle, seq)
            else:
                tail = states[times >= T_REFERENCE - 500]
                assert np.max(np.ptp(tail, axis=0)) > 1e-3, model
    assert decided >= 95, decided
