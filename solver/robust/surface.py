"""The probability of cooperation over a grid of two uncertain quantities (a probability surface).

Work in progress (issue 14): :class:`Surface` is the agreed result type; the function that fills
it, :func:`probability_surface`, is being written.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Surface"]


@dataclass(frozen=True)
class Surface:
    """P(target reached) on a grid of two quantities, the others sampled given them.

    Attributes
    ----------
    x, y : str
        The two quantities' names; ``x_label``, ``y_label`` how a figure names them.
    xs, ys : array (nx,), (ny,)
        The grid values.
    p : array (ny, nx)
        The estimated probability at each grid point (row j ↔ ys[j], column i ↔ xs[i]).
    se : array (ny, nx)
        Its standard error (0 where the other quantities are certain or absent).
    samples : int
        Worlds sampled per grid point for the other quantities (0 when there are none).
    what : str
        The event, in words: "Xinxiang–Luoyang reaches strict" or "every link reaches strict".
    target : str
    central : tuple[float, float]
        The two quantities' central values (the operating point other commands use).
    """

    x: str
    y: str
    x_label: str
    y_label: str
    xs: np.ndarray
    ys: np.ndarray
    p: np.ndarray
    se: np.ndarray
    samples: int
    what: str
    target: str
    central: tuple[float, float]
