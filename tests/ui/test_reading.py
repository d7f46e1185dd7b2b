"""Reading a paper in full from the keyboard: the detail pane, the triage card and the
paper full-screen scroll with Space, b, J and K, and a note shows before the abstract."""

from __future__ import annotations

from pathlib import Path

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.pilot import Pilot
from textual.widget import Widget

from readlist.ui.screens.help import sections
from readlist.ui.screens.triage import TriageScreen
from readlist.ui.triage_queue import queue_query
from readlist.ui.widgets.detail import DetailPane
from readlist.ui.widgets.filter_bar import FilterBar
from readlist.ui.widgets.paper_list import PaperList
from tests.ui.conftest import AppFactory, fresh_store, settle, until

SMALL = (80, 24)  # the abstract alone fills the pane here
NOTE = "MY NOTE: compare with the ER-ACE baseline"


def first_paper_id(path: Path) -> int:
    """The paper the list highlights first and the triage shows first (both latest seen)."""
    with fresh_store(path) as store:
        return store.search(queue_query(""), limit=1)[0].id


def write_note(path: Path, paper_id: int, note: str = NOTE) -> None:
    with fresh_store(path) as store:
        store.set_note(paper_id, note)


def inside(part: Widget, pane: Widget) -> bool:
    """`part` is drawn within the pane's visible region (not below its fold)."""
    region, view = part.region, pane.region
    return region.height > 0 and view.y <= region.y and region.bottom <= view.bottom


async def open_detail(pilot: Pilot[None]) -> DetailPane:
    await settle(pilot)
    detail = pilot.app.screen.query_one(DetailPane)
    await until(pilot, lambda: detail.paper is not None, "the detail pane to show a paper")
    await until(pilot, lambda: detail.max_scroll_y > 0, "the abstract to overflow the pane")
    return detail


async def test_space_b_J_K_scroll_the_detail_pane_while_the_list_keeps_the_focus(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        detail = await open_detail(pilot)
        listing = app.screen.query_one(PaperList)
        highlighted = listing.highlighted
        assert detail.scroll_y == 0
        await pilot.press("space")
        assert detail.scroll_y > 0
        paged = detail.scroll_y
        await pilot.press("b")
        assert detail.scroll_y == 0
        await pilot.press("J", "J")
        assert detail.scroll_y == 2
        await pilot.press("K")
        assert detail.scroll_y == 1
        await pilot.press("space", "space", "space", "space")
        assert detail.scroll_y == detail.max_scroll_y >= paged
        assert app.focused is listing
        assert listing.highlighted == highlighted  # the keys moved the paper, not the list


async def test_the_note_shows_before_the_abstract_within_the_pane(
    make_app: AppFactory, library_path: Path
) -> None:
    write_note(library_path, first_paper_id(library_path))
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        detail = await open_detail(pilot)
        note = detail.query_one("#detail-note")
        abstract = detail.query_one("#detail-abstract")
        assert NOTE in note.source  # type: ignore[attr-defined]
        assert note.region.y < abstract.region.y
        assert inside(note, detail)
        assert detail.query_one("#detail-abstract-label").display


async def test_without_a_note_there_is_no_note_heading(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        detail = await open_detail(pilot)
        for name in ("#detail-note-label", "#detail-note", "#detail-abstract-label"):
            assert not detail.query_one(name).display


async def test_enter_shows_the_paper_full_screen_and_esc_goes_back(
    make_app: AppFactory, library_path: Path
) -> None:
    from readlist.ui.screens.reader import ReaderScreen  # here: a module of its own

    paper_id = first_paper_id(library_path)
    write_note(library_path, paper_id)
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await open_detail(pilot)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the full-screen paper")
        reader = app.screen.query_one(DetailPane)
        assert reader.paper is not None and reader.paper.id == paper_id
        assert reader.region.width == SMALL[0]
        assert inside(reader.query_one("#detail-note"), reader)
        await until(pilot, lambda: reader.max_scroll_y > 0, "the abstract to overflow")
        await pilot.press("space")
        assert reader.scroll_y > 0
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ReaderScreen), "the list again")
        assert app.focused is app.screen.query_one(PaperList)


