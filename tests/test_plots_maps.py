"""The network map after the journal review of issue 13 (helper H6): neutral, explained group
outlines; links visible in print (a dark casing, also on the legend's swatches); aligned legends
whose link-weight swatches span the data's own lightest and heaviest weights; a schematic
layout said to be one; dense maps with thin links, owned labels and a footnote.

Every test failed on the map before the review (solver/plots/maps.py at the start of H6's work).
Colours are judged with colorspacious (CIELAB, D65), not with solver.plots.check, and pixels
are read from the Agg rendering itself, not from the artists' properties.
"""

from __future__ import annotations

import numpy as np
import pytest
from colorspacious import cspace_convert
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb, to_rgba

from regions import GameSpec, Link, Region, RegionNetwork, load_scenario, synthetic_province
from solver import analyze
from solver.plots import LEVEL_COLORS
from solver.plots.check import check_figure
from solver.plots.maps import network_map
from solver.plots.style import plot_style

STAG_HUNT = GameSpec("payoffs", {"R": 5, "S": 0, "T": 4, "P": 2})  # (C, C) strict, not risk-dominant: "strict"
DILEMMA = GameSpec("payoffs", {"R": 3, "S": -1, "T": 4, "P": 0})  # "none"
HARMONY = GameSpec("payoffs", {"R": 4, "S": 2, "T": 3, "P": 1})  # "dominant"


def _lab(rgb) -> np.ndarray:
    return cspace_convert(np.clip(np.asarray(rgb, dtype=float), 0, 1), "sRGB1", "CIELab")


def _rendered(fig) -> tuple[np.ndarray, object]:
    """The figure as an RGB array (rows from the top) and the renderer that drew it, at the 300 dpi
    the style saves with."""
    fig.set_dpi(300)
    with plot_style():
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3] / 255.0, canvas.get_renderer()


def _crop(image: np.ndarray, box, pad: int = 0) -> np.ndarray:
    height = image.shape[0]
    y0, y1 = max(int(height - box.y1) - pad, 0), int(np.ceil(height - box.y0)) + pad
    return image[y0:y1, max(int(box.x0) - pad, 0) : int(np.ceil(box.x1)) + pad].reshape(-1, 3)


def _gid(fig, gid: str) -> list:
    return [a for ax in fig.axes for a in ax.findobj() if a.get_gid() == gid]


@pytest.fixture(scope="module")
def three_levels() -> RegionNetwork:
    """Two prefectures; links at "strict" (yellow), "none" and "dominant", weights 1, 2 and 3."""
    regions = [
        Region("p1", "North Prefecture", "prefecture", lon=120.0, lat=30.0),
        Region("p2", "South Prefecture", "prefecture", lon=120.0, lat=29.0),
        Region("a", "Anting", "county", parent="p1", lon=119.6, lat=30.1),
        Region("b", "Beilin", "county", parent="p1", lon=120.4, lat=30.0),
        Region("c", "Caohe", "county", parent="p2", lon=120.0, lat=29.2),
    ]
    links = [Link(("a", "b"), "tools", 1.0, STAG_HUNT), Link(("b", "c"), "tools", 2.0, DILEMMA), Link(("a", "c"), "tools", 3.0, HARMONY)]
    return RegionNetwork(regions, links, name="three levels")


def _map(net, **kw):
    return network_map(net, analyze(net, basin=False), **kw)


# ---------------------------------------------------------------------------------------------
# 1. group outlines


def test_group_outlines_are_neutral_visible_and_in_a_legend(three_levels):
    # Before: Okabe–Ito outlines (the Lishui box pink = "risk-dominant", Jinhua blue = "dominant")
    # at alpha 0.07 for edge and fill alike (ΔE ≈ 3 from white: invisible), in no legend.
    for net in (three_levels, load_scenario("yongkang-wuyi-jinyun")):
        fig = _map(net)
        boxes = _gid(fig, "superior")
        assert len(boxes) == 2
        for box in boxes:
            r, g, b, a = box.get_edgecolor()
            edge = a * np.array([r, g, b]) + (1 - a)  # on white
            assert np.ptp(edge) < 1e-9, "outline edge must be grey, not a level colour"
            assert np.linalg.norm(_lab(edge) - _lab([1, 1, 1])) >= 40  # clearly visible on white
            assert box.get_linestyle() != "solid" and box.get_facecolor()[3] <= 0.1
            face = box.get_facecolor()
            assert np.ptp(face[:3]) < 1e-9
        names = _gid(fig, "superior-name")
        assert len(names) == 2 and all(np.ptp(to_rgb(t.get_color())) < 1e-9 and _lab(to_rgb(t.get_color()))[0] < 45 for t in names)
        (legend,) = [lg for lg in fig.legends if lg.get_gid() == "groups"]
        assert [t.get_text() for t in legend.get_texts()] == ["prefecture (superior government)"]
        (handle,) = legend.legend_handles
        # the handle is drawn as the outlines are (matplotlib copies the dash pattern, not the name)
        assert to_rgba(handle.get_edgecolor()) == to_rgba(boxes[0].get_edgecolor()) and to_rgba(handle.get_facecolor()) == to_rgba(boxes[0].get_facecolor())
        assert check_figure(fig, ids=[*net.regions]) == []


