"""Basin of full cooperation under two-population replicator dynamics.

Each government is a population of decision makers: xᵢ is the share of the row population
playing strategy i, yⱼ that of the column population playing j, and

    ẋᵢ = xᵢ [(Ay)ᵢ − xᵀAy],   ẏⱼ = yⱼ [(xᵀB)ⱼ − xᵀBy].

We integrate in logit coordinates uᵢ = log xᵢ (then u̇ᵢ = (Ay)ᵢ − xᵀAy), which keeps
trajectories near the faces of the simplex accurate, with all starting points in one
vectorized system (scipy ``solve_ivp``). Payoffs are divided by their range first, so the
time scale does not depend on the currency of the payoffs. The basin is the share of a
regular grid of interior starting points whose end state puts weight at least ``threshold``
on fully cooperative profiles (the game's ``cooperative`` mask: for a repeated game with
noise, the profiles whose intended path is full cooperation).

Examples
--------
>>> from games import harmony, prisoners_dilemma
>>> basin_of_cooperation(harmony()), basin_of_cooperation(prisoners_dilemma())
(1.0, 0.0)
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from math import comb

import numpy as np
from scipy.integrate import solve_ivp

from games import Game

__all__ = ["basin_of_cooperation", "simplex_grid"]


def simplex_grid(k: int, resolution: int = 10, max_points: int = 50) -> np.ndarray:
    """Interior points of the lattice {a / r : aᵢ ≥ 1, Σaᵢ = r} of the (k−1)-simplex.

    ``r`` is ``resolution``, lowered until at most ``max_points`` points remain (at least
    ``k``, the barycentre alone).

    Examples
    --------
    >>> simplex_grid(2, 4).tolist()
    [[0.25, 0.75], [0.5, 0.5], [0.75, 0.25]]
    """
    if k == 1:
        return np.ones((1, 1))
    r = max(resolution, k)
    while r > k and comb(r - 1, k - 1) > max_points:
        r -= 1
    points = []
    # Stars and bars: choose k − 1 cut points among r − 1 gaps.
    for cuts in combinations(range(1, r), k - 1):
        bounds = (0, *cuts, r)
        points.append([(bounds[i + 1] - bounds[i]) / r for i in range(k)])
    return np.array(points)


def basin_of_cooperation(
    game: Game,
    resolution: int = 10,
    t_end: float = 200.0,
    threshold: float = 0.99,
) -> float:
    """Share of interior starting states from which the replicator dynamics reach cooperation.

    Parameters
    ----------
    game : Game
        Any two-player game; its ``cooperative`` mask says which end states are cooperative.
    resolution : int
        Grid resolution per population (for two strategies, starts 1/r, …, (r−1)/r).
    t_end : float
        Integration time in units of the payoff range.
    threshold : float
        Weight on fully cooperative profiles at the end state that counts as cooperative.

    Returns
    -------
    float
        The share in [0, 1].

    Examples
    --------
    In the stag hunt R, T, P, S = 4, 3, 2, 0 the separatrix runs through the mixed
    equilibrium (2/3, 2/3). Of the 9 × 9 interior starts, the 3 × 3 with both shares above 2/3
    reach (C, C), and so do 8 of the mixed ones near the separatrix's cooperative side:

    >>> from games import stag_hunt
    >>> basin_of_cooperation(stag_hunt(R=4, T=3, P=2, S=0)) * 81
    17.0
    """
    a, b = game.row_payoffs, game.col_payoffs
    scale = max(float(np.ptp(a)), float(np.ptp(b)))
    if scale == 0:
        scale = 1.0
    a, b = a / scale, b / scale
    m, n = game.shape
    xs = simplex_grid(m, resolution)
    ys = simplex_grid(n, resolution)
    starts_x = np.repeat(xs, len(ys), axis=0)
    starts_y = np.tile(ys, (len(xs), 1))
    count = len(starts_x)
    u0 = np.concatenate([np.log(starts_x), np.log(starts_y)], axis=1).ravel()

    def softmax(u: np.ndarray) -> np.ndarray:
        e = np.exp(u - u.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    def field(_t: float, state: np.ndarray) -> np.ndarray:
        s = state.reshape(count, m + n)
        x, y = softmax(s[:, :m]), softmax(s[:, m:])
        ay = y @ a.T
        xb = x @ b
        du = ay - np.sum(x * ay, axis=1, keepdims=True)
        dv = xb - np.sum(xb * y, axis=1, keepdims=True)
        return np.concatenate([du, dv], axis=1).ravel()

    solution = solve_ivp(field, (0.0, t_end), u0, method="RK45", rtol=1e-6, atol=1e-8)
    end = solution.y[:, -1].reshape(count, m + n)
    x, y = softmax(end[:, :m]), softmax(end[:, m:])
    cooperation = np.einsum("ki,ij,kj->k", x, game.cooperative.astype(float), y)
    return float(np.mean(cooperation >= threshold))


def _flow_2x2(game: Game) -> tuple[np.ndarray, np.ndarray]:
    """Incentive coefficients of a 2×2 game: Δ_row(y) = a₀ + a₁y, Δ_col(x) = b₀ + b₁x."""
    a, b = game.row_payoffs, game.col_payoffs
    # Row's payoff of C minus D when the column cooperates with probability y.
    row = np.array([a[0, 1] - a[1, 1], (a[0, 0] - a[1, 0]) - (a[0, 1] - a[1, 1])])
    col = np.array([b[1, 0] - b[1, 1], (b[0, 0] - b[0, 1]) - (b[1, 0] - b[1, 1])])
    return row, col


def replicator_field(game: Game, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The two-population replicator field of a 2×2 game at shares cooperating (x, y).

    ẋ = x(1 − x)Δ_row(y), ẏ = y(1 − y)Δ_col(x), with Δ a player's payoff of C minus D.

    >>> from games import prisoners_dilemma
    >>> dx, dy = replicator_field(prisoners_dilemma(), np.array(0.5), np.array(0.5))
    >>> float(dx), float(dy)   # ¼ · (0.5·(3 − 5) + 0.5·(0 − 1))
    (-0.375, -0.375)
    """
    if game.shape != (2, 2):
        raise ValueError(f"the replicator field in the unit square needs a 2×2 game, not {game.shape}")
    row, col = _flow_2x2(game)
    return x * (1 - x) * (row[0] + row[1] * y), y * (1 - y) * (col[0] + col[1] * x)


