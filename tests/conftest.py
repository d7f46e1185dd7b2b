"""Stores live in tmp dirs: no test touches the user's real library."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from readlist.core.ingest.importer import Importer
from readlist.core.models import NewPaper, NewSighting
from readlist.core.store import Store

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DUMPS = ROOT / "sample_dumps"
FIXTURES = ROOT / "tests" / "fixtures"
# A paper of sample dump 000 that every fixture of tests/fixtures lists with its identity.
DUALFORMER = (
    "Dualformer: Controllable Fast and Slow Thinking by Learning with Randomized Reasoning Traces"
)
DUALFORMER_AUTHORS = (
    "DiJia Su",
    "Sainbayar Sukhbaatar",
    "Michael Rabbat",
    "Yuandong Tian",
    "Qinqing Zheng",
)
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture(autouse=True, scope="session")
def _no_real_library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Point the default library and settings at a tmp dir and drop $READLIST_DB and
    $READLIST_CONFIG, for every test."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_DATA_HOME", str(home / "data"))
        patch.setenv("XDG_CONFIG_HOME", str(home / "config"))
        patch.setenv("HOME", str(home))
        patch.delenv("READLIST_DB", raising=False)
        patch.delenv("READLIST_CONFIG", raising=False)
        yield


def write_paper(
    store: Store,
    title: str,
    abstract: str,
    match_title: str,
    keys: Iterable[int],
    *,
    dump_id: int,
    date_line: str | None,
    seen_on: str,
) -> int:
    """A paper written as given, with no import to clean or merge it: text an old
    library or a direct write could hold. Call it inside store.transaction()."""
    paper_id = store.imports.next_paper_id()
    store.imports.add_papers([NewPaper(paper_id, title, abstract, match_title, seen_on)])
    store.imports.add_keys((key, paper_id) for key in keys)
    store.imports.add_sightings([NewSighting(paper_id, dump_id, date_line, seen_on, "new")])
    return paper_id


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "library.db"


@pytest.fixture
def store(db_path: Path) -> Iterator[Store]:
    with Store.open(db_path) as opened:
        yield opened


@pytest.fixture
def sample_store(store: Store) -> Store:
    importer = Importer(store, now=NOW)
    for path in sorted(SAMPLE_DUMPS.glob("*.txt")):
        report = importer.import_bytes(path.read_bytes(), path.name)
        assert report.error is None
    return store


@pytest.fixture(scope="session")
def sample_query_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """One imported sample library shared by read-only tests (hypothesis reuses it)."""
    path = tmp_path_factory.mktemp("shared") / "library.db"
    with Store.open(path) as opened:
        importer = Importer(opened, now=NOW)
        for dump in sorted(SAMPLE_DUMPS.glob("*.txt")):
            importer.import_bytes(dump.read_bytes(), dump.name)
        opened.set_note(1, "a note about tokens")
        opened.set_flag([1, 2], "starred", True)
        yield opened
