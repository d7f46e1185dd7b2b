"""The issue's speed targets for "for you" at N papers (`rank_bench.py --speed N`).

The library is rank_corpus.py's N papers imported by `readlist import`, built once and
kept in bench/out/rank-speed-N.db. In a copy of it, one user of rank_bench.py (--user)
triages all but the last 5,000 papers listed: those are the triage queue. Each figure
has a baseline from the same run:
- learn + rank of the queue (apart: the first, which makes the papers' terms), against
  store.get_many of the same 5,000 papers;
- the re-rank after one more decision (a star or a read of the queue's first paper):
  learn + rank again, and rank alone with the model learned before it;
- `readlist list --sort for-you --limit 20` as a process, median of 5, against
  `readlist --help` and `readlist list --limit 20`;
- the next triage card after a decision, in the app best first, against the same in the
  listing order (rank_app.py);
- the peak RSS (VmHWM) of a process that learns and ranks every paper of the library
  (and its seconds), against one that opens the library, imports numpy and reads
  every id, one that only learns (taking the model kept in the library) and one that
  learns again after one more decision.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import rank_app
from cli_bench import READLIST, bytecode, wall
from harness import ms
from library import _fingerprint

from readlist.core.query import parse_query
from readlist.core.store import Store

HERE = Path(__file__).resolve().parent
QUEUE = 5000
RUNS = 5

RSS_CHILD = """
import sys, time, numpy
from readlist.core.store import Store
from readlist.core.query import parse_query
learned = ranked = start = time.perf_counter()
with Store.open(sys.argv[1]) as store:
    if sys.argv[2] == "relearn":  # one more decision first: no kept model to take
        first = next(iter(store.iter_ids(parse_query("is:unread"))))
        store.set_flag([first], "read", True)
    if sys.argv[2] in ("learn", "rank", "relearn"):
        from readlist.core.rank import learn, rank
        model = learn(store)
        learned = time.perf_counter()
        count = len(rank(store, model, parse_query("")).ids) if sys.argv[2] == "rank" else 0
    else:
        count = sum(1 for _ in store.iter_ids(parse_query("")))
    ranked = time.perf_counter()
    if sys.argv[2] == "relearn":
        store.set_flag([first], "read", False)
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        rss = round(int(line.split()[1]) / 1024)
print(count, rss, round((learned - start) * 1000), round((ranked - learned) * 1000))
"""


def build(n: int, work: Path) -> tuple[Path, list[str], dict[str, list[str]]]:
    """The library of N papers, as imported, and what it hides: the arXiv ids as listed
    and each one's topics."""
    import rank_bench
    import rank_corpus

    db = work / f"rank-speed-{n}.db"
    stamp = db.with_suffix(".stamp")
    hidden = db.with_suffix(".topics.json")
    made = _fingerprint() + hashlib.sha256((HERE / "rank_corpus.py").read_bytes()).hexdigest()
    if not (db.exists() and stamp.exists() and stamp.read_text() == made):
        dumps = work / f"rank-speed-dumps-{n}"
        shutil.rmtree(dumps, ignore_errors=True)
        for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            stale.unlink(missing_ok=True)
        rank_corpus.generate(n, dumps, rank_bench.SEED)
        subprocess.run(
            [*READLIST, "--db", str(db), "import", str(dumps)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        shutil.copyfile(dumps / ".topics.json", hidden)
        shutil.rmtree(dumps, ignore_errors=True)
        stamp.write_text(made)
    truth = json.loads(hidden.read_text())
    names: list[str] = truth["topics"]
    topics = {a: [names[i] for i in ts] for a, ts in truth["paper_topics"].items()}
    return db, [a for day in truth["days"] for a in day], topics


def triaged(n: int, work: Path, user_name: str) -> tuple[Path, list[int]]:
    """A copy of the library in which the user has triaged all but the last QUEUE
    papers listed, and that queue: its first learn makes the papers' terms, as a user's
    first ranking after an import does."""
    import rank_bench

    built, listed, topics = build(n, work)
    db = work / f"rank-speed-{n}-run.db"
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(built, db)
    user = next(u for u in rank_bench.USERS if u.name == user_name)
    with Store.open(db) as store:
        ids = store.imports.papers_by_arxiv_id(listed)
        decided = listed[:-QUEUE]
        liked = {ids[a] for a in decided if user.likes(a, topics[a])}
        store.set_flag(sorted(liked), "starred", True)
        store.set_flag([ids[a] for a in decided if ids[a] not in liked], "read", True)
        return db, [ids[a] for a in listed[-QUEUE:]]


def in_process(db: Path, queue: list[int]) -> dict[str, object]:
    from readlist.core.rank import learn, rank

    clock = time.perf_counter
    figures: dict[str, object] = {}
    with Store.open(db) as store:
        figures["stars"] = sum(1 for _ in store.iter_ids(parse_query("is:starred")))
        start = clock()
        model = learn(store)
        figures["first_learn_ms"] = ms(clock() - start)
        start = clock()
        rank(store, model, queue)
        figures["first_rank_queue_ms"] = ms(clock() - start)
        figures["model"] = f"fitted={model.fitted}: {model.basis}"
        reads, learns, ranks = [], [], []
        for _ in range(RUNS):  # taking turns, so that the machine's load falls on all
            start = clock()
            store.get_many(queue)
            reads.append(clock() - start)
            start = clock()
            model = learn(store)
            learns.append(clock() - start)
            start = clock()
            rank(store, model, queue)
            ranks.append(clock() - start)
        both = [a + b for a, b in zip(learns, ranks, strict=True)]
        figures["get_many_queue_ms"] = ms(statistics.median(reads))
        figures["learn_ms"] = ms(statistics.median(learns))
        figures["rank_queue_ms"] = ms(statistics.median(ranks))
        figures["learn_rank_queue_ms"] = ms(statistics.median(both))
        rank_only, learn_rank = [], []
        for turn, paper_id in enumerate(queue[:RUNS]):
            store.set_flag([paper_id], "starred" if turn % 2 == 0 else "read", True)
            start = clock()
            rank(store, model, queue)
            rank_only.append(clock() - start)
            start = clock()
            model = learn(store)
            rank(store, model, queue)
            learn_rank.append(clock() - start)
        for turn, paper_id in enumerate(queue[:RUNS]):  # the library as it was
            store.set_flag([paper_id], "starred" if turn % 2 == 0 else "read", False)
        figures["after_decision_rank_only_ms"] = ms(statistics.median(rank_only))
        figures["after_decision_learn_rank_ms"] = ms(statistics.median(learn_rank))
    return figures


def processes(db: Path) -> dict[str, object]:
    here = ["--db", str(db)]
    bytecode(cached=True)
    figures: dict[str, object] = {}
    times = {"help": [], "list": [], "for_you": []}  # type: dict[str, list[float]]
    for_you = [*READLIST, *here, "list", "--sort", "for-you", "--limit", "20"]
    tried = subprocess.run(for_you, capture_output=True, text=True)
    for _ in range(RUNS):  # taking turns
        times["help"].append(wall([*READLIST, "--help"], runs=1))
        times["list"].append(wall([*READLIST, *here, "list", "--limit", "20"], runs=1))
        if tried.returncode == 0:
            times["for_you"].append(wall(for_you, runs=1))
    figures["process_start_ms"] = ms(statistics.median(times["help"]))
    figures["list_limit20_ms"] = ms(statistics.median(times["list"]))
    figures["list_for_you_limit20_ms"] = (
        ms(statistics.median(times["for_you"]))
        if times["for_you"]
        else f"failed: {tried.stderr.strip().splitlines()[-1:]}"
    )
    env = {**os.environ, "PYTHONPATH": str(HERE.parent)}
    for kind in ("ids", "learn", "rank", "relearn"):
        done = subprocess.run(
            [sys.executable, "-c", RSS_CHILD, str(db), kind],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        count, rss, learn_ms, rank_ms = map(int, done.stdout.split())
        figures[f"peak_rss_{kind}_mb"] = rss
        if kind in ("ids", "rank"):
            figures[f"{kind}_all_papers"] = count
        if kind == "relearn":
            figures["relearn_ms"] = learn_ms
        if kind == "rank":
            figures["rank_all_learn_ms"] = learn_ms
            figures["rank_all_rank_ms"] = rank_ms
    return figures


def measure(n: int, work: Path, user: str) -> dict[str, object]:
    work.mkdir(parents=True, exist_ok=True)
    db, queue = triaged(n, work, user)
    return {
        "papers": n,
        "user": user,
        "queue": len(queue),
        **in_process(db, queue),
        **processes(db),
        **rank_app.in_app(db),
    }
