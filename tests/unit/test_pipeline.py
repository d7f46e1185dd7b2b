"""A big import decides each dump here while a writer process writes the ones decided
before it (readlist.core.ingest.pipeline). Whatever it overlaps, the library must come out as
the same imports one after another would leave it; and when the library changes under
it, or the writer dies or fails, nothing is lost and nothing is written twice."""

from __future__ import annotations

import json
import os
import pickle
import queue
import signal
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from readlist.cli import cli
from readlist.core.ingest import importer as importer_module
from readlist.core.ingest import pipeline
from readlist.core.ingest.importer import Importer, Progress
from readlist.core.ingest.planned import write_planned
from readlist.core.ingest.ready import ReadyDump, ready_dump
from readlist.core.models import FileReport
from readlist.core.store import Store
from tests.conftest import NOW, SAMPLE_DUMPS
from tests.safety.support import PaperMaker, dump_text
from tests.unit.test_importer import make_dump
from tests.unit.test_staged_keys import _CONTENTS

_AGENTS = "Agents route tokens to experts. Sparse experts help."
_TINY = "Recursion beats depth. We show it on puzzles."


def _dumps() -> list[tuple[str, bytes]]:
    """Dumps whose papers meet papers of the dumps just before them, still being written
    when these are decided; then the sample dumps, and one of them again."""
    bare = make_dump([("Tiny Recursive Models", ""), ("Sparse Mixture of Agents", _AGENTS)])
    samples = [(p.name, p.read_bytes()) for p in sorted(SAMPLE_DUMPS.glob("*.txt"))]
    return [
        ("bare.txt", bare),
        ("bare-again.txt", bare),  # the same dump, not yet written: already imported
        # The first abstract for a paper not yet written, and a typo'd title of one.
        (
            "filled.txt",
            make_dump([("Tiny Recursive Models", _TINY), ("Sparse Mixture of Agent", _AGENTS)]),
        ),
        (
            "twice.txt",
            make_dump(
                [
                    ("TINY RECURSIVE MODELS", _TINY),
                    ("Sparse Mixture of Agents", _AGENTS),
                    ("Sparse Mixture of Agents", _AGENTS),
                ],
                "Nov 21",
            ),
        ),
        *samples,
        samples[0],  # written long before: already imported
    ]


@contextmanager
def _write_lock_held(
    path: Path, then_import: tuple[str, bytes] | None = None
) -> Iterator[threading.Event]:
    """Another connection holds the library's write lock until the event is set (the
    writer waits, and the importer decides the next dumps with these still in flight),
    and then imports `then_import`, if given, before it lets go."""
    locked, release = threading.Event(), threading.Event()
    released: list[bool] = []  # by the importer's progress, not a timeout

    def hold() -> None:
        with Store.open(path) as store, store.transaction():
            locked.set()
            released.append(release.wait(30))
            if then_import is not None:
                prepared = ready_dump(then_import[1], then_import[0], NOW.date())
                assert isinstance(prepared, ReadyDump)
                ids = (store.next_paper_id(), store.next_dump_id())
                _, batch = Importer(store, now=NOW).plan(prepared, ids)
                write_planned(store, batch.planned)

    holder = threading.Thread(target=hold)
    holder.start()
    assert locked.wait(30)
    try:
        yield release
    finally:
        release.set()
        holder.join()
    assert released == [True]


def _release_when(source: str, release: threading.Event) -> pipeline.Track:
    @contextmanager
    def track(prepared: ReadyDump) -> Iterator[Progress | None]:
        if prepared.source == source:
            release.set()
        yield None

    return track


def _prepared(dumps: list[tuple[str, bytes]]) -> list[ReadyDump | FileReport]:
    return [ready_dump(data, source, NOW.date()) for source, data in dumps]


def _contents(path: Path) -> list[list[object]]:
    with Store.open(path) as store:
        assert store.check_integrity() == []
        tables = [sorted(store.conn.execute(sql).fetchall()) for sql in _CONTENTS]
        dumps = store.conn.execute("SELECT id, sha256, source, papers FROM dumps").fetchall()
        return [*tables, sorted(dumps)]


def _in_line(path: Path, dumps: list[tuple[str, bytes]]) -> list[FileReport]:
    with Store.open(path) as store:
        importer = Importer(store, now=NOW)
        return [importer.import_prepared(item) for item in _prepared(dumps)]


