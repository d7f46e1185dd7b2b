"""The layout at the sizes people use: rows that line up, dialogs that fit, a footer,
a status line and toasts that never cut off or cover what matters."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from rich.cells import cell_len
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey
from textual.widgets._toast import Toast

from readlist.core.ingest.importer import Importer
from readlist.core.query import parse_query
from readlist.core.store import Store
from readlist.ui.app import ReadlistApp
from readlist.ui.library import StorePool
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.screens.note import NoteConflict
from readlist.ui.screens.reader import ReaderScreen
from readlist.ui.screens.triage import TriageScreen
from readlist.ui.widgets.footer import ALWAYS, KeysFooter, footer_priority
from readlist.ui.widgets.paper_list import PaperList
from readlist.ui.widgets.status import Part, fit
from tests.conftest import NOW
from tests.ui.conftest import AppFactory, fresh_store, settle, until

ABSTRACT = "We study a problem that matters, and propose a method that works well in practice."


def screen_text(app: ReadlistApp) -> list[str]:
    """The terminal's lines as the user sees them, every screen drawn (as a screenshot)."""
    width, height = app.size
    console = Console(
        width=width, height=height, file=io.StringIO(), force_terminal=True, record=True
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text().splitlines()


async def test_titles_line_up_after_the_marks_whatever_they_are(
    make_app: AppFactory, library_path: Path
) -> None:
    with fresh_store(library_path) as store:
        first, second, third = store.page(parse_query(""), 0, 3)
        store.set_flag([first.id], "starred", True)
        store.set_note(first.id, "worth a read")
        store.set_flag([third.id], "read", True)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        papers = app.screen.query_one(PaperList)
        await pilot.press("j")  # the cursor off the first row: its marks draw as marks
        rows = [papers.render_line(y).text for y in range(3)]
    assert rows[0].startswith(" ★ ✎ ")
    assert rows[1].startswith("     ")
    assert rows[2].startswith("  ✓  ")
    for row, paper in zip(rows, (first, second, third), strict=True):
        assert row[5:].startswith(paper.title[:20]), row  # one column for every title


async def test_a_wide_title_keeps_the_date_in_its_column(tmp_path: Path) -> None:
    titles = ["漢字のタイトル" * 8, "A plain title that is long enough to be cut off " * 2, "Short"]
    path = tmp_path / "wide.db"
    dump = "Daily Papers\nMar 14\n\n" + "".join(f"{t}\n\n{ABSTRACT}\n\n" for t in titles)
    with Store.open(path) as store:
        Importer(store, now=NOW).import_bytes(dump.encode(), "wide.txt")
    app = ReadlistApp(StorePool(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        papers = app.screen.query_one(PaperList)
        assert papers.total == 3
        width = papers.scrollable_content_region.width
        strips = [papers.render_line(y) for y in range(3)]
        dates = {papers.paper_at(y).last_seen for y in range(3)}  # type: ignore[union-attr]
    for strip in strips:
        assert strip.cell_length == width
        assert any(strip.text.rstrip().endswith(date) for date in dates), strip.text
    assert any("漢字" in strip.text and "…" in strip.text for strip in strips)


@pytest.mark.parametrize("size", [(80, 24), (60, 15)])
async def test_the_note_conflict_shows_whole(make_app: AppFactory, size: tuple[int, int]) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        paper = app.screen.query_one(PaperList).highlighted
        assert paper is not None
        theirs = replace(paper, note="Their note, from another window.\nA second line.")
        app.push_screen(NoteConflict(theirs, "Mine: worth a read, compare with table 3."))
        await until(pilot, lambda: isinstance(app.screen, NoteConflict), "the question")
        await pilot.pause()
        box = app.screen.query_one("NoteConflict > Vertical").region
        assert app.screen.region.contains_region(box)
        lines = [line[box.x : box.right] for line in screen_text(app)[box.y : box.bottom]]
    shown = " ".join(line.strip("█▀▄▁▔ ") for line in lines)
    assert "was changed elsewhere" in shown  # the sentence wraps, it is not cut off
    assert paper.title.split()[-1] in shown
    for button in ("Save mine (m)", "Keep theirs (t)", "Edit mine (e)"):
        assert any(button in line for line in lines), (button, lines)
    assert "Their note, from another window." in shown


@pytest.mark.parametrize("size", [(60, 15), (80, 24), (120, 40)])
async def test_the_footer_drops_the_least_important_keys_and_shows_the_rest_whole(
    make_app: AppFactory, size: tuple[int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeysFooter)
        await until(pilot, lambda: bool(footer.query(FooterKey)), "the footer's keys")
        await pilot.pause()
        keys = [key for key in footer.query(FooterKey) if not key.has_class("-command-palette")]
        palette = footer.query_one(".-command-palette", FooterKey)
        shown = [key for key in keys if key.display]
        hidden = [key for key in keys if not key.display]
        bottom = screen_text(app)[-1]
    assert "q Quit" in bottom and "? Help" in bottom, bottom
    for key in shown:  # whole, and clear of the palette's key at the right
        assert footer.region.contains_region(key.region), key.description
        assert not key.region.overlaps(palette.region), key.description
        assert f"{key.key_display} {key.description}" in bottom
    if hidden:  # those left out matter less than any shown
        assert max(footer_priority(key.action) for key in shown if key.action not in ALWAYS) <= min(
            footer_priority(key.action) for key in hidden
        )
    if size[0] >= 120:
        assert not hidden


async def test_the_triage_footer_keeps_done_at_60_columns(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(60, 15)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await until(pilot, lambda: app.screen.query(KeysFooter).first().query(FooterKey), "keys")
        await settle(pilot)
        await pilot.pause()
        bottom = screen_text(app)[-1]
    assert "esc Done" in bottom and "s Star" in bottom, bottom


async def _status_after_filter(app: ReadlistApp, pilot: Pilot[None], text: str) -> str:
    await settle(pilot)
    await pilot.press("slash", *text, "enter")
    screen = app.screen
    assert isinstance(screen, LibraryScreen)
    await until(pilot, lambda: screen.shown_query == text and not screen.counting, "results")
    await settle(pilot)
    return screen_text(app)[-2]  # the status line, as drawn


def whole_parts(status: str, *, cut_ok: tuple[str, ...]) -> list[str]:
    """The status line's parts as drawn; each must be whole, or one that may be cut
    (starting with one of `cut_ok`) ended with an ellipsis."""
    parts = [part.strip() for part in status.split("·")]
    whole = re.compile(
        r"^(\d+\+? shown of 358 papers|\d+\+?/358 shown|\d+ starred|\d+ unread|sort: latest seen)$"
    )
    for part in parts:
        assert whole.match(part) or part.startswith(cut_ok), (part, status)
        assert not part.endswith("…") or part.startswith(cut_ok), (part, status)
    return parts


@pytest.mark.parametrize("size", [(60, 15), (80, 24), (100, 30)])
async def test_a_long_filter_is_cut_and_the_counts_show_whole(
    make_app: AppFactory, size: tuple[int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        status = await _status_after_filter(app, pilot, "continual learning replay method")
        total = app.screen.query_one(PaperList).total
    parts = whole_parts(status, cut_ok=("filter: ",))
    assert parts[0] == f"{total} shown of 358 papers", status
    if size[0] >= 80:
        assert "0 starred" in parts and "358 unread" in parts, status
    if size[0] == 80:  # the sort gives way, then the filter is cut, with an ellipsis
        assert parts[1].startswith("filter: continual learning") and parts[1].endswith("…")
        assert "sort: latest seen" not in parts, status
    if size[0] == 100:  # room for the whole filter once the sort gives way
        assert parts[1] == "filter: continual learning replay method", status


@pytest.mark.parametrize("size", [(60, 15), (80, 24), (100, 30)])
async def test_a_long_hint_comes_right_after_the_counts(
    make_app: AppFactory, size: tuple[int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        status = await _status_after_filter(app, pilot, "continual learning is:stared replay")
        total = app.screen.query_one(PaperList).total
    hint = "unknown filter is:stared — did you mean is:starred?"
    parts = whole_parts(status, cut_ok=("unknown filter is:stared",))
    assert parts[0] in (f"{total} shown of 358 papers", f"{total}/358 shown"), status
    assert parts[1] == hint or (size[0] < 80 and parts[1].startswith("unknown filter")), status


def test_the_status_line_gives_up_the_least_important_part_first() -> None:
    parts = [
        Part("12 shown of 358 papers", 0),
        Part("filter: continual learning replay", 3, cut=True),
        Part("0 starred", 2),
        Part("358 unread", 2),
        Part("sort: latest seen", 4),
    ]
    whole = "12 shown of 358 papers  ·  filter: continual learning replay  ·  0 starred  ·  "
    assert fit(parts, 200) == whole + "358 unread  ·  sort: latest seen"
    assert fit(parts, 90) == (  # the sort gives way first
        "12 shown of 358 papers · filter: continual learning replay · 0 starred · 358 unread"
    )
    assert fit(parts, 70) == (  # then the filter is cut
        "12 shown of 358 papers · filter: continual l… · 0 starred · 358 unread"
    )
    assert fit(parts, 50) == "12 shown of 358 papers · 0 starred · 358 unread"
    assert fit(parts, 30) == "12 shown of 358 papers"
    assert fit(parts, 10) == "12 shown of 358 papers"  # the line's own ellipsis ends it
    counts = Part("12 shown of 358 papers", 0, short="12/358 shown")
    hint = Part("unknown filter is:new — is: takes starred, read or unread", 1, cut=True)
    assert fit([counts, hint, *parts[2:]], 78) == f"12/358 shown · {hint.text}"
    assert fit([counts, hint], 50) == "12/358 shown · unknown filter is:new — is: takes…"
    wide = [Part("3 shown", 0), Part("filter: 漢字漢字漢字漢字漢字漢字", 5, cut=True)]
    cut = fit(wide, 30)
    assert cut.startswith("3 shown · filter: 漢字") and cut.endswith("…")
    assert cell_len(cut) <= 30


@pytest.mark.parametrize("size", [(60, 15), (80, 24), (120, 40)])
async def test_toasts_cover_neither_the_status_line_nor_the_list(
    make_app: AppFactory, size: tuple[int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("S")  # "Sorted by most sightings"
        await until(pilot, lambda: bool(app.screen.query(Toast)), "the toast")
        await pilot.pause()
        toast = app.screen.query_one(Toast).region
        for covered in ("#status", "KeysFooter", "#papers"):
            assert not toast.overlaps(app.screen.query_one(covered).region), covered
        status = screen_text(app)[-2]
    assert status.rstrip().endswith("sort: most sightings") or size[0] < 80, status


async def test_a_wide_terminal_keeps_the_papers_lines_readable(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TriageScreen), "triage")
        await settle(pilot)
        abstract = app.screen.query_one("#triage-abstract").region
        assert abstract.width <= 116 and abstract.x > 20  # centred, not at the left edge
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, LibraryScreen), "the list")
        await settle(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the paper")
        await pilot.pause()
        reader = app.screen.query_one("#reader").region
        assert reader.width <= 120 and reader.x > 20


@pytest.mark.parametrize("size", [(60, 15), (80, 24), (120, 40)])
async def test_the_detail_state_line_gives_up_the_id_before_being_cut(
    make_app: AppFactory, size: tuple[int, int]
) -> None:
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        state = app.screen.query_one("#detail-state").region
        unstarred = screen_text(app)[state.y][state.x : state.right].strip()
        await pilot.press("s")
        await settle(pilot)
        # read where it is now: the star gives for you a model, and its why line above
        state = app.screen.query_one("#detail-state").region
        starred = screen_text(app)[state.y][state.x : state.right].strip()
        paper = app.screen.query_one(PaperList).highlighted
        assert paper is not None
    for drawn in (unstarred, starred):
        assert "…" not in drawn and "unread" in drawn, drawn
    assert unstarred.startswith(("not starred", "☆")) and starred.startswith("★")
    if size[0] >= 120:
        assert starred == f"★ starred · unread · id {paper.id}"


def test_short_forms_stand_in_when_nothing_else_can_give_way() -> None:
    parts = [Part("not starred", 0, short="☆"), Part("unread", 0), Part("id 10", 2)]
    assert fit(parts, 40, (" · ",)) == "not starred · unread · id 10"
    assert fit(parts, 20, (" · ",)) == "not starred · unread"
    assert fit(parts, 15, (" · ",)) == "☆ · unread"
