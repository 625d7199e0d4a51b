"""Data for phase diagrams and threshold curves: the level over a grid of two parameters, and
a minimal strength as a stage-game payoff varies.

Examples
--------
>>> from games import prisoners_dilemma, HigherLevelGuidance
>>> grid = phase_grid(prisoners_dilemma(T=5, R=3, P=1, S=0), HigherLevelGuidance(penalty=2),
...                   ("subsidy", [0, 1, 2, 3]), ("detection", [0, 1]))
>>> grid.levels.tolist()
[['none', 'none', 'weak', 'dominant'], ['weak', 'dominant', 'dominant', 'dominant']]
>>> [(round(float(x), 3), float(y)) for x, y in zip(*grid.thresholds["weak"])]   # s = (T − R) − p·f
[(2.0, 0.0)]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from games import Game, Mechanism, RepeatedPlay, apply, stage_game, stage_payoffs

from ..cooperation import stability
from ..fast2x2 import solve_2x2
from .batch import batch_apply
from .strength import minimal_strength

__all__ = ["PhaseGrid", "ThresholdCurve", "phase_grid", "threshold_sweep"]


@dataclass(frozen=True)
class PhaseGrid:
    """Cooperation levels over a grid of two mechanism parameters, with analytic boundaries.

    ``levels[i, j]`` is the level at ``x_values[j]``, ``y_values[i]``. ``thresholds[target]`` is
    a pair of arrays (x, y): the analytic least x reaching ``target`` at each y where a formula
    exists.
    """

    x_name: str
    x_values: np.ndarray
    y_name: str
    y_values: np.ndarray
    levels: np.ndarray
    thresholds: dict = field(default_factory=dict)
    title: str = ""
    #: The stack's own values of the two parameters (the scenario's operating point), if known.
    operating: tuple[float, float] | None = None
    #: The level at the centres of a fine raster (x centres, y centres, levels), decided exactly
    #: by the vectorized 2×2 path: what the figure colours, so a boundary is sharp and no grid
    #: point that happens to lie on a threshold shows as an isolated cell of "weak".
    fine: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None


def _set(mechanisms: Sequence[Mechanism], name: str, value: float) -> list[Mechanism]:
    """Set a parameter on the first mechanism of the stack that has it."""
    out, done = [], False
    for m in mechanisms:
        if not done and name in type(m).RANGES:
            m = replace(m, **{name: float(value)})
            done = True
        out.append(m)
    if not done:
        raise ValueError(f"no mechanism in the stack has a parameter {name!r}")
    return out


def phase_grid(
    game: Game,
    mechanism: Mechanism | Sequence[Mechanism],
    x: tuple[str, Sequence[float]],
    y: tuple[str, Sequence[float]],
    *,
    targets: Sequence[str] = ("weak", "dominant"),
) -> PhaseGrid:
    """The cooperation level at every (x, y) of two parameters of a mechanism stack.

    Parameters
    ----------
    game : Game
        A 2×2 stage game.
    mechanism : Mechanism or sequence of Mechanism
        The stack; each parameter is set on the first mechanism that has it.
    x, y : (name, values)
        The two parameters and their grid values.
    targets : sequence of str
        Levels whose analytic boundary is drawn where docs/models.md has a formula.
    """
    stack = [mechanism] if isinstance(mechanism, Mechanism) else list(mechanism)
    (xn, xv), (yn, yv) = x, y
    xv, yv = np.asarray(xv, dtype=float), np.asarray(yv, dtype=float)
    levels = np.empty((len(yv), len(xv)), dtype=object)
    if game.shape == (2, 2) and not any(isinstance(m, RepeatedPlay) for m in stack):
        # Every point at once: stacked transforms and the exact vectorized 2×2 path.
        X, Y = np.meshgrid(xv, yv)
        levels[:] = _levels_at(game, stack, xn, X, yn, Y)
        fx, fy = _centres(xv, FINE), _centres(yv, FINE)
        FX, FY = np.meshgrid(fx, fy)
        fine = (fx, fy, _levels_at(game, stack, xn, FX, yn, FY))
    else:
        fine = None
        for i, b in enumerate(yv):
            for j, a in enumerate(xv):
                levels[i, j] = stability(apply(game, *_set(_set(stack, xn, a), yn, b)), basin=False, method="fast").level
    thresholds = {}
    for target in targets:
        xs, ys = [], []
        for b in yv:
            at_y = _set(stack, yn, b)
            owner = next(k for k, m in enumerate(at_y) if xn in type(m).RANGES)
            others = at_y[:owner] + at_y[owner + 1 :]
            try:
                s = minimal_strength(game, at_y[owner], xn, target, others=others, method="analytic")
            except ValueError:
                break
            low = type(at_y[owner]).RANGES[xn][0]
            if s.feasible and s.value > low + 1e-12:  # a threshold clamped at the range's end is no boundary
                xs.append(s.value)
                ys.append(float(b))
        if xs:
            thresholds[target] = (np.array(xs), np.array(ys))
    title = " + ".join(m.describe() for m in stack)
    owner = {name: next(m for m in stack if name in type(m).RANGES) for name in (xn, yn)}
    operating = (float(getattr(owner[xn], xn)), float(getattr(owner[yn], yn)))
    return PhaseGrid(xn, xv, yn, yv, levels, thresholds, title, operating, fine)


#: Cells per axis of the fine raster of a phase grid: a prime, so that cell centres
#: ((2i + 1)/194 of the span) miss thresholds at short fractions of it; 97² games keep the exact
#: re-decision near ties affordable.
FINE = 97


def _centres(values: np.ndarray, n: int) -> np.ndarray:
    """``n`` cell centres of a raster spanning the grid's first to last value.

    >>> _centres(np.array([0.0, 1.0]), 4).tolist()
    [0.125, 0.375, 0.625, 0.875]
    """
    lo, hi = float(values[0]), float(values[-1])
    if len(values) < 2 or hi == lo:
        return np.asarray(values, dtype=float)
    return lo + (np.arange(n) + 0.5) * (hi - lo) / n


def _levels_at(game: Game, stack, xn: str, X: np.ndarray, yn: str, Y: np.ndarray) -> np.ndarray:
    """The level at every (X, Y) of a 2×2 stage game under a stack without repeated play."""
    params: list[dict] = [{} for _ in stack]
    for name, values in ((xn, X.ravel()), (yn, Y.ravel())):
        owner = next((k for k, m in enumerate(stack) if name in type(m).RANGES), None)
        if owner is None:
            raise ValueError(f"no mechanism in the stack has a parameter {name!r}")
        params[owner][name] = values
    n = X.size
    A = np.broadcast_to(game.row_payoffs, (n, 2, 2))
    B = np.broadcast_to(game.col_payoffs, (n, 2, 2))
    return solve_2x2(*batch_apply(A, B, stack, params)).level.reshape(X.shape)


@dataclass(frozen=True)
class ThresholdCurve:
    """A minimal strength as one stage-game payoff varies (None where unreachable).

    ``strengths`` is where the target holds for the link (both governments); on an asymmetric
    link ``player_strengths[i]`` is where government ``players[i]``'s own condition holds (its
    incentive gaps alone), so ``strengths`` is the larger of the two where both are reachable.
    ``player_strengths`` is empty when the thresholds do not split by government: a symmetric
    game, a target other than weak, strict or dominant, or a side payment in the stack.
    """

    payoff: str
    payoff_values: np.ndarray
    parameter: str
    target: str
    strengths: tuple[float | None, ...]
    attained: tuple[bool, ...]
    mechanism: str
    players: tuple[str, str] = ("row government", "column government")
    player_strengths: tuple[tuple[float | None, ...], ...] = ()


def _splits(game: Game, stack: Sequence[Mechanism], target: str) -> bool:
    """Whether the target's condition is one condition per government, each on its own payoffs."""
    row, col = stage_payoffs(game)
    return target in ("weak", "strict", "dominant") and row != col and not any(hasattr(m, "payer") for m in stack)


