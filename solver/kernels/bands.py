"""The error band of the float classification of bases (:mod:`solver.kernels.support`).

Examples
--------
>>> MAX_CONDITION * ERROR_PER_CONDITION  # the largest relative forward error a clear basis may have
1e-05
"""

from __future__ import annotations

__all__ = ["ERROR_PER_CONDITION", "MAX_CONDITION"]

#: Condition numbers above this bound make a basis unclear (decided exactly).
MAX_CONDITION = 1e8
#: Forward error of a batched LU solve per unit of condition number (ε ≈ 2.2e-16 times a
#: generous factor for k ≤ 10 and pivot growth).
ERROR_PER_CONDITION = 1e-13
