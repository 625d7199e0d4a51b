"""solver.dynamics: three-party corner table, replicator dynamics, evolution on graphs."""

import re

import networkx as nx
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from games import ThreeParty, donation_game, harmony, prisoners_dilemma, stag_hunt
from regions import load_scenario
from solver.dynamics import (
    CallableModel,
    PayoffTable,
    cooperation_dominant,
    corner_table,
    evolve_many,
    evolve_on_graph,
    initial_sensitivity,
    jacobian,
    parameter_sensitivity,
    replicator,
    trajectory,
    verdict,
)
from solver.tables import render_corner_table

BASE = {"synergy": (6, 6), "cost": (3, 3), "spillover": (2, 2), "subsidy": 1.5, "fine": 2, "supervision_cost": 3, "accountability": 1}


class TestThreeParty:
    def test_the_reference_case(self):
        # The acceptance case: exactly one stable corner, (1, 1, 0), eigenvalues (−1, −1, −6).
        table = corner_table(ThreeParty(**BASE))
        stable = table.stable
        assert [(r.corner, r.eigenvalues) for r in stable] == [((1, 1, 0), (-1.0, -1.0, -6.0))]
        for start in [(0.2, 0.2, 0.2), (0.5, 0.5, 0.5), (0.8, 0.3, 0.1)]:
            r = trajectory(ThreeParty(**BASE), start, t_end=200)
            assert r.converged and not r.cycling
            assert r.final == (1.0, 1.0, 0.0)

    def test_table_exports(self):
        table = corner_table(ThreeParty(**BASE), interior=False)
        md = render_corner_table(table, "markdown")
        assert md.count("\n") == 2 + 8 - 1
        assert "| (1, 1, 0) | -1, -1, -6 | stable |" in md
        assert "α_AΔR − E_A − C_A > 0" in md
        assert r"\toprule" in render_corner_table(table, "latex")
        assert render_corner_table(table, "csv").splitlines()[0].startswith("equilibrium point,eigenvalues,verdict")

    def test_validation(self):
        with pytest.raises(ValueError, match=r"subsidy must lie in \[0, 1e\+10\], got -1"):
            ThreeParty(subsidy=-1)
        with pytest.raises(ValueError, match="synergy must be a number or a pair"):
            ThreeParty(synergy=(1, 2, 3))
        with pytest.raises(ValueError, match="fine must be a finite number"):
            ThreeParty(fine=float("nan"))

    @pytest.mark.parametrize("dynamic", [False, True])
    def test_analytic_eigenvalues_and_conditions_on_random_parameters(self, dynamic):
        # Seeded random sample: the corner eigenvalues equal those of the full Jacobian
        # (the model's exact gradient, and independently complex-step differentiation), and the
        # verdicts agree with the stated parameter inequalities.
        rng = np.random.default_rng(42)
        for _ in range(60):
            p = {
                "synergy": tuple(rng.uniform(0, 10, 2)),
                "cost": tuple(rng.uniform(0, 6, 2)),
                "spillover": tuple(rng.uniform(0, 4, 2)),
                "subsidy": rng.uniform(0, 4),
                "fine": rng.uniform(0, 4),
                "supervision_cost": rng.uniform(0, 6),
                "accountability": rng.uniform(0, 3),
                "dynamic": dynamic,
            }
            model = ThreeParty(**p)
            generic = CallableModel(model.payoff_differences, 3)
            for row in corner_table(model, interior=False):
                x = np.array(row.corner, dtype=float)
                for J in (jacobian(model, x), jacobian(generic, x)):
                    assert np.allclose(np.sort(np.linalg.eigvals(J).real), np.sort(row.eigenvalues), atol=1e-8)
                holds = [h for _, _, h in model.corner_conditions(row.corner)]
                assert (row.verdict == "stable") == all(holds)
                assert (row.verdict == "unstable") == (not any(holds))
            # The exact gradient equals the complex-step one at an interior point too.
            point = rng.uniform(0.1, 0.9, 3)
            assert np.allclose(model.gradient(point), generic.gradient(point), atol=1e-10)

    def test_conditions_evaluate_to_the_numbers(self):
        # Every stated eigenvalue expression, evaluated with the parameters, gives the number.
        model = ThreeParty(**BASE)
        values = {"α_AΔR": 6, "α_BΔR": 6, "E_A": 2, "E_B": 2, "C_A": 3, "C_B": 3, "C_H": 3, "s": 1.5, "f": 2, "W": 1}
        for row in corner_table(model, interior=False):
            for text, number in zip(row.expressions, row.eigenvalues):
                expr = text.replace("−", "-")
                for name in sorted(values, key=len, reverse=True):
                    expr = expr.replace(name, f"({values[name]})")
                expr = re.sub(r"(\d)\(", r"\1*(", expr)
                assert eval(expr) == pytest.approx(number), (row.corner, text)

    def test_cycling_is_said(self):
        # No corner is stable: the run cycles among the saddle corners, and no end point is claimed.
        model = ThreeParty(synergy=(3, 3), cost=(3, 3), spillover=(2, 2), subsidy=1, fine=4, supervision_cost=3, accountability=1)
        assert not corner_table(model).stable
        r = trajectory(model, (0.5, 0.5, 0.5), t_end=300)
        assert r.cycling and r.final is None and "cycling" in r.note

    def test_logit_coordinates_stay_accurate_near_the_faces(self):
        r = trajectory(ThreeParty(**BASE), (1e-9, 1 - 1e-9, 0.5), t_end=100)
        assert np.all((r.states > 0) & (r.states < 1) | (r.states == 0) | (r.states == 1))
        assert r.final == (1.0, 1.0, 0.0)

    def test_sensitivity(self):
        runs = parameter_sensitivity(ThreeParty(**BASE), "subsidy", [0.0, 3.0], start=(0.3, 0.3, 0.5), t_end=60)
        assert [r.final for _, r in runs] == [(0.0, 0.0, 1.0), (1.0, 1.0, 0.0)]
        assert len(initial_sensitivity(ThreeParty(**BASE), [(0.1, 0.1, 0.1), (0.9, 0.9, 0.9)])) == 2
        with pytest.raises(ValueError, match="no parameter 'bribe'"):
            parameter_sensitivity(ThreeParty(), "bribe", [1])


