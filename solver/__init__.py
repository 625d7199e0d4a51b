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

from __future__ import annotations

from importlib import import_module

#: Where each public name lives. They load on first use, so that ``intergov`` (the entry point
#: :func:`solver.__main__.run`) can catch a Ctrl-C pressed while numpy, scipy and numba load.
_HOMES = {
    "basin_of_cooperation": "basin",
    "LEVELS": "cooperation",
    "CooperationReport": "cooperation",
    "stability": "cooperation",
    "Equilibrium": "nash",
    "EquilibriumSet": "nash",
    "equilibria": "nash",
    "is_equilibrium": "nash",
    "LinkResult": "network",
    "NetworkAnalysis": "network",
    "analyze": "network",
    "link_game": "network",
    "render": "tables",
}


def __getattr__(name: str) -> object:
    if name in _HOMES:
        value = getattr(import_module(f".{_HOMES[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'solver' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])


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
