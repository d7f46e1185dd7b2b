"""The main screen's results: the filter's papers in the list, the library's totals and
the status line that counts them, read off the UI thread and kept current."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.timer import Timer
from textual.worker import get_current_worker

from readlist.core.models import LibraryStats, Paper
from readlist.core.query import Query
from readlist.core.store import ListSort, Sort, Store, Walk
from readlist.ui import ranked
from readlist.ui.health import LibraryHealth
from readlist.ui.library import StorePool
from readlist.ui.messages import PapersReread, PlaceFound, ResultsRead, StatsRead, TotalCounted
from readlist.ui.results_status import status_parts
from readlist.ui.services import services
from readlist.ui.state_writer import StateWriter
from readlist.ui.widgets.paper_list import LIST_PAGE, Fetch, PaperList
from readlist.ui.widgets.status import StatusLine

if TYPE_CHECKING:
    from readlist.ui.messages import RankingProgress, RankingRead

COUNT_PAUSE = 0.1  # seconds without a keystroke before a broad filter is counted


class Results:
    """What the list and the status line show of the screen's filter and sort, kept
    apart from the screen's keys and panes because it is a state of its own: the first
    page, the count on its way, the kept first page for Esc, the totals and when they are
    stale, and the stores to interrupt when a newer query makes a read pointless.

    The screen says what to show and when to read again (`reload`), what changed
    (`show_paper`, `reread_shown`, `resume`), and hands over what the reads found (the
    messages of readlist.ui.messages, to `shown`, `counted`, `placed`, `reread`,
    `set_stats`); `on_new` tells it that new results are going into the list, for the
    detail pane. Every read runs in a thread worker of the screen's, in the groups
    "query", "count", "place", "reread" and "stats", and posts what it found to the
    screen, so it is dropped if the screen has gone.
    """

    def __init__(
        self,
        screen: Screen[Any],
        library: StorePool,
        health: LibraryHealth,
        writer: StateWriter,
        on_new: Callable[[], None],
    ) -> None:
        self._screen = screen
        self._library = library
        self._health = health
        self._writer = writer
        self._on_new = on_new
        self._text = ""  # the filter to show, as last asked for (`reload`)
        self._sort: ListSort = "latest"  # and its order
        self._stats: LibraryStats | None = None
        self._shown = 0
        self.shown_query: str | None = None  # the filter whose results are on screen
        self._counting = False  # the first page is shown, the count is on its way
        self._stats_stale = True
        self._query_store: Store | None = None  # the store the running filter query uses
        self._count_store: Store | None = None  # and the one its count uses
        self._count_timer: Timer | None = None
        # The whole library's first page, kept so that Esc shows it in the frame that
        # draws the focus leaving the filter, with no query to wait for. Its rows follow
        # every change of state, made here or in another window (_redraw_paper); an
        # import or a triage reloads with restat, which drops it.
        self._home: tuple[Walk, list[Paper]] | None = None
        self._walk: Walk | None = None  # the shown results' walk, to find a paper's place
        self._ranked = ranked.RankedList(screen, library, health)  # when sorted for you

    def fetcher(self, walk: Walk) -> Fetch:
        """Pages of one filter; they share its walk, so each reads on from the last."""
        library, health = self._library, self._health

        def fetch(offset: int, limit: int, total: int) -> list[Paper]:
            try:
                return library.store().page(
                    walk.query, offset, limit, sort=walk.sort, total=total, walk=walk
                )
            except sqlite3.DatabaseError as exc:  # the list draws the page as "…"
                health.page_failed(exc)
                raise

        return fetch

    def _start(self, group: str, read: Callable[..., None], *args: object) -> None:
        """Run `read` in a thread worker of the screen's; a newer one in the same group
        cancels it."""
        self._screen.run_worker(
            partial(read, *args), name=read.__name__, group=group, exclusive=True, thread=True
        )

    def resume(self) -> None:
        """The screen is back on top."""
        if self._stats_stale and self._stats is not None:
            self._refresh_stats()  # state changed while another screen was on top

    # -- the filter's results --------------------------------------------------------------

    @property
    def parsed(self) -> Query:
        return services(self._screen).saved.parse(self._text)

    def reload(
        self, text: str, sort: ListSort, *, restat: bool = False, keep: int | None = None
    ) -> None:
        """Show `text`'s papers in `sort`'s order: a new filter or sort, or the same
        again after an import or an undo; `restat` when the library's totals may have
        changed too; `keep` is the paper the cursor stays on if the results show it (else
        the cursor starts at the top). Results for any other filter are dropped."""
        self._text, self._sort = text, sort
        if restat:
            self._stats_stale = True
            self._home = None
        self._stop_count()
        stale = self._query_store
        if stale is not None:
            stale.interrupt()  # its results would be thrown away: free the core now
        screen = self._screen
        home = self._home
        if sort == "for_you":
            self._ranked.read(text, self.parsed, keep)
            if self._stats_stale:  # read with the first page in the other sorts
                self._refresh_stats()
            self._update_status()  # "Ranking…", on the results shown meanwhile
            return
        if home is not None and home[0].sort == sort and self.parsed.is_empty:
            screen.workers.cancel_group(screen, "query")
            self.shown(ResultsRead(text, home[0], list(home[1]), keep))
            if self._stats_stale and self._stats is not None:
                self._refresh_stats()
            return
        self._run_query(text, sort, self._stats_stale, keep)

    def _run_query(self, text: str, sort: Sort, with_stats: bool, keep: int | None) -> None:
        self._start("query", self._query, text, sort, with_stats, keep)

    def _query(self, text: str, sort: Sort, with_stats: bool, keep: int | None) -> None:
        """The first page goes on screen at once; the count, which can take longer on a
        broad filter over a big library, follows. Library totals are read only when they
        can have changed (at start, after a change of state or an import)."""
        store = self._library.store()
        self._query_store = store
        try:
            walk = Walk(services(self._screen).saved.parse(text), sort)
            first = store.page(walk.query, 0, LIST_PAGE, sort=sort, walk=walk)
            if get_current_worker().is_cancelled:
                return
            self._screen.post_message(ResultsRead(text, walk, first, keep))
            if with_stats:
                self._screen.post_message(StatsRead(store.stats(quick=True)))
        except sqlite3.DatabaseError as exc:
            self._health.read_failed(exc, filtering=True)
        finally:
            if self._query_store is store:
                self._query_store = None

    def shown(self, found: ResultsRead) -> None:
        """A filter's first page, into the list unless a newer filter or sort is asked for."""
        text, walk, first, keep = found.text, found.walk, found.first, found.keep
        screen = self._screen
        if text != self._text or walk.sort != self._sort:
            return  # a newer query is on its way
        papers = screen.query_one(PaperList)
        self._on_new()
        if walk.query.is_empty:
            self._home = (walk, list(first))
        self._walk, self._ranked.ranking, self._ranked.note = walk, None, None
        index = next((i for i, paper in enumerate(first) if paper.id == keep), None)
        papers.reset(self.fetcher(walk), len(first), first, cursor=index or 0, sort=walk.sort)
        total = len(first) if len(first) < LIST_PAGE else walk.total
        stats = None if self._stats_stale else self._stats
        if total is None and walk.query.is_empty and stats is not None:
            total = stats.papers  # the whole library: counted with the totals
        if total is not None and total != len(first):
            papers.set_total(total)
        self.shown_query = text
        self._counting = total is None
        self._shown = len(first) if total is None else total
        if total is None:  # counted once typing pauses, so keystrokes never wait on it
            self._count_timer = screen.set_timer(
                COUNT_PAUSE, lambda: self._run_count(text, walk), name="count"
            )
        self._update_status()
        if keep is not None and index is None:
            self.go_to(keep)  # further down, or no longer shown

    def shown_ranked(self, found: RankingRead) -> None:
        """A filter's papers ranked for the user, into the list unless a newer filter or
        sort is asked for; the cursor stays on `found.keep` if the ranking holds it."""
        if found.text != self._text or self._sort != "for_you":
            return
        self._on_new()
        self._walk = None
        self._shown = self._ranked.show(found)
        self.shown_query = found.text
        self._counting = False
        self._update_status()

    def ranking_progress(self, found: RankingProgress) -> None:
        """How far the ranking on its way is, said while the list keeps its keys."""
        if found.text == self._text and self._sort == "for_you":
            self._ranked.note = f"Ranking {found.done:,} of {found.total:,}…"
            self._update_status()

    def go_to(self, paper_id: int) -> None:
        """Put the cursor on a paper of the shown results, if they show it: at once when
        its row is held, else once its place is read (unless the cursor has moved)."""
        papers = self._screen.query_one(PaperList)
        index = papers.index_of(paper_id)
        if index is not None:
            papers.cursor = index
        elif self._ranked.ranking is not None:
            self._ranked.go_to(paper_id)
        elif self._walk is not None and self.shown_query is not None:
            since = (papers.generation, papers.cursor)
            walk, text = self._walk, self.shown_query
            self._start("place", self._find_place, text, walk, paper_id, papers.total, since)

    def _find_place(
        self, text: str, walk: Walk, paper_id: int, shown: int, since: tuple[int, int]
    ) -> None:
        """The paper's place; and, when it lies past the rows counted so far, the count
        (the list reads a page from the end by it, so it must be the real one)."""
        store = self._library.store()
        try:
            index = store.position_of(walk.query, walk.sort, paper_id)
            total = store.count(walk.query) if index is not None and index >= shown else None
        except sqlite3.DatabaseError as exc:
            self._health.read_failed(exc)
            return
        if index is not None and not get_current_worker().is_cancelled:
            self._screen.post_message(PlaceFound(text, walk, index, total, since))

    def placed(self, found: PlaceFound) -> None:
        """The cursor goes to the paper's place, unless newer results or a key moved it."""
        papers = self._screen.query_one(PaperList)
        if (papers.generation, papers.cursor) != found.since:
            return  # newer results, or a key that moved the cursor
        if found.total is not None:
            self._stop_count()
            self.counted(TotalCounted(found.text, found.walk.sort, found.total))
        if found.index < papers.total:
            papers.cursor = found.index

    def _stop_count(self) -> None:
        if self._count_timer is not None:
            self._count_timer.stop()
            self._count_timer = None
        store = self._count_store
        if store is not None:
            # Cancelled first: the interrupted count is not a failure to tell of.
            self._screen.workers.cancel_group(self._screen, "count")
            store.interrupt()

    def _run_count(self, text: str, walk: Walk) -> None:
        self._start("count", self._count, text, walk)

    def _count(self, text: str, walk: Walk) -> None:
        store = self._library.store()
        self._count_store = store
        try:
            total = store.count(walk.query)
        except sqlite3.DatabaseError as exc:
            self._health.read_failed(exc)
            return
        finally:
            if self._count_store is store:
                self._count_store = None
        if not get_current_worker().is_cancelled:
            self._screen.post_message(TotalCounted(text, walk.sort, total))

    @property
    def stats(self) -> LibraryStats | None:
        """The library's totals as last read (None before the first read)."""
        return self._stats

    @property
    def counting(self) -> bool:
        """The first page of the filter is shown and its count is still on its way."""
        return self._counting

    def counted(self, found: TotalCounted) -> None:
        """The shown filter's count, unless another filter or sort is asked for."""
        text = found.text
        if text != self.shown_query or found.sort != self._sort or text != self._text:
            return
        self._screen.query_one(PaperList).set_total(found.total)
        self._counting = False
        self._shown = found.total
        self._update_status()

    def _update_status(self) -> None:
        """The count of papers shown first, and always whole; a hint about the filter
        next; then the totals. On a narrow line the sort gives way first (a toast says
        it when it changes), then the filter's text, which the filter bar shows too, is
        cut, with an ellipsis (see StatusLine)."""
        named = services(self._screen).saved.shown_by(self._text)
        parts = status_parts(
            shown=f"{self._shown:,}+" if self._counting else f"{self._shown:,}",
            stats=self._stats,
            parsed=self.parsed,
            text=self._text,
            saved_name=None if named is None else named.name,
            sort=self._sort,
            ranking=self._ranked.note,
            basis=self._ranked.basis,
        )
        self._screen.query_one("#status", StatusLine).show(parts)

    # -- changes of state, made here or elsewhere ------------------------------------------

    def show_paper(self, paper: Paper) -> None:
        """A paper's state changed: redraw it in place, update the counts."""
        self._redraw_paper(paper)
        if not self._screen.is_current:
            self._stats_stale = True  # counted again when this screen is back
        elif self._stats is not None:
            self._refresh_stats()

    def _redraw_paper(self, paper: Paper) -> None:
        self._screen.query_one(PaperList).update_paper(paper)
        if self._home is not None:
            page = self._home[1]
            for i, cached in enumerate(page):
                if cached.id == paper.id:
                    page[i] = paper

    def reread_shown(self) -> None:
        """Someone else changed the state of some papers: read again the ones held for
        drawing, and redraw those that differ."""
        shown = [paper.id for paper in self._screen.query_one(PaperList).cached_papers()]
        self._start("reread", self._read_again, shown)

    def _read_again(self, ids: list[int]) -> None:
        writes = self._writer.submitted
        self._writer.flush()
        store = self._library.store()
        try:
            papers = store.get_many(ids)
            stats = store.stats(quick=True)
        except sqlite3.DatabaseError as exc:
            self._health.read_failed(exc)
            return
        if not get_current_worker().is_cancelled:
            self._screen.post_message(PapersReread(writes, papers, stats))

    def reread(self, found: PapersReread) -> None:
        """The shown papers that changed are redrawn, unless keys were pressed since."""
        if self._writer.submitted != found.writes:
            return  # keys pressed since: what is shown is newer; their commit notifies again
        before = self._stats
        after = found.stats
        if before is not None and (before.trashed, before.papers) != (after.trashed, after.papers):
            # papers went into the trash or out of it, or out of the library (a merge, an
            # emptied trash) or into it: the results themselves differ
            self.reload(self._text, self._sort, restat=True, keep=self._highlighted_id())
            return
        shown = {paper.id: paper for paper in self._screen.query_one(PaperList).cached_papers()}
        for paper in found.papers:
            if paper.id in shown and shown[paper.id] != paper:
                self._redraw_paper(paper)
        self.set_stats(found.stats)

    def _highlighted_id(self) -> int | None:
        paper = self._screen.query_one(PaperList).highlighted
        return None if paper is None else paper.id

    def _refresh_stats(self) -> None:
        self._start("stats", self._read_stats)

    def _read_stats(self) -> None:
        self._writer.flush()
        try:
            stats = self._library.store().stats(quick=True)
        except sqlite3.DatabaseError as exc:
            self._health.read_failed(exc)
            return
        self._screen.post_message(StatsRead(stats))

    def set_stats(self, stats: LibraryStats) -> None:
        """The library's totals, read anew."""
        self._stats = stats
        self._stats_stale = False
        if self._counting and self.shown_query is not None and not self.shown_query.strip():
            self._stop_count()  # the whole library is shown: the totals have its count
            self.counted(TotalCounted(self.shown_query, self._sort, stats.papers))
        self._update_status()
