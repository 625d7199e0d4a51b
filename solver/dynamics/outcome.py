"""Where a replicator orbit goes, decided from the structure of the dynamics, not from wiggles.

An orbit started inside the cube (0, 1)^K stays inside it, so the rest points that can attract
it are every rest point of the cube: the 2^K corners and the rest points on edges, faces and in
the interior (:func:`~solver.dynamics.corner_table`). A run is

``converged``
    when the state stays within ``rest_tol`` of a rest point during the last twentieth of the
    run and the Jacobian there has every eigenvalue with negative real part (``verdict`` is
    ``"stable"``). A rest point where linearization cannot decide (a zero real part, none
    positive: ``"inconclusive"``) counts only when the run is also at rest — every growth rate
    ≈ 0 and no vanished strategy growing back — and the verdict says so;
``cycling``
    when no rest point of the cube is stable and the orbit does not come to rest but keeps
    visiting corners — a heteroclinic cycle, whose visits get longer each lap; the repeating
    corner sequence is reported — or returns to where it was (a periodic orbit: the latest
    state's Poincaré section was crossed before, in the same direction, closer than a twentieth of the loop's size);
``not settled``
    otherwise (say, a stable rest point exists but the run has not reached it by ``t_end``).

A corner counts as visited when every share is within ``VISIT`` = 0.1 of it; consecutive
visits of the same corner are one visit.

Examples
--------
>>> from games import ThreeParty
>>> from solver.dynamics import trajectory
>>> m = ThreeParty(synergy=(4, 4), cost=(3, 3), spillover=(2, 2), subsidy=1.5, fine=2,
...                supervision_cost=3, accountability=1)
>>> r = trajectory(m, start=(0.4, 0.6, 0.5))
>>> r.outcome, r.corner_sequence
('cycling', '(1,1,1) → (1,1,0) → (0,0,0) → (0,0,1) → …')
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.linalg import null_space
from scipy.optimize import root

from .corners import CornerRow, corner_table, verdict
from .replicator import Model, jacobian

__all__ = [
    "OUTCOMES",
    "VISIT",
    "Outcome",
    "classify",
    "classify_bimatrix",
    "corner_visits",
    "format_corners",
    "repeating_cycle",
    "returns_to_itself",
    "table_of",
]

#: The three outcomes of a run.
OUTCOMES = ("converged", "cycling", "not settled")

#: Max-norm distance to a corner within which the orbit visits it.
VISIT = 0.1


@dataclass(frozen=True)
class Outcome:
    """What a run did: ``kind`` (one of :data:`OUTCOMES`), the rest point reached with its
    Jacobian's eigenvalues and verdict, the corners visited and the repeating cycle, a note."""

    kind: str
    rest_point: tuple[float, ...] | None = None
    eigenvalues: tuple[complex | float, ...] = ()
    verdict: str = ""
    corners: tuple[tuple[int, ...], ...] = ()
    cycle: tuple[tuple[int, ...], ...] = ()
    note: str = ""


def corner_visits(states: np.ndarray, radius: float = VISIT) -> tuple[tuple[int, ...], ...]:
    """The corners an orbit passes within ``radius`` of (max-norm), in order, consecutive
    repeats removed.

    >>> corner_visits(np.array([[0.01, 0.02], [0.5, 0.5], [0.03, 0.0], [0.95, 0.04], [0.99, 0.0]]))
    ((0, 0), (1, 0))
    """
    states = np.asarray(states, dtype=float)
    nearest = np.rint(states)
    near = np.max(np.abs(states - nearest), axis=1) < radius
    out: list[tuple[int, ...]] = []
    for row in nearest[near].astype(int):
        corner = tuple(int(v) for v in row)
        if not out or out[-1] != corner:
            out.append(corner)
    return tuple(out)


def repeating_cycle(visits: Sequence[tuple[int, ...]], laps: int = 1) -> tuple[tuple[int, ...], ...]:
    """The cycle the latest visits repeat: from the previous visit of the last corner up to it,
    when the sequence shows it ``laps`` times in a row; ``()`` when the last corner was not
    visited before.

    >>> a, b, c = (0, 0), (1, 0), (1, 1)
    >>> repeating_cycle([a, b, c, a, b]), repeating_cycle([a, b, c]), repeating_cycle([a, b, a, b, a], laps=2)
    (((1, 0), (1, 1), (0, 0)), (), ((0, 0), (1, 0)))
    """
    visits = list(visits)
    if len(visits) < 3:
        return ()
    last = visits[-1]
    earlier = [j for j in range(len(visits) - 1) if visits[j] == last]
    if not earlier:
        return ()
    period = len(visits) - 1 - earlier[-1]
    cycle = visits[-1 - period : -1]
    for lap in range(1, laps):
        if len(visits) < 1 + (lap + 1) * period or visits[-1 - (lap + 1) * period : -1 - lap * period] != cycle:
            return ()
    return tuple(cycle)


