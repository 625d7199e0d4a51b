"""The city group as a map: regions at their coordinates, grouped by their superior
government, links coloured by cooperation level and, where link weights differ, drawn by weight.

Every link is drawn over a slightly wider dark casing, so light level colours (yellow
"strict") stay visible in print; the level legend's swatches carry the same casing. Link widths
map the data's lightest to its heaviest weight onto a range of line widths (a factor 4.5), and
the weight legend shows exactly those two weights (and a round one between them when there are
more than two), with the same number of decimals. Maps with many links draw them thinner.

Groups of regions under one superior government (a prefecture, say) are outlined in a neutral
grey dashed box with the superior's name in dark grey, explained by a legend entry naming the
superior's level from the data ("prefecture (superior government)"); with a single group (a
box around everything) no box is drawn. When a region has no coordinates the layout is a
seeded spring layout, and the figure says so ("schematic layout (not to scale)") and draws no
longitude/latitude axes.

No two texts of the map overlap: each region's label is placed by :func:`_place` at the first
free one of eight spots around its point (near, then farther with a leader line), preferring
spots that cross no link. A label next to its point must be nearer to it than to any other
point, and a leader must not pass by another point or through another label, so every label
has a clear owner; a label with no such spot is left out, and a footnote under the legends
says how many were. Each superior government's outline is drawn around its members' points
*and* labels, and its name placed the same way. Longitude and latitude ticks are round degrees.

The legends sit in rows below the map, their tops aligned (:func:`_arrange`).

Examples
--------
>>> from regions import load_scenario
>>> from solver import analyze
>>> net = load_scenario("yongkang-wuyi-jinyun")
>>> fig = network_map(net, analyze(net, basin=False), names="zh")
>>> sorted(t.get_text() for t in fig.axes[0].texts if t.get_gid() == "label")
['武义县', '永康市', '缙云县']
>>> [t.get_text() for lg in fig.legends if lg.get_gid() == "groups" for t in lg.get_texts()]
['prefecture (superior government)']
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch, Patch
from matplotlib.patheffects import Stroke, withStroke
from matplotlib.ticker import Formatter, Locator, MaxNLocator
from matplotlib.transforms import Bbox

from regions import RegionNetwork

from ..design.gaps import tidy
from ..network import NetworkAnalysis
from .fonts import use_font
from .style import DOUBLE_COLUMN, LEVEL_COLORS, SINGLE_COLUMN, literal, plot_style, wrap_text

__all__ = ["network_map", "positions"]

_LEVEL_ORDER = ("dominant", "unique", "risk-dominant", "strict", "weak", "none")
_LABEL_SIZE = 6.5
_NOTE_SIZE = 6.5
_GAP = 2.0  # points of clear space kept around every label
_MARKER = 22  # scatter size (points²) of a region
_HALO = [Stroke(linewidth=2.2, foreground="white", alpha=0.85)]  # labels stay legible over links
_LEADER_HALO = [withStroke(linewidth=1.7, foreground="white")]
# Link widths (points): the lightest and the heaviest weight, or every link when weights are equal.
_THIN, _THICK, _EQUAL = 0.9, 3.6, 1.8
_CASING = "0.15"  # the dark line under every link: light level colours (yellow) stay visible
_DENSE_CASING = "0.35"  # lighter casing where many links cross
# Outlines of the superior governments' groups: neutral, never a level colour.
_GROUP_EDGE, _GROUP_FILL, _GROUP_TEXT = "0.45", (0.0, 0.0, 0.0, 0.045), "0.25"
_GROUP_DASHES = (0, (3, 2))
_MARGIN, _HSPACE, _VSPACE = 0.05, 0.22, 0.1  # inches around and between the legends


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


def _box_distance(points: np.ndarray, box: Bbox) -> np.ndarray:
    """Distance of each point (shape (n, 2)) to ``box`` (0 inside it)."""
    dx = np.maximum.reduce([box.x0 - points[:, 0], np.zeros(len(points)), points[:, 0] - box.x1])
    dy = np.maximum.reduce([box.y0 - points[:, 1], np.zeros(len(points)), points[:, 1] - box.y1])
    return np.hypot(dx, dy)


def _segment_distance(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance of each point (shape (n, 2)) to the segment from ``a`` to ``b``."""
    d = b - a
    t = np.clip(((points - a) @ d) / max(float(d @ d), 1e-12), 0.0, 1.0)
    return np.linalg.norm(points - (a + t[:, None] * d), axis=1)


