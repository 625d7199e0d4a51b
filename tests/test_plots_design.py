"""Issue 13's flaws of the network map, mechanism comparison, threshold curve and phase diagram,
each pinned by a test that failed before its fix; every figure also passes solver.plots.check."""

import itertools
import math
from dataclasses import replace

import numpy as np
import pytest
from colorspacious import cspace_convert
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.colors import to_rgb

from games import HigherLevelGuidance, RepeatedPlay, apply, prisoners_dilemma, stage_game
from regions import Link, RegionNetwork, load_scenario, synthetic_province
from solver import analyze
from solver.cooperation import stability
from solver.design import compare, minimal_strength
from solver.design.compare import GENERIC
from solver.design.phase import link_phase, link_threshold, phase_grid, threshold_sweep
from solver.gallery import figures
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
        if region.name in labels and region.parent and outlines:  # no box for a single group (H6 review)
            box = labels[region.name]
            assert any(_containing(o.get_window_extent(renderer).padded(0.5), box) for o in outlines), region.name
    regions = {n for link in net.links for n in link.between}
    note = "".join(t.get_text() for t in fig.texts if t.get_gid() == "omitted")  # a footnote under the legends
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
    slope, intercept = np.polyfit(weights, widths, 1)  # width affine in weight (H6 review: a wider range than ∝)
    assert slope > 0 and np.allclose(np.asarray(widths), slope * np.asarray(weights) + intercept)
    (legend,) = [lg for lg in fig.legends if lg.get_gid() == "weights"]
    assert legend.get_title().get_text() == "link weight (line width)"
    samples = [(float(t.get_text()), h.get_linewidth()) for t, h in zip(legend.get_texts(), legend.legend_handles)]
    assert 2 <= len(samples) <= 3 and all(np.isclose(w, slope * v + intercept) for v, w in samples)
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
    assert [lines[f"player-{k}"].get_label() for k in (0, 1)] == ["needed by 商丘市", "needed by 周口市"]
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
    # … the exact regions have no "weak" area: the two polygons against the closed form, C
    # dominant iff s > 1.5 − 1.5 p (T − R = P − S = 1.5).
    assert [level for level, _ in grid.regions] == ["none", "dominant"] and grid.fine is None
    none, dominant = (poly for _, poly in grid.regions)
    assert sorted(map(tuple, none.tolist())) == [(0.0, 0.0), (0.0, 1.0), (1.5, 0.0)]
    assert sorted(map(tuple, dominant.tolist())) == [(0.0, 1.0), (1.5, 0.0), (2.25, 0.0), (2.25, 1.0)]
    fig = phase_diagram(grid)
    lines = {line.get_gid(): line for line in fig.axes[0].get_lines() if line.get_gid()}
    assert "threshold-dominant" not in lines and "and C becomes strictly dominant" in lines["threshold-weak"].get_label().replace("\n", " ")
    assert grid.operating == (0.3, 0.4) and tuple(lines["operating"].get_xydata()[0]) == (0.3, 0.4)
    assert check_figure(fig) == []


def test_phase_diagram_of_a_link_uses_its_own_guidance_and_states_the_penalty():
    # Before: the star marked (0, 1), the defaults of a stand-in guidance (penalty = payoff gap),
    # not Jinhua's guidance of the scenario (subsidy 0.5, detection 0.5, penalty 2); the
    # subsidy axis ran to 1.5 × gap with a third of it flat "dominant".
    net = load_scenario("yongkang-wuyi-jinyun")
    for names in ("latin", "zh"):
        fig = figures(net, names=names, kinds=["phase-diagram"])["phase-diagram"]
        ax = fig.axes[0]
        (star,) = [line for line in ax.get_lines() if line.get_gid() == "operating"]
        assert tuple(star.get_xydata()[0]) == (0.5, 0.5) and not star.get_clip_on()
        assert ax.get_title().endswith("Jinhua guidance, penalty 2") and "(0.5, 0.5)" in star.get_label()
        # Closed form: C dominant iff s + 2p > max(T − R, P − S) over both governments = 2.5 (at p = 0);
        # the axis ends at the next round value, 3.
        assert ax.get_xlim() == (0.0, 3.0)
        assert check_figure(fig, ids=_ids(net)) == []
    # A link without guidance: a hypothetical one (penalty = the largest payoff gap), no star.
    bare = RegionNetwork(net.regions.values(), net.links, name=net.name)
    grid = link_phase(bare, bare.links[0], points=5)
    assert grid.operating is None and "hypothetical guidance, penalty 2.5" in grid.title
    assert "operating" not in {line.get_gid() for line in phase_diagram(grid).axes[0].get_lines()}


