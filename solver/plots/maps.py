"""The city group as a map: regions at their coordinates, grouped by their superior
government, links coloured by cooperation level and, where link weights differ, drawn by weight.

No two texts of the map overlap: each region's label is placed by :func:`_place` at the first
free one of eight spots around its point (near, then farther with a leader line), preferring
spots that cross no link; a label with no free spot is left out and the figure says how many
were. Each superior government's outline is drawn around its members' points *and* labels,
and its name placed the same way. Longitude and latitude ticks are round degrees.

Examples
--------
>>> from regions import load_scenario
>>> from solver import analyze
>>> net = load_scenario("yongkang-wuyi-jinyun")
>>> fig = network_map(net, analyze(net, basin=False), names="zh")
>>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_gid() == "label")
['武义县', '永康市', '缙云县']
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch
from matplotlib.patheffects import withStroke
from matplotlib.ticker import Formatter, Locator, MaxNLocator
from matplotlib.transforms import Bbox

from regions import RegionNetwork

from ..design.gaps import fmt, tidy
from ..network import NetworkAnalysis
from .fonts import use_font
from .style import DOUBLE_COLUMN, LEVEL_COLORS, OKABE_ITO, SINGLE_COLUMN, plot_style

__all__ = ["network_map", "positions"]

# Outline colours of the superior governments' groups: Okabe–Ito blue, reddish purple, bluish
# green, orange (no yellow: too light for text on white).
_GROUP_COLORS = (OKABE_ITO[5], OKABE_ITO[7], OKABE_ITO[3], OKABE_ITO[1])
_LEVEL_ORDER = ("dominant", "unique", "risk-dominant", "strict", "weak", "none")
_LABEL_SIZE = 6.5
_GAP = 2.0  # points of clear space kept around every label
_MARKER = 22  # scatter size (points²) of a region
_HALO = [withStroke(linewidth=2.2, foreground="white", alpha=0.85)]  # labels stay legible over links


def positions(network: RegionNetwork, nodes: list[str], seed: int = 0) -> tuple[dict[str, np.ndarray], bool]:
    """Coordinates of the regions: lon/lat (longitude scaled by cos latitude) when every region
    has them, otherwise a seeded spring layout. Returns the positions and whether they are
    geographic."""
    regions = [network.region(r) for r in nodes]
    if all(r.lon is not None for r in regions):
        mean_lat = math.radians(np.mean([r.lat for r in regions]))
        return {r.id: np.array([r.lon * math.cos(mean_lat), r.lat]) for r in regions}, True
    sub = nx.Graph(network.graph.subgraph(nodes))
    layout = nx.spring_layout(sub, seed=seed)
    return {k: np.asarray(v) for k, v in layout.items()}, False


class _Degrees(Locator):
    """Ticks at round degrees (steps 1, 2, 5 × 10ᵏ) of an axis drawn in degrees × ``scale``."""

    def __init__(self, scale: float) -> None:
        self.scale = scale
        self._nice = MaxNLocator(nbins=5, steps=[1, 2, 5, 10], min_n_ticks=3)

    def __call__(self):
        lo, hi = self.axis.get_view_interval()
        return self.tick_values(lo, hi)

    def tick_values(self, vmin, vmax):
        return self._nice.tick_values(vmin / self.scale, vmax / self.scale) * self.scale


class _DegreeLabels(Formatter):
    """``119.8°E``, ``28.7°N``: every tick of an axis with the same number of decimals."""

    def __init__(self, scale: float, hemispheres: str) -> None:
        self.scale, self.hemispheres, self.places = scale, hemispheres, 0

    def set_locs(self, locs) -> None:
        super().set_locs(locs)
        values = [tidy(v / self.scale) for v in locs]
        self.places = max((len(f"{v:.6f}".rstrip("0").split(".")[1]) for v in values), default=0)

    def __call__(self, x, pos=None) -> str:
        value = tidy(x / self.scale)
        text = f"{abs(value):.{self.places}f}"
        return f"{text}°{self.hemispheres[0] if value >= 0 else self.hemispheres[1]}"


def _crossings(box: Bbox, segments: np.ndarray) -> int:
    """How many segments (display coordinates, shape (n, 2, 2)) pass through ``box``
    (Liang–Barsky clipping)."""
    if len(segments) == 0:
        return 0
    start, d = segments[:, 0], segments[:, 1] - segments[:, 0]
    t0, t1 = np.zeros(len(start)), np.ones(len(start))
    meets = np.ones(len(start), dtype=bool)
    for p, q in (
        (-d[:, 0], start[:, 0] - box.x0),
        (d[:, 0], box.x1 - start[:, 0]),
        (-d[:, 1], start[:, 1] - box.y0),
        (d[:, 1], box.y1 - start[:, 1]),
    ):
        flat = np.abs(p) < 1e-12
        meets &= ~(flat & (q < 0))
        t = np.divide(q, p, out=np.zeros_like(q), where=~flat)
        t0 = np.where(~flat & (p < 0), np.maximum(t0, t), t0)
        t1 = np.where(~flat & (p > 0), np.minimum(t1, t), t1)
    return int(np.count_nonzero(meets & (t0 <= t1)))


# Eight directions around a point, nearest-looking first: right, left, above, below, diagonals.
_DIRECTIONS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))


def _place(ax: Axes, renderer, anchor, text: str, taken: list[Bbox], segments: np.ndarray, room: Bbox, *, distances=(6.5, 16.0), **kw):
    """An annotation of ``text`` at ``anchor`` (data coordinates) at the first spot around it
    whose box (with :data:`_GAP`) lies in ``room`` and meets no box of ``taken``, fewest links
    crossed first; None (nothing drawn) when no spot is free."""
    best = None
    for rank, (distance, (dx, dy)) in enumerate((r, d) for r in distances for d in _DIRECTIONS):
        norm = math.hypot(dx, dy)
        offset = (distance * dx / norm, distance * dy / norm)
        ha = "left" if dx > 0 else "right" if dx < 0 else "center"
        va = "bottom" if dy > 0 else "top" if dy < 0 else "center"
        note = ax.annotate(text, anchor, xytext=offset, textcoords="offset points", ha=ha, va=va, path_effects=_HALO, **kw)
        box = note.get_window_extent(renderer).padded(_GAP * renderer.points_to_pixels(1.0))
        fits = room.x0 <= box.x0 and box.x1 <= room.x1 and room.y0 <= box.y0 and box.y1 <= room.y1
        if fits and not any(box.overlaps(t) for t in taken):
            score = 5 * _crossings(box, segments) + rank  # a near spot crossing one link beats a far one
            if best is None or score < best[0]:
                if best is not None:
                    best[1].remove()
                best = (score, note, box, distance)
                if score == rank:
                    break
                continue
        note.remove()
    if best is None:
        return None
    _, note, box, distance = best
    if distance > min(distances):  # a far label points at its region, by a leader without text
        leader = ax.annotate(
            "",
            anchor,
            xytext=note.xyann,
            textcoords="offset points",
            arrowprops={"arrowstyle": "-", "color": "0.45", "lw": 0.4, "shrinkA": 0, "shrinkB": 2.5},
            gid="leader",
            zorder=kw.get("zorder", 4) - 0.5,
        )
        leader.set_in_layout(False)
    note.set_in_layout(False)
    taken.append(box)
    return note


def _weight_legend(weights: list[float]) -> tuple[list[float], float]:
    """Two or three round sample weights within the range of ``weights``, and the line width per
    unit weight (widths are proportional to weights, the heaviest link 3.6 points wide).

    >>> _weight_legend([0.225, 0.8, 1.492])[0], _weight_legend([0.5, 0.8, 1.0])[0]
    ([0.5, 1.0], [0.6, 0.8, 1.0])
    """
    lo, hi = min(weights), max(weights)
    samples = [float(tidy(t)) for t in MaxNLocator(nbins=3, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi) if lo - 1e-12 <= t <= hi + 1e-12]
    if len(samples) < 2:
        samples = sorted({float(f"{lo:.2g}"), float(f"{hi:.2g}")})
    if len(samples) > 3:
        samples = [samples[0], samples[len(samples) // 2], samples[-1]]
    return samples, 3.6 / hi


def network_map(
    network: RegionNetwork,
    analysis: NetworkAnalysis,
    *,
    mechanism: str = "status quo",
    names: str = "latin",
    font: str | None = None,
    seed: int = 0,
    ax: Axes | None = None,
) -> Figure:
    """Regions and cluster links coloured by the cooperation level under one mechanism row.

    Parameters
    ----------
    network : RegionNetwork
    analysis : NetworkAnalysis
        From :func:`solver.analyze`.
    mechanism : str
        Which row of each link to colour by (``"status quo"``, ``"all together"`` or a
        scenario mechanism's name); a link without that row keeps its status quo.
    names : {"latin", "zh", "both"}
        Region labels, as :meth:`regions.RegionNetwork.named` gives them (``"en"`` is
        ``"latin"``). Chinese is drawn by the style's CJK fallback font.
    font : str, optional
        A font family or file for the Chinese labels (:func:`solver.plots.fonts.use_font`).
    seed : int
        Seed of the layout when the regions have no coordinates.

    Raises
    ------
    ValueError
        For an unknown ``names``.
    """
    network = network.named(names)
    rows = {}
    for r in analysis.links:
        key = (*r.link.between, r.link.cluster)
        if (r.mechanism == "status quo" and key not in rows) or r.mechanism == mechanism:
            rows[key] = r
    nodes = list(dict.fromkeys(n for a, b, _ in rows for n in (a, b)))
    pos, geographic = positions(network, nodes, seed)
    with use_font(font), plot_style():
        return _draw(network, rows, nodes, pos, geographic, mechanism, ax)


def _draw(network, rows, nodes, pos, geographic, mechanism, ax) -> Figure:
    xy = np.array([pos[n] for n in nodes])
    span = float(max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 1e-9))
    lo, hi = xy.min(axis=0) - 0.14 * span, xy.max(axis=0) + 0.14 * span
    ratio = float(np.clip((hi - lo)[1] / (hi - lo)[0], 0.5, 1.25))
    if ax is None:
        width = SINGLE_COLUMN * 1.25 if len(nodes) <= 12 else DOUBLE_COLUMN
        fig = Figure(figsize=(width, min((width - 0.7) * ratio + 1.2, 8.0)), layout="constrained")
        ax = fig.add_subplot()
    fig = ax.figure
    # Links: parallel links of one pair side by side; width by weight only where weights differ.
    weights = [r.link.weight for r in rows.values()]
    varied = max(weights) - min(weights) > 1e-12 * max(weights)
    samples, per_unit = _weight_legend(weights) if varied else ([], 0.0)
    pairs: dict[frozenset, list] = {}
    for key in rows:
        pairs.setdefault(frozenset(key[:2]), []).append(key)
    segments, colors, widths = [], [], []
    for key, r in rows.items():
        a, b = pos[key[0]], pos[key[1]]
        same = pairs[frozenset(key[:2])]
        normal = np.array([-(b - a)[1], (b - a)[0]]) / max(float(np.linalg.norm(b - a)), 1e-12)
        shift = (same.index(key) - (len(same) - 1) / 2) * 0.015 * span * normal
        segments.append([a + shift, b + shift])
        colors.append(LEVEL_COLORS[r.report.level])
        widths.append(per_unit * r.link.weight if varied else 1.8)
    ax.add_collection(LineCollection(segments, colors=colors, linewidths=widths, capstyle="round", zorder=2, gid="links"))
    ax.scatter(xy[:, 0], xy[:, 1], s=_MARKER, color="black", zorder=3, gid="regions")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal", adjustable="box")
    if geographic:
        ax.set_xlabel("longitude")
        ax.set_ylabel("latitude")
        scale = math.cos(math.radians(float(np.mean([network.region(n).lat for n in nodes]))))
        ax.xaxis.set_major_locator(_Degrees(scale))
        ax.xaxis.set_major_formatter(_DegreeLabels(scale, "EW"))
        ax.yaxis.set_major_locator(_Degrees(1.0))
        ax.yaxis.set_major_formatter(_DegreeLabels(1.0, "NS"))
    else:
        ax.set_axis_off()
    present = [level for level in _LEVEL_ORDER if level in {r.report.level for r in rows.values()}]
    handles = [Line2D([], [], color=LEVEL_COLORS[level], linewidth=2.5, label=level) for level in present]
    fig.legend(handles=handles, title=f"cooperation level ({mechanism})", loc="outside lower left", ncols=2 if len(present) > 3 else 1).set_gid("levels")
    if varied:
        sample = [Line2D([], [], color="0.3", linewidth=per_unit * w, label=fmt(w)) for w in samples]
        fig.legend(handles=sample, title="link weight (line width)", loc="outside lower right").set_gid("weights")
    groups: dict[str, list[str]] = {}
    for node in nodes:
        parent = network.region(node).parent
        if parent:
            groups.setdefault(parent, []).append(node)
    order = sorted(nodes, key=lambda n: (-sum(r.link.weight for k, r in rows.items() if n in k[:2]), nodes.index(n)))
    shown = ""
    for _ in range(3):  # the note of omitted labels takes room: lay out again until it is stable
        omitted = _labels(fig, ax, network, pos, order, groups, segments)
        text = f"{omitted} of {len(nodes)} region labels left out where they would overlap" if omitted else ""
        if text == shown:
            break
        ax.set_title(text, loc="left", fontsize=6.5, style="italic").set_gid("omitted")
        shown = text
    return fig


def _labels(fig, ax, network, pos, order, groups, links) -> int:
    """Place the region labels, the group outlines and the group names; the number left out."""
    for artist in [*ax.texts, *ax.patches]:
        if artist.get_gid() in ("label", "leader", "superior", "superior-name"):
            artist.remove()
    fig.draw_without_rendering()  # the final layout: positions in display units are now fixed
    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)  # a canvas that measures text: the figure is not shown
    renderer = fig.canvas.get_renderer()
    to_pixels = renderer.points_to_pixels(1.0)
    room = ax.get_window_extent(renderer).padded(-5 * to_pixels)
    radius = math.sqrt(_MARKER) / 2 * to_pixels
    centres = {n: ax.transData.transform(pos[n]) for n in order}
    taken = [Bbox.from_extents(*(c - radius), *(c + radius)) for c in centres.values()]
    segments = ax.transData.transform(np.asarray(links).reshape(-1, 2)).reshape(-1, 2, 2) if links else np.empty((0, 2, 2))
    boxes: dict[str, Bbox] = {}
    omitted = 0
    for node in order:
        note = _place(ax, renderer, pos[node], network.region(node).name, taken, segments, room, fontsize=_LABEL_SIZE, gid="label", zorder=4)
        if note is None:
            omitted += 1
        else:
            boxes[node] = note.get_window_extent(renderer)
    # Outlines around the members' points and labels, then the group names beside them.
    inverse = ax.transData.inverted()
    pad = 4.0 * to_pixels
    # Corners rounded with the radius of the padding: the rounding never cuts into a label.
    rounding = abs(inverse.transform([[pad, 0.0]])[0, 0] - inverse.transform([[0.0, 0.0]])[0, 0])
    for k, (parent, members) in enumerate(groups.items()):
        parts = [Bbox.from_extents(*(centres[m] - radius), *(centres[m] + radius)) for m in members]
        parts += [boxes[m] for m in members if m in boxes]
        outline = Bbox.union(parts).padded(pad)
        (x0, y0), (x1, y1) = inverse.transform([[outline.x0, outline.y0], [outline.x1, outline.y1]])
        color = _GROUP_COLORS[k % len(_GROUP_COLORS)]
        ax.add_patch(
            FancyBboxPatch(
                (x0, y0),
                x1 - x0,
                y1 - y0,
                boxstyle=f"round,pad=0,rounding_size={rounding}",
                facecolor=color,
                alpha=0.07,
                edgecolor=color,
                linewidth=0.8,
                linestyle=(0, (3, 2)),
                gid="superior",
                zorder=1,
            )
        )
        corners = [(x0, y0), (x0, y1), (x1, y0), (x1, y1)]
        for corner in corners:
            note = _place(
                ax, renderer, corner, network.region(parent).name, taken, segments, room,
                distances=(1.5,), fontsize=6.5, style="italic", color=color, gid="superior-name", zorder=4,
            )  # fmt: skip
            if note is not None:
                break
    return omitted
