"""The main screen: the paper list, the paper in detail, the filter and the status."""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from textual import on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import get_current_worker

from readlist.core.errors import is_damage
from readlist.core.models import LibraryStats, Paper, Sighting
from readlist.core.query import Query, parse_query
from readlist.core.search import Sort, Walk
from readlist.core.store import Store
from readlist.ui.history import Change
from readlist.ui.library import Library
from readlist.ui.threads import deliver
from readlist.ui.widgets.detail import DetailPane
from readlist.ui.widgets.filter_bar import FilterBar
from readlist.ui.widgets.footer import KeysFooter
from readlist.ui.widgets.line import Line
from readlist.ui.widgets.paper_list import PAGE, Fetch, PaperList

if TYPE_CHECKING:
    from readlist.ui.app import ReadlistApp

COUNT_PAUSE = 0.1  # seconds without a keystroke before a broad filter is counted
DETAIL_PAUSE = 0.15  # seconds without a keystroke in the filter before the detail follows
SORT_ORDER: tuple[Sort, ...] = ("latest", "most_seen", "title")
SORT_LABEL = {"latest": "latest seen", "most_seen": "most sightings", "title": "title"}


class LibraryScreen(Screen[None]):
    BINDINGS = [
        # Priority: runs as the key arrives, so what is typed right after "/" lands in the
        # filter, not on the list as commands.
        Binding(
            "slash", "focus_filter", "Filter", tooltip="Filter the list as you type", priority=True
        ),
        # Priority too: Esc in the filter starts the reload here, in the key's own
        # handler, so the query runs while the focus change is being drawn.
        Binding(
            "escape",
            "clear_filter",
            "Clear filter",
            show=False,
            tooltip="Show every paper",
            priority=True,
        ),
        Binding("s", "flip('starred')", "Star", tooltip="Star or unstar the paper"),
        Binding("r", "flip('read')", "Read", tooltip="Mark the paper read or unread"),
        Binding("n", "note", "Note", tooltip="Write a note on the paper (Markdown)"),
        Binding(
            "E", "note_in_editor", "Note in $EDITOR", show=False, tooltip="Edit the note in $EDITOR"
        ),
        Binding("t", "triage", "Triage", tooltip="Triage the filter's unread, unstarred papers"),
        Binding("u", "undo", "Undo", tooltip="Undo the last star, read mark, note or decision"),
        Binding("o", "open_web", "Open", show=False, tooltip="Search for the title on the web"),
        Binding("i", "import_dumps", "Import", show=False, tooltip="Import a dump file or folder"),
        Binding("x", "export", "Export", tooltip="Export the starred papers"),
        Binding(
            "S", "cycle_sort", "Sort", show=False, tooltip="Sort by latest seen, sightings, title"
        ),
        Binding("question_mark", "help", "Help", tooltip="Show every key"),
        Binding("q", "quit", "Quit", tooltip="Quit readlist"),
    ]

    # Not repaint: a reactive on a screen repaints the whole screen when it changes, and
    # the filter changes on every keystroke; the widgets that show it redraw themselves.
    query_text: reactive[str] = reactive("", init=False, repaint=False)
    sort: reactive[Sort] = reactive("latest", init=False, repaint=False)

    def __init__(self) -> None:
        super().__init__()
        self._stats: LibraryStats | None = None
        self._shown = 0
        self.shown_query: str | None = None  # the filter whose results are on screen
        self._counting = False  # the first page is shown, the count is on its way
        self._stats_stale = True
        self._query_store: Store | None = None  # the store the running filter query uses
        self._count_store: Store | None = None  # and the one its count uses
        self._count_timer: Timer | None = None
        self._detail_timer: Timer | None = None  # the detail waits while a filter is typed
        self._detail_pending: Paper | None = None
        self._fresh_results = False  # the next highlight is the top of new results
        # The whole library's first page, kept so that Esc shows it in the frame that
        # draws the focus leaving the filter, with no query to wait for. Its rows follow
        # every change of state, made here or in another window (_redraw_paper); an
        # import or a triage reloads with restat, which drops it.
        self._home: tuple[Walk, list[Paper]] | None = None

    @property
    def rl_app(self) -> ReadlistApp:
        from readlist.ui.app import ReadlistApp

        assert isinstance(self.app, ReadlistApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield FilterBar(id="filter")
        with Horizontal(id="main"):
            yield PaperList(self._fetcher(Walk(parse_query(""), "latest")), id="papers")
            yield DetailPane(id="detail")
        yield Line(id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(PaperList).focus()
        self.reload()
        self.call_after_refresh(self._check_library)

    @work(thread=True, exclusive=True, group="check")
    def _check_library(self) -> None:
        """After the first paint, off the UI thread: a damaged library is said at once,
        and nothing more is written to it."""
        try:
            told = self.app_library.check()
        except sqlite3.DatabaseError as exc:
            told = self.app_library.damage_news(exc) or f"Could not check the library: {exc}"
        if told is not None:
            deliver(self, self._tell_damage, told)

    def _tell_damage(self, line: str) -> None:
        self.notify(line, title="Library damaged", severity="error", timeout=30, markup=False)

    def _read_failed(self, exc: sqlite3.DatabaseError, *, filtering: bool = False) -> None:
        """In a worker: a read failed. Damage is said in full once (and stops every
        write), and in short for each filter it fails; an interrupted query (a newer
        keystroke) is no news; anything else is said."""
        if is_damage(exc):
            told = self.app_library.damage_news(exc)
            if told is not None:
                deliver(self, self._tell_damage, told)
            elif filtering:
                deliver(
                    self,
                    self.notify,
                    f"The library is damaged: {exc}",
                    severity="error",
                    markup=False,
                )
        elif not get_current_worker().is_cancelled:  # else: interrupted, as it should be
            deliver(self, self.notify, f"The filter failed: {exc}", severity="error", markup=False)

    def on_screen_resume(self) -> None:
        if self._stats_stale and self._stats is not None:
            self._refresh_stats()  # state changed while another screen was on top

    # -- loading -------------------------------------------------------------------------

    @property
    def parsed(self) -> Query:
        return parse_query(self.query_text)

    def _fetcher(self, walk: Walk) -> Fetch:
        """Pages of one filter; they share its walk, so each reads on from the last."""
        library = self.app_library

        def fetch(offset: int, limit: int, total: int) -> list[Paper]:
            try:
                return library.store().page(
                    walk.query, offset, limit, sort=walk.sort, total=total, walk=walk
                )
            except sqlite3.DatabaseError as exc:  # the list draws the page as "…"
                told = library.damage_news(exc)
                if told is not None:
                    deliver(self, self._tell_damage, told)
                raise

        return fetch

    @property
    def app_library(self) -> Library:
        return self.rl_app.library

    def reload(self, *, restat: bool = False) -> None:
        """Run the current query again (after a filter, a sort, an import, an undo);
        `restat` when the library's totals may have changed too."""
        if restat:
            self._stats_stale = True
            self._home = None
        self._stop_count()
        stale = self._query_store
        if stale is not None:
            stale.interrupt()  # its results would be thrown away: free the core now
        home = self._home
        if home is not None and home[0].sort == self.sort and self.parsed.is_empty:
            self.workers.cancel_group(self, "query")
            self._show_results(self.query_text, home[0], list(home[1]))
            if self._stats_stale and self._stats is not None:
                self._refresh_stats()
            return
        self._run_query(self.query_text, self.sort, self._stats_stale)

    @work(thread=True, exclusive=True, group="query")
    def _run_query(self, text: str, sort: Sort, with_stats: bool) -> None:
        """The first page goes on screen at once; the count, which can take longer on a
        broad filter over a big library, follows. Library totals are read only when they
        can have changed (at start, after a change of state or an import)."""
        store = self.app_library.store()
        self._query_store = store
        try:
            walk = Walk(parse_query(text), sort)
            first = store.page(walk.query, 0, PAGE, sort=sort, walk=walk)
            if get_current_worker().is_cancelled:
                return
            deliver(self, self._show_results, text, walk, first)
            if with_stats:
                stats = store.stats(quick=True)
                deliver(self, self._set_stats, stats)
        except sqlite3.DatabaseError as exc:
            self._read_failed(exc, filtering=True)
        finally:
            if self._query_store is store:
                self._query_store = None

    def _show_results(self, text: str, walk: Walk, first: list[Paper]) -> None:
        if text != self.query_text or walk.sort != self.sort:
            return  # a newer query is on its way
        papers = self.query_one(PaperList)
        self._fresh_results = True
        if walk.query.is_empty:
            self._home = (walk, list(first))
        papers.reset(self._fetcher(walk), len(first), first)
        total = len(first) if len(first) < PAGE else walk.total
        stats = None if self._stats_stale else self._stats
        if total is None and walk.query.is_empty and stats is not None:
            total = stats.papers  # the whole library: counted with the totals
        if total is not None and total != len(first):
            papers.set_total(total)
        self.shown_query = text
        self._counting = total is None
        self._shown = len(first) if total is None else total
        if total is None:  # counted once typing pauses, so keystrokes never wait on it
            self._count_timer = self.set_timer(
                COUNT_PAUSE, lambda: self._run_count(text, walk), name="count"
            )
        self._update_status()

    def _stop_count(self) -> None:
        if self._count_timer is not None:
            self._count_timer.stop()
            self._count_timer = None
        store = self._count_store
        if store is not None:
            store.interrupt()

    @work(thread=True, exclusive=True, group="count")
    def _run_count(self, text: str, walk: Walk) -> None:
        store = self.app_library.store()
        self._count_store = store
        try:
            total = store.count(walk.query)
        except sqlite3.DatabaseError as exc:
            self._read_failed(exc)
            return
        finally:
            if self._count_store is store:
                self._count_store = None
        if not get_current_worker().is_cancelled:
            deliver(self, self._show_total, text, walk.sort, total)

    @property
    def counting(self) -> bool:
        """The first page of the filter is shown and its count is still on its way."""
        return self._counting

    def _show_total(self, text: str, sort: Sort, total: int) -> None:
        if text != self.shown_query or sort != self.sort or text != self.query_text:
            return
        self.query_one(PaperList).set_total(total)
        self._counting = False
        self._shown = total
        self._update_status()

    def _update_status(self) -> None:
        stats = self._stats
        shown = f"{self._shown:,}+" if self._counting else f"{self._shown:,}"
        parts = [f"{shown} shown" + (f" of {stats.papers:,} papers" if stats else "")]
        if self.query_text.strip():
            parts.append(f"filter: {self.query_text}")
        if stats is not None:
            parts += [f"{stats.starred:,} starred", f"{stats.unread:,} unread"]
        parts.append(f"sort: {SORT_LABEL[self.sort]}")
        self.query_one("#status", Line).show("  ·  ".join(parts))

    def watch_query_text(self) -> None:
        self.reload()

    def watch_sort(self) -> None:
        self.reload()

    @on(FilterBar.Changed)
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        self.query_text = event.query

    @on(FilterBar.Done)
    def _filter_done(self) -> None:
        self.query_one(PaperList).focus()
        if self.shown_query == self.query_text:  # else new results, and their detail, come
            self._detail_now()

    @on(PaperList.Highlighted)
    def _highlighted(self, event: PaperList.Highlighted) -> None:
        """The detail follows the highlight at once, except while a filter is being
        typed or new results come in: there it waits for a pause, so that the list is
        redrawn alone first (the detail pane's new layout costs as much again)."""
        fresh, self._fresh_results = self._fresh_results, False
        detail = self.query_one(DetailPane)
        if not fresh and event.paper is not None and detail.shows_text_of(event.paper):
            detail.show_state(event.paper)  # a star or a read mark: one line to redraw
            return
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
        focused = self.focused
        typing = focused is not None and self.query_one(FilterBar) in focused.ancestors
        if typing or fresh:  # new results may highlight other words: the whole detail
            self._detail_pending = event.paper
            self._detail_timer = self.set_timer(DETAIL_PAUSE, self._detail_now)
        else:
            self._detail_pending = None
            self._load_detail(event.paper)

    @property
    def detail_pending(self) -> bool:
        """The detail pane waits to follow the list (see `_highlighted`)."""
        return self._detail_timer is not None

    def _detail_now(self) -> None:
        if self._detail_timer is not None:
            self._detail_timer.stop()
            self._detail_timer = None
            self._load_detail(self._detail_pending)

    @work(thread=True, exclusive=True, group="detail")
    def _load_detail(self, paper: Paper | None) -> None:
        try:
            sightings = self.app_library.store().sightings(paper.id) if paper else []
        except sqlite3.DatabaseError as exc:
            self._read_failed(exc)
            sightings = []
        if not get_current_worker().is_cancelled:
            deliver(self, self._show_detail, paper, sightings)

    def _show_detail(self, paper: Paper | None, sightings: list[Sighting]) -> None:
        current = self.query_one(PaperList).highlighted
        if paper is not None and (current is None or current.id != paper.id):
            return
        self.query_one(DetailPane).show(current, sightings, self.parsed.highlight_terms())

    # -- actions ---------------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        bar = self.query_one(FilterBar)
        if self.focused is not None and bar in self.focused.ancestors:
            raise SkipAction  # a "/" typed in the filter is text
        bar.focus_input()

    def action_clear_filter(self) -> None:
        self.query_text = ""  # the reload starts now
        self.query_one(FilterBar).value = ""
        self.set_focus(self.query_one(PaperList))  # at once, for the keys typed next

    def action_flip(self, field: str) -> None:
        paper = self.query_one(PaperList).highlighted
        if paper is None:
            return
        assert field in ("starred", "read")
        change = Change(paper, field, not getattr(paper, field))  # type: ignore[arg-type]
        self.rl_app.apply(f"{'star' if field == 'starred' else 'read'}", change)

    def show_paper(self, paper: Paper) -> None:
        """A paper's state changed: redraw it in place, update the counts."""
        self._redraw_paper(paper)
        if not self.is_current:
            self._stats_stale = True  # counted again when this screen is back
        elif self._stats is not None:
            self._refresh_stats()

    def _redraw_paper(self, paper: Paper) -> None:
        self.query_one(PaperList).update_paper(paper)
        if self._home is not None:
            page = self._home[1]
            for i, cached in enumerate(page):
                if cached.id == paper.id:
                    page[i] = paper

    def library_changed(self, imported: bool) -> None:
        """Someone else committed to the library: another window, the CLI, an import.
        After an import the results themselves may differ: run the filter again.
        Otherwise only the state of some papers can have changed: read again the ones
        held for drawing, and redraw those that differ."""
        if imported:
            self.reload(restat=True)
        else:
            shown = [paper.id for paper in self.query_one(PaperList).cached_papers()]
            self._reread(shown)

    @work(thread=True, exclusive=True, group="reread")
    def _reread(self, ids: list[int]) -> None:
        writer = self.rl_app.writer
        writes = writer.submitted
        writer.flush()
        store = self.app_library.store()
        try:
            papers = store.get_many(ids)
            stats = store.stats(quick=True)
        except sqlite3.DatabaseError as exc:
            self._read_failed(exc)
            return
        if not get_current_worker().is_cancelled:
            deliver(self, self._reread_done, writes, papers, stats)

    def _reread_done(self, writes: int, papers: list[Paper], stats: LibraryStats) -> None:
        if self.rl_app.writer.submitted != writes:
            return  # keys pressed since: what is shown is newer; their commit notifies again
        shown = {paper.id: paper for paper in self.query_one(PaperList).cached_papers()}
        for paper in papers:
            if paper.id in shown and shown[paper.id] != paper:
                self._redraw_paper(paper)
        self._set_stats(stats)

    @work(thread=True, exclusive=True, group="stats")
    def _refresh_stats(self) -> None:
        self.rl_app.writer.flush()
        try:
            stats = self.app_library.store().stats(quick=True)
        except sqlite3.DatabaseError as exc:
            self._read_failed(exc)
            return
        deliver(self, self._set_stats, stats)

    def _set_stats(self, stats: LibraryStats) -> None:
        self._stats = stats
        self._stats_stale = False
        if self._counting and self.shown_query is not None and not self.shown_query.strip():
            self._stop_count()  # the whole library is shown: the totals have its count
            self._show_total(self.shown_query, self.sort, stats.papers)
        self._update_status()

    def action_cycle_sort(self) -> None:
        self.sort = SORT_ORDER[(SORT_ORDER.index(self.sort) + 1) % len(SORT_ORDER)]
        self.notify(f"Sorted by {SORT_LABEL[self.sort]}", timeout=2)

    def action_undo(self) -> None:
        self.rl_app.undo()

    def action_note(self) -> None:
        paper = self.query_one(PaperList).highlighted
        if paper is not None:
            self.rl_app.edit_note(paper)

    def action_note_in_editor(self) -> None:
        paper = self.query_one(PaperList).highlighted
        if paper is not None:
            self.rl_app.edit_note_in_editor(paper)

    def action_triage(self) -> None:
        self.rl_app.start_triage(self.query_text, self.sort)

    def action_open_web(self) -> None:
        paper = self.query_one(PaperList).highlighted
        if paper is not None:
            self.rl_app.open_web(paper)

    def action_import_dumps(self) -> None:
        self.rl_app.import_dumps()

    def action_export(self) -> None:
        self.rl_app.export(self.query_text)

    def action_help(self) -> None:
        self.rl_app.show_help()

    async def action_quit(self) -> None:
        await self.rl_app.action_quit()
