"""Robust conclusions under uncertain payoffs: levels, probabilities and strengths over sampled worlds.

Public API
----------
:func:`level_samples`, :func:`reaches_target`
    The cooperation level of n sampled 2×2 worlds of a link under a mechanism stack (vectorized).
:func:`probability`, :class:`Estimate`
    The probability of an event with its Wilson (Monte-Carlo) or scrambled-QMC interval.
:func:`robust_strength`, :class:`RobustStrength`
    The least mechanism strength at which a target level holds in a share of the worlds.

Examples
--------
>>> import numpy as np
>>> from solver.robust import probability
>>> probability(np.array([True, False, False, False])).p
0.25
"""

from .engine import RobustStrength, level_samples, reaches_target, robust_strength
from .estimate import METHODS, Estimate, probability

__all__ = ["METHODS", "Estimate", "RobustStrength", "level_samples", "probability", "reaches_target", "robust_strength"]
