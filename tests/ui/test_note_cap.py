"""A note too long for the app is refused with a message and never freezes the screen:
the editor keeps the words, and an old over-long note shows in part."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Markdown, TextArea

from readlist.core.query import parse_query
from readlist.core.store import NOTE_MAX_BYTES, Store
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.screens.note import NoteEditor
from readlist.ui.widgets.detail import NOTE_SHOWN_CHARS, DetailPane
from readlist.ui.widgets.paper_list import PaperList
from tests.ui.conftest import AppFactory, fresh_store, settle, until

SIZE = (120, 35)


def _messages(app: object) -> list[str]:
    return [str(n.message) for n in app._notifications]  # type: ignore[attr-defined]


async def test_a_note_over_the_cap_stays_in_the_editor_with_a_message(
    make_app: AppFactory, library_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.screen.query_one(PaperList).highlighted
        assert paper is not None
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteEditor), "the note editor")
        words = "a long note line\n" * (NOTE_MAX_BYTES // 17 + 1)
        app.screen.query_one(TextArea).load_text(words)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any("may hold" in m for m in _messages(app)), "a message")
        assert isinstance(app.screen, NoteEditor)  # the words are still there to cut down
        assert app.screen.query_one(TextArea).text == words
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert store.get(paper.id).note == ""
        app.screen.query_one(TextArea).load_text("cut down")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, LibraryScreen), "the note saved")
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert store.get(paper.id).note == "cut down"


async def test_an_old_note_over_the_cap_is_shown_in_part_and_not_opened(
    make_app: AppFactory, library_path: Path
) -> None:
    old = "".join(f"line {i} of a note from an older readlist\n" for i in range(8000))
    assert len(old.encode()) > NOTE_MAX_BYTES
    with Store.open(library_path) as store:
        first = next(iter(store.iter_search(parse_query(""), limit=1)))
        store.conn.execute(  # as an older readlist, with no cap, wrote it
            "INSERT INTO state (paper_id, note, note_at) VALUES (?, ?, '2026-01-01')",
            (first.id, old),
        )
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        note = app.screen.query_one(DetailPane).query_one("#detail-note", Markdown)
        await until(pilot, lambda: "line 0 of a note" in note.source, "the note shown")
        assert len(note.source) < NOTE_SHOWN_CHARS + 200
        assert note.source.endswith(f"(the note goes on: {len(old):,} characters in all)*")
        await pilot.press("n")
        await until(pilot, lambda: any("may hold" in m for m in _messages(app)), "a message")
        await until(pilot, lambda: isinstance(app.screen, LibraryScreen), "back to the list")
        assert any("readlist note" in m for m in _messages(app))
    with fresh_store(library_path) as store:
        assert store.get(first.id).note == old
