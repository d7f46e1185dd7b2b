"""The virtual paper list: draws only the rows on screen, fetched a page at a time.

The widget holds no more than a few pages of papers whatever the library's size.
Rows come from a `fetch(offset, limit, total)` callable run in a thread worker; a row not
fetched yet draws as a placeholder until its page arrives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import work
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive, reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.worker import get_current_worker

from readlist.core.models import Paper
from readlist.core.printable import shown_in_line
from readlist.core.store import Sort

Fetch = Callable[[int, int, int], list[Paper]]  # (offset, limit, total) -> rows
LIST_PAGE = 100  # rows read at a time, and held as one page
PAGES_HELD = 12  # pages of rows held at once; the one farthest from the cursor goes first

# Every row on screen draws its title in every frame: each title is made safe to draw
# (no newline, tab or terminal control) once, and looked up after that, since a lookup
# costs a fraction of checking the title again.
_row_title = lru_cache(maxsize=1024)(shown_in_line)


def marks(paper: Paper) -> str:
    """The row's marks column: a fixed place for each mark, so titles line up."""
    return (
        ("★" if paper.starred else " ")
        + ("✓" if paper.read else " ")
        + ("✎" if paper.note else " ")
    )


MARKS_WIDTH = 5  # a space, the three marks, a space before the title


def tags_cell(tags: tuple[str, ...], room: int) -> str:
    """A row's tags after its title (" #ml #rl"), in at most `room` cells: those that fit
    whole, then how many more (" +2"); " #…" when not one fits, so that a tagged paper
    shows as one at any width."""
    text = ""
    for n, tag in enumerate(tags):
        piece = f" #{_row_title(tag)}"
        rest = f" +{len(tags) - n - 1}" if n < len(tags) - 1 else ""
        if cell_len(text + piece + rest) > room:
            text = f"{text} +{len(tags) - n}" if text else " #…"
            return text if cell_len(text) <= room else ""
        text += piece
    return text


def side_column(paper: Paper, sort: Sort) -> str:
    """The row's right-hand column: the day the paper was last seen, or, in a list
    sorted by upvotes or by the day published, that (blank when not known), so the
    order can be read off the rows. Always ten cells between two spaces, so titles
    line up whatever it holds."""
    if sort == "upvotes":
        upvotes = paper.meta.upvotes
        return f" {'' if upvotes is None else f'▲ {upvotes:,}':>10} "
    if sort == "published":
        return f" {(paper.meta.published or '')[:10]:<10} "
    return f" {paper.last_seen} "


def fitted(title: str, width: int) -> str:
    """The title in exactly `width` cells, cut with an ellipsis when it is longer: a
    wide character (CJK, emoji) takes two cells, and the date after it stays in its
    column."""
    if title.isascii():  # one cell a character: the common case, and the quick one
        if len(title) > width:
            return title[: max(width - 1, 0)] + "…"
        return title.ljust(width)
    if cell_len(title) > width:
        return set_cell_size(title, max(width - 1, 0)) + "…"
    return set_cell_size(title, width)


