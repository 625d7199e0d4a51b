"""The figure checker (solver.plots.check): for every check a figure it must flag and one it must pass,
so no check is vacuous; the colour science against colorspacious, an independent implementation."""

from __future__ import annotations

import colorspacious
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from solver.plots import plot_style
from solver.plots.check import CHECKS, MIN_DELTA_E, MIN_DELTA_E_CVD, check_figure, delta_e, round_ticks, simulate_cvd, srgb_to_lab
from solver.plots.style import OKABE_ITO


def _figure(width=3.5, height=2.6):
    with plot_style():
        fig = Figure(figsize=(width, height), layout="constrained")
        ax = fig.add_subplot()
    return fig, ax


def _checks(fig, ids=()):
    with plot_style():
        return [p.check for p in check_figure(fig, ids=ids)]


def test_a_plain_good_figure_passes_every_check():
    fig, ax = _figure()
    with plot_style():
        ax.plot([0, 1], [0, 1], color=OKABE_ITO[5], label="cooperation")
        ax.plot([0, 1], [1, 0.2], color=OKABE_ITO[6], linestyle="--", label="defection")
        ax.set_xlabel("subsidy $s$")
        fig.legend(loc="outside right upper")
    assert _checks(fig) == []
    assert len(CHECKS) == 8


# --- overlap ---


def test_overlap_flags_two_texts_on_one_spot_and_passes_them_apart():
    fig, ax = _figure()
    ax.text(0.4, 0.5, "Yongkang", transform=ax.transAxes)
    ax.text(0.45, 0.5, "Wuyi", transform=ax.transAxes)
    assert "overlap" in _checks(fig)
    fig, ax = _figure()
    ax.text(0.1, 0.5, "Yongkang", transform=ax.transAxes)
    ax.text(0.6, 0.5, "Wuyi", transform=ax.transAxes)
    assert "overlap" not in _checks(fig)


def test_overlap_tests_rotated_texts_as_rotated_boxes():
    # Two 45° labels side by side: their axis-aligned hulls overlap, the text boxes do not.
    fig, ax = _figure()
    for x in (0.3, 0.42):
        ax.text(x, 0.5, "cooperation level", rotation=45, transform=ax.transAxes, ha="center", va="center")
    assert "overlap" not in _checks(fig)
    fig, ax = _figure()
    for x in (0.3, 0.33):
        ax.text(x, 0.5, "cooperation level", rotation=45, transform=ax.transAxes, ha="center", va="center")
    assert "overlap" in _checks(fig)


def test_overlap_ignores_empty_text_and_undrawn_ticks():
    fig, ax = _figure()
    ax.text(0.5, 0.5, "   ", transform=ax.transAxes)
    ax.set_title("")
    ax.set_axis_off()  # tick labels exist but are not drawn
    ax.text(0.5, 0.5, "only text", transform=ax.transAxes)
    assert _checks(fig) == []


# --- legend ---


def test_legend_flags_a_legend_over_a_line_and_over_bars():
    fig, ax = _figure()
    ax.plot([0, 1], [0, 1], label="diagonal")
    ax.legend(loc="center")
    assert "legend" in _checks(fig)
    fig, ax = _figure()
    ax.bar([0, 1, 2], [1, 1, 1], label="strength")
    ax.legend(loc="upper left")
    assert "legend" in _checks(fig)


def test_legend_flags_a_legend_over_scatter_points_and_an_image():
    fig, ax = _figure()
    ax.scatter([0.1, 0.5, 0.9], [0.5, 0.5, 0.5], label="regions")
    ax.set_ylim(0, 1)
    ax.legend(loc="center")
    assert "legend" in _checks(fig)
    fig, ax = _figure()
    ax.imshow(np.arange(16).reshape(4, 4))
    ax.plot([], [], label="phase")
    ax.legend(loc="center")
    assert "legend" in _checks(fig)


