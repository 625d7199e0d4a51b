"""Figures of mechanism design: phase diagrams, threshold curves, mechanism comparisons.

Each function takes computed results (:class:`~solver.design.phase.PhaseGrid`,
:class:`~solver.design.phase.ThresholdCurve`, :class:`~solver.design.Comparison`) and returns
the :class:`~matplotlib.figure.Figure`.
"""

from __future__ import annotations

import textwrap

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import BoundaryNorm, ListedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon, Rectangle

from games.errors import UserInputError

from ..cooperation import LEVELS
from ..design.compare import Comparison
from ..design.gaps import fmt, tidy
from ..design.phase import PhaseGrid, ThresholdCurve
from .style import LEVEL_COLORS, OKABE_ITO, literal, new_figure, plot_style, text_width

__all__ = ["LEVEL_CMAP", "MAX_LINK_COLUMNS", "mechanism_comparison", "phase_diagram", "threshold_curve"]

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

    Where the grid carries exact level regions (``phase.regions``: one guidance, every level
    condition linear in the two parameters) each is drawn as its polygon, so every boundary is
    a straight edge; otherwise the colours come from the fine raster (decided exactly at each
    cell centre) or the grid. Thresholds that coincide are drawn once, with both meanings in
    the legend. The mechanism's own parameter values (``phase.operating``) are marked
    (``gid="operating"``), and ``phase.title`` (the guidance and its fixed penalty) is the title.
    """
    with plot_style():
        own = ax is None
        fig, (ax,) = new_figure(height=3.6) if own else (ax.figure, [ax])
        x0, x1 = float(phase.x_values[0]), float(phase.x_values[-1])
        y0, y1 = float(phase.y_values[0]), float(phase.y_values[-1])
        if phase.regions:
            for level, polygon in phase.regions:
                # Edge in the face colour: neighbouring polygons meet without a hairline seam.
                ax.add_patch(Polygon(polygon, closed=True, facecolor=LEVEL_COLORS[level], edgecolor=LEVEL_COLORS[level], linewidth=0.4, gid="levels"))
            shown = {level for level, _ in phase.regions}
        else:
            if phase.fine is not None:
                fx, fy, fine = phase.fine
                codes = np.vectorize(LEVELS.index)(fine).astype(float)
                x_edges, y_edges = np.linspace(x0, x1, len(fx) + 1), np.linspace(y0, y1, len(fy) + 1)
                shown = set(fine.ravel())
            else:
                codes = np.vectorize(LEVELS.index)(phase.levels).astype(float)
                x_edges, y_edges = _edges(phase.x_values), _edges(phase.y_values)
                shown = set(phase.levels.ravel())
            ax.pcolormesh(x_edges, y_edges, codes, cmap=LEVEL_CMAP, norm=_NORM, shading="flat", gid="levels", rasterized=True)
            x0, x1, y0, y1 = x_edges[0], x_edges[-1], y_edges[0], y_edges[-1]
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
            label = f"{phase.operating_label} ({_number(ox)}, {_number(oy)})"
            ax.plot([ox], [oy], marker="*", markersize=9, color="white", markeredgecolor="black", markeredgewidth=0.8, linestyle="none",
                    zorder=4, clip_on=False, gid="operating", label=_wrap_label(label, 30))  # fmt: skip
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_xlabel(pretty(phase.x_name))
        ax.set_ylabel(pretty(phase.y_name))
        if phase.title:
            ax.set_title(_wrap_label(phase.title, 60), fontsize=7)
        if legend:
            present = [level for level in LEVELS if level in shown]
            handles = [Patch(facecolor=LEVEL_COLORS[level], label=level) for level in present]
            handles += [h for h in ax.get_lines() if str(h.get_gid()).startswith(("threshold", "operating"))]
            if own:  # below the axes, in the layout: no crowding of the x label
                fig.legend(handles=handles, loc="outside lower center", ncols=2, title="cooperation level")
            else:
                ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncols=2, title="cooperation level")
    return fig


_GOAL = {
    "weak": "cooperation as an equilibrium",
    "strict": "strict cooperation",
    "risk-dominant": "risk-dominant cooperation",
    "unique": "cooperation as the only equilibrium",
    "dominant": "dominant cooperation",
}
_WORDS = {"discount": "discount factor"}


def threshold_curve(curve: ThresholdCurve, *, analytic=None, ax: Axes | None = None) -> Figure:
    """How a minimal strength moves as one stage-game payoff varies.

    The link's minimal strength (what both governments need: the higher of their thresholds)
    is a wide light band (``gid="solver"``). On an asymmetric link each government's own
    threshold is a thin line on top of it, named by the government (``gid="player-0"``,
    ``"player-1"``), so the one that binds shows inside the band. ``analytic`` is an optional
    callable of the payoff value giving the formula's threshold, drawn dashed
    (``gid="analytic"``); unreachable values leave a gap. The title names the quantity, the
    goal and the link; the x axis spans the sampled (round) payoff values.
    """
    x = curve.payoff_values

    def values(strengths) -> np.ndarray:
        return np.array([np.nan if v is None else v for v in strengths], dtype=float)

    y = values(curve.strengths)
    least = _least(curve.parameter)
    with plot_style():
        fig, (ax,) = new_figure() if ax is None else (ax.figure, [ax])
        split = bool(curve.player_strengths)
        band = "needed by both (the higher)" if split else "needed by each government"
        ax.plot(x, y, color="0.75", linewidth=5, solid_capstyle="butt", zorder=2, gid="solver", label=band)
        for k, (player, colour, dashes) in enumerate(zip(curve.players, (OKABE_ITO[5], OKABE_ITO[6]), ("solid", (0, (3, 1.5))))):
            if k < len(curve.player_strengths):
                own = values(curve.player_strengths[k])
                ax.plot(x, own, c=colour, linewidth=1.3, linestyle=dashes, zorder=3, gid=f"player-{k}", label=f"needed by {player}")
        if analytic is not None:
            fine = np.linspace(x.min(), x.max(), 200)
            ax.plot(fine, [analytic(v) for v in fine], color="black", linewidth=0.9, linestyle=(0, (4, 2)), zorder=4, gid="analytic", label="formula")
        if np.isnan(y).any():
            ax.plot([], [], " ", label="gaps: target unreachable")
        ax.set_xlim(float(x.min()), float(x.max()))
        ax.set_xlabel(f"stage payoff ${curve.payoff}$ (both governments)")
        ax.set_ylabel(least)
        quantity = _WORDS.get(curve.parameter, curve.parameter.replace("_", " "))
        goal = _GOAL.get(curve.target, f"{curve.target} cooperation")
        title = f"Least {quantity} for {goal}" + (f", {curve.link}" if curve.link else "")
        ax.set_title(_wrap_label(title, 60), fontsize=7)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), ncols=2 if split else 1)
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
                return literal(names.region(region).name)
            except KeyError:
                pass
        elif region in names:
            return literal(str(names[region]))
    return region.replace("_", " ").title()


def _wrap_label(label: str, width: int = 34) -> str:
    """A row label on several lines: one mechanism of a stack (``a + b + c``) per line, and any
    line longer than ``width`` characters wrapped at spaces."""
    parts = literal(label).split(" + ")  # mechanism names as written ("US$5 subsidy")
    lines = []
    for k, part in enumerate(parts):
        text = part + (" +" if k < len(parts) - 1 else "")
        lines.extend(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False) or [""])
    return "\n".join(lines)


#: Above this many links the comparison shows distributions over links (one row per mechanism),
#: not one column and one cost bar per link: the qualitative palette has this many colours.
MAX_LINK_COLUMNS = len(OKABE_ITO)
_UNREACHABLE = "0.85"


def _level_handles(levels_seen: set[str], unreachable: bool) -> list[Patch]:
    """Legend patches in level order (dominant, unique, risk-dominant, strict, weak, none), then unreachable."""
    handles = [Patch(facecolor=LEVEL_COLORS[level], label=level) for level in LEVELS if level in levels_seen]
    return handles + ([Patch(facecolor=_UNREACHABLE, label="unreachable")] if unreachable else [])


def _one_row_legend(ax: Axes, handles: list, title: str, width: float) -> None:
    """The level legend under ``ax``: in one row (reading order = level order) when it fits in
    ``width`` inches, else one column."""
    fits = sum(text_width(h.get_label(), 7) + 0.35 for h in handles) <= width
    ax.legend(handles=handles, title=title, loc="upper center", bbox_to_anchor=(0.5, -0.01), ncols=len(handles) if fits else 1)


def mechanism_comparison(comparison: Comparison, *, names=None, ax: Axes | None = None) -> Figure:
    """For each link, each mechanism's minimal strength (coloured by the level it reaches) and
    its net cost per play to the payer, side by side.

    ``names`` gives the regions' display names for the column headers: the
    :class:`~regions.RegionNetwork` compared, or a mapping of region ids; without it the ids
    are title-cased. Long row labels are wrapped one mechanism per line, and the figure is
    sized from the number of rows and columns and the lengths of its labels. A mechanism that
    does not apply to a link shows "n/a", a cost of zero shows "0". With more than
    :data:`MAX_LINK_COLUMNS` links the figure shows, per mechanism, the share of links reaching
    each level and the spread of its cost over links (:func:`_compact_comparison`).

    Raises
    ------
    UserInputError
        With ``ax`` (the figure has two panels), or for a comparison without rows.
    """
    if ax is not None:
        raise ValueError("mechanism_comparison draws two panels: call it without ax")
    if not comparison.rows:
        raise UserInputError(f"comparison of {comparison.scenario!r} has no rows to draw")
    # A column per link, not per pair of regions: two links of one pair (two clusters) stay apart.
    keys = list(dict.fromkeys((*r.link.between, r.link.cluster) for r in comparison.rows))
    if len(keys) > MAX_LINK_COLUMNS:
        return _compact_comparison(comparison, keys)
    candidates = list(dict.fromkeys(r.candidate for r in comparison.rows))
    cell = {((*r.link.between, r.link.cluster), r.candidate): r for r in comparison.rows}
    shared = {key for key in keys if sum(k[:2] == key[:2] for k in keys) > 1}
    headers = ["–\n".join(_region_name(region, names) for region in key[:2]) + (f"\n({key[2]})" if key in shared else "") for key in keys]
    link_names = [h.replace("–\n", "–").replace("\n", " ") for h in headers]
    labels = [_wrap_label(name) for name in candidates]
    texts = {key: _strength_text(r.strength) for key, r in cell.items()}
    cell_size, tick_size, note_size = 6, 7, 5
    # Sizes in inches, measured from the labels: each column fits its widest cell text and
    # header line, each row its label's lines, a two-line cell text and one cost bar (with room
    # for a "0" or "n/a" note) per link.
    column = max([0.55] + [text_width(t, cell_size) + 0.14 for t in texts.values()] + [text_width(h, tick_size) + 0.1 for h in headers])
    line = tick_size * 1.3 / 72  # a line of a label drawn with linespacing 1 (see below)
    bar = note_size * 1.45 / 72
    rows = np.array([max(2 * cell_size * 1.15 / 72 + 0.12, (label.count("\n") + 1) * line + 0.08, len(keys) * bar + 0.1) for label in labels])
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
        levels_seen, unreachable = set(), False
        for i, name in enumerate(candidates):
            for j, key in enumerate(keys):
                r = cell.get((key, name))
                if r is None:
                    left.add_patch(Rectangle((j - 0.5, tops[i]), 1, rows[i], facecolor="white", edgecolor="0.85", linewidth=0.6, gid="not-applicable"))
                    left.text(j, centres[i], "n/a", ha="center", va="center", fontsize=cell_size, color="0.35", gid="not-applicable-text")
                    continue
                s = r.strength
                if s.feasible and s.level:
                    levels_seen.add(s.level)
                else:
                    unreachable = True
                color = LEVEL_COLORS[s.level] if s.feasible and s.level else _UNREACHABLE
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
        _one_row_legend(left, _level_handles(levels_seen, unreachable), f"level reached (target: {comparison.target})", width - 0.2)
        costs = {(key, name): (cell[(key, name)].payer_cost if cell[(key, name)].strength.feasible else None) if (key, name) in cell else "n/a"
                 for key in keys for name in candidates}  # fmt: skip
        top = max([c for c in costs.values() if isinstance(c, float)] + [0.0])
        for j, key in enumerate(keys):
            offsets = centres + (j - (len(keys) - 1) / 2) * bar
            shown = [costs[(key, name)] if isinstance(costs[(key, name)], float) else 0.0 for name in candidates]
            right.barh(offsets, shown, height=bar * 0.9, color=OKABE_ITO[j], edgecolor="none", label=link_names[j], gid="cost")
            for y, name in zip(offsets, candidates):
                c = costs[(key, name)]
                note = "n/a" if c == "n/a" else "unreachable" if c is None else "0" if abs(c) < 1e-12 else None
                if note:
                    right.text(0.01 * (top or 1), y, note, ha="left", va="center", fontsize=note_size, color="0.3", gid="cost-note")
        right.tick_params(axis="y", length=0)
        right.set_xlabel("net cost per play to the payer\n(members: both together)", linespacing=1.0)
        right.legend(loc="lower left", bbox_to_anchor=(0, 1.0), title="link (bar colour)", alignment="left", borderaxespad=0.2)
        right.axvline(0, color="0.3", linewidth=0.6)
    return fig


def _compact_comparison(comparison: Comparison, keys: list) -> Figure:
    """Many links: per mechanism, the share of links reaching each level (a stacked bar,
    ``gid="share"``) and its cost per play over the links it reaches (a box plot with the
    points, ``gid="cost-spread"``); no per-link colours or legend."""
    candidates = list(dict.fromkeys(r.candidate for r in comparison.rows))
    by = {name: [r for r in comparison.rows if r.candidate == name] for name in candidates}
    labels = [_wrap_label(name) for name in candidates]
    tick_size = 7
    line = tick_size * 1.3 / 72
    rows = np.array([max(0.3, (label.count("\n") + 1) * line + 0.08) for label in labels])
    centres = np.concatenate([[0.0], np.cumsum(rows)[:-1]]) + rows / 2
    label_width = max(text_width(label, tick_size) for label in labels)
    width = label_width + 2.4 + 2.0 + 0.4
    height = rows.sum() + 1.9
    order = [*LEVELS, "unreachable", "n/a"]
    colours = {**LEVEL_COLORS, "unreachable": _UNREACHABLE, "n/a": "white"}
    with plot_style():
        fig = Figure(figsize=(width, height), layout="constrained")
        left, right = fig.subplots(1, 2, width_ratios=[2.4, 2.0], sharey=True)
        seen: set[str] = set()
        for i, name in enumerate(candidates):
            reached = [r.strength.level if r.strength.feasible and r.strength.level else "unreachable" for r in by[name]]
            counts = {k: reached.count(k) for k in order}
            counts["n/a"] = len(keys) - len(by[name])
            start = 0.0
            for k in order:
                share = counts[k] / len(keys)
                if share > 0:
                    edge = "0.6" if k == "n/a" else "white"
                    left.barh(centres[i], share, left=start, height=rows[i] * 0.7, color=colours[k], edgecolor=edge, linewidth=0.5, gid="share")
                    seen.add(k)
                    start += share
            cost = [r.payer_cost for r in by[name] if r.strength.feasible]
            if cost:
                box = {"orientation": "horizontal", "widths": rows[i] * 0.55, "showfliers": False, "medianprops": {"color": "black"}, "manage_ticks": False}
                right.boxplot([cost], positions=[centres[i]], **box)
                right.plot(cost, np.full(len(cost), centres[i]), "o", markersize=1.8, color=OKABE_ITO[5], alpha=0.6, zorder=3, gid="cost-spread")
            else:
                right.text(0, centres[i], " none reached", ha="left", va="center", fontsize=6, color="0.3", gid="cost-note")
        left.set_xlim(0, 1)
        left.set_ylim(rows.sum(), 0)
        left.set_yticks(centres, labels, linespacing=1.0, gid="row-label")
        left.set_xlabel(f"share of the {len(keys)} links")
        left.tick_params(axis="y", length=0)
        right.tick_params(axis="y", length=0)
        right.axvline(0, color="0.3", linewidth=0.6)
        right.set_xlabel("net cost per play to the payer\n(links reached; members: both)", linespacing=1.0)
        names = {"n/a": "not applicable"}
        handles = [Patch(facecolor=colours[k], edgecolor="0.6" if k == "n/a" else "none", label=names.get(k, k)) for k in order if k in seen]
        fig.legend(handles=handles, title=f"level reached (target: {comparison.target})", loc="outside lower center", ncols=min(4, len(handles)))
    return fig
