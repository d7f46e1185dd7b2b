"""The main screen's other keys: notes, $EDITOR, the web, sort, help, palette, resizing."""

from __future__ import annotations

import io
import sys
import webbrowser
from contextlib import nullcontext
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from textual.command import CommandPalette
from textual.content import Content
from textual.widgets import Static, TextArea

from readlist.core.ingest.importer import Importer
from readlist.core.store import Store
from readlist.ui import outside
from readlist.ui.app import ReadlistApp
from readlist.ui.commands import ScreenKeys, screen_commands
from readlist.ui.library import StorePool
from readlist.ui.screens.help import HelpScreen
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.screens.link import LinkScreen
from readlist.ui.screens.note import ConfirmDiscard, NoteEditor
from readlist.ui.widgets.paper_list import PaperList
from tests.conftest import NOW
from tests.ui.conftest import AppFactory, fresh_store, settle, until

SIZE = (120, 35)


def papers_of(app: ReadlistApp) -> PaperList:
    return app.screen.query_one(PaperList)


async def test_note_saved_with_ctrl_s(make_app: AppFactory, library_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = papers_of(app).highlighted
        assert paper is not None
        await pilot.press("n")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press(*"Read *this*", "enter")
        app.screen.query_one(TextArea).insert("ünïcode ✓")  # keys Pilot cannot name
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, LibraryScreen)
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert store.get(paper.id).note == "Read *this*\nünïcode ✓"
        shown = papers_of(app).highlighted
        assert shown is not None and shown.note == "Read *this*\nünïcode ✓"

        await pilot.press("u")  # undo the note
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert store.get(paper.id).note == ""


