"""Figures of mechanism design: phase diagrams, threshold curves, mechanism comparisons.

Each function takes computed results (:class:`~solver.design.phase.PhaseGrid`,
:class:`~solver.design.phase.ThresholdCurve`, :class:`~solver.design.Comparison`) and returns
the :class:`~matplotlib.figure.Figure`.
"""

from __future__ import annotations

import re
import textwrap

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from ..cooperation import LEVELS
from ..design.compare import Comparison
from ..design.gaps import fmt, tidy
from ..design.phase import PhaseGrid, ThresholdCurve
from .style import LEVEL_COLORS, OKABE_ITO, new_figure, plot_style, text_width

__all__ = ["LEVEL_CMAP", "mechanism_comparison", "phase_diagram", "threshold_curve"]

#: A discrete colormap over the levels in :data:`solver.LEVELS` order (index 0 = dominant).
LEVEL_CMAP = ListedColormap([LEVEL_COLORS[level] for level in LEVELS], name="cooperation-levels")
_NORM = BoundaryNorm(np.arange(len(LEVELS) + 1) - 0.5, len(LEVELS))
_PRETTY = {
    "subsidy": "subsidy $s$",
    "penalty": "penalty $f$",
    "detection": "detection $p$",
    "breach_penalty": "breach penalty $L$",
    "enforcement": "enforcement $e$",
    "discount": r"discount $\delta$",
    "noise": r"noise $\varepsilon$",
    "transfer": "transfer $t$",
    "fee": "fee $c$",
    "compensation": r"compensation $\theta$",
    "inspection_cost": "inspection cost $k$",
    "signing_cost": "signing cost $k$",
}


def pretty(name: str) -> str:
    """An axis label for a parameter name."""
    return _PRETTY.get(name, name.replace("_", " "))


def _least(name: str) -> str:
    """The label of a minimal strength: the parameter's label with its symbol starred.

    >>> _least("breach_penalty"), _least("widgets")
    ('least breach penalty $L^*$', 'least widgets')
    """
    label = pretty(name)
    return "least " + (label[:-1] + "^*$" if label.endswith("$") else label)


def _edges(values: np.ndarray) -> np.ndarray:
    mids = (values[1:] + values[:-1]) / 2
    first = values[0] - (mids[0] - values[0]) if len(values) > 1 else values[0] - 0.5
    last = values[-1] + (values[-1] - mids[-1]) if len(values) > 1 else values[-1] + 0.5
    return np.concatenate([[first], mids, [last]])


_MEANING = {"weak": "(C, C) becomes a Nash equilibrium", "strict": "(C, C) becomes a strict equilibrium", "dominant": "C becomes strictly dominant"}