def test_legend_passes_a_legend_in_an_empty_corner_or_outside():
    fig, ax = _figure()
    ax.plot([0, 1], [0, 1], label="diagonal")
    ax.legend(loc="upper left")
    assert "legend" not in _checks(fig)
    fig, ax = _figure()
    ax.bar([0, 1, 2], [1, 1, 1], label="strength")
    fig.legend(loc="outside right upper")
    assert "legend" not in _checks(fig)


# --- outside ---


def test_outside_flags_text_beyond_the_canvas_and_passes_text_inside():
    fig, _ = _figure()
    fig.text(0.95, 0.5, "a long note at the edge")
    assert "outside" in _checks(fig)
    fig, _ = _figure()
    fig.text(0.05, 0.5, "a short note")
    assert "outside" not in _checks(fig)


def test_outside_flags_text_cut_by_its_axes():
    fig, ax = _figure()
    ax.text(0.98, 0.5, "cut by the axes", transform=ax.transAxes, clip_on=True)
    assert "outside" in _checks(fig)


# --- ticks ---


def test_ticks_flags_odd_tick_values_as_drawn():
    fig, ax = _figure()
    ax.set_xticks([119.78, 119.95, 120.12], ["119.78°E", "119.95°E", "120.12°E"])
    assert "ticks" in _checks(fig)


def test_ticks_passes_round_ticks_with_degrees_percent_and_unicode_minus():
    fig, ax = _figure()
    ax.set_xticks([119.8, 120.0, 120.2], ["119.8°E", "120.0°E", "120.2°E"])
    ax.set_yticks([-0.5, 0, 0.5], ["\u22120.5", "0", "0.5"])
    assert "ticks" not in _checks(fig)
    fig, ax = _figure()
    ax.set_yticks([0, 0.25, 0.5], ["0%", "25%", "50%"])
    ax.set_xticks([0, 1], ["C", "D"])  # text labels are not numbers: skipped
    assert "ticks" not in _checks(fig)


@pytest.mark.parametrize(
    ("values", "ok"),
    [
        ([0, 0.2, 0.4, 0.6], True),
        ([0, 2.5, 5, 7.5], True),
        ([1, 3, 5], True),  # spacing 2, each a whole number
        ([10, 100, 1000], True),  # a log axis
        ([0, 0.3, 0.6], False),
        ([0.1, 0.35, 0.6], False),
        ([119.78, 119.95, 120.12], False),
        ([0.1, 0.2, 0.30000000000000004], True),  # float noise in the locations is not in the labels
    ],
)
def test_round_ticks(values, ok):
    assert (round_ticks(values) is None) is ok


# --- template ---


@pytest.mark.parametrize(
    "title",
    ["discount=0.9", "threshold ≥ 1e-09", "0.30000000000000004", "0.9999999", "breach_penalty", "t_end=50", "link yongkang-wuyi"],
)
def test_template_flags_program_text(title):
    fig, ax = _figure()
    ax.set_title(title)
    assert "template" in _checks(fig, ids=["yongkang", "yongkang-wuyi"])


@pytest.mark.parametrize("title", [r"$\delta = 0.9$", "discount factor δ = 0.9", "Yongkang–Wuyi", "breach penalty ≥ 2.5", r"$x_{A}$ share"])
def test_template_passes_labels(title):
    fig, ax = _figure()
    ax.set_title(title)
    assert "template" not in _checks(fig, ids=["yongkang", "yongkang-wuyi"])


# --- legend-entry ---


@pytest.mark.parametrize(
    "style",
    [
        {"color": "white"},
        {"linewidth": 0},
        {"alpha": 0},
        {"linestyle": (0, (0.001, 50))},  # a dash pattern that draws nothing inside the handle
    ],
)
def test_legend_entry_flags_a_handle_that_does_not_show(style):
    fig, ax = _figure()
    ax.plot([0, 1], [0, 1], label="shown")
    ax.plot([0, 1], [1, 0], label="hidden", **style)
    fig.legend(loc="outside right upper")
    assert "legend-entry" in _checks(fig)


def test_legend_entry_passes_lines_dashes_markers_and_patches():
    fig, ax = _figure()
    ax.plot([0, 1], [0, 1], linestyle="--", label="dashed")
    ax.plot([0, 1], [1, 0], linestyle="", marker="o", label="markers")
    ax.bar([0], [1], color=OKABE_ITO[4], label="yellow bar")
    fig.legend(loc="outside right upper")
    assert "legend-entry" not in _checks(fig)


