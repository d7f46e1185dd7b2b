"""The store's reads for merging duplicates: a paper read whole (its row, state and every
row it owns) as a merge record keeps it, the merges recorded into or of a paper, and the
pairs open for review. They change nothing, so they stand apart from merges.py, the writes
that move what a paper owns: care.merge reads with them to decide what to write and to
record what a split puts back, and `readlist dupes` and the review screen list the pairs.
Part of the store (see connection.py)."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from readlist.core.models import DuplicateCandidate
from readlist.core.store.imports import next_id

# A row `r` of review still open: not kept apart, neither paper in the trash (the pairs
# the review offers and `stats` counts).
OPEN_PAIR = """NOT EXISTS (SELECT 1 FROM kept_apart k
                       WHERE k.paper_id = min(r.paper_id, r.other_id)
                         AND k.other_id = max(r.paper_id, r.other_id))
                 AND NOT EXISTS (SELECT 1 FROM trash t
                       WHERE t.paper_id IN (r.paper_id, r.other_id))"""

# A row of a table as a dict of column -> value, as the merge record keeps it.
RowDict = dict[str, Any]

# The tables of a paper's blocking keys (dedupe finds a listing's candidates by them).
KEY_TABLES = ("dedupe_keys", "dedupe_keys_recent")


def _rows(conn: sqlite3.Connection, sql: str, params: tuple[Any, ...] = ()) -> list[RowDict]:
    cursor = conn.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


class MergeReads:
    """Store's merge reads: what a paper owns, the merges recorded, the open pairs."""

    conn: sqlite3.Connection

    # -- reading a paper whole ------------------------------------------------------

    def paper_row(self, paper_id: int) -> RowDict | None:
        found = _rows(self.conn, "SELECT * FROM papers WHERE id = ?", (paper_id,))
        return found[0] if found else None

    def state_row(self, paper_id: int) -> RowDict | None:
        found = _rows(
            self.conn,
            "SELECT read, starred, note, read_at, starred_at, note_at FROM state"
            " WHERE paper_id = ?",
            (paper_id,),
        )
        return found[0] if found else None

    def skip_row(self, paper_id: int) -> RowDict | None:
        """The paper's triage skips (times, skipped_at), None when never skipped."""
        found = _rows(
            self.conn, "SELECT times, skipped_at FROM skips WHERE paper_id = ?", (paper_id,)
        )
        return found[0] if found else None

    def owned_rows(self, paper_id: int) -> RowDict:
        """Everything a paper owns beside its row and state, as a merge record keeps it."""
        conn = self.conn
        return {
            "sightings": _rows(
                conn,
                "SELECT dump_id, listing, title, abstract FROM sightings WHERE paper_id = ?",
                (paper_id,),
            ),
            "keys": {
                table: [
                    r[0]
                    for r in conn.execute(
                        f"SELECT key FROM {table} WHERE paper_id = ?", (paper_id,)
                    )
                ]
                for table in KEY_TABLES
            },
            "reviews": _rows(
                conn,
                "SELECT * FROM review WHERE paper_id = ?1 OR other_id = ?1",
                (paper_id,),
            ),
            "kept_apart": _rows(
                conn,
                "SELECT * FROM kept_apart WHERE paper_id = ?1 OR other_id = ?1",
                (paper_id,),
            ),
            "tags": _rows(conn, "SELECT tag, tagged_at FROM tags WHERE paper_id = ?", (paper_id,)),
            "trash": _rows(
                conn, "SELECT deleted_at, by_dump FROM trash WHERE paper_id = ?", (paper_id,)
            ),
            "skips": self.skip_row(paper_id),
        }

    def tag_stamps(self, paper_id: int) -> dict[str, str]:
        """tag -> tagged_at, keyed by the tag folded (tags are one name whatever the case)."""
        rows = self.conn.execute("SELECT tag, tagged_at FROM tags WHERE paper_id = ?", (paper_id,))
        return {str(tag).casefold(): str(at) for tag, at in rows}

    def arxiv_holder(self, arxiv_id: str) -> int | None:
        row = self.conn.execute("SELECT id FROM papers WHERE arxiv_id = ?", (arxiv_id,)).fetchone()
        return None if row is None else int(row[0])

    def free_paper_id(self) -> int:
        return next_id(self.conn, "papers", "paper")

    # -- the merges recorded ------------------------------------------------------------

    def merges_into(self, paper_id: int) -> list[tuple[int, int, int, RowDict]]:
        """The merges into the paper, newest first: (merge id, kept id, merged id,
        record). Those recorded before the paper itself was merged away belong to it
        while gone (`paper_id` may since name another paper) and are left out."""
        rows = self.conn.execute(
            """SELECT id, kept_id, merged_id, record FROM merges m WHERE kept_id = ?1
               AND NOT EXISTS (SELECT 1 FROM merges g WHERE g.merged_id = ?1 AND g.id > m.id)
               ORDER BY id DESC""",
            (paper_id,),
        )
        return [(int(i), int(k), int(m), json.loads(r)) for i, k, m, r in rows]

    def merge_of(self, kept_id: int | None, merged_id: int) -> tuple[int, int, int, RowDict] | None:
        """The newest merge of `merged_id` (into `kept_id`, when given)."""
        row = self.conn.execute(
            """SELECT id, kept_id, merged_id, record FROM merges
               WHERE merged_id = ?2 AND (?1 IS NULL OR kept_id = ?1) ORDER BY id DESC LIMIT 1""",
            (kept_id, merged_id),
        ).fetchone()
        if row is None:
            return None
        return int(row[0]), int(row[1]), int(row[2]), json.loads(row[3])

    # -- pairs ------------------------------------------------------------------------

    def open_pairs(self) -> list[DuplicateCandidate]:
        """The pairs dedupe held back for review, less those kept apart and those with a
        paper in the trash."""
        rows = self.conn.execute(
            f"""SELECT r.paper_id, r.other_id, a.title, b.title,
                      r.title_score, r.abstract_score, r.reason
               FROM review r JOIN papers a ON a.id = r.paper_id JOIN papers b ON b.id = r.other_id
               WHERE {OPEN_PAIR}
               ORDER BY r.paper_id, r.other_id"""
        )
        return [DuplicateCandidate(*row) for row in rows]
