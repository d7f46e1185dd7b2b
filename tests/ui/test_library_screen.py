"""The main screen, driven by keys; assertions on widgets and on the store."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Static
from textual.widgets._footer import FooterKey

from readlist.core.models import Paper, Sighting
from readlist.core.query import parse_query
from readlist.ui import detail_follow
from readlist.ui import results as results_module
from readlist.ui.app import ReadlistApp
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.widgets.detail import DetailPane
from readlist.ui.widgets.filter_bar import FilterBar
from readlist.ui.widgets.footer import KeysFooter
from readlist.ui.widgets.paper_list import PaperList
from tests.ui.conftest import (
    AppFactory,
    detail_caught_up,
    fresh_store,
    settle,
    until,
    wait_for_workers,
)


def main_screen(app: ReadlistApp) -> LibraryScreen:
    screen = app.screen
    assert isinstance(screen, LibraryScreen)
    return screen


async def test_opens_on_the_library(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        papers = app.screen.query_one(PaperList)
        assert papers.total == 358
        assert papers.highlighted is not None
        status = str(app.screen.query_one("#status").render())
        assert "358 papers" in status


async def test_star_and_read_are_saved_at_once(make_app: AppFactory, library_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        papers = app.screen.query_one(PaperList)
        first = papers.highlighted
        assert first is not None
        await pilot.press("s")
        assert papers.highlighted is not None and papers.highlighted.starred
        await pilot.press("j")
        second = papers.highlighted
        await pilot.press("r")  # marks it read, and the cursor moves on to the next
        assert second is not None
        assert papers.paper_at(papers.cursor - 1) == replace(second, read=True)
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert store.get(first.id).starred
            assert store.get(second.id).read
        await pilot.press("u")
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert not store.get(second.id).read
            assert store.get(first.id).starred


async def test_filter_as_you_type_and_clear(make_app: AppFactory, library_path: Path) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        assert isinstance(app.focused.parent, FilterBar)  # type: ignore[union-attr]
        await pilot.press(*"continual")
        await settle(pilot)
        papers = app.screen.query_one(PaperList)
        with fresh_store(library_path) as store:
            expected = store.count(parse_query("continual"))
        assert papers.total == expected > 0
        await pilot.press("enter")
        assert isinstance(app.focused, PaperList)
        await pilot.press("escape")
        await settle(pilot)
        assert papers.total == 358


async def test_moving_keys(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        papers = app.screen.query_one(PaperList)
        await pilot.press("j", "j", "down")
        assert papers.cursor == 3
        await pilot.press("k")
        assert papers.cursor == 2
        await pilot.press("G")
        await settle(pilot)
        assert papers.cursor == 357
        assert papers.highlighted is not None
        await pilot.press("g")
        assert papers.cursor == 0
        await pilot.press("pagedown")
        assert papers.cursor > 10


async def test_a_broad_filter_shows_its_first_page_and_counts_once_typing_pauses(
    make_app: AppFactory, library_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(results_module, "COUNT_PAUSE", 3600)  # a pause that never ends
        screen = main_screen(app)
        await pilot.press("slash", "a")
        await until(pilot, lambda: screen.shown_query == "a", "the first page of 'a'")
        papers = screen.query_one(PaperList)
        assert screen.counting and papers.total == 100  # a page, and "more to come"
        assert "100+ shown" in str(screen.query_one("#status").render())
        await wait_for_workers(app)
        assert screen.counting  # no count ran while typing had not paused
        monkeypatch.setattr(results_module, "COUNT_PAUSE", 0.01)
        await pilot.press("b", "backspace")
        await until(pilot, lambda: not screen.counting, "the count of 'a'")
        with fresh_store(library_path) as store:
            assert papers.total == store.count(parse_query("a")) > 100


async def test_the_detail_follows_the_list_once_typing_pauses(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(detail_follow, "DETAIL_PAUSE", 3600)  # a pause that never ends
        screen = main_screen(app)
        papers = screen.query_one(PaperList)

        def detail_title() -> str:
            return str(screen.query_one("#detail-title", Static).render())

        before = detail_title()
        await pilot.press("slash", *"diffusion")
        await until(pilot, lambda: screen.shown_query == "diffusion", "the filter's results")
        await wait_for_workers(app)
        top = papers.highlighted
        assert top is not None and top.title != before
        assert not detail_caught_up(screen) and detail_title() == before  # the old paper
        await pilot.press("enter")  # back to the list: the detail catches up at once
        await until(pilot, lambda: detail_title() == top.title, "the detail of the top result")
        assert detail_caught_up(screen)
        await pilot.press("j")  # moving the cursor is followed at once
        await until(
            pilot,
            lambda: papers.highlighted is not None and detail_title() == papers.highlighted.title,
            "the detail of the next paper",
        )


async def test_the_footer_shows_the_keys_that_work_where_the_focus_is(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        footer = app.screen.query_one(KeysFooter)

        def shown() -> set[str]:
            return {key.description for key in footer.query(FooterKey)}

        assert {"Star", "Filter", "Quit"} <= shown()
        await pilot.press("slash")  # letters now type: the footer stops offering them
        await until(pilot, lambda: "Star" not in shown(), "the filter's keys in the footer")
        await pilot.press("escape")
        await until(pilot, lambda: "Star" in shown(), "the list's keys in the footer")


async def test_a_star_redraws_the_detail_state_line_alone(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        state = screen.query_one("#detail-state")
        assert str(state.render()).startswith("not starred")
        reloads: list[object] = []
        monkeypatch.setattr(screen.detail, "load", reloads.append)
        await pilot.press("s")
        assert str(state.render()).startswith("★ starred")
        assert reloads == []  # the same paper: no new detail, no sightings read again
        await pilot.press("j")  # another paper: the detail is loaded
        assert len(reloads) == 1


async def test_new_results_with_the_same_top_paper_redraw_its_detail(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The words to pick out changed with the filter, though the paper did not; and the
    next move of the cursor is followed at once again."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        papers = screen.query_one(PaperList)
        await pilot.press("slash", *"continual")
        await settle(pilot)
        top = papers.highlighted
        shown: list[tuple[str, ...]] = []
        detail = screen.query_one(DetailPane)
        real_show = detail.show

        def show(paper: Paper | None, sightings: list[Sighting], terms: tuple[str, ...]) -> None:
            shown.append(terms)
            real_show(paper, sightings, terms)

        detail.show = show  # type: ignore[method-assign]
        await pilot.press("space", "l")
        await settle(pilot)
        assert papers.highlighted is not None and top is not None
        assert papers.highlighted.id == top.id
        assert shown and shown[-1] == ("continual", "l")
        # A cursor move is followed at once, not after a pause (one that never ends here).
        monkeypatch.setattr(detail_follow, "DETAIL_PAUSE", 3600)
        await pilot.press("enter", "j")
        await until(pilot, lambda: detail_caught_up(screen), "the detail of the next paper")


async def test_esc_shows_the_whole_list_at_once_with_the_changes_made_while_filtered(
    make_app: AppFactory, library_path: Path
) -> None:
    """The whole library's first page is kept for Esc: shown in the key's own handler,
    with no query, and with the stars made while a filter was on."""
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        papers = screen.query_one(PaperList)
        top = papers.highlighted
        assert top is not None and not top.starred
        await pilot.press("slash", *top.title.split()[0].lower(), "enter")
        await settle(pilot)
        await pilot.press("g", "s")  # the top result: the library's top, in the same order
        starred_here = papers.highlighted
        assert starred_here is not None and starred_here.id == top.id and starred_here.starred
        queries: list[object] = []
        real_run = screen.results._run_query
        screen.results._run_query = lambda *args: queries.append(args) or real_run(*args)  # type: ignore[method-assign, func-returns-value]
        await pilot.press("escape")
        assert papers.total == 358 and screen.shown_query == ""  # before any frame or worker
        assert queries == []
        row = papers.paper_at(0)
        assert row is not None and row.id == top.id and row.starred  # as the store has it
        await settle(pilot)
        with fresh_store(library_path) as store:
            assert store.get(starred_here.id).starred
            expected = store.page(parse_query(""), 0, 100, sort="latest")
        assert [p.id for p in (papers.paper_at(i) for i in range(100)) if p] == [
            p.id for p in expected
        ]
        assert [p.starred for p in (papers.paper_at(i) for i in range(100)) if p] == [
            p.starred for p in expected
        ]


async def test_an_import_drops_the_kept_first_page(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = main_screen(app)
        queries: list[object] = []
        real_run = screen.results._run_query
        screen.results._run_query = lambda *args: queries.append(args) or real_run(*args)  # type: ignore[method-assign, func-returns-value]
        screen.reload(restat=True)  # what an import, a triage or another process asks for
        assert len(queries) == 1
        await settle(pilot)
        await pilot.press("slash", "x", "escape")
        await settle(pilot)
        assert len(queries) == 2  # "x"; Esc used the page the reload brought
