"""The app on a damaged library: messages, never a crash, and nothing more written."""

from __future__ import annotations

import hashlib
import re
import sqlite3
from pathlib import Path

import pytest
from textual.pilot import Pilot

from readlist.core.store import connection as store_module
from readlist.ui.app import ReadlistApp
from readlist.ui.library import StorePool
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.widgets.paper_list import PaperList
from tests.safety.test_damaged_library import damage_papers
from tests.ui.conftest import AppFactory, record_notices, settle, until


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def damage(library: Path) -> str:
    """Flip a leaf page of papers; returns a word that filters for a paper on it."""
    with sqlite3.connect(library) as conn:
        titles = dict(conn.execute("SELECT id, title FROM papers").fetchall())
    conn.close()
    ids = damage_papers(library)
    words = re.findall(r"[A-Za-z]{7,}", titles[ids[0]])
    return max(words, key=len)


async def filter_and_star(pilot: Pilot[None], word: str, notices: list[str]) -> None:
    """Filter for a paper on the damaged page, then star the highlighted paper: both say
    so, and the app runs on."""
    app = pilot.app
    seen = len(notices)
    await pilot.press("slash", *word)
    await until(pilot, lambda: len(notices) > seen, "a message about the filter")
    assert "damaged" in notices[-1]
    await pilot.press("enter", "escape")
    await settle(pilot)
    assert app.screen.query_one(PaperList).highlighted is not None
    seen = len(notices)
    await pilot.press("s")
    await settle(pilot)
    await until(pilot, lambda: len(notices) > seen, "the star to be refused")
    assert "damaged" in notices[-1] and "readlist will not write" in notices[-1]
    assert isinstance(app.screen, LibraryScreen)
    assert app.is_running


async def test_the_app_finds_the_damage_filters_and_refuses_a_star(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    word = damage(library_path)
    before = digest(library_path)
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)  # the check runs after the first paint
        await until(pilot, lambda: any("damaged" in n for n in notices), "the check's message")
        told = [n for n in notices if "damaged" in n]
        assert len(told) == 1 and "readlist backup" in told[0] and ".recover" in told[0]
        await filter_and_star(pilot, word, notices)
    assert app.return_code in (0, None)
    assert digest(library_path) == before


async def test_a_filter_that_meets_the_damage_is_a_message_and_stops_writes(
    library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library too big to check before writing, whose background check has not found
    the damage yet: the filter that meets it says so, and from then on no star is saved."""
    word = damage(library_path)
    before = digest(library_path)
    monkeypatch.setattr(store_module, "WRITE_CHECK_MAX_PAGES", 0, raising=False)
    monkeypatch.setattr(StorePool, "check", lambda self: None, raising=False)
    app = ReadlistApp(StorePool(library_path))
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        assert not any("damaged" in n for n in notices)
        await filter_and_star(pilot, word, notices)
    assert app.return_code in (0, None)
    assert digest(library_path) == before


async def test_an_import_into_a_damaged_library_is_a_message(
    make_app: AppFactory, library_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The import dialog on a library found damaged: one line in the dialog, the path
    left to fix or the dialog to close, the app running and the file unchanged."""
    from readlist.ui.screens.import_dialog import ImportScreen
    from tests.safety.support import PaperMaker, dump_text
    from tests.ui.test_dialogs import open_import

    damage(library_path)
    dump = tmp_path / "new.txt"
    dump.write_text(dump_text(PaperMaker(seed=3).papers(3), "Mar 3, 2026"))
    before = digest(library_path)
    app = make_app()
    notices = record_notices(app, monkeypatch)
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await until(pilot, lambda: any("damaged" in n for n in notices), "the check's message")
        screen = await open_import(pilot, str(dump))
        assert isinstance(screen, ImportScreen)
        message = str(screen.query_one("#import-message").render())
        assert "damaged" in message and "will not write" in message
        assert screen.stage == "prompt" and app.is_running
    assert app.return_code in (0, None)
    assert digest(library_path) == before
