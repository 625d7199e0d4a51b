"""Side-by-side comparison of mechanisms on every link: minimal strength, level, cost, payer.

A :class:`Candidate` is a mechanism with one parameter to vary (its other parameters fixed),
optionally with other mechanisms applied together. :func:`compare` runs
:func:`~solver.design.minimal_strength` for every link and candidate, evaluates the game at the
strength found, and reports the costs at the reference equilibrium (the first fully
cooperative one) with the parties named: the link's two regions, the guiding government (the
candidate's own, or the link's lowest common superior), ``third party``, ``enforcer``,
``deadweight``.

Each row says exactly which mechanisms it contains (:attr:`ComparisonRow.contains`, the varied
one first), and its label lists them all: the level and the costs are those of that stack and
nothing else. The default candidates are the generic ones of :data:`GENERIC` plus, for each
link, the scenario's own mechanisms that apply to it, each varied in its primary parameter: a
third-party organization together with the link's guidance and contracts (it acts only through
their detection), a side payment together with the link's repeated play (a transfer alone does
not make cooperation an equilibrium of a symmetric one-shot game). A scenario entry is named by
its ``name``; an unnamed one by its kind and ``(scenario)`` ("binding contract (scenario)"), so
it is never taken for the generic candidate of the same kind.

Examples
--------
>>> from regions import load_scenario
>>> result = compare(load_scenario("yongkang-wuyi-jinyun"), candidates=GENERIC[:1], target="strict")
>>> for r in result.rows:   # s* = T − R = 1 on each link, paid by the link's superior
...     print(r.link.between, r.payer, r.strength.message)
('yongkang', 'wuyi') jinhua subsidy > 1
('yongkang', 'jinyun') zhejiang subsidy > 1
('wuyi', 'jinyun') zhejiang subsidy > 1
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from games import BindingContract, Game, HigherLevelGuidance, Mechanism, RepeatedPlay, ThirdPartyOrganization, accounting, apply
from regions import PRIMARY_PARAMETER, Link, RegionNetwork

from ..cooperation import stability
from ..kernels.levels import LEVELS
from ..network import LazyRows, link_game, link_payoffs, named_costs, reference_equilibrium
from ..progress import stage
from ..stack import link_mechanisms
from .batch import BATCH_TARGETS, batch_apply, batch_minimal_strength
from .strength import Strength, minimal_strength
from .ties import tie_levels

#: The code of ``weak`` in :data:`~solver.kernels.levels.LEVELS`: codes up to it have (C, C) an equilibrium.
_NASH = LEVELS.index("weak")

__all__ = ["COMPANIONS", "GENERIC", "Candidate", "Comparison", "ComparisonRow", "candidates_for", "compare", "scenario_names"]


@dataclass(frozen=True)
class Candidate:
    """A mechanism to size: vary ``parameter``; ``others`` apply with it unchanged.

    ``other_names`` names each of ``others`` (by default its kind, "higher level guidance");
    :attr:`label` lists the whole stack. ``government`` names who gives a guidance; None means
    the link's lowest common superior.

    >>> from games import SidePayment, RepeatedPlay
    >>> Candidate("transfer", SidePayment(payer=1), "transfer", (RepeatedPlay(discount=0.9),)).label
    'transfer + repeated play'
    """

    name: str
    mechanism: Mechanism
    parameter: str
    others: tuple[Mechanism, ...] = ()
    government: str | None = None
    other_names: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "others", tuple(self.others))
        names = tuple(self.other_names) or tuple(m.kind.replace("_", " ") for m in self.others)
        if len(names) != len(self.others):
            raise ValueError(f"candidate {self.name!r}: {len(names)} other_names for {len(self.others)} other mechanisms")
        object.__setattr__(self, "other_names", names)

    @property
    def contains(self) -> tuple[str, ...]:
        """The names of every mechanism of the stack, the varied one first."""
        return (self.name, *self.other_names)

    @property
    def label(self) -> str:
        """``"varied + other + …"``: what a row of this candidate contains."""
        return " + ".join(self.contains)


#: Generic candidates tried on every link.
GENERIC = (
    Candidate("guidance: subsidy", HigherLevelGuidance(), "subsidy"),
    Candidate("guidance: penalty", HigherLevelGuidance(detection=1.0), "penalty"),
    Candidate("binding contract", BindingContract(), "breach_penalty"),
    Candidate("repeated play", RepeatedPlay(), "discount"),
)
#: Which other scenario mechanisms of a link are stacked with a varied one of each kind.
COMPANIONS = {
    "third_party_organization": ("higher_level_guidance", "binding_contract"),
    "side_payment": ("repeated_play",),
}


def scenario_names(network: RegionNetwork, link: Link, taken: Sequence[str] = ()) -> dict[int, str]:
    """The name of each scenario mechanism of a link in design rows, by ``id`` of its spec.

    An entry's ``name``; an unnamed one's kind (and government) with ``(scenario)``; a name
    already taken (by a generic candidate or an earlier entry) gets the entry's number too.

    >>> from regions import load_scenario, MechanismSpec
    >>> net = load_scenario("yongkang-wuyi-jinyun").with_mechanisms(MechanismSpec("binding_contract", {"breach_penalty": 3}))
    >>> sorted(scenario_names(net, net.links[0]).values())
    ['Hardware industry association', 'Jinhua guidance', 'Repeated interaction', 'binding contract (scenario)']
    """
    used = set(taken)
    out: dict[int, str] = {}
    number = {id(spec): k for k, spec in enumerate(network.mechanisms, 1)}
    for spec in network.mechanisms_for(link):
        name = spec.name or f"{spec.label} (scenario)"
        if name in used:
            name = f"{name} (entry {number[id(spec)]})"
        used.add(name)
        out[id(spec)] = name
    return out


def candidates_for(
    network: RegionNetwork,
    link: Link,
    generic: Sequence[Candidate] = GENERIC,
    companions: Mapping[str, Sequence[str]] = COMPANIONS,
) -> list[Candidate]:
    """The generic candidates and the scenario's mechanisms of a link, sized one at a time.

    A scenario mechanism of a kind in ``companions`` is stacked with the link's other scenario
    mechanisms of the companion kinds, which the candidate names.
    """
    out = list(generic)
    applied = link_mechanisms(network, link)
    names = scenario_names(network, link, [c.name for c in generic])
    guides = [o.payer for o in applied if o.spec.kind == "higher_level_guidance"]
    for m in applied:
        kind = m.spec.kind
        others = [o for o in applied if o is not m and o.spec.kind in companions.get(kind, ())]
        has_guide = kind == "higher_level_guidance" or any(o.spec.kind == "higher_level_guidance" for o in others)
        government = (m.payer if kind == "higher_level_guidance" else guides[0]) if has_guide else None
        out.append(
            Candidate(
                names[id(m.spec)],
                m.mechanism,
                PRIMARY_PARAMETER[kind],
                tuple(o.mechanism for o in others),
                government,
                tuple(names[id(o.spec)] for o in others),
            )
        )
    return out


@dataclass(frozen=True)
class ComparisonRow:
    """One link and candidate: the minimal strength, the level reached, the costs.

    ``candidate`` is the row's label, which lists every mechanism of ``contains`` (the varied
    one first); the level and the costs are those of exactly that stack.
    """

    link: Link
    superior: str | None
    candidate: str
    strength: Strength
    payer: str | None
    costs: dict = field(default_factory=dict)
    contains: tuple[str, ...] = ()

    @property
    def value(self) -> float | None:
        return self.strength.value

    def cost_to(self, party: str) -> float:
        """Net payment of a party at the reference equilibrium (paid − received)."""
        entry = self.costs.get(party)
        return 0.0 if entry is None else entry["paid"] - entry["received"]

    @property
    def payer_cost(self) -> float:
        """Net cost per play to the payer column: both members' together when ``payer`` is "members"."""
        if self.payer == "members":
            return sum(self.cost_to(p) for p in self.link.between)
        return self.cost_to(self.payer) if self.payer else 0.0

    def to_dict(self) -> dict:
        s = self.strength
        return {
            "between": list(self.link.between),
            "cluster": self.link.cluster,
            "superior": self.superior,
            "candidate": self.candidate,
            "contains": list(self.contains),
            "parameter": s.parameter,
            "target": s.target,
            "value": s.value,
            "attained": s.attained,
            "used": s.used,
            "level": s.level,
            "method": s.method,
            "monotone": s.monotone,
            "message": s.message,
            "payer": self.payer,
            "costs": self.costs,
        }


