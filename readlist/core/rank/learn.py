"""Learning "for you" from the user's decisions (learn).

Labels, and how much each counts (its weight in the loss):
- starred: liked, weight 1;
- noted or tagged, not starred: liked, KEPT_WEIGHT (a note is care, not always liking);
- read, not starred, not noted or tagged: not for the user, weight 1;
- only skipped in triage: not for the user, SKIP_WEIGHT a skip, up to SKIPS_COUNTED.

With at least MIN_POSITIVES liked papers and MIN_NEGATIVES others, the model is fitted:
an L2-regularised logistic regression on the papers' tf-idf vectors, each side weighing
the same in all (however few the liked papers), fitted by Nesterov's accelerated
gradient on a compact renumbering of the terms the training papers use. With fewer, but
at least one liked paper, it is the fallback: the cosine similarity to the liked papers'
centroid. With none, RankUnavailable.

Every liked paper is learned from, and the most recent MAX_NEGATIVES of the others, so
that learning stays quick however long the user has triaged. The idf comes from those
papers and from DF_SAMPLE papers spread evenly over the library.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from readlist.core.rank.model import Batch, F64Array, Model, RankUnavailable, sums, tf_idf
from readlist.core.rank.ranking import _stop_if, make_terms, terms_of
from readlist.core.store.ranking import Decision

if TYPE_CHECKING:
    from readlist.core.store import Store

KEPT_WEIGHT = 0.5
SKIP_WEIGHT = 0.25
SKIPS_COUNTED = 3
MIN_POSITIVES = 5
MIN_NEGATIVES = 5
MAX_NEGATIVES = 5000
DF_SAMPLE = 2000
L2 = 1e-3  # the regulariser, against a loss averaged over the (weighted) papers
ITERATIONS = 60
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
    """Learn from the library's decisions (RankUnavailable with no liked paper)."""
    stamp = store.state_stamp()
    ids, labels, weights = _labels(store.decisions())
    positives = int((labels > 0).sum())
    if positives == 0:
        raise RankUnavailable(NOTHING_TO_LEARN)
    _stop_if(cancelled)
    sample = _df_sample(store)
    make_terms(store, ids + sample, cancelled=cancelled)
    _stop_if(cancelled)
    rows = terms_of(store, ids)
    present = {row.paper_id for row in rows}
    keep = np.array([paper_id in present for paper_id in ids], dtype=bool)
    labels, weights = labels[keep], weights[keep]
    training = Batch.of([row.terms or b"" for row in rows])
    labelled = {row.paper_id for row in rows}
    extra = Batch.of(
        [row.terms or b"" for row in terms_of(store, sample) if row.paper_id not in labelled]
    )
    known, idf, unseen_idf = _idf(training, extra)
    positives = int((labels > 0).sum())
    negatives = int((labels < 0).sum())
    columns = np.searchsorted(known, training.buckets)
    values = tf_idf(training, idf[columns])
    fitted = positives >= MIN_POSITIVES and negatives >= MIN_NEGATIVES
    if fitted:
        model_weights, bias = _fit(training.rows, columns, values, labels, weights, known.size)
        basis = f"learned from {_count(positives, 'liked paper')} and {_count(negatives, 'other')}"
    else:
        liked = labels > 0
        model_weights = _centroid(training.rows, columns, values, weights * liked, known.size)
        bias = 0.0
        basis = f"by similarity to {_count(positives, 'liked paper')}"
    return Model(
        fitted=fitted,
        basis=basis,
        stamp=stamp,
        known=known,
        weights=model_weights,
        idf=idf,
        unseen_idf=unseen_idf,
        bias=bias,
    )


def _count(number: int, what: str) -> str:
    return f"{number} {what}{'' if number == 1 else 's'}"


def _idf(training: Batch, extra: Batch) -> tuple[np.ndarray, F64Array, float]:
    """The training papers' buckets (sorted), their smoothed idf, and that of a bucket
    seen in none, over the training papers and the sample."""
    known = np.unique(training.buckets)
    documents = training.size + extra.size
    df = np.zeros(known.size)
    np.add.at(df, np.searchsorted(known, training.buckets), 1.0)
    in_extra = np.searchsorted(known, extra.buckets)
    hit = (in_extra < known.size) & (known[np.minimum(in_extra, known.size - 1)] == extra.buckets)
    np.add.at(df, in_extra[hit], 1.0)
    idf: F64Array = np.log((1.0 + documents) / (1.0 + df)) + 1.0
    return known, idf, float(np.log(1.0 + documents) + 1.0)


def _centroid(
    rows: np.ndarray, columns: np.ndarray, values: F64Array, weights: F64Array, width: int
) -> F64Array:
    """The weighted mean of the rows' vectors, at unit length."""
    total = sums(columns, values * weights[rows], width)
    norm = float(np.sqrt((total * total).sum()))
    return total / norm if norm > 0 else total


def _fit(
    rows: np.ndarray,
    columns: np.ndarray,
    values: F64Array,
    labels: F64Array,
    weights: F64Array,
    width: int,
) -> tuple[F64Array, float]:
    """Weights and bias of a class-balanced, L2-regularised logistic regression."""
    balance = np.where(labels > 0, 0.5 / weights[labels > 0].sum(), 0.5 / weights[labels < 0].sum())
    sample = weights * balance  # sums to 1, half of it on each side
    papers = labels.size

    def margins(w: F64Array, b: float) -> F64Array:
        return sums(rows, values * w[columns], papers) + b

    def gradient(w: F64Array, b: float) -> tuple[F64Array, float]:
        residual = -labels * sample / (1.0 + np.exp(np.clip(labels * margins(w, b), -30, 30)))
        grad = sums(columns, values * residual[rows], width)
        return grad + L2 * w, float(residual.sum())

    # Unit rows and weights that sum to 1 bound the loss's curvature by 1/4 (bias and all,
    # by 1/2): a step of 1/(1/2 + L2) never overshoots.
    step = 1.0 / (0.5 + L2)
    w = np.zeros(width)
    b = 0.0
    w_prev, b_prev = w, b
    for k in range(1, ITERATIONS + 1):
        momentum = (k - 1) / (k + 2)
        w_look = w + momentum * (w - w_prev)
        b_look = b + momentum * (b - b_prev)
        grad_w, grad_b = gradient(w_look, b_look)
        w_prev, b_prev = w, b
        w = w_look - step * grad_w
        b = b_look - step * grad_b
    return w, b
