"""Import cost per paper on both corpora, against the raw limit measured in the same run.

    python bench/dense_bench.py [--sizes 10000,100000] [--one-file 10000,30000,100000]
                                [--tree NAME=PATH ...] [--work DIR] [--json FILE]

The corpora are bench/generate.py's: "unique" (every abstract its own) and "shared"
(--shared-passages: most abstracts open and/or close with one of a few long passages,
so their abstract blocking keys are shared by thousands). For each size and corpus:
- the raw limit: the faster of import_bench.raw_baseline's two plain sqlite3 writes
  (executemany into a table with an FTS5 index, by trigger or by one 'rebuild') of the
  same rows;
- `readlist import FOLDER` into a fresh library by each tree in turn (a tree is a
  checkout of readlist put first on PYTHONPATH; default: this one), interleaved, so
  that a machine shared with other work loads every tree alike (--repeat: the median
  of so many rounds). Wall time and peak RSS (GNU time's; the import's helper
  processes included).
Each line gives microseconds per listing and the ratio to the raw limit; the summary,
each tree's per-listing cost at the largest size over the smallest. --one-file imports
the shared corpus written as ONE dump (`readlist import one.txt`) by each tree.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from import_bench import raw_baseline, rows_of, wrongly_merged

ROOT = Path(__file__).resolve().parents[1]
GENERATE = Path(__file__).resolve().parent / "generate.py"


def generated(n: int, corpus: str, folder: Path, *, one_file: bool = False) -> Path:
    """The corpus's dumps, made in a process of their own (the generator holds them all)."""
    if not (folder / ".truth.json").exists():
        shutil.rmtree(folder, ignore_errors=True)
        flags = ["--shared-passages"] if corpus == "shared" else []
        flags += ["--one-file"] if one_file else []
        subprocess.run(
            [sys.executable, str(GENERATE), str(n), str(folder), *flags],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return folder


def raw_limit(folder: Path, scratch: Path) -> tuple[float, int]:
    """Seconds for the faster plain write of the folder's rows, and how many rows."""
    rows = rows_of(folder)
    best = min(
        raw_baseline(rows, scratch / f"raw-{mode}.db", mode) for mode in ("trigger", "rebuild")
    )
    for db in scratch.glob("raw-*.db*"):
        db.unlink()
    return best, len(rows)


def cli_import(tree: Path, source: Path, work: Path) -> dict[str, float]:
    """`readlist import SOURCE` into a fresh library by the tree: seconds and peak MB."""
    library = work / "library.db"
    for stale in work.glob("library.db*"):
        stale.unlink()
    home = work / "home"
    env = {
        **os.environ,
        "PYTHONPATH": str(tree),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
    }
    env.pop("READLIST_DB", None)
    env.pop("READLIST_CONFIG", None)
    command = [sys.executable, "-m", "readlist", "--db", str(library), "import", "--json"]
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%e %M", *command, str(source)],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, kib = done.stderr.strip().splitlines()[-1].split()
    report = json.loads(done.stdout)
    look_alikes = json.loads(
        ((source if source.is_dir() else source.parent) / ".truth.json").read_text()
    )["look_alikes"]
    return {
        "seconds": float(seconds),
        "peak_mb": round(int(kib) / 1024),
        "listings": sum(f["papers"] for f in report["files"]),
        "distinct": report["library_papers"],
        "look_alikes_merged": wrongly_merged(library, look_alikes),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--one-file", default="", help="sizes of the one-dump imports")
    parser.add_argument("--tree", action="append", default=[], help="NAME=PATH, repeatable")
    parser.add_argument("--repeat", type=int, default=1, help="imports per tree (median)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/readlist-dense-bench"))
    parser.add_argument("--json", type=Path, help="write every figure here")
    args = parser.parse_args()
    trees = dict(t.split("=", 1) for t in args.tree) or {"this": str(ROOT)}
    sizes = [int(s) for s in args.sizes.split(",") if s]
    args.work.mkdir(parents=True, exist_ok=True)
    figures: list[dict[str, object]] = []
    per_listing: dict[tuple[str, str, int], float] = {}
    for n in sizes:
        for corpus in ("unique", "shared"):
            folder = generated(n, corpus, args.work / f"{corpus}-{n}")
            raw_s, rows = raw_limit(folder, args.work)
            raw_us = raw_s / rows * 1e6
            print(f"{corpus:6s} {n:>7,}  raw limit {raw_us:6.1f} us/listing ({raw_s:.1f} s)")
            runs: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
            for _ in range(args.repeat):  # the trees interleaved
                for name, tree in trees.items():
                    runs[name].append(cli_import(Path(tree), folder, args.work))
            for name, done in runs.items():
                got = sorted(done, key=lambda r: r["seconds"])[len(done) // 2]
                us = got["seconds"] / rows * 1e6
                per_listing[(name, corpus, n)] = us
                print(
                    f"{corpus:6s} {n:>7,}  {name:8s} {us:6.1f} us/listing "
                    f"({got['seconds']:.1f} s, {us / raw_us:.1f}x raw, peak {got['peak_mb']} MB; "
                    f"{got['distinct']:,} papers of {n:,}, "
                    f"{got['look_alikes_merged']} look-alikes merged)",
                    flush=True,
                )
                figures.append(
                    {"corpus": corpus, "n": n, "tree": name, "rows": rows, "raw_s": raw_s, **got}
                )
    if len(sizes) > 1:
        for name in trees:
            for corpus in ("unique", "shared"):
                ratio = (
                    per_listing[(name, corpus, sizes[-1])] / per_listing[(name, corpus, sizes[0])]
                )
                sized = f"{sizes[-1]:,}/{sizes[0]:,}"
                print(f"{name:8s} {corpus:6s} per-listing cost {sized}: {ratio:.2f}x")
    for n in (int(s) for s in args.one_file.split(",") if s):
        folder = generated(n, "shared", args.work / f"one-{n}", one_file=True)
        for name, tree in trees.items():
            got = cli_import(Path(tree), folder / "one.txt", args.work)
            print(
                f"one file {n:>7,}  {name:8s} {got['seconds']:.1f} s, peak {got['peak_mb']} MB; "
                f"{got['distinct']:,} papers of {n:,}, "
                f"{got['look_alikes_merged']} look-alikes merged",
                flush=True,
            )
            figures.append({"corpus": "shared-one-file", "n": n, "tree": name, **got})
    if args.json is not None:
        args.json.write_text(json.dumps(figures, indent=1))


if __name__ == "__main__":
    main()