@dataclass(frozen=True)
class Comparison:
    """All rows of a comparison (``rows``: a tuple, or a :class:`~solver.network.LazyRows` whose
    rows are built when first read)."""

    scenario: str
    target: str
    rows: Sequence[ComparisonRow]

    def to_dict(self) -> dict:
        return {"scenario": self.scenario, "target": self.target, "rows": [r.to_dict() for r in self.rows]}


def _payer(candidate: Candidate, superior: str | None, costs: dict, link: Link) -> str | None:
    """Who bears the cost: the guide for guidance, else whoever pays most on net."""
    if isinstance(candidate.mechanism, HigherLevelGuidance):
        return candidate.government or superior
    payers = {p: v["paid"] - v["received"] for p, v in costs.items() if p not in ("deadweight", "enforcer", "third party")}
    payers = {p: v for p, v in payers.items() if v > 1e-12}
    if not payers:
        return "members" if isinstance(candidate.mechanism, (BindingContract, ThirdPartyOrganization)) else None
    if set(payers) == set(link.between):
        return "members"
    return max(payers, key=payers.get)


def _one_row(link: Link, game, superior: str | None, c: Candidate, target: str) -> ComparisonRow:
    strength = minimal_strength(game, c.mechanism, c.parameter, target, others=c.others)
    costs: dict = {}
    if strength.feasible:
        stack = (*c.others, strength.mechanism)
        report = stability(apply(game, *stack), basin=False)
        has_guidance = any(isinstance(m, HigherLevelGuidance) for m in stack)
        guide = (c.government or superior) if has_guidance else None
        costs = named_costs(accounting(game, *stack), reference_equilibrium(report), link, guide)
    return ComparisonRow(link, superior, c.label, strength, _payer(c, superior, costs, link), costs, c.contains)


