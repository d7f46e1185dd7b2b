"""A generated library of N papers, built once by readlist's own import and cached.

    python bench/library.py N [--work DIR]
    python bench/library.py N --against TREE [--rounds R]
    python bench/library.py N [N ...] --one-file

The app and CLI benchmarks read these; building 1M takes a while, so it is kept in
bench/out/library-N.db (outside git) and reused while the generator is unchanged.

With --against, `readlist import` of the N-paper dumps into a fresh library, by this
tree's readlist and by the one in TREE (another checkout, say of main), taking turns
R times in the same run: seconds and microseconds a paper of each, and their ratio.

With --one-file, for each N the N-paper dumps pasted into one file, and the peak RSS of
a `readlist import` of that file into a fresh library (ru_maxrss of that process, from
wait4), with its seconds.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

from readlist.core.ingest import dedupe, import_sources
from readlist.core.store import Store
from readlist.core.store.connection import BULK_CACHE_MIB

HERE = Path(__file__).resolve().parent
DEFAULT_WORK = HERE / "out"


def _fingerprint() -> str:
    """Rebuild when the generator, this module (which times the build) or anything of
    the core changes: the import reaches into most of it (decoding, parsing,
    normalising, dedupe, the store and its schema)."""
    core = HERE.parent / "readlist" / "core"
    sources = [HERE / "generate.py", Path(__file__).resolve(), *sorted(core.rglob("*.py"))]
    return hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()[:12]


class Stopwatch:
    """Time spent inside some functions, summed: the dedupe's share of an import."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def add(self, label: str, seconds: float) -> None:
        self.seconds[label] = self.seconds.get(label, 0.0) + seconds

    def wrap(self, owner: object, name: str, label: str) -> None:
        real = getattr(owner, name)

        def timed(*args: object, **kwargs: object) -> object:
            start = time.perf_counter()
            try:
                return real(*args, **kwargs)
            finally:
                self.add(label, time.perf_counter() - start)

        setattr(owner, name, timed)

    def wrap_writes(self, store: Store) -> None:
        """Everything the import writes, as it writes it: each dump's rows, its blocking
        keys' merges, and the full-text indexing and commit that end its transaction."""
        for name in (
            "add_dump",
            "fill_abstract",
            "add_papers",
            "add_keys",
            "add_sightings",
            "add_reviews",
            "recent_keys",
            "merge_keys",
        ):
            self.wrap(store, name, "writes")
        real = store.transaction

        @contextmanager
        def timed() -> Iterator[None]:
            with real():
                yield
                end = time.perf_counter()  # the body is done: indexing and commit follow
            self.add("writes", time.perf_counter() - end)

        store.transaction = timed  # type: ignore[method-assign]


def cpu_seconds() -> float:
    """CPU time of this process and of its children that have ended and been reaped."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def peak_rss_mb() -> int:
    """This process's own peak RSS (VmHWM). Not ru_maxrss: Linux carries that across
    fork and exec, so a process started by the one that generated the dumps (1.7 GB at
    1M) would report the generator's."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024)
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def reap_children() -> None:
    """Wait until the import's helper processes have ended: the parsing helper is told to
    stop when the import closes it, and ends a moment later."""
    import multiprocessing

    while multiprocessing.active_children():  # reaps those that have ended
        time.sleep(0.01)


def build_figures(n: int, work: Path = DEFAULT_WORK) -> dict[str, float]:
    """How the cached library was built: import time, rows, the dedupe's share."""
    meta = work / f"library-{n}.json"
    return json.loads(meta.read_text()) if meta.exists() else {}


def ensure_library(n: int, work: Path = DEFAULT_WORK, *, quiet: bool = False) -> Path:
    path = work / f"library-{n}.db"
    stamp = path.with_suffix(".stamp")
    if path.exists() and stamp.exists() and stamp.read_text() == _fingerprint():
        return path
    dumps = work / f"dumps-{n}"
    shutil.rmtree(dumps, ignore_errors=True)
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        stale.unlink(missing_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    generate(n, dumps, seed=7)
    # The import runs in a process of its own, as `readlist import` would, whose peak
    # RSS is its own (see peak_rss_mb); its helpers' is the larger of theirs, each from
    # its start (they start small: the parsing helper forked, the writer exec'd).
    done = subprocess.run(
        [sys.executable, __file__, "--import", str(path), str(dumps)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL if quiet else None,
        text=True,
        check=True,
    )
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    shutil.rmtree(dumps, ignore_errors=True)
    (work / f"library-{n}.json").write_text(json.dumps(figures, indent=1))
    stamp.write_text(_fingerprint())
    if not quiet:
        print(f"built {path} in {figures['import_s']:.0f} s: {json.dumps(figures)}")
    return path


def import_dumps(path: Path, dumps: Path) -> dict[str, float]:
    """Import the folder of dumps as `readlist import` does, timing its parts (progress
    on stderr)."""
    files = sorted(dumps.glob("*.txt"))
    watch = Stopwatch()
    # Fingerprints and blocking keys are made with the parsing, in the second process
    # (readlist.core.ingest.ready), overlapped with this one's work: not counted here.
    watch.wrap(dedupe, "match", "matching")
    writes = Stopwatch()  # readlist's own writes, the floor of what the import must do
    rows = 0
    cpu_before = cpu_seconds()
    start = time.perf_counter()
    with Store.open(path) as store, store.bulk():  # as `readlist import` does
        watch.wrap(store, "candidates", "candidate lookup")
        writes.wrap_writes(store)
        with closing(import_sources(store, files)) as reports:
            for index, report in enumerate(reports, 1):
                if report.error is not None:
                    raise SystemExit(report.error)
                rows += report.papers
                if index % 50 == 0:
                    elapsed = time.perf_counter() - start
                    print(f"  {index}/{len(files)} dumps, {elapsed:.0f} s", file=sys.stderr)
        seconds = time.perf_counter() - start
        reap_children()
        cpu = cpu_seconds() - cpu_before
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    dedupe_s = sum(watch.seconds.values())
    return {
        "import_s": round(seconds, 2),
        "import_rows": rows,
        "import_rows_per_s": round(rows / seconds),
        "dedupe_s": round(dedupe_s, 2),
        "dedupe_share": round(dedupe_s / seconds, 3),
        **{f"dedupe_{k.replace(' ', '_')}_s": round(v, 2) for k, v in watch.seconds.items()},
        "writes_s": round(writes.seconds.get("writes", 0.0), 2),
        "import_cpu_s": round(cpu, 2),
        "import_peak_rss_mb": peak_rss_mb(),
        "import_helper_peak_rss_mb": round(
            resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        ),
    }


def cli_import_seconds(tree: Path, db: Path, dumps: Path) -> tuple[float, int]:
    """`readlist import DUMPS --json` by the readlist in `tree`, into a fresh library:
    its wall seconds (start-up and final checkpoint included) and the papers it read."""
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "readlist", "--db", str(db), "import", str(dumps), "--json"],
        env={**os.environ, "PYTHONPATH": str(tree)},
        cwd=tree,
        stdout=subprocess.PIPE,
        check=True,
    )
    seconds = time.perf_counter() - start
    papers = sum(f["papers"] for f in json.loads(done.stdout)["files"])
    return seconds, papers