# --- colours ---


def test_colours_flags_two_blues_and_red_green_for_colour_blind_readers():
    fig, _ = _figure()
    fig.legend(handles=[Line2D([], [], color=c, label=n) for c, n in (("#0072B2", "a"), ("#1F77B4", "b"))], loc="outside right upper")
    assert "colours" in _checks(fig)
    # tab:red and tab:green: far apart for normal vision, close for a deuteranope
    red, green = (0.839, 0.153, 0.157), (0.173, 0.627, 0.173)
    assert delta_e(red, green) > MIN_DELTA_E
    assert delta_e(simulate_cvd(red, "deuteranopia"), simulate_cvd(green, "deuteranopia")) < MIN_DELTA_E_CVD
    fig, _ = _figure()
    fig.legend(handles=[Line2D([], [], color=c, label=n) for c, n in ((red, "a"), (green, "b"))], loc="outside right upper")
    assert "colours" in _checks(fig)


def test_colours_flags_close_category_colours_of_one_axes():
    fig, ax = _figure()
    ax.plot([0, 1], [0, 1], color="#E69F00")
    ax.plot([0, 1], [1, 0], color="#F0A030")
    assert "colours" in _checks(fig)


def test_colours_pass_the_okabe_ito_palette_and_one_colour_in_two_line_styles():
    fig, _ = _figure()
    handles = [Line2D([], [], color=c, label=f"category {k}") for k, c in enumerate(OKABE_ITO)]
    handles.append(Line2D([], [], color=OKABE_ITO[5], linestyle="--", label="same colour, dashed"))
    fig.legend(handles=handles, loc="outside right upper")
    assert "colours" not in _checks(fig)


# --- glyphs ---


def test_glyphs_flags_chinese_inside_mathtext_and_passes_latin():
    fig, ax = _figure()
    ax.set_title("$永康$")  # mathtext fonts have no CJK glyphs
    assert "glyphs" in _checks(fig)
    fig, ax = _figure()
    ax.set_title("Yongkang")
    assert "glyphs" not in _checks(fig)


# --- colour science against colorspacious ---

_RGB = st.tuples(*[st.floats(0, 1, allow_nan=False)] * 3).map(np.array)


@settings(max_examples=60, deadline=None)
@given(_RGB)
def test_srgb_to_lab_matches_colorspacious(rgb):
    # colorspacious inverts the 4-digit IEC XYZ->sRGB matrix; we use the 7-digit sRGB->XYZ one:
    # the two agree to about 0.02 in L*, a*, b*; 0.1 is far below a visible difference (~2.3).
    assert np.allclose(srgb_to_lab(rgb), colorspacious.cspace_convert(rgb, "sRGB1", "CIELab"), atol=0.1)


@settings(max_examples=60, deadline=None)
@given(_RGB, _RGB)
def test_delta_e_matches_colorspacious(a, b):
    assert abs(float(delta_e(a, b)) - colorspacious.deltaE(a, b, input_space="sRGB1", uniform_space="CIELab")) < 0.2


@settings(max_examples=60, deadline=None)
@given(_RGB, st.sampled_from([("deuteranopia", "deuteranomaly"), ("protanopia", "protanomaly")]))
def test_cvd_simulation_matches_colorspacious(rgb, kinds):
    ours, theirs = kinds
    reference = colorspacious.cspace_convert(rgb, {"name": "sRGB1+CVD", "cvd_type": theirs, "severity": 100}, "sRGB1")
    # Same matrices (Machado et al. 2009, severity 100) and sRGB curves; we clip to the display gamut.
    assert np.allclose(simulate_cvd(rgb, ours), np.clip(reference, 0, 1), atol=1e-6)


def test_simulate_cvd_names_an_unknown_kind():
    with pytest.raises(ValueError, match="kind must be one of deuteranopia, protanopia"):
        simulate_cvd([1, 0, 0], "tritanopia")
