"""A paper's text as the ranker reads it: hashed features, stable across processes.

Words of the title and abstract (lowercased runs of letters and digits, stopwords, numbers
and one-letter tokens out), with PAIRS the pairs of adjacent words among them, the
title's words again as features of their own (a word in the title says more of a paper
than one in its abstract), and each author as one feature. Each feature is hashed with
zlib.crc32 (not hash(), which changes from run to run) into one of 2**BUCKET_BITS
buckets.

A paper's terms are packed for the library (paper_terms) as little-endian uint32s, each
a bucket in its low BUCKET_BITS bits and the times it occurs in the rest, in bucket
order. TERMS_VERSION names these rules: terms made by other rules are made again.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence

import numpy as np
import numpy.typing as npt

TERMS_VERSION = 2  # bump with any change to what follows: the stored terms are made again
PAIRS = False  # pairs of adjacent words as features of their own
BUCKET_BITS = 20
BUCKETS = 1 << BUCKET_BITS
_BUCKET_MASK = BUCKETS - 1
_COUNT_MAX = (1 << (32 - BUCKET_BITS)) - 1

_WORD = re.compile(r"[^\W_]+")
# Words too common in any paper's abstract to say what it is about.
_STOPWORDS = """a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers him his how i if in into is
    it its itself just may me might more most must my no nor not now of off on once only
    or other our ours out over own same she should so some such than that the their them
    then there these they this those through thus to too under until up upon very via was
    we were what when where which while who whom why will with within without would yet
    you your paper propose proposed method methods approach results show shows work new
    using use used based et al our however"""
STOPWORDS = frozenset(_STOPWORDS.split())
_HASHES: dict[str, int] = {}  # feature text -> bucket, for the words every paper repeats
_HASHES_MAX = 500_000

U32Array = npt.NDArray[np.uint32]


def bucket_of(feature: str) -> int:
    """The bucket a feature's text hashes to (cached: most words recur)."""
    bucket = _HASHES.get(feature)
    if bucket is None:
        if len(_HASHES) >= _HASHES_MAX:
            _HASHES.clear()
        bucket = _HASHES[feature] = zlib.crc32(feature.encode("utf-8")) & _BUCKET_MASK
    return bucket


def word_tokens(text: str) -> list[str]:
    """The words of `text` the ranker reads, in order."""
    return [
        word
        for word in _WORD.findall(text.lower())
        if len(word) > 1 and word not in STOPWORDS and not word.isdigit()
    ]


def author_feature(name: str) -> str:
    """An author as one feature, the same however a listing spaced or cased the name."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return "author:" + " ".join(folded.split())


def features(title: str, abstract: str, authors: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(feature text, what a person reads for it) for every feature of a paper, repeats
    included: a word, a pair of words, a title word, an author."""
    for field, text in ((0, title), (1, abstract)):
        found = word_tokens(text)
        for index, word in enumerate(found):
            yield word, word
            if field == 0:
                yield "title:" + word, word
            if PAIRS and index:
                pair = f"{found[index - 1]} {word}"
                yield "pair:" + pair, pair
    for name in authors:
        if name.strip():
            yield author_feature(name), " ".join(name.split())


def pack(title: str, abstract: str, authors: Sequence[str]) -> bytes:
    """A paper's terms, packed for paper_terms."""
    counts = Counter(bucket_of(feature) for feature, _shown in features(title, abstract, authors))
    if not counts:
        return b""
    buckets = np.fromiter(counts.keys(), dtype=np.uint32, count=len(counts))
    times = np.fromiter(counts.values(), dtype=np.uint32, count=len(counts))
    order = np.argsort(buckets)
    packed = buckets[order] | (np.minimum(times[order], _COUNT_MAX) << BUCKET_BITS)
    return packed.astype("<u4").tobytes()


def unpack(blob: bytes) -> tuple[U32Array, U32Array]:
    """Packed terms -> (buckets, times), in bucket order."""
    packed = np.frombuffer(blob, dtype="<u4").astype(np.uint32)
    return packed & np.uint32(_BUCKET_MASK), packed >> np.uint32(BUCKET_BITS)


def shown_by_bucket(title: str, abstract: str, authors: Sequence[str]) -> dict[int, str]:
    """bucket -> the words (or author) a person reads for it, for one paper: the why line
    names its features by these. The first feature to take a bucket keeps it."""
    shown: dict[int, str] = {}
    for feature, text in features(title, abstract, authors):
        shown.setdefault(bucket_of(feature), text)
    return shown


def is_author_bucket(buckets: Iterable[int], authors: Sequence[str]) -> set[int]:
    """Which of `buckets` are the authors' own features."""
    mine = {bucket_of(author_feature(name)) for name in authors if name.strip()}
    return {bucket for bucket in buckets if bucket in mine}
