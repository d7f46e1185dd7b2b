"""Triage, driven by keys from the main screen; assertions on the card and on the store."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from readlist.core.ingest.importer import Importer
from readlist.core.models import Paper
from readlist.core.store import Store
from readlist.ui import triage_queue
from readlist.ui.app import ReadlistApp
from readlist.ui.library import StorePool
from readlist.ui.screens import triage
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.screens.triage import TriageScreen
from readlist.ui.triage_queue import queue_query
from readlist.ui.widgets.paper_list import PaperList
from tests.conftest import NOW
from tests.ui.conftest import AppFactory, fresh_store, record_notices, settle

SIZE = (120, 35)


async def card_ready(pilot: Pilot[None]) -> None:
    """Wait for the card's paper, when it had to be fetched."""
    for _ in range(50):
        if str(pilot.app.screen.query_one("#triage-title", Static).render()) != "Loading…":
            return
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
    raise AssertionError("the card never loaded")


def queue(path: Path, text: str = "") -> list[Paper]:
    with fresh_store(path) as store:
        return store.search(queue_query(text))


def shown(app: ReadlistApp, name: str) -> str:
    return str(app.screen.query_one(f"#triage-{name}", Static).render())


async def start_triage(pilot: Pilot[None]) -> TriageScreen:
    await pilot.press("t")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, TriageScreen)
    return screen


