"""Coordination mechanisms as pure payoff transforms with their own accounting (docs/models.md).

Every mechanism is a frozen dataclass of validated parameters. ``apply(game, *mechanisms)``
returns a new game: the stage-game transforms first, in the order given, then
``RepeatedPlay`` (at most one) on the transformed stage game. A ``ThirdPartyOrganization``
raises every detection or enforcement probability x of the other mechanisms in the stack to
1 − (1 − x)(1 − q), and scales repeated-play noise ε to ε(1 − q).

=========================  ====================================================================
mechanism                  effect on a government's payoff (strategy 0 = C, 1 = D)
=========================  ====================================================================
``HigherLevelGuidance``    +s if it cooperates, −p·f if it defects; the guiding government pays
                           s per cooperator and the inspection cost k, and collects p·f per
                           defector
``BindingContract``        a defector against a cooperator pays e·L, of which the cooperator
                           receives θ·e·L and the enforcer the rest; in mutual defection each
                           pays e·L to the enforcer only if ``mutual_breach``; both pay the
                           signing cost k
``ThirdPartyOrganization`` each member pays the fee c; detection q strengthens the others
``SidePayment``            at (C, C) the payer gives t to the other
``RepeatedPlay``           the induced normal form over automata with discount δ and noise ε
=========================  ====================================================================

The transforms are computed exactly: :func:`apply` runs them on the game's exact payoffs
(:attr:`Game.exact`) with every parameter read as payoffs are (``0.1`` is 1/10),
including the third party's strengthened probabilities, so payoffs such as 2.9 stay 2.9 and a
subsidy exactly at a threshold leaves an exact tie. The same ``batch_transform`` functions run
in floats on stacks of games (:mod:`solver.design.batch`).

Each mechanism also says who pays whom, per outcome: :func:`accounting` returns a
:class:`Ledger` of flows between the parties ``row``, ``col`` (the two governments),
``guide`` (the guiding government), ``third party``, ``enforcer`` and ``deadweight``
(inspection and signing costs that no party receives). Payoff changes of the two governments
equal their net flows, and every flow has a payer and a payee, so the books balance.

Examples
--------
>>> from games import prisoners_dilemma
>>> g = apply(prisoners_dilemma(T=5, R=3, P=1, S=0), HigherLevelGuidance(subsidy=1, penalty=2, detection=0.5))
>>> g.row_payoffs.tolist()   # C: +1; D: −0.5·2
[[4.0, 1.0], [4.0, 0.0]]
>>> book = accounting(prisoners_dilemma(), HigherLevelGuidance(subsidy=1, penalty=2, detection=0.5))
>>> book.at((1, 0), (1, 0))["guide"]   # both cooperate: the guide pays 2 subsidies
(2.0, 0.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from fractions import Fraction
from typing import Any, ClassVar

import numpy as np
import numpy.typing as npt

from .errors import UserInputError
from .game import Game, rational
from .repeated import STANDARD, Automaton, induced_game, standard_strategy

__all__ = [
    "MECHANISMS",
    "PARTIES",
    "BindingContract",
    "Flow",
    "HigherLevelGuidance",
    "Ledger",
    "Mechanism",
    "RepeatedPlay",
    "SidePayment",
    "ThirdPartyOrganization",
    "accounting",
    "apply",
    "exact_parameter",
    "mechanism_from_dict",
]

#: Who can pay or receive.
PARTIES = ("row", "col", "guide", "third party", "enforcer", "deadweight")
_MEMBERS = ("row", "col")


def _v(value: Any) -> np.ndarray:
    """A parameter as an array (a scalar, or one value per game of a stack); Fractions stay exact."""
    if isinstance(value, Fraction) or (isinstance(value, np.ndarray) and value.dtype == object):
        return np.asarray(value, dtype=object)
    return np.asarray(value, dtype=float)


def _copy(matrix: Any) -> np.ndarray:
    """A payoff matrix or stack as a new array: exact (object) entries stay exact."""
    if isinstance(matrix, np.ndarray) and matrix.dtype == object:
        return matrix.copy()
    return np.array(matrix, dtype=float)


def exact_parameter(value: float) -> Fraction:
    """A parameter as an exact rational, read as payoffs are (:func:`games.game.rational`).

    The nearest fraction with denominator ≤ 10⁹: the decimal a modeller wrote (``0.1`` is
    1/10), and a threshold computed as a float (7/27) is read back as that threshold.

    >>> exact_parameter(0.1), exact_parameter(2.0), exact_parameter(7 / 27)
    (Fraction(1, 10), Fraction(2, 1), Fraction(7, 27))
    """
    return rational(float(value))


def _check(owner: str, name: str, value: Any, low: float, high: float, *, open_low: bool = False, open_high: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or (isinstance(value, float) and not math.isfinite(value)):
        raise UserInputError(f"{owner}: {name} must be a finite number, got {value!r}")
    if value != 0 and not 1e-100 <= abs(value) <= 1e100:  # a subnormal strength made 1e-313 payoffs
        shown = f"{value:g}" if abs(value) < 1e300 else "a number beyond 1e+300"
        raise UserInputError(f"{owner}: {name} must be 0 or have 1e-100 ≤ |x| ≤ 1e+100, got {shown}")
    too_low = value <= low if open_low else value < low
    too_high = value >= high if open_high else value > high
    if too_low or too_high:
        left, right = "(" if open_low else "[", ")" if open_high else "]"
        what = f"≥ {low:g}" if high == math.inf else f"in {left}{low:g}, {high:g}{right}"
        raise UserInputError(f"{owner}: {name} must be {what}, got {value:g}")
    return float(value)


@dataclass(frozen=True)
class Flow:
    """A payment from ``payer`` to ``payee`` for ``item``, per pure profile of the game."""

    payer: str
    payee: str
    item: str
    amount: npt.NDArray[np.float64]


@dataclass(frozen=True)
class Ledger:
    """Who pays whom under a stack of mechanisms, per pure profile of the resulting game.

    Examples
    --------
    >>> from games import prisoners_dilemma
    >>> book = accounting(prisoners_dilemma(), ThirdPartyOrganization(fee=0.5))
    >>> book.net("third party").tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """

    flows: tuple[Flow, ...] = ()
    shape: tuple[int, int] = (2, 2)

    def paid(self, party: str) -> np.ndarray:
        """What a party pays, per profile."""
        return sum((f.amount for f in self.flows if f.payer == party), np.zeros(self.shape))

    def received(self, party: str) -> np.ndarray:
        """What a party receives, per profile."""
        return sum((f.amount for f in self.flows if f.payee == party), np.zeros(self.shape))

    def net(self, party: str) -> np.ndarray:
        """Received minus paid, per profile."""
        return self.received(party) - self.paid(party)

    @property
    def parties(self) -> tuple[str, ...]:
        """Parties that pay or receive anything, in the order of :data:`PARTIES`."""
        used = {f.payer for f in self.flows} | {f.payee for f in self.flows}
        return tuple(p for p in PARTIES if p in used)

    def at(self, row: npt.ArrayLike, col: npt.ArrayLike) -> dict[str, tuple[float, float]]:
        """Expected (paid, received) of every party at mixed strategies ``row`` and ``col``."""
        x, y = np.asarray(row, dtype=float), np.asarray(col, dtype=float)
        return {p: (float(x @ self.paid(p) @ y), float(x @ self.received(p) @ y)) for p in self.parties}

    def items(self, row: npt.ArrayLike, col: npt.ArrayLike) -> list[tuple[str, str, str, float]]:
        """Expected flows (payer, payee, item, amount) at mixed strategies, non-zero ones only."""
        x, y = np.asarray(row, dtype=float), np.asarray(col, dtype=float)
        out = [(f.payer, f.payee, f.item, float(x @ f.amount @ y)) for f in self.flows]
        return [entry for entry in out if abs(entry[3]) > 1e-15]


class Mechanism:
    """Common behaviour of the mechanisms: a kind name, parameters, a short description."""

    kind: ClassVar[str] = ""
    #: Numeric parameters: (low, high, open_low, open_high); used for validation and design.
    RANGES: ClassVar[dict[str, tuple[float, float, bool, bool]]] = {}

    def _validate(self) -> None:
        for name, (low, high, open_low, open_high) in self.RANGES.items():
            value = _check(type(self).__name__, name, getattr(self, name), low, high, open_low=open_low, open_high=open_high)
            object.__setattr__(self, name, value)

    def _extra(self) -> dict[str, Any]:
        """Non-numeric arguments of ``batch_transform`` (the payer, mutual breach)."""
        return {}

    def exact_transform(self, a: Any, b: Any, overrides: dict[str, Fraction] | None = None) -> tuple[np.ndarray, np.ndarray]:
        """The transform in exact rationals: payoffs and parameters as :class:`~fractions.Fraction`.

        Each parameter is read from its decimal string (:func:`exact_parameter`); ``overrides``
        replaces some by exact values (the third party's strengthened probabilities).

        Examples
        --------
        >>> a, b = HigherLevelGuidance(subsidy=0.1).exact_transform([[3, 0], [5, 1]], [[3, 5], [0, 1]])
        >>> str(a[0, 0])
        '31/10'
        """
        params = {name: exact_parameter(getattr(self, name)) for name in self.RANGES}
        params.update(overrides or {})
        exact = [np.array([[Fraction(v) for v in row] for row in np.asarray(m, dtype=object)], dtype=object) for m in (a, b)]
        return type(self).batch_transform(exact[0], exact[1], **params, **self._extra())  # type: ignore[attr-defined]

    def parameters(self) -> dict[str, Any]:
        """The parameters as a plain dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}  # type: ignore[arg-type]

    def describe(self) -> str:
        """A short description in words for tables and figures: ``"higher level guidance (subsidy 1, penalty 2)"``."""
        shown = []
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            words = f.name.replace("_", " ")
            if f.name == "strategies":
                if value != STANDARD:
                    shown.append(f"strategies {'/'.join(s.name for s in value)}")
                continue
            if value != f.default or f.name == "discount":
                shown.append(f"{words} {value:.4g}" if isinstance(value, float) else f"{words} {'yes' if value is True else 'no' if value is False else value}")
        return f"{self.kind.replace('_', ' ')}" + (f" ({', '.join(shown)})" if shown else "")


