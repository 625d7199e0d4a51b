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
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from games.errors import UserInputError

from .dynamics import STRATEGY_WORDS, _run_note, strategy_word
from .style import DOUBLE_COLUMN, OKABE_ITO, SINGLE_COLUMN, plot_style, text_width

__all__ = [
    "STRATEGY_WORDS",
    "VERDICT_COLORS",
    "VERDICT_HATCHES",
    "phase_portrait",
    "population_labels",
    "share_label",
    "shares_over_time",
    "strategy_word",
    "sweep_figure",
]

#: The colour of each verdict in sweep figures (Okabe–Ito): bluish green, sky blue, vermillion
#: and grey, at least ΔE 37 apart under simulated deuteranopia and protanopia (orange and
#: vermillion were 18 apart: the same colour to many readers).
VERDICT_COLORS = {"stable": "#009E73", "saddle": "#56B4E9", "unstable": "#D55E00", "inconclusive": "#BBBBBB"}
#: A second cue besides colour: saddle bands hatched, non-hyperbolic ones dotted.
VERDICT_HATCHES = {"stable": "", "saddle": "////", "unstable": "", "inconclusive": ".."}
_VERDICT_WORDS = {"stable": "asymptotically stable", "saddle": "saddle", "unstable": "unstable", "inconclusive": "non-hyperbolic"}
_SERIES = (OKABE_ITO[5], OKABE_ITO[6], OKABE_ITO[3], OKABE_ITO[1], OKABE_ITO[7], OKABE_ITO[2], OKABE_ITO[0])
_DASHES = ("solid", (0, (4, 2)), (0, (1, 1)), (0, (6, 2, 1, 2)))
_MARKERS = ("o", "s", "^", "D")
#: The colour of phase-portrait paths (the cube of :func:`solver.plots.cube_trajectories` too).
_PATH = OKABE_ITO[5]
#: Marker colour of rest points: stable ones filled with it, the others open (white inside).
_REST = "#000000"


def _model_of(obj: Any) -> Any:
    """The model behind a Model or a ModelDynamics."""
    return obj.model if hasattr(obj, "model") and hasattr(obj.model, "populations") else obj


def population_labels(model: Any) -> list[str]:
    """``"population: first strategy"`` for each population: the share each axis shows, the
    strategy in words (:func:`strategy_word`).

    >>> from games.model import builtin_model
    >>> population_labels(builtin_model("three-party"))[2]
    'higher-level government H: strict supervision'
    """
    model = _model_of(model)
    return [f"{p}: {strategy_word(s[0])}" for p, s in zip(model.populations, model.strategies)]


def share_label(model: Any) -> str:
    """The y label of shares over time: "share cooperating" when every population's first
    strategy is to cooperate, "share playing <strategy>" when they share another one, else
    "share playing the strategy named in the legend".

    >>> from games.model import builtin_model
    >>> share_label(builtin_model("three-party"))
    'share playing the strategy named in the legend'
    """
    model = _model_of(model)
    first = {strategy_word(s[0]) for s in model.strategies}
    if len(first) != 1:
        return "share playing the strategy named in the legend"
    (word,) = first
    return "share cooperating" if word == "cooperate" else f"share playing {word}"


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


