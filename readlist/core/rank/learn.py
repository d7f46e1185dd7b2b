"""Learning "for you" from the user's decisions (learn).

Labels, and how much each counts (its weight in the loss):
- starred: liked, weight 1;
- noted or tagged, not starred: liked, KEPT_WEIGHT (a note is care, not always liking);
- read, not starred, not noted or tagged: not for the user, weight 1;
- only skipped in triage: not for the user, SKIP_WEIGHT a skip, up to SKIPS_COUNTED.

With at least MIN_POSITIVES liked papers and MIN_NEGATIVES others, the model is fitted:
an L2-regularised logistic regression on the papers' tf-idf vectors, each side weighing
the same in all (however few the liked papers), fitted by Nesterov's accelerated
gradient on a compact renumbering of the terms in at least MIN_DF training papers (a
term of one paper alone teaches nothing of any other). With fewer, but
at least one liked paper, it is the fallback: the cosine similarity to the liked papers'
centroid. With none, RankUnavailable.

Every liked paper is learned from, and the most recent MAX_NEGATIVES of the others, so
that learning stays quick however long the user has triaged. The idf comes from those
papers and from DF_SAMPLE papers spread evenly over the library.

The model learned is kept in the library (readlist.core.rank.kept) and taken again while
the decisions, the papers and the knobs are as it was learned for.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from readlist.core.errors import ReadlistError
from readlist.core.rank import fit, kept, terms
from readlist.core.rank.model import (
    Batch,
    F32Array,
    F64Array,
    I64Array,
    Model,
    RankUnavailable,
    tf_idf,
)
from readlist.core.rank.ranking import stop_if, terms_of
from readlist.core.rank.terms import U32Array
from readlist.core.store import Decision

Mask = npt.NDArray[np.bool_]

if TYPE_CHECKING:
    from readlist.core.store import Store

KEPT_WEIGHT = 0.5
SKIP_WEIGHT = 0.25
SKIPS_COUNTED = 3
MIN_POSITIVES = 5
MIN_NEGATIVES = 5
MAX_NEGATIVES = 5000
DF_SAMPLE = 2000
MIN_DF = 2  # a fitted model reads the terms in at least this many training papers
NOTHING_TO_LEARN = "for you has nothing to learn from yet: star a paper you like"


def _labels(decisions: Sequence[Decision]) -> tuple[list[int], F64Array, F64Array]:
    """The papers to learn from, their labels (+1 liked, -1 not) and weights."""
    liked: list[tuple[int, float]] = []
    other: list[tuple[str, int, float]] = []
    for decision in decisions:
        if decision.starred:
            liked.append((decision.paper_id, 1.0))
        elif decision.kept:
            liked.append((decision.paper_id, KEPT_WEIGHT))
        elif decision.read:
            other.append((decision.at, decision.paper_id, 1.0))
        elif decision.skips:
            weight = SKIP_WEIGHT * min(decision.skips, SKIPS_COUNTED)
            other.append((decision.at, decision.paper_id, weight))
    other.sort(reverse=True)
    other = other[:MAX_NEGATIVES]
    ids = [paper_id for paper_id, _weight in liked] + [paper_id for _at, paper_id, _w in other]
    labels = np.concatenate([np.ones(len(liked)), -np.ones(len(other))])
    weights = np.array([w for _id, w in liked] + [w for _at, _id, w in other], dtype=np.float64)
    return ids, labels, weights


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
    training = Batch.of(blobs[:trained])
    extra = Batch.of(blobs[trained:])
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
        model_weights = _spread(fit.centroid(matrix, (weights * (labels > 0))[papers]), used)
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


def _idf(training: Batch, extra: Batch) -> tuple[U32Array, I64Array, F64Array, float]:
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
    training: Batch, columns: I64Array, values: F64Array, width: int, *, min_df: int
) -> tuple[fit.Matrix, Mask, Mask]:
    """The training papers as a matrix of the terms in at least `min_df` of them (a
    term in one paper alone teaches nothing of any other), leaving out the papers with
    none of those; and which papers and terms it kept."""
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
