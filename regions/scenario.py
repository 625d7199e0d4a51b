"""Scenario files: a city group as TOML (docs/tutorial.md), read with validation and written back.

A scenario has a ``[scenario]`` table (``name``, ``note``, ``sources``), ``[[regions]]``
(``id``, ``name``, ``name_zh``, ``level``, ``parent``, ``lon``, ``lat``, ``attributes``) and
``[[links]]`` (``between``, ``cluster``, ``weight``, ``note`` and exactly one of ``payoffs`` or
``economics``; each either one table for both governments or ``row``/``col`` tables)::

    [[links]]
    between = ["yongkang", "jinyun"]
    cluster = "hardware"
    weight = 1.0
    payoffs = { R = 3, S = -1, T = 4, P = 0 }

Where a number stands in a link's ``payoffs``/``economics``, its ``weight`` or a mechanism's
numeric parameter, a distribution table may stand instead (:mod:`regions.uncertain`):
``T = { uniform = [4, 6] }``, optionally ``name = "..."``; a top-level ``[uncertainty]``
table holds ``correlation = [["name", "name", rho], …]``. The reader replaces each table by its
central value as it reads the field (so every message names the entry and field as for a number,
and the parsed document is never changed) and records it; the recorded tables become
``RegionNetwork.uncertainty``, named by :func:`default_name` unless named, and
:func:`dumps_scenario` writes them back.

Anything wrong is a :class:`ScenarioError` whose message names the file, the entry and the
field: ``yk.toml: [[links]] #2 (yongkang–jinyn), field 'between': 'jinyn' is not a region
(did you mean 'jinyun'?)``.

Examples
--------
>>> net = load_scenario("yongkang-wuyi-jinyun")
>>> [r.id for r in net.regions.values()][:3]
['zhejiang', 'jinhua', 'lishui']
>>> loads_scenario('[scenario]\\nname = "x"\\n[[regions]]\\nid = "a"\\nlevle = "county"\\n', "x.toml")
Traceback (most recent call last):
...
regions.scenario.ScenarioError: x.toml: [[regions]] #1 (a), field 'levle': unknown key (did you mean 'level'?)
"""

from __future__ import annotations

import math
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import tomli_w

from games.errors import UserInputError
from games.limits import MAX_NESTING, depth

from .mechanisms import MECHANISM_KINDS, MechanismSpec
from .network import ECONOMICS_KEYS, PAYOFF_KEYS, EntryError, GameSpec, Link, Region, RegionNetwork, did_you_mean, in_range, out_of_range, printable
from .uncertain import Distribution, Quantity, Uncertainty, is_distribution

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

__all__ = [
    "ScenarioError",
    "atomic_write",
    "atomic_write_many",
    "builtin_scenarios",
    "default_name",
    "dumps_scenario",
    "load_scenario",
    "loads_scenario",
    "save_scenario",
]

#: Largest scenario file read, in bytes.
MAX_BYTES = 50 * 1024 * 1024

_TOP = ("scenario", "regions", "links", "mechanisms", "generate", "uncertainty")
_GENERATE = ("regions", "links", "prefectures", "seed", "within")
_SCENARIO = ("name", "note", "sources")
_REGION = ("id", "name", "name_zh", "level", "parent", "lon", "lat", "attributes")
_LINK = ("between", "cluster", "weight", "note", "payoffs", "economics")
#: The ranges (low, high, open_low, open_high) of the numbers a distribution may replace.
_WEIGHT_RANGE = (0.0, math.inf, True, True)
_ECONOMICS_RANGE = (0.0, math.inf, False, True)
_NOT_HERE = "a distribution is not allowed here; only link payoffs, economics and weights and mechanism parameters may be uncertain"


class ScenarioError(UserInputError):
    """A scenario that cannot be read, naming the file, the entry and the field.

    Attributes
    ----------
    file, entry, field : str or None
        Where the problem is; ``detail`` is what is wrong.
    """

    def __init__(self, file: str, entry: str | None, field: str | None, detail: str) -> None:
        self.file, self.entry, self.field, self.detail = file, entry, field, detail
        where = ", ".join(p for p in (entry, f"field '{field}'" if field else None) if p)
        super().__init__(printable(f"{file}: {where}: {detail}" if where else f"{file}: {detail}"))


