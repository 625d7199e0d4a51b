"""Figures of robustness under uncertain payoffs (:func:`solver.robust.scenario.robustness`).

:func:`tornado` ranks the uncertain quantities by their total Sobol' index of the share of link
weight at the target: a bar per quantity (the total index, with its bootstrap interval) and a
dot for its first-order index, so the part a quantity explains only together with others is
the gap between the dot and the bar's end.

:func:`robust_map` is the network map (:mod:`solver.plots.maps`) with each link coloured by the
probability that it reaches the target with all its mechanisms, on the sequential, colour-blind
safe *cividis* colormap (Nuñez, Anderton & Renslow 2018), whose lightness rises steadily from 0
to 1, so the order of the colours survives grey-scale printing.

:func:`surface_plot` draws a :class:`solver.robust.surface.Surface`: filled contours of the
probability over two quantities, labelled lines at 0.5 and at the confidence level, and the
scenario's central point.

:func:`strength_distribution` shows, per mechanism, the empirical distribution of the least
strength that reaches the target in each sampled world (one curve per link), the confidence
level, and the robust strength (its quantile) marked on it. Worlds where no strength reaches
the target keep the curve below 1: its plateau is the reachable share.

Every figure states how many worlds its estimates rest on.

References
----------
Nuñez, J. R., Anderton, C. R., Renslow, R. S. (2018). Optimizing colormaps with consideration
for color vision deficiency to enable accurate interpretation of scientific data. PLoS ONE
13(7), e0199239. doi:10.1371/journal.pone.0199239
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from games.errors import UserInputError

from .fonts import use_font
from .maps import _draw as _draw_map
from .maps import positions
from .style import DOUBLE_COLUMN, OKABE_ITO, SINGLE_COLUMN, literal, new_figure, plot_style, text_width, wrap_text

__all__ = ["PROBABILITY_CMAP", "robust_map", "strength_distribution", "surface_plot", "tornado"]

#: The sequential colormap of every probability (CVD-safe, lightness increasing with P).
PROBABILITY_CMAP = "cividis"
#: Colours of the links in :func:`strength_distribution`: Okabe–Ito without black (the marks)
#: and yellow (too light for a thin line on white).
_LINK_COLOURS = tuple(OKABE_ITO[i] for i in (5, 1, 3, 7, 6, 2))
_LINK_STYLES = ("-", "--", ":", "-.")
_NOTE_SIZE = 6.5
#: The marks: the central point of a surface, a robust strength on its curve.
_STAR = {"linestyle": "", "marker": "*", "markersize": 9, "color": "white", "markeredgecolor": "black", "markeredgewidth": 0.7}
_DOT = {"linestyle": "", "marker": "o", "markersize": 4.5, "markeredgecolor": "black", "markeredgewidth": 0.6}


def _worlds(n: int) -> str:
    """``"4,096 sampled worlds"``."""
    return f"{n:,} sampled world{'s' if n != 1 else ''}"


def _percent(share: float) -> str:
    """A share as a percentage to one decimal, never rounded to 0 or 100.

    >>> _percent(0.125), _percent(0.12), _percent(0.0004), _percent(0.99996)
    ('12.5 %', '12 %', '< 0.1 %', '> 99.9 %')
    """
    pct = 100 * share
    if 0 < pct < 0.05:
        return "< 0.1 %"
    if 99.95 < pct < 100:
        return "> 99.9 %"
    return f"{pct:.1f}".rstrip("0").rstrip(".") + " %"


def _plain(value: float) -> str:
    """A small positive number rounded up to two significant digits: 0.0043 → "0.0043", 0.01234 → "0.013".

    >>> _plain(0.01234), _plain(0.0006336), _plain(0.2)
    ('0.013', '0.00064', '0.2')
    """
    digits = 1 - math.floor(math.log10(value))
    return f"{math.ceil(value * 10**digits - 1e-9) / 10**digits:.{max(digits, 0)}f}".rstrip("0").rstrip(".")


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _check_links(network, result) -> None:
    ours = [(tuple(k.between), k.cluster) for k in network.links]
    theirs = [(tuple(k.between), k.cluster) for k in result.links]
    if ours != theirs:
        raise ValueError(f"the robustness result is not of this network: {len(theirs)} links {theirs[:2]}… against {len(ours)} links {ours[:2]}…")


def _link_names(network, result) -> list[str]:
    """Each link of ``result`` named by its regions (and its cluster where a pair has two)."""
    pairs = [frozenset(k.between) for k in result.links]
    out = []
    for k, pair in zip(result.links, pairs):
        name = "–".join(literal(network.region(r).name) for r in k.between)
        out.append(f"{name} ({literal(k.cluster)})" if pairs.count(pair) > 1 and k.cluster else name)
    return out


@dataclass(frozen=True)
class _Row:
    """What the map drawing reads of a link's row: the link (its weight)."""

    link: object


