"""Region data as CSV tables and GraphML (networkx), read into a RegionNetwork and written back.

CSV: a regions table with columns ``id, name, level, parent, lon, lat`` (``name_zh`` optional;
any other column becomes a numeric or text attribute, ``attributes.<key>`` for a key that is also
a column name), a links table with ``a, b`` (the two region ids, ``a`` the row player), optional
``cluster``, ``weight`` and ``note``, and the stage game as ``R, S, T, P`` (both governments),
``R_row … P_row, R_col … P_col``, or the cluster economics ``b_row … w_row, b_col … w_col``
(column ``b`` is the second region, so the economics always have ``_row``/``_col``), and
optionally a mechanisms table: one row per ``[[mechanisms]]`` entry with
``kind, name, by, links`` and a column per parameter (empty where it does not apply). ``links``
is a JSON list of pairs (``[["a", "b"]]``) or ``a–b; c–d``; ``strategies`` a JSON list or names
separated by spaces or commas; ``mutual_breach`` ``true`` or ``false``. A text attribute that
reads as a number comes back as a number: CSV has no types.

GraphML: nodes with the same attributes as the regions table, edges with those of the links
table. The row player is the edge's ``row_region`` attribute, or, in a file without it, the
edge's ``source``; ``link_index`` keeps the order of the links (document order without it). The
graph attributes ``note``, ``sources`` and ``mechanisms`` (the ``[[mechanisms]]`` tables as a
JSON list) carry the rest of a scenario, so that :func:`graphml_graph` and :func:`read_graphml`
are a round trip, as are :func:`to_csv` and :func:`read_csv`.

Every problem is a :class:`~regions.ScenarioError` naming the file, the row and the field.

Examples
--------
>>> import io
>>> regions = io.StringIO("id,name,level,parent\\np,P,prefecture,\\na,A,county,p\\nb,B,county,p\\n")
>>> links = io.StringIO("a,b,R,S,T,P\\na,b,3,-1,4,0\\n")
>>> net = read_csv(regions, links)
>>> net.superior("a", "b"), net.links[0].game.kind
('p', 'payoffs')
>>> tables = to_csv(net.with_mechanisms(MechanismSpec("side_payment", {"payer": "b", "transfer": 0.5})))
>>> back = read_csv(*map(io.StringIO, tables))
>>> back.links == net.links, back.mechanisms[0].parameters["payer"]
(True, 'b')
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring

from games.errors import UserInputError
from games.limits import MAX_NESTING, depth

from .mechanisms import MECHANISM_KINDS, MechanismSpec
from .network import ECONOMICS_KEYS, PAYOFF_KEYS, EntryError, GameSpec, Link, Region, RegionNetwork, did_you_mean, in_range, out_of_range
from .scenario import ScenarioError, atomic_write_many

__all__ = ["MAX_TABLE_BYTES", "csv_paths", "graphml_graph", "read_csv", "read_graphml", "to_csv", "write_csv"]

#: Largest CSV or GraphML file read, in bytes.
MAX_TABLE_BYTES = 50 * 1024 * 1024
_REGION_FIELDS = ("id", "name", "name_zh", "level", "parent", "lon", "lat")
_ATTRIBUTE = "attributes."
_LINK_FIELDS = ("a", "b", "cluster", "weight", "note")
_MECHANISM_FIELDS = ("kind", "name", "by", "links")
#: Columns of the mechanisms table after ``kind, name, by, links``: every kind's parameters.
_PARAMETERS = tuple(dict.fromkeys([*(p for ranges in MECHANISM_KINDS.values() for p in ranges), "mutual_breach", "payer", "strategies"]))
_GRAPHML_NS = "{http://graphml.graphdrawing.org/xmlns}"
#: Every column a links table may have: the link fields and the stage game in one of its forms.
_LINK_COLUMNS = (
    *_LINK_FIELDS,
    *PAYOFF_KEYS,
    *(f"{k}_{side}" for side in ("row", "col") for k in (*PAYOFF_KEYS, *ECONOMICS_KEYS)),
)


def _open(source: Any) -> tuple[str, str]:
    """The file's name and text; a UTF-8 byte-order mark (as spreadsheet programs write) is dropped."""
    if isinstance(source, io.IOBase) or hasattr(source, "read"):
        return getattr(source, "name", "<table>"), source.read().removeprefix("\ufeff")
    path = Path(source)
    try:
        if path.stat().st_size > MAX_TABLE_BYTES:
            raise ScenarioError(str(path), None, None, f"the file is larger than {MAX_TABLE_BYTES // 2**20} MiB")
        return str(path), path.read_text(encoding="utf-8-sig")
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
    if not in_range(value):
        raise ScenarioError(file, entry, field, out_of_range(value))
    return value


