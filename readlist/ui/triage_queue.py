"""Triage's queue: which papers come up, in what order, and which are at hand.

The queue is the filter's unread, unstarred papers as they stood when triage began, in
the library's order. Their ids stream into an array (8 bytes a paper, read in one
snapshot, so decisions never shift positions) while the first cards show; only the cards
just ahead are held as papers, fetched a small batch at a time before they are needed.
A triage of the same filter and order opens at the remembered place's paper while it is
queued.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from functools import partial
from typing import TYPE_CHECKING

from textual.worker import get_current_worker

from readlist.core.models import Paper
from readlist.core.query import Query, State, parse_query
from readlist.core.store.memory import TriagePlace
from readlist.core.store.search import Sort
from readlist.ui.threads import deliver

if TYPE_CHECKING:
    from readlist.ui.screens.triage import TriageScreen

FIRST_PAGE = 100  # papers read with the first card, before the ids stream in
ID_CHUNK = 50_000  # ids added at a time while they stream
AHEAD = 20  # fetch more when any of the next AHEAD cards is not held
BATCH = 40  # ids looked at (and fetched if not held) per fetch
KEEP = 256  # papers held at most; the oldest go first


def queue_query(text: str) -> Query:
    """The filter's undecided papers.

    Added as clauses rather than text, so a filter ending in OR cannot swallow them.
    """
    parsed = parse_query(text)
    undecided = ((State("unread"),), (State("starred", negated=True),))
    return Query(parsed.clauses + undecided, parsed.text)


class TriageQueue:
    """The papers of one triage by position, kept apart from the screen's card and keys
    because it is a state of its own: the ids known so far, the count, the papers held
    and those on their way or gone from the library.

    The screen says when to start (`load`), where it stands (`fetch_ahead`) and what
    changed (`hold`); the queue tells it, on the UI thread, that the first page is in
    (`queue_opened`), the count (`queue_counted`), more ids (`queue_grew`), papers fetched
    (`papers_arrived`) or a failure (`queue_failed`). Reads run in thread workers of the
    screen's, in the groups "triage-queue" and "triage-fetch", and hand their results
    back with `deliver`, so they are dropped if the screen has gone.
    """

    def __init__(self, screen: TriageScreen, query_text: str, sort: Sort) -> None:
        self._screen = screen
        self.query_text = query_text
        self.sort: Sort = sort
        self.query = queue_query(query_text)
        self.total: int | None = None  # None until counted
        self._ids = array("q")
        self._held: OrderedDict[int, Paper] = OrderedDict()
        self._fetching: set[int] = set()
        self._gone: set[int] = set()  # ids no longer in the library

    def __len__(self) -> int:
        """The ids known so far (all of them once the stream ends)."""
        return len(self._ids)

    def load(self, left: TriagePlace | None) -> None:
        """Read the queue; it opens at `left`'s paper if `left` is a place in this
        filter and order and the queue holds its paper."""
        same = left is not None and (left.query, left.sort) == (self.query_text, self.sort)
        resume = left.paper_id if same and left is not None else None
        self._screen.run_worker(
            partial(self._load_queue, resume), name="_load_queue", group="triage-queue", thread=True
        )

    def place(self, paper: Paper) -> TriagePlace:
        """The place to remember while `paper` is on the card."""
        return TriagePlace(self.query_text, self.sort, paper.id)

    def _load_queue(self, resume: int | None) -> None:
        """`resume`: the paper to open at, if the queue holds it."""
        worker = get_current_worker()
        screen, query = self._screen, self.query
        try:
            store = screen.rl_app.library.store()
            with store.snapshot():
                first = store.search(query, limit=FIRST_PAGE, sort=self.sort)
                complete = len(first) < FIRST_PAGE
                start = next((i for i, p in enumerate(first) if p.id == resume), None)
                if start is None and resume is not None and not complete:
                    start = store.position_of(query, self.sort, resume)
                if worker.is_cancelled:
                    return
                deliver(screen, self._first_page, first, len(first) if complete else None, start)
                if complete:
                    return
                total = store.count(query)
                if worker.is_cancelled:
                    return
                deliver(screen, self._counted, total)
                chunk = array("q")
                for paper_id in store.iter_ids(query, offset=len(first), sort=self.sort):
                    chunk.append(paper_id)
                    if len(chunk) == ID_CHUNK:
                        if worker.is_cancelled:
                            return
                        deliver(screen, self._more_ids, chunk)
                        chunk = array("q")
                if chunk and not worker.is_cancelled:
                    deliver(screen, self._more_ids, chunk)
        except Exception as exc:  # shown to the user; triage stays open
            if not worker.is_cancelled:
                deliver(screen, screen.queue_failed, f"Could not read the queue: {exc}")

    def _first_page(self, first: list[Paper], total: int | None, start: int | None) -> None:
        self._ids.extend(paper.id for paper in first)
        for paper in first:
            self.hold(paper)
        self.total = total
        self._screen.queue_opened(start)

    def _counted(self, total: int) -> None:
        self.total = total
        self._screen.queue_counted()

    def _more_ids(self, ids: array[int]) -> None:
        self._ids.extend(ids)
        self._screen.queue_grew()

    def fetch_ahead(self, position: int) -> None:
        """Start fetching the cards just ahead of `position`, unless they are held or on
        their way."""
        ahead = self._ids[position : position + AHEAD]
        if all(i in self._held or i in self._fetching or i in self._gone for i in ahead):
            return
        wanted = [
            paper_id
            for paper_id in self._ids[position : position + BATCH]
            if paper_id not in self._held and paper_id not in self._fetching
        ]
        self._fetching.update(wanted)
        self._screen.run_worker(
            partial(self._fetch, wanted), name="_fetch", group="triage-fetch", thread=True
        )

    def _fetch(self, ids: list[int]) -> None:
        worker = get_current_worker()
        screen = self._screen
        try:
            papers = screen.rl_app.library.store().get_many(ids)
        except Exception as exc:  # shown to the user; the next key press tries again
            if not worker.is_cancelled:
                deliver(screen, self._fetch_failed, ids, f"Could not read papers: {exc}")
            return
        if not worker.is_cancelled:
            deliver(screen, self._fetched, ids, papers)

    def _fetched(self, ids: list[int], papers: list[Paper]) -> None:
        self._fetching.difference_update(ids)
        for paper in papers:
            if paper.id not in self._held:  # a held copy may have changes not yet saved
                self.hold(paper)
        self._gone.update(set(ids) - {paper.id for paper in papers})
        self._screen.papers_arrived()

    def _fetch_failed(self, ids: list[int], message: str) -> None:
        self._fetching.difference_update(ids)
        self._screen.queue_failed(message)

    def hold(self, paper: Paper) -> Paper | None:
        """Keep `paper` at hand, in place of the copy held before, which it returns: the
        app changed it (a decision, an undo, a note), or it was just read."""
        before = self._held.get(paper.id)
        self._held[paper.id] = paper
        self._held.move_to_end(paper.id)
        while len(self._held) > KEEP:
            self._held.popitem(last=False)
        return before

    def skip_gone(self, position: int) -> int:
        """The first position from `position` on whose paper is still in the library."""
        while position < len(self._ids) and self._ids[position] in self._gone:
            position += 1
        return position

    def paper_at(self, position: int) -> Paper | None:
        """The paper at `position`, if it is held (else it is on its way, or past the end)."""
        if position >= len(self._ids):
            return None
        paper = self._held.get(self._ids[position])
        if paper is not None:
            self._held.move_to_end(paper.id)
        return paper
