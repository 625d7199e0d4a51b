"""Every Nash equilibrium of a two-player game, exactly: a fast kernel, or nashpy completed.

By default (``method="auto"``) the support kernel of :mod:`solver.kernels.support` solves every
basis of both best-response polytopes in floating point, decides the unclear ones and every
equilibrium exactly in integers, and proves the game nondegenerate; a game that is (or may
be) degenerate goes to the exact vertex enumeration of :mod:`solver.kernels.exact`. The result is
the one the exact enumeration gives (same equilibria, floats, payoffs, order, verdicts and
notes), at the speed of support enumeration.

With ``method="nashpy"``, nashpy is the primary source: support enumeration for 2×2 games and vertex enumeration for
larger ones (support enumeration was measured missing equilibria in 29 % of random 3×3
games). Every candidate is verified as a pair of mutual best responses. The exact rational
enumeration of :mod:`solver.kernels.exact` runs beside it on every game small enough (up to about 8×8),
which

* decides degeneracy exactly (some mixed strategy with support size k has more than k pure
  best responses),
* adds the extreme equilibria nashpy missed (``missed_by_nashpy`` counts them), and
* says when the equilibria form a continuum; then the listed equilibria are its extreme
  points, and every convex combination inside a maximal Nash subset is an equilibrium too.

The result lists the equilibria deduplicated, pure ones first, then by support size, then
with more weight on earlier strategies first: a stable order.

Examples
--------
>>> from games import prisoners_dilemma
>>> from solver import equilibria
>>> eqs = equilibria(prisoners_dilemma(T=5, R=3, P=1, S=0))
>>> [(e.row, e.col, e.payoffs) for e in eqs]
[((0.0, 1.0), (0.0, 1.0), (1.0, 1.0))]
>>> eqs.degenerate, eqs.continuum
(False, False)
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from games import Game
from games.errors import UserInputError

from .kernels.exact import ExactResult, affordable, exact_payoffs, extreme_equilibria
from .kernels.fast2x2 import exact_2x2, solve_2x2
from .kernels.support import integer_equilibria, nondegenerate_equilibria, screened_extreme_equilibria
from .progress import stage

__all__ = ["METHODS", "TOLERANCE", "Equilibrium", "EquilibriumSet", "equilibria", "is_equilibrium"]

#: The methods :func:`equilibria` accepts; the first is the default.
METHODS = ("auto", "nashpy", "exact", "fast")

#: Tolerance, relative to the payoff range, for verifying nashpy's float candidates and
#: deduplicating them. It decides nothing about the game: ties, degeneracy and the cooperation
#: level are decided on exact rationals (:mod:`solver.kernels.exact`, :mod:`solver.cooperation`).
TOLERANCE = 1e-9

_DEGENERATE = "the game is degenerate (a mixed strategy has more pure best responses than its support size)"
_CONTINUUM = "the equilibria form a continuum; the listed ones are its extreme points"


@dataclass(frozen=True)
class Equilibrium:
    """One Nash equilibrium: both mixed strategies, both expected payoffs, cooperation.

    Attributes
    ----------
    row, col : tuple of float
        Probabilities of each strategy of the row and the column player.
    payoffs : (float, float)
        Expected payoffs of the row and the column player.
    cooperation : float
        Expected share of mutually cooperative rounds (from the game's cooperation matrix).
    """

    row: tuple[float, ...]
    col: tuple[float, ...]
    payoffs: tuple[float, float]
    cooperation: float

    @property
    def pure(self) -> bool:
        """Whether both players play a single strategy."""
        return max(self.row) == 1.0 and max(self.col) == 1.0

    @property
    def support(self) -> tuple[tuple[int, ...], tuple[int, ...]]:
        """Indices of the strategies each player uses with positive probability."""
        return (
            tuple(i for i, p in enumerate(self.row) if p > 0),
            tuple(j for j, p in enumerate(self.col) if p > 0),
        )

    @property
    def profile(self) -> tuple[int, int] | None:
        """The pure profile ``(i, j)`` of a pure equilibrium, otherwise None."""
        if not self.pure:
            return None
        return self.row.index(1.0), self.col.index(1.0)

    def to_dict(self) -> dict:
        """The JSON shape of the stable contract: ``{"row": [...], "col": [...], "payoffs": [...]}``."""
        return {"row": list(self.row), "col": list(self.col), "payoffs": list(self.payoffs)}


@dataclass(frozen=True)
class EquilibriumSet:
    """The equilibria of a game with what is known about their completeness.

    Iterating gives the :class:`Equilibrium` objects in a stable order.

    Attributes
    ----------
    game : Game
    equilibria : tuple of Equilibrium
    degenerate : bool or None
        Whether the game is degenerate; None when too large to decide exactly.
    continuum : bool or None
        Whether there are infinitely many equilibria (then ``equilibria`` are the extreme
        ones); None when undecided.
    method : str
        Which algorithms produced the set.
    missed_by_nashpy : int
        Extreme equilibria the exact enumeration found and nashpy did not.
    notes : tuple of str
        Warnings worth reporting (nashpy's own, candidates that failed verification, …).
    """

    game: Game
    equilibria: tuple[Equilibrium, ...]
    degenerate: bool | None
    continuum: bool | None
    method: str
    missed_by_nashpy: int = 0
    notes: tuple[str, ...] = field(default=())

    def __iter__(self) -> Iterator[Equilibrium]:
        return iter(self.equilibria)

    def __len__(self) -> int:
        return len(self.equilibria)

    def __getitem__(self, index: int) -> Equilibrium:
        return self.equilibria[index]


def _scale(game: Game) -> float:
    spread = max(np.ptp(game.row_payoffs), np.ptp(game.col_payoffs))
    return max(float(spread), 1.0)


def is_equilibrium(game: Game, row: np.ndarray, col: np.ndarray, tol: float = TOLERANCE) -> bool:
    """Whether ``(row, col)`` is a pair of mutual best responses in ``game``.

    Both must be probability vectors; each must earn, against the other, the best payoff of
    any pure strategy up to ``tol`` times the game's payoff range.

    Examples
    --------
    >>> from games import prisoners_dilemma
    >>> is_equilibrium(prisoners_dilemma(), np.array([0, 1]), np.array([0, 1]))
    True
    >>> is_equilibrium(prisoners_dilemma(), np.array([1, 0]), np.array([1, 0]))
    False
    """
    x, y = np.asarray(row, dtype=float), np.asarray(col, dtype=float)
    m, n = game.shape
    if x.shape != (m,) or y.shape != (n,):
        return False
    for p in (x, y):
        if np.any(p < -tol) or abs(p.sum() - 1.0) > 1e-9 * len(p):
            return False
    eps = tol * _scale(game)
    row_values = game.row_payoffs @ y
    col_values = x @ game.col_payoffs
    return bool(x @ row_values >= row_values.max() - eps and col_values @ y >= col_values.max() - eps)


def _clean(p: np.ndarray) -> tuple[float, ...]:
    p = np.where(np.abs(p) < 1e-12, 0.0, p)
    p = np.clip(p, 0.0, None)
    p = p / p.sum()
    p = np.where(np.abs(p - 1.0) < 1e-12, 1.0, p)
    return tuple(float(v) for v in p)


def _nashpy_candidates(game: Game) -> tuple[list[tuple[np.ndarray, np.ndarray]], str, list[str]]:
    nash_game = game.to_nashpy()
    notes: list[str] = []
    use_support = game.shape == (2, 2) or min(game.shape) == 1
    name = "support enumeration" if use_support else "vertex enumeration"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if use_support:
                found = list(nash_game.support_enumeration())
            else:
                # Vertex enumeration needs positive payoffs (bounded polytopes).
                a = game.row_payoffs - game.row_payoffs.min() + 1.0
                b = game.col_payoffs - game.col_payoffs.min() + 1.0
                import nashpy

                found = list(nashpy.Game(a, b).vertex_enumeration())
        except Exception as err:  # nashpy and qhull fail on some degenerate games
            found = []
            notes.append(f"nashpy {name} failed: {type(err).__name__}: {err}")
    for w in caught:
        message = " ".join(str(w.message).split())
        notes.append(f"nashpy {name} warned: {message or w.category.__name__}")
    return [(np.asarray(x, float), np.asarray(y, float)) for x, y in found], name, notes


def _order_key(row: tuple[float, ...], col: tuple[float, ...]) -> tuple:
    """The stable order of equilibria: smaller supports first, then more weight on earlier
    strategies (row, then column)."""
    size = sum(p > 0 for p in row) + sum(p > 0 for p in col)
    return (size, tuple(-p for p in row), tuple(-p for p in col))


def _order(e: Equilibrium) -> tuple:
    return _order_key(e.row, e.col)


def equilibria(game: Game, *, method: str = "auto") -> EquilibriumSet:
    """Every Nash equilibrium of ``game``, exactly.

    Parameters
    ----------
    game : Game
        Any two-player game.
    method : {"auto", "nashpy", "exact", "fast"}
        ``auto`` (the default): the support kernel of :mod:`solver.kernels.support` for a game it
        proves nondegenerate, else the screened exact enumeration (degenerate games, ties,
        continua); either way the result is the ``exact`` one. Games with more than
        :data:`SCREENED_BASES` bases (larger than 10×10) fall back to ``nashpy``.
        ``nashpy``: nashpy's equilibria, verified, completed and cross-checked by the exact
        enumeration. ``exact``: the plain exact enumeration of :mod:`solver.kernels.exact` (its fully
        labelled vertex pairs are equilibria by construction). ``fast``: for inner loops
        such as the bisections of :mod:`solver.design`; a 2×2 game goes through the
        vectorized path of :mod:`solver.kernels.fast2x2`, any other through ``auto``.

    Returns
    -------
    EquilibriumSet
        The equilibria in a stable order, with the degeneracy and continuum verdicts.

    Notes
    -----
    On the ``nashpy`` path, candidates from nashpy that fail the mutual-best-response check are dropped and noted.
    For games up to about 8×8 the exact rational enumeration of :mod:`solver.kernels.exact` adds any
    extreme equilibrium nashpy missed; larger games rely on nashpy's vertex enumeration
    alone, with degeneracy undecided (``None``).

    Examples
    --------
    A stag hunt has two pure equilibria and a mixed one with p* = (P − S)/[(R − T) + (P − S)]:

    >>> from games import stag_hunt
    >>> [e.row for e in equilibria(stag_hunt(R=4, T=3, P=2, S=0))]
    [(1.0, 0.0), (0.0, 1.0), (0.6666666666666666, 0.3333333333333333)]

    A game in which every profile is an equilibrium is degenerate with a continuum:

    >>> from games import Game
    >>> eqs = equilibria(Game([[1, 1], [1, 1]], [[1, 1], [1, 1]]))
    >>> eqs.degenerate, eqs.continuum, len(eqs)
    (True, True, 4)
    """
    if method == "auto":
        return _auto(game)
    if method not in METHODS:
        raise UserInputError(f"method must be one of {', '.join(map(repr, METHODS))}, got {method!r}")
    if method == "fast" and game.shape == (2, 2):
        return _fast_2x2(game)
    if method == "fast":
        return _auto(game)
    if method == "exact" and affordable(game.shape):
        return _from_exact(game, extreme_equilibria(*game.exact))
    candidates, name, notes = _nashpy_candidates(game)
    label = f"nashpy {name}"
    verified: list[tuple[tuple[float, ...], tuple[float, ...]]] = []
    for x, y in candidates:
        if x.shape != (game.shape[0],) or y.shape != (game.shape[1],) or not np.all(np.isfinite(x)) or not np.all(np.isfinite(y)):
            notes.append("nashpy returned a malformed candidate; dropped")
            continue
        if is_equilibrium(game, x, y):
            verified.append((_clean(x), _clean(y)))
        else:
            notes.append(f"nashpy candidate {x.round(6).tolist()}, {y.round(6).tolist()} is not an equilibrium; dropped")

    def known(x: tuple[float, ...], y: tuple[float, ...], pool: list) -> bool:
        if not pool:
            return False
        stacked = np.array([u + v for u, v in pool])
        return bool(np.any(np.all(np.abs(stacked - np.array(x + y)) <= 1e-8, axis=1)))

    unique: list[tuple[tuple[float, ...], tuple[float, ...]]] = []
    for x, y in verified:
        if not known(x, y, unique):
            unique.append((x, y))

    degenerate: bool | None = None
    continuum: bool | None = None
    missed = 0
    exact_values: dict = {}
    if affordable(game.shape):
        exact = extreme_equilibria(*game.exact)
        degenerate, continuum = exact.degenerate, exact.continuum
        if label.startswith("nashpy"):
            label += " + exact vertex enumeration"
        extreme = [(tuple(float(v) for v in fx), tuple(float(v) for v in fy)) for fx, fy in exact.equilibria]
        exact_values = {pair: exact_payoffs(*game.exact, *fr) for pair, fr in zip(extreme, exact.equilibria)}
        missed = sum(not known(x, y, unique) for x, y in extreme)
        inside = sum(not known(x, y, extreme) for x, y in unique)
        if inside:
            notes.append(f"nashpy also returned {inside} non-extreme equilibri{'um' if inside == 1 else 'a'} inside the continuum, not listed")
        unique = extreme
    else:
        notes.append(f"a {game.shape[0]}×{game.shape[1]} game is too large to check exactly; degeneracy undecided")
    if missed:
        notes.append(f"nashpy missed {missed} extreme equilibri{'um' if missed == 1 else 'a'}, added from the exact enumeration")
    if degenerate and not continuum:
        notes.append(_DEGENERATE)
    if continuum:
        notes.append(_CONTINUUM)

    result = []
    for x, y in unique:
        u = exact_values.get((x, y)) or game.expected(x, y)
        result.append(Equilibrium(row=x, col=y, payoffs=(float(u[0]), float(u[1])), cooperation=game.expected_cooperation(x, y)))
    result.sort(key=_order)
    return EquilibriumSet(
        game=game,
        equilibria=tuple(result),
        degenerate=degenerate,
        continuum=continuum,
        method=label,
        missed_by_nashpy=missed if label.startswith("nashpy") else 0,
        notes=tuple(notes),
    )


#: Most bases (C(m + n, m) per polytope) the default path screens: 10×10 and smaller.
SCREENED_BASES = 200_000


def _from_exact(game: Game, exact: ExactResult) -> EquilibriumSet:
    """The equilibrium set of an exact enumeration: floats and payoffs rounded once."""
    notes = []
    if exact.degenerate and not exact.continuum:
        notes.append(_DEGENERATE)
    if exact.continuum:
        notes.append(_CONTINUUM)
    result = []
    for fx, fy in exact.equilibria:
        x, y = tuple(float(v) for v in fx), tuple(float(v) for v in fy)
        result.append(Equilibrium(row=x, col=y, payoffs=exact_payoffs(*game.exact, fx, fy), cooperation=game.expected_cooperation(x, y)))
    result.sort(key=_order)
    return EquilibriumSet(game, tuple(result), exact.degenerate, exact.continuum, "exact vertex enumeration", notes=tuple(notes))


#: The notes of an exact result by (degenerate, continuum).
_NOTES = {(False, False): (), (True, False): (_DEGENERATE,), (True, True): (_CONTINUUM,), (False, True): (_CONTINUUM,)}
_CLOSED_FORMS = "closed forms, exact (2×2)"
_SUPPORT = "support enumeration, exact (nondegenerate)"
_new = object.__new__


def _equilibrium(row: tuple[float, ...], col: tuple[float, ...], payoffs: tuple[float, float], cooperation: float) -> Equilibrium:
    """An :class:`Equilibrium` without the frozen dataclass's per-field ``object.__setattr__``
    (the per-game path builds a few per call; the object is the same)."""
    e = _new(Equilibrium)
    e.__dict__.update(row=row, col=col, payoffs=payoffs, cooperation=cooperation)
    return e


def _two_by_two(game: Game) -> EquilibriumSet:
    """A 2×2 game by the closed forms of :func:`solver.kernels.fast2x2.exact_2x2` (integers,
    each number rounded once): the exact enumeration's set, verdicts and notes."""
    found, degenerate, continuum = exact_2x2(*game.exact)
    if game._plain_cooperation:  # x @ C @ y is x₀y₀ exactly
        result = tuple([_equilibrium(x, y, u, x[0] * y[0]) for x, y, u in found])
    else:
        result = tuple([_equilibrium(x, y, u, game.expected_cooperation(x, y)) for x, y, u in found])
    notes = _NOTES[degenerate, continuum]
    out = _new(EquilibriumSet)
    out.__dict__.update(game=game, equilibria=result, degenerate=degenerate, continuum=continuum, method=_CLOSED_FORMS, missed_by_nashpy=0, notes=notes)
    return out


def _auto(game: Game) -> EquilibriumSet:
    m, n = game.row_payoffs.shape
    if m == n == 2:
        return _two_by_two(game)
    if math.comb(m + n, m) > SCREENED_BASES:
        with stage(f"equilibria of the {m}×{n} game: nashpy's vertex enumeration"):
            return equilibria(game, method="nashpy")
    if game._integral:
        rows = integer_equilibria(game.row_payoffs, game.col_payoffs)
        if rows is False:  # proven degenerate: the exact enumeration (screened) decides ties and continua
            return _from_exact(game, screened_extreme_equilibria(*game.exact))
        if rows is not None:  # already in the stable order
            k = m + n
            default = game._plain_cooperation  # then x @ C @ y is x₀y₀ exactly
            result = []
            for r in rows:
                e = _new(Equilibrium)
                x, y = tuple(r[:m]), tuple(r[m:k])
                e.__dict__.update(row=x, col=y, payoffs=(r[k], r[k + 1]), cooperation=r[0] * r[m] if default else game.expected_cooperation(x, y))
                result.append(e)
            out = _new(EquilibriumSet)
            out.__dict__.update(game=game, equilibria=tuple(result), degenerate=False, continuum=False, method=_SUPPORT, missed_by_nashpy=0, notes=())
            return out
    found = nondegenerate_equilibria(*game.exact)
    if found is None:  # degenerate: the exact enumeration (screened) decides ties and continua
        return _from_exact(game, screened_extreme_equilibria(*game.exact))
    return _build(game, sorted(found, key=lambda e: _order_key(e[0], e[1])), m, n)


def _build(game: Game, found: list, m: int, n: int) -> EquilibriumSet:
    """The equilibrium set of a nondegenerate game from its (row, col, payoffs), in order."""
    default = game._plain_cooperation  # then x @ C @ y is x₀y₀ exactly
    result = []
    for x, y, u in found:
        e = _new(Equilibrium)
        e.__dict__.update(row=x, col=y, payoffs=u, cooperation=x[0] * y[0] if default else game.expected_cooperation(x, y))
        result.append(e)
    result = tuple(result)
    out = _new(EquilibriumSet)
    out.__dict__.update(game=game, equilibria=result, degenerate=False, continuum=False, method=_SUPPORT, missed_by_nashpy=0, notes=())
    return out


def _fast_2x2(game: Game) -> EquilibriumSet:
    r = solve_2x2(game.row_payoffs, game.col_payoffs)
    result = []
    for i in range(int(r.count[0])):
        x, y = _clean(np.array([r.p[0, i], 1 - r.p[0, i]])), _clean(np.array([r.q[0, i], 1 - r.q[0, i]]))
        result.append(Equilibrium(row=x, col=y, payoffs=game.expected(x, y), cooperation=game.expected_cooperation(x, y)))
    return EquilibriumSet(game, tuple(result), bool(r.degenerate[0]), bool(r.continuum[0]), "vectorized 2×2 vertex enumeration")
