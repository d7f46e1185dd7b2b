"""The settings file in the app: rebound keys (list, footer, help, palette), the marks the
cursor advances after, the export dialog's format, the theme read and saved, the browser
for `o`, and every problem with the file said at start without stopping the app."""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil
import re
import stat
from pathlib import Path

import pytest
from rich.console import Console
from textual.app import App
from textual.binding import Binding
from textual.command import CommandList, CommandPalette
from textual.pilot import Pilot
from textual.theme import BUILTIN_THEMES
from textual.widgets import Input, Static
from textual.widgets._footer import FooterKey

import readlist.ui
from readlist.core.settings import DEFAULT_THEME, SettingsFile, parse
from readlist.ui.app import ReadlistApp
from readlist.ui.commands import screen_commands
from readlist.ui.keymap import all_bindings
from readlist.ui.library import StorePool
from readlist.ui.screens.export_dialog import ExportScreen
from readlist.ui.screens.help import HelpScreen
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.screens.link import LinkScreen
from readlist.ui.widgets.paper_list import PaperList
from tests.ui.conftest import fresh_store, record_notices, settle, until

SIZE = (120, 35)


def app_with(library_path: Path, config: Path, text: str | None) -> ReadlistApp:
    """The app on the sample library with `text` as its settings file (None: no file)."""
    if text is not None:
        config.write_text(text, encoding="utf-8")
    return ReadlistApp(StorePool(library_path), settings=SettingsFile(config, "config.toml"))


@pytest.fixture
def config(tmp_path: Path) -> Path:
    return tmp_path / "config" / "config.toml"


@pytest.fixture(autouse=True)
def _config_dir(config: Path) -> None:
    config.parent.mkdir()


def highlighted_id(app: ReadlistApp) -> int:
    paper = app.screen.query_one(PaperList).highlighted
    assert paper is not None
    return paper.id


def starred(library_path: Path, paper_id: int) -> bool:
    with fresh_store(library_path) as store:
        return store.get(paper_id).starred


def shown_text(screen: object) -> str:
    console = Console(width=120, record=True, file=io.StringIO())
    for static in screen.query(Static):  # type: ignore[attr-defined]
        console.print(static.content)
    return console.export_text()


# -- every binding can be rebound ----------------------------------------------------------


def test_every_binding_of_the_app_has_an_id_and_each_id_one_action() -> None:
    declared: list[Binding] = []
    for info in pkgutil.walk_packages(readlist.ui.__path__, "readlist.ui."):
        module = importlib.import_module(info.name)
        declared += [b for b in vars(module).values() if isinstance(b, list) for b in b]
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__:
                declared += vars(cls).get("BINDINGS", [])
    bindings = [b for b in declared if isinstance(b, Binding)]
    assert len(bindings) >= 45
    assert [b for b in bindings if b.id is None] == []
    actions: dict[str, str] = {}
    for b in bindings:
        assert actions.setdefault(b.id or "", b.action) == b.action, b.id
    assert set(all_bindings()) == set(actions)
    assert {"library.star", "triage.read", "paper.page_down", "reader.close"} <= set(actions)


def test_the_default_theme_is_textuals() -> None:
    assert App().theme == DEFAULT_THEME
    assert DEFAULT_THEME in BUILTIN_THEMES


# -- keys -----------------------------------------------------------------------------------


async def test_a_rebound_key_works_the_old_one_does_not_and_every_list_says_so(
    library_path: Path, config: Path
) -> None:
    app = app_with(library_path, config, '[keys]\n"library.star" = "f"\n"triage.star" = "f"\n')
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = highlighted_id(app)
        await pilot.press("s")
        await settle(pilot)
        assert not starred(library_path, paper)
        await pilot.press("f")
        await settle(pilot)
        assert starred(library_path, paper)

        # The footer, the palette and the help screen name the key as rebound.
        footer = [(key.key, key.description) for key in app.screen.query(FooterKey)]
        assert footer[:3] == [("slash", "Filter"), ("f", "Star"), ("r", "Read")]  # in its place
        palette = {title: text for title, text, _ in screen_commands(app.screen)}
        assert palette["Star"].endswith("(key: f)")
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = shown_text(app.screen)
        rows = [re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in text.splitlines()]
        keys = {row[1]: row[0] for row in rows if len(row) == 2}
        assert keys["Star or unstar the paper"] == "f"
        assert keys["Star the paper, show the next"] == "f"  # triage
        assert keys["Mark the paper read or unread, and move to the next"] == "r"
        assert "set in config.toml (readlist config --init" in text


