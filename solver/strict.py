"""Strict equilibria up to path-equivalent deviations, decided on a game's exact rationals.

Two profiles are *path-equivalent* when they give both players exactly the same payoffs and the
same cooperation: in a repeated game AllC, TFT and Grim against Grim play the same path. A
deviation to a path-equivalent strategy does not change the path, so it does not count against
strictness. The cooperation report (:mod:`solver.cooperation`) and the basin
(:mod:`solver.basin`) both judge strictness here.

Examples
--------
>>> from games import induced_game, prisoners_dilemma
>>> g = induced_game(prisoners_dilemma(T=5, R=3, P=1, S=0), discount=0.9)
>>> s = strict_class(g, 2, 2)            # (Grim, Grim)
>>> s.strict, [g.strategies[0][k] for k in s.rows]
(True, ['Grim', 'AllC', 'TFT', 'WSLS'])
"""

from __future__ import annotations

from dataclasses import dataclass

from games import Game

__all__ = ["StrictClass", "equivalent", "strict_class"]


def equivalent(game: Game, a: tuple[int, int], b: tuple[int, int]) -> bool:
    """Whether two profiles give both players exactly the same payoff and the same cooperation."""
    A, B = game.exact
    return A[a[0]][a[1]] == A[b[0]][b[1]] and B[a[0]][a[1]] == B[b[0]][b[1]] and game.cooperation[a] == game.cooperation[b]


@dataclass(frozen=True)
class StrictClass:
    """Whether profile (i, j) is strict up to path-equivalence, and its path-equivalent strategies.

    ``rows`` and ``cols`` start with i and j; ``set_aside`` says whether a path-equivalent
    deviation was set aside (the report then notes it).
    """

    strict: bool
    rows: tuple[int, ...]
    cols: tuple[int, ...]

    @property
    def set_aside(self) -> bool:
        return len(self.rows) > 1 or len(self.cols) > 1


def strict_class(game: Game, i: int, j: int) -> StrictClass:
    """Judge (i, j): every deviation that is not path-equivalent must lose, exactly."""
    A, B = game.exact
    rows, cols, strict = [i], [j], True
    for k in range(game.shape[0]):
        if k == i:
            continue
        if equivalent(game, (k, j), (i, j)):
            rows.append(k)
        elif A[k][j] >= A[i][j]:
            strict = False
    for k in range(game.shape[1]):
        if k == j:
            continue
        if equivalent(game, (i, k), (i, j)):
            cols.append(k)
        elif B[i][k] >= B[i][j]:
            strict = False
    return StrictClass(strict, tuple(rows), tuple(cols))
