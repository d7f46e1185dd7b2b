"""Dedupe's lesson from review: an abstract cut short agrees with the whole one; a text
that goes on differently does not, and look-alike titles are still never merged."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from readlist.core import normalize
from readlist.core.ingest.dedupe import (
    CUT_SHORT_MIN_WORDS,
    Verdict,
    cut_short,
    decide,
    fingerprint,
)
from tests.unit.test_dedupe import PAIRS


def _first_words(text: str, count: int) -> str:
    return " ".join(text.split()[:count])


def _long_pair() -> tuple[str, str]:
    return next((t, a) for t, a in PAIRS if len(a.split()) > 4 * CUT_SHORT_MIN_WORDS)


def test_the_same_title_with_its_abstract_cut_short_merges() -> None:
    title, abstract = _long_pair()
    first_sentence = abstract.split(". ")[0] + "."
    assert len(first_sentence.split()) >= CUT_SHORT_MIN_WORDS
    for cut in (first_sentence, _first_words(abstract, 20) + "...", abstract[:200] + "…"):
        decision = decide(fingerprint(title, cut), fingerprint(title, abstract))
        assert decision.verdict is Verdict.SAME_EXACT, cut
        assert decision.reason == "same title, abstract cut short"
        # And the reverse: the whole abstract arriving after its opening.
        assert decide(fingerprint(title, abstract), fingerprint(title, cut)).merges


def test_a_cut_too_short_or_a_different_text_is_not_agreement() -> None:
    title, abstract = _long_pair()
    too_short = " ".join(normalize.words(abstract)[: CUT_SHORT_MIN_WORDS - 1])
    went_on = _first_words(abstract, 20) + " We release a new benchmark of cooking recipes."
    for other in (too_short, went_on):
        decision = decide(fingerprint(title, other), fingerprint(title, abstract))
        assert decision.verdict is Verdict.REVIEW
        assert decision.reason == "same title, different abstract"


def test_a_close_title_with_a_cut_abstract_merges_but_a_look_alike_never() -> None:
    title, abstract = _long_pair()
    cut = _first_words(abstract, 25)
    typo = title.replace(" ", "  ").rstrip(".") + "."  # the same words: same key
    assert decide(fingerprint(typo, cut), fingerprint(title, abstract)).merges
    close = title[:-1] if title[-1].isalpha() else title[:-2]
    close_decision = decide(fingerprint(close, cut), fingerprint(title, abstract))
    assert close_decision.verdict is Verdict.SAME_FUZZY
    assert close_decision.reason == "close title, abstract cut short"
    numbered = title + " 2"
    numbered_decision = decide(fingerprint(numbered, cut), fingerprint(title, abstract))
    assert numbered_decision.verdict is Verdict.REVIEW
    assert numbered_decision.reason == "titles differ in a number"


_WORD = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10)
_TEXT = st.lists(_WORD, min_size=CUT_SHORT_MIN_WORDS, max_size=80).map(
    lambda words: ". ".join(" ".join(words[i : i + 7]) for i in range(0, len(words), 7)) + "."
)


@given(_TEXT, st.data())
def test_a_random_abstract_and_a_random_cut_of_it_always_agree(
    abstract: str, data: st.DataObject
) -> None:
    words = normalize.words(abstract)
    # Cut anywhere (mid-word too) past the minimum number of words.
    start = len(" ".join(abstract.split()[:CUT_SHORT_MIN_WORDS]))
    end = data.draw(st.integers(start, len(abstract)))
    tail = data.draw(st.sampled_from(["", "...", "…", " ..."]))
    cut = normalize.words(abstract[:end] + tail)
    assert cut_short(cut, words) and cut_short(words, cut)


@given(_TEXT, _TEXT)
def test_two_different_random_texts_never_agree(a: str, b: str) -> None:
    first, second = normalize.words(a), normalize.words(b)
    assume(first[:CUT_SHORT_MIN_WORDS] != second[:CUT_SHORT_MIN_WORDS])
    assert not cut_short(first, second)
    assert not cut_short(second, first)
