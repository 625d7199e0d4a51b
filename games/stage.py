"""2×2 stage games between two local governments, built from named payoffs.

Strategy 0 is cooperate (C) and strategy 1 defect (D). A government gets R when both
cooperate, S when it cooperates against a defector, T when it defects against a cooperator
and P when both defect (docs/models.md). The column government may have its own values.

Every textbook constructor checks its defining inequalities for each player and names the one
that fails (the rule of Axelrod's ``Game`` and QuantEcon's constructors):

========================  ==========================================
constructor               defining inequalities
========================  ==========================================
``prisoners_dilemma``     T > R > P > S
``stag_hunt``             R > T ≥ P > S
``chicken``               T > R > S > P
``harmony``               R > T and S > P
``donation_game(b, c)``   b > c > 0 (R = b − c, S = −c, T = b, P = 0)
========================  ==========================================

Examples
--------
>>> from games import prisoners_dilemma, stage_payoffs
>>> g = prisoners_dilemma(T=5, R=3, P=1, S=0)
>>> g.row_payoffs.tolist(), g.col_payoffs.tolist()
([[3.0, 0.0], [5.0, 1.0]], [[3.0, 5.0], [0.0, 1.0]])
>>> stage_payoffs(g)[1]
StagePayoffs(R=3.0, S=0.0, T=5.0, P=1.0)
>>> prisoners_dilemma(T=3, R=3, P=1, S=0)
Traceback (most recent call last):
...
games.errors.UserInputError: prisoner's dilemma needs T > R > P > S: T > R fails for the row player (T=3, R=3)
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import NamedTuple

from .errors import UserInputError
from .game import Game, rational

__all__ = [
    "StagePayoffs",
    "chicken",
    "donation_game",
    "game_type",
    "harmony",
    "prisoners_dilemma",
    "stag_hunt",
    "stage_game",
    "stage_payoffs",
]


class StagePayoffs(NamedTuple):
    """One government's payoffs in a 2×2 stage game: R (C,C), S (C,D), T (D,C), P (D,D)."""

    R: float
    S: float
    T: float
    P: float


PayoffsLike = StagePayoffs | Mapping[str, float]


def _as_payoffs(values: PayoffsLike, who: str) -> StagePayoffs:
    if isinstance(values, StagePayoffs):
        values = values._asdict()
    if not isinstance(values, Mapping):
        raise TypeError(f"{who}'s payoffs must be a mapping with keys R, S, T, P")
    missing = [k for k in "RSTP" if k not in values]
    extra = sorted(set(values) - set("RSTP"))
    if missing or extra:
        raise UserInputError(f"{who}'s payoffs need exactly R, S, T, P (missing {missing}, unknown {extra})")
    numbers = {}
    for key in "RSTP":
        value = values[key]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise UserInputError(f"{who}'s payoff {key} must be a finite number, got {value!r}")
        numbers[key] = float(value)
    return StagePayoffs(**numbers)


def stage_game(
    row: PayoffsLike,
    col: PayoffsLike | None = None,
    *,
    players: tuple[str, str] = ("row", "col"),
    name: str = "",
) -> Game:
    """The 2×2 game with the given R, S, T, P of each player (no inequality checked).

    Parameters
    ----------
    row : StagePayoffs or mapping
        The row government's R, S, T, P.
    col : StagePayoffs or mapping, optional
        The column government's values; the row's by default (a symmetric game).
    players, name
        Passed to :class:`Game`.

    Examples
    --------
    >>> stage_game({"R": 3, "S": -1, "T": 4, "P": 0}).col_payoffs.tolist()
    [[3.0, 4.0], [-1.0, 0.0]]
    """
    r = _as_payoffs(row, "row player")
    c = _as_payoffs(col, "column player") if col is not None else r
    return Game(
        [[r.R, r.S], [r.T, r.P]],
        [[c.R, c.T], [c.S, c.P]],
        players=players,
        strategies=(("C", "D"), ("C", "D")),
        name=name,
    )


