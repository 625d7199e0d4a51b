"""Figures of a researcher's model (:class:`games.model.Model`): the phase portrait in the unit
cube, the shares over time, and a sweep of one parameter.

Each takes computed results — trajectories from :func:`solver.dynamics.trajectory` run on a
:class:`solver.dynamics.derive.ModelDynamics`, a :class:`~solver.dynamics.derive.Derivation`,
a :class:`~solver.dynamics.model_sweep.ModelSweep` — and returns the Figure; none solves.
Populations are named as the model names them, with the strategy whose share is drawn
(``county A: control``); CJK names are drawn by the style's CJK fallback font
(:mod:`solver.plots.fonts`).

Artists carry gids for tests: ``path`` (a trajectory), ``start``, ``rest-stable`` (a filled
marker: an asymptotically stable rest point) and ``rest-other`` (an open marker), ``share-k``
(population k's share over time), ``band-<corner>`` (a corner's verdict band) and ``final-k``
(population k's long-run shares in a sweep).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import matplotlib
import numpy as np
from matplotlib import colors as mcolors
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .style import DOUBLE_COLUMN, OKABE_ITO, SINGLE_COLUMN, new_figure, plot_style, text_width

__all__ = ["VERDICT_COLORS", "phase_portrait", "population_labels", "shares_over_time", "sweep_figure"]

#: The colour of each verdict in sweep figures (Okabe–Ito).
VERDICT_COLORS = {"stable": "#009E73", "saddle": "#E69F00", "unstable": "#D55E00", "inconclusive": "#BBBBBB"}
_VERDICT_WORDS = {"stable": "asymptotically stable", "saddle": "saddle", "unstable": "unstable", "inconclusive": "non-hyperbolic"}
_SERIES = (OKABE_ITO[5], OKABE_ITO[6], OKABE_ITO[3], OKABE_ITO[1], OKABE_ITO[7], OKABE_ITO[2], OKABE_ITO[0])
_DASHES = ("solid", (0, (4, 2)), (0, (1, 1)), (0, (6, 2, 1, 2)))
#: Marker colour of rest points: stable ones filled with it, the others open (white inside).
_REST = "#000000"


def _model_of(obj: Any) -> Any:
    """The model behind a Model or a ModelDynamics."""
    return obj.model if hasattr(obj, "model") and hasattr(obj.model, "populations") else obj


def population_labels(model: Any) -> list[str]:
    """``"population: first strategy"`` for each population: the share each axis shows.

    >>> from games.model import builtin_model
    >>> population_labels(builtin_model("three-party"))[2]
    'higher-level government H: strict'
    """
    model = _model_of(model)
    return [f"{p}: {s[0]}" for p, s in zip(model.populations, model.strategies)]


def _wrapped(label: str) -> str:
    """A long axis label of the cube on two lines, after its colon."""
    return label.replace(": ", ":\n", 1) if len(label) > 24 else label


def _legend_columns(labels: Sequence[str], width: float, most: int = 3, fontsize: float = 7) -> int:
    """The most columns (up to ``most``) in which a legend of ``labels`` fits ``width`` inches:
    each entry is its text plus the handle and the spacing (about 0.55 inch at 7 pt)."""
    widest = max((text_width(t, fontsize) for t in labels), default=0.0) + 0.55
    return max(1, min(most, len(labels), int(width // widest)))


def _states(trajectories: Any) -> list:
    return [trajectories] if hasattr(trajectories, "states") else list(trajectories)


def _speeds(dynamics: Any, result: Any) -> np.ndarray:
    """|ẋ| along a path: from the model's field when given, else by finite differences."""
    s = np.asarray(result.states, dtype=float)
    if hasattr(dynamics, "payoff_differences"):
        field = s * (1 - s) * np.real(dynamics.payoff_differences(s.T)).T
    else:
        field = np.gradient(s, np.asarray(result.t, dtype=float), axis=0)
    return np.linalg.norm(field, axis=1)