def format_corners(corners: Sequence[tuple[int, ...]]) -> str:
    """``"(0,0,1) → (1,0,1) → …"``; empty for no corners.

    >>> format_corners([(0, 0, 1), (1, 0, 1)])
    '(0,0,1) → (1,0,1) → …'
    """
    if not corners:
        return ""
    return " → ".join("(" + ",".join(str(v) for v in c) + ")" for c in corners) + " → …"


def returns_to_itself(states: np.ndarray, closeness: float = 0.05, smallest: float = 1e-3) -> bool:
    """Whether the orbit comes back to where it is: it crossed, earlier and in the same
    direction, the plane through its last state normal to its last step, at a point closer to
    that state than ``closeness`` times the distance it went away in between (and that
    excursion exceeds ``smallest``). A Poincaré return: the signature of a periodic orbit.

    >>> t = np.linspace(0, 20, 400)
    >>> bool(returns_to_itself(np.column_stack([0.5 + 0.3 * np.cos(t), 0.5 + 0.3 * np.sin(t)])))
    True
    >>> spiral = 0.5 + 0.3 * np.exp(-0.2 * t)[:, None] * np.column_stack([np.cos(t), np.sin(t)])
    >>> bool(returns_to_itself(spiral)), bool(returns_to_itself(np.column_stack([np.exp(-t), np.exp(-t)])))
    (False, False)
    """
    states = np.asarray(states, dtype=float)
    if len(states) < 3:
        return False
    last = states[-1]
    step = last - states[-2]
    size = float(np.linalg.norm(step))
    if size == 0:
        return False
    h = (states - last) @ (step / size)
    distance = np.max(np.abs(states - last), axis=1)
    farthest = np.maximum.accumulate(distance[::-1])[::-1]  # farthest[i]: max distance from i on
    crossings = np.flatnonzero((h[:-2] < 0) & (h[1:-1] >= 0))
    for i in crossings[::-1]:
        w = h[i] / (h[i] - h[i + 1])
        point = states[i] + w * (states[i + 1] - states[i])
        away = farthest[i + 1]
        if away > smallest and np.max(np.abs(point - last)) < closeness * away:
            return True
    return False


def _rest_point_near(model: Model, x: np.ndarray, rest_tol: float) -> np.ndarray | None:
    """The rest point within ``rest_tol`` of ``x`` (on the face of the shares within
    ``rest_tol`` of 0 or 1), by root finding on that face; None if there is none."""
    k = len(x)
    for fixed in ((x < rest_tol) | (x > 1 - rest_tol), np.zeros(k, dtype=bool)):
        point = np.where(fixed, np.rint(x), x)
        free = np.flatnonzero(~fixed)
        if len(free):

            def equations(v: np.ndarray, point: np.ndarray = point, free: np.ndarray = free) -> np.ndarray:
                p = point.copy()
                p[free] = v
                return np.real(model.payoff_differences(p))[free]

            sol = root(equations, x[free], tol=1e-14)  # judged by its residual, not by its success flag
            if np.any(sol.x <= 0) or np.any(sol.x >= 1) or np.max(np.abs(equations(sol.x))) > 1e-9:
                continue
            point[free] = sol.x
        if np.max(np.abs(point - x)) <= rest_tol:
            return point
    return None


def _at_rest(model: Model, x: np.ndarray, tol: float = 1e-6, rate_tol: float = 1e-6) -> bool:
    """Every strategy present grows at rate ≈ 0 and every vanished one is not growing back."""
    advantage = np.real(model.payoff_differences(x))
    shares = np.concatenate([x, 1 - x])
    growth = np.concatenate([advantage * (1 - x), -advantage * x])
    return bool(np.all(np.where(shares > tol, np.abs(growth) < rate_tol, growth < rate_tol)))


def _point(p: Sequence[float]) -> str:
    return "(" + ", ".join(f"{v:.4g}" for v in p) + ")"