def phase_diagram(phase: PhaseGrid, *, ax: Axes | None = None, legend: bool = True) -> Figure:
    """Cooperation levels over a grid of two parameters, one colour per level, with the
    analytic thresholds drawn where they exist (``gid="threshold-<level>"``).

    Where the grid carries a fine raster (2×2 stage mechanisms, decided exactly at each cell
    centre) the colours come from it, so no grid point lying on a threshold shows as a stray
    cell; thresholds that coincide are drawn once, with both meanings in the legend. The
    mechanism's own parameter values (``phase.operating``) are marked (``gid="operating"``).
    """
    with plot_style():
        fig, (ax,) = new_figure() if ax is None else (ax.figure, [ax])
        if phase.fine is not None:
            fx, fy, fine = phase.fine
            codes = np.vectorize(LEVELS.index)(fine).astype(float)
            x_edges = np.linspace(phase.x_values[0], phase.x_values[-1], len(fx) + 1)
            y_edges = np.linspace(phase.y_values[0], phase.y_values[-1], len(fy) + 1)
            shown = set(fine.ravel())
        else:
            codes = np.vectorize(LEVELS.index)(phase.levels).astype(float)
            x_edges, y_edges = _edges(phase.x_values), _edges(phase.y_values)
            shown = set(phase.levels.ravel())
        ax.pcolormesh(x_edges, y_edges, codes, cmap=LEVEL_CMAP, norm=_NORM, shading="flat", gid="levels", rasterized=True)
        drawn: list[tuple[list[str], np.ndarray, np.ndarray]] = []
        for target, (xs, ys) in phase.thresholds.items():
            same = next((d for d in drawn if len(d[1]) == len(xs) and np.allclose(d[1], xs) and np.allclose(d[2], ys)), None)
            if same is not None:
                same[0].append(target)
            else:
                drawn.append(([target], np.asarray(xs), np.asarray(ys)))
        styles = ("solid", (0, (4, 1.5)), (0, (1, 1)))
        for k, (targets, xs, ys) in enumerate(drawn):
            label = _wrap_label(" and ".join(_MEANING.get(t, f"reaches {t}") for t in targets), 30)
            # White beneath black: the line shows on every level colour, dark grey included.
            ax.plot(xs, ys, color="white", linewidth=2.4, solid_capstyle="butt", zorder=3)
            ax.plot(xs, ys, color="black", linewidth=1.2, linestyle=styles[k % 3], zorder=3.1, gid=f"threshold-{targets[0]}", label=label)
        if phase.operating is not None:
            ox, oy = phase.operating
            ax.plot([ox], [oy], marker="*", markersize=9, color="white", markeredgecolor="black", markeredgewidth=0.8, linestyle="none",
                    zorder=4, clip_on=False, gid="operating", label=f"current values ({_number(ox)}, {_number(oy)})")  # fmt: skip
        ax.set_xlim(x_edges[0], x_edges[-1])
        ax.set_ylim(y_edges[0], y_edges[-1])
        ax.set_xlabel(pretty(phase.x_name))
        ax.set_ylabel(pretty(phase.y_name))
        if legend:
            present = [level for level in LEVELS if level in shown]
            handles = [Patch(facecolor=LEVEL_COLORS[level], label=level) for level in present]
            handles += [h for h in ax.get_lines() if str(h.get_gid()).startswith(("threshold", "operating"))]
            ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncols=2, title="cooperation level")
    return fig


def threshold_curve(curve: ThresholdCurve, *, analytic=None, ax: Axes | None = None) -> Figure:
    """How a minimal strength moves as one stage-game payoff varies.

    The link's minimal strength (where the target holds for both governments) is the solid
    line (``gid="solver"``). On an asymmetric link each government's own threshold is drawn
    too, named by the government (``gid="player-0"``, ``"player-1"``): the link's is the upper
    of the two, so the figure shows whose incentive binds. ``analytic`` is an optional callable
    of the payoff value giving the formula's threshold, drawn dashed (``gid="analytic"``);
    unreachable values leave a gap.
    """
    x = curve.payoff_values

    def values(strengths) -> np.ndarray:
        return np.array([np.nan if v is None else v for v in strengths], dtype=float)

    y = values(curve.strengths)
    least = _least(curve.parameter)
    with plot_style():
        fig, (ax,) = new_figure() if ax is None else (ax.figure, [ax])
        ax.plot(x, y, color=OKABE_ITO[2], linewidth=3.2, marker="o", markersize=3.5, zorder=2, gid="solver", label="link: both governments (solver)")
        for k, (player, colour, dashes) in enumerate(zip(curve.players, (OKABE_ITO[6], OKABE_ITO[5]), ((0, (3, 1.5)), (0, (1, 1.2))))):
            if k < len(curve.player_strengths):
                # On top of the link's line, which one of them coincides with: the one that binds.
                ax.plot(x, values(curve.player_strengths[k]), c=colour, linewidth=1.3, linestyle=dashes, zorder=3, gid=f"player-{k}", label=f"{player} alone")
        if analytic is not None:
            fine = np.linspace(x.min(), x.max(), 200)
            ax.plot(fine, [analytic(v) for v in fine], color="black", linewidth=0.9, linestyle=(0, (4, 2)), gid="analytic", label="formula")
        if np.isnan(y).any():
            ax.plot([], [], " ", label="gaps: target unreachable")
        ax.set_xlabel(f"stage payoff ${curve.payoff}$ (both governments)")
        ax.set_ylabel(least)
        # Titled by what is plotted, in words: the mechanism and its parameter; the mechanism's
        # own current value (in ``curve.mechanism``, "repeated play (discount=0.9)") is not.
        mechanism = re.sub(r"\s*\(.*\)\s*$", "", curve.mechanism)
        ax.set_title(f"{mechanism}: {least} for cooperation at least {curve.target}", fontsize=7)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=2 if curve.player_strengths else 1)
    return fig