def phase_portrait(model_dynamics_or_model: Any, trajectories: Sequence[Any], derivation: Any, *, ax: Axes | None = None) -> Figure:
    """Trajectories of a three-population model in the unit cube, coloured by speed.

    Parameters
    ----------
    model_dynamics_or_model : ModelDynamics or Model
        For the populations' names (and, a ModelDynamics, the exact speed |ẋ| along each path;
        a Model gives finite differences of the sampled path).
    trajectories : sequence of Trajectory
        Computed runs (``t``, ``states``), e.g. from several starts.
    derivation : Derivation
        Its corners and rest points are marked: filled when asymptotically stable
        (``gid="rest-stable"``), open otherwise (``gid="rest-other"``).
    ax : Axes, optional
        A 3-D axes to draw in.

    Raises
    ------
    ValueError
        If the model does not have three populations.
    """
    from mpl_toolkits.mplot3d.art3d import Line3DCollection

    model = _model_of(model_dynamics_or_model)
    if len(model.populations) != 3:
        raise ValueError(f"a phase portrait in the unit cube needs 3 populations, got {len(model.populations)}")
    runs = _states(trajectories)
    labels = population_labels(model)
    with plot_style():
        if ax is None:
            fig = Figure(figsize=(SINGLE_COLUMN * 1.45, SINGLE_COLUMN * 1.3), layout="constrained")
            ax = fig.add_subplot(projection="3d")
        else:
            fig = ax.figure
        speeds = [_speeds(model_dynamics_or_model, r) for r in runs]
        positive = np.concatenate([v[v > 0] for v in speeds]) if speeds else np.array([])
        top = float(positive.max()) if positive.size else 1.0
        norm = mcolors.LogNorm(vmin=max(float(positive.min()) if positive.size else 1e-3, top * 1e-4), vmax=top)
        # viridis without its palest yellows, which vanish on a white page
        cmap = mcolors.ListedColormap(matplotlib.colormaps["viridis"](np.linspace(0.0, 0.85, 256)), name="speed")
        for r, v in zip(runs, speeds):
            s = np.asarray(r.states, dtype=float)
            segments = np.stack([s[:-1], s[1:]], axis=1)
            lines = Line3DCollection(segments, cmap=cmap, norm=norm, linewidths=0.9, gid="path")
            lines.set_array(np.clip(0.5 * (v[:-1] + v[1:]), norm.vmin, None))
            ax.add_collection3d(lines)
            ax.scatter([s[0, 0]], [s[0, 1]], [s[0, 2]], color="0.45", s=5, depthshade=False, gid="start")
        points = [(row.corner, row.verdict) for row in derivation.corners]
        points += [(p.point, p.verdict) for p in derivation.rest_points]
        for where, judged in points:
            stable = judged == "stable"
            ax.scatter(
                [where[0]], [where[1]], [where[2]], s=34 if stable else 22, marker="o", depthshade=False,
                facecolors=_REST if stable else "white", edgecolors=_REST, linewidths=0.8,
                gid="rest-stable" if stable else "rest-other", zorder=5,
            )  # fmt: skip
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_zlim(0, 1)
        for setter, text in zip((ax.set_xlabel, ax.set_ylabel, ax.set_zlabel), labels):
            setter(text, labelpad=4)
        ax.tick_params(pad=0, labelsize=6)
        ax.view_init(elev=22, azim=-55)
        # The layout does not see a 3-D axes' labels: shrink the box so they stay on the figure.
        ax.set_box_aspect((1, 1, 1), zoom=0.82)
        bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.55, pad=0.08, location="left")
        bar.set_label(r"speed $\|\dot{x}\|$", fontsize=7)
        bar.ax.tick_params(labelsize=6)
        handles = [
            Line2D([], [], marker="o", linestyle="", markersize=5, markerfacecolor=_REST, markeredgecolor=_REST, label="asymptotically stable"),
            Line2D([], [], marker="o", linestyle="", markersize=4.5, markerfacecolor="white", markeredgecolor=_REST, label="rest point, not stable"),
            Line2D([], [], marker="o", linestyle="", markersize=2.5, color="0.45", label="start"),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=3)
    return fig


def shares_over_time(trajectories: Any, model: Any, *, ax: Axes | None = None) -> Figure:
    """Each population's share playing its first strategy over time, for any number of
    populations: one colour per population (``gid="share-k"``), one line per run.

    Parameters
    ----------
    trajectories : Trajectory or sequence of Trajectory
    model : Model or ModelDynamics
        For the populations' names.
    ax : Axes, optional
    """
    runs = _states(trajectories)
    labels = population_labels(model)
    k_count = len(labels)
    with plot_style():
        fig, (ax,) = new_figure(DOUBLE_COLUMN * 0.62, DOUBLE_COLUMN * 0.42) if ax is None else (ax.figure, [ax])
        for r in runs:
            s = np.asarray(r.states, dtype=float)
            if s.shape[1] != k_count:
                raise ValueError(f"a trajectory has {s.shape[1]} shares; the model has {k_count} populations")
            for k in range(k_count):
                ax.plot(
                    r.t,
                    s[:, k],
                    color=_SERIES[k % len(_SERIES)],
                    linestyle=_DASHES[k % len(_DASHES)],
                    linewidth=0.9,
                    alpha=0.85 if len(runs) > 1 else 1.0,
                    gid=f"share-{k}",
                )
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlabel("time $t$")
        ax.set_ylabel("share playing the first strategy")
        handles = [Line2D([], [], color=_SERIES[k % len(_SERIES)], linestyle=_DASHES[k % len(_DASHES)], linewidth=1.2, label=labels[k]) for k in range(k_count)]
        fig.legend(handles=handles, loc="outside lower center", ncols=_legend_columns(labels, fig.get_figwidth()))
    return fig


def _corner_names(model: Any, corners: Sequence[Sequence[int]]) -> list[str]:
    names = [" / ".join(model.strategies[k][0 if c else 1] for k, c in enumerate(corner)) for corner in corners]
    if max(len(n) for n in names) <= 42:
        return names
    return ["(" + ", ".join(str(int(c)) for c in corner) + ")" for corner in corners]


