"""Tags and saved searches in the app: the tag editor (T) with completion, its save
undone by `u`; keys 1-9; saving the filter (Ctrl+S); the status bar naming the saved
search shown."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.core.query import Tag
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.screens.save_search import SaveSearch
from readlist.ui.screens.tags import TagEditor, TagInput
from readlist.ui.screens.triage import TriageScreen
from readlist.ui.widgets.detail import DetailPane
from readlist.ui.widgets.filter_bar import FilterBar
from readlist.ui.widgets.paper_list import PaperList, tags_cell
from readlist.ui.widgets.status import StatusLine
from tests.ui.conftest import AppFactory, fresh_store, record_notices, settle, until

SIZE = (100, 30)


def tags_in(path: Path, paper_id: int) -> tuple[str, ...]:
    with fresh_store(path) as store:
        return store.tags_of(paper_id)


def status_of(screen: LibraryScreen) -> str:
    return str(screen.query_one("#status", StatusLine).render())


def row_text(screen: LibraryScreen, y: int) -> str:
    return screen.query_one(PaperList).render_line(y).text


async def test_the_tag_editor_completes_adds_removes_saves_and_u_undoes(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_store(library_path) as store:
        store.add_tag([2], "reinforcement")
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        paper = screen.query_one(PaperList).highlighted
        assert paper is not None and paper.tags == ()
        await pilot.press("T")
        await until(pilot, lambda: isinstance(app.screen, TagEditor), "the tag editor")
        editor = app.screen
        assert isinstance(editor, TagEditor)
        await until(pilot, lambda: editor.known == ["reinforcement"], "the library's tags")
        await pilot.press(*"rein", "tab")  # the completion taken
        assert editor.query_one(TagInput).value == "reinforcement"
        await pilot.press("enter", *"to-read", "enter", *"bad,name", "enter")
        assert "has a comma in it" in str(editor.query_one("#tags-said").render())
        await pilot.press("ctrl+u", *"-to-read", "enter", *"later", "enter")
        assert editor.tags == ["reinforcement", "later"]
        await pilot.press("backspace")  # an empty field: the last tag goes
        assert editor.tags == ["reinforcement"]
        await pilot.press(*"later", "enter", "ctrl+s")
        await until(pilot, lambda: app.screen is screen, "the editor to close")
        await settle(pilot)
        assert tags_in(library_path, paper.id) == ("later", "reinforcement")
        shown = screen.query_one(PaperList).highlighted
        assert shown is not None and shown.tags == ("later", "reinforcement")
        assert row_text(screen, 0).endswith(" #later +1 2026-11-23 ")  # a third of the title's room
        assert "#later #reinforcement" in str(
            screen.query_one(DetailPane).query_one("#detail-state", StatusLine).render()
        )
        await pilot.press("u")
        await settle(pilot)
        assert tags_in(library_path, paper.id) == ()
        assert any(n.startswith("Put back the tags of") for n in notices)
        await pilot.press("T", "escape")  # Esc: nothing changes
        await settle(pilot)
        assert tags_in(library_path, paper.id) == ()


def test_a_rows_tags_fit_the_room_they_have() -> None:
    assert tags_cell(("ml", "rl"), 20) == " #ml #rl"
    assert tags_cell(("ml", "reinforcement"), 10) == " #ml +1"
    assert tags_cell(("reinforcement",), 6) == " #…"
    assert tags_cell(("ml",), 2) == ""


async def test_keys_1_to_9_show_the_saved_searches_and_the_status_names_them(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with fresh_store(library_path) as store:
        store.add_tag([3, 5], "ml")
        store.save_search("ml", "tag:ml")
        store.save_search("fresh", "is:new -is:read")
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await pilot.press("1")
        await until(pilot, lambda: screen.shown_query == "tag:ml", "saved search 1")
        await settle(pilot)
        assert screen.query_one(PaperList).total == 2
        assert screen.query_one(FilterBar).value == "tag:ml"
        assert "saved:ml" in status_of(screen)
        await pilot.press("t")  # triage reads saved: too
        await until(pilot, lambda: isinstance(app.screen, TriageScreen), "triage")
        triage = app.screen
        assert isinstance(triage, TriageScreen)
        assert (Tag("ml"),) in triage.queue.query.clauses
        await pilot.press("q")
        await until(pilot, lambda: app.screen is screen, "the list again")
        await settle(pilot)
        await pilot.press("2")
        await until(pilot, lambda: screen.shown_query == "is:new -is:read", "saved search 2")
        await settle(pilot)
        assert "saved:fresh" in status_of(screen)
        await pilot.press("3")
        assert any("Key 3: 2 saved searches yet" in n for n in notices)
        screen.query_text = "-saved:ml"  # saved: in a filter typed: not the search itself
        await settle(pilot)
        assert screen.query_one(PaperList).total == 356
        assert "saved:ml" not in status_of(screen).replace("filter: -saved:ml", "")


async def test_ctrl_s_saves_the_filter_by_name_and_u_takes_it_back(
    make_app: AppFactory, library_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await pilot.press("1")  # none saved yet: said, nothing shown
        await pilot.press("slash", *"diffusion is:unread", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, SaveSearch), "the name asked")
        await pilot.press(*"two words", "enter")
        assert isinstance(app.screen, SaveSearch)  # refused, said, still asking
        await pilot.press("ctrl+u", *"diff", "enter")
        await until(pilot, lambda: app.screen is screen, "the question to close")
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert store.saved_queries() == {"diff": "diffusion is:unread"}
        assert "saved:diff" in status_of(screen)
        await pilot.press("escape", "1")
        await until(pilot, lambda: screen.shown_query == "diffusion is:unread", "key 1")
        await pilot.press("slash", "ctrl+u", *"diffusion", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, SaveSearch), "the name asked")
        save = app.screen
        assert isinstance(save, SaveSearch) and save.offered == "diff"  # the last name
        assert "replaces: diffusion is:unread" in str(save.query_one("#save-said").render())
        await pilot.press("enter")
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert store.saved_queries() == {"diff": "diffusion"}
        await pilot.press("u")
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert store.saved_queries() == {"diff": "diffusion is:unread"}
        await pilot.press("u")
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert store.saved_queries() == {}
