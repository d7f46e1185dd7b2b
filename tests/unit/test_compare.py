"""The review screen's marks: the words that differ between two texts, and only those."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from readlist.core.care.compare import differing_words


def _marked(runs: list[tuple[str, bool]]) -> list[str]:
    return [text.strip() for text, differs in runs if differs]


def test_the_words_that_differ_are_marked_on_each_side() -> None:
    a, b = differing_words(
        "Scaling Sparse Attention to Long Inputs", "Scaling sparse attention to long inputs v2"
    )
    assert _marked(a) == []  # case is no difference
    assert _marked(b) == ["v2"]
    a, b = differing_words("YOLOv9: real-time detection", "YOLOv10: real-time detection!")
    assert (_marked(a), _marked(b)) == (["YOLOv9:"], ["YOLOv10:"])


def test_same_text_has_no_marks_and_different_text_is_all_marked() -> None:
    assert differing_words("a b c", "a b c") == ([("a b c", False)], [("a b c", False)])
    assert differing_words("one two", "three four") == ([("one two", True)], [("three four", True)])
    assert differing_words("", "x") == ([], [("x", True)])


@given(st.text(), st.text())
def test_each_side_is_its_text_exactly(a: str, b: str) -> None:
    runs_a, runs_b = differing_words(a, b)
    assert "".join(t for t, _ in runs_a) == a
    assert "".join(t for t, _ in runs_b) == b
