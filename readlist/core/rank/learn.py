"""Learning "for you" from the user's decisions (learn).

Labels, and how much each counts (its weight in the loss):
- starred: liked, weight 1;
- noted or tagged, not starred: liked, KEPT_WEIGHT (a note is care, not always liking);
- read, not starred, not noted or tagged: not for the user, weight 1;
- only skipped in triage: not for the user, SKIP_WEIGHT a skip, up to SKIPS_COUNTED.

With at least MIN_POSITIVES liked papers and MIN_NEGATIVES others, the model is fitted:
an L2-regularised logistic regression on the papers' tf-idf vectors, each side weighing
the same in all (however few the liked papers), fitted by Nesterov's accelerated
gradient on a compact renumbering of the training papers' terms (those in at least
MIN_DF of them). With fewer, but
at least one liked paper, it is the fallback: the cosine similarity to the liked papers'
centroid less ROCCHIO times the others' (Rocchio's relevance feedback: what was read
and not liked counts from the first decisions). With none, RankUnavailable.

The most recent MAX_POSITIVES liked papers are learned from, and the most recent
MAX_NEGATIVES of the others, so that learning stays quick and small however long the
user has triaged. The idf comes from those
papers and from DF_SAMPLE papers spread evenly over the library.

The model learned is kept in the library (readlist.core.rank.kept) and taken again while
the decisions, the papers and the knobs are as it was learned for.
"""

from __future__ import annotations

import contextlib
import heapq
import sqlite3
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from readlist.core.errors import ReadlistError
from readlist.core.rank import fit, kept, terms
from readlist.core.rank.model import (
    F32Array,
    F64Array,
    I64Array,
    Model,
    RankUnavailable,
    TermBatch,
    tf_idf,
)
from readlist.core.rank.ranking import stop_if, terms_of
from readlist.core.rank.terms import U32Array
from readlist.core.store import PaperDecision

Mask = npt.NDArray[np.bool_]

if TYPE_CHECKING:
    from readlist.core.store import Store

KEPT_WEIGHT = 0.5
SKIP_WEIGHT = 0.25
SKIPS_COUNTED = 3
MIN_POSITIVES = 5
MIN_NEGATIVES = 5
ROCCHIO = 0.3  # the fallback's lean away from the others' centroid
MAX_POSITIVES = 5000
MAX_NEGATIVES = 5000
DF_SAMPLE = 2000
# A fitted model reads the terms in at least MIN_DF training papers. With few liked
# papers most of what each says is its own (a word, an author): it must weigh.
MIN_DF = 1
NOTHING_TO_LEARN = "for you has nothing to learn from yet: star a paper you like"


def _labels(decisions: Iterable[PaperDecision]) -> tuple[list[int], F64Array, F64Array]:
    """The papers to learn from, their labels (+1 liked, -1 not) and weights: the most
    recent MAX_POSITIVES liked and MAX_NEGATIVES others, the decisions read one at a time
    (a bounded heap of each: a library of a million decisions is never held)."""
    liked: list[tuple[str, int, float]] = []
    other: list[tuple[str, int, float]] = []
    for decision in decisions:
        if decision.starred:
            _newest(liked, (decision.at, decision.paper_id, 1.0), MAX_POSITIVES)
        elif decision.kept:
            _newest(liked, (decision.at, decision.paper_id, KEPT_WEIGHT), MAX_POSITIVES)
        elif decision.read:
            _newest(other, (decision.at, decision.paper_id, 1.0), MAX_NEGATIVES)
        elif decision.skips:
            weight = SKIP_WEIGHT * min(decision.skips, SKIPS_COUNTED)
            _newest(other, (decision.at, decision.paper_id, weight), MAX_NEGATIVES)
    liked.sort(key=lambda item: item[1])  # in the library's order
    other.sort(reverse=True)
    ids = [paper_id for _at, paper_id, _w in liked] + [paper_id for _at, paper_id, _w in other]
    labels = np.concatenate([np.ones(len(liked)), -np.ones(len(other))])
    weights = np.array([w for _at, _id, w in liked] + [w for _at, _id, w in other])
    return ids, labels, weights


def _newest(heap: list[tuple[str, int, float]], item: tuple[str, int, float], most: int) -> None:
    """Keep `item` among the `most` newest of `heap` (a min-heap: the oldest on top)."""
    if len(heap) < most:
        heapq.heappush(heap, item)
    else:
        heapq.heappushpop(heap, item)


def _df_sample(store: Store) -> list[int]:
    """Up to DF_SAMPLE papers' ids spread evenly over the library's."""
    highest = store.highest_paper_id()
    if highest <= 0:
        return []
    wanted = np.unique(np.linspace(1, highest, num=min(DF_SAMPLE, highest)).astype(np.int64))
    return [int(paper_id) for paper_id in wanted]


def learn(store: Store, *, cancelled: Callable[[], bool] | None = None) -> Model:
    """Learn from the library's decisions (RankUnavailable with no liked paper), or take
    the model the library keeps, if learned for the library as it is (rank.kept)."""
    learned_for = kept.learned_for(store, _knobs())
    model = None
    # The model kept is only a saving: a library that cannot keep one (busy, read-only,
    # made by an early build of schema 8 without rank_model) learns each time.
    with contextlib.suppress(sqlite3.Error):
        blob = store.kept_model(learned_for)
        model = kept.unpacked(blob) if blob is not None else None
    if model is None:
        model = _learned(store, cancelled)
        with contextlib.suppress(ReadlistError, sqlite3.Error):
            store.keep_model(learned_for, kept.packed(model))
    return model


