"""Another window (or the CLI) on the same library: its changes show here, and a note
it changed while this window was editing it is never written over without asking.

"The other window" is a second connection to the library file, as another process
has; tests/e2e runs two real instances in tmux.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.widgets import Static, TextArea

from readlist.core.ingest.importer import Importer
from readlist.ui.app import ReadlistApp
from readlist.ui.screens.note import NoteConflict, NoteEditor
from readlist.ui.widgets.detail import DetailPane
from readlist.ui.widgets.paper_list import PaperList
from tests.conftest import SAMPLE_DUMPS
from tests.ui.conftest import AppFactory, fresh_store, settle, until
from tests.ui.test_library_screen import main_screen


def _detail_note(app: ReadlistApp) -> str:
    shown = app.screen.query_one(DetailPane).paper
    return shown.note if shown is not None else ""


async def test_marks_and_notes_made_elsewhere_show_here(
    make_app: AppFactory, library_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        papers = main_screen(app).query_one(PaperList)
        top, second = papers.paper_at(0), papers.paper_at(1)
        assert top is not None and second is not None and not second.starred
        with fresh_store(library_path) as other:
            other.set_flag([second.id], "starred", True)
            other.set_note(top.id, "Written in the other window")
        await until(
            pilot,
            lambda: (p := papers.paper_at(1)) is not None and p.starred,
            "the star made elsewhere",
        )
        await until(
            pilot,
            lambda: "Written in the other window" in _detail_note(app),
            "the note made elsewhere, in the detail pane",
        )
        await until(
            pilot,
            lambda: "1 starred" in str(app.screen.query_one("#status").render()),
            "the status bar's count",
        )


async def test_an_import_elsewhere_brings_its_papers_here(
    make_app: AppFactory, library_path: Path, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        papers = main_screen(app).query_one(PaperList)
        before = papers.total
        dump = next(SAMPLE_DUMPS.glob("*.txt")).read_text(encoding="utf-8")
        extra = "\n".join(
            [dump, "A Paper Only The Other Window Imported", "Its abstract, unlike any other."]
        )
        with fresh_store(library_path) as other:
            Importer(other, now=datetime(2026, 11, 24, tzinfo=UTC)).import_bytes(
                extra.encode(), "later.txt"
            )
        await until(pilot, lambda: papers.total == before + 1, "the imported paper")


async def test_own_keys_are_not_taken_for_changes_made_elsewhere(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The watcher asks on the writer's own connection, where this app's commits do not
    count: a star pressed here is never followed by a re-read of the screen."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        papers = screen.query_one(PaperList)
        top = papers.highlighted
        assert top is not None
        rereads: list[object] = []
        monkeypatch.setattr(screen.results, "reread_shown", lambda: rereads.append(None))
        for _ in range(5):
            await pilot.press("s")
        await settle(pilot)
        polls = app.watcher.polls
        await until(pilot, lambda: app.watcher.polls >= polls + 2, "two more looks")
        assert rereads == []
        shown = papers.highlighted
        with fresh_store(library_path) as store:
            assert shown is not None and shown.starred == store.get(top.id).starred is True
        with fresh_store(library_path) as other:  # and a change made elsewhere is noticed
            other.set_flag([top.id], "read", True)
        await until(pilot, lambda: len(rereads) == 1, "the other window's change")


async def _edit_note_while_another_window_changes_it(
    app: ReadlistApp, library_path: Path, pilot: object
) -> int:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await settle(pilot)
    paper = main_screen(app).query_one(PaperList).highlighted
    assert paper is not None
    await pilot.press("n")
    await until(pilot, lambda: isinstance(app.screen, NoteEditor), "the note editor")
    app.screen.query_one(TextArea).insert("mine")
    with fresh_store(library_path) as other:
        other.set_note(paper.id, "theirs")
    await pilot.press("ctrl+s")
    await until(pilot, lambda: isinstance(app.screen, NoteConflict), "the question")
    assert "theirs" in str(app.screen.query_one("#theirs", Static).render())
    assert "mine" in str(app.screen.query_one("#mine", Static).render())
    return paper.id


async def test_a_note_changed_elsewhere_while_editing_asks_and_can_save_mine(
    make_app: AppFactory, library_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        paper_id = await _edit_note_while_another_window_changes_it(app, library_path, pilot)
        with fresh_store(library_path) as store:
            assert store.note(paper_id) == "theirs"  # nothing written while it asks
        await pilot.press("m")
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert store.note(paper_id) == "mine"
        assert "mine" in _detail_note(app)
        await pilot.press("u")  # undo goes back to their note, not to the empty one
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert store.note(paper_id) == "theirs"


async def test_a_note_changed_elsewhere_can_be_kept_or_edited_again(
    make_app: AppFactory, library_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        paper_id = await _edit_note_while_another_window_changes_it(app, library_path, pilot)
        await pilot.press("e")  # back to my words, to be saved over theirs
        await until(pilot, lambda: isinstance(app.screen, NoteEditor), "the editor again")
        assert app.screen.query_one(TextArea).text == "mine"
        await pilot.press("ctrl+s")
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert store.note(paper_id) == "mine"
        with fresh_store(library_path) as other:
            other.set_note(paper_id, "theirs again")
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteEditor), "the note editor")
        app.screen.query_one(TextArea).insert("more ")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, NoteConflict), "the question")
        await pilot.press("t")
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert store.note(paper_id) == "theirs again"
        assert "theirs again" in _detail_note(app)
