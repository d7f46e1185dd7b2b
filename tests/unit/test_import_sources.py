"""The front door, readlist.core.ingest.import_sources: dumps in order, each written a
part at a time. Whatever stops it or writes beside it, the library must come out as the
same imports one after another would leave it: a dump stopped midway resumes where it
stopped, another connection's writes meanwhile are not lost, and a part that fails
rolls back only itself."""

from __future__ import annotations

import io
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from readlist.core.ingest import import_sources
from readlist.core.ingest import importer as importer_module
from readlist.core.models import FileReport
from readlist.core.store import Store
from tests.conftest import NOW, SAMPLE_DUMPS
from tests.safety.support import PaperMaker, dump_text
from tests.unit.test_importer import make_dump
from tests.unit.test_staged_keys import _CONTENTS

_AGENTS = "Agents route tokens to experts. Sparse experts help."
_TINY = "Recursion beats depth. We show it on puzzles."


def _dumps() -> list[tuple[str, bytes]]:
    """Dumps whose papers meet papers of the dumps just before them (a first abstract,
    a typo'd title, a listing twice), the same dump twice, then the sample dumps and
    one of them again."""
    bare = make_dump([("Tiny Recursive Models", ""), ("Sparse Mixture of Agents", _AGENTS)])
    samples = [(p.name, p.read_bytes()) for p in sorted(SAMPLE_DUMPS.glob("*.txt"))]
    return [
        ("bare.txt", bare),
        ("bare-again.txt", bare),
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
        samples[0],
    ]


def _streams(dumps: list[tuple[str, bytes]]) -> list[tuple[str, io.BytesIO]]:
    return [(name, io.BytesIO(data)) for name, data in dumps]


def _import(
    path: Path, dumps: list[tuple[str, bytes]], stop: Callable[[], bool] | None = None
) -> list[FileReport]:
    with Store.open(path) as store:
        return list(import_sources(store, _streams(dumps), stop=stop, now=NOW))


def _one_by_one(path: Path, dumps: list[tuple[str, bytes]]) -> list[FileReport]:
    """Each dump by an import of its own: what any run of the same dumps must leave."""
    reports: list[FileReport] = []
    for dump in dumps:
        reports += _import(path, [dump])
    return reports


def _contents(path: Path) -> list[list[object]]:
    with Store.open(path) as store:
        assert store.check_integrity() == []
        tables = [sorted(store.conn.execute(sql).fetchall()) for sql in _CONTENTS]
        dumps = store.conn.execute("SELECT id, sha256, source, papers, written FROM dumps")
        return [*tables, sorted(dumps.fetchall())]


def _spy_parts(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int, int]]:
    """Each part written: its dump's source, first listing and the listing after its last."""
    parts: list[tuple[str, int, int]] = []
    real_write = importer_module.write_planned

    def spied_write(store: Store, planned: importer_module.Planned) -> None:
        parts.append((planned.source, planned.start, planned.end))
        real_write(store, planned)

    monkeypatch.setattr(importer_module, "write_planned", spied_write)
    return parts


def test_one_run_leaves_the_library_one_import_a_dump_leaves(tmp_path: Path) -> None:
    dumps = _dumps()
    expected = _one_by_one(tmp_path / "one-by-one.db", dumps)
    reports = _import(tmp_path / "run.db", dumps)
    assert reports == expected
    assert [r.already_imported for r in reports] == [False, True] + [False] * 7 + [True]
    assert _contents(tmp_path / "run.db") == _contents(tmp_path / "one-by-one.db")


@pytest.mark.parametrize(("listings", "seconds"), [(7, 60.0), (10_000, 0.0)])
def test_dumps_in_parts_make_the_library_whole_dumps_make(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, listings: int, seconds: float
) -> None:
    """Parts bounded by size, or by time (PART_SECONDS spent: the part ends at the next
    look at the clock): the same library and reports as each dump in one part."""
    dumps = _dumps()
    expected = _import(tmp_path / "whole.db", dumps)
    monkeypatch.setattr(importer_module, "PART_LISTINGS", listings)
    monkeypatch.setattr(importer_module, "PART_SECONDS", seconds)
    parts = _spy_parts(monkeypatch)
    assert _import(tmp_path / "parts.db", dumps) == expected
    assert max(end - start for _, start, end in parts) == min(
        listings, importer_module._CLOCK_EVERY
    )
    assert _contents(tmp_path / "parts.db") == _contents(tmp_path / "whole.db")


