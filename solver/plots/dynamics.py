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

from ..dynamics import EnsembleResult, EvolutionResult, Trajectory
from .style import DOUBLE_COLUMN, LEVEL_COLORS, OKABE_ITO, SINGLE_COLUMN, new_figure, plot_style

__all__ = ["STRATEGY_COLORS", "cooperation_over_time", "cube_trajectories", "network_snapshot", "sensitivity_panels", "time_paths"]

#: Colours of cooperators and defectors in network snapshots.
STRATEGY_COLORS = {"C": OKABE_ITO[5], "D": OKABE_ITO[6]}
_SERIES = (OKABE_ITO[5], OKABE_ITO[6], OKABE_ITO[3], OKABE_ITO[1], OKABE_ITO[7], OKABE_ITO[2], OKABE_ITO[0])
_DASHES = ("solid", (0, (4, 2)), (0, (1, 1)), (0, (6, 2, 1, 2)))


def time_paths(result: Trajectory, names: Sequence[str] = ("x (A cooperates)", "y (B cooperates)", "z (H supervises)"), *, ax: Axes | None = None) -> Figure:
    """x(t), y(t), z(t), … of one trajectory (``gid="path"``)."""
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
        ax.legend(loc="best")
    return fig


def cube_trajectories(results: Sequence[Trajectory], labels: Sequence[str] = ("x", "y", "z"), *, stable: Sequence[Sequence[float]] = ()) -> Figure:
    """Trajectories of a 3-population model in the unit cube from many starts (``gid="path"``);
    ``stable`` points are marked (``gid="stable"``)."""
    with plot_style():
        fig = Figure(figsize=(SINGLE_COLUMN * 1.2, SINGLE_COLUMN * 1.1), layout="constrained")
        ax = fig.add_subplot(projection="3d")
        for r in results:
            s = r.states
            ax.plot(s[:, 0], s[:, 1], s[:, 2], color=OKABE_ITO[5], linewidth=0.7, gid="path")
            ax.scatter([s[0, 0]], [s[0, 1]], [s[0, 2]], color="0.4", s=6)
        for p in stable:
            ax.scatter([p[0]], [p[1]], [p[2]], color=LEVEL_COLORS["dominant"], s=40, edgecolor="black", depthshade=False, gid="stable")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_zlim(0, 1)
        ax.set_xlabel(labels[0], labelpad=-2)
        ax.set_ylabel(labels[1], labelpad=-2)
        ax.set_zlabel(labels[2], labelpad=-2)
        ax.tick_params(pad=0)
        ax.view_init(elev=22, azim=-55)
    return fig


def sensitivity_panels(runs: Sequence[tuple[str, Trajectory]], names: Sequence[str] = ("x", "y", "z"), title: str = "") -> Figure:
    """One panel per population; one line per run (a parameter value or an initial state)."""
    k = runs[0][1].states.shape[1] if runs else 3
    with plot_style():
        fig, axes = new_figure(DOUBLE_COLUMN, SINGLE_COLUMN * 0.75, ncols=k)
        for j, ax in enumerate(axes):
            for i, (label, r) in enumerate(runs):
                ax.plot(r.t, r.states[:, j], color=_SERIES[i % len(_SERIES)], linestyle=_DASHES[i % len(_DASHES)], label=label, gid="run")
            ax.set_ylim(-0.03, 1.03)
            ax.set_xlabel("time $t$")
            ax.set_title(names[j] if j < len(names) else f"population {j + 1}")
        axes[0].set_ylabel("share")
        handles = [Line2D([], [], color=_SERIES[i % len(_SERIES)], linestyle=_DASHES[i % len(_DASHES)], label=label) for i, (label, _) in enumerate(runs)]
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(runs), 5), title=title or None)
    return fig


def cooperation_over_time(result: EvolutionResult | EnsembleResult, *, ax: Axes | None = None, label: str = "") -> Figure:
    """The share of regions cooperating over time; for an ensemble, the mean and its band."""
    with plot_style():
        fig, (ax,) = new_figure() if ax is None else (ax.figure, [ax])
        if isinstance(result, EnsembleResult):
            steps = np.arange(len(result.mean))
            ax.fill_between(
                steps, result.low, result.high, color=OKABE_ITO[5], alpha=0.2, linewidth=0, label=f"{result.confidence:.0%} confidence interval", gid="band"
            )
            ax.plot(steps, result.mean, color=OKABE_ITO[5], label=label or f"mean of {len(result.seeds)} runs", gid="share")
        else:
            ax.plot(
                np.arange(len(result.cooperation)), result.cooperation, color=OKABE_ITO[5], label=label or f"{result.rule}, seed {result.seed}", gid="share"
            )
        ax.set_ylim(-0.03, 1.03)
        ax.set_xlabel("step")
        ax.set_ylabel("share of regions cooperating")
        ax.legend(loc="best")
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
