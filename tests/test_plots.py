"""solver.plots: every figure kind rendered (Agg) to PDF, SVG and PNG, and what it drew checked."""

import warnings

import matplotlib
import numpy as np
import pytest
from matplotlib.colors import to_hex

from games import HigherLevelGuidance, RepeatedPlay, apply, prisoners_dilemma, stag_hunt
from regions import load_scenario
from solver import LEVELS, analyze, equilibria, stability
from solver.basin import basin_of_cooperation, trajectories
from solver.design import compare
from solver.design.phase import phase_grid, threshold_sweep
from solver.network import link_game
from solver.plots import (
    LEVEL_COLORS,
    best_responses,
    mechanism_comparison,
    network_map,
    payoff_matrix,
    phase_diagram,
    replicator_flow,
    save_figure,
    threshold_curve,
)
from solver.plots import style as style_module
from solver.stack import link_mechanisms

MAGIC = {"pdf": b"%PDF", "png": b"\x89PNG", "svg": b"<?xml"}


def saved(fig, tmp_path, name):
    assert matplotlib.get_backend().lower() == "agg"
    for ext, magic in MAGIC.items():
        path = save_figure(fig, tmp_path / f"{name}.{ext}")
        assert path.read_bytes().startswith(magic) and path.stat().st_size > 1000


def with_gid(fig, gid):
    return [a for ax in fig.axes for a in ax.findobj() if a.get_gid() == gid]


@pytest.fixture(scope="module")
def city():
    net = load_scenario("yongkang-wuyi-jinyun")
    return net, analyze(net, basin=False)


def test_payoff_matrix_marks_pure_equilibria(tmp_path):
    pd = prisoners_dilemma()
    guided = apply(pd, HigherLevelGuidance(subsidy=1.5))  # a chicken-like game: two pure equilibria
    fig = payoff_matrix(pd, equilibria(pd), other=guided, other_equilibria=equilibria(guided))
    pure = sum(e.pure for e in equilibria(pd)) + sum(e.pure for e in equilibria(guided))
    assert len(with_gid(fig, "equilibrium")) == pure == 3
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert "(3, 3)" in texts and "(5, 0)" in texts
    saved(fig, tmp_path, "matrix")


@pytest.mark.parametrize("game", [stag_hunt(R=4, T=3, P=2, S=0), prisoners_dilemma(), apply(prisoners_dilemma(), HigherLevelGuidance(subsidy=1.5))])
def test_best_responses_marks_every_equilibrium(tmp_path, game):
    eqs = equilibria(game)
    fig = best_responses(game, eqs)
    markers = with_gid(fig, "equilibrium")
    assert len(markers) == len(eqs)
    spots = sorted((float(m.get_xdata()[0]), float(m.get_ydata()[0])) for m in markers)
    assert spots == sorted((e.row[0], e.col[0]) for e in eqs)
    assert with_gid(fig, "best-response-row") and with_gid(fig, "best-response-col")
    saved(fig, tmp_path, "br")


def shoelace(points):
    x, y = np.asarray(points, dtype=float).T
    return abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1))) / 2


def guided_link():
    """Yongkang–Wuyi under Jinhua's guidance: a stag hunt (the gallery's replicator flow)."""
    net = load_scenario("yongkang-wuyi-jinyun")
    link = net.links[0]
    return apply(link_game(net, link), *(m.mechanism for m in link_mechanisms(net, link) if m.spec.kind == "higher_level_guidance"))


@pytest.mark.parametrize("game", [stag_hunt(R=4, T=3, P=2, S=0), stag_hunt(R=4, T=3, P=1, S=0), guided_link()])
def test_replicator_flow_shades_the_basin(tmp_path, game):
    basin = basin_of_cooperation(game)
    paths = trajectories(game, [(0.9, 0.9), (0.1, 0.1)])
    fig = replicator_flow(game, basin=basin, trajectories=paths, equilibria=equilibria(game))
    assert len(with_gid(fig, "trajectory")) == 2
    assert len(with_gid(fig, "equilibrium")) == len(equilibria(game))
    # The trajectories end where the dynamics say: (1, 1) from (0.9, 0.9), (0, 0) from (0.1, 0.1).
    assert np.allclose(paths[0][-1], [1, 1], atol=1e-2) and np.allclose(paths[1][-1], [0, 0], atol=1e-2)
    # The shaded polygon is the region the number measures: its area is the value (the curve
    # is drawn through ~400 points, so to 1e-3), and the legend prints the table's text.
    (patch,) = with_gid(fig, "basin")
    assert abs(shoelace(patch.get_xy()) - basin.value) < 1e-3
    assert patch.get_label() == f"share of the square ending at (C, C): {basin.text}"
    assert basin.text == stability(game).basin.text
    assert patch.contains_point(fig.axes[0].transData.transform((0.95, 0.95)))
    assert not patch.contains_point(fig.axes[0].transData.transform((0.05, 0.05)))
    saved(fig, tmp_path, "flow")


