"""The three-party evolutionary game: two local governments and their higher-level government.

Local governments A and B (x, y = shares cooperating) share a cluster; the higher-level
government H (z = share supervising strictly) subsidizes cooperation and fines defection only
under strict supervision (docs/models.md). With region i's synergy share αᵢΔR, cooperation cost Cᵢ,
free-riding spillover Eᵢ, subsidy s, fine f, supervision cost C_H and H's accountability loss W
per unpunished defecting region, the payoff advantages of cooperating (A, B) and of
supervising (H) are

    F_A = y(α_AΔR − E_A) − C_A + z(s + f)
    F_B = x(α_BΔR − E_B) − C_B + z(s + f)
    F_H = −C_H − s(x + y) + (f + W)(2 − x − y)

and the replicator dynamics are ẋ = x(1 − x)F_A, ẏ = y(1 − y)F_B, ż = z(1 − z)F_H.

With ``dynamic=True`` the subsidy and the fine a region faces fall as it cooperates more
(sᵢ = s(1 − xᵢ), fᵢ = f(1 − xᵢ), the "dynamic reward and punishment" of that literature):
F_A = y(α_AΔR − E_A) − C_A + z(s + f)(1 − x), and
F_H = −C_H − s(1 − x)x − s(1 − y)y + (f(1 − x) + W)(1 − x) + (f(1 − y) + W)(1 − y).

Examples
--------
>>> m = ThreeParty(synergy=(6, 6), cost=(3, 3), spillover=(2, 2), subsidy=1.5, fine=2,
...                supervision_cost=3, accountability=1)
>>> m.payoff_differences((1, 1, 0)).tolist()
[1.0, 1.0, -6.0]
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from .errors import UserInputError

__all__ = ["ThreeParty"]


#: The largest parameter: beyond about 10¹¹ the replicator equations are so stiff that one
#: trajectory did not finish in minutes (an accountability of 10¹² never ended).
MAX_PARAMETER = 1e10


def _pair(value: object, name: str) -> tuple[float, float]:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = (value, value)
    try:
        a, b = value  # type: ignore[misc]
    except (TypeError, ValueError):
        raise UserInputError(f"ThreeParty: {name} must be a number or a pair (region A, region B), got {value!r}") from None
    out = []
    for v in (a, b):
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            raise UserInputError(f"ThreeParty: {name} must hold finite numbers, got {value!r}")
        if not 0 <= v <= MAX_PARAMETER:
            raise UserInputError(f"ThreeParty: {name} must lie in [0, {MAX_PARAMETER:g}], got {v:g}")
        out.append(float(v))
    return out[0], out[1]


@dataclass(frozen=True)
class ThreeParty:
    """The three-party game between local governments A, B and the higher-level government H.

    Parameters
    ----------
    synergy : float or (float, float)
        αᵢΔR, each region's share of the cooperative synergy.
    cost : float or (float, float)
        Cᵢ, each region's cost of cooperating.
    spillover : float or (float, float)
        Eᵢ, what a region loses to the partner's free-riding when it cooperates.
    subsidy, fine : float
        s and f, paid and charged under strict supervision.
    supervision_cost : float
        C_H, the cost of strict supervision.
    accountability : float
        W, H's loss per defecting region left unpunished.
    dynamic : bool
        Subsidy and fine that fall as a region cooperates more (see module notes).

    Raises
    ------
    UserInputError
        For a negative or non-finite parameter, named.
    """

    synergy: tuple[float, float] = (6.0, 6.0)
    cost: tuple[float, float] = (3.0, 3.0)
    spillover: tuple[float, float] = (2.0, 2.0)
    subsidy: float = 1.5
    fine: float = 2.0
    supervision_cost: float = 3.0
    accountability: float = 1.0
    dynamic: bool = False

    #: Names of the three populations and of their first strategy.
    names = ("local government A", "local government B", "higher-level government H")
    dimension = 3

    def __post_init__(self) -> None:
        for name in ("synergy", "cost", "spillover"):
            object.__setattr__(self, name, _pair(getattr(self, name), name))
        for name in ("subsidy", "fine", "supervision_cost", "accountability"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise UserInputError(f"ThreeParty: {name} must be a finite number, got {value!r}")
            if not 0 <= value <= MAX_PARAMETER:
                raise UserInputError(f"ThreeParty: {name} must lie in [0, {MAX_PARAMETER:g}], got {value:g}")
            object.__setattr__(self, name, float(value))
        if not isinstance(self.dynamic, bool):
            raise UserInputError(f"ThreeParty: dynamic must be true or false, got {self.dynamic!r}")

    def payoff_differences(self, state: npt.ArrayLike) -> np.ndarray:
        """(F_A, F_B, F_H) at shares (x, y, z); also for complex arguments."""
        x, y, z = state[0], state[1], state[2]  # type: ignore[index]
        (na, nb), (ca, cb), (ea, eb) = self.synergy, self.cost, self.spillover
        s, f, ch, w = self.subsidy, self.fine, self.supervision_cost, self.accountability
        if self.dynamic:
            fa = y * (na - ea) - ca + z * (s + f) * (1 - x)
            fb = x * (nb - eb) - cb + z * (s + f) * (1 - y)
            fh = -ch - s * (1 - x) * x - s * (1 - y) * y + (f * (1 - x) + w) * (1 - x) + (f * (1 - y) + w) * (1 - y)
        else:
            fa = y * (na - ea) - ca + z * (s + f)
            fb = x * (nb - eb) - cb + z * (s + f)
            fh = -ch - s * (x + y) + (f + w) * (2 - x - y)
        return np.array([fa, fb, fh])

    def gradient(self, state: npt.ArrayLike) -> np.ndarray:
        """∂F_k/∂x_j, exactly (a 3×3 array; row k, column j)."""
        x, y, z = (float(v) for v in state)  # type: ignore[union-attr]
        (na, nb), (ea, eb) = self.synergy, self.spillover
        s, f, w = self.subsidy, self.fine, self.accountability
        if self.dynamic:
            return np.array(
                [
                    [-z * (s + f), na - ea, (s + f) * (1 - x)],
                    [nb - eb, -z * (s + f), (s + f) * (1 - y)],
                    [-s * (1 - 2 * x) - 2 * f * (1 - x) - w, -s * (1 - 2 * y) - 2 * f * (1 - y) - w, 0.0],
                ]
            )
        return np.array([[0.0, na - ea, s + f], [nb - eb, 0.0, s + f], [-(s + f + w), -(s + f + w), 0.0]])

    def corner_conditions(self, corner: tuple[int, int, int]) -> list[tuple[str, str, bool]]:
        """Each eigenvalue at a pure corner as a parameter expression, the inequality that makes
        it negative, and whether it holds: ``[(eigenvalue, condition, holds), …]``.

        At a corner the Jacobian is diagonal with entries (1 − 2xₖ)Fₖ, so the corner is stable
        iff Fₖ > 0 for every population at 1 and Fₖ < 0 for every population at 0.

        >>> m = ThreeParty()
        >>> m.corner_conditions((1, 1, 0))[2]
        ('−C_H − 2s', '−C_H − 2s < 0', True)
        """
        x, y, z = corner
        out = []
        for k, terms in enumerate(self._terms(corner)):
            value = float(self.payoff_differences(corner)[k])
            expr = " + ".join(terms).replace("+ −", "− ") if terms else "0"
            if corner[k] == 1:  # eigenvalue −F_k: negative iff F_k > 0
                eig = _negate(terms)
                out.append((eig, f"{expr} > 0", value > 0))
            else:
                out.append((expr, f"{expr} < 0", value < 0))
        del x, y, z
        return out

    def _terms(self, corner: tuple[int, int, int]) -> list[list[str]]:
        """Fₖ at a corner as lists of symbolic terms (region A's, B's and H's)."""
        x, y, z = corner
        ta: list[str] = []
        tb: list[str] = []
        if y:
            ta.append("α_AΔR − E_A")
        ta.append("−C_A")
        if x:
            tb.append("α_BΔR − E_B")
        tb.append("−C_B")
        th = ["−C_H"]
        if self.dynamic:
            if z and not x:
                ta.append("s + f")
            if z and not y:
                tb.append("s + f")
            defectors = (1 - x) + (1 - y)
            if defectors:
                th.append(f"{defectors}(f + W)" if defectors > 1 else "f + W")
        else:
            if z:
                ta.append("s + f")
                tb.append("s + f")
            cooperators = x + y
            if cooperators:
                th.append(f"−{cooperators}s" if cooperators > 1 else "−s")
            defectors = 2 - cooperators
            if defectors:
                th.append(f"{defectors}(f + W)" if defectors > 1 else "f + W")
        return [ta, tb, th]


def _top_level_sum(term: str) -> bool:
    depth = 0
    for k, ch in enumerate(term):
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0 and term[k : k + 3] in (" + ", " − "):
            return True
    return False


def _negate(terms: list[str]) -> str:
    out = []
    for t in terms:
        if t.startswith("−"):
            out.append(t[1:])
        elif _top_level_sum(t):
            out.append(f"−({t})")
        else:
            out.append(f"−{t}")
    text = " + ".join(out)
    return text.replace("+ −", "− ")
