"""Figures of mechanism design: phase diagrams, threshold curves, mechanism comparisons.

Each function takes computed results (:class:`~solver.design.phase.PhaseGrid`,
:class:`~solver.design.phase.ThresholdCurve`, :class:`~solver.design.Comparison`) and returns
the :class:`~matplotlib.figure.Figure`.
"""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from ..cooperation import LEVELS
from ..design.compare import Comparison
from ..design.phase import PhaseGrid, ThresholdCurve
from .style import DOUBLE_COLUMN, LEVEL_COLORS, OKABE_ITO, new_figure, plot_style

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
        ax.set_ylabel(pretty(curve.parameter))
        ax.set_title(f"{curve.mechanism}: least value for cooperation at least {curve.target}", fontsize=7)
        ax.legend(loc="best")
    return fig


def _strength_text(s) -> str:
    if not s.feasible:
        return "unreachable"
    sign = "≥" if s.attained else ">"
    return f"{s.parameter.replace('_', ' ')}\n{sign} {s.value:.3g}"


def mechanism_comparison(comparison: Comparison, *, ax: Axes | None = None) -> Figure:
    """For each link, each mechanism's minimal strength (coloured by the level it reaches) and
    its net cost per play to the payer, side by side."""
    if ax is not None:
        raise ValueError("mechanism_comparison draws two panels: call it without ax")
    links = list(dict.fromkeys("–".join(r.link.between) for r in comparison.rows))
    names = list(dict.fromkeys(r.candidate for r in comparison.rows))
    cell = {("–".join(r.link.between), r.candidate): r for r in comparison.rows}
    with plot_style():
        fig = Figure(figsize=(DOUBLE_COLUMN, 0.36 * len(names) + 1.6), layout="constrained")
        left, right = fig.subplots(1, 2, width_ratios=[1.5, 1], sharey=True)
        levels_seen = set()
        for i, name in enumerate(names):
            for j, link in enumerate(links):
                r = cell.get((link, name))
                if r is None:
                    continue
                s = r.strength
                if s.feasible and s.level:
                    levels_seen.add(s.level)
                color = LEVEL_COLORS[s.level] if s.feasible and s.level else "0.85"
                left.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, facecolor=color, alpha=0.35, edgecolor="white", linewidth=1.5, gid="strength"))
                left.text(j, i, _strength_text(s), ha="center", va="center", fontsize=6, linespacing=1.1)
        left.set_xlim(-0.5, len(links) - 0.5)
        left.set_ylim(len(names) - 0.5, -0.5)
        left.set_xticks(np.arange(len(links)), [link.replace("–", "–\n") for link in links])
        left.set_yticks(np.arange(len(names)), names)
        left.xaxis.tick_top()
        left.tick_params(length=0)
        for spine in left.spines.values():
            spine.set_visible(False)
        handles = [Patch(facecolor=LEVEL_COLORS[level], alpha=0.35, label=level) for level in LEVELS if level in levels_seen]
        left.legend(
            handles=handles,
            title=f"level reached (target: {comparison.target})",
            loc="upper center",
            bbox_to_anchor=(0.5, -0.02),
            ncols=4,
        )
        height = 0.8 / max(1, len(links))
        shades = ["0.15", "0.5", "0.8", "0.35", "0.65"]
        for j, link in enumerate(links):
            costs = []
            for name in names:
                r = cell.get((link, name))
                costs.append(r.payer_cost if r is not None and r.strength.feasible else 0.0)
            offsets = np.arange(len(names)) + (j - (len(links) - 1) / 2) * height
            right.barh(
                offsets,
                costs,
                height=height,
                color=shades[j % len(shades)],
                edgecolor="white",
                linewidth=0.3,
                label=link,
                gid="cost",
            )
        right.tick_params(axis="y", length=0)
        right.set_xlabel("net cost per play to the payer (members: both together)")
        right.legend(loc="lower right", title="link")
        right.axvline(0, color="0.3", linewidth=0.6)
    return fig
