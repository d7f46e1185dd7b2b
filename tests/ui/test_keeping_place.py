"""Keeping your place: the cursor keeps its paper, not its row number, across Esc, a
sort, an import and an undo; Tab never lands in the filter; `r` moves on to the next."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot

from readlist.core.ingest.importer import Importer
from readlist.core.models import Paper
from readlist.core.query import parse_query
from readlist.ui.app import ReadlistApp
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.widgets.detail import DetailPane
from readlist.ui.widgets.filter_bar import FilterBar, FilterInput
from readlist.ui.widgets.paper_list import PaperList
from tests.conftest import SAMPLE_DUMPS
from tests.ui.conftest import AppFactory, fresh_store, record_notices, settle, until

SIZE = (120, 35)


def papers_of(app: ReadlistApp) -> PaperList:
    screen = app.screen
    assert isinstance(screen, LibraryScreen)
    return screen.query_one(PaperList)


def highlighted(app: ReadlistApp) -> Paper:
    paper = papers_of(app).highlighted
    assert paper is not None
    return paper


async def down(pilot: Pilot[None], rows: int) -> None:
    await pilot.press(*["j"] * rows)


async def test_esc_keeps_the_paper_highlighted(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"learning", "enter")
        await settle(pilot)
        await down(pilot, 5)
        chosen = highlighted(app)
        row_in_filter = papers_of(app).cursor
        await pilot.press("escape")
        await settle(pilot)
        assert papers_of(app).total == 358
        assert highlighted(app).id == chosen.id
        assert papers_of(app).cursor != row_in_filter  # its own row, not the filter's


async def test_esc_finds_a_paper_beyond_the_first_page(
    make_app: AppFactory, library_path: Path
) -> None:
    """The whole list's first page is kept for Esc; a paper further down is found by a
    store query for its place, and the list shows that row."""
    with fresh_store(library_path) as store:
        deep = store.search(parse_query(""), sort="latest")[250]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        words = " ".join(f'title:"{word}"' for word in deep.title.split()[:6] if word.isalnum())
        await pilot.press("slash")
        papers_of(app).screen.query_one(FilterBar).value = words
        await pilot.press("enter")
        await settle(pilot)
        assert highlighted(app).id == deep.id and papers_of(app).cursor == 0
        await pilot.press("escape")
        await settle(pilot)
        assert papers_of(app).cursor == 250
        assert highlighted(app).id == deep.id


async def test_a_new_filter_starts_at_its_first_result(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await down(pilot, 5)
        await pilot.press("slash", *"learning")
        await settle(pilot)
        assert papers_of(app).cursor == 0
        await pilot.press("enter")
        await down(pilot, 3)
        await pilot.press("slash", "backspace", "backspace")  # another filter, typed
        await settle(pilot)
        assert papers_of(app).cursor == 0


async def test_a_new_sort_keeps_the_paper(make_app: AppFactory, library_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await down(pilot, 3)
        chosen = highlighted(app)
        for sort in ("most_seen", "title", "upvotes", "published", "latest"):
            await pilot.press("S")
            await settle(pilot)
            assert highlighted(app).id == chosen.id
            with fresh_store(library_path) as store:
                where = store.position_of(parse_query(""), sort, chosen.id)  # type: ignore[arg-type]
            assert highlighted(app).id == chosen.id
            assert papers_of(app).cursor == where


async def test_an_import_keeps_the_paper(make_app: AppFactory, library_path: Path) -> None:
    """Another window imports a paper that sorts above the cursor: it stays on its paper."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = papers_of(app)
        await pilot.press("S", "S", "G")  # by title, the last: the new paper sorts above
        await settle(pilot)
        chosen, row = highlighted(app), papers.cursor
        before = papers.total
        dump = next(SAMPLE_DUMPS.glob("*.txt")).read_text(encoding="utf-8")
        extra = "\n\n".join([dump, "Aaa: A Paper Imported Elsewhere", "Its abstract, unlike any."])
        with fresh_store(library_path) as other:
            Importer(other, now=datetime(2026, 11, 24, tzinfo=UTC)).import_bytes(
                extra.encode(), "later.txt"
            )
        await until(pilot, lambda: papers.total == before + 1, "the imported paper")
        await settle(pilot)
        assert highlighted(app).id == chosen.id
        with fresh_store(library_path) as store:
            where = store.position_of(parse_query(""), "title", chosen.id)
        assert where == row + 1  # the new paper sorts above it
        assert highlighted(app).id == chosen.id and papers.cursor == where


