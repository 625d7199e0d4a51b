"""The solver: equilibria, cooperation stability, network analysis, tables and the CLI.

Public API
----------
:func:`equilibria`
    Every Nash equilibrium of a :class:`games.Game` from nashpy, verified as mutual best
    responses and completed by exact rational vertex enumeration; degeneracy and continua are
    flagged (:class:`EquilibriumSet` of :class:`Equilibrium`).
:func:`is_equilibrium`
    Whether a strategy pair is a pair of mutual best responses.
:func:`stability`
    The cooperation report of docs/models.md (:class:`CooperationReport`): nash, strict, unique,
    dominant, risk_dominant, basin, level (one of :data:`LEVELS`).
:func:`analyze`, :func:`link_game`
    Every link of a :class:`regions.RegionNetwork`: its game, equilibria, report and the
    superior government that could guide it, with a weighted summary
    (:class:`NetworkAnalysis` of :class:`LinkResult`).
:func:`basin_of_cooperation`
    Share of starting states from which two-population replicator dynamics reach cooperation.
:func:`render`
    Tables as plain text, Markdown, CSV or LaTeX.

The command line is :mod:`solver.cli` (``intergov`` or ``python -m solver``).

Examples
--------
>>> from games import prisoners_dilemma
>>> from solver import equilibria, stability
>>> [e.payoffs for e in equilibria(prisoners_dilemma())]
[(1.0, 1.0)]
>>> stability(prisoners_dilemma(), basin=False).level
'none'
"""

from .basin import basin_of_cooperation
from .cooperation import LEVELS, CooperationReport, stability
from .nash import Equilibrium, EquilibriumSet, equilibria, is_equilibrium
from .network import LinkResult, NetworkAnalysis, analyze, link_game
from .tables import render

__all__ = [
    "LEVELS",
    "CooperationReport",
    "Equilibrium",
    "EquilibriumSet",
    "LinkResult",
    "NetworkAnalysis",
    "analyze",
    "basin_of_cooperation",
    "equilibria",
    "is_equilibrium",
    "link_game",
    "render",
    "stability",
]
