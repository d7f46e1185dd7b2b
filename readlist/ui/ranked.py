"""The list sorted "for you": the filter's papers in the ranker's order, read in a
thread worker and paged from the ranking's id array, so a million papers cost 8 bytes
each, not a Paper each (readlist.core.rank makes the ranking; ui/for_you.py keeps the
model). numpy comes in with the ranking; nothing here imports it.
"""

from __future__ import annotations

import sqlite3
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.worker import get_current_worker

from readlist.core.errors import is_damage
from readlist.core.models import Paper
from readlist.core.query import Query
from readlist.ui.for_you import ForYou, as_sentence
from readlist.ui.health import LibraryHealth
from readlist.ui.library import StorePool
from readlist.ui.messages import RankingFailed, RankingProgress, RankingRead
from readlist.ui.services import services
from readlist.ui.widgets.paper_list import LIST_PAGE, Fetch, PaperList

if TYPE_CHECKING:
    from readlist.core.rank import Ranking

PROGRESS_EVERY = 2_000  # papers given terms between two words of progress


def read_ranking(
    screen: Screen[Any],
    library: StorePool,
    health: LibraryHealth,
    for_you: ForYou,
    text: str,
    query: Query,
    keep: int | None,
) -> None:
    """On a worker's thread (group "query": a newer filter cancels it): `query`'s papers
    ranked, and the first page of them, posted to `screen` as RankingRead; RankingFailed
    when they cannot be ranked; RankingProgress while terms are being made."""
    from readlist.core.rank import RankUnavailable, rank

    worker = get_current_worker()
    told = [0]

    def progress(done: int, total: int) -> None:
        if done - told[0] >= PROGRESS_EVERY or done == total:
            told[0] = done
            screen.post_message(RankingProgress(text, done, total))

    try:
        model = for_you.current(lambda: worker.is_cancelled)
        store = library.store()
        ranking = rank(
            store, model, query, progress=progress, cancelled=lambda: worker.is_cancelled
        )
        first = store.get_many(ranking.ids[:LIST_PAGE].tolist())
    except RankUnavailable as exc:
        if not worker.is_cancelled:
            screen.post_message(RankingFailed(text, as_sentence(str(exc)), unavailable=True))
        return
    except sqlite3.DatabaseError as exc:  # the sort gives way, the line says why
        if not worker.is_cancelled:
            if is_damage(exc):  # said in full once, and every write stopped
                health.read_failed(exc, filtering=True)
            line = f"Could not rank for you: {exc}"
            screen.post_message(RankingFailed(text, line, unavailable=False))
        return
    except Exception as exc:  # the ranker's own failure: said, the list stays usable
        if not worker.is_cancelled:
            line = f"Could not rank for you: {exc}"
            screen.post_message(RankingFailed(text, line, unavailable=False))
        return
    if not worker.is_cancelled:
        screen.post_message(RankingRead(text, ranking, first, keep, model.basis))


def ranked_fetcher(library: StorePool, health: LibraryHealth, ranking: Ranking) -> Fetch:
    """Pages of a ranking: the ids of the rows asked for, read as papers."""

    def fetch(offset: int, limit: int, _total: int) -> list[Paper]:
        try:
            return library.store().get_many(ranking.ids[offset : offset + limit].tolist())
        except sqlite3.DatabaseError as exc:  # the list draws the page as "…"
            health.page_failed(exc)
            raise

    return fetch


def position(ranking: Ranking, paper_id: int) -> int | None:
    """Where a paper is in the ranking, if it is there."""
    found = (ranking.ids == paper_id).nonzero()[0]
    return int(found[0]) if len(found) else None


class RankedList:
    """The screen's list when sorted for you: the ranking shown, and what to say of it."""

    def __init__(self, screen: Screen[Any], library: StorePool, health: LibraryHealth) -> None:
        self._screen = screen
        self._library = library
        self._health = health
        self.ranking: Ranking | None = None  # the ranking shown, if the list shows one
        self.note: str | None = None  # how far the ranking on its way is
        self.basis: str | None = None  # what the shown ranking's model learned from

    def read(self, text: str, query: Query, keep: int | None) -> None:
        """Rank `text`'s papers in the screen's "query" group: a newer filter cancels it."""
        self.note = "Ranking…"
        screen = self._screen
        args = (screen, self._library, self._health, services(screen).for_you, text, query, keep)
        screen.run_worker(
            partial(read_ranking, *args),
            name="read_ranking",
            group="query",
            exclusive=True,
            thread=True,
        )

    def show(self, found: RankingRead) -> int:
        """The ranking into the list, the cursor on `found.keep` if it holds it; its length."""
        self.ranking, self.note, self.basis = found.ranking, None, found.basis
        index = None if found.keep is None else position(found.ranking, found.keep)
        total = len(found.ranking.ids)
        fetch = ranked_fetcher(self._library, self._health, found.ranking)
        papers = self._screen.query_one(PaperList)
        scores = found.ranking.scores  # a numpy array, read by row as a sequence is
        papers.reset(fetch, total, found.first, cursor=index or 0, scores=scores)  # type: ignore[arg-type]
        return total

    def go_to(self, paper_id: int) -> None:
        """The cursor onto a paper of the ranking shown, if it holds it."""
        papers = self._screen.query_one(PaperList)
        index = None if self.ranking is None else position(self.ranking, paper_id)
        if index is not None and index < papers.total:
            papers.cursor = index
