"""Figures of a model file's dynamics (solver.plots.model): what each draws, checked against the
derivation and the trajectories it was given."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib.colors import to_rgba

from games.model import Model, builtin_model
from solver.dynamics.derive import ModelDynamics, derive
from solver.dynamics.replicator import trajectory
from solver.plots import VERDICT_COLORS, phase_portrait, shares_over_time, sweep_figure
from solver.plots.model import population_labels

STARTS = [(0.2, 0.3, 0.7), (0.8, 0.6, 0.3), (0.5, 0.9, 0.5)]


@pytest.fixture(scope="module")
def three():
    model = builtin_model("three-party")
    dynamics = ModelDynamics(model)
    runs = [trajectory(dynamics, s, t_end=40, points=400) for s in STARTS]
    return model, dynamics, runs, derive(model)


def _by_gid(fig, gid):
    return [a for ax in fig.axes for a in ax.get_children() if a.get_gid() == gid]


def test_phase_portrait_marks_rest_points_by_the_derivations_verdicts(three):
    model, dynamics, runs, d = three
    fig = phase_portrait(dynamics, runs, d)
    stable, other = _by_gid(fig, "rest-stable"), _by_gid(fig, "rest-other")
    points = [(r.corner, r.verdict) for r in d.corners] + [(p.point, p.verdict) for p in d.rest_points]
    assert len(stable) == sum(v == "stable" for _, v in points) == 1
    assert len(other) == len(points) - 1
    # filled = stable: face colour equals edge colour; open: white inside
    for marker in stable:
        assert np.allclose(marker.get_facecolor()[0], marker.get_edgecolor()[0])
    for marker in other:
        assert np.allclose(marker.get_facecolor()[0], to_rgba("white"))
    # the stable marker sits on the derivation's stable corner
    (x,), (y,), (z,) = stable[0]._offsets3d
    assert (x, y, z) == d.stable[0].corner
    paths = _by_gid(fig, "path")
    assert len(paths) == len(runs) and len(_by_gid(fig, "start")) == len(runs)
    # each path through its run's states, all in one colour: the speed colour bar (1e-4 … 1,
    # every path the same light green) is gone (journal review of issue 13)
    assert np.allclose(np.column_stack(paths[0].get_data_3d()), runs[0].states)
    assert len({str(p.get_color()) for p in paths}) == 1 and len(fig.axes) == 1
    ax = fig.axes[0]
    assert [t.replace(":\n", ": ") for t in (ax.get_xlabel(), ax.get_ylabel(), ax.get_zlabel())] == population_labels(model)
    assert ax.get_xlabel().replace(":\n", ": ") == "local government A: cooperate"
    assert ax.get_zlabel().replace(":\n", ": ") == "higher-level government H: strict supervision"


def test_phase_portrait_needs_three_populations(three):
    _, _, runs, _ = three
    two = Model(["A", "B"], [["C", "D"], ["C", "D"]], {}, {(0, 0): [1, 1], (0, 1): [0, 2], (1, 0): [2, 0], (1, 1): [0, 0]})
    with pytest.raises(ValueError, match="3 populations"):
        phase_portrait(two, runs, derive(two))


def test_shares_over_time_one_line_per_population_and_run(three):
    model, _, runs, _ = three
    fig = shares_over_time(runs, model)
    for k in range(3):
        lines = _by_gid(fig, f"share-{k}")
        assert len(lines) == len(runs)
        assert np.array_equal(lines[0].get_ydata(), runs[0].states[:, k])
    # one panel per population, titled by it; one legend entry per run, named by its start
    # (journal review of issue 13: one colour per run, so a run's lines pair across panels)
    assert [ax.get_title().replace(":\n", ": ") for ax in fig.axes[:3]] == population_labels(model)
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert [t.split(" (not settled")[0] for t in labels] == ["(" + ", ".join(f"{v:.2g}" for v in r.states[0]) + ")" for r in runs]


def test_shares_over_time_four_populations_and_chinese_names():
    k = 4
    profiles = [tuple((p >> j) & 1 for j in range(k)) for p in range(2**k)]
    names = ["永康", "武义", "缙云", "金华"]
    model = Model(names, [["合作", "背叛"]] * k, {"c": 1}, {p: [f"{sum(p)} - c*{j}" for j in range(k)] for p in profiles})
    run = trajectory(ModelDynamics(model), (0.3, 0.4, 0.5, 0.6), t_end=5, points=50)
    fig = shares_over_time(run, model)
    assert all(len(_by_gid(fig, f"share-{j}")) == 1 for j in range(k))
    assert [ax.get_title() for ax in fig.axes if ax.get_visible()] == [f"{n}: 合作" for n in names]
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["(0.3, 0.4, 0.5, 0.6) (not settled by t = 5)"]


def _hand_sweep(model, name, values, starts):
    """A ModelSweep-shaped result built here from derive() and trajectory() at each value."""
    derivations = [derive(model.with_values(**{name: v}), rest_points=False) for v in values]
    corners = tuple(r.corner for r in derivations[0].corners)
    verdicts = np.array([[r.verdict for r in d.corners] for d in derivations])
    final = np.array([[trajectory(ModelDynamics(model.with_values(**{name: v})), s, t_end=60, points=50).states[-1] for s in starts] for v in values])
    changes = tuple(
        (corners[j], values[i - 1], values[i], verdicts[i - 1, j], verdicts[i, j])
        for i in range(1, len(values))
        for j in range(len(corners))
        if verdicts[i, j] != verdicts[i - 1, j]
    )
    return SimpleNamespace(parameter=name, values=np.array(values, dtype=float), corners=corners, verdicts=verdicts, final_shares=final, changes=changes)


def test_sweep_figure_bands_follow_the_verdicts():
    model = builtin_model("three-party")
    values = [0.0, 2.0, 4.0, 6.0, 7.0, 8.0]
    sweep = _hand_sweep(model, "C_H", values, STARTS[:2])
    fig = sweep_figure(sweep, model)
    for j, corner in enumerate(sweep.corners):
        bands = _by_gid(fig, "band-" + "".join(map(str, corner)))
        runs = 1 + int(np.sum(sweep.verdicts[1:, j] != sweep.verdicts[:-1, j]))
        assert len(bands) == runs, corner
        # the first band's colour is the verdict at the first value
        assert np.allclose(bands[0].get_facecolor()[0], to_rgba(VERDICT_COLORS[sweep.verdicts[0, j]]))
    assert len(_by_gid(fig, "change")) == len(sweep.changes) > 0
    for k in range(3):
        lines = _by_gid(fig, f"final-{k}")
        assert len(lines) == 2
        assert np.allclose(lines[0].get_ydata(), sweep.final_shares[:, 0, k])
    assert fig.axes[1].get_xlabel() == "H's cost of strict supervision"  # the note, not the id C_H
    legend_words = {t.get_text() for t in fig.axes[0].get_legend().get_texts()}
    assert legend_words >= {"saddle"}
