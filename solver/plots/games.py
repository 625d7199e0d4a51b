"""Figures of one game: the payoff bimatrix, best responses, and the replicator flow.

Every function takes computed results (a game with its :class:`~solver.nash.EquilibriumSet`,
a :class:`~solver.basin.Basin`, trajectories), draws on ``ax`` or a new figure, and returns the
:class:`~matplotlib.figure.Figure`; none solves a game or shows a window. Artists carry a
``gid`` (``"equilibrium"``, ``"basin"``, ``"trajectory"``, ``"best-response-row"``, …) so
that tests and users can find what was drawn.

Examples
--------
>>> from games import stag_hunt
>>> from solver import equilibria
>>> g = stag_hunt(R=4, T=3, P=2, S=0)
>>> fig = best_responses(g, equilibria(g))
>>> len([a for a in fig.axes[0].get_children() if a.get_gid() == "equilibrium"])
3
"""

from __future__ import annotations

import itertools

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Polygon, Rectangle

from games import Game

from ..basin import Basin, replicator_field
from ..nash import EquilibriumSet
from .style import LEVEL_COLORS, OKABE_ITO, SINGLE_COLUMN, new_figure, plot_style

__all__ = ["best_responses", "payoff_matrix", "replicator_flow"]


def _number(v: float) -> str:
    return f"{v:.3g}".replace("-", "\N{MINUS SIGN}")


def _draw_matrix(ax: Axes, game: Game, eqs: EquilibriumSet | None, title: str) -> int:
    m, n = game.shape
    pure = {e.profile for e in eqs if e.pure} if eqs is not None else set()
    ax.set_xlim(0, n)
    ax.set_ylim(m, 0)
    ax.set_aspect("equal")
    ax.set_xticks(np.arange(n) + 0.5, game.strategies[1])
    ax.set_yticks(np.arange(m) + 0.5, game.strategies[0])
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlabel(game.players[1])
    ax.set_ylabel(game.players[0])
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    size = 8 if max(m, n) <= 3 else 6
    for i in range(m):
        for j in range(n):
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor="white", edgecolor="0.3", linewidth=0.6))
            if (i, j) in pure:
                ax.add_patch(
                    Rectangle(
                        (j + 0.06, i + 0.06),
                        0.88,
                        0.88,
                        facecolor=LEVEL_COLORS["strict"],
                        alpha=0.25,
                        edgecolor="none",
                        gid="equilibrium",
                    )
                )
            u, v = game.row_payoffs[i, j], game.col_payoffs[i, j]
            ax.text(j + 0.5, i + 0.5, f"({_number(u)}, {_number(v)})", ha="center", va="center", fontsize=size)
    if title:
        ax.set_title(title, pad=14)
    return len(pure)


def payoff_matrix(
    game: Game,
    equilibria: EquilibriumSet | None = None,
    *,
    other: Game | None = None,
    other_equilibria: EquilibriumSet | None = None,
    titles: tuple[str, str] = ("", ""),
    ax: Axes | None = None,
) -> Figure:
    """The bimatrix as papers print it: cells "(u_row, u_col)", pure equilibria shaded.

    Parameters
    ----------
    game : Game
    equilibria : EquilibriumSet, optional
        Its equilibria; the pure ones are shaded (``gid="equilibrium"``).
    other, other_equilibria : optional
        A second game drawn beside the first (before and after a mechanism).
    titles : (str, str)
        Panel titles.
    ax : Axes, optional
        Where to draw the first game (a second needs a new figure).
    """
    with plot_style():
        if ax is None:
            m, n = game.shape
            width = SINGLE_COLUMN * (2 if other is not None else 1) * min(1.6, max(1.0, n / 2.5))
            fig, axes = new_figure(width, SINGLE_COLUMN * 0.75 * max(1.0, m / 2.5), ncols=2 if other is not None else 1)
        else:
            fig, axes = ax.figure, [ax]
        _draw_matrix(axes[0], game, equilibria, titles[0])
        if other is not None:
            if len(axes) < 2:
                raise ValueError("a second game needs its own figure: call without ax")
            _draw_matrix(axes[1], other, other_equilibria, titles[1])
        if equilibria is not None or other_equilibria is not None:
            mark = Patch(facecolor=LEVEL_COLORS["strict"], alpha=0.25, label="pure Nash equilibrium")
            axes[0].figure.legend(handles=[mark], loc="outside lower center")
    return fig


