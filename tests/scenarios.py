"""Scenario text for tests: one link between two counties of one province, or two links and a guidance."""

from __future__ import annotations

import json

_REGIONS = """[[regions]]
id = "p"
level = "province"
[[regions]]
id = "a"
level = "county"
parent = "p"
[[regions]]
id = "b"
level = "county"
parent = "p"
"""


def one_link(name: str, payoffs: str, *, note: str | None = None, weight: str | None = None) -> str:
    """TOML of a scenario ``name`` whose province p holds counties a and b, joined by one link
    with ``payoffs`` (an inline table, distributions allowed) and optionally a ``weight`` (a
    number or a distribution, as TOML text); mechanisms and the rest follow.

    >>> print(one_link("x", "{ R = 3, S = 0, T = 5, P = 1 }").splitlines()[-1])
    payoffs = { R = 3, S = 0, T = 5, P = 1 }
    """
    head = f'\n[scenario]\nname = "{name}"\n' + (f'note = "{note}"\n' if note is not None else "")
    weight_line = f"weight = {weight}\n" if weight is not None else ""
    return head + _REGIONS + f'[[links]]\nbetween = ["a", "b"]\n{weight_line}payoffs = {payoffs}'


def two_links(weight: str = "1", subsidy: str = "1", region_id: str = "a") -> str:
    """TOML of a scenario with counties a, b, c of province p, links a–b (a prisoner's dilemma)
    and b–c (harmony) of weight ``weight``, and p's guidance with ``subsidy`` (both as TOML
    text); ``region_id`` renames county a.

    >>> "subsidy = 2.5" in two_links(subsidy="2.5")
    True
    """
    rid = json.dumps(region_id)  # JSON's string escapes are TOML's (\\u001b for an ESC)
    regions = _REGIONS.replace('id = "a"', f"id = {rid}") + '[[regions]]\nid = "c"\nlevel = "county"\nparent = "p"\n'
    links = "".join(
        f"[[links]]\nbetween = [{a}, {b}]\nweight = {weight}\npayoffs = {{ R = 3, S = 0, T = {t}, P = 1 }}\n"
        for a, b, t in ((rid, '"b"', 5), ('"b"', '"c"', 2))
    )
    return f'[scenario]\nname = "two links"\n{regions}{links}[[mechanisms]]\nkind = "higher_level_guidance"\nby = "p"\nsubsidy = {subsidy}\n'
