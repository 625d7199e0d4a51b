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
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from ..cooperation import LEVELS
from ..design.compare import Comparison
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


def phase_diagram(phase: PhaseGrid, *, ax: Axes | None = None, legend: bool = True) -> Figure:
    """Cooperation levels over a grid of two parameters, one colour per level, with the
    analytic thresholds drawn where they exist (``gid="threshold-<level>"``)."""
    codes = np.vectorize(LEVELS.index)(phase.levels).astype(float)
    with plot_style():
        fig, (ax,) = new_figure() if ax is None else (ax.figure, [ax])
        ax.pcolormesh(
            _edges(phase.x_values),
            _edges(phase.y_values),
            codes,
            cmap=LEVEL_CMAP,
            norm=_NORM,
            shading="flat",
            gid="levels",
            rasterized=True,
        )
        styles = {
            "weak": (0, (4, 2)),
            "strict": (0, (4, 2)),
            "dominant": "solid",
            "unique": (0, (1, 1)),
            "risk-dominant": (0, (6, 2, 1, 2)),
        }
        for target, (xs, ys) in phase.thresholds.items():
            label = {"weak": "(C, C) becomes a Nash equilibrium", "dominant": "C becomes strictly dominant"}.get(target, f"reaches {target}")
            ax.plot(
                xs,
                ys,
                color="black",
                linewidth=1.1,
                linestyle=styles.get(target, "solid"),
                gid=f"threshold-{target}",
                label=label,
            )
        ax.set_xlim(_edges(phase.x_values)[[0, -1]])
        ax.set_ylim(_edges(phase.y_values)[[0, -1]])
        ax.set_xlabel(pretty(phase.x_name))
        ax.set_ylabel(pretty(phase.y_name))
        if legend:
            present = [level for level in LEVELS if level in set(phase.levels.ravel())]
            handles = [Patch(facecolor=LEVEL_COLORS[level], label=level) for level in present]
            handles += [h for h in ax.get_lines() if str(h.get_gid()).startswith("threshold")]
            ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=2, title="cooperation level")
    return fig


def threshold_curve(curve: ThresholdCurve, *, analytic=None, ax: Axes | None = None) -> Figure:
    """How a minimal strength moves as one stage-game payoff varies.

    ``analytic`` is an optional callable of the payoff value giving the formula's threshold,
    drawn dashed (``gid="analytic"``); the solver's values are the solid line
    (``gid="solver"``); unreachable values leave a gap.
    """
    x = curve.payoff_values
    y = np.array([np.nan if v is None else v for v in curve.strengths], dtype=float)
    with plot_style():
        fig, (ax,) = new_figure() if ax is None else (ax.figure, [ax])
        ax.plot(
            x,
            y,
            color=OKABE_ITO[5],
            linewidth=1.4,
            marker="o",
            markersize=2.5,
            gid="solver",
            label=f"minimal {curve.parameter.replace('_', ' ')} (solver)",
        )
        if analytic is not None:
            fine = np.linspace(x.min(), x.max(), 200)
            ax.plot(
                fine,
                [analytic(v) for v in fine],
                color="black",
                linewidth=0.9,
                linestyle=(0, (4, 2)),
                gid="analytic",
                label="formula",
            )
        if np.isnan(y).any():
            ax.plot([], [], " ", label="gaps: target unreachable")
        ax.set_xlabel(f"stage payoff ${curve.payoff}$ (both governments)")
        least = _least(curve.parameter)
        ax.set_ylabel(least)
        # Titled by what is plotted; the mechanism's own current parameter value (in
        # ``curve.mechanism``, "repeated play (discount=0.9)") is not part of the plot.
        mechanism = re.sub(r"\s*\(.*\)\s*$", "", curve.mechanism)
        ax.set_title(f"{mechanism}: {least} for cooperation at least {curve.target}", fontsize=7)
        ax.legend(loc="best")
    return fig


def _strength_text(s) -> str:
    if not s.feasible:
        return "unreachable"
    sign = "≥" if s.attained else ">"
    return f"{s.parameter.replace('_', ' ')}\n{sign} {s.value:.3g}"


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
    keys = list(dict.fromkeys(r.link.between for r in comparison.rows))
    candidates = list(dict.fromkeys(r.candidate for r in comparison.rows))
    cell = {(r.link.between, r.candidate): r for r in comparison.rows}
    headers = ["–\n".join(_region_name(region, names) for region in key) for key in keys]
    link_names = [h.replace("\n", "") for h in headers]
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
                left.add_patch(Rectangle((j - 0.5, tops[i]), 1, rows[i], facecolor=color, alpha=0.35, edgecolor="white", linewidth=1.5, gid="strength"))
                left.text(j, centres[i], texts[(key, name)], ha="center", va="center", fontsize=cell_size, linespacing=1.1, gid="strength-text")
        left.set_xlim(-0.5, len(keys) - 0.5)
        left.set_ylim(rows.sum(), 0)
        left.xaxis.tick_top()
        left.set_xticks(np.arange(len(keys)), headers, linespacing=1.0, gid="link-header")
        left.set_yticks(centres, labels, linespacing=1.0, gid="row-label")
        left.tick_params(length=0)
        for spine in left.spines.values():
            spine.set_visible(False)
        handles = [Patch(facecolor=LEVEL_COLORS[level], alpha=0.35, label=level) for level in LEVELS if level in levels_seen]
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
