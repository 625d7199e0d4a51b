"""A user's own allocation menu, read from a TOML file.

Each ``[[options]]`` entry is one stack of mechanisms someone can fund on one link::

    [[options]]
    link = ["yongkang", "wuyi"]   # the link's two regions, in either order (required)
    cluster = "hardware"          # only when the two regions share several links
    name = "Jinhua subsidy 1.2"   # how tables name it (default: kind and parameters)
    kind = "higher_level_guidance" # a mechanism kind, as in a scenario's [[mechanisms]] (required)
    by = "jinhua"                 # a guidance's government (default: the lowest common superior)
    subsidy = 1.2                 # the kind's parameters, as in a scenario's [[mechanisms]]
    with = ["Hardware industry association"]  # scenario mechanisms of the link stacked with it
    cost = 2.4                    # cost per play to `government` (default: computed)
    government = "jinhua"         # who pays `cost` (default: who pays for the mechanism)

Without ``cost``, who pays what is computed as for the default menu: each party's net payment
per play at the cooperative equilibrium of the link's game under the stack. The level the
stack reaches is always computed. Every error names the file, the entry and the field.

Examples
--------
>>> import tempfile, pathlib
>>> from regions import load_scenario
>>> path = pathlib.Path(tempfile.mkdtemp()) / "menu.toml"
>>> _ = path.write_text('[[options]]\\nlink = ["yongkang", "wuyi"]\\nkind = "higher_level_guidance"\\nsubsidy = 1.5\\n')
>>> menu = read_menu(path, load_scenario("yongkang-wuyi-jinyun"))
>>> [(o.name, o.paid, o.level) for o in menu["yongkang–wuyi hardware"]]
[('higher level guidance (subsidy 1.5)', {'jinhua': 3.0}, 'strict')]
"""

from __future__ import annotations

import math
import os

from regions import EntryError, MechanismSpec, RegionNetwork, ScenarioError, read_toml

from ..stack import link_mechanisms, payer_of, to_mechanism
from .allocate import Option, link_key, option_for
from .compare import scenario_names

__all__ = ["read_menu"]

_FIELDS = ("link", "cluster", "name", "kind", "by", "with", "cost", "government")


def read_menu(path: str | os.PathLike[str], network: RegionNetwork) -> dict[str, list[Option]]:
    """The options of a menu file, per link (keyed by :func:`~solver.design.link_key`).

    Raises
    ------
    regions.ScenarioError
        Naming the file, the entry (``option #k``) and the field, for an unreadable file, an
        unknown link, kind, parameter or scenario mechanism, or a bad value.
    """
    source = str(path)
    doc = read_toml(path, lambda message: ScenarioError(source, None, None, message.removeprefix(f"{source}: ")))
    for key in doc:
        if key != "options":
            raise ScenarioError(source, None, key, "unknown table; a menu file is a list of [[options]]")
    entries = doc.get("options")
    if not isinstance(entries, list) or not entries or not all(isinstance(e, dict) for e in entries):
        raise ScenarioError(source, None, "options", "missing or not a list of [[options]] tables")
    menu: dict[str, list[Option]] = {link_key(link): [] for link in network.links}
    for k, entry in enumerate(entries, 1):
        where = f"option #{k}"
        try:
            link, option = _option(network, entry)
        except EntryError as err:
            raise ScenarioError(source, where, err.field, err.detail) from err
        menu[link_key(link)].append(option)
    return menu


def _text(entry: dict, key: str, default: str | None = None) -> str | None:
    value = entry.get(key, default)
    if value is not None and (not isinstance(value, str) or not value):
        raise EntryError(None, key, f"must be a non-empty string, got {value!r}")
    return value


def _option(network: RegionNetwork, entry: dict):
    link = _link(network, entry)
    kind = _text(entry, "kind")
    if kind is None:
        raise EntryError(None, "kind", "is missing (a mechanism kind, e.g. higher_level_guidance)")
    params = {key: value for key, value in entry.items() if key not in _FIELDS}
    spec = MechanismSpec(kind, params, by=_text(entry, "by"), links=[link.between])
    if spec.kind == "side_payment" and spec.parameters["payer"] not in link.between:
        raise EntryError(None, "payer", f"must be one of the link's regions {link.between[0]} or {link.between[1]}, got {spec.parameters['payer']!r}")
    guide = payer_of(network, spec, link) if kind == "higher_level_guidance" else None
    if guide is not None and guide != network.superior(*link.between) and not set(link.between) <= network.under(guide):
        raise EntryError(None, "by", f"'{guide}' is not a superior of both {link.between[0]} and {link.between[1]}")
    others = _with(network, link, entry.get("with", []))
    numbers = ", ".join(f"{p} {v:g}" for p, v in spec.parameters.items() if isinstance(v, float))
    name = _text(entry, "name") or spec.label + (f" ({numbers})" if numbers else "")
    guides = [g for g in (guide, *(a.payer for a, _ in others if a.spec.kind == "higher_level_guidance")) if g]
    stack = (*(a.mechanism for a, _ in others), to_mechanism(spec, link))
    option = option_for(network, link, name, stack, (name, *(n for _, n in others)), guides[0] if guides else None)
    if "cost" in entry:
        cost = entry["cost"]
        if isinstance(cost, bool) or not isinstance(cost, int | float) or not math.isfinite(cost) or cost < 0:
            raise EntryError(None, "cost", f"must be a finite non-negative number, got {cost!r}")
        government = _text(entry, "government") or (guide if guide else None)
        if government is None:
            raise EntryError(None, "government", f"is missing: who pays the cost of a {kind.replace('_', ' ')}")
        if government not in network.regions:
            raise EntryError(None, "government", f"no region '{government}' in {network.name}")
        option = Option(name, government, float(cost), option.mechanism, option.level, {government: float(cost)}, option.contains)
    elif "government" in entry:
        raise EntryError(None, "government", "is used only together with cost")
    return link, option


def _link(network: RegionNetwork, entry: dict):
    pair = entry.get("link")
    if not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(p, str) for p in pair):
        raise EntryError(None, "link", f'must be a pair of region ids like ["a", "b"], got {pair!r}')
    cluster = _text(entry, "cluster")
    found = [k for k in network.links if set(k.between) == set(pair) and (cluster is None or k.cluster == cluster)]
    if not found:
        where = f"{pair[0]}–{pair[1]}" + (f" ({cluster})" if cluster else "")
        raise EntryError(None, "link", f"no link {where} in {network.name}")
    if len(found) > 1:
        raise EntryError(None, "cluster", f"{pair[0]}–{pair[1]} has several links ({', '.join(k.cluster for k in found)}); say which")
    return found[0]


def _with(network: RegionNetwork, link, names) -> list:
    """The scenario mechanisms named in ``with``, with their names."""
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise EntryError(None, "with", f"must be a list of the names of scenario mechanisms, got {names!r}")
    labels = scenario_names(network, link)
    by_name = {labels[id(a.spec)]: a for a in link_mechanisms(network, link)}
    out = []
    for n in names:
        if n not in by_name:
            known = ", ".join(by_name) or "none"
            raise EntryError(None, "with", f"{n!r} is not a mechanism of the scenario on {link.between[0]}–{link.between[1]} (there: {known})")
        out.append((by_name[n], n))
    return out
