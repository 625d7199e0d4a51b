"""Spending limited budgets: which links to support with what (a mixed-integer program).

Each guiding government has a budget; each link has a menu of :class:`Option` objects (a
mechanism a government can fund, with its cost per play at the cooperative equilibrium and
the level it reaches). Choose at most one option per link so that every government stays
within its budget and the total weight of links where cooperation reaches the target is as
large as possible; among the optimal choices, the cheapest. Links already at the target in the
status quo count without funding. Solved exactly with scipy's ``milp`` (HiGHS), in two stages:
maximize the stabilized weight, then minimize the spend at that weight.

Examples
--------
>>> from regions import load_scenario
>>> net = load_scenario("yongkang-wuyi-jinyun")
>>> plan = allocate(net, {"jinhua": 5.0, "zhejiang": 1.0})
>>> [(k, o.government, round(o.cost, 4)) for k, o in plan.chosen.items() if o]
[('yongkang–wuyi hardware', 'jinhua', 2.0)]
>>> plan.unstable
['yongkang–jinyun hardware', 'wuyi–jinyun hardware']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from games import HigherLevelGuidance, Mechanism, accounting, apply
from regions import Link, RegionNetwork

from ..cooperation import stability
from ..network import link_game, named_costs, reference_equilibrium
from .strength import minimal_strength, reaches

__all__ = ["Allocation", "Option", "allocate", "guidance_menu", "link_key"]


@dataclass(frozen=True)
class Option:
    """A fundable mechanism on a link: who funds it, what it costs, what it reaches."""

    name: str
    government: str
    cost: float
    mechanism: Mechanism | None = None
    level: str | None = None


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
                k: (None if o is None else {"option": o.name, "government": o.government, "cost": o.cost, "level": o.level}) for k, o in self.chosen.items()
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
            report = stability(apply(game, s.mechanism), basin=False)
            costs = named_costs(accounting(game, s.mechanism), reference_equilibrium(report), link, gov)
            cost = costs.get(gov, {"paid": 0.0, "received": 0.0})
            options.append(Option(f"guidance by {gov} ({parameter} {s.used:.4g})", gov, cost["paid"] - cost["received"], s.mechanism, s.level))
        menu[link_key(link)] = options
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
        Options per link (keyed by :func:`link_key`); by default :func:`guidance_menu` for the
        governments with a budget.
    target : str
        The level a link must reach to count.

    Raises
    ------
    ValueError
        For a negative or non-finite budget, an option of a government without a budget, or a
        menu naming an unknown link.
    """
    for gov, amount in budgets.items():
        network.region(gov)
        if not np.isfinite(amount) or amount < 0:
            raise ValueError(f"the budget of {gov} must be a finite non-negative number, got {amount}")
    if menu is None:
        menu = guidance_menu(network, list(budgets), target)
    keys = {link_key(k): k for k in network.links}
    for key, options in menu.items():
        if key not in keys:
            raise ValueError(f"the menu names an unknown link {key!r}")
        for o in options:
            if o.government not in budgets:
                raise ValueError(f"option {o.name!r} on {key} is funded by {o.government}, which has no budget")
    already, open_links = [], []
    for key, link in keys.items():
        if reaches(stability(link_game(network, link), basin=False).level, target):
            already.append(key)
        else:
            open_links.append(key)
    variables = [(key, o) for key in open_links for o in menu.get(key, ()) if o.cost <= budgets[o.government] + 1e-12]
    chosen: dict[str, Option | None] = dict.fromkeys(keys)
    total = sum(k.weight for k in network.links)
    base = sum(keys[k].weight for k in already)
    status = "optimal"
    if variables:
        weights = np.array([keys[key].weight for key, _ in variables])
        costs = np.array([max(o.cost, 0.0) for _, o in variables])
        rows, lower, upper = [], [], []
        for key in open_links:
            rows.append([1.0 if k == key else 0.0 for k, _ in variables])
            lower.append(0.0)
            upper.append(1.0)
        for gov, amount in budgets.items():
            rows.append([max(o.cost, 0.0) if o.government == gov else 0.0 for _, o in variables])
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
            spend[option.government] += option.cost
    funded = sum(keys[k].weight for k, o in chosen.items() if o is not None)
    unstable = [k for k in open_links if chosen[k] is None]
    return Allocation(chosen, spend, dict(budgets), base + funded, total, already, unstable, status)