def builtin_scenarios() -> list[str]:
    """Names of the built-in scenarios (package data under ``regions/data``).

    >>> "yongkang-wuyi-jinyun" in builtin_scenarios()
    True
    """
    folder = resources.files("regions") / "data"
    return sorted(p.name[: -len(".toml")] for p in folder.iterdir() if p.name.endswith(".toml"))


def _builtins() -> str:
    return f"built-ins: {', '.join(builtin_scenarios())}"


def builtin_text(name: str) -> str:
    """The TOML text of a built-in scenario."""
    if name not in builtin_scenarios():
        raise ScenarioError(
            name,
            None,
            None,
            f"no built-in scenario '{name}'{did_you_mean(name, builtin_scenarios())}; {_builtins()}",
        )
    return (resources.files("regions") / "data" / f"{name}.toml").read_text(encoding="utf-8")


class _Reader:
    """Checks the parsed TOML against the schema, with the file name for every message."""

    def __init__(self, file: str) -> None:
        self.file = file
        #: Distributions met so far: (explicit name or None, distribution, place, entry, field).
        self.uncertain: list[tuple[str | None, Distribution, tuple[Any, ...], str, str]] = []

    def value(self, value: Any, entry: str, field: str, place: tuple[Any, ...], limits: tuple[float, float, bool, bool] | None = None) -> Any:
        """A number as written, or a distribution table's central value (the table recorded)."""
        if not is_distribution(value):
            return value
        try:
            dist = Distribution.from_table(value)
        except EntryError as err:
            raise self.fail(entry, field + (f".{err.field}" if err.field else ""), err.detail) from err
        name = value.get("name")
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise self.fail(entry, f"{field}.name", f"must be a non-empty string, got {_kind(name)} {name!r}")
        if limits is not None:
            low, high, open_low, open_high = limits
            slow, shigh = dist.support
            reached_low = dist.kind != "lognormal" and slow != -math.inf
            reached_high = shigh != math.inf
            ok_low = slow > low or (slow == low and not (open_low and reached_low))
            ok_high = shigh < high or (shigh == high and not (open_high and reached_high))
            if not (ok_low and ok_high):
                span = f"{'>' if open_low else '≥'} {low:g}" if high == math.inf else f"{'(' if open_low else '['}{low:g}, {high:g}{')' if open_high else ']'}"
                span = span if high == math.inf else f"in {span}"
                raise self.fail(entry, field, f"{dist.describe()} takes values outside the field's range: every value must be {span}")
        self.uncertain.append((name, dist, place, entry, field))
        return dist.central

    def fail(self, entry: str | None, field: str | None, detail: str) -> ScenarioError:
        return ScenarioError(self.file, entry, field, detail)

    def keys(self, table: dict, allowed: tuple[str, ...], entry: str, prefix: str = "") -> None:
        for key in table:
            if key not in allowed:
                raise self.fail(entry, prefix + key, f"unknown key{did_you_mean(key, allowed)}")

    def string(self, table: dict, key: str, entry: str, *, required: bool = False, default: str | None = None) -> str | None:
        if key not in table:
            if required:
                raise self.fail(entry, key, "is missing")
            return default
        value = table[key]
        if isinstance(value, dict):
            raise self.fail(entry, key, f"must be a string; {_NOT_HERE}")
        if not isinstance(value, str):
            raise self.fail(entry, key, f"must be a string, got {_kind(value)} {value!r}")
        if required and not value.strip():
            raise self.fail(entry, key, "must not be empty")
        return value

    def number(self, table: dict, key: str, entry: str, default: float | None = None) -> float | None:
        if key not in table:
            return default
        value = table[key]
        if isinstance(value, dict):
            raise self.fail(entry, key, _NOT_HERE)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(entry, key, f"must be a number, got {_kind(value)} {value!r}")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(entry, key, f"must be a finite number, got {value!r}")
        if not in_range(value):
            raise self.fail(entry, key, out_of_range(value))
        return float(value)

    def array_of_tables(self, doc: dict, key: str) -> list[dict]:
        value = doc.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self.fail(f"[[{key}]]", None, f"must be an array of tables ([[{key}]] entries), got {_kind(value)}")
        return value

    def region(self, index: int, table: dict) -> Region:
        label = table.get("id") if isinstance(table.get("id"), str) else None
        entry = f"[[regions]] #{index}" + (f" ({label})" if label else "")
        self.keys(table, _REGION, entry)
        rid = self.string(table, "id", entry, required=True)
        level = self.string(table, "level", entry, required=True)
        attributes = table.get("attributes", {})
        if not isinstance(attributes, dict):
            raise self.fail(entry, "attributes", f"must be a table, got {_kind(attributes)}")
        for key, value in attributes.items():
            if isinstance(value, str):
                continue
            if isinstance(value, dict):
                raise self.fail(entry, f"attributes.{key}", _NOT_HERE)
            self.number(attributes, key, entry)  # numbers or strings only
        lon, lat = self.number(table, "lon", entry), self.number(table, "lat", entry)
        try:
            return Region(
                id=rid,
                name=self.string(table, "name", entry, default=rid),
                level=level,
                parent=self.string(table, "parent", entry),
                lon=lon,
                lat=lat,
                name_zh=self.string(table, "name_zh", entry),
                attributes=attributes,
            )
        except EntryError as err:
            raise self.fail(entry, err.field, err.detail) from err

    def spec(self, kind: str, value: Any, entry: str, index: int = 0) -> GameSpec:
        if not isinstance(value, dict):
            raise self.fail(entry, kind, f"must be a table, got {_kind(value)} {value!r}")
        if "row" in value or "col" in value:
            for key in value:
                if key not in ("row", "col"):
                    raise self.fail(
                        entry,
                        f"{kind}.{key}",
                        f"unknown key{did_you_mean(key, ('row', 'col'))}; an asymmetric game has only row and col tables",
                    )
            for side in ("row", "col"):
                if side not in value:
                    raise self.fail(entry, f"{kind}.{side}", "is missing (an asymmetric game needs both row and col)")
            row, col = value["row"], value["col"]
        else:
            row, col = value, None
        limits = _ECONOMICS_RANGE if kind == "economics" else None
        sides = (("both", row),) if col is None else (("row", row), ("col", col))
        clean = []
        for side, values in sides:
            if isinstance(values, dict):
                prefix = kind if side == "both" else f"{kind}.{side}"
                values = {k: self.value(v, entry, f"{prefix}.{k}", ("link", index - 1, side, k), limits) for k, v in values.items()}
            clean.append(values)
        row, col = clean if col is not None else (clean[0], None)
        try:
            return GameSpec(kind, row, col)
        except EntryError as err:
            raise self.fail(entry, err.field, err.detail) from err

    def link(self, index: int, table: dict) -> Link:
        between = table.get("between")
        names = "–".join(b for b in between if isinstance(b, str)) if isinstance(between, list) else ""
        entry = f"[[links]] #{index}" + (f" ({names})" if names else "")
        self.keys(table, _LINK, entry)
        if between is None:
            raise self.fail(entry, "between", "is missing")
        if not isinstance(between, list) or len(between) != 2 or not all(isinstance(b, str) for b in between):
            raise self.fail(entry, "between", f"must be a list of two region ids, got {between!r}")
        has = [k for k in ("payoffs", "economics") if k in table]
        if not has:
            raise self.fail(entry, "payoffs", "is missing (give payoffs = {R, S, T, P} or economics = {b, c, g, l, w})")
        if len(has) == 2:
            raise self.fail(entry, "economics", "give payoffs or economics, not both")
        spec = self.spec(has[0], table[has[0]], entry, index)
        weight = table.get("weight")
        if is_distribution(weight):
            weight = self.value(weight, entry, "weight", ("weight", index - 1), _WEIGHT_RANGE)
        try:
            return Link(
                between=(between[0], between[1]),
                cluster=self.string(table, "cluster", entry, default="cluster"),
                weight=self.number({"weight": weight} if weight is not None else {}, "weight", entry, default=1.0),
                game=spec,
                note=self.string(table, "note", entry, default=""),
            )
        except EntryError as err:
            raise self.fail(entry, err.field, err.detail) from err

    def mechanism(self, index: int, table: dict) -> MechanismSpec:
        kind = table.get("kind")
        label = table.get("name") if isinstance(table.get("name"), str) and table.get("name") else kind
        entry = f"[[mechanisms]] #{index}" + (f" ({label})" if isinstance(label, str) else "")
        if kind is None:
            raise self.fail(entry, "kind", f"is missing (one of {', '.join(MECHANISM_KINDS)})")
        if not isinstance(kind, str):
            raise self.fail(entry, "kind", f"must be a string, got {_kind(kind)} {kind!r}")
        params = {k: v for k, v in table.items() if k not in ("kind", "name", "by", "links")}
        ranges = MECHANISM_KINDS.get(kind, {})
        params = {k: self.value(v, entry, k, ("mechanism", index - 1, k), ranges[k]) if k in ranges else v for k, v in params.items()}
        links = table.get("links")
        try:
            return MechanismSpec(
                kind=kind,
                parameters=params,
                by=self.string(table, "by", entry),
                links=None if links is None else links,
                name=self.string(table, "name", entry, default=""),
            )
        except EntryError as err:
            raise self.fail(entry, err.field, err.detail) from err