def _number(value: float) -> str:
    """A threshold in a figure: four significant digits and at most six decimals (parameters
    live on ranges of order one, so a bisection's 1e-09 is 0), no float artefacts.

    >>> _number(1 / 3), _number(2.9000000000000004), _number(1e-9), _number(-0.0), _number(25.5)
    ('0.3333', '2.9', '0', '0', '25.5')
    """
    return fmt(float(f"{round(float(tidy(value)), 6):.4g}"))


def _strength_text(s) -> str:
    if not s.feasible:
        return "unreachable"
    sign = "≥" if s.attained else ">"
    return f"{s.parameter.replace('_', ' ')}\n{sign} {_number(s.value)}"


def _ink(color) -> str:
    """Black or white, whichever reads better on ``color`` (WCAG relative luminance).

    >>> _ink("#0072B2"), _ink("#F0E442")
    ('white', 'black')
    """
    rgb = np.array(to_rgb(color))
    linear = np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    luminance = float(linear @ [0.2126, 0.7152, 0.0722])
    return "black" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "white"


def _region_name(region: str, names) -> str:
    """A region's display name: from ``names`` (a RegionNetwork or a mapping of ids), else the
    id title-cased (``"yongkang"`` → ``"Yongkang"``)."""
    if names is not None:
        if hasattr(names, "region"):
            try:
                return names.region(region).name
            except KeyError:
                pass
        elif region in names:
            return str(names[region])
    return region.replace("_", " ").title()


def _wrap_label(label: str, width: int = 34) -> str:
    """A row label on several lines: one mechanism of a stack (``a + b + c``) per line, and any
    line longer than ``width`` characters wrapped at spaces."""
    parts = label.split(" + ")
    lines = []
    for k, part in enumerate(parts):
        text = part + (" +" if k < len(parts) - 1 else "")
        lines.extend(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""])
    return "\n".join(lines)


