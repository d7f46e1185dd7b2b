"""One name means one thing: no module of readlist.ui exports a name that another
readlist module also exports (a `Writer` here and a `Writer` in ingest, say)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import readlist

PACKAGE = Path(readlist.__file__).parent


def exported(path: Path) -> set[str]:
    """The public names a module defines at its top level."""
    names: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(target.id for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return {name for name in names if not name.startswith("_")}


def test_no_ui_module_exports_a_name_another_module_exports() -> None:
    where: defaultdict[str, list[str]] = defaultdict(list)
    for path in sorted(PACKAGE.rglob("*.py")):
        for name in exported(path):
            where[name].append(str(path.relative_to(PACKAGE.parent)))
    clashes = {
        name: paths
        for name, paths in where.items()
        if len(paths) > 1 and any(path.startswith("readlist/ui/") for path in paths)
    }
    assert clashes == {}
