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
:func:`save_figure`, :func:`plot_style`, :data:`LEVEL_COLORS`
    Saving by extension (PDF, SVG, PNG), the shared style, the colour of each level.
"""

from .design import LEVEL_CMAP, mechanism_comparison, phase_diagram, threshold_curve
from .games import best_responses, payoff_matrix, replicator_flow
from .maps import network_map
from .style import LEVEL_COLORS, OKABE_ITO, label_font, plot_style, save_figure

__all__ = [
    "LEVEL_CMAP",
    "LEVEL_COLORS",
    "OKABE_ITO",
    "best_responses",
    "label_font",
    "mechanism_comparison",
    "network_map",
    "payoff_matrix",
    "phase_diagram",
    "plot_style",
    "replicator_flow",
    "save_figure",
    "threshold_curve",
]
