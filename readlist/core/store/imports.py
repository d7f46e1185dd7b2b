"""The store's import side: what an import reads and writes, inside the write
transaction Store.transaction() opens. Only readlist.core.ingest calls it, as
`store.imports`; it is part of the store so that all SQL stays in the store."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence

from readlist.core.errors import UnknownPaperError
from readlist.core.models import NewPaper, NewSighting, PaperMeta
from readlist.core.store import meta_columns, schema

# field -> (dump id, ISO date of the listing) that gave a paper's field its value
MetaSources = Mapping[str, tuple[int, str]]


def _sources_json(sources: MetaSources | None) -> str | None:
    return json.dumps({k: list(v) for k, v in sources.items()}) if sources else None


# A blocking key's lookup returns its newest holders, this many at most: each paper
# meets a bounded number of candidates however many share a key, and a key that fills
# its block is dense (see readlist.core.ingest.dedupe.shortlist).
CANDIDATES_PER_KEY = 8
# Staged blocking keys (about 20,000 papers' worth, a few hundred pages) merged at once.
RECENT_KEYS_CAP = 100_000


def next_id(conn: sqlite3.Connection, table: str, kind: str) -> int:
    """One past the largest id `table` holds or ever held (migrations: high_water)."""
    row = conn.execute(
        f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0),"
        f" (SELECT {kind} FROM high_water WHERE id = 1)) + 1"
    ).fetchone()
    return int(row[0])


class ImportWrites:
    """An import's reads and writes on one store's connection (`Store.imports`); the
    writes go inside Store.transaction(), which adds the papers they insert to the
    full-text index as it commits."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._unindexed_from: int | None = None  # first paper id not yet in papers_fts

    def drop_unindexed(self) -> None:
        """The transaction rolled back: the papers it inserted are gone."""
        self._unindexed_from = None

    def index_new_papers(self) -> None:
        """Add the papers this transaction inserted to the full-text index, in one go.

        We hold the write lock, so every id from the first new one up is ours.
        """
        if self._unindexed_from is None:
            return
        self.conn.execute(
            """INSERT INTO papers_fts (rowid, title, abstract, note)
               SELECT id, title, abstract, '' FROM papers WHERE id >= ?""",
            (self._unindexed_from,),
        )
        self.conn.execute(
            """INSERT INTO authors_fts (rowid, authors)
               SELECT id, authors FROM papers WHERE id >= ? AND authors IS NOT NULL""",
            (self._unindexed_from,),
        )
        self._unindexed_from = None

    def dump_imported(self, sha256: str) -> bool:
        """Whether the dump is in the library whole (not one left unfinished)."""
        row = self.conn.execute(
            "SELECT 1 FROM dumps WHERE sha256 = ? AND written IS NULL", (sha256,)
        ).fetchone()
        return row is not None

    def unfinished_dump(self, sha256: str) -> tuple[int, int] | None:
        """A dump whose first parts are written and the rest not (an import stopped
        between them): its id and how many of its listings are written."""
        row = self.conn.execute(
            "SELECT id, written FROM dumps WHERE sha256 = ? AND written IS NOT NULL", (sha256,)
        ).fetchone()
        return None if row is None else (int(row[0]), int(row[1]))

    def add_dump(
        self, sha256: str, source: str, papers: int, imported_at: str, *, written: int | None = None
    ) -> int:
        """A dump's row: `written` listings of its `papers` so far, or None once whole."""
        dump_id = self.next_dump_id()
        self.conn.execute(
            """INSERT INTO dumps (id, sha256, source, imported_at, papers, written)
               VALUES (?, ?, ?, ?, ?, ?)""",
            (dump_id, sha256, source, imported_at, papers, written),
        )
        return dump_id

    def dump_written(self, dump_id: int, written: int | None) -> None:
        """A further part of an unfinished dump is written: how far it now goes (None:
        whole)."""
        self.conn.execute("UPDATE dumps SET written = ? WHERE id = ?", (written, dump_id))

    def candidates(self, keys: Iterable[int]) -> dict[int, list[tuple[int, str]]]:
        """For each blocking key, the papers holding it, most recent first and a few at
        most, with their match titles: a query per key table for a whole part's keys.
        The titles come from the narrow papers_match index (see migrations.SCHEMA_V2)."""
        wanted = json.dumps(sorted(set(keys)))
        found: dict[int, list[tuple[int, str]]] = {}
        unsorted: set[int] = set()
        for table in ("dedupe_keys_recent", "dedupe_keys"):
            rows = self.conn.execute(
                f"""SELECT j.value, p.id, p.match_title
                    FROM json_each(?) j
                    JOIN {table} k ON k.key = j.value AND k.paper_id IN (
                        SELECT paper_id FROM {table} WHERE key = j.value
                        ORDER BY paper_id DESC LIMIT ?)
                    JOIN papers p INDEXED BY papers_match ON p.id = k.paper_id
                    ORDER BY j.value, p.id DESC""",
                (wanted, CANDIDATES_PER_KEY),
            )
            for key, paper_id, match_title in rows:
                held = found.get(key)
                if held is None:
                    found[key] = [(paper_id, match_title)]
                else:
                    if held[-1][0] < paper_id:
                        unsorted.add(key)
                    held.append((paper_id, match_title))
                    if len(held) > CANDIDATES_PER_KEY and key not in unsorted:
                        held.pop()  # the oldest: each table's rows come newest first
        # A key is staged or merged, never both; but a paper's abstract keys are staged
        # when a later dump fills its abstract, so the two tables' ids can interleave.
        for key in unsorted:
            found[key] = sorted(found[key], reverse=True)[:CANDIDATES_PER_KEY]
        return found

    def texts(self, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
        """Title and abstract of each paper asked for."""
        rows = self.conn.execute(
            "SELECT id, title, abstract FROM papers WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(sorted(set(ids))),),
        )
        return {row[0]: (row[1], row[2]) for row in rows}

    def next_paper_id(self) -> int:
        """The id the next new paper gets (inside the import's write transaction): one
        past every id given so far, those of papers merged or emptied from the trash too."""
        return next_id(self.conn, "papers", "paper")

    def next_dump_id(self) -> int:
        """The id the next dump gets: one past every id given so far (see next_paper_id)."""
        return next_id(self.conn, "dumps", "dump")

    def abstract(self, paper_id: int) -> str:
        row = self.conn.execute("SELECT abstract FROM papers WHERE id = ?", (paper_id,)).fetchone()
        if row is None:
            raise UnknownPaperError(f"no paper with id {paper_id}")
        return str(row[0])

    def add_papers(
        self, papers: Sequence[NewPaper], sources: Mapping[int, MetaSources] | None = None
    ) -> None:
        """New papers under the ids given (from next_paper_id), all in one statement; a
        paper's identity (NewPaper.meta) with where each field came from (`sources`, by
        paper id)."""
        if not papers:
            return
        added_at = schema.now()
        sources = sources or {}
        self.conn.executemany(
            f"""INSERT INTO papers
               (id, title, abstract, match_title, first_seen, last_seen, times_seen, added_at,
                {meta_columns.NAMES}, meta_from)
               VALUES (?, ?, ?, ?, ?, ?, 1, ?, {meta_columns.SLOTS}, ?)""",
            [
                (
                    p.id,
                    p.title,
                    p.abstract,
                    p.match_title,
                    p.seen_on,
                    p.seen_on,
                    added_at,
                    *meta_columns.values_of(p.meta),
                    _sources_json(sources.get(p.id)),
                )
                for p in papers
            ],
        )
        first = min(p.id for p in papers)
        if self._unindexed_from is None or first < self._unindexed_from:
            self._unindexed_from = first

    def papers_by_arxiv_id(self, arxiv_ids: Iterable[str]) -> dict[str, int]:
        """The papers holding each arXiv id asked for (one each: the id is unique)."""
        rows = self.conn.execute(
            """SELECT arxiv_id, id FROM papers
               WHERE arxiv_id IN (SELECT value FROM json_each(?))""",
            (json.dumps(sorted(set(arxiv_ids))),),
        )
        return {row[0]: row[1] for row in rows}

    def arxiv_ids(self, paper_ids: Iterable[int]) -> dict[int, str]:
        """The arXiv id of each paper asked for that has one."""
        rows = self.conn.execute(
            """SELECT id, arxiv_id FROM papers
               WHERE id IN (SELECT value FROM json_each(?)) AND arxiv_id IS NOT NULL""",
            (json.dumps(sorted(set(paper_ids))),),
        )
        return {row[0]: row[1] for row in rows}

    def metas(self, paper_ids: Iterable[int]) -> dict[int, tuple[PaperMeta, MetaSources]]:
        """Each paper's identity and where its fields came from."""
        rows = self.conn.execute(
            f"""SELECT id, {meta_columns.NAMES}, meta_from FROM papers
                WHERE id IN (SELECT value FROM json_each(?))""",
            (json.dumps(sorted(set(paper_ids))),),
        )
        found: dict[int, tuple[PaperMeta, MetaSources]] = {}
        for row in rows:
            meta = meta_columns.meta_of(row[1:-1])
            came = json.loads(row[-1]) if row[-1] else {}
            found[row[0]] = (meta, {k: (int(v[0]), str(v[1])) for k, v in came.items()})
        return found

    def set_metas(self, metas: Iterable[tuple[int, PaperMeta, MetaSources]]) -> None:
        """Papers' identities brought up to date (ingest.identity.combine made them)."""
        self.index_new_papers()  # the authors trigger expects the paper in the index
        assignments = ", ".join(f"{name} = ?" for name in meta_columns.COLUMNS)
        self.conn.executemany(
            f"UPDATE papers SET {assignments}, meta_from = ? WHERE id = ?",
            [
                (*meta_columns.values_of(meta), _sources_json(sources), paper_id)
                for paper_id, meta, sources in metas
            ],
        )

    def add_keys(self, keys: Iterable[tuple[int, int]]) -> None:
        """(blocking key, paper id) pairs, staged in the small table (see merge_keys)."""
        self.conn.executemany(
            "INSERT OR IGNORE INTO dedupe_keys_recent (key, paper_id) VALUES (?, ?)", keys
        )

    def recent_keys(self) -> int:
        """How many blocking keys are staged, waiting for merge_keys."""
        return int(self.conn.execute("SELECT count(*) FROM dedupe_keys_recent").fetchone()[0])

    def merge_keys(self) -> int:
        """Move the staged blocking keys into dedupe_keys in key order, inside the
        caller's write transaction: the pass visits each leaf page of the big index once,
        in order, where the same keys written one by one would each dirty a page of their
        own. Lookups read both tables, so the candidates found are the same before and
        after. Returns how many keys moved."""
        if not self.conn.in_transaction:
            raise RuntimeError("merge_keys runs inside a write transaction")
        moved = self.recent_keys()
        self.conn.execute(
            """INSERT OR IGNORE INTO dedupe_keys (key, paper_id)
               SELECT key, paper_id FROM dedupe_keys_recent ORDER BY key, paper_id"""
        )
        self.conn.execute("DELETE FROM dedupe_keys_recent")
        return moved

    def add_sightings(self, sightings: Sequence[NewSighting]) -> None:
        """A dump's listings of papers, one row each. A paper seen before has its first
        and last days brought up to date, and its count of dumps once a dump (at the
        dump's first listing of it: another in the same dump, or in an earlier part of
        it, leaves the count); one seen by no dump (its only dump removed) takes the
        listing's day as both. A paper a removed dump put in the trash comes back once a
        dump lists it again; one the user deleted stays there (store/trash.py)."""
        self.conn.executemany(
            """INSERT INTO sightings
               (paper_id, dump_id, listing, date_line, seen_on, match, title, abstract, record)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)""",
            [
                (
                    s.paper_id,
                    s.dump_id,
                    s.listing,
                    s.date_line,
                    s.seen_on,
                    s.match,
                    s.title,
                    s.abstract,
                    s.record,
                )
                for s in sightings
            ],
        )
        self.conn.executemany(
            """UPDATE papers SET times_seen = times_seen + NOT EXISTS (
                       SELECT 1 FROM sightings
                       WHERE paper_id = ?1 AND dump_id = ?2 AND listing < ?3),
                   first_seen = iif(times_seen = 0, ?4, min(first_seen, ?4)),
                   last_seen = iif(times_seen = 0, ?4, max(last_seen, ?4))
               WHERE id = ?1""",
            [(s.paper_id, s.dump_id, s.listing, s.seen_on) for s in sightings if s.match != "new"],
        )
        self.conn.execute(
            """DELETE FROM trash WHERE by_dump IS NOT NULL
               AND paper_id IN (SELECT value FROM json_each(?))""",
            (json.dumps(sorted({s.paper_id for s in sightings if s.match != "new"})),),
        )

    def fill_abstract(self, paper_id: int, abstract: str) -> None:
        """Give a paper imported without an abstract the one a later dump has."""
        self.index_new_papers()  # the update trigger expects the paper in the index
        self.conn.execute(
            "UPDATE papers SET abstract = ? WHERE id = ? AND abstract = ''", (abstract, paper_id)
        )

    def add_reviews(self, reviews: Iterable[tuple[int, int, float, float, str]]) -> None:
        """(paper id, other id, title score, abstract score, reason) pairs to look at,
        less those the user kept apart (care.keep_apart): they never come back."""
        created_at = schema.now()
        self.conn.executemany(
            """INSERT OR IGNORE INTO review
               (paper_id, other_id, title_score, abstract_score, reason, created_at)
               SELECT ?1, ?2, ?3, ?4, ?5, ?6 WHERE NOT EXISTS (
                   SELECT 1 FROM kept_apart
                   WHERE paper_id = min(?1, ?2) AND other_id = max(?1, ?2))""",
            [(*review, created_at) for review in reviews],
        )