def tornado(result) -> Figure:
    """Total (bar, with its interval) and first-order (dot) Sobol' indices of each uncertain quantity.

    Parameters
    ----------
    result : solver.robust.scenario.Robustness
        With Sobol' indices (a scenario whose quantities are independent).

    Raises
    ------
    UserInputError
        If the result has no Sobol' indices (its ``sobol_note`` says why).

    Examples
    --------
    >>> from regions import builtin_text, loads_scenario
    >>> from solver.robust.scenario import robustness
    >>> text = builtin_text("henan-clusters")
    >>> net = loads_scenario(text.replace("T = 4.5", "T = { uniform = [4, 5] }", 1))
    >>> fig = tornado(robustness(net, samples=128, seed=0))
    >>> len(fig.axes[0].get_yticklabels()) == len(net.uncertainty.quantities)
    True
    """
    if not result.sobol:
        raise UserInputError(f"no Sobol' indices to draw: {result.sobol_note or 'none were computed'}")
    items = sorted(result.sobol.items(), key=lambda kv: (kv[1].ST if math.isfinite(kv[1].ST) else -1.0))
    names = [literal(result.labels.get(name, name)) for name, _ in items]
    total = np.array([max(0.0, i.ST) if math.isfinite(i.ST) else 0.0 for _, i in items])
    total_err = np.array([i.ST_conf if math.isfinite(i.ST_conf) else 0.0 for _, i in items])
    first = np.array([max(0.0, i.S1) if math.isfinite(i.S1) else 0.0 for _, i in items])
    with plot_style():
        label_width = max(text_width(n, 7) for n in names)
        fig, (ax,) = new_figure(SINGLE_COLUMN + label_width, 0.9 + 0.28 * len(items))
        y = np.arange(len(items))
        ax.barh(y, total, xerr=total_err, color=OKABE_ITO[5], height=0.6, error_kw={"elinewidth": 0.9, "capsize": 0, "ecolor": "0.2"}, gid="total")
        ax.plot(first, y, "o", color="black", markersize=3.5, gid="first-order")
        ax.set_yticks(y, names)
        ax.set_xlim(0, max(1.0, float(np.max(total + total_err))) * 1.02)
        ax.set_xlabel(f"Sobol' index of the share of link weight at {result.target}")
        fig.legend(
            handles=[
                Patch(color=OKABE_ITO[5], label="total (with interval)"),
                Line2D([], [], marker="o", linestyle="", color="black", markersize=3.5, label="first order"),
            ],
            loc="outside lower center",
            ncols=2,
        )
    return fig