def threshold_sweep(
    game: Game,
    mechanism: Mechanism,
    parameter: str,
    payoff: str,
    values: Sequence[float],
    *,
    target: str = "strict",
    others: Sequence[Mechanism] = (),
) -> ThresholdCurve:
    """The minimal strength of ``parameter`` as the payoff ``payoff`` (R, S, T or P) of both
    governments takes each value (the other payoffs fixed).

    On an asymmetric link each government's own threshold is found too: the minimal strength in
    the symmetric game where both have that government's payoffs, whose condition is that
    government's condition for both (:attr:`ThresholdCurve.player_strengths`).

    >>> from games import prisoners_dilemma, RepeatedPlay
    >>> c = threshold_sweep(prisoners_dilemma(T=5, R=3, P=1, S=0), RepeatedPlay(), "discount", "T", [4, 5, 7])
    >>> [round(v, 4) for v in c.strengths]     # δ* = (T − R)/(T − P)
    [0.3333, 0.5, 0.6667]
    """
    if payoff not in "RSTP" or len(payoff) != 1:
        raise ValueError(f"payoff must be one of R, S, T, P, got {payoff!r}")
    row, col = stage_payoffs(game)
    split = _splits(game, [mechanism, *others], target)
    strengths, attained, own = [], [], ([], [])
    for v in values:
        mine = (row._replace(**{payoff: float(v)}), col._replace(**{payoff: float(v)}))
        varied = stage_game(*mine, players=game.players)
        s = minimal_strength(varied, mechanism, parameter, target, others=others)
        strengths.append(s.value)
        attained.append(s.attained)
        if split:
            for k in (0, 1):
                alone = stage_game(mine[k], mine[k], players=game.players)
                own[k].append(minimal_strength(alone, mechanism, parameter, target, others=others).value)
    players = ("row government", "column government") if tuple(game.players) == ("row", "col") else tuple(map(str, game.players))
    return ThresholdCurve(
        payoff,
        np.asarray(values, dtype=float),
        parameter,
        target,
        tuple(strengths),
        tuple(attained),
        mechanism.describe(),
        players,
        (tuple(own[0]), tuple(own[1])) if split else (),
    )
