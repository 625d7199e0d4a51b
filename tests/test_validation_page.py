"""docs/validation.md: every test it names exists (``make test`` runs them all)."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "validation.md"


def _defined(path: Path) -> set[str]:
    """'name' and 'Class::name' of every test function in a module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.ClassDef):
            names.update(f"{node.name}::{f.name}" for f in node.body if isinstance(f, ast.FunctionDef))
    return names


def _references() -> list[tuple[str, str]]:
    """(file, test) for every reference in the page's test column.

    ``::name`` continues the reference before it: same file, and same class if it had one.
    """
    out = []
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        if not line.startswith("| ") or line.startswith("| ---") or line.startswith("| quantity"):
            continue
        cell = line.rstrip(" |").rsplit("|", 1)[-1]
        file, klass = None, ""
        for ref in re.findall(r"`([^`]+)`", cell):
            if ref.startswith("::"):
                assert file is not None, line
                out.append((file, klass + ref[2:]))
                continue
            file, _, name = ref.partition("::")
            klass = name.rpartition("::")[0] + "::" if "::" in name else ""
            out.append((file, name))
    return out


def test_every_named_test_exists():
    refs = _references()
    assert len(refs) >= 40
    for file, name in refs:
        path = ROOT / file
        assert path.is_file(), f"{file} named in docs/validation.md does not exist"
        if name:
            assert name in _defined(path), f"{file}::{name} named in docs/validation.md does not exist"


def test_every_reference_module_is_on_the_page():
    named = {file for file, _ in _references()}
    for module in sorted((ROOT / "tests" / "reference").glob("test_*.py")):
        assert str(module.relative_to(ROOT)) in named, f"{module.name} is not listed in docs/validation.md"
