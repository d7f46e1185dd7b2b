"""The store's hot paths, in two readlist trees side by side: this one and another
(main, say), so that a change to the store is measured against what it replaces.

    python bench/store_bench.py [--papers 100000] [--rounds 5] --against CHECKOUT [--app]

Builds a library of N generated papers with the other tree's store (an older schema
opens in both trees; the copy for this tree is upgraded once, before any timing), then
times, in a fresh process per tree and round, taking turns:
- open: Store.open and close of the library;
- keystroke: one filter keystroke as the app runs it (walk, first page, count, the
  status bar's counts), averaged over typing "diffusion model" letter by letter;
- set_flag: one star, as a key press writes it;
- review_candidates and remember, which go through sqlite-utils (the first call's
  import of sqlite-utils is `first_sqlite_utils`), and latest_import, read as the app
  opens.
With --app, each round also drives the whole app on the library through that tree's
own bench/app_bench.py (first paint, keystroke p50/p95, star toggle, ...): the app
reads at start what the store changed (the latest import, the memory).
Prints each figure for both trees and their ratio (this / other): the median over the
rounds, and the best round, the least disturbed on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
THIS_TREE = HERE.parent
DEFAULT_WORK = HERE / "out"
TYPED = "diffusion model"


def build(path: Path, papers: int, tree: Path) -> None:
    """A library of `papers` generated papers, made by `tree`'s store."""
    script = f"""
import random, sys
sys.path.insert(0, {str(HERE)!r})
from generate import WORDS
from readlist.core.store import Store

rng = random.Random(7)
def words(n):
    return " ".join(rng.choice(WORDS) for _ in range(n))

with Store.open({str(path)!r}) as store:
    conn = store.conn
    with store.transaction():
        days = [f"2026-{{1 + d // 28:02d}}-{{1 + d % 28:02d}}" for d in range(300)]
        for d, day in enumerate(days):
            conn.execute(
                "INSERT INTO dumps (id, sha256, source, imported_at, papers)"
                " VALUES (?, ?, ?, ?, 0)", (d + 1, f"{{d:064x}}", f"{{day}}.txt", day)
            )
        rows = []
        for i in range(1, {papers} + 1):
            title = words(rng.randint(5, 11)).capitalize()
            abstract = ". ".join(words(rng.randint(8, 20)) for _ in range(rng.randint(4, 8)))
            day = rng.randrange(len(days))
            rows.append((i, title, abstract, title.lower(), days[day], days[day], day + 1))
        conn.executemany(
            "INSERT INTO papers (id, title, abstract, match_title, first_seen, last_seen,"
            " times_seen, added_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?)",
            [row[:6] + (row[4],) for row in rows],
        )
        conn.executemany(
            "INSERT INTO sightings (paper_id, dump_id, listing, seen_on, match)"
            " VALUES (?, ?, ?, ?, 'new')",
            [(row[0], row[6], row[0], row[4]) for row in rows],
        )
        conn.execute("UPDATE dumps SET papers = (SELECT count(*) FROM sightings"
                     " WHERE dump_id = dumps.id)")
        conn.execute("INSERT INTO papers_fts (papers_fts) VALUES ('rebuild')")
    store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
"""
    _run(tree, ["-c", script])


