"""Keys typed ahead of a screen: a burst lands on the screen it was meant for, in order.

`burst` puts every key in the app's queue before any is handled, as a terminal does
with keys typed fast, pasted, or sent by `tmux send-keys`; Pilot's `press` waits for
the app to go idle after each key, which hides the problem.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.keys import _character_to_key
from textual.screen import Screen
from textual.widgets import Input, Static, TextArea

from readlist.core.models import Paper
from readlist.ui import triage_queue
from readlist.ui.app import ReadlistApp
from readlist.ui.messages import QueueOpened
from readlist.ui.screens.export_dialog import ExportScreen
from readlist.ui.screens.help import HelpScreen
from readlist.ui.screens.import_dialog import ImportScreen
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.screens.note import NoteEditor
from readlist.ui.screens.triage import TriageScreen
from readlist.ui.triage_queue import queue_query
from readlist.ui.widgets.paper_list import PaperList
from tests.conftest import SAMPLE_DUMPS
from tests.ui.conftest import AppFactory, fresh_store, settle, until

SIZE = (120, 35)
LANDED = 10.0  # seconds for a burst to land; on main the keys are lost and this runs out


def burst(app: ReadlistApp, *keys: str) -> None:
    """Every key in the app's queue at once, before the first is handled. A key is a
    character ("s", "/") or a key's name ("space", "ctrl+s")."""
    for key in keys:
        if len(key) == 1:
            event = events.Key(key if key.isalnum() else _character_to_key(key), key)
        else:
            event = events.Key(key, " " if key == "space" else None)
        event.set_sender(app)
        app.post_message(event)


def queue(path: Path, text: str = "") -> list[Paper]:
    with fresh_store(path) as store:
        return store.search(queue_query(text))


def stored(path: Path, papers: list[Paper]) -> list[Paper]:
    with fresh_store(path) as store:
        return store.get_many([paper.id for paper in papers])


def decided(path: Path, papers: list[Paper]) -> int:
    return sum(paper.starred or paper.read for paper in stored(path, papers))


async def test_t_s_r_s_in_one_burst_records_three_decisions_in_order(
    make_app: AppFactory, library_path: Path
) -> None:
    papers = queue(library_path)[:4]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "t", "s", "r", "s")
        await until(pilot, lambda: decided(library_path, papers) == 3, "3 decisions", LANDED)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        assert screen.counts == {"starred": 2, "read": 1, "skipped": 0}
        first, second, third, fourth = stored(library_path, papers)
        assert (first.starred, first.read) == (True, False)
        assert (second.starred, second.read) == (False, True)
        assert (third.starred, third.read) == (True, False)
        assert not (fourth.starred or fourth.read)
        assert screen.position == 3


async def test_keys_wait_for_a_slow_queue_then_land(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A slow machine: the queue's first page comes long after the keys."""
    papers = queue(library_path)[:3]
    gate, reached = threading.Event(), threading.Event()
    opened = triage_queue.QueueOpened

    def slow(*args: Any) -> QueueOpened:
        """The first page, read: its worker waits before posting it to the screen."""
        reached.set()
        gate.wait(LANDED)
        return opened(*args)

    monkeypatch.setattr(triage_queue, "QueueOpened", slow)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "t", "s", "r", "s")
        await until(pilot, reached.is_set, "the queue read", LANDED)
        await until(pilot, lambda: app.screen.is_mounted, "triage on screen")
        await pilot.pause()
        assert isinstance(app.screen, TriageScreen)
        assert decided(library_path, papers) == 0  # nothing to decide on yet
        gate.set()
        await until(pilot, lambda: decided(library_path, papers) == 3, "3 decisions", LANDED)
        first, second, third = stored(library_path, papers)
        assert (first.starred, second.read, third.starred) == (True, True, True)


async def test_n_and_words_in_one_burst_go_into_the_note_editor(
    make_app: AppFactory, library_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = app.screen.query_one(PaperList).highlighted
        assert paper is not None and paper.note == ""
        burst(app, "n", "h", "e", "l", "d", "space", "a", "h", "e", "a", "d")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, NoteEditor)
                and app.screen.query_one(TextArea).text == "held ahead"
            ),
            "the words in the editor",
            LANDED,
        )
        burst(app, "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, LibraryScreen), "the editor closed")
        await settle(pilot)
        [saved] = stored(library_path, [paper])
        assert saved.note == "held ahead"


async def test_a_note_and_a_star_in_one_burst_from_the_list_into_triage(
    make_app: AppFactory, library_path: Path
) -> None:
    """`t`, then a note on the first card, saved, then `s` on that same card."""
    first = queue(library_path)[0]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "t", "n", "h", "i", "ctrl+s", "s")
        await until(pilot, lambda: stored(library_path, [first])[0].starred, "the star", LANDED)
        await settle(pilot)
        [saved] = stored(library_path, [first])
        assert saved.note == "hi"
        assert isinstance(app.screen, TriageScreen)
        assert app.screen.counts["starred"] == 1


@pytest.mark.parametrize(
    ("key", "dialog"),
    [("question_mark", HelpScreen), ("x", ExportScreen), ("i", ImportScreen)],
)
async def test_a_dialog_opened_and_closed_in_one_burst_is_closed(
    make_app: AppFactory, key: str, dialog: type[Screen[Any]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Esc right behind the key that opens a dialog closes the dialog; it is not the
    main screen's Esc (which acts as the key arrives) run while the dialog opens."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        opened: list[Any] = []
        push_screen = app.push_screen

        def recording(screen: Any, *args: Any, **kwargs: Any) -> Any:
            opened.append(screen)
            return push_screen(screen, *args, **kwargs)

        monkeypatch.setattr(app, "push_screen", recording)
        burst(app, key, "escape")
        await until(pilot, lambda: any(isinstance(s, dialog) for s in opened), "the dialog")
        await until(
            pilot,
            lambda: (
                isinstance(app.screen, LibraryScreen)
                and not any(isinstance(s, dialog) for s in app.screen_stack)
            ),
            "the dialog closed",
            LANDED,
        )


async def test_keys_for_a_triage_with_nothing_to_decide_go_nowhere(
    make_app: AppFactory, library_path: Path
) -> None:
    """Held for triage, which closes at once: not run on the main screen instead."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("s")
        paper = app.screen.query_one(PaperList).highlighted
        assert paper is not None and paper.starred
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        screen.query_text = "is:starred"  # nothing undecided in it
        await settle(pilot)
        assert screen.query_one(PaperList).highlighted == paper
        burst(app, "t", "s", "r")
        await until(pilot, lambda: app.screen is screen, "back on the list")
        await settle(pilot)
        [after] = stored(library_path, [paper])
        assert (after.starred, after.read) == (True, False)


async def test_i_a_path_and_enter_in_one_burst_import_that_path(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """A pasted `i`, path, Enter: the path goes into the dialog's field, not to the list
    (where `/` would open the filter and `s` star a paper)."""
    dump = tmp_path / "typed-ahead" / "a_dump.txt"
    dump.parent.mkdir()
    dump.write_bytes(next(iter(sorted(SAMPLE_DUMPS.glob("*.txt")))).read_bytes())
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        burst(app, "i", *str(dump))
        burst(app, "enter")
        await until(
            pilot,
            lambda: isinstance(app.screen, ImportScreen) and app.screen.stage == "done",
            "the import to finish",
            LANDED,
        )
        assert app.screen.query_one("#import-path", Input).value == str(dump)
        report = str(app.screen.query_one("#import-table", Static).render())
        assert "a_dump.txt" in report and "already imported" in report