# Eight directions around a point, nearest-looking first: right, left, above, below, diagonals.
_DIRECTIONS = ((1, 0), (-1, 0), (0, 1), (0, -1), (1, 1), (-1, 1), (1, -1), (-1, -1))


def _spots(distances) -> list[tuple[float, tuple[float, float], str, str]]:
    """Candidate spots of a label: (distance, offset in points, ha, va), near ones first."""
    out = []
    for distance in distances:
        for dx, dy in _DIRECTIONS:
            norm = math.hypot(dx, dy)
            ha = "left" if dx > 0 else "right" if dx < 0 else "center"
            va = "bottom" if dy > 0 else "top" if dy < 0 else "center"
            out.append((distance, (distance * dx / norm, distance * dy / norm), ha, va))
    return out


def _place(ax: Axes, renderer, anchor, text: str, taken: list[Bbox], segments: np.ndarray, room: Bbox, *, distances=(6.5, 16.0), spots=None, others=None, **kw):
    """An annotation of ``text`` at ``anchor`` (data coordinates) at the first spot around it
    whose box (with :data:`_GAP`) lies in ``room`` and meets no box of ``taken``, fewest links
    crossed first; None (nothing drawn) when no spot is free. ``spots`` replaces the eight
    directions at ``distances`` by given (offset in points, ha, va), all near.

    ``others`` (display coordinates of the other regions' points, with their marker radius in
    pixels) asks for a clear owner: a label beside its point must be nearer to it than to any
    other point by :data:`_GAP` twice over, and a far label's leader must pass no other point
    and cross no other label.
    """
    to_px = renderer.points_to_pixels(1.0)
    own = ax.transData.transform(anchor)
    best = None
    candidates = _spots(distances) if spots is None else [(0.0, *spot) for spot in spots]
    nearest = min(c[0] for c in candidates)
    for rank, (distance, offset, ha, va) in enumerate(candidates):
        note = ax.annotate(text, anchor, xytext=offset, textcoords="offset points", ha=ha, va=va, **kw)
        box = note.get_window_extent(renderer).padded(_GAP * to_px)
        fits = room.x0 <= box.x0 and box.x1 <= room.x1 and room.y0 <= box.y0 and box.y1 <= room.y1
        if fits and not any(box.overlaps(t) for t in taken) and _owned(own, np.asarray(offset) * to_px, box, distance > nearest, taken, others, to_px):
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
    if distance > nearest:  # a far label points at its region, by a leader without text
        leader = ax.annotate(
            "",
            anchor,
            xytext=note.xyann,
            textcoords="offset points",
            # black over a white halo: told apart from the links it crosses
            arrowprops={"arrowstyle": "-", "color": "black", "lw": 0.5, "shrinkA": 0, "shrinkB": 2.5, "path_effects": _LEADER_HALO},
            gid="leader",
            zorder=kw.get("zorder", 4) - 0.5,
        )
        leader.set_in_layout(False)
    note.set_in_layout(False)
    taken.append(box)
    return note


def _halos(ax: Axes) -> None:
    """A white halo beneath every placed label, drawn as a twin in outline (gid ``"halo"``): a
    path effect on the label itself would turn it into outlines too, and a PDF's names could no
    longer be searched or copied."""
    for note in [t for t in ax.texts if t.get_gid() in ("label", "superior-name")]:
        halo = ax.annotate(
            note.get_text(), note.xy, xytext=note.xyann, textcoords=note.anncoords, ha=note.get_ha(), va=note.get_va(),
            fontproperties=note.get_fontproperties(), color="white", path_effects=_HALO, gid="halo", zorder=note.get_zorder() - 0.01,
        )
        halo.set_in_layout(False)


def _owned(own: np.ndarray, offset: np.ndarray, box: Bbox, led: bool, taken: list[Bbox], others, to_px: float) -> bool:
    """Whether a label's box at ``offset`` (pixels) from its point ``own`` belongs clearly to it."""
    if others is None:
        return True
    points, radius = others
    if not len(points):
        return True
    if not led:
        return bool(_box_distance(own[None], box)[0] + 2 * _GAP * to_px < _box_distance(points, box).min())
    end = own + offset
    if _segment_distance(points, own, end).min() < radius + 1.5 * to_px:
        return False
    inside = [t for t in taken if not (t.x0 <= own[0] <= t.x1 and t.y0 <= own[1] <= t.y1)]  # not its own marker
    return not any(_crossings(t, np.array([[own, end]])) for t in inside)