def _region(file: str, entry: str, row: dict[str, Any], *, typed: bool = False) -> Region:
    """A region from a table row; ``typed``: text values stay text (GraphML keys have types)."""
    if not str(row.get("id") or "").strip():
        raise ScenarioError(file, entry, "id", "is missing")
    if not str(row.get("level") or "").strip():
        raise ScenarioError(file, entry, "level", "is missing")
    lon, lat = row.get("lon"), row.get("lat")
    attributes: dict[str, float | str] = {}
    for key, value in row.items():
        if key in _REGION_FIELDS or key is None or value in (None, ""):
            continue
        key = str(key)[len(_ATTRIBUTE) :] if str(key).startswith(_ATTRIBUTE) else str(key)
        if typed and isinstance(value, str):
            attributes[key] = value
            continue
        try:
            number = float(value)
            attributes[key] = number if math.isfinite(number) else str(value)
        except (TypeError, ValueError):
            attributes[key] = str(value)
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


def _spec(file: str, entry: str, row: dict[str, Any], *, table: bool = False) -> GameSpec:
    """The stage game of a link row; in a CSV ``table`` column ``b`` is a region, not economics."""
    present = {k for k, v in row.items() if k is not None and v not in (None, "")}
    if table and all(k in present for k in ECONOMICS_KEYS[1:]):
        raise ScenarioError(file, entry, "c", "in a links table the economics need _row and _col (b_row … w_col): column b is the second region")
    found = []
    for kind, keys in (("payoffs", PAYOFF_KEYS), ("economics", ECONOMICS_KEYS)):
        if all(k in present for k in keys) and not (table and kind == "economics"):
            found.append(GameSpec(kind, {k: _number(file, entry, k, row[k]) for k in keys}))
        if all(f"{k}_row" in present and f"{k}_col" in present for k in keys):
            side = {s: {k: _number(file, entry, f"{k}_{s}", row[f"{k}_{s}"]) for k in keys} for s in ("row", "col")}
            found.append(GameSpec(kind, side["row"], side["col"]))
    if len(found) > 1:
        raise ScenarioError(
            file, entry, "R" if found[0].kind == "payoffs" else "b", "the stage game is given twice: fill one of R, S, T, P / _row, _col / b, c, g, l, w"
        )
    if not found:
        economics = "b_row … w_col" if table else "b, c, g, l, w"
        raise ScenarioError(file, entry, "R", f"the stage game is missing: give R, S, T, P, optionally with _row/_col (or {economics})")
    return found[0]


def _link(file: str, entry: str, row: dict[str, Any], a: Any, b: Any, *, table: bool = False) -> Link:
    try:
        spec = _spec(file, entry, row, table=table)
        weight = _number(file, entry, "weight", row["weight"]) if row.get("weight") not in (None, "") else 1.0
        note = row.get("note")
        return Link((str(a), str(b)), str(row.get("cluster") or "cluster"), weight, spec, "" if note is None else str(note))
    except EntryError as err:
        raise ScenarioError(file, entry, err.field, err.detail) from err


def _json(file: str, entry: str, field: str, text: str, what: str) -> Any:
    """JSON text parsed, or a one-line :class:`ScenarioError`: malformed, a number of more than
    4,300 digits, or arrays and objects nested deeper than :data:`games.limits.MAX_NESTING`
    (100,000 ``[`` exhausted the parser's recursion).

    >>> _json("g.graphml", "graph", "mechanisms", "[" * 100_000, "a JSON list")
    Traceback (most recent call last):
    ...
    regions.scenario.ScenarioError: g.graphml: graph, field 'mechanisms': nested too deeply (at most 32 levels of arrays and objects)
    """
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise ScenarioError(file, entry, field, f"not {what}: {err.msg} at character {err.pos}") from None
    except ValueError as err:  # an integer of more than 4,300 digits
        raise ScenarioError(file, entry, field, f"not {what}: {err}") from None
    except RecursionError:
        deep = True
    else:
        deep = depth(value) > MAX_NESTING
    if deep:
        raise ScenarioError(file, entry, field, f"nested too deeply (at most {MAX_NESTING} levels of arrays and objects)")
    return value


