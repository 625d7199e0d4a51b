"""Repeated play: the induced normal form of an infinitely repeated 2×2 stage game.

Each government follows a finite automaton: states, the action each state plays, and the next
state after each realized outcome (own action, other's action). With implementation noise ε
each intended action is flipped with probability ε. The two automata form a joint Markov chain
over state pairs with transition matrix M; the normalized discounted payoff of a strategy pair
is (1 − δ) Σₜ δᵗ E[uₜ] = (1 − δ) π₀ (I − δM)⁻¹ u, computed exactly by one linear solve, never
by simulation. For automata with at most :data:`EXACT_STATES` state pairs (every standard
pair) the solve is done in exact rationals, δ and ε read from their decimal strings, so ties
between strategies (AllC, TFT and Grim against Grim) are exact ties. The cooperation matrix of
the induced game is the discounted share of rounds with mutual cooperation *as realised* under
the noise.

Which profiles count as cooperative (the ``cooperative`` mask, which the cooperation level and
the basin read): a profile is cooperative when its noise-free path is full cooperation and,
under noise ε > 0, its realised share of mutual cooperation is at least
:data:`REALISED_SHARE` (one half) of (1 − ε)², the largest share any pair of strategies can
realise under that noise (each round, both intended C's survive with probability (1 − ε)²;
AllC against AllC attains it). So a profile counts as cooperative only if mutual cooperation is
realised in at least half of the rounds it could be. The rule agrees with the noise-free one
as ε → 0, and it separates the strategies that recover from a mistake (WSLS; AllC) from those
that a single mistake throws into lasting punishment (Grim) or echoing retaliation (TFT), the
distinction of Nowak and Sigmund (1993) and Fudenberg, Rand and Dreber (2012).

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

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .errors import UserInputError
from .game import Game, rational
from .stage import stage_payoffs

__all__ = [
    "ALLC",
    "ALLD",
    "EXACT_STATES",
    "GRIM",
    "REALISED_SHARE",
    "STANDARD",
    "TFT",
    "WSLS",
    "Automaton",
    "discounted_outcomes",
    "grim_trigger_threshold",
    "induced_game",
    "standard_strategy",
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
    UserInputError
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
            raise UserInputError(f"automaton {self.name!r} needs at least one state")
        for a in actions:
            if a not in ("C", "D"):
                raise UserInputError(f"automaton {self.name!r}: action {a!r} is not 'C' or 'D'")
        if len(self.transitions) != len(actions):
            raise UserInputError(f"automaton {self.name!r}: {len(actions)} states but {len(self.transitions)} transition rows")
        table = []
        for k, row in enumerate(self.transitions):
            row = tuple(int(v) for v in row)
            if len(row) == 2:  # on the other's action only
                row = (row[0], row[1], row[0], row[1])
            if len(row) != 4:
                raise UserInputError(f"automaton {self.name!r}: state {k} needs 2 or 4 next states, got {len(row)}")
            if any(not 0 <= v < len(actions) for v in row):
                raise UserInputError(f"automaton {self.name!r}: state {k} moves to a state that does not exist: {row}")
            table.append(row)
        if not 0 <= self.initial < len(actions):
            raise UserInputError(f"automaton {self.name!r}: initial state {self.initial} does not exist")
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
#: Under noise ε, a profile is cooperative when its realised share of mutual cooperation is at
#: least this fraction of (1 − ε)² (and its noise-free path is full cooperation).
REALISED_SHARE = Fraction(1, 2)
#: Largest number of state pairs whose induced payoffs are solved in exact rationals.
EXACT_STATES = 16


def standard_strategy(strategy: Automaton | str) -> Automaton:
    """An automaton, or the standard automaton of that name (``"AllC"``, ``"Grim"``, …).

    Raises
    ------
    UserInputError
        For an unknown name, with the closest standard name.

    Examples
    --------
    >>> standard_strategy("Grim") is GRIM
    True
    >>> standard_strategy("WLSL")
    Traceback (most recent call last):
    ...
    games.errors.UserInputError: unknown strategy 'WLSL' (did you mean 'WSLS'?); standard strategies: AllC, AllD, Grim, TFT, WSLS
    """
    if isinstance(strategy, Automaton):
        return strategy
    names = {a.name: a for a in STANDARD}
    if isinstance(strategy, str) and strategy.strip() in names:
        return names[strategy.strip()]
    if not isinstance(strategy, str):
        raise UserInputError(f"a strategy is an Automaton or a standard name, got {strategy!r}")
    folded = {name.lower(): name for name in names}
    close = difflib.get_close_matches(strategy.strip().lower(), list(folded), n=1, cutoff=0.5)
    hint = f" (did you mean '{folded[close[0]]}'?)" if close else ""
    raise UserInputError(f"unknown strategy {strategy!r}{hint}; standard strategies: {', '.join(names)}")


def _decimal(value: float | Fraction) -> Fraction:
    """A probability or discount as an exact rational, read as payoffs are (0.95 is 19/20)."""
    return value if isinstance(value, Fraction) else rational(float(value))


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


def _path_outcomes(first: Automaton, second: Automaton, discount: Fraction) -> tuple[Fraction, ...]:
    """Noise-free :func:`discounted_outcomes` in exact rationals, by following the path.

    Without noise the pair of automata moves deterministically, so its path is a prefix of k
    outcomes followed by a cycle of L: (1 − δ)[Σ_{t<k} δᵗ u_t + δᵏ/(1 − δᴸ) Σ_{j<L} δʲ u_{k+j}].
    """
    seen: dict[tuple[int, int], int] = {}
    path: list[int] = []
    state = (first.initial, second.initial)
    while state not in seen:
        seen[state] = len(path)
        s1, s2 = state
        a1, a2 = (0 if first.actions[s1] == "C" else 1), (0 if second.actions[s2] == "C" else 1)
        o = _OUTCOMES.index((a1, a2))
        path.append(o)
        state = (first.table[s1][o], second.table[s2][_OUTCOMES.index((a2, a1))])
    k = seen[state]
    occupation = [Fraction(0)] * 4
    weight = 1 - discount
    for t in range(k):
        occupation[path[t]] += weight
        weight *= discount
    weight /= 1 - discount ** (len(path) - k)
    for o in path[k:]:
        occupation[o] += weight
        weight *= discount
    return tuple(occupation)


def _exact_outcomes(first: Automaton, second: Automaton, discount: Fraction, noise: Fraction) -> tuple[Fraction, ...]:
    """:func:`discounted_outcomes` in exact rationals (Gauss–Jordan on Fractions)."""
    n1, n2 = len(first.actions), len(second.actions)
    size = n1 * n2
    M = [[Fraction(0)] * size for _ in range(size)]
    outcome = [[Fraction(0)] * 4 for _ in range(size)]
    keep = 1 - noise
    for s1 in range(n1):
        for s2 in range(n2):
            k = s1 * n2 + s2
            a1, a2 = (0 if first.actions[s1] == "C" else 1), (0 if second.actions[s2] == "C" else 1)
            for o, (r1, r2) in enumerate(_OUTCOMES):
                p = (keep if r1 == a1 else noise) * (keep if r2 == a2 else noise)
                if p == 0:
                    continue
                outcome[k][o] += p
                nxt = first.table[s1][o] * n2 + second.table[s2][_OUTCOMES.index((r2, r1))]
                M[k][nxt] += p
    # o (I − δM) = (1 − δ) e_start, i.e. (I − δM)ᵀ oᵀ = (1 − δ) e_start.
    start = first.initial * n2 + second.initial
    rows = [[(1 if i == j else 0) - discount * M[j][i] for j in range(size)] + [(1 - discount) if i == start else Fraction(0)] for i in range(size)]
    for col in range(size):
        pivot = next(r for r in range(col, size) if rows[r][col] != 0)  # I − δMᵀ is invertible for δ < 1
        rows[col], rows[pivot] = rows[pivot], rows[col]
        head = rows[col][col]
        rows[col] = [v / head for v in rows[col]]
        for r in range(size):
            if r != col and rows[r][col] != 0:
                f = rows[r][col]
                rows[r] = [v - f * w for v, w in zip(rows[r], rows[col])]
    occupation = [rows[i][size] for i in range(size)]
    return tuple(sum((occupation[k] * outcome[k][o] for k in range(size)), Fraction(0)) for o in range(4))


def discounted_outcomes(first: Automaton, second: Automaton, discount: float, noise: float = 0.0, *, exact: bool = False) -> np.ndarray:
    """Discounted distribution (1 − δ) Σₜ δᵗ P(outcome at t) over CC, CD, DC, DD.

    Outcomes are from the first automaton's side (its action first). With ``exact=True`` the
    result is an array of :class:`~fractions.Fraction`, δ and ε read as the decimals they
    print as.

    Examples
    --------
    >>> discounted_outcomes(GRIM, ALLD, 0.9).round(10).tolist()   # one round CD, then DD
    [0.0, 0.1, 0.0, 0.9]
    >>> [str(v) for v in discounted_outcomes(GRIM, GRIM, 0.5, 0.1, exact=True)]
    ['22243/32300', '26109/226100', '26109/226100', '18181/226100']
    """
    if exact:
        return np.array(_exact_outcomes(first, second, _decimal(discount), _decimal(noise)), dtype=object)
    M, outcome, start = _chain(first, second, float(noise))
    size = len(M)
    # Occupation measure o solves o (I − δM) = (1 − δ) e_start.
    e = np.zeros(size)
    e[start] = 1.0
    occupation = np.linalg.solve((np.eye(size) - float(discount) * M).T, (1 - float(discount)) * e)
    return occupation @ outcome


def induced_game(
    stage: Game,
    discount: float | Fraction,
    strategies: Sequence[Automaton | str] = STANDARD,
    noise: float | Fraction = 0.0,
    ledger: dict[str, np.ndarray] | None = None,
) -> Game:
    """The normal form induced by repeating a 2×2 stage game over a set of automata.

    Parameters
    ----------
    stage : Game
        A 2×2 stage game (strategy 0 = C, 1 = D); its exact payoffs are used.
    discount : float or Fraction
        δ in (0, 1); a float is read as the decimal it prints as.
    strategies : sequence of Automaton or str
        Both players' strategy set (AllC, AllD, Grim, TFT, WSLS by default); a name stands for
        the standard automaton of that name.
    noise : float or Fraction
        Implementation noise ε in [0, 0.5).
    ledger : dict, optional
        Extra per-outcome 2×2 matrices (payments of a mechanism, indexed like the stage game)
        to carry through the repetition; each is replaced in place by its discounted
        induced matrix.

    Returns
    -------
    Game
        Strategies labelled by the automata's names; payoffs are normalized discounted sums,
        exact for automata with at most :data:`EXACT_STATES` state pairs; the cooperation
        matrix is the realised share of mutual cooperation and ``cooperative`` follows the
        rule of the module notes.

    Raises
    ------
    UserInputError
        If the stage game is not 2×2 or a parameter is out of range.

    Examples
    --------
    Under noise 0.1, (Grim, Grim) realises mutual cooperation in 19 % of the (discounted)
    rounds, below half of the 81 % that (AllC, AllC) realises, so it is not cooperative:

    >>> from games import prisoners_dilemma
    >>> g = induced_game(prisoners_dilemma(), 0.95, ("AllC", "Grim", "WSLS"), noise=0.1)
    >>> g.cooperation.diagonal().round(3).tolist(), g.cooperative.diagonal().tolist()
    ([0.81, 0.187, 0.673], [True, False, True])
    """
    if stage.shape != (2, 2):
        raise UserInputError(f"repeated play needs a 2×2 stage game, not {stage.shape}")
    if not 0 < discount < 1:
        raise UserInputError(f"discount must lie in (0, 1), got {float(discount):g}")
    if not 0 <= noise < 0.5:
        raise UserInputError(f"noise must lie in [0, 0.5), got {float(noise):g}")
    strategies = [standard_strategy(s) for s in strategies]
    names = [s.name for s in strategies]
    if len(set(names)) != len(names):
        raise UserInputError(f"strategy names must be distinct: {names}")
    delta, eps = _decimal(discount), _decimal(noise)
    k = len(strategies)
    # Stage values per outcome (row's action, col's action) in the order CC, CD, DC, DD.
    a = [stage.exact[0][o[0]][o[1]] for o in _OUTCOMES]
    b = [stage.exact[1][o[0]][o[1]] for o in _OUTCOMES]
    extra = {key: np.array([float(np.asarray(m, dtype=float)[o]) for o in _OUTCOMES]) for key, m in (ledger or {}).items()}
    A = [[Fraction(0)] * k for _ in range(k)]
    B = [[Fraction(0)] * k for _ in range(k)]
    C = np.zeros((k, k))
    mask = np.zeros((k, k), dtype=bool)
    induced = {key: np.zeros((k, k)) for key in extra}
    best = REALISED_SHARE * (1 - eps) ** 2
    for i, first in enumerate(strategies):
        for j, second in enumerate(strategies):
            exact = len(first.actions) * len(second.actions) <= EXACT_STATES
            if exact:
                clean = _path_outcomes(first, second, delta)
                d = _exact_outcomes(first, second, delta, eps) if eps else clean
                A[i][j] = sum((p * v for p, v in zip(d, a)), Fraction(0))
                B[i][j] = sum((p * v for p, v in zip(d, b)), Fraction(0))
                realised, intended = d[0], clean[0] == 1
                floats = np.array([float(p) for p in d])
            else:  # large automata: one float solve, read back as fractions by Game
                floats = discounted_outcomes(first, second, float(delta), float(eps))
                A[i][j] = float(floats @ np.array([float(v) for v in a]))  # type: ignore[call-overload]
                B[i][j] = float(floats @ np.array([float(v) for v in b]))  # type: ignore[call-overload]
                realised = Fraction(float(floats[0]))
                intended = bool(discounted_outcomes(first, second, float(delta), 0.0)[0] >= 1 - 1e-12)
            C[i, j] = min(max(float(realised), 0.0), 1.0)
            mask[i, j] = intended and (eps == 0 or realised >= best)
            for key, values in extra.items():
                induced[key][i, j] = floats @ values
    if ledger is not None:
        ledger.update(induced)
    label = f"{stage.name or 'stage game'} repeated (δ={float(delta):g}" + (f", ε={float(eps):g})" if eps else ")")
    return Game(
        A,
        B,
        players=stage.players,
        strategies=(tuple(names), tuple(names)),
        cooperation=C,
        name=label,
        cooperative=mask,
    )


def grim_trigger_threshold(game: Game) -> tuple[float, float]:
    """Each player's analytic grim-trigger threshold δ*ᵢ = (Tᵢ − Rᵢ)/(Tᵢ − Pᵢ).

    (Grim, Grim) is a Nash equilibrium of the repeated game iff δ ≥ maxᵢ δ*ᵢ. A player with no
    temptation (T ≤ R) has threshold 0.

    Raises
    ------
    UserInputError
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
            raise UserInputError(f"the {who} player has T ≤ P: reversion to mutual defection does not punish a deviation")
        else:
            result.append((p.T - p.R) / (p.T - p.P))
    return result[0], result[1]