@pytest.mark.parametrize("scenario", ["henan-clusters", "gba-nev"])
def test_a_single_group_gets_no_outline(scenario):
    # Before: one box (Henan, Guangdong) around everything, telling the reader nothing.
    fig = _map(load_scenario(scenario))
    assert not _gid(fig, "superior") and not _gid(fig, "superior-name")
    assert not [lg for lg in fig.legends if lg.get_gid() == "groups"]


# ---------------------------------------------------------------------------------------------
# 2. light link colours visible in print


def test_every_link_and_level_swatch_has_a_dark_casing(three_levels):
    # Before: "strict" links in #F0E442 on white (ΔE 14 in L* from white, about 1.2:1 contrast),
    # no casing, and a pure yellow legend swatch.
    fig = _map(three_levels)
    image, renderer = _rendered(fig)
    yellow = _lab(to_rgb(LEVEL_COLORS["strict"]))
    ax = fig.axes[0]
    (links,) = _gid(fig, "links")
    for (a, b), colour in zip(links.get_segments(), links.get_colors()):
        middle = ax.transData.transform((np.asarray(a) + np.asarray(b)) / 2)
        row, col = int(image.shape[0] - middle[1]), int(middle[0])
        patch = image[row - 20 : row + 20, col - 20 : col + 20]
        lab = _lab(patch.reshape(-1, 3))
        own = _lab(colour[:3])
        assert np.count_nonzero(np.linalg.norm(lab - own, axis=1) < 8) >= 5  # the link's colour
        assert np.count_nonzero(lab[:, 0] < 35) >= 5, f"no dark casing beside the {colour} link"
    (levels,) = [lg for lg in fig.legends if lg.get_gid() == "levels"]
    texts = [t.get_text() for t in levels.get_texts()]
    assert "strict" in texts
    for handle, text in zip(levels.legend_handles, texts):
        lab = _lab(_crop(image, handle.get_window_extent(renderer), pad=12))  # the line and its edges
        assert np.count_nonzero(lab[:, 0] < 35) >= 5, f"the {text} swatch has no casing"
    swatch = _lab(_crop(image, levels.legend_handles[texts.index("strict")].get_window_extent(renderer)))
    assert np.count_nonzero(np.linalg.norm(swatch - yellow, axis=1) < 8) >= 5


# ---------------------------------------------------------------------------------------------
# 3. legends: aligned, explained, the data's weights


def test_legends_are_top_aligned_and_say_all_mechanisms_combined():
    # Before: the level and weight legends sat at different heights; "(all together)".
    net = load_scenario("gba-nev")
    fig = _map(net, mechanism="all together")
    _, renderer = _rendered(fig)
    boxes = {lg.get_gid(): lg.get_window_extent(renderer) for lg in fig.legends}
    assert set(boxes) == {"levels", "weights"}
    assert abs(boxes["levels"].y1 - boxes["weights"].y1) <= 1.0
    title = next(lg for lg in fig.legends if lg.get_gid() == "levels").get_title().get_text()
    assert title == "cooperation level (all mechanisms combined)"
    axes_bottom = fig.axes[0].get_tightbbox(renderer).y0
    assert all(box.y1 <= axes_bottom for box in boxes.values())


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [("gba-nev", ["1.0", "1.5"]), ("yongkang-wuyi-jinyun", ["0.5", "0.8", "1.0"]), ("henan-clusters", ["0.6", "1.0", "1.2"])],
)
def test_weight_legend_spans_the_datas_weights_with_one_number_format(scenario, expected):
    # Before: gba 1 / 1.2 / 1.4 for links of 1.0 and 1.5; Yongkang 0.6 / 0.8 / 1 with a lightest
    # link of 0.5; widths ∝ weight, so 1.0 and 1.5 differed by a factor 1.5 only.
    net = load_scenario(scenario)
    fig = _map(net)
    (legend,) = [lg for lg in fig.legends if lg.get_gid() == "weights"]
    labels = [t.get_text() for t in legend.get_texts()]
    assert labels == expected
    weights = sorted(link.weight for link in net.links)
    assert float(labels[0]) == weights[0] and float(labels[-1]) == weights[-1]
    assert len({len(label.split(".")[-1]) for label in labels}) == 1
    (links,) = _gid(fig, "links")
    drawn = dict(zip((link.weight for link in net.links), links.get_linewidths()))
    swatches = [h.get_linewidth() for h in legend.legend_handles]
    assert swatches[-1] / swatches[0] >= 3.5  # visibly different
    for label, width in zip(labels, swatches):
        if float(label) in drawn:
            assert width == pytest.approx(drawn[float(label)])  # a swatch is a link of that weight


