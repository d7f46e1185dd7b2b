"""Import throughput against the raw SQLite limit, and against library size.

    python bench/import_bench.py N [--work DIR]

Generates N papers (bench/generate.py), imports them into an empty library and
measures, in the same run:
- raw baseline: executemany of the same rows into a table with the same FTS5
  index, with FTS kept by a per-row trigger, and with a bulk FTS 'rebuild';
- readlist's import of all N (papers/s, ratio to the faster baseline);
- importing the same 1,000 fresh papers into an empty library and into the
  N-paper library (the ratio shows whether cost per paper grows with size).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sqlite3
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

from readlist.core.importer import Importer
from readlist.core.normalize import match_title
from readlist.core.parse import decode_dump, parse_dump
from readlist.core.store import Store


def rows_of(folder: Path) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    for path in sorted(folder.glob("*.txt")):
        parsed = parse_dump(decode_dump(path.read_bytes(), path.name))
        rows += [(p.title, p.abstract) for p in parsed.papers]
    return rows


def raw_baseline(rows: list[tuple[str, str]], db: Path, mode: str) -> float:
    db.unlink(missing_ok=True)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.executescript(
        "CREATE TABLE p (id INTEGER PRIMARY KEY, title TEXT, abstract TEXT);"
        "CREATE VIRTUAL TABLE f USING fts5 (title, abstract, content='p', content_rowid='id',"
        " tokenize='unicode61 remove_diacritics 2');"
    )
    if mode == "trigger":
        conn.execute(
            "CREATE TRIGGER t AFTER INSERT ON p BEGIN INSERT INTO f (rowid, title, abstract)"
            " VALUES (new.id, new.title, new.abstract); END"
        )
    start = time.perf_counter()
    conn.execute("BEGIN")
    conn.executemany("INSERT INTO p (title, abstract) VALUES (?, ?)", rows)
    if mode == "rebuild":
        conn.execute("INSERT INTO f (f) VALUES ('rebuild')")
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def import_folder(db: Path, folder: Path) -> float:
    start = time.perf_counter()
    with Store.open(db) as store:
        importer = Importer(store)
        for path in sorted(folder.glob("*.txt")):
            report = importer.import_bytes(path.read_bytes(), path.name)
            assert report.error is None, report.error
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int)
    parser.add_argument("--work", type=Path, default=Path("bench/out"))
    args = parser.parse_args()
    work: Path = args.work / f"import-{args.n}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    truth = generate(args.n, work / "dumps", seed=7)
    generate(1000, work / "fresh", seed=99)
    rows = rows_of(work / "dumps")
    trigger = raw_baseline(rows, work / "raw.db", "trigger")
    rebuild = raw_baseline(rows, work / "raw.db", "rebuild")
    limit = min(trigger, rebuild)
    full = import_folder(work / "lib.db", work / "dumps")
    small_empty = import_folder(work / "empty.db", work / "fresh")
    with sqlite3.connect(work / "lib.db") as source, sqlite3.connect(work / "big.db") as copy:
        source.backup(copy)  # keep lib.db as it was, for reruns
    small_full = import_folder(work / "big.db", work / "fresh")
    with Store.open(work / "lib.db") as store:
        papers = store.stats().papers
        titles = {row[0] for row in store.conn.execute("SELECT match_title FROM papers")}
    look_alikes = truth["look_alikes"]
    assert isinstance(look_alikes, list)
    # A planted variant may come first and give the paper its title: compare match forms.
    lost = sum(1 for _base, alike in look_alikes if match_title(alike) not in titles)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    n = len(rows)
    print(f"rows (papers incl. near-duplicates): {n}")
    print(f"raw executemany + FTS trigger: {trigger:8.2f} s  {n / trigger:9.0f} rows/s")
    print(f"raw executemany + FTS rebuild: {rebuild:8.2f} s  {n / rebuild:9.0f} rows/s")
    print(
        f"readlist import with dedupe:   {full:8.2f} s  {n / full:9.0f} rows/s"
        f"  = {full / limit:.1f}x the raw limit"
    )
    print(
        f"distinct papers planted {truth['distinct']}, in the library {papers}"
        f" (near-duplicates planted {truth['near_duplicates']},"
        f" left unmerged {papers - int(str(truth['distinct']))})"
    )
    print(f"look-alikes planted {len(look_alikes)}, wrongly merged {lost}")
    print(f"1,000 papers into empty library:   {small_empty:6.2f} s")
    print(
        f"1,000 papers into {args.n:,}-paper library: {small_full:6.2f} s"
        f"  = {small_full / small_empty:.2f}x"
    )
    print(f"peak RSS: {rss:.0f} MB")


if __name__ == "__main__":
    main()