def stage_payoffs(game: Game, *, exact: bool = False) -> tuple[StagePayoffs, StagePayoffs]:
    """Each player's R, S, T, P of a 2×2 game (strategy 0 = C, 1 = D).

    With ``exact=True`` the values are the game's exact rationals (:attr:`Game.exact`), the
    ones every comparison should use.

    Raises
    ------
    UserInputError
        If the game is not 2×2.

    Examples
    --------
    >>> stage_payoffs(stage_game({"R": 2.9, "S": 0, "T": 3, "P": 1}), exact=True)[0].R
    Fraction(29, 10)
    """
    if game.shape != (2, 2):
        raise UserInputError(f"R, S, T, P are defined for 2×2 games, not {game.shape}")
    if exact:
        a, b = game.exact
        return (
            StagePayoffs(R=a[0][0], S=a[0][1], T=a[1][0], P=a[1][1]),  # type: ignore[arg-type]
            StagePayoffs(R=b[0][0], S=b[1][0], T=b[0][1], P=b[1][1]),  # type: ignore[arg-type]
        )
    a, b = game.row_payoffs, game.col_payoffs
    row = StagePayoffs(R=float(a[0, 0]), S=float(a[0, 1]), T=float(a[1, 0]), P=float(a[1, 1]))
    col = StagePayoffs(R=float(b[0, 0]), S=float(b[1, 0]), T=float(b[0, 1]), P=float(b[1, 1]))
    return row, col


def _check(kind: str, rule: str, chain: list[tuple[str, str, str]], p: StagePayoffs, who: str) -> None:
    for left, op, right in chain:
        a, b = getattr(p, left), getattr(p, right)
        x, y = rational(a), rational(b)
        if not (x > y if op == ">" else x >= y):
            raise UserInputError(f"{kind} needs {rule}: {left} {op.replace('>=', '≥')} {right} fails for the {who} ({left}={a:g}, {right}={b:g})")


def _textbook(kind, rule, chain, row, col, players, name):
    r = _as_payoffs(row, "row player")
    c = _as_payoffs(col, "column player") if col is not None else r
    _check(kind, rule, chain, r, "row player")
    if col is not None:
        _check(kind, rule, chain, c, "column player")
    return stage_game(r, c, players=players, name=name or kind)


def prisoners_dilemma(
    T: float = 5.0,
    R: float = 3.0,
    P: float = 1.0,
    S: float = 0.0,
    *,
    col: PayoffsLike | None = None,
    players: tuple[str, str] = ("row", "col"),
    name: str = "",
) -> Game:
    """A prisoner's dilemma: T > R > P > S for each player.

    Parameters
    ----------
    T, R, P, S : float
        The row player's temptation, reward, punishment and sucker's payoffs (Axelrod's
        tournament values 5, 3, 1, 0 by default).
    col : StagePayoffs or mapping, optional
        The column player's own values for an asymmetric dilemma; the row's by default.

    Raises
    ------
    UserInputError
        Naming the inequality that fails and for which player.

    Examples
    --------
    >>> g = prisoners_dilemma(4, 3, 0, -1, col={"T": 6, "R": 2, "P": 1, "S": -2})
    >>> g.col_payoffs.tolist()
    [[2.0, 6.0], [-2.0, 1.0]]
    """
    return _textbook(
        "prisoner's dilemma",
        "T > R > P > S",
        [("T", ">", "R"), ("R", ">", "P"), ("P", ">", "S")],
        StagePayoffs(R=R, S=S, T=T, P=P),
        col,
        players,
        name,
    )


def stag_hunt(
    R: float = 4.0,
    T: float = 3.0,
    P: float = 2.0,
    S: float = 0.0,
    *,
    col: PayoffsLike | None = None,
    players: tuple[str, str] = ("row", "col"),
    name: str = "",
) -> Game:
    """A stag hunt (joint infrastructure): R > T ≥ P > S for each player.

    Examples
    --------
    >>> stag_hunt(R=4, T=3, P=2, S=0).row_payoffs.tolist()
    [[4.0, 0.0], [3.0, 2.0]]
    """
    return _textbook(
        "stag hunt",
        "R > T ≥ P > S",
        [("R", ">", "T"), ("T", ">=", "P"), ("P", ">", "S")],
        StagePayoffs(R=R, S=S, T=T, P=P),
        col,
        players,
        name,
    )


