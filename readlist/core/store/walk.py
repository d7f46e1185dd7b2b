"""The walk: a filter's first pages of a broad filter found at once, by reading the
library in display order a chunk at a time. It stands apart from readlist.core.store.search
(the filter as SQL) because it keeps state between pages and temporary tables on its
connection; it only runs the clauses search builds. Part of the store, the only package
with SQL.

Why a walk. A common word matches two papers in three of a big library. Asked for the
first hundred matches in display order, SQLite collects every match first, and FTS5
merges the position lists of every word that starts with a prefix before it returns a
single row: a second or more at a million papers, for any word being typed. Reading
the library in display order instead, a chunk at a time, and testing each chunk
against the filter finds a hundred matches in about 150 rows.

The test runs the filter's own WHERE clause, with the same FTS5 tokenizer, against an
in-memory copy of the chunk's words (and the chunk's rows of `papers`, for the filters
on a paper's identity), so the walk and the plain query agree on what matches by
construction. A filter that matches few papers would make the walk read far; there it
gives up early, and the plain query, which is quick for rare words, answers instead.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from readlist.core.query import Query
from readlist.core.store import migrations
from readlist.core.store.search import (
    REVERSED_SORTS,
    SORTS,
    Sort,
    narrow_filters,
    narrowing_match,
    where_clause,
)

# The walk reads at least CHUNK_MIN rows at a time and at most CHUNK_MAX; one page
# read gives up once it would take more than BUDGET rows (the testing one keystroke can
# afford; past it the plain query answers sooner).
CHUNK_MIN = 128
CHUNK_MAX = 1024
BUDGET = 2048
# A filter too narrow for the walk is gathered whole through its rarer words, when
# they match at most this many papers (to test one by one, or, when the rarer words
# are the whole filter, just to sort).
GATHER_TESTED = 1024
GATHER_SORTED = 20_000


@dataclass(slots=True)
class _Side:
    """The walk from one end of the list: rows read so far, and the matches among them."""

    scanned: int = 0
    ids: list[int] = field(default_factory=list)
    done: bool = False  # read to the other end: `ids` holds every match


class Walk:
    """A filter's progress through the library in display order, kept between pages so
    that the next page reads on from where the last one stopped. The threads that fetch
    pages share it, one at a time. Start a new one when the library changes."""

    def __init__(self, query: Query, sort: Sort = "latest") -> None:
        self.query = query
        self.sort = sort
        self.where = where_clause(query)
        self.chunk_where = where_clause(query, fts="walk_fts")
        self.lock = threading.Lock()
        self.forward = _Side()
        self.backward = _Side()
        self.too_broad_to_gather = False  # tried once: no need to count again

    @property
    def total(self) -> int | None:
        """The number of matches, once either side has read the whole library."""
        for side in (self.forward, self.backward):
            if side.done:
                return len(side.ids)
        return None


class Walker:
    """Runs walks on one connection. A chunk of rows is copied, in SQL, into temporary
    tables of that connection (a full-text table with the library's tokenizer) and the
    filter's WHERE clause runs there: no row passes through Python."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._ready = False

    def page(self, walk: Walk, offset: int, limit: int, total: int) -> list[int] | None:
        """The ids of one page in display order, or None when the walk would read too
        far for it (a filter that matches few papers, or a page deep in the middle)."""
        with walk.lock:
            ids = self._walk_page(walk, offset, limit, total)
            if ids is None and not walk.too_broad_to_gather and self._gather(walk):
                ids = self._walk_page(walk, offset, limit, total)
            return ids

    def _walk_page(self, walk: Walk, offset: int, limit: int, total: int) -> list[int] | None:
        known = walk.total
        if known is not None:
            whole = walk.forward if walk.forward.done else walk.backward
            ids = whole.ids if whole is walk.forward else whole.ids[::-1]
            return ids[offset : offset + limit]
        if total and offset > total // 2:
            start, end = max(total - offset - limit, 0), total - offset
            if end <= 0:
                return []
            if not self._extend(walk, walk.backward, REVERSED_SORTS[walk.sort], end):
                return None
            return walk.backward.ids[start:end][::-1]
        if not self._extend(walk, walk.forward, SORTS[walk.sort], offset + limit):
            return None
        return walk.forward.ids[offset : offset + limit]

    def _gather(self, walk: Walk) -> bool:
        """Every match of a narrow filter, in order, found through its rarer words or
        through a filter on the paper's columns that few papers pass (upvotes>=1000)."""
        ids = self._gathered_by_words(walk)
        if ids is None:
            ids = self._gathered_by_columns(walk)
        if ids is None:
            walk.too_broad_to_gather = True  # nothing narrow to gather by
            return False
        ordered = self.conn.execute(
            f"""SELECT p.id FROM papers p WHERE p.id IN (SELECT value FROM json_each(?))
                AND {walk.where.scope} ORDER BY {SORTS[walk.sort]}""",
            (json.dumps(ids),),
        )
        walk.forward = _Side(ids=[row[0] for row in ordered], done=True)
        return True

    def _gathered_by_words(self, walk: Walk) -> list[int] | None:
        expression = narrowing_match(walk.query)
        if expression is None:
            return None
        exact = expression == walk.where.match
        cap = GATHER_SORTED if exact else GATHER_TESTED
        ids = [
            row[0]
            for row in self.conn.execute(
                "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? LIMIT ?",
                (expression, cap + 1),
            )
        ]
        if len(ids) > cap:
            return None
        if not exact:
            _, ids = self._chunk(walk, "SELECT value FROM json_each(?)", [json.dumps(ids)])
        return ids

    def _gathered_by_columns(self, walk: Walk) -> list[int] | None:
        narrow = narrow_filters(self.conn, walk.query)
        if not narrow:
            return None
        sql, params = next(iter(narrow.values()))
        ids = [
            row[0] for row in self.conn.execute(f"SELECT p.id FROM papers p WHERE {sql}", params)
        ]
        _, ids = self._chunk(walk, "SELECT value FROM json_each(?)", [json.dumps(ids)])
        return ids

    def _extend(self, walk: Walk, side: _Side, order: str, need: int) -> bool:
        read = 0
        while len(side.ids) < need and not side.done:
            missing = need - len(side.ids)
            if side.ids:  # rows still to read, at the density seen so far
                estimate = missing * side.scanned // len(side.ids) + 1
            else:
                estimate = missing * max(side.scanned, 1)
            if read and read + estimate > BUDGET:
                return False
            chunk = min(max(estimate + estimate // 4, CHUNK_MIN), CHUNK_MAX)
            rows, matching = self._chunk(
                walk,
                f"SELECT p.id FROM papers p ORDER BY {order} LIMIT ? OFFSET ?",
                [chunk, side.scanned],
            )
            side.done = rows < chunk
            side.scanned += rows
            read += rows
            side.ids += matching
        return True

    def _prepare(self) -> None:
        if not self._ready:
            self.conn.execute(
                """CREATE TEMP TABLE IF NOT EXISTS walk_chunk (
                       pos INTEGER PRIMARY KEY, id INTEGER NOT NULL)"""
            )
            self.conn.execute(
                f"""CREATE VIRTUAL TABLE IF NOT EXISTS temp.walk_fts USING fts5 (
                        title, abstract, note, content = '',
                        tokenize = '{migrations.FTS_TOKENIZE}')"""
            )
            self._ready = True

    def _chunk(self, walk: Walk, sql: str, params: Sequence[Any]) -> tuple[int, list[int]]:
        """How many rows `sql` selects, and those of them, in its order, that match."""
        self._prepare()
        conn = self.conn
        conn.execute("DELETE FROM temp.walk_chunk")
        conn.execute("INSERT INTO temp.walk_fts (walk_fts) VALUES ('delete-all')")
        read = conn.execute(f"INSERT INTO temp.walk_chunk (id) {sql}", params).rowcount
        conn.execute(
            """INSERT INTO temp.walk_fts (rowid, title, abstract, note)
               SELECT p.id, p.title, p.abstract, coalesce(s.note, '')
               FROM temp.walk_chunk c JOIN papers p ON p.id = c.id
               LEFT JOIN state s ON s.paper_id = c.id"""
        )
        where = walk.chunk_where
        # CROSS JOIN keeps the chunk the outer loop: each row finds its paper by id
        rows = conn.execute(
            "SELECT p.id FROM temp.walk_chunk c CROSS JOIN papers p ON p.id = c.id"
            f"{where.sql} ORDER BY c.pos",
            where.params,
        )
        return read, [row[0] for row in rows]
