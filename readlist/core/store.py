"""The single gate to the library file: every read and write goes through here.

Writes run in BEGIN IMMEDIATE transactions on a WAL database with a busy
timeout, so a second process waits its turn instead of failing, and a crash
leaves each transaction all there or not there at all.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from readlist.core import schema
from readlist.core.errors import LibraryError, NoteChangedError, UnknownPaperError
from readlist.core.models import (
    DuplicateCandidate,
    LibraryStats,
    Paper,
    Sighting,
)
from readlist.core.query import Query
from readlist.core.search import REVERSED_SORTS, SORTS, Sort, Walk, Walker, where_clause
from readlist.core.store_imports import ImportWrites

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 30_000
BULK_CACHE_MIB = 256
BULK_CHECKPOINT_PAGES = 65_536  # 256 MiB of log at 4 KiB pages
WALKED_LIMIT = 1000  # a search with a limit up to this walks (see iter_search)
PAGE = 100

_PAPER_COLUMNS = """p.id, p.title, p.abstract, p.first_seen, p.last_seen, p.times_seen,
    coalesce(s.read, 0), coalesce(s.starred, 0), coalesce(s.note, '')"""


def _use_wal(conn: sqlite3.Connection) -> None:
    """Put the library in WAL mode (nothing to do once it is). A library not yet in WAL
    needs the write lock for the switch, and while another connection holds that lock
    (another process creating the same new library, say) SQLite refuses at once with
    "database is locked", busy_timeout or not; so wait here, as long as it would."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            busy = exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY
            if not busy or time.monotonic() > deadline:
                raise
        time.sleep(0.005)


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


def _paper(row: Sequence[Any]) -> Paper:
    return Paper(
        id=row[0],
        title=row[1],
        abstract=row[2],
        first_seen=row[3],
        last_seen=row[4],
        times_seen=row[5],
        read=bool(row[6]),
        starred=bool(row[7]),
        note=row[8],
    )


