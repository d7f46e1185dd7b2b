"""The command line at N papers: `readlist list` and `readlist export`, process start
included, as a script or a person at a shell would see them.

    python bench/cli_bench.py N [--json]

Each command runs as its own process (`python -m readlist`), five times; the figure is
the median wall time, with readlist's bytecode compiled as a user's Python has it after
the first run (the start without it is given too: see `bytecode`). The baseline, in the
same run, is the process start alone (`readlist --help`) and a plain sqlite3 FTS5 MATCH
of the same words with LIMIT 20.
"""

from __future__ import annotations

import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from harness import Figures, ms
from library import ensure_library

READLIST = [sys.executable, "-m", "readlist"]
PACKAGE = Path(__file__).resolve().parents[1] / "readlist"
LISTS = ["diffusion", "graph neural", "d", "sparse -survey", "mamba", "is:unread"]
EXPORT_QUERY = "title:diffusion"


def wall(args: list[str], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bytecode(cached: bool) -> None:
    """readlist's compiled bytecode present or not. A user's Python writes it on the first
    run and reads it after; this machine sets PYTHONDONTWRITEBYTECODE=1, under which
    every run would compile readlist's source again (~20 ms). Timed as a user has it,
    with the start without it given too."""
    if cached:
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(PACKAGE)], check=True)
    else:
        for cache in PACKAGE.rglob("__pycache__"):
            shutil.rmtree(cache)


def measure(path: Path) -> dict[str, object]:
    db = ["--db", str(path)]
    bytecode(cached=False)
    figures: dict[str, object] = {"process_start_uncached_ms": ms(wall([*READLIST, "--help"]))}
    bytecode(cached=True)
    figures["process_start_ms"] = ms(wall([*READLIST, "--help"]))
    lists = {q: wall([*READLIST, *db, "list", *q.split(), "--limit", "20"]) for q in LISTS}
    figures["list_limit20_ms"] = {q: ms(t) for q, t in lists.items()}
    figures["list_limit20_worst_ms"] = ms(max(lists.values()))
    figures["list_sparse_all_ms"] = ms(wall([*READLIST, *db, "list", "mamba", "--format", "tsv"]))
    conn = sqlite3.connect(path)
    count = conn.execute(
        "SELECT count(*) FROM papers_fts WHERE papers_fts MATCH ?", ('title : "diffusion"*',)
    ).fetchone()[0]
    raw = []
    for q in LISTS:
        words = [w for w in q.split() if not w.startswith("-") and ":" not in w]
        if not words:
            continue
        match = " ".join(f'"{w}"*' for w in words)
        start = time.perf_counter()
        conn.execute(
            "SELECT rowid FROM papers_fts WHERE papers_fts MATCH ? LIMIT 20", (match,)
        ).fetchall()
        raw.append(time.perf_counter() - start)
    conn.close()
    figures["raw_fts_match_limit20_worst_ms"] = ms(max(raw))
    export = [*READLIST, *db, "export", *EXPORT_QUERY.split(), "--format", "json", "-o"]
    out = path.parent / "cli-bench-export.json"
    seconds = wall([*export, str(out)], runs=1)
    out.unlink(missing_ok=True)
    figures["export_rows"] = count
    figures["export_ms"] = ms(seconds)
    figures["export_rows_per_s"] = round(count / seconds)
    return figures


def figures(n: int, work: Path) -> Figures:
    return measure(ensure_library(n, work))


if __name__ == "__main__":
    harness.run(__doc__, figures)