def _segments(c0: float, c1: float) -> list[tuple[str, float, float]]:
    """Pieces of [0, 1] where c0 + c1·t is positive, negative or zero: (sign, start, end)."""
    if abs(c1) < 1e-15:
        sign = "+" if c0 > 1e-15 else "-" if c0 < -1e-15 else "0"
        return [(sign, 0.0, 1.0)]
    root = -c0 / c1
    cuts = sorted({0.0, 1.0, *([root] if 0 < root < 1 else [])})
    out = []
    for a, b in itertools.pairwise(cuts):
        mid = c0 + c1 * (a + b) / 2
        out.append(("+" if mid > 0 else "-", a, b))
    if 0 <= root <= 1:
        out.append(("0", root, root))
    return out


def best_responses(game: Game, equilibria: EquilibriumSet, *, ax: Axes | None = None) -> Figure:
    """Both players' best-response correspondences in the unit square of a 2×2 game.

    The horizontal axis is the row government's probability of cooperating, the vertical one
    the column government's; every equilibrium is marked and labelled.

    Raises
    ------
    ValueError
        If the game is not 2×2.
    """
    if game.shape != (2, 2):
        raise ValueError(f"best responses are drawn for 2×2 games, not {game.shape}")
    a, b = game.row_payoffs, game.col_payoffs
    # Row: payoff of C minus D against column cooperating with probability q.
    r0, r1 = a[0, 1] - a[1, 1], (a[0, 0] - a[1, 0]) - (a[0, 1] - a[1, 1])
    c0, c1 = b[1, 0] - b[1, 1], (b[0, 0] - b[0, 1]) - (b[1, 0] - b[1, 1])
    with plot_style():
        fig, (ax,) = new_figure() if ax is None else (ax.figure, [ax])
        row_color, col_color = OKABE_ITO[5], OKABE_ITO[1]
        for sign, lo, hi in _segments(r0, r1):
            kw = {"color": row_color, "linewidth": 2.2, "solid_capstyle": "butt", "gid": "best-response-row"}
            if sign == "+":
                ax.plot([1, 1], [lo, hi], **kw)
            elif sign == "-":
                ax.plot([0, 0], [lo, hi], **kw)
            elif hi - lo < 1e-12:
                ax.plot([0, 1], [lo, lo], **kw)
            else:
                ax.add_patch(Rectangle((0, lo), 1, hi - lo, facecolor=row_color, alpha=0.15, gid="best-response-row"))
        for sign, lo, hi in _segments(c0, c1):
            kw = {"color": col_color, "linewidth": 1.2, "linestyle": (0, (4, 2)), "gid": "best-response-col"}
            if sign == "+":
                ax.plot([lo, hi], [1, 1], **kw)
            elif sign == "-":
                ax.plot([lo, hi], [0, 0], **kw)
            elif hi - lo < 1e-12:
                ax.plot([lo, lo], [0, 1], **kw)
            else:
                ax.add_patch(Rectangle((lo, 0), hi - lo, 1, facecolor=col_color, alpha=0.15, gid="best-response-col"))
        for k, e in enumerate(equilibria, 1):
            p, q = e.row[0], e.col[0]
            ax.plot(
                [p],
                [q],
                "o",
                markersize=5,
                markerfacecolor="black",
                markeredgecolor="white",
                zorder=5,
                gid="equilibrium",
                clip_on=False,
            )
            dx = -8 if p > 0.5 else 8
            dy = -9 if q > 0.5 else 7
            label = f"$E_{k}$ ({_number(p)}, {_number(q)})"
            ax.annotate(label, (p, q), xytext=(dx, dy), textcoords="offset points", ha="right" if dx < 0 else "left", fontsize=7)
        ax.set_xlim(-0.04, 1.04)
        ax.set_ylim(-0.04, 1.04)
        ax.set_aspect("equal")
        ax.set_xlabel(f"{game.players[0]}: probability of C")
        ax.set_ylabel(f"{game.players[1]}: probability of C")
        ax.plot([], [], color=row_color, linewidth=2.2, label=f"{game.players[0]}'s best response")
        ax.plot([], [], color=col_color, linewidth=1.2, linestyle=(0, (4, 2)), label=f"{game.players[1]}'s best response")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=1)
    return fig


