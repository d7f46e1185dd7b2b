"""Paper text is drawn literally: no Rich or Textual markup read from it, and no control
character handed to the terminal, wherever the app shows a paper.

The parser strips escape sequences at import, so the hostile paper here is written
straight into the library through the store, as an old library or a note from $EDITOR
could hold it. The assertions are on what the app draws: every row of the screen as the
compositor hands it to the terminal (`drawn`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rich.segment import Segment
from textual import events
from textual._compositor import LayoutUpdate
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Markdown, Static, TextArea

from readlist.core.printable import shown, shown_in_line
from readlist.core.store import Store
from readlist.ui.app import ReadlistApp
from readlist.ui.screens.note import NoteEditor
from readlist.ui.screens.triage import TriageScreen
from readlist.ui.widgets.filter_bar import FilterInput
from readlist.ui.widgets.paper_list import PaperList
from tests.conftest import write_paper
from tests.ui.conftest import AppFactory, fresh_store, settle, until

SIZE = (120, 35)
# Markup that Rich or Textual would read as style, a link, an action or a closing tag.
MARKUP = "[bold]x[/bold] [link=https://evil.example]click[/link] [@click=app.quit]q[/] [CLS]"
# A screen clear, a window title, a hyperlink, BEL, backspace, CR, C1 CSI, NUL, DEL, tab.
CONTROLS = (
    "\x1b[2J \x1b]0;pwned\x07 \x1b]8;;http://x\x1b\\L\x1b]8;;\x1b\\"
    " a\x07b\x08c\rd\x9be\x00f\x7fg\th"
)
# The title starts with some of each, so that they are in the list's narrow column too.
TITLE = f"Zyxhostile \x1b[2J\x9b\x00\t[bold]x[/bold] [/] {MARKUP} {CONTROLS}"
ABSTRACT = f"Abstract {MARKUP} {CONTROLS}\nSecond line."
NOTE = f"Note {MARKUP} {CONTROLS}\n\n**strong** words\n"
# C0 and C1 controls, DEL; tab and newline too: a row on screen holds neither.
CONTROL_CHAR = re.compile(r"[\x00-\x1f\x7f-\x9f]")


@pytest.fixture
def hostile_id(library_path: Path) -> int:
    """A paper newer than every sample one (so first in the list) with hostile text."""
    with Store.open(library_path) as store:
        with store.transaction():
            dump = store.imports.add_dump("hostile", "hostile.txt", 1, "2099-12-31T00:00:00+00:00")
            paper_id = write_paper(
                store,
                TITLE,
                ABSTRACT,
                "zyxhostile",
                [],
                dump_id=dump,
                date_line=None,
                seen_on="2099-12-31",
            )
        store.set_note(paper_id, NOTE)
        assert store.get(paper_id).note == NOTE  # stored byte for byte, as given
    return paper_id


def drawn(app: ReadlistApp) -> list[Strip]:
    """Every row of the screen, as the app hands it to the terminal.

    This is the compositor's full update: what `App._display` turns into terminal output
    and `App.export_screenshot` into an SVG, with the screens under a modal drawn too.
    The SVG would not do: it escapes and drops what a terminal would obey.
    """
    update = app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    assert isinstance(update, LayoutUpdate)
    return [Strip.join(line) for line in update.strips]


def text_of(segments: Strip | list[Segment]) -> str:
    """The characters of a row. Control segments are Textual's own cursor moves; paper
    text only ever travels in text segments."""
    return "".join(segment.text for segment in segments if not segment.control)


def controls_on_screen(app: ReadlistApp) -> list[tuple[int, str]]:
    return [
        (y, text) for y, row in enumerate(drawn(app)) if CONTROL_CHAR.search(text := text_of(row))
    ]


def rows_of(app: ReadlistApp, widget: Widget) -> str:
    """What `widget` shows, its rows joined by newlines: the screen cropped to it ("" when
    it is not on screen yet)."""
    region = widget.region
    rows = drawn(app)[region.y : region.bottom]
    return "\n".join(text_of(row.crop(region.x, region.right)) for row in rows)


def assert_drawn_literally(app: ReadlistApp, widget: Widget, *expected: str) -> None:
    text = rows_of(app, widget)
    for part in expected:
        assert part in text, f"{part!r} is not drawn in {widget!r}:\n{text}"


def test_the_display_forms_hide_every_control_and_change_nothing_else() -> None:
    """The helper itself, on every code point that matters: the rest of the tests show
    that the widgets use it."""
    for code in [*range(0x20), *range(0x7F, 0xA0)]:
        char = chr(code)
        assert not CONTROL_CHAR.search(shown_in_line(char))
        assert not CONTROL_CHAR.search(shown(char)) or char in "\t\n"
    printable = "Über naïve [bold]x[/] 多模态 \u00a0\u00ad\u200b\u2028 ␛ \ufffd"
    assert shown(printable) == printable
    assert shown_in_line(printable) == printable
    assert shown_in_line("a\tb\nc\x1b[2J") == "a b c␛[2J"
    assert len(shown(TITLE)) == len(TITLE)  # one character drawn for each one stored


async def test_list_and_detail_pane_draw_paper_text_literally(
    make_app: AppFactory, hostile_id: int
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = app.screen.query_one(PaperList)
        assert papers.highlighted is not None and papers.highlighted.id == hostile_id
        await until(
            pilot, lambda: "Second line." in rows_of(app, app.screen), "the hostile paper shown"
        )
        assert controls_on_screen(app) == []
        assert_drawn_literally(app, papers, "Zyxhostile ␛[2J\ufffd␀ [bold]x[/bold] [/]")
        title = app.screen.query_one("#detail-title", Static)
        abstract = app.screen.query_one("#detail-abstract", Static)
        note = app.screen.query_one("#detail-note", Markdown)
        # Each markup word is one word, so wrapping never splits one.
        for widget in (title, abstract, note):
            assert_drawn_literally(app, widget, *MARKUP.split(), "␛[2J", "␛]0;pwned␇")
        # The note is still Markdown: that much is read from it, and no more.
        note_text = rows_of(app, note)
        assert "strong words" in note_text and "**" not in note_text
        # The paper itself is untouched: the display forms are for drawing only.
        assert papers.highlighted.title == TITLE
        assert papers.highlighted.note == NOTE


async def test_triage_card_draws_paper_text_literally(
    make_app: AppFactory, hostile_id: int
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TriageScreen), "triage")
        title = app.screen.query_one("#triage-title", Static)
        await until(pilot, lambda: "Zyxhostile" in rows_of(app, title), "the hostile card")
        await settle(pilot)
        assert controls_on_screen(app) == []
        for name in ("title", "abstract", "note"):
            widget = app.screen.query_one(f"#triage-{name}", Static)
            assert_drawn_literally(app, widget, *MARKUP.split(), "␛[2J", "␛]0;pwned␇")


async def test_a_pasted_filter_keeps_no_control_character(
    make_app: AppFactory, hostile_id: int
) -> None:
    """A paste is the one way a control character gets into the filter. The filter bar
    drops them (the query language reads them as spaces anyway), so neither the bar,
    the status line nor triage's progress line ever has one to draw."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        field = app.screen.query_one(FilterInput)
        field.post_message(events.Paste("zyxhostile \x1b[2J\x9b"))
        await until(pilot, lambda: app.screen.query_one(PaperList).total == 1, "the filter")
        assert field.value == "zyxhostile [2J"
        assert controls_on_screen(app) == []
        await pilot.press("enter", "t")
        await until(pilot, lambda: isinstance(app.screen, TriageScreen), "triage")
        progress = app.screen.query_one("#triage-progress", Static)
        await until(pilot, lambda: "1 / 1" in rows_of(app, progress), "the triage count")
        assert controls_on_screen(app) == []
        assert_drawn_literally(app, progress, "filter: zyxhostile [2J")


async def open_note_editor(pilot: Pilot[None]) -> TextArea:
    app = pilot.app
    assert isinstance(app, ReadlistApp)
    await settle(pilot)
    await pilot.press("n")
    await until(pilot, lambda: isinstance(app.screen, NoteEditor), "the note editor")
    area = app.screen.query_one(TextArea)
    await until(pilot, lambda: "Note [bold]" in rows_of(app, area), "the note in the editor")
    return area


async def test_note_editor_shows_markup_literally(make_app: AppFactory, hostile_id: int) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        area = await open_note_editor(pilot)
        assert_drawn_literally(app, area, "Note " + MARKUP)


async def test_note_editor_draws_no_control_character(
    make_app: AppFactory, hostile_id: int
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_note_editor(pilot)
        assert controls_on_screen(app) == []


async def test_saving_an_unchanged_note_keeps_it_byte_for_byte(
    make_app: AppFactory, library_path: Path, hostile_id: int
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_note_editor(pilot)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, NoteEditor), "the note saved")
        await settle(pilot)
    with fresh_store(library_path) as store:
        assert store.get(hostile_id).note == NOTE