def _batch_rows(links, A, B, superiors, c: Candidate, stack, target: str) -> Callable[[int], ComparisonRow] | None:
    """Rows of one candidate on every link at once, each built when asked for (``row(k)``), or
    None where no formula applies."""
    if any(isinstance(m, RepeatedPlay) for m in stack):
        return None
    found = batch_minimal_strength(A, B, stack, len(stack) - 1, c.parameter, target)
    if found is None:
        return None
    value, closed, used = found
    ok = ~np.isnan(value)
    params = [None] * (len(stack) - 1) + [{c.parameter: np.where(ok, used, getattr(c.mechanism, c.parameter))}]
    codes = tie_levels(*batch_apply(A, B, stack, params))  # exact, as solve_2x2's levels
    low, high, _, _ = type(c.mechanism).RANGES[c.parameter]
    ledgers = _cc_ledger(stack, c)

    def row(k: int) -> ComparisonRow:
        link, superior = links[k], superiors[k]
        if ok[k]:
            mech = replace(c.mechanism, **{c.parameter: float(used[k])})
            strength = Strength(
                c.parameter,
                target,
                float(value[k]),
                bool(closed[k]),
                float(used[k]),
                mech,
                LEVELS[codes[k]],
                str(found.method[k]),
                (low, high),
                True,
                str(found.message[k]),
            )
            costs = _cc_costs(ledgers, float(used[k]), c, link, superior) if codes[k] <= _NASH else {}
        else:
            strength = Strength(c.parameter, target, None, False, None, None, None, str(found.method[k]), (low, high), True, str(found.message[k]))
            costs = {}
        return ComparisonRow(link, superior, c.label, strength, _payer(c, superior, costs, link), costs, c.contains)

    return row


