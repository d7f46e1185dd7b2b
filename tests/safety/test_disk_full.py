"""A write that fails (the disk full, the file at its size limit) stops the import with one
clear line and a non-zero exit, and loses nothing: the library holds what it held before,
plus whole dumps only.

The failure is made with RLIMIT_FSIZE on the import's process: a write past the limit
fails with EFBIG (CPython ignores SIGXFSZ), as a write to a full disk fails with ENOSPC.
"""

from __future__ import annotations

import resource
import shutil
from collections.abc import Callable
from dataclasses import dataclass
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
    write_dumps,
)

SEED_PAPERS = 300
SMALL_DUMP = 20
BIG_DUMP = 2000


@dataclass(frozen=True)
class Setup:
    base: Path  # a library with papers, stars, read marks and notes
    big_first: Path  # a folder: two big dumps
    small_first: Path  # a folder: a small dump, then a big one


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Setup:
    root = tmp_path_factory.mktemp("full")
    maker = PaperMaker(seed=3)
    seed = maker.papers(SEED_PAPERS)
    big = [maker.papers(BIG_DUMP) + seed[:50], maker.papers(BIG_DUMP) + seed[50:100]]
    small = maker.papers(SMALL_DUMP) + seed[100:110]
    base = root / "base.db"
    with Store.open(base) as store:
        Importer(store).import_bytes(dump_text(seed, "Feb 1, 2025").encode(), "seed")
        store.set_flag(range(1, 30), "starred", True)
        store.set_flag(range(20, 120), "read", True)
        for paper_id in (1, 55, 105, 200):
            store.set_note(paper_id, f"note on {paper_id}")
    return Setup(
        base=base,
        big_first=write_dumps(root / "big", big)[0].parent,
        small_first=write_dumps(root / "small", [small, big[1]])[0].parent,
    )


def _files_capped_at(limit: int) -> Callable[[], None]:
    def cap() -> None:  # runs in the child, before readlist starts
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return cap


def _import_capped(library: Path, folder: Path, limit: int) -> tuple[int, str, str]:
    process = start_readlist(library, "import", str(folder), preexec_fn=_files_capped_at(limit))
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def _one_clear_line(err: str, library: Path) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    line = lines[0]
    assert "Traceback" not in err
    assert line.startswith(f"Error: {library}: "), line
    assert "disk" in line and "full" in line, "says what is wrong: " + line
    return line


@pytest.fixture
def library(setup: Setup, tmp_path: Path) -> Path:
    path = tmp_path / "library.db"
    shutil.copy(setup.base, path)
    return path


def test_failed_write_changes_nothing(setup: Setup, library: Path) -> None:
    """Files may grow only a little past the library's size: the first dump's commit
    does not fit."""
    before = contents(library)
    code, out, err = _import_capped(library, setup.big_first, library.stat().st_size + 65536)

    assert code != 0
    _one_clear_line(err, library)
    assert out == ""
    with Store.open(library) as store:
        assert store.check_integrity() == []
    assert contents(library) == before


def test_failed_write_keeps_the_dumps_before_it_whole(setup: Setup, library: Path) -> None:
    """The small first dump fits and is kept; the big one after it fails and leaves no
    trace. Run again with room, the import finishes."""
    before = contents(library)
    code, _, err = _import_capped(library, setup.small_first, library.stat().st_size + 262144)

    assert code != 0
    _one_clear_line(err, library)
    with Store.open(library) as store:
        assert store.check_integrity() == []
        dumps = store.conn.execute("SELECT source, papers FROM dumps ORDER BY id").fetchall()
        sighted = store.conn.execute("SELECT count(*) FROM sightings").fetchone()[0]
    first = str(setup.small_first / "000.txt")
    assert dumps == [("seed", SEED_PAPERS), (first, SMALL_DUMP + 10)]
    assert sighted == SEED_PAPERS + SMALL_DUMP + 10
    after = contents(library)
    assert after["papers"][0] == before["papers"][0] + SMALL_DUMP
    assert after["state"] == before["state"]

    done = run_readlist(library, "import", str(setup.small_first))
    assert done.returncode == 0, done.stderr
    assert contents(library)["papers"][0] == SEED_PAPERS + SMALL_DUMP + BIG_DUMP
    assert contents(library)["state"] == before["state"]
