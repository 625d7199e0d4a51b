"""Robust conclusions under uncertain payoffs: levels, probabilities and strengths over sampled worlds.

Public API
----------
:func:`level_codes`, :func:`level_samples`, :func:`reaches_target`
    The cooperation level of n sampled 2×2 worlds of a link under a mechanism stack (vectorized).
:func:`probability`, :class:`Estimate`
    The probability of an event with its Wilson (Monte-Carlo) or scrambled-QMC interval.
:func:`robust_strength`, :class:`RobustStrength`, :func:`pointwise_strength`
    The least mechanism strength at which a target level holds in a share of the worlds.
:func:`robustness`, :class:`Robustness`
    A scenario's worlds: per link the levels' probabilities, robust strengths and their Sobol'
    indices, on the serial, processes or dask executor.
:func:`sobol_indices`, :class:`SobolIndex`
    Sobol' indices of any vectorized function of uncertain quantities (SALib).
:func:`probability_surface`, :class:`Surface`, :func:`surface_pair`
    P(target) over a grid of two quantities, the others drawn given them.

Examples
--------
>>> import numpy as np
>>> from solver.robust import probability
>>> probability(np.array([True, False, False, False])).p
0.25
"""

from .engine import RobustStrength, level_codes, level_samples, pointwise_strength, reaches_target, robust_strength
from .estimate import METHODS, Estimate, probability
from .scenario import Robustness, robustness
from .sobol import SobolIndex, sobol_indices
from .surface import Surface, probability_surface, surface_pair

__all__ = [
    "METHODS",
    "Estimate",
    "RobustStrength",
    "Robustness",
    "SobolIndex",
    "Surface",
    "level_codes",
    "level_samples",
    "pointwise_strength",
    "probability",
    "probability_surface",
    "reaches_target",
    "robust_strength",
    "robustness",
    "sobol_indices",
    "surface_pair",
]
