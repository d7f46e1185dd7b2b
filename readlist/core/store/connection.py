"""The single gate to the library file: every read and write goes through here.

Writes run in BEGIN IMMEDIATE transactions on a WAL database with a busy
timeout, so a second process waits its turn instead of failing, and a crash
leaves each transaction all there or not there at all.

Store is this module's connection, transactions, the user's state and the stamps that
tell another window what changed, with the reads of reads.py, the app's memory of
memory.py, the merges' reads of merge_reads.py and writes of merges.py, the tags and
saved searches of tags.py, the trash of trash.py and the ranker's terms, decisions and
skips of ranking.py. `Store.imports` (imports.py) holds
an import's reads and writes, which only readlist.core.ingest makes.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from readlist.core.errors import (
    DamagedLibraryError,
    LibraryError,
    NoteChangedError,
    NoteTooLongError,
    UnknownPaperError,
    is_damage,
    primary_code,
)
from readlist.core.store import damage, schema
from readlist.core.store.bulk import BulkWrites
from readlist.core.store.imports import ImportWrites
from readlist.core.store.memory import LibraryMemory
from readlist.core.store.merge_reads import MergeReads
from readlist.core.store.merges import MergeWrites
from readlist.core.store.ranking import RankStore
from readlist.core.store.reads import LibraryReads
from readlist.core.store.tags import LibraryTags
from readlist.core.store.trash import TrashCare
from readlist.core.store.walk import Walker

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 30_000
BEGIN_POLL_SECONDS = 0.002  # between asks for the write lock (see Store._begin_immediate)
BULK_CACHE_MIB = 256
BULK_CHECKPOINT_PAGES = 65_536  # 256 MiB of log at 4 KiB pages
# What a note may hold: a whole paper's text pasted in fits, and the app's editor still
# opens it without a noticeable wait.
NOTE_MAX_BYTES = 256 * 1024


def check_note_size(paper_id: int, note: str) -> None:
    """Refuse a note too long for the app to edit without freezing, before it is saved."""
    if len(note) * 4 > NOTE_MAX_BYTES:  # UTF-8 takes at most 4 bytes a character
        size = len(note.encode("utf-8", "surrogatepass"))
        if size > NOTE_MAX_BYTES:
            raise NoteTooLongError(paper_id, size, NOTE_MAX_BYTES)


# Up to this size (256 MiB at 4 KiB pages) a store checks the whole library before its
# first write, quick enough not to be felt; past it, the user's own table only, and
# damage elsewhere is caught by whoever meets it first (see damage.py).
WRITE_CHECK_MAX_PAGES = 65_536


def _use_wal(conn: sqlite3.Connection) -> None:
    """Put the library in WAL mode (nothing to do once it is). A library not yet in WAL
    needs the write lock for the switch, and while another connection holds that lock
    (another process creating the same new library, say) SQLite refuses at once with
    "database is locked", busy_timeout or not; so wait here, as long as it would."""
    _when_free(conn, "PRAGMA journal_mode = WAL", pause=0.005)


def _when_free(conn: sqlite3.Connection, sql: str, *, pause: float) -> None:
    """Run `sql`, asking again every `pause` seconds while another connection holds the
    lock it needs, for up to BUSY_TIMEOUT_MS."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute(sql)
            return
        except sqlite3.OperationalError as exc:
            busy = primary_code(exc) == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() > deadline:
                raise
        time.sleep(pause)


_OPEN_HERE: Counter[str] = Counter()  # library file -> connections open in this process
_OPEN_LOCK = threading.Lock()


def _key(path: Path) -> str:
    return os.path.realpath(path)


def _is_open_here(path: Path) -> bool:
    with _OPEN_LOCK:
        return _OPEN_HERE[_key(path)] > 0


def _remember_open(path: Path) -> None:
    with _OPEN_LOCK:
        _OPEN_HERE[_key(path)] += 1


def _forget_open(path: Path) -> None:
    with _OPEN_LOCK:
        key = _key(path)
        _OPEN_HERE[key] -= 1
        if _OPEN_HERE[key] <= 0:
            del _OPEN_HERE[key]