def phase_portrait(model_dynamics_or_model: Any, trajectories: Sequence[Any], derivation: Any, *, ax: Axes | None = None) -> Figure:
    """Trajectories of a three-population model in the unit cube, from their starts to where
    they end, with the model's rest points.

    Every path is one colour (``gid="path"``): shading by speed (a colour bar from 10⁻⁴ to 1)
    left every path the same light green, as runs spend most of their length fast. The axes
    name each population and its strategy in words ("higher-level government H: strict
    supervision").

    Parameters
    ----------
    model_dynamics_or_model : ModelDynamics or Model
        For the populations' and strategies' names.
    trajectories : sequence of Trajectory
        Computed runs (``t``, ``states``), e.g. from several starts.
    derivation : Derivation
        Its corners and rest points are marked: filled when asymptotically stable
        (``gid="rest-stable"``), open otherwise (``gid="rest-other"``).
    ax : Axes, optional
        A 3-D axes to draw in.

    Raises
    ------
    UserInputError
        If the model does not have three populations.
    """
    from .dynamics import cube_ticks

    model = _model_of(model_dynamics_or_model)
    if len(model.populations) != 3:
        raise UserInputError(f"a phase portrait in the unit cube needs 3 populations, got {len(model.populations)}")
    runs = _states(trajectories)
    labels = [_wrapped(t) for t in population_labels(model)]
    with plot_style():
        if ax is None:
            fig = Figure(figsize=(SINGLE_COLUMN * 1.3, SINGLE_COLUMN * 1.3), layout="constrained")
            ax = fig.add_subplot(projection="3d")
        else:
            fig = ax.figure
        for r in runs:
            s = np.asarray(r.states, dtype=float)
            ax.plot(s[:, 0], s[:, 1], s[:, 2], color=_PATH, linewidth=0.9, gid="path")
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
        cube_ticks(ax)
        ax.view_init(elev=22, azim=-55)
        # The layout does not see a 3-D axes' labels: shrink the box so they stay on the figure.
        ax.set_box_aspect((1, 1, 1), zoom=0.8)
        handles = [
            Line2D([], [], color=_PATH, linewidth=0.9, label="trajectory"),
            Line2D([], [], marker="o", linestyle="", markersize=2.5, color="0.45", label="start"),
            Line2D([], [], marker="o", linestyle="", markersize=5, markerfacecolor=_REST, markeredgecolor=_REST, label="asymptotically stable"),
            Line2D([], [], marker="o", linestyle="", markersize=4.5, markerfacecolor="white", markeredgecolor=_REST, label="rest point, not stable"),
        ]
        fig.legend(handles=handles, loc="outside lower center", ncols=2)
    return fig


def _start_text(states: np.ndarray) -> str:
    return "(" + ", ".join(f"{v:.2g}" for v in states[0]) + ")"


