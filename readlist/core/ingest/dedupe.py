"""Is an incoming paper one the library already holds?

Candidate generation is by blocking keys (exact hashes the store can index), and
stays bounded whatever the library and however many papers share a key: a lookup
returns a key's newest few holders at most (its block), a block the lookup fills is
dense (boilerplate, a common title opening) and lets a paper through on a close
title only, and an incoming paper is decided against DECIDE_PER_PAPER candidates at
most, the best-evidenced (see shortlist). The decision needs the abstracts to agree
before a fuzzy title may merge: a title score alone never merges two papers.
"""

from __future__ import annotations

import enum
import hashlib
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
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
# An abstract cut short (a reference manager's abridged copy, a listing's first
# sentence) agrees with the whole one when it is at least this many words: one short
# sentence ("We propose a new method.") opens too many abstracts to say anything.
CUT_SHORT_MIN_WORDS = 12

# The most candidates an incoming paper is decided against. Papers that only share
# dense keys are screened by title first, so more than a few pass only when many
# close titles hold the same keys; the best-evidenced few are enough to merge into.
DECIDE_PER_PAPER = 8

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

    def abstract_middle(self) -> str | None:
        """The letters at the middle of the abstract, as a blocking key wants them; None
        when the abstract is too short for them to stand clear of both ends' letters.
        Read from the characters around the middle, as abstract_ends reads the ends:
        folding the whole abstract would cost more than all its other keys."""
        text = self.abstract()
        reach = _ABSTRACT_BLOCK * 5 // 2  # characters either side of the middle
        if len(text) < 6 * reach:  # abstract_ends reads 2 * reach at each end
            return None
        middle = len(text) // 2
        around = letters(text[middle - reach : middle + reach])
        if len(around) < _ABSTRACT_BLOCK:
            return None
        start = (len(around) - _ABSTRACT_BLOCK) // 2
        return around[start : start + _ABSTRACT_BLOCK]


# Every ASCII character that is not a letter or a digit, to delete.
_NOT_ALNUM = str.maketrans("", "", "".join(chr(c) for c in range(128) if not chr(c).isalnum()))


