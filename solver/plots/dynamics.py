"""Figures of evolutionary dynamics: time paths, 3-D trajectories, sensitivity panels,
cooperation on a graph over time, and a network snapshot coloured by strategy.

Each takes computed results (:class:`~solver.dynamics.Trajectory`,
:class:`~solver.dynamics.EvolutionResult`, …) and returns the Figure.
"""

from __future__ import annotations

from collections.abc import Sequence

import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from games import ThreeParty

from ..dynamics import EnsembleResult, EvolutionResult, Trajectory
from .style import DOUBLE_COLUMN, OKABE_ITO, SINGLE_COLUMN, new_figure, plot_style

__all__ = ["STRATEGY_COLORS", "cooperation_over_time", "cube_trajectories", "network_snapshot", "population_names", "sensitivity_panels", "time_paths"]

#: Colours of cooperators and defectors in network snapshots.
STRATEGY_COLORS = {"C": OKABE_ITO[5], "D": OKABE_ITO[6]}
_SERIES = (OKABE_ITO[5], OKABE_ITO[6], OKABE_ITO[3], OKABE_ITO[1], OKABE_ITO[7], OKABE_ITO[2], OKABE_ITO[0])
_DASHES = ("solid", (0, (4, 2)), (0, (1, 1)), (0, (6, 2, 1, 2)))
#: The populations of the three-party model (:class:`games.ThreeParty`) with the strategy whose
#: share is drawn, as every figure names them (the default of the figures below).
_NAMES = tuple(f"{who}: {what}" for who, what in zip(ThreeParty.names, ("cooperate", "cooperate", "strict supervision")))


def population_names(model: object) -> tuple[str, ...]:
    """``"population: strategy"`` for each population of a model, the share each axis shows.

    A model file (:class:`games.model.Model`, or a ModelDynamics) names its populations and
    strategies; :class:`games.ThreeParty` is named as in :data:`_NAMES`; a
    :class:`~solver.dynamics.PayoffTable` or :class:`~solver.dynamics.CallableModel` by its
    ``names``.

    >>> population_names(ThreeParty())[2]
    'higher-level government H: strict supervision'
    """
    inner = getattr(model, "model", None)
    if inner is not None and hasattr(inner, "populations"):
        model = inner
    if hasattr(model, "populations") and hasattr(model, "strategies"):
        return tuple(f"{p}: {s[0]}" for p, s in zip(model.populations, model.strategies))
    if isinstance(model, ThreeParty):
        return _NAMES
    names = tuple(getattr(model, "names", ()) or ())
    return names or tuple(f"population {k + 1}" for k in range(int(getattr(model, "dimension", 0))))


def _names(names: Sequence[str] | None, model: object | None) -> Sequence[str]:
    if names is not None:
        return names
    return population_names(model) if model is not None else _NAMES


def time_paths(result: Trajectory, names: Sequence[str] | None = None, *, model: object | None = None, ax: Axes | None = None) -> Figure:
    """x(t), y(t), z(t), … of one trajectory (``gid="path"``), each named by its population and
    strategy (``names``, else those of ``model``, else the three-party model's)."""
    names = _names(names, model)
    with plot_style():
        fig, (ax,) = new_figure() if ax is None else (ax.figure, [ax])
        for k in range(result.states.shape[1]):
            label = names[k] if k < len(names) else f"population {k + 1}"
            ax.plot(result.t, result.states[:, k], color=_SERIES[k % len(_SERIES)], linestyle=_DASHES[k % len(_DASHES)], label=label, gid="path")
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlabel("time $t$")
        ax.set_ylabel("share")
        if result.cycling:
            ax.set_title("cycling: no rest point attracts the run", fontsize=7)
        # Below the axes: shares moving through [0, 1] leave no place inside sure to be free.
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=1)
    return fig


