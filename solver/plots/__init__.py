"""Figures for papers. Every function takes computed results and ``ax=None``, returns the
:class:`~matplotlib.figure.Figure`, never solves and never shows.

Public API
----------
:func:`payoff_matrix`, :func:`best_responses`, :func:`replicator_flow`
    One game: the bimatrix with pure equilibria shaded (optionally before/after a mechanism),
    the best-response correspondences with every equilibrium, the replicator vector field with
    the basin of (C, C) and a few trajectories.
:func:`phase_diagram`, :func:`threshold_curve`, :func:`mechanism_comparison`
    Design: the level over two mechanism parameters with the analytic thresholds, a minimal
    strength as a stage payoff varies, each mechanism's minimal strength and cost per link.
:func:`network_map`
    Regions at their coordinates grouped by superior government, links coloured by level.
:func:`time_paths`, :func:`cube_trajectories`, :func:`sensitivity_panels`, :func:`cooperation_over_time`, :func:`network_snapshot`
    Dynamics: x(t), y(t), z(t); 3-D trajectories in the unit cube; sensitivity to a parameter or
    the initial state; the share cooperating on a graph; a snapshot coloured by strategy.
:func:`phase_portrait`, :func:`shares_over_time`, :func:`sweep_figure`
    A model file's dynamics: trajectories in the unit cube coloured by speed with its rest
    points, the shares over time, the verdicts of the corners along a swept parameter.
:func:`save_figure`, :func:`plot_style`, :data:`LEVEL_COLORS`
    Saving by extension (PDF, SVG, PNG), the shared style, the colour of each level.
:func:`tornado`, :func:`robust_map`, :func:`surface_plot`, :func:`strength_distribution`
    Uncertainty (``intergov robustness``): the Sobol' indices of each uncertain quantity; the map
    coloured by each link's probability of reaching the target; the probability over two
    quantities; per mechanism, the distribution of the least strength over the sampled worlds.
:func:`use_font`, :func:`require_font`, :class:`FontMissing`
    The font for Chinese (or any non-Latin) text, and the check that every character is drawn.
:mod:`solver.plots.check`
    ``check_figure``: the automatic figure review the tests run on every figure kind.
"""

from .design import LEVEL_CMAP, mechanism_comparison, phase_diagram, threshold_curve
from .dynamics import STRATEGY_COLORS, cooperation_over_time, cube_trajectories, network_snapshot, sensitivity_panels, time_paths
from .fonts import FontMissing, require_font, use_font
from .games import best_responses, payoff_matrix, replicator_flow
from .maps import network_map
from .model import VERDICT_COLORS, phase_portrait, shares_over_time, sweep_figure
from .robust import PROBABILITY_CMAP, robust_map, strength_distribution, surface_plot, tornado
from .style import LEVEL_COLORS, OKABE_ITO, plot_style, save_figure

__all__ = [
    "LEVEL_CMAP",
    "LEVEL_COLORS",
    "OKABE_ITO",
    "PROBABILITY_CMAP",
    "STRATEGY_COLORS",
    "VERDICT_COLORS",
    "FontMissing",
    "best_responses",
    "cooperation_over_time",
    "cube_trajectories",
    "mechanism_comparison",
    "network_map",
    "network_snapshot",
    "payoff_matrix",
    "phase_diagram",
    "phase_portrait",
    "plot_style",
    "replicator_flow",
    "require_font",
    "robust_map",
    "save_figure",
    "sensitivity_panels",
    "shares_over_time",
    "strength_distribution",
    "surface_plot",
    "sweep_figure",
    "threshold_curve",
    "time_paths",
    "tornado",
    "use_font",
]
