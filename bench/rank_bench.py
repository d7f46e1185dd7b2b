"""How well "for you" ranks a day's new papers, against the baselines, in one run.

    python bench/rank_bench.py [--train 30] [--days 10] [--seed 11] [--signal 1]
                               [--feed daily|even] [--json]
    python bench/rank_bench.py --speed 100000 [--user diffusion] [--json]

A topical corpus (rank_corpus.py) is written as daily Hugging Face JSON dumps and
imported by readlist's own import. Each simulated user has an interest hidden from the
rankers (a few of the corpus's topics) and triages the first `--train` dumps in a
library of its own: it stars the papers it likes and marks the rest read. Then, for each
of the next `--days` dumps, the dump is imported, every ranker orders that day's new
papers, and the user triages the day (so each day's rankers learn from the days
before). A paper is relevant if the user likes it (it stars it when it triages).

Per user and ranker: precision at 10 and at 20 and NDCG at 20 (binary gain), averaged
over the days with at least one liked paper; `best P@10` is what a perfect ranker gets.
The rankers: "for you" (readlist.core.rank's learn + rank), listing order, the
arxiv-sanity-lite replica and plain FTS5 bm25 (rank_baselines.py). The cold-start rows
are the same users after triaging only until their tenth (or third) star, measured on the
same days without triaging them.

--seed draws another corpus; --signal below 1 makes its papers say less of their topics
(a harder corpus); --feed even spreads the papers over the topics evenly instead of as
the Daily Papers feed does (a few big fields, a long tail: rank_corpus.FEEDS).
--speed N times "for you" at N papers (rank_speed.py).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import shutil
import statistics
import sys
import time
from collections.abc import Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import rank_baselines
import rank_corpus
from library import _fingerprint
from rank_baselines import Ranker

from readlist.core.ingest import import_sources
from readlist.core.store import Store

HERE = Path(__file__).resolve().parent
WORK = HERE / "out"
SEED = 11
FEED = "daily"
COLD_STARS = (10, 3)  # the cold starts: 10 stars (few labels), 3 (the fallback)


@dataclass(frozen=True)
class User:
    """A hidden interest: the topics it likes, and how likely it likes a paper whose
    primary (or only secondary) topic is one of them, or neither (its noise)."""

    name: str
    topics: tuple[str, ...]
    primary: float = 0.9
    secondary: float = 0.4
    noise: float = 0.01

    def likes(self, arxiv_id: str, topics: Sequence[str]) -> bool:
        draw = random.Random(f"{self.name}:{arxiv_id}").random()
        if topics[0] in self.topics:
            return draw < self.primary
        if any(t in self.topics for t in topics[1:]):
            return draw < self.secondary
        return draw < self.noise


USERS = [
    User("diffusion", ("diffusion",)),
    User("three topics", ("rl", "robotics", "topic20")),
    User("broad", ("llm-reasoning", "code", "retrieval", "alignment", "topic30", "topic41")),
    User("noisy", ("video", "3d"), primary=0.7, secondary=0.25, noise=0.05),
    User("made-up", ("topic15", "topic33")),
    User("speech+graphs", ("speech", "graphs")),
    User("niche", ("topic52",)),
]


class Corpus:
    """The dumps, their hidden topics, and a library of the training dumps imported."""

    def __init__(
        self,
        work: Path,
        train: int,
        days: int,
        seed: int = SEED,
        signal: float = 1.0,
        feed: str = FEED,
    ) -> None:
        made = hashlib.sha256((HERE / "rank_corpus.py").read_bytes()).hexdigest()[:8]
        made += f"-{signal}" if signal != 1.0 else ""
        made += f"-{feed}"
        self.dir = work / f"rank-dumps-{seed}-{train + days}-{made}"
        if not (self.dir / ".topics.json").exists():
            shutil.rmtree(self.dir, ignore_errors=True)
            rank_corpus.generate(10**9, self.dir, seed, days=train + days, signal=signal, feed=feed)
        truth = json.loads((self.dir / ".topics.json").read_text())
        names: list[str] = truth["topics"]
        self.topics = {a: [names[i] for i in ts] for a, ts in truth["paper_topics"].items()}
        self.days: list[list[str]] = truth["days"]
        self.train = train
        # Built again when the corpus or readlist's core (its import, its schema) changes.
        self.base = work / f"rank-base-{seed}-{train}-{made}-{_fingerprint()}.db"
        if not self.base.exists():
            partial = self.base.with_suffix(".partial")
            self.import_days(partial, range(train))
            partial.rename(self.base)

    def dump(self, day: int) -> Path:
        return self.dir / f"{day:05d}.json"

    def import_days(self, db: Path, days: range) -> None:
        with Store.open(db) as store:
            with closing(import_sources(store, [self.dump(d) for d in days])) as reports:
                for report in reports:
                    if report.error is not None:
                        raise SystemExit(f"{report.source}: {report.error}")
            store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def precision(ranked: Sequence[int], liked: set[int], k: int) -> float:
    return sum(1 for i in ranked[:k] if i in liked) / k


def ndcg(ranked: Sequence[int], liked: set[int], k: int = 20) -> float:
    dcg = sum(1 / math.log2(r + 2) for r, i in enumerate(ranked[:k]) if i in liked)
    ideal = sum(1 / math.log2(r + 2) for r in range(min(k, len(liked))))
    return dcg / ideal


class ForYou:
    """readlist's own front door: learn from the library, rank the day's papers."""

    def __init__(self) -> None:
        self.basis = ""  # the last model's, as the app would show it

    def __call__(self, store: Store, day: Sequence[int]) -> list[int]:
        from readlist.core.rank import learn, rank

        model = learn(store)
        self.basis = model.basis
        return [int(i) for i in rank(store, model, day).ids]


def rankers() -> dict[str, Ranker]:
    found: dict[str, Ranker] = {}
    try:
        import readlist.core.rank  # noqa: F401
    except ImportError:
        print("for you: readlist.core.rank is not in this tree; its column is left out")
    else:
        found["for you"] = ForYou()
    found["listing"] = rank_baselines.listing
    found["replica"] = rank_baselines.Replica()
    found["bm25"] = rank_baselines.bm25
    return found


def triage(store: Store, user: User, corpus: Corpus, arxiv_ids: Sequence[str]) -> int:
    """The user's decisions on these papers: stars those it likes, reads the rest."""
    ids = store.imports.papers_by_arxiv_id(arxiv_ids)
    liked = {ids[a] for a in arxiv_ids if user.likes(a, corpus.topics[a])}
    store.set_flag(sorted(liked), "starred", True)
    store.set_flag([ids[a] for a in arxiv_ids if ids[a] not in liked], "read", True)
    return len(liked)