def _decimals(values: list[float]) -> int:
    """The fewest decimals (at most 3) that spell every value of ``values``.

    >>> _decimals([1.0, 1.5]), _decimals([0.5, 0.75, 1.0]), _decimals([2.0, 4.0]), _decimals([0.2251])
    (1, 2, 0, 3)
    """
    for places in range(4):
        if all(abs(round(v, places) - v) <= 1e-9 * max(1.0, abs(v)) for v in values):
            return places
    return 3


def _weight_legend(weights: list[float]) -> list[float]:
    """The weights the legend shows: the data's lightest and heaviest, and between them, when the
    data hold more than two weights, the round value (steps 1, 2, 2.5, 5 × 10ᵏ) nearest their
    middle within its central half (the roundest of two equally near).

    >>> _weight_legend([1.0, 1.0, 1.5]), _weight_legend([0.5, 0.8, 1.0]), _weight_legend([0.6, 0.8, 1.0, 1.2])
    ([1.0, 1.5], [0.5, 0.8, 1.0], [0.6, 1.0, 1.2])
    >>> _weight_legend([1, 2, 3, 4]), _weight_legend([0.517, 0.7, 1.468])
    ([1.0, 2.0, 4.0], [0.517, 1.0, 1.468])
    """
    lo, hi = float(tidy(min(weights))), float(tidy(max(weights)))
    if len({float(tidy(w)) for w in weights}) <= 2:
        return [lo, hi]
    middle, reach = (lo + hi) / 2, (hi - lo) / 4
    ticks = [float(tidy(t)) for t in MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]).tick_values(lo, hi)]
    inner = [t for t in ticks if abs(t - middle) <= reach + 1e-12 * hi]
    return [lo, min(inner, key=lambda t: (round(abs(t - middle), 9), _decimals([t]), t)) if inner else float(tidy(middle)), hi]


def _scale(links: int) -> float:
    """How much thinner links are drawn on a map with ``links`` links (1 up to 24 links, 0.4 from 150).

    >>> _scale(3), _scale(96), _scale(500)
    (1.0, 0.5, 0.4)
    """
    return float(np.clip(math.sqrt(24 / max(links, 1)), 0.4, 1.0))


def _width(weight: float, lo: float, hi: float, scale: float) -> float:
    """Line width (points) of a link of ``weight`` when the weights span ``lo`` to ``hi``."""
    if hi - lo <= 1e-12 * max(abs(hi), 1.0):
        return _EQUAL * scale
    return (_THIN + (weight - lo) / (hi - lo) * (_THICK - _THIN)) * scale


def _cased(width: float, scale: float) -> list:
    """The path effect that draws a line over its dark casing (the legend's swatches)."""
    return [withStroke(linewidth=width + _casing_extra(scale), foreground=_casing_colour(scale))]


def _casing_colour(scale: float) -> str:
    return _CASING if scale > 0.75 else _DENSE_CASING