def _list_cell(file: str, entry: str, field: str, text: str, split: Callable[[str], list]) -> list:
    text = text.strip()
    if text.startswith("["):
        value = _json(file, entry, field, text, "a JSON list")
        if not isinstance(value, list):
            raise ScenarioError(file, entry, field, f"must be a list, got {text!r}")
        return value
    return split(text)


def _mechanism(file: str, entry: str, row: dict[str, Any]) -> MechanismSpec:
    table: dict[str, Any] = {}
    for key, value in row.items():
        if key is None or value in (None, ""):
            continue
        if key in ("kind", "name", "by"):
            table[key] = value.strip() if key != "name" else value
        elif key == "links":
            table[key] = _list_cell(file, entry, key, value, lambda t: [p.strip() for p in t.split(";") if p.strip()])
        elif key == "strategies":
            table[key] = _list_cell(file, entry, key, value, lambda t: t.replace(",", " ").split())
        elif key == "mutual_breach":
            flag = value.strip().lower()
            if flag not in ("true", "false", "1", "0", "yes", "no"):
                raise ScenarioError(file, entry, key, f"must be true or false, got {value!r}")
            table[key] = flag in ("true", "1", "yes")
        elif key in MECHANISM_KINDS.get(str(row.get("kind") or "").strip(), {}):
            table[key] = _number(file, entry, key, value)
        else:
            table[key] = value
    try:
        return MechanismSpec.from_table(table)
    except EntryError as err:
        raise ScenarioError(file, entry, err.field, err.detail) from err


def _network(
    regions: list[Region], links: list[Link], mechanisms: list[MechanismSpec], where: Callable[[str | None], tuple[str, str | None]], **meta: str
) -> RegionNetwork:
    try:
        return RegionNetwork(regions, links, mechanisms=mechanisms, **meta)
    except EntryError as err:
        file, entry = where(err.entry)
        raise ScenarioError(file, entry, err.field, err.detail) from err


def _rows(file: str, text: str) -> list[dict[str, Any]]:
    try:
        return list(csv.DictReader(io.StringIO(text)))
    except csv.Error as err:
        raise ScenarioError(file, None, None, f"not a CSV table: {err}") from err


def read_csv(
    regions: Any,
    links: Any,
    mechanisms: Any = None,
    *,
    name: str = "imported city group",
    note: str = "imported; check what the numbers are",
) -> RegionNetwork:
    """A network from a regions CSV, a links CSV and optionally a mechanisms CSV.

    Parameters
    ----------
    regions, links, mechanisms : path or open text file
        The three tables described in the module's docstring (as :func:`to_csv` writes them).
    name, note : str
        The scenario's name and note (a CSV table has no place for them).

    Raises
    ------
    ScenarioError
        Naming the file, the row and the field, for anything the scenario schema refuses.
    """
    rfile, rtext = _open(regions)
    lfile, ltext = _open(links)
    region_rows, link_rows = _rows(rfile, rtext), _rows(lfile, ltext)
    for column in link_rows[0] if link_rows else ():  # an unknown column would be dropped silently
        if column not in _LINK_COLUMNS and column not in ECONOMICS_KEYS:  # b, c, g, l, w: refused with the reason below
            known = ", ".join(_LINK_FIELDS) + ", R, S, T, P (or R_row … P_col, b_row … w_col)"
            raise ScenarioError(lfile, None, str(column), f"unknown links column{did_you_mean(str(column), _LINK_COLUMNS)}; columns: {known}")
    if not region_rows:
        raise ScenarioError(rfile, None, None, "no regions (a header row and one row per region)")
    out_regions = [_region(rfile, f"row {k}", row) for k, row in enumerate(region_rows, 2)]
    out_links = []
    for k, row in enumerate(link_rows, 2):
        entry = f"row {k}"
        if not row.get("a") or not row.get("b"):
            raise ScenarioError(lfile, entry, "a" if not row.get("a") else "b", "is missing (the two region ids of the link)")
        out_links.append(_link(lfile, entry, row, row["a"], row["b"], table=True))
    mfile, specs = "", []
    if mechanisms is not None:
        mfile, mtext = _open(mechanisms)
        specs = [_mechanism(mfile, f"row {k}", row) for k, row in enumerate(_rows(mfile, mtext), 2)]

    def where(entry: str | None) -> tuple[str, str | None]:
        if entry and entry.startswith("mechanism #"):
            return mfile, f"row {int(entry.split('#')[1]) + 1}"
        return (rfile, entry) if entry and entry.startswith("region") else (lfile, entry)

    return _network(out_regions, out_links, specs, where, name=name, note=note, sources=f"imported from {lfile}")