@contextmanager
def _spied(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, list[object]]]:
    """What the writer did: the writers started, and each dump's answer."""
    seen: dict[str, list[object]] = {"writers": [], "answers": []}
    start, committed = pipeline._Writer.start, pipeline._Writer.committed

    def spied_start(path: Path, timings: dict[str, float]) -> pipeline._Writer:
        writer = start(path, timings)
        seen["writers"].append(writer)
        return writer

    def spied_committed(self: pipeline._Writer) -> bool:
        answer = committed(self)
        seen["answers"].append(answer)
        return answer

    monkeypatch.setattr(pipeline._Writer, "start", staticmethod(spied_start))
    monkeypatch.setattr(pipeline._Writer, "committed", spied_committed)
    yield seen


def _pipelined(
    path: Path, items: list[ReadyDump | FileReport], track: pipeline.Track = pipeline._untracked
) -> list[FileReport]:
    with Store.open(path) as store:
        importer = Importer(store, now=NOW)
        with closing(pipeline.import_all(importer, items, track=track, writer_after=0)) as done:
            return list(done)


@pytest.mark.parametrize("run_keys_cap", [importer_module.RUN_KEYS_CAP, 40])
def test_the_writer_leaves_the_library_an_import_in_line_leaves(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_keys_cap: int
) -> None:
    """Every dump written by the writer process: the same papers, sightings, reviews,
    keys and dumps, and the same reports, as importing them one after another. The
    writer is held back until the fourth dump is decided, so the second, third and
    fourth are decided against dumps not yet written. With a small run the importer
    also waits for what is in flight whenever its run starts afresh."""
    monkeypatch.setattr(importer_module, "RUN_KEYS_CAP", run_keys_cap)
    dumps = _dumps()
    expected = _in_line(tmp_path / "in-line.db", dumps)
    path = tmp_path / "piped.db"
    Store.open(path).close()
    with _spied(monkeypatch) as seen, _write_lock_held(path) as release:
        # A small run waits for the written library before its fourth dump: let it.
        track = _release_when(dumps[3 if run_keys_cap > 40 else 0][0], release)
        reports = _pipelined(path, _prepared(dumps), track)
    assert reports == expected
    assert [r.already_imported for r in reports] == [False, True] + [False] * 7 + [True]
    assert len(seen["writers"]) == 1
    assert seen["answers"] == [True] * (len(dumps) - 2)  # all but the two already imported
    assert _contents(path) == _contents(tmp_path / "in-line.db")


def test_a_dump_s_papers_read_as_planned_until_every_dump_that_touched_them_is_written(
    store: Store,
) -> None:
    """A paper new in one dump and given its abstract by the next: once the first is
    written, its text is still the second's, not the library's, until that is written."""
    importer = Importer(store, now=NOW)
    ids = (store.next_paper_id(), store.next_dump_id())
    planned = []
    for source, abstract in (("a.txt", ""), ("b.txt", _TINY)):
        prepared = ready_dump(make_dump([("Tiny Recursive Models", abstract)]), source, NOW.date())
        assert isinstance(prepared, ReadyDump)
        _, batch = importer.plan(prepared, ids)
        importer.hold(batch)
        planned.append(batch.planned)
        ids = (batch.next_id, batch.dump_id + 1)
    assert planned[1].fills == [(1, _TINY)]
    with store.transaction():
        write_planned(store, planned[0])
    importer.release(planned[0].ids[1])
    retitled = make_dump([("TINY RECURSIVE MODELS", _TINY)], "Nov 21")
    prepared = ready_dump(retitled, "c.txt", NOW.date())
    assert isinstance(prepared, ReadyDump)
    report, batch = importer.plan(prepared, ids)
    assert report.merged_exact == 1
    assert batch.planned.fills == []  # b.txt gave it that abstract already
    assert batch.planned.sightings[0].abstract is None