# ---------------------------------------------------------------------------------------------
# 4. schematic layout


def test_a_region_without_coordinates_makes_a_schematic_map_that_says_so():
    # Before: gba-nev's City Z has no coordinates, the spring layout looked like a map.
    fig = _map(load_scenario("gba-nev"), names="both")
    ax = fig.axes[0]
    assert not ax.axison and ax.get_xlabel() == ""
    assert ax.get_title(loc="left") == "schematic layout (not to scale): City Z has no coordinates"
    geographic = _map(load_scenario("yongkang-wuyi-jinyun")).axes[0]
    assert geographic.axison and "schematic" not in geographic.get_title(loc="left")


# ---------------------------------------------------------------------------------------------
# 5. dense maps


@pytest.fixture(scope="module")
def dense():
    net = synthetic_province(regions=60, links=120, prefectures=5, seed=60)  # 54 counties, 120 links
    return net, _map(net, names="zh")


def test_a_dense_map_draws_thin_links_and_a_footnote(dense):
    # Before: links up to 3.6 pt on a 120-link map; "14 of 54 … left out" in italics top-left
    # over the data (the axes title).
    net, fig = dense
    (links,) = _gid(fig, "links")
    assert max(links.get_linewidths()) <= 2.0
    _, renderer = _rendered(fig)
    ax = fig.axes[0]
    assert ax.get_title(loc="left") == ""
    (note,) = [t for t in fig.texts if t.get_gid() == "omitted"]
    shown = len([t for t in ax.texts if t.get_gid() == "label"])
    regions = len({n for link in net.links for n in link.between})
    assert shown < regions and note.get_text() == f"{regions - shown} of {regions} region labels left out where they would overlap"
    assert note.get_style() == "normal"
    box = note.get_window_extent(renderer)
    assert box.y1 <= ax.get_tightbbox(renderer).y0 and all(box.y1 <= lg.get_window_extent(renderer).y0 + 0.5 for lg in fig.legends)
    assert check_figure(fig, ids=[*net.regions]) == []


def test_every_label_of_a_dense_map_has_a_clear_owner(dense):
    # Before: labels sat next to a point not their own, nearer to a neighbour than to their
    # region, with no leader. Now: a label without a leader is nearer to its point than to any
    # other; a leader starts at its own point and passes no other point.
    _, fig = dense
    _, renderer = _rendered(fig)
    ax = fig.axes[0]
    (points,) = _gid(fig, "regions")
    centres = ax.transData.transform(points.get_offsets())
    leaders = {tuple(np.round(a.xy, 9)): a for a in ax.texts if a.get_gid() == "leader"}
    labels = [t for t in ax.texts if t.get_gid() == "label"]
    assert len(labels) >= 30
    radius = np.sqrt(points.get_sizes()[0]) / 2 * fig.dpi / 72
    for label in labels:
        own = ax.transData.transform(label.xy)
        box = label.get_window_extent(renderer)
        gaps = np.hypot(np.maximum.reduce([box.x0 - centres[:, 0], 0 * centres[:, 0], centres[:, 0] - box.x1]),
                        np.maximum.reduce([box.y0 - centres[:, 1], 0 * centres[:, 1], centres[:, 1] - box.y1]))  # fmt: skip
        mine = np.argmin(np.hypot(*(centres - own).T))
        leader = leaders.get(tuple(np.round(label.xy, 9)))
        if leader is None:
            others = np.delete(gaps, mine)
            assert gaps[mine] < others.min(), f"{label.get_text()} is as near to another point"
        else:
            end = np.asarray(leader.xyann) * fig.dpi / 72 + own  # offset points → pixels
            d = end - own
            t = np.clip(((centres - own) @ d) / (d @ d), 0, 1)
            passing = np.hypot(*(centres - (own + t[:, None] * d)).T)
            assert np.delete(passing, mine).min() > radius, f"{label.get_text()}'s leader passes another point"
