"""What the ranker learned (Model), and how it scores a batch of papers' terms.

A paper is read as a tf-idf vector of its terms (readlist.core.rank.terms): each term's
weight is (1 + log times) x its idf, and the vector has unit length, so that a long
abstract weighs no more than a short one. The model is a weight a term (those of the
papers it learned from; any other weighs nothing, with the idf of a term seen once) and
a bias: a paper's margin is their dot product plus the bias.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from readlist.core.errors import ReadlistError
from readlist.core.rank import terms

if TYPE_CHECKING:
    from readlist.core.models import Paper

F32Array = npt.NDArray[np.float32]
F64Array = npt.NDArray[np.float64]
I64Array = npt.NDArray[np.int64]

WHY_WORDS = 3  # words (or pairs of words) a why line names at most, beside one author


class RankUnavailable(ReadlistError):
    """There is nothing to rank by: the message is one line that says what to do."""


class RankCancelled(RankUnavailable):
    """The caller asked (`cancelled`) that a learning or a ranking stop."""


@dataclass(frozen=True)
class Batch:
    """Some papers' terms side by side: for each term, its paper's row, its bucket and
    the times it occurs. Papers with no terms have no entries and read as zero vectors."""

    rows: I64Array
    buckets: npt.NDArray[np.uint32]
    times: npt.NDArray[np.uint32]
    size: int  # papers

    @classmethod
    def of(cls, blobs: list[bytes]) -> Batch:
        joined = b"".join(blobs)
        lengths = np.fromiter((len(blob) // 4 for blob in blobs), dtype=np.int64, count=len(blobs))
        buckets, times = terms.unpack(joined)
        rows = np.repeat(np.arange(len(blobs), dtype=np.int64), lengths)
        return cls(rows, buckets, times, len(blobs))


def sums(index: npt.NDArray[np.integer], values: F64Array, size: int) -> F64Array:
    """The sum of `values` at each index from 0 to size - 1 (a sparse matrix's products)."""
    return np.asarray(np.bincount(index, weights=values, minlength=size), dtype=np.float64)


def tf_idf(batch: Batch, idf: F64Array) -> F64Array:
    """Each entry's value in its paper's unit-length tf-idf vector (`idf` per entry)."""
    values = (1.0 + np.log(np.maximum(batch.times, 1).astype(np.float64))) * idf
    norms = np.sqrt(sums(batch.rows, values * values, batch.size))
    scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    result: F64Array = values * scale[batch.rows]
    return result


@dataclass(frozen=True)
class Model:
    """What "for you" learned: immutable, so threads may share it.

    `fitted`: learned from enough decisions (readlist.core.rank.learn); else similarity
    to the papers the user starred (or noted, or tagged). `basis` says from what, in one
    line; `stamp` is the library's state_stamp when it learned (learn again once that
    moves)."""

    fitted: bool
    basis: str
    stamp: int
    known: npt.NDArray[np.uint32] = field(repr=False)  # the buckets it has weights for, sorted
    weights: F64Array = field(repr=False)  # a weight a known bucket
    idf: F64Array = field(repr=False)  # an idf a known bucket
    unseen_idf: float = field(repr=False)  # the idf of any other bucket
    bias: float = field(repr=False)

    def margins(self, batch: Batch) -> F64Array:
        """Each paper's margin: above 0 on the liked side (fitted), else its similarity."""
        entry_weights, entry_idf = self._lookup(batch.buckets)
        values = tf_idf(batch, entry_idf)
        return sums(batch.rows, values * entry_weights, batch.size) + self.bias

    def scores(self, margins: F64Array) -> F64Array:
        """Margins as scores from 0 to 1: a logistic (fitted), or the similarity itself."""
        if self.fitted:
            result: F64Array = 1.0 / (1.0 + np.exp(-np.clip(margins, -30.0, 30.0)))
            return result
        clipped: F64Array = np.clip(margins, 0.0, 1.0)
        return clipped

    def score(self, paper: Paper) -> float:
        """A paper's score from its own text (no store needed)."""
        batch = Batch.of([_terms_of(paper)])
        return float(self.scores(self.margins(batch))[0])

    def why(self, paper: Paper) -> str:
        """One line: the words and the author that weigh most for this paper, e.g.
        "diffusion, denoising, video · by Kaiming He"; "" when nothing weighs for it."""
        batch = Batch.of([_terms_of(paper)])
        if batch.buckets.size == 0:
            return ""
        entry_weights, entry_idf = self._lookup(batch.buckets)
        shares = tf_idf(batch, entry_idf) * entry_weights
        shown = terms.shown_by_bucket(paper.title, paper.abstract, paper.meta.authors)
        authors = terms.is_author_bucket(batch.buckets.tolist(), paper.meta.authors)
        by_word: dict[str, float] = {}
        by_author: dict[str, float] = {}
        for bucket, share in zip(batch.buckets.tolist(), shares.tolist(), strict=True):
            if share <= 0 or bucket not in shown:
                continue
            into = by_author if bucket in authors else by_word
            into[shown[bucket]] = into.get(shown[bucket], 0.0) + share
        named: list[str] = []
        for word, _share in sorted(by_word.items(), key=lambda item: -item[1]):
            if any(word in other.split() or other in word.split() for other in named):
                continue
            named.append(word)
            if len(named) == WHY_WORDS:
                break
        line = ", ".join(named)
        if by_author:
            author = max(by_author.items(), key=lambda item: item[1])[0]
            line = f"{line} · by {author}" if line else f"by {author}"
        return line

    def _lookup(self, buckets: npt.NDArray[np.uint32]) -> tuple[F64Array, F64Array]:
        """The weight and idf of each bucket (nothing and `unseen_idf` for the unknown)."""
        known = self.known
        if known.size == 0:
            return np.zeros(buckets.size), np.full(buckets.size, self.unseen_idf)
        at = np.minimum(np.searchsorted(known, buckets), known.size - 1)
        hit = known[at] == buckets
        weights: F64Array = np.where(hit, self.weights[at], 0.0)
        idf: F64Array = np.where(hit, self.idf[at], self.unseen_idf)
        return weights, idf


def _terms_of(paper: Paper) -> bytes:
    return terms.make_terms(paper.title, paper.abstract, paper.meta.authors)


def authors_of(column: str | None) -> tuple[str, ...]:
    """The authors as the papers table holds them (a JSON array, or NULL)."""
    if not column:
        return ()
    try:
        names = json.loads(column)
    except ValueError:
        return ()
    return tuple(name for name in names if isinstance(name, str)) if isinstance(names, list) else ()
