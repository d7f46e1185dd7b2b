"""A generated library of N papers, built once by readlist's own import and cached.

    python bench/library.py N [--work DIR]

The app and CLI benchmarks read these; building 1M takes a while, so it is kept in
bench/out/library-N.db (outside git) and reused while the generator is unchanged.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate

from readlist.core.importer import Importer
from readlist.core.store import Store

HERE = Path(__file__).resolve().parent
DEFAULT_WORK = HERE / "out"


def _fingerprint() -> str:
    """Rebuild when the generator or the importer changes."""
    sources = [HERE / "generate.py", HERE.parent / "readlist" / "core" / "importer.py"]
    return hashlib.sha256(b"".join(p.read_bytes() for p in sources)).hexdigest()[:12]


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
    start = time.perf_counter()
    generate(n, dumps, seed=7)
    files = sorted(dumps.glob("*.txt"))
    with Store.open(path) as store:
        importer = Importer(store)
        for index, dump in enumerate(files, 1):
            report = importer.import_bytes(dump.read_bytes(), dump.name)
            if report.error is not None:
                raise SystemExit(f"{dump}: {report.error}")
            if not quiet and index % 50 == 0:
                print(f"  {index}/{len(files)} dumps, {time.perf_counter() - start:.0f} s")
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    shutil.rmtree(dumps, ignore_errors=True)
    stamp.write_text(_fingerprint())
    if not quiet:
        print(f"built {path} in {time.perf_counter() - start:.0f} s")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    args = parser.parse_args()
    print(ensure_library(args.n, args.work))


if __name__ == "__main__":
    main()
