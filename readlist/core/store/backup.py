"""`readlist backup`: a consistent copy of the library, checked before it takes the place
of an earlier one, written only where a backup may go (readlist.core.targets)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from readlist.core import targets
from readlist.core.errors import DamagedLibraryError, LibraryError, OutputError, primary_code
from readlist.core.store import damage, schema

# The library's own full check (Store.check_integrity): its problems, and remembers them.
CheckLibrary = Callable[[], list[str]]


def back_up(
    library: Path, conn: sqlite3.Connection, target: Path, *, check_library: CheckLibrary
) -> None:
    """A consistent copy of the whole library through SQLite's backup API, in one
    read transaction, so writers (the app, an import) carry on while it is made.
    Written beside `target` and checked in full (full_check) before it takes its
    place: a failed backup (a full disk) leaves any earlier one as it was. A copy of a
    damaged library is still the best copy there is: it is kept as TARGET-DAMAGED
    (DamagedLibraryError says where), never in place of an earlier, sound backup.

    The target is vetted first (readlist.core.targets): never the library or its
    -wal/-shm/-journal files by any name, a symlink leads to the file it names, and
    only a readlist library is replaced. A failure to write it names `target`.

    Store.backup_to calls it with its path, its connection and its check, so that
    this module needs nothing of Store's."""
    vetted = targets.vet(target, library=library, verb="back up")
    if vetted.in_place:
        raise OutputError(f"{target}: is a pipe or a device; back up to a file or a folder")
    if vetted.exists and not schema.is_library(vetted.path):
        raise LibraryError(f"{target}: exists and is not a readlist library; not replaced")
    given = str(target)
    with targets.blamed_on(given, existed=vetted.exists), _blamed_on(given, vetted.exists):
        _copy_to(library, conn, vetted.path, check_library)


def _copy_to(
    library: Path, conn: sqlite3.Connection, target: Path, check_library: CheckLibrary
) -> None:
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        dest = sqlite3.connect(partial)
        try:
            conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")  # one file, nothing beside it
            problems = damage.full_check(dest)
        finally:
            dest.close()
        if problems:
            _damaged_copy(library, target, partial, problems, check_library)
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)


def _damaged_copy(
    library: Path, target: Path, partial: Path, problems: list[str], check_library: CheckLibrary
) -> None:
    """The copy failed its check: the library is damaged (the copy has its pages), or
    the copy went bad on its way to the target's disk. The library's own check tells
    which. A damaged copy takes a name of its own and replaces nothing."""
    if not check_library():
        raise LibraryError(
            f"{target}: the copy failed its check ({problems[0]}); is that disk failing?"
        )
    kept = target.with_name(f"{target.stem}-DAMAGED{target.suffix}")
    n = 1
    while kept.exists():
        n += 1
        kept = target.with_name(f"{target.stem}-DAMAGED-{n}{target.suffix}")
    partial.replace(kept)
    raise DamagedLibraryError(
        library,
        damage.known(library) or problems[0],
        copy=kept,
        target=target if target.exists() else None,
    )


# SQLite's codes for a file it could not create or write: the target's fault, not the
# library's (SQLITE_CORRUPT and the like, met reading the library, still are the library's).
_TARGET_CODES = {
    sqlite3.SQLITE_FULL,
    sqlite3.SQLITE_CANTOPEN,
    sqlite3.SQLITE_READONLY,
    sqlite3.SQLITE_PERM,
    sqlite3.SQLITE_IOERR,
}


@contextmanager
def _blamed_on(given: str, existed: bool) -> Iterator[None]:
    """An SQLite error in writing a copy as one line that names the copy's path."""
    try:
        yield
    except sqlite3.Error as exc:
        primary = primary_code(exc)
        if primary not in _TARGET_CODES:
            raise
        if primary == sqlite3.SQLITE_FULL:
            problem = "the disk it is on is full"
        elif primary == sqlite3.SQLITE_IOERR:
            problem = f"{exc}: its disk may be full"
        else:
            problem = targets.folder_problem(given) or str(exc)
        raise OutputError(targets.describe_failure(given, problem, existed=existed)) from exc