def _checked_tree(file: str, text: str) -> ET.Element:
    """The GraphML document parsed without DTDs or entities (defusedxml: no billion laughs, no
    external files, whatever the system's expat), with what networkx would silently resolve by
    "the last one wins" refused: a second node of the same id, a second ``<data>`` of the same key
    on one element, a second ``<key>`` of the same id, and more than one graph; a ``<data>`` of a
    key no ``<key>`` declares is refused too, naming its element. A ``<key>``
    without ``attr.type`` is given GraphML's default, ``string`` (networkx would read it so too,
    with a warning on stderr).
    """
    try:
        root = defused_fromstring(text, forbid_dtd=True)
    except DefusedXmlException as err:
        raise ScenarioError(file, None, None, f"not accepted: {type(err).__name__} (DTDs and entities are not read)") from err
    except ET.ParseError as err:
        raise ScenarioError(file, None, None, f"not a GraphML file: {err}") from err
    if root.tag != f"{_GRAPHML_NS}graphml":
        raise ScenarioError(file, None, None, f"not a GraphML file: the root element is <{root.tag.rpartition('}')[2]}>, not <graphml>")
    names = {}
    for key in root.iter(f"{_GRAPHML_NS}key"):
        kid = key.get("id")
        if kid in names:
            raise ScenarioError(file, f"<key id={kid!r}>", None, "is declared twice")
        names[kid] = key.get("attr.name") or kid
        if key.get("attr.type") is None and key.get("yfiles.type") is None:
            key.set("attr.type", "string")
    graphs = list(root.iter(f"{_GRAPHML_NS}graph"))
    if len(graphs) != 1:
        raise ScenarioError(file, None, None, f"holds {len(graphs)} graphs; a region network is one <graph> (no nested graphs)")
    nodes: set[str | None] = set()
    for node in root.iter(f"{_GRAPHML_NS}node"):
        nid = node.get("id")
        if nid in nodes:
            raise ScenarioError(file, f"node {nid!r}", None, "appears twice; node ids must be unique")
        nodes.add(nid)
    for position, element in enumerate(root.iter()):
        seen = set()
        for data in element.findall(f"{_GRAPHML_NS}data"):
            key = data.get("key")
            kind = element.tag.rpartition("}")[2]
            entry = f"{kind} {element.get('id')!r}" if kind == "node" else f"{kind} #{position}"
            if key not in names:
                raise ScenarioError(file, entry, key, "no <key> declares this id")
            if key in seen:
                raise ScenarioError(file, entry, names.get(key, key), "is given twice (two <data> of one key)")
            seen.add(key)
    for number, edge in enumerate(root.iter(f"{_GRAPHML_NS}edge"), 1):
        for end in ("source", "target"):
            if edge.get(end) not in nodes:
                raise ScenarioError(file, f"edge #{number}", end, f"{edge.get(end)!r} is not a node of the graph")
    return root


def _directed(root: ET.Element) -> str:
    """The GraphML text with every edge directed and numbered in document order.

    networkx reads an undirected edge's ends in node order, not as ``source``/``target``; read
    as directed, the ends keep the file's order, and the edge's key is its position.
    """
    for graph in root.iter(f"{_GRAPHML_NS}graph"):
        graph.set("edgedefault", "directed")
    for position, edge in enumerate(root.iter(f"{_GRAPHML_NS}edge")):
        edge.attrib.pop("directed", None)
        edge.set("id", str(position))
    return ET.tostring(root, encoding="unicode")