def shares_over_time(trajectories: Any, model: Any) -> Figure:
    """Each population's share playing its first strategy over time: one panel per population
    (titled by it and the strategy in words), one colour per run, the same in every panel,
    so a run's lines pair across panels (``gid="share-k"`` in panel k). The legend names each
    run by its start, and says when a run had not settled ("not settled by t = 40",
    "cycling"); the y label names the strategy (:func:`share_label`).

    Parameters
    ----------
    trajectories : Trajectory, or a sequence of Trajectory or of (label, Trajectory)
        E.g. :func:`solver.dynamics.initial_sensitivity` (one horizon, long enough that every
        run settles); a label replaces the start in the legend.
    model : Model or ModelDynamics
        For the populations' and strategies' names.
    """
    pairs = [item if isinstance(item, tuple) else (None, item) for item in _states(trajectories)]
    labels = population_labels(model)
    k_count = len(labels)
    for _, r in pairs:
        if np.asarray(r.states).shape[1] != k_count:
            raise ValueError(f"a trajectory has {np.asarray(r.states).shape[1]} shares; the model has {k_count} populations")
    with plot_style():
        ncols = min(k_count, 3)
        nrows = -(-k_count // ncols)
        fig = Figure(figsize=(DOUBLE_COLUMN * (0.75 if k_count <= 2 else 1.0), DOUBLE_COLUMN * 0.36 * nrows + 0.3), layout="constrained")
        axes = list(fig.subplots(nrows, ncols, squeeze=False, sharey=True).ravel())
        colors = _run_colors(len(pairs))
        for k, ax in enumerate(axes):
            if k >= k_count:
                ax.set_visible(False)
                continue
            for i, (_, r) in enumerate(pairs):
                ax.plot(r.t, np.asarray(r.states, dtype=float)[:, k], color=colors[i], linestyle=_DASHES[i % len(_DASHES)], linewidth=0.9, gid=f"share-{k}")
            ax.set_ylim(-0.03, 1.03)
            ax.set_xlabel("time $t$")
            ax.set_title(_wrapped(labels[k]))
            if k % ncols == 0:
                ax.set_ylabel(share_label(model))
            else:
                ax.tick_params(labelleft=False)
        texts = [(label or _start_text(np.asarray(r.states))) + _run_note(r) for label, r in pairs]
        handles = [Line2D([], [], color=colors[i], linestyle=_DASHES[i % len(_DASHES)], linewidth=1.2, label=t) for i, t in enumerate(texts)]
        # The legend's title says what the numbers of a start are: each population's share.
        starts = all(t.startswith("(") for t in texts)
        title = "start (" + ", ".join(_model_of(model).populations) + ")" if starts else None
        fig.legend(handles=handles, loc="outside lower center", ncols=_legend_columns(texts, fig.get_figwidth(), most=4), title=title)
    return fig


def _run_colors(n: int) -> list[str]:
    """One colour per run: the Okabe–Ito series while it lasts, then viridis steps."""
    if n <= len(_SERIES):
        return list(_SERIES[:n])
    return [mcolors.to_hex(c) for c in matplotlib.colormaps["viridis"](np.linspace(0, 0.9, n))]


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
                        facecolors=VERDICT_COLORS.get(judged, "#FFFFFF"), edgecolor="white", linewidth=0,
                        hatch=VERDICT_HATCHES.get(judged, ""), gid="band-" + "".join(map(str, corner)),
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
            handles=[Patch(facecolor=VERDICT_COLORS[v], edgecolor="white", linewidth=0, hatch=VERDICT_HATCHES[v], label=_VERDICT_WORDS[v]) for v in present],
            loc="lower left", bbox_to_anchor=(0, 1.0), ncols=len(present), borderaxespad=0.2,
        )  # fmt: skip
        k_count = final.shape[2] if final.ndim == 3 else 0
        starts = final.shape[1] if final.ndim == 3 else 0
        for k in range(k_count):
            color = _SERIES[k % len(_SERIES)]
            for s in range(starts):
                # A marker at every computed value; the thin line between them only guides the
                # eye (nothing was computed there).
                shares.plot(
                    values,
                    final[:, s, k],
                    color=color,
                    linestyle=_DASHES[k % len(_DASHES)],
                    linewidth=0.5,
                    alpha=0.6,
                    marker=_MARKERS[k % len(_MARKERS)],
                    markersize=3.5,
                    markeredgewidth=0,
                    gid=f"final-{k}",
                )
        shares.set_ylim(-0.05, 1.05)
        shares.set_xlim(edges[0], edges[-1])
        shares.set_xlabel(_parameter_label(model, sweep.parameter))
        shares.set_ylabel("long-run share")
        handles = [_series_handle(k, labels[k], marker=True) for k in range(k_count)]
        title = f"one line per start, {starts} starts; a marker at each computed value" if starts > 1 else "a marker at each computed value"
        fig.legend(handles=handles, loc="outside lower center", ncols=_legend_columns(labels, fig.get_figwidth()) if labels else 1, title=title)
    return fig


def _series_handle(k: int, label: str, *, marker: bool = False) -> Line2D:
    """The legend handle of population k's series (its colour, dashes and, in sweeps, marker)."""
    style = {"marker": _MARKERS[k % len(_MARKERS)], "markersize": 3.5} if marker else {}
    return Line2D([], [], color=_SERIES[k % len(_SERIES)], linestyle=_DASHES[k % len(_DASHES)], linewidth=0.8, label=label, **style)


def _parameter_label(model: Any, name: str) -> str:
    """A swept parameter in words: its note ("Yongkang's stage payoff T"), else its symbol.

    >>> from games.model import builtin_model
    >>> _parameter_label(builtin_model("three-party"), "s"), _parameter_label(None, "T_row")
    ('subsidy to a cooperating region under strict supervision', '$T_{row}$')
    """
    import sympy

    parameter = getattr(model, "parameters", {}).get(name)
    note = getattr(parameter, "note", "")
    if note and len(note) <= 60:
        # The note alone, as plain text: "$T_{row}$ (…)" put the internal name before the words,
        # and mathtext has no CJK glyphs for a Chinese note.
        return note.replace("$", r"\$")
    return f"${sympy.latex(sympy.Symbol(name))}$"