def _casing_extra(scale: float) -> float:
    return 0.3 + 0.3 * scale  # points: the casing shows 0.21–0.3 pt on each side of a link


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
        Which row of each link to colour by (``"status quo"``, ``"all together"`` — all
        mechanisms combined — or a scenario mechanism's name); a link without that row keeps its
        status quo.
    names : {"latin", "zh", "both"}
        Region labels, as :meth:`regions.RegionNetwork.named` gives them (``"en"`` is
        ``"latin"``). Chinese is drawn by the style's CJK fallback font.
    font : str, optional
        A font family or file for the Chinese labels (:func:`solver.plots.fonts.use_font`).
    seed : int
        Seed of the layout when a region has no coordinates.
    ax : Axes, optional
        Draw into this axes; the legends then go below it (the caller leaves room). By default
        a new figure is made, one column wide (two for more than 12 regions), and grown to hold
        the legends.

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


def _draw(network, rows, nodes, pos, geographic, mechanism, ax, paint=None) -> Figure:
    """The map of ``rows`` (link key -> row with ``.link`` and ``.report.level``). ``paint`` = (colour by
    link key, a function ``(fig, ax)`` drawing their key, e.g. a colourbar) replaces the level colours
    and their legend (:func:`solver.plots.robust.robust_map`)."""
    xy = np.array([pos[n] for n in nodes])
    span = float(max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 1e-9))
    lo, hi = xy.min(axis=0) - 0.14 * span, xy.max(axis=0) + 0.14 * span
    ratio = float(np.clip((hi - lo)[1] / (hi - lo)[0], 0.5, 1.25))
    own = ax is None
    if own:
        width = SINGLE_COLUMN * 1.25 if len(nodes) <= 12 else DOUBLE_COLUMN
        fig = Figure(figsize=(width, min((width - 0.7) * ratio + 0.6, 7.2)), layout="constrained")
        ax = fig.add_subplot()
    fig = ax.figure
    map_height = fig.get_size_inches()[1]
    # Links over their dark casings; parallel links of one pair side by side; width by weight.
    weights = [r.link.weight for r in rows.values()]
    low, high = min(weights), max(weights)
    varied = high - low > 1e-12 * max(abs(high), 1.0)
    scale = _scale(len(rows))
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
        colors.append(LEVEL_COLORS[r.report.level] if paint is None else paint[0][key])
        widths.append(_width(r.link.weight, low, high, scale))
    casing = np.asarray(widths) + _casing_extra(scale)
    ax.add_collection(LineCollection(segments, colors=_casing_colour(scale), linewidths=casing, capstyle="round", zorder=2, gid="link-casing"))
    ax.add_collection(LineCollection(segments, colors=colors, linewidths=widths, capstyle="round", zorder=2.1, gid="links"))
    ax.scatter(xy[:, 0], xy[:, 1], s=_MARKER, color="black", zorder=3, gid="regions")
    ax.set_xlim(lo[0], hi[0])
    ax.set_ylim(lo[1], hi[1])
    ax.set_aspect("equal", adjustable="box")
    if geographic:
        ax.set_xlabel("longitude")
        ax.set_ylabel("latitude")
        mean_lat = math.cos(math.radians(float(np.mean([network.region(n).lat for n in nodes]))))
        ax.xaxis.set_major_locator(_Degrees(mean_lat))
        ax.xaxis.set_major_formatter(_DegreeLabels(mean_lat, "EW"))
        ax.yaxis.set_major_locator(_Degrees(1.0))
        ax.yaxis.set_major_formatter(_DegreeLabels(1.0, "NS"))
    else:
        ax.set_axis_off()
        ax.set_title(_schematic(network, nodes), loc="left", fontsize=7.5).set_gid("schematic")
    # Outlines only where they tell regions apart: two groups or more, or regions outside the one.
    groups: dict[str, list[str]] = {}
    for node in nodes:
        parent = network.region(node).parent
        if parent:
            groups.setdefault(parent, []).append(node)
    if len(groups) == 1 and sum(map(len, groups.values())) == len(nodes):
        groups = {}
    legends = _legends(fig, network, rows, mechanism, groups, (low, high) if varied else None, scale, levels=paint is None)
    if paint is not None:
        paint[1](fig, ax)
    _arrange(fig, ax, legends, None, own, map_height)
    order = sorted(nodes, key=lambda n: (-sum(r.link.weight for k, r in rows.items() if n in k[:2]), nodes.index(n)))
    omitted = _labels(fig, ax, network, pos, order, groups, segments)
    _halos(ax)
    if omitted:
        note = f"{omitted} of {len(nodes)} region labels left out where they would overlap"
        _arrange(fig, ax, legends, note, own, map_height)
    return fig


def _schematic(network: RegionNetwork, nodes: list[str]) -> str:
    """The note of a map drawn without coordinates, naming the regions that lack them."""
    missing = [network.region(n).name for n in nodes if network.region(n).lon is None]
    which = missing[0] if len(missing) == 1 else " and ".join(missing) if len(missing) == 2 else f"{len(missing)} regions"
    return f"schematic layout (not to scale): {which} {'has' if len(missing) == 1 else 'have'} no coordinates"


