"""Imports, marks and notes from several processes at once on one library: every one of
them lands, and none fails with "database is locked"."""

from __future__ import annotations

import multiprocessing
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from readlist.core.ingest.importer import Importer
from readlist.core.store import Store
from readlist.core.store import connection as store_module
from tests.safety.support import (
    PaperMaker,
    dump_text,
    open_in_step,
    start_readlist,
    wait_until,
    write_dumps,
)

SEED_PAPERS = 400
FRESH_PER_DUMP = 500
SHARED = 150  # papers both folders list
IN_FLIGHT = 4  # mark and note commands running at a time


@dataclass(frozen=True)
class Folders:
    a: Path
    b: Path
    papers: int  # distinct papers in the seed and both folders
    seed: str  # the seed dump's text


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> Folders:
    """Two folders of three dumps each: the same 150 papers in both, and each lists 50
    seed papers again (papers the marks and notes below change)."""
    root = tmp_path_factory.mktemp("concurrent")
    maker = PaperMaker(seed=2)
    seed = maker.papers(SEED_PAPERS)
    shared = maker.papers(SHARED)
    a = [maker.papers(FRESH_PER_DUMP) for _ in range(3)]
    b = [maker.papers(FRESH_PER_DUMP) for _ in range(3)]
    a[0] += shared + seed[:50]
    b[1] = shared + b[1] + seed[50:100]
    return Folders(
        a=write_dumps(root / "a", a)[0].parent,
        b=write_dumps(root / "b", b, month="Apr")[0].parent,
        papers=SEED_PAPERS + 6 * FRESH_PER_DUMP + SHARED,
        seed=dump_text(seed, "Feb 1, 2025"),
    )


@pytest.fixture
def library(folders: Folders, tmp_path: Path) -> Path:
    """The seed papers, with stars, read marks and a note set before on papers 90-99,
    which folder b lists again."""
    path = tmp_path / "library.db"
    with Store.open(path) as store:
        assert Importer(store).import_bytes(folders.seed.encode(), "seed").new == SEED_PAPERS
        store.set_flag(range(90, 100), "read", True)
        store.set_flag(range(95, 100), "starred", True)
        store.set_note(90, "set before the imports")
    return path


def _commands() -> list[tuple[str, ...]]:
    """Marks and notes on the seed papers (ids 1-400), a few on papers the imports list
    again; one change per paper, so that the end state does not depend on the order."""
    marks: list[tuple[str, ...]] = [("mark", str(i), "--star") for i in range(1, 5)]
    marks += [("mark", str(i), "--read") for i in range(20, 24)]
    marks += [("mark", "60", "61", "62", "--star", "--read"), ("mark", "300", "--unread")]
    notes: list[tuple[str, ...]] = [
        ("note", str(i), f"note {i}: see §2, and the appendix") for i in range(40, 44)
    ]
    notes += [("note", str(i), f"note {i}") for i in range(200, 202)]
    return [c for pair in zip(marks, notes, strict=False) for c in pair] + marks[len(notes) :]


def _run_stream(
    library: Path, commands: list[tuple[str, ...]], imports: list[subprocess.Popen[str]]
) -> list[tuple[tuple[str, ...], int, str, bool]]:
    """Run the commands as separate processes, IN_FLIGHT at a time, each started as soon
    as one before it ends. Returns each command, its exit code, its stderr, and whether
    an import was still running when it ended."""
    running: list[tuple[tuple[str, ...], subprocess.Popen[str]]] = []
    done = []

    def still_running() -> int:
        for command, process in list(running):
            if process.poll() is not None:
                running.remove((command, process))
                _, err = process.communicate()
                importing = any(p.poll() is None for p in imports)
                done.append((command, process.returncode, err, importing))
        return len(running)

    for command in commands:
        wait_until(lambda: still_running() < IN_FLIGHT, "a command to end")
        running.append((command, start_readlist(library, *command)))
    wait_until(lambda: still_running() == 0, "the last commands to end")
    return done


def test_imports_marks_and_notes_at_once_all_land(folders: Folders, library: Path) -> None:
    imports = [start_readlist(library, "import", str(f)) for f in (folders.a, folders.b)]
    try:
        results = _run_stream(library, _commands(), imports)
        outputs = [p.communicate(timeout=60) for p in imports]
    finally:
        for p in imports:
            if p.poll() is None:
                p.kill()
                p.communicate()

    assert len(results) == len(_commands())
    assert [(c, code, err) for c, code, err, _ in results if code != 0 or err] == []
    assert any(importing for *_, importing in results), "marks and notes ran during imports"
    for p, (out, err) in zip(imports, outputs, strict=True):
        assert (p.returncode, err) == (0, "")
        assert out.count(".txt ") == 3 and "refused" not in out, out

    with Store.open(library) as store:
        assert store.check_integrity() == []
        stats = store.stats()
        notes = dict(store.conn.execute("SELECT paper_id, note FROM state WHERE note != ''"))
        starred = {r[0] for r in store.conn.execute("SELECT paper_id FROM state WHERE starred")}
        read = {r[0] for r in store.conn.execute("SELECT paper_id FROM state WHERE read")}
    assert stats.papers == folders.papers, "both imports, the shared papers merged"
    assert stats.dumps == 7
    assert starred == {*range(1, 5), 60, 61, 62, *range(95, 100)}
    assert read == {*range(20, 24), 60, 61, 62, *range(90, 100)}
    assert notes == {i: f"note {i}: see §2, and the appendix" for i in range(40, 44)} | {
        i: f"note {i}" for i in range(200, 202)
    } | {90: "set before the imports"}