def test_replicator_flow_of_an_undefined_basin_shades_nothing():
    # Issue 13: the undefined basin was a legend entry with an empty patch (an invisible
    # handle); it is now the legend's title, and nothing is shaded.
    pd = prisoners_dilemma()
    fig = replicator_flow(pd, basin=basin_of_cooperation(pd), equilibria=equilibria(pd))
    assert not with_gid(fig, "basin")
    assert fig.axes[0].get_legend().get_title().get_text() == "share of the square ending at (C, C): undefined"


def test_phase_diagram_matches_the_solver_and_the_formula(tmp_path):
    game = prisoners_dilemma(T=5, R=3, P=1, S=-2)
    xs, ys = np.linspace(0, 4, 21), np.linspace(0, 1, 11)
    grid = phase_grid(game, HigherLevelGuidance(penalty=2), ("subsidy", xs), ("detection", ys))
    fig = phase_diagram(grid)
    # The colours are exact polygons (one guidance: every level boundary is a line, issue 13).
    patches = with_gid(fig, "levels")
    assert len(patches) == len(grid.regions)
    rng = np.random.default_rng(0)
    for _ in range(25):
        x, y = rng.uniform(0, 4), rng.uniform(0, 1)
        level = stability(apply(game, HigherLevelGuidance(subsidy=x, penalty=2, detection=y)), basin=False).level
        owner = [lv for (lv, _), patch in zip(grid.regions, patches) if patch.get_path().contains_point((x, y))]
        assert owner == [level] and LEVELS.index(level) >= 0
    # DESIGN §4: (C, C) is an equilibrium from s = (T − R) − p·f, C dominant above max(T − R, P − S) − p·f.
    weak = with_gid(fig, "threshold-weak")[0]
    assert np.allclose(weak.get_xdata(), np.maximum(2 - 2 * weak.get_ydata(), 0))
    dominant = with_gid(fig, "threshold-dominant")[0]
    assert np.allclose(dominant.get_xdata(), np.maximum(3 - 2 * dominant.get_ydata(), 0))
    saved(fig, tmp_path, "phase")


def test_threshold_curve_follows_the_formula(tmp_path):
    curve = threshold_sweep(prisoners_dilemma(T=5, R=3, P=1, S=0), RepeatedPlay(), "discount", "T", np.linspace(3.5, 9, 12))
    fig = threshold_curve(curve, analytic=lambda t: (t - 3) / (t - 1))
    solver_line = with_gid(fig, "solver")[0]
    assert np.allclose(solver_line.get_ydata(), (solver_line.get_xdata() - 3) / (solver_line.get_xdata() - 1))
    assert with_gid(fig, "analytic")
    # Titled by what is plotted, not by the mechanism's current parameter ("discount=0.9").
    title = fig.axes[0].get_title()
    assert "=" not in title and title == "Least discount factor for strict cooperation"  # an unnamed game: no link name
    assert fig.axes[0].get_ylabel() == r"least discount $\delta^*$"
    saved(fig, tmp_path, "curve")


def test_network_map_colours_links_by_level(tmp_path, city):
    net, analysis = city
    for mechanism in ("status quo", "Jinhua guidance", "all together"):
        fig = network_map(net, analysis, mechanism=mechanism)
        links = with_gid(fig, "links")[0]
        expected = []
        for link in net.links:
            rows = {r.mechanism: r for r in analysis.links if r.link is link}
            expected.append(LEVEL_COLORS[rows.get(mechanism, rows["status quo"]).report.level])
        assert [to_hex(c).upper() for c in links.get_colors()] == [c.upper() for c in expected]
        assert len(with_gid(fig, "superior")) == 2  # Jinhua and Lishui
    saved(fig, tmp_path, "map")


