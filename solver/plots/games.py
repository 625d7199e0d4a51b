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
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Polygon, Rectangle

from games import Game
from games.errors import UserInputError

from ..basin import Basin, replicator_field
from ..nash import EquilibriumSet
from .style import LEVEL_COLORS, OKABE_ITO, SINGLE_COLUMN, literal, new_figure, plot_style, wrap_text

__all__ = ["best_responses", "payoff_matrix", "player_names", "replicator_flow", "strategy_names"]


def _number(v: float) -> str:
    return f"{v:.3g}".replace("-", "\N{MINUS SIGN}")


#: The words a figure prints for the textbook strategy letters (a game's labels otherwise).
_STRATEGY_WORDS = {"C": "cooperate", "D": "defect"}
#: How a game's default player labels read in a figure.
_PLAYER_WORDS = {"row": "row player", "col": "column player"}
#: The shade of a pure equilibrium's cell: the "strict" yellow, light enough for black text
#: on it and dark enough to show in the legend (ΔE*ab ≥ 10 from white).
_EQUILIBRIUM_SHADE = {"facecolor": LEVEL_COLORS["strict"], "alpha": 0.55}
#: Trajectories in vermillion: apart from the basin's blue and its separatrix.
_TRAJECTORY = OKABE_ITO[6]
#: The field's arrows: one dark grey, visible on white and on the basin's light blue.
_ARROWS = "0.4"
#: The legend's words for the equilibrium markers: filled when it attracts a neighbourhood.
_EQUILIBRIUM_WORDS = {True: "equilibrium, attracting (stable)", False: "equilibrium, not attracting"}


def strategy_names(game: Game) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Each player's strategies as a figure names them: "cooperate" and "defect" for C and D,
    the game's own labels otherwise (AllC, TFT, …).

    >>> from games import prisoners_dilemma
    >>> strategy_names(prisoners_dilemma())
    (('cooperate', 'defect'), ('cooperate', 'defect'))
    """
    return tuple(tuple(literal(_STRATEGY_WORDS.get(s, s)) for s in labels) for labels in game.strategies)  # type: ignore[return-value]


def player_names(game: Game) -> tuple[str, str]:
    """The two players as a figure names them: the game's players (region names for a link),
    "row player" and "column player" for an unnamed game.

    >>> from games import prisoners_dilemma
    >>> player_names(prisoners_dilemma())
    ('row player', 'column player')
    """
    return (literal(_PLAYER_WORDS.get(game.players[0], game.players[0])), literal(_PLAYER_WORDS.get(game.players[1], game.players[1])))


def _has_cjk(text: str) -> bool:
    """Whether ``text`` holds CJK characters (ideographs, kana, hangul, CJK punctuation)."""
    return any(ord(ch) >= 0x2E80 for ch in text)


def _draw_matrix(ax: Axes, game: Game, eqs: EquilibriumSet | None, title: str) -> int:
    """Cells of side 1 tiling [0, n] × [0, m] with no gap; a pure equilibrium's whole cell shaded."""
    m, n = game.shape
    pure = {e.profile for e in eqs if e.pure} if eqs is not None else set()
    rows, cols = strategy_names(game)
    row_player, col_player = player_names(game)
    ax.set_xlim(0, n)
    ax.set_ylim(m, 0)
    ax.set_xticks(np.arange(n) + 0.5, cols)
    ax.set_yticks(np.arange(m) + 0.5, rows)
    ax.xaxis.tick_top()
    ax.xaxis.set_label_position("top")
    ax.set_xlabel(col_player)
    if _has_cjk(row_player):
        # Chinese names read horizontally: turned sideways, the characters lay on their backs.
        ax.set_ylabel(row_player, rotation=0, ha="right", va="center", labelpad=4)
    else:
        ax.set_ylabel(row_player)
    ax.tick_params(length=0)
    for spine in ax.spines.values():
        spine.set_visible(False)
    size = 8 if max(m, n) <= 3 else 6
    for i in range(m):
        for j in range(n):
            if (i, j) in pure:
                ax.add_patch(Rectangle((j, i), 1, 1, **_EQUILIBRIUM_SHADE, edgecolor="none", gid="equilibrium"))
            ax.add_patch(Rectangle((j, i), 1, 1, facecolor="none", edgecolor="0.3", linewidth=0.6, gid="cell"))
            u, v = game.row_payoffs[i, j], game.col_payoffs[i, j]
            ax.text(j + 0.5, i + 0.5, f"({_number(u)}, {_number(v)})", ha="center", va="center", fontsize=size)
    if title:
        # Wrapped to the panel's width: a long mechanism name must not leave the figure.
        panel = ax.get_position().width * ax.figure.get_figwidth()
        ax.set_title(wrap_text(literal(title), panel, ax.title.get_fontsize()), pad=14)
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
    """The bimatrix as papers print it: cells "(u_row, u_col)", pure equilibria shaded; the
    legend's title says once what a cell's pair is ("cells: (payoff to Yongkang, payoff to
    Wuyi)"), and a Chinese row player's name is set horizontally.

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
            # Cells a little wider than tall, as tables print; two panels side by side share
            # the width (a square aspect left a wide gap between them).
            m, n = game.shape
            width = SINGLE_COLUMN * (2 if other is not None else 1) * min(1.6, max(1.0, n / 2.5))
            fig, axes = new_figure(width, SINGLE_COLUMN * 0.8 * max(1.0, m / 2.5), ncols=2 if other is not None else 1)
        else:
            fig, axes = ax.figure, [ax]
        _draw_matrix(axes[0], game, equilibria, titles[0])
        if other is not None:
            if len(axes) < 2:
                raise ValueError("a second game needs its own figure: call without ax")
            _draw_matrix(axes[1], other, other_equilibria, titles[1])
        # What a cell's pair is, said once for every cell (the legend's title).
        row_player, col_player = player_names(game)
        note = f"cells: (payoff to {row_player}, payoff to {col_player})"
        handles = []
        if equilibria is not None or other_equilibria is not None:
            handles.append(Patch(**_EQUILIBRIUM_SHADE, edgecolor="0.3", linewidth=0.6, label="pure Nash equilibrium"))
        axes[0].figure.legend(handles=handles, loc="outside lower center", title=note)
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


def _cooperative_profile(game: Game) -> str:
    """The fully cooperative profile in the game's labels: "(C, C)" for a stage game."""
    cells = np.argwhere(np.asarray(game.cooperative, dtype=bool))
    if len(cells) != 1:
        return "full cooperation"
    i, j = (int(v) for v in cells[0])
    return f"({game.strategies[0][i]}, {game.strategies[1][j]})"


