"""Two-player normal-form games between local governments.

A :class:`Game` holds the payoff matrices of the row and the column government, their names,
the labels of their strategies and the *cooperation matrix*: for each pure profile, the
(discounted) share of rounds in which both governments cooperate. Strategy 0 is cooperate and
strategy 1 defect in every 2×2 stage game, so the default cooperation matrix is
``[[1, 0], [0, 0]]`` (docs/models.md).

A game is immutable: its arrays are read-only copies and every transformation returns a new
game. It does not solve itself; the solvers are functions of a game in :mod:`solver`.

Every game also holds its payoffs as exact rationals (:attr:`Game.exact`), and every decision
the solvers take — the game type, ties, strictness, dominance, risk dominance, degeneracy — is
a comparison of these rationals, never of floats. An entry given as a
:class:`fractions.Fraction` or an integer is taken as it is (the mechanisms and the repeated
game compute their payoffs this way, from the decimal strings of their parameters); a float is
read as the nearest fraction with denominator ≤ 10⁹ (:func:`rational`), so that ``0.1 + 0.2``
and ``0.3`` are the same payoff, as a modeller means them. The float matrices are the
correctly rounded values of the exact ones.

Examples
--------
>>> from games import Game
>>> g = Game([[3, 0], [5, 1]], [[3, 5], [0, 1]])
>>> g.shape
(2, 2)
>>> g.strategies
(('C', 'D'), ('C', 'D'))
>>> g.cooperation.tolist()
[[1.0, 0.0], [0.0, 0.0]]
>>> Game([[0.1 + 0.2, 0], [0, 0]], [[0, 0], [0, 0]]).exact[0][0][0]
Fraction(3, 10)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from numbers import Rational
from typing import Any

import numpy as np
import numpy.typing as npt

from .errors import UserInputError

__all__ = ["ExactMatrix", "Game", "rational"]

#: A payoff matrix in exact rationals: a tuple of rows.
ExactMatrix = tuple[tuple[Fraction, ...], ...]

#: Largest denominator when a float is read as a fraction.
MAX_DENOMINATOR = 10**9


#: A float whose shortest repr has at most this many significant digits is read as that decimal.
SHORT_DIGITS = 12


def _digits(text: str) -> int:
    """Significant digits of a float's repr: '2.9000000000000004' → 17, '3.000001e-06' → 7."""
    mantissa = text.split("e")[0].lstrip("-").replace(".", "").lstrip("0")
    return len(mantissa.rstrip("0")) if "." in text.split("e")[0] else len(mantissa)


def rational(value: Any, scale: float = 1.0) -> Fraction:
    """A payoff as an exact fraction.

    Fractions and integers are kept as they are; a string is read as the decimal it spells. A
    float that prints as a short decimal (at most 12 significant digits: ``0.1``, ``2.9``,
    ``3.000001e-06``, ``6.25e-10``) is that decimal. A longer one is float arithmetic's
    approximation of something: it is read as the nearest fraction with denominator ≤ 10⁹ when
    that fraction lies within 10⁻¹² × max(|x|, ``scale``) — so ``2.9000000000000004`` is 29/10,
    ``7 / 27`` is 7/27, and the 1.4e-17 left by ``0.1 − 3 · (1/30)`` among payoffs of order 1 is
    0 — and otherwise as the decimal it prints as. ``scale`` is the size of the numbers ``value``
    was computed with (a game passes the largest payoff of the matrix), so a payoff of 1e-13 in
    a game whose payoffs are of order 1e-6 is not mistaken for noise.

    Examples
    --------
    >>> rational(0.1 + 0.2), rational(Fraction(1, 3)), rational("2.9"), rational(7 / 27)
    (Fraction(3, 10), Fraction(1, 3), Fraction(29, 10), Fraction(7, 27))
    >>> rational(1e-8 * 0.0625), rational(0.1 - 3 * (1 / 30)), rational(3.000001e-6)
    (Fraction(1, 1600000000), Fraction(0, 1), Fraction(3000001, 1000000000000))
    >>> rational(1e-7 * 1e-6, scale=1e-6) > 0
    True
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, (bool, np.bool_)):
        raise TypeError(f"a payoff must be a number, got {value!r}")
    if isinstance(value, (int, np.integer, Rational)):
        return Fraction(int(value)) if isinstance(value, (int, np.integer)) else Fraction(value)
    if isinstance(value, str):
        return Fraction(value.strip())
    x = float(value)
    text = repr(x)
    if _digits(text) <= SHORT_DIGITS:
        return Fraction(text)
    near = Fraction(x).limit_denominator(MAX_DENOMINATOR)
    if abs(float(near) - x) <= 1e-12 * max(abs(x), scale):
        return near
    return Fraction(text)


def matrix_scale(array: Any) -> float:
    """The size of a payoff matrix's numbers, for :func:`rational`: its largest |entry| (1 if 0)."""
    top = float(np.max(np.abs(np.asarray(array, dtype=float)))) if np.size(array) else 0.0
    return top if top > 0 else 1.0


