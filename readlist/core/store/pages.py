"""A page of the whole library (no filter) while papers are in the trash. Part of the
store, the only package with SQL.

Why. A page deep in the list steps over every row before it (OFFSET) along the sort's
covering index, quickly; asked to leave out the trash, SQLite tests each of those rows
against it, and a page in the middle of a million papers takes several times as long.
Here the rows are stepped over untested: the page of the kept papers that starts at
`offset` starts, in the whole list, at the position `offset + k`, where k is the number
of papers in the trash before that position. k is counted by comparing each paper in
the trash (few) with the paper at the position, and the position is moved on until it
holds: a step or two, each reading within one window of ids read once.
"""

from __future__ import annotations

import json
import sqlite3

from readlist.core.store.search import Sort

# A row of `papers p` that comes before the paper `t` in each sort order (SORTS).
BEFORE: dict[Sort, str] = {
    "latest": "(p.last_seen > t.last_seen OR (p.last_seen = t.last_seen AND p.id < t.id))",
    "most_seen": "(p.times_seen > t.times_seen OR (p.times_seen = t.times_seen AND p.id < t.id))",
    "title": (
        "(p.title COLLATE NOCASE < t.title OR (p.title COLLATE NOCASE = t.title AND p.id < t.id))"
    ),
    "upvotes": (
        "(coalesce(p.upvotes, -1) > coalesce(t.upvotes, -1) OR"
        " (coalesce(p.upvotes, -1) = coalesce(t.upvotes, -1) AND p.id < t.id))"
    ),
    "published": (
        "(coalesce(p.published, '') > coalesce(t.published, '') OR"
        " (coalesce(p.published, '') = coalesce(t.published, '') AND p.id < t.id))"
    ),
}

# Past this many papers in the trash a page tests every row instead (as many trashed
# papers to compare, and a window as long, cost more than the test).
MOST_TRASHED = 20_000
MOST_STEPS = 8
# Finding a paper of the trash by id costs about what testing this many rows against the
# trash does; a page nearer the start than that many rows per paper in the trash tests
# its rows instead.
ROWS_PER_TRASHED = 64
# The paper at a position, with what each sort order compares.
_KEY = "SELECT id, last_seen, times_seen, title, upvotes, published FROM papers WHERE id = ?"


def kept_page(
    conn: sqlite3.Connection, sort: Sort, order: str, backwards: bool, offset: int, limit: int
) -> list[int] | None:
    """The ids of the kept papers (not in the trash) from `offset` in `order` (the sort,
    or its reverse when `backwards`), `limit` of them at most; None when testing the
    rows is quicker (a page near the start, a big trash), or the position does not
    settle: the caller asks SQL instead."""
    trashed = int(conn.execute("SELECT count(*) FROM trash").fetchone()[0])
    if trashed > MOST_TRASHED or offset < ROWS_PER_TRASHED * trashed:
        return None
    # Papers in the trash that come before the paper ?: in reverse order, those it
    # comes before.
    # CROSS JOIN keeps the trash the outer loop: each of its papers is found by id, where
    # SQLite would otherwise read the papers before the key along the sort's index.
    mine, theirs = ("p", "t") if backwards else ("t", "p")
    ahead = (
        f"SELECT count(*) FROM ({_KEY}) {mine} CROSS JOIN trash x"
        f" CROSS JOIN papers {theirs} ON {theirs}.id = x.paper_id WHERE {BEFORE[sort]}"
    )
    size = limit + 2 * trashed
    start = offset
    window = _ids(conn, order, start, size)
    position = offset
    for _ in range(MOST_STEPS):
        at = position - start
        if at >= len(window):
            if len(window) < size:
                return []  # past the end of the library
            start, window, at = position, _ids(conn, order, position, size), 0
            if not window:
                return []
        before = int(conn.execute(ahead, (window[at],)).fetchone()[0])
        if offset + before == position:
            break
        position = offset + before
    else:
        return None
    rest = window[position - start :]
    held = {
        row[0]
        for row in conn.execute(
            "SELECT paper_id FROM trash WHERE paper_id IN (SELECT value FROM json_each(?))",
            (json.dumps(rest),),
        )
    }
    page = [paper_id for paper_id in rest if paper_id not in held][:limit]
    if len(page) < limit and len(window) == size:
        return None  # the window ends before the page does: read it with SQL
    return page


def _ids(conn: sqlite3.Connection, order: str, offset: int, size: int) -> list[int]:
    rows = conn.execute(
        f"SELECT p.id FROM papers p ORDER BY {order} LIMIT ? OFFSET ?", (size, offset)
    )
    return [row[0] for row in rows]
