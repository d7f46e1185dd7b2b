"""The bulk menu (A): every paper the filter shows marked at once, asked about with its
count first, and taken back whole by one `u`, leaving what was so before as it was."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.widgets import Static

from readlist.core.query import parse_query
from readlist.ui.screens.bulk import BulkMenu
from readlist.ui.screens.library import LibraryScreen
from tests.ui.conftest import AppFactory, fresh_store, record_notices, settle, until

SIZE = (100, 30)
WORD = "diffusion"


def ids_of(path: Path, query: str) -> set[int]:
    with fresh_store(path) as store:
        return {paper.id for paper in store.search(parse_query(query))}


def body(menu: BulkMenu) -> str:
    """The menu's body as the user reads it."""
    console = Console(width=80, record=True, file=io.StringIO())
    console.print(menu.query_one("#bulk-body", Static).content)
    return console.export_text()


async def test_mark_all_shown_read_asks_with_the_count_and_undo_takes_back_only_its_own(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = ids_of(library_path, WORD)
    read_before = min(shown)
    with fresh_store(library_path) as store:
        store.set_flag([read_before], "read", True)
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        screen.query_text = WORD
        await settle(pilot)
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, BulkMenu), "the bulk menu")
        menu = app.screen
        assert isinstance(menu, BulkMenu)
        heading = str(menu.query_one("#bulk-heading").render())
        assert heading == f"Act on all {len(shown)} papers shown by {WORD}"
        await pilot.press("r")
        assert f"Mark {len(shown)} papers read?" in body(menu)
        assert ids_of(library_path, "is:read") == {read_before}  # asked, not done
        await pilot.press("y")
        await until(pilot, lambda: app.screen is screen, "the menu to close")
        await settle(pilot)
        assert ids_of(library_path, "is:read") == shown
        assert f"{len(shown) - 1} papers read (1 already were)" in notices
        await pilot.press("u")
        await settle(pilot)
        assert ids_of(library_path, "is:read") == {read_before}  # read before: still read
        assert f"Put back {len(shown) - 1} papers as unread" in notices


async def test_no_goes_back_to_the_choices_and_escape_changes_nothing(
    make_app: AppFactory, library_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, BulkMenu), "the bulk menu")
        menu = app.screen
        assert isinstance(menu, BulkMenu)
        await pilot.press("s")
        assert "Star" in body(menu) and "?" in body(menu)
        await pilot.press("n")
        assert "Mark all read" in body(menu) and "?" not in body(menu)
        await pilot.press("y")  # nothing chosen: y does nothing
        assert app.screen is menu
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is screen, "the menu to close")
        await settle(pilot)
    assert ids_of(library_path, "is:starred") == set()


async def test_with_nothing_shown_there_is_nothing_to_act_on(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        screen.query_text = "zzzqqqxx"
        await settle(pilot)
        await pilot.press("A")
        await pilot.pause()
        assert app.screen is screen
        assert "No papers shown to act on" in notices


async def test_tag_all_shown_asks_the_name_then_the_count_and_undo_untags_only_those(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = ids_of(library_path, WORD)
    with fresh_store(library_path) as store:
        store.add_tag([min(shown)], "ML")  # tagged before, as the library spells it
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        screen.query_text = WORD
        await settle(pilot)
        await pilot.press("A", "t")
        menu = app.screen
        assert isinstance(menu, BulkMenu)
        await pilot.press("m", "l", "enter")
        assert f"Tag {len(shown)} papers ml?" in body(menu)
        await pilot.press("y")
        await until(pilot, lambda: app.screen is screen, "the menu to close")
        await settle(pilot)
        assert ids_of(library_path, "tag:ml") == shown
        assert f"{len(shown) - 1} papers tagged ml (1 already were)" in notices
        await pilot.press("u")
        await settle(pilot)
        assert ids_of(library_path, "tag:ml") == {min(shown)}


async def test_delete_all_shown_says_what_of_yours_is_in_them_and_undo_restores(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown = ids_of(library_path, WORD)
    with fresh_store(library_path) as store:
        store.set_flag([min(shown)], "starred", True)
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        screen.query_text = WORD
        await settle(pilot)
        await pilot.press("A", "d")
        menu = app.screen
        assert isinstance(menu, BulkMenu)
        await until(pilot, lambda: "1 of them starred or noted" in body(menu), "the stakes")
        assert f"Move {len(shown)} papers to the trash?" in body(menu)
        await pilot.press("y")
        await until(pilot, lambda: app.screen is screen, "the menu to close")
        await settle(pilot)
        assert ids_of(library_path, WORD) == set()
        assert ids_of(library_path, "is:deleted") == shown
        assert f"Moved {len(shown)} papers to the trash" in notices
        await pilot.press("u")
        await settle(pilot)
        assert ids_of(library_path, WORD) == shown
        assert ids_of(library_path, "is:starred") == {min(shown)}  # kept through it all


async def test_a_filter_with_a_word_it_cannot_read_is_not_acted_on(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        screen.query_text = "is:stared"
        await settle(pilot)
        await pilot.press("A")
        await pilot.pause()
        assert app.screen is screen
        assert any(n.startswith("Fix the filter first: unknown filter is:stared") for n in notices)