async def start_triage(pilot: Pilot[None]) -> tuple[TriageScreen, VerticalScroll]:
    await settle(pilot)
    await pilot.press("t")
    await until(pilot, lambda: isinstance(pilot.app.screen, TriageScreen), "triage")
    screen = pilot.app.screen
    assert isinstance(screen, TriageScreen)
    card = screen.query_one("#triage-card", VerticalScroll)
    await until(pilot, lambda: card.max_scroll_y > 0, "a first card longer than the screen")
    return screen, card


async def test_on_the_triage_card_space_pages_to_its_end_then_skips(
    make_app: AppFactory,
) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen, card = await start_triage(pilot)
        await pilot.press("J")
        assert card.scroll_y == 1
        await pilot.press("K")
        assert card.scroll_y == 0
        pages = 0
        while card.scroll_y < card.max_scroll_y:
            await pilot.press("space")
            pages += 1
            assert screen.position == 0 and screen.counts["skipped"] == 0
            assert pages < 20, "Space never reached the card's end"
        await pilot.press("b")
        assert card.scroll_y < card.max_scroll_y
        await pilot.press("space")  # back at the end
        assert screen.position == 0
        await pilot.press("space")  # from the end: the next card
        await until(pilot, lambda: screen.position == 1, "the next card")
        assert screen.counts["skipped"] == 1
        assert card.scroll_y == 0


async def test_the_triage_card_shows_the_note_before_the_abstract(
    make_app: AppFactory, library_path: Path
) -> None:
    write_note(library_path, first_paper_id(library_path))
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen, card = await start_triage(pilot)
        note = screen.query_one("#triage-note")
        assert NOTE in str(note.render())
        assert note.region.y < screen.query_one("#triage-abstract").region.y
        assert inside(note, card)


def test_the_help_screen_lists_the_reading_keys() -> None:
    rows = [
        (str(row[0]), str(row[1]))
        for table in sections()
        for row in zip(*(column.cells for column in table.columns), strict=True)
    ]
    keys = {key for key, _ in rows}
    assert {"Space", "b", "J", "K", "Enter"} <= keys
    assert any("full-screen" in description for _, description in rows)


async def test_the_reading_keys_typed_in_the_filter_are_text(make_app: AppFactory) -> None:
    """A guard: the reading keys are the screen's, so the filter's text box comes first."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        detail = await open_detail(pilot)
        await pilot.press("slash", "b", "space", "J", "K")
        await until(pilot, lambda: app.screen.query_one(FilterBar).value == "b JK", "the text")
        assert detail.scroll_y == 0


async def test_space_typed_ahead_of_a_new_card_skips_it(make_app: AppFactory) -> None:
    """A Space that lands before the next card is drawn skips that card too: its reader
    has seen nothing of it to page through (the last card's length does not count)."""
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        screen, card = await start_triage(pilot)
        await pilot.press("J")  # in the middle of a long card
        assert 0 < card.scroll_y < card.max_scroll_y
        screen.action_read()  # r and Space in one burst: no redraw between them
        screen.action_skip()
        assert screen.position == 2
        assert screen.counts["read"] == screen.counts["skipped"] == 1


async def test_a_burst_of_spaces_pages_as_often(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        detail = await open_detail(pilot)
        page = detail.scrollable_content_region.height
        assert detail.max_scroll_y >= 2 * page
        screen = app.screen
        screen.action_scroll_paper("page_down")  # type: ignore[attr-defined]
        screen.action_scroll_paper("page_down")  # type: ignore[attr-defined]
        assert detail.scroll_y == 2 * page


def test_the_full_screen_footer_says_how_to_read_on() -> None:
    from readlist.ui.screens.reader import ReaderScreen

    shown = {
        b.key: b.description for b in ReaderScreen.BINDINGS if isinstance(b, Binding) and b.show
    }
    assert shown == {"space": "Page down", "b": "Page up", "escape,enter,q": "Back"}
