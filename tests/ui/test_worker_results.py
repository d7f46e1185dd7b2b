"""A worker's result that arrives after its widget has gone is dropped, not a crash."""

from __future__ import annotations

import asyncio

from readlist.ui.screens.library import LibraryScreen
from readlist.ui.threads import deliver
from readlist.ui.widgets.paper_list import PaperList
from tests.ui.conftest import AppFactory, settle


async def test_a_result_for_a_widget_still_there_is_shown(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        ran_on: list[bool] = []
        # From a thread, as a worker hands over its result; on the UI thread it runs.
        await asyncio.to_thread(deliver, screen, lambda: ran_on.append(app.is_running))
        assert ran_on == [True]


async def test_a_result_for_a_widget_gone_is_dropped(make_app: AppFactory) -> None:
    """A list's page read by its worker while the list was being taken down (a screen
    popped, the app quitting): the page has nowhere to go. Handed over as it was, the
    callback queried widgets already removed and failed the worker and the app with it;
    seen once at 1M papers, a count arriving as the app quit."""
    app = make_app()
    async with app.run_test() as pilot:
        await settle(pilot)
        papers = app.screen.query_one(PaperList)
        ran: list[str] = []
        await papers.remove()
        await asyncio.to_thread(deliver, papers, ran.append, "a page")
        assert ran == []
        assert app.is_running