def _kind(value: Any) -> str:
    return {bool: "a boolean", int: "an integer", float: "a number", str: "a string", list: "an array", dict: "a table"}.get(type(value), type(value).__name__)


def loads_scenario(text: str, file: str = "<string>") -> RegionNetwork:
    """Read a scenario from TOML text; ``file`` names it in error messages.

    Raises
    ------
    ScenarioError
        For invalid TOML (with its line), an empty document, an unknown key (with a
        did-you-mean hint), a wrong type, a missing or non-numeric payoff, NaN or infinite
        numbers, duplicate ids, an unknown parent or a parent cycle, a link to an unknown
        region or from a region to itself.
    """
    reader = _Reader(file)
    if not text.strip():
        raise reader.fail(None, None, "the file is empty; a scenario needs [scenario], [[regions]] and [[links]]")
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise reader.fail(None, None, f"invalid TOML: {err}") from err
    except ValueError:  # an integer of more than 4,300 digits (Python's conversion limit)
        raise reader.fail(None, None, "invalid TOML: an integer of more than 4,300 digits") from None
    except RecursionError:  # hundreds of nested arrays or tables
        raise reader.fail(None, None, f"nested too deeply (at most {MAX_NESTING} levels of arrays and tables)") from None
    if depth(doc) > MAX_NESTING:
        raise reader.fail(None, None, f"nested too deeply (at most {MAX_NESTING} levels of arrays and tables)")
    if not doc:
        raise reader.fail(None, None, "the file is empty (only comments); a scenario needs [scenario], [[regions]] and [[links]]")
    reader.keys(doc, _TOP, "top level")
    head = doc.get("scenario")
    if head is None:
        raise reader.fail("[scenario]", None, 'is missing (it needs at least name = "…")')
    if not isinstance(head, dict):
        raise reader.fail("[scenario]", None, f"must be a table, got {_kind(head)}")
    reader.keys(head, _SCENARIO, "[scenario]")
    name = reader.string(head, "name", "[scenario]", required=True)
    note = reader.string(head, "note", "[scenario]", default="")
    sources = reader.string(head, "sources", "[scenario]")
    if "generate" in doc:
        return _generated(reader, doc, name, note, sources)
    regions = [reader.region(i, t) for i, t in enumerate(reader.array_of_tables(doc, "regions"), 1)]
    if not regions:
        raise reader.fail("[[regions]]", None, "a scenario needs at least one region")
    links = [reader.link(i, t) for i, t in enumerate(reader.array_of_tables(doc, "links"), 1)]
    specs = [reader.mechanism(i, t) for i, t in enumerate(reader.array_of_tables(doc, "mechanisms"), 1)]
    entries = {f"region '{r.id}'": f"[[regions]] #{i} ({r.id})" for i, r in enumerate(regions, 1)}
    entries.update({f"link {'–'.join(k.between)}": f"[[links]] #{i} ({'–'.join(k.between)})" for i, k in enumerate(links, 1)})
    entries.update({f"mechanism #{i}": f"[[mechanisms]] #{i} ({m.name or m.kind})" for i, m in enumerate(specs, 1)})
    uncertainty = _uncertainty(reader, doc, links, specs)
    try:
        network = RegionNetwork(regions, links, name=name, note=note, sources=sources or "", mechanisms=specs, uncertainty=uncertainty)
    except EntryError as err:
        entry = entries.get(err.entry or "", err.entry)
        if err.field == "id" and err.entry in entries:  # a duplicate: name the second one
            second = [i for i, r in enumerate(regions, 1) if f"region '{r.id}'" == err.entry][-1]
            entry = f"[[regions]] #{second} ({regions[second - 1].id})"
        if err.field == "cluster" and err.entry in entries:
            second = [i for i, k in enumerate(links, 1) if f"link {'–'.join(k.between)}" == err.entry][-1]
            entry = f"[[links]] #{second} ({'–'.join(links[second - 1].between)})"
        raise reader.fail(entry, err.field, err.detail) from err
    return network


