"""What hiding the trash costs the reads of a big library: this tree against another
(main, say), on one library, in one run.

    python bench/trash_bench.py LIBRARY [--rounds 5] --against CHECKOUT [--trashed 1000]
                                        [--this TREE]

LIBRARY is a library readlist imported (bench/generate.py N DIR; readlist import DIR).
Each round times, in a fresh process per tree, taking turns: the other tree; this tree
(or --this, another tree with the trash: an earlier design, say)
with the trash empty; this tree with --trashed papers (spread over the library) in the
trash, put there before its timings and taken out after. The reads are those the app
and `readlist list` make: the first page with no filter, a page in the middle, a word
filter's first page (its walk) and count, the count of the whole library, and the
status bar's counts (stats, quick) and `readlist stats`' (full). Each figure is the
median of 5 calls; the report is the median over the rounds, with the ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

THIS_TREE = Path(__file__).resolve().parent.parent
WORDS = "diffusion model"
CALLS = 5


def _median_ms(call: object) -> float:
    times = []
    for _ in range(CALLS):
        t0 = time.perf_counter()
        call()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return round(statistics.median(times) * 1000, 2)


def probe(path: Path, trashed: int) -> dict[str, float]:
    """One round's figures, with whatever readlist PYTHONPATH gives."""
    from readlist.core.query import parse_query
    from readlist.core.store import Store, Walk

    with Store.open(path, cache_mib=8) as store:
        ids: list[int] = []
        if trashed:
            last = store.stats(quick=True).papers
            ids = list(range(1, last + 1, max(last // trashed, 1)))[:trashed]
            store.delete_papers(ids)
        try:
            everything = parse_query("")
            words = parse_query(WORDS)
            total = store.count(everything)
            figures = {
                "first_page_ms": _median_ms(lambda: store.page(everything, 0, 100, total=total)),
                "middle_page_ms": _median_ms(
                    lambda: store.page(everything, total // 2, 100, total=total)
                ),
                "word_page_ms": _median_ms(
                    lambda: store.page(words, 0, 100, walk=Walk(words, "latest"))
                ),
                "word_count_ms": _median_ms(lambda: store.count(words)),
                "count_ms": _median_ms(lambda: store.count(everything)),
                "stats_quick_ms": _median_ms(lambda: store.stats(quick=True)),
                "stats_ms": _median_ms(store.stats),
            }
        finally:
            if ids:
                store.restore_papers(ids)
    return figures


def run_probe(tree: Path, path: Path, trashed: int) -> dict[str, float]:
    env = {**os.environ, "PYTHONPATH": str(tree)}
    script = Path(__file__).resolve()
    out = subprocess.run(
        [sys.executable, str(script), str(path), "--probe", str(trashed)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("library", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--against", type=Path, required=True, metavar="CHECKOUT")
    parser.add_argument("--trashed", type=int, default=1000)
    parser.add_argument("--this", type=Path, default=THIS_TREE)
    parser.add_argument("--probe", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe is not None:
        print(json.dumps(probe(args.library, args.probe)))
        return
    runs: dict[str, list[dict[str, float]]] = {"other": [], "this": [], "this+trash": []}
    for _ in range(args.rounds):
        runs["other"].append(run_probe(args.against, args.library, 0))
        runs["this"].append(run_probe(args.this, args.library, 0))
        runs["this+trash"].append(run_probe(args.this, args.library, args.trashed))
    names = list(runs["other"][0])
    median = {
        run: {n: statistics.median(r[n] for r in rounds) for n in names}
        for run, rounds in runs.items()
    }
    print(f"{args.library} ({args.rounds} rounds; medians in ms; trash: {args.trashed})")
    print(f"{'read':<16}{'other':>9}{'this':>9}{'ratio':>7}{'+trash':>9}{'ratio':>7}")
    for n in names:
        other, this, full = (median[run][n] for run in runs)
        print(
            f"{n.removesuffix('_ms'):<16}{other:>9.2f}{this:>9.2f}{this / other:>7.2f}"
            f"{full:>9.2f}{full / other:>7.2f}"
        )


if __name__ == "__main__":
    main()
