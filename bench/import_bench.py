"""Import throughput against the raw SQLite limit, dedupe accuracy, and library size.

    python bench/import_bench.py N [--json]

In one run, on the N-paper library of bench/library.py (built by readlist's own import,
which is timed as it is built) and the same generated dumps:
- the raw limit: a plain sqlite3 executemany of the same rows into a table with the same
  FTS5 index, kept by a per-row trigger, and filled by one FTS 'rebuild' after a bulk
  insert; the faster of the two is the limit. And a plain FTS5 MATCH on it;
- the floor of readlist's own schema: the same rows written into its tables (papers and
  their sort indexes, blocking keys, sightings, full-text index) by plain executemany,
  with no parsing and no dedupe: what the storage alone costs against the raw limit;
- readlist's import: rows per second, its ratio to the limit and to the floor, the
  dedupe's share;
- accuracy: planted near-duplicates merged, look-alikes wrongly merged (must be 0);
- 1,000 fresh papers into an empty library and into the N-paper library, by readlist and
  by the floor's plain writes;
- the library's size on disk and what the indexes take of it.
"""

from __future__ import annotations

import os
import random
import resource
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import harness
from generate import generate
from harness import ms
from library import build_figures, ensure_library

from readlist.core.ingest import import_sources
from readlist.core.ingest.ready import ReadyDump, Row, ready_dump
from readlist.core.store.connection import BULK_CACHE_MIB, BULK_CHECKPOINT_PAGES, Store
from readlist.core.store.imports import RECENT_KEYS_CAP


def rows_of(folder: Path) -> list[Row]:
    """Every listing of the dumps, parsed and fingerprinted (outside any timing)."""
    rows: list[Row] = []
    for path in sorted(folder.glob("*.txt")):
        prepared = ready_dump(path.read_bytes(), path.name, date.today())
        assert isinstance(prepared, ReadyDump), prepared
        rows += prepared.rows
    return rows


RAW_SCHEMA = (
    "CREATE TABLE p (id INTEGER PRIMARY KEY, title TEXT, abstract TEXT);"
    "CREATE VIRTUAL TABLE f USING fts5 (title, abstract, content='p', content_rowid='id',"
    " tokenize='unicode61 remove_diacritics 2');"
)


def raw_baseline(rows: list[Row], db: Path, mode: str) -> float:
    for stale in db.parent.glob(db.name + "*"):
        stale.unlink()
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.executescript(RAW_SCHEMA)
    if mode == "trigger":
        conn.execute(
            "CREATE TRIGGER t AFTER INSERT ON p BEGIN INSERT INTO f (rowid, title, abstract)"
            " VALUES (new.id, new.title, new.abstract); END"
        )
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO p (title, abstract) VALUES (?, ?)", [r[:2] for r in rows])
    if mode == "rebuild":
        conn.execute("INSERT INTO f (f) VALUES ('rebuild')")
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


SIDE_BY_SIDE_ROWS = 100_000


def side_by_side(rows: list[Row], scratch: Path) -> dict[str, float]:
    """What a second core is worth to an import on this machine: the raw limit's writes
    (of the first SIDE_BY_SIDE_ROWS rows) alone, beside the same writes in another
    process, and beside a Python loop in another process. Each: the writes' time beside,
    over alone (median of three). An import whose dedupe ran beside its writes would
    have this to work with."""
    import multiprocessing

    sample = rows[:SIDE_BY_SIDE_ROWS]
    spawn = multiprocessing.get_context("spawn")  # nothing of this process's state
    times: dict[str, list[float]] = {"alone": [], "writes": [], "python": []}
    for turn in range(3):
        db = scratch / f"side-{turn}.db"
        times["alone"].append(raw_baseline(sample, db, "rebuild"))
        for other in ("writes", "python"):
            ready, stop = spawn.Barrier(2), spawn.Event()
            if other == "writes":
                child = spawn.Process(
                    target=_other_writes, args=(sample, scratch / f"other-{turn}.db", ready)
                )
            else:
                child = spawn.Process(target=_spin, args=(ready, stop))
            child.start()
            ready.wait()
            times[other].append(raw_baseline(sample, db, "rebuild"))
            stop.set()
            child.join()
    alone = statistics.median(times["alone"])
    return {
        "side_by_side_alone_s": round(alone, 2),
        "side_by_side_writes_ratio": round(statistics.median(times["writes"]) / alone, 2),
        "side_by_side_python_ratio": round(statistics.median(times["python"]) / alone, 2),
    }