def _attracting(game: Game, e) -> bool:
    """Whether an equilibrium of a 2×2 game attracts a neighbourhood under the replicator
    dynamics: exactly the strict pure ones (decided on the exact payoffs); mixed equilibria
    are saddles or centres, weak pure ones lie on a line of rest points or are approached
    from one side only."""
    if not e.pure:
        return False
    (i, j), (A, B) = e.profile, game.exact
    return all(A[i][j] > A[k][j] for k in range(2) if k != i) and all(B[i][j] > B[i][k] for k in range(2) if k != j)


def _halfway(path: np.ndarray) -> int:
    """The index of the point halfway along a path's length (the last segment's start at most)."""
    length = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(path, axis=0).T))])
    return int(min(np.searchsorted(length, length[-1] / 2), len(path) - 2))


def _first_strategy(game: Game) -> tuple[str, str]:
    """What each player's first strategy is called after "probability of" or "share … ":
    "cooperating" for C, the label otherwise."""
    return tuple("cooperating" if labels[0] == "C" else labels[0] for labels in game.strategies)  # type: ignore[return-value]


def best_responses(game: Game, equilibria: EquilibriumSet, *, ax: Axes | None = None) -> Figure:
    """Both players' best-response correspondences in the unit square of a 2×2 game.

    The horizontal axis is the row government's probability of cooperating, the vertical one
    the column government's; every equilibrium is marked and labelled.

    Raises
    ------
    UserInputError
        If the game is not 2×2.
    """
    if game.shape != (2, 2):
        raise UserInputError(f"best responses are drawn for 2×2 games, not {game.shape}")
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
        (row_player, col_player), first = player_names(game), _first_strategy(game)
        ax.set_xlabel(f"{row_player}: probability of {first[0]}")
        ax.set_ylabel(f"{col_player}: probability of {first[1]}")
        ax.plot([], [], color=row_color, linewidth=2.2, label=f"{row_player}'s best response")
        ax.plot([], [], color=col_color, linewidth=1.2, linestyle=(0, (4, 2)), label=f"{col_player}'s best response")
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
        :attr:`~solver.basin.Basin.text`, the number the tables print (as the legend's title
        when the basin is undefined: nothing is shaded then).
    trajectories : list of arrays, optional
        From :func:`solver.basin.trajectories` (which runs each until it settles), e.g. from
        :func:`solver.basin.default_starts` (one in every basin); each drawn with a dot at its
        start and an arrowhead halfway along (``gid="direction"``).
    equilibria : EquilibriumSet, optional
        Marked as rest points: filled when attracting (a strict pure equilibrium), open
        otherwise; the legend names both.
    density : int
        Arrows per side, of unit length and one grey (directions only).
    """
    with plot_style():
        fig, (ax,) = new_figure() if ax is None else (ax.figure, [ax])
        legend_title = None
        if basin is not None:
            # Plain words for the number: the share of the square whose paths end at (C, C).
            label = f"share of the square ending at {_cooperative_profile(game)}: {basin.text}"
            color = LEVEL_COLORS["dominant"]
            if basin.value is None:
                # Nothing to shade: the legend says so in its title (an entry would need a
                # visible handle, and an empty one reads as a missing artist).
                legend_title = label
            elif basin.region is not None:
                ax.add_patch(Polygon(basin.region, closed=True, facecolor=color, alpha=0.18, edgecolor="none", label=label, gid="basin"))
                if basin.value is not None and basin.value < 1:
                    ax.plot(*basin.region[:-1].T, color=color, linewidth=0.9, gid="separatrix", label="edge of the basin (separatrix)")
            elif basin.points is not None and basin.reached is not None:
                ax.scatter(*basin.points[basin.reached].T, s=2, color=color, alpha=0.5, linewidths=0, label=label, gid="basin", rasterized=True)
            else:
                legend_title = label
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
        # Directions only, in one dark grey: shaded by speed, the slow arrows were white and
        # vanished on the basin's fill.
        ax.quiver(
            X,
            Y,
            np.where(speed > 0, U / norm, 0.0),
            np.where(speed > 0, V / norm, 0.0),
            color=_ARROWS,
            width=0.004,
            headwidth=3.5,
            scale=density * 1.6,
            gid="field",
            visible=not still,
        )
        paths = list(trajectories or [])
        for k, path in enumerate(paths):
            ax.plot(
                path[:, 0],
                path[:, 1],
                color=_TRAJECTORY,
                linewidth=0.9,
                gid="trajectory",
                label=(f"paths from {len(paths)} starts" if len(paths) > 1 else "path from a start") if k == 0 else None,
            )
            ax.plot(*path[0], "o", markersize=2.5, color=_TRAJECTORY, gid="start")
            if len(path) >= 2 and np.ptp(path, axis=0).max() > 0:
                # The direction halfway along the path (paths are evenly spaced by length):
                # at their ends, the arrowheads of every path piled up on the attractor.
                at = _halfway(path)
                head = {"arrowstyle": "-|>", "color": _TRAJECTORY, "lw": 0.9, "shrinkA": 0, "shrinkB": 0}
                ax.annotate("", xy=path[at + 1], xytext=path[at], arrowprops=head, gid="direction")
        kinds = set()
        for e in equilibria or []:
            attracting = _attracting(game, e)
            kinds.add(attracting)
            ax.plot(
                [e.row[0]],
                [e.col[0]],
                "o",
                markersize=4.5,
                markerfacecolor="black" if attracting else "white",
                markeredgecolor="black",
                zorder=5,
                gid="equilibrium",
                clip_on=False,
            )
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.set_aspect("equal")
        # No mathtext in these labels: a name in Chinese beside $x$ would be set by mathtext,
        # which has no CJK fallback.
        (row_player, col_player), first = player_names(game), _first_strategy(game)
        ax.set_xlabel(f"share of {row_player} {first[0]}" if first[0] == "cooperating" else f"{row_player}: share playing {first[0]}")
        ax.set_ylabel(f"share of {col_player} {first[1]}" if first[1] == "cooperating" else f"{col_player}: share playing {first[1]}")
        handles, labels = ax.get_legend_handles_labels()
        for attracting in sorted(kinds, reverse=True):
            face = "black" if attracting else "white"
            handles.append(Line2D([], [], marker="o", linestyle="", markersize=4.5, markeredgecolor="black", markerfacecolor=face))
            labels.append(_EQUILIBRIUM_WORDS[attracting])
        if legend_title is not None or handles:
            ax.legend(handles, labels, loc="upper center", bbox_to_anchor=(0.5, -0.2), ncols=1, title=legend_title)
    return fig
