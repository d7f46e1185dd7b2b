"""The main screen, driven by keys; assertions on widgets and on the store."""

from __future__ import annotations

from pathlib import Path

from readlist.core.query import parse_query
from readlist.ui.widgets.filter_bar import FilterBar
from readlist.ui.widgets.paper_list import PaperList
from tests.ui.conftest import AppFactory, fresh_store, settle


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
        await pilot.press("j", "r")
        second = papers.highlighted
        assert second is not None and second.read
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