def _other_writes(rows: list[Row], db: Path, ready: Any) -> None:
    ready.wait()
    raw_baseline(rows, db, "rebuild")


def _spin(ready: Any, stop: Any) -> None:
    ready.wait()
    while not stop.is_set():
        sum(range(10_000))


def schema_floor(rows: list[Row], db: Path) -> tuple[float, int]:
    """What readlist's own tables cost to fill with the same rows, with nothing else:
    each listing a new paper (with its three sort indexes), its blocking keys and its
    sighting, by plain executemany, then the full-text index of the new papers, in one
    transaction, and the checkpoint `readlist import` ends with. No parsing, no dedupe,
    no Python per row beyond the tuples. Seconds, and pages written."""
    Store.open(db).close()  # the schema, or the library already there
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(f"PRAGMA cache_size = {-1024 * BULK_CACHE_MIB}")
    conn.execute(f"PRAGMA wal_autocheckpoint = {BULK_CHECKPOINT_PAGES}")
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    dump = conn.execute(
        "INSERT INTO dumps (sha256, source, imported_at, papers) VALUES (?, 'floor', '', ?)",
        (f"floor-{len(rows)}", len(rows)),
    ).lastrowid
    first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM papers").fetchone()[0]
    ids = range(first, first + len(rows))
    conn.executemany(
        """INSERT INTO papers (id, title, abstract, match_title, first_seen, last_seen, added_at)
           VALUES (?, ?, ?, ?, ?, ?, '')""",
        [(i, r[0], r[1], r[4], r[3], r[3]) for i, r in zip(ids, rows, strict=True)],
    )
    conn.executemany(
        "INSERT OR IGNORE INTO dedupe_keys_recent (key, paper_id) VALUES (?, ?)",
        [(k, i) for i, r in zip(ids, rows, strict=True) for k in (*r[5], *r[6])],
    )
    if conn.execute("SELECT count(*) FROM dedupe_keys_recent").fetchone()[0] >= RECENT_KEYS_CAP:
        Store(db, conn).merge_keys()  # as the import does past the cap
    conn.executemany(
        """INSERT INTO sightings (paper_id, dump_id, date_line, seen_on, match)
           VALUES (?, ?, ?, ?, 'new')""",
        [(i, dump, r[2], r[3]) for i, r in zip(ids, rows, strict=True)],
    )
    conn.execute(
        "INSERT INTO papers_fts (rowid, title, abstract, note)"
        " SELECT id, title, abstract, '' FROM papers WHERE id >= ?",
        (first,),
    )
    return _commit(conn, start)


def _commit(conn: sqlite3.Connection, start: float) -> tuple[float, int]:
    """Commit and checkpoint, as `readlist import` ends, and close: seconds since `start`,
    and the pages the commit wrote (log frames, before the checkpoint copies them)."""
    conn.execute("COMMIT")
    _, frames, _ = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed, int(frames)


