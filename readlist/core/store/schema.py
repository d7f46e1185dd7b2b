"""The store's schema, its version, and the checks made before a file is touched.

Part of the store: with the rest of this package the only place that speaks SQL.
Imported data (papers, sightings, dumps) and the user's state (state) live in
separate tables, so nothing an import does can write over a star or a note.

The schema is SQL, one script per version (migrations.MIGRATIONS), rather than sqlite-utils'
`create`, `transform` and `enable_fts`: a script is the version as it shipped, and an
older library is upgraded by exactly the statements that made each later version; and
what the library needs is beyond those calls: WITHOUT ROWID tables (sightings, the
dedupe keys, memory), partial and NOCASE indexes, a CHECK, and a full-text index whose
content is a view of papers and notes (paper_text), filled in bulk when an import
commits (Store.transaction), where `enable_fts` indexes one table by a trigger per row.
sqlite-utils reads and writes the finished library (Store.db).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from readlist.core.errors import DamagedLibraryError, LibraryError, is_damage
from readlist.core.store.migrations import MIGRATIONS

APPLICATION_ID = 0x524C5354  # "RLST": marks a file as a readlist library
SCHEMA_VERSION = 8
SQLITE_MAGIC = b"SQLite format 3\x00"
# Where an SQLite file's header keeps PRAGMA application_id (big-endian, 4 bytes).
_HEADER_SIZE = 100
_APP_ID_AT = 68
_APP_ID_BYTES = APPLICATION_ID.to_bytes(4, "big")


def now(*, precise: bool = False) -> str:
    """The time, in seconds; `precise` to the microsecond, for a stamp that tells one
    write from another made the same second (a tag put on again: see merges.drop_tags)."""
    return datetime.now(UTC).isoformat(timespec="microseconds" if precise else "seconds")


def check_file(path: Path) -> None:
    """Refuse, without writing a byte, a file that is not an SQLite database."""
    if not path.exists():
        return
    if path.is_dir():
        raise LibraryError(f"{path}: is a folder, not a readlist library")
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise LibraryError(f"{path}: cannot read the library ({exc.strerror})") from exc
    if head and head != SQLITE_MAGIC:
        raise LibraryError(f"{path}: not a readlist library (not an SQLite database)")


def is_library(path: Path) -> bool:
    """A readlist library, as a file that a backup may replace must be: an empty file, a
    pipe or another program's database is not one. Read from the file's header, without
    opening it in SQLite: that needs no URI (a relative path has none) and no -shm beside
    it (a read-only folder has none), and it changes nothing."""
    try:
        if not path.is_file():
            return False
        with path.open("rb") as fh:
            head = fh.read(_HEADER_SIZE)
    except OSError:
        return False
    return head.startswith(SQLITE_MAGIC) and head[_APP_ID_AT : _APP_ID_AT + 4] == _APP_ID_BYTES


def make_current(conn: sqlite3.Connection, path: Path) -> Path | None:
    """Create, accept or migrate the library; refuse anything else untouched. Returns the
    copy kept of the library as it was, when this call upgraded it.

    Every check here only reads; the first write happens once the file is known
    to be ours (or empty), so a refused file is left exactly as it was.
    """
    try:
        # One read transaction: another process may be creating the library meanwhile,
        # and its id read before that commit with its tables read after is "not ours".
        conn.execute("BEGIN")
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")
    except sqlite3.DatabaseError as exc:
        if is_damage(exc):  # an SQLite file by its header (check_file), unreadable within
            raise DamagedLibraryError(path, str(exc), opens=False) from exc
        raise LibraryError(f"{path}: not a readlist library ({exc})") from exc
    if app_id != APPLICATION_ID and (app_id != 0 or tables or version):
        raise LibraryError(f"{path}: not a readlist library (an SQLite file of another program)")
    if version > SCHEMA_VERSION:
        raise LibraryError(
            f"{path}: written by a newer readlist (library version {version}, "
            f"this readlist reads up to {SCHEMA_VERSION}); upgrade readlist to open it"
        )
    if version == SCHEMA_VERSION:
        return None
    kept = path.with_name(f"{path.name}.v{version}.bak")
    if version:
        _copy_before_upgrade(conn, kept)
    conn.execute("BEGIN IMMEDIATE")
    try:
        # Another process may have created or migrated it while we waited.
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in _statements(MIGRATIONS[target]):
                conn.execute(statement)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.execute("COMMIT")
        return kept if 0 < version < SCHEMA_VERSION else None
    except BaseException as exc:
        conn.execute("ROLLBACK")
        if version and isinstance(exc, sqlite3.Error):
            raise LibraryError(
                f"{path}: the upgrade from library version {version} failed ({exc}); the "
                f"library is as it was, and a copy of it is in {kept}"
            ) from exc
        raise


def _copy_before_upgrade(conn: sqlite3.Connection, target: Path) -> None:
    """A consistent copy of the library, taken before anything rewrites it."""
    if target.exists():
        target.unlink()
    conn.execute("VACUUM INTO ?", (str(target),))


def _statements(script: str) -> list[str]:
    """Split a script into statements (triggers contain ';' inside BEGIN..END)."""
    out: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            if buffer.strip():
                out.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        out.append(buffer.strip())
    return out
