"""The UI's modules import each other in one direction: no loops, and only the entry
point imports the app module. Screens and widgets ask the app for things through
readlist.ui.services (a protocol the app satisfies) or by message.

Every import counts, wherever it is written: at the top, under TYPE_CHECKING, or inside
a function, since each one ties the two modules together all the same.
"""

from __future__ import annotations

import ast
from pathlib import Path

import readlist.ui

UI = Path(readlist.ui.__file__).parent
APP = "readlist.ui.app"
ENTRY_POINTS = {"readlist.ui.launch"}  # starts the app: it may import it


def module_name(path: Path) -> str:
    parts = path.relative_to(UI.parent.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def ui_modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(UI.rglob("*.py"))}


def imports_of(path: Path, known: set[str]) -> set[str]:
    """The readlist.ui modules that `path` imports, anywhere in it."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module is not None:
            assert node.level == 0, f"{path}: relative import"
            # `from readlist.ui import outside` imports the module readlist.ui.outside
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(name for name in names if name in known)
    return found


def ui_graph() -> dict[str, set[str]]:
    modules = ui_modules()
    known = set(modules)
    return {name: imports_of(path, known) - {name} for name, path in modules.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import loop, as the modules along it, or None."""
    done: set[str] = set()
    path: list[str] = []

    def visit(name: str) -> list[str] | None:
        if name in path:
            return [*path[path.index(name) :], name]
        if name in done:
            return None
        path.append(name)
        for target in sorted(graph[name]):
            if (cycle := visit(target)) is not None:
                return cycle
        path.pop()
        done.add(name)
        return None

    for name in sorted(graph):
        if (cycle := visit(name)) is not None:
            return cycle
    return None


def test_the_graph_sees_every_kind_of_import() -> None:
    """The parser itself: top-level, TYPE_CHECKING and function-level imports."""
    graph = ui_graph()
    assert "readlist.ui.screens.library" in graph[APP]  # at the top
    assert "readlist.ui.screens.note" in graph[APP]  # inside a method
    assert APP in graph["readlist.ui.launch"]  # under TYPE_CHECKING and inside run
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_import_loops_among_the_ui_modules() -> None:
    cycle = find_cycle(ui_graph())
    assert cycle is None, "import loop: " + " -> ".join(cycle or [])


def test_only_the_entry_point_imports_the_app() -> None:
    importers = {name for name, targets in ui_graph().items() if APP in targets}
    assert importers <= ENTRY_POINTS, f"{sorted(importers - ENTRY_POINTS)} import {APP}"