def _exact(values: Any, array: np.ndarray) -> ExactMatrix:
    """The exact rationals of a matrix: its entries as given where they are exact, else read."""
    rows = values.tolist() if isinstance(values, np.ndarray) else values
    if np.ndim(array) == 2 and not (isinstance(values, np.ndarray) or all(np.ndim(r) == 1 for r in rows)):
        rows = array.tolist()
    scale = matrix_scale(array)
    return tuple(tuple(rational(v, scale) for v in row) for row in rows)



#: The largest magnitude of a payoff, 10¹⁰⁰ (products of payoffs stay far inside the floats).
#: There is no smallest: the kernels read exact payoffs of any size (a subnormal 5e-324 is 5/10³²⁴).
MAX_PAYOFF = 1e100


def _matrix(values: Any, what: str) -> np.ndarray:
    try:
        array = np.array(values, dtype=float)
    except (TypeError, ValueError, OverflowError) as err:
        raise UserInputError(f"{what} must be a matrix of numbers: {err}") from err
    if array.ndim != 2:
        raise UserInputError(f"{what} must be a 2-dimensional matrix, got {array.ndim} dimension(s)")
    if array.shape[0] < 1 or array.shape[1] < 1:
        raise UserInputError(f"{what} must be at least 1×1, got shape {array.shape}")
    if not np.all(np.isfinite(array)):
        raise UserInputError(f"{what} must hold finite numbers (no NaN or infinity)")
    array.setflags(write=False)
    return array


def _check_range(array: np.ndarray, what: str) -> None:
    """Refuse payoffs beyond :data:`MAX_PAYOFF` (``array``: the floats of the exact payoffs)."""
    if np.any(np.abs(array) > MAX_PAYOFF):
        bad = float(array.flat[int(np.argmax(np.abs(array) > MAX_PAYOFF))])
        raise UserInputError(f"{what}: {bad:g} is out of range (|payoff| ≤ {MAX_PAYOFF:g})")


def _labels(labels: Sequence[str] | None, count: int, who: str) -> tuple[str, ...]:
    if labels is None:
        return ("C", "D") if count == 2 else tuple(f"s{i}" for i in range(count))
    labels = tuple(str(label) for label in labels)
    if len(labels) != count:
        raise UserInputError(f"{who} has {count} strategies but {len(labels)} labels")
    if len(set(labels)) != len(labels) or any(not label for label in labels):
        raise UserInputError(f"{who}'s strategy labels must be distinct and non-empty: {labels}")
    return labels


