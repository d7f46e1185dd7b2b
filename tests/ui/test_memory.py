"""Per library, the app remembers how it was left: the sort order (restored), the last
filter (offered by `/`, not forced) and the place in a triage (picked up again). A
restart is a second app on the same library file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from readlist.core.models import Paper
from readlist.core.query import parse_query
from readlist.core.store import Store, damage
from readlist.core.store.memory import Memory, TriagePlace
from readlist.ui.app import ReadlistApp
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.screens.triage import TriageScreen
from readlist.ui.triage_queue import queue_query
from readlist.ui.widgets.filter_bar import FilterInput
from readlist.ui.widgets.paper_list import PaperList
from tests.ui.conftest import AppFactory, fresh_store, record_notices, settle, until

SIZE = (120, 35)


def remembered(path: Path) -> Memory:
    with fresh_store(path) as store:
        return store.recall()


def main(app: ReadlistApp) -> LibraryScreen:
    screen = app.screen_stack[1]
    assert isinstance(screen, LibraryScreen)
    return screen


def status(app: ReadlistApp) -> str:
    return str(main(app).query_one("#status").render())


def card_title(app: ReadlistApp) -> str:
    return str(app.screen.query_one("#triage-title", Static).render())


async def card(pilot: Pilot[None], title: str) -> None:
    app = pilot.app
    assert isinstance(app, ReadlistApp)
    await until(pilot, lambda: card_title(app) == title, f"the card {title!r}")


async def skip(pilot: Pilot[None], app: ReadlistApp) -> None:
    """Space until the card changes (it pages a card longer than the screen first)."""
    screen = app.screen
    assert isinstance(screen, TriageScreen)
    position = screen.position
    for _ in range(10):
        await pilot.press("space")
        await pilot.pause()
        if screen.position != position:
            return
    raise AssertionError("space never skipped the card")


# -- the sort --------------------------------------------------------------------------------


async def test_the_sort_is_restored_on_start(make_app: AppFactory, library_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("S", "S")  # most sightings, then title: one write, after a pause
        await settle(pilot)
        assert main(app).sort == "title"
        await until(pilot, lambda: app.memory.saved == 1, "the sort written")
        app.writer.flush()
        assert remembered(library_path).sort == "title"
        assert app.memory.saved == 1  # S S was one write, not two
    with fresh_store(library_path) as store:
        by_title = store.search(parse_query(""), limit=3, sort="title")
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert main(again).sort == "title"
        papers = main(again).query_one(PaperList)
        assert [papers.paper_at(i) for i in range(3)] == by_title
        assert "sort: title" in status(again)
        await pilot.press("S")  # the cycle goes on from the remembered sort
        await settle(pilot)
        assert main(again).sort == "upvotes"
    assert remembered(library_path).sort == "upvotes"  # written as the app quit


# -- the filter ------------------------------------------------------------------------------


async def test_the_last_filter_is_offered_not_forced(
    make_app: AppFactory, library_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"continual", "enter")
        await settle(pilot)
        assert main(app).query_text == "continual"
    assert remembered(library_path).filter == "continual"
    again = make_app()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = main(again)
        papers = screen.query_one(PaperList)
        assert screen.query_text == "" and papers.total == 358  # it starts unfiltered
        field = screen.query_one(FilterInput)
        assert "last: continual" in field.placeholder  # and says what / offers
        await pilot.press("slash")  # offered: shown, selected, its results on screen
        assert field.value == "continual" and field.selected_text == "continual"
        await settle(pilot)
        assert screen.query_text == "continual" and papers.total < 358
        await pilot.press("enter")  # Enter keeps it
        await settle(pilot)
        assert screen.query_text == "continual" and screen.focused is papers
        await pilot.press("escape")  # Esc clears it, and / offers it again
        await settle(pilot)
        assert screen.query_text == "" and papers.total == 358
        await pilot.press("slash", *"diffusion")  # the first key typed replaces it
        assert field.value == "diffusion"
        await pilot.press("tab")  # leaving the filter with it keeps it, as Enter does
        await settle(pilot)
        assert screen.query_text == "diffusion"
        assert "last: diffusion" in field.placeholder
    assert remembered(library_path).filter == "diffusion"


async def test_a_filter_abandoned_with_esc_is_not_kept(
    make_app: AppFactory, library_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"continual", "enter")
        await settle(pilot)
        await pilot.press("escape", "slash", "backspace", *"typo", "escape")
        await settle(pilot)
        assert main(app).query_text == ""
        assert "last: continual" in main(app).query_one(FilterInput).placeholder
    assert remembered(library_path).filter == "continual"


# -- the triage place ------------------------------------------------------------------------


async def test_triage_picks_up_where_it_was_left_even_after_a_restart(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_store(library_path) as store:
        papers = store.search(queue_query(""))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await card(pilot, papers[0].title)
        await pilot.press("r")  # decided: out of the queue next time
        for _ in range(3):
            await skip(pilot, app)
        await card(pilot, papers[4].title)
        await pilot.press("q")
        await settle(pilot)
        await pilot.press("t")  # again in this run: at the paper it was left on
        await card(pilot, papers[4].title)
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        assert screen.position == 3  # the three skipped come before it
        await skip(pilot, app)
        await card(pilot, papers[5].title)
    assert remembered(library_path).triage == TriagePlace("", "latest", papers[5].id)
    again = make_app()
    notices = record_notices(again, monkeypatch)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "s")  # typed ahead: the star lands on the paper picked up
        await settle(pilot)
        await card(pilot, papers[6].title)
        with fresh_store(library_path) as store:
            assert store.get(papers[5].id).starred
            assert not store.get(papers[1].id).starred
        assert "Picked up where you left off: card 5. g goes to the first card." in notices
        await pilot.press("g")  # the skipped ones, from the first
        await card(pilot, papers[1].title)


async def test_another_filter_or_a_paper_decided_meanwhile_starts_at_the_top(
    make_app: AppFactory, library_path: Path
) -> None:
    with fresh_store(library_path) as store:
        papers = store.search(queue_query(""))
        continual = store.search(queue_query("continual"))
        store.remember({"triage": TriagePlace("", "latest", papers[2].id)})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"continual", "enter")
        await settle(pilot)
        await pilot.press("t")
        await card(pilot, continual[0].title)
        await pilot.press("q", "escape")
        await settle(pilot)
        with fresh_store(library_path) as other:  # another window reads it
            other.set_flag([continual[0].id], "read", True)
        await pilot.press("slash", *"continual", "enter")
        await settle(pilot)
        await pilot.press("t")
        await card(pilot, continual[1].title)


def left_far_down(library_path: Path) -> list[Paper]:
    """The library remembers a triage left at the 251st card of the most-seen queue."""
    with fresh_store(library_path) as store:
        papers = store.search(queue_query(""), sort="most_seen")
        store.remember(
            {"sort": "most_seen", "triage": TriagePlace("", "most_seen", papers[250].id)}
        )
    return papers


async def test_a_place_far_down_the_queue_is_found(
    make_app: AppFactory, library_path: Path
) -> None:
    """Past the queue's first page (100 papers), its place is read from the library."""
    papers = left_far_down(library_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t", "r")  # the key waits for the card, which is read first
        await settle(pilot)
        await card(pilot, papers[251].title)
        with fresh_store(library_path) as store:
            assert store.get(papers[250].id).read and not store.get(papers[0].id).read


async def test_a_place_whose_paper_cannot_be_read_lets_q_leave(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The card triage picks up at is read first; when that read fails, the keys held for
    it are let through, so q leaves instead of waiting for a card that never comes."""
    left_far_down(library_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notices = record_notices(app, monkeypatch)

        def unreadable(self: object, ids: object) -> list[object]:
            raise sqlite3.OperationalError("disk I/O error")

        monkeypatch.setattr(Store, "get_many", unreadable)
        await pilot.press("t", "q")
        await until(pilot, lambda: isinstance(app.screen, LibraryScreen), "q to leave triage")
        assert any("Could not read papers" in n for n in notices)


async def test_the_end_of_the_queue_is_forgotten(make_app: AppFactory, library_path: Path) -> None:
    with fresh_store(library_path) as store:
        queued = store.search(queue_query("continual"))
        store.remember({"triage": TriagePlace("continual", "latest", queued[1].id)})
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"continual", "enter")
        await settle(pilot)
        await pilot.press("t")
        await card(pilot, queued[1].title)
        await pilot.press("g")
        await card(pilot, queued[0].title)
        await pilot.press(*"r" * len(queued))
        await card(pilot, "End of the queue")
    assert remembered(library_path).triage is None


# -- when it cannot be saved, and two windows -------------------------------------------------


async def test_a_damaged_library_is_not_written_to_and_nothing_breaks(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_store(library_path) as store:
        store.remember({"sort": "title"})
    damage.record(library_path, "papers: database disk image is malformed")
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert main(app).sort == "title"  # reads go on
        await pilot.press("S", "slash", *"continual", "enter")
        await settle(pilot)
        app.memory.save()
        app.writer.flush()
        await settle(pilot)
        assert main(app).sort == "upvotes" and main(app).query_text == "continual"
        assert not any("save" in notice.lower() for notice in notices), notices
    damage.clear(library_path)
    assert remembered(library_path) == Memory(sort="title")


async def test_a_library_that_cannot_be_written_still_opens_and_runs(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer's connection made read-only (SQLite's own query_only, as a file the
    user may not write is opened): the memory is not saved, and nothing is said."""
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.writer.in_turn(lambda store: store.conn.execute("PRAGMA query_only = 1"))
        await pilot.press("S", "slash", *"continual", "enter")
        await settle(pilot)
        app.memory.save()
        app.writer.flush()
        await pilot.press("S", "t", "q")
        await settle(pilot)
        assert main(app).sort == "title" and main(app).query_text == "continual"
        assert notices == ["Sorted by most sightings", "Sorted by title"], notices
    assert remembered(library_path) == Memory()


async def test_another_windows_memory_wakes_nothing_here_and_the_last_writer_wins(
    make_app: AppFactory, library_path: Path
) -> None:
    here, there = make_app(), make_app()
    async with here.run_test(size=SIZE) as pilot, there.run_test(size=SIZE) as other:
        await settle(pilot)
        await settle(other)
        woken: list[bool] = []
        screen = main(here)
        monkey = screen.library_changed

        def counted(imported: bool) -> None:
            woken.append(imported)
            monkey(imported)

        screen.library_changed = counted  # type: ignore[method-assign]
        await pilot.press("j", "j", "j")
        cursor = screen.query_one(PaperList).highlighted
        await other.press("S", "slash", *"continual", "enter")
        await settle(other)
        there.memory.save()
        there.writer.flush()
        assert remembered(library_path) == Memory("most_seen", "continual")
        polls = here.watcher.polls
        await until(pilot, lambda: here.watcher.polls >= polls + 3, "three looks here")
        assert woken == []  # the other window's memory changed nothing shown here
        assert screen.query_one(PaperList).highlighted == cursor and screen.sort == "latest"
        await other.press("s")  # a star there is still seen here
        await until(pilot, lambda: woken == [False], "the star made there")
        await pilot.press("S", "S")  # title, here: written last, so it wins
        await settle(pilot)
    assert remembered(library_path) == Memory("title", "continual")