def at_rest(source: Path, target: Path) -> None:
    """A copy of the library, flushed to disk before anything is timed on it: a fresh
    copy's gigabytes of dirty pages would otherwise be written back inside the first
    checkpoint's fsync, and charged to the import."""
    shutil.copyfile(source, target)
    fd = os.open(target, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


T = TypeVar("T", bound=tuple[Any, ...])  # a result: seconds first
REPEATS = 3  # 1,000 papers take a fraction of a second and this VM is noisy: a median


def _on_copy(start: Path | None, db: Path, run: Callable[[], T]) -> T:
    """`run` on `db`: a flushed copy of the library `start`, or a new library."""
    if start is not None:
        at_rest(start, db)
    try:
        return run()
    finally:
        for path in db.parent.glob(db.name + "*"):
            path.unlink()


def median_of(run: Callable[[Path], T], scratch: Path) -> T:
    """The median of REPEATS runs, each on a library of its own, by seconds (first)."""
    results = sorted(
        (run(scratch / f"repeat-{i}.db") for i in range(REPEATS)),
        key=lambda r: float(r[0]),
    )
    return results[len(results) // 2]


def key_merge(library: Path, target: Path) -> dict[str, float]:
    """What a merge of a full stage of blocking keys costs at this size: RECENT_KEYS_CAP
    keys (distinct random ones, like the hashes) staged, then Store.merge_keys, commit and
    checkpoint included, as the import that crosses the cap pays it; and that cost spread
    over the papers whose keys fill a stage."""
    at_rest(library, target)
    with Store.open(target) as store, store.bulk():
        conn = store.conn
        papers = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
        keys = conn.execute(
            "SELECT (SELECT count(*) FROM dedupe_keys) + (SELECT count(*) FROM dedupe_keys_recent)"
        ).fetchone()[0]
        with store.transaction():
            conn.execute("DELETE FROM dedupe_keys_recent")  # a stage of exactly the cap
            conn.executemany(
                "INSERT OR IGNORE INTO dedupe_keys_recent (key, paper_id) VALUES (?, ?)",
                ((random.getrandbits(63), 1 + i % papers) for i in range(RECENT_KEYS_CAP)),
            )
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        start = time.perf_counter()
        with store.transaction():
            store.imports.merge_keys()
        conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        elapsed = time.perf_counter() - start
    target.unlink()
    papers_per_merge = RECENT_KEYS_CAP / (keys / max(papers, 1))
    return {
        "key_merge_s": round(elapsed, 2),
        "key_merge_every_papers": round(papers_per_merge),
        "key_merge_per_1k_papers_s": round(elapsed * 1000 / papers_per_merge, 3),
    }


def raw_fresh(rows: list[Row], db: Path, *, automerge: bool = True) -> tuple[float, int]:
    """The raw limit's own table and FTS5 index taking a few more rows: inserted, then
    indexed, committed and checkpointed. With `automerge` off, FTS5 leaves its segments
    unmerged, which defers its upkeep rather than saving it. Seconds and pages written."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'p'").fetchone():
        conn.executescript(RAW_SCHEMA)
    if not automerge:
        conn.execute("INSERT INTO f (f, rank) VALUES ('automerge', 0)")
    start = time.perf_counter()
    conn.execute("BEGIN")
    first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM p").fetchone()[0]
    conn.executemany("INSERT INTO p (title, abstract) VALUES (?, ?)", [r[:2] for r in rows])
    conn.execute(
        "INSERT INTO f (rowid, title, abstract) SELECT id, title, abstract FROM p WHERE id >= ?",
        (first,),
    )
    return _commit(conn, start)


def raw_match(db: Path) -> dict[str, float]:
    """A plain FTS5 query on the raw table: the first 100 of a common word, and a count."""
    conn = sqlite3.connect(db)
    start = time.perf_counter()
    conn.execute("SELECT rowid FROM f WHERE f MATCH '\"diffusion\"' LIMIT 100").fetchall()
    first = time.perf_counter() - start
    start = time.perf_counter()
    conn.execute("SELECT count(*) FROM f WHERE f MATCH '\"diffusion\"'").fetchone()
    count = time.perf_counter() - start
    conn.close()
    return {"raw_match_limit100_ms": ms(first), "raw_match_count_ms": ms(count)}


def import_folder(db: Path, folder: Path) -> float:
    return import_folder_pages(db, folder)[0]


def import_folder_pages(db: Path, folder: Path) -> tuple[float, int, float]:
    """Seconds for the import (its final checkpoint included, as `readlist import` has
    it); the pages its commits wrote (write-ahead log frames, before that checkpoint);
    and the seconds of that checkpoint, which copies them into the library file."""
    start = time.perf_counter()
    with Store.open(db) as store, store.bulk():  # as `readlist import` does
        for report in import_sources(store, [folder]):
            assert report.error is None, report.error
        before = time.perf_counter()
        _, frames, _ = store.conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        checkpoint = time.perf_counter() - before
    return time.perf_counter() - start, int(frames), checkpoint


def wrongly_merged(library: Path, look_alikes: list[list[str]]) -> int:
    """Look-alikes that share a paper with the paper they resemble. Every generated
    abstract is unique, and a listing's abstract is kept on the paper or on the
    listing's sighting, so the abstracts tell which paper each one landed in."""
    conn = sqlite3.connect(library)
    conn.execute("CREATE TEMP TABLE wanted (abstract TEXT PRIMARY KEY)")
    abstracts = {a for _bt, _at, base, alike in look_alikes for a in (base, alike)}
    conn.executemany("INSERT OR IGNORE INTO wanted VALUES (?)", [(a,) for a in abstracts])
    holders: dict[str, set[int]] = {}
    for abstract, paper_id in conn.execute(
        """SELECT p.abstract, p.id FROM papers p JOIN wanted w ON w.abstract = p.abstract
           UNION SELECT s.abstract, s.paper_id FROM sightings s
           JOIN wanted w ON w.abstract = s.abstract"""
    ):
        holders.setdefault(abstract, set()).add(paper_id)
    conn.close()
    return sum(
        1
        for _bt, _at, base, alike in look_alikes
        if holders.get(base, set()) & holders.get(alike, set())
    )


def disk(library: Path) -> dict[str, object]:
    conn = sqlite3.connect(library)
    sizes = dict(conn.execute("SELECT name, sum(pgsize) FROM dbstat GROUP BY name").fetchall())
    conn.close()
    total = library.stat().st_size
    fts = sum(v for k, v in sizes.items() if k.startswith("papers_fts"))
    indexes = sum(
        v
        for k, v in sizes.items()
        if k.startswith(("papers_latest", "papers_most_seen", "papers_title", "state_"))
    )
    mib = 1024 * 1024
    return {
        "disk_mb": round(total / mib),
        "disk_text_mb": round(sizes.get("papers", 0) / mib),
        "disk_fts_mb": round(fts / mib),
        "disk_sort_indexes_mb": round(indexes / mib),
        "disk_dedupe_keys_mb": round(
            sum(sizes.get(k, 0) for k in ("dedupe_keys", "dedupe_keys_recent", "papers_match"))
            / mib
        ),
        "disk_sightings_mb": round(sizes.get("sightings", 0) / mib),
    }


def measure(n: int, work: Path) -> dict[str, object]:
    library = ensure_library(n, work)
    built = build_figures(n, work)
    scratch = work / f"import-{n}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    truth = generate(n, scratch / "dumps", seed=7)  # the very dumps the library was built from
    generate(1000, scratch / "fresh", seed=99)
    rows = rows_of(scratch / "dumps")
    trigger = raw_baseline(rows, scratch / "raw.db", "trigger")
    rebuild = raw_baseline(rows, scratch / "raw.db", "rebuild")
    limit = min(trigger, rebuild)
    floor, _ = schema_floor(rows, scratch / "floor.db")
    beside = side_by_side(rows, scratch)
    figures: dict[str, object] = {
        "n": n,
        "rows": len(rows),
        "raw_trigger_s": round(trigger, 2),
        "raw_rebuild_s": round(rebuild, 2),
        "raw_limit_rows_per_s": round(len(rows) / limit),
        **raw_match(scratch / "raw.db"),
        **built,
        **beside,
    }
    figures["schema_floor_s"] = round(floor, 2)
    figures["schema_floor_vs_limit"] = round(floor / limit, 2)
    if built:
        figures["import_vs_limit"] = round(float(built["import_s"]) / limit, 2)
        if "writes_s" in built:
            figures["writes_vs_limit"] = round(float(built["writes_s"]) / limit, 2)
        if "import_cpu_s" in built:  # the least the import could take on two cores
            halved = float(built["import_cpu_s"]) / 2
            figures["import_cpu_halved_vs_limit"] = round(halved / limit, 2)
        figures["import_vs_floor"] = round(float(built["import_s"]) / floor, 2)
    fresh = rows_of(scratch / "fresh")

    def readlist_into(start: Path | None) -> Callable[[Path], tuple[float, int, float]]:
        return lambda db: _on_copy(start, db, lambda: import_folder_pages(db, scratch / "fresh"))

    def floor_into(start: Path | None) -> Callable[[Path], tuple[float, int]]:
        return lambda db: _on_copy(start, db, lambda: schema_floor(fresh, db))

    small_empty, pages_empty, checkpoint_empty = median_of(readlist_into(None), scratch)
    small_full, pages_full, checkpoint_full = median_of(readlist_into(library), scratch)
    # The same 1,000 papers' rows with nothing but the writes (schema_floor), both ways:
    # what inserting into big indexes costs before any of readlist's own work.
    floor_empty, floor_pages_empty = median_of(floor_into(None), scratch)
    floor_full, floor_pages_full = median_of(floor_into(library), scratch)
    # The raw limit's own table and FTS5 index, the same 1,000 rows into it: empty, and as
    # the limit left it, holding the N listings; and that with FTS5's merging put off.
    raw_db = scratch / "raw.db"

    def raw_into(start: Path | None, automerge: bool = True) -> Callable[[Path], tuple[float, int]]:
        return lambda db: _on_copy(start, db, lambda: raw_fresh(fresh, db, automerge=automerge))

    raw_empty, raw_pages_empty = median_of(raw_into(None), scratch)
    raw_full, raw_pages_full = median_of(raw_into(raw_db), scratch)
    raw_deferred, _ = median_of(raw_into(raw_db, automerge=False), scratch)
    figures["fresh_1k_raw_into_empty_s"] = round(raw_empty, 3)
    figures["fresh_1k_raw_into_n_s"] = round(raw_full, 3)
    figures["fresh_1k_raw_ratio"] = round(raw_full / raw_empty, 2)
    figures["fresh_1k_raw_pages_ratio"] = round(raw_pages_full / max(raw_pages_empty, 1), 2)
    figures["fresh_1k_raw_merging_off_ratio"] = round(raw_deferred / raw_empty, 2)
    figures["fresh_1k_floor_into_empty_s"] = round(floor_empty, 2)
    figures["fresh_1k_floor_into_n_s"] = round(floor_full, 2)
    figures["fresh_1k_floor_ratio"] = round(floor_full / floor_empty, 2)
    figures["fresh_1k_floor_pages_ratio"] = round(floor_pages_full / max(floor_pages_empty, 1), 2)
    figures["fresh_1k_into_empty_s"] = round(small_empty, 2)
    figures["fresh_1k_into_n_s"] = round(small_full, 2)
    figures["fresh_1k_ratio"] = round(small_full / small_empty, 2)
    # Why the ratio grows with N: the pages the same 1,000 papers dirty (B-tree leaves
    # spread over a big index), each written once to the log and once more into the file.
    figures["fresh_1k_pages_into_empty"] = pages_empty
    figures["fresh_1k_pages_into_n"] = pages_full
    figures["fresh_1k_pages_ratio"] = round(pages_full / max(pages_empty, 1), 2)
    figures["fresh_1k_checkpoint_into_n_s"] = round(checkpoint_full, 2)
    figures["fresh_1k_checkpoint_into_empty_s"] = round(checkpoint_empty, 2)
    # An import that fills the stage of blocking keys pays for merging it: spread over
    # the papers that filled it, the 1,000 papers' fair share.
    figures.update(key_merge(library, scratch / "merge.db"))
    figures["fresh_1k_ratio_with_merge_share"] = round(
        (small_full + float(figures["key_merge_per_1k_papers_s"])) / small_empty, 2
    )
    with Store.open(library) as store:
        papers = store.stats().papers
    look_alikes = truth["look_alikes"]
    assert isinstance(look_alikes, list)
    figures["distinct_planted"] = truth["distinct"]
    figures["distinct_in_library"] = papers
    figures["near_duplicates_planted"] = truth["near_duplicates"]
    figures["look_alikes_planted"] = len(look_alikes)
    figures["look_alikes_wrongly_merged"] = wrongly_merged(library, look_alikes)
    figures.update(disk(library))
    figures["bench_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    shutil.rmtree(scratch, ignore_errors=True)
    return figures


if __name__ == "__main__":
    harness.run(__doc__, measure)
