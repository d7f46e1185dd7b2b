"""Triage's cards ranked for the user: the ranking read on a worker's thread, the cards
after the one on screen put in a new order, and the why line each card shows, made
ahead in a worker. ui/triage_queue.py holds the queue and calls these.
"""

from __future__ import annotations

from array import array
from collections.abc import Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.worker import get_current_worker

from readlist.core.models import Paper
from readlist.core.query import Query
from readlist.core.store import Sort
from readlist.ui.for_you import ForYou, as_sentence
from readlist.ui.library import StorePool
from readlist.ui.messages import QueueRanking, QueueReordered, QueueWhyRead, TriageOrder

if TYPE_CHECKING:
    from readlist.core.rank import Ranking

ORDER_PAPERS = 40  # papers read with a new order, for the cards just ahead


def ranked_queue(
    screen: Screen[Any],
    library: StorePool,
    for_you: ForYou,
    papers: Query | Sequence[int],
    order: TriageOrder,
    auto: bool,
) -> tuple[Ranking, int]:
    """On a worker's thread: `papers` ranked in `order`, and the stamp of the model that
    ranked them. `auto`: only if the model has learned from enough decisions (else
    LookupError: the library's order)."""
    from readlist.core.rank import rank

    worker = get_current_worker()
    model = for_you.current(lambda: worker.is_cancelled)
    if auto and not model.fitted:
        raise LookupError("not enough decisions to rank by")

    def progress(done: int, total: int) -> None:
        screen.post_message(QueueRanking(done, total))

    ranking = rank(
        library.store(),
        model,
        papers,
        order="unsure" if order == "unsure" else "best",
        progress=progress,
        cancelled=lambda: worker.is_cancelled,
    )
    return ranking, model.stamp


def read_order(
    screen: Screen[Any],
    library: StorePool,
    for_you: ForYou,
    listing: tuple[Query, Sort],
    after: int,
    order: TriageOrder,
    tail: array[int],
) -> None:
    """On a worker's thread: the ids of `tail` (the cards after position `after`) in
    `order` (`listing`: the queue's query and sort, for the library's order), posted to
    `screen` as QueueReordered."""
    from readlist.core.rank import RankUnavailable

    worker = get_current_worker()
    stamp = None
    try:
        store = library.store()
        if order == "listing":
            wanted = set(tail)
            query, sort = listing
            ids = [i for i in store.iter_ids(query, sort=sort) if i in wanted]
        else:
            ranking, stamp = ranked_queue(screen, library, for_you, list(tail), order, False)
            ids = ranking.ids.tolist()
        papers = store.get_many(ids[:ORDER_PAPERS])
    except RankUnavailable as exc:
        found = QueueReordered(after, order, None, [], as_sentence(str(exc)))
    except Exception as exc:  # said; the cards keep their order
        found = QueueReordered(after, order, None, [], f"Could not order the cards: {exc}")
    else:
        found = QueueReordered(after, order, ids, papers, stamp=stamp)
    if not worker.is_cancelled:
        screen.post_message(found)


def reordered_ids(ids: array[int], found: QueueReordered, position: int) -> array[int]:
    """The queue's ids with the new order in the places after the card on screen
    (`position`); cards shown since it was asked for keep theirs, and papers it left
    out follow it."""
    assert found.ids is not None
    start = max(position, found.after) + 1
    shown = set(ids[found.after + 1 : start])
    ranked_ids = [i for i in found.ids if i not in shown]
    placed = set(found.ids)
    rest = [i for i in ids[start:] if i not in placed]
    return ids[:start] + array("q", ranked_ids + rest)


class CardWhy:
    """The why lines of the cards ahead, made in a worker before their cards show (never
    on the way from a key to the next card), from the papers the queue holds."""

    def __init__(self, screen: Screen[Any], held: Mapping[int, Paper]) -> None:
        self._screen = screen
        self._held = held
        self.for_you: ForYou | None = None  # given when the queue loads
        self._lines: dict[int, str] = {}

    def line(self, paper: Paper) -> str:
        """The card's why line: made ahead in a worker, else now."""
        line = self._lines.get(paper.id)
        if line is None and self.for_you is not None:
            line = self._lines[paper.id] = self.for_you.why_line(paper)
        return line or ""

    def ahead(self, ids: list[int], *, anew: bool = False) -> None:
        """Make the why lines of these held papers in a worker; `anew`: the model changed,
        and every line made so far is dropped."""
        if anew:
            self._lines.clear()
        for_you = self.for_you
        if for_you is None or for_you.model is None:
            return
        papers = [self._held[i] for i in ids if i in self._held and i not in self._lines]
        if papers:
            self._screen.run_worker(
                partial(self._make, for_you, papers), name="_make_why", thread=True
            )

    def _make(self, for_you: ForYou, papers: list[Paper]) -> None:
        model = for_you.model
        if model is not None:
            lines = {paper.id: for_you.why_line(paper) for paper in papers}
            self._screen.post_message(QueueWhyRead(model.stamp, lines))

    def read(self, found: QueueWhyRead) -> None:
        model = None if self.for_you is None else self.for_you.model
        if model is not None and model.stamp == found.stamp:
            self._lines.update(found.lines)

    def forget(self, paper_id: int) -> None:
        """A paper no longer held: its line goes too."""
        self._lines.pop(paper_id, None)