def default_name(place: tuple[Any, ...], links: Sequence[Link], mechanisms: Sequence[MechanismSpec]) -> str:
    """The name of an unnamed uncertain quantity at a place (docs/tutorial.md).

    ``a-b.T`` for a symmetric link's payoff, ``a-b.row.T`` / ``a-b.col.T`` for one side of an
    asymmetric link, ``a-b.weight`` for its weight (``a-b:cluster.T`` when the pair has two
    clusters), ``<mechanism label>.<parameter>`` for a mechanism's parameter.
    """
    if place[0] == "mechanism":
        return f"{mechanisms[place[1]].label}.{place[2]}"
    link = links[place[1]]
    pair = set(link.between)
    base = "-".join(link.between)
    if sum(set(k.between) == pair for k in links) > 1:
        base += f":{link.cluster}"
    if place[0] == "weight":
        return f"{base}.weight"
    side, key = place[2], place[3]
    return f"{base}.{key}" if side == "both" else f"{base}.{side}.{key}"


def _place_order(place: tuple[Any, ...], specs: Sequence[MechanismSpec]) -> tuple[int, int, int, int]:
    if place[0] == "mechanism":
        return (1, place[1], 0, list(MECHANISM_KINDS[specs[place[1]].kind]).index(place[2]))
    if place[0] == "weight":
        return (0, place[1], 3, 0)
    return (0, place[1], ("both", "row", "col").index(place[2]), (*PAYOFF_KEYS, *ECONOMICS_KEYS).index(place[3]))