def run_user(
    user: User, corpus: Corpus, ranks: dict[str, Ranker], work: Path, cold: int | None
) -> dict[str, object]:
    """One user's figures: each ranker's mean P@10, P@20 and NDCG@20 over the days."""
    db = work / "rank-user.db"
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)
    shutil.copyfile(corpus.base, db)
    scores: dict[str, list[tuple[float, float, float]]] = {name: [] for name in ranks}
    seconds: dict[str, list[float]] = {name: [] for name in ranks}
    liked_per_day: list[int] = []
    best: list[float] = []
    with Store.open(db) as store:
        if cold is not None:
            stars = 0
            for arxiv_id in (a for day in corpus.days[: corpus.train] for a in day):
                stars += triage(store, user, corpus, [arxiv_id])
                if stars == cold:
                    break
        else:
            for day in corpus.days[: corpus.train]:
                triage(store, user, corpus, day)
        for index in range(corpus.train, len(corpus.days)):
            listed = corpus.days[index]
            with closing(import_sources(store, [corpus.dump(index)])) as reports:
                for _report in reports:
                    pass
            ids = store.imports.papers_by_arxiv_id(listed)
            day = [ids[a] for a in listed]
            liked = {ids[a] for a in listed if user.likes(a, corpus.topics[a])}
            liked_per_day.append(len(liked))
            if liked:
                best.append(min(len(liked), 10) / 10)
                for name, ranker in ranks.items():
                    start = time.perf_counter()
                    ranked = ranker(store, day)
                    seconds[name].append(time.perf_counter() - start)
                    assert sorted(ranked) == sorted(day), name
                    scores[name].append(
                        (
                            precision(ranked, liked, 10),
                            precision(ranked, liked, 20),
                            ndcg(ranked, liked),
                        )
                    )
            if cold is None:
                triage(store, user, corpus, listed)
        stars = sum(1 for _ in store.iter_ids(rank_baselines.STARRED))
    model = ranks.get("for you")
    return {
        "user": user.name,
        "for_you_basis": model.basis if isinstance(model, ForYou) else None,
        "stars": stars,
        "liked_per_day": round(statistics.mean(liked_per_day), 1),
        "best_p10": round(statistics.mean(best), 3),
        **{
            name: [round(statistics.mean(s[m] for s in days), 3) for m in range(3)]
            for name, days in scores.items()
        },
        "ms": {name: round(statistics.median(t) * 1000, 1) for name, t in seconds.items()},
    }


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "inf"