def _legends(fig: Figure, network, rows, mechanism: str, groups: dict, weights, scale: float, levels: bool = True) -> list[Legend]:
    """The figure's legends: levels (unless ``levels`` is false), link weights, superior governments' outlines."""
    kw = {"loc": "upper left", "bbox_transform": fig.dpi_scale_trans, "borderaxespad": 0.0, "alignment": "left"}
    present = [level for level in _LEVEL_ORDER if level in {r.report.level for r in rows.values()}] if levels else []
    swatch = _EQUAL * scale if weights is None else _width(sum(weights) / 2, *weights, scale)
    handles = [Line2D([], [], color=LEVEL_COLORS[level], linewidth=swatch, path_effects=_cased(swatch, scale), label=level) for level in present]
    which = "all mechanisms combined" if mechanism == "all together" else mechanism
    title = wrap_text(f"cooperation level ({which})", 2.6, 8)
    out = [fig.legend(handles=handles, title=title, ncols=2 if len(present) > 3 else 1, **kw)] if levels else []
    if levels:
        out[-1].set_gid("levels")
    if weights is not None:
        samples = _weight_legend([float(r.link.weight) for r in rows.values()])
        places = _decimals(samples)
        sample = [
            Line2D([], [], color="0.6", linewidth=w, path_effects=_cased(w, scale), label=f"{v:.{places}f}")
            for v, w in ((v, _width(v, *weights, scale)) for v in samples)
        ]
        out.append(fig.legend(handles=sample, title="link weight (line width)", **kw))
        out[-1].set_gid("weights")
    if groups:
        levels = " or ".join(dict.fromkeys(network.region(p).level for p in groups))
        outline = Patch(facecolor=_GROUP_FILL, edgecolor=_GROUP_EDGE, linewidth=0.8, linestyle=_GROUP_DASHES, label=f"{levels} (superior government)")
        out.append(fig.legend(handles=[outline], title="regions grouped by", handlelength=1.6, handleheight=1.1, **kw))
        out[-1].set_gid("groups")
    return out


def _renderer(fig: Figure):
    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)  # a canvas that measures text: the figure is not shown
    return fig.canvas.get_renderer()


def _arrange(fig: Figure, ax: Axes, legends: list[Legend], note: str | None, own: bool, map_height: float) -> None:
    """Lay ``legends`` out in rows below the map, left to right with their tops aligned, and the
    footnote ``note`` under them. A figure of our own grows by their height (the map keeps its
    size, so labels placed already stay right); in a caller's ``ax`` they go below its axes."""
    renderer = _renderer(fig)
    dpi = fig.dpi
    sizes = [(b.width / dpi, b.height / dpi) for b in (lg.get_window_extent(renderer) for lg in legends)]
    room = fig.get_size_inches()[0] - 2 * _MARGIN
    spots = _shelves(sizes, room)
    depth = max((y + h for (_, y), (_, h) in zip(spots, sizes)), default=0.0)
    old = [t for t in fig.texts if t.get_gid() == "omitted"]
    for t in old:
        t.remove()
    footnote = None
    if note:
        footnote = fig.text(_MARGIN, _MARGIN, note, fontsize=_NOTE_SIZE, color=_GROUP_TEXT, ha="left", va="bottom", transform=fig.dpi_scale_trans)
        footnote.set_gid("omitted")
        note_height = footnote.get_window_extent(renderer).height / dpi + _VSPACE
    else:
        note_height = 0.0
    strip = _MARGIN + depth + note_height + _MARGIN
    if own:
        total = map_height + strip
        fig.set_size_inches(fig.get_size_inches()[0], total)
        fig.get_layout_engine().set(rect=(0, strip / total, 1, 1 - strip / total))
        top = strip - _MARGIN
    else:
        fig.draw_without_rendering()
        top = ax.get_tightbbox(renderer).y0 / dpi - _MARGIN
        if footnote is not None:
            footnote.set_y(top - strip + 2 * _MARGIN - note_height + _VSPACE)
    for legend, (x, y) in zip(legends, spots):
        legend.set_bbox_to_anchor((_MARGIN + x, top - y), transform=fig.dpi_scale_trans)


def _shelves(sizes: list[tuple[float, float]], room: float) -> list[tuple[float, float]]:
    """Where boxes of ``sizes`` (width, height) go: left to right in a first row with their tops
    aligned, then each one that does not fit beside them under the column with the least height
    that is wide enough, else in a new row. Returns (x, depth below the top) of each box.

    >>> _shelves([(2.4, 0.3), (1.2, 0.5), (1.9, 0.2)], 4.2)
    [(0.0, 0.0), (2.62, 0.0), (0.0, 0.4)]
    """
    columns: list[list[float]] = []  # x, width and depth used of each column of the current row
    top, open_row, out = 0.0, True, []
    for w, h in sizes:
        x = columns[-1][0] + columns[-1][1] + _HSPACE if columns else 0.0
        if open_row and (not columns or x + w <= room):
            columns.append([x, w, top + h])
            out.append((round(x, 6), round(top, 6)))
            continue
        open_row = False
        limits = [c[0] for c in columns[1:]]
        fits = [c for c, limit in zip(columns, [v - _HSPACE for v in limits] + [room]) if c[0] + w <= limit]
        if fits:
            column = min(fits, key=lambda c: (c[2], c[0]))
            out.append((round(column[0], 6), round(column[2] + _VSPACE, 6)))
            column[1], column[2] = max(column[1], w), column[2] + _VSPACE + h
        else:  # a new row under everything
            top, open_row = max(c[2] for c in columns) + _VSPACE, True
            columns = [[0.0, w, top + h]]
            out.append((0.0, round(top, 6)))
    return out