def test_payoff_table_matches_the_model():
    model = ThreeParty(**BASE)
    table = np.zeros((2, 2, 2, 3))
    for idx in np.ndindex(2, 2, 2):
        table[idx] = model.payoff_differences(idx)
    t = PayoffTable(table)
    point = np.array([0.3, 0.6, 0.2])
    assert np.allclose(t.payoff_differences(point), model.payoff_differences(point))
    assert np.allclose(t.gradient(point), model.gradient(point))
    assert [r.corner for r in corner_table(t).stable] == [(1, 1, 0)]
    with pytest.raises(ValueError, match="shape"):
        PayoffTable(np.zeros((2, 2, 3)))


@pytest.mark.parametrize(
    ("eigenvalues", "expected"),
    [((-1, -2, -3), "stable"), ((1, 2, 3), "unstable"), ((-1, 2, 3), "saddle"), ((0, -1, -2), "inconclusive"), ((0, 1, -2), "saddle"), ((0, 1, 2), "unstable")],
)
def test_verdicts(eigenvalues, expected):
    assert verdict(np.array(eigenvalues, dtype=float)) == expected


class TestReplicator:
    def test_nashpy_documented_example(self):
        # nashpy's how-to "use asymmetric replicator dynamics": A = [[3, 2], [4, 2]],
        # B = [[1, 3], [2, 4]]; from (½, ½), (½, ½) over 0…10 the row player ends at
        # (0.41421…, 0.58578…) and the column player at (2.2e-9, 0.99999…); from (0.4, 0.6),
        # (0.9, 0.1) the row player ends at (0.17411…, 0.82588…).
        from games import Game

        game = Game([[3, 2], [4, 2]], [[1, 3], [2, 4]])
        r = replicator(game, ([0.5, 0.5], [0.5, 0.5]), t_end=10, points=1000)
        assert r.states[-1, :2] == pytest.approx([0.41421, 0.58578], abs=1e-5)
        # nashpy's odeint works in the shares with an absolute tolerance near 1.5e-8, so its
        # 2.2e-9 is only its order of magnitude; log coordinates resolve it (2.06e-9).
        assert r.states[-1, 2] == pytest.approx(2.2e-9, rel=0.1)
        r = replicator(game, ([0.4, 0.6], [0.9, 0.1]), t_end=10, points=1000)
        assert r.states[-1, :2] == pytest.approx([0.17411, 0.82588], abs=1e-5)

    def test_agrees_with_nashpy(self):
        # nashpy's own integration (odeint in the original coordinates) on a 2×2 and a 2×3
        # game: the same path.
        for A, B, x0, y0 in (
            (np.array([[1.0, 2.0], [3.0, 1.0]]), np.array([[2.0, 1.0], [1.0, 3.0]]), [0.4, 0.6], [0.7, 0.3]),
            (np.array([[3.0, 2.0, 1.0], [2.0, 5.0, 0.5]]), np.array([[1.0, 0.0, 2.0], [2.0, 1.0, 0.0]]), [0.5, 0.5], [0.2, 0.3, 0.5]),
        ):
            from games import Game

            game = Game(A, B)
            ts = np.linspace(0, 10, 101)
            xs, ys = game.to_nashpy().asymmetric_replicator_dynamics(x0=np.array(x0), y0=np.array(y0), timepoints=ts)
            ours = replicator(game, (x0, y0), t_end=10, points=101)
            assert np.allclose(ours.states[:, : len(x0)], xs, atol=1e-5)
            assert np.allclose(ours.states[:, len(x0) :], ys, atol=1e-5)

    def test_stag_hunt_and_pennies(self):
        assert replicator(stag_hunt(R=4, T=3, P=2, S=0), (0.8, 0.8)).final == (1.0, 1.0)
        assert replicator(stag_hunt(R=4, T=3, P=2, S=0), (0.5, 0.5)).final == (0.0, 0.0)
        from games import Game

        pennies = replicator(Game([[1, -1], [-1, 1]], [[-1, 1], [1, -1]]), (0.3, 0.6), t_end=100)
        assert pennies.cycling and pennies.final is None

    def test_bad_start(self):
        with pytest.raises(ValueError, match="strictly inside"):
            trajectory(ThreeParty(), (0, 0.5, 0.5))
        with pytest.raises(ValueError, match="interior mixed strategies"):
            replicator(prisoners_dilemma(), ([1.0, 0.0], [0.5, 0.5]))


