"""Errors the core raises for bad input; each message is one line a user can act on."""

from __future__ import annotations

import sqlite3

# Failed writes. SQLite says "database or disk is full" for a full disk (ENOSPC), but only
# "disk I/O error" for a file that may grow no more (EFBIG: a size limit) or a failing disk.
_WRITE_FAILED = {
    sqlite3.SQLITE_IOERR_WRITE,
    sqlite3.SQLITE_IOERR_FSYNC,
    sqlite3.SQLITE_IOERR_TRUNCATE,
}
_DAMAGED = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


def describe_sqlite_error(path: object, exc: sqlite3.Error) -> str:
    """One line for an SQLite error met on the library at `path`: what went wrong, and
    that nothing was half-written (every write is one transaction)."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    if primary in _DAMAGED:
        return (
            f"{path}: the library file is damaged ({exc}); nothing was changed, "
            "and a backup of it is the way back"
        )
    if code == sqlite3.SQLITE_FULL:
        reason = "the disk is full"
    elif code in _WRITE_FAILED:
        reason = f"{exc}: the disk may be full"
    else:
        return f"{path}: {exc}"
    return f"{path}: could not write to the library ({reason}); nothing half-written was kept"


class ReadlistError(Exception):
    """Base for every error caused by input or by the library file, never by a bug."""


class DumpError(ReadlistError):
    """A dump file that cannot be imported: missing, empty, binary, or without papers."""


class LibraryError(ReadlistError):
    """A library file that readlist must not open or change."""


class OutputError(ReadlistError):
    """A file the user named for readlist to write (an export, a backup) that it must not
    or cannot write; the message names the path as the user gave it."""


class UnknownPaperError(ReadlistError):
    """An id that names no paper in the library."""


class NoteChangedError(ReadlistError):
    """A note was changed by someone else (another window, the CLI) since it was opened."""

    def __init__(self, paper_id: int, current: str) -> None:
        super().__init__(f"the note on paper {paper_id} was changed elsewhere since it was opened")
        self.paper_id = paper_id
        self.current = current


class NoteTooLongError(ReadlistError):
    """A note longer than a note may hold (readlist.core.store.NOTE_MAX_BYTES)."""

    def __init__(self, paper_id: int, size: int, limit: int) -> None:
        super().__init__(
            f"the note for paper {paper_id} is {size:,} bytes, more than the {limit:,} "
            "a note may hold; nothing was saved"
        )