def test_a_dump_imported_elsewhere_meanwhile_sends_the_rest_in_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process imports a dump while the writer waits for the write lock: what
    was decided before it is void, nothing of it is written, and it is all imported again
    in line, against the library as the other import left it."""
    dumps = _dumps()
    other = ("other.txt", make_dump([("Sparse Mixture of Agents", _AGENTS + " Revised.")]))
    _in_line(tmp_path / "in-line.db", [other, *dumps])
    path = tmp_path / "piped.db"
    Store.open(path).close()
    with _spied(monkeypatch) as seen, _write_lock_held(path, other) as release:
        reports = _pipelined(path, _prepared(dumps), _release_when(dumps[2][0], release))
    assert seen["answers"][0] is False  # void: planned on the library as it was
    assert True not in seen["answers"]
    assert [r.error for r in reports] == [None] * len(dumps)
    assert _contents(path) == _contents(tmp_path / "in-line.db")


def test_a_void_dump_voids_every_dump_decided_after_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another import adds one dump and no paper, as the first dump in flight would
    have: the library's next ids are then those the second was planned with. It must
    still not be written, since it was decided as if the first were."""
    paper = ("Tiny Recursive Models", _TINY)
    first = ("first.txt", make_dump([paper], "Nov 21"))
    second = ("second.txt", make_dump([("Sparse Mixture of Agents", _AGENTS)], "Nov 22"))
    other = ("other.txt", make_dump([paper], "Nov 19"))
    _in_line(tmp_path / "in-line.db", [("seed.txt", make_dump([paper])), other, first, second])
    path = tmp_path / "piped.db"
    _in_line(path, [("seed.txt", make_dump([paper]))])
    with _spied(monkeypatch) as seen, _write_lock_held(path, other) as release:
        _pipelined(path, _prepared([first, second]), _release_when("second.txt", release))
    assert seen["answers"] == [False]
    assert _contents(path) == _contents(tmp_path / "in-line.db")


def test_a_writer_that_dies_leaves_its_dumps_to_the_importer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer killed mid-import (its dump rolled back, as a crash would): what it
    had not committed is imported in line, nothing twice."""
    dumps = _dumps()
    _in_line(tmp_path / "in-line.db", dumps)

    with _spied(monkeypatch) as seen:

        @contextmanager
        def track(prepared: ReadyDump) -> Iterator[Progress | None]:
            (writer,) = seen["writers"]
            assert isinstance(writer, pipeline._Writer)
            if prepared.source == dumps[3][0] and writer.process.poll() is None:
                os.kill(writer.process.pid, signal.SIGKILL)
                writer.process.wait()
            yield None

        reports = _pipelined(tmp_path / "piped.db", _prepared(dumps), track)
    assert False in seen["answers"]
    assert [r.error for r in reports] == [None] * len(dumps)
    assert _contents(tmp_path / "piped.db") == _contents(tmp_path / "in-line.db")


def test_a_writer_s_error_is_the_import_s_and_its_dump_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails in the writer (here a trigger standing in for a full disk)
    ends the import with that error, SQLite's code and all; the dumps before it stay,
    and nothing of it or after it is written. The writer is held back until the failing
    dump and the one before it are queued, so that it writes them in one transaction:
    the one before it must land all the same, as it would in line."""
    dumps = _dumps()
    boom = ("boom.txt", make_dump([("Boom", "This paper cannot be written. Ever.")]))
    path = tmp_path / "piped.db"
    with Store.open(path) as store:
        store.conn.execute(
            "CREATE TRIGGER boom BEFORE INSERT ON papers WHEN new.title = 'Boom'"
            " BEGIN SELECT RAISE(ABORT, 'no room for Boom'); END"
        )
    items = _prepared([*dumps[:3], boom, *dumps[3:]])
    monkeypatch.setattr(pipeline, "WRITER_AHEAD", 5)  # bare, filled and boom in flight
    with (
        _spied(monkeypatch) as seen,
        _write_lock_held(path) as release,
        pytest.raises(sqlite3.IntegrityError) as raised,
    ):
        _pipelined(path, items, _release_when(dumps[3][0], release))
    assert str(raised.value) == "no room for Boom"
    assert seen["answers"] == [True, True]  # the writer's own error, not one of a retry here
    assert raised.value.sqlite_errorcode == sqlite3.SQLITE_CONSTRAINT_TRIGGER
    with Store.open(path) as store:
        sources = [r[0] for r in store.conn.execute("SELECT source FROM dumps ORDER BY id")]
        assert sources == ["bare.txt", "filled.txt"]
        assert store.check_integrity() == []


