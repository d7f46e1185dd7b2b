"""Papers in the order "for you" gives them (rank), and the terms a ranking reads.

Terms are made when first needed (tokenizing is the slow part of ranking a paper) and
kept in the library, a chunk a write transaction, so that no write holds the lock for long.
A library that will not take them (read-only, or locked past busy_timeout) is ranked with
the terms made for that ranking, and not asked again during it. A
ranking reads them a chunk at a time, so that ranking a million papers never holds a
million papers' terms.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal, cast

import numpy as np
import numpy.typing as npt

from readlist.core.rank import terms
from readlist.core.rank.model import F64Array, Model, RankCancelled, Scratch, authors_of
from readlist.core.store import RankRow

if TYPE_CHECKING:
    from readlist.core.query import Query
    from readlist.core.store import Store

Order = Literal["best", "unsure"]  # best first; least sure first
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
# Paper ids, 4 bytes each: a ranking of a million holds a few copies.
PaperIds = npt.NDArray[np.int32]

VERSION = terms.TERMS_VERSION  # the rules the terms a ranking reads are made by
READ_CHUNK = 2000  # papers whose terms a ranking reads (and scores) at once
MAKE_CHUNK = 1000  # papers whose terms are made and kept in one write transaction


@dataclass(frozen=True)
class Ranking:
    """Papers in order: the first `undecided` (unread and unstarred) by the order asked
    for, the rest (decided) after them by score; `scores` aligned with `ids`, 0 to 1."""

    ids: PaperIds
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


def _made(store: Store, ids: Sequence[int]) -> list[tuple[int, bytes]]:
    """The terms of the papers of `ids` still in the library, made from their text."""
    return [
        (text.paper_id, terms.pack(text.title, text.abstract, authors_of(text.authors)))
        for text in store.paper_texts(ids)
    ]


def make_terms(
    store: Store,
    ids: Sequence[int],
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> int:
    """Make and keep the terms that the papers of `ids` lack; returns how many."""
    return len(_make_terms(store, ids, progress=progress, cancelled=cancelled))


def _make_terms(
    store: Store,
    ids: Sequence[int],
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> dict[int, bytes]:
    """Make the terms that the papers of `ids` lack, and keep them while the library
    takes them; returns those made."""
    missing = store.missing_terms(ids, VERSION)
    made: dict[int, bytes] = {}
    keeping = True
    for start in range(0, len(missing), MAKE_CHUNK):
        stop_if(cancelled)
        if progress is not None:
            progress(start, len(missing))
        chunk = _made(store, missing[start : start + MAKE_CHUNK])
        keeping = keeping and store.keep_terms(chunk, VERSION)
        made.update(chunk)
    if progress is not None and missing:
        progress(len(missing), len(missing))
    return made


def terms_of(
    store: Store, ids: Sequence[int], *, cancelled: Cancelled | None = None
) -> tuple[list[int], list[bytes]]:
    """The papers of `ids` still in the library and their terms (made first for those
    that lack them), in the order of `ids`: one read of the terms."""
    blobs = dict(store.rank_rows(ids, VERSION))
    lacking = [paper_id for paper_id, blob in blobs.items() if blob is None]
    if lacking:
        blobs.update(_make_terms(store, lacking, cancelled=cancelled))
    present = [paper_id for paper_id in dict.fromkeys(ids) if paper_id in blobs]
    return present, [blobs[paper_id] or b"" for paper_id in present]


class _Scored:
    """The papers a ranking has scored so far: each one's id and margin, and (for ids
    asked for, not a query) its place among them, which breaks ties."""

    def __init__(self, store: Store, places: dict[int, int] | None, query: Query | None) -> None:
        self.store = store
        self.places = places  # None: a query's, whose listing order breaks ties
        self.query = query
        self.scratch = Scratch()
        self.ids: list[PaperIds] = [np.zeros(0, dtype=np.int32)]
        self.margins: list[F64Array] = [np.zeros(0)]

    def add(self, model: Model, ids: Sequence[int], blobs: Sequence[bytes]) -> None:
        self.ids.append(np.array(ids, dtype=np.int32))  # OverflowError past 2**31, no wrap
        self.margins.append(model.margins_of(blobs, self.scratch))

    def ranking(self, model: Model, order: Order) -> Ranking:
        # A ranking of a million holds each array once: the chunks' go as they are joined,
        # and the scratch before either (it is as big as a chunk's entries).
        self.scratch.release()
        ids = np.concatenate(self.ids)
        self.ids = []
        margins = np.concatenate(self.margins)
        self.margins = []
        decided = np.isin(ids, np.array(self.store.decided_ids(), dtype=np.int64))
        scores = model.scores(margins)
        if order == "unsure":
            middle = 0.0 if model.fitted else _middle(margins[~decided])
            key = np.abs(margins - middle)
        else:
            key = -scores
        del margins
        # Undecided first; the decided always by score; the listing order breaks ties.
        key[decided] = -scores[decided]
        shown = scores.astype(np.float32)  # the order is the key's: scores are only shown
        del scores
        sequence = self._sequence(ids, key, decided)
        del key
        return Ranking(ids=ids[sequence], scores=shown[sequence], undecided=int((~decided).sum()))

    def _sequence(
        self, ids: PaperIds, key: F64Array, decided: npt.NDArray[np.bool_]
    ) -> npt.NDArray[np.intp]:
        """The order of the papers by (decided, key), ties by their place in the listing
        order, looked up only for the papers that tie (most papers tie with none)."""
        if self.places is not None:
            places = np.fromiter(
                (self.places[paper_id] for paper_id in ids.tolist()), np.int32, ids.size
            )
            return np.lexsort((places, key, decided))
        sequence = np.lexsort((key, decided))
        in_order = key[sequence]
        same = in_order[1:] == in_order[:-1]
        del in_order
        same &= decided[sequence][1:] == decided[sequence][:-1]
        if not same.any():
            return sequence
        tied = np.zeros(ids.size, dtype=np.bool_)
        tied[1:] |= same
        tied[:-1] |= same
        tied_ids = ids[sequence[tied]]
        del sequence, same, tied
        if tied_ids.size <= READ_CHUNK or self.query is None:
            listed = np.array(self.store.in_listing_order(tied_ids.tolist()), dtype=np.int64)
        else:  # many ties (a fallback's papers sharing no term): the query's listing
            listed = np.fromiter(self.store.iter_ids(self.query), dtype=np.int64)
            listed = listed[np.isin(listed, tied_ids)]
        places = np.zeros(ids.size, dtype=np.int32)
        by_id = np.argsort(ids)
        places[by_id[np.searchsorted(ids, listed, sorter=by_id)]] = np.arange(listed.size)
        return np.lexsort((places, key, decided))


def _chunks(store: Store, ids: list[int]) -> Iterator[list[RankRow]]:
    """The papers of `ids` still in the library, a chunk at a time."""
    for start in range(0, len(ids), READ_CHUNK):
        yield store.rank_rows(ids[start : start + READ_CHUNK], VERSION)


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
    from readlist.core.query import Query

    places: dict[int, int] | None = None
    query = papers if isinstance(papers, Query) else None
    if isinstance(papers, Query):
        chunks = store.iter_rank_rows(papers, VERSION)
    else:
        places = {}
        for at, paper_id in enumerate(papers):
            places.setdefault(paper_id, at)
        chunks = _chunks(store, list(places))
    scored = _Scored(store, places, query)
    lacking = array("q")  # the papers with no terms yet: 8 bytes each, however many
    for chunk in chunks:
        stop_if(cancelled)
        _add(scored, model, chunk, lacking)
    keeping = True
    for start in range(0, len(lacking), MAKE_CHUNK):
        stop_if(cancelled)
        if progress is not None:
            progress(start, len(lacking))
        made = _made(store, lacking[start : start + MAKE_CHUNK].tolist())
        keeping = keeping and store.keep_terms(made, VERSION)
        scored.add(model, [paper_id for paper_id, _ in made], [blob for _, blob in made])
    if progress is not None and lacking:
        progress(len(lacking), len(lacking))
    return scored.ranking(model, order)


def _add(scored: _Scored, model: Model, rows: list[RankRow], lacking: array[int]) -> None:
    """Score the rows that have terms; note the others' papers in `lacking`."""
    blobs = [row[1] for row in rows]
    if None in blobs:
        lacking.extend(row[0] for row in rows if row[1] is None)
        rows = [row for row in rows if row[1] is not None]
        blobs = [row[1] for row in rows]
    scored.add(model, [row[0] for row in rows], cast("list[bytes]", blobs))


def _middle(margins: F64Array) -> float:
    """Where the fallback is least sure: the middle of the scores it gives."""
    return float(np.median(margins)) if margins.size else 0.0