def _uncertainty(reader: _Reader, doc: dict, links: list[Link], specs: list[MechanismSpec]) -> Uncertainty | None:
    """The recorded distributions as named quantities, with the ``[uncertainty]`` correlations."""
    table = doc.get("uncertainty", {})
    if not isinstance(table, dict):
        raise reader.fail("[uncertainty]", None, f"must be a table, got {_kind(table)}")
    reader.keys(table, ("correlation",), "[uncertainty]")
    pairs = table.get("correlation", [])
    if not isinstance(pairs, list):
        raise reader.fail("[uncertainty]", "correlation", f'must be an array of ["name", "name", rho] entries, got {_kind(pairs)}')
    found: dict[str, tuple[Distribution, list[tuple[Any, ...]], str]] = {}
    # In the order of their places, whatever the order of the keys in the file (so a written and
    # re-read scenario lists them alike): links in order (their values by key, row before col,
    # then the weight), then mechanisms' parameters in the kind's order.
    records = sorted(reader.uncertain, key=lambda r: _place_order(r[2], specs))
    for name, dist, place, entry, field in records:
        name = name or default_name(place, links, specs)
        if name in found:
            first, places, where = found[name]
            if first != dist:
                raise reader.fail(
                    entry,
                    field,
                    f"the quantity '{name}' is {first.describe()} at {where}, here {dist.describe()}; one name is one quantity (give another name)",
                )
            places.append(place)
        else:
            found[name] = (dist, [place], f"{entry}, field '{field}'")
    if not found and not pairs:
        return None
    quantities = tuple(Quantity(n, d, tuple(p)) for n, (d, p, _) in found.items())
    try:
        return Uncertainty(quantities, tuple(tuple(p) if isinstance(p, list) else p for p in pairs))
    except EntryError as err:
        raise reader.fail(err.entry, err.field, err.detail) from err