def test_an_import_stopped_early_leaves_whole_dumps_and_goes_on_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The caller stops after the first report (Ctrl-C): the writer is ended, the
    library holds whole dumps only, and importing again finishes the job."""
    dumps = _dumps()
    _in_line(tmp_path / "in-line.db", dumps)
    path = tmp_path / "piped.db"
    with Store.open(path) as store:
        importer = Importer(store, now=NOW)
        with _spied(monkeypatch) as seen:
            done = pipeline.import_all(importer, _prepared(dumps), writer_after=0)
            assert next(done).new > 0
            done.close()
        (writer,) = seen["writers"]
        assert isinstance(writer, pipeline._Writer)
        assert writer.process.returncode == -signal.SIGKILL  # at once, its dump rolled back
    with Store.open(path) as store:
        written = store.conn.execute("SELECT count(*) FROM dumps").fetchone()[0]
        assert 1 <= written < len(dumps)
    again = _pipelined(path, _prepared(dumps))
    assert [r.error for r in again] == [None] * len(dumps)
    assert _contents(path) == _contents(tmp_path / "in-line.db")


def test_readlist_import_writes_through_the_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`readlist import` past the writer's threshold: the same report and library."""
    paths = [str(p) for p in sorted(SAMPLE_DUMPS.glob("*.txt"))]
    in_line = CliRunner().invoke(cli, ["--db", str(tmp_path / "a.db"), "import", *paths, "--json"])
    monkeypatch.setattr(pipeline, "WRITER_AFTER", 0)
    with _spied(monkeypatch) as seen:
        piped = CliRunner().invoke(
            cli, ["--db", str(tmp_path / "b.db"), "import", *paths, "--json"]
        )
    assert piped.exit_code == 0, piped.output
    assert json.loads(piped.stdout) == json.loads(in_line.stdout)
    assert seen["answers"] == [True] * len(paths)
    assert _contents(tmp_path / "b.db") == _contents(tmp_path / "a.db")


def test_two_big_imports_and_a_star_at_once_all_land(tmp_path: Path) -> None:
    """Two imports through writers of their own, on one library at once, with stars
    made meanwhile: each voids the other's plans now and then and goes on in line; every
    dump lands once, the papers both list are merged, and every star stays."""
    maker = PaperMaker(seed=5)
    seed, shared = maker.papers(50), maker.papers(40)
    runs = [[maker.papers(60) + shared[i::3] for i in range(3)] for _ in range(2)]
    path = tmp_path / "library.db"
    with Store.open(path) as store:
        assert Importer(store, now=NOW).import_bytes(dump_text(seed, "Feb 1").encode(), "s").new
    errors: list[BaseException] = []

    def run(index: int) -> None:
        items = [
            ready_dump(dump_text(papers, f"Mar {day + 1}").encode(), f"{index}-{day}", NOW.date())
            for day, papers in enumerate(runs[index])
        ]
        try:
            reports = _pipelined(path, items)
            assert [r.error for r in reports] == [None] * 3
        except BaseException as exc:  # handed to the test's thread
            errors.append(exc)

    imports = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    for thread in imports:
        thread.start()
    with Store.open(path) as store:
        for paper_id in range(1, 51):
            store.set_flag([paper_id], "starred", True)
    for thread in imports:
        thread.join()
    assert errors == []
    with Store.open(path) as store:
        assert store.check_integrity() == []
        assert store.stats().papers == 50 + 40 + 2 * 3 * 60
        assert store.stats().dumps == 7
        starred = {r[0] for r in store.conn.execute("SELECT paper_id FROM state WHERE starred")}
        assert starred == set(range(1, 51))


@pytest.mark.parametrize("failure", ["no process", "dies at start"])
def test_a_writer_that_cannot_start_leaves_the_import_in_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    """No process to be had, or one that ends before it reads a dump (a broken install):
    the same library and reports as in line, and no traceback from it."""
    dumps = _dumps()
    expected = _in_line(tmp_path / "in-line.db", dumps)
    if failure == "no process":

        def no_process(*args: object, **kwargs: object) -> None:
            raise OSError("Resource temporarily unavailable")

        monkeypatch.setattr(pipeline.subprocess, "Popen", no_process)
    else:
        monkeypatch.setattr(pipeline, "_WRITER_MAIN", "import sys; sys.exit(3)")
    path = tmp_path / "piped.db"
    Store.open(path).close()
    with _spied(monkeypatch) as seen:
        assert _pipelined(path, _prepared(dumps)) == expected
    assert True not in seen["answers"]
    assert _contents(path) == _contents(tmp_path / "in-line.db")


