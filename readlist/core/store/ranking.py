"""The ranker's reads and writes (readlist.core.rank): papers' terms, the user's
decisions it learns from, and triage skips. Part of the store (see connection.py), so
all SQL stays in the store. Nothing here imports numpy: the store is on `readlist
list`'s path, and terms travel as the bytes paper_terms holds.

A skip is the user's own (every write moves the change counter: migrations.SCHEMA_V8);
terms, and the last model learned (rank_model), are derived from the library and kept
for the next ranking, so writing them is no user's change."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import NamedTuple

from readlist.core.query import Query
from readlist.core.store import schema
from readlist.core.store.search import SORTS, plain_where

_CHUNK = 500  # ids a statement (SQLite takes up to 32766 parameters)
_STREAM_CHUNK = 2000  # rows a ranking reads of a query at a time (as rank.READ_CHUNK)


class PaperDecision(NamedTuple):
    """What the user did with a paper out of the trash, as the ranker reads it: starred,
    read, noted or tagged (`kept`), skipped in triage (`skips`, how often), and when
    last (`at`, an ISO timestamp; "" when not known)."""

    paper_id: int
    starred: bool
    read: bool
    kept: bool
    skips: int
    at: str


class PaperText(NamedTuple):
    """The text a paper's terms are made from; `authors` as the papers table holds them
    (a JSON array, or None)."""

    paper_id: int
    title: str
    abstract: str
    authors: str | None


# A paper as a ranking reads it: its id and its terms as made by the rules asked for
# (None when they are missing or were made by other rules). Plain rows: a ranking reads
# a million.
RankRow = tuple[int, bytes | None]


def _slots(count: int) -> str:
    return ", ".join("?" * count)


class RankStore:
    """Store's reads and writes for the ranker."""

    conn: sqlite3.Connection

    def transaction(self) -> AbstractContextManager[None]:  # Store's
        raise NotImplementedError

    def require_papers(self, ids: Iterable[int]) -> list[int]:  # TrashCare's
        raise NotImplementedError

    def rank_rows(self, ids: Sequence[int], made_by: int) -> list[RankRow]:
        """The papers of `ids` still in the library, in no particular order."""
        found: list[RankRow] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            rows = self.conn.execute(
                f"""SELECT p.id, CASE WHEN t.made_by = ? THEN t.terms END
                    FROM papers p LEFT JOIN paper_terms t ON t.paper_id = p.id
                    WHERE p.id IN ({_slots(len(chunk))})""",
                [made_by, *chunk],
            )
            found.extend(rows)
        return found

    def iter_rank_rows(self, query: Query, made_by: int) -> Iterator[list[RankRow]]:
        """The papers a query matches, as rank_rows reads them, in id order (the papers'
        and their terms' own order: each row is a step along both, where the listing
        order would cost a lookup in each), a few thousand at a time: one statement."""
        where = plain_where(self.conn, query)
        cursor = self.conn.execute(
            f"""SELECT p.id, CASE WHEN t.made_by = ? THEN t.terms END
                FROM papers p LEFT JOIN paper_terms t ON t.paper_id = p.id{where.sql}
                ORDER BY p.id""",
            [made_by, *where.params],
        )
        while rows := cursor.fetchmany(_STREAM_CHUNK):
            yield rows

    def decided_ids(self) -> list[int]:
        """The papers the user read or starred (decided: a ranking puts them last)."""
        rows = self.conn.execute("SELECT paper_id FROM state WHERE read = 1 OR starred = 1")
        return [row[0] for row in rows]

    def in_listing_order(self, ids: Sequence[int]) -> list[int]:
        """The papers of `ids` still in the library, in the default listing order (latest
        first, as iter_ids gives a query's): a ranking breaks its ties by it. One
        statement, however many: the order is over all of them at once."""
        rows = self.conn.execute(
            f"""SELECT p.id FROM papers p WHERE p.id IN (SELECT value FROM json_each(?))
                ORDER BY {SORTS["latest"]}""",
            (json.dumps([int(paper_id) for paper_id in ids]),),
        )
        return [row[0] for row in rows]

    def missing_terms(self, ids: Sequence[int], made_by: int) -> list[int]:
        """Those of `ids` still in the library with no terms made by the rules asked for."""
        found: list[int] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            rows = self.conn.execute(
                f"""SELECT p.id FROM papers p LEFT JOIN paper_terms t ON t.paper_id = p.id
                    WHERE p.id IN ({_slots(len(chunk))}) AND t.made_by IS NOT ?""",
                [*chunk, made_by],
            )
            found.extend(row[0] for row in rows)
        return found

    def paper_texts(self, ids: Sequence[int]) -> list[PaperText]:
        """The title, abstract and authors of the papers of `ids` still in the library."""
        found: list[PaperText] = []
        for start in range(0, len(ids), _CHUNK):
            chunk = list(ids[start : start + _CHUNK])
            rows = self.conn.execute(
                f"SELECT id, title, abstract, authors FROM papers"
                f" WHERE id IN ({_slots(len(chunk))})",
                chunk,
            )
            found.extend(PaperText(*row) for row in rows)
        return found

    def keep_terms(self, terms: Iterable[tuple[int, bytes]], made_by: int) -> bool:
        """Keep papers' terms, in one write transaction; a paper gone meanwhile gets none.
        False when the library will not take them (read-only, or locked past
        busy_timeout): terms are only a saving, so the ranking goes on with its own."""
        try:
            with self.transaction():
                self.conn.executemany(
                    """INSERT OR REPLACE INTO paper_terms (paper_id, terms, made_by)
                       SELECT ?1, ?2, ?3 WHERE EXISTS (SELECT 1 FROM papers WHERE id = ?1)""",
                    ((paper_id, blob, made_by) for paper_id, blob in terms),
                )
        except sqlite3.OperationalError:
            return False
        return True

    def decisions(self) -> Iterator[PaperDecision]:
        """Every paper out of the trash the user starred, read, noted, tagged or skipped,
        one at a time (a library of a million holds most of them: not as a list)."""
        rows = self.conn.execute(
            """WITH decided (id) AS (
                   SELECT paper_id FROM state WHERE starred = 1 OR read = 1 OR note != ''
                   UNION SELECT paper_id FROM tags
                   UNION SELECT paper_id FROM skips)
               SELECT d.id, coalesce(s.starred, 0), coalesce(s.read, 0),
                   coalesce(s.note, '') != ''
                       OR EXISTS (SELECT 1 FROM tags g WHERE g.paper_id = d.id),
                   coalesce(k.times, 0),
                   max(coalesce(s.read_at, ''), coalesce(s.starred_at, ''),
                       coalesce(k.skipped_at, ''))
               FROM decided d LEFT JOIN state s ON s.paper_id = d.id
               LEFT JOIN skips k ON k.paper_id = d.id
               WHERE d.id NOT IN (SELECT paper_id FROM trash)
               ORDER BY d.id"""
        )
        for row in rows:
            yield PaperDecision(row[0], bool(row[1]), bool(row[2]), bool(row[3]), row[4], row[5])

    def record_skip(self, paper_id: int) -> None:
        """The user passed a paper over in triage: one more skip, as of now."""
        with self.transaction():
            self.require_papers([paper_id])
            self.conn.execute(
                """INSERT INTO skips (paper_id, times, skipped_at) VALUES (?, 1, ?)
                   ON CONFLICT (paper_id) DO UPDATE
                   SET times = times + 1, skipped_at = excluded.skipped_at""",
                (paper_id, schema.now()),
            )

    def forget_skip(self, paper_id: int) -> None:
        """Undo one skip: one fewer, and none left once the last is undone. Nothing to
        undo for a paper never skipped (or gone) is no error: an undo may come late."""
        with self.transaction():
            self.conn.execute(
                "UPDATE skips SET times = times - 1 WHERE paper_id = ? AND times > 1", (paper_id,)
            )
            if self.conn.execute("SELECT changes()").fetchone()[0] == 0:
                self.conn.execute("DELETE FROM skips WHERE paper_id = ?", (paper_id,))

    def kept_model(self, learned_for: str) -> bytes | None:
        """The ranker's model as keep_model kept it, if learned for `learned_for`."""
        row = self.conn.execute(
            "SELECT model FROM rank_model WHERE id = 1 AND learned_for = ?", (learned_for,)
        ).fetchone()
        return bytes(row[0]) if row is not None else None

    def keep_model(self, learned_for: str, model: bytes) -> None:
        """Keep the ranker's last model (one, replacing any other), and what it was learned
        for: derived from the library, so writing it is no user's change."""
        with self.transaction():
            self.conn.execute(
                "INSERT OR REPLACE INTO rank_model (id, learned_for, model) VALUES (1, ?, ?)",
                (learned_for, model),
            )

    def highest_paper_id(self) -> int:
        """The highest id a paper in the library has (0 for none)."""
        return int(self.conn.execute("SELECT coalesce(max(id), 0) FROM papers").fetchone()[0])

    def skips(self, paper_id: int) -> int:
        """How often the user skipped a paper (0 for never)."""
        row = self.conn.execute(
            "SELECT times FROM skips WHERE paper_id = ?", (paper_id,)
        ).fetchone()
        return int(row[0]) if row is not None else 0