def table(rows: list[dict[str, object]], names: list[str]) -> str:
    """The figures as BENCHMARKS.md Markdown: each metric's rankers in one cell."""
    order = " · ".join(names)
    lines = [
        f"| user | stars | liked/day | best P@10 | P@10 ({order}) | P@20 | NDCG@20 |"
        " P@10 for you ÷ listing | ÷ replica |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        cells = [
            " · ".join(f"{row[n][m]:.2f}" for n in names)  # type: ignore[index]
            for m in range(3)
        ]
        fy = row.get("for you")
        ratios = (
            [ratio(fy[0], row["listing"][0]), ratio(fy[0], row["replica"][0])]  # type: ignore[index]
            if fy
            else ["-", "-"]
        )
        lines.append(
            f"| {row['user']} | {row['stars']} | {row['liked_per_day']} | "
            f"{row['best_p10']:.2f} | " + " | ".join(cells + ratios) + " |"
        )
    return "\n".join(lines)


def mean_row(rows: list[dict[str, object]], names: list[str], label: str) -> dict[str, object]:
    return {
        "user": label,
        "stars": round(statistics.mean(r["stars"] for r in rows)),  # type: ignore[misc]
        "liked_per_day": round(statistics.mean(r["liked_per_day"] for r in rows), 1),  # type: ignore[misc]
        "best_p10": statistics.mean(r["best_p10"] for r in rows),  # type: ignore[misc]
        **{
            n: [statistics.mean(r[n][m] for r in rows) for m in range(3)]  # type: ignore[index]
            for n in names
        },
    }


def quality(
    train: int, days: int, work: Path, seed: int = SEED, signal: float = 1.0, feed: str = FEED
) -> dict[str, object]:
    work.mkdir(parents=True, exist_ok=True)
    corpus = Corpus(work, train, days, seed, signal, feed)
    ranks = rankers()
    names = list(ranks)
    rows = [run_user(user, corpus, ranks, work, cold=None) for user in USERS]
    cold = {n: [run_user(user, corpus, ranks, work, cold=n) for user in USERS] for n in COLD_STARS}
    summary = [
        *rows,
        mean_row(rows, names, "**mean**"),
        *(mean_row(cold[n], names, f"cold start, {n} stars, mean") for n in COLD_STARS),
    ]
    replica = ranks["replica"]
    assert isinstance(replica, rank_baselines.Replica)
    return {
        "papers": sum(len(d) for d in corpus.days),
        "users": rows,
        "cold_start": {str(n): rows for n, rows in cold.items()},
        "table": table(summary, names),
        "replica_svm_fit_median_ms": round(statistics.median(replica.fit_seconds) * 1000, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--train", type=int, default=30, help="dumps each user triages first")
    parser.add_argument("--days", type=int, default=10, help="dumps it is measured on")
    parser.add_argument("--seed", type=int, default=SEED, help="the corpus's")
    parser.add_argument("--signal", type=float, default=1.0, help="topic words' share, scaled")
    parser.add_argument("--feed", choices=rank_corpus.FEEDS, default=FEED, help="topic sizes")
    parser.add_argument("--speed", type=int, metavar="N", help="time 'for you' at N papers")
    parser.add_argument("--user", default="diffusion", help="--speed: who has triaged")
    parser.add_argument("--work", type=Path, default=WORK)
    parser.add_argument("--json", action="store_true", help="one line of JSON")
    args = parser.parse_args()
    if args.speed:
        import rank_speed

        figures = rank_speed.measure(args.speed, args.work, args.user)
    else:
        figures = quality(args.train, args.days, args.work, args.seed, args.signal, args.feed)
    if args.json:
        print(json.dumps(figures))
        return
    for key, value in figures.items():
        if key not in ("users", "cold_start", "table"):
            print(f"{key:34} {value}")
    if "table" in figures:
        print(figures["table"])


if __name__ == "__main__":
    main()