def _generated(reader: _Reader, doc: dict, name: str | None, note: str | None, sources: str | None) -> RegionNetwork:
    """A scenario whose [generate] table asks for a synthetic province; its sizes are checked
    before anything is generated (:func:`regions.synthetic_province` says which field)."""
    from .synthetic import MAX_REGIONS, synthetic_province

    table = doc["generate"]
    if not isinstance(table, dict):
        raise reader.fail("[generate]", None, f"must be a table, got {_kind(table)}")
    for key in ("regions", "links", "uncertainty"):
        if key in doc:
            raise reader.fail("top level", key, "a generated scenario has no [[regions]], [[links]] or [uncertainty] of its own")
    if "mechanisms" in doc:  # they used to be dropped without a word
        raise reader.fail(
            "[[mechanisms]]",
            None,
            "a generated scenario does not read [[mechanisms]] (their regions exist only once generated); "
            "write it out with `intergov export FILE --out net.toml` and add them there",
        )
    reader.keys(table, _GENERATE, "[generate]")
    params = {}
    for key in _GENERATE:
        if key in table:
            value = table[key]
            if key == "within":
                params[key] = reader.number(table, key, "[generate]")
            elif isinstance(value, bool) or not isinstance(value, int):
                raise reader.fail("[generate]", key, f"must be a whole number, got {_kind(value)} {value!r}")
            else:
                params[key] = value
    for key, most in (("regions", MAX_REGIONS), ("links", 200_000)):
        if key in params and not 1 <= params[key] <= most:
            shown = f"{params[key]:,}" if abs(params[key]) <= 10**15 else f"a number of {len(str(abs(params[key])))} digits"
            raise reader.fail("[generate]", key, f"must lie in 1 … {most:,}, got {shown}")
    try:
        network = synthetic_province(**params)
    except EntryError as err:  # a size the generator cannot make, named
        raise reader.fail("[generate]", err.field, err.detail) from err
    except ValueError as err:
        raise reader.fail("[generate]", None, str(err)) from err
    return RegionNetwork(network.regions.values(), network.links, name=name or network.name, note=note or network.note, sources=sources or network.sources)


def load_scenario(source: str | os.PathLike[str]) -> RegionNetwork:
    """Read a scenario file, or a built-in scenario by name.

    Parameters
    ----------
    source : str or path
        A path to a TOML file, or the name of a built-in scenario (:func:`builtin_scenarios`).

    Raises
    ------
    ScenarioError
        If the file cannot be read or is not a valid scenario (see :func:`loads_scenario`).
    """
    path = Path(source)
    if path.is_file():
        try:
            if path.stat().st_size > MAX_BYTES:
                raise ScenarioError(str(path), None, None, f"the file is larger than {MAX_BYTES // 2**20} MiB")
            text = path.read_bytes().decode("utf-8")
        except UnicodeDecodeError as err:
            raise ScenarioError(str(path), None, None, f"not UTF-8 text: {err}") from err
        except OSError as err:
            raise ScenarioError(str(path), None, None, f"cannot read: {err.strerror or err}") from err
        return loads_scenario(text, str(path))
    name = str(source)
    if name in builtin_scenarios():
        return loads_scenario(builtin_text(name), f"{name} (built-in)")
    if path.suffix or os.sep in name or path.exists():
        raise ScenarioError(name, None, None, "no such file" if not path.exists() else "not a regular file")
    raise ScenarioError(
        name,
        None,
        None,
        f"no scenario file or built-in scenario of that name{did_you_mean(name, builtin_scenarios())}; {_builtins()}",
    )


def dumps_scenario(network: RegionNetwork) -> str:
    """A network as scenario TOML text (the schema :func:`loads_scenario` reads)."""
    head: dict[str, Any] = {"name": network.name}
    if network.note:
        head["note"] = network.note
    if network.sources:
        head["sources"] = network.sources
    regions = []
    for r in network.regions.values():
        table: dict[str, Any] = {"id": r.id, "name": r.name}
        if r.name_zh is not None:
            table["name_zh"] = r.name_zh
        table["level"] = r.level
        if r.parent is not None:
            table["parent"] = r.parent
        if r.lon is not None:
            table["lon"], table["lat"] = r.lon, r.lat
        if r.attributes:
            table["attributes"] = dict(r.attributes)
        regions.append(table)
    uncertain = _uncertain_places(network)
    links = []
    for i, k in enumerate(network.links):
        table = {"between": list(k.between), "cluster": k.cluster, "weight": uncertain.get(("weight", i), k.weight)}
        if k.note:
            table["note"] = k.note
        sided = any(p[:2] == ("link", i) and p[2] != "both" for p in uncertain)
        row, col = k.game.values()
        for place, written in uncertain.items():
            if place[:2] == ("link", i):
                (col if place[2] == "col" else row)[place[3]] = written
        table[k.game.kind] = {"row": row, "col": col} if sided or not k.game.symmetric else row
        links.append(table)
    doc: dict[str, Any] = {"scenario": head, "regions": regions}
    if links:
        doc["links"] = links
    mechanisms = []
    for j, m in enumerate(network.mechanisms):
        table = m.to_table()
        table.update({place[2]: written for place, written in uncertain.items() if place[:2] == ("mechanism", j)})
        mechanisms.append(table)
    if mechanisms:
        doc["mechanisms"] = mechanisms
    if network.uncertainty is not None and network.uncertainty.pairs:
        doc["uncertainty"] = {"correlation": [list(p) for p in network.uncertainty.pairs]}
    return tomli_w.dumps(doc)


