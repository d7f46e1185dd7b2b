"""Damage once found is remembered, so that no later write lands on a damaged library.

A full check of a big library takes seconds (SQLite reads every page), too long before
every star or `mark`. So whatever meets the damage first (a read that hits a bad page,
the app's check at start, `readlist check`, a backup) records it: for this process in
memory, for every other in a marker file beside the library (LIBRARY.damaged). Every
write transaction looks for both first. `readlist check` removes the marker once the
library is sound again (repaired, or replaced by a backup).
"""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path

from readlist.core.schema import now

MARKER_SUFFIX = ".damaged"

_FOUND: dict[str, str] = {}  # the library's real path -> the problem found
_LOCK = threading.Lock()


def marker_of(path: Path) -> Path:
    """LIBRARY.damaged beside the library (not LIBRARY-something: SQLite's own names)."""
    return path.with_name(path.name + MARKER_SUFFIX)


def record(path: Path, problem: str) -> None:
    """Remember that the library at `path` is damaged, here and for other processes.
    The marker is best effort: a read-only folder keeps it in this process only."""
    first_line = problem.strip().splitlines()[0] if problem.strip() else "damaged"
    with _LOCK:
        _FOUND[os.path.realpath(path)] = first_line
    marker = marker_of(path)
    if not marker.exists():
        with contextlib.suppress(OSError):
            marker.write_text(f"{now()} {first_line}\n", encoding="utf-8")


def known(path: Path) -> str | None:
    """The problem recorded for the library at `path`, or None when none is."""
    with _LOCK:
        found = _FOUND.get(os.path.realpath(path))
    if found is not None:
        return found
    try:
        text = marker_of(path).read_text(encoding="utf-8", errors="replace").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot read {marker_of(path)}: {exc.strerror}"
    stamp, _, problem = text.partition(" ")
    return f"found {stamp[:10]}: {problem or 'damaged'}; `readlist check` clears this once sound"


def clear(path: Path) -> None:
    """Forget the damage: `readlist check` found the library sound."""
    with _LOCK:
        _FOUND.pop(os.path.realpath(path), None)
    marker_of(path).unlink(missing_ok=True)