def compare(n: int, other: Path, rounds: int, work: Path) -> dict[str, object]:
    """This tree's import against `other`'s, on the same dumps, taking turns: the two
    see the same load on a shared machine, so their ratio means more than either."""
    dumps = work / f"dumps-{n}"
    if not (dumps / ".truth.json").exists():
        generate(n, dumps, seed=7)
    trees = {"this": HERE.parent, "other": other.resolve()}
    seconds: dict[str, list[float]] = {name: [] for name in trees}
    papers = 0
    for turn in range(rounds):
        for name, tree in trees.items():
            took, papers = cli_import_seconds(tree, work / f"compare-{name}.db", dumps)
            seconds[name].append(took)
            print(f"  round {turn + 1} {name}: {took:.1f} s", file=sys.stderr)
    best = {name: min(times) for name, times in seconds.items()}
    return {
        "papers": papers,
        **{f"{name}_s": [round(t, 1) for t in times] for name, times in seconds.items()},
        **{f"{name}_us_per_paper": round(best[name] / papers * 1e6) for name in trees},
        "ratio_this_to_other": round(best["this"] / best["other"], 2),
        "ratios_by_round": [round(a / b, 2) for a, b in zip(*seconds.values(), strict=True)],
    }


def one_file_rss(n: int, work: Path, cache_mib: int | None = None) -> dict[str, float]:
    """Peak RSS and seconds of `readlist import` of one file of N papers. The dumps are
    generated in another process, so that this one stays small: a child's ru_maxrss
    starts from its parent's. With `cache_mib`, the import's SQLite page cache is that
    big instead of BULK_CACHE_MIB: the cache fills as the library grows, up to its
    size, and the rest is the import's own memory."""
    one = work / f"one-{n}.txt"
    if not one.exists():
        parts = work / f"one-{n}-parts"
        code = "import sys; from generate import generate; from pathlib import Path; "
        code += f"generate({n}, Path({str(parts)!r}), seed=7)"
        subprocess.run([sys.executable, "-c", code], cwd=HERE, check=True)
        with one.open("wb") as out:
            for dump in sorted(parts.glob("*.txt")):
                out.write(dump.read_bytes())
        shutil.rmtree(parts)
    db = work / f"one-{n}.db"
    for stale in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
        stale.unlink(missing_ok=True)
    start = time.perf_counter()
    main = "import sys; from readlist.cli import main; "
    if cache_mib is not None:
        main += f"import readlist.core.store.connection as c; c.BULK_CACHE_MIB = {cache_mib}; "
    main += "sys.argv[0] = 'readlist'; main()"
    child = subprocess.Popen(
        [sys.executable, "-c", main, "--db", str(db), "import", str(one), "--json"],
        env={**os.environ, "PYTHONPATH": str(HERE.parent)},
        cwd=HERE.parent,
        stdout=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"readlist import {one} failed: {child.returncode}")
    return {
        "papers": n,
        "file_mb": round(one.stat().st_size / 2**20),
        "import_s": round(time.perf_counter() - start, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "sqlite_cache_mib": BULK_CACHE_MIB if cache_mib is None else cache_mib,
    }


def main() -> None:
    if sys.argv[1:2] == ["--import"]:  # ensure_library's import, in a process of its own
        print(json.dumps(import_dumps(Path(sys.argv[2]), Path(sys.argv[3]))))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, nargs="+")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--against", type=Path, help="another readlist checkout to time")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--one-file", action="store_true", help="peak RSS of one big file")
    parser.add_argument("--cache-mib", type=int, help="--one-file: the SQLite cache's size")
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    for n in args.n:
        if args.one_file:
            print(json.dumps(one_file_rss(n, args.work, args.cache_mib)))
        elif args.against is not None:
            print(json.dumps(compare(n, args.against, args.rounds, args.work)))
        else:
            print(ensure_library(n, args.work))


if __name__ == "__main__":
    main()
