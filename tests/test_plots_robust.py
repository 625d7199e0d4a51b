"""The figures of robustness (solver.plots.robust): what each draws is its input, checked against
closed forms where one exists, and each passes the automatic figure checks (Latin and Chinese names).

The tornado chart draws the result's Sobol' indices (computed by SALib against the closed forms in
tests/reference/test_sobol_prim.py); the map's link colours map back to each link's probability; a
surface's contour lines lie on the closed form's level lines; the strength ECDFs are the sorted
pointwise strengths and the marked robust strength is RobustStrength.value (2.9 in closed form)."""

from __future__ import annotations

import dataclasses
from functools import lru_cache

import matplotlib
import numpy as np
import pytest

from regions import builtin_text, load_scenario, loads_scenario
from solver.plots import save_figure
from solver.plots.check import check_figure
from solver.plots.robust import PROBABILITY_CMAP, robust_map, strength_distribution, surface_plot, tornado
from solver.robust.scenario import robustness
from solver.robust.surface import Surface


def test_tornado_draws_the_indices_sorted_with_readable_names(tmp_path):
    text = builtin_text("henan-clusters").replace("T = 4.5", "T = { uniform = [4, 5] }", 1).replace("R = 3, S = -1", "R = { triangular = [2.5, 3, 3.5] }, S = -1", 1)
    result = robustness(loads_scenario(text), samples=512, seed=0)
    fig = tornado(result)
    ax = fig.axes[0]
    bars = [p for p in ax.patches if p.get_gid() == "total" or p.get_width() > 0]
    order = sorted(result.sobol, key=lambda k: result.sobol[k].ST)
    assert [t.get_text() for t in ax.get_yticklabels()] == [result.labels[k] for k in order]
    assert np.allclose([b.get_width() for b in bars], [max(0.0, result.sobol[k].ST) for k in order])
    assert all(":" in t.get_text() and "-" not in t.get_text().split(":")[0] for t in ax.get_yticklabels())  # names, not ids
    assert check_figure(fig, ids=list(result.sobol)) == []
    save_figure(fig, tmp_path / "tornado.pdf")


def test_tornado_without_indices_says_why():
    text = builtin_text("henan-clusters").replace("T = 4.5", "T = { uniform = [4, 5] }", 1)
    text += '\n[uncertainty]\ncorrelation = []\n'
    result = robustness(loads_scenario(text), samples=64, seed=0)
    object.__setattr__(result, "sobol", {})
    with pytest.raises(ValueError, match="no Sobol' indices"):
        tornado(result)


# --- the map, the surface, the strength distribution (issue 14, round 2) ------------------------

#: One PD link (R = 3, S = 0, P = 1, T uniform on [4, 6]) under guidance (subsidy 1.5) and an
#: alliance: (C, C) is strict iff T < 3 + subsidy, so P(strict) = P(T < 4.5) = 0.25 and the least
#: subsidy of a world is T − 3, uniform on [1, 3], whose 95 % quantile is 2.9 (closed forms).
ONE_LINK = """
[scenario]
name = "one link"
[[regions]]
id = "henan"
name = "Province"
level = "province"
[[regions]]
id = "anyang"
name = "Anyang"
name_zh = "安阳市"
level = "county"
parent = "henan"
[[regions]]
id = "hebi"
name = "Hebi"
name_zh = "鹤壁市"
level = "county"
parent = "henan"
[[links]]
between = ["anyang", "hebi"]
payoffs = { R = 3, S = 0, T = { uniform = [4, 6] }, P = 1 }
[[mechanisms]]
kind = "higher_level_guidance"
name = "Provincial guidance"
by = "henan"
subsidy = 1.5
[[mechanisms]]
kind = "third_party_organization"
name = "Industry alliance"
fee = 0.05
detection = 0.3
"""


@lru_cache(maxsize=1)
def _henan():
    net = load_scenario("henan-uncertain")
    return net, robustness(net, samples=1024, seed=0)


def _ids(net, result=None) -> set[str]:
    return set(net.regions) | {"-".join(k.between) for k in net.links} | set(result.labels if result else ())


def _cmap_inverse(rgba) -> float:
    """The probability whose colour on the colormap is nearest to ``rgba`` (of its 256 entries)."""
    table = matplotlib.colormaps[PROBABILITY_CMAP](np.linspace(0, 1, 256))[:, :3]
    return float(np.linspace(0, 1, 256)[np.argmin(np.linalg.norm(table - np.asarray(rgba)[:3], axis=1))])