def sweep_figure(sweep: Any, model: Any) -> Figure:
    """A bifurcation-style figure of one parameter's sweep: the verdict of every pure corner
    along the parameter (a band per corner, coloured by verdict, ``gid="band-<corner>"``, the
    changes marked by dotted lines) over the long-run shares from each start
    (``gid="final-k"``).

    Parameters
    ----------
    sweep : ModelSweep
        Reads ``parameter``, ``values``, ``corners``, ``verdicts``, ``final_shares`` and ``changes``.
    model : Model or ModelDynamics
        For the populations' and strategies' names.
    """
    model = _model_of(model)
    values = np.asarray(sweep.values, dtype=float)
    verdicts = np.asarray(sweep.verdicts)
    corners = [tuple(int(c) for c in corner) for corner in sweep.corners]
    final = np.asarray(sweep.final_shares, dtype=float)
    labels = population_labels(model)
    names = _corner_names(model, corners)
    n = len(values)
    # each value owns the interval halfway to its neighbours
    edges = np.concatenate(
        [
            [values[0] - (values[1] - values[0]) / 2 if n > 1 else values[0] - 0.5],
            (values[:-1] + values[1:]) / 2,
            [values[-1] + (values[-1] - values[-2]) / 2 if n > 1 else values[0] + 0.5],
        ]
    )
    band_height = 0.16
    with plot_style():
        top_height = max(1.2, band_height * len(corners) + 0.5)
        fig = Figure(figsize=(DOUBLE_COLUMN * 0.75, top_height + 2.1), layout="constrained")
        grid = fig.add_gridspec(2, 1, height_ratios=[top_height, 2.1])
        bands = fig.add_subplot(grid[0])
        shares = fig.add_subplot(grid[1], sharex=bands)
        for row, corner in enumerate(corners):
            y = len(corners) - 1 - row
            start = 0
            for i in range(1, n + 1):
                if i == n or verdicts[i, row] != verdicts[start, row]:
                    judged = str(verdicts[start, row])
                    bands.broken_barh(
                        [(edges[start], edges[i] - edges[start])], (y - 0.4, 0.8),
                        facecolors=VERDICT_COLORS.get(judged, "#FFFFFF"), edgecolor="none", gid="band-" + "".join(map(str, corner)),
                    )  # fmt: skip
                    start = i
        bands.set_yticks(range(len(corners)), names[::-1], fontsize=6)
        bands.set_ylim(-0.6, len(corners) - 0.4)
        bands.set_ylabel("pure corner")
        bands.tick_params(axis="y", length=0)
        bands.spines["left"].set_visible(False)
        for change in sweep.changes:
            at = (float(change[1]) + float(change[2])) / 2
            bands.axvline(at, color="0.3", linestyle=(0, (1, 1.5)), linewidth=0.6, gid="change")
            shares.axvline(at, color="0.3", linestyle=(0, (1, 1.5)), linewidth=0.6)
        bands.tick_params(axis="x", labelbottom=False)
        present = [v for v in VERDICT_COLORS if np.any(verdicts == v)]
        bands.legend(
            handles=[Patch(facecolor=VERDICT_COLORS[v], label=_VERDICT_WORDS[v]) for v in present],
            loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(present), borderaxespad=0.2,
        )  # fmt: skip
        k_count = final.shape[2] if final.ndim == 3 else 0
        for k in range(k_count):
            color = _SERIES[k % len(_SERIES)]
            for s in range(final.shape[1]):
                shares.plot(
                    values,
                    final[:, s, k],
                    color=color,
                    linestyle=_DASHES[k % len(_DASHES)],
                    linewidth=0.6,
                    alpha=0.55,
                    marker="o",
                    markersize=2,
                    gid=f"final-{k}",
                )
        shares.set_ylim(-0.05, 1.05)
        shares.set_xlim(edges[0], edges[-1])
        shares.set_xlabel(_parameter_label(model, sweep.parameter))
        shares.set_ylabel("long-run share")
        handles = [
            Line2D([], [], color=_SERIES[k % len(_SERIES)], linestyle=_DASHES[k % len(_DASHES)], marker="o", markersize=3, linewidth=0.8, label=labels[k])
            for k in range(k_count)
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=_legend_columns(labels, fig.get_figwidth()) if labels else 1)
    return fig


def _parameter_label(model: Any, name: str) -> str:
    import sympy

    parameter = getattr(model, "parameters", {}).get(name)
    note = getattr(parameter, "note", "")
    symbol = f"${sympy.latex(sympy.Symbol(name))}$"
    if note and any(ord(ch) >= 0x2E80 for ch in note):
        # mathtext sets a whole string and has no CJK glyphs: a Chinese note stands alone.
        return note if len(note) <= 50 else name
    note = note.replace("$", r"\$")
    return f"{symbol} ({note})" if note and len(note) <= 50 else symbol