@dataclass(frozen=True, eq=False)
class Game:
    """A two-player normal-form game with labelled strategies.

    Parameters
    ----------
    row_payoffs, col_payoffs : array_like
        Payoff matrices of the row and the column player, of equal shape (m, n), m, n ≥ 1,
        finite numbers. Entry ``[i, j]`` is the payoff when row plays i and column plays j.
    players : pair of str, optional
        Names of the two players (for a cluster link, the two local governments).
    strategies : pair of sequences of str, optional
        Strategy labels of each player; ``("C", "D")`` for 2 strategies by default.
    cooperation : array_like, optional
        The share of rounds with mutual cooperation under each pure profile, in [0, 1]. By
        default 1 at profile (0, 0) (both cooperate) and 0 elsewhere.
    cooperative : array_like of bool, optional
        The profiles that count as cooperative for the cooperation report and the basin. By
        default those whose cooperation is 1; a repeated game with implementation noise sets
        it by the rule of :func:`games.repeated.induced_game` (full cooperation intended and
        enough of it realised), since noise keeps every realised share below 1.
    name : str, optional
        A short description ("prisoner's dilemma", "Yongkang–Wuyi hardware").

    Attributes
    ----------
    exact : (ExactMatrix, ExactMatrix)
        Both payoff matrices in exact rationals (see the module notes); the float matrices
        are their correctly rounded values.

    Raises
    ------
    UserInputError
        If a matrix is not 2-dimensional, is empty, holds a non-finite number, the shapes
        differ, labels do not match the number of strategies, or the cooperation matrix is
        outside [0, 1].

    Examples
    --------
    >>> g = Game([[4, 0], [3, 3]], [[4, 3], [0, 3]], players=("Yongkang", "Wuyi"))
    >>> g.players
    ('Yongkang', 'Wuyi')
    >>> g.payoff((0, 0))
    (4.0, 4.0)
    """

    row_payoffs: npt.NDArray[np.float64]
    col_payoffs: npt.NDArray[np.float64]
    players: tuple[str, str] = ("row", "col")
    strategies: tuple[tuple[str, ...], tuple[str, ...]] = field(default=None)  # type: ignore[assignment]
    cooperation: npt.NDArray[np.float64] = field(default=None)  # type: ignore[assignment]
    name: str = ""
    cooperative: npt.NDArray[np.bool_] = field(default=None)  # type: ignore[assignment]
    exact: tuple[ExactMatrix, ExactMatrix] = field(default=None, repr=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        a = _matrix(self.row_payoffs, "row player's payoff matrix")
        b = _matrix(self.col_payoffs, "column player's payoff matrix")
        if a.shape != b.shape:
            raise UserInputError(f"payoff matrices differ in shape: {a.shape} and {b.shape}")
        if self.exact is None:
            exact = (_exact(self.row_payoffs, a), _exact(self.col_payoffs, b))
        else:
            exact = tuple(tuple(tuple(rational(v, matrix_scale(a if k == 0 else b)) for v in row) for row in m) for k, m in enumerate(self.exact))  # type: ignore[assignment]
            if len(exact) != 2 or any(np.shape(np.array(m, dtype=object)) != a.shape for m in exact):
                raise UserInputError(f"exact payoffs must be two matrices of shape {a.shape}")
        a = _matrix([[float(v) for v in row] for row in exact[0]], "row player's payoff matrix")
        b = _matrix([[float(v) for v in row] for row in exact[1]], "column player's payoff matrix")
        _check_range(a, "row player's payoff matrix")
        _check_range(b, "column player's payoff matrix")
        object.__setattr__(self, "exact", exact)
        # Whether every exact payoff is an integer below 2⁵³, which the float matrices then hold
        # exactly (the integer kernels of solver.kernels.support read them from the floats).
        integral = all(v.denominator == 1 for m in exact for row in m for v in row) and max(np.abs(a).max(), np.abs(b).max()) < 2.0**53
        object.__setattr__(self, "_integral", bool(integral))
        players = tuple(str(p) for p in self.players)
        if len(players) != 2 or players[0] == "" or players[1] == "":
            raise UserInputError(f"a game has two named players, got {self.players!r}")
        strategies = self.strategies if self.strategies is not None else (None, None)
        if len(strategies) != 2:
            raise UserInputError("strategies must be a pair: the row player's and the column player's labels")
        labels = (
            _labels(strategies[0], a.shape[0], "row player"),
            _labels(strategies[1], a.shape[1], "column player"),
        )
        plain = self.cooperation is None  # the default matrix: 1 at (C, C), 0 elsewhere
        if plain:
            coop = np.zeros(a.shape)
            coop[0, 0] = 1.0
        else:
            coop = _matrix(self.cooperation, "cooperation matrix").copy()
            if coop.shape != a.shape:
                raise UserInputError(f"cooperation matrix has shape {coop.shape}, payoffs {a.shape}")
            if np.any(coop < 0) or np.any(coop > 1):
                raise UserInputError("cooperation matrix entries must lie in [0, 1]")
        coop.setflags(write=False)
        if not plain:
            plain = bool(coop[0, 0] == 1.0 and np.count_nonzero(coop) == 1)
        # With the default cooperation matrix, x @ C @ y is x₀y₀ exactly (solver.nash uses this).
        object.__setattr__(self, "_plain_cooperation", plain)
        if self.cooperative is None:
            mask = coop >= 1.0 - 1e-12
        else:
            mask = np.array(self.cooperative, dtype=bool)
            if mask.shape != a.shape:
                raise UserInputError(f"cooperative mask has shape {mask.shape}, payoffs {a.shape}")
        mask.setflags(write=False)
        object.__setattr__(self, "cooperative", mask)
        object.__setattr__(self, "row_payoffs", a)
        object.__setattr__(self, "col_payoffs", b)
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "strategies", labels)
        object.__setattr__(self, "cooperation", coop)
        object.__setattr__(self, "name", str(self.name))

    @property
    def shape(self) -> tuple[int, int]:
        """Numbers of strategies (row, column)."""
        return self.row_payoffs.shape  # type: ignore[return-value]

    def payoff(self, profile: tuple[int, int]) -> tuple[float, float]:
        """Both players' payoffs at a pure profile ``(i, j)``."""
        i, j = profile
        return float(self.row_payoffs[i, j]), float(self.col_payoffs[i, j])

    def expected(self, row: npt.ArrayLike, col: npt.ArrayLike) -> tuple[float, float]:
        """Both players' expected payoffs at mixed strategies ``row`` and ``col``."""
        x, y = np.asarray(row, dtype=float), np.asarray(col, dtype=float)
        return float(x @ self.row_payoffs @ y), float(x @ self.col_payoffs @ y)

    def expected_cooperation(self, row: npt.ArrayLike, col: npt.ArrayLike) -> float:
        """Expected share of mutually cooperative rounds at mixed strategies."""
        x, y = np.asarray(row, dtype=float), np.asarray(col, dtype=float)
        return float(x @ self.cooperation @ y)

    def swap(self) -> Game:
        """The same game with the two players' roles exchanged (a new game).

        Examples
        --------
        >>> Game([[3, 0], [5, 1]], [[3, 5], [0, 1]], players=("A", "B")).swap().players
        ('B', 'A')
        """
        return Game(
            self.col_payoffs.T,
            self.row_payoffs.T,
            players=(self.players[1], self.players[0]),
            strategies=(self.strategies[1], self.strategies[0]),
            cooperation=self.cooperation.T,
            name=self.name,
            cooperative=self.cooperative.T,
            exact=(tuple(zip(*self.exact[1])), tuple(zip(*self.exact[0]))),
        )

    def replace(self, **changes: Any) -> Game:
        """A copy of the game with some fields changed (payoffs, names, labels, …)."""
        fields = {
            "row_payoffs": self.exact[0],  # exact entries carry over; new ones are read again
            "col_payoffs": self.exact[1],
            "players": self.players,
            "strategies": self.strategies,
            "cooperation": self.cooperation,
            "name": self.name,
            "cooperative": self.cooperative,
            "exact": None,
        }
        if ("cooperation" in changes) and ("cooperative" not in changes):
            fields["cooperative"] = None  # derive it again from the new cooperation matrix
        unknown = set(changes) - set(fields)
        if unknown:
            raise TypeError(f"Game has no field(s) {sorted(unknown)}")
        fields.update(changes)
        return Game(**fields)

    def to_nashpy(self) -> Any:
        """The game as a :class:`nashpy.Game` (payoff matrices only).

        Examples
        --------
        >>> Game([[3, 0], [5, 1]], [[3, 5], [0, 1]]).to_nashpy().payoff_matrices[0].tolist()
        [[3.0, 0.0], [5.0, 1.0]]
        """
        import nashpy

        return nashpy.Game(np.array(self.row_payoffs), np.array(self.col_payoffs))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Game):
            return NotImplemented
        return (
            self.players == other.players
            and self.strategies == other.strategies
            and self.name == other.name
            and np.array_equal(self.row_payoffs, other.row_payoffs)
            and np.array_equal(self.col_payoffs, other.col_payoffs)
            and np.array_equal(self.cooperation, other.cooperation)
            and np.array_equal(self.cooperative, other.cooperative)
            and self.exact == other.exact
        )

    def __hash__(self) -> int:
        return hash(
            (
                self.players,
                self.strategies,
                self.name,
                self.row_payoffs.tobytes(),
                self.col_payoffs.tobytes(),
                self.cooperation.tobytes(),
            )
        )

    def __repr__(self) -> str:
        title = f" {self.name!r}" if self.name else ""
        return f"Game{title} {self.players[0]} vs {self.players[1]}, shape {self.shape}\nrow payoffs:\n{self.row_payoffs}\ncol payoffs:\n{self.col_payoffs}"