async def test_esc_asks_before_discarding_a_changed_note(
    make_app: AppFactory, library_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = papers_of(app).highlighted
        assert paper is not None
        await pilot.press("n", *"draft")
        await pilot.press("escape")
        assert isinstance(app.screen, ConfirmDiscard)
        await pilot.press("n")  # keep editing: the text is still there
        assert isinstance(app.screen, NoteEditor)
        assert app.screen.query_one(TextArea).text == "draft"
        await pilot.press("escape", "y")
        assert isinstance(app.screen, LibraryScreen)
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert store.get(paper.id).note == ""


async def test_esc_on_an_unchanged_note_just_closes(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n")
        assert isinstance(app.screen, NoteEditor)
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_note_in_editor(
    make_app: AppFactory,
    library_path: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    editor = tmp_path / "editor.py"
    editor.write_text(
        "import sys\n"
        "path = sys.argv[1]\n"
        "text = open(path, encoding='utf-8').read()\n"
        "open(path, 'w', encoding='utf-8').write(text + 'from $EDITOR\\n')\n"
    )
    monkeypatch.setenv("VISUAL", f"{sys.executable} {editor}")
    app = make_app()
    monkeypatch.setattr(app, "suspend", nullcontext)  # headless: no terminal to hand over
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = papers_of(app).highlighted
        assert paper is not None
        await pilot.press("E")
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert store.get(paper.id).note == "from $EDITOR\n"


async def test_failing_editor_leaves_the_note(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VISUAL", f"{sys.executable} -c 'raise SystemExit(3)'")
    app = make_app()
    monkeypatch.setattr(app, "suspend", nullcontext)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = papers_of(app).highlighted
        assert paper is not None
        await pilot.press("E")
        await settle(pilot)
        assert any("exited with 3" in n.message for n in app._notifications)
        with fresh_store(library_path) as store:
            assert store.get(paper.id).note == ""


async def test_editor_without_a_terminal_is_a_message(
    make_app: AppFactory, library_path: Path
) -> None:
    app = make_app()  # headless, so the app cannot hand the terminal over
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("E")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        assert any("terminal" in n.message for n in app._notifications)


async def test_open_searches_the_title_on_the_web(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []
    monkeypatch.setattr(outside.webbrowser, "open", lambda url: opened.append(url) or True)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = papers_of(app).highlighted
        assert paper is not None
        await pilot.press("o")
        assert len(opened) == 1
        assert opened[0].startswith("https://")
        first_word = paper.title.split()[0].rstrip(":")
        assert first_word in opened[0]


async def test_a_browser_for_the_terminal_is_not_run_in_the_apps_own(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Over ssh Python's choice may be lynx: it would take the app's terminal, so the
    link is offered instead."""
    opened: list[str] = []
    monkeypatch.setattr(outside.webbrowser, "get", lambda: webbrowser.GenericBrowser("lynx"))
    monkeypatch.setattr(outside.webbrowser, "open", lambda url: opened.append(url) or True)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, LinkScreen), "the link dialog")
        assert opened == []


async def test_open_without_a_browser_offers_to_copy_the_link(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outside.webbrowser, "open", lambda url: False)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        paper = papers_of(app).highlighted
        assert paper is not None
        await pilot.press("o")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, LinkScreen)
        url = dialog.url
        assert url.startswith("https://") and paper.title.split()[0].rstrip(":") in url
        shown = dialog.query_one("#link-url", Static).visual
        assert isinstance(shown, Content) and shown.plain == url  # the link alone
        keys = dialog.query_one("#link-keys", Static).visual
        assert isinstance(keys, Content) and "c copy the link" in keys.plain
        assert app.clipboard == ""
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == url
        assert isinstance(app.screen, LibraryScreen)
        said = [n.message for n in app._notifications][-1]
        assert said == "Copied the link to the clipboard" and url not in said


async def test_o_then_c_in_one_burst_copies_the_link(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outside.webbrowser, "open", lambda url: False)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o", "c")  # c typed ahead of the dialog waits for it
        await settle(pilot)
        assert app.clipboard.startswith("https://")
        assert isinstance(app.screen, LibraryScreen)


async def test_escape_closes_the_link_without_copying(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outside.webbrowser, "open", lambda url: False)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, LinkScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LibraryScreen)
        assert app.clipboard == ""
        assert not any(n.message.startswith("Copied") for n in app._notifications)


async def test_sort_cycles(make_app: AppFactory, library_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        with fresh_store(library_path) as store:
            from readlist.core.query import parse_query

            by = {
                sort: store.search(parse_query(""), limit=1, sort=sort)[0].id
                for sort in ("latest", "most_seen", "title", "upvotes", "published")
            }
        for sort in ("most_seen", "title", "upvotes", "published", "latest"):
            await pilot.press("S")
            await settle(pilot)
            assert screen.sort == sort
            top = papers_of(app).paper_at(0)
            assert top is not None and top.id == by[sort]
            highlighted = papers_of(app).highlighted  # the cursor keeps its paper
            assert highlighted is not None and highlighted.id == by["latest"]
            assert "sort:" in str(screen.query_one("#status").render())


async def test_help_lists_every_key(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        console = Console(width=100, record=True, file=io.StringIO())
        for static in app.screen.query(Static):
            console.print(static.content)
        text = console.export_text()
        for words in (
            "Star or unstar",
            "Triage",
            "PgDn",
            "is:starred",
            "Ctrl+S",
            "Undo",
            "complete the path",
            "copy the link",
        ):
            assert words in text
        await pilot.press("escape")
        assert isinstance(app.screen, LibraryScreen)


async def test_palette_runs_a_screen_action(make_app: AppFactory, library_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        paper = papers_of(app).highlighted
        assert paper is not None
        await pilot.press("ctrl+p")
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*"star")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LibraryScreen)
        with fresh_store(library_path) as store:
            assert store.get(paper.id).starred


async def test_palette_offers_every_key_and_the_theme(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [title for title, _, _ in screen_commands(app.screen)]
        for title in ("Star", "Read", "Note", "Triage", "Undo", "Import", "Export", "Sort", "Help"):
            assert title in titles
        system = [command.title for command in app.get_system_commands(app.screen)]
        assert any("theme" in title.casefold() for title in system)
        assert ScreenKeys in app.COMMANDS


async def test_survives_resizing_small_and_large(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for size in ((60, 15), (200, 60), (60, 15), (80, 24)):
            await pilot.resize_terminal(*size)
            await settle(pilot)
            await pilot.press("j", "s", "question_mark")
            await settle(pilot)
            await pilot.press("escape")
            assert isinstance(app.screen, LibraryScreen)
            papers = papers_of(app)
            assert papers.size.width > 0 and papers.size.height > 0


MARKUP_TITLES = (
    "[bold]Not Bold[/bold]: Rich Markup in a Title",
    "[link=https://example.com]A Link[/link] That Is Only Text",
    "[CLS] Tokens Are All You Need",
)
ABSTRACT = (
    "We study a problem that matters. We propose a method that works well in practice. "
    "Experiments on many benchmarks show large gains over strong baselines. "
    "Code and models are released for everyone to use and to build upon."
)


@pytest.fixture
def markup_library(tmp_path: Path) -> Path:
    path = tmp_path / "markup.db"
    dump = "Daily Papers\nMar 14\n\n" + "".join(f"{t}\n\n{ABSTRACT}\n\n" for t in MARKUP_TITLES)
    with Store.open(path) as store:
        Importer(store, now=NOW).import_bytes(dump.encode(), "markup.txt")
    return path


async def test_titles_are_shown_literally(markup_library: Path) -> None:
    app = ReadlistApp(StorePool(markup_library))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = papers_of(app)
        assert papers.total == 3
        rows = [papers.render_line(y).text for y in range(3)]
        for title in MARKUP_TITLES:
            assert any(title[:40] in row for row in rows), (title, rows)
        for _ in range(3):
            highlighted = papers.highlighted
            assert highlighted is not None
            await settle(pilot)
            shown = app.screen.query_one("#detail-title", Static).render()
            assert isinstance(shown, Text | Content)
            assert shown.plain == highlighted.title
            await pilot.press("j")
