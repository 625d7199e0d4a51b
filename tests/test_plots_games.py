"""Issue 13, figure by figure: the payoff matrix, the replicator flow and its trajectories, the
three-party cube, the evolution share plot, the sensitivity panels and the model-file figures —
each flaw the issue lists, checked against an independent computation where there is a number,
and every figure passed through the automatic checker (:func:`solver.plots.check.check_figure`)
with Latin and with Chinese names.

Independent references: a classical RK4 of our own in the *original* coordinates (not the logit
coordinates, the event-driven stop, the first integral nor the quadrature of
:mod:`solver.basin`), plain Monte-Carlo starts with the binomial standard error, and scipy's
LSODA on the three-party field in the original coordinates.
"""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.path import Path
from scipy.integrate import solve_ivp

from games import Game, HigherLevelGuidance, ThreeParty, apply, prisoners_dilemma, stag_hunt
from games.model import builtin_model
from regions import load_scenario
from solver import equilibria
from solver.basin import SETTLED, basin_of_cooperation, trajectories
from solver.cli import main
from solver.dynamics import corner_table, parameter_sensitivity, trajectory
from solver.dynamics.derive import ModelDynamics, derive
from solver.network import link_game
from solver.plots import (
    best_responses,
    cube_trajectories,
    payoff_matrix,
    phase_portrait,
    replicator_flow,
    sensitivity_panels,
    shares_over_time,
    time_paths,
)
from solver.plots.check import check_figure
from solver.stack import link_mechanisms

SCENARIO = "yongkang-wuyi-jinyun"
IDS = tuple(load_scenario(SCENARIO).graph.nodes)  # "yongkang", "wuyi", …: never printed


def gid(fig, name):
    return [a for ax in fig.axes for a in ax.findobj() if a.get_gid() == name]


