"""Is an incoming paper one the library already holds?

Candidate generation is by blocking keys (exact hashes the store can index),
so each paper meets a handful of candidates whatever the library's size. The
decision needs the abstracts to agree before a fuzzy title may merge: a title
score alone never merges two papers.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Indel

from readlist.core import normalize

# Scores are 0..100. Abstract scores are word-level Indel similarity: unrelated
# ML abstracts score at most ~26 against each other (measured over the sample
# dumps), light revisions score 80+.
TITLE_MERGE = 88.0
TITLE_REVIEW = 80.0
ABSTRACT_SAME = 60.0  # abstracts agree: with a close title, the same paper
ABSTRACT_REWRITE = 35.0  # same exact title, abstract rewritten but still related
ABSTRACT_IDENTICAL = 90.0  # the same abstract under a reworded title
TITLE_RETITLED = 60.0

_PREFIX = 12  # characters of the title key used as a blocking key
_ABSTRACT_BLOCK = 40  # characters of the abstract used as a blocking key


class Verdict(enum.Enum):
    SAME_EXACT = "exact"
    SAME_FUZZY = "fuzzy"
    REVIEW = "review"
    DIFFERENT = "different"


class Fingerprint:
    """Everything dedupe compares about one paper.

    Built from the stored match form of the title, so candidates cost no text
    normalisation. The abstract may be given as a loader: it is only fetched and
    split into words when a decision needs it, and most candidates from a block
    are ruled out by their title alone.
    """

    __slots__ = ("_abstract", "_has_abstract", "_numbers", "_words", "match_title", "title_key")

    def __init__(self, match_title: str, abstract: str | Callable[[], str]) -> None:
        self.match_title = match_title
        self.title_key = normalize.title_key(match_title)
        self._numbers: tuple[str, ...] | None = None
        self._abstract = abstract
        self._has_abstract: bool | None = None
        self._words: tuple[str, ...] | None = None

    @property
    def numbers(self) -> tuple[str, ...]:
        """Worked out when a decision needs them: most candidates are ruled out before."""
        if self._numbers is None:
            self._numbers = normalize.numbers(self.match_title)
        return self._numbers

    def abstract(self) -> str:
        if not isinstance(self._abstract, str):
            self._abstract = self._abstract()
        return self._abstract

    @property
    def has_abstract(self) -> bool:
        if self._has_abstract is None:
            self._has_abstract = normalize.has_word(self.abstract())
        return self._has_abstract

    @property
    def abstract_words(self) -> tuple[str, ...]:
        if self._words is None:
            self._words = tuple(normalize.words(self.abstract()))
        return self._words

    def abstract_ends(self) -> tuple[str, str]:
        """The first and last letters of the abstract, as blocking keys want them."""
        text = self.abstract()
        head = letters(text[: _ABSTRACT_BLOCK * 5])
        tail = letters(text[-_ABSTRACT_BLOCK * 5 :])
        return head[:_ABSTRACT_BLOCK], tail[-_ABSTRACT_BLOCK:]


# Every ASCII character that is not a letter or a digit, to delete.
_NOT_ALNUM = str.maketrans("", "", "".join(chr(c) for c in range(128) if not chr(c).isalnum()))


def letters(text: str) -> str:
    """`"".join(normalize.words(text))`, the folded letters and digits, without the
    regular expression when the text is plain ASCII: a fifth of an import's time went
    here. Keys are stored, so both ways must agree exactly (a property test checks)."""
    if text.isascii() and "\\" not in text and "$" not in text and "{" not in text:
        return text.lower().translate(_NOT_ALNUM)
    return "".join(normalize.words(text))


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: Verdict
    title_score: float
    abstract_score: float
    reason: str

    @property
    def merges(self) -> bool:
        return self.verdict in (Verdict.SAME_EXACT, Verdict.SAME_FUZZY)


def fingerprint(title: str, abstract: str) -> Fingerprint:
    """The fingerprint of a paper read from a dump."""
    return Fingerprint(normalize.match_title(title), abstract)


def _hash(tag: str, text: str) -> int:
    digest = hashlib.blake2b(f"{tag}:{text}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def exact_key(fp: Fingerprint) -> int:
    return _hash("t", fp.title_key)


def block_keys(fp: Fingerprint) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Keys of which a near-duplicate shares at least one, whatever single edit it has.

    A typo or spelling change in a title leaves either its start or its end
    intact; a retitled paper keeps its abstract; a revised abstract usually
    keeps its opening or its closing words. Returns (title keys, abstract keys).
    """
    title = fp.title_key
    title_keys = (_hash("tp", title[:_PREFIX]), _hash("ts", title[-_PREFIX:]))
    head, tail = fp.abstract_ends()
    if len(head) < _ABSTRACT_BLOCK:
        return title_keys, ()
    return title_keys, (_hash("ap", head), _hash("as", tail))


