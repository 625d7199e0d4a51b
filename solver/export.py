"""A network with its analysis, for GIS and graph tools (GraphML, GeoJSON), and as tables.

Regions carry their name, level, parent, coordinates and attributes; links their cluster,
weight, stage game (``R_row … P_col`` or ``b_row … w_col``), the cooperation level in the
status quo and with all of the scenario's mechanisms, and the minimal strength of each stage
mechanism of the design comparison (``min_<candidate>``). GraphML is the scenario as
:func:`regions.graphml_graph` writes it (the row player of each link as ``row_region``, the
``[[mechanisms]]`` as the graph attribute ``mechanisms``), so :func:`regions.read_graphml`
reads back every payoff and mechanism; the analysis attributes are ignored on import. GeoJSON
has a Point per region with coordinates and a LineString per link whose two regions have them.
``.csv`` writes the scenario's three tables (:func:`regions.write_csv`) and ``.toml`` the
scenario file, both without the analysis.

Examples
--------
>>> import json
>>> from regions import load_scenario
>>> doc = to_geojson(load_scenario("yongkang-wuyi-jinyun"))
>>> sorted({f["geometry"]["type"] for f in doc["features"]})
['LineString', 'Point']
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import networkx as nx

from games.errors import UserInputError
from regions import RegionNetwork, atomic_write, dumps_scenario, graphml_graph, write_csv

from .design import GENERIC, compare
from .network import ALL_TOGETHER, analyze

__all__ = ["link_properties", "to_geojson", "to_graphml", "write_export"]


def _key(name: str) -> str:
    return "min_" + re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def link_properties(network: RegionNetwork, target: str = "strict") -> list[dict]:
    """Per link: cluster, weight, superior, levels (status quo, with mechanisms), minimal strengths.

    A minimal strength ``min_<row>`` comes with ``min_<row>_attained``: True when the target holds
    at the value itself (≥), False when only above it (>), as the design table writes it.
    """
    analysis = analyze(network, basin=False)
    stage_generic = [c for c in GENERIC if c.name != "repeated play"]
    comparison = compare(network, candidates=stage_generic, target=target)
    out = []
    for link in network.links:
        rows = [r for r in analysis.links if r.link is link]
        props = {
            "a": link.between[0],
            "b": link.between[1],
            "cluster": link.cluster,
            "weight": link.weight,
            "superior": rows[0].superior or "",
            "level": rows[0].report.level,
            "level_with_mechanisms": next((r.report.level for r in rows if r.mechanism == ALL_TOGETHER), rows[-1].report.level),
        }
        row, col = link.game.values()  # the stage game, so that the file can be read back
        for side, values in (("row", row), ("col", col)):
            props.update({f"{k}_{side}": v for k, v in values.items()})
        for r in comparison.rows:
            if r.link is link and r.strength.feasible:
                # The threshold, and whether the target holds at it (≥) or only above it (>).
                props[_key(r.candidate)] = r.strength.value
                props[_key(r.candidate) + "_attained"] = r.strength.attained
        out.append(props)
    return out


def to_graphml(network: RegionNetwork, target: str = "strict") -> str:
    """GraphML text of the network (read back by :func:`regions.read_graphml`) and its analysis."""
    graph = graphml_graph(network)
    for k, props in enumerate(link_properties(network, target)):
        a, b = props.pop("a"), props.pop("b")
        graph.edges[a, b, f"e{k}"].update(props)
    return "\n".join(nx.generate_graphml(graph)) + "\n"


def to_geojson(network: RegionNetwork, target: str = "strict") -> dict:
    """A GeoJSON FeatureCollection of the regions (Points) and links (LineStrings)."""
    features = []
    for r in network.regions.values():
        if r.lon is None:
            continue
        props = {"id": r.id, "name": r.name, "level": r.level, "parent": r.parent}
        if r.name_zh:
            props["name_zh"] = r.name_zh
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": [r.lon, r.lat]}, "properties": props})
    for props in link_properties(network, target):
        a, b = network.region(props["a"]), network.region(props["b"])
        if a.lon is None or b.lon is None:
            continue
        features.append({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[a.lon, a.lat], [b.lon, b.lat]]}, "properties": props})
    return {"type": "FeatureCollection", "name": network.name, "features": features}


def write_export(network: RegionNetwork, path: str | os.PathLike[str], *, force: bool = False, target: str = "strict") -> tuple[Path, ...]:
    """Write by extension, atomically: GraphML (.graphml), GeoJSON (.geojson, .json), the
    scenario file (.toml), or the three CSV tables (``x.csv`` → ``x.regions.csv``,
    ``x.links.csv``, ``x.mechanisms.csv``).

    Returns
    -------
    tuple of Path
        The files written.

    Raises
    ------
    UserInputError
        For another extension, or an existing file without ``force``.
    """
    path = Path(path)
    ext = path.suffix.lower()
    if ext not in (".graphml", ".geojson", ".json", ".toml", ".csv"):
        raise UserInputError(f"{path}: the format follows the extension; use .graphml, .geojson, .csv or .toml")
    if ext == ".csv":
        return write_csv(network, path, force=force)
    if path.exists() and not force:
        raise UserInputError(f"{path}: the file exists; use --force to overwrite it")
    if ext == ".graphml":
        text = to_graphml(network, target)
    elif ext == ".toml":
        text = dumps_scenario(network)
    else:
        text = json.dumps(to_geojson(network, target), ensure_ascii=False, indent=1, allow_nan=False) + "\n"
    return (atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8")),)
