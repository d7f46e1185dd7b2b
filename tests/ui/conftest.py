"""Pilot tests: an app on a fresh copy of the sample library, waiting on workers."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from readlist.core.ingest.importer import Importer
from readlist.core.store import Store
from readlist.ui.app import ReadlistApp
from readlist.ui.library import StorePool
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.widgets.detail import DetailPane
from readlist.ui.widgets.paper_list import PaperList
from tests.conftest import NOW, SAMPLE_DUMPS
from tests.unit.rank_papers import make_library

AppFactory = Callable[[], ReadlistApp]


@pytest.fixture
def topics_path(tmp_path: Path) -> Path:
    """A library of papers on a few topics, for the ranker (tests/unit/rank_papers.py)."""
    make_library(tmp_path / "topics.db").close()
    return tmp_path / "topics.db"


@pytest.fixture(scope="session")
def sample_library_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The five sample dumps imported once per session; tests copy it."""
    path = tmp_path_factory.mktemp("sample") / "library.db"
    with Store.open(path) as store:
        importer = Importer(store, now=NOW)
        for dump in sorted(SAMPLE_DUMPS.glob("*.txt")):
            importer.import_bytes(dump.read_bytes(), dump.name)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def library_path(sample_library_file: Path, tmp_path: Path) -> Path:
    target = tmp_path / "library.db"
    target.write_bytes(sample_library_file.read_bytes())
    return target


@pytest.fixture
def make_app(library_path: Path) -> AppFactory:
    def make() -> ReadlistApp:
        return ReadlistApp(StorePool(library_path))

    return make


async def wait_for_workers(app: ReadlistApp) -> None:
    """Wait for the running workers; one cancelled by a newer one (exclusive) is done too."""
    while True:
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue


async def until(
    pilot: Pilot[None], condition: Callable[[], bool], what: str, timeout: float = 20.0
) -> None:
    """Let the app run until `condition` holds; fail naming `what` if it never does."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.01)  # the app runs meanwhile; the condition is the wait


async def settle(pilot: Pilot[None]) -> None:
    """Wait until every worker has finished, every write is committed, and the detail
    pane has caught up with the list (it waits for a pause after new results)."""
    app = pilot.app
    assert isinstance(app, ReadlistApp)
    for _ in range(5):
        await wait_for_workers(app)
        await pilot.pause()
        app.writer.flush()
    await until(
        pilot,
        lambda: all(
            detail_caught_up(screen) and not screen.counting
            for screen in app.screen_stack
            if isinstance(screen, LibraryScreen)
        ),
        "the detail pane and the filter's count",
    )
    await wait_for_workers(app)
    await pilot.pause()


def detail_caught_up(screen: LibraryScreen) -> bool:
    """The detail pane shows the list's highlighted paper, with the filter's words
    picked out: what the user sees once it has followed the list."""
    detail = screen.query_one(DetailPane)
    paper = screen.query_one(PaperList).highlighted
    shown = None if detail.paper is None else detail.paper.id
    return shown == (None if paper is None else paper.id) and (
        detail.terms == screen.parsed.highlight_terms()
    )


def record_notices(app: ReadlistApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every notification's message, in order (the real notify still runs)."""
    notices: list[str] = []
    notify = app.notify

    def recording(message: str, **kwargs: Any) -> None:
        notices.append(message)
        notify(message, **kwargs)

    monkeypatch.setattr(app, "notify", recording)
    return notices


def fresh_store(path: Path) -> Store:
    """A separate connection, as another process would see the library."""
    return Store.open(path)


def give_identity(path: Path, paper_id: int, **columns: object) -> None:
    """Set a paper's identity (PaperMeta's columns of `papers`) in the library file, as
    an import of a Hugging Face listing would; `authors` is a list of names. A test's
    shortcut until the sample library can take a JSON listing: the app never writes
    these columns."""
    if "authors" in columns:
        columns["authors"] = json.dumps(columns["authors"])
    assigned = ", ".join(f"{name} = ?" for name in columns)
    with Store.open(path) as store:
        store.conn.execute(
            f"UPDATE papers SET {assigned} WHERE id = ?", [*columns.values(), paper_id]
        )
