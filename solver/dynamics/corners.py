"""Rest points of K-population replicator dynamics and their stability: the corner table.

At each of the 2^K pure corners the Jacobian is diagonal, with entries (1 − 2xₖ)Fₖ, so its
eigenvalues are exact. A corner is ``stable`` when every eigenvalue is negative, ``unstable``
when every one is positive, a ``saddle`` with both signs, and ``inconclusive`` when one is zero
and none positive (linearization cannot decide: the literature's "uncertain" case). Rest
points on edges, faces and in the interior solve Fₖ = 0 for the free coordinates; they are
found by root finding from a grid of starts and classified by the eigenvalues' real parts
(complex eigenvalues with zero real part: inconclusive, as around a centre).

The table's rows are data; :func:`solver.tables.render_corner_table` prints them as Markdown,
LaTeX and CSV like the tables of three-party evolutionary-game papers.

Examples
--------
>>> from games import ThreeParty
>>> table = corner_table(ThreeParty())
>>> [(row.corner, row.verdict) for row in table if row.verdict == "stable"]
[((1, 1, 0), 'stable')]
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations, product

import numpy as np
from scipy.optimize import root

from .replicator import Model, jacobian

__all__ = ["ZERO", "CornerRow", "CornerTable", "corner_table", "face_rest_points", "rest_points", "verdict"]

#: Eigenvalues (real parts) smaller than this in magnitude count as zero.
ZERO = 1e-9


def verdict(eigenvalues: np.ndarray) -> str:
    """``stable``, ``unstable``, ``saddle`` or ``inconclusive`` from a point's eigenvalues.

    >>> verdict(np.array([-1, -2])), verdict(np.array([1, -2])), verdict(np.array([0, -2]))
    ('stable', 'saddle', 'inconclusive')
    """
    real = np.real(eigenvalues)
    negative, positive = real < -ZERO, real > ZERO
    if negative.all():
        return "stable"
    if positive.all():
        return "unstable"
    if positive.any():
        return "saddle" if negative.any() else "unstable"
    return "inconclusive"


@dataclass(frozen=True)
class CornerRow:
    """One rest point: where it is, its eigenvalues, the verdict, and (for a model that can
    state them) the eigenvalues as parameter expressions and the stability conditions."""

    corner: tuple[float, ...]
    eigenvalues: tuple[complex | float, ...]
    verdict: str
    kind: str = "corner"
    expressions: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "point": list(self.corner),
            "kind": self.kind,
            "eigenvalues": [complex(v).real if abs(complex(v).imag) < 1e-12 else str(complex(v)) for v in self.eigenvalues],
            "verdict": self.verdict,
            "expressions": list(self.expressions),
            "conditions": list(self.conditions),
        }


class CornerTable(tuple):
    """The rest points of a model (each a :class:`CornerRow`); ``rows`` holds them as
    table rows (dicts of text), which :func:`solver.tables.render_corner_table` prints as
    Markdown, LaTeX, CSV or text.

    >>> from games import ThreeParty
    >>> corner_table(ThreeParty(), interior=False).rows[6]["verdict"]
    'stable'
    """

    @property
    def rows(self) -> tuple[dict, ...]:
        """One dict of text per rest point, the columns of the printed table."""
        out = []
        for row in self:
            point = "(" + ", ".join(f"{v:.4g}" for v in row.corner) + ")"
            eigs = ", ".join(_fmt(v) for v in row.eigenvalues)
            entry = {"equilibrium point": point, "eigenvalues": eigs, "verdict": row.verdict}
            if row.expressions:
                entry["eigenvalues (expressions)"] = "; ".join(row.expressions)
            if row.conditions:
                entry["conditions for stability"] = "; ".join(row.conditions)
            out.append(entry)
        return tuple(out)

    @property
    def stable(self) -> list[CornerRow]:
        return [r for r in self if r.verdict == "stable"]


def _fmt(v: complex | float) -> str:
    c = complex(v) + 0.0  # + 0.0 turns −0 into 0
    if abs(c.imag) < 1e-12:
        return f"{c.real + 0.0:.6g}"
    return f"{c.real:.4g}{'+' if c.imag >= 0 else '−'}{abs(c.imag):.4g}i"


def rest_points(model: Model, grid: int = 4, tol: float = 1e-9) -> list[CornerRow]:
    """Rest points off the corners: on edges, faces and in the interior, with their verdicts."""
    k = model.dimension
    found: list[CornerRow] = []
    for free_count in range(1, k + 1):
        for free in combinations(range(k), free_count):
            fixed = [j for j in range(k) if j not in free]
            for values in product((0.0, 1.0), repeat=len(fixed)):
                found.extend(face_rest_points(model, free, dict(zip(fixed, values)), grid, tol))
    return found


def face_rest_points(model: Model, free: tuple[int, ...], fixed: dict[int, float], grid: int = 4, tol: float = 1e-9) -> list[CornerRow]:
    """The rest points strictly inside one face: shares ``fixed`` (index → 0 or 1), the
    coordinates ``free`` in (0, 1), where Fₖ = 0 for every free k; root finding from a grid of
    ``grid`` starts per free coordinate, each root classified by the Jacobian's eigenvalues.

    >>> from games import ThreeParty
    >>> [row.kind for row in face_rest_points(ThreeParty(), (0, 1, 2), {})]
    ['interior']
    """
    k = model.dimension
    free_list, fixed_list = list(free), list(fixed)
    values = [float(fixed[j]) for j in fixed_list]
    starts = (np.arange(grid) + 0.5) / grid
    found: list[CornerRow] = []
    seen: list[np.ndarray] = []

    def point(v: np.ndarray) -> np.ndarray:
        x = np.empty(k)
        x[free_list] = v
        x[fixed_list] = values
        return x

    def equations(v: np.ndarray) -> np.ndarray:
        return np.real(model.payoff_differences(point(v)))[free_list]

    for guess in product(starts, repeat=len(free_list)):
        sol = root(equations, np.array(guess), tol=1e-13)
        v = sol.x
        # The residual below decides, not sol.success (it can be False exactly at a root).
        if not np.all(np.isfinite(v)) or np.any(v <= tol) or np.any(v >= 1 - tol):
            continue
        if np.max(np.abs(equations(v))) > 1e-9:
            continue
        x = point(v)
        if any(np.allclose(x, s, atol=1e-7) for s in seen):
            continue
        seen.append(x)
        eig = np.linalg.eigvals(jacobian(model, x))
        kind = "interior" if len(free_list) == k else ("edge" if len(free_list) == 1 else "face")
        found.append(CornerRow(tuple(float(c) for c in x), tuple(eig), verdict(eig), kind))
    return found


def corner_table(model: Model, *, interior: bool = True) -> CornerTable:
    """The 2^K pure corners (and, with ``interior``, the other rest points) and their stability.

    Eigenvalues at the corners are exact: (1 − 2xₖ)Fₖ(corner). When the model states its
    corner conditions (as :class:`games.ThreeParty` does), each row carries the eigenvalues as
    parameter expressions and the inequalities for stability.
    """
    k = model.dimension
    rows = []
    for corner in product((0, 1), repeat=k):
        x = np.array(corner, dtype=float)
        eig = (1 - 2 * x) * model.payoff_differences(x)
        expressions, conditions = (), ()
        if hasattr(model, "corner_conditions"):
            stated = model.corner_conditions(corner)
            expressions = tuple(e for e, _, _ in stated)
            conditions = tuple(c for _, c, _ in stated)
        rows.append(CornerRow(tuple(int(c) for c in corner), tuple(float(e) for e in eig), verdict(eig), "corner", expressions, conditions))
    if interior:
        rows.extend(rest_points(model))
    return CornerTable(rows)
