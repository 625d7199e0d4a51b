"""A scenario's mechanism entries as :mod:`games.mechanisms` objects, per link.

A ``[[mechanisms]]`` entry names its region-level facts (the side payment's paying region, the
guiding government); here they become the parameters of a mechanism on a link's game, whose
row player is the link's first region. A guidance is given by its ``by`` government, or by the
link's lowest common superior.

Examples
--------
>>> from regions import load_scenario
>>> net = load_scenario("yongkang-wuyi-jinyun")
>>> [(m.label, m.payer) for m in link_mechanisms(net, net.links[0])]
[('Jinhua guidance', 'jinhua'), ('Hardware industry association', 'members'), ('Repeated interaction', None)]
>>> parse_mechanism("higher_level_guidance subsidy=1 by=zhejiang")
MechanismSpec(kind='higher_level_guidance', parameters=mappingproxy({'subsidy': 1.0}), by='zhejiang', links=None, name='')
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass

from games import STANDARD, Mechanism, mechanism_from_dict
from games.errors import UserInputError
from regions import EntryError, Link, MechanismSpec, RegionNetwork

__all__ = ["AppliedMechanism", "link_mechanisms", "parse_mechanism", "payer_of", "to_mechanism"]

_BY_NAME = {a.name: a for a in STANDARD}


@dataclass(frozen=True)
class AppliedMechanism:
    """A scenario mechanism on one link: its label, the mechanism and who pays for it."""

    label: str
    spec: MechanismSpec
    mechanism: Mechanism
    payer: str | None


def to_mechanism(spec: MechanismSpec, link: Link) -> Mechanism:
    """The :mod:`games` mechanism of a scenario entry on a link (payer region → 0 or 1)."""
    params = dict(spec.parameters)
    if "payer" in params:
        params["payer"] = link.between.index(params["payer"])
    if "strategies" in params:
        params["strategies"] = tuple(_BY_NAME[name] for name in params["strategies"])
    return mechanism_from_dict(spec.kind, params)


def payer_of(network: RegionNetwork, spec: MechanismSpec, link: Link) -> str | None:
    """Who pays for a mechanism on a link: the guiding government, ``members``, a region, or None."""
    if spec.kind == "higher_level_guidance":
        return spec.by or network.superior(*link.between)
    if spec.kind in ("binding_contract", "third_party_organization"):
        return "members"
    if spec.kind == "side_payment":
        return spec.parameters["payer"]
    return None


def link_mechanisms(network: RegionNetwork, link: Link) -> tuple[AppliedMechanism, ...]:
    """The scenario's mechanisms that apply to a link, in scenario order."""
    return tuple(AppliedMechanism(spec.label, spec, to_mechanism(spec, link), payer_of(network, spec, link)) for spec in network.mechanisms_for(link))


def parse_mechanism(text: str) -> MechanismSpec:
    """A mechanism entry from the command line: ``KIND key=value …``.

    Values are numbers, ``true``/``false``, or strings; ``links`` takes ``a-b,c-d`` and
    ``strategies`` takes ``AllD,Grim``.

    Raises
    ------
    UserInputError
        With a message naming the bad part.
    """
    try:
        words = shlex.split(text)
    except ValueError as err:
        raise UserInputError(f"--mechanism {text!r}: {err}") from None
    if not words:
        raise UserInputError("--mechanism needs a kind, e.g. 'higher_level_guidance subsidy=1'")
    kind, fields = words[0], {}
    for word in words[1:]:
        key, sep, value = word.partition("=")
        if not sep or not key:
            raise UserInputError(f"--mechanism {text!r}: '{word}' is not key=value")
        fields[key] = value
    special = {k: fields.pop(k) for k in ("by", "name", "links") if k in fields}
    params: dict = {}
    for key, value in fields.items():
        if value.lower() in ("true", "false"):
            params[key] = value.lower() == "true"
        elif key == "strategies":
            params[key] = [v for v in value.split(",") if v]
        else:
            try:
                params[key] = float(value)
            except ValueError:
                params[key] = value
    links = None
    if "links" in special:
        links = [tuple(p.strip() for p in pair.replace("–", "-").split("-", 1)) for pair in special["links"].split(",") if pair]
    try:
        return MechanismSpec(kind, params, by=special.get("by"), links=links, name=special.get("name", ""))
    except EntryError as err:
        raise UserInputError(f"--mechanism {text!r}: {err}") from None