def test_an_import_stopped_midway_resumes_where_it_stopped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`stop` says so after a dump's first part (the app quitting): that part stays, the
    dumps after it are not imported, and importing them all again writes the rest of
    that dump from where it stopped, and the others whole."""
    dumps = _dumps()
    whole = _import(tmp_path / "whole.db", dumps)
    monkeypatch.setattr(importer_module, "PART_LISTINGS", 30)
    parts = _spy_parts(monkeypatch)
    path = tmp_path / "stopped.db"
    reports = _import(path, dumps, stop=lambda: len(parts) == 4)
    big = dumps[4][0]
    assert parts[-1] == (big, 0, 30)  # bare, filled, twice, then the first part of it
    assert [r.source for r in reports] == [name for name, _ in dumps[:5]]
    with Store.open(path) as store:
        (row,) = store.conn.execute("SELECT id, written FROM dumps WHERE source = ?", (big,))
        assert row[1] == 30
    parts.clear()
    again = _import(path, dumps)
    assert parts[0] == (big, 30, 60)
    assert again[4].new + reports[4].new == whole[4].new  # the rest of it, nothing twice
    assert _contents(path) == _contents(tmp_path / "whole.db")


def test_another_connection_s_writes_between_parts_are_not_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Between two parts of an import, another connection imports a paper the import
    lists next, and stars a paper: the import finds that paper (a merge, not a second
    copy), and the star and the other import's dump stay."""
    maker = PaperMaker(seed=3)
    papers = maker.papers(60)
    monkeypatch.setattr(importer_module, "PART_LISTINGS", 20)
    path = tmp_path / "library.db"
    elsewhere = papers[45]
    done_elsewhere: list[FileReport] = []
    asked: list[bool] = []

    def write_elsewhere() -> bool:
        asked.append(True)
        if len(asked) == 2:  # after the first part (the first ask is before the dump)
            with Store.open(path) as theirs:
                done_elsewhere.extend(
                    import_sources(theirs, [("other.txt", io.BytesIO(make_dump([elsewhere])))])
                )
                theirs.set_flag([1], "starred", True)
        return False

    with Store.open(path) as store:
        data = dump_text(papers, "Mar 3").encode()
        (report,) = import_sources(store, [("big.txt", io.BytesIO(data))], stop=write_elsewhere)
        assert done_elsewhere[0].new == 1
        assert (report.new, report.merged_exact) == (59, 1)
        assert store.stats().papers == 60
        assert store.get_many([1])[0].starred
        assert store.conn.execute("SELECT count(*) FROM dumps").fetchone()[0] == 2
        assert store.check_integrity() == []


def test_two_imports_and_stars_at_once_all_land(tmp_path: Path) -> None:
    """Two imports in parts on one library at once, with stars made meanwhile: every
    dump lands once, the papers both list are merged, and every star stays."""
    maker = PaperMaker(seed=5)
    seed, shared = maker.papers(50), maker.papers(40)
    runs = [[maker.papers(60) + shared[i::3] for i in range(3)] for _ in range(2)]
    path = tmp_path / "library.db"
    _import(path, [("s", dump_text(seed, "Feb 1").encode())])
    errors: list[BaseException] = []

    def run(index: int) -> None:
        dumps = [
            (f"{index}-{day}", dump_text(papers, f"Mar {day + 1}").encode())
            for day, papers in enumerate(runs[index])
        ]
        try:
            assert [r.error for r in _import(path, dumps)] == [None] * 3
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


def test_a_failing_part_rolls_back_only_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A write that fails in a dump's second part (here a trigger standing in for a full
    disk) ends the import with that error, SQLite's code and all: the dumps before it
    and its first part stay, nothing of the failing part is written, and once the disk
    has room, importing again finishes the library as if nothing had failed."""
    maker = PaperMaker(seed=7)
    papers = maker.papers(50)
    doomed = papers[30][0]
    dumps = [*_dumps()[:4], ("big.txt", dump_text(papers, "Mar 3").encode())]
    monkeypatch.setattr(importer_module, "PART_LISTINGS", 20)
    _import(tmp_path / "whole.db", dumps)
    path = tmp_path / "failed.db"
    with Store.open(path) as store:
        store.conn.execute("CREATE TABLE doomed (title TEXT)")
        store.conn.execute("INSERT INTO doomed VALUES (?)", (doomed,))
        store.conn.execute(
            "CREATE TRIGGER boom BEFORE INSERT ON papers"
            " WHEN new.title IN (SELECT title FROM doomed)"
            " BEGIN SELECT RAISE(ABORT, 'no room'); END"
        )
    with pytest.raises(sqlite3.IntegrityError) as raised:
        _import(path, dumps)
    assert str(raised.value) == "no room"
    assert raised.value.sqlite_errorcode == sqlite3.SQLITE_CONSTRAINT_TRIGGER
    with Store.open(path) as store:
        rows = store.conn.execute("SELECT source, written FROM dumps ORDER BY id").fetchall()
        assert rows == [("bare.txt", None), ("filled.txt", None), ("twice.txt", None),
                        ("big.txt", 20)]  # fmt: skip
        assert store.check_integrity() == []
        store.conn.execute("DROP TRIGGER boom")
        store.conn.execute("DROP TABLE doomed")
    _import(path, dumps)
    assert _contents(path) == _contents(tmp_path / "whole.db")


def test_a_paper_imported_elsewhere_between_dumps_is_found(db_path: Path) -> None:
    """Another connection imports a paper between two dumps of a run: the run's next
    dump lists it retyped, and merges into it."""
    title, abstract = "Scaling Laws for Retrieval", "We study how retrieval scales. More."
    first = ("a.txt", make_dump([("Scaling Laws for Speech", "Speech scales too. Yes.")]))
    retyped = ("c.txt", make_dump([(title.upper(), abstract)], "Nov 21"))
    asked: list[bool] = []
    with Store.open(db_path) as mine, Store.open(db_path) as theirs:

        def between() -> bool:
            asked.append(True)
            if len(asked) == 2:  # a.txt is in (the first ask is before it)
                other = ("b.txt", io.BytesIO(make_dump([(title, abstract)])))
                assert next(import_sources(theirs, [other], now=NOW)).new == 1
            return False

        reports = list(import_sources(mine, _streams([first, retyped]), stop=between, now=NOW))
        assert [(r.new, r.merged_exact) for r in reports] == [(1, 0), (0, 1)]
        assert mine.stats().papers == 2