@pytest.mark.parametrize("names", ["latin", "zh"])
def test_robust_map_colours_each_link_by_its_probability(names):
    net, result = _henan()
    fig = robust_map(net, result, names=names)
    links = next(c for c in fig.axes[0].collections if c.get_gid() == "links")
    drawn = [_cmap_inverse(c) for c in links.get_colors()]
    # Colormap quantisation: 256 entries, so a colour names its probability to within 1/255.
    assert np.allclose(drawn, [k.options[-1].target.p for k in result.links], atol=1 / 255 + 1e-9)
    labels = sorted(t.get_text() for t in fig.axes[0].texts if t.get_gid() == "label")
    assert labels == sorted(r.name for r in net.named(names).regions.values() if r.id != "henan")
    bar = next(ax for ax in fig.axes if ax.get_gid() == "probability")
    assert "1,024 sampled worlds" in bar.get_xlabel() and "strict" in bar.get_xlabel()
    # The stated interval reach: the widest half-interval of the links, rounded up to 2 digits.
    stated = float(bar.get_xlabel().split("±")[1].rstrip(")"))
    widest = max(max(k.options[-1].target.high - k.options[-1].target.p, k.options[-1].target.p - k.options[-1].target.low) for k in result.links)
    assert widest <= stated < widest * 1.1
    assert check_figure(fig, ids=_ids(net, result)) == []


def test_robust_map_shows_the_closed_form_probability():
    net = loads_scenario(ONE_LINK)
    result = robustness(net, samples=1024, seed=1)
    links = next(c for c in robust_map(net, result).axes[0].collections if c.get_gid() == "links")
    # P(T < 4.5) = 0.25 for T uniform on [4, 6]; the QMC estimate's own error at 1,024 worlds is
    # ~0.002, the colour's 1/255: 0.01 covers both with room.
    assert abs(_cmap_inverse(links.get_colors()[0]) - 0.25) < 0.01


def test_robust_map_refuses_a_result_of_another_network():
    _, result = _henan()
    with pytest.raises(ValueError, match="not of this network"):
        robust_map(loads_scenario(ONE_LINK), result)


def _surface(samples=256, central=(5.0, 0.5)) -> Surface:
    # P = clip((x − 2y − 4) / 1.5, 0, 1): linear between its 0 and 1 lines. On this grid x − 2y − 4 is a
    # multiple of 0.05, so every grid edge the 0.5 and 0.95 lines cross has both ends in the linear
    # part, and the lines found by linear interpolation lie exactly on x − 2y − 4 = 1.5 P.
    xs, ys = np.linspace(4, 6, 41), np.linspace(0, 1, 21)
    p = np.clip((xs[None, :] - 2 * ys[:, None] - 4) / 1.5, 0, 1)
    return Surface("a-b.T", "p.detection", "Anyang–Hebi: T", "Provincial guidance: detection", xs, ys, p, np.zeros_like(p), samples, "every link reaches strict", "strict", central)


def test_surface_plot_draws_the_contours_where_the_closed_form_puts_them():
    s = _surface()
    fig = surface_plot(s)
    ax = fig.axes[0]
    lines = next(c for c in ax.collections if c.get_gid() == "marks")
    assert list(lines.levels) == [0.5, 0.95]
    for level, path in zip(lines.levels, lines.get_paths()):
        v = path.vertices
        assert len(v) > 2 and np.allclose(v[:, 0] - 2 * v[:, 1] - 4, 1.5 * level, atol=1e-9)
    assert sorted(t.get_text() for t in ax.texts) == ["0.5", "0.95"]
    star = next(line for line in ax.lines if line.get_gid() == "central")
    assert tuple(star.get_xydata()[0]) == s.central
    assert ax.get_xlabel() == "Anyang–Hebi: T" and ax.get_ylabel() == "Provincial guidance: detection"
    bar = next(a for a in fig.axes if a.get_gid() == "probability")
    assert "256 worlds" in bar.get_ylabel()
    assert check_figure(fig, ids=["a-b", "a-b.T", "p.detection"]) == []


def test_surface_plot_without_lines_in_range_and_with_a_bad_shape():
    s = dataclasses.replace(_surface(samples=0), p=np.ones((21, 41)))
    fig = surface_plot(s)
    assert not [c for c in fig.axes[0].collections if c.get_gid() == "marks"]
    assert "no other uncertain quantity" in next(a for a in fig.axes if a.get_gid() == "probability").get_ylabel()
    assert check_figure(fig) == []
    with pytest.raises(ValueError, match="shape"):
        surface_plot(dataclasses.replace(s, p=np.ones((41, 21))))


