"""Repeated play: the induced normal form of an infinitely repeated 2×2 stage game.

Each government follows a finite automaton: states, the action each state plays, and the next
state after each realized outcome (own action, other's action). With implementation noise ε
each intended action is flipped with probability ε. The two automata form a joint Markov chain
over state pairs with transition matrix M; the normalized discounted payoff of a strategy pair
is (1 − δ) Σₜ δᵗ E[uₜ] = (1 − δ) π₀ (I − δM)⁻¹ u, computed exactly by one linear solve, never
by simulation. The cooperation matrix of the induced game is the discounted share of rounds
with mutual cooperation, and its ``cooperative`` mask marks the pairs whose noise-free path is
full cooperation.

The five standard strategies:

========  ===========================================================================
``AllC``  always cooperate
``AllD``  always defect
``Grim``  cooperate until the other defects once, then defect for ever
``TFT``   tit for tat: cooperate first, then do what the other did last round
``WSLS``  win-stay lose-shift (Pavlov): cooperate after (C, C) or (D, D), defect otherwise
========  ===========================================================================

Grim and TFT react to the other's realized action; WSLS to the realized outcome (Nowak and
Sigmund 1993), so after its own mistake it switches.

Examples
--------
>>> from games import prisoners_dilemma
>>> g = induced_game(prisoners_dilemma(T=5, R=3, P=1, S=0), discount=0.9)
>>> g.strategies[0]
('AllC', 'AllD', 'Grim', 'TFT', 'WSLS')
>>> round(float(g.row_payoffs[1, 2]), 10)   # AllD against Grim: (1 − δ)T + δP
1.4
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .game import Game
from .stage import stage_payoffs

__all__ = [
    "ALLC",
    "ALLD",
    "GRIM",
    "STANDARD",
    "TFT",
    "WSLS",
    "Automaton",
    "discounted_outcomes",
    "grim_trigger_threshold",
    "induced_game",
]

# Outcome order (own action, other's action): CC, CD, DC, DD; action 0 = C, 1 = D.
_OUTCOMES = ((0, 0), (0, 1), (1, 0), (1, 1))


@dataclass(frozen=True)
class Automaton:
    """A repeated-game strategy as a finite automaton.

    Parameters
    ----------
    name : str
        The strategy's label in the induced game.
    actions : sequence of {"C", "D"}
        The action played in each state.
    transitions : sequence of sequences of int
        For each state, the next state: either two entries (after the other's C, after the
        other's D) or four (after the outcomes CC, CD, DC, DD, own action first).
    initial : int
        The starting state.

    Raises
    ------
    ValueError
        For an unknown action, a transition to a state that does not exist, or a wrong number
        of entries.

    Examples
    --------
    Tit for two tats: defect only after two defections of the other in a row.

    >>> tf2t = Automaton("TF2T", actions="CCD", transitions=[(0, 1), (0, 2), (0, 2)])
    >>> tf2t.table[1]
    (0, 2, 0, 2)
    """

    name: str
    actions: tuple[str, ...]
    transitions: tuple[tuple[int, ...], ...]
    initial: int = 0

    def __post_init__(self) -> None:
        actions = tuple(self.actions)
        if not actions:
            raise ValueError(f"automaton {self.name!r} needs at least one state")
        for a in actions:
            if a not in ("C", "D"):
                raise ValueError(f"automaton {self.name!r}: action {a!r} is not 'C' or 'D'")
        if len(self.transitions) != len(actions):
            raise ValueError(f"automaton {self.name!r}: {len(actions)} states but {len(self.transitions)} transition rows")
        table = []
        for k, row in enumerate(self.transitions):
            row = tuple(int(v) for v in row)
            if len(row) == 2:  # on the other's action only
                row = (row[0], row[1], row[0], row[1])
            if len(row) != 4:
                raise ValueError(f"automaton {self.name!r}: state {k} needs 2 or 4 next states, got {len(row)}")
            if any(not 0 <= v < len(actions) for v in row):
                raise ValueError(f"automaton {self.name!r}: state {k} moves to a state that does not exist: {row}")
            table.append(row)
        if not 0 <= self.initial < len(actions):
            raise ValueError(f"automaton {self.name!r}: initial state {self.initial} does not exist")
        object.__setattr__(self, "actions", actions)
        object.__setattr__(self, "transitions", tuple(table))

    @property
    def table(self) -> tuple[tuple[int, int, int, int], ...]:
        """Next state after each outcome CC, CD, DC, DD (own action first), per state."""
        return self.transitions  # type: ignore[return-value]


ALLC = Automaton("AllC", "C", [(0, 0)])
ALLD = Automaton("AllD", "D", [(0, 0)])
GRIM = Automaton("Grim", "CD", [(0, 1), (1, 1)])
TFT = Automaton("TFT", "CD", [(0, 1), (0, 1)])
WSLS = Automaton("WSLS", "CD", [(0, 1, 1, 0), (0, 1, 1, 0)])
#: AllC, AllD, Grim, TFT, WSLS: the default strategy set of ``RepeatedPlay``.
STANDARD = (ALLC, ALLD, GRIM, TFT, WSLS)


def _chain(first: Automaton, second: Automaton, noise: float) -> tuple[np.ndarray, np.ndarray, int]:
    """Transition matrix over state pairs, outcome probabilities per state pair, start index."""
    n1, n2 = len(first.actions), len(second.actions)
    size = n1 * n2
    M = np.zeros((size, size))
    outcome = np.zeros((size, 4))
    for s1 in range(n1):
        for s2 in range(n2):
            k = s1 * n2 + s2
            a1, a2 = (0 if first.actions[s1] == "C" else 1), (0 if second.actions[s2] == "C" else 1)
            for o, (r1, r2) in enumerate(_OUTCOMES):
                p = (1 - noise if r1 == a1 else noise) * (1 - noise if r2 == a2 else noise)
                if p == 0:
                    continue
                outcome[k, o] += p
                n1_next = first.table[s1][o]
                n2_next = second.table[s2][_OUTCOMES.index((r2, r1))]
                M[k, n1_next * n2 + n2_next] += p
    return M, outcome, first.initial * n2 + second.initial


def discounted_outcomes(first: Automaton, second: Automaton, discount: float, noise: float = 0.0) -> np.ndarray:
    """Discounted distribution (1 − δ) Σₜ δᵗ P(outcome at t) over CC, CD, DC, DD.

    Outcomes are from the first automaton's side (its action first).

    Examples
    --------
    >>> discounted_outcomes(GRIM, ALLD, 0.9).round(10).tolist()   # one round CD, then DD
    [0.0, 0.1, 0.0, 0.9]
    """
    M, outcome, start = _chain(first, second, noise)
    size = len(M)
    # Occupation measure o solves o (I − δM) = (1 − δ) e_start.
    e = np.zeros(size)
    e[start] = 1.0
    occupation = np.linalg.solve((np.eye(size) - discount * M).T, (1 - discount) * e)
    return occupation @ outcome


def induced_game(
    stage: Game,
    discount: float,
    strategies: Sequence[Automaton] = STANDARD,
    noise: float = 0.0,
    ledger: dict[str, np.ndarray] | None = None,
) -> Game:
    """The normal form induced by repeating a 2×2 stage game over a set of automata.

    Parameters
    ----------
    stage : Game
        A 2×2 stage game (strategy 0 = C, 1 = D).
    discount : float
        δ in (0, 1).
    strategies : sequence of Automaton
        Both players' strategy set (AllC, AllD, Grim, TFT, WSLS by default).
    noise : float
        Implementation noise ε in [0, 0.5).
    ledger : dict, optional
        Extra per-outcome 2×2 matrices (payments of a mechanism, indexed like the stage game)
        to carry through the repetition; each is replaced in place by its discounted
        induced matrix.

    Returns
    -------
    Game
        Strategies labelled by the automata's names; payoffs are normalized discounted sums.

    Raises
    ------
    ValueError
        If the stage game is not 2×2 or a parameter is out of range.
    """
    if stage.shape != (2, 2):
        raise ValueError(f"repeated play needs a 2×2 stage game, not {stage.shape}")
    if not 0 < discount < 1:
        raise ValueError(f"discount must lie in (0, 1), got {discount}")
    if not 0 <= noise < 0.5:
        raise ValueError(f"noise must lie in [0, 0.5), got {noise}")
    names = [s.name for s in strategies]
    if len(set(names)) != len(names):
        raise ValueError(f"strategy names must be distinct: {names}")
    k = len(strategies)
    # Stage values per outcome (row's action, col's action) in the order CC, CD, DC, DD.
    a = np.array([stage.row_payoffs[o] for o in _OUTCOMES])
    b = np.array([stage.col_payoffs[o] for o in _OUTCOMES])
    extra = {key: np.array([np.asarray(m)[o] for o in _OUTCOMES]) for key, m in (ledger or {}).items()}
    A, B, C, mask = np.zeros((k, k)), np.zeros((k, k)), np.zeros((k, k)), np.zeros((k, k), dtype=bool)
    induced = {key: np.zeros((k, k)) for key in extra}
    for i, first in enumerate(strategies):
        for j, second in enumerate(strategies):
            d = discounted_outcomes(first, second, discount, noise)
            A[i, j], B[i, j], C[i, j] = d @ a, d @ b, d[0]
            for key, values in extra.items():
                induced[key][i, j] = d @ values
            if noise > 0:
                mask[i, j] = discounted_outcomes(first, second, discount, 0.0)[0] >= 1 - 1e-12
            else:
                mask[i, j] = d[0] >= 1 - 1e-12
    if ledger is not None:
        ledger.update(induced)
    label = f"{stage.name or 'stage game'} repeated (δ={discount:g}" + (f", ε={noise:g})" if noise else ")")
    return Game(
        A,
        B,
        players=stage.players,
        strategies=(tuple(names), tuple(names)),
        cooperation=np.clip(C, 0, 1),
        name=label,
        cooperative=mask,
    )


def grim_trigger_threshold(game: Game) -> tuple[float, float]:
    """Each player's analytic grim-trigger threshold δ*ᵢ = (Tᵢ − Rᵢ)/(Tᵢ − Pᵢ).

    (Grim, Grim) is a Nash equilibrium of the repeated game iff δ ≥ maxᵢ δ*ᵢ. A player with no
    temptation (T ≤ R) has threshold 0.

    Raises
    ------
    ValueError
        If a player with T > R has T ≤ P: mutual defection does not punish, and no discount
        sustains cooperation by grim trigger.

    Examples
    --------
    >>> from games import prisoners_dilemma, donation_game
    >>> grim_trigger_threshold(prisoners_dilemma(T=5, R=3, P=1, S=0))
    (0.5, 0.5)
    >>> grim_trigger_threshold(donation_game(b=4, c=1))   # c / b
    (0.25, 0.25)
    """
    result = []
    for who, p in zip(("row", "column"), stage_payoffs(game)):
        if p.T <= p.R:
            result.append(0.0)
        elif p.T <= p.P:
            raise ValueError(f"the {who} player has T ≤ P: reversion to mutual defection does not punish a deviation")
        else:
            result.append((p.T - p.R) / (p.T - p.P))
    return result[0], result[1]