class TestGraph:
    def test_complete_graph_loses_every_cooperator_in_a_dilemma(self):
        for rule in ("fermi", "death-birth", "best-neighbour"):
            r = evolve_on_graph(nx.complete_graph(40), prisoners_dilemma(), rule=rule, steps=400, seed=3)
            assert r.cooperation[-1] == 0.0, rule

    def test_harmony_fixes_cooperation(self):
        for rule in ("fermi", "death-birth", "best-neighbour"):
            r = evolve_on_graph(nx.random_regular_graph(4, 200, seed=1), harmony(), rule=rule, steps=300, seed=3)
            assert r.cooperation[-1] == 1.0, rule

    def test_same_seed_same_run(self):
        G = nx.watts_strogatz_graph(300, 4, 0.1, seed=2)
        a = evolve_on_graph(G, donation_game(3, 1), steps=100, seed=7, synchronous=False)
        b = evolve_on_graph(G, donation_game(3, 1), steps=100, seed=7, synchronous=False)
        c = evolve_on_graph(G, donation_game(3, 1), steps=100, seed=8, synchronous=False)
        assert np.array_equal(a.cooperation, b.cooperation) and np.array_equal(a.final, b.final)
        assert not np.array_equal(a.cooperation, c.cooperation)

    def test_nowak_may_spatial_game(self):
        # Nowak and May (1992): on a lattice with self-interaction and b slightly above 1
        # (R = 1, T = b, S = P = 0) best-neighbour imitation keeps a large cooperating share.
        from games import stage_game

        G = nx.grid_2d_graph(30, 30, periodic=True)
        r = evolve_on_graph(G, stage_game({"R": 1, "S": 0, "T": 1.6, "P": 0}), rule="best-neighbour", steps=100, seed=0, self_interaction=True)
        assert 0.3 < r.cooperation[-1] < 0.95

    def test_weights_are_respected(self):
        # A defector tied strongly to cooperators and weakly to defectors earns more than one
        # with the reverse weights: the payoff is the weighted sum over links.
        G = nx.Graph()
        G.add_edge(0, 1, weight=10.0)
        G.add_edge(0, 2, weight=0.1)
        initial = np.array([1, 0, 1])  # 0 defects, 1 cooperates, 2 defects
        r = evolve_on_graph(G, prisoners_dilemma(), rule="best-neighbour", steps=1, seed=0, initial=initial)
        assert r.final.tolist() == [1, 1, 1]  # 1 copies 0 (0 earns 10·T > 1's 10·S)

    def test_region_network_plays_each_links_game(self):
        net = load_scenario("yongkang-wuyi-jinyun")
        r = evolve_on_graph(net, None, steps=30, seed=0)
        assert set(r.nodes) == {"yongkang", "wuyi", "jinyun"} and len(r.cooperation) == 31

    def test_ensemble(self):
        e = evolve_many(nx.complete_graph(30), prisoners_dilemma(), seeds=range(5), steps=50)
        assert e.mean.shape == (51,) and np.all(e.low <= e.mean) and np.all(e.mean <= e.high)
        assert e.final_shares.tolist() == [0.0] * 5

    @pytest.mark.parametrize(
        ("kwargs", "match"),
        [({"rule": "copy"}, "rule must be one of"), ({"beta": -1}, "beta must be"), ({"initial": 1.5}, "initial share"), ({"steps": -1}, "steps must be")],
    )
    def test_rejects(self, kwargs, match):
        with pytest.raises(ValueError, match=match):
            evolve_on_graph(nx.complete_graph(5), prisoners_dilemma(), **kwargs)