def replicator_flow(
    game: Game,
    *,
    basin: Basin | None = None,
    trajectories: list[np.ndarray] | None = None,
    equilibria: EquilibriumSet | None = None,
    density: int = 15,
    ax: Axes | None = None,
) -> Figure:
    """The two-population replicator vector field of a 2×2 game over the unit square.

    Parameters
    ----------
    game : Game
    basin : Basin, optional
        From :func:`solver.basin.basin_of_cooperation`: exactly the region its value measures
        is shaded (for the exact 2×2 value, the side of the separatrix with (C, C); for a
        quasi-Monte-Carlo value, the starts that reached cooperation), and the legend prints
        :attr:`~solver.basin.Basin.text`, the number the tables print.
    trajectories : list of arrays, optional
        From :func:`solver.basin.trajectories`; drawn with an arrow at their end.
    equilibria : EquilibriumSet, optional
        Marked as rest points.
    density : int
        Arrows per side.
    """
    with plot_style():
        fig, (ax,) = new_figure() if ax is None else (ax.figure, [ax])
        if basin is not None:
            label = f"basin of (C, C): {basin.text}"
            color = LEVEL_COLORS["dominant"]
            if basin.region is not None:
                ax.add_patch(Polygon(basin.region, closed=True, facecolor=color, alpha=0.18, edgecolor="none", label=label, gid="basin"))
                if basin.value is not None and basin.value < 1:
                    ax.plot(*basin.region[:-1].T, color=color, linewidth=0.9, gid="separatrix")
            elif basin.points is not None and basin.reached is not None:
                ax.scatter(*basin.points[basin.reached].T, s=2, color=color, alpha=0.5, linewidths=0, label=label, gid="basin", rasterized=True)
            else:
                ax.add_patch(Rectangle((0, 0), 0, 0, facecolor="none", edgecolor="none", label=label, gid="basin"))
        grid = (np.arange(density) + 0.5) / density
        X, Y = np.meshgrid(grid, grid)
        U, V = replicator_field(game, X, Y)
        speed = np.hypot(U, V)
        norm = np.where(speed > 0, speed, 1.0)
        still = not np.any(speed > 0)
        if still:
            # No payoff depends on one's own action: the whole square is rest points, and a
            # field of zero-length arrows or trajectories that never move would show nothing.
            note = "every state is a rest point:\nno government's payoff\ndepends on its own action"
            ax.text(0.5, 0.5, note, ha="center", va="center", transform=ax.transAxes, gid="still")
            trajectories = None
        ax.quiver(
            X,
            Y,
            U / norm,
            V / norm,
            speed,
            cmap="Greys",
            clim=(0, speed.max() * 1.2 or 1),
            width=0.004,
            headwidth=3.5,
            scale=density * 1.6,
            gid="field",
            visible=not still,
        )
        for k, path in enumerate(trajectories or []):
            ax.plot(
                path[:, 0],
                path[:, 1],
                color=OKABE_ITO[5],
                linewidth=0.9,
                gid="trajectory",
                label="trajectories" if k == 0 else None,
            )
            ax.annotate("", xy=path[-1], xytext=path[-8], arrowprops={"arrowstyle": "-|>", "color": OKABE_ITO[5], "lw": 0.9})
        for e in equilibria or []:
            ax.plot(
                [e.row[0]],
                [e.col[0]],
                "o",
                markersize=4.5,
                markerfacecolor="white" if not e.pure else "black",
                markeredgecolor="black",
                zorder=5,
                gid="equilibrium",
                clip_on=False,
            )
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        ax.set_xlabel(f"share of {game.players[0]} cooperating, $x$")
        ax.set_ylabel(f"share of {game.players[1]} cooperating, $y$")
        if basin is not None or trajectories:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncols=2)
    return fig
