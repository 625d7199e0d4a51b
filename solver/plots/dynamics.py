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
from games.errors import UserInputError

from ..dynamics import EnsembleResult, EvolutionResult, Trajectory
from .style import DOUBLE_COLUMN, OKABE_ITO, SINGLE_COLUMN, new_figure, plot_style, wrap_text

__all__ = [
    "STRATEGY_COLORS",
    "STRATEGY_WORDS",
    "cooperation_over_time",
    "cube_ticks",
    "cube_trajectories",
    "network_snapshot",
    "population_names",
    "sensitivity_panels",
    "strategy_word",
    "time_paths",
]

#: Colours of cooperators and defectors in network snapshots.
STRATEGY_COLORS = {"C": OKABE_ITO[5], "D": OKABE_ITO[6]}
_SERIES = (OKABE_ITO[5], OKABE_ITO[6], OKABE_ITO[3], OKABE_ITO[1], OKABE_ITO[7], OKABE_ITO[2], OKABE_ITO[0])
_DASHES = ("solid", (0, (4, 2)), (0, (1, 1)), (0, (6, 2, 1, 2)))
#: The populations of the three-party model (:class:`games.ThreeParty`) with the strategy whose
#: share is drawn, as every figure names them (the default of the figures below).
_NAMES = tuple(f"{who}: {what}" for who, what in zip(ThreeParty.names, ("cooperate", "cooperate", "strict supervision")))


#: The words a figure prints for terse strategy names: the textbook letters, and the supervision
#: adjectives of the three-party model ("H: strict" reads as a verdict, not a strategy).
STRATEGY_WORDS = {"C": "cooperate", "D": "defect", "strict": "strict supervision", "lax": "lax supervision"}


