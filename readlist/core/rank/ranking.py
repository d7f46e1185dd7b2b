"""Papers in the order "for you" gives them (rank), and the terms a ranking reads.

Terms are made when first needed (tokenizing is the slow part of ranking a paper) and
kept in the library, a chunk a write transaction, so that no write holds the lock for long. A
ranking reads them a chunk at a time, so that ranking a million papers never holds a
million papers' terms.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from readlist.core.rank import terms
from readlist.core.rank.model import Batch, F64Array, Model, RankCancelled, authors_of
from readlist.core.store import RankRow

if TYPE_CHECKING:
    from readlist.core.query import Query
    from readlist.core.store import Store

Order = Literal["best", "unsure"]  # best first; least sure first
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

VERSION = terms.TERMS_VERSION  # the rules the terms a ranking reads are made by
READ_CHUNK = 5000  # papers whose terms a ranking reads at once
MAKE_CHUNK = 1000  # papers whose terms are made and kept in one write transaction


@dataclass(frozen=True)
class Ranking:
    """Papers in order: the first `undecided` (unread and unstarred) by the order asked
    for, the rest (decided) after them by score; `scores` aligned with `ids`, 0 to 1."""

    ids: npt.NDArray[np.int64]
    scores: npt.NDArray[np.float32]
    undecided: int

    def score_of(self, paper_id: int) -> float | None:
        """A paper's score, None when it is not in this ranking."""
        at = np.flatnonzero(self.ids == paper_id)
        return float(self.scores[at[0]]) if at.size else None


def stop_if(cancelled: Cancelled | None) -> None:
    """Stop (RankCancelled) once the caller says so: a stale ranking is wasted work."""
    if cancelled is not None and cancelled():
        raise RankCancelled("for you: stopped")


def make_terms(
    store: Store,
    ids: Sequence[int],
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    """Make and keep the terms that the papers of `ids` lack; returns how many."""
    missing = store.missing_terms(ids, VERSION)
    for start in range(0, len(missing), MAKE_CHUNK):
        stop_if(cancelled)
        if progress is not None:
            progress(start, len(missing))
        chunk = [
            (text.paper_id, terms.make_terms(text.title, text.abstract, authors_of(text.authors)))
            for text in store.paper_texts(missing[start : start + MAKE_CHUNK])
        ]
        store.keep_terms(chunk, VERSION)
    if progress is not None and missing:
        progress(len(missing), len(missing))
    return len(missing)


def terms_of(store: Store, ids: Sequence[int]) -> tuple[list[int], list[bytes]]:
    """The papers of `ids` still in the library and their terms (b"" for any that lack
    them: make_terms first), in the order of `ids`."""
    blobs = {paper_id: blob or b"" for paper_id, blob, _decided in store.rank_rows(ids, VERSION)}
    present = [paper_id for paper_id in dict.fromkeys(ids) if paper_id in blobs]
    return present, [blobs[paper_id] for paper_id in present]


class _Scored:
    """The papers a ranking has scored so far: each one's place among those asked for
    (the listing order, which breaks ties), id, margin and whether it is decided."""

    def __init__(self) -> None:
        self.places: list[npt.NDArray[np.int64]] = [np.zeros(0, dtype=np.int64)]
        self.ids: list[npt.NDArray[np.int64]] = [np.zeros(0, dtype=np.int64)]
        self.margins: list[F64Array] = [np.zeros(0)]
        self.decided: list[npt.NDArray[np.bool_]] = [np.zeros(0, dtype=np.bool_)]

    def add(self, model: Model, places: Sequence[int], rows: Sequence[RankRow]) -> None:
        self.places.append(np.array(places, dtype=np.int64))
        self.ids.append(np.array([row[0] for row in rows], dtype=np.int64))
        self.decided.append(np.array([row[2] for row in rows], dtype=np.bool_))
        self.margins.append(model.margins(Batch.of([row[1] or b"" for row in rows])))

    def ranking(self, model: Model, order: Order) -> Ranking:
        places = np.concatenate(self.places)
        ids = np.concatenate(self.ids)
        margins = np.concatenate(self.margins)
        decided = np.concatenate(self.decided)
        scores = model.scores(margins)
        if order == "unsure":
            middle = 0.0 if model.fitted else _middle(margins[~decided])
            key = np.abs(margins - middle)
        else:
            key = -scores
        # Undecided first; the decided always by score; the listing order breaks ties.
        key = np.where(decided, -scores, key)
        sequence = np.lexsort((places, key, decided))
        return Ranking(
            ids=ids[sequence],
            scores=scores[sequence].astype(np.float32),
            undecided=int((~decided).sum()),
        )


def _chunks(store: Store, papers: Query | Sequence[int]) -> Iterator[list[tuple[int, RankRow]]]:
    """The papers asked for, each with its place among them, a chunk at a time."""
    from readlist.core.query import Query

    if isinstance(papers, Query):
        start = 0
        for rows in store.iter_rank_rows(papers, VERSION):
            yield list(enumerate(rows, start))
            start += len(rows)
        return
    place: dict[int, int] = {}
    for at, paper_id in enumerate(papers):
        place.setdefault(paper_id, at)
    wanted = list(place)
    for start in range(0, len(wanted), READ_CHUNK):
        rows = store.rank_rows(wanted[start : start + READ_CHUNK], VERSION)
        yield [(place[row[0]], row) for row in rows]


def rank(
    store: Store,
    model: Model,
    papers: Query | Sequence[int],
    *,
    order: Order = "best",
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> Ranking:
    """A query's papers (every match, as store.iter_ids finds them, whose order breaks
    ties), or these ids, ranked: the undecided first, best first or least sure first,
    then the decided by score. Makes the terms the papers lack (progress(done, total)
    while it does)."""
    scored = _Scored()
    lacking: dict[int, int] = {}  # paper -> place, for the papers with no terms yet
    for chunk in _chunks(store, papers):
        stop_if(cancelled)
        ready = [(at, row) for at, row in chunk if row[1] is not None]
        lacking.update((row[0], at) for at, row in chunk if row[1] is None)
        scored.add(model, [at for at, _row in ready], [row for _at, row in ready])
    if lacking:
        make_terms(store, list(lacking), progress=progress, cancelled=cancelled)
        for start in range(0, len(lacking), READ_CHUNK):
            ids = list(lacking)[start : start + READ_CHUNK]
            rows = store.rank_rows(ids, VERSION)
            scored.add(model, [lacking[row[0]] for row in rows], rows)
    return scored.ranking(model, order)


def _middle(margins: F64Array) -> float:
    """Where the fallback is least sure: the middle of the scores it gives."""
    return float(np.median(margins)) if margins.size else 0.0