def cube_trajectories(
    results: Sequence[Trajectory], labels: Sequence[str] | None = None, *, stable: Sequence[Sequence[float]] = (), model: object | None = None
) -> Figure:
    """Trajectories of a 3-population model in the unit cube from many starts (``gid="path"``);
    ``stable`` points are marked (``gid="stable"``). The axes name each population and the
    strategy whose share they show (``labels``, else those of ``model``, else the three-party
    model's: "local government A: cooperate", …), never x, y, z. The legend names the start
    dots, the trajectories and the stable rest points."""
    labels = [_wrapped(t) for t in _names(labels, model)]
    with plot_style():
        fig = Figure(figsize=(SINGLE_COLUMN * 1.2, SINGLE_COLUMN * 1.2), layout="constrained")
        ax = fig.add_subplot(projection="3d")
        for r in results:
            s = r.states
            ax.plot(s[:, 0], s[:, 1], s[:, 2], color=OKABE_ITO[5], linewidth=0.7, gid="path")
            ax.scatter([s[0, 0]], [s[0, 1]], [s[0, 2]], color="0.4", s=6, gid="start")
        for p in stable:
            # Filled black, as model figures mark asymptotically stable rest points: apart
            # from the blue trajectories that end on it.
            ax.scatter([p[0]], [p[1]], [p[2]], color="black", s=36, edgecolor="white", linewidths=0.6, depthshade=False, gid="stable")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_zlim(0, 1)
        ax.set_xlabel(labels[0], labelpad=6)
        ax.set_ylabel(labels[1], labelpad=6)
        ax.set_zlabel(labels[2], labelpad=4)
        ax.tick_params(pad=0)
        ax.view_init(elev=22, azim=-55)
        # The layout does not see a 3-D axes' labels: shrink the box so they stay on the figure.
        ax.set_box_aspect((1, 1, 1), zoom=0.82)
        handles = [
            Line2D([], [], marker="o", markersize=2.5, linestyle="", color="0.4", label="start"),
            Line2D([], [], color=OKABE_ITO[5], linewidth=0.7, label="trajectory"),
        ]
        if len(stable):
            handles.append(Line2D([], [], marker="o", markersize=6, linestyle="", markerfacecolor="black", markeredgecolor="white", label="stable rest point"))
        fig.legend(handles=handles, loc="outside lower center", ncols=len(handles))
    return fig


def _wrapped(label: str) -> str:
    """A long axis label of the cube on two lines, after its colon."""
    return label.replace(": ", ":\n", 1) if len(label) > 24 else label


def _shared_prefix(labels: Sequence[str]) -> str:
    """The ``"name = "`` that every label starts with, or ""."""
    heads = {label.split(" = ", 1)[0] for label in labels if " = " in label}
    if len(heads) == 1 and all(" = " in label for label in labels):
        return heads.pop()
    return ""


def _run_note(run: Trajectory) -> str:
    """What the legend adds for a run that has not come to rest: "" for a converged run."""
    if run.converged:
        return ""
    if run.cycling:
        return " (cycling)"
    return f" (not settled by t = {float(run.t[-1]):g})"


def sensitivity_panels(runs: Sequence[tuple[str, Trajectory]], names: Sequence[str] | None = None, title: str = "", *, model: object | None = None) -> Figure:
    """One panel per population; one line per run (a parameter value or an initial state).

    When every run is labelled ``"<parameter> = <value>"`` (as
    :func:`~solver.dynamics.parameter_sensitivity` labels them) the legend names the parameter
    once, as its title (``title``, else the parameter's name), and each entry gives the value.
    A run that did not converge says so in its entry ("not settled by t = 50", "cycling"); the
    time axis spans the converged runs' horizon (all of every run when none converged).
    Panels are titled by population and strategy (``names``, else those of ``model``, else
    the three-party model's).
    """
    names = _names(names, model)
    k = runs[0][1].states.shape[1] if runs else 3
    converged = [float(r.t[-1]) for _, r in runs if r.converged]
    span = max(converged) if converged else max((float(r.t[-1]) for _, r in runs), default=1.0)
    with plot_style():
        fig, axes = new_figure(DOUBLE_COLUMN, SINGLE_COLUMN * 0.8, ncols=k)
        for j, ax in enumerate(axes):
            for i, (label, r) in enumerate(runs):
                ax.plot(r.t, r.states[:, j], color=_SERIES[i % len(_SERIES)], linestyle=_DASHES[i % len(_DASHES)], label=label, gid="run")
            ax.set_ylim(-0.03, 1.03)
            ax.set_xlim(0, span)
            ax.set_xlabel("time $t$")
            ax.set_title(_wrapped(names[j]) if j < len(names) else f"population {j + 1}")
        axes[0].set_ylabel("share")
        labels = [label for label, _ in runs]
        prefix = _shared_prefix(labels)
        if prefix:
            labels = [label.split(" = ", 1)[1] for label in labels]
            title = title or prefix.replace("_", " ")
        labels = [label + _run_note(r) for label, (_, r) in zip(labels, runs)]
        handles = [Line2D([], [], color=_SERIES[i % len(_SERIES)], linestyle=_DASHES[i % len(_DASHES)], label=label) for i, label in enumerate(labels)]
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(runs), 5 if all(not _run_note(r) for _, r in runs) else 3), title=title or None)
    return fig


