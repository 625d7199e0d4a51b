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
    # coloured by speed: the colour values are |x'| of the model's field along the path
    s = runs[0].states
    speed = np.linalg.norm(s * (1 - s) * dynamics.payoff_differences(s.T).T, axis=1)
    assert np.allclose(paths[0].get_array(), np.maximum(0.5 * (speed[:-1] + speed[1:]), paths[0].norm.vmin))
    ax = fig.axes[0]
    assert [ax.get_xlabel(), ax.get_ylabel(), ax.get_zlabel()] == population_labels(model)
    assert ax.get_xlabel() == "local government A: cooperate"
    assert any(a.yaxis.label.get_text().startswith("speed") for a in fig.axes[1:])


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
    labels = [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    assert labels == population_labels(model)


def test_shares_over_time_four_populations_and_chinese_names():
    k = 4
    profiles = [tuple((p >> j) & 1 for j in range(k)) for p in range(2**k)]
    names = ["永康", "武义", "缙云", "金华"]
    model = Model(names, [["合作", "背叛"]] * k, {"c": 1}, {p: [f"{sum(p)} - c*{j}" for j in range(k)] for p in profiles})
    run = trajectory(ModelDynamics(model), (0.3, 0.4, 0.5, 0.6), t_end=5, points=50)
    fig = shares_over_time(run, model)
    assert all(len(_by_gid(fig, f"share-{j}")) == 1 for j in range(k))
    assert [t.get_text() for t in fig.legends[0].get_texts()] == [f"{n}: 合作" for n in names]


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
    assert "C_{H}" in fig.axes[1].get_xlabel()
    legend_words = {t.get_text() for t in fig.axes[0].get_legend().get_texts()}
    assert legend_words >= {"saddle"}