async def test_decisions_save_at_once_and_leaving_reports_them(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    papers = queue(library_path)
    assert len(papers) == 358
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_triage(pilot)
        assert shown(app, "title") == papers[0].title
        assert shown(app, "progress").startswith("1 / 358")
        assert f"Listed in {papers[0].times_seen} dump" in shown(app, "seen")
        assert papers[0].last_seen in shown(app, "seen")
        # Each key brings the next card up at once, without waiting on a worker.
        await pilot.press("s")
        assert shown(app, "title") == papers[1].title
        await pilot.press("r")
        assert shown(app, "title") == papers[2].title
        await pilot.press("space")
        assert shown(app, "title") == papers[3].title
        await pilot.press("r")
        assert shown(app, "progress").startswith("5 / 358")
        assert "1 starred · 2 read · 1 skipped" in shown(app, "progress")
        await settle(pilot)
        assert app.screen is screen
        with fresh_store(library_path) as store:
            first, second, third, fourth = store.get_many([p.id for p in papers[:4]])
        assert first.starred and not first.read
        assert second.read and not second.starred
        assert not third.read and not third.starred
        assert fourth.read
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert notices[-1] == "Triaged 4: 1 starred, 2 read, 1 skipped"
        top = app.screen.query_one(PaperList).highlighted
        assert top is not None and top.id == papers[0].id and top.starred
        assert "1 starred" in str(app.screen.query_one("#status").render())


async def test_undo_steps_back_and_puts_the_store_back(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "s")  # a library action, before triage: not triage's to undo
        starred_in_library = app.screen.query_one(PaperList).highlighted
        assert starred_in_library is not None
        screen = await start_triage(pilot)
        papers = queue(library_path)
        assert starred_in_library.id not in {p.id for p in papers}
        await pilot.press("s", "r", "space")
        await settle(pilot)
        await pilot.press("u")  # the skip: back one card, nothing to write
        assert shown(app, "title") == papers[2].title
        await pilot.press("u")
        assert shown(app, "title") == papers[1].title
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert not store.get(papers[1].id).read
            assert store.get(papers[0].id).starred
        await pilot.press("u")
        assert shown(app, "title") == papers[0].title
        assert shown(app, "progress").startswith(f"1 / {len(papers)}")
        assert "0 starred · 0 read · 0 skipped" in shown(app, "progress")
        await pilot.press("u")
        assert notices[-1] == "Nothing to undo in this triage"
        # Deciding again after undo goes on from the card undo showed.
        await pilot.press("r")
        assert shown(app, "title") == papers[1].title
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is not screen
        assert notices[-1] == "Triaged 1: 0 starred, 1 read, 0 skipped"
        with fresh_store(library_path) as store:
            assert store.get(papers[0].id).read
            assert not store.get(papers[0].id).starred
            assert store.get(starred_in_library.id).starred


async def test_the_filter_narrows_the_queue_and_is_highlighted(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    papers = queue(library_path, "mamba")
    assert 0 < len(papers) < 10
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"mamba", "enter")
        await start_triage(pilot)
        assert shown(app, "progress").startswith(f"1 / {len(papers)}")
        assert "filter: mamba" in shown(app, "progress")
        assert shown(app, "title") == papers[0].title
        marked = [
            str(content)[span.start : span.end].lower()
            for name in ("title", "abstract")
            for content in [app.screen.query_one(f"#triage-{name}", Static).render()]
            for span in content.spans  # type: ignore[attr-defined]
        ]
        assert marked and all(text == "mamba" for text in marked)
        await pilot.press(*["r"] * len(papers))
        assert "End of the queue" in shown(app, "title")
        assert shown(app, "progress").startswith(f"{len(papers)} / {len(papers)}")
        await pilot.press("s")  # nothing left to decide: ignored
        await pilot.press("q")
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert all(p.read and not p.starred for p in store.get_many([p.id for p in papers]))
        # Every paper the filter shows is decided now: nothing left to triage.
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert notices[-1] == triage.NOTHING_TO_TRIAGE


async def test_decided_papers_are_not_in_the_queue(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    everything = queue(library_path)
    with fresh_store(library_path) as store:
        store.set_flag([everything[0].id], "starred", True)
        store.set_flag([everything[1].id], "read", True)
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await start_triage(pilot)
        assert shown(app, "title") == everything[2].title
        assert shown(app, "progress").startswith("1 / 356")
        await pilot.press("q")  # leaving with nothing decided says nothing
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert notices == []
        # The cards can come in the library's other orders too.
        app.push_screen(TriageScreen("", sort="title"))
        await settle(pilot)
        with fresh_store(library_path) as store:
            by_title = store.search(queue_query(""), sort="title", limit=1)
        assert shown(app, "title") == by_title[0].title != everything[2].title


async def test_the_queue_runs_past_the_first_page_in_order(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Small pages, so the id stream, the fetches ahead and the bounded cache all run."""
    monkeypatch.setattr(triage_queue, "FIRST_PAGE", 3)
    monkeypatch.setattr(triage_queue, "ID_CHUNK", 5)
    monkeypatch.setattr(triage_queue, "CARDS_AHEAD", 2)
    monkeypatch.setattr(triage_queue, "BATCH", 4)
    monkeypatch.setattr(triage_queue, "KEEP", 6)
    papers = queue(library_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_triage(pilot)
        for position in range(8):
            await card_ready(pilot)
            assert shown(app, "title") == papers[position].title
            await pilot.press("r" if position % 2 else "space")
        await settle(pilot)
        assert shown(app, "progress").startswith("9 / 358")
        assert len(screen.queue._held) <= 6
        await pilot.press(*["u"] * 8)  # back past the papers the cache let go of
        await card_ready(pilot)
        assert shown(app, "title") == papers[0].title
        with fresh_store(library_path) as store:
            assert not any(p.read for p in store.get_many([p.id for p in papers[:8]]))


async def test_a_note_keeps_the_card_and_undo_takes_it_back(
    make_app: AppFactory, library_path: Path
) -> None:
    papers = queue(library_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_triage(pilot)
        await pilot.press("n")
        assert type(app.screen).__name__ == "NoteEditor"
        await pilot.press(*"[a]", "ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        assert shown(app, "title") == papers[0].title
        assert shown(app, "note") == "Note: [a]"
        assert "0 starred · 0 read · 0 skipped" in shown(app, "progress")
        with fresh_store(library_path) as store:
            assert store.get(papers[0].id).note == "[a]"
        await pilot.press("s", "u")  # undo the star: back on the card, the note stays
        assert shown(app, "title") == papers[0].title
        await pilot.press("u")  # then the note
        await settle(pilot)
        assert shown(app, "title") == papers[0].title
        with fresh_store(library_path) as store:
            assert store.get(papers[0].id).note == ""
            assert not store.get(papers[0].id).starred


async def test_titles_and_abstracts_are_shown_literally(tmp_path: Path) -> None:
    title = "[CLS] Tokens and [bold]x[/bold] Are [red]All[/] You Need"
    abstract = "We show [link=http://x]links[/link] and [i]markup[/i] stay as typed."
    dump = f"new\n\nSubscribe\n\nNov 20\n\n{title}\n\n{abstract}\n".encode()
    path = tmp_path / "markup.db"
    with Store.open(path) as store:
        report = Importer(store, now=NOW).import_bytes(dump, "markup.txt")
        assert report.new == 1
    app = ReadlistApp(StorePool(path))
    async with app.run_test(size=SIZE) as pilot:
        await start_triage(pilot)
        assert shown(app, "title") == title
        assert shown(app, "abstract") == abstract
        assert shown(app, "progress").startswith("1 / 1")
