"""Spending limited budgets: which links to support with what (a mixed-integer program).

Each guiding government has a budget; each link has a menu of :class:`Option` objects (a stack
of mechanisms someone can fund, what each party pays per play at the cooperative equilibrium,
and the level it reaches). Choose at most one option per link so that every government with a
budget stays within it and the total weight of links where cooperation reaches the target is
as large as possible; among the optimal choices, the cheapest. Links already at the target in
the status quo count without funding. Solved exactly with scipy's ``milp`` (HiGHS), in two
stages: maximize the stabilized weight, then minimize the spend at that weight.

The default menu (:func:`scenario_menu`) holds, per link, a generic subsidy by each government
with a budget and jurisdiction (:func:`guidance_menu`), and the scenario's own guidance,
contracts, third parties (with the guidance and contracts they act through, named) and side
payments, each at the scenario's parameters and at its minimal strength for the target. An
option enters only if it reaches the target and every party that pays for it has a budget
(give the member regions a budget to let them sign a contract or pay a transfer). Repeated
play is part of a setting, not something one funds, so no option contains it; the generic
penalty and contract cost nothing on the cooperative path in the model (fines are never
paid there) and are left out for the same reason as a free lunch.

Examples
--------
>>> from regions import load_scenario
>>> net = load_scenario("yongkang-wuyi-jinyun")
>>> plan = allocate(net, {"jinhua": 5.0, "zhejiang": 1.0})
>>> [(k, o.name, o.government, round(o.cost, 4)) for k, o in plan.chosen.items() if o]
[('yongkang–wuyi hardware', 'Jinhua guidance at subsidy > 0', 'jinhua', 0.1)]
>>> plan.unstable
['yongkang–jinyun hardware', 'wuyi–jinyun hardware']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from games import HigherLevelGuidance, Mechanism, RepeatedPlay, accounting, apply
from games.errors import UserInputError
from regions import Link, RegionNetwork

from ..cooperation import stability
from ..network import link_game, named_costs, reference_equilibrium
from .compare import COMPANIONS, candidates_for
from .strength import minimal_strength, reaches

__all__ = ["Allocation", "Option", "allocate", "guidance_menu", "link_key", "option_for", "scenario_menu"]

#: Parties of a ledger that are not governments (they never hold a budget).
_NOT_GOVERNMENTS = ("deadweight", "enforcer", "third party", "guide")


@dataclass(frozen=True)
class Option:
    """A fundable stack of mechanisms on a link: who pays what, and the level it reaches.

    ``payments`` maps each paying party to its net payment per play at the cooperative
    equilibrium (by default ``{government: cost}``); ``cost`` is their sum and ``government``
    the main payer. ``contains`` names the mechanisms of the stack.
    """

    name: str
    government: str
    cost: float
    mechanism: Mechanism | None = None
    level: str | None = None
    payments: Mapping[str, float] | None = field(default=None, compare=False)
    contains: tuple[str, ...] = ()

    @property
    def paid(self) -> dict[str, float]:
        """Net payment per play of each paying party (positive amounts only)."""
        out = dict(self.payments) if self.payments is not None else {self.government: self.cost}
        return {p: v for p, v in out.items() if v > 1e-12}


@dataclass(frozen=True)
class Allocation:
    """The chosen option per link, spend per government, and what stays unstable."""

    chosen: dict[str, Option | None]
    spend: dict[str, float]
    budgets: dict[str, float]
    stabilized_weight: float
    total_weight: float
    already_stable: list[str]
    unstable: list[str]
    status: str

    def to_dict(self) -> dict:
        return {
            "chosen": {
                k: (
                    None
                    if o is None
                    else {"option": o.name, "contains": list(o.contains), "government": o.government, "cost": o.cost, "payments": o.paid, "level": o.level}
                )
                for k, o in self.chosen.items()
            },
            "spend": self.spend,
            "budgets": self.budgets,
            "stabilized_weight": self.stabilized_weight,
            "total_weight": self.total_weight,
            "already_stable": self.already_stable,
            "unstable": self.unstable,
            "status": self.status,
        }


def link_key(link: Link) -> str:
    """``"a–b cluster"``: how links are named in menus and allocations."""
    return f"{'–'.join(link.between)} {link.cluster}"


def option_for(
    network: RegionNetwork,
    link: Link,
    name: str,
    stack: Sequence[Mechanism],
    contains: Sequence[str] = (),
    guide: str | None = None,
    game=None,
) -> Option:
    """The option of funding a stack of mechanisms on a link: its level and who pays what.

    Payments are each government's or region's net payment per play at the reference (first
    fully cooperative) equilibrium of the link's game under the stack; ``guide`` names who
    gives a guidance (default: the link's lowest common superior).

    >>> from regions import load_scenario
    >>> from games import HigherLevelGuidance
    >>> net = load_scenario("yongkang-wuyi-jinyun")
    >>> o = option_for(net, net.links[0], "subsidy 1.5", [HigherLevelGuidance(subsidy=1.5)])
    >>> o.level, o.paid       # R − T + s = 0.5 > 0 > S − P + s = −0.5; 2 × 1.5 paid at (C, C)
    ('strict', {'jinhua': 3.0})
    """
    game = link_game(network, link) if game is None else game
    guide = guide or network.superior(*link.between)
    report = stability(apply(game, *stack), basin=False)
    has_guidance = any(isinstance(m, HigherLevelGuidance) for m in stack)
    costs = named_costs(accounting(game, *stack), reference_equilibrium(report), link, guide if has_guidance else None)
    paid = {p: v["paid"] - v["received"] for p, v in costs.items() if p not in _NOT_GOVERNMENTS}
    paid = {p: v for p, v in paid.items() if v > 1e-12}
    main = max(paid, key=paid.get) if paid else (guide if has_guidance else "")
    return Option(name, main or "", sum(paid.values()), stack[-1] if stack else None, report.level, paid, tuple(contains) or (name,))


def guidance_menu(
    network: RegionNetwork,
    governments: Sequence[str],
    target: str = "strict",
    template: HigherLevelGuidance | None = None,
    parameter: str = "subsidy",
) -> dict[str, list[Option]]:
    """For each link, a guidance by each listed government with jurisdiction, at minimal strength.

    A government has jurisdiction over a link when both its regions lie under it. The cost is
    what the government pays net at the cooperative equilibrium (subsidies plus inspection
    minus fines collected).
    """
    template = template or HigherLevelGuidance()
    menu: dict[str, list[Option]] = {}
    for link in network.links:
        game = link_game(network, link)
        options = []
        for gov in governments:
            if not set(link.between) <= network.under(gov):
                continue
            s = minimal_strength(game, template, parameter, target)
            if not s.feasible:
                continue
            name = f"guidance by {gov} ({parameter} {s.used:.4g})"
            options.append(option_for(network, link, name, [s.mechanism], guide=gov, game=game))
        menu[link_key(link)] = options
    return menu


def _funded_by(option: Option, governments: Sequence[str]) -> bool:
    return all(p in governments for p in option.paid)


def scenario_menu(network: RegionNetwork, governments: Sequence[str], target: str = "strict") -> dict[str, list[Option]]:
    """The default menu: :func:`guidance_menu` and the scenario's own mechanisms per link.

    Each scenario guidance, contract, third party (stacked with the link's guidance and
    contracts, as in :func:`~solver.design.compare`) and side payment enters at the scenario's
    parameters and at its minimal strength for ``target``, if it reaches the target there and
    every party that pays for it is one of ``governments``.

    >>> from regions import load_scenario
    >>> net = load_scenario("yongkang-wuyi-jinyun")
    >>> [o.name for o in scenario_menu(net, ["jinhua"])["yongkang–wuyi hardware"]]
    ['guidance by jinhua (subsidy 1)', 'Jinhua guidance as in the scenario', 'Jinhua guidance at subsidy > 0', \
'Hardware industry association + Jinhua guidance as in the scenario', 'Hardware industry association + Jinhua guidance at detection ≥ 0']
    """
    menu = guidance_menu(network, governments, target)
    companions = {k: v for k, v in COMPANIONS.items() if "repeated_play" not in v}
    for link in network.links:
        game = link_game(network, link)
        superior = network.superior(*link.between)
        options = menu[link_key(link)]
        for c in candidates_for(network, link, generic=(), companions=companions):
            stack = (*c.others, c.mechanism)
            if any(isinstance(m, RepeatedPlay) for m in stack):
                continue
            guide = c.government or superior
            found = [option_for(network, link, f"{c.label} as in the scenario", stack, c.contains, guide, game)]
            s = minimal_strength(game, c.mechanism, c.parameter, target, others=c.others)
            if s.feasible and s.used != getattr(c.mechanism, c.parameter):
                found.append(option_for(network, link, f"{c.label} at {s.message}", (*c.others, s.mechanism), c.contains, guide, game))
            options += [o for o in found if reaches(o.level, target) and _funded_by(o, governments)]
    return menu


def allocate(
    network: RegionNetwork,
    budgets: Mapping[str, float],
    menu: Mapping[str, Sequence[Option]] | None = None,
    target: str = "strict",
) -> Allocation:
    """Choose what to fund to maximize the weight of links where cooperation reaches ``target``.

    Parameters
    ----------
    network : RegionNetwork
    budgets : mapping
        Budget per guiding government (per play, in payoff units); non-negative.
    menu : mapping, optional
        Options per link (keyed by :func:`link_key`); by default :func:`scenario_menu` for the
        governments with a budget. Options whose ``level`` does not reach ``target`` are
        left out.
    target : str
        The level a link must reach to count.

    Raises
    ------
    UserInputError
        For a negative or non-finite budget, an option paid by a party without a budget, or a
        menu naming an unknown link.
    """
    for gov, amount in budgets.items():
        network.region(gov)
        if not np.isfinite(amount) or amount < 0:
            raise UserInputError(f"the budget of {gov} must be a finite non-negative number, got {amount}")
    if menu is None:
        menu = scenario_menu(network, list(budgets), target)
    keys = {link_key(k): k for k in network.links}
    for key, options in menu.items():
        if key not in keys:
            raise UserInputError(f"the menu names an unknown link {key!r}")
        for o in options:
            for payer in o.paid:
                if payer not in budgets:
                    raise UserInputError(f"option {o.name!r} on {key} is funded by {payer}, which has no budget")
    already, open_links = [], []
    for key, link in keys.items():
        if reaches(stability(link_game(network, link), basin=False).level, target):
            already.append(key)
        else:
            open_links.append(key)
    variables = [
        (key, o)
        for key in open_links
        for o in menu.get(key, ())
        if (o.level is None or reaches(o.level, target)) and all(v <= budgets[p] + 1e-12 for p, v in o.paid.items())
    ]
    chosen: dict[str, Option | None] = dict.fromkeys(keys)
    total = sum(k.weight for k in network.links)
    base = sum(keys[k].weight for k in already)
    status = "optimal"
    if variables:
        weights = np.array([keys[key].weight for key, _ in variables])
        costs = np.array([sum(o.paid.values()) for _, o in variables])
        rows, lower, upper = [], [], []
        for key in open_links:
            rows.append([1.0 if k == key else 0.0 for k, _ in variables])
            lower.append(0.0)
            upper.append(1.0)
        for gov, amount in budgets.items():
            rows.append([o.paid.get(gov, 0.0) for _, o in variables])
            lower.append(-np.inf)
            upper.append(amount)
        A = np.array(rows)
        integrality = np.ones(len(variables))
        first = milp(-weights, constraints=LinearConstraint(A, lower, upper), integrality=integrality, bounds=Bounds(0, 1))
        if not first.success:
            raise RuntimeError(f"the allocation program failed: {first.message}")
        best = -first.fun
        keep = LinearConstraint(weights[None, :], best - 1e-9 * max(1.0, best), np.inf)
        second = milp(costs, constraints=[LinearConstraint(A, lower, upper), keep], integrality=integrality, bounds=Bounds(0, 1))
        x = second.x if second.success else first.x
        status = "optimal" if second.success else f"optimal weight; cost stage failed: {second.message}"
        for (key, option), value in zip(variables, x):
            if value > 0.5:
                chosen[key] = option
    spend = dict.fromkeys(budgets, 0.0)
    for option in chosen.values():
        if option is not None:
            for payer, amount in option.paid.items():
                spend[payer] += amount
    funded = sum(keys[k].weight for k, o in chosen.items() if o is not None)
    unstable = [k for k in open_links if chosen[k] is None]
    return Allocation(chosen, spend, dict(budgets), base + funded, total, already, unstable, status)
