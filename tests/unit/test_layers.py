"""The layers of readlist, read from the source: every import of every module under
readlist/, at the top, under TYPE_CHECKING and inside functions alike, since each is a
dependency the layering has to allow.

- the core (readlist.core) never reaches up into the UI or the CLI;
- the store never imports ingest (ingest writes through the store, not the reverse);
- outside its own package, readlist.core.store and readlist.core.ingest are imported
  only through their front doors, the packages themselves;
- no modules import each other in a loop.

Each failure names the file, the line and the import, so the fix is plain. An import is
resolved to the module it loads: `from readlist.core.store import search` is an import
of readlist.core.store.search, `from readlist.core.store import Store` one of the
package, that is of its __init__.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "readlist"
STORE = "readlist.core.store"
INGEST = "readlist.core.ingest"


@dataclass(frozen=True)
class Import:
    """One import statement's link from a readlist module to another."""

    source: str  # the importing module, e.g. readlist.cli
    target: str  # the module it loads, e.g. readlist.core.store.search
    path: Path
    line: int

    def __str__(self) -> str:
        shown = self.path.relative_to(ROOT) if self.path.is_relative_to(ROOT) else self.path
        return f"{shown}:{self.line}: {self.source} imports {self.target}"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def all_modules() -> dict[str, Path]:
    """Every module under readlist/, by dotted name (a package by its own name)."""
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _resolve(base: str, names: list[str], modules: dict[str, Path]) -> list[str]:
    """What `from base import names` loads: a submodule where a name is one, else base."""
    found = [f"{base}.{name}" for name in names if f"{base}.{name}" in modules]
    if len(found) < len(names):
        found.append(base)
    return found


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """Every import of a readlist module in `path`, wherever in the file it stands."""
    is_package = path.name == "__init__.py"
    found: list[Import] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the package this module is in (or is)
                anchor = name.split(".")
                anchor = anchor[: len(anchor) - node.level + (1 if is_package else 0)]
                base = ".".join(anchor + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            targets = _resolve(base, [alias.name for alias in node.names], modules)
        else:
            continue
        for target in targets:
            if target == "readlist" or target.startswith("readlist."):
                found.append(Import(name, target, path, node.lineno))
    return found


@cache
def all_imports() -> tuple[Import, ...]:
    """Read once per run: every test here asks the same question of the same files."""
    modules = all_modules()
    return tuple(link for name, path in modules.items() for link in imports_of(name, path, modules))


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _in_order(links: Iterable[Import]) -> list[Import]:
    return sorted(links, key=lambda x: (str(x.path), x.line, x.target))


def _listed(offences: list[Import]) -> str:
    return "\n".join(str(link) for link in _in_order(offences))


def test_the_core_never_imports_the_ui_or_the_cli() -> None:
    offences = [
        link
        for link in all_imports()
        if within(link.source, "readlist.core")
        and (within(link.target, "readlist.ui") or link.target.startswith("readlist.cli"))
    ]
    if offences:
        pytest.fail("the core reaches up into the UI or the CLI:\n" + _listed(offences), False)


def test_the_store_never_imports_ingest() -> None:
    offences = [
        link for link in all_imports() if within(link.source, STORE) and within(link.target, INGEST)
    ]
    if offences:
        pytest.fail("the store imports ingest (only the reverse may):\n" + _listed(offences), False)


def test_store_and_ingest_are_imported_only_through_their_front_doors() -> None:
    offences = [
        link
        for link in all_imports()
        for package in (STORE, INGEST)
        if within(link.target, package)
        and link.target != package
        and not within(link.source, package)
    ]
    if offences:
        pytest.fail(
            "a module inside store or ingest imported from outside its package"
            " (import the package, its front door):\n" + _listed(offences),
            False,
        )


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components of `graph`, iteratively (no recursion limit to meet)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
            if low[node] == index[node]:
                component: list[str] = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                components.append(sorted(component))
    return components


def import_loops(links: Sequence[Import]) -> list[list[Import]]:
    """The modules that import each other in a loop, each loop as the imports inside it."""
    graph: dict[str, set[str]] = {}
    for link in links:
        graph.setdefault(link.source, set()).add(link.target)
    loops = [set(c) for c in strongly_connected(graph) if len(c) > 1]
    return [
        _in_order(link for link in links if link.source in loop and link.target in loop)
        for loop in loops
    ]


def test_the_loop_finder_finds_a_loop_and_nothing_else() -> None:
    here = Path(__file__)
    links = [
        Import("a", "b", here, 1),
        Import("b", "c", here, 2),
        Import("c", "a", here, 3),
        Import("c", "d", here, 4),
        Import("d", "e", here, 5),
    ]
    assert [[(x.source, x.target) for x in loop] for loop in import_loops(links)] == [
        [("a", "b"), ("b", "c"), ("c", "a")]
    ]


def test_the_import_reader_sees_every_kind_of_import(tmp_path: Path) -> None:
    """Top level, inside a function, under TYPE_CHECKING, relative, and a submodule named
    in a from-import: the reader must see all of them, or the layer tests pass blind."""
    modules = all_modules()
    assert ("readlist.__main__", "readlist.cli") in {(x.source, x.target) for x in all_imports()}
    cli = {x.target for x in imports_of("readlist.cli", modules["readlist.cli"], modules)}
    assert any(within(t, "readlist.ui") for t in cli)  # the app, inside `readlist app`
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from typing import TYPE_CHECKING\n"
        "import os\n"
        "if TYPE_CHECKING:\n"
        "    from .. import ui\n"
        "def f():\n"
        "    from ..core.store import search, Store\n"
        "    import readlist.core.ingest.dedupe as d\n"
    )
    found = {x.target for x in imports_of("readlist.core.probe", probe, modules)}
    assert found == {
        "readlist.ui",
        "readlist.core.store.search",
        "readlist.core.store",
        "readlist.core.ingest.dedupe",
    }


def test_no_modules_import_each_other_in_a_loop() -> None:
    loops = import_loops(all_imports())
    described = "\n\n".join(
        f"a loop of {len({x.source for x in loop})} modules:\n" + _listed(loop) for loop in loops
    )
    if loops:
        pytest.fail("readlist modules import each other in a loop:\n" + described, False)
