"""The import dialog completes the path with Tab, as a shell does, and shows the grey
completion before it is taken."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from readlist.ui.screens.import_dialog import ImportScreen
from readlist.ui.widgets.path_input import PathInput, complete
from tests.ui.conftest import AppFactory, until
from tests.ui.test_dialogs import shown, type_into, wait

SIZE = (80, 24)


@pytest.fixture
def dumps(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder holding dumps and folders, some alike in name."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "daily").mkdir()
    (tmp_path / "daily" / "mar-14.txt").write_text("x", encoding="utf-8")
    (tmp_path / "daily" / "mar-15.txt").write_text("x", encoding="utf-8")
    (tmp_path / "daily" / "apr-01.txt").write_text("x", encoding="utf-8")
    (tmp_path / "daily" / ".hidden.txt").write_text("x", encoding="utf-8")
    (tmp_path / "notes.md").write_text("x", encoding="utf-8")
    return tmp_path


async def open_dialog(pilot: Pilot[None]) -> tuple[ImportScreen, PathInput]:
    await pilot.press("i")
    await wait(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ImportScreen)
    path_input = screen.query_one("#import-path", PathInput)
    assert pilot.app.focused is path_input
    return screen, path_input


def test_complete_to_the_common_start_and_a_folder_with_its_slash(dumps: Path) -> None:
    assert complete("da").text == "daily/"
    assert complete("daily/m") == complete("daily/mar-1")
    assert complete("daily/m").text == "daily/mar-1"
    assert complete("daily/m").candidates == ["mar-14.txt", "mar-15.txt"]
    assert complete("daily/a").text == "daily/apr-01.txt"
    assert complete("daily/").candidates == ["apr-01.txt", "mar-14.txt", "mar-15.txt"]
    assert complete("daily/.").candidates == [".hidden.txt"]
    assert complete("daily/z") == complete("daily/z")
    assert complete("daily/z").text == "daily/z" and complete("daily/z").candidates == []
    assert complete("nowhere/x").candidates == []


def test_tilde_is_the_home_folder(dumps: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(dumps))
    assert complete("~").text == "~/"
    assert complete("~/da").text == "~/daily/"
    assert complete("~/daily/ap").text == "~/daily/apr-01.txt"


async def test_tab_completes_the_path_and_keeps_the_focus(
    make_app: AppFactory, dumps: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        screen, path_input = await open_dialog(pilot)
        await type_into(pilot, "da")
        await pilot.press("tab")
        await until(pilot, lambda: path_input.value == "daily/", "the folder completed")
        assert app.focused is path_input
        assert path_input.cursor_position == len("daily/")
        await pilot.press("a", "tab")
        await until(pilot, lambda: path_input.value.endswith(".txt"), "the file completed")
        assert path_input.value == "daily/apr-01.txt"
        assert app.focused is path_input
        assert shown(screen, "#import-message") == ""


async def test_an_ambiguous_tab_shows_the_names_left(make_app: AppFactory, dumps: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        screen, path_input = await open_dialog(pilot)
        await type_into(pilot, "daily/m")
        await pilot.press("tab")
        await until(pilot, lambda: path_input.value == "daily/mar-1", "the common start")
        await until(
            pilot,
            lambda: shown(screen, "#import-message") == "mar-14.txt  mar-15.txt",
            "the names left",
        )
        assert app.focused is path_input
        await pilot.press("5")  # an edit: the names were of the path before it
        await until(pilot, lambda: shown(screen, "#import-message") == "", "the names gone")
        await pilot.press("tab")
        await until(pilot, lambda: path_input.value == "daily/mar-15.txt", "the one left")


async def test_a_tab_with_no_match_says_so(make_app: AppFactory, dumps: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        screen, path_input = await open_dialog(pilot)
        await type_into(pilot, "daily/z")
        await pilot.press("tab")
        await until(
            pilot,
            lambda: shown(screen, "#import-message") == "No file or folder matches daily/z",
            "the message",
        )
        assert path_input.value == "daily/z" and app.focused is path_input


async def test_the_completion_shows_grey_before_tab(make_app: AppFactory, dumps: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        _screen, path_input = await open_dialog(pilot)
        await type_into(pilot, "daily/ap")
        await until(
            pilot,
            lambda: "daily/apr-01.txt" in path_input.render_line(0).text,
            "the grey completion",
        )
        assert path_input.value == "daily/ap"  # shown, not taken, until Tab
        await pilot.press("tab")
        await until(pilot, lambda: path_input.value == "daily/apr-01.txt", "the completion")


async def test_a_path_and_tab_typed_ahead_of_the_dialog_complete(
    make_app: AppFactory, dumps: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("i", *"da", "tab", "m", "tab")  # one burst
        screen = app.screen
        assert isinstance(screen, ImportScreen)
        path_input = screen.query_one("#import-path", PathInput)
        await until(pilot, lambda: path_input.value == "daily/mar-1", "the completions in order")
        assert app.focused is path_input