def letters(text: str) -> str:
    """`"".join(normalize.words(text))`, the folded letters and digits, without the
    regular expression when the text is plain ASCII: every paper's abstract keys pass
    through here, and the expression would be a large share of an import. Keys are
    stored, so both ways must agree exactly (a property test checks)."""
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
    keeps its opening or its closing words. An abstract that opens and closes with
    boilerplate (a templated passage thousands share) has those keys in dense blocks,
    which find no one paper (see shortlist): its middle, away from both ends, is a key
    of its own. Returns (title keys, abstract keys).
    """
    title = fp.title_key
    title_keys = (_hash("tp", title[:_PREFIX]), _hash("ts", title[-_PREFIX:]))
    head, tail = fp.abstract_ends()
    if len(head) < _ABSTRACT_BLOCK:
        return title_keys, ()
    middle = fp.abstract_middle()
    if middle is None:
        return title_keys, (_hash("ap", head), _hash("as", tail))
    return title_keys, (_hash("ap", head), _hash("as", tail), _hash("am", middle))


def _screen(
    incoming: Fingerprint, titles: Mapping[int, str], via_abstract: Container[int]
) -> list[tuple[int, float]]:
    """The candidates (paper id -> match title) `decide` could call anything but
    DIFFERENT, in id order, each with its title score: those sharing a rare abstract key
    (`via_abstract`; score 0 when their title is under the cut), and those whose title
    scores near TITLE_REVIEW or above (100: the same title key). The rest, most of a
    block, are ruled out on their title alone, without a Fingerprint each. Errs towards
    a full decision: a title just under TITLE_REVIEW is left to `decide` (a property
    test checks nothing more is cut)."""
    key = incoming.title_key
    ratio = fuzz.ratio
    cutoff = TITLE_REVIEW - 1
    kept: list[tuple[int, float]] = []
    for paper_id in sorted(titles):
        other = normalize.title_key(titles[paper_id])
        score = 100.0 if other == key else ratio(key, other, score_cutoff=cutoff)
        if score or paper_id in via_abstract:
            kept.append((paper_id, score))
    return kept


Block = Sequence[tuple[int, str]]  # a key's holders: (paper id, match title), newest first


def shortlist(
    incoming: Fingerprint, blocks: Iterable[tuple[Block, bool]], *, dense: int
) -> list[tuple[int, str, bool]]:
    """The candidates to decide `incoming` against, in id order, DECIDE_PER_PAPER at
    most: (paper id, match title, whether it shares an abstract key), from the blocks
    of its keys, each given with whether it is an abstract key's.

    A block of `dense` papers or more (a lookup returns that many at most) belongs to
    a key that many papers share, such as a templated opening or closing passage, so
    sharing it is no evidence that two papers are one: its papers are kept on a close
    title only, like a title key's. A rare abstract key's papers are kept whatever
    their title (a retitled paper keeps its abstract). Past DECIDE_PER_PAPER, those
    with the same title key come first, then those sharing a rare abstract key, then
    the closest titles: a merge needs a close title or a shared abstract, so the
    papers dropped are the least likely to be the same paper, and no paper is ever
    merged without a decision.
    """
    titles: dict[int, str] = {}
    shares_abstract: set[int] = set()
    rare_abstract: set[int] = set()
    for block, is_abstract in blocks:
        rare = len(block) < dense
        for paper_id, match_title in block:
            titles[paper_id] = match_title
            if is_abstract:
                shares_abstract.add(paper_id)
                if rare:
                    rare_abstract.add(paper_id)
    kept = _screen(incoming, titles, rare_abstract)
    if len(kept) > DECIDE_PER_PAPER:
        best = sorted(
            kept,
            key=lambda k: (k[1] == 100.0, k[0] in rare_abstract, k[1], k[0]),
            reverse=True,
        )[:DECIDE_PER_PAPER]
        kept = sorted(best)
    return [(paper_id, titles[paper_id], paper_id in shares_abstract) for paper_id, _ in kept]


def cut_short(a: Sequence[str], b: Sequence[str]) -> bool:
    """Whether one abstract's words are the other's opening words, CUT_SHORT_MIN_WORDS
    at least (its last word may be cut too: "transfor..."). A trailing "..." or "…" is
    punctuation, which the words leave out. Truncation is agreement; a text that goes
    on differently, however it opens, is not."""
    return _opens(a, b) or _opens(b, a)


def _opens(short: Sequence[str], whole: Sequence[str]) -> bool:
    count = len(short)
    if count < CUT_SHORT_MIN_WORDS or count > len(whole):
        return False
    last = count - 1
    return short[:last] == whole[:last] and whole[last].startswith(short[last])


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
    cut = (
        both_abstracts
        and a_score < ABSTRACT_SAME
        and cut_short(incoming.abstract_words, existing.abstract_words)
    )
    if same_key:
        if not both_abstracts or a_score >= ABSTRACT_REWRITE:
            return Decision(Verdict.SAME_EXACT, 100.0, a_score, "same title")
        if cut:
            return Decision(Verdict.SAME_EXACT, 100.0, a_score, "same title, abstract cut short")
        return Decision(Verdict.REVIEW, 100.0, a_score, "same title, different abstract")
    if incoming.numbers != existing.numbers:
        # "YOLOv9" vs "YOLOv10", "GPT-3" vs "GPT-4": versions are different papers.
        if t_score >= TITLE_REVIEW or a_score >= ABSTRACT_SAME:
            return Decision(Verdict.REVIEW, t_score, a_score, "titles differ in a number")
        return Decision(Verdict.DIFFERENT, t_score, a_score, "")
    if both_abstracts:
        if t_score >= TITLE_MERGE and a_score >= ABSTRACT_SAME:
            return Decision(Verdict.SAME_FUZZY, t_score, a_score, "close title, same abstract")
        if t_score >= TITLE_MERGE and cut:
            return Decision(Verdict.SAME_FUZZY, t_score, a_score, "close title, abstract cut short")
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
