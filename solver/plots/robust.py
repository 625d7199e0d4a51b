"""Figures of robustness under uncertain payoffs (:func:`solver.robust.scenario.robustness`).

:func:`tornado` ranks the uncertain quantities by their total Sobol' index of the share of link
weight at the target: a bar per quantity (the total index, with its bootstrap interval) and a
dot for its first-order index, so the part a quantity explains only together with others is
the gap between the dot and the bar's end.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from .style import OKABE_ITO, SINGLE_COLUMN, literal, new_figure, plot_style, text_width

__all__ = ["tornado"]


def tornado(result) -> Figure:
    """Total (bar, with its interval) and first-order (dot) Sobol' indices of each uncertain quantity.

    Parameters
    ----------
    result : solver.robust.scenario.Robustness
        With Sobol' indices (a scenario whose quantities are independent).

    Raises
    ------
    ValueError
        If the result has no Sobol' indices (its ``sobol_note`` says why).

    Examples
    --------
    >>> from regions import builtin_text, loads_scenario
    >>> from solver.robust.scenario import robustness
    >>> text = builtin_text("henan-clusters")
    >>> net = loads_scenario(text.replace("T = 4.5", "T = { uniform = [4, 5] }", 1))
    >>> fig = tornado(robustness(net, samples=128, seed=0))
    >>> len(fig.axes[0].get_yticklabels()) == len(net.uncertainty.quantities)
    True
    """
    if not result.sobol:
        raise ValueError(f"no Sobol' indices to draw: {result.sobol_note or 'none were computed'}")
    items = sorted(result.sobol.items(), key=lambda kv: (kv[1].ST if math.isfinite(kv[1].ST) else -1.0))
    names = [literal(result.labels.get(name, name)) for name, _ in items]
    total = np.array([max(0.0, i.ST) if math.isfinite(i.ST) else 0.0 for _, i in items])
    total_err = np.array([i.ST_conf if math.isfinite(i.ST_conf) else 0.0 for _, i in items])
    first = np.array([max(0.0, i.S1) if math.isfinite(i.S1) else 0.0 for _, i in items])
    with plot_style():
        label_width = max(text_width(n, 7) for n in names)
        fig, (ax,) = new_figure(SINGLE_COLUMN + label_width, 0.9 + 0.28 * len(items))
        y = np.arange(len(items))
        ax.barh(y, total, xerr=total_err, color=OKABE_ITO[5], height=0.6, error_kw={"elinewidth": 0.9, "capsize": 0, "ecolor": "0.2"}, gid="total")
        ax.plot(first, y, "o", color="black", markersize=3.5, gid="first-order")
        ax.set_yticks(y, names)
        ax.set_xlim(0, max(1.0, float(np.max(total + total_err))) * 1.02)
        ax.set_xlabel(f"Sobol' index of the share of link weight at {result.target}")
        fig.legend(
            handles=[
                Patch(color=OKABE_ITO[5], label="total (with interval)"),
                Line2D([], [], marker="o", linestyle="", color="black", markersize=3.5, label="first order"),
            ],
            loc="outside lower center",
            ncols=2,
        )
    return fig