@given(st.floats(0, 10), st.floats(0, 6), st.floats(0, 4), st.floats(0, 4), st.floats(0, 4), st.floats(0, 6), st.floats(0, 3))
def test_corner_eigenvalues_are_the_diagonal_of_the_jacobian(a, c, e, s, f, ch, w):
    model = ThreeParty(synergy=a, cost=c, spillover=e, subsidy=s, fine=f, supervision_cost=ch, accountability=w)
    for row in corner_table(model, interior=False):
        J = jacobian(model, np.array(row.corner, dtype=float))
        assert np.allclose(J, np.diag(np.diag(J)))
        assert np.allclose(np.diag(J), row.eigenvalues)


class TestPayoffs:
    # Issue #11, defect 10: on a scale-free graph where cooperation strictly dominates every
    # link's game (R > T, S > P), accumulated payoffs let high-degree defectors out-earn
    # cooperators and death–birth ends all-defect in most seeds; average payoffs do not.
    G = nx.barabasi_albert_graph(200, 2, seed=0)
    GAME = (("R", 3), ("S", 0.5), ("T", 2.9), ("P", 0.4))

    def test_accumulated_against_average(self):
        from games import stage_game

        game = stage_game(dict(self.GAME))
        assert cooperation_dominant(self.G, game)
        acc = evolve_many(self.G, game, seeds=range(10), steps=300, rule="death-birth")
        avg = evolve_many(self.G, game, seeds=range(10), steps=300, rule="death-birth", payoffs="average")
        assert np.sum(acc.final_shares == 0) >= 5 and np.all(avg.final_shares == 1)

    def test_average_divides_by_link_weight(self):
        # Hub 0 defects among cooperators 1, 2, 6 and defector 7; cooperator 1 also meets
        # cooperator 3, who meets cooperator 5. With R, S, T, P = 3, 0, 3.2, 1, by hand:
        # accumulated π₀ = 3·3.2 + 1 = 10.6 > π₃ = 6, average π₀ = 10.6/4 = 2.65 < π₃ = 3.
        # Best-neighbour imitation: node 1 copies the hub's D only with accumulated payoffs.
        from games import stage_game

        G = nx.Graph([(0, 1), (0, 2), (0, 6), (0, 7), (1, 3), (3, 5)])
        game = stage_game({"R": 3, "S": 0, "T": 3.2, "P": 1})
        order = list(G.nodes)
        initial = np.array([1 if n in (0, 7) else 0 for n in order])
        acc = evolve_on_graph(G, game, rule="best-neighbour", steps=1, initial=initial)
        avg = evolve_on_graph(G, game, rule="best-neighbour", steps=1, initial=initial, payoffs="average")
        assert acc.final_strategies()[1] == "D" and avg.final_strategies()[1] == "C"
        assert acc.payoffs == "accumulated" and avg.payoffs == "average"
        with pytest.raises(ValueError, match="payoffs must be one of"):
            evolve_on_graph(G, game, payoffs="mean")

    def test_cli_note_names_the_reason(self, capsys):
        from solver.cli import main

        args = ["evolve", "network", "--graph", "scale-free:200:2", "--game", "3,0.5,2.9,0.4", "--rule", "death-birth", "--seeds", "10", "--steps", "300"]
        assert main(args) == 0
        out = capsys.readouterr().out
        assert "note: cooperation is dominant on every link" in out and "try --payoffs average" in out
        assert main([*args, "--payoffs", "average"]) == 0
        assert "note:" not in capsys.readouterr().out
        # The former spelling --payoffs R,S,T,P still names the game.
        assert main(["evolve", "network", "--graph", "complete:10", "--payoffs", "3,0,5,1", "--steps", "10"]) == 0
        assert main(["evolve", "network", "--graph", "complete:10", "--payoffs", "mean"]) == 2