def test_mechanism_comparison(tmp_path, city):
    net, _ = city
    comparison = compare(net)
    fig = mechanism_comparison(comparison)
    cells = with_gid(fig, "strength")
    assert len(cells) == len(comparison.rows)
    links = list(dict.fromkeys(r.link.between for r in comparison.rows))
    names = list(dict.fromkeys(r.candidate for r in comparison.rows))
    by_cell = {(r.candidate, r.link.between): r for r in comparison.rows}
    reached = [by_cell[(n, k)].strength.level for n in names for k in links if (n, k) in by_cell]  # drawn row by row
    assert [to_hex(c.get_facecolor()[:3]).upper() for c in cells] == [LEVEL_COLORS[level].upper() for level in reached]
    saved(fig, tmp_path, "comparison")


def extents(artists):
    return [a.get_window_extent() for a in artists if a.get_visible() and a.get_text()]


def test_mechanism_comparison_fits_its_labels(city):
    # The figure review: long stacked row names squeezed the grid, the column headers
    # ("yongkang–wuyi", internal ids) overlapped, "breach penalty > 1" overflowed its cell, the
    # cost panel and its label were cut off and the link legend covered bars.
    net, _ = city
    comparison = compare(net)
    long = "Hardware industry association + Zhejiang guidance + Yongkang–Jinyun supply agreement"
    assert long in {r.candidate for r in comparison.rows}
    for names, header in ((None, "Yongkang–\nWuyi"), (net, f"{net.region('yongkang').name}–\n{net.region('wuyi').name}")):
        fig = mechanism_comparison(comparison, names=names)
        with style_module.plot_style():  # measured as save_figure draws it: fonts resolve at draw time
            fig.draw_without_rendering()
            left, right = fig.axes
            headers = [t for t in left.get_xticklabels() if t.get_text()]
            assert len(headers) == 3 and all(t.get_gid() == "link-header" for t in headers)
            assert headers[0].get_text() == header and all("_" not in t.get_text() and t.get_text()[0].isupper() for t in headers)
            boxes = extents(headers)
            assert all(not a.overlaps(b) for k, a in enumerate(boxes) for b in boxes[k + 1 :])
            rows = {t.get_text() for t in left.get_yticklabels()}
            assert "Hardware industry association +\nZhejiang guidance +\nYongkang–Jinyun supply agreement" in rows
            row_boxes = extents(left.get_yticklabels())
            assert all(not a.overlaps(b) for k, a in enumerate(row_boxes) for b in row_boxes[k + 1 :])
            # Each strength text inside its cell, in words ("breach penalty", never "breach_penalty").
            texts = [t for t in left.texts if t.get_gid() == "strength-text"]
            cells = with_gid(fig, "strength")
            assert len(texts) == len(cells) == len(comparison.rows)
            assert any(t.get_text().startswith("breach penalty\n") for t in texts) and not any("_" in t.get_text() for t in texts)
            for text, cell in zip(texts, cells):
                inner, outer = text.get_window_extent(), cell.get_window_extent()
                assert outer.x0 <= inner.x0 and inner.x1 <= outer.x1 and outer.y0 <= inner.y0 and inner.y1 <= outer.y1, text.get_text()
            # Everything inside the figure, and neither legend covers a cell, a bar or a label.
            page = fig.bbox.padded(0.5)
            assert all(page.contains(*corner) for corner in fig.get_tightbbox().transformed(fig.dpi_scale_trans).corners())
            legends = [left.get_legend().get_window_extent(), right.get_legend().get_window_extent()]
            covered = [c.get_window_extent() for c in cells] + [b.get_window_extent() for b in with_gid(fig, "cost") if b.get_width() > 0]
            covered += boxes + row_boxes + [right.xaxis.label.get_window_extent()]
            assert not any(legend.overlaps(box) for legend in legends for box in covered)
            assert [t.get_text() for t in right.get_legend().get_texts()] == [h.replace("\n", "") for h in (t.get_text() for t in headers)]


