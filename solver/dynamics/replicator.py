"""Replicator dynamics: K populations with two strategies each, and two-population bimatrix games.

A K-population model gives, for shares x = (x₁, …, x_K) playing each population's first
strategy, the payoff advantages Fₖ(x) of that strategy; the dynamics are ẋₖ = xₖ(1 − xₖ)Fₖ(x).
Models: :class:`games.ThreeParty`, :class:`PayoffTable` (Fₖ at the 2^K pure profiles, extended
multilinearly: the expected advantage under independent mixing), or :class:`CallableModel`
(any function, differentiated by the complex step, exact to rounding for analytic functions,
never by finite differences).

Trajectories are integrated in logit coordinates uₖ = log(xₖ/(1 − xₖ)), where u̇ₖ = Fₖ(x):
near the faces of the cube the shares stay accurate (a share of 1e-12 is still resolved) and
never leave [0, 1]. A run that neither settles at a rest point nor heads into a corner is
reported as cycling, with no end point claimed.

Examples
--------
>>> from games import ThreeParty
>>> r = trajectory(ThreeParty(), start=(0.5, 0.5, 0.5), t_end=200)
>>> [round(v, 6) for v in r.final], r.cycling
([1.0, 1.0, 0.0], False)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt
from scipy.integrate import solve_ivp

from games import Game
from games.errors import UserInputError

__all__ = ["CallableModel", "Model", "PayoffTable", "Trajectory", "field_at", "jacobian", "replicator", "trajectory"]


class Model(Protocol):
    """What the dynamics need of a K-population model."""

    dimension: int

    def payoff_differences(self, state: npt.ArrayLike) -> np.ndarray: ...

    def gradient(self, state: npt.ArrayLike) -> np.ndarray: ...


@dataclass(frozen=True)
class PayoffTable:
    """A K-population model from Fₖ at the 2^K pure profiles, extended multilinearly.

    ``table[i₁, …, i_K]`` is the vector (F₁, …, F_K) at the corner where population k plays
    its first strategy iff iₖ = 1.

    >>> t = PayoffTable(np.array([[[-1, -1], [1, -2]], [[-2, 1], [2, 2]]], dtype=float))
    >>> t.payoff_differences((0.5, 0.5)).tolist()
    [0.0, 0.0]
    """

    table: np.ndarray
    names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        table = np.asarray(self.table, dtype=float)
        k = table.ndim - 1
        if k < 1 or table.shape != (2,) * k + (k,):
            raise ValueError(f"a payoff table for K populations has shape (2,)*K + (K,), got {table.shape}")
        if not np.all(np.isfinite(table)):
            raise UserInputError("a payoff table must hold finite numbers")
        object.__setattr__(self, "table", table)
        object.__setattr__(self, "names", tuple(self.names) or tuple(f"population {i + 1}" for i in range(k)))

    @property
    def dimension(self) -> int:
        return self.table.ndim - 1

    def _weights(self, state: Any) -> list[Any]:
        return [np.array([1 - s, s]) for s in state]

    def payoff_differences(self, state: npt.ArrayLike) -> np.ndarray:
        result = self.table
        for w in self._weights(state):
            result = np.tensordot(w, result, axes=(0, 0))
        return result

    def gradient(self, state: npt.ArrayLike) -> np.ndarray:
        k = self.dimension
        weights = self._weights([float(s) for s in state])  # type: ignore[union-attr]
        out = np.zeros((k, k))
        for j in range(k):
            result = self.table
            for m, w in enumerate(weights):
                result = np.tensordot(np.array([-1.0, 1.0]) if m == j else w, result, axes=(0, 0))
            out[:, j] = result
        return out


@dataclass(frozen=True)
class CallableModel:
    """A K-population model from any function x ↦ (F₁, …, F_K).

    The gradient, when not given, is taken by the complex step ∂F/∂xⱼ = Im F(x + ih·eⱼ)/h with
    h = 1e-30: exact to rounding for functions written with complex-safe operations.
    """

    function: Callable[[np.ndarray], npt.ArrayLike]
    dimension: int
    gradient_function: Callable[[np.ndarray], npt.ArrayLike] | None = None
    names: tuple[str, ...] = ()

    def payoff_differences(self, state: npt.ArrayLike) -> np.ndarray:
        return np.asarray(self.function(np.asarray(state)))

    def gradient(self, state: npt.ArrayLike) -> np.ndarray:
        x = np.asarray(state, dtype=float)
        if self.gradient_function is not None:
            return np.asarray(self.gradient_function(x), dtype=float)
        h = 1e-30
        out = np.zeros((self.dimension, self.dimension))
        for j in range(self.dimension):
            step = x.astype(complex)
            step[j] += 1j * h
            out[:, j] = np.imag(np.asarray(self.function(step), dtype=complex)) / h
        return out


def field_at(model: Model, state: npt.ArrayLike) -> np.ndarray:
    """ẋ = x(1 − x)F(x) at a state."""
    x = np.asarray(state, dtype=float)
    return x * (1 - x) * model.payoff_differences(x)


def jacobian(model: Model, state: npt.ArrayLike) -> np.ndarray:
    """The exact Jacobian of the replicator field: J = diag((1 − 2x)F) + diag(x(1 − x))·∂F/∂x."""
    x = np.asarray(state, dtype=float)
    return np.diag((1 - 2 * x) * model.payoff_differences(x)) + (x * (1 - x))[:, None] * model.gradient(x)


@dataclass(frozen=True)
class Trajectory:
    """A replicator trajectory and what it did (see :mod:`solver.dynamics.outcome`).

    Attributes
    ----------
    t : array
        Times.
    states : array, shape (len(t), K)
        Shares playing each population's first strategy (for a bimatrix game: both mixed
        strategies side by side).
    outcome : {"converged", "cycling", "not settled"}
        Decided from the structure of the dynamics: converged when the state stays within a
        tolerance of a rest point whose Jacobian is stable; cycling when no rest point is
        stable and the orbit keeps visiting corners (or returns to where it was).
    final : tuple of float or None
        The rest point reached when converged; None otherwise.
    eigenvalues : tuple
        The Jacobian's eigenvalues at that rest point.
    verdict : str
        Their verdict: ``"stable"``, or ``"inconclusive"`` when linearization cannot decide
        and the run is at rest; empty when not converged.
    corners : tuple of tuple of int
        The corners the orbit visited, in order (consecutive repeats removed).
    cycle : tuple of tuple of int
        When cycling through corners, the repeating corner sequence.
    note : str
    """

    t: np.ndarray
    states: np.ndarray
    outcome: str
    final: tuple[float, ...] | None
    eigenvalues: tuple[complex | float, ...] = ()
    verdict: str = ""
    corners: tuple[tuple[int, ...], ...] = ()
    cycle: tuple[tuple[int, ...], ...] = ()
    note: str = ""
    parameters: dict = field(default_factory=dict)

    @property
    def converged(self) -> bool:
        """Whether the run converged to a rest point."""
        return self.outcome == "converged"

    @property
    def cycling(self) -> bool:
        """Whether the run cycles: no end point is claimed."""
        return self.outcome == "cycling"

    @property
    def corner_sequence(self) -> str:
        """The repeating corner sequence as text, ``"(0,0,1) → (1,0,1) → …"``; empty if none."""
        from .outcome import format_corners

        return format_corners(self.cycle)


def _logit(x: np.ndarray) -> np.ndarray:
    x = np.clip(x, 1e-300, 1 - 1e-16)
    return np.log(x) - np.log1p(-x)


def _expit(u: np.ndarray) -> np.ndarray:
    return 0.5 * (1 + np.tanh(u / 2))


def trajectory(model: Model, start: Sequence[float], t_end: float = 200.0, points: int = 2001, tol: float = 1e-6, rest_tol: float = 1e-3) -> Trajectory:
    """Integrate ẋₖ = xₖ(1 − xₖ)Fₖ(x) from an interior start, in logit coordinates, and say
    what the run did (:func:`solver.dynamics.outcome.classify`).

    Parameters
    ----------
    model : Model
    start : sequence of float
        Shares strictly inside (0, 1).
    t_end : float
    points : int
        Samples returned (and used to find the corners visited).
    tol : float
        Shares within ``tol`` of 0 or 1 are reported as 0 or 1 in ``final``.
    rest_tol : float
        How close (max-norm) the state must stay to a rest point to have converged.

    Raises
    ------
    UserInputError
        If the start is not strictly inside the unit cube or has the wrong length.
    """
    from .outcome import classify, table_of

    x0 = np.asarray(start, dtype=float)
    if x0.shape != (model.dimension,):
        raise UserInputError(f"start needs {model.dimension} shares, got {len(x0)}")
    if np.any(x0 <= 0) or np.any(x0 >= 1):
        raise UserInputError(f"start must lie strictly inside the unit cube (0, 1)^{model.dimension}, got {tuple(x0)}")
    times = np.linspace(0.0, t_end, points)
    sol = solve_ivp(lambda _t, u: np.real(model.payoff_differences(_expit(u))), (0.0, t_end), _logit(x0), method="LSODA", t_eval=times, rtol=1e-9, atol=1e-12)
    states = _expit(sol.y.T)
    return _result(sol.t, states, classify(model, states, rest_tol=rest_tol, table=table_of(model)), tol)


def _result(t: np.ndarray, states: np.ndarray, outcome: Any, tol: float = 1e-6) -> Trajectory:
    final = None
    if outcome.rest_point is not None:
        p = np.asarray(outcome.rest_point)
        final = tuple(float(v) for v in np.where(p < tol, 0.0, np.where(p > 1 - tol, 1.0, p)))
    return Trajectory(t, states, outcome.kind, final, outcome.eigenvalues, outcome.verdict, outcome.corners, outcome.cycle, outcome.note)


def replicator(
    game: Game, start: Sequence[float] | tuple[Sequence[float], Sequence[float]] = (0.5, 0.5), t_end: float = 50.0, points: int = 1001
) -> Trajectory:
    """Two-population replicator dynamics of a bimatrix game.

    For a 2×2 game ``start`` is the pair of shares cooperating (x, y) and ``states`` has those
    two columns; for an m×n game ``start`` is the pair of mixed strategies and ``states`` holds
    both side by side (m + n columns). Integrated in the game's own payoff units, in log
    coordinates, so it agrees with nashpy's ``asymmetric_replicator_dynamics``.

    >>> from games import stag_hunt
    >>> r = replicator(stag_hunt(R=4, T=3, P=2, S=0), start=(0.8, 0.8))
    >>> [round(v, 6) for v in r.final]
    [1.0, 1.0]
    """
    A, B = game.row_payoffs, game.col_payoffs
    m, n = game.shape
    if len(start) == 2 and all(np.isscalar(v) for v in start) and game.shape == (2, 2):
        x0 = np.array([start[0], 1 - start[0]])
        y0 = np.array([start[1], 1 - start[1]])
        shares_only = True
    else:
        x0, y0 = (np.asarray(v, dtype=float) for v in start)
        shares_only = False
    if x0.shape != (m,) or y0.shape != (n,) or np.any(x0 <= 0) or np.any(y0 <= 0) or abs(x0.sum() - 1) > 1e-9 or abs(y0.sum() - 1) > 1e-9:
        raise UserInputError("start must be interior mixed strategies of the right sizes (or, for 2×2, two shares in (0, 1))")

    def rhs(_t: float, u: np.ndarray) -> np.ndarray:
        x = np.exp(u[:m] - u[:m].max())
        x /= x.sum()
        y = np.exp(u[m:] - u[m:].max())
        y /= y.sum()
        ay, xb = A @ y, x @ B
        return np.concatenate([ay - x @ ay, xb - xb @ y])

    times = np.linspace(0.0, t_end, points)
    sol = solve_ivp(rhs, (0.0, t_end), np.log(np.concatenate([x0, y0])), t_eval=times, rtol=1e-9, atol=1e-12)
    u = sol.y.T
    xs = np.exp(u[:, :m] - u[:, :m].max(axis=1, keepdims=True))
    xs /= xs.sum(axis=1, keepdims=True)
    ys = np.exp(u[:, m:] - u[:, m:].max(axis=1, keepdims=True))
    ys /= ys.sum(axis=1, keepdims=True)
    states = np.column_stack([xs[:, 0], ys[:, 0]]) if shares_only else np.hstack([xs, ys])

    from .outcome import classify, classify_bimatrix, table_of

    if game.shape == (2, 2):
        # Two populations with two strategies: F is the first strategy's payoff advantage,
        # multilinear, so a PayoffTable states the same dynamics exactly.
        table = np.empty((2, 2, 2))
        for i, j in np.ndindex(2, 2):
            r, c = 1 - i, 1 - j  # index 1 = the first strategy
            table[i, j] = (A[0, c] - A[1, c], B[r, 0] - B[r, 1])
        model = PayoffTable(table)
        outcome = classify(model, np.column_stack([xs[:, 0], ys[:, 0]]), table=table_of(model))
        result = _result(sol.t, states, outcome)
        if result.final is not None and not shares_only:
            fx, fy = result.final
            result = replace(result, final=(fx, 1 - fx, fy, 1 - fy))
        return result
    return _result(sol.t, states, classify_bimatrix(A, B, xs, ys))