def _outcome(who: int, mine: int) -> np.ndarray:
    """Indicator over the 2×2 outcomes of player ``who`` playing ``mine``."""
    m = np.zeros((2, 2))
    if who == 0:
        m[mine, :] = 1
    else:
        m[:, mine] = 1
    return m


@dataclass(frozen=True)
class HigherLevelGuidance(Mechanism):
    """Guidance by a superior government: subsidy s for cooperating, fine f detected with p.

    Parameters
    ----------
    subsidy : float
        s ≥ 0 paid to each cooperating government.
    penalty : float
        f ≥ 0 charged to a defecting government when detected.
    detection : float
        p ∈ [0, 1], the probability that defection is detected.
    inspection_cost : float
        k ≥ 0 the guiding government spends on inspection per play.

    Examples
    --------
    >>> HigherLevelGuidance(detection=1.5)
    Traceback (most recent call last):
    ...
    games.errors.UserInputError: HigherLevelGuidance: detection must be in [0, 1], got 1.5
    """

    subsidy: float = 0.0
    penalty: float = 0.0
    detection: float = 1.0
    inspection_cost: float = 0.0

    kind: ClassVar[str] = "higher_level_guidance"
    RANGES: ClassVar = {
        "subsidy": (0.0, math.inf, False, True),
        "penalty": (0.0, math.inf, False, True),
        "detection": (0.0, 1.0, False, False),
        "inspection_cost": (0.0, math.inf, False, True),
    }

    def __post_init__(self) -> None:
        self._validate()

    def transform(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Stage payoffs after guidance: +s to a cooperator, −p·f to a defector."""
        return self.batch_transform(a, b, self.subsidy, self.penalty, self.detection)

    @staticmethod
    def batch_transform(a: np.ndarray, b: np.ndarray, subsidy=0.0, penalty=0.0, detection=1.0, inspection_cost=0.0):
        """Stage payoffs after guidance: +s to a cooperator, −p·f to a defector.

        Works on one 2×2 game or a stack (N, 2, 2) with parameters given per game.
        """
        fine = _v(_v(detection) * _v(penalty))
        a, b = _copy(a), _copy(b)
        a[..., 0, :] += _v(subsidy)[..., None]
        a[..., 1, :] -= fine[..., None]
        b[..., :, 0] += _v(subsidy)[..., None]
        b[..., :, 1] -= fine[..., None]
        return a, b

    def flows(self) -> list[Flow]:
        fine = float(exact_parameter(self.detection) * exact_parameter(self.penalty))
        out = []
        for who, member in enumerate(_MEMBERS):
            out.append(Flow("guide", member, "subsidy", self.subsidy * _outcome(who, 0)))
            out.append(Flow(member, "guide", "fine", fine * _outcome(who, 1)))
        out.append(Flow("guide", "deadweight", "inspection", np.full((2, 2), self.inspection_cost)))
        return out


@dataclass(frozen=True)
class BindingContract(Mechanism):
    """A binding agreement with a breach penalty L enforced with probability e.

    Parameters
    ----------
    breach_penalty : float
        L ≥ 0 owed by a government that defects.
    enforcement : float
        e ∈ [0, 1], the probability that a breach is enforced.
    compensation : float
        θ ∈ [0, 1], the share of an enforced penalty paid to the wronged cooperator.
    signing_cost : float
        k ≥ 0 each signatory pays (negotiation, legal costs).
    mutual_breach : bool
        Whether both pay e·L to the enforcer in mutual defection (otherwise the claims cancel).
    """

    breach_penalty: float = 0.0
    enforcement: float = 1.0
    compensation: float = 1.0
    signing_cost: float = 0.0
    mutual_breach: bool = False

    kind: ClassVar[str] = "binding_contract"
    RANGES: ClassVar = {
        "breach_penalty": (0.0, math.inf, False, True),
        "enforcement": (0.0, 1.0, False, False),
        "compensation": (0.0, 1.0, False, False),
        "signing_cost": (0.0, math.inf, False, True),
    }

    def __post_init__(self) -> None:
        self._validate()
        if not isinstance(self.mutual_breach, bool):
            raise UserInputError(f"BindingContract: mutual_breach must be true or false, got {self.mutual_breach!r}")

    def _extra(self) -> dict[str, Any]:
        return {"mutual_breach": self.mutual_breach}

    def transform(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Stage payoffs under the contract."""
        params = {k: getattr(self, k) for k in self.RANGES}
        return self.batch_transform(a, b, mutual_breach=self.mutual_breach, **params)

    @staticmethod
    def batch_transform(a, b, breach_penalty=0.0, enforcement=1.0, compensation=1.0, signing_cost=0.0, mutual_breach=False):
        """Stage payoffs under the contract, for one game or a stack with per-game parameters."""
        owed = _v(_v(enforcement) * _v(breach_penalty))
        k = _v(signing_cost)[..., None, None]
        a, b = _copy(a) - k, _copy(b) - k
        a[..., 0, 1] += _v(compensation) * owed
        a[..., 1, 0] -= owed
        b[..., 1, 0] += _v(compensation) * owed
        b[..., 0, 1] -= owed
        if mutual_breach:
            a[..., 1, 1] -= owed
            b[..., 1, 1] -= owed
        return a, b

    def flows(self) -> list[Flow]:
        owed = float(exact_parameter(self.enforcement) * exact_parameter(self.breach_penalty))
        out = []
        for who, member in enumerate(_MEMBERS):
            other = _MEMBERS[1 - who]
            breach = np.zeros((2, 2))
            breach[(1, 0) if who == 0 else (0, 1)] = 1  # it defects, the other cooperates
            share = exact_parameter(self.compensation) * Fraction(owed)
            out.append(Flow(member, other, "compensation", float(share) * breach))
            out.append(Flow(member, "enforcer", "breach penalty", float(Fraction(owed) - share) * breach))
            mutual = np.zeros((2, 2))
            mutual[1, 1] = 1.0 if self.mutual_breach else 0.0
            out.append(Flow(member, "enforcer", "mutual breach penalty", owed * mutual))
            out.append(Flow(member, "deadweight", "signing", np.full((2, 2), self.signing_cost)))
        return out


@dataclass(frozen=True)
class ThirdPartyOrganization(Mechanism):
    """A third-party organization (an association, a joint office) that monitors and informs.

    Parameters
    ----------
    fee : float
        c ≥ 0 each member pays per play.
    detection : float
        q ∈ [0, 1]: every detection or enforcement probability x of the other mechanisms becomes
        1 − (1 − x)(1 − q), and repeated-play noise ε becomes ε(1 − q).
    """

    fee: float = 0.0
    detection: float = 0.0

    kind: ClassVar[str] = "third_party_organization"
    RANGES: ClassVar = {"fee": (0.0, math.inf, False, True), "detection": (0.0, 1.0, False, False)}

    def __post_init__(self) -> None:
        self._validate()

    def transform(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.batch_transform(a, b, fee=self.fee)

    @staticmethod
    def batch_transform(a, b, fee=0.0, detection=0.0):
        """Members pay the fee; the detection acts through the other mechanisms (see ``apply``)."""
        c = _v(fee)[..., None, None]
        return _copy(a) - c, _copy(b) - c

    def flows(self) -> list[Flow]:
        return [Flow(member, "third party", "fee", np.full((2, 2), self.fee)) for member in _MEMBERS]


@dataclass(frozen=True)
class SidePayment(Mechanism):
    """A transfer t ≥ 0 from the payer (0 = row, 1 = column) to the other when both cooperate."""

    transfer: float = 0.0
    payer: int = 0

    kind: ClassVar[str] = "side_payment"
    RANGES: ClassVar = {"transfer": (0.0, math.inf, False, True)}

    def __post_init__(self) -> None:
        self._validate()
        if self.payer not in (0, 1) or isinstance(self.payer, bool):
            raise UserInputError(f"SidePayment: payer must be 0 (row) or 1 (column), got {self.payer!r}")

    def _extra(self) -> dict[str, Any]:
        return {"payer": self.payer}

    def transform(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self.batch_transform(a, b, transfer=self.transfer, payer=self.payer)

    @staticmethod
    def batch_transform(a, b, transfer=0.0, payer=0):
        """The transfer at (C, C), for one game or a stack with per-game transfers."""
        a, b = _copy(a), _copy(b)
        sign = -1 if payer == 0 else 1
        a[..., 0, 0] += sign * _v(transfer)
        b[..., 0, 0] -= sign * _v(transfer)
        return a, b

    def flows(self) -> list[Flow]:
        amount = np.zeros((2, 2))
        amount[0, 0] = self.transfer
        return [Flow(_MEMBERS[self.payer], _MEMBERS[1 - self.payer], "side payment", amount)]


@dataclass(frozen=True)
class RepeatedPlay(Mechanism):
    """Repeated interaction: the induced normal form over automata (:mod:`games.repeated`).

    Parameters
    ----------
    discount : float
        δ ∈ (0, 1), the weight of the future.
    strategies : tuple of Automaton or str
        The strategy set (AllC, AllD, Grim, TFT, WSLS by default); a name (as in scenario
        files) stands for the standard automaton of that name, and names and automata mix.
    noise : float
        ε ∈ [0, 0.5), the probability that an intended action is flipped.

    Examples
    --------
    >>> RepeatedPlay(strategies=("AllC", "Grim")).describe()
    'repeated play (discount 0.9, strategies AllC/Grim)'
    >>> RepeatedPlay(strategies=("AllC", "Grimm"))
    Traceback (most recent call last):
    ...
    games.errors.UserInputError: RepeatedPlay: unknown strategy 'Grimm' (did you mean 'Grim'?); standard strategies: AllC, AllD, Grim, TFT, WSLS
    """

    discount: float = 0.9
    strategies: tuple[Automaton, ...] = field(default=STANDARD)
    noise: float = 0.0

    kind: ClassVar[str] = "repeated_play"
    RANGES: ClassVar = {"discount": (0.0, 1.0, True, True), "noise": (0.0, 0.5, False, True)}

    def __post_init__(self) -> None:
        self._validate()
        given = self.strategies
        if isinstance(given, (str, Automaton)):
            given = given.split(",") if isinstance(given, str) else (given,)
        try:
            strategies = tuple(standard_strategy(s) for s in given)
        except TypeError:
            raise UserInputError(f"RepeatedPlay: strategies must be a sequence of Automaton or names, got {self.strategies!r}") from None
        except ValueError as err:
            raise UserInputError(f"RepeatedPlay: {err}") from None
        if not strategies:
            raise UserInputError("RepeatedPlay: strategies must not be empty")
        names = [s.name for s in strategies]
        if len(set(names)) != len(names):
            raise UserInputError(f"RepeatedPlay: strategy names must be distinct, got {', '.join(names)}")
        object.__setattr__(self, "strategies", strategies)


#: Mechanism classes by their scenario ``kind``.
MECHANISMS: dict[str, type[Mechanism]] = {cls.kind: cls for cls in (HigherLevelGuidance, BindingContract, ThirdPartyOrganization, SidePayment, RepeatedPlay)}


def mechanism_from_dict(kind: str, parameters: dict[str, Any]) -> Mechanism:
    """Build a mechanism from its scenario kind and parameters.

    >>> mechanism_from_dict("binding_contract", {"breach_penalty": 2})
    BindingContract(breach_penalty=2.0, enforcement=1.0, compensation=1.0, signing_cost=0.0, mutual_breach=False)
    """
    try:
        cls = MECHANISMS[kind]
    except KeyError:
        raise UserInputError(f"unknown mechanism kind {kind!r}; kinds: {', '.join(MECHANISMS)}") from None
    return cls(**parameters)


def _strengthened(mechanisms: Sequence[Mechanism]) -> tuple[list[tuple[Mechanism, dict[str, Fraction]]], RepeatedPlay | None, Fraction | None]:
    """Split off RepeatedPlay and apply the third parties' detection to the others.

    Returns the stage mechanisms, each with its strengthened probabilities as exact overrides
    (and the mechanism itself carrying their correctly rounded floats, for the ledger), the
    repeated play, and its exact strengthened noise.
    """
    repeated = [m for m in mechanisms if isinstance(m, RepeatedPlay)]
    if len(repeated) > 1:
        raise UserInputError("at most one RepeatedPlay in a mechanism stack")
    for m in mechanisms:
        if not isinstance(m, Mechanism):
            raise TypeError(f"not a mechanism: {m!r}")
    miss = math.prod((1 - exact_parameter(m.detection) for m in mechanisms if isinstance(m, ThirdPartyOrganization)), start=Fraction(1))
    stage: list[tuple[Mechanism, dict[str, Fraction]]] = []
    for m in mechanisms:
        key = "detection" if isinstance(m, HigherLevelGuidance) else "enforcement" if isinstance(m, BindingContract) else None
        if key is not None and miss != 1:
            value = 1 - (1 - exact_parameter(getattr(m, key))) * miss
            stage.append((replace(m, **{key: float(value)}), {key: value}))
        elif not isinstance(m, RepeatedPlay):
            stage.append((m, {}))
    rep = repeated[0] if repeated else None
    noise = None
    if rep is not None:
        noise = exact_parameter(rep.noise) * miss
        if miss != 1:
            rep = replace(rep, noise=float(noise))
    return stage, rep, noise


def _run(game: Game, mechanisms: Sequence[Mechanism]) -> tuple[Game, Ledger]:
    if not mechanisms:
        return game, Ledger(shape=game.shape)
    if game.shape != (2, 2):
        raise UserInputError(f"mechanisms transform a 2×2 stage game (C, D), not a {game.shape[0]}×{game.shape[1]} game")
    stage, repeated, noise = _strengthened(mechanisms)
    a, b = np.array(game.exact[0], dtype=object), np.array(game.exact[1], dtype=object)
    flows: list[Flow] = []
    for m, overrides in stage:
        a, b = m.exact_transform(a, b, overrides)
        flows.extend(m.flows())  # type: ignore[attr-defined]
    names = [m.describe() for m in mechanisms]
    exact = (tuple(map(tuple, a.tolist())), tuple(map(tuple, b.tolist())))
    transformed = game.replace(row_payoffs=exact[0], col_payoffs=exact[1], name=f"{game.name or 'game'} + {' + '.join(names)}")
    if repeated is None:
        return transformed, Ledger(tuple(flows), (2, 2))
    carried = {str(k): f.amount for k, f in enumerate(flows)}
    induced = induced_game(transformed, exact_parameter(repeated.discount), repeated.strategies, noise, ledger=carried)
    induced = induced.replace(name=transformed.name)
    new_flows = tuple(replace(f, amount=carried[str(k)]) for k, f in enumerate(flows))
    return induced, Ledger(new_flows, induced.shape)


def apply(game: Game, *mechanisms: Mechanism) -> Game:
    """The game transformed by a stack of mechanisms (a new game; nothing mutates).

    Parameters
    ----------
    game : Game
        A 2×2 stage game (strategy 0 = C, 1 = D).
    *mechanisms : Mechanism
        Stage-game transforms, applied in the order given, and at most one RepeatedPlay,
        applied last. Third-party detection strengthens the others (see module notes).

    Raises
    ------
    UserInputError
        If the game is not 2×2 or the stack has two RepeatedPlay.

    Examples
    --------
    >>> from games import prisoners_dilemma
    >>> g = apply(prisoners_dilemma(), BindingContract(breach_penalty=3), ThirdPartyOrganization(fee=0.1))
    >>> g.row_payoffs.round(6).tolist()
    [[2.9, 2.9], [1.9, 0.9]]
    """
    return _run(game, mechanisms)[0]


def accounting(game: Game, *mechanisms: Mechanism) -> Ledger:
    """Who pays whom under the mechanisms, per pure profile of ``apply(game, *mechanisms)``.

    Examples
    --------
    >>> from games import prisoners_dilemma
    >>> book = accounting(prisoners_dilemma(), SidePayment(transfer=1, payer=1))
    >>> book.items((1, 0), (1, 0))
    [('col', 'row', 'side payment', 1.0)]
    """
    return _run(game, mechanisms)[1]