def test_mechanism_comparison_without_rows():
    from solver.design.compare import Comparison

    with pytest.raises(ValueError, match="comparison of 'empty' has no rows to draw"):
        mechanism_comparison(Comparison("empty", "strict", ()))


def test_figures_do_not_touch_global_settings():
    before = dict(matplotlib.rcParams)
    best_responses(stag_hunt(), equilibria(stag_hunt()))
    assert dict(matplotlib.rcParams) == before


def test_bad_extension(tmp_path):
    with pytest.raises(ValueError, match=r"unsupported figure format '\.jpg'"):
        save_figure(best_responses(stag_hunt(), equilibria(stag_hunt())), tmp_path / "x.jpg")


class TestChineseLabels:
    def test_map_draws_the_chinese_names_not_a_latin_fallback(self, city):
        # Issue 13: the map no longer falls back to Latin names with a warning (label_fonts);
        # the style's CJK fallback font draws them, and save_figure refuses tofu.
        net, analysis = city
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig = network_map(net, analysis, names="zh")
        labels = [t.get_text() for t in fig.axes[0].texts if t.get_gid() == "label"]
        assert "永康市" in labels and "Yongkang" not in labels


class TestDynamicsFigures:
    def test_time_paths_and_cube(self, tmp_path):
        from games import ThreeParty
        from solver.dynamics import trajectory
        from solver.plots import cube_trajectories, time_paths

        runs = [trajectory(ThreeParty(), s, 60) for s in [(0.2, 0.2, 0.2), (0.8, 0.3, 0.1)]]
        fig = time_paths(runs[0])
        paths = with_gid(fig, "path")
        assert len(paths) == 3 and np.allclose(paths[2].get_ydata(), runs[0].states[:, 2])
        saved(fig, tmp_path, "paths")
        # Issue 13: named by population and strategy, not x, y, z.
        # A and B start alike and move alike (review of issue 13): one entry says so.
        assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["local government A and B: cooperate (identical)", "higher-level government H: strict supervision"]
        fig = cube_trajectories(runs, stable=[(1, 1, 0)])
        assert len(with_gid(fig, "path")) == 2 and len(with_gid(fig, "stable")) == 1
        ax = fig.axes[0]
        # The axes are named as in time_paths, and the legend explains every marker.
        assert [t.replace(":\n", ": ") for t in (ax.get_xlabel(), ax.get_ylabel(), ax.get_zlabel())] == ["local government A: cooperate", "local government B: cooperate", "higher-level government H: strict supervision"]
        assert [t.get_text() for t in fig.legends[0].get_texts()] == ["start", "trajectory", "stable rest point"]
        assert [t.get_text() for t in cube_trajectories(runs).legends[0].get_texts()] == ["start", "trajectory"]
        saved(fig, tmp_path, "cube")

    def test_sensitivity_panels(self, tmp_path):
        from games import ThreeParty
        from solver.dynamics import parameter_sensitivity
        from solver.plots import sensitivity_panels

        runs = parameter_sensitivity(ThreeParty(), "fine", [0, 2, 4], start=(0.3, 0.3, 0.5), t_end=30)
        fig = sensitivity_panels(runs, title="fine f")
        assert len(fig.axes) == 3 and len(with_gid(fig, "run")) == 9
        # The parameter is named once, in the legend's title; the entries give its values.
        (legend,) = fig.legends
        assert legend.get_title().get_text() == "fine f" and [t.get_text() for t in legend.get_texts()] == ["0", "2", "4"]
        assert [ax.get_title().replace(":\n", ": ") for ax in fig.axes] == ["local government A: cooperate", "local government B: cooperate", "higher-level government H: strict supervision"]
        untitled = sensitivity_panels(runs).legends[0]
        assert untitled.get_title().get_text() == "fine" and [t.get_text() for t in untitled.get_texts()] == ["0", "2", "4"]
        starts = sensitivity_panels([("(0.3, 0.3, 0.5)", runs[0][1]), ("(0.6, 0.2, 0.5)", runs[1][1])]).legends[0]
        assert [t.get_text() for t in starts.get_texts()] == ["(0.3, 0.3, 0.5)", "(0.6, 0.2, 0.5)"]
        saved(fig, tmp_path, "sensitivity")

    def test_cooperation_over_time_and_snapshot(self, tmp_path):
        import networkx as nx

        from games import donation_game
        from solver.dynamics import evolve_many, evolve_on_graph
        from solver.plots import STRATEGY_COLORS, cooperation_over_time, network_snapshot

        G = nx.grid_2d_graph(12, 12, periodic=True)
        ensemble = evolve_many(G, donation_game(3, 1), seeds=range(4), steps=40, rule="best-neighbour", self_interaction=True)
        fig = cooperation_over_time(ensemble)
        # Every run is drawn under the mean (review of issue 13: a band from few runs hid them).
        assert np.allclose(with_gid(fig, "share")[0].get_ydata(), ensemble.mean) and len(with_gid(fig, "run")) == 4
        assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["each of the 4 runs", "mean of the 4 runs"]
        saved(fig, tmp_path, "share")
        run = evolve_on_graph(G, donation_game(3, 1), steps=40, rule="best-neighbour", self_interaction=True, seed=1)
        fig = network_snapshot(G, run)
        dots = with_gid(fig, "regions")[0]
        expected = [STRATEGY_COLORS["CD"[int(s)]] for s in run.final]
        assert [to_hex(c).upper() for c in dots.get_facecolors()] == [c.upper() for c in expected]
        saved(fig, tmp_path, "snapshot")


