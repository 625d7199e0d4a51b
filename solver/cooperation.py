"""How stable is cooperation in a game? The cooperation report of docs/models.md.

A profile is *fully cooperative* when its intended path is full cooperation
(``game.cooperative``; by default, its cooperation-matrix entry is 1: for a one-shot 2×2 game,
(C, C)); cooperation is stable when some Nash equilibrium is fully cooperative. The report
says, for the fully cooperative equilibria:

``nash``
    some equilibrium has full cooperation on its path;
``strict``
    some pure fully cooperative equilibrium is strict: every deviation loses more than the
    tolerance;
``unique``
    every equilibrium of the game is fully cooperative with the same payoffs;
``dominant``
    both strategies of a cooperative equilibrium strictly dominate every other strategy;
``risk_dominant``
    a strict cooperative equilibrium risk-dominates every other strict equilibrium
    (Harsanyi–Selten: a larger product of deviation losses in the 2×2 game of the two
    equilibria's strategies);
``basin``
    the share of starting states (uniform on both simplices) from which two-population
    replicator dynamics reach cooperation (:func:`solver.basin.basin_of_cooperation`: exact
    for 2×2 games, quasi-Monte-Carlo with a standard error otherwise; null where no strict
    cooperative equilibrium exists). The JSON's top-level ``basin`` object adds its standard
    error, number of starts, method and note;
``level``
    the first of ``dominant``, ``unique``, ``risk-dominant``, ``strict``, ``weak``, ``none``
    that holds.

Strategies that earn the same for both players with the same cooperation against the
equilibrium partner (AllC, TFT and Grim against Grim in a repeated game) are *path-equivalent*:
a deviation to one of them does not change the path, so it does not count against strictness
or uniqueness, and the report says when this was used. Every payoff comparison is exact, on
the game's rationals (:attr:`games.Game.exact`): a subsidy exactly at a threshold is a tie,
so cooperation is ``weak`` there, never ``strict``; exact ties in risk dominance are reported,
not guessed.

Examples
--------
>>> from games import prisoners_dilemma, stag_hunt, harmony
>>> stability(prisoners_dilemma()).level
'none'
>>> stability(stag_hunt(R=5, T=3, P=2, S=1)).level   # R + S > T + P
'risk-dominant'
>>> stability(stag_hunt(R=4, T=3, P=2, S=0)).level   # R + S < T + P
'strict'
>>> stability(harmony()).level
'dominant'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np

from games import Game, game_type
from games.game import rational

from .basin import DEFAULT_SAMPLES, Basin, basin_of_cooperation
from .kernels.fast2x2 import Solved2x2
from .kernels.levels import LEVELS
from .nash import Equilibrium, EquilibriumSet, equilibria
from .strict import strict_class

__all__ = ["LEVELS", "CooperationReport", "report_from_batch", "stability"]


@dataclass(frozen=True)
class CooperationReport:
    """The cooperation report of a game (docs/models.md); ``to_dict()`` gives its stable JSON."""

    nash: bool
    strict: bool
    unique: bool
    dominant: bool
    risk_dominant: bool
    basin: Basin | None
    level: str
    equilibria: EquilibriumSet
    game_type: str
    cooperative_profiles: tuple[tuple[int, int], ...]
    notes: tuple[str, ...] = field(default=())

    @property
    def stable(self) -> bool:
        """Whether cooperation is stable: some Nash equilibrium is fully cooperative."""
        return self.nash

    def to_dict(self) -> dict:
        """``{"equilibria": [...], "cooperation": {...}}``, the stable JSON contract."""
        return {
            "equilibria": [e.to_dict() for e in self.equilibria],
            "cooperation": {
                "nash": self.nash,
                "strict": self.strict,
                "unique": self.unique,
                "dominant": self.dominant,
                "risk_dominant": self.risk_dominant,
                "basin": None if self.basin is None else self.basin.to_dict()["value"],
                "level": self.level,
            },
            "game_type": self.game_type,
            "degenerate": self.equilibria.degenerate,
            "continuum": self.equilibria.continuum,
            "notes": list(self.notes),
            "basin": None if self.basin is None else self.basin.to_dict(),
        }


def _fully_cooperative(game: Game, e: Equilibrium) -> bool:
    """Whether every pure profile the equilibrium plays counts as cooperative (``game.cooperative``)."""
    rows, cols = e.support
    return bool(np.all(game.cooperative[np.ix_(rows, cols)]))


def _dominant(game: Game, i: int, j: int) -> bool:
    A, B = game.exact
    C = game.cooperation
    m, n = game.shape
    for k in range(m):
        duplicate = A[k] == A[i] and B[k] == B[i] and np.array_equal(C[k], C[i])
        if k != i and not duplicate and not all(A[i][c] > A[k][c] for c in range(n)):
            return False
    for k in range(n):
        duplicate = all(A[r][k] == A[r][j] and B[r][k] == B[r][j] for r in range(m)) and np.array_equal(C[:, k], C[:, j])
        if k != j and not duplicate and not all(B[r][j] > B[r][k] for r in range(m)):
            return False
    return True


def _risk_products(game: Game, first: tuple[int, int], second: tuple[int, int]) -> tuple[Fraction, Fraction]:
    """Nash products of deviation losses of two strict equilibria (Harsanyi–Selten 1988), exactly."""
    A, B = game.exact
    (i, j), (k, l) = first, second
    mine = (A[i][j] - A[k][j]) * (B[i][j] - B[i][l])
    theirs = (A[k][l] - A[i][l]) * (B[k][l] - B[k][j])
    return mine, theirs


def _payoffs(game: Game, e: Equilibrium) -> tuple[Fraction, Fraction]:
    """An equilibrium's payoffs as rationals: exact at a pure profile, read from floats otherwise."""
    if e.profile is not None:
        i, j = e.profile
        return game.exact[0][i][j], game.exact[1][i][j]
    return rational(e.payoffs[0]), rational(e.payoffs[1])


