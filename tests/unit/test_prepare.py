"""Preparing dumps (parse and fingerprint) in a second process gives what preparing them
in line does, in order, with refusals passed through; a helper process that dies costs
nothing but time."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest

from readlist.core import prepare as prepare_module
from readlist.core.importer import Importer
from readlist.core.models import FileReport
from readlist.core.prepare import Prepared, prepare, prepare_all
from readlist.core.store import Store
from tests.conftest import NOW, SAMPLE_DUMPS
from tests.unit.test_importer import snapshot

TODAY = date(2026, 11, 23)
HERE = os.getpid()

pytestmark = pytest.mark.skipif(not prepare_module._CAN_FORK, reason="no fork here")


def sources() -> list[tuple[str, bytes | FileReport]]:
    files: list[tuple[str, bytes | FileReport]] = [
        (p.name, p.read_bytes()) for p in sorted(SAMPLE_DUMPS.glob("*.txt"))
    ]
    files.insert(2, ("empty.txt", b""))
    files.insert(4, ("unreadable.txt", FileReport("unreadable.txt", error="cannot read")))
    return files


# Module-level, so the pool can send them to its process by name.
def prepare_and_say_where(data: bytes, source: str, today: date) -> Prepared | FileReport:
    result = prepare(data, source, today)
    if isinstance(result, Prepared):
        return Prepared(f"{result.source}@{os.getpid()}", result.sha256, result.rows)
    return result


def die_unless_here(data: bytes, source: str, today: date) -> Prepared | FileReport:
    if os.getpid() != HERE:
        os._exit(9)  # as if the helper process were killed
    return prepare_and_say_where(data, source, today)


def test_background_gives_what_in_line_gives_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    in_line = list(prepare_all(sources(), TODAY, background_after=1 << 60))
    monkeypatch.setattr(prepare_module, "prepare", prepare_and_say_where)
    background = list(prepare_all(sources(), TODAY, background_after=1))
    assert len(background) == len(in_line) == 7
    where = [int(r.source.rpartition("@")[2]) for r in background if isinstance(r, Prepared)]
    assert where[0] == HERE  # the first bytes are prepared here, the rest elsewhere
    assert len(where) == 5 and HERE not in where[1:]
    for a, b in zip(in_line, background, strict=True):
        if isinstance(a, Prepared):
            assert isinstance(b, Prepared)
            assert (a.source, a.sha256, a.rows) == (b.source.rpartition("@")[0], b.sha256, b.rows)
        else:
            assert a == b
    refused = [r for r in background if isinstance(r, FileReport)]
    assert [r.source for r in refused] == ["empty.txt", "unreadable.txt"]
    assert all(r.error for r in refused)


def test_a_helper_process_that_dies_leaves_the_work_to_this_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(prepare_module, "prepare", die_unless_here)
    results = list(prepare_all(sources(), TODAY, background_after=0))
    assert [r.source.partition("@")[0] for r in results] == [s for s, _ in sources()]
    assert {int(r.source.rpartition("@")[2]) for r in results if isinstance(r, Prepared)} == {HERE}


def test_importing_prepared_dumps_gives_the_library_import_bytes_gives(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.db") as a, Store.open(tmp_path / "b.db") as b:
        importer = Importer(a, now=NOW)
        for name, data in sources():
            if not isinstance(data, FileReport):
                importer.import_bytes(data, name)
        other = Importer(b, now=NOW)
        for item in prepare_all(sources(), other.today, background_after=1):
            other.import_prepared(item)
        assert snapshot(a) == snapshot(b)
