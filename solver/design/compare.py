"""Side-by-side comparison of mechanisms on every link: minimal strength, level, cost, payer.

A :class:`Candidate` is a mechanism with one parameter to vary (its other parameters fixed),
optionally with other mechanisms applied together. :func:`compare` runs
:func:`~solver.design.minimal_strength` for every link and candidate, evaluates the game at the
strength found, and reports the costs at the reference equilibrium (the first fully
cooperative one) with the parties named: the link's two regions, the guiding government (the
candidate's own, or the link's lowest common superior), ``third party``, ``enforcer``,
``deadweight``.

The default candidates are the generic ones of :data:`GENERIC` plus, for each link, the
scenario's own mechanisms that apply to it, each varied in its primary parameter: a third-party
organization together with the link's other stage mechanisms (it only strengthens them), a side
payment together with the link's repeated play (a transfer alone does not make cooperation an
equilibrium of the one-shot game).

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

from collections.abc import Sequence
from dataclasses import dataclass, field

from games import BindingContract, HigherLevelGuidance, Mechanism, RepeatedPlay, ThirdPartyOrganization, accounting, apply
from regions import PRIMARY_PARAMETER, Link, RegionNetwork

from ..cooperation import stability
from ..network import link_game, named_costs, reference_equilibrium
from ..stack import link_mechanisms
from .strength import Strength, minimal_strength

__all__ = ["GENERIC", "Candidate", "Comparison", "ComparisonRow", "candidates_for", "compare"]


@dataclass(frozen=True)
class Candidate:
    """A mechanism to size: vary ``parameter``; ``others`` apply with it unchanged.

    ``government`` names who gives a guidance; None means the link's lowest common superior.
    """

    name: str
    mechanism: Mechanism
    parameter: str
    others: tuple[Mechanism, ...] = ()
    government: str | None = None


#: Generic candidates tried on every link.
GENERIC = (
    Candidate("guidance: subsidy", HigherLevelGuidance(), "subsidy"),
    Candidate("guidance: penalty", HigherLevelGuidance(detection=1.0), "penalty"),
    Candidate("binding contract", BindingContract(), "breach_penalty"),
    Candidate("repeated play", RepeatedPlay(), "discount"),
)


def candidates_for(network: RegionNetwork, link: Link, generic: Sequence[Candidate] = GENERIC) -> list[Candidate]:
    """The generic candidates and the scenario's mechanisms of a link, sized one at a time."""
    out = list(generic)
    applied = link_mechanisms(network, link)
    for m in applied:
        kind = m.spec.kind
        others: tuple[Mechanism, ...] = ()
        if kind == "third_party_organization":
            others = tuple(o.mechanism for o in applied if o.spec.kind in ("higher_level_guidance", "binding_contract"))
        elif kind == "side_payment":
            others = tuple(o.mechanism for o in applied if isinstance(o.mechanism, RepeatedPlay))
        guides = [o.payer for o in applied if o.spec.kind == "higher_level_guidance"]
        government = m.payer if kind == "higher_level_guidance" else (guides[0] if kind == "third_party_organization" and guides else None)
        out.append(Candidate(m.label, m.mechanism, PRIMARY_PARAMETER[kind], others, government))
    return out


@dataclass(frozen=True)
class ComparisonRow:
    """One link and candidate: the minimal strength, the level reached, the costs."""

    link: Link
    superior: str | None
    candidate: str
    strength: Strength
    payer: str | None
    costs: dict = field(default_factory=dict)

    @property
    def value(self) -> float | None:
        return self.strength.value

    def cost_to(self, party: str) -> float:
        """Net payment of a party at the reference equilibrium (paid − received)."""
        entry = self.costs.get(party)
        return 0.0 if entry is None else entry["paid"] - entry["received"]

    def to_dict(self) -> dict:
        s = self.strength
        return {
            "between": list(self.link.between),
            "cluster": self.link.cluster,
            "superior": self.superior,
            "candidate": self.candidate,
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
    """All rows of a comparison."""

    scenario: str
    target: str
    rows: tuple[ComparisonRow, ...]

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
    rows = []
    for link in network.links:
        superior = network.superior(*link.between)
        game = link_game(network, link)
        chosen = list(candidates) if candidates is not None else candidates_for(network, link)
        for c in chosen:
            strength = minimal_strength(game, c.mechanism, c.parameter, target, others=c.others)
            costs: dict = {}
            if strength.feasible:
                stack = (*c.others, strength.mechanism)
                report = stability(apply(game, *stack), basin=False)
                has_guidance = any(isinstance(m, HigherLevelGuidance) for m in stack)
                guide = (c.government or superior) if has_guidance else None
                costs = named_costs(accounting(game, *stack), reference_equilibrium(report), link, guide)
            rows.append(ComparisonRow(link, superior, c.name, strength, _payer(c, superior, costs, link), costs))
    return Comparison(network.name, target, tuple(rows))
