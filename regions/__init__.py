"""Regions, cross-border cluster links, the administrative tree, and scenario files.

Public API
----------
:class:`RegionNetwork`
    A networkx ``MultiGraph`` of regions and cluster links (``.graph``), the administrative
    tree (``.hierarchy``), and ``superior(a, b)``: the lowest common superior government.
:class:`Region`, :class:`Link`, :class:`GameSpec`
    A region (id, name, level, parent, coordinates, attributes); a cluster link (the two
    regions, cluster, weight, stage-game specification as payoffs or cluster economics).
:func:`load_scenario`, :func:`loads_scenario`, :func:`save_scenario`, :func:`dumps_scenario`
    Read a TOML scenario (a path or a built-in name) with validation, and write one back.
:func:`builtin_scenarios`
    Names of the built-in scenarios.
:func:`read_csv`, :func:`read_graphml`, :func:`to_csv`, :func:`write_csv`, :func:`graphml_graph`
    Regions, links and mechanisms from CSV tables or GraphML (networkx), with the scenario's
    validation, and written back so that the round trip keeps every payoff and mechanism.
:func:`synthetic_province`
    A seeded random province-like network (thousands of regions) for experiments and benchmarks.
:class:`Distribution`, :class:`Quantity`, :class:`Uncertainty`, :data:`DISTRIBUTION_KINDS`
    Uncertain quantities of a scenario (a distribution table where a number may stand):
    ``RegionNetwork.uncertainty`` samples them (scrambled Sobol' through a Gaussian copula);
    the network holds their central values; ``RegionNetwork.with_values`` sets one point.
:class:`ScenarioError`
    A bad scenario: the message names the file, the entry and the field.
:data:`LEVELS`
    Administrative levels, highest first.
:data:`NAME_STYLES`
    How regions are named in outputs (``RegionNetwork.named``): latin, zh or both.
:class:`MechanismSpec`, :data:`MECHANISM_KINDS`
    A scenario's ``[[mechanisms]]`` entry (kind, parameters, ``by``, ``links``) and the
    schema of each kind; ``RegionNetwork.mechanisms_for(link)`` gives the entries that apply.

Examples
--------
>>> from regions import load_scenario
>>> net = load_scenario("yongkang-wuyi-jinyun")
>>> net.superior("yongkang", "wuyi"), net.superior("yongkang", "jinyun")
('jinhua', 'zhejiang')
"""

from .io import csv_paths, graphml_graph, read_csv, read_graphml, to_csv, write_csv
from .mechanisms import MECHANISM_KINDS, PRIMARY_PARAMETER, STRATEGY_NAMES, MechanismSpec
from .network import LEVELS, NAME_STYLES, EntryError, GameSpec, Link, Region, RegionNetwork
from .scenario import ScenarioError, atomic_write, builtin_scenarios, builtin_text, dumps_scenario, load_scenario, loads_scenario, read_toml, save_scenario
from .synthetic import synthetic_province
from .uncertain import DISTRIBUTION_KINDS, Distribution, Quantity, Uncertainty

__all__ = [
    "DISTRIBUTION_KINDS",
    "LEVELS",
    "MECHANISM_KINDS",
    "NAME_STYLES",
    "PRIMARY_PARAMETER",
    "STRATEGY_NAMES",
    "Distribution",
    "EntryError",
    "GameSpec",
    "Link",
    "MechanismSpec",
    "Quantity",
    "Region",
    "RegionNetwork",
    "ScenarioError",
    "Uncertainty",
    "atomic_write",
    "builtin_scenarios",
    "builtin_text",
    "csv_paths",
    "dumps_scenario",
    "graphml_graph",
    "load_scenario",
    "loads_scenario",
    "read_csv",
    "read_graphml",
    "read_toml",
    "save_scenario",
    "synthetic_province",
    "to_csv",
    "write_csv",
]