def _knobs() -> dict[str, float]:
    """Learning's knobs, as they are when it learns (a bench may turn them)."""
    return {
        "kept_weight": KEPT_WEIGHT,
        "skip_weight": SKIP_WEIGHT,
        "skips_counted": SKIPS_COUNTED,
        "min_positives": MIN_POSITIVES,
        "min_negatives": MIN_NEGATIVES,
        "max_positives": MAX_POSITIVES,
        "rocchio": ROCCHIO,
        "max_negatives": MAX_NEGATIVES,
        "df_sample": DF_SAMPLE,
        "min_df": MIN_DF,
    }


def _learned(store: Store, cancelled: Callable[[], bool] | None) -> Model:
    stamp = store.state_stamp()
    ids, labels, weights = _labels(store.decisions())
    positives = int((labels > 0).sum())
    if positives == 0:
        raise RankUnavailable(NOTHING_TO_LEARN)
    stop_if(cancelled)
    labelled = set(ids)
    sample = [paper_id for paper_id in _df_sample(store) if paper_id not in labelled]
    present, blobs = terms_of(store, ids + sample, cancelled=cancelled)
    stop_if(cancelled)
    trained = sum(paper_id in labelled for paper_id in present)  # the labelled come first
    keep = np.isin(np.array(ids, dtype=np.int64), np.array(present[:trained], dtype=np.int64))
    labels, weights = labels[keep], weights[keep]
    training = TermBatch.of(blobs[:trained])
    extra = TermBatch.of(blobs[trained:])
    known, columns, idf, unseen_idf = _idf(training, extra)
    values = tf_idf(training, idf[columns])
    positives = int((labels > 0).sum())
    negatives = int((labels < 0).sum())
    fitted = positives >= MIN_POSITIVES and negatives >= MIN_NEGATIVES
    if fitted:
        matrix, papers, used = _matrix(training, columns, values, known.size, min_df=MIN_DF)
        # Papers with no term shared with another teach nothing: both sides need some left.
        fitted = bool((labels[papers] > 0).any() and (labels[papers] < 0).any())
    if fitted:
        learned, bias = fit.logistic(matrix, labels[papers], weights[papers])
        model_weights = _spread(learned, used)
        basis = f"learned from {_count(positives, 'liked paper')} and {_count(negatives, 'other')}"
    else:
        matrix, papers, used = _matrix(training, columns, values, known.size, min_df=1)
        towards = fit.centroid(matrix, (weights * (labels > 0))[papers])
        away = fit.centroid(matrix, (weights * (labels < 0))[papers])
        model_weights = _spread(towards - ROCCHIO * away, used)
        bias = 0.0
        basis = f"by similarity to {_count(positives, 'liked paper')}"
    return Model(
        fitted=fitted,
        basis=basis,
        stamp=stamp,
        weight_of=_dense(known, model_weights, 0.0),
        idf_of=_dense(known, idf, unseen_idf),
        bias=bias,
    )


def _count(number: int, what: str) -> str:
    return f"{number} {what}{'' if number == 1 else 's'}"


def _idf(training: TermBatch, extra: TermBatch) -> tuple[U32Array, I64Array, F64Array, float]:
    """The training papers' buckets (sorted), each entry's place among them, their
    smoothed idf over the training papers and the sample, and that of a bucket in none."""
    present = np.zeros(terms.BUCKETS, dtype=bool)
    present[training.buckets] = True
    known = np.flatnonzero(present).astype(np.uint32)
    place = np.cumsum(present) - 1
    columns = place[training.buckets]
    df = np.bincount(columns, minlength=known.size).astype(np.float64)
    hit = present[extra.buckets]
    df += np.bincount(place[extra.buckets[hit]], minlength=known.size)
    documents = training.size + extra.size
    idf: F64Array = np.log((1.0 + documents) / (1.0 + df)) + 1.0
    return known, columns, idf, float(np.log(1.0 + documents) + 1.0)


def _matrix(
    training: TermBatch, columns: I64Array, values: F64Array, width: int, *, min_df: int
) -> tuple[fit.Matrix, Mask, Mask]:
    """The training papers as a matrix of the terms in at least `min_df` of them,
    leaving out the papers with none of those; and which papers and terms it kept."""
    if min_df <= 1:  # every term: the entries as they are, not copied (learn's peak memory)
        papers_kept = training.lengths > 0
        rows = training.rows
        if not papers_kept.all():
            rows = (np.cumsum(papers_kept) - 1)[rows]
        return fit.Matrix.of(rows, columns, values, width), papers_kept, np.ones(width, bool)
    terms_kept = np.bincount(columns, minlength=width) >= min_df
    entries = terms_kept[columns]
    rows = training.rows[entries]
    papers_kept = np.zeros(training.size, dtype=bool)
    papers_kept[rows] = True
    new_row = np.cumsum(papers_kept) - 1
    new_column = np.cumsum(terms_kept) - 1
    matrix = fit.Matrix.of(
        new_row[rows], new_column[columns[entries]], values[entries], int(terms_kept.sum())
    )
    return matrix, papers_kept, terms_kept


def _dense(known: U32Array, values: F64Array, otherwise: float) -> F32Array:
    """A value for every bucket: `values` for the known ones, `otherwise` for the rest;
    read-only, since threads share a Model."""
    dense = np.full(terms.BUCKETS, otherwise, dtype=np.float32)
    dense[known] = values
    dense.flags.writeable = False
    return dense


def _spread(weights: F64Array, kept: Mask) -> F64Array:
    """A weight for every known term: those the matrix left out weigh nothing."""
    full = np.zeros(kept.size)
    full[kept] = weights
    return full