async def test_undo_goes_back_to_the_paper_and_names_it(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        notices = record_notices(app, monkeypatch)
        await down(pilot, 2)
        starred = highlighted(app)
        await pilot.press("s")
        await down(pilot, 7)
        assert highlighted(app).id != starred.id
        await pilot.press("u")
        await settle(pilot)
        assert highlighted(app).id == starred.id and not highlighted(app).starred
        title = starred.title if len(starred.title) <= 40 else starred.title[:39] + "…"
        assert notices[-1] == f"Unstarred '{title}'"
        with fresh_store(library_path) as store:
            assert not store.get(starred.id).starred


async def test_undo_finds_a_paper_scrolled_far_away(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        read = highlighted(app)
        await pilot.press("r", "G")
        await settle(pilot)
        assert papers_of(app).paper_at(0) is None or papers_of(app).cursor > 300
        await pilot.press("u")
        await settle(pilot)
        assert papers_of(app).cursor == 0 and highlighted(app).id == read.id
        assert not highlighted(app).read


async def test_tab_moves_between_list_and_detail_never_into_the_filter(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        focused = []
        for key in ("tab", "tab", "tab", "shift+tab", "shift+tab"):
            await pilot.press(key)
            focused.append(type(app.focused))
        assert focused == [DetailPane, PaperList, DetailPane, PaperList, DetailPane]
        await pilot.press("tab", *["j"] * 30)
        await settle(pilot)
        assert screen.query_one(FilterBar).value == ""
        assert papers_of(app).cursor == 30


async def test_the_filter_shows_a_prompt_and_a_steady_cursor_while_it_has_the_focus(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        prompt = app.screen.query_one("#filter-prompt")
        assert not prompt.display or prompt.region.width == 0
        await pilot.press("slash")
        await pilot.pause()
        field = app.screen.query_one(FilterInput)
        assert app.focused is field and not field.cursor_blink
        assert prompt.region.width > 0
        await pilot.press("x", "tab")  # Tab leaves the filter for the list
        await pilot.pause()
        assert isinstance(app.focused, PaperList)
        assert prompt.region.width == 0
        await pilot.press("tab")
        assert isinstance(app.focused, DetailPane)


async def test_read_moves_on_to_the_next_paper_star_stays(
    make_app: AppFactory, library_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = papers_of(app)
        first = highlighted(app)
        await pilot.press("s")
        assert papers.cursor == 0
        await pilot.press("r")
        assert papers.cursor == 1
        await pilot.press("r", "r")
        assert papers.cursor == 3
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert [p.read for p in store.search(parse_query(""), limit=4)] == [True] * 3 + [False]
            assert store.get(first.id).starred


@pytest.mark.parametrize(
    ("advance", "moves"), [(set(), (0, 0)), ({"star"}, (1, 1)), ({"star", "read"}, (1, 2))]
)
async def test_advance_after_mark_is_the_apps_to_set(
    make_app: AppFactory, advance: set[str], moves: tuple[int, int]
) -> None:
    app = make_app()
    app.advance_after_mark = advance
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        papers = papers_of(app)
        await pilot.press("s")
        after_star = papers.cursor
        await pilot.press("r")
        assert (after_star, papers.cursor) == moves


async def test_slash_right_after_tab_lands_in_the_filter(make_app: AppFactory) -> None:
    """Tab acts as its key arrives, as "/" does: in a burst, the "/" that follows it
    is not undone by the Tab's focus change."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        assert isinstance(app.focused, DetailPane)
        app.post_message(events.Key("tab", None))
        app.post_message(events.Key("slash", "/"))
        app.post_message(events.Key("x", "x"))
        await until(pilot, lambda: app.screen.query_one(FilterBar).value == "x", "the filter x")
        assert isinstance(app.focused, FilterInput)
