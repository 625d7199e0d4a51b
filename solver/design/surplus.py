"""Dividing the cooperative surplus of a city group: the Shapley value of its graph game.

Each link ij carries the total cooperative surplus wᵢⱼ = weight × [(R_i + R_j) − (P_i + P_j)]
of its stage game (what mutual cooperation adds over mutual defection). A coalition S of
regions is worth the surplus of the links inside it, v(S) = Σ_{ij ⊆ S} wᵢⱼ. In this graph game
(Deng and Papadimitriou 1994) the Shapley value is φᵢ = ½ Σⱼ wᵢⱼ: each link's surplus is split
equally between its two regions.

φ lies in the core iff φ(S) ≥ v(S) for every coalition, and φ(S) − v(S) = ½ Σ_{ij ∈ cut(S)} wᵢⱼ:
so exactly when no cut of the graph has negative total surplus — always when every surplus is
non-negative (the game is then convex). With negative surpluses the check enumerates the
coalitions (up to :data:`MAX_ENUMERATE` regions).

Examples
--------
>>> from regions import load_scenario
>>> r = shapley_surplus(load_scenario("yongkang-wuyi-jinyun"))
>>> {k: round(v, 4) for k, v in r.values.items()}
{'yongkang': 6.65, 'wuyi': 5.5, 'jinyun': 3.65}
>>> r.in_core, r.efficient
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from games import stage_payoffs
from regions import RegionNetwork

from ..network import link_game

__all__ = ["MAX_ENUMERATE", "SurplusDivision", "link_surplus", "shapley_surplus"]

#: Largest number of regions whose coalitions are enumerated in the core check.
MAX_ENUMERATE = 20


def link_surplus(network: RegionNetwork) -> dict[tuple[str, str, str], float]:
    """wᵢⱼ of every link (keyed by its two regions and cluster): weight × cooperative surplus."""
    out = {}
    for link in network.links:
        a, b = stage_payoffs(link_game(network, link))
        out[(*link.between, link.cluster)] = link.weight * ((a.R + b.R) - (a.P + b.P))
    return out


@dataclass(frozen=True)
class SurplusDivision:
    """The Shapley value of the graph game and its core check.

    Attributes
    ----------
    values : dict
        φᵢ per region (regions on at least one link).
    total : float
        v(N), the surplus of every link.
    in_core : bool or None
        Whether φ lies in the core; None when undecided (too many regions, negative surpluses).
    efficient : bool
        Σφᵢ = v(N).
    blocking : tuple of str or None
        A coalition that could do better on its own, when one exists.
    """

    values: dict[str, float]
    total: float
    in_core: bool | None
    efficient: bool
    blocking: tuple[str, ...] | None = None


def shapley_surplus(network: RegionNetwork) -> SurplusDivision:
    """Shapley value of the city group's surplus game, with a check that it lies in the core."""
    weights = link_surplus(network)
    players = list(dict.fromkeys(r for a, b, _ in weights for r in (a, b)))
    values = dict.fromkeys(players, 0.0)
    for (a, b, _), w in weights.items():
        values[a] += w / 2
        values[b] += w / 2
    total = sum(weights.values())
    efficient = abs(sum(values.values()) - total) <= 1e-9 * max(1.0, abs(total))
    if all(w >= 0 for w in weights.values()):
        return SurplusDivision(values, total, True, efficient)
    if len(players) > MAX_ENUMERATE:
        return SurplusDivision(values, total, None, efficient)
    for size in range(1, len(players)):
        for coalition in combinations(players, size):
            inside = set(coalition)
            worth = sum(w for (a, b, _), w in weights.items() if a in inside and b in inside)
            if sum(values[p] for p in coalition) < worth - 1e-9:
                return SurplusDivision(values, total, False, efficient, coalition)
    return SurplusDivision(values, total, True, efficient)