def robust_map(network, result, *, names: str = "latin", font: str | None = None, seed: int = 0, ax: Axes | None = None) -> Figure:
    """The network map with each link coloured by P(link reaches the target with all its mechanisms).

    The probability is ``link.options[-1].target.p`` of each link of ``result`` (all the link's
    scenario mechanisms together; the status quo for a link without any), on the
    :data:`PROBABILITY_CMAP` colormap from 0 to 1; the colourbar names the event and the number
    of sampled worlds. Regions, weights and labels are drawn as by
    :func:`solver.plots.network_map`.

    Parameters
    ----------
    network : RegionNetwork
        The scenario ``result`` was computed for.
    result : solver.robust.scenario.Robustness
    names : {"latin", "zh", "both"}
        Region labels (:meth:`regions.RegionNetwork.named`).
    font : str, optional
        A font for Chinese labels (:func:`solver.plots.fonts.use_font`).
    seed : int
        Seed of the layout when a region has no coordinates.
    ax : Axes, optional

    Raises
    ------
    ValueError
        If ``result`` is not of ``network`` (other links).

    Examples
    --------
    >>> from regions import load_scenario
    >>> from solver.robust.scenario import robustness
    >>> net = load_scenario("henan-uncertain")
    >>> fig = robust_map(net, robustness(net, samples=256, seed=0), names="zh")
    >>> next(ax for ax in fig.axes if ax.get_gid() == "probability").get_xlabel().splitlines()[-1]
    '(estimated from 256 sampled worlds; 95 % intervals within ±0.042)'
    """
    _check_links(network, result)
    net = network.named(names)
    cmap, norm = matplotlib.colormaps[PROBABILITY_CMAP], Normalize(0.0, 1.0)
    rows, paint = {}, {}
    for link, lr in zip(net.links, result.links):
        key = (*link.between, link.cluster)
        rows[key] = _Row(link)
        paint[key] = cmap(norm(lr.options[-1].target.p))
    nodes = list(dict.fromkeys(n for a, b, _ in rows for n in (a, b)))
    pos, geographic = positions(net, nodes, seed)
    estimates = [k.options[-1].target for k in result.links]
    reach = max(max(e.high - e.p, e.p - e.low) for e in estimates)
    spread = f"; {round(100 * estimates[0].confidence)} % intervals within ±{_plain(reach)}" if reach > 0 else ""
    label = f"probability of {result.target} cooperation or better, all mechanisms together\n(estimated from {_worlds(result.samples)}{spread})"

    def colourbar(fig: Figure, ax: Axes) -> None:
        bar = fig.colorbar(ScalarMappable(norm, cmap), ax=ax, location="bottom", shrink=0.8, aspect=30, pad=0.02)
        bar.set_label(label)
        bar.set_ticks(np.linspace(0, 1, 6))
        bar.ax.set_gid("probability")

    with use_font(font), plot_style():
        return _draw_map(net, rows, nodes, pos, geographic, "all together", ax, paint=(paint, colourbar))


def surface_plot(surface, *, confidence: float = 0.95, box=None, ax: Axes | None = None) -> Figure:
    """Filled contours of P over two quantities, lines at 0.5 and ``confidence``, the central point.

    Parameters
    ----------
    surface : solver.robust.surface.Surface
    confidence : float
        The level whose contour is drawn beside 0.5 (the robust-strength confidence).
    box : solver.robust.prim.Box, optional
        A PRIM box (``Robustness.discovery``): where it limits x or y, its rectangle is drawn
        (an open side at the axis' end), with its coverage and density in the legend.
    ax : Axes, optional

    Examples
    --------
    >>> import numpy as np
    >>> from solver.robust.surface import Surface
    >>> xs, ys = np.linspace(4, 6, 21), np.linspace(0, 1, 11)
    >>> p = np.clip((xs[None, :] - 4 - 2 * ys[:, None]) / 0.5, 0, 1)
    >>> s = Surface("a.T", "b.R", "A–B: T", "B–C: R", xs, ys, p, np.zeros_like(p), 0, "every link reaches strict", "strict", (5.0, 0.5))
    >>> fig = surface_plot(s)
    >>> fig.axes[0].get_xlabel(), sorted(t.get_text() for t in fig.axes[0].texts)
    ('A–B: T', ['0.5', '0.95'])
    """
    p = np.clip(np.asarray(surface.p, dtype=float), 0.0, 1.0)
    xs, ys = np.asarray(surface.xs, dtype=float), np.asarray(surface.ys, dtype=float)
    if p.shape != (len(ys), len(xs)):
        raise ValueError(f"surface p has shape {p.shape}, expected (len(ys), len(xs)) = ({len(ys)}, {len(xs)})")
    cmap, norm = matplotlib.colormaps[PROBABILITY_CMAP], Normalize(0.0, 1.0)
    per = f"{surface.samples:,} worlds of the other quantities per point" if surface.samples else "no other uncertain quantity"
    label = wrap_text(f"probability that {surface.what}", 2.2, 8) + "\n" + wrap_text(f"({per})", 2.2, 8)
    with plot_style():
        if ax is None:
            fig, (ax,) = new_figure(SINGLE_COLUMN + 0.3, SINGLE_COLUMN * (0.88 if box is not None else 0.8))
        fig = ax.figure
        filled = ax.contourf(xs, ys, p, levels=np.linspace(0, 1, 11), cmap=cmap, norm=norm)
        filled.set_gid("probability")
        marks = [v for v in sorted({0.5, confidence}) if p.min() < v < p.max()]
        if marks:
            styles = {0.5: "--"}
            lines = ax.contour(xs, ys, p, levels=marks, colors="black", linewidths=0.8, linestyles=[styles.get(v, "-") for v in marks])
            lines.set_gid("marks")
            # Upright labels on a white ground (an inline label on a vertical line reads sideways).
            for text in ax.clabel(lines, fmt={v: f"{v:g}" for v in marks}, fontsize=_NOTE_SIZE, inline=False):
                text.set_rotation(0)
                text.set_zorder(6)
                text.set_bbox({"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85})
        ax.plot(*surface.central, **_STAR, gid="central", label="central values", zorder=5)
        ax.set_xlim(xs[0], xs[-1])
        ax.set_ylim(ys[0], ys[-1])
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_locator(MaxNLocator(5, steps=[1, 2, 2.5, 5, 10]))
        ax.set_xlabel(literal(surface.x_label))
        ax.set_ylabel(literal(surface.y_label))
        bar = fig.colorbar(ScalarMappable(norm, cmap), ax=ax, aspect=22, pad=0.03)
        bar.set_label(label)
        bar.set_ticks(np.linspace(0, 1, 6))
        bar.ax.set_gid("probability")
        handles = [Line2D([], [], **_STAR, label="central values")]
        handles += [Line2D([], [], color="black", linewidth=0.8, linestyle=styles.get(v, "-"), label=f"P = {v:g}") for v in marks] if marks else []
        drawn = _box_patch(ax, box, surface) if box is not None else None
        if drawn is not None:
            handles.append(drawn)
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 3 if drawn is None else 2))
    return fig


