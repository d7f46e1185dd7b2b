"""What the ranker learned (Model), and how it scores a batch of papers' terms.

A paper is read as a tf-idf vector of its terms (readlist.core.rank.terms): each term's
weight is (1 + log times) x its idf, and the vector has unit length, so that a long
abstract weighs no more than a short one. The model is a weight a term (those of the
papers it learned from; any other weighs nothing, with the idf of a term seen once) and
a bias: a paper's margin is their dot product plus the bias.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
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
Indices = npt.NDArray[np.intp]

WHY_WORDS = 3  # words (or pairs of words) a why line names at most, beside one author


class RankUnavailable(ReadlistError):
    """There is nothing to rank by: the message is one line that says what to do."""


class RankCancelled(RankUnavailable):
    """The caller asked (`cancelled`) that a learning or a ranking stop."""


@dataclass(frozen=True)
class TermBatch:
    """Some papers' terms side by side: for each term, its paper's row, its bucket and
    the times it occurs. Papers with no terms have no entries and read as zero vectors."""

    rows: I64Array
    buckets: npt.NDArray[np.uint32]
    times: npt.NDArray[np.uint32]
    size: int  # papers
    lengths: I64Array  # each paper's entries, a run from its start
    starts: I64Array

    @classmethod
    def of(cls, blobs: Sequence[bytes]) -> TermBatch:
        joined = b"".join(blobs)
        lengths = np.fromiter(map(len, blobs), dtype=np.int64, count=len(blobs)) // 4
        buckets, times = terms.unpack(joined)
        rows = np.repeat(np.arange(len(blobs), dtype=np.int64), lengths)
        starts = np.cumsum(lengths) - lengths
        return cls(rows, buckets, times, len(blobs), lengths, starts)

    def row_sums(self, values: F64Array) -> F64Array:
        """The sum of each paper's run of `values` (0 for a paper with none): reduceat
        reads the runs in place, where a scatter by row would write each entry."""
        result = np.zeros(self.size)
        filled = self.lengths > 0
        if values.size:
            result[filled] = np.add.reduceat(values, self.starts[filled])
        return result


def sums(index: npt.NDArray[np.integer], values: F64Array, size: int) -> F64Array:
    """The sum of `values` at each index from 0 to size - 1 (a sparse matrix's products)."""
    return np.asarray(np.bincount(index, weights=values, minlength=size), dtype=np.float64)


# 1 + log(times) for each count a term may have (terms packs up to 4095).
_SUBLINEAR = (1.0 + np.log(np.maximum(np.arange(4096), 1))).astype(np.float32)


def tf_idf(batch: TermBatch, idf: npt.NDArray[np.floating]) -> F64Array:
    """Each entry's value in its paper's unit-length tf-idf vector (`idf` per entry)."""
    values = (_SUBLINEAR[batch.times] * idf).astype(np.float64)
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
    # A weight and an idf for every bucket (terms.BUCKETS of each, 4 MB): a lookup a
    # term, however many papers a ranking reads.
    weight_of: F32Array = field(repr=False)
    idf_of: F32Array = field(repr=False)
    bias: float = field(repr=False)
    # Each bucket's idf and weight side by side (8 bytes a bucket): a ranking looks up
    # both with one read of memory a term.
    _pairs: npt.NDArray[np.float64] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        pairs = np.empty((terms.BUCKETS, 2), dtype=np.float32)
        pairs[:, 0] = self.idf_of
        pairs[:, 1] = self.weight_of
        pairs.flags.writeable = False
        # The model holds each value once: idf_of and weight_of become views of the pairs.
        object.__setattr__(self, "idf_of", pairs[:, 0])
        object.__setattr__(self, "weight_of", pairs[:, 1])
        object.__setattr__(self, "_pairs", pairs.view(np.float64).reshape(terms.BUCKETS))

    def margins(self, batch: TermBatch) -> F64Array:
        """Each paper's margin: above 0 on the liked side (fitted), else its similarity.
        The tf-idf vector's dot product with the weights over its length, each a sum
        over the paper's run of terms."""
        pairs = np.take(self._pairs, batch.buckets.astype(np.intp)).view(np.float32)
        values = (_SUBLINEAR[batch.times] * pairs[0::2]).astype(np.float64)
        norms = np.sqrt(batch.row_sums(values * values))
        dots = batch.row_sums(values * pairs[1::2])
        scaled = np.divide(dots, norms, out=np.zeros_like(norms), where=norms > 0)
        return scaled + self.bias

    def margins_of(self, blobs: Sequence[bytes], scratch: Scratch) -> F64Array:
        """As margins(TermBatch.of(blobs)), each step written into `scratch`: a ranking
        scores a library a chunk at a time, and memory fresh for every chunk's entries
        costs more in the kernel's page faults than the scoring itself."""
        lengths = np.fromiter(map(len, blobs), dtype=np.int64, count=len(blobs)) // 4
        packed = np.frombuffer(b"".join(blobs), dtype="<u4")
        buckets, times, tf, pairs, values, squares, products = scratch.take(packed.size)
        np.bitwise_and(packed, np.uint32(terms.BUCKETS - 1), out=buckets)
        np.right_shift(packed, np.uint32(terms.BUCKET_BITS), out=times)
        np.take(self._pairs, buckets, out=pairs, mode="clip")
        both = pairs.view(np.float32)
        np.take(_SUBLINEAR, times, out=tf, mode="clip")
        np.multiply(tf, both[0::2], out=tf)
        values[:] = tf
        np.multiply(values, values, out=squares)
        np.multiply(values, both[1::2], out=products)
        filled = lengths > 0
        starts = (np.cumsum(lengths) - lengths)[filled]
        norms = np.zeros(len(blobs))
        dots = np.zeros(len(blobs))
        if packed.size:
            norms[filled] = np.sqrt(np.add.reduceat(squares, starts))
            dots[filled] = np.add.reduceat(products, starts)
        scaled = np.divide(dots, norms, out=np.zeros_like(norms), where=norms > 0)
        return scaled + self.bias

    def scores(self, margins: F64Array) -> F64Array:
        """Margins as scores from 0 to 1: a logistic (fitted), or the similarity itself."""
        if self.fitted:
            result: F64Array = 1.0 / (1.0 + np.exp(-np.clip(margins, -30.0, 30.0)))
            return result
        clipped: F64Array = np.clip(margins, 0.0, 1.0)
        return clipped

    def score(self, paper: Paper) -> float:
        """A paper's score from its own text (no store needed)."""
        batch = TermBatch.of([_terms_of(paper)])
        return float(self.scores(self.margins(batch))[0])

    def why(self, paper: Paper) -> str:
        """One line: the words and the author that weigh most for this paper, e.g.
        "diffusion, denoising, video · by Kaiming He"; "" when nothing weighs for it."""
        batch = TermBatch.of([_terms_of(paper)])
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

    def _lookup(self, buckets: npt.NDArray[np.uint32]) -> tuple[F32Array, F32Array]:
        """The weight and idf of each bucket."""
        return self.weight_of[buckets], self.idf_of[buckets]


def _terms_of(paper: Paper) -> bytes:
    return terms.pack(paper.title, paper.abstract, paper.meta.authors)


def authors_of(column: str | None) -> tuple[str, ...]:
    """The authors as the papers table holds them (a JSON array, or NULL)."""
    if not column:
        return ()
    try:
        names = json.loads(column)
    except ValueError:
        return ()
    return tuple(name for name in names if isinstance(name, str)) if isinstance(names, list) else ()


class Scratch:
    """Arrays a ranking writes each chunk's entries into, grown to the largest chunk and
    kept for the next (Model.margins_of)."""

    def __init__(self) -> None:
        self.size = 0
        self._grow(0)

    def _grow(self, size: int) -> None:
        self.size = size
        self.buckets = np.empty(size, dtype=np.intp)
        self.times = np.empty(size, dtype=np.intp)
        self.tf = np.empty(size, dtype=np.float32)
        self.pairs = np.empty(size, dtype=np.float64)
        self.values = np.empty(size, dtype=np.float64)
        self.squares = np.empty(size, dtype=np.float64)
        self.products = np.empty(size, dtype=np.float64)

    def release(self) -> None:
        """Give the arrays' memory back; they grow again if taken."""
        self._grow(0)

    def take(
        self, size: int
    ) -> tuple[Indices, Indices, F32Array, F64Array, F64Array, F64Array, F64Array]:
        """The arrays, `size` entries long."""
        if size > self.size:
            self._grow(max(size, self.size * 5 // 4))
        return (
            self.buckets[:size],
            self.times[:size],
            self.tf[:size],
            self.pairs[:size],
            self.values[:size],
            self.squares[:size],
            self.products[:size],
        )