def _cc_ledger(stack, c: Candidate) -> tuple[dict, dict]:
    """The (paid, received) of every party at (C, C), with the candidate's parameter at 0 and at
    1: the flows are affine in it and do not depend on the game, so two ledgers serve every link."""
    from games import accounting, prisoners_dilemma

    template = prisoners_dilemma()
    at = []
    for value in (0.0, 1.0):
        mech = replace(c.mechanism, **{c.parameter: value}) if value <= type(c.mechanism).RANGES[c.parameter][1] else c.mechanism
        at.append(accounting(template, *stack[:-1], mech).at((1, 0), (1, 0)))
    return at[0], at[1]


def _cc_costs(ledgers: tuple[dict, dict], used: float, c: Candidate, link: Link, superior: str | None) -> dict:
    """Net payments at (C, C) on one link, the candidate at strength ``used``, parties named."""
    zero, one = ledgers
    names = {"row": link.between[0], "col": link.between[1], "guide": c.government or superior or "guide"}
    out: dict[str, dict[str, float]] = {}
    for party in dict.fromkeys([*zero, *one]):
        p0, r0 = zero.get(party, (0.0, 0.0))
        p1, r1 = one.get(party, (0.0, 0.0))
        paid, received = p0 + used * (p1 - p0), r0 + used * (r1 - r0)
        if abs(paid) > 1e-12 or abs(received) > 1e-12:
            entry = out.setdefault(names.get(party, party), {"paid": 0.0, "received": 0.0})
            entry["paid"] += paid
            entry["received"] += received
    return out


def compare(
    network: RegionNetwork,
    candidates: Sequence[Candidate] | None = None,
    target: str = "strict",
) -> Comparison:
    """Every candidate mechanism's minimal strength, level and cost on every link.

    Parameters
    ----------
    network : RegionNetwork
    candidates : sequence of Candidate, optional
        The same candidates on every link; by default :data:`GENERIC` and each link's own
        scenario mechanisms (:func:`candidates_for`).
    target : str
        The cooperation level to reach (``strict`` by default).

    Returns
    -------
    Comparison
    """
    with stage(f"design: {len(network.links):,} links"):
        return _compare(network, candidates, target)


def _compare(network: RegionNetwork, candidates: Sequence[Candidate] | None, target: str) -> Comparison:
    links = list(network.links)
    superiors = [network.superior(*link.between) for link in links]
    games: dict[int, Game] = {}

    def game(k: int) -> Game:
        if k not in games:
            games[k] = link_game(network, links[k])
        return games[k]

    same = candidates is not None  # the same candidates on every link
    chosen = list(candidates) if same else []
    per_link = None if same else [candidates_for(network, link) for link in links]
    # Candidates shared by every link with a formula go through the vectorized path at once.
    if same:
        shared = chosen
    else:
        shared = [c for c in per_link[0] if all(c in mine for mine in per_link)] if links else []
    first = [next(j for j, s in enumerate(shared) if s == c) for c in shared]  # equal candidates share rows
    batches: dict[int, Callable[[int], ComparisonRow]] = {}
    if shared and target in BATCH_TARGETS and len(links) > 1:
        A, B = link_payoffs(network, links)
        for j, c in enumerate(shared):
            if first[j] == j:
                found = _batch_rows(links, A, B, superiors, c, (*c.others, c.mechanism), target)
                if found is not None:
                    batches[j] = found
    items: list = []
    place: list[tuple[int, int]] = []  # (link, shared candidate) of each lazy row, when the candidates differ by link
    for k, link in enumerate(links):
        for i, c in enumerate(chosen if same else per_link[k]):
            j = first[i] if same else next((j for j, s in enumerate(shared) if s == c), None)
            if j in batches:
                items.append(None)
                if not same:
                    place.append((k, j))
            else:
                items.append(_one_row(link, game(k), superiors[k], c, target))
                if not same:
                    place.append((k, -1))
    width = len(chosen)

    def lazy_row(r: int) -> ComparisonRow:
        k, j = divmod(r, width) if same else place[r]
        return batches[first[j] if same else j](k)

    return Comparison(network.name, target, LazyRows(items, lazy_row))
