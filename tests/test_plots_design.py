"""Issue 13's flaws of the network map, mechanism comparison, threshold curve and phase diagram,
each pinned by a test that failed before its fix; every figure also passes solver.plots.check."""

import itertools
import math

import numpy as np
import pytest
from colorspacious import cspace_convert
from matplotlib.colors import to_rgb

from games import HigherLevelGuidance, RepeatedPlay, prisoners_dilemma
from regions import Link, RegionNetwork, load_scenario, synthetic_province
from solver import analyze
from solver.design import compare
from solver.design.compare import GENERIC
from solver.design.phase import phase_grid, threshold_sweep
from solver.network import link_game
from solver.plots import LEVEL_COLORS, mechanism_comparison, network_map, phase_diagram, threshold_curve
from solver.plots.check import check_figure
from solver.plots.style import plot_style

BUILTIN = ("yongkang-wuyi-jinyun", "henan-clusters", "gba-nev")


def _synthetic(n: int) -> RegionNetwork:
    prefectures = max(1, n // 12)
    counties = n - 1 - prefectures
    return synthetic_province(regions=n, links=min(2 * n, counties * (counties - 1) // 2), prefectures=prefectures, seed=n)


def _ids(net: RegionNetwork) -> list[str]:
    return [*net.regions, *("-".join(link.between) for link in net.links)]


def _drawn(fig):
    with plot_style():
        fig.draw_without_rendering()
    return fig.canvas.get_renderer()


# ---------------------------------------------------------------------------------------------
# network map


@pytest.mark.parametrize("names", ["latin", "zh"])
@pytest.mark.parametrize("scenario", [*BUILTIN, 5, 20, 60])
def test_network_map_passes_the_checks_and_outlines_hold_their_labels(scenario, names):
    # Before: overlapping labels (dense maps: dozens), labels outside their prefecture's box,
    # ticks at 119.78°E.
    net = load_scenario(scenario) if isinstance(scenario, str) else _synthetic(scenario)
    fig = network_map(net, analyze(net, basin=False), names=names)
    assert check_figure(fig, ids=_ids(net)) == []
    renderer = _drawn(fig)
    ax = fig.axes[0]
    labels = {t.get_text(): t.get_window_extent(renderer) for t in ax.texts if t.get_gid() == "label"}
    shown = net.named(names)
    outlines = [p for p in ax.patches if p.get_gid() == "superior"]
    for region in shown.regions.values():
        if region.name in labels and region.parent:
            box = labels[region.name]
            assert any(_containing(o.get_window_extent(renderer).padded(0.5), box) for o in outlines), region.name
    regions = {n for link in net.links for n in link.between}
    note = ax.get_title(loc="left")
    assert (note == "") == (len(labels) == len(regions)) and note.startswith(f"{len(regions) - len(labels)} of " if note else "")


def _containing(outer, inner) -> bool:
    return outer.x0 <= inner.x0 and inner.x1 <= outer.x1 and outer.y0 <= inner.y0 and inner.y1 <= outer.y1


def test_geographic_ticks_are_round_degrees():
    # Before: 119.78°E, 119.95°E, 120.12°E (round steps of longitude × cos latitude).
    net = load_scenario("yongkang-wuyi-jinyun")
    fig = network_map(net, analyze(net, basin=False))
    _drawn(fig)
    ax = fig.axes[0]
    for axis, suffix in ((ax.xaxis, "°E"), (ax.yaxis, "°N")):
        texts = [t.get_text() for t in axis.get_ticklabels() if t.get_text()]
        values = np.array([float(t.removesuffix(suffix)) for t in texts])
        assert len(values) >= 3 and all(t.endswith(suffix) for t in texts)
        steps = np.diff(values)
        step = round(float(steps[0]), 9)
        exponent = math.floor(math.log10(step))
        assert np.allclose(steps, step) and round(step / 10**exponent, 6) in (1, 2, 5)


def test_link_width_has_a_legend_only_when_weights_differ():
    # Before: widths varied with weight and nothing said what thickness meant.
    net = load_scenario("henan-clusters")  # weights 1.2, 1, 0.8, 0.6
    fig = network_map(net, analyze(net, basin=False))
    (links,) = [c for c in fig.axes[0].collections if c.get_gid() == "links"]
    widths = links.get_linewidths()
    weights = [link.weight for link in net.links]
    assert np.allclose(np.asarray(widths) / weights, widths[0] / weights[0])  # width ∝ weight
    (legend,) = [lg for lg in fig.legends if lg.get_gid() == "weights"]
    assert legend.get_title().get_text() == "link weight (line width)"
    samples = [(float(t.get_text()), h.get_linewidth()) for t, h in zip(legend.get_texts(), legend.legend_handles)]
    assert 2 <= len(samples) <= 3 and all(np.isclose(w / v, widths[0] / weights[0]) for v, w in samples)
    equal = RegionNetwork(net.regions.values(), [Link(k.between, k.cluster, 1.0, k.game) for k in net.links], name=net.name)
    fig = network_map(equal, analyze(equal, basin=False))
    (links,) = [c for c in fig.axes[0].collections if c.get_gid() == "links"]
    assert len(set(links.get_linewidths())) == 1 and not [lg for lg in fig.legends if lg.get_gid() == "weights"]


def _lab(color: str, cvd: str | None) -> np.ndarray:
    rgb = np.array(to_rgb(color))
    if cvd:
        rgb = np.clip(cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": cvd, "severity": 100}, "sRGB1"), 0, 1)
    return cspace_convert(rgb, "sRGB1", "CIELab")


@pytest.mark.parametrize("cvd", [None, "deuteranomaly", "protanomaly", "tritanomaly"])
def test_level_colours_differ_strongly_also_for_colour_blind_readers(cvd):
    # Independent of solver.plots.check (Machado matrices, own Lab): colorspacious' CVD model at
    # full severity. Before: "strict" #E69F00 and "none" #D55E00 were ΔE 18 apart as a
    # deuteranope sees them, and green–sky blue 16 under tritanopia. Now every pair ≥ 20.
    for a, b in itertools.combinations(LEVEL_COLORS, 2):
        assert np.linalg.norm(_lab(LEVEL_COLORS[a], cvd) - _lab(LEVEL_COLORS[b], cvd)) >= 20, (a, b)


@pytest.mark.parametrize("names", ["latin", "en", "zh", "both"])
def test_network_map_names_come_from_named(names):
    net = load_scenario("yongkang-wuyi-jinyun")
    fig = network_map(net, analyze(net, basin=False), names=names)
    labels = sorted(t.get_text() for t in fig.axes[0].texts if t.get_gid() == "label")
    assert labels == sorted(net.named(names).region(r).name for r in ("yongkang", "wuyi", "jinyun"))
    with pytest.raises(ValueError, match="names must be one of"):
        network_map(net, analyze(net, basin=False), names="klingon")


# ---------------------------------------------------------------------------------------------
# mechanism comparison


def test_mechanism_comparison_keeps_two_links_of_one_pair_apart():
    # Before: cells were keyed by the pair of regions, so a second cluster's link overwrote the first's.
    net = load_scenario("yongkang-wuyi-jinyun")
    first = net.links[0]
    pd = {"row": {"R": 3, "S": -2, "T": 6, "P": 0}, "col": {"R": 3, "S": -2, "T": 6, "P": 0}}
    from regions import GameSpec

    second = Link(first.between, "textiles", 0.7, GameSpec("payoffs", pd["row"], pd["col"]))
    twin = RegionNetwork(net.regions.values(), [*net.links, second], name=net.name)
    comparison = compare(twin, candidates=GENERIC[:1])
    fig = mechanism_comparison(comparison, names=twin)
    cells = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "strength-text"]
    assert len(cells) == len(comparison.rows) == 4
    headers = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert sum("Yongkang" in h and "Wuyi" in h for h in headers) == 2 and any("(textiles)" in h for h in headers)
    assert check_figure(fig, ids=_ids(twin)) == []


@pytest.mark.parametrize("scenario", BUILTIN)
def test_mechanism_comparison_passes_the_checks(scenario):
    # Before: pale (alpha 0.35) cells and legend patches too close in colour, 0.333333-like text.
    net = load_scenario(scenario).named("zh")
    fig = mechanism_comparison(compare(net), names=net)
    assert check_figure(fig, ids=_ids(net)) == []
    for text in (t.get_text() for t in fig.axes[0].texts):
        number = text.split()[-1]
        assert "e-" not in number and len(number.replace(".", "").lstrip("0")) <= 4


# ---------------------------------------------------------------------------------------------
# threshold curve


def test_threshold_curve_draws_each_governments_threshold_on_an_asymmetric_link():
    # Before: one curve; an asymmetric link's two thresholds were merged into it.
    # Closed form (grim trigger): government i needs δ ≥ (T − Rᵢ)/(T − Pᵢ); the link both.
    net = load_scenario("henan-clusters").named("zh")
    link = next(k for k in net.links if k.between == ("shangqiu", "zhoukou"))  # R 2.5 / 2, P 0 / 0
    t = np.linspace(2.6, 8, 12)
    curve = threshold_sweep(link_game(net, link), RepeatedPlay(), "discount", "T", t)
    fig = threshold_curve(curve)
    lines = {line.get_gid(): line for line in fig.axes[0].get_lines()}
    assert np.allclose(lines["player-0"].get_ydata(), (t - 2.5) / t) and np.allclose(lines["player-1"].get_ydata(), (t - 2) / t)
    assert np.allclose(lines["solver"].get_ydata(), np.maximum((t - 2.5) / t, (t - 2) / t))
    assert [lines[f"player-{k}"].get_label() for k in (0, 1)] == ["商丘市 alone", "周口市 alone"]
    assert "=" not in fig.axes[0].get_title() and "discount" in fig.axes[0].get_title()
    assert check_figure(fig, ids=_ids(net)) == []
    symmetric = threshold_sweep(prisoners_dilemma(T=5, R=3, P=1, S=0), RepeatedPlay(), "discount", "T", [4, 5])
    assert symmetric.player_strengths == () and "player-0" not in {line.get_gid() for line in threshold_curve(symmetric).axes[0].get_lines()}


# ---------------------------------------------------------------------------------------------
# phase diagram


def test_phase_diagram_has_no_stray_cells_marks_the_operating_point_and_shows_every_entry():
    # Before (henan xinxiang–luoyang): grid points on the line s = 1.5(1 − p) were drawn as
    # isolated "weak" cells; the dashed weak threshold lay under the solid dominant one, so its
    # legend entry was invisible; the stack's own values were not marked.
    game = prisoners_dilemma(T=4.5, R=3, P=0, S=-1)
    guidance = HigherLevelGuidance(penalty=1.5, detection=0.4, subsidy=0.3)
    grid = phase_grid(game, guidance, ("subsidy", np.linspace(0, 2.25, 41)), ("detection", np.linspace(0, 1, 26)))
    assert "weak" in set(grid.levels.ravel())  # the sampled grid hits the line …
    fx, fy, fine = grid.fine
    assert "weak" not in set(fine.ravel())  # … the raster's cell centres do not
    # Each raster cell against the closed form: C dominant iff s > 1.5 − 1.5 p (T − R = P − S = 1.5).
    X, Y = np.meshgrid(fx, fy)
    assert np.array_equal(fine == "dominant", X > 1.5 - 1.5 * Y)
    fig = phase_diagram(grid)
    lines = {line.get_gid(): line for line in fig.axes[0].get_lines() if line.get_gid()}
    assert "threshold-dominant" not in lines and "and C becomes strictly dominant" in lines["threshold-weak"].get_label().replace("\n", " ")
    assert grid.operating == (0.3, 0.4) and tuple(lines["operating"].get_xydata()[0]) == (0.3, 0.4)
    assert check_figure(fig) == []
