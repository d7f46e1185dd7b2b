"""Damage once found is remembered, so that no later write lands on a damaged library.

A full check of a big library takes seconds (SQLite reads every page), too long before
every star or `mark`. So whatever meets the damage first (a read that hits a bad page,
the app's check at start, `readlist check`, a backup) records it: for this process in
memory, for every other in a marker file beside the library (LIBRARY.damaged). Every
write transaction looks for both first. `readlist check` removes the marker once the
library is sound again (repaired, or replaced by a backup).

The checks themselves are here too: SQLite's quick and integrity checks, and the
full-text index's own (`findings`, `full_check`).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from pathlib import Path

from readlist.core.store.schema import now

MARKER_SUFFIX = ".damaged"

_FOUND: dict[str, str] = {}  # the library's real path -> the problem found
# The library files a whole check found sound in this process, as they were then: a file
# changed since (a checkpoint, or a stray write) is checked again.
_SOUND: set[tuple[str, int, int, int]] = set()
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
        _SOUND.clear()
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


def in_one_line(problems: list[str] | tuple[str, ...]) -> str:
    """Problems as one line: the first, and how many more there are."""
    problem = problems[0] if problems else "damaged"
    return problem + (f" and {len(problems) - 1} more problem(s)" if len(problems) > 1 else "")


def found_sound(path: Path) -> None:
    """A whole check found the library sound: this process's later writers need not
    check it again (damage met after this is recorded, and wins)."""
    stamp = _stamp(path)
    if stamp is not None:
        with _LOCK:
            _SOUND.add(stamp)


def checked_sound(path: Path) -> bool:
    stamp = _stamp(path)
    with _LOCK:
        return stamp is not None and stamp in _SOUND


def _stamp(path: Path) -> tuple[str, int, int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return os.path.realpath(path), st.st_ino, st.st_size, st.st_mtime_ns


def clear(path: Path) -> None:
    """Forget the damage: `readlist check` found the library sound."""
    with _LOCK:
        _FOUND.pop(os.path.realpath(path), None)
    marker_of(path).unlink(missing_ok=True)


def findings(conn: sqlite3.Connection, pragma: str, table: str | None = None) -> list[str]:
    """The lines of an SQLite check (`pragma` is quick_check or integrity_check), without
    its "ok" and its "*** in database" headings. A check of the whole file that stops at
    a damaged page ("malformed", its findings lost with it) is run again table by table,
    to name the damaged tables (with their indexes) and, where the quick check can, the
    pages."""
    try:
        arg = f'("{table}")' if table else ""
        rows = conn.execute(f"PRAGMA {pragma}{arg}").fetchall()
    except sqlite3.DatabaseError as exc:
        if table is not None:
            if pragma != "quick_check":
                return findings(conn, "quick_check", table)
            return [f"{table}: {exc}"]
        try:
            tables = [
                str(name)
                for (name,) in conn.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND rootpage > 0"
                )
            ]
        except sqlite3.DatabaseError:
            return [str(exc)]
        found = [line for name in tables for line in findings(conn, pragma, name)]
        return found or [str(exc)]
    lines = [line for (row,) in rows for line in str(row).splitlines()]
    found = [line for line in lines if line != "ok" and not line.startswith("*** in database")]
    return [f"{table}: {line}" for line in found] if table else found


def full_check(conn: sqlite3.Connection) -> list[str]:
    """SQLite's integrity check and the full-text indexes' own. An index is checked
    against the papers and notes (rank 1): without it, FTS5 checks an external content
    index only against itself, and passes one that lacks whole papers."""
    problems = findings(conn, "integrity_check")
    for index, name in (("papers_fts", "full-text index"), ("authors_fts", "authors index")):
        try:
            conn.execute(f"INSERT INTO {index} ({index}, rank) VALUES ('integrity-check', 1)")
        except sqlite3.DatabaseError as exc:
            problems.append(f"{name}: {exc}")
    return problems
