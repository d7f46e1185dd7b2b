"""SIGKILL at any moment of a big import leaves the library sound: each dump is all there,
or not there at all, or (a dump written in parts, see Importer.import_ready) its
first parts whole; the user's stars, read marks and notes are as they were; and running
the same import again finishes it, ending with the library an uninterrupted import makes.
tests/safety/test_import_lock.py kills a single big dump between its parts."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    write_dumps,
)

SEED_PAPERS = 300
SEED_WITHOUT_ABSTRACT = 20  # the seed dump lists these bare; the first big dump adds one
DUMPS = 5
FRESH_PER_DUMP = 1450
REPEATS_PER_DUMP = 50  # seed papers each big dump lists again
PAPERS_PER_DUMP = FRESH_PER_DUMP + REPEATS_PER_DUMP


@dataclass(frozen=True)
class World:
    folder: Path  # the big dumps
    dumps: list[Path]
    base: Path  # the library before the import: seed papers, stars, read marks, notes
    state: list[tuple[Any, ...]]
    size: int  # of the base library file
    reference: dict[str, tuple[int, str]]  # the library after an uninterrupted import


def _seed_library(path: Path, seed: list[tuple[str, str]]) -> None:
    listed = [(t, "" if i < SEED_WITHOUT_ABSTRACT else a) for i, (t, a) in enumerate(seed)]
    with Store.open(path) as store:
        report = Importer(store).import_bytes(dump_text(listed, "Feb 1, 2025").encode(), "seed")
        assert report.new == SEED_PAPERS
        ids = [store.conn.execute("SELECT id FROM papers WHERE title = ?", (t,)).fetchone()[0]
               for t, _ in seed]  # fmt: skip
        # Stars, read marks and notes on papers the import lists again (the first 250),
        # notes on papers whose abstract it fills in (the first 20), and an unstarred one.
        store.set_flag(ids[:40], "starred", True)
        store.set_flag(ids[5:8], "starred", False)
        store.set_flag(ids[30:90], "read", True)
        for i in [*range(0, 25), 120, 299]:
            store.set_note(ids[i], f"note {i}: read §3 first\nthen the appendix")


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> World:
    root = tmp_path_factory.mktemp("crash")
    maker = PaperMaker(seed=1)
    seed = maker.papers(SEED_PAPERS)
    dumps = []
    for k in range(DUMPS):
        papers = maker.papers(FRESH_PER_DUMP)
        for j, repeat in enumerate(seed[k * REPEATS_PER_DUMP : (k + 1) * REPEATS_PER_DUMP]):
            papers.insert(j * 29, repeat)
        dumps.append(papers)
    folder = root / "dumps"
    paths = write_dumps(folder, dumps)
    base = root / "base.db"
    _seed_library(base, seed)

    reference = root / "reference.db"
    shutil.copy(base, reference)
    done = run_readlist(reference, "import", str(folder))
    assert done.returncode == 0, done.stderr
    with Store.open(reference) as store:
        assert store.stats().papers == SEED_PAPERS + DUMPS * FRESH_PER_DUMP
        assert store.check_integrity() == []
        bare = store.conn.execute(
            "SELECT count(*) FROM papers WHERE abstract = '' OR times_seen != 2 AND id <= ?",
            (REPEATS_PER_DUMP * DUMPS,),
        ).fetchone()[0]
        assert bare == 0, "every seed paper a dump lists again is merged, bare ones filled"
    return World(folder, paths, base, user_state(base), base.stat().st_size, contents(reference))


class Watch:
    """The import from outside, as another process sees it: how many dumps have been
    committed whole, whether someone holds the write lock, how big the files are."""

    def __init__(self, db: Path) -> None:
        self.db = db
        self.conn = sqlite3.connect(db, isolation_level=None, timeout=0)

    def dumps(self) -> int:
        try:
            return int(
                self.conn.execute("SELECT count(*) FROM dumps WHERE written IS NULL").fetchone()[0]
            )
        except sqlite3.OperationalError:  # busy for a moment: ask again
            return -1

    def writing(self) -> bool:
        """Someone (the import) is inside a write transaction."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            assert "locked" in str(exc), exc
            return True
        self.conn.execute("ROLLBACK")
        return False

    def size(self, suffix: str = "") -> int:
        try:
            return os.stat(f"{self.db}{suffix}").st_size
        except FileNotFoundError:
            return 0

    def close(self) -> None:
        self.conn.close()


KillPoint = Callable[[Watch, World], Callable[[], bool]]


