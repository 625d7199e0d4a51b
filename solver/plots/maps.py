"""The city group as a map: regions at their coordinates, grouped by their superior
government, links coloured by cooperation level and drawn by weight.

Examples
--------
>>> from regions import load_scenario
>>> from solver import analyze
>>> net = load_scenario("yongkang-wuyi-jinyun")
>>> fig = network_map(net, analyze(net, basin=False))
>>> [c.get_gid() for c in fig.axes[0].collections if c.get_gid() == "links"]
['links']
"""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import FancyBboxPatch
from matplotlib.ticker import FuncFormatter, MaxNLocator

from regions import RegionNetwork

from ..network import NetworkAnalysis
from .style import LEVEL_COLORS, OKABE_ITO, SINGLE_COLUMN, label_fonts, new_figure, plot_style

__all__ = ["network_map", "positions"]

# Outline colours of the superior governments' groups: Okabe–Ito blue, reddish purple, bluish
# green, orange (no yellow: too light for text on white).
_GROUP_COLORS = (OKABE_ITO[5], OKABE_ITO[7], OKABE_ITO[3], OKABE_ITO[1])


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


def _place_labels(ax: Axes, pos: dict[str, np.ndarray], texts: dict[str, str], fonts: dict, span: float) -> None:
    """Labels beside their points, pushed away from the group's centre and from each other."""
    centre = np.mean(list(pos.values()), axis=0)
    placed: list[np.ndarray] = []
    for node, p in pos.items():
        direction = p - centre
        norm = np.linalg.norm(direction)
        direction = direction / norm if norm > 1e-12 else np.array([0.0, 1.0])
        spot = p + direction * 0.06 * span
        for _ in range(20):  # step away from labels already placed
            if all(np.linalg.norm(spot - q) > 0.09 * span for q in placed):
                break
            spot = spot + np.array([0.0, -0.05 * span])
        placed.append(spot)
        ha = "left" if direction[0] > 0.2 else "right" if direction[0] < -0.2 else "center"
        ax.annotate(
            texts[node],
            p,
            xytext=spot,
            ha=ha,
            va="center",
            fontsize=7,
            fontproperties=fonts.get(node),
            gid="label",
            arrowprops={"arrowstyle": "-", "color": "0.5", "lw": 0.4, "shrinkA": 0, "shrinkB": 3},
        )


def network_map(
    network: RegionNetwork,
    analysis: NetworkAnalysis,
    *,
    mechanism: str = "status quo",
    names: str = "en",
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
    names : {"en", "zh", "both"}
        Region labels; Chinese names need an installed CJK font (or ``font``), and fall back
        to the Latin name with one warning when none covers them.
    font : str, optional
        A font family or file for the Chinese labels.
    seed : int
        Seed of the layout when the regions have no coordinates.
    """
    if names not in ("en", "zh", "both"):
        raise ValueError(f"names must be 'en', 'zh' or 'both', got {names!r}")
    rows = {}
    for r in analysis.links:
        key = (*r.link.between, r.link.cluster)
        if (r.mechanism == "status quo" and key not in rows) or r.mechanism == mechanism:
            rows[key] = r
    nodes = list(dict.fromkeys(n for a, b, _ in rows for n in (a, b)))
    pos, geographic = positions(network, nodes, seed)
    with plot_style():
        fig, (ax,) = new_figure(SINGLE_COLUMN * 1.25, SINGLE_COLUMN * 1.15) if ax is None else (ax.figure, [ax])
        xy = np.array(list(pos.values()))
        span = float(max(np.ptp(xy[:, 0]), np.ptp(xy[:, 1]), 1e-9))
        # Group the regions by their direct superior, outlined with a rounded box.
        groups: dict[str, list[str]] = {}
        for node in nodes:
            parent = network.region(node).parent
            groups.setdefault(parent or "", []).append(node)
        for k, (parent, members) in enumerate(groups.items()):
            if not parent:
                continue
            pts = np.array([pos[m] for m in members])
            pad = 0.1 * span
            lo, hi = pts.min(axis=0) - pad, pts.max(axis=0) + pad
            color = _GROUP_COLORS[k % len(_GROUP_COLORS)]
            ax.add_patch(
                FancyBboxPatch(
                    lo,
                    *(hi - lo),
                    boxstyle=f"round,pad=0,rounding_size={0.05 * span}",
                    facecolor=color,
                    alpha=0.08,
                    edgecolor=color,
                    linewidth=0.8,
                    linestyle=(0, (3, 2)),
                    gid="superior",
                )
            )
            ax.text(
                lo[0],
                lo[1] - 0.015 * span,
                network.region(parent).name,
                fontsize=6.5,
                style="italic",
                color=color,
                va="top",
                gid="superior-name",
            )
        segments, colors, widths = [], [], []
        for (a, b, _), r in rows.items():
            segments.append([pos[a], pos[b]])
            colors.append(LEVEL_COLORS[r.report.level])
            widths.append(1.0 + 2.5 * r.link.weight / max(x.link.weight for x in rows.values()))
        ax.add_collection(LineCollection(segments, colors=colors, linewidths=widths, capstyle="round", zorder=2, gid="links"))
        ax.scatter(xy[:, 0], xy[:, 1], s=22, color="black", zorder=3, gid="regions")
        texts, fonts = {}, {}
        zh = label_fonts([network.region(n).name_zh for n in nodes if network.region(n).name_zh], font) if names != "en" else {}
        for node in nodes:
            region = network.region(node)
            text = region.name
            if names != "en" and region.name_zh:
                chosen = zh.get(region.name_zh)
                if chosen is not None:
                    text = region.name_zh if names == "zh" else f"{region.name} {region.name_zh}"
                    fonts[node] = chosen
            texts[node] = text
        _place_labels(ax, pos, texts, fonts, span)
        ax.set_aspect("equal")
        ax.margins(0.25)
        if geographic:
            ax.set_xlabel("longitude")
            ax.set_ylabel("latitude")
            ax.xaxis.set_major_locator(MaxNLocator(4))
            ax.yaxis.set_major_locator(MaxNLocator(4))
            scale = math.cos(math.radians(float(np.mean(xy[:, 1]))))
            ax.xaxis.set_major_formatter(FuncFormatter(lambda t, _pos: f"{t / scale:.2f}°E"))
            ax.yaxis.set_major_formatter(FuncFormatter(lambda t, _pos: f"{t:.2f}°N"))
        else:
            ax.set_axis_off()
        present = [level for level in ("dominant", "unique", "risk-dominant", "strict", "weak", "none") if level in {r.report.level for r in rows.values()}]
        handles = [Line2D([], [], color=LEVEL_COLORS[level], linewidth=2.5, label=level) for level in present]
        ax.legend(handles=handles, title=f"cooperation ({mechanism})", loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=3)
    return fig
