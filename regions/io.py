"""Region data from other tools: CSV tables and GraphML (networkx), read into a RegionNetwork.

CSV: a regions table with columns ``id, name, level, parent, lon, lat`` (``name_zh`` optional;
any other column becomes a numeric or text attribute) and a links table with ``a, b`` (the two
region ids, ``a`` the row player), optional ``cluster`` and ``weight``, and the stage game as
``R, S, T, P`` (both governments), ``R_row … P_row, R_col … P_col``, or the cluster economics
``b, c, g, l, w`` (or with ``_row``/``_col``).

GraphML: nodes with the same attributes as the regions table, edges with those of the links
table (``a``/``b`` are the edge's ends).

Every problem is a :class:`~regions.ScenarioError` naming the file, the row and the field.

Examples
--------
>>> import io
>>> regions = io.StringIO("id,name,level,parent\\np,P,prefecture,\\na,A,county,p\\nb,B,county,p\\n")
>>> links = io.StringIO("a,b,R,S,T,P\\na,b,3,-1,4,0\\n")
>>> net = read_csv(regions, links)
>>> net.superior("a", "b"), net.links[0].game.kind
('p', 'payoffs')
"""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path
from typing import Any

import networkx as nx

from .network import ECONOMICS_KEYS, PAYOFF_KEYS, EntryError, GameSpec, Link, Region, RegionNetwork
from .scenario import ScenarioError

__all__ = ["MAX_TABLE_BYTES", "read_csv", "read_graphml"]

#: Largest CSV or GraphML file read, in bytes.
MAX_TABLE_BYTES = 50 * 1024 * 1024
_REGION_FIELDS = ("id", "name", "name_zh", "level", "parent", "lon", "lat")


def _open(source: Any) -> tuple[str, str]:
    if isinstance(source, io.IOBase) or hasattr(source, "read"):
        return getattr(source, "name", "<table>"), source.read()
    path = Path(source)
    try:
        if path.stat().st_size > MAX_TABLE_BYTES:
            raise ScenarioError(str(path), None, None, f"the file is larger than {MAX_TABLE_BYTES // 2**20} MiB")
        return str(path), path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ScenarioError(str(path), None, None, "not UTF-8 text") from err
    except OSError as err:
        raise ScenarioError(str(path), None, None, f"cannot read: {err.strerror or err}") from err


def _number(file: str, entry: str, field: str, text: Any) -> float:
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ScenarioError(file, entry, field, f"must be a number, got {text!r}") from None
    if not math.isfinite(value):
        raise ScenarioError(file, entry, field, f"must be a finite number, got {text!r}")
    return value


def _region(file: str, entry: str, row: dict[str, Any]) -> Region:
    if not str(row.get("id") or "").strip():
        raise ScenarioError(file, entry, "id", "is missing")
    if not str(row.get("level") or "").strip():
        raise ScenarioError(file, entry, "level", "is missing")
    lon, lat = row.get("lon"), row.get("lat")
    attributes = {}
    for key, value in row.items():
        if key in _REGION_FIELDS or key is None or value in (None, ""):
            continue
        try:
            number = float(value)
            attributes[str(key)] = number if math.isfinite(number) else str(value)
        except (TypeError, ValueError):
            attributes[str(key)] = str(value)
    try:
        return Region(
            id=str(row["id"]).strip(),
            name=str(row.get("name") or row["id"]).strip(),
            level=str(row["level"]).strip(),
            parent=str(row.get("parent")).strip() if row.get("parent") not in (None, "") else None,
            lon=_number(file, entry, "lon", lon) if lon not in (None, "") else None,
            lat=_number(file, entry, "lat", lat) if lat not in (None, "") else None,
            name_zh=str(row["name_zh"]) if row.get("name_zh") not in (None, "") else None,
            attributes=attributes,
        )
    except EntryError as err:
        raise ScenarioError(file, entry, err.field, err.detail) from err


def _spec(file: str, entry: str, row: dict[str, Any]) -> GameSpec:
    present = {k for k, v in row.items() if k is not None and v not in (None, "")}
    for kind, keys in (("payoffs", PAYOFF_KEYS), ("economics", ECONOMICS_KEYS)):
        if all(k in present for k in keys):
            return GameSpec(kind, {k: _number(file, entry, k, row[k]) for k in keys})
        if all(f"{k}_row" in present and f"{k}_col" in present for k in keys):
            side = {s: {k: _number(file, entry, f"{k}_{s}", row[f"{k}_{s}"]) for k in keys} for s in ("row", "col")}
            return GameSpec(kind, side["row"], side["col"])
    raise ScenarioError(file, entry, "R", "the stage game is missing: give R, S, T, P (or b, c, g, l, w), optionally with _row/_col")


def _link(file: str, entry: str, row: dict[str, Any], a: Any, b: Any) -> Link:
    try:
        spec = _spec(file, entry, row)
        weight = _number(file, entry, "weight", row["weight"]) if row.get("weight") not in (None, "") else 1.0
        return Link((str(a), str(b)), str(row.get("cluster") or "cluster"), weight, spec)
    except EntryError as err:
        raise ScenarioError(file, entry, err.field, err.detail) from err


def _network(file: str, regions: list[Region], links: list[Link], name: str, note: str) -> RegionNetwork:
    try:
        return RegionNetwork(regions, links, name=name, note=note, sources=f"imported from {file}")
    except EntryError as err:
        raise ScenarioError(file, err.entry, err.field, err.detail) from err


def read_csv(regions: Any, links: Any, *, name: str = "imported city group", note: str = "imported; check what the numbers are") -> RegionNetwork:
    """A network from a regions CSV and a links CSV (paths or open text files)."""
    rfile, rtext = _open(regions)
    lfile, ltext = _open(links)
    try:
        region_rows = list(csv.DictReader(io.StringIO(rtext)))
        link_rows = list(csv.DictReader(io.StringIO(ltext)))
    except csv.Error as err:
        raise ScenarioError(rfile, None, None, f"not a CSV table: {err}") from err
    if not region_rows:
        raise ScenarioError(rfile, None, None, "no regions (a header row and one row per region)")
    out_regions = [_region(rfile, f"row {k}", row) for k, row in enumerate(region_rows, 2)]
    out_links = []
    for k, row in enumerate(link_rows, 2):
        entry = f"row {k}"
        if not row.get("a") or not row.get("b"):
            raise ScenarioError(lfile, entry, "a" if not row.get("a") else "b", "is missing (the two region ids of the link)")
        out_links.append(_link(lfile, entry, row, row["a"], row["b"]))
    return _network(lfile, out_regions, out_links, name, note)


def read_graphml(path: str | os.PathLike[str], *, name: str | None = None, note: str = "imported; check what the numbers are") -> RegionNetwork:
    """A network from a GraphML file whose nodes are regions and edges cluster links."""
    file, text = _open(path)
    try:
        graph = nx.parse_graphml(text)
    except Exception as err:  # networkx raises several kinds for malformed XML
        raise ScenarioError(file, None, None, f"not a GraphML file: {type(err).__name__}: {err}") from err
    regions = [_region(file, f"node {n!r}", {"id": n, **data}) for n, data in graph.nodes(data=True)]
    links = [_link(file, f"edge {a!r}–{b!r}", dict(data), a, b) for a, b, data in graph.edges(data=True)]
    return _network(file, regions, links, name or graph.graph.get("name") or "imported city group", note)