def texts(fig):
    return [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text") and a.get_visible()) if t.get_text()]


def problems(fig):
    return [(p.check, p.message) for p in check_figure(fig, ids=IDS)]


def guided(names="latin"):
    """Yongkang–Wuyi under Jinhua's guidance (a stag hunt), and the status quo, in ``names``."""
    net = load_scenario(SCENARIO).named(names)
    link = net.links[0]
    game = link_game(net, link)
    guidance = next(m.mechanism for m in link_mechanisms(net, link) if m.spec.kind == "higher_level_guidance")
    return game, apply(game, guidance)


def rk4_ends(game, x, y, t_end=400.0, dt=0.05):
    """End states of the 2×2 replicator flow from arrays of starts: RK4 in the original
    coordinates, time in units of the payoff range (as the figure's)."""
    a, b = game.row_payoffs, game.col_payoffs
    scale = max(np.ptp(a), np.ptp(b))
    x, y = np.array(x, dtype=float), np.array(y, dtype=float)

    def f(x, y):
        gain_row = (y * a[0, 0] + (1 - y) * a[0, 1] - y * a[1, 0] - (1 - y) * a[1, 1]) / scale
        gain_col = (x * b[0, 0] + (1 - x) * b[1, 0] - x * b[0, 1] - (1 - x) * b[1, 1]) / scale
        return x * (1 - x) * gain_row, y * (1 - y) * gain_col

    for _ in range(int(t_end / dt)):
        k1 = f(x, y)
        k2 = f(x + dt / 2 * k1[0], y + dt / 2 * k1[1])
        k3 = f(x + dt / 2 * k2[0], y + dt / 2 * k2[1])
        k4 = f(x + dt * k3[0], y + dt * k3[1])
        x = x + dt / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
        y = y + dt / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
    return x, y


# --- payoff matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize("names", ["latin", "zh"])
def test_payoff_matrix_cells_tile_without_gaps_and_names_regions_and_strategies(names):
    game, after = guided(names)
    fig = payoff_matrix(game, equilibria(game), other=after, other_equilibria=equilibria(after), titles=("status quo", "Jinhua guidance"))
    # No gap: the cells tile the panel exactly, and an equilibrium's shading is its whole cell
    # (it was inset by 0.06, a white frame inside every shaded cell).
    for ax in fig.axes:
        cells = [p for p in ax.patches if p.get_gid() == "cell"]
        boxes = {(p.get_x(), p.get_y(), p.get_width(), p.get_height()) for p in cells}
        assert boxes == {(j, i, 1, 1) for i in range(2) for j in range(2)}
        assert ax.get_xlim() == (0, 2) and sorted(ax.get_ylim()) == [0, 2]
        for shade in (p for p in ax.patches if p.get_gid() == "equilibrium"):
            assert (shade.get_width(), shade.get_height()) == (1, 1) and (shade.get_x(), shade.get_y()) in {(j, i) for i in range(2) for j in range(2)}
    assert len(gid(fig, "equilibrium")) == sum(e.pure for e in equilibria(game)) + sum(e.pure for e in equilibria(after)) == 3
    # Region names as the Game names its players (Chinese with named("zh")), strategies in words.
    ax = fig.axes[0]
    assert (ax.get_ylabel(), ax.get_xlabel()) == game.players
    assert game.players == (("永康市", "武义县") if names == "zh" else ("Yongkang", "Wuyi"))
    assert [t.get_text() for t in ax.get_xticklabels()] == [t.get_text() for t in ax.get_yticklabels()] == ["cooperate", "defect"]
    assert not any(i in t for t in texts(fig) for i in IDS)
    assert problems(fig) == []


def test_payoff_matrix_of_an_unnamed_game_names_the_players_by_role():
    fig = payoff_matrix(prisoners_dilemma(), equilibria(prisoners_dilemma()))
    assert (fig.axes[0].get_ylabel(), fig.axes[0].get_xlabel()) == ("row player", "column player")
    assert problems(fig) == []


# --- replicator flow -------------------------------------------------------------------------

STARTS = np.array([(0.2, 0.9), (0.9, 0.2), (0.5, 0.5), (0.8, 0.8), (0.35, 0.35), (0.6, 0.95)])


@pytest.mark.parametrize("case", ["guided", "status quo", "weak corner"])
def test_trajectories_run_until_they_settle_where_an_independent_integration_ends(case):
    # Issue 13: with t_end = 50 the paths of the gallery's flow stopped mid-field, e.g. the one
    # from (0.9, 0.2) at (0.82, 0.60) on its way to (1, 1). Now each runs until it is within
    # SETTLED of a rest point; where it ends must be where a long RK4 in the original
    # coordinates ends (the rest points here are corners: to 2·SETTLED, well apart).
    game = {
        "guided": guided()[1],
        "status quo": guided()[0],
        # (C, C) strict by 0.05 on a payoff range of 10: a slow approach (eigenvalue 0.005)
        "weak corner": stag_hunt(R=4.05, T=4, P=2, S=-6),
    }[case]
    paths = trajectories(game, STARTS)
    x, y = rk4_ends(game, STARTS[:, 0], STARTS[:, 1], t_end=4000.0 if case == "weak corner" else 400.0, dt=0.1)
    for path, end in zip(paths, np.column_stack([x, y])):
        assert np.abs(path[-1] - np.round(end)).max() <= 2 * SETTLED, (path[0], path[-1], end)
        assert np.abs(end - np.round(end)).max() < 1e-3


def test_trajectories_of_closed_orbits_go_round_once():
    # Matching-pennies-like games: the interior rest point is a centre; the path closes on
    # itself (the first integral x^{…}(1 − x)^{…}y^{…}(1 − y)^{…} is constant along it).
    game = Game([[3, -1], [-1, 1]], [[-1, 1], [2, -1]])
    (path,) = trajectories(game, [(0.3, 0.6)])
    assert np.allclose(path[0], path[-1], atol=1e-6)
    # the orbit goes round the centre (x*, y*) = (2/3, 1/3): its angle turns through 2π
    angle = np.unwrap(np.arctan2(path[:, 1] - 1 / 3, path[:, 0] - 2 / 3))
    assert abs(abs(angle[-1] - angle[0]) - 2 * np.pi) < 1e-3


def shoelace(points):
    x, y = np.asarray(points, dtype=float).T
    return abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2


@pytest.mark.parametrize("game", [guided()[1], stag_hunt(R=4, T=3, P=2, S=0), stag_hunt(R=10, T=3, P=2, S=0)], ids=["guided", "R4", "R10"])
def test_the_shaded_basin_is_the_set_the_value_measures(game):
    basin = basin_of_cooperation(game)
    fig = replicator_flow(game, basin=basin, trajectories=trajectories(game, STARTS[:2]), equilibria=equilibria(game))
    (patch,) = gid(fig, "basin")
    polygon = patch.get_xy()
    # Its area is the value: the curve is the exact separatrix sampled at ~400 points, so the
    # chords lose ~1e-5 of area (a hundredth of a pixel's width along the curve at 300 dpi).
    assert abs(shoelace(polygon) - basin.value) < 3e-5
    # Not a staircase from a grid: the edge is a monotone curve through the separatrix, whose
    # height at x is found independently, by bisection on where RK4 runs end (12 halvings:
    # to 2.5e-4; the edge must pass within 1e-3 of it).
    (edge,) = gid(fig, "separatrix")
    steps = np.diff(np.column_stack([edge.get_xdata(), edge.get_ydata()]), axis=0)
    assert np.all(steps[:, 0] >= 0) and np.all(steps[:, 1] <= 0) and np.hypot(*steps.T).max() < 0.02
    xs = np.linspace(0.1, 0.9, 9)
    low, high = np.zeros_like(xs), np.ones_like(xs)
    for _ in range(12):
        mid = (low + high) / 2
        ends = rk4_ends(game, xs, mid, t_end=150.0, dt=0.1)[0] > 0.5
        low, high = np.where(ends, low, mid), np.where(ends, mid, high)
    assert np.abs(np.interp(xs, edge.get_xdata(), edge.get_ydata()) - (low + high) / 2).max() < 1e-3
    # Independent Monte-Carlo: 1500 uniform starts integrated by RK4; the share ending at (C, C)
    # agrees with the value within 4 binomial standard errors (≤ 0.05 here: the check that
    # the number is right), and every start's fate agrees with whether the polygon holds it
    # (the check that the shaded set is the measured set), away from the separatrix, where a
    # finite run cannot decide (the 2 % of starts within 0.01 of it).
    rng = np.random.default_rng(13)
    starts = rng.uniform(size=(1500, 2))
    x, y = rk4_ends(game, starts[:, 0], starts[:, 1], t_end=200.0, dt=0.1)
    reached = (x > 0.99) & (y > 0.99)
    share, se = reached.mean(), np.sqrt(reached.mean() * (1 - reached.mean()) / len(reached))
    assert abs(share - basin.value) < 4 * se + 1e-3
    inside = Path(polygon).contains_points(starts)
    near = np.min(np.hypot(starts[:, None, 0] - edge.get_xdata()[None], starts[:, None, 1] - edge.get_ydata()[None]), axis=1) < 0.01
    assert np.all(inside[~near] == reached[~near]) and (~near).sum() > 1400


@pytest.mark.parametrize("names", ["latin", "zh"])
def test_flow_and_best_responses_pass_the_checks(names):
    game, after = guided(names)
    for shown in (game, after):
        fig = replicator_flow(shown, basin=basin_of_cooperation(shown), trajectories=trajectories(shown, STARTS), equilibria=equilibria(shown))
        assert problems(fig) == []
        assert fig.axes[0].get_xlabel() == f"share of {shown.players[0]} cooperating"
        assert problems(best_responses(shown, equilibria(shown))) == []


def test_an_undefined_basin_is_said_in_the_legend_title_not_as_an_invisible_entry():
    pd = prisoners_dilemma()
    fig = replicator_flow(pd, basin=basin_of_cooperation(pd), trajectories=trajectories(pd, STARTS[:2]))
    legend = fig.axes[0].get_legend()
    assert legend.get_title().get_text() == "basin of (C, C): undefined"
    assert [t.get_text() for t in legend.get_texts()] == ["trajectories"]
    assert problems(fig) == []


# --- the three-party cube, time paths and the evolution share plot (CLI) ----------------------

THREE_PARTY = ["local government A: cooperate", "local government B: cooperate", "higher-level government H: strict supervision"]


@pytest.fixture
def captured(monkeypatch):
    """The figures the CLI saves, instead of files."""
    import solver.plots

    figures = []
    monkeypatch.setattr(solver.plots, "save_figure", lambda fig, path: figures.append(fig) or path)
    return figures


def test_cli_three_party_cube_names_populations_and_strategies(captured, capsys, tmp_path):
    assert main(["evolve", "three-party", "--plot", str(tmp_path / "cube.png")]) == 0
    (fig,) = captured
    ax = fig.axes[0]
    labels = [t.replace(":\n", ": ") for t in (ax.get_xlabel(), ax.get_ylabel(), ax.get_zlabel())]
    assert labels == THREE_PARTY  # were "x (A cooperates)", …: x, y, z
    assert problems(fig) == []


def test_cube_and_time_paths_take_names_from_a_model_file():
    model = builtin_model("three-party")
    run = trajectory(ThreeParty(), (0.2, 0.2, 0.2), 30)
    fig = time_paths(run, model=model)
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [f"{p}: {s[0]}" for p, s in zip(model.populations, model.strategies)]
    assert problems(fig) == [] and problems(time_paths(run)) == []
    cube = cube_trajectories([run], stable=[r.corner for r in corner_table(ThreeParty()).stable])
    assert problems(cube) == []


@pytest.mark.parametrize(("seeds", "entry"), [(1, "one run (seed 0)"), (3, "mean of 3 runs")])
def test_cli_evolve_network_says_one_run_not_mean_of_1_runs(captured, capsys, tmp_path, seeds, entry):
    assert main(["evolve", "network", SCENARIO, "--steps", "40", "--seeds", str(seeds), "--plot", str(tmp_path / "share.png")]) == 0
    (fig,) = captured
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert entry in legend and not any("1 runs" in t for t in texts(fig))
    assert bool(gid(fig, "band")) == (seeds > 1)
    assert problems(fig) == []


# --- sensitivity ------------------------------------------------------------------------------


def lsoda_end(model, start, t_end=5000.0):
    """Where the three-party dynamics end: LSODA in the original coordinates, a long horizon."""
    sol = solve_ivp(lambda _t, x: x * (1 - x) * model.payoff_differences(x), (0, t_end), start, method="LSODA", rtol=1e-10, atol=1e-13)
    return sol.y[:, -1]


def test_sensitivity_runs_until_they_settle():
    # Issue 13: with t_end = 50, subsidies 1.1 and 1.8 from (0.3, 0.3, 0.5) were "not settled"
    # (they approach a saddle first and leave it slowly). The horizon now comes from the
    # dynamics: every run converges, to where a long LSODA run in the original coordinates ends.
    start = (0.3, 0.3, 0.5)
    assert not trajectory(ThreeParty(subsidy=1.1), start, 50).converged
    runs = parameter_sensitivity(ThreeParty(), "subsidy", [0.0, 1.1, 1.8, 5.0], start=start)
    assert all(r.converged for _, r in runs)
    assert len({float(r.t[-1]) for _, r in runs}) == 1  # one horizon for the comparison
    for (_, r), value in zip(runs, [0.0, 1.1, 1.8, 5.0]):
        assert np.allclose(r.final, np.round(lsoda_end(ThreeParty(subsidy=value), start)), atol=1e-6)
    fig = sensitivity_panels(runs, title="subsidy s")
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["0", "1.1", "1.8", "5"]
    assert [ax.get_title().replace(":\n", ": ") for ax in fig.axes] == THREE_PARTY
    assert problems(fig) == []


def test_sensitivity_figure_says_when_a_run_did_not_settle():
    runs = parameter_sensitivity(ThreeParty(), "subsidy", [1.1, 5.0], start=(0.3, 0.3, 0.5), t_end=50)
    fig = sensitivity_panels(runs, title="subsidy s")
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["1.1 (not settled by t = 50)", "5"]
    assert problems(fig) == []


# --- model-file figures -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["three-party", "three-party-dynamic"])
def test_model_figures_pass_the_checks(name):
    # The z label of the phase portrait stuck out of the figure by 55 px and the legend of the
    # shares over time was wider than the figure (its first entry cut off).
    model = builtin_model(name)
    dynamics = ModelDynamics(model)
    runs = [trajectory(dynamics, s, t_end=40, points=400) for s in [(0.2, 0.3, 0.7), (0.8, 0.6, 0.3)]]
    assert problems(phase_portrait(dynamics, runs, derive(model))) == []
    assert problems(shares_over_time(runs, model)) == []


def test_payoff_matrix_of_a_mechanism_from_the_cli_passes_the_checks(captured, capsys, tmp_path):
    assert main(["plot", "payoff-matrix", SCENARIO, "--mechanism", "higher_level_guidance", "--out", str(tmp_path / "m.png")]) == 0
    (fig,) = captured
    assert problems(fig) == []
    assert problems(payoff_matrix(apply(prisoners_dilemma(), HigherLevelGuidance(subsidy=1.5)))) == []
