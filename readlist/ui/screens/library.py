"""The main screen: the paper list, the paper in detail, the filter and the status."""

from __future__ import annotations

from textual import events, on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.containers import Horizontal
from textual.reactive import reactive
from textual.screen import Screen

from readlist.core.models import Paper
from readlist.core.query import Query, parse_query
from readlist.core.store import ListSort, Walk
from readlist.ui import merging, organise, trash
from readlist.ui.detail_follow import DetailFollower
from readlist.ui.health import LibraryHealth
from readlist.ui.history import Change
from readlist.ui.keymap import in_declared_order
from readlist.ui.messages import (
    DetailRead,
    DetailWhyRead,
    LibraryDamaged,
    ModelChanged,
    PapersReread,
    PlaceFound,
    RankingFailed,
    RankingProgress,
    RankingRead,
    ReadFailed,
    ResultsRead,
    StatsRead,
    TotalCounted,
)
from readlist.ui.results import Results
from readlist.ui.results_status import SORT_LABEL
from readlist.ui.screens.library_keys import LIBRARY_BINDINGS
from readlist.ui.screens.reader import ReaderScreen
from readlist.ui.services import AppServices, services
from readlist.ui.widgets.detail import (
    DetailPane,
    Scroll,
    scroll_paper,
)
from readlist.ui.widgets.filter_bar import FilterBar, FilterInput
from readlist.ui.widgets.footer import KeysFooter
from readlist.ui.widgets.paper_list import PaperList
from readlist.ui.widgets.status import StatusLine

# "upvotes" is the day's top papers, the view people ask arxiv-sanity for; "for_you"
# ranks them by what the user stars, reads and skips (readlist.core.rank).
SORT_ORDER: tuple[ListSort, ...] = (
    "latest",
    "most_seen",
    "title",
    "upvotes",
    "published",
    "for_you",
)