def _labels(fig, ax, network, pos, order, groups, links) -> int:
    """Place the region labels, the group outlines and the group names; the number left out."""
    for artist in [*ax.texts, *ax.patches]:
        if artist.get_gid() in ("label", "leader", "superior", "superior-name"):
            artist.remove()
    fig.draw_without_rendering()  # the final layout: positions in display units are now fixed
    renderer = _renderer(fig)
    to_pixels = renderer.points_to_pixels(1.0)
    room = ax.get_window_extent(renderer).padded(-5 * to_pixels)
    radius = math.sqrt(_MARKER) / 2 * to_pixels
    centres = {n: ax.transData.transform(pos[n]) for n in order}
    taken = [Bbox.from_extents(*(c - radius), *(c + radius)) for c in centres.values()]
    segments = ax.transData.transform(np.asarray(links).reshape(-1, 2)).reshape(-1, 2, 2) if links else np.empty((0, 2, 2))
    boxes: dict[str, Bbox] = {}
    omitted = 0
    for node in order:
        others = (np.array([c for n, c in centres.items() if n != node]).reshape(-1, 2), radius)
        name = literal(network.region(node).name)
        note = _place(ax, renderer, pos[node], name, taken, segments, room, others=others, fontsize=_LABEL_SIZE, gid="label", zorder=4)
        if note is None:
            omitted += 1
        else:
            boxes[node] = note.get_window_extent(renderer)
    # Outlines around the members' points and labels, then the group names beside them.
    inverse = ax.transData.inverted()
    pad = 4.0 * to_pixels
    # Corners rounded with the radius of the padding: the rounding never cuts into a label.
    rounding = abs(inverse.transform([[pad, 0.0]])[0, 0] - inverse.transform([[0.0, 0.0]])[0, 0])
    for parent, members in groups.items():
        parts = [Bbox.from_extents(*(centres[m] - radius), *(centres[m] + radius)) for m in members]
        parts += [boxes[m] for m in members if m in boxes]
        outline = Bbox.union(parts).padded(pad)
        (x0, y0), (x1, y1) = inverse.transform([[outline.x0, outline.y0], [outline.x1, outline.y1]])
        ax.add_patch(
            FancyBboxPatch(
                (x0, y0),
                x1 - x0,
                y1 - y0,
                boxstyle=f"round,pad=0,rounding_size={rounding}",
                facecolor=_GROUP_FILL,
                edgecolor=_GROUP_EDGE,
                linewidth=0.8,
                linestyle=_GROUP_DASHES,
                gid="superior",
                zorder=1,
            )
        )
        # The superior's name just outside the outline at a corner, below or above it (else beside
        # it), where it crosses the fewest links.
        corners = (
            ((x0, y0), ((1.0, -1.0), "left", "top")),
            ((x1, y0), ((-1.0, -1.0), "right", "top")),
            ((x0, y1), ((1.0, 1.0), "left", "bottom")),
            ((x1, y1), ((-1.0, 1.0), "right", "bottom")),
            ((x0, y0), ((-2.0, 0.0), "right", "bottom")),  # beside the outline, flush with an edge
            ((x1, y0), ((2.0, 0.0), "left", "bottom")),
            ((x0, y1), ((-2.0, 0.0), "right", "top")),
            ((x1, y1), ((2.0, 0.0), "left", "top")),
        )
        name = literal(network.region(parent).name)
        style = {"fontsize": _LABEL_SIZE, "style": "italic", "color": _GROUP_TEXT, "gid": "superior-name", "zorder": 4}
        tried = []
        for rank, (corner, spot) in enumerate(corners):
            note = _place(ax, renderer, corner, name, taken, segments, room, spots=[spot], **style)
            if note is not None:
                tried.append((_crossings(taken.pop(), segments), rank))
                note.remove()
        if tried:
            corner, spot = corners[min(tried)[1]]
            _place(ax, renderer, corner, name, taken, segments, room, spots=[spot], **style)
    return omitted