def _uncertain_places(network: RegionNetwork) -> dict[tuple[Any, ...], dict[str, Any]]:
    """Each uncertain place's distribution table, named where the name is not the default."""
    tables = {}
    if network.uncertainty is not None:
        links, specs = network.links, network.mechanisms
        for quantity in network.uncertainty.quantities:
            for place in quantity.places:
                table = quantity.distribution.to_table()
                if quantity.name != default_name(place, links, specs):
                    table["name"] = quantity.name
                tables[place] = table
    return tables


def read_toml(path: str | os.PathLike[str], fail: Callable[[str], Exception]) -> dict:
    """Read and parse a TOML file; ``fail`` turns a one-line message (file name first) into the
    caller's own error type.

    >>> read_toml("/no/such.toml", ValueError)
    Traceback (most recent call last):
    ...
    ValueError: /no/such.toml: cannot read: No such file or directory
    """
    source = str(path)
    try:
        if Path(path).stat().st_size > MAX_BYTES:
            raise fail(f"{source}: the file is larger than {MAX_BYTES // 2**20} MiB")
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise fail(f"{source}: not UTF-8 text") from err
    except OSError as err:
        raise fail(f"{source}: cannot read: {err.strerror or err}") from err
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise fail(f"{source}: invalid TOML: {err}") from err
    except ValueError:  # an integer of more than 4,300 digits (Python's conversion limit)
        raise fail(f"{source}: invalid TOML: an integer of more than 4,300 digits") from None
    except RecursionError:  # hundreds of nested arrays or tables
        doc = None
    if doc is None or depth(doc) > MAX_NESTING:
        raise fail(f"{source}: nested too deeply (at most {MAX_NESTING} levels of arrays and tables)")
    return doc


def current_umask() -> int:
    """The process's file-mode creation mask (read by setting and restoring it).

    >>> 0 <= current_umask() <= 0o777
    True
    """
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def atomic_write(path: str | os.PathLike[str], write: Callable[[Path], object]) -> Path:
    """Write a file atomically: ``write`` fills a temporary file beside ``path`` (with the same
    extension), which then replaces ``path`` in one step; on any failure or interrupt it is
    removed and ``path`` is untouched.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "x.txt"
    >>> atomic_write(target, lambda tmp: tmp.write_text("done")).read_text()
    'done'
    """
    return atomic_write_many([(path, write)])[0]