class LibraryScreen(Screen[None]):
    BINDINGS = LIBRARY_BINDINGS

    # Not repaint: a reactive on a screen repaints the whole screen when it changes, and
    # the filter changes on every keystroke; the widgets that show it redraw themselves.
    query_text: reactive[str] = reactive("", init=False, repaint=False)
    sort: reactive[ListSort] = reactive("latest", init=False, repaint=False)

    # Made in compose, where the app's library and writer are at hand.
    results: Results  # what the list and the status line show, and their reads
    detail: DetailFollower  # when the detail pane follows the list
    _health: LibraryHealth  # what a failed read tells the user

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        keys = in_declared_order(super().active_bindings)  # rebound keys stay in place
        return trash.named_for_view(keys, self.query_text)

    def __init__(self) -> None:
        super().__init__()
        self._clearing = False  # the filter is being cleared (Esc): the cursor keeps its paper

    @property
    def rl_app(self) -> AppServices:
        return services(self)

    def compose(self) -> ComposeResult:
        app = self.rl_app
        self._health = LibraryHealth(self, app.library)
        self.detail = DetailFollower(
            self, app.library, self._health, lambda: self.parsed.highlight_terms()
        )
        self.results = Results(self, app.library, self._health, app.writer, self.detail.new_results)
        remembered = app.memory.now
        sort = remembered.sort
        if sort is not None and (sort != "for_you" or app.for_you.enabled):
            self.set_reactive(LibraryScreen.sort, sort)  # as the library was left; no reload yet
        yield FilterBar(id="filter", last=remembered.filter)
        with Horizontal(id="main"):
            walk = Walk(parse_query(""), "latest" if self.sort == "for_you" else self.sort)
            yield PaperList(self.results.fetcher(walk), id="papers")
            detail = DetailPane(id="detail")
            # Tab and Shift+Tab move between the list and the paper (the filter is out of
            # the Tab order: "/" is its one way in).
            detail.can_focus = True
            yield detail
        yield StatusLine(id="status")
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(PaperList).focus()
        self.reload()
        self.call_after_refresh(self._health.check)

    def on_screen_resume(self) -> None:
        self.results.resume()

    # -- loading -------------------------------------------------------------------------

    @property
    def parsed(self) -> Query:
        return self.rl_app.saved.parse(self.query_text)

    def reload(
        self, *, restat: bool = False, keep_place: bool = True, keep: int | None = None
    ) -> None:
        """Run the current query again (after a filter, a sort, an import, a triage);
        `restat` when the library's totals may have changed too. The cursor goes to
        `keep`, else stays on its paper, if the new results show it, unless `keep_place`
        is False (a new filter starts at its first result)."""
        if keep is None and keep_place:
            shown = self.query(PaperList)  # none while the screen is being taken down
            paper = shown.first().highlighted if shown else None
            keep = None if paper is None else paper.id
        self.results.reload(self.query_text, self.sort, restat=restat, keep=keep)

    # What the reads found (see Results), and what a failed one tells the user.

    def on_results_read(self, found: ResultsRead) -> None:
        self.results.shown(found)

    def on_ranking_read(self, found: RankingRead) -> None:
        self.results.shown_ranked(found)

    def on_ranking_progress(self, found: RankingProgress) -> None:
        self.results.ranking_progress(found)

    def on_ranking_failed(self, found: RankingFailed) -> None:
        """The list cannot be sorted for you: the sort gives way to the next, and the
        line says why."""
        if found.text != self.query_text or self.sort != "for_you":
            return
        self._set_sort(_after("for_you"))
        self.notify(f"Sorted by {SORT_LABEL[self.sort]} · {found.line}", timeout=6, markup=False)

    def on_model_changed(self, _news: ModelChanged) -> None:
        """The model learned again: the why line of the paper shown follows."""
        self.detail.why_changed()

    def on_total_counted(self, found: TotalCounted) -> None:
        self.results.counted(found)

    def on_place_found(self, found: PlaceFound) -> None:
        self.results.placed(found)

    def on_papers_reread(self, found: PapersReread) -> None:
        self.results.reread(found)

    def on_stats_read(self, found: StatsRead) -> None:
        self.results.set_stats(found.stats)

    def on_library_damaged(self, news: LibraryDamaged) -> None:
        self.notify(news.line, title="Library damaged", severity="error", timeout=30, markup=False)

    def on_read_failed(self, news: ReadFailed) -> None:
        self.notify(news.line, severity="error", markup=False)

    @property
    def shown_query(self) -> str | None:
        """The filter whose results are on screen."""
        return self.results.shown_query

    @property
    def counting(self) -> bool:
        """The first page of the filter is shown and its count is still on its way."""
        return self.results.counting

    def watch_query_text(self) -> None:
        clearing, self._clearing = self._clearing, False
        self.reload(keep_place=clearing)

    def watch_sort(self) -> None:
        """Every sort keeps the cursor on its paper but "for you", which opens at its
        best: that is what it is asked for."""
        self.reload(keep_place=self.sort != "for_you")

    @on(FilterBar.Changed)
    def _filter_changed(self, event: FilterBar.Changed) -> None:
        self.query_text = event.query

    @on(FilterBar.Done)
    def _filter_done(self) -> None:
        self.query_one(PaperList).focus()
        if self.shown_query == self.query_text:  # else new results, and their detail, come
            self.detail.now()

    @on(events.DescendantBlur)
    def _left_widget(self, event: events.DescendantBlur) -> None:
        """Leaving the filter bar with a filter (Enter, Tab, a click) keeps it: it is the one
        `/` offers next, here and after a restart. Esc clears the filter before the focus
        leaves, so a filter abandoned with Esc is not kept."""
        if isinstance(event.widget, FilterInput) and self.query_text.strip():
            self.rl_app.memory.remember("filter", self.query_text)
            self.query_one(FilterBar).last = self.query_text

    @on(PaperList.Highlighted)
    def _highlighted(self, event: PaperList.Highlighted) -> None:
        focused = self.focused
        typing = focused is not None and self.query_one(FilterBar) in focused.ancestors
        self.detail.highlighted(event.paper, typing=typing)

    def on_detail_read(self, found: DetailRead) -> None:
        self.detail.shown(found)

    def on_detail_why_read(self, found: DetailWhyRead) -> None:
        self.detail.why_shown(found)

    # -- actions ---------------------------------------------------------------------------

    def action_focus_filter(self) -> None:
        bar = self.query_one(FilterBar)
        if self.focused is not None and bar in self.focused.ancestors:
            raise SkipAction  # a "/" typed in the filter is text
        bar.focus_input()

    def action_switch_pane(self) -> None:
        """The list and the paper take turns; from the filter, Tab goes to the list."""
        papers = self.query_one(PaperList)
        self.set_focus(self.query_one(DetailPane) if self.focused is papers else papers)

    def action_clear_filter(self) -> None:
        merging.forget(self)
        self._clearing = bool(self.query_text)  # the watcher runs only on a change
        self.query_text = ""  # the reload starts now
        self.query_one(FilterBar).value = ""
        self.set_focus(self.query_one(PaperList))  # at once, for the keys typed next

    def action_scroll_paper(self, how: Scroll) -> None:
        scroll_paper(self.query_one(DetailPane), how)

    def action_read_full(self) -> None:
        paper = self.query_one(PaperList).highlighted
        if paper is not None:
            detail = self.query_one(DetailPane)
            shown = detail.paper is not None and detail.paper.id == paper.id
            sightings = list(detail.sightings) if shown else []
            self.app.push_screen(ReaderScreen(paper, sightings, self.parsed.highlight_terms()))

    def action_flip(self, field: str) -> None:
        paper = self.query_one(PaperList).highlighted
        if paper is None:
            return
        assert field in ("starred", "read")
        change = Change(paper, field, not getattr(paper, field))  # type: ignore[arg-type]
        mark = "star" if field == "starred" else "read"
        self.rl_app.apply(mark, change)
        if mark in self.rl_app.advance_after_mark:
            self.query_one(PaperList).action_cursor_down()

    def show_paper(self, paper: Paper) -> None:
        """A paper's state changed: redraw it in place, update the counts."""
        self.results.show_paper(paper)

    def library_changed(self, imported: bool) -> None:
        """Someone else committed to the library: another window, the CLI, an import.
        After an import the results themselves may differ: the filter runs again (the
        cursor keeps its paper). Otherwise only the state of some papers can have changed."""
        if imported:
            self.reload(restat=True)
        else:
            self.results.reread_shown()

    def _set_sort(self, sort: ListSort) -> None:
        self.sort = sort
        self.rl_app.memory.remember("sort", sort)

    def action_cycle_sort(self) -> None:
        """The next sort. "for you" is passed by when the settings turn it off, and when
        there is nothing to learn from yet, which is said."""
        sort = _after(self.sort)
        for_you = self.rl_app.for_you
        unavailable = None
        if sort == "for_you" and (not for_you.enabled or for_you.reason is not None):
            unavailable, sort = for_you.reason, _after(sort)
        self._set_sort(sort)
        said = f"Sorted by {SORT_LABEL[self.sort]}"
        if unavailable is not None:
            self.notify(f"{said} · {unavailable}", timeout=6, markup=False)
            return
        stats = self.results.stats
        if stats is not None and (
            (self.sort == "upvotes" and not stats.upvotes_known)
            or (self.sort == "published" and not stats.published_known)
        ):
            what = "upvotes" if self.sort == "upvotes" else "a day published"
            said += f": no paper has {what} yet (readlist fetch, or import the Hugging Face JSON)"
        self.notify(said, timeout=4 if ":" in said else 2)

    def action_undo(self) -> None:
        change = self.rl_app.undo()
        if isinstance(change, Change):
            self.results.go_to(change.paper.id)

    def action_bulk(self) -> None:
        count = self.query_one(PaperList).total
        if not count:
            self.notify("No papers shown to act on", timeout=3)
        else:
            self.rl_app.act_on_shown(self.query_text, count)

    def action_delete(self) -> None:
        trash.delete_or_restore(self, self.parsed.in_trash)

    def action_imported_dumps(self) -> None:
        trash.show_dumps(self)

    def action_review_duplicates(self) -> None:
        self.rl_app.review_duplicates()

    def action_merge(self) -> None:
        merging.merge_key(self)

    def action_split(self) -> None:
        merging.split_key(self)

    def action_tags(self) -> None:
        organise.edit_tags(self, self.query_one(PaperList).highlighted)

    def action_saved_search(self, key: int) -> None:
        organise.show_saved(self, key, self.show_filter)

    def action_save_filter(self) -> None:
        organise.save_filter(self, self.query_text, self.query_one(PaperList).focus)

    def show_filter(self, text: str) -> None:
        """The filter becomes `text` (a saved search), its results shown from the top."""
        self.query_one(FilterBar).value = text
        self.query_text = text

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

    def action_copy(self) -> None:
        paper = self.query_one(PaperList).highlighted
        if paper is not None:
            self.rl_app.copy_paper(paper)

    def action_import_dumps(self) -> None:
        self.rl_app.import_dumps()

    def action_export(self) -> None:
        self.rl_app.export(self.query_text)

    def action_help(self) -> None:
        self.rl_app.show_help()

    async def action_quit(self) -> None:
        await self.rl_app.action_quit()


def _after(sort: ListSort) -> ListSort:
    """The sort S goes to from `sort`."""
    return SORT_ORDER[(SORT_ORDER.index(sort) + 1) % len(SORT_ORDER)]