def _ecdf_reference(pointwise: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Share of all worlds whose least strength is ≤ x, counted directly."""
    return np.array([np.mean(pointwise <= v) for v in x])


@pytest.mark.parametrize("names", ["latin", "zh"])
def test_strength_distribution_draws_each_ecdf_and_robust_strength(names):
    net, result = _henan()
    fig = strength_distribution(result, net, names=names)
    ax = fig.axes[0]
    assert ax.get_title() == "Henan guidance"
    drawn = 0
    for i, link in enumerate(result.links):
        s = link.strengths["Henan guidance"]
        line = next((ln for ln in ax.lines if ln.get_gid() == f"ecdf-{i}"), None)
        if np.all(s.pointwise == 0):  # the corridor needs no subsidy: named, not drawn
            assert line is None
            continue
        drawn += 1
        x, y = line.get_xdata()[1:-1], line.get_ydata()[1:-1]
        assert np.array_equal(x, np.unique(s.pointwise[np.isfinite(s.pointwise)]))
        assert np.allclose(y, _ecdf_reference(s.pointwise, x), atol=1e-12)
        mark = next(ln for ln in ax.lines if ln.get_gid() == f"robust-{i}")
        assert mark.get_xdata()[0] == s.value and mark.get_ydata()[0] == result.confidence
    assert drawn == 3
    zh = net.named(names)
    corridor = "–".join(zh.region(r).name for r in ("shangqiu", "xinxiang"))
    assert f"not needed in any world: {corridor}" in ax.get_xlabel()
    assert "Henan industry alliance: not needed" in fig.get_supxlabel().replace("\n", " ")  # no curve: a footnote
    assert "1,024 sampled worlds" in ax.get_ylabel()
    assert check_figure(fig, ids=_ids(net, result)) == []


def test_strength_distribution_marks_the_closed_form_quantile_and_states_unreachable_worlds():
    net = loads_scenario(ONE_LINK)
    result = robustness(net, samples=1024, seed=1)
    fig = strength_distribution(result, net)
    ax = fig.axes[0]
    mark = next(ln for ln in ax.lines if ln.get_gid() == "robust-0")
    # The 95 % quantile of T − 3, T uniform on [4, 6], is 2.9; the sample quantile's standard error at
    # 1,024 worlds is sqrt(0.95·0.05/1024)/0.5 ≈ 0.014 (plain MC; QMC is tighter): 3 of them.
    assert abs(mark.get_xdata()[0] - 2.9) < 0.042
    # Make 12.5 % of the worlds unreachable: the curve levels off at 0.875 and the panel says so.
    s = result.links[0].strengths["Provincial guidance"]
    pointwise = s.pointwise.copy()
    pointwise[: len(pointwise) // 8] = np.inf
    link = dataclasses.replace(result.links[0], strengths={**result.links[0].strengths, "Provincial guidance": dataclasses.replace(s, pointwise=pointwise)})
    fig = strength_distribution(dataclasses.replace(result, links=(link,)), net, names="zh")
    ax = fig.axes[0]
    line = next(ln for ln in ax.lines if ln.get_gid() == "ecdf-0")
    assert line.get_ydata()[-1] == 0.875
    assert "安阳市–鹤壁市: no strength reaches strict in 12.5 % of worlds" in ax.get_xlabel()
    assert check_figure(fig, ids=_ids(net)) == []


def test_strength_distribution_without_strengths_says_why():
    net = loads_scenario(ONE_LINK)
    result = robustness(net, samples=64, seed=0)
    empty = dataclasses.replace(result, links=tuple(dataclasses.replace(k, strengths={}) for k in result.links))
    with pytest.raises(ValueError, match="no robust strength"):
        strength_distribution(empty, net)
    alliance_only = dataclasses.replace(result, links=tuple(dataclasses.replace(k, strengths={"Industry alliance": k.strengths["Industry alliance"]}) for k in result.links))
    with pytest.raises(ValueError, match="reaches strict in no world"):
        strength_distribution(alliance_only, net)


def test_surface_plot_draws_the_prim_box_where_its_limits_are():
    """The rectangle spans the box's limits on x and y (an open side at the axis' end); a box
    limiting neither axis draws nothing."""
    from solver.plots.robust import surface_plot
    from solver.robust.prim import Box
    from solver.robust.surface import Surface

    xs, ys = np.linspace(4, 6, 21), np.linspace(0, 1, 11)
    p = np.clip((xs[None, :] - 4 - 2 * ys[:, None]) / 0.5, 0, 1)
    s = Surface("a.T", "b.R", "A–B: T", "B–C: R", xs, ys, p, np.zeros_like(p), 0, "every link reaches strict", "strict", (5.0, 0.5))
    box = Box({"a.T": (4.6, np.inf), "c.S": (-1.0, 0.0)}, 0.9, 0.95, 0.3, 3, "peel", True)
    fig = surface_plot(s, box=box)
    (rect,) = [patch for patch in fig.axes[0].patches if patch.get_gid() == "prim-box"]
    assert (rect.get_x(), rect.get_y(), rect.get_x() + rect.get_width(), rect.get_y() + rect.get_height()) == pytest.approx((4.6, 0, 6, 1))
    texts = [t.get_text() for t in fig.legends[0].get_texts()]
    assert any("coverage 90%, density 95%, 1 more limit" in t for t in texts)
    other = Box({"c.S": (-1.0, 0.0)}, 0.9, 0.95, 0.3, 3, "peel", True)
    assert not [patch for patch in surface_plot(s, box=other).axes[0].patches if patch.get_gid() == "prim-box"]
    import matplotlib.pyplot as plt

    plt.close("all")
