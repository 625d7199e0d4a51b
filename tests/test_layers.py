"""The package's layers, read from the source: every ``import`` (top-level or inside a function).

* the kernels (``solver.kernels``) import nothing else of ``solver``;
* ``solver.nash`` chooses a kernel and imports no report; the cooperation report is on top;
* no two modules of the engine import each other, directly or through others (outside
  ``solver.dynamics``);
* the engine (games, regions, the solver's computations) never imports a face.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx

ROOT = Path(__file__).resolve().parents[1]
FACES = {"solver.cli", "solver.plots", "solver.tables", "solver.report", "solver.latex", "solver.gallery", "solver.robust_tables", "solver.robust_report", "solver.export", "solver.terminal", "solver.__main__"}


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Modules of this repository imported anywhere in ``path`` (relative imports resolved)."""
    package = _module(path).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            target = ".".join([*base, *(node.module.split(".") if node.module else [])])
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return {name for name in found if name.split(".")[0] in {"games", "regions", "solver"}}


def _graph() -> nx.DiGraph:
    files = [p for top in ("games", "regions", "solver") for p in (ROOT / top).rglob("*.py")]
    modules = {_module(p) for p in files}
    graph = nx.DiGraph()
    for path in files:
        source = _module(path)
        for name in _imports(path):
            while name and name not in modules:  # `from pkg import name`: the module, else the package
                name = name.rpartition(".")[0]
            if name and name != source and not source.startswith(name + "."):
                graph.add_edge(source, name)
    return graph


def _is_face(name: str) -> bool:
    return any(name == f or name.startswith(f + ".") for f in FACES)


def test_kernels_import_no_other_solver_module():
    graph = _graph()
    for source, target in graph.edges:
        if source.startswith("solver.kernels"):
            assert target.startswith(("solver.kernels", "games")), f"{source} imports {target}"


def test_nash_builds_no_report():
    assert not any(t.startswith(("solver.cooperation", "solver.basin")) for t in _graph().successors("solver.nash"))


def test_no_import_cycles_in_the_engine():
    # solver.dynamics is left out: its model methods import solver.dynamics.outcome lazily
    # (replicator → outcome → replicator), a known cycle inside that package.
    graph = _graph()
    skip = {"solver", "games", "regions"}
    engine = graph.subgraph(n for n in graph if not _is_face(n) and n not in skip and not n.startswith("solver.dynamics"))
    cycles = list(nx.simple_cycles(engine))
    assert not cycles, f"import cycles: {cycles[:3]}"


def test_engine_never_imports_a_face():
    for source, target in _graph().edges:
        if not _is_face(source) and source not in {"solver", "solver.__main__"}:
            assert not _is_face(target), f"{source} imports the face {target}"
