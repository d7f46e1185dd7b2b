"""A signal while a note is being edited: the words are saved as Ctrl+S saves them, or,
when the note was changed elsewhere, kept in a file named on stderr; then the app quits
with 128 + the signal.

The app here quits on SIGUSR1, a signal pytest's own process can take: the real signals
(SIGTERM, SIGHUP) and the terminal they leave are tested in tests/e2e/test_tmux.py.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import TextArea

from readlist.core import drafts
from readlist.core.store import Store
from readlist.ui.app import ReadlistApp
from readlist.ui.library import StorePool
from readlist.ui.screens.note import NoteConflict, NoteEditor
from readlist.ui.widgets.paper_list import PaperList
from tests.ui.conftest import fresh_store, settle, until
from tests.ui.test_library_screen import main_screen

SIGNAL = signal.SIGUSR1
SIZE = (120, 35)


@pytest.fixture
def app(library_path: Path) -> ReadlistApp:
    return ReadlistApp(StorePool(library_path), signals=(SIGNAL,))


async def _open_note(pilot: Pilot[None], app: ReadlistApp, typed: str) -> int:
    """The editor open on the top paper's note, with `typed` in it; the paper's id."""
    await settle(pilot)
    paper = main_screen(app).query_one(PaperList).highlighted
    assert paper is not None
    await pilot.press("n")
    await until(pilot, lambda: isinstance(app.screen, NoteEditor), "the note editor")
    app.screen.query_one(TextArea).insert(typed)
    return paper.id


async def _signal(pilot: Pilot[None], app: ReadlistApp) -> None:
    os.kill(os.getpid(), SIGNAL)
    await until(pilot, lambda: app.return_code is not None, "the app to quit")


def _drafts(folder: Path) -> list[Path]:
    return sorted(folder.glob(f"{drafts.PREFIX}*.md"))


async def test_a_signal_saves_the_note_being_edited_and_queued_marks(
    app: ReadlistApp, library_path: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        starred = main_screen(app).query_one(PaperList).highlighted
        assert starred is not None
        await pilot.press("s")
        paper_id = await _open_note(pilot, app, "typed, never saved by hand")
        await _signal(pilot, app)
    assert app.return_code == 128 + SIGNAL
    with fresh_store(library_path) as store:
        assert store.note(paper_id) == "typed, never saved by hand"
        assert store.get(starred.id).starred
    (said,) = app.exit_notes
    assert said.startswith("readlist: saved your note on ")
    assert _drafts(library_path.parent) == []


async def test_a_signal_keeps_a_note_changed_elsewhere_in_a_file(
    app: ReadlistApp, library_path: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        paper_id = await _open_note(pilot, app, "mine")
        with fresh_store(library_path) as other:
            other.set_note(paper_id, "theirs")
        await _signal(pilot, app)
    with fresh_store(library_path) as store:
        assert store.note(paper_id) == "theirs"  # not written over
    (draft,) = _drafts(library_path.parent)
    assert draft.read_text(encoding="utf-8") == "mine"
    (said,) = app.exit_notes
    assert "not saved (it was changed elsewhere)" in said
    assert said.endswith(f"your words are in {draft}")


async def test_a_signal_while_asked_about_a_conflict_keeps_mine_in_a_file(
    app: ReadlistApp, library_path: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        paper_id = await _open_note(pilot, app, "mine")
        with fresh_store(library_path) as other:
            other.set_note(paper_id, "theirs")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, NoteConflict), "the question")
        await _signal(pilot, app)
    with fresh_store(library_path) as store:
        assert store.note(paper_id) == "theirs"  # the user never said "save mine"
    (draft,) = _drafts(library_path.parent)
    assert draft.read_text(encoding="utf-8") == "mine"


async def test_a_save_still_queued_that_meets_a_conflict_is_kept_in_a_file(
    app: ReadlistApp, library_path: Path
) -> None:
    """Ctrl+S just before the signal: the save is behind another write when the signal
    comes, then finds the note changed. No one is left to ask: the words go to a file."""

    def busy(_store: Store) -> None:  # the writer's thread, busy until the app is leaving
        deadline = time.monotonic() + 20
        while app.leaving is None and time.monotonic() < deadline:
            time.sleep(0.01)  # a poll interval; the condition is the wait

    async with app.run_test(size=SIZE) as pilot:
        paper_id = await _open_note(pilot, app, "mine")
        with fresh_store(library_path) as other:
            other.set_note(paper_id, "theirs")
        app.writer.submit(busy)
        queued = app.writer.submitted
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.writer.submitted > queued, "the save to be queued")
        await _signal(pilot, app)
    assert app.return_code == 128 + SIGNAL
    with fresh_store(library_path) as store:
        assert store.note(paper_id) == "theirs"
    (draft,) = _drafts(library_path.parent)
    assert draft.read_text(encoding="utf-8") == "mine"


async def test_a_signal_with_nothing_typed_writes_nothing(
    app: ReadlistApp, library_path: Path
) -> None:
    async with app.run_test(size=SIZE) as pilot:
        paper_id = await _open_note(pilot, app, "")
        await _signal(pilot, app)
        app.leave(SIGNAL)  # a second signal while quitting changes nothing
    assert app.return_code == 128 + SIGNAL
    assert app.exit_notes == []
    with fresh_store(library_path) as store:
        assert store.note(paper_id) == ""


def test_a_draft_goes_to_the_temp_dir_when_the_library_folder_takes_none(
    tmp_path: Path,
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")
    path = drafts.keep(not_a_folder, 7, "words")
    try:
        assert path.parent != not_a_folder and path.read_text(encoding="utf-8") == "words"
    finally:
        path.unlink()


def test_drafts_never_replace_one_another(tmp_path: Path) -> None:
    first = drafts.keep(tmp_path, 7, "first")
    second = drafts.keep(tmp_path, 7, "second")
    assert first != second
    assert first.read_text(encoding="utf-8") == "first"
    assert second.read_text(encoding="utf-8") == "second"


async def test_ctrl_c_in_the_note_editor_saves_the_words_typed(
    app: ReadlistApp, library_path: Path
) -> None:
    """Ctrl+C is the app's quit key, not a way to drop a note: what was typed is saved."""
    async with app.run_test(size=SIZE) as pilot:
        paper_id = await _open_note(pilot, app, "typed, then ctrl+c")
        await pilot.press("ctrl+c")
        await until(pilot, lambda: app.return_code is not None, "the app to quit")
    assert app.return_code == 0
    with fresh_store(library_path) as store:
        assert store.note(paper_id) == "typed, then ctrl+c"