def stability(game: Game, *, basin: bool = True, basin_samples: int = DEFAULT_SAMPLES, method: str = "auto") -> CooperationReport:
    """The cooperation report of ``game`` (docs/models.md).

    Parameters
    ----------
    game : Game
        A two-player game with its cooperation matrix.
    basin : bool
        Whether to compute the replicator basin (``None`` in the report otherwise).
    basin_samples : int
        Quasi-Monte-Carlo starts for the basin of a game larger than 2×2.
    method : {"auto", "nashpy", "exact", "fast"}
        Passed to :func:`solver.equilibria`; ``auto`` (the default) is its exact support
        kernel, ``nashpy`` adds nashpy's equilibria as a cross-check.

    Returns
    -------
    CooperationReport

    Examples
    --------
    The prisoner's dilemma of the README's JSON example: one equilibrium, mutual defection, no cooperation.

    >>> from games import Game
    >>> r = stability(Game([[3, 0], [5, 1]], [[3, 5], [0, 1]]))
    >>> r.to_dict()["cooperation"]
    {'nash': False, 'strict': False, 'unique': False, 'dominant': False, 'risk_dominant': False, 'basin': None, 'level': 'none'}
    >>> r.basin.text, r.basin.reason
    ('undefined', 'no fully cooperative profile is an equilibrium')
    """
    eqs = equilibria(game, method=method)
    notes: list[str] = list(eqs.notes)
    cooperative = [e for e in eqs if _fully_cooperative(game, e)]
    profiles = tuple(e.profile for e in cooperative if e.profile is not None)
    nash = bool(cooperative)

    strict_profiles = []
    equivalence_used = False
    for i, j in profiles:
        judged = strict_class(game, i, j)
        is_strict, used = judged.strict, judged.set_aside
        equivalence_used |= used
        if is_strict:
            strict_profiles.append((i, j))
    strict = bool(strict_profiles)
    if equivalence_used:
        notes.append("strictness and uniqueness judged up to path-equivalent deviations (same payoffs and cooperation against the partner)")

    unique = False
    if cooperative:
        reference = _payoffs(game, cooperative[0])
        unique = all(_fully_cooperative(game, e) and _payoffs(game, e) == reference for e in eqs)

    dominant = any(_dominant(game, i, j) for i, j in profiles)

    # Every strict pure equilibrium of the game, for risk dominance.
    others = []
    for e in eqs:
        if e.profile is not None and e.profile not in strict_profiles:
            s = strict_class(game, *e.profile).strict
            if s and not _fully_cooperative(game, e):
                others.append(e.profile)
    risk_dominant = False
    for profile in strict_profiles:
        wins = True
        for other in others:
            mine, theirs = _risk_products(game, profile, other)
            if mine == theirs:
                notes.append(f"risk dominance between {profile} and {other} is an exact tie")
                wins = False
            elif mine < theirs:
                wins = False
        if wins:
            risk_dominant = True
            break

    flags = {"dominant": dominant, "unique": unique and nash, "risk-dominant": risk_dominant, "strict": strict, "weak": nash}
    level = next((name for name in LEVELS[:-1] if flags[name]), "none")
    share = basin_of_cooperation(game, samples=basin_samples) if basin else None
    return CooperationReport(
        nash=nash,
        strict=strict,
        unique=unique,
        dominant=dominant,
        risk_dominant=risk_dominant,
        basin=share,
        level=level,
        equilibria=eqs,
        game_type=game_type(game),
        cooperative_profiles=profiles,
        notes=tuple(notes),
    )


def report_from_batch(game: Game, solved: Solved2x2, k: int, basin: Basin | None = None) -> CooperationReport:
    """The :class:`CooperationReport` of game ``k`` of a :func:`~solver.kernels.fast2x2.solve_2x2`
    batch, with ``basin`` if given: the batch's exact decisions (level and flags), and the
    equilibria of :func:`~solver.nash.equilibria` (the exact closed forms; the batch's floats
    come from float gaps and may differ from the exact values in the last digits)."""
    eq_set = equilibria(game)
    notes = list(eq_set.notes)
    A, B = game.exact
    if solved.strict[k] and A[1][1] > A[0][1] and B[1][1] > B[1][0]:  # (D, D) strict too: as stability() notes a tie
        mine, theirs = _risk_products(game, (0, 0), (1, 1))
        if mine == theirs:
            notes.append("risk dominance between (0, 0) and (1, 1) is an exact tie")
    return CooperationReport(
        nash=bool(solved.nash[k]),
        strict=bool(solved.strict[k]),
        unique=bool(solved.unique[k]),
        dominant=bool(solved.dominant[k]),
        risk_dominant=bool(solved.risk_dominant[k]),
        basin=basin,
        level=str(solved.level[k]),
        equilibria=eq_set,
        game_type=game_type(game),
        cooperative_profiles=((0, 0),) if solved.nash[k] else (),
        notes=tuple(notes),
    )
