"""The status bar says which filter word names no filter, and the list shows the rest of
the query; the command palette names keys as the footer and the help screen do."""

from __future__ import annotations

from textual.command import CommandList, CommandPalette

from readlist.core.query import parse_query
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.widgets.paper_list import PaperList
from tests.ui.conftest import AppFactory, fresh_store, settle, until


def status_of(screen: LibraryScreen) -> str:
    return str(screen.query_one("#status").render())


async def test_the_status_bar_says_an_unknown_filter_and_the_rest_is_shown(
    make_app: AppFactory,
) -> None:
    app = make_app()
    with fresh_store(app.library.path) as store:
        expected = store.count(parse_query("continual"))
    assert 0 < expected < 358
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await pilot.press("slash", *"continual is:stared")
        await until(pilot, lambda: screen.shown_query == "continual is:stared", "the results")
        await until(pilot, lambda: not screen.counting, "the count")
        assert screen.query_one(PaperList).total == expected
        status = status_of(screen)
        assert "unknown filter is:stared — did you mean is:starred?" in status
        assert f"{expected} shown of 358 papers" in status
        await pilot.press(*["backspace"] * len(" is:stared"))
        await until(pilot, lambda: screen.shown_query == "continual", "the plain filter")
        assert "unknown filter" not in status_of(screen)
        assert "filter: continual" in status_of(screen)


async def test_a_filter_of_only_unknown_words_shows_every_paper_and_says_so(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        await pilot.press("slash", *"is:old", "enter")
        await until(pilot, lambda: screen.shown_query == "is:old", "the results")
        await settle(pilot)
        assert screen.query_one(PaperList).total == 358
        # at 80 columns the status line cuts the hint after "unread" ("or withdrawn" is cut)
        assert "unknown filter is:old — is: takes starred, read, unread" in status_of(screen)
        await pilot.press("escape")
        await until(pilot, lambda: screen.shown_query == "", "the whole library")
        assert "unknown filter" not in status_of(screen)


async def test_the_palette_names_keys_as_the_footer_does(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 35)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        commands = app.screen.query_one(CommandList)
        await until(pilot, lambda: commands.option_count > 5, "the palette's commands")
        shown = [str(commands.get_option_at_index(i).prompt) for i in range(commands.option_count)]
        by_title = {line.split("\n")[0]: line for line in shown}
        assert "(key: ?)" in by_title["Help"]
        assert "(key: /)" in by_title["Filter"]
        assert "(key: Esc)" in by_title["Clear filter"]
        assert not [line for line in shown if "key: " in line and "_" in line.split("key: ")[1]]