def strategy_word(name: str) -> str:
    """A strategy as a figure names it (:data:`STRATEGY_WORDS`, else the model's own name).

    >>> strategy_word("C"), strategy_word("invest")
    ('cooperate', 'invest')
    """
    return STRATEGY_WORDS.get(name, name)


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
        return tuple(f"{p}: {strategy_word(s[0])}" for p, s in zip(model.populations, model.strategies))
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
    strategy (``names``, else those of ``model``, else the three-party model's). Populations
    whose paths coincide are drawn alike and share one entry ("local government A and B: cooperate
    (identical)")."""
    names = _names(names, model)
    count = result.states.shape[1]
    labels = [names[k] if k < len(names) else f"population {k + 1}" for k in range(count)]
    # Paths that coincide are drawn alike, under one entry naming both: a second line hidden
    # under the first looked like a missing population.
    same = {k: next(j for j in range(k + 1) if np.allclose(result.states[:, j], result.states[:, k], rtol=0, atol=1e-9)) for k in range(count)}
    with plot_style():
        fig, (ax,) = new_figure() if ax is None else (ax.figure, [ax])
        for k in range(count):
            first = same[k]
            twins = [labels[j] for j in range(count) if same[j] == first]
            label = None if first != k else _identical(twins) if len(twins) > 1 else labels[k]
            style = {"color": _SERIES[first % len(_SERIES)], "linestyle": _DASHES[first % len(_DASHES)]}
            ax.plot(result.t, result.states[:, k], **style, label=label, gid="path")
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
        cube_ticks(ax)
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


def _identical(labels: Sequence[str]) -> str:
    """One legend entry for populations whose paths coincide.

    >>> _identical(["local government A: cooperate", "local government B: cooperate"])
    'local government A and B: cooperate (identical)'
    >>> _identical(["county A: invest", "city B: build"])
    'county A: invest and city B: build (identical)'
    """
    parts = [label.split(": ", 1) for label in labels]
    if all(len(p) == 2 for p in parts) and len({p[1] for p in parts}) == 1:
        words = [p[0].split(" ") for p in parts]
        common = 0
        while all(len(w) > common + 1 and w[common] == words[0][common] for w in words):
            common += 1
        heads = [" ".join(w[common:]) for w in words]
        who = " ".join([*words[0][:common], ", ".join(heads[:-1]) + " and " + heads[-1]])
        return f"{who}: {parts[0][1]} (identical)"
    return ", ".join(labels[:-1]) + " and " + labels[-1] + " (identical)"


def cube_ticks(ax) -> None:
    """Ticks 0, 0.5, 1 on the three axes of a unit cube, the y axis's 0 unlabelled: at the front
    corner the x axis's "1" and the y axis's "0" ran together ("1.00.0")."""
    for axis in (ax.xaxis, ax.yaxis, ax.zaxis):
        axis.set_ticks([0, 0.5, 1], ["0", "0.5", "1"])
    ax.yaxis.set_ticks([0, 0.5, 1], ["", "0.5", "1"])


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
    time axis ends a little after the last run has settled (at a round time past
    :data:`~solver.dynamics.sensitivity.MARGIN` times its settling time), or spans every run
    when one has not settled.
    Panels are titled by population and strategy (``names``, else those of ``model``, else
    the three-party model's).
    """
    from ..dynamics.sensitivity import MARGIN, settling_time

    names = _names(names, model)
    k = runs[0][1].states.shape[1] if runs else 3
    end = max((float(r.t[-1]) for _, r in runs), default=1.0)
    settled = [settling_time(r) for _, r in runs]
    # A little past the last run's settling (all of every run when one has not settled): a
    # fixed horizon left the panels mostly flat.
    span = min(end, _nice(MARGIN * max(settled))) if runs and all(t is not None for t in settled) else end
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


def _nice(t: float) -> float:
    """The least of 1, 2, 2.5, 5 times a power of ten that is ≥ t (an axis ends on a tick).

    >>> _nice(16.3), _nice(0.2)
    (20.0, 1.0)
    """
    t = max(t, 1.0)
    power = 10.0 ** np.floor(np.log10(t))
    return float(next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= t * (1 - 1e-12)))


def _settles_early(series: np.ndarray) -> bool:
    """Whether a long series stops changing within its first 5 % of steps."""
    if len(series) < 200:
        return False
    moving = np.flatnonzero(np.abs(np.diff(series)) > 1e-12)
    last = moving[-1] + 1 if len(moving) else 0
    return last < len(series) / 20


def _count(n: int, what: str) -> str:
    """ "one run", "5 runs", "1 region", "0 regions"."""
    return f"{n} {what}" + ("" if n == 1 else "s")


def _endings(finals: np.ndarray) -> str:
    """Where the runs end, when they end at few values: "4 end at 0, 1 at 1"; "" otherwise."""
    values, counts = np.unique(np.round(finals, 6), return_counts=True)
    if len(values) > 3:
        return ""
    parts = [f"{c} at {v:.2g}" for v, c in sorted(zip(values, counts), key=lambda p: -p[1])]
    return parts[0].replace(" at ", " end at ", 1) + "".join(", " + p for p in parts[1:]) if len(finals) > 1 else ""


def cooperation_over_time(result: EvolutionResult | EnsembleResult | Sequence[EvolutionResult], *, ax: Axes | None = None, label: str = "") -> Figure:
    """The share of regions cooperating over time.

    For several runs (an :class:`~solver.dynamics.EnsembleResult` with its ``runs``, or a
    sequence of :class:`~solver.dynamics.EvolutionResult`) every run is a thin line
    (``gid="run"``) under their mean (``gid="share"``), and the legend says how many runs there
    are and, when they end at few values, where they end ("4 end at 0, 1 at 1"): with few runs
    that end at 0 or 1 (absorbing states), a confidence band of the mean spans most of [0, 1]
    and hides them. An ensemble without its runs is drawn as its mean and confidence band
    (``gid="band"``). ``label`` names the mean's line (the rule, say).

    When the share stops changing within the first 5 % of a long run, the step axis is
    logarithmic beyond step 1 (symlog), so the transient is visible and the flat tail stays short.
    """
    runs: np.ndarray | None = None
    if isinstance(result, EnsembleResult):
        runs = None if result.runs is None else np.asarray(result.runs, dtype=float)
    elif not isinstance(result, EvolutionResult):
        runs = np.array([np.asarray(r.cooperation, dtype=float) for r in result])
        if not len(runs):
            raise UserInputError("cooperation_over_time needs at least one run")
    with plot_style():
        fig, (ax,) = new_figure() if ax is None else (ax.figure, [ax])
        color = OKABE_ITO[5]
        if runs is not None and len(runs) > 1:
            series = runs.mean(axis=0)
            steps = np.arange(len(series))
            for k, run in enumerate(runs):
                ends = _endings(runs[:, -1])
                text = f"each of the {len(runs)} runs" + (f" ({ends})" if ends else "")
                ax.plot(steps, run, color=color, linewidth=0.6, alpha=0.45, label=text if k == 0 else None, gid="run")
            ax.plot(steps, series, color="black", linewidth=1.4, label=label or f"mean of the {len(runs)} runs", gid="share")
        elif isinstance(result, EnsembleResult) and runs is None:
            series = np.asarray(result.mean)
            steps = np.arange(len(series))
            count = len(result.seeds)
            if count >= 2:
                band = f"{result.confidence:.0%} confidence interval of the mean"
                ax.fill_between(steps, result.low, result.high, color=color, alpha=0.3, linewidth=0, label=band, gid="band")
                default = f"mean of {count} runs"
            else:
                default = f"one run (seed {result.seeds[0]})" if count else "no runs"
            ax.plot(steps, series, color=color, label=label or default, gid="share")
        else:
            one = result.seeds[0] if isinstance(result, EnsembleResult) else (result if isinstance(result, EvolutionResult) else result[0]).seed
            series = np.asarray(runs[0] if runs is not None else result.cooperation)  # type: ignore[union-attr]
            steps = np.arange(len(series))
            ax.plot(steps, series, color=color, label=label or f"one run (seed {one})", gid="share")
        ax.set_ylim(-0.03, 1.03)
        if all(_settles_early(r) for r in ([series] if runs is None else runs)):
            ax.set_xscale("symlog", linthresh=1, linscale=0.4)
            ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            ax.set_xlim(0, len(series) - 1)
            ax.set_xlabel("step (logarithmic scale)")
        else:
            ax.set_xlabel("step")
        ax.set_ylabel("share of regions cooperating")
        # Below the axes, one entry a line, so the legend is no wider than the axes: a share
        # that stays anywhere in [0, 1] leaves no corner free of data.
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=1)
    return fig


#: How a figure names the update rules of :func:`solver.dynamics.evolve_on_graph`.
_RULE_WORDS = {"fermi": "Fermi imitation", "death-birth": "death–birth updating", "best-neighbour": "imitate the best neighbour"}


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
        own = ax is None
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
        counts = {"C": int(np.sum(result.final == 0)), "D": int(np.sum(result.final == 1))}
        # Only the strategies some region ends with: an entry without a dot on the map names
        # nothing in it.
        handles = [
            Line2D([], [], marker="o", linestyle="", color=STRATEGY_COLORS[s], label=f"{word} ({_count(counts[s], 'region')})")
            for s, word in (("C", "cooperate"), ("D", "defect"))
            if counts[s]
        ]
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.02), ncols=2, title="final strategy")
        steps = len(result.cooperation) - 1
        rule = _RULE_WORDS.get(result.rule, result.rule)
        run = f"one run of {rule}" + (f" (seed {result.seed})" if result.seed is not None else "")
        title = wrap_text(f"Regions after {_count(steps, 'step')}: {run}", fig.get_figwidth() * 0.95, ax.title.get_fontsize())
        if own:  # a figure title: the layout keeps it inside the figure beside an equal-aspect map
            fig.suptitle(title, fontsize=ax.title.get_fontsize(), gid="run")
        else:
            ax.set_title(title, gid="run")
    return fig
