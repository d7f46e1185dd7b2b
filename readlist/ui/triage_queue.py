"""Triage's queue: which papers come up, in what order, and which are at hand.

The queue is the filter's unread, unstarred papers as they stood when triage began, in
the library's order or ranked for the user (best first, or least sure first). Their ids
stream into an array (8 bytes a paper, read in one snapshot, so decisions never shift
positions) while the first cards show; only the cards just ahead are held as papers,
fetched a small batch at a time before they are needed. A ranked queue is ranked again
as the user decides, the positions after the card on screen only (`reorder`;
ui/triage_rank.py ranks, and makes the cards' why lines).
A triage of the same filter in the library's order opens at the remembered place's paper
while it is queued.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Mapping
from functools import partial
from typing import Any

from textual.screen import Screen
from textual.worker import get_current_worker

from readlist.core.models import Paper
from readlist.core.query import Query, State, parse_query
from readlist.core.store import Sort, Store, TriagePlace
from readlist.ui.for_you import ForYou, as_sentence
from readlist.ui.library import StorePool
from readlist.ui.messages import (
    QueueCounted,
    QueueFailed,
    QueueGrew,
    QueueOpened,
    QueuePapersRead,
    QueueReordered,
    TriageOrder,
)
from readlist.ui.triage_rank import CardWhy, ranked_queue, read_order, reordered_ids

FIRST_PAGE = 100  # papers read with the first card, before the ids stream in
ID_CHUNK = 50_000  # ids added at a time while they stream
CARDS_AHEAD = 20  # fetch more when any of the next CARDS_AHEAD cards is not held
BATCH = 40  # ids looked at (and fetched if not held) per fetch
KEEP = 256  # papers held at most; the oldest go first


def queue_query(text: str, saved: Mapping[str, str] | None = None) -> Query:
    """The filter's undecided papers (`saved`: the library's saved searches).

    Added as clauses rather than text, so a filter ending in OR cannot swallow them.
    """
    parsed = parse_query(text, saved)
    undecided = ((State("unread"),), (State("starred", negated=True),))
    return Query(parsed.clauses + undecided, parsed.text)


class TriageQueue:
    """The papers of one triage by position, kept apart from the screen's card and keys
    because it is a state of its own: the ids known so far, the count, the papers held
    and those on their way or gone from the library.

    The screen says when to start (`load`), where it stands (`fetch_ahead`) and what
    changed (`hold`). Reads run in thread workers of the screen's, in the groups
    "triage-queue" and "triage-fetch", and post what they found to the screen
    (QueueOpened, QueueCounted, QueueGrew, QueuePapersRead, QueueFailed), which hands it
    back here (`opened`, `grew`, `papers_read`, `failed`) on the UI thread; posted to a
    screen that has gone, they are dropped.
    """

    def __init__(
        self,
        screen: Screen[Any],
        query_text: str,
        sort: Sort,
        saved: Mapping[str, str] | None = None,
        order: TriageOrder | None = "listing",
    ) -> None:
        self._screen = screen
        self._library: StorePool | None = None  # given by `load`
        self._for_you: ForYou | None = None  # and the model, to rank with
        self.query_text = query_text
        self.sort: Sort = sort
        # None until the queue is read: then "best" if the model has learned from
        # enough decisions, else "listing"
        self.order: TriageOrder | None = order
        self.ranked_with: int | None = None  # the state stamp of the model it ranked with
        self._asked: TriageOrder | None = None  # an order on its way (`reorder`)
        self.query = queue_query(query_text, saved)
        self.total: int | None = None  # None until counted
        self._ids = array("q")
        self._held: OrderedDict[int, Paper] = OrderedDict()
        self.why = CardWhy(screen, self._held)  # the cards' why lines
        self._fetching: set[int] = set()
        self._gone: set[int] = set()  # ids no longer in the library

    def __len__(self) -> int:
        """The ids known so far (all of them once the stream ends)."""
        return len(self._ids)

    def load(self, library: StorePool, left: TriagePlace | None, for_you: ForYou) -> None:
        """Read the queue from `library`; in the library's order it opens at `left`'s
        paper if `left` is a place in this filter and order and the queue holds its paper."""
        self._library = library
        self._for_you = self.why.for_you = for_you
        same = left is not None and (left.query, left.sort) == (self.query_text, self.sort)
        resume = left.paper_id if same and left is not None else None
        self._screen.run_worker(
            partial(self._load_queue, resume), name="_load_queue", group="triage-queue", thread=True
        )

    def place(self, paper: Paper) -> TriagePlace | None:
        """The place to remember while `paper` is on the card (a ranked queue has none:
        its order is new every time)."""
        if self.order != "listing":
            return None
        return TriagePlace(self.query_text, self.sort, paper.id)

    def _load_ranked(self, store: Store) -> tuple[TriageOrder, str | None]:
        """On the worker's thread: the queue ranked, posted as the listing's would be.
        The order it came in, and why it is not the one asked for, if it is not."""
        from readlist.core.rank import RankUnavailable

        auto = self.order is None
        order: TriageOrder = self.order or "best"
        assert self._for_you is not None and self._library is not None
        try:
            ranking, self.ranked_with = ranked_queue(
                self._screen, self._library, self._for_you, self.query, order, auto
            )
        except LookupError:
            return "listing", None
        except RankUnavailable as exc:
            return "listing", None if auto else as_sentence(str(exc))
        except Exception as exc:
            if get_current_worker().is_cancelled:
                raise
            return "listing", f"Could not rank the queue ({exc}): in the library's order"
        ids = ranking.ids.tolist()
        first = store.get_many(ids[:FIRST_PAGE])
        if get_current_worker().is_cancelled:
            return order, None
        self._screen.post_message(QueueOpened(first, len(ids), None, order))
        if len(ids) > FIRST_PAGE:
            self._screen.post_message(QueueGrew(array("q", ids[FIRST_PAGE:])))
        return order, None

    def _load_queue(self, resume: int | None) -> None:
        """`resume`: the paper to open at, if the queue holds it."""
        worker = get_current_worker()
        screen, query = self._screen, self.query
        assert self._library is not None
        try:
            store = self._library.store()
            why: str | None = None
            if self.order != "listing":
                asked = self.order
                order, why = self._load_ranked(store)
                if order != "listing":
                    return
                if asked is not None:  # a ranked queue asked for has no place to resume
                    resume = None
            with store.snapshot():
                first = store.search(query, limit=FIRST_PAGE, sort=self.sort)
                complete = len(first) < FIRST_PAGE
                start = next((i for i, p in enumerate(first) if p.id == resume), None)
                if start is None and resume is not None and not complete:
                    start = store.position_of(query, self.sort, resume)
                if worker.is_cancelled:
                    return
                total = len(first) if complete else None
                screen.post_message(QueueOpened(first, total, start, "listing", why))
                if complete:
                    return
                total = store.count(query)
                if worker.is_cancelled:
                    return
                screen.post_message(QueueCounted(total))
                chunk = array("q")
                for paper_id in store.iter_ids(query, offset=len(first), sort=self.sort):
                    chunk.append(paper_id)
                    if len(chunk) == ID_CHUNK:
                        if worker.is_cancelled:
                            return
                        screen.post_message(QueueGrew(chunk))
                        chunk = array("q")
                if chunk and not worker.is_cancelled:
                    screen.post_message(QueueGrew(chunk))
        except Exception as exc:  # shown to the user; triage stays open
            if not worker.is_cancelled:
                screen.post_message(QueueFailed(f"Could not read the queue: {exc}", []))

    def opened(self, found: QueueOpened) -> None:
        """The first page is in (the screen then shows its first card)."""
        self._ids.extend(paper.id for paper in found.first)
        for paper in found.first:
            self.hold(paper)
        self.total = found.total
        self.order = found.order
        self.why.ahead(self.ahead(0))

    def grew(self, found: QueueGrew) -> None:
        self._ids.extend(found.ids)

    def reorder(self, position: int, order: TriageOrder) -> None:
        """Put the cards after `position` (the card on screen) in `order`, in a thread
        worker; a newer call cancels it. The screen hands the answer to `reordered`."""
        tail = self._ids[position + 1 :]
        self._asked = order
        assert self._for_you is not None and self._library is not None
        listing = (self.query, self.sort)
        args = (self._screen, self._library, self._for_you, listing, position, order, tail)
        self._screen.run_worker(
            partial(read_order, *args),
            name="_reorder",
            group="triage-order",
            exclusive=True,
            thread=True,
        )

    def rank_again(self, stamp: int, position: int) -> None:
        """The model learned again (its `stamp`): a ranked queue ranks the cards after
        `position` again, unless it is ranked by that very model."""
        order = self._asked or self.order
        if order is not None and order != "listing" and stamp != self.ranked_with:
            self.reorder(position, order)

    def reordered(self, found: QueueReordered, position: int) -> None:
        """The new order takes the places after the card on screen (`position`)."""
        if found.order == self._asked:
            self._asked = None
        if found.ids is None:
            return
        self._ids = reordered_ids(self._ids, found, position)
        self.order = found.order
        if found.stamp is not None:
            self.ranked_with = found.stamp
        for paper in found.papers:
            if paper.id not in self._held:
                self.hold(paper)
        self.why.ahead(self.ahead(position + 1))

    def fetch_ahead(self, position: int) -> None:
        """Start fetching the cards just ahead of `position`, unless they are held or on
        their way."""
        ahead = self._ids[position : position + CARDS_AHEAD]
        if all(i in self._held or i in self._fetching or i in self._gone for i in ahead):
            return
        wanted = [
            paper_id
            for paper_id in self._ids[position : position + BATCH]
            if paper_id not in self._held and paper_id not in self._fetching
        ]
        self._fetching.update(wanted)
        assert self._library is not None, "fetch_ahead before load"
        self._screen.run_worker(
            partial(self._fetch, wanted), name="_fetch", group="triage-fetch", thread=True
        )

    def _fetch(self, ids: list[int]) -> None:
        worker = get_current_worker()
        screen, library = self._screen, self._library
        assert library is not None
        try:
            papers = library.store().get_many(ids)
        except Exception as exc:  # shown to the user; the next key press tries again
            if not worker.is_cancelled:
                screen.post_message(QueueFailed(f"Could not read papers: {exc}", ids))
            return
        if not worker.is_cancelled:
            screen.post_message(QueuePapersRead(ids, papers))

    def papers_read(self, found: QueuePapersRead) -> None:
        self._fetching.difference_update(found.ids)
        for paper in found.papers:
            if paper.id not in self._held:  # a held copy may have changes not yet saved
                self.hold(paper)
        self._gone.update(set(found.ids) - {paper.id for paper in found.papers})
        self.why.ahead([paper.id for paper in found.papers])

    def ahead(self, position: int) -> list[int]:
        """The ids of the cards just ahead of `position` (the one at it included)."""
        return list(self._ids[position : position + CARDS_AHEAD])

    def failed(self, found: QueueFailed) -> None:
        """The papers whose fetch failed are asked for again by the next fetch."""
        self._fetching.difference_update(found.ids)

    def hold(self, paper: Paper) -> Paper | None:
        """Keep `paper` at hand, in place of the copy held before, which it returns: the
        app changed it (a decision, an undo, a note), or it was just read."""
        before = self._held.get(paper.id)
        self._held[paper.id] = paper
        self._held.move_to_end(paper.id)
        while len(self._held) > KEEP:
            self.why.forget(self._held.popitem(last=False)[0])
        return before

    def skip_gone(self, position: int) -> int:
        """The first position from `position` on whose paper is still in the library."""
        while position < len(self._ids) and self._ids[position] in self._gone:
            position += 1
        return position

    def position_of(self, paper_id: int, was: int) -> int:
        """Where a paper decided at position `was` is now: a ranking again since may have
        moved it (after `g`, every card after the first is ranked again)."""
        if was < len(self._ids) and self._ids[was] == paper_id:
            return was
        try:
            return self._ids.index(paper_id)
        except ValueError:
            return was

    def paper_at(self, position: int) -> Paper | None:
        """The paper at `position`, if it is held (else it is on its way, or past the end)."""
        if position >= len(self._ids):
            return None
        paper = self._held.get(self._ids[position])
        if paper is not None:
            self._held.move_to_end(paper.id)
        return paper
