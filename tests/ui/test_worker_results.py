"""A worker's result that arrives after its widget has gone is dropped, not a crash; a
result for an older request never overwrites a newer one."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
from typing import Any

import pytest

from readlist.core.models import ImportReport, LibraryStats
from readlist.core.query import parse_query
from readlist.core.store import Store, Walk
from readlist.ui import triage_queue
from readlist.ui.messages import QueueOpened, ResultsRead, StatsRead, TotalCounted
from readlist.ui.screens.import_dialog import ImportScreen
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.screens.triage import TriageScreen
from readlist.ui.widgets.paper_list import PaperList
from tests.ui.conftest import AppFactory, record_notices, settle, until, wait_for_workers


async def test_a_screen_popped_while_its_worker_reads_drops_the_result(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Triage left while its queue is still being read: the queue's first page is posted
    to a screen that has gone, and is dropped there (no handler runs, nothing fails)."""
    gate, reached = threading.Event(), threading.Event()
    opened = triage_queue.QueueOpened

    def slow(*args: Any) -> QueueOpened:
        reached.set()
        gate.wait(20)
        return opened(*args)

    handled: list[QueueOpened] = []
    monkeypatch.setattr(triage_queue, "QueueOpened", slow)
    monkeypatch.setattr(TriageScreen, "on_queue_opened", lambda _, found: handled.append(found))
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        app.start_triage("")
        await until(pilot, reached.is_set, "the queue read")
        triage = app.screen
        assert isinstance(triage, TriageScreen)
        await app.pop_screen()
        await until(pilot, lambda: not triage.is_attached, "triage taken down")
        gate.set()
        await wait_for_workers(app)
        await pilot.pause()
        assert handled == []
        assert app.is_running and isinstance(app.screen, LibraryScreen)
        assert app.return_code is None  # no error ended the app


async def test_a_page_for_a_list_gone_is_dropped(make_app: AppFactory) -> None:
    """A list's page read by its worker while the list was being taken down (a screen
    popped, the app quitting) has nowhere to go: the list's closed queue refuses it."""
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        papers = app.screen.query_one(PaperList)
        # An older list's page: still there, the list takes it (and drops it as stale).
        page = PaperList.PageLoaded(0, papers.generation - 1, [])
        assert await asyncio.to_thread(papers.post_message, page)
        await settle(pilot)
        await papers.remove()
        gone = PaperList.PageLoaded(0, papers.generation, [])
        assert not await asyncio.to_thread(papers.post_message, gone)
        await pilot.pause()
        assert app.is_running


async def test_results_for_an_older_filter_never_overwrite_a_newer_ones(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        papers = screen.query_one(PaperList)
        await pilot.press("slash", *"diffusion")
        await settle(pilot)
        shown = (papers.total, papers.highlighted)
        # The whole library's first page and count, read before "diffusion" was typed,
        # arriving late from their workers.
        everything = Walk(parse_query(""), screen.sort)
        first = screen.rl_app.library.store().page(everything.query, 0, 100, sort=screen.sort)
        assert len(first) > papers.total
        screen.post_message(ResultsRead("", everything, first, None))
        screen.post_message(TotalCounted("", screen.sort, len(first)))
        await pilot.pause()
        assert (papers.total, papers.highlighted) == shown
        assert screen.shown_query == "diffusion"


def test_newer_totals_replace_older_ones_still_waiting() -> None:
    """Only the newest totals matter; results and counts are each kept (they are for a
    given filter, and checked against the one shown)."""
    older, newer = (StatsRead(LibraryStats(n, 0, 0, n, 0, n, 1, 0, 1, "x")) for n in (1, 2))
    assert older.can_replace(newer)
    walk = Walk(parse_query(""), "latest")
    result = ResultsRead("", walk, [], None)
    assert not result.can_replace(ResultsRead("x", walk, [], None))
    assert not older.can_replace(result)


async def test_an_import_dialogs_news_after_it_closed_is_dropped(make_app: AppFactory) -> None:
    """The import's worker reports to its dialog; a dialog closed meanwhile (the app
    quitting mid-import) refuses what comes after, and nothing fails."""
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, ImportScreen), "the import dialog")
        dialog = app.screen
        assert isinstance(dialog, ImportScreen)
        assert await asyncio.to_thread(dialog.post_message, ImportScreen.Began(3))
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LibraryScreen), "the dialog closed")
        await pilot.pause()
        done = ImportScreen.Finished(ImportReport(()), [], 0, 0)
        assert not await asyncio.to_thread(dialog.post_message, done)
        await pilot.pause()
        assert app.is_running and dialog.report is None


async def test_a_count_stopped_by_a_newer_key_is_no_news(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key typed while the filter's count runs interrupts that count: nothing failed,
    so nothing is said."""
    from readlist.core.store import Store
    from tests.ui.conftest import record_notices

    reached, interrupted = threading.Event(), threading.Event()
    real_count, real_interrupt = Store.count, Store.interrupt

    def slow_count(self: Store, query: Any) -> int:
        if query.is_empty:
            return real_count(self, query)
        reached.set()
        if interrupted.wait(20):
            import sqlite3

            raise sqlite3.OperationalError("interrupted")
        return real_count(self, query)

    def interrupt(self: Store) -> None:
        interrupted.set()
        real_interrupt(self)

    monkeypatch.setattr(Store, "count", slow_count)
    monkeypatch.setattr(Store, "interrupt", interrupt)
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"learn")
        await until(pilot, reached.is_set, "the filter's count to start")
        await pilot.press("i", "n", "g")
        await until(pilot, interrupted.is_set, "the count to be interrupted")
        await wait_for_workers(app)
        await pilot.pause()
        assert not [n for n in notices if "failed" in n]


async def test_a_dialogs_read_that_fails_is_said_not_the_apps_end(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*_: Any) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(Store, "dumps", failing)
    monkeypatch.setattr(Store, "tag_counts", failing)
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("I")
        await until(pilot, lambda: bool(notices), "the failure said")
        assert notices == ["Could not read the imported dumps: disk I/O error"]
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LibraryScreen), "the list")
        await pilot.press("T")
        await until(pilot, lambda: len(notices) == 2, "the failure said")
        assert notices[1] == "Could not read the tags: disk I/O error"
        assert app.is_running and app.return_code is None
