"""The store's reads: searches, pages, counts and papers for the app, the CLI and
exports. Part of the store (see connection.py): Store is made of this, the import side
(imports.py), the app's memory (memory.py), and its connection and the user's state, so
all SQL stays in the store."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from readlist.core.errors import UnknownPaperError
from readlist.core.models import (
    DuplicateCandidate,
    ImportSummary,
    LibraryStats,
    Paper,
    Sighting,
)
from readlist.core.query import Query
from readlist.core.store import meta_columns, schema
from readlist.core.store.merge_reads import OPEN_PAIR
from readlist.core.store.pages import BEFORE, kept_page
from readlist.core.store.search import (
    REVERSED_SORTS,
    SORTS,
    Sort,
    plain_where,
    trash_is_empty,
    where_clause,
)
from readlist.core.store.tags import sorted_tags
from readlist.core.store.walk import Walk, Walker

if TYPE_CHECKING:
    import sqlite_utils

WALKED_LIMIT = 1000  # a search with a limit up to this walks (see iter_search)
WALK_PAGE = 100

# The counts of the whole library (stats) leave the trash out by subtracting what is in
# it: the tables' counts read their indexes whole, and the trash is read row by row,
# where testing every paper against the trash would read a million rows one by one.
_TRASHED = "trash t JOIN papers p ON p.id = t.paper_id"
_LESS_TRASHED = """((SELECT count(*) FROM state WHERE {test})
    - (SELECT count(*) FROM trash t JOIN state s ON s.paper_id = t.paper_id WHERE s.{test}))"""

# A paper's tags come as one text (a tag holds no control character, so US joins them),
# read through the tags table's primary key: nothing for the many papers with none.
_PAPER_COLUMNS = """p.id, p.title, p.abstract, p.first_seen, p.last_seen, p.times_seen,
    coalesce(s.read, 0), coalesce(s.starred, 0), coalesce(s.note, ''),
    (SELECT group_concat(tag, char(31)) FROM tags WHERE paper_id = p.id), """ + ", ".join(
    f"p.{column}" for column in meta_columns.COLUMNS
)


def _paper(row: Sequence[Any]) -> Paper:
    tags = row[9]
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
        meta=meta_columns.meta_of(row[10:]),
        tags=sorted_tags(tags.split("\x1f")) if tags else (),
    )


class LibraryReads:
    """Store's reads; each runs in a read transaction of its own, or in `snapshot`'s.

    The reads behind a keystroke (search, page, count, position_of, get_many), the
    status bar's counts (stats, read after every filter) and the latest import (read
    as the app opens, where importing sqlite-utils would hold up the first screen) are
    plain sqlite3 on the connection; the review list goes through sqlite-utils
    (Store.db), which names each column of a row."""

    conn: sqlite3.Connection

    @property
    def db(self) -> sqlite_utils.Database:  # Store's
        raise NotImplementedError

    path: Path
    _walker: Walker

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

        The first few hundred of a filter on words come from its walk (walk.py), as the
        app's pages do: asking SQL for the top 20 of a word in most papers sorts them all.
        """
        where = plain_where(self.conn, query)
        if limit is not None and offset + limit <= WALKED_LIMIT and where.uses_text:
            walk = Walk(query, sort)
            for start in range(offset, offset + limit, WALK_PAGE):
                size = min(WALK_PAGE, offset + limit - start)
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
        A filter on words goes through `walk` (see walk.py) when it is given: the pages
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
        if not query.clauses and not trash_is_empty(self.conn):
            kept = kept_page(self.conn, sort, order, backwards, offset, limit)
            if kept is not None:
                rows = self.get_many(kept)
                return rows[::-1] if backwards else rows
        where = plain_where(self.conn, query)
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
        per paper: ten times quicker than matching it against the papers. The whole
        library is its papers less the trash, as the table's own counts say them."""
        if not query.clauses:
            sql = "SELECT (SELECT count(*) FROM papers) - (SELECT count(*) FROM trash)"
            return int(self.conn.execute(sql).fetchone()[0])
        where = where_clause(query, trash=not trash_is_empty(self.conn))
        if where.match is not None:
            sql = (
                "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH ?"
                f" AND {where.scope_of('rowid')}"
            )
            params = [where.match]
        else:
            sql, params = f"SELECT count(*) FROM papers p{where.sql}", where.params
        return int(self.conn.execute(sql, params).fetchone()[0])

    def position_of(self, query: Query, sort: Sort, paper_id: int) -> int | None:
        """Where a paper stands in a filter's results (0 for the first), or None when the
        filter does not show it: the app keeps its cursor on a paper across a change of
        filter or sort without reading every row before it."""
        where = where_clause(query, trash=not trash_is_empty(self.conn))
        also = " AND " if where.sql else " WHERE "
        shown = self.conn.execute(
            f"SELECT 1 FROM papers p{where.sql}{also}p.id = ?", [*where.params, paper_id]
        ).fetchone()
        if shown is None:
            return None
        row = self.conn.execute(
            "SELECT count(*) FROM (SELECT id, last_seen, times_seen, title, upvotes, published"
            " FROM papers"
            f" WHERE id = ?) t, papers p{where.sql}{also}{BEFORE[sort]}",
            [paper_id, *where.params],
        ).fetchone()
        return int(row[0])

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
               WHERE s.paper_id = ? ORDER BY s.seen_on, d.id, s.listing""",
            (paper_id,),
        )
        return [Sighting(*row) for row in rows]

    def review_candidates(self) -> list[DuplicateCandidate]:
        rows = self.db.query(
            """SELECT r.paper_id, r.other_id, a.title, b.title AS other_title,
                      r.title_score, r.abstract_score, r.reason
               FROM review r JOIN papers a ON a.id = r.paper_id JOIN papers b ON b.id = r.other_id
               WHERE r.paper_id NOT IN (SELECT paper_id FROM trash)
                 AND r.other_id NOT IN (SELECT paper_id FROM trash)
               ORDER BY r.paper_id, r.other_id"""
        )
        return [DuplicateCandidate(**row) for row in rows]

    def stats(self, *, quick: bool = False) -> LibraryStats:
        """Counts for `readlist stats` and the app's status bar.

        `quick` leaves out the sightings, dumps and review counts (given as 0): the app
        does not show them, and counting a million sightings takes a third of a second.
        """
        extra = (
            "0, 0, 0, 0"
            if quick
            else (
                "(SELECT count(*) FROM sightings), (SELECT count(*) FROM dumps),"
                f" (SELECT count(*) FROM review r WHERE {OPEN_PAIR}),"
                " (SELECT count(*) FROM papers WHERE arxiv_id IS NOT NULL)"
                f" - (SELECT count(*) FROM {_TRASHED} WHERE p.arxiv_id IS NOT NULL)"
            )
        )
        one = self.conn.execute(
            f"""SELECT (SELECT count(*) FROM papers) - (SELECT count(*) FROM trash),
                      {_LESS_TRASHED.format(test="starred = 1")},
                      {_LESS_TRASHED.format(test="read = 1")},
                      {_LESS_TRASHED.format(test="note != ''")},
                      EXISTS (SELECT 1 FROM papers WHERE coalesce(upvotes, -1) >= 0),
                      EXISTS (SELECT 1 FROM papers WHERE coalesce(published, '') > ''),
                      (SELECT count(*) FROM trash),
                      {extra}"""
        ).fetchone()
        papers, starred, read, noted, upvotes, published, trashed, *rest = one
        sightings, dumps, review, ids = rest
        return LibraryStats(
            papers=papers,
            trashed=trashed,
            starred=starred,
            read=read,
            unread=papers - read,
            with_note=noted,
            sightings=sightings,
            dumps=dumps,
            review_candidates=review,
            schema_version=schema.SCHEMA_VERSION,
            path=str(self.path),
            with_id=ids,
            upvotes_known=bool(upvotes),
            published_known=bool(published),
        )

    def latest_import(self) -> ImportSummary | None:
        """What the latest import run wrote, so that the app can say it on start (the
        CLI's report has scrolled away by then); None before any import.

        A run's dumps share its start time, and come after every earlier dump. Its new
        papers come after every earlier paper, so they are counted from the newest back:
        those above the last paper an earlier dump brought in. Each read stops there,
        reading about as many rows as the run added."""
        with self.snapshot():
            latest = self.conn.execute(
                "SELECT imported_at FROM dumps ORDER BY id DESC LIMIT 1"
            ).fetchone()
            if latest is None:
                return None
            first, files, listings = self.conn.execute(
                """SELECT min(id), count(*), sum(coalesce(written, papers)) FROM dumps
                   WHERE imported_at = ?""",
                latest,
            ).fetchone()
            (new,) = self.conn.execute(
                """SELECT count(*) FROM papers WHERE id > coalesce(
                       (SELECT paper_id FROM sightings WHERE match = 'new' AND dump_id < ?
                        ORDER BY paper_id DESC LIMIT 1), 0)""",
                (first,),
            ).fetchone()
        return ImportSummary(imported_at=latest[0], files=files, listings=listings, new=new)

    # -- queues (triage): fixed at their start, read a little at a time -------------

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
        where = plain_where(self.conn, query)
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
