"""A big import holds the write lock a part at a time: a star or a `mark` meanwhile waits
for one part at most (about a second), never for the whole import, and never fails with
"database is locked". SIGKILL between two parts leaves the parts written, whole, and
importing the file again finishes it, as if it had never been stopped."""

from __future__ import annotations

import shutil
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from readlist.core.ingest.importer import Importer
from readlist.core.store import Store
from tests.safety.support import (
    PaperMaker,
    contents,
    dump_text,
    run_readlist,
    start_readlist,
    user_state,
    wait_until,
)

PAPERS = 30_000  # one dump: ~10 s of import on a loaded machine, one transaction before
WAIT_BOUND = 5.0  # seconds: a bound on how long the import holds the lock, not a benchmark
FLAGS = 3  # flags set while the import writes (at least two: it may end before the third)


@pytest.fixture(scope="module")
def big_dump(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("lock") / "big.txt"
    path.write_text(dump_text(PaperMaker(seed=3).papers(PAPERS), "Mar 3, 2025"), "utf-8")
    return path


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A library holding one paper of the user's, starred and noted."""
    path = tmp_path_factory.mktemp("base") / "base.db"
    seed = dump_text([("A Paper Of Mine", "It is mine. It has an abstract.")], "Mar 1, 2025")
    with Store.open(path) as store:
        assert Importer(store).import_bytes(seed.encode(), "seed").new == 1
        store.set_flag([1], "starred", True)
        store.set_note(1, "keep")
    return path


def _writing(probe: sqlite3.Connection) -> bool:
    """Someone (the import) is inside a write transaction."""
    try:
        probe.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as exc:
        assert "locked" in str(exc), exc
        return True
    probe.execute("ROLLBACK")
    return False


def test_a_flag_waits_for_one_part_not_the_whole_import(
    big_dump: Path, base: Path, tmp_path: Path
) -> None:
    library = tmp_path / "library.db"
    shutil.copy(base, library)
    process = start_readlist(library, "import", str(big_dump))
    probe = sqlite3.connect(library, isolation_level=None, timeout=0)
    waits: list[float] = []
    try:
        with Store.open(library) as store:
            for n in range(FLAGS):
                wait_until(
                    lambda: process.poll() is not None or _writing(probe), "the import to write"
                )
                if process.poll() is not None:
                    break
                start = time.monotonic()
                store.set_flag([1], "read", n % 2 == 0)  # a real write, behind the import's
                waits.append(time.monotonic() - start)
        _, err = process.communicate(timeout=120)
    finally:
        probe.close()
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, err
    assert len(waits) >= 2, f"the import ended after {len(waits)} flag(s): {waits}"
    assert max(waits) < WAIT_BOUND, f"a flag waited {max(waits):.1f} s behind the import"
    with Store.open(library) as store:
        assert store.stats().papers == PAPERS + 1
        paper = store.get(1)
        assert (paper.starred, paper.read, paper.note) == (True, len(waits) % 2 == 1, "keep")
        assert store.check_integrity() == []


@pytest.fixture(scope="module")
def reference(big_dump: Path, base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The library after an uninterrupted import of the big dump."""
    path = tmp_path_factory.mktemp("reference") / "reference.db"
    shutil.copy(base, path)
    done = run_readlist(path, "import", str(big_dump), timeout=120)
    assert done.returncode == 0, done.stderr
    return path


def _unfinished(library: Path) -> int:
    """Listings written of a dump written in part; 0 if none is."""
    conn = sqlite3.connect(library, isolation_level=None, timeout=0)
    try:
        row = conn.execute("SELECT written FROM dumps WHERE written IS NOT NULL").fetchone()
    except sqlite3.OperationalError:  # busy for a moment: ask again
        return 0
    finally:
        conn.close()
    return 0 if row is None else int(row[0])


def test_killed_between_parts_keeps_whole_parts_and_a_second_import_finishes(
    big_dump: Path, base: Path, reference: Path, tmp_path: Path
) -> None:
    library = tmp_path / "library.db"
    shutil.copy(base, library)
    process = start_readlist(library, "import", str(big_dump))
    try:
        wait_until(lambda: _unfinished(library) > 0, "a first part", process=process)
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()

    with Store.open(library) as store:
        assert store.check_integrity() == []
        written, listed = store.conn.execute(
            "SELECT written, papers FROM dumps WHERE source = ?", (str(big_dump),)
        ).fetchone()
        assert 0 < written < listed == PAPERS
        listings = [
            row[0]
            for row in store.conn.execute(
                """SELECT listing FROM sightings WHERE dump_id = (SELECT max(id) FROM dumps)
                   ORDER BY listing"""
            )
        ]
        assert listings == list(range(written)), "whole parts: the dump's first listings"
        assert store.stats().papers == 1 + written  # every paper of the dump is new
    assert user_state(library) == user_state(base)

    done = run_readlist(library, "import", str(big_dump), timeout=120)
    assert done.returncode == 0, done.stderr
    assert "already imported" not in done.stdout
    assert contents(library) == contents(reference), "as if it had never been stopped"
    again = run_readlist(library, "import", str(big_dump), timeout=120)
    assert "already imported" in again.stdout