def worth_deciding(
    incoming: Fingerprint, titles: Mapping[int, str], via_abstract: Container[int]
) -> list[int]:
    """The candidates (paper id -> match title) `decide` could call anything but
    DIFFERENT, in id order: those sharing an abstract key, and those whose title scores
    near TITLE_REVIEW or above. The rest, most of a block, are ruled out here on their
    title alone, without a Fingerprint each. Errs towards a full decision: a title just
    under TITLE_REVIEW is left to `decide` (a property test checks nothing more is cut).
    """
    key = incoming.title_key
    ratio = fuzz.ratio
    cutoff = TITLE_REVIEW - 1
    return [
        paper_id
        for paper_id in sorted(titles)
        if paper_id in via_abstract
        or (other := normalize.title_key(titles[paper_id])) == key
        or ratio(key, other, score_cutoff=cutoff)
    ]


def abstract_score(a: Fingerprint, b: Fingerprint) -> float:
    similarity = Indel.normalized_similarity(
        a.abstract_words, b.abstract_words, score_cutoff=ABSTRACT_REWRITE / 100
    )
    return float(similarity * 100)


def decide(
    incoming: Fingerprint, existing: Fingerprint, *, abstracts_may_agree: bool = True
) -> Decision:
    """Same paper, maybe the same paper (review), or different.

    abstracts_may_agree=False says the two abstracts share neither their opening
    nor their closing words, so they cannot be near-identical: then any title short
    of a merge score settles it without reading the abstracts at all.
    """
    same_key = incoming.title_key == existing.title_key
    t_score = 100.0 if same_key else float(fuzz.ratio(incoming.title_key, existing.title_key))
    if not abstracts_may_agree and t_score < TITLE_MERGE:
        if t_score < TITLE_REVIEW:
            return Decision(Verdict.DIFFERENT, t_score, 0.0, "")
        reason = (
            "titles differ in a number"
            if incoming.numbers != existing.numbers
            else "close title, different abstract"
        )
        return Decision(Verdict.REVIEW, t_score, 0.0, reason)
    both_abstracts = incoming.has_abstract and existing.has_abstract
    a_score = abstract_score(incoming, existing) if both_abstracts else 0.0
    if same_key:
        if not both_abstracts or a_score >= ABSTRACT_REWRITE:
            return Decision(Verdict.SAME_EXACT, 100.0, a_score, "same title")
        return Decision(Verdict.REVIEW, 100.0, a_score, "same title, different abstract")
    if incoming.numbers != existing.numbers:
        # "YOLOv9" vs "YOLOv10", "GPT-3" vs "GPT-4": versions are different papers.
        if t_score >= TITLE_REVIEW or a_score >= ABSTRACT_SAME:
            return Decision(Verdict.REVIEW, t_score, a_score, "titles differ in a number")
        return Decision(Verdict.DIFFERENT, t_score, a_score, "")
    if both_abstracts:
        if t_score >= TITLE_MERGE and a_score >= ABSTRACT_SAME:
            return Decision(Verdict.SAME_FUZZY, t_score, a_score, "close title, same abstract")
        if t_score >= TITLE_RETITLED and a_score >= ABSTRACT_IDENTICAL:
            return Decision(Verdict.SAME_FUZZY, t_score, a_score, "reworded title, same abstract")
        if t_score >= TITLE_REVIEW:
            return Decision(Verdict.REVIEW, t_score, a_score, "close title, different abstract")
        if a_score >= ABSTRACT_SAME:
            return Decision(Verdict.REVIEW, t_score, a_score, "different title, close abstract")
        return Decision(Verdict.DIFFERENT, t_score, a_score, "")
    if t_score >= TITLE_REVIEW:
        return Decision(Verdict.REVIEW, t_score, a_score, "close title, no abstract to compare")
    return Decision(Verdict.DIFFERENT, t_score, a_score, "")


@dataclass(frozen=True, slots=True)
class Match:
    """What to do with an incoming paper: merge into one paper, or keep it and flag some."""

    merge_into: tuple[int, Decision] | None
    reviews: tuple[tuple[int, Decision], ...] = ()


def match(incoming: Fingerprint, candidates: Iterable[tuple[int, Fingerprint, bool]]) -> Match:
    """The best paper to merge into; failing that, every close-but-uncertain one.

    Candidates are (paper id, fingerprint, whether it shares an abstract key).
    """
    merges: list[tuple[int, Decision]] = []
    reviews: list[tuple[int, Decision]] = []
    for paper_id, existing, abstracts_may_agree in candidates:
        decision = decide(incoming, existing, abstracts_may_agree=abstracts_may_agree)
        if decision.merges:
            merges.append((paper_id, decision))
        elif decision.verdict is Verdict.REVIEW:
            reviews.append((paper_id, decision))
    if merges:
        return Match(max(merges, key=lambda m: _rank(m[1])))
    return Match(None, tuple(reviews))


def _rank(decision: Decision) -> tuple[int, float, float]:
    order = {Verdict.SAME_EXACT: 3, Verdict.SAME_FUZZY: 2, Verdict.REVIEW: 1}
    return (order[decision.verdict], decision.abstract_score, decision.title_score)
