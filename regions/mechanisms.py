"""Coordination mechanisms as written in a scenario: kind, parameters and jurisdiction.

This is the scenario schema of ``[[mechanisms]]`` entries (docs/models.md, docs/tutorial.md); the payoff
transforms themselves live in :mod:`games.mechanisms` (this package knows nothing of games, so
the parameter ranges are stated here too, and a test checks that both agree).

Jurisdiction: an entry with ``by = GOV`` applies to the links whose two regions both lie under
GOV in the administrative tree; one with ``links = [[a, b], …]`` to those links (each of which
must lie under ``by`` when both are given); otherwise to every link. A guidance whose ``by``
government is not a superior of a link's two regions is an error naming both. Without ``by``,
a guidance is given by each link's lowest common superior.

Examples
--------
>>> spec = MechanismSpec("higher_level_guidance", {"subsidy": 1.0}, by="jinhua")
>>> spec.label
'higher level guidance by jinhua'
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from games.game import rational

from .network import EntryError, did_you_mean, in_range, out_of_range

__all__ = ["MECHANISM_KINDS", "PRIMARY_PARAMETER", "STRATEGY_NAMES", "MechanismSpec"]

_INF = math.inf
#: For each kind, its numeric parameters: (low, high, open_low, open_high, default).
MECHANISM_KINDS: dict[str, dict[str, tuple[float, float, bool, bool]]] = {
    "higher_level_guidance": {
        "subsidy": (0.0, _INF, False, True),
        "penalty": (0.0, _INF, False, True),
        "detection": (0.0, 1.0, False, False),
        "inspection_cost": (0.0, _INF, False, True),
    },
    "binding_contract": {
        "breach_penalty": (0.0, _INF, False, True),
        "enforcement": (0.0, 1.0, False, False),
        "compensation": (0.0, 1.0, False, False),
        "signing_cost": (0.0, _INF, False, True),
    },
    "third_party_organization": {"fee": (0.0, _INF, False, True), "detection": (0.0, 1.0, False, False)},
    "side_payment": {"transfer": (0.0, _INF, False, True)},
    "repeated_play": {"discount": (0.0, 1.0, True, True), "noise": (0.0, 0.5, False, True)},
}
_KINDS = ", ".join(MECHANISM_KINDS)
#: Non-numeric parameters: the contract's ``mutual_breach`` (bool), the side payment's
#: ``payer`` (a region of the link) and repeated play's ``strategies`` (names).
_OTHER = {"binding_contract": ("mutual_breach",), "side_payment": ("payer",), "repeated_play": ("strategies",)}
#: Names of the built-in repeated-game strategies.
STRATEGY_NAMES = ("AllC", "AllD", "Grim", "TFT", "WSLS")
#: The parameter a design varies for each kind ("how strong must it be").
PRIMARY_PARAMETER = {
    "higher_level_guidance": "subsidy",
    "binding_contract": "breach_penalty",
    "third_party_organization": "detection",
    "side_payment": "transfer",
    "repeated_play": "discount",
}


def _pair(value: Any, field_name: str) -> tuple[str, str]:
    if isinstance(value, str) and ("–" in value or "-" in value):
        parts = value.replace("–", "-").split("-", 1)
        value = [p.strip() for p in parts]
    if not isinstance(value, (list, tuple)) or len(value) != 2 or not all(isinstance(v, str) for v in value):
        raise EntryError(None, field_name, f'each link is a pair of region ids like ["a", "b"], got {value!r}')
    return value[0], value[1]


@dataclass(frozen=True)
class MechanismSpec:
    """One ``[[mechanisms]]`` entry: its kind, parameters, and where it applies.

    Parameters
    ----------
    kind : str
        One of :data:`MECHANISM_KINDS`.
    parameters : mapping
        The kind's parameters (numbers; ``mutual_breach`` a bool; ``payer`` a region id;
        ``strategies`` a list of :data:`STRATEGY_NAMES`).
    by : str, optional
        The government that gives (or under which stands) the mechanism.
    links : tuple of pairs, optional
        The links it applies to (unordered region pairs); all links under ``by`` otherwise.
    name : str, optional
        A label for tables.
    """

    kind: str
    parameters: Mapping[str, Any] = field(default_factory=dict)
    by: str | None = None
    links: tuple[tuple[str, str], ...] | None = None
    name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in MECHANISM_KINDS:
            raise EntryError(
                None,
                "kind",
                f"unknown mechanism kind {self.kind!r}{did_you_mean(str(self.kind), MECHANISM_KINDS)}; kinds: {_KINDS}",
            )
        ranges = MECHANISM_KINDS[self.kind]
        allowed = (*ranges, *_OTHER.get(self.kind, ()))
        clean: dict[str, Any] = {}
        for key, value in dict(self.parameters).items():
            if key not in allowed:
                raise EntryError(None, key, f"not a parameter of {self.kind}{did_you_mean(key, allowed)}; parameters: {', '.join(allowed)}")
            if key in ranges:
                low, high, open_low, open_high = ranges[key]
                if isinstance(value, bool) or not isinstance(value, (int, float)):
                    raise EntryError(None, key, f"must be a number, got {type(value).__name__} {value!r}")
                if isinstance(value, float) and not math.isfinite(value):
                    raise EntryError(None, key, f"must be a finite number, got {value!r}")
                if not in_range(value):
                    raise EntryError(None, key, out_of_range(value))
                # the value as the games read it (a float of 16 digits is read as the nearest short
                # fraction: 0.9999999999999999 is 1, outside a discount's (0, 1))
                read = rational(value)
                if (read <= low if open_low else read < low) or (read >= high if open_high else read > high):
                    span = f"≥ {low:g}" if high == _INF else f"in {'(' if open_low else '['}{low:g}, {high:g}{')' if open_high else ']'}"
                    shown = f"{value!r}, which reads as {read}" if read != value else f"{value:g}"
                    raise EntryError(None, key, f"must be {span}, got {shown}")
                clean[key] = float(value)
            elif key == "mutual_breach":
                if not isinstance(value, bool):
                    raise EntryError(None, key, f"must be true or false, got {value!r}")
                clean[key] = value
            elif key == "payer":
                if not isinstance(value, str) or not value:
                    raise EntryError(None, key, f"must be the id of one of the link's regions, got {value!r}")
                clean[key] = value
            elif key == "strategies":
                if not isinstance(value, (list, tuple)) or not value or not all(isinstance(v, str) for v in value):
                    raise EntryError(None, key, f"must be a non-empty list of strategy names, got {value!r}")
                for v in value:
                    if v not in STRATEGY_NAMES:
                        raise EntryError(
                            None,
                            key,
                            f"unknown strategy {v!r}{did_you_mean(v, STRATEGY_NAMES)}; strategies: {', '.join(STRATEGY_NAMES)}",
                        )
                if len(set(value)) != len(value):
                    raise EntryError(None, key, f"a strategy is listed twice: {list(value)}")
                clean[key] = tuple(value)
        if self.kind == "side_payment" and "payer" not in clean:
            raise EntryError(None, "payer", "is missing (the id of the region that pays)")
        object.__setattr__(self, "parameters", MappingProxyType(clean))
        if self.by is not None and (not isinstance(self.by, str) or not self.by):
            raise EntryError(None, "by", f"must be a region id, got {self.by!r}")
        if self.links is not None:
            if isinstance(self.links, (str, bytes)) or not isinstance(self.links, (list, tuple)) or not self.links:
                raise EntryError(None, "links", f"must be a non-empty list of region pairs, got {self.links!r}")
            object.__setattr__(self, "links", tuple(_pair(v, "links") for v in self.links))
        if not isinstance(self.name, str):
            raise EntryError(None, "name", f"must be a string, got {self.name!r}")

    def to_table(self) -> dict[str, Any]:
        """The entry as a ``[[mechanisms]]`` table (plain lists, numbers, strings, booleans).

        :meth:`from_table` reads it back to an equal entry; the scenario TOML, the GraphML
        graph attribute ``mechanisms`` and the mechanisms CSV are written from it.

        >>> spec = MechanismSpec("side_payment", {"payer": "b", "transfer": 0.5}, links=[("a", "b")])
        >>> spec.to_table()
        {'kind': 'side_payment', 'links': [['a', 'b']], 'payer': 'b', 'transfer': 0.5}
        >>> MechanismSpec.from_table(spec.to_table()) == spec
        True
        """
        table: dict[str, Any] = {"kind": self.kind}
        if self.name:
            table["name"] = self.name
        if self.by is not None:
            table["by"] = self.by
        if self.links is not None:
            table["links"] = [list(pair) for pair in self.links]
        table.update({k: list(v) if isinstance(v, tuple) else v for k, v in self.parameters.items()})
        return table

    @classmethod
    def from_table(cls, table: Mapping[str, Any]) -> MechanismSpec:
        """An entry from a ``[[mechanisms]]`` table: ``kind``, ``name``, ``by``, ``links`` and
        the kind's parameters.

        Raises
        ------
        EntryError
            Naming the field, for a missing or unknown kind, a wrong type, an unknown parameter
            or a value out of its range.
        """
        if not isinstance(table, Mapping):
            raise EntryError(None, None, f"a mechanism must be a table, got {type(table).__name__}")
        kind = table.get("kind")
        if kind is None:
            raise EntryError(None, "kind", f"is missing (one of {_KINDS})")
        if not isinstance(kind, str):
            raise EntryError(None, "kind", f"must be a string, got {type(kind).__name__} {kind!r}")
        for key in ("name", "by"):
            if table.get(key) is not None and not isinstance(table[key], str):
                raise EntryError(None, key, f"must be a string, got {type(table[key]).__name__} {table[key]!r}")
        return cls(
            kind=kind,
            parameters={k: v for k, v in table.items() if k not in ("kind", "name", "by", "links")},
            by=table.get("by"),
            links=table.get("links"),
            name=table.get("name") or "",
        )

    @property
    def label(self) -> str:
        """The entry's name, or its kind and government."""
        if self.name:
            return self.name
        return self.kind.replace("_", " ") + (f" by {self.by}" if self.by else "")

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, MechanismSpec):
            return NotImplemented
        return (self.kind, dict(self.parameters), self.by, self.links, self.name) == (
            other.kind,
            dict(other.parameters),
            other.by,
            other.links,
            other.name,
        )

    def __hash__(self) -> int:
        return hash((self.kind, self.by, self.links, self.name))
