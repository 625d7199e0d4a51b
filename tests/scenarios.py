"""Scenario text for tests: one link between two counties of one province."""

from __future__ import annotations

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
