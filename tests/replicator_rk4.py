"""The independent reference for two-population replicator dynamics of a 2×2 game: a plain
fixed-step RK4 in the original (share) coordinates, with the time scaled by the payoff range.
It shares no code with solver.basin (which integrates in logit coordinates with scipy)."""

from __future__ import annotations

import numpy as np


def rk4_ends(game, x, y, t_end: float = 400.0, dt: float = 0.05):
    """Where the replicator dynamics of ``game`` take the starts (x, y) (arrays) at ``t_end``."""
    a, b = game.row_payoffs, game.col_payoffs
    scale = max(np.ptp(a), np.ptp(b))
    x, y = np.array(x, dtype=float), np.array(y, dtype=float)

    def f(x, y):
        gain_row = (y * a[0, 0] + (1 - y) * a[0, 1] - y * a[1, 0] - (1 - y) * a[1, 1]) / scale
        gain_col = (x * b[0, 0] + (1 - x) * b[1, 0] - x * b[0, 1] - (1 - x) * b[1, 1]) / scale
        return x * (1 - x) * gain_row, y * (1 - y) * gain_col

    for _ in range(int(t_end / dt)):
        k1 = f(x, y)
        k2 = f(x + dt / 2 * k1[0], y + dt / 2 * k1[1])
        k3 = f(x + dt / 2 * k2[0], y + dt / 2 * k2[1])
        k4 = f(x + dt * k3[0], y + dt * k3[1])
        x = x + dt / 6 * (k1[0] + 2 * k2[0] + 2 * k3[0] + k4[0])
        y = y + dt / 6 * (k1[1] + 2 * k2[1] + 2 * k3[1] + k4[1])
    return x, y