def test_mechanism_comparison_costs_of_a_members_row(tmp_path):
    # The figure review found the contract row without a bar while the table said
    # "yongkang 0.1, jinyun 0.1": a row paid by "members" shows both signing costs, 0.1 + 0.1
    # from the scenario file.
    net = load_scenario("yongkang-wuyi-jinyun")
    comparison = compare(net)
    fig = mechanism_comparison(comparison)
    links = list(dict.fromkeys("–".join(r.link.between) for r in comparison.rows))
    names = list(dict.fromkeys(r.candidate for r in comparison.rows))
    bars = [p for p in with_gid(fig, "cost")]
    widths = {(links[k // len(names)], names[k % len(names)]): b.get_width() for k, b in enumerate(bars)}
    assert widths[("yongkang–jinyun", "Yongkang–Jinyun supply agreement")] == pytest.approx(0.2)
    saved(fig, tmp_path, "comparison-members")


class TestCooperationOverTime:
    """The figure review: one run read "mean of 1 runs" with a "95% confidence interval" entry
    but no band, and a run settled within a few of 1000 steps was a flat line."""

    @staticmethod
    def ensemble(mean, seeds):
        from solver.dynamics import EnsembleResult

        mean = np.asarray(mean, dtype=float)
        spread = 0.0 if len(seeds) < 2 else 0.05
        return EnsembleResult(tuple(seeds), mean, mean - spread, mean + spread, mean[-1:], 0.95)

    def test_one_run_has_no_interval(self, tmp_path):
        from solver.plots import cooperation_over_time

        fig = cooperation_over_time(self.ensemble(np.linspace(0.2, 0.6, 50), [7]))
        assert not with_gid(fig, "band")
        assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == ["one run (seed 7)"]
        assert fig.axes[0].get_xscale() == "linear"

    def test_an_early_collapse_gets_a_log_step_axis(self, tmp_path):
        from solver.plots import cooperation_over_time

        early = np.concatenate([np.linspace(0.5, 0.1, 10), np.full(991, 0.1)])
        fig = cooperation_over_time(self.ensemble(early, range(3)))
        assert fig.axes[0].get_xscale() == "symlog" and with_gid(fig, "band")
        assert fig.axes[0].get_xlim() == (0, 1000)
        saved(fig, tmp_path, "share-early")
        noisy = 0.4 + 0.05 * np.sin(np.arange(1001))
        assert cooperation_over_time(self.ensemble(noisy, range(3))).axes[0].get_xscale() == "linear"


def test_save_figure_makes_the_folder(tmp_path):
    # `intergov evolve network --plot out/x.png` into a missing folder ended in a traceback.
    from matplotlib.figure import Figure

    path = save_figure(Figure(), tmp_path / "new" / "x.png")
    assert path.is_file() and path.read_bytes()[:4] == b"\x89PNG"