class PaperList(ScrollView, can_focus=True):
    """A list of papers of any length, one line each."""

    BINDINGS = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
        Binding("g,home", "first", "Top", show=False, id="list.top"),
        Binding("G,end", "last", "Bottom", show=False, id="list.bottom"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
    ]
    COMPONENT_CLASSES = {"paper-list--cursor", "paper-list--date", "paper-list--marks"}
    DEFAULT_CSS = """
    PaperList { background: $surface; overflow-x: hidden; overflow-y: scroll; }
    PaperList > .paper-list--cursor { background: $accent 40%; text-style: bold; }
    PaperList:focus > .paper-list--cursor { background: $accent; color: $text; }
    PaperList > .paper-list--date { color: $text-muted; }
    PaperList > .paper-list--marks { color: $warning; }
    """

    cursor = reactive(0, always_update=True)
    # The list's size never changes with its length (its scrollbar's column is always
    # there: overflow-y: scroll), so a new length redraws the scrollbar, not a layout of
    # the whole screen: a filter or its clearing changes the length every time.
    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def watch_virtual_size(self, size: Size) -> None:
        if self.is_mounted and self.container_size:
            self._scroll_update(size)  # scrollbar and scroll position, as a layout would
        self.refresh()

    @dataclass
    class Highlighted(Message):
        """The cursor rests on a paper (None when the list is empty)."""

        paper_list: PaperList
        paper: Paper | None

        @property
        def control(self) -> PaperList:
            return self.paper_list

    @dataclass
    class PageLoaded(Message, bubble=False):
        """A page's rows, read by the list's worker for the results of `generation`."""

        page: int
        generation: int
        rows: list[Paper]

    @dataclass
    class PageFailed(Message, bubble=False):
        """A page could not be read (interrupted, locked): it is asked for again."""

        page: int
        generation: int

    def __init__(self, fetch: Fetch, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._fetch = fetch
        self._total = 0
        self._pages: dict[int, list[Paper]] = {}
        self._loading: set[int] = set()
        self._generation = 0
        self._row_styles: tuple[Style, Style, Style, Style] | None = None
        self._sort: Sort = "latest"  # the order shown, which picks the rows' side column
        self._scores: Sequence[float] | None = None  # by row, when ranked for the user

    # -- what is shown ---------------------------------------------------------------

    @property
    def total(self) -> int:
        return self._total

    def reset(
        self,
        fetch: Fetch,
        total: int,
        first_page: list[Paper] | None = None,
        *,
        cursor: int = 0,
        sort: Sort = "latest",
        scores: Sequence[float] | None = None,
    ) -> None:
        """Show a new result set, in `sort`'s order: forget every cached page, put the
        cursor on `cursor` (the screen knows which paper to keep; by default the top).
        `scores`: each row's score when the rows are ranked for the user, shown in the
        side column in place of `sort`'s."""
        self._generation += 1
        self._sort = sort
        self._scores = scores
        self._fetch = fetch
        self._total = total
        self._pages = {0: first_page} if first_page is not None else {}
        self._loading.clear()
        self.virtual_size = Size(self.size.width, total)
        if cursor < self.scrollable_content_region.height:
            # The cursor's row is on the first screen: that screen is shown, so a new
            # order's first rows (the day's top papers) are in sight, not scrolled past.
            self.scroll_to(y=0, animate=False)
        self.cursor = min(cursor, max(total - 1, 0))
        self.refresh()

    @property
    def generation(self) -> int:
        """Changes with every new result set (`reset`)."""
        return self._generation

    def index_of(self, paper_id: int) -> int | None:
        """Where a paper is among the rows held for drawing, if it is held."""
        for number, page in self._pages.items():
            for i, cached in enumerate(page):
                if cached.id == paper_id:
                    return number * LIST_PAGE + i
        return None

    def set_total(self, total: int) -> None:
        """The count of the shown result set arrived: keep the pages, extend the list."""
        self._total = total
        self.virtual_size = Size(self.size.width, total)
        self.refresh()

    def paper_at(self, index: int) -> Paper | None:
        page = self._pages.get(index // LIST_PAGE)
        if page is None or index % LIST_PAGE >= len(page):
            return None
        return page[index % LIST_PAGE]

    @property
    def highlighted(self) -> Paper | None:
        return self.paper_at(self.cursor) if self._total else None

    def cached_papers(self) -> list[Paper]:
        """Every paper held for drawing: what a change made elsewhere may have touched."""
        return [paper for page in self._pages.values() for paper in page]

    def update_paper(self, paper: Paper) -> None:
        """Redraw one paper whose state changed, wherever it is cached."""
        for number, page in self._pages.items():
            for i, cached in enumerate(page):
                if cached.id == paper.id:
                    page[i] = paper
                    self.refresh_line(number * LIST_PAGE + i)
        if self.highlighted is not None and self.highlighted.id == paper.id:
            self.post_message(self.Highlighted(self, paper))

    # -- drawing ---------------------------------------------------------------------

    def notify_style_update(self) -> None:
        self._row_styles = None  # focus, theme or CSS changed
        super().notify_style_update()

    def _styles(self) -> tuple[Style, Style, Style, Style]:
        """Row, cursor row, marks and date styles: worked out once, not once a line."""
        if self._row_styles is None:
            base = self.rich_style
            self._row_styles = (
                base,
                base + self.get_component_rich_style("paper-list--cursor"),
                base + self.get_component_rich_style("paper-list--marks"),
                base + self.get_component_rich_style("paper-list--date"),
            )
        return self._row_styles

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        base, cursor_style, marks_style, date_style = self._styles()
        if index >= self._total:
            return Strip.blank(width, base)
        paper = self.paper_at(index)
        if paper is None:
            self._request(index // LIST_PAGE)
            return Strip([Segment(" " * MARKS_WIDTH + "…".ljust(width - MARKS_WIDTH), base)]).crop(
                0, width
            )
        on_cursor = index == self.cursor
        style = cursor_style if on_cursor else base
        scores = self._scores
        date = side_column(paper, self._sort) if scores is None else f" {scores[index]:>10.2f} "
        title_width = max(width - MARKS_WIDTH - len(date), 1)
        tags = tags_cell(paper.tags, max(title_width // 3, 3)) if paper.tags else ""
        segments = [
            Segment(" " + marks(paper) + " ", style if on_cursor else marks_style),
            Segment(fitted(_row_title(paper.title), title_width - cell_len(tags)), style),
            Segment(tags, style if on_cursor else marks_style),
            Segment(date, style if on_cursor else date_style),
        ]
        return Strip(segments).crop(scroll_x, scroll_x + width).extend_cell_length(width, style)

    def _request(self, page: int) -> None:
        if page in self._loading:
            return
        self._loading.add(page)
        self._load_page(page, self._generation, self._fetch, self._total)

    @work(thread=True, group="paper-pages")
    def _load_page(self, page: int, generation: int, fetch: Fetch, total: int) -> None:
        try:
            rows = fetch(page * LIST_PAGE, LIST_PAGE, total)
        except Exception:  # e.g. interrupted or locked: drawn as "…", asked for again
            self.post_message(self.PageFailed(page, generation))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.PageLoaded(page, generation, rows))

    def on_paper_list_page_failed(self, failed: PageFailed) -> None:
        if failed.generation == self._generation:
            self._loading.discard(failed.page)

    def on_paper_list_page_loaded(self, loaded: PageLoaded) -> None:
        page, generation, rows = loaded.page, loaded.generation, loaded.rows
        if generation != self._generation:
            return  # an answer to a query that is no longer shown
        self._loading.discard(page)
        self._pages[page] = rows
        if len(self._pages) > PAGES_HELD:
            keep = self.cursor // LIST_PAGE
            far = max(self._pages, key=lambda p: abs(p - keep))
            del self._pages[far]
        self.refresh()
        if self.cursor // LIST_PAGE == page:
            self.post_message(self.Highlighted(self, self.highlighted))

    # -- the cursor --------------------------------------------------------------------

    def watch_cursor(self, cursor: int) -> None:
        height = self.scrollable_content_region.height or 1
        top = self.scroll_offset.y
        if cursor < top:
            self.scroll_to(y=cursor, animate=False, immediate=True)
        elif cursor >= top + height:
            self.scroll_to(y=cursor - height + 1, animate=False, immediate=True)
        self.refresh()
        paper = self.highlighted
        if paper is None and self._total:
            self._request(cursor // LIST_PAGE)
        self.post_message(self.Highlighted(self, paper))

    def _move(self, delta: int) -> None:
        if self._total:
            self.cursor = max(0, min(self._total - 1, self.cursor + delta))

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_first(self) -> None:
        self._move(-self._total)

    def action_last(self) -> None:
        self._move(self._total)

    def action_page_down(self) -> None:
        self._move(max(self.scrollable_content_region.height - 1, 1))

    def action_page_up(self) -> None:
        self._move(-max(self.scrollable_content_region.height - 1, 1))