def trajectories(game: Game, starts: np.ndarray, t_end: float = 50.0, points: int = 400) -> list[np.ndarray]:
    """Trajectories (x(t), y(t)) of the 2×2 replicator dynamics from each start, in logit coordinates.

    Time is in units of the payoff range. Returns one array of shape (points, 2) per start.
    """
    scale = max(float(np.ptp(game.row_payoffs)), float(np.ptp(game.col_payoffs))) or 1.0
    row, col = _flow_2x2(game)
    row, col = row / scale, col / scale

    def field(_t: float, u: np.ndarray) -> np.ndarray:
        x, y = 1 / (1 + np.exp(-u[0])), 1 / (1 + np.exp(-u[1]))
        return np.array([row[0] + row[1] * y, col[0] + col[1] * x])

    out = []
    times = np.linspace(0, t_end, points)
    for x0, y0 in np.asarray(starts, dtype=float):
        u0 = np.log([x0 / (1 - x0), y0 / (1 - y0)])
        sol = solve_ivp(field, (0, t_end), u0, t_eval=times, rtol=1e-8, atol=1e-10)
        out.append(1 / (1 + np.exp(-sol.y.T)))
    return out


@dataclass(frozen=True)
class BasinGrid:
    """Which starting shares (x, y) of a 2×2 game lead to full cooperation."""

    xs: np.ndarray
    ys: np.ndarray
    cooperative: np.ndarray  # shape (len(ys), len(xs))

    @property
    def share(self) -> float:
        return float(self.cooperative.mean())


def basin_grid(game: Game, points: int = 81, t_end: float = 200.0, threshold: float = 0.99) -> BasinGrid:
    """The basin of (C, C) on a regular grid of interior starts, for shading in a figure."""
    if game.shape != (2, 2):
        raise ValueError(f"the basin grid needs a 2×2 game, not {game.shape}")
    values = (np.arange(points) + 0.5) / points
    scale = max(float(np.ptp(game.row_payoffs)), float(np.ptp(game.col_payoffs))) or 1.0
    row, col = _flow_2x2(game)
    row, col = row / scale, col / scale
    X, Y = np.meshgrid(values, values)
    u0 = np.concatenate([np.log(X / (1 - X)).ravel(), np.log(Y / (1 - Y)).ravel()])
    n = X.size

    def field(_t: float, u: np.ndarray) -> np.ndarray:
        x, y = 1 / (1 + np.exp(-u[:n])), 1 / (1 + np.exp(-u[n:]))
        return np.concatenate([row[0] + row[1] * y, col[0] + col[1] * x])

    end = solve_ivp(field, (0, t_end), u0, rtol=1e-6, atol=1e-8).y[:, -1]
    x, y = 1 / (1 + np.exp(-end[:n])), 1 / (1 + np.exp(-end[n:]))
    return BasinGrid(values, values, (x * y >= threshold).reshape(X.shape))