async def test_a_key_taken_from_another_binding_is_said(
    library_path: Path, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_with(library_path, config, '[keys]\n"library.star" = "x"\n')
    said = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert said == [
            "config.toml: [keys] gives library.star the key x, which library.export (Export) "
            "had: that one is left without it"
        ]
        await pilot.press("x")  # as Textual does it: the rebound key wins
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert starred(library_path, highlighted_id(app))


async def test_a_key_the_list_answers_first_is_said(
    library_path: Path, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The list has the focus: given j, Star would never see it, so the user is told."""
    app = app_with(library_path, config, '[keys]\n"library.star" = "j"\n')
    said = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert said == [
            "config.toml: [keys] gives the key j to library.star (Star) and list.down "
            "(Down): list.down answers it first, so library.star is left without it"
        ]
        first = highlighted_id(app)
        await pilot.press("j")  # what the message says: the list moves, nothing is starred
        await settle(pilot)
        assert highlighted_id(app) != first and not starred(library_path, first)


# -- problems with the file -------------------------------------------------------------------


async def test_each_problem_is_a_warning_at_start_and_the_rest_applies(
    library_path: Path, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_with(
        library_path,
        config,
        '# mine\ntheme = "nrod"\nexport_format = "csv"\n[keys]\n"library.stra" = "f"\n',
    )
    said = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert said[:2] == [
            'config.toml line 2: theme: "nrod" is not a theme (did you mean "nord"?); '
            "using textual-dark",
            'config.toml line 5: keys: "library.stra" is not a binding; '
            'did you mean "library.star"?',
        ]
        assert app.theme == DEFAULT_THEME
        assert app.settings.values.export_format == "csv"
        assert isinstance(app.screen, LibraryScreen)


async def test_a_file_that_is_not_toml_is_one_warning_and_the_defaults(
    library_path: Path, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_with(library_path, config, 'theme = "nord"\n[keys\n')
    said = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert said[:1] == [
            "config.toml line 2: not valid TOML (Expected ']' at the end of a table "
            "declaration, at column 6); using the defaults"
        ]
        assert app.theme == DEFAULT_THEME


# -- advance, export, theme, browser -------------------------------------------------------------


async def test_advance_after_mark_from_the_file(library_path: Path, config: Path) -> None:
    app = app_with(library_path, config, 'advance_after_mark = ["star"]\n')
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        first = highlighted_id(app)
        await pilot.press("s")  # stars it and moves on
        await settle(pilot)
        assert starred(library_path, first)
        second = highlighted_id(app)
        assert second != first
        await pilot.press("r")  # reads it and stays
        await settle(pilot)
        assert highlighted_id(app) == second
        with fresh_store(library_path) as store:
            assert store.get(second).read


async def test_the_export_dialog_starts_from_the_files_format(
    library_path: Path, config: Path
) -> None:
    app = app_with(library_path, config, 'export_format = "bibtex"\n')
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("x")
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.fmt == "bibtex"
        assert screen.query_one("#export-path", Input).value == "~/readlist-starred.bib"


async def test_the_theme_comes_from_the_file(library_path: Path, config: Path) -> None:
    app = app_with(library_path, config, 'theme = "nord"\n')
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "nord"
    assert config.read_text() == 'theme = "nord"\n'  # read, not written back


async def pick_theme(pilot: Pilot[None], name: str) -> None:
    """Ctrl+P, "theme", then the theme by name: as a user picks one."""
    app = pilot.app

    def first_hit(text: str) -> bool:
        hits = app.screen.query(CommandList)
        if not hits or hits.first().option_count == 0:
            return False
        prompt = hits.first().get_option_at_index(0).prompt
        return str(getattr(prompt, "plain", prompt)).startswith(text)

    await pilot.press("ctrl+p")
    assert isinstance(app.screen, CommandPalette)
    await pilot.press(*"theme")
    await until(pilot, lambda: first_hit("Theme"), "the palette's Theme command")
    await pilot.press("enter")
    await pilot.press(*name)
    await until(pilot, lambda: first_hit(name), f"the theme {name} in the palette")
    await pilot.press("enter")
    await until(pilot, lambda: app.theme == name, f"the theme {name}")


async def test_a_theme_picked_in_the_palette_is_saved_with_the_users_comments(
    library_path: Path, config: Path
) -> None:
    mine = '# my settings\ntheme = "nord"  # dark\n\n[keys]\n"library.star" = "f"  # favourite\n'
    app = app_with(library_path, config, mine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pick_theme(pilot, "dracula")
        await until(pilot, lambda: "dracula" in config.read_text(), "the theme saved")
    assert config.read_text() == mine.replace('"nord"', '"dracula"')
    again = app_with(library_path, config, None)
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert again.theme == "dracula"


async def test_a_theme_picked_with_no_file_makes_one(library_path: Path, config: Path) -> None:
    app = app_with(library_path, config, None)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not config.exists()
        app.theme = "gruvbox"
        await until(pilot, config.exists, "the settings file")
    assert parse(config.read_text(), "c")[0].theme == "gruvbox"


async def test_a_theme_that_cannot_be_saved_is_a_message_not_a_crash(
    library_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("")
    app = app_with(library_path, tmp_path / "a-file" / "config.toml", None)
    said = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.theme = "gruvbox"
        await until(pilot, lambda: any("theme is used until" in s for s in said), "the message")
        assert said[-1] == (
            "config.toml: cannot read it (Not a directory); the theme is used until readlist quits"
        )
        await pilot.press("j")
        assert isinstance(app.screen, LibraryScreen)
        assert app.theme == "gruvbox"


async def test_o_opens_the_files_browser_command(
    library_path: Path, config: Path, tmp_path: Path
) -> None:
    opened = tmp_path / "opened.txt"
    browser = tmp_path / "my browser"
    browser.write_text(f'#!/bin/sh\nprintf "%s|%s" "$1" "$2" > "{opened}"\n')
    browser.chmod(browser.stat().st_mode | stat.S_IXUSR)
    app = app_with(library_path, config, f"browser = \"'{browser}' --new %s\"\n")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await until(pilot, lambda: opened.exists() and opened.read_text(), "the browser's file")
    flag, url = opened.read_text().split("|")
    assert flag == "--new"
    assert url.startswith("https://huggingface.co/papers?q=")


async def test_a_browser_that_cannot_run_is_said(
    library_path: Path, config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = app_with(library_path, config, 'browser = "no-such-browser-here %s"\n')
    said = record_notices(app, monkeypatch)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        assert "browser 'no-such-browser-here %s': No such file or directory" in said
        assert isinstance(app.screen, LinkScreen)  # the link is offered to copy instead