def _inside(polygon: np.ndarray, point: np.ndarray, margin: float) -> bool | None:
    """True inside a convex polygon (counter-clockwise or not) by more than ``margin``, False
    outside by more than it, None within ``margin`` of an edge."""
    edges = np.roll(polygon, -1, axis=0) - polygon
    cross = edges[:, 0] * (point[1] - polygon[:, 1]) - edges[:, 1] * (point[0] - polygon[:, 0])
    distance = cross / np.linalg.norm(edges, axis=1) * np.sign(_signed_area(polygon))
    if distance.min() > margin:
        return True
    return False if distance.min() < -margin else None


def _signed_area(p: np.ndarray) -> float:
    return float(p[:, 0] @ np.roll(p[:, 1], -1) - p[:, 1] @ np.roll(p[:, 0], -1))


payoff = st.integers(-6, 6).map(float)


@settings(max_examples=60, deadline=None)
@given(
    st.tuples(payoff, payoff, payoff, payoff),
    st.tuples(payoff, payoff, payoff, payoff),
    st.sampled_from([0.5, 1.0, 2.0, 3.5]),
    st.lists(st.tuples(st.floats(0, 1), st.floats(0, 1)), min_size=6, max_size=6),
)
def test_exact_level_regions_agree_with_the_solver(row, col, penalty, points):
    # Reference: the solver's level (solver.cooperation.stability, nashpy + exact rationals) of
    # the guided game at random points, against the polygon holding the point. Points within
    # 1e-6 of a polygon edge are skipped (on a boundary the level is the boundary's own, e.g. weak).
    game = stage_game(dict(zip("RSTP", row)), dict(zip("RSTP", col)))
    guidance = HigherLevelGuidance(penalty=penalty)
    width = 8.0
    grid = phase_grid(game, guidance, ("subsidy", np.linspace(0, width, 3)), ("detection", np.linspace(0, 1, 3)))
    assert grid.regions and grid.fine is None
    area = sum(abs(_signed_area(poly)) / 2 for _, poly in grid.regions)
    assert math.isclose(area, width, rel_tol=1e-9)  # the polygons tile the rectangle
    for u, v in points:
        point = np.array([u * width, v])
        owners = [level for level, poly in grid.regions if _inside(poly, point, 1e-6)]
        if any(_inside(poly, point, 1e-6) is None for _, poly in grid.regions):
            continue
        assert len(owners) == 1
        expected = stability(apply(game, replace(guidance, subsidy=float(point[0]), detection=float(point[1]))), basin=False).level
        assert owners[0] == expected, (point, grid.regions)


def test_threshold_lines_reach_the_axes():
    # Before: points whose threshold is the range's low end were dropped (s.value > low), and
    # thresholds were found only at grid y values, so the weak line of Yongkang–Wuyi stopped
    # near (0.12, 0.35) instead of meeting the axis at (0, 0.5).
    # Closed form: (C, C) is Nash iff s + f·p ≥ maxᵢ (Tᵢ − Rᵢ) = 1, C dominant iff ≥ 2.5 (f = 2).
    net = load_scenario("yongkang-wuyi-jinyun")
    grid = link_phase(net, net.links[0], points=7)
    xs, ys = grid.thresholds["weak"]
    assert sorted(zip(xs.tolist(), ys.tolist())) == [(0.0, 0.5), (1.0, 0.0)]
    xs, ys = grid.thresholds["dominant"]
    assert sorted(zip(xs.tolist(), ys.tolist())) == [(0.5, 1.0), (2.5, 0.0)]
    # Against the solver's own minimal strength at the ends (formula confirmed on the final game).
    guidance = HigherLevelGuidance(penalty=2)
    game = link_game(net, net.links[0])
    assert minimal_strength(game, guidance, "detection", "weak").value == 0.5
    assert minimal_strength(game, replace(guidance, detection=0.0), "subsidy", "dominant").value == 2.5
    # The raster path (penalty × detection: not linear) too reaches the axis at the low end.
    grid = phase_grid(prisoners_dilemma(T=5, R=3, P=1, S=0), HigherLevelGuidance(subsidy=1.5), ("penalty", np.linspace(0, 2, 9)), ("detection", np.linspace(0, 1, 9)))
    xs, ys = grid.thresholds["weak"]  # f* = (2 − 1.5)/p: at p = 1, f* = 0.5 > 0 (no clamped point)
    assert grid.fine is not None and np.allclose(xs, 0.5 / ys)