def chicken(
    T: float = 4.0,
    R: float = 3.0,
    S: float = 1.0,
    P: float = 0.0,
    *,
    col: PayoffsLike | None = None,
    players: tuple[str, str] = ("row", "col"),
    name: str = "",
) -> Game:
    """Chicken (hawk–dove): T > R > S > P for each player.

    Examples
    --------
    >>> chicken().row_payoffs.tolist()
    [[3.0, 1.0], [4.0, 0.0]]
    """
    return _textbook(
        "chicken",
        "T > R > S > P",
        [("T", ">", "R"), ("R", ">", "S"), ("S", ">", "P")],
        StagePayoffs(R=R, S=S, T=T, P=P),
        col,
        players,
        name,
    )


def harmony(
    R: float = 4.0,
    T: float = 3.0,
    S: float = 2.0,
    P: float = 1.0,
    *,
    col: PayoffsLike | None = None,
    players: tuple[str, str] = ("row", "col"),
    name: str = "",
) -> Game:
    """A harmony game, in which cooperating is strictly dominant: R > T and S > P.

    Examples
    --------
    >>> harmony(R=4, T=3, S=2, P=1).row_payoffs.tolist()
    [[4.0, 2.0], [3.0, 1.0]]
    """
    return _textbook(
        "harmony game",
        "R > T and S > P",
        [("R", ">", "T"), ("S", ">", "P")],
        StagePayoffs(R=R, S=S, T=T, P=P),
        col,
        players,
        name,
    )


def donation_game(
    b: float = 2.0,
    c: float = 1.0,
    *,
    players: tuple[str, str] = ("row", "col"),
    name: str = "",
) -> Game:
    """The donation game: cooperating costs c and gives the partner b (b > c > 0).

    R = b − c, S = −c, T = b, P = 0, a prisoner's dilemma whose grim-trigger threshold is c/b.

    Raises
    ------
    UserInputError
        If b > c > 0 fails, naming the inequality.

    Examples
    --------
    >>> donation_game(3, 1).row_payoffs.tolist()
    [[2.0, -1.0], [3.0, 0.0]]
    """
    for value, label in ((b, "b"), (c, "c")):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise UserInputError(f"donation game: {label} must be a finite number, got {value!r}")
    if not b > c:
        raise UserInputError(f"donation game needs b > c > 0: b > c fails (b={b:g}, c={c:g})")
    if not c > 0:
        raise UserInputError(f"donation game needs b > c > 0: c > 0 fails (c={c:g})")
    return stage_game(StagePayoffs(R=b - c, S=-c, T=b, P=0.0), players=players, name=name or "donation game")


def _one_type(p: StagePayoffs) -> str:
    a1, a2 = p.R - p.T, p.S - p.P
    if a1 > 0 and a2 > 0:
        return "harmony"
    if a1 < 0 and a2 < 0:
        return "prisoner's dilemma"
    if a1 > 0 > a2:
        return "stag hunt"
    if a1 < 0 < a2:
        return "chicken"
    return "degenerate"


def game_type(game: Game) -> str:
    """Name the type of a 2×2 game from its incentive gaps (docs/models.md).

    With a₁ = R − T and a₂ = S − P for a player: both positive is a harmony game, both
    negative a prisoner's dilemma, a₁ > 0 > a₂ a stag hunt, a₁ < 0 < a₂ chicken; a zero gap is
    ``"degenerate"``. When the two players' types differ the answer names both; a game that is
    not 2×2 is named by its shape (``"5×5 game"``). The gaps are computed in the game's exact
    rationals, so a subsidy exactly at a threshold gives a zero gap, as it does for the
    cooperation level.

    Examples
    --------
    >>> game_type(prisoners_dilemma())
    "prisoner's dilemma"
    >>> game_type(stage_game({"R": 3, "S": 0, "T": 2, "P": 1}, {"R": 3, "S": 0, "T": 4, "P": 1}))
    "stag hunt / prisoner's dilemma"
    >>> game_type(stage_game({"R": 0.1 + 0.2, "S": 1, "T": 0.3, "P": 0}))   # R = T exactly
    'degenerate'
    """
    if game.shape != (2, 2):
        return f"{game.shape[0]}×{game.shape[1]} game"
    row, col = (_one_type(p) for p in stage_payoffs(game, exact=True))
    return row if row == col else f"{row} / {col}"