class Store(ImportWrites):
    """One connection to one library. Open one Store per thread."""

    def __init__(
        self, path: Path, conn: sqlite3.Connection, *, upgraded_copy: Path | None = None
    ) -> None:
        self.path = path
        self.conn = conn
        self._unindexed_from: int | None = None  # first paper id not yet in papers_fts
        # The copy kept of the library as it was, when this open upgraded it.
        self.upgraded_copy = upgraded_copy
        self._walker = Walker(conn)

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """The connection as a sqlite-utils Database, for ad hoc scripts and tests.
        Imported on first use: it costs a tenth of a second at start-up, and
        `readlist list` must answer in two."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

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
            upgraded = schema.prepare(conn, path)
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
        """A write transaction that takes the write lock up front (BEGIN IMMEDIATE)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self._index_new_papers()
            self.conn.execute("COMMIT")
        except BaseException:
            self._unindexed_from = None
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise

    # -- reads -------------------------------------------------------------

    def search(
        self,
        query: Query,
        *,
        limit: int | None = None,
        offset: int = 0,
        sort: Sort = "latest",
    ) -> list[Paper]:
        return list(self.iter_search(query, limit=limit, offset=offset, sort=sort))

    def iter_search(
        self,
        query: Query,
        *,
        limit: int | None = None,
        offset: int = 0,
        sort: Sort = "latest",
    ) -> Iterator[Paper]:
        """Matching papers in a stable order, fetched lazily (for exports of any size).

        The first few hundred of a filter on words come from its walk (search.py), as the
        app's pages do: asking SQL for the top 20 of a word in most papers sorts them all.
        """
        where = where_clause(query)
        if limit is not None and offset + limit <= WALKED_LIMIT and where.uses_text:
            walk = Walk(query, sort)
            for start in range(offset, offset + limit, PAGE):
                size = min(PAGE, offset + limit - start)
                page = self.page(query, start, size, sort=sort, walk=walk)
                yield from page
                if len(page) < size:
                    return
            return
        sql = (
            f"SELECT {_PAPER_COLUMNS} FROM papers p LEFT JOIN state s ON s.paper_id = p.id"
            f"{where.sql} ORDER BY {SORTS[sort]} LIMIT ? OFFSET ?"
        )
        cursor = self.conn.execute(sql, [*where.params, -1 if limit is None else limit, offset])
        while rows := cursor.fetchmany(500):
            yield from map(_paper, rows)

    def page(
        self,
        query: Query,
        offset: int,
        limit: int,
        *,
        sort: Sort = "latest",
        total: int = 0,
        walk: Walk | None = None,
    ) -> list[Paper]:
        """One page of `search`, as quick at the end of a million papers as at the start.

        OFFSET has to step over every row before the page, so a page in the second half of
        `total` rows is read backwards from the end; and the stepping runs over ids alone (a
        covering index when there is no filter), with the full rows read for the page only.
        A filter on words goes through `walk` (see search.py) when it is given: the pages
        of a broad filter come from reading the library in order, the rest from SQL.
        """
        if offset < 0 or limit <= 0:
            return []
        if walk is not None and walk.where.uses_text:
            assert walk.query == query and walk.sort == sort, "a walk belongs to one filter"
            ids = self._walker.page(walk, offset, limit, total)
            if ids is not None:
                return self.get_many(ids)
        order = SORTS[sort]
        if total and offset > total // 2:
            start = max(total - offset - limit, 0)
            limit = min(limit, total - offset)
            if limit <= 0:
                return []
            offset, order = start, REVERSED_SORTS[sort]
            backwards = True
        else:
            backwards = False
        where = where_clause(query)
        sql = (
            f"SELECT {_PAPER_COLUMNS} FROM papers p LEFT JOIN state s ON s.paper_id = p.id"
            f" WHERE p.id IN (SELECT p.id FROM papers p{where.sql} ORDER BY {order}"
            " LIMIT ? OFFSET ?)"
            f" ORDER BY {order}"
        )
        rows = [_paper(row) for row in self.conn.execute(sql, [*where.params, limit, offset])]
        return rows[::-1] if backwards else rows

    def count(self, query: Query) -> int:
        """A filter of words alone is counted in the full-text index, which holds one row
        per paper: ten times quicker than matching it against the papers."""
        where = where_clause(query)
        if where.match is not None:
            sql, params = "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH ?", [where.match]
        else:
            sql, params = f"SELECT count(*) FROM papers p{where.sql}", where.params
        return int(self.conn.execute(sql, params).fetchone()[0])

    def get(self, paper_id: int) -> Paper:
        row = self.conn.execute(
            f"SELECT {_PAPER_COLUMNS} FROM papers p LEFT JOIN state s ON s.paper_id = p.id"
            " WHERE p.id = ?",
            (paper_id,),
        ).fetchone()
        if row is None:
            raise UnknownPaperError(f"no paper with id {paper_id}")
        return _paper(row)

    def sightings(self, paper_id: int) -> list[Sighting]:
        rows = self.conn.execute(
            """SELECT s.paper_id, d.source, s.date_line, s.seen_on, d.imported_at, s.match
               FROM sightings s JOIN dumps d ON d.id = s.dump_id
               WHERE s.paper_id = ? ORDER BY s.seen_on, d.id""",
            (paper_id,),
        )
        return [Sighting(*row) for row in rows]

    def review_candidates(self) -> list[DuplicateCandidate]:
        rows = self.conn.execute(
            """SELECT r.paper_id, r.other_id, a.title, b.title, r.title_score,
                      r.abstract_score, r.reason
               FROM review r JOIN papers a ON a.id = r.paper_id JOIN papers b ON b.id = r.other_id
               ORDER BY r.paper_id, r.other_id"""
        )
        return [DuplicateCandidate(*row) for row in rows]

    def stats(self, *, quick: bool = False) -> LibraryStats:
        """Counts for `readlist stats` and the app's status bar.

        `quick` leaves out the sightings, dumps and review counts (given as 0): the app
        does not show them, and counting a million sightings takes a third of a second.
        """
        extra = (
            "0, 0, 0"
            if quick
            else (
                "(SELECT count(*) FROM sightings), (SELECT count(*) FROM dumps),"
                " (SELECT count(*) FROM review)"
            )
        )
        one = self.conn.execute(
            f"""SELECT (SELECT count(*) FROM papers),
                      (SELECT count(*) FROM state WHERE starred = 1),
                      (SELECT count(*) FROM state WHERE read = 1),
                      (SELECT count(*) FROM state WHERE note != ''),
                      {extra}"""
        ).fetchone()
        papers, starred, read, noted, sightings, dumps, review = one
        return LibraryStats(
            papers=papers,
            starred=starred,
            read=read,
            unread=papers - read,
            with_note=noted,
            sightings=sightings,
            dumps=dumps,
            review_candidates=review,
            schema_version=schema.SCHEMA_VERSION,
            path=str(self.path),
        )

    def check_integrity(self) -> list[str]:
        """Problems found by SQLite's and FTS5's own checks; empty when sound. The index is
        checked against the papers and notes (rank 1): without it, FTS5 checks an external
        content index only against itself, and passes one that lacks whole papers."""
        problems = [r[0] for r in self.conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        try:
            self.conn.execute(
                "INSERT INTO papers_fts (papers_fts, rank) VALUES ('integrity-check', 1)"
            )
        except sqlite3.DatabaseError as exc:
            problems.append(f"full-text index: {exc}")
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
        written, so that one person's words never silently replace another's."""
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

    def last_dump_id(self) -> int:
        """Grows with every import: papers may have come in, or moved in the order."""
        return int(self.conn.execute("SELECT coalesce(max(id), 0) FROM dumps").fetchone()[0])

    def backup_to(self, target: Path) -> None:
        """A consistent copy of the whole library through SQLite's backup API, in one
        read transaction, so writers (the app, an import) carry on while it is made.
        Written beside `target` and checked before it takes its place: a failed backup
        (a full disk) leaves any earlier one as it was."""
        if target.exists() and not schema.is_library(target):
            raise LibraryError(f"{target}: exists and is not a readlist library; not replaced")
        partial = target.with_name(f".{target.name}.partial")
        partial.unlink(missing_ok=True)
        try:
            dest = sqlite3.connect(partial)
            try:
                self.conn.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")  # one file, nothing beside it
                problem = dest.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                dest.close()
            if problem != "ok":
                raise LibraryError(f"{target}: the copy failed its check ({problem})")
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)

    # -- queues (triage): fixed at their start, read a little at a time -----------------

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads inside see one state of the library, whatever commits meanwhile (WAL)."""
        self.conn.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            if self.conn.in_transaction:
                self.conn.execute("COMMIT")

    def iter_ids(self, query: Query, *, offset: int = 0, sort: Sort = "latest") -> Iterator[int]:
        """The ids search() returns, in its order: a queue of a million costs 8 MB, not 1 GB."""
        where = where_clause(query)
        sql = f"SELECT p.id FROM papers p{where.sql} ORDER BY {SORTS[sort]} LIMIT -1 OFFSET ?"
        cursor = self.conn.execute(sql, [*where.params, offset])
        while rows := cursor.fetchmany(10_000):
            for row in rows:
                yield row[0]

    def get_many(self, ids: Sequence[int]) -> list[Paper]:
        """Papers in the order asked; ids no longer in the library are left out."""
        found: dict[int, Paper] = {}
        wanted = list(dict.fromkeys(ids))
        for start in range(0, len(wanted), 500):
            chunk = wanted[start : start + 500]
            rows = self.conn.execute(
                f"SELECT {_PAPER_COLUMNS} FROM papers p LEFT JOIN state s ON s.paper_id = p.id"
                f" WHERE p.id IN ({', '.join('?' * len(chunk))})",
                chunk,
            )
            found.update((paper.id, paper) for paper in map(_paper, rows))
        return [found[paper_id] for paper_id in ids if paper_id in found]
