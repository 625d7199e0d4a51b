"""Equilibrium kernels: the computations every answer about a game's equilibria rests on.

The layers, bottom up (no module imports one above it):

* ``solver.kernels`` computes, and builds no report: :mod:`~solver.kernels.exact` (the exact
  rational vertex enumeration, degeneracy and continua), :mod:`~solver.kernels.support` (the
  n×n support kernel: float bases compiled with numba, every decision exact in integers),
  :mod:`~solver.kernels.fast2x2` (2×2 games as arrays, one game in plain floats, the level
  codes) and :mod:`~solver.kernels.levels` (the level names the codes index);
* :func:`solver.nash.equilibria` chooses a kernel for a game and returns its
  :class:`~solver.nash.EquilibriumSet`;
* :func:`solver.cooperation.stability` builds the cooperation report on top of it.

Examples
--------
>>> from solver.kernels import LEVELS, solve_single
>>> solve_single([[3, 0], [5, 1]], [[3, 5], [0, 1]]).level
'none'
"""

from __future__ import annotations

from .exact import ExactResult, extreme_equilibria
from .fast2x2 import Solved2x2, levels_2x2, solve_2x2, solve_single, stack_games
from .levels import LEVELS
from .support import nondegenerate_equilibria, screened_extreme_equilibria

__all__ = [
    "LEVELS",
    "ExactResult",
    "Solved2x2",
    "extreme_equilibria",
    "levels_2x2",
    "nondegenerate_equilibria",
    "screened_extreme_equilibria",
    "solve_2x2",
    "solve_single",
    "stack_games",
]