class Store(
    LibraryReads,
    LibraryMemory,
    BulkWrites,
    MergeReads,
    MergeWrites,
    LibraryTags,
    TrashCare,
    RankStore,
):
    """One connection to one library. Open one Store per thread."""

    def __init__(
        self, path: Path, conn: sqlite3.Connection, *, upgraded_copy: Path | None = None
    ) -> None:
        self.path = path
        self.conn = conn
        self.imports = ImportWrites(conn)  # what readlist.core.ingest reads and writes
        # The copy kept of the library as it was, when this open upgraded it.
        self.upgraded_copy = upgraded_copy
        self._walker = Walker(conn)
        self._checked_for_writes = False
        self.writing = False  # inside a write transaction: not to be interrupted

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """This store's own connection as a sqlite-utils Database, for the reads and
        writes off the hot paths: one connection, with this store's pragmas, locks and
        transactions (inside Store.transaction its writes are savepoints of it). It
        leaves recursive triggers off and loads no plugins, so that the connection
        behaves as the store opened it. Imported on first use: sqlite-utils is slow to
        import, and `readlist list` never needs it."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn, recursive_triggers=False, execute_plugins=False)

    @classmethod
    def open(cls, path: Path | str, *, cache_mib: int = 32) -> Store:
        """Open (or create) a library. `cache_mib` is this connection's page cache: 32 MiB
        suits an import, whose dedupe reads hop around; the app's many short-lived readers
        take less, so that their caches together stay small."""
        path = Path(path)
        if not _is_open_here(path):
            # Only while no connection of this process has the file open: closing the
            # descriptor that reads the header drops every POSIX lock this process holds
            # on the file, SQLite's included, and another process closing the library
            # would then take itself for the last one and delete the write-ahead log
            # from under the open connections ("disk I/O error", "malformed").
            schema.check_file(path)
        if not path.parent.exists():
            raise LibraryError(f"{path}: cannot create the library, {path.parent} does not exist")
        try:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise LibraryError(f"{path}: cannot open the library ({exc})") from exc
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            upgraded = schema.make_current(conn, path)
            _use_wal(conn)
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA cache_size = {-1024 * int(cache_mib)}")
            conn.execute("PRAGMA foreign_keys = ON")
        except BaseException:
            conn.close()
            raise
        _remember_open(path)
        return cls(path, conn, upgraded_copy=upgraded)

    def close(self) -> None:
        self.conn.close()
        _forget_open(self.path)

    def interrupt(self) -> None:
        """Stop the query running on this connection, from another thread, where it raises
        sqlite3.OperationalError: for a filter that a newer keystroke made stale."""
        self.conn.interrupt()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def bulk(self) -> Iterator[None]:
        """For an import of many papers: a bigger page cache, and the write-ahead log
        copied into the library file once at the end rather than after every 4 MB (a
        dump's pages, rewritten by the next dump, are copied once, not each time).
        Durability is unchanged: each dump's commit is in the log."""
        cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = {-1024 * BULK_CACHE_MIB}")
        self.conn.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size = {cache}")
            self.conn.execute("PRAGMA wal_autocheckpoint = 1000")
            if not self.conn.in_transaction:
                self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """A write transaction that takes the write lock up front (BEGIN IMMEDIATE), on a
        library not known to be damaged (DamagedLibraryError, and nothing written)."""
        self.ensure_writable()
        self._begin_immediate()
        self.writing = True
        try:
            yield
            self.imports.index_new_papers()
            self.conn.execute("COMMIT")
        except BaseException as exc:
            self.imports.drop_unindexed()
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if is_damage(exc):
                self.found_damage(str(exc))
                raise DamagedLibraryError(self.path, str(exc)) from exc
            raise
        finally:
            self.writing = False

    def _begin_immediate(self) -> None:
        """BEGIN IMMEDIATE, waiting up to BUSY_TIMEOUT_MS for the write lock, asking for
        it every BEGIN_POLL_SECONDS. SQLite's own busy handler waits longer and longer
        between asks, 100 ms at last, and a writer that holds the lock in a run of short
        transactions (a big import's parts) would take it back before it asked again."""
        conn = self.conn
        conn.execute("PRAGMA busy_timeout = 0")
        try:
            _when_free(conn, "BEGIN IMMEDIATE", pause=BEGIN_POLL_SECONDS)
        finally:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    def ensure_writable(self) -> None:
        """Refuse (DamagedLibraryError) to write to a library known to be damaged. The
        first time, check it too: whole when that is quick (WRITE_CHECK_MAX_PAGES), else
        the user's own table, so that a write never lands on damage it did not read."""
        problem = damage.known(self.path)
        if problem is None and not self._checked_for_writes and not damage.checked_sound(self.path):
            pages = self.conn.execute("PRAGMA page_count").fetchone()[0]
            whole = pages <= WRITE_CHECK_MAX_PAGES
            problems = damage.findings(self.conn, "quick_check" if whole else "quick_check(state)")
            if problems:
                problem = self.found_damage(*problems)
            elif whole:
                damage.found_sound(self.path)
            self._checked_for_writes = True
        if problem is not None:
            raise DamagedLibraryError(self.path, problem)

    def found_damage(self, *problems: str) -> str:
        """Remember the damage met (damage.record), for every later write; returns it as
        one line: the first problem, and how many more there are."""
        problem = damage.in_one_line(problems)
        damage.record(self.path, problem)
        return problem

    def quick_check(self) -> list[str]:
        """SQLite's quick check of every page (not of indexes against their tables): the
        app runs it in the background when it opens the library, and its writers then
        need not run it again."""
        problems = damage.findings(self.conn, "quick_check")
        if not problems:
            damage.found_sound(self.path)
        return problems

    def check_integrity(self) -> list[str]:
        """Problems found by SQLite's and FTS5's own checks (full_check), one a line;
        empty when sound. `readlist check` and tests ask; damage found is remembered."""
        problems = damage.full_check(self.conn)
        if problems:
            self.found_damage(*problems)
        else:
            damage.clear(self.path)
            damage.found_sound(self.path)
        return problems

    # -- the user's state ----------------------------------------------------

    def _require(self, ids: Iterable[int]) -> list[int]:
        wanted = list(dict.fromkeys(ids))
        for paper_id in wanted:
            if (
                self.conn.execute("SELECT 1 FROM papers WHERE id = ?", (paper_id,)).fetchone()
                is None
            ):
                raise UnknownPaperError(f"no paper with id {paper_id}")
        return wanted

    def set_flag(self, ids: Iterable[int], flag: Literal["read", "starred"], value: bool) -> None:
        """Star/unstar or read/unread papers, recording when each one changed."""
        with self.transaction():
            for paper_id in self._require(ids):
                self.conn.execute(
                    f"""INSERT INTO state (paper_id, {flag}, {flag}_at) VALUES (?, ?, ?)
                        ON CONFLICT (paper_id) DO UPDATE
                        SET {flag} = excluded.{flag}, {flag}_at = excluded.{flag}_at
                        WHERE state.{flag} != excluded.{flag}""",
                    (paper_id, int(value), schema.now()),
                )

    def set_note(self, paper_id: int, note: str, *, expected: str | None = None) -> None:
        """Write a note. `expected` is the note as the writer last saw it: if it has been
        changed since (by another window or the CLI), NoteChangedError, and nothing is
        written, so that one person's words never silently replace another's. A note
        over NOTE_MAX_BYTES is refused (NoteTooLongError)."""
        check_note_size(paper_id, note)
        with self.transaction():
            self._require([paper_id])
            if expected is not None:
                current = self.note(paper_id)
                if current not in (expected, note):
                    raise NoteChangedError(paper_id, current)
            self.conn.execute(
                """INSERT INTO state (paper_id, note, note_at) VALUES (?, ?, ?)
                   ON CONFLICT (paper_id) DO UPDATE
                   SET note = excluded.note, note_at = excluded.note_at
                   WHERE state.note != excluded.note""",
                (paper_id, note, schema.now()),
            )

    def note(self, paper_id: int) -> str:
        row = self.conn.execute("SELECT note FROM state WHERE paper_id = ?", (paper_id,)).fetchone()
        return str(row[0]) if row is not None else ""

    def data_version(self) -> int:
        """Changes when any other connection (another window, the CLI, another of this
        process's) commits to the library; cheap enough to ask twice a second."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def state_stamp(self) -> int:
        """Changes with every change a user makes to the library, by anyone: a star, a
        read mark, a note, and any write no import makes (a merge, a delete; the rule is
        migrations.CHANGE_COUNTED, kept by triggers). Not with what the app remembers
        (memory.py): a window tells the changes it must show from the memory others save.
        With import_stamp it covers every write that changes what a window shows."""
        row = self.conn.execute("SELECT changes FROM state_changes WHERE id = 1").fetchone()
        return int(row[0]) if row is not None else 0

    def import_stamp(self) -> tuple[int, int]:
        """Changes with every import, and every part of a big one: the last dump's id, and
        the listings written so far of the dumps still coming in. Papers may have come
        in, or moved in the order."""
        last, written = self.conn.execute(
            "SELECT coalesce(max(id), 0), coalesce(total(written), 0) FROM dumps"
        ).fetchone()
        return int(last), int(written)

    def backup_to(self, target: Path) -> None:
        """A consistent, checked copy of the library at `target` (readlist.core.store.backup)."""
        from readlist.core.store.backup import back_up

        back_up(self.path, self.conn, target, check_library=self.check_integrity)
