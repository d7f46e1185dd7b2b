"""Papers in the order "for you" gives them (rank), and the terms a ranking reads.

Terms are made when first needed (make_terms is ~100 µs a paper) and kept in the
library, a chunk a write transaction, so that no write holds the lock for long. A
ranking reads them a chunk at a time, so that ranking a million papers never holds a
million papers' terms.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
import numpy.typing as npt

from readlist.core.rank import terms
from readlist.core.rank.model import Batch, F64Array, Model, RankCancelled, authors_of
from readlist.core.store.ranking import RankRow

if TYPE_CHECKING:
    from readlist.core.query import Query
    from readlist.core.store import Store

Order = Literal["best", "unsure"]  # best first; least sure first
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

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


def _stop_if(cancelled: Cancelled | None) -> None:
    if cancelled is not None and cancelled():
        raise RankCancelled("for you: stopped")


def make_terms(
    store: Store,
    ids: Sequence[int],
    *,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> dict[int, bytes]:
    """Make and keep the terms that the papers of `ids` lack; returns those made."""
    missing = store.missing_terms(ids, terms.TERMS_VERSION)
    made: dict[int, bytes] = {}
    for start in range(0, len(missing), MAKE_CHUNK):
        _stop_if(cancelled)
        if progress is not None:
            progress(start, len(missing))
        chunk = [
            (text.paper_id, terms.make_terms(text.title, text.abstract, authors_of(text.authors)))
            for text in store.paper_texts(missing[start : start + MAKE_CHUNK])
        ]
        store.keep_terms(chunk, terms.TERMS_VERSION)
        made.update(chunk)
    if progress is not None and missing:
        progress(len(missing), len(missing))
    return made


def terms_of(store: Store, ids: Sequence[int]) -> list[RankRow]:
    """The papers of `ids` still in the library with their terms, in the order of `ids`
    (terms made for any that lack them: text changed since make_terms ran)."""
    rows = store.rank_rows(ids, terms.TERMS_VERSION)
    if any(row.terms is None for row in rows):
        made = make_terms(store, [row.paper_id for row in rows if row.terms is None])
        rows = [
            row if row.terms is not None else row._replace(terms=made.get(row.paper_id, b""))
            for row in rows
        ]
    place = {paper_id: at for at, paper_id in enumerate(ids)}
    rows.sort(key=lambda row: place[row.paper_id])
    return rows


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

    wanted = list(store.iter_ids(papers) if isinstance(papers, Query) else papers)
    make_terms(store, wanted, progress=progress, cancelled=cancelled)
    ids: list[npt.NDArray[np.int64]] = []
    margins: list[F64Array] = []
    decided: list[npt.NDArray[np.bool_]] = []
    for start in range(0, len(wanted), READ_CHUNK):
        _stop_if(cancelled)
        chunk = wanted[start : start + READ_CHUNK]
        rows = terms_of(store, chunk)
        ids.append(np.fromiter((row.paper_id for row in rows), dtype=np.int64, count=len(rows)))
        decided.append(np.fromiter((row.decided for row in rows), dtype=np.bool_, count=len(rows)))
        margins.append(model.margins(Batch.of([row.terms or b"" for row in rows])))
    all_ids = np.concatenate(ids) if ids else np.zeros(0, dtype=np.int64)
    all_margins = np.concatenate(margins) if margins else np.zeros(0)
    all_decided = np.concatenate(decided) if decided else np.zeros(0, dtype=np.bool_)
    scores = model.scores(all_margins)
    if order == "unsure":
        middle = 0.0 if model.fitted else _middle(all_margins[~all_decided])
        key = np.abs(all_margins - middle)
    else:
        key = -scores
    # Undecided before decided; the decided always by score; the listing order breaks ties.
    key = np.where(all_decided, -scores, key)
    sequence = np.lexsort((key, all_decided))
    return Ranking(
        ids=all_ids[sequence],
        scores=scores[sequence].astype(np.float32),
        undecided=int((~all_decided).sum()),
    )


def _middle(margins: F64Array) -> float:
    """Where the fallback is least sure: the middle of the scores it gives."""
    return float(np.median(margins)) if margins.size else 0.0
