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


def primary_code(exc: BaseException) -> int | None:
    """An SQLite error's primary result code (SQLITE_BUSY for every kind of busy), or
    None for an exception that carries none."""
    code = getattr(exc, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def is_damage(exc: BaseException) -> bool:
    """SQLITE_CORRUPT or SQLITE_NOTADB: the file itself is damaged, not the disk or a lock."""
    return primary_code(exc) in _DAMAGED


def damaged_line(
    path: object,
    problem: str,
    *,
    copy: object = None,
    target: object = None,
    opens: bool = True,
) -> str:
    """The one line for a damaged library: what is wrong, that nothing was written, and
    the way back (a copy first, then SQLite's own recovery or the latest backup). With
    `copy`: a backup made that damaged copy, and left an earlier one (`target`) alone.
    Not `opens`: the damage is in the schema, so not even `readlist backup` can read it."""
    if not opens:
        return (
            f"{path}: the library is damaged ({problem}) and readlist cannot open it. "
            "Copy the file as it is (with its -wal file, if any), then recover it with "
            f"`sqlite3 {path} .recover | sqlite3 recovered.db` or restore your latest backup"
        )
    if copy is None:
        return (
            f"{path}: the library is damaged ({problem}); readlist will not write to it. "
            "Copy it with `readlist backup PATH`, then recover it with "
            f"`sqlite3 {path} .recover | sqlite3 recovered.db` or restore your latest backup"
        )
    earlier = f" ({target}, an earlier backup, is left as it was)" if target else ""
    return (
        f"{path}: the library is damaged ({problem}); its copy is kept as {copy}{earlier}. "
        f"Recover with `sqlite3 {copy} .recover | sqlite3 recovered.db` "
        "or restore your latest backup"
    )


def describe_sqlite_error(path: object, exc: sqlite3.Error) -> str:
    """One line for an SQLite error met on the library at `path`: what went wrong, and
    that nothing was half-written (every write is one transaction)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if is_damage(exc):
        return damaged_line(path, str(exc))
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


class DamagedLibraryError(LibraryError):
    """A library SQLite finds damaged: it is read as far as it can be, never written to."""

    def __init__(
        self,
        path: object,
        problem: str,
        *,
        copy: object = None,
        target: object = None,
        opens: bool = True,
    ) -> None:
        super().__init__(damaged_line(path, problem, copy=copy, target=target, opens=opens))
        self.problem = problem


class UnknownPaperError(ReadlistError):
    """An id that names no paper in the library."""


class MergeError(ReadlistError):
    """A merge, split or keep-apart that cannot be made: a paper merged into itself, a
    paper with no merges to split, a pair not merged."""


class NoteChangedError(ReadlistError):
    """A note was changed by someone else (another window, the CLI) since it was opened."""

    def __init__(self, paper_id: int, current: str) -> None:
        super().__init__(f"the note on paper {paper_id} was changed elsewhere since it was opened")
        self.paper_id = paper_id
        self.current = current


class NoteTooLongError(ReadlistError):
    """A note longer than a note may hold (readlist.core.store.connection.NOTE_MAX_BYTES)."""

    def __init__(self, paper_id: int, size: int, limit: int) -> None:
        super().__init__(
            f"the note for paper {paper_id} is {size:,} bytes, more than the {limit:,} "
            "a note may hold; nothing was saved"
        )


class SettingsError(ReadlistError):
    """The settings file cannot be written (`readlist config --init`, a theme saved)."""


class UnknownDumpError(ReadlistError):
    """A dump id that names no imported dump (see `readlist dumps`)."""