def _many_links(count: int):
    """A comparison of ``count`` links: the built-in scenario's rows repeated on copies of its
    links (a cluster per copy), as compare() would give for a large network, without its cost."""
    net = load_scenario("yongkang-wuyi-jinyun")
    base = compare(net)
    rows = []
    for k in range(count):
        link = net.links[k % len(net.links)]
        copy = Link(link.between, f"c{k}", link.weight, link.game)
        rows += [replace(r, link=copy) for r in base.rows if r.link is link]
    return replace(base, rows=tuple(rows)), net


def test_mechanism_comparison_of_many_links_is_compact():
    # Before: 150 links gave a figure 134 inches wide with a 150-entry legend.
    comparison, net = _many_links(150)
    fig = mechanism_comparison(comparison, names=net)
    width, height = fig.get_size_inches()
    assert width <= 7.5 and height <= 9
    assert all(len(legend.get_texts()) <= 8 for legend in [*fig.legends, *(a.get_legend() for a in fig.axes if a.get_legend())])
    # The stacked shares of each mechanism sum to one (150 links each).
    left = fig.axes[0]
    shares = {}
    for bar in (p for p in left.patches if p.get_gid() == "share"):
        shares.setdefault(round(bar.get_y(), 9), []).append(bar.get_width())
    assert shares and all(math.isclose(sum(v), 1.0) for v in shares.values())
    assert check_figure(fig, ids=_ids(net)) == []


def test_mechanism_comparison_few_links_distinct_colours_na_and_zero():
    # Before: cost bars in grey shades 0.15/0.5/0.8 (two of five hard to tell apart), nothing
    # where a mechanism does not apply or costs 0, legend in three columns read out of order.
    comparison, net = _many_links(3)
    fig = mechanism_comparison(comparison, names=net)
    left, right = fig.axes
    bars = [p for p in right.patches if p.get_gid() == "cost"]
    colours = list(dict.fromkeys(tuple(np.round(p.get_facecolor()[:3], 4)) for p in bars))
    assert len(colours) == 3
    for a, b in itertools.combinations(colours, 2):
        assert np.linalg.norm(_lab(a, None) - _lab(b, None)) >= 20
    cells = [t.get_text() for t in left.texts if t.get_gid() == "not-applicable-text"]
    missing = 3 * len({r.candidate for r in comparison.rows}) - len(comparison.rows)
    assert cells.count("n/a") == missing > 0
    notes = [t.get_text() for t in right.texts if t.get_gid() == "cost-note"]
    zero = sum(1 for r in comparison.rows if r.strength.feasible and abs(r.payer_cost) < 1e-12)
    assert notes.count("0") == zero > 0 and notes.count("n/a") == missing
    labels = [t.get_text() for t in left.get_legend().get_texts()]
    assert labels == [level for level in LEVEL_COLORS if level in labels]  # level order, one row
    assert left.get_legend()._ncols == len(labels)
    assert check_figure(fig, ids=_ids(net)) == []


def test_threshold_curve_title_legend_and_round_axis():
    # Before: "repeated play: least discount δ* for cooperation at least strict", legend
    # "link: both governments (solver)", the per-government dotted line on the thick combined
    # line in a close blue, T sampled at 4.05, 4.4125, ….
    net = load_scenario("yongkang-wuyi-jinyun")
    fig = figures(net, kinds=["threshold-curve"])["threshold-curve"]
    ax = fig.axes[0]
    assert ax.get_title() == "Least discount factor for strict cooperation, Yongkang–Wuyi"
    lines = {line.get_gid(): line for line in ax.get_lines() if line.get_gid()}
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["needed by both (the higher)", "needed by Yongkang", "needed by Wuyi"]
    band = lines["solver"]
    for k in (0, 1):
        own = lines[f"player-{k}"]
        assert own.get_zorder() > band.get_zorder() and own.get_linewidth() < band.get_linewidth()
        assert np.linalg.norm(_lab(own.get_color(), None) - _lab(band.get_color(), None)) >= 30
    x = band.get_xdata()
    assert ax.get_xlim()[0] == x[0] == 4.0 and np.allclose(x * 4, np.round(x * 4))  # steps of 0.25
    # Closed form (grim trigger): government i needs δ ≥ (T − Rᵢ)/(T − Pᵢ); R = 4, 3, P = −1, −0.5.
    assert np.allclose(lines["player-0"].get_ydata(), (x - 4) / (x + 1)) and np.allclose(lines["player-1"].get_ydata(), (x - 3) / (x + 0.5))
    curve = link_threshold(net, net.links[0])
    assert curve.link == "Yongkang–Wuyi" and np.allclose(curve.strengths, np.maximum((x - 4) / (x + 1), (x - 3) / (x + 0.5)))
    assert check_figure(fig, ids=_ids(net)) == []