def test_two_imports_creating_the_library_at_once(folders: Folders, tmp_path: Path) -> None:
    library = tmp_path / "new.db"
    imports = [start_readlist(library, "import", str(f)) for f in (folders.a, folders.b)]
    outputs = [p.communicate(timeout=60) for p in imports]
    for p, (_, err) in zip(imports, outputs, strict=True):
        assert (p.returncode, err) == (0, "")
    with Store.open(library) as store:
        assert store.check_integrity() == []
        assert store.stats().papers == folders.papers - SEED_PAPERS + 100  # 100 seed repeats


# -- many processes creating one new library at the same instant --------------------------

ROUNDS = 20
CREATORS = 4


def test_processes_creating_a_library_at_the_same_instant_all_succeed(tmp_path: Path) -> None:
    """Started together on a barrier, round after round: a race in the creation of a
    library (reading its version, switching it to WAL) shows within a few rounds."""
    paths = [tmp_path / f"new{i}.db" for i in range(ROUNDS)]
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(CREATORS)
    results = context.Queue()
    workers = [
        context.Process(target=open_in_step, args=(paths, barrier, results))
        for _ in range(CREATORS)
    ]
    for worker in workers:
        worker.start()
    outcomes = [results.get(timeout=60) for _ in range(ROUNDS * CREATORS)]
    for worker in workers:
        worker.join(timeout=30)
        assert worker.exitcode == 0
    assert [o for o in outcomes if o is not None] == []
    for path in paths:
        with Store.open(path) as store:
            assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
            assert store.check_integrity() == []


# -- another process acting between any two steps of opening a new library -----------------

REAL_CONNECT = sqlite3.connect


class Interleave:
    """Lets another connection (standing for another process) act just before the n-th
    statement Store.open runs: `intrude(sql)` says whether it could (a process that would
    have to wait for this one cannot act here), and `release` runs before the first later
    statement run outside a transaction (where the other would no longer have to wait for
    this one). Stands in for sqlite3.connect; only the first connection made is watched."""

    def __init__(
        self,
        at: int,
        intrude: Callable[[str], bool],
        release: Callable[[], object] = lambda: None,
    ) -> None:
        self.at = at
        self.intrude = intrude
        self.release = release
        self.statements = 0
        self.intruded = False
        self.released = False
        self.errors: list[BaseException] = []
        self._conn: sqlite3.Connection | None = None

    def connect(self, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        conn: sqlite3.Connection = REAL_CONNECT(*args, **kwargs)
        if self._conn is None:
            self._conn = conn
            conn.set_trace_callback(self._before)
        return conn

    @property
    def in_transaction(self) -> bool:
        return self._conn is not None and self._conn.in_transaction

    def finish(self) -> None:
        if self.intruded and not self.released:
            self.released = True
            self.release()

    def _before(self, sql: str) -> None:
        if sql.startswith("--"):  # run inside another statement (FTS5's own)
            return
        self.statements += 1
        try:
            if self.intruded and not self.released and not self.in_transaction:
                self.finish()
            if self.statements == self.at:
                self.intruded = self.intrude(sql)
        except BaseException as exc:  # a trace callback's errors are otherwise lost
            self.errors.append(exc)


def _locked(exc: sqlite3.OperationalError) -> bool:
    return exc.sqlite_errorcode & 0xFF == sqlite3.SQLITE_BUSY


def _create(path: Path, sql: str) -> bool:
    """Another process opening the library, creating it if it is new."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(store_module, "BUSY_TIMEOUT_MS", 0)  # it cannot wait: we would not go on
        try:
            Store.open(path).close()
        except sqlite3.OperationalError as exc:
            if _locked(exc):
                return False
            raise
    return True


class LockHolder:
    """Another process inside a write transaction (creating the library, importing)."""

    def __init__(self, path: Path) -> None:
        self.conn: sqlite3.Connection = REAL_CONNECT(path, isolation_level=None, timeout=0)

    def hold(self, sql: str) -> bool:
        if sql.startswith("BEGIN"):  # Store.open would wait for it, which could not let go
            return False
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            if _locked(exc):
                return False
            raise
        return True

    def release(self) -> None:
        self.conn.execute("COMMIT")


def _open_interleaved(path: Path, interleave: Interleave) -> None:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(sqlite3, "connect", interleave.connect)
        Store.open(path).close()
    interleave.finish()
    assert interleave.errors == [], f"the other process, before step {interleave.at}"
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.check_integrity() == []


def _steps_to_create(path: Path) -> int:
    counter = Interleave(0, lambda sql: False)
    _open_interleaved(path, counter)
    return counter.statements


def test_another_process_creating_the_library_at_any_step_of_opening_it(
    tmp_path: Path,
) -> None:
    """Whatever moment another process creates the library at, opening it succeeds: no
    step reads half of one state of the file and half of another."""
    steps = _steps_to_create(tmp_path / "count.db")
    intruded = 0
    for at in range(1, steps + 1):
        path = tmp_path / f"at{at}.db"
        interleave = Interleave(at, partial(_create, path))
        _open_interleaved(path, interleave)
        intruded += interleave.intruded
    assert intruded >= 5  # the harness did get in, at several steps


def test_another_process_holding_the_write_lock_at_any_step_of_opening(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process holds the write lock over any one step of opening a new library:
    opening waits for it, as busy_timeout promises, never "database is locked"."""
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 3000)  # a wrong wait fails sooner
    steps = _steps_to_create(tmp_path / "count.db")
    intruded = 0
    for at in range(1, steps + 1):
        path = tmp_path / f"at{at}.db"
        other = LockHolder(path)
        try:
            interleave = Interleave(at, other.hold, other.release)
            _open_interleaved(path, interleave)
        finally:
            other.conn.close()
        intruded += interleave.intruded
    assert intruded >= 5  # the harness did get in, at several steps
