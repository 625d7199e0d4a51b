"""The two-population evolutionary model of a scenario link, with its numbers as symbols.

The link's two governments are the populations (the link's first region plays rows), each
with the strategies C and D. Their stage payoffs R, S, T, P are parameters ``R_row``,
``S_row``, …, ``P_col`` with the link's exact values, and the parameters of the link's stage
mechanisms enter the payoff table as symbols, as :func:`games.apply` transforms the game:

=============================  ==============================================================
mechanism                      symbols and effect on a government's payoff
=============================  ==============================================================
``higher_level_guidance``      ``s`` (subsidy), ``f`` (penalty), ``p`` (detection): +s when it
                               cooperates, −p̂·f when it defects
``binding_contract``           ``L`` (breach penalty), ``e`` (enforcement), ``theta``
                               (compensation), ``k`` (signing cost): −k always; a defector
                               against a cooperator pays ê·L, the cooperator receives θ·ê·L;
                               in mutual defection both pay ê·L if ``mutual_breach``
``third_party_organization``   ``c`` (fee), ``q`` (detection): −c always; the detection
                               p̂ = 1 − (1 − p)(1 − q), ê = 1 − (1 − e)(1 − q) of the others
``side_payment``               ``t``: at (C, C) the payer gives t to the other
=============================  ==============================================================

A second mechanism of a kind gets numbered symbols (``s_2``, …). The guidance's inspection
cost is paid by the guiding government, not by the two populations, so it is not part of the
model; repeated play is not a stage mechanism (its induced game has other strategies than C
and D) and is left out — :func:`left_out` names what was.

Examples
--------
>>> from regions import load_scenario
>>> net = load_scenario("henan-clusters")
>>> m = link_model(net, net.links[0])
>>> m.payoffs[(0, 0)][0]
R_row - c + s
>>> m.payoffs[(1, 0)][0]
T_row - c - f*(-(1 - p)*(1 - q) + 1)
>>> m.parameters["q"].value
Fraction(3, 10)
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from typing import Any

import sympy

from games import stage_payoffs
from games.mechanisms import exact_parameter
from games.model import Model, Parameter
from regions import Link, RegionNetwork

from ..network import link_game

__all__ = ["SUPPORTED", "left_out", "link_model"]

#: The stage mechanisms whose parameters become symbols.
SUPPORTED = ("higher_level_guidance", "binding_contract", "third_party_organization", "side_payment")

_SYMBOLS = {
    "higher_level_guidance": {"subsidy": "s", "penalty": "f", "detection": "p"},
    "binding_contract": {"breach_penalty": "L", "enforcement": "e", "compensation": "theta", "signing_cost": "k"},
    "third_party_organization": {"fee": "c", "detection": "q"},
    "side_payment": {"transfer": "t"},
}
_DEFAULTS = {
    "higher_level_guidance": {"subsidy": 0, "penalty": 0, "detection": 1},
    "binding_contract": {"breach_penalty": 0, "enforcement": 1, "compensation": 1, "signing_cost": 0},
    "third_party_organization": {"fee": 0, "detection": 0},
    "side_payment": {"transfer": 0},
}
_PROBABILITIES = {"detection", "enforcement", "compensation"}


def left_out(network: RegionNetwork, link: Link) -> tuple[str, ...]:
    """The labels of the link's mechanisms that are not part of its model (repeated play).

    >>> from regions import load_scenario
    >>> net = load_scenario("gba-nev")
    >>> left_out(net, net.links[0])
    ('Repeated interaction',)
    """
    return tuple(spec.label for spec in network.mechanisms_for(link) if spec.kind not in SUPPORTED)


def _value(spec: Any, key: str) -> Fraction:
    raw = spec.parameters.get(key, _DEFAULTS[spec.kind][key])
    return exact_parameter(raw)


def link_model(network: RegionNetwork, link: Link) -> Model:
    """The link's two-population model: C/D, the payoffs and the stage mechanisms as symbols.

    Parameters
    ----------
    network : RegionNetwork
    link : Link
        A link of ``network``; its first region is population 1 (rows).

    Returns
    -------
    games.model.Model
        Populations named after the two regions, shares ``x`` (row cooperating) and ``y``.
    """
    game = link_game(network, link)
    row, col = stage_payoffs(game, exact=True)
    parameters: dict[str, Parameter] = {}

    def declare(name: str, value: Fraction, note: str, probability: bool = False) -> sympy.Symbol:
        parameters[name] = Parameter(name, value, (0.0, 1.0) if probability else None, note)
        return sympy.Symbol(name, real=True)

    names = [network.region(r).name for r in link.between]
    base = {}
    for side, who, values in (("row", names[0], row), ("col", names[1], col)):
        for letter in "RSTP":
            base[letter, side] = declare(f"{letter}_{side}", Fraction(getattr(values, letter)), f"{who}'s stage payoff {letter}")
    # a[i][j], b[i][j]: the row's and the column's payoff when the row plays i and the column j.
    a = [[base["R", "row"], base["S", "row"]], [base["T", "row"], base["P", "row"]]]
    b = [[base["R", "col"], base["T", "col"]], [base["S", "col"], base["P", "col"]]]
    specs = [s for s in network.mechanisms_for(link) if s.kind in SUPPORTED]
    counts: Counter[str] = Counter()
    symbols = []
    for spec in specs:
        counts[spec.kind] += 1
        suffix = "" if counts[spec.kind] == 1 else f"_{counts[spec.kind]}"
        own = {}
        for key, letter in _SYMBOLS[spec.kind].items():
            note = f"{spec.label}: {key.replace('_', ' ')}"
            own[key] = declare(letter + suffix, _value(spec, key), note, key in _PROBABILITIES)
        symbols.append((spec, own))
    miss = sympy.Mul(*(1 - own["detection"] for spec, own in symbols if spec.kind == "third_party_organization"))
    for spec, own in symbols:
        if spec.kind == "higher_level_guidance":
            fine = own["penalty"] * (1 - (1 - own["detection"]) * miss)
            for j in (0, 1):
                a[0][j] += own["subsidy"]
                a[1][j] -= fine
                b[j][0] += own["subsidy"]
                b[j][1] -= fine
        elif spec.kind == "binding_contract":
            owed = own["breach_penalty"] * (1 - (1 - own["enforcement"]) * miss)
            for i in (0, 1):
                for j in (0, 1):
                    a[i][j] -= own["signing_cost"]
                    b[i][j] -= own["signing_cost"]
            a[0][1] += own["compensation"] * owed
            a[1][0] -= owed
            b[1][0] += own["compensation"] * owed
            b[0][1] -= owed
            if spec.parameters.get("mutual_breach", False):
                a[1][1] -= owed
                b[1][1] -= owed
        elif spec.kind == "third_party_organization":
            for i in (0, 1):
                for j in (0, 1):
                    a[i][j] -= own["fee"]
                    b[i][j] -= own["fee"]
        else:  # side_payment: the payer (a region id) gives t at (C, C)
            sign = -1 if spec.parameters["payer"] == link.between[0] else 1
            a[0][0] += sign * own["transfer"]
            b[0][0] -= sign * own["transfer"]
    payoffs = {(i, j): (a[i][j], b[i][j]) for i in (0, 1) for j in (0, 1)}
    title = f"{names[0]}–{names[1]} {link.cluster}"
    return Model(names, [["C", "D"], ["C", "D"]], parameters, payoffs, name=title, share_names=("x", "y"))
