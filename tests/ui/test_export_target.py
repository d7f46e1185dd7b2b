"""The export dialog refuses the library and its sidecar files by any name, says so in the
dialog, writes nothing, and the app goes on working: a star after it lands in the library."""

from __future__ import annotations

import os
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Input

from readlist.core.query import parse_query
from readlist.core.store import schema
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.widgets.paper_list import PaperList
from tests.safety.support import contents
from tests.ui.conftest import AppFactory, fresh_store, record_notices, settle
from tests.ui.test_dialogs import SIZE, export_to, open_export, shown, wait

Namer = Callable[[Path], str]


def _symlink(library: Path) -> str:
    link = library.with_name("link.db")
    link.symlink_to(library.name)
    return str(link)


def _hard_link_to_the_wal(library: Path) -> str:
    link = library.with_name("wal-hard")
    os.link(f"{library}-wal", link)
    return str(link)


def _dot_dot(library: Path) -> str:
    library.with_name("x").mkdir()
    return f"{library.parent}/x/../{library.name}"


NAMES: dict[str, tuple[Namer, str]] = {
    "library": (lambda library: str(library), "the library itself"),
    "wal": (lambda library: f"{library}-wal", "the library's -wal file"),
    "shm": (lambda library: f"{library}-shm", "the library's -shm file"),
    "dot-dot": (_dot_dot, "the library itself"),
    "symlink": (_symlink, "the library itself"),
    "hard link to the wal": (_hard_link_to_the_wal, "the library's -wal file"),
}


@pytest.mark.parametrize("how", NAMES, ids=list(NAMES))
async def test_the_dialog_refuses_the_library_and_the_app_keeps_working(
    how: str, make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = contents(library_path)
    app = make_app()
    said = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("down", "s")  # a star first: the app holds the -wal open
        await settle(pilot)
        namer, what = NAMES[how]
        given = namer(library_path)
        screen = await open_export(pilot)
        await export_to(pilot, given)
        assert app.screen is screen  # the dialog stays open to fix the path
        assert shown(screen, "#export-message") == f"{given}: is {what}; export to another path"
        assert app.focused is screen.query_one("#export-path", Input)
        assert said == []
        await pilot.press("escape")
        await wait(pilot)
        assert isinstance(app.screen, LibraryScreen)

        await pilot.press("down", "s")  # the app goes on writing, into the library
        await settle(pilot)
        starred = app.screen.query_one(PaperList).highlighted
        assert starred is not None and starred.starred
    assert app.return_code in (0, None)
    assert schema.is_library(library_path)
    with fresh_store(library_path) as store:
        assert store.check_integrity() == []
        ids = [p.id for p in store.search(parse_query("is:starred"), limit=10)]
    assert starred.id in ids and len(ids) == 2
    assert contents(library_path)["papers"] == before["papers"]


async def test_a_pipe_nobody_reads_is_refused_and_one_read_is_written_in_place(
    make_app: AppFactory, tmp_path: Path
) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        screen = await open_export(pilot)
        await export_to(pilot, str(fifo))  # no reader: said at once, not waited on
        assert app.screen is screen
        assert shown(screen, "#export-message") == f"{fifo}: a pipe no program is reading from"

        # A reader, and a writer of the test's own that keeps the pipe open until the
        # export is done, so that the reader reads to the end of what the app writes.
        read_end = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
        keep_open = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
        os.set_blocking(read_end, True)
        got: list[bytes] = []

        def read() -> None:
            with open(read_end, "rb") as fh:
                got.append(fh.read())

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        await pilot.press("enter")
        await wait(pilot)
        assert isinstance(app.screen, LibraryScreen)
        os.close(keep_open)
    reader.join(10)
    assert not reader.is_alive()
    assert got[0].startswith(b"# Reading list")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