def classify(model: Model, states: np.ndarray, *, rest_tol: float = 1e-3, table: Sequence[CornerRow] | None = None) -> Outcome:
    """The outcome of a run of K-population replicator dynamics from its sampled states (see
    the module notes). ``table`` is the model's corner table with its other rest points
    (computed when needed and not given)."""
    states = np.asarray(states, dtype=float)
    last = states[-1]
    visits = corner_visits(states)
    tail = states[-max(2, len(states) // 20) :]
    point = _rest_point_near(model, last, rest_tol)
    if point is not None and np.max(np.abs(tail - point)) <= rest_tol:
        eig = np.linalg.eigvals(jacobian(model, point))
        v = verdict(eig)
        eigenvalues = tuple(complex(e) if abs(complex(e).imag) > 1e-12 else float(np.real(e)) for e in eig)
        if v == "stable":
            return Outcome("converged", tuple(float(c) for c in point), eigenvalues, v, visits)
        if v == "inconclusive" and _at_rest(model, last):
            note = "at rest where linearization cannot decide stability (an eigenvalue with zero real part)"
            return Outcome("converged", tuple(float(c) for c in point), eigenvalues, v, visits, note=note)
    rows = corner_table(model) if table is None else table
    stable = [r for r in rows if r.verdict == "stable"]
    cycle = repeating_cycle(visits)
    if not stable:
        if cycle:
            note = f"cycling: no rest point is stable and the orbit keeps visiting corners (a heteroclinic cycle) {format_corners(cycle)}"
            return Outcome("cycling", None, (), "", visits, cycle, note)
        if returns_to_itself(states):
            return Outcome("cycling", None, (), "", visits, (), "cycling: no rest point is stable and the orbit returns to where it was (a periodic orbit)")
        return Outcome("not settled", None, (), "", visits, (), "not settled by t_end and no rest point is stable; integrate longer")
    where = ", ".join(_point(r.corner) for r in stable)
    cycle = repeating_cycle(visits, laps=2)
    if cycle:
        note = f"cycling: the orbit keeps visiting corners (a heteroclinic cycle) {format_corners(cycle)}; another start may reach the stable {where}"
        return Outcome("cycling", None, (), "", visits, cycle, note)
    return Outcome("not settled", None, (), "", visits, (), f"not settled by t_end; stable rest point(s): {where}; integrate longer")


@lru_cache(maxsize=128)
def _cached_table(model: Model) -> tuple[CornerRow, ...]:
    return tuple(corner_table(model))


def table_of(model: Model) -> Sequence[CornerRow]:
    """The model's corner table with its other rest points, remembered for hashable models
    (a frozen :class:`games.ThreeParty`), so many runs of one model compute it once."""
    try:
        hash(model)
    except TypeError:
        return corner_table(model)
    return _cached_table(model)


def _bimatrix_jacobian(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The exact Jacobian of the two-population replicator field at (x, y), restricted to the
    tangent space of the product of simplices (the eigenvalues that decide stability there)."""
    ay, xa, xb, by = A @ y, x @ A, x @ B, B @ y
    m, n = len(x), len(y)
    J = np.zeros((m + n, m + n))
    J[:m, :m] = np.diag(ay - x @ ay) - np.outer(x, ay)
    J[:m, m:] = x[:, None] * (A - xa[None, :])
    J[m:, m:] = np.diag(xb - xb @ y) - np.outer(y, xb)
    J[m:, :m] = y[:, None] * (B.T - by[None, :])
    Q = np.zeros((m + n, m + n - 2))
    Q[:m, : m - 1] = null_space(np.ones((1, m)))
    Q[m:, m - 1 :] = null_space(np.ones((1, n)))
    return Q.T @ J @ Q


def classify_bimatrix(A: np.ndarray, B: np.ndarray, xs: np.ndarray, ys: np.ndarray, rest_tol: float = 1e-3) -> Outcome:
    """The outcome of a run of two-population replicator dynamics of an m×n game.

    Converged: at rest (every strategy present earns the mean, none vanished earns more) and
    staying within ``rest_tol``, with the Jacobian on the product of simplices stable (or
    inconclusive, said). The rest points of an m×n game are not enumerated, so cycling is
    claimed only when the orbit has gone round the same pure profiles twice.
    """
    states = np.hstack([xs, ys])
    x, y = xs[-1], ys[-1]
    ay, xb = A @ y, x @ B
    scale = max(float(np.ptp(A)), float(np.ptp(B)), 1.0)
    growth = np.concatenate([ay - x @ ay, xb - xb @ y]) / scale
    shares = np.concatenate([x, y])
    visits = corner_visits(states)
    tail = states[-max(2, len(states) // 20) :]
    settled = np.all(np.where(shares > 1e-6, np.abs(growth) < 1e-6, growth < 1e-6)) and np.max(np.abs(tail - states[-1])) <= rest_tol
    if settled:
        point = np.where(shares < 1e-6, 0.0, np.where(shares > 1 - 1e-6, 1.0, shares))
        m = len(x)
        px, py = point[:m] / point[:m].sum(), point[m:] / point[m:].sum()
        eig = np.linalg.eigvals(_bimatrix_jacobian(A, B, px, py) / scale)
        v = verdict(eig)
        if v in ("stable", "inconclusive"):
            eigenvalues = tuple(complex(e) * scale if abs(complex(e).imag) > 1e-12 else float(np.real(e)) * scale for e in eig)
            note = "" if v == "stable" else "at rest where linearization cannot decide stability (an eigenvalue with zero real part)"
            return Outcome("converged", tuple(float(c) for c in np.concatenate([px, py])), eigenvalues, v, visits, note=note)
    cycle = repeating_cycle(visits, laps=2)
    if cycle:
        return Outcome("cycling", None, (), "", visits, cycle, f"cycling: the orbit keeps going round the same pure profiles {format_corners(cycle)}")
    return Outcome("not settled", None, (), "", visits, (), "not settled by t_end; integrate longer")