@contextmanager
def _signals_deferred() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back (delivered right after) while a few renames complete."""
    held = {signal.SIGINT, signal.SIGTERM}
    if not hasattr(signal, "pthread_sigmask") or threading.current_thread() is not threading.main_thread():
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def atomic_write_many(items: Sequence[tuple[str | os.PathLike[str], Callable[[Path], object]]]) -> list[Path]:
    """Write several files as one: every ``write`` fills a temporary file beside its path; only
    when all have succeeded are they renamed into place, with Ctrl-C and SIGTERM held back for
    those few renames, so that an interrupt leaves either all the old files or all the new ones.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> [p.name for p in atomic_write_many([(folder / "a.csv", lambda t: t.write_text("1")), (folder / "b.csv", lambda t: t.write_text("2"))])]
    ['a.csv', 'b.csv']
    """
    done: list[tuple[Path, Path]] = []
    try:
        for target, write in items:
            path = Path(target)
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
                fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=f".tmp{path.suffix}")
            except OSError as err:  # a read-only or missing place, a file where a folder should be
                raise UserInputError(f"{path}: cannot write: {err.strerror or err}") from err
            os.close(fd)
            done.append((Path(name), path))
            try:
                write(Path(name))
                # mkstemp creates the file private (0600); give it the mode a plain open() would.
                os.chmod(name, 0o666 & ~current_umask())
            except OSError as err:
                if isinstance(err, BrokenPipeError):
                    raise
                raise UserInputError(f"{path}: cannot write: {err.strerror or err}") from err  # a full disk, a lost mount
        with _signals_deferred():
            for tmp, path in done:
                os.replace(tmp, path)
    except BaseException:
        for tmp, _ in done:
            tmp.unlink(missing_ok=True)
        raise
    return [path for _, path in done]


#: The file that marks a folder as intergov's output, so that ``--force`` may replace it.
MARKER = ".intergov"


def replace_refusal(path: str | os.PathLike[str]) -> str | None:
    """Why ``--force`` may not replace the folder ``path`` (None when it may): it is the
    current folder or holds it, or it holds files intergov did not write. A folder intergov
    wrote holds :data:`MARKER` (reports written before the marker existed: a ``metadata.json``
    naming intergov); an empty folder may always be replaced.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "thesis.tex").write_text("mine")
    >>> replace_refusal(folder).startswith("it holds files intergov did not write")
    True
    """
    folder = Path(path)
    if not folder.is_dir():
        return None
    resolved, here = folder.resolve(), Path.cwd().resolve()
    if resolved == here or resolved in here.parents:
        return "it is the current folder or holds it; give --out a new folder"
    names = [p.name for p in folder.iterdir()]
    if not names or MARKER in names:
        return None
    meta = folder / "metadata.json"
    try:
        if meta.is_file() and '"intergov"' in meta.read_text(encoding="utf-8")[:4096]:
            return None
    except (OSError, UnicodeDecodeError):
        pass
    shown = ", ".join(sorted(names)[:3]) + (f" and {len(names) - 3} more" if len(names) > 3 else "")
    return f"it holds files intergov did not write ({shown}); --force replaces only an earlier intergov output folder"


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2`` with ``RENAME_EXCHANGE``): True when done,
    False where the system cannot (the caller then renames twice)."""
    if sys.platform != "linux":
        return False
    try:
        import ctypes
        import ctypes.util

        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


@contextmanager
def atomic_folder(path: str | os.PathLike[str]) -> Iterator[Path]:
    """Write a folder atomically: the body fills a temporary folder beside ``path``, which then
    takes the place of ``path`` in one step — on Linux the old and the new folder are exchanged,
    so there is no moment without one at ``path`` — and the old one is removed. On any failure
    or interrupt the temporary folder is removed and ``path`` is untouched. Temporary folders
    left beside ``path`` by an earlier run that was killed are removed first. The folder gets
    the :data:`MARKER` file that lets a later ``--force`` replace it.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out"
    >>> with atomic_folder(target) as work:
    ...     _ = (work / "a.txt").write_text("done")
    >>> (target / "a.txt").read_text(), (target / MARKER).exists()
    ('done', True)
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for stale in [*path.parent.glob(f".{path.name}.*.tmp"), *path.parent.glob(f".{path.name}.*.old")]:
        if stale.is_dir():  # left by a run that was killed before it could clean up
            shutil.rmtree(stale, ignore_errors=True)
    work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent))
    os.chmod(work, 0o777 & ~current_umask())  # mkdtemp's folder is private; the output is not
    try:
        yield work
        marker = work / MARKER
        marker.write_text("written by intergov; `--force` may replace this folder\n", encoding="utf-8")
        os.chmod(marker, 0o666 & ~current_umask())
        if path.exists() and _exchange(work, path):
            shutil.rmtree(work, ignore_errors=True)  # now the old folder
            return
        old = None
        if path.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=".old", dir=path.parent))
            old.rmdir()
            path.rename(old)
        try:
            work.rename(path)
        except BaseException:
            if old is not None:
                old.rename(path)  # put the previous folder back
            raise
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise


def save_scenario(network: RegionNetwork, path: str | os.PathLike[str]) -> Path:
    """Write a network to a scenario file, atomically (a failure leaves no partial file).

    Returns
    -------
    Path
        The file written.
    """
    text = dumps_scenario(network)
    return atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