def _run(tree: Path, args: list[str]) -> str:
    env = os.environ | {"PYTHONPATH": str(tree)}
    done = subprocess.run(
        [sys.executable, *args], env=env, cwd=tree, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"{tree}: {done.stderr.strip()}")
    return done.stdout


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def probe(path: Path) -> dict[str, float]:
    """One round's figures, in this process, with whatever readlist PYTHONPATH gives."""
    from readlist.core.query import parse_query
    from readlist.core.store import Store, Walk  # where every tree compared has it

    figures: dict[str, float] = {}
    opens = []
    for _ in range(5):
        t0 = time.perf_counter()
        store = Store.open(path, cache_mib=8)
        opens.append(time.perf_counter() - t0)
        store.close()
    figures["open_ms"] = _ms(statistics.median(opens))

    with Store.open(path, cache_mib=8) as store:
        typed = []
        for end in range(1, len(TYPED) + 1):
            text = TYPED[:end]
            t0 = time.perf_counter()
            walk = Walk(parse_query(text), "latest")
            store.page(walk.query, 0, 100, sort="latest", walk=walk)
            store.count(walk.query)
            store.stats(quick=True)
            typed.append(time.perf_counter() - t0)
        figures["keystroke_ms"] = _ms(statistics.mean(typed))

        store.set_flag([1], "starred", True)  # the first write checks the library once
        flags = []
        for i in range(40):
            t0 = time.perf_counter()
            store.set_flag([2 + i % 7], "starred", i % 2 == 0)
            flags.append(time.perf_counter() - t0)
        figures["set_flag_ms"] = _ms(statistics.median(flags))

        t0 = time.perf_counter()
        store.review_candidates()
        figures["first_sqlite_utils_ms"] = _ms(time.perf_counter() - t0)
        for name, call in (
            ("latest_import_ms", store.latest_import),
            ("review_candidates_ms", store.review_candidates),
            ("remember_ms", lambda: store.remember({"filter": f"x{time.perf_counter()}"})),
        ):
            times = []
            for _ in range(20):
                t0 = time.perf_counter()
                call()
                times.append(time.perf_counter() - t0)
            figures[name] = _ms(statistics.median(times))
    return figures


# One run of a tree's own app benchmark on the library at `path`.
_APP = """
import asyncio, json, sys
sys.path.insert(0, {bench!r})
import app_bench
print(json.dumps(asyncio.run(app_bench.measure(__import__("pathlib").Path({path!r})))))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--against", type=Path, required=True, metavar="CHECKOUT")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--app", action="store_true", help="also time the app (app_bench)")
    parser.add_argument("--probe", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe:
        print(json.dumps(probe(args.probe)))
        return

    work = args.work / f"store-bench-{args.papers}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    trees = {"other": args.against.resolve(), "this": THIS_TREE}
    t0 = time.perf_counter()
    build(work / "other.db", args.papers, trees["other"])
    print(f"built {args.papers:,} papers in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    shutil.copyfile(work / "other.db", work / "this.db")
    _run(
        trees["this"],
        [
            "-c",
            f"from readlist.core.store import Store; Store.open({str(work / 'this.db')!r}).close()",
        ],
    )
    for leftover in work.glob("this.db.v*.bak"):
        leftover.unlink()

    figures: dict[str, dict[str, list[float]]] = {"other": {}, "this": {}}
    rng = random.Random(1)
    for _ in range(args.rounds):
        order = ["other", "this"]
        rng.shuffle(order)
        for side in order:
            path = work / f"{side}.db"
            out = _run(trees[side], [__file__, "--probe", str(path)])
            found = json.loads(out.splitlines()[-1])
            if args.app:
                out = _run(
                    trees[side],
                    ["-c", _APP.format(bench=str(trees[side] / "bench"), path=str(path))],
                )
                found |= {f"app_{k}": v for k, v in json.loads(out.splitlines()[-1]).items()}
            for name, value in found.items():
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    figures[side].setdefault(name, []).append(value)

    print(f"{args.papers:,} papers, {args.rounds} rounds, ms; other = {trees['other']}")
    print("median over the rounds, and the best round (the least disturbed on a busy machine)")
    head = ("figure", "other", "this", "ratio", "best other", "best this", "ratio")
    print(f"{head[0]:<28}" + "".join(f"{h:>11}" for h in head[1:]))
    for name in figures["this"]:
        row = []
        for pick in (statistics.median, min):
            other = pick(figures["other"][name])
            this = pick(figures["this"][name])
            row += [other, this, this / other if other else float("nan")]
        print(f"{name:<28}" + "".join(f"{x:>11.3f}" for x in row))


if __name__ == "__main__":
    main()
