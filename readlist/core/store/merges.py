"""The store's writes for merging duplicates: moving what a paper owns to another paper
and back, a paper leaving and coming back, the merges recorded and the pairs kept apart.
Part of the store (see connection.py); readlist.core.care.merge decides what to write
(reading through merge_reads.py) and calls these inside one Store.transaction(), so that a
merge or a split is all there or not at all.

A paper's rows live in papers, state, sightings, the dedupe keys, review, kept_apart,
tags and trash, and in both full-text indexes, which are external content: a paper
leaving or coming back is taken out of them, or put in, here, with the exact values
they index."""

from __future__ import annotations

import json
import sqlite3

from readlist.core.store import schema
from readlist.core.store.merge_reads import KEY_TABLES, RowDict

PAPER_FIELDS_FILLED = (
    "abstract",
    "arxiv_id",
    "version",
    "authors",
    "published",
    "upvotes",
    "comments",
    "github",
    "project_page",
    "withdrawn",
    "doi",
    "url",
    "primary_class",
)


class MergeWrites:
    """Store's merge writes; they go inside Store.transaction()."""

    conn: sqlite3.Connection

    # -- moving what a paper owns ----------------------------------------------------

    def move_sightings(
        self, from_id: int, to_id: int, title: str | None, abstract: str | None
    ) -> None:
        """Every listing of `from_id` becomes `to_id`'s; one that spelled the paper as
        `from_id` holds it (no variant of its own) keeps that spelling as its variant,
        `title` / `abstract` (None where it is `to_id`'s own)."""
        self.conn.execute(
            """UPDATE sightings SET paper_id = ?2, title = coalesce(title, ?3),
                   abstract = coalesce(abstract, ?4)
               WHERE paper_id = ?1""",
            (from_id, to_id, title, abstract),
        )

    def put_back_sightings(self, from_id: int, to_id: int, sightings: list[RowDict]) -> None:
        """The listings a merge moved go back to `to_id` as they were (those still there:
        a dump removed since takes its listings with it)."""
        self.conn.executemany(
            """UPDATE sightings SET paper_id = ?, title = ?, abstract = ?
               WHERE paper_id = ? AND dump_id = ? AND listing = ?""",
            [
                (to_id, s["title"], s["abstract"], from_id, s["dump_id"], s["listing"])
                for s in sightings
            ],
        )

    def move_keys(self, from_id: int, to_id: int) -> list[int]:
        """`from_id`'s blocking keys become `to_id`'s, so that a later listing of either
        paper's title finds `to_id`. Returns the keys `to_id` did not hold before."""
        added: list[int] = []
        for table in KEY_TABLES:
            for (key,) in self.conn.execute(
                f"""SELECT key FROM {table} k WHERE paper_id = ?1 AND NOT EXISTS (
                        SELECT 1 FROM dedupe_keys WHERE key = k.key AND paper_id = ?2)
                    AND NOT EXISTS (
                        SELECT 1 FROM dedupe_keys_recent WHERE key = k.key AND paper_id = ?2)""",
                (from_id, to_id),
            ).fetchall():
                added.append(int(key))
            self.conn.execute(f"DELETE FROM {table} WHERE paper_id = ?", (from_id,))
        self.conn.executemany(
            "INSERT OR IGNORE INTO dedupe_keys_recent (key, paper_id) VALUES (?, ?)",
            [(key, to_id) for key in added],
        )
        return added

    def put_back_keys(self, from_id: int, to_id: int, added: list[int], keys: list[int]) -> None:
        """Undo move_keys: `from_id` loses the keys it gained, `to_id` gets its own back."""
        for table in KEY_TABLES:
            self.conn.executemany(
                f"DELETE FROM {table} WHERE key = ? AND paper_id = ?",
                [(key, from_id) for key in added],
            )
        self.conn.executemany(
            "INSERT OR IGNORE INTO dedupe_keys_recent (key, paper_id) VALUES (?, ?)",
            [(key, to_id) for key in keys],
        )

    def add_tags(self, paper_id: int, tags: list[RowDict]) -> None:
        self.conn.executemany(
            "INSERT OR IGNORE INTO tags (paper_id, tag, tagged_at) VALUES (?, ?, ?)",
            [(paper_id, t["tag"], t["tagged_at"]) for t in tags],
        )

    def drop_tags(self, paper_id: int, tags: list[RowDict]) -> None:
        """Take off the tags given, each only if still as given (the same tagged_at): a tag
        the user has put on again since is theirs."""
        self.conn.executemany(
            "DELETE FROM tags WHERE paper_id = ? AND tag = ? AND tagged_at = ?",
            [(paper_id, t["tag"], t["tagged_at"]) for t in tags],
        )

    def add_pairs(
        self, reviews: list[RowDict], kept_apart: list[RowDict]
    ) -> tuple[list[RowDict], list[RowDict]]:
        """Review and kept-apart rows, each written unless the pair is there already (in
        either order) or kept apart; returns those written."""
        written_reviews: list[RowDict] = []
        for r in reviews:
            a, b = r["paper_id"], r["other_id"]
            if a == b or self._has_pair(a, b):
                continue
            self.conn.execute(
                """INSERT INTO review
                   (paper_id, other_id, title_score, abstract_score, reason, created_at)
                   VALUES (?, ?, ?, ?, ?, ?)""",
                (a, b, r["title_score"], r["abstract_score"], r["reason"], r["created_at"]),
            )
            written_reviews.append(r)
        written_apart: list[RowDict] = []
        for r in kept_apart:
            a, b = sorted((r["paper_id"], r["other_id"]))
            if a == b:
                continue
            cursor = self.conn.execute(
                "INSERT OR IGNORE INTO kept_apart (paper_id, other_id, kept_at) VALUES (?, ?, ?)",
                (a, b, r["kept_at"]),
            )
            if cursor.rowcount:
                written_apart.append({"paper_id": a, "other_id": b, "kept_at": r["kept_at"]})
        return written_reviews, written_apart

    def _has_pair(self, a: int, b: int) -> bool:
        return (
            self.conn.execute(
                """SELECT 1 FROM review WHERE (paper_id = ?1 AND other_id = ?2)
                       OR (paper_id = ?2 AND other_id = ?1)
                   UNION ALL SELECT 1 FROM kept_apart WHERE paper_id = min(?1, ?2)
                       AND other_id = max(?1, ?2)""",
                (a, b),
            ).fetchone()
            is not None
        )

    def drop_pairs(self, reviews: list[RowDict], kept_apart: list[RowDict]) -> None:
        self.conn.executemany(
            "DELETE FROM review WHERE paper_id = ? AND other_id = ?",
            [(r["paper_id"], r["other_id"]) for r in reviews],
        )
        self.conn.executemany(
            "DELETE FROM kept_apart WHERE paper_id = ? AND other_id = ?",
            [(r["paper_id"], r["other_id"]) for r in kept_apart],
        )

    def drop_pairs_of(self, paper_id: int) -> None:
        """Every review and kept-apart row naming the paper."""
        self.conn.execute("DELETE FROM review WHERE paper_id = ?1 OR other_id = ?1", (paper_id,))
        self.conn.execute(
            "DELETE FROM kept_apart WHERE paper_id = ?1 OR other_id = ?1", (paper_id,)
        )

    # -- a paper leaving and coming back ----------------------------------------------

    def remove_paper(self, paper_id: int) -> None:
        """Delete the paper's row, its state, tags and trash row (its skips and terms go
        with the row: migrations.SCHEMA_V8), and take it out of both full-text indexes
        with the values they hold for it. Its sightings, keys and pairs
        must have gone (moved) first."""
        conn = self.conn
        conn.execute(
            """INSERT INTO papers_fts (papers_fts, rowid, title, abstract, note)
               SELECT 'delete', p.id, p.title, p.abstract, coalesce(s.note, '')
               FROM papers p LEFT JOIN state s ON s.paper_id = p.id WHERE p.id = ?""",
            (paper_id,),
        )
        conn.execute(
            """INSERT INTO authors_fts (authors_fts, rowid, authors)
               SELECT 'delete', id, authors FROM papers WHERE id = ? AND authors IS NOT NULL""",
            (paper_id,),
        )
        for table in ("state", "tags", "trash"):
            conn.execute(f"DELETE FROM {table} WHERE paper_id = ?", (paper_id,))
        conn.execute("DELETE FROM papers WHERE id = ?", (paper_id,))

    def restore_paper(self, paper: RowDict, state: RowDict | None, owned: RowDict) -> None:
        """A paper removed by remove_paper written back (under paper["id"]), in both
        full-text indexes, with its state, tags, trash row and skips (`skips`, absent
        from a merge recorded before skips were kept)."""
        conn = self.conn
        names = list(paper)
        conn.execute(
            f"INSERT INTO papers ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [paper[n] for n in names],
        )
        paper_id = paper["id"]
        conn.execute(
            "INSERT INTO papers_fts (rowid, title, abstract, note) VALUES (?, ?, ?, '')",
            (paper_id, paper["title"], paper["abstract"]),
        )
        if paper.get("authors") is not None:
            conn.execute(
                "INSERT INTO authors_fts (rowid, authors) VALUES (?, ?)",
                (paper_id, paper["authors"]),
            )
        if state is not None:  # its trigger puts the note in the index
            self.write_state(paper_id, state)
        self.add_tags(paper_id, owned["tags"])
        conn.executemany(
            "INSERT OR IGNORE INTO trash (paper_id, deleted_at, by_dump) VALUES (?, ?, ?)",
            [(paper_id, t["deleted_at"], t["by_dump"]) for t in owned["trash"]],
        )
        self.write_skips(paper_id, owned.get("skips"))

    def write_state(self, paper_id: int, state: RowDict) -> None:
        """The paper's state row set to `state` (read, starred, note and their times)."""
        self.conn.execute(
            """INSERT INTO state (paper_id, read, starred, note, read_at, starred_at, note_at)
               VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
               ON CONFLICT (paper_id) DO UPDATE SET read = ?2, starred = ?3, note = ?4,
                   read_at = ?5, starred_at = ?6, note_at = ?7""",
            (
                paper_id,
                state["read"],
                state["starred"],
                state["note"],
                state["read_at"],
                state["starred_at"],
                state["note_at"],
            ),
        )

    def write_skips(self, paper_id: int, skips: RowDict | None) -> None:
        """The paper's skips set to `skips` (times, skipped_at); None or no times: none."""
        if skips is None or skips["times"] <= 0:
            self.conn.execute("DELETE FROM skips WHERE paper_id = ?", (paper_id,))
            return
        self.conn.execute(
            """INSERT INTO skips (paper_id, times, skipped_at) VALUES (?1, ?2, ?3)
               ON CONFLICT (paper_id) DO UPDATE SET times = ?2, skipped_at = ?3""",
            (paper_id, skips["times"], skips["skipped_at"]),
        )

    def set_paper_fields(self, paper_id: int, fields: RowDict) -> None:
        """Columns of the paper's row (its triggers keep the full-text indexes)."""
        if fields:
            assignments = ", ".join(f"{name} = ?" for name in fields)
            self.conn.execute(
                f"UPDATE papers SET {assignments} WHERE id = ?", [*fields.values(), paper_id]
            )

    def recount_seen(self, paper_id: int) -> None:
        """The paper's first and last days seen and its count of dumps, from its listings;
        a paper left with none (its dumps removed) is seen 0 times and keeps its days."""
        self.conn.execute(
            """UPDATE papers SET first_seen = coalesce(s.first, first_seen),
                                 last_seen = coalesce(s.last, last_seen), times_seen = s.dumps
               FROM (SELECT min(seen_on) AS first, max(seen_on) AS last,
                            count(DISTINCT dump_id) AS dumps
                     FROM sightings WHERE paper_id = ?1) s
               WHERE id = ?1""",
            (paper_id,),
        )

    # -- the merges recorded ------------------------------------------------------------

    def record_merge(self, kept_id: int, merged_id: int, record: RowDict) -> int:
        cursor = self.conn.execute(
            "INSERT INTO merges (kept_id, merged_id, merged_at, record) VALUES (?, ?, ?, ?)",
            (kept_id, merged_id, schema.now(), json.dumps(record, ensure_ascii=False)),
        )
        return int(cursor.lastrowid or 0)

    def forget_merge(self, merge_id: int, merged_id: int, back_as: int) -> None:
        """The merge is undone: its row goes, and the older merges into the paper it took
        in follow that paper to the id it came back under."""
        self.conn.execute("DELETE FROM merges WHERE id = ?", (merge_id,))
        if back_as != merged_id:
            self.conn.execute(
                "UPDATE merges SET kept_id = ? WHERE kept_id = ? AND id < ?",
                (back_as, merged_id, merge_id),
            )

    # -- pairs ------------------------------------------------------------------------

    def keep_apart_pair(self, a: int, b: int) -> bool:
        """Record that two papers differ; False when already recorded."""
        low, high = sorted((a, b))
        cursor = self.conn.execute(
            "INSERT OR IGNORE INTO kept_apart (paper_id, other_id, kept_at) VALUES (?, ?, ?)",
            (low, high, schema.now()),
        )
        return bool(cursor.rowcount)

    def forget_apart_pair(self, a: int, b: int) -> bool:
        low, high = sorted((a, b))
        cursor = self.conn.execute(
            "DELETE FROM kept_apart WHERE paper_id = ? AND other_id = ?", (low, high)
        )
        return bool(cursor.rowcount)