def inside_dump(n: int) -> KillPoint:
    """While the n-th dump's transaction (or a later one's) is open, before its commit."""
    return lambda watch, _: lambda: watch.dumps() >= n and watch.writing()


def after_dump(n: int) -> KillPoint:
    """As soon as the n-th dump has committed."""
    return lambda watch, _: lambda: watch.dumps() >= n + 1


def committing_dump(n: int) -> KillPoint:
    """Once the n-th dump's commit has begun to write to the log: the log grows only at
    commits (an import's page cache holds a whole dump)."""

    def point(watch: Watch, _: World) -> Callable[[], bool]:
        log = -1

        def condition() -> bool:
            nonlocal log
            if log < 0:
                if watch.dumps() >= n:  # the seed dump and n - 1 big ones
                    log = watch.size("-wal")
                return False
            return watch.size("-wal") > log

        return condition

    return point


def checkpointing(watch: Watch, world: World) -> Callable[[], bool]:
    """Once every dump is in and the log has begun to be copied into the library file."""
    return lambda: watch.dumps() == 1 + DUMPS and watch.size() > world.size


KILL_POINTS: dict[str, KillPoint] = {
    "inside-dump-1": inside_dump(1),
    "after-dump-2": after_dump(2),
    "inside-dump-3": inside_dump(3),
    "committing-dump-4": committing_dump(4),
    "checkpointing": checkpointing,
}
COMMITTED_AT_LEAST = {  # big dumps in the library once killed there
    "inside-dump-1": 0,
    "after-dump-2": 2,
    "inside-dump-3": 2,
    "committing-dump-4": 3,
    "checkpointing": DUMPS,
}


@pytest.fixture
def library(world: World, tmp_path: Path) -> Path:
    path = tmp_path / "library.db"
    shutil.copy(world.base, path)
    return path


def _import_and_kill(world: World, library: Path, kill_point: str) -> None:
    """Start the import and SIGKILL it once the kill point's condition holds."""
    watch = Watch(library)
    process = start_readlist(library, "import", str(world.folder))
    try:
        wait_until(KILL_POINTS[kill_point](watch, world), kill_point, process=process)
        watch.close()  # the library's log is left as the killed import leaves it
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        assert process.returncode == -signal.SIGKILL, "killed, not finished"
    finally:
        watch.close()
        if process.poll() is None:
            process.kill()
            process.communicate()


@pytest.mark.parametrize("kill_point", list(KILL_POINTS))
def test_killed_import_loses_nothing(world: World, library: Path, kill_point: str) -> None:
    _import_and_kill(world, library, kill_point)

    with Store.open(library) as store:
        assert store.check_integrity() == []
        dumps = store.conn.execute(
            """SELECT d.source, d.papers, coalesce(d.written, d.papers),
                      (SELECT count(*) FROM sightings WHERE dump_id = d.id),
                      (SELECT max(listing) + 1 FROM sightings WHERE dump_id = d.id),
                      (SELECT count(*) FROM sightings WHERE dump_id = d.id AND match = 'new')
               FROM dumps d ORDER BY d.id"""
        ).fetchall()
        papers = store.stats().papers
        unseen = store.conn.execute(
            "SELECT count(*) FROM papers WHERE id NOT IN (SELECT paper_id FROM sightings)"
        ).fetchone()[0]
    whole = [d[:4] for d in dumps[1:] if d[2] == d[1]]
    committed = len(whole)  # big dumps whole, after the seed
    assert committed >= COMMITTED_AT_LEAST[kill_point]
    assert dumps[0][:4] == ("seed", SEED_PAPERS, SEED_PAPERS, SEED_PAPERS)
    every = [(str(path), PAPERS_PER_DUMP, PAPERS_PER_DUMP, PAPERS_PER_DUMP) for path in world.dumps]
    assert whole == every[:committed], "whole dumps, in order, each with all its papers"
    in_part = dumps[1 + committed :]  # at most one, the next dump: its first parts
    assert len(in_part) <= 1
    added = 0
    for source, listed, written, sightings, listings, new in in_part:
        assert (source, listed) == (str(world.dumps[committed]), PAPERS_PER_DUMP)
        assert 0 < written < listed
        assert sightings == listings == written, "whole parts: the dump's first listings"
        added = new
    assert papers == SEED_PAPERS + committed * FRESH_PER_DUMP + added
    assert unseen == 0
    assert user_state(library) == world.state

    done = run_readlist(library, "import", str(world.folder))
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("already imported") == committed
    assert contents(library) == world.reference, "as if the import had never been killed"