def read_graphml(path: Any, *, name: str | None = None, note: str | None = None) -> RegionNetwork:
    """A network from a GraphML file whose nodes are regions and edges cluster links.

    Parameters
    ----------
    path : path or open text file
    name, note : str, optional
        Override the file's graph attributes ``name`` and ``note``.

    Raises
    ------
    ScenarioError
        Naming the file, the node, edge or mechanism, and the field.
    """
    file, text = _open(path)
    root = _checked_tree(file, text)
    try:
        graph = nx.parse_graphml(_directed(root), force_multigraph=True)
    except Exception as err:  # ElementTree and networkx raise several kinds for malformed XML
        raise ScenarioError(file, None, None, f"not a GraphML file: {type(err).__name__}: {err}") from err
    regions = [_region(file, f"node {n!r}", {**data, "id": n}, typed=True) for n, data in graph.nodes(data=True)]
    edges = sorted(graph.edges(keys=True, data=True), key=lambda e: e[2])
    if edges and all("link_index" in data for *_, data in edges):
        edges.sort(key=lambda e: e[3]["link_index"])
    links = []
    for a, b, _, data in edges:
        entry = f"edge {a!r}–{b!r}"
        row = data.get("row_region", a)
        if row not in (a, b):
            raise ScenarioError(file, entry, "row_region", f"must be one of the edge's two regions, got {row!r}")
        links.append(_link(file, entry, dict(data), row, b if row == a else a))
    specs = []
    raw = graph.graph.get("mechanisms")
    if raw not in (None, ""):
        if not isinstance(raw, str):
            raise ScenarioError(file, "graph", "mechanisms", f"must be a JSON list of mechanism tables, got {type(raw).__name__} {raw!r}")
        tables = _json(file, "graph", "mechanisms", raw, "a JSON list of mechanism tables")
        if not isinstance(tables, list):
            raise ScenarioError(file, "graph", "mechanisms", f"must be a JSON list of mechanism tables, got {type(tables).__name__}")
        for k, table in enumerate(tables, 1):
            try:
                specs.append(MechanismSpec.from_table(table))
            except EntryError as err:
                raise ScenarioError(file, f"mechanism #{k}", err.field, err.detail) from err
    return _network(
        regions,
        links,
        specs,
        lambda entry: (file, entry),
        name=name or graph.graph.get("name") or "imported city group",
        note=note if note is not None else str(graph.graph.get("note") or "imported; check what the numbers are"),
        sources=str(graph.graph.get("sources") or f"imported from {file}"),
    )


def _attributes(region: Region, reserved: tuple[str, ...]) -> dict[str, float | str]:
    """A region's attributes as columns, ``attributes.<key>`` where the key is a column name."""
    return {(_ATTRIBUTE + k if k in reserved or k.startswith(_ATTRIBUTE) else k): v for k, v in region.attributes.items()}


def graphml_graph(network: RegionNetwork) -> nx.MultiGraph:
    """The network as a graph ready for :func:`networkx.generate_graphml`, read back by
    :func:`read_graphml` to an equal network (up to its ``sources``).

    Nodes carry the regions' fields and attributes; edge ``e<k>`` is link ``k`` with
    ``row_region``, ``link_index``, ``cluster``, ``weight``, ``note`` and the stage game as
    ``R_row … P_col`` (or ``b_row … w_col``); the graph carries ``name``, ``note``, ``sources``
    and ``mechanisms`` (JSON).

    >>> from regions import load_scenario
    >>> graph = graphml_graph(load_scenario("yongkang-wuyi-jinyun"))
    >>> graph.edges["wuyi", "jinyun", "e2"]["row_region"], graph.edges["wuyi", "jinyun", "e2"]["P_row"]
    ('wuyi', -0.5)
    """
    graph = nx.MultiGraph(name=network.name, note=network.note, sources=network.sources)
    if network.mechanisms:
        graph.graph["mechanisms"] = json.dumps([m.to_table() for m in network.mechanisms], ensure_ascii=False)
    for r in network.regions.values():
        attrs: dict[str, Any] = {"name": r.name, "level": r.level, "parent": r.parent or ""}
        if r.lon is not None:
            attrs.update(lon=r.lon, lat=r.lat)
        if r.name_zh:
            attrs["name_zh"] = r.name_zh
        attrs.update(_attributes(r, _REGION_FIELDS))
        graph.add_node(r.id, **attrs)
    for k, link in enumerate(network.links):
        a, b = link.between
        props: dict[str, Any] = {"row_region": a, "link_index": k, "cluster": link.cluster, "weight": link.weight}
        if link.note:
            props["note"] = link.note
        row, col = link.game.values()
        for side, values in (("row", row), ("col", col)):
            props.update({f"{key}_{side}": v for key, v in values.items()})
        graph.add_edge(a, b, key=f"e{k}", **props)
    return graph