def _box_patch(ax: Axes, box, surface) -> Patch | None:
    """Draw the PRIM box's rectangle over (x, y) where it limits them; its legend handle."""
    from matplotlib.patches import Rectangle

    limits = box.limits
    if surface.x not in limits and surface.y not in limits:
        return None
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    lx = limits.get(surface.x, (-math.inf, math.inf))
    ly = limits.get(surface.y, (-math.inf, math.inf))
    left, right = max(lx[0], x0), min(lx[1], x1)
    bottom, top = max(ly[0], y0), min(ly[1], y1)
    if not (left < right and bottom < top):
        return None
    style = {"facecolor": "none", "edgecolor": OKABE_ITO[6], "linewidth": 1.8, "linestyle": (0, (4, 2))}
    ax.add_patch(Rectangle((left, bottom), right - left, top - bottom, gid="prim-box", zorder=3, clip_on=False, **style))
    others = len([name for name in limits if name not in (surface.x, surface.y)])
    extra = f", {others} more {'limit' if others == 1 else 'limits'}" if others else ""
    label = f"PRIM box: some link misses {surface.target}\n(coverage {box.coverage:.0%}, density {box.density:.0%}{extra})"
    return Patch(label=label, **style)


def strength_distribution(result, network=None, *, names: str = "latin") -> Figure:
    """Per mechanism, the distribution over the worlds of each link's least strength reaching the target.

    A panel per mechanism with a primary parameter (:data:`regions.PRIMARY_PARAMETER`) that
    some link needs in some world; in it, per link, the empirical CDF of
    ``strengths[label].pointwise`` over *all* the sampled worlds (so the curve levels off at the
    share of worlds where some strength reaches the target), a dashed line at the confidence,
    and the robust strength (``RobustStrength.value``, the confidence quantile) marked on it.
    Links where the mechanism is needed in no world, or reaches the target in none, are named
    under the panel; a mechanism with no curve at all is named in the figure's footnote.

    Parameters
    ----------
    result : solver.robust.scenario.Robustness
    network : RegionNetwork, optional
        The scenario, for the region names (the result keeps only ids). Without it links are
        called "link 1", "link 2", ….
    names : {"latin", "zh", "both"}
        Region names (:meth:`regions.RegionNetwork.named`).

    Raises
    ------
    UserInputError
        If no link has a robust strength to show.

    Examples
    --------
    >>> from regions import load_scenario
    >>> from solver.robust.scenario import robustness
    >>> net = load_scenario("henan-uncertain")
    >>> fig = strength_distribution(robustness(net, samples=256, seed=0), net)
    >>> [ax.get_title() for ax in fig.axes]
    ['Henan guidance']
    """
    if network is not None:
        _check_links(network, result)
        links = _link_names(network.named(names), result)
    else:
        links = [f"link {i + 1}" for i in range(len(result.links))]
    mechanisms = list(dict.fromkeys(m for k in result.links for m in k.strengths))
    if not mechanisms:
        raise UserInputError("no robust strength to draw: no link has a mechanism with a primary parameter")
    n = result.samples
    panels: list[tuple[str, list, list[str]]] = []
    footnotes = []
    for mech in mechanisms:
        curves, unneeded, unreachable, unsized = [], [], [], []
        for i, k in enumerate(result.links):
            if mech not in k.strengths:
                continue
            s = k.strengths[mech]
            if s is None or s.pointwise is None:
                unsized.append(links[i])
                continue
            finite = s.pointwise[np.isfinite(s.pointwise)]
            if not len(finite):
                unreachable.append(links[i])
            elif np.all(finite <= 0) and len(finite) == len(s.pointwise):
                unneeded.append(links[i])
            else:
                curves.append((i, s, finite))
        notes = [
            f"{links[i]}: no strength reaches {result.target} in {_percent(1 - len(f) / len(s.pointwise))} of worlds"
            for i, s, f in curves
            if len(f) < len(s.pointwise)
        ]
        if unneeded:
            notes.append(f"not needed in any world: {_join(unneeded)}")
        if unreachable:
            notes.append(f"reaches {result.target} in no world: {_join(unreachable)}")
        if unsized:
            notes.append(f"not sized: {_join(unsized)}")
        if curves:
            panels.append((mech, curves, notes))
        elif notes:
            footnotes.append(f"{literal(mech)}: " + "; ".join(notes) + ".")
    if not panels:
        raise UserInputError("no robust strength to draw: " + " ".join(footnotes))
    drawn = [i for _, curves, _ in panels for i, _, _ in curves]
    order = list(dict.fromkeys(drawn))
    style = {i: (_LINK_COLOURS[j % len(_LINK_COLOURS)], _LINK_STYLES[(j // len(_LINK_COLOURS)) % len(_LINK_STYLES)]) for j, i in enumerate(order)}
    conf = result.confidence
    with plot_style():
        ncols = min(len(panels), 3)
        nrows = math.ceil(len(panels) / ncols)
        width = SINGLE_COLUMN if ncols == 1 else DOUBLE_COLUMN
        fig = Figure(figsize=(width, 0.9 + 2.3 * nrows), layout="constrained")
        axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
        for ax in axes[len(panels):]:
            ax.set_visible(False)
        panel_width = (width - 0.5) / ncols
        for ax, (mech, curves, notes) in zip(axes, panels):
            parameter = curves[0][1].parameter.replace("_", " ")
            top = max(float(np.max(f)) for _, _, f in curves)
            right = top * 1.08 if top > 0 else 1.0
            for i, s, finite in curves:
                colour, dash = style[i]
                values, counts = np.unique(finite, return_counts=True)
                share = np.cumsum(counts) / n
                x = np.concatenate([[min(0.0, float(values[0]))], values, [right]])
                y = np.concatenate([[0.0], share, [share[-1]]])
                ax.plot(x, y, drawstyle="steps-post", color=colour, linestyle=dash, linewidth=1.0, gid=f"ecdf-{i}")
                if s.value is not None:
                    ax.plot([s.value], [conf], **_DOT, color=colour, gid=f"robust-{i}", zorder=4)
            ax.axhline(conf, color="0.35", linewidth=0.7, linestyle=(0, (4, 2)), gid="confidence", zorder=1)
            ax.set_xlim(0.0, right)
            ax.set_ylim(0.0, 1.02)
            ax.set_title(literal(mech))
            xlabel = f"least {parameter} reaching {result.target} in a world"
            if notes:
                xlabel += "\n" + wrap_text("; ".join(notes), panel_width, _NOTE_SIZE + 1)
            ax.set_xlabel(xlabel)
            ax.set_ylabel(f"share of worlds where it suffices\n(of {_worlds(n)})")
        handles = [Line2D([], [], color=style[i][0], linestyle=style[i][1], linewidth=1.0, label=links[i]) for i in order]
        handles.append(Line2D([], [], color="0.35", linewidth=0.7, linestyle=(0, (4, 2)), label=f"confidence {conf:g}"))
        handles.append(Line2D([], [], **_DOT, color="white", label="robust strength"))
        fig.legend(handles=handles, loc="outside upper center", ncols=2 if ncols == 1 else min(len(handles), 4))
        if footnotes:
            fig.supxlabel(wrap_text(" ".join(footnotes), width - 0.3, _NOTE_SIZE), fontsize=_NOTE_SIZE, color="0.25", ha="left", x=0.02)
    return fig