def _settles_early(series: np.ndarray) -> bool:
    """Whether a long series stops changing within its first 5 % of steps."""
    if len(series) < 200:
        return False
    moving = np.flatnonzero(np.abs(np.diff(series)) > 1e-12)
    last = moving[-1] + 1 if len(moving) else 0
    return last < len(series) / 20


def cooperation_over_time(result: EvolutionResult | EnsembleResult, *, ax: Axes | None = None, label: str = "") -> Figure:
    """The share of regions cooperating over time; for an ensemble, the mean and its
    confidence band (``gid="band"``, drawn from two runs on).

    When the share stops changing within the first 5 % of a long run, the step axis is
    logarithmic beyond step 1 (symlog), so the transient is visible and the flat tail stays short.
    """
    with plot_style():
        fig, (ax,) = new_figure() if ax is None else (ax.figure, [ax])
        if isinstance(result, EnsembleResult):
            series = np.asarray(result.mean)
            steps = np.arange(len(series))
            runs = len(result.seeds)
            if runs >= 2:
                ax.fill_between(
                    steps,
                    result.low,
                    result.high,
                    color=OKABE_ITO[5],
                    alpha=0.3,
                    linewidth=0,
                    label=f"{result.confidence:.0%} confidence interval of the mean",
                    gid="band",
                )
                default = f"mean of {runs} runs"
            else:
                default = f"one run (seed {result.seeds[0]})" if runs else "no runs"
            ax.plot(steps, series, color=OKABE_ITO[5], label=label or default, gid="share")
        else:
            series = np.asarray(result.cooperation)
            steps = np.arange(len(series))
            ax.plot(steps, series, color=OKABE_ITO[5], label=label or f"{result.rule}, seed {result.seed}", gid="share")
        ax.set_ylim(-0.03, 1.03)
        if _settles_early(series):
            ax.set_xscale("symlog", linthresh=1, linscale=0.4)
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            ax.set_xlim(0, len(series) - 1)
            ax.set_xlabel("step (logarithmic scale)")
        else:
            ax.set_xlabel("step")
        ax.set_ylabel("share of regions cooperating")
        # Below the axes: a share that stays anywhere in [0, 1] leaves no corner free of data.
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2)
    return fig


def network_snapshot(G, result: EvolutionResult, *, ax: Axes | None = None, seed: int = 0, max_nodes: int = 3000) -> Figure:
    """The graph with each region coloured by its final strategy (``gid="regions"``).

    Uses the regions' coordinates when every node has ``lon``/``lat`` (a RegionNetwork),
    a 2-D lattice's own grid when nodes are (i, j) pairs, else a seeded spring layout.
    Graphs larger than ``max_nodes`` are drawn as a random sample of that many nodes.
    """
    from regions import RegionNetwork

    if isinstance(G, RegionNetwork):
        graph = nx.Graph(G.graph.subgraph(result.nodes))
        pos = {n: (G.region(n).lon, G.region(n).lat) for n in result.nodes} if all(G.region(n).lon is not None for n in result.nodes) else None
    else:
        graph, pos = G, None
    strategies = dict(zip(result.nodes, result.final))
    nodes = list(result.nodes)
    if len(nodes) > max_nodes:
        rng = np.random.default_rng(seed)
        nodes = list(np.array(nodes, dtype=object)[rng.choice(len(nodes), max_nodes, replace=False)])
        graph = graph.subgraph(nodes)
    if pos is None:
        if all(isinstance(n, tuple) and len(n) == 2 for n in nodes):
            pos = {n: n for n in nodes}
        else:
            pos = nx.spring_layout(graph, seed=seed)
    with plot_style():
        fig, (ax,) = new_figure() if ax is None else (ax.figure, [ax])
        small = len(nodes) <= 200
        edges = [(pos[a], pos[b]) for a, b in graph.edges() if a in pos and b in pos]
        if edges and small:
            from matplotlib.collections import LineCollection

            ax.add_collection(LineCollection(edges, colors="0.75", linewidths=0.5, zorder=1))
        xy = np.array([pos[n] for n in nodes], dtype=float)
        colors = [STRATEGY_COLORS["CD"[int(strategies[n])]] for n in nodes]
        ax.scatter(xy[:, 0], xy[:, 1], c=colors, s=30 if small else max(1.0, 4000 / len(nodes)), zorder=2, linewidths=0, gid="regions")
        ax.set_aspect("equal")
        ax.set_axis_off()
        share = float(np.mean(result.final == 0))
        handles = [Line2D([], [], marker="o", linestyle="", color=STRATEGY_COLORS[s], label=label) for s, label in (("C", "cooperate"), ("D", "defect"))]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncols=2, title=f"final strategies ({share:.0%} cooperate)")
    return fig