def _cell(key: str, value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if key == "strategies":
        return " ".join(value)
    if key == "links":
        ids = [r for pair in value for r in pair]
        if all(r == r.strip() and r and not any(c in r for c in "-–;[") for r in ids):
            return "; ".join(f"{a}–{b}" for a, b in value)
        return json.dumps([list(pair) for pair in value], ensure_ascii=False)
    return value


def _table(header: list[str], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: _cell(k, v) for k, v in row.items() if v is not None} for row in rows)
    return out.getvalue()


def to_csv(network: RegionNetwork) -> tuple[str, str, str]:
    """The regions, links and mechanisms tables of a network as CSV text.

    :func:`read_csv` reads them back to the same regions, links and mechanisms (the scenario's
    name, note and sources are not in the tables). A symmetric link's game is in ``R, S, T, P``
    (the economics always in ``b_row … w_col``), an asymmetric one's in ``R_row … P_col``.
    """
    region_rows = []
    for r in network.regions.values():
        row = {"id": r.id, "name": r.name, "name_zh": r.name_zh, "level": r.level, "parent": r.parent, "lon": r.lon, "lat": r.lat}
        row.update(_attributes(r, _REGION_FIELDS))
        region_rows.append(row)
    extra = dict.fromkeys(k for row in region_rows for k in row if k not in _REGION_FIELDS)
    link_rows, game_columns = [], {}
    for link in network.links:
        row = {"a": link.between[0], "b": link.between[1], "cluster": link.cluster, "weight": link.weight, "note": link.note or None}
        keys = PAYOFF_KEYS if link.game.kind == "payoffs" else ECONOMICS_KEYS
        values = link.game.values()
        one = link.game.symmetric and link.game.kind == "payoffs"
        sides = [("", values[0])] if one else [("_row", values[0]), ("_col", values[1])]
        for suffix, table in sides:
            for key in keys:
                row[key + suffix] = table[key]
                game_columns[key + suffix] = None
        link_rows.append(row)
    order = [*PAYOFF_KEYS, *(k + s for keys in (PAYOFF_KEYS, ECONOMICS_KEYS) for s in ("_row", "_col") for k in keys)]
    mechanism_rows = [m.to_table() for m in network.mechanisms]
    used = {k for row in mechanism_rows for k in row}
    return (
        _table([*_REGION_FIELDS, *extra], region_rows),
        _table([*_LINK_FIELDS, *(k for k in order if k in game_columns)], link_rows),
        _table([*_MECHANISM_FIELDS, *(p for p in _PARAMETERS if p in used)], mechanism_rows),
    )


def csv_paths(path: str | os.PathLike[str]) -> tuple[Path, Path, Path]:
    """The three tables that :func:`write_csv` writes for ``x.csv``: ``x.regions.csv``,
    ``x.links.csv`` and ``x.mechanisms.csv``.

    >>> [p.name for p in csv_paths("out/yk.csv")]
    ['yk.regions.csv', 'yk.links.csv', 'yk.mechanisms.csv']
    """
    path = Path(path)
    stem = path.name[: -len(".csv")] if path.name.lower().endswith(".csv") else path.name
    return tuple(path.with_name(f"{stem}.{table}.csv") for table in ("regions", "links", "mechanisms"))  # type: ignore[return-value]


def write_csv(network: RegionNetwork, path: str | os.PathLike[str], *, force: bool = False) -> tuple[Path, Path, Path]:
    """Write the three tables of :func:`to_csv` to :func:`csv_paths` (``path``), atomically as a
    set (:func:`regions.scenario.atomic_write_many`: an interrupt leaves the old three or the new).

    Raises
    ------
    UserInputError
        If one of the files exists and ``force`` is not set (then none is written).
    """
    paths = csv_paths(path)
    existing = [str(p) for p in paths if p.exists()]
    if existing and not force:
        raise UserInputError(f"{existing[0]}: the file exists; use --force to overwrite it")
    atomic_write_many([(target, lambda tmp, text=text: tmp.write_text(text, encoding="utf-8")) for target, text in zip(paths, to_csv(network))])
    return paths