def mechanism_comparison(comparison: Comparison, *, names=None, ax: Axes | None = None) -> Figure:
    """For each link, each mechanism's minimal strength (coloured by the level it reaches) and
    its net cost per play to the payer, side by side.

    ``names`` gives the regions' display names for the column headers: the
    :class:`~regions.RegionNetwork` compared, or a mapping of region ids; without it the ids
    are title-cased. Long row labels are wrapped one mechanism per line, and the figure is
    sized from the number of rows and columns and the lengths of its labels.

    Raises
    ------
    ValueError
        With ``ax`` (the figure has two panels), or for a comparison without rows.
    """
    if ax is not None:
        raise ValueError("mechanism_comparison draws two panels: call it without ax")
    if not comparison.rows:
        raise ValueError(f"comparison of {comparison.scenario!r} has no rows to draw")
    # A column per link, not per pair of regions: two links of one pair (two clusters) stay apart.
    keys = list(dict.fromkeys((*r.link.between, r.link.cluster) for r in comparison.rows))
    candidates = list(dict.fromkeys(r.candidate for r in comparison.rows))
    cell = {((*r.link.between, r.link.cluster), r.candidate): r for r in comparison.rows}
    shared = {key for key in keys if sum(k[:2] == key[:2] for k in keys) > 1}
    headers = ["–\n".join(_region_name(region, names) for region in key[:2]) + (f"\n({key[2]})" if key in shared else "") for key in keys]
    link_names = [h.replace("–\n", "–").replace("\n", " ") for h in headers]
    labels = [_wrap_label(name) for name in candidates]
    texts = {key: _strength_text(r.strength) for key, r in cell.items()}
    cell_size, tick_size = 6, 7
    # Sizes in inches, measured from the labels: each column fits its widest cell text and
    # header line, each row its label's lines and a two-line cell text.
    column = max([0.55] + [text_width(t, cell_size) + 0.14 for t in texts.values()] + [text_width(h, tick_size) + 0.1 for h in headers])
    line = tick_size * 1.3 / 72  # a line of a label drawn with linespacing 1 (see below)
    rows = np.array([max(2 * cell_size * 1.15 / 72 + 0.12, (label.count("\n") + 1) * line + 0.08) for label in labels])
    tops = np.concatenate([[0.0], np.cumsum(rows)[:-1]])
    centres = tops + rows / 2
    label_width = max(text_width(label, tick_size) for label in labels)
    grid_width = column * len(keys)
    cost_width = max(1.7, 0.25 * len(keys) + 1.2)
    width = label_width + grid_width + cost_width + 0.45
    height = rows.sum() + 1.45
    with plot_style():
        fig = Figure(figsize=(width, height), layout="constrained")
        fig.get_layout_engine().set(w_pad=0.03, h_pad=0.03, wspace=0.04)
        left, right = fig.subplots(1, 2, width_ratios=[grid_width, cost_width], sharey=True)
        levels_seen = set()
        for i, name in enumerate(candidates):
            for j, key in enumerate(keys):
                r = cell.get((key, name))
                if r is None:
                    continue
                s = r.strength
                if s.feasible and s.level:
                    levels_seen.add(s.level)
                color = LEVEL_COLORS[s.level] if s.feasible and s.level else "0.85"
                left.add_patch(Rectangle((j - 0.5, tops[i]), 1, rows[i], facecolor=color, edgecolor="white", linewidth=1.5, gid="strength"))
                text = texts[(key, name)]
                left.text(j, centres[i], text, ha="center", va="center", fontsize=cell_size, linespacing=1.1, color=_ink(color), gid="strength-text")
        left.set_xlim(-0.5, len(keys) - 0.5)
        left.set_ylim(rows.sum(), 0)
        left.xaxis.tick_top()
        left.set_xticks(np.arange(len(keys)), headers, linespacing=1.0, gid="link-header")
        left.set_yticks(centres, labels, linespacing=1.0, gid="row-label")
        left.tick_params(length=0)
        for spine in left.spines.values():
            spine.set_visible(False)
        handles = [Patch(facecolor=LEVEL_COLORS[level], label=level) for level in LEVELS if level in levels_seen]
        left.legend(
            handles=handles,
            title=f"level reached (target: {comparison.target})",
            loc="upper center",
            bbox_to_anchor=(0.5, -0.01),
            ncols=min(3, max(1, len(handles))),
        )
        bar = 0.8 * rows.min() / max(1, len(keys))
        shades = ["0.15", "0.5", "0.8", "0.35", "0.65"]
        for j, key in enumerate(keys):
            costs = []
            for name in candidates:
                r = cell.get((key, name))
                costs.append(r.payer_cost if r is not None and r.strength.feasible else 0.0)
            right.barh(
                centres + (j - (len(keys) - 1) / 2) * bar,
                costs,
                height=bar,
                color=shades[j % len(shades)],
                edgecolor="white",
                linewidth=0.3,
                label=link_names[j],
                gid="cost",
            )
        right.tick_params(axis="y", length=0)
        right.set_xlabel("net cost per play to the payer\n(members: both together)", linespacing=1.0)
        right.legend(loc="lower left", bbox_to_anchor=(0, 1.0), title="link", alignment="left", borderaxespad=0.2)
        right.axvline(0, color="0.3", linewidth=0.6)
    return fig
