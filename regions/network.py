"""Regions, their cross-border cluster links, and the administrative tree beside them.

A :class:`RegionNetwork` holds

* ``graph``: a :class:`networkx.MultiGraph` whose nodes are region ids (with the
  :class:`Region` and its fields as node attributes) and whose edges are the cluster links,
  keyed by cluster name (two regions may share several clusters), with the :class:`Link`,
  ``weight`` and ``cluster`` as edge attributes;
* ``hierarchy``: a :class:`networkx.DiGraph` of the administrative tree, edges from each
  superior government to the regions directly under it.

Each link carries the specification of its stage game (:class:`GameSpec`): the four payoffs
R, S, T, P of each government, or the five parameters b, c, g, l, w of the cluster payoff
model (docs/models.md). The games are built from it by :mod:`solver`; this package knows nothing of
games.

Examples
--------
>>> from regions import Region, Link, GameSpec, RegionNetwork
>>> net = RegionNetwork(
...     [Region("zj", "Zhejiang", "province"),
...      Region("jh", "Jinhua", "prefecture", parent="zj"),
...      Region("ls", "Lishui", "prefecture", parent="zj"),
...      Region("yk", "Yongkang", "county", parent="jh"),
...      Region("wy", "Wuyi", "county", parent="jh"),
...      Region("jy", "Jinyun", "county", parent="ls")],
...     [Link(("yk", "wy"), "hardware", 1.0, GameSpec("payoffs", {"R": 3, "S": -1, "T": 4, "P": 0}))],
...     name="example")
>>> net.superior("yk", "wy"), net.superior("yk", "jy")
('jh', 'zj')
>>> sorted(net.graph.edges(keys=True))
[('yk', 'wy', 'hardware')]
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import numbers
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import networkx as nx

from games.errors import UserInputError

__all__ = ["ECONOMICS_KEYS", "LEVELS", "MAX_MAGNITUDE", "NAME_STYLES", "PAYOFF_KEYS", "EntryError", "GameSpec", "Link", "Region", "RegionNetwork"]

#: Administrative levels from the highest to the lowest.
LEVELS = ("country", "province", "prefecture", "county", "township")
#: How regions are named in figures, tables and reports: Latin names, Chinese names, or both.
NAME_STYLES = ("latin", "zh", "both")
#: Keys of a government's stage payoffs and of its cluster economics (docs/models.md).
PAYOFF_KEYS = ("R", "S", "T", "P")
ECONOMICS_KEYS = ("b", "c", "g", "l", "w")


def printable(text: str) -> str:
    r"""Control characters escaped (a newline in a key becomes ``\n``): messages stay one line.

    >>> printable("a\nb")
    'a\\nb'
    """
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in str(text))


def _plain(text: Any, entry: str, field: str) -> None:
    """Refuse control characters in an id or a name: printed in a table, an ESC[2J would clear
    the user's terminal, and a newline breaks Markdown tables and file names."""
    if isinstance(text, str):
        for position, ch in enumerate(text):
            if unicodedata.category(ch) == "Cc":
                raise EntryError(entry, field, f"must not contain control characters (found {printable(ch)} at position {position + 1})")


class EntryError(UserInputError):
    """A problem with one entry of a network, naming the entry and the field.

    The scenario loader adds the file name and raises :class:`regions.ScenarioError`.
    """

    def __init__(self, entry: str | None, field: str | None, message: str) -> None:
        self.entry, self.field, self.detail = entry, field, message
        where = ", ".join(p for p in (entry, f"field '{field}'" if field else None) if p)
        super().__init__(printable(f"{where}: {message}" if where else message))


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or an empty string.

    >>> did_you_mean("jinhau", ["jinhua", "lishui"])
    " (did you mean 'jinhua'?)"
    """
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


#: Largest magnitude of any number in a scenario (payoffs, economics, weights, mechanism
#: parameters): sums and products of such numbers stay far from overflow (a weight of 1e308
#: made the total weight infinite).
MAX_MAGNITUDE = 1e12
#: The smallest nonzero magnitude of a number in a scenario or an imported table: a subnormal
#: payoff or discount (5e-324) made exact rationals with 10³²⁴ in the denominator (the same
#: floor as a game's payoffs and a mechanism's parameters).
MIN_MAGNITUDE = 1e-100


def in_range(value: float) -> bool:
    """Whether a number is finite and 0 or within :data:`MIN_MAGNITUDE` ≤ |x| ≤ :data:`MAX_MAGNITUDE`
    (a Python integer of any size is compared without converting it to a float).

    >>> in_range(0), in_range(2.5), in_range(1e-13), in_range(10**400), in_range(float("nan")), in_range(5e-324)
    (True, True, True, False, False, False)
    """
    if isinstance(value, int):
        return abs(value) <= MAX_MAGNITUDE
    return math.isfinite(value) and (value == 0 or MIN_MAGNITUDE <= abs(value) <= MAX_MAGNITUDE)


def out_of_range(value: float) -> str:
    """The message for a number outside :func:`in_range`.

    >>> out_of_range(1e308)
    '1e+308 is out of range (0, or 10⁻¹⁰⁰ ≤ |x| ≤ 10¹²)'
    >>> out_of_range(10**400)
    '10000000000… (401 digits) is out of range (0, or 10⁻¹⁰⁰ ≤ |x| ≤ 10¹²)'
    """
    shown = whole_number(value) if isinstance(value, int) and abs(value) > 10**15 else f"{value:g}"
    return f"{shown} is out of range (0, or 10⁻¹⁰⁰ ≤ |x| ≤ 10¹²)"


def whole_number(n: int) -> str:
    """A whole number for a message: ``5,000,001``, or its first digits and its length when it
    is huge (a TOML integer may have thousands of digits).

    >>> whole_number(5_000_001), whole_number(-10**400)
    ('5,000,001', '-10000000000… (401 digits)')
    """
    if abs(n) <= 10**15:
        return f"{n:,}"
    digits = str(abs(n))
    return f"{'-' if n < 0 else ''}{digits[:11]}… ({len(digits)} digits)"


def _number(value: Any, entry: str, name: str, *, minimum: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EntryError(entry, name, f"must be a number, got {type(value).__name__} {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise EntryError(entry, name, f"must be a finite number, got {value!r}")
    if not in_range(value):
        raise EntryError(entry, name, out_of_range(value))
    if minimum is not None and value < minimum:
        raise EntryError(entry, name, f"must be ≥ {minimum:g}, got {value:g}")
    return float(value)


@dataclass(frozen=True)
class Region:
    """A government's region: county, prefecture, province, ….

    Parameters
    ----------
    id : str
        Unique identifier (``"yongkang"``).
    name : str
        Display name; ``name_zh`` may hold the Chinese name (``"永康"``).
    level : str
        One of :data:`LEVELS`.
    parent : str, optional
        Id of the directly superior government, None for a root.
    lon, lat : float, optional
        Coordinates of the seat of government, in degrees (both or neither).
    attributes : mapping, optional
        Economic attributes (numbers or strings): GDP, population, output of the cluster, ….
    """

    id: str
    name: str
    level: str
    parent: str | None = None
    lon: float | None = None
    lat: float | None = None
    name_zh: str | None = None
    attributes: Mapping[str, float | str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        entry = f"region '{printable(self.id)}'"
        if not isinstance(self.id, str) or not self.id:
            raise EntryError("region", "id", f"must be a non-empty string, got {self.id!r}")
        for field_name in ("id", "name", "name_zh"):
            _plain(getattr(self, field_name), entry, field_name)
        if self.level not in LEVELS:
            raise EntryError(entry, "level", f"must be one of {', '.join(LEVELS)}, got {self.level!r}{did_you_mean(str(self.level), LEVELS)}")
        if (self.lon is None) != (self.lat is None):
            raise EntryError(entry, "lon" if self.lon is None else "lat", "give both lon and lat, or neither")
        if self.lon is not None:
            object.__setattr__(self, "lon", _number(self.lon, entry, "lon"))
            object.__setattr__(self, "lat", _number(self.lat, entry, "lat"))
            if not -180 <= self.lon <= 180:
                raise EntryError(entry, "lon", f"must lie in [-180, 180], got {self.lon:g}")
            if not -90 <= self.lat <= 90:
                raise EntryError(entry, "lat", f"must lie in [-90, 90], got {self.lat:g}")
        attrs = {}
        for key, value in dict(self.attributes).items():
            attrs[str(key)] = value if isinstance(value, str) else _number(value, entry, f"attributes.{key}")
        object.__setattr__(self, "attributes", MappingProxyType(attrs))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Region):
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in ("id", "name", "level", "parent", "lon", "lat", "name_zh")) and dict(self.attributes) == dict(
            other.attributes
        )

    def __hash__(self) -> int:
        return hash((self.id, self.name, self.level, self.parent))


@dataclass(frozen=True)
class GameSpec:
    """How a link's stage game is specified: ``"payoffs"`` (R, S, T, P) or ``"economics"``.

    ``row`` holds the values of the first region of the link, ``col`` those of the second;
    ``col`` is None for a symmetric game.

    >>> GameSpec("economics", {"b": 4, "c": 1, "g": 4, "l": 0, "w": 0}).symmetric
    True
    """

    kind: str
    row: Mapping[str, float]
    col: Mapping[str, float] | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("payoffs", "economics"):
            raise EntryError(None, "kind", f"must be 'payoffs' or 'economics', got {self.kind!r}")
        keys = PAYOFF_KEYS if self.kind == "payoffs" else ECONOMICS_KEYS
        minimum = 0.0 if self.kind == "economics" else None
        for side in ("row", "col"):
            values = getattr(self, side)
            if values is None:
                continue
            prefix = self.kind if self.col is None else f"{self.kind}.{side}"
            if not isinstance(values, Mapping):
                raise EntryError(None, prefix, f"must be a table of {', '.join(keys)}")
            for key in keys:
                if key not in values:
                    raise EntryError(None, f"{prefix}.{key}", "is missing")
            for key in values:
                if key not in keys:
                    raise EntryError(None, f"{prefix}.{key}", f"is not one of {', '.join(keys)}{did_you_mean(str(key), keys)}")
            clean = {k: _number(values[k], None, f"{prefix}.{k}", minimum=minimum) for k in keys}  # type: ignore[arg-type]
            object.__setattr__(self, side, MappingProxyType(clean))

    @property
    def symmetric(self) -> bool:
        """Whether both governments have the same values."""
        return self.col is None or dict(self.col) == dict(self.row)

    def values(self) -> tuple[dict[str, float], dict[str, float]]:
        """The (row, col) values, col filled in for a symmetric spec."""
        row = dict(self.row)
        return row, dict(self.col) if self.col is not None else dict(row)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, GameSpec):
            return NotImplemented
        return self.kind == other.kind and self.values() == other.values()

    def __hash__(self) -> int:
        return hash((self.kind, tuple(sorted(self.values()[0].items()))))


@dataclass(frozen=True)
class Link:
    """A cross-border cluster link: two regions, the cluster, its weight, its stage game.

    The first region of ``between`` is the row player of the link's game.
    """

    between: tuple[str, str]
    cluster: str
    weight: float
    game: GameSpec
    note: str = ""

    def __post_init__(self) -> None:
        between = tuple(self.between)
        entry = f"link {'–'.join(map(str, between))}"
        if len(between) != 2 or not all(isinstance(r, str) and r for r in between):
            raise EntryError(entry, "between", f"must name two region ids, got {self.between!r}")
        if between[0] == between[1]:
            raise EntryError(entry, "between", f"a link joins two different regions, got '{between[0]}' twice")
        if not isinstance(self.cluster, str) or not self.cluster:
            raise EntryError(entry, "cluster", f"must be a non-empty string, got {self.cluster!r}")
        _plain(self.cluster, entry, "cluster")
        weight = _number(self.weight, entry, "weight")
        if weight <= 0:
            raise EntryError(entry, "weight", f"must be positive, got {weight:g}")
        object.__setattr__(self, "between", between)
        object.__setattr__(self, "weight", weight)


class RegionNetwork:
    """Regions, cluster links and the administrative tree of a city group.

    Parameters
    ----------
    regions : iterable of Region
        Every government of the scenario, superiors included.
    links : iterable of Link
        The cross-border cluster links.
    name, note, sources : str
        The scenario's name, its note (what the numbers are) and the sources of its facts.
    mechanisms : iterable of MechanismSpec
        The scenario's ``[[mechanisms]]`` entries.
    uncertainty : regions.Uncertainty, optional
        Its uncertain quantities; the links and mechanisms hold their central values.

    Raises
    ------
    EntryError
        (a ``ValueError``) for a duplicate id, an unknown parent, a parent of a lower or equal
        level, a parent cycle, a link to an unknown region, or a duplicate link.
    """

    def __init__(
        self,
        regions: Iterable[Region],
        links: Iterable[Link] = (),
        name: str = "",
        note: str = "",
        sources: str = "",
        mechanisms: Iterable[Any] = (),
        uncertainty: Any = None,
    ) -> None:
        self.name, self.note, self.sources = str(name), str(note), str(sources)
        _plain(self.name, "scenario", "name")
        self._regions: dict[str, Region] = {}
        for region in regions:
            if region.id in self._regions:
                raise EntryError(f"region '{region.id}'", "id", f"duplicate id '{region.id}'")
            self._regions[region.id] = region
        self.hierarchy = nx.DiGraph()
        self.hierarchy.add_nodes_from(self._regions)
        for region in self._regions.values():
            if region.parent is None:
                continue
            entry = f"region '{region.id}'"
            parent = self._regions.get(region.parent)
            if parent is None:
                raise EntryError(entry, "parent", f"'{region.parent}' is not a region{did_you_mean(region.parent, self._regions)}")
            if region.parent == region.id:
                raise EntryError(entry, "parent", "a region cannot be its own parent")
            self.hierarchy.add_edge(region.parent, region.id)
        try:
            cycle = nx.find_cycle(self.hierarchy)
        except nx.NetworkXNoCycle:
            cycle = None
        if cycle:
            path = " → ".join([v for _, v in cycle] + [cycle[0][1]])
            raise EntryError(f"region '{cycle[0][1]}'", "parent", f"the parents form a cycle: {path}")
        for region in self._regions.values():
            if region.parent is not None:
                parent = self._regions[region.parent]
                if LEVELS.index(parent.level) >= LEVELS.index(region.level):
                    raise EntryError(
                        f"region '{region.id}'",
                        "parent",
                        f"a {region.level}'s parent must be of a higher level, but '{parent.id}' is a {parent.level}",
                    )
        self.graph = nx.MultiGraph(name=self.name)
        for region in self._regions.values():
            self.graph.add_node(region.id, region=region, name=region.name, level=region.level, lon=region.lon, lat=region.lat)
        self._links: list[Link] = []
        for link in links:
            self._add_link(link)
        self._mechanisms: list[Any] = []
        self._applies: list[tuple[Link, ...]] = []
        repeated: dict[Link, int] = {}
        for k, spec in enumerate(mechanisms, 1):
            applies = self._jurisdiction(k, spec)
            if getattr(spec, "kind", None) == "repeated_play":
                # Repetition is how the whole game is played, not a payoff transform: one per link.
                for link in applies:
                    if link in repeated:
                        raise EntryError(
                            f"mechanism #{k}",
                            "links",
                            f"the link {'–'.join(link.between)} is already repeated by mechanism #{repeated[link]}; a link takes one repeated_play",
                        )
                    repeated[link] = k
            self._applies.append(applies)
            self._mechanisms.append(spec)
        self._uncertainty = self._check_uncertainty(uncertainty)

    def _check_uncertainty(self, uncertainty: Any) -> Any:
        """The uncertainty, with each place checked to exist (None if it has no quantities)."""
        if uncertainty is None or not uncertainty.quantities:
            return None
        for quantity in uncertainty.quantities:
            for place in quantity.places:
                if not self._has_place(place):
                    raise EntryError("uncertainty", quantity.name, f"the place {place!r} is not a number of this network")
        return uncertainty

    def _has_place(self, place: tuple[Any, ...]) -> bool:
        kind, index = place[0], place[1]
        if kind == "mechanism":
            return isinstance(index, int) and 0 <= index < len(self._mechanisms) and place[2] in self._mechanisms[index].parameters
        if not (isinstance(index, int) and 0 <= index < len(self._links)):
            return False
        if kind == "weight":
            return len(place) == 2
        game = self._links[index].game
        side, key = place[2], place[3]
        return kind == "link" and key in game.row and (side == "both") == (game.col is None) and side in ("both", "row", "col")

    @property
    def uncertainty(self) -> Any:
        """The scenario's uncertain quantities (:class:`regions.Uncertainty`), or None.

        The network itself holds each quantity's central value, so every computation on it
        uses those; :meth:`with_values` gives the network at another point.
        """
        return self._uncertainty

    def with_values(self, values: Mapping[str, float]) -> RegionNetwork:
        """The scenario at one point of its uncertain quantities: a network without uncertainty.

        ``values`` maps quantity names (:attr:`regions.Uncertainty.names`) to numbers; a name
        not given keeps its central value. Each value is checked like a number written in the
        file (a payoff finite, a weight positive, a parameter in its range).

        >>> from regions import loads_scenario
        >>> net = loads_scenario('''[scenario]
        ... name = "u"
        ... [[regions]]
        ... id = "a"
        ... level = "county"
        ... [[regions]]
        ... id = "b"
        ... level = "county"
        ... [[links]]
        ... between = ["a", "b"]
        ... payoffs = { R = 3, S = 0, T = { uniform = [4, 6] }, P = 1 }
        ... ''')
        >>> net.links[0].game.row["T"], net.with_values({"a-b.T": 4.5}).links[0].game.row["T"]
        (5.0, 4.5)

        Raises
        ------
        KeyError
            For a name that is not an uncertain quantity of the network.
        EntryError
            For a value its place does not accept.
        """
        known = {q.name: q for q in self._uncertainty.quantities} if self._uncertainty is not None else {}
        for name in values:
            if name not in known:
                raise KeyError(f"'{name}' is not an uncertain quantity of this network{did_you_mean(str(name), known)}")
        links = [[dict(k.game.row), None if k.game.col is None else dict(k.game.col), k.weight] for k in self._links]
        params = [dict(m.parameters) for m in self._mechanisms]
        for name, value in values.items():
            if isinstance(value, numbers.Real) and not isinstance(value, bool):
                value = float(value)
            for place in known[name].places:
                if place[0] == "weight":
                    links[place[1]][2] = value
                elif place[0] == "mechanism":
                    params[place[1]][place[2]] = value
                else:
                    links[place[1]][0 if place[2] in ("both", "row") else 1][place[3]] = value
        new_links = [dataclasses.replace(k, game=GameSpec(k.game.kind, row, col), weight=weight) for k, (row, col, weight) in zip(self._links, links)]
        specs = [dataclasses.replace(m, parameters=p) for m, p in zip(self._mechanisms, params)]
        return RegionNetwork(self._regions.values(), new_links, name=self.name, note=self.note, sources=self.sources, mechanisms=specs)

    def _jurisdiction(self, index: int, spec: Any) -> tuple[Link, ...]:
        """The links a mechanism entry applies to, checked (jurisdiction)."""
        entry = f"mechanism #{index}"
        if spec.by is not None and spec.by not in self._regions:
            raise EntryError(entry, "by", f"'{spec.by}' is not a region{did_you_mean(spec.by, self._regions)}")
        below = self.under(spec.by) if spec.by is not None else None
        if spec.links is not None:
            chosen = []
            for a, b in spec.links:
                for r in (a, b):
                    if r not in self._regions:
                        raise EntryError(entry, "links", f"'{r}' is not a region{did_you_mean(r, self._regions)}")
                found = [k for k in self._links if set(k.between) == {a, b}]
                if not found:
                    raise EntryError(entry, "links", f"there is no link between {a} and {b}")
                chosen.extend(k for k in found if k not in chosen)
        elif below is not None:
            chosen = [k for k in self._links if set(k.between) <= below]
            if not chosen:
                raise EntryError(entry, "by", f"no link lies under '{spec.by}' (both of its regions below it)")
        else:
            chosen = list(self._links)
        for link in chosen:
            if below is not None and not set(link.between) <= below:
                a, b = link.between
                lowest = self.superior(a, b)
                raise EntryError(
                    entry,
                    "by",
                    f"'{spec.by}' is not a superior of both {a} and {b} (their lowest common superior is {lowest or 'none'})",
                )
            payer = spec.parameters.get("payer") if hasattr(spec, "parameters") else None
            if payer is not None and payer not in link.between:
                raise EntryError(entry, "payer", f"'{payer}' is not a region of the link {'–'.join(link.between)}")
        return tuple(chosen)

    @property
    def mechanisms(self) -> tuple[Any, ...]:
        """The scenario's mechanism entries (:class:`regions.MechanismSpec`), in order."""
        return tuple(self._mechanisms)

    def with_mechanisms(self, *specs: Any) -> RegionNetwork:
        """A copy of the network with more mechanism entries (checked like the scenario's)."""
        return RegionNetwork(
            self._regions.values(),
            self._links,
            name=self.name,
            note=self.note,
            sources=self.sources,
            mechanisms=(*self._mechanisms, *specs),
            uncertainty=self._uncertainty,
        )

    def named(self, names: str = "latin") -> RegionNetwork:
        """A copy whose regions carry the display names of ``names``, for figures, tables and reports.

        ``"latin"`` keeps each region's ``name``; ``"zh"`` uses its ``name_zh`` where it has one;
        ``"both"`` writes the two together (``"Yongkang 永康市"``). Ids, links and mechanisms
        are unchanged, so everything computed from the copy is the same; only labels differ.

        >>> from regions import load_scenario
        >>> net = load_scenario("yongkang-wuyi-jinyun")
        >>> [r.name for r in net.named("zh").regions.values()][-3:]
        ['永康市', '武义县', '缙云县']
        >>> net.named("both").region("yongkang").name
        'Yongkang 永康市'
        """
        if names == "en":  # the option's earlier spelling
            names = "latin"
        if names not in NAME_STYLES:
            raise UserInputError(f"names must be one of {', '.join(NAME_STYLES)}, got {names!r}")
        if names == "latin":
            return self

        def label(region: Region) -> str:
            if not region.name_zh:
                return region.name
            return region.name_zh if names == "zh" else f"{region.name} {region.name_zh}"

        regions = [dataclasses.replace(r, name=label(r)) for r in self._regions.values()]
        return RegionNetwork(
            regions, self._links, name=self.name, note=self.note, sources=self.sources, mechanisms=self._mechanisms, uncertainty=self._uncertainty
        )

    def links_of(self, spec: Any) -> tuple[Link, ...]:
        """The links a mechanism entry of this network applies to."""
        for known, links in zip(self._mechanisms, self._applies):
            if known is spec:
                return links
        raise KeyError(f"{spec!r} is not a mechanism of this network")

    def mechanisms_for(self, link: Link) -> tuple[Any, ...]:
        """The mechanism entries that apply to a link, in scenario order."""
        return tuple(spec for spec, links in zip(self._mechanisms, self._applies) if link in links)

    def _add_link(self, link: Link) -> None:
        a, b = link.between
        entry = f"link {a}–{b}"
        for r in (a, b):
            if r not in self._regions:
                raise EntryError(entry, "between", f"'{r}' is not a region{did_you_mean(r, self._regions)}")
        if self.graph.has_edge(a, b, key=link.cluster):
            raise EntryError(entry, "cluster", f"a second '{link.cluster}' link between {a} and {b}")
        self.graph.add_edge(a, b, key=link.cluster, link=link, cluster=link.cluster, weight=link.weight)
        self._links.append(link)

    @property
    def regions(self) -> Mapping[str, Region]:
        """Regions by id, in the order given."""
        return MappingProxyType(self._regions)

    @property
    def links(self) -> tuple[Link, ...]:
        """Links in the order given."""
        return tuple(self._links)

    def region(self, region_id: str) -> Region:
        """The region with this id; ``KeyError`` naming the closest id otherwise."""
        try:
            return self._regions[region_id]
        except KeyError:
            raise KeyError(f"no region '{region_id}'{did_you_mean(region_id, self._regions)}") from None

    def ancestors(self, region_id: str) -> list[str]:
        """The superiors of a region, from its parent up to the root."""
        chain, current = [], self.region(region_id).parent
        while current is not None:
            chain.append(current)
            current = self._regions[current].parent
        return chain

    def superior(self, a: str, b: str) -> str | None:
        """The lowest government superior to both regions, or None if they share none.

        A superior is a strict ancestor in the administrative tree: for a link between a
        prefecture and a county under it, the answer is the prefecture's own superior.
        """
        above_b = set(self.ancestors(b))
        return next((g for g in self.ancestors(a) if g in above_b), None)

    def under(self, government: str) -> set[str]:
        """Every region below a government in the administrative tree."""
        self.region(government)
        return set(nx.descendants(self.hierarchy, government))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RegionNetwork):
            return NotImplemented
        return (self.name, self.note, self.sources, list(self._regions.values()), self._links, self._mechanisms, self._uncertainty) == (
            other.name,
            other.note,
            other.sources,
            list(other._regions.values()),
            other._links,
            other._mechanisms,
            other._uncertainty,
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"RegionNetwork({self.name!r}: {len(self._regions)} regions, {len(self._links)} links)"
