"""The package-level import graph of readlist, as text: the graph the layer test
(tests/unit/test_layers.py) checks, drawn one box per package.

    python tools/import_graph.py

Each line is a box and the boxes it imports, with how many import statements make the
arrow. An arrow into store or ingest lists the modules it reaches past the front door
(the package itself) if any. Loops between boxes, and between modules, come last.
"""

from __future__ import annotations

import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.unit.test_layers import all_imports, import_loops, strongly_connected, within

BOXES = [  # the first that holds a module is its box
    ("readlist.core.store", "readlist.core.store"),
    ("readlist.core.ingest", "readlist.core.ingest"),
    ("readlist.core", "readlist.core (shared)"),
    ("readlist.ui", "readlist.ui"),
    ("readlist.cli", "readlist.cli"),
    ("readlist.__main__", "readlist.cli"),
]
FRONT_DOORS = {"readlist.core.store", "readlist.core.ingest"}
ORDER = [  # top to bottom, as the layers should stand
    "readlist.cli",
    "readlist.ui",
    "readlist.core.ingest",
    "readlist.core.store",
    "readlist.core (shared)",
    "readlist (paths, version)",
]


def box_of(module: str) -> str:
    for prefix, box in BOXES:
        if within(module, prefix) or (prefix == "readlist.cli" and module.startswith(prefix)):
            return box
    return "readlist (paths, version)"  # readlist/__init__.py and readlist/paths.py


def main() -> None:
    arrows: Counter[tuple[str, str]] = Counter()
    past_door: defaultdict[tuple[str, str], set[str]] = defaultdict(set)
    for link in all_imports():
        source, target = box_of(link.source), box_of(link.target)
        if source == target:
            continue
        arrows[source, target] += 1
        door = next((d for d in FRONT_DOORS if within(link.target, d)), None)
        if door is not None and link.target != door:
            past_door[source, target].add(link.target.removeprefix(door + "."))
    print("readlist: packages and who imports whom (statements in brackets)\n")
    for source in ORDER:
        targets = sorted((t for s, t in arrows if s == source), key=ORDER.index)
        print(f"[{source}]")
        for target in targets:
            reached = past_door.get((source, target))
            note = f"  past the front door: {', '.join(sorted(reached))}" if reached else ""
            print(f"    -> {target} ({arrows[source, target]}){note}")
        if not targets:
            print("    (imports no other readlist package)")
    graph: dict[str, set[str]] = defaultdict(set)
    for source, target in arrows:
        graph[source].add(target)
    loops = [c for c in strongly_connected(dict(graph)) if len(c) > 1]
    print()
    for loop in loops:
        print("loop between packages: " + " <-> ".join(loop))
    if not loops:
        print("no loops between packages")
    for inner in import_loops(all_imports()):
        members = sorted({link.source for link in inner})
        print(f"loop of {len(members)} modules in {box_of(members[0])}: {', '.join(members)}")


if __name__ == "__main__":
    main()