def test_a_big_dump_goes_in_line_in_parts_not_to_the_writer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A dump past GROUP_LISTINGS among small ones: the dumps before it are settled, it is
    written in parts in line (the writer would hold the write lock for all of it), and
    the library and reports are those of whole dumps one after another."""
    dumps = _dumps()
    expected = _in_line(tmp_path / "in-line.db", dumps)
    monkeypatch.setattr(importer_module, "PART_LISTINGS", 80)
    monkeypatch.setattr(pipeline, "GROUP_LISTINGS", 80)
    parts: list[tuple[str, int, int]] = []
    real_write = importer_module.write_planned

    def spied_write(store: Store, planned: importer_module.Planned) -> None:
        parts.append((planned.source, planned.start, planned.end))
        real_write(store, planned)

    monkeypatch.setattr(importer_module, "write_planned", spied_write)
    path = tmp_path / "piped.db"
    with _spied(monkeypatch) as seen:
        assert _pipelined(path, _prepared(dumps)) == expected
    in_parts = {source for source, start, _ in parts if start > 0}
    assert in_parts == {"000_1fcb70e74d98b500.txt", "002_1e4442a979cbd8cf.txt",
                        "003_7fecc96bcc8edf76.txt"}  # fmt: skip
    # The writer had the small dumps: the first four, and 001 (75) and 004 (72).
    assert seen["answers"] == [True] * 5
    assert _contents(path) == _contents(tmp_path / "in-line.db")


def test_a_dump_begun_elsewhere_is_void_for_the_writer(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another import has written the first part of the same dump since it was planned:
    the writer writes none of it (the importer then finishes the dump in line)."""
    prepared = _prepared(_dumps()[4:5])[0]
    assert isinstance(prepared, ReadyDump)
    ids = (store.next_paper_id(), store.next_dump_id())
    _, whole = Importer(store, now=NOW).plan(prepared, ids)
    monkeypatch.setattr(importer_module, "PART_LISTINGS", 10)

    def fail_second_part(store: Store, planned: importer_module.Planned) -> None:
        if planned.start > 0:
            raise OSError("stopped")
        write_planned(store, planned)

    monkeypatch.setattr(importer_module, "write_planned", fail_second_part)
    with pytest.raises(OSError):
        Importer(store, now=NOW).import_prepared(prepared)
    assert store.unfinished_dump(prepared.sha256) == (1, 10)
    before = _contents(Path(store.path))
    with store.transaction():
        assert pipeline._write_group(store, [whole.planned]) == 0
    assert _contents(Path(store.path)) == before
    monkeypatch.undo()
    assert Importer(store, now=NOW).import_prepared(prepared).new == len(prepared.rows) - 10
    assert store.unfinished_dump(prepared.sha256) is None
    assert store.dump_imported(prepared.sha256)


@pytest.mark.parametrize(("listings", "seconds"), [(7, 60.0), (10_000, 0.0)])
def test_dumps_in_parts_make_the_library_whole_dumps_make(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listings: int, seconds: float
) -> None:
    """Parts bounded by size, or by time (PART_SECONDS spent: the part ends at the next
    look at the clock): the same library and reports as each dump in one part."""
    dumps = _dumps()
    expected = _in_line(tmp_path / "whole.db", dumps)
    monkeypatch.setattr(importer_module, "PART_LISTINGS", listings)
    monkeypatch.setattr(importer_module, "PART_SECONDS", seconds)
    sizes: list[int] = []
    real_write = importer_module.write_planned

    def spied_write(store: Store, planned: importer_module.Planned) -> None:
        sizes.append(planned.end - planned.start)
        real_write(store, planned)

    monkeypatch.setattr(importer_module, "write_planned", spied_write)
    assert _in_line(tmp_path / "parts.db", dumps) == expected
    assert max(sizes) == min(listings, importer_module._CLOCK_EVERY)
    assert _contents(tmp_path / "parts.db") == _contents(tmp_path / "whole.db")


def test_the_writer_s_groups_stay_within_group_listings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Dumps queued for the writer go in one transaction while they fit in
    GROUP_LISTINGS together: one that does not fit waits for the next, so the write lock
    is held for a group's listings at most (a dump alone, if bigger)."""
    monkeypatch.setattr(pipeline, "GROUP_LISTINGS", 10)
    inbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    for listings in (4, 5, 3, 12, 2, 2):
        planned = importer_module.Planned(f"sha{listings}", "s", listings, "t", (1, 1), 2)
        planned.sightings.extend([None] * listings)  # type: ignore[list-item]
        inbox.put(pickle.dumps(planned))
    inbox.put(pickle.dumps(None))  # the importer is done
    held: list[importer_module.Planned] = []
    groups = []
    more = True
    while more:
        group, more = pipeline._group(inbox, held)
        groups.append([len(p.sightings) for p in group])
    assert groups == [[4, 5], [3], [12], [2, 2]]
