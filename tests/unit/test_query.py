"""The filter language: parsing is total, and the store runs every query."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.core.query import ArxivId, Author, Range, State, Term, arxiv_id, parse_query
from readlist.core.store import Store


def test_terms_are_anded_clauses() -> None:
    q = parse_query("continual  learning")
    assert q.clauses == ((Term("continual"),), (Term("learning"),))


def test_phrase_exclusion_fields_and_state() -> None:
    q = parse_query('"video generation" -survey title:mamba note:"to read" is:starred has:note')
    assert q.clauses == (
        (Term("video generation", phrase=True),),
        (Term("survey", negated=True),),
        (Term("mamba", field="title"),),
        (Term("to read", field="note", phrase=True),),
        (State("starred"),),
        (State("note"),),
    )


def test_or_binds_the_items_either_side() -> None:
    q = parse_query("diffusion OR flow video")
    assert q.clauses == ((Term("diffusion"), Term("flow")), (Term("video"),))


def test_operators_without_words_are_ignored() -> None:
    assert parse_query("- * ^ OR").is_empty
    assert parse_query("").is_empty
    assert parse_query('NEAR( "unbalanced').clauses == (
        (Term("NEAR("),),
        (Term("unbalanced"),),
    )


def test_a_quote_with_no_partner_is_text() -> None:
    """A stray quote before a word never makes the rest one (negated) phrase."""
    assert parse_query('-" diffusion model').clauses == ((Term("diffusion"),), (Term("model"),))
    assert parse_query('"video gen').clauses == ((Term("video"),), (Term("gen"),))
    assert parse_query('title:"state').clauses == ((Term("state", field="title"),),)
    assert parse_query('-"survey').clauses == ((Term("survey", negated=True),),)


def test_unknown_prefixes_are_text() -> None:
    """Only is: and has: are operators: another word with a colon may be real text.
    (An unknown is: or has: value is a hint: test_query_hints.py.)"""
    assert parse_query("arXiv:2401 foo:bar").clauses == ((Term("arXiv:2401"),), (Term("foo:bar"),))


def test_negated_state() -> None:
    assert parse_query("-is:read").clauses == ((State("read", negated=True),),)


def test_highlight_terms_are_the_positive_words() -> None:
    q = parse_query('mamba -survey "state space" is:starred')
    assert q.highlight_terms() == ("mamba", "state space")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_no_query_string_raises_in_the_parser_or_the_store(
    sample_query_store: Store, text: str
) -> None:
    query = parse_query(text)
    sample_query_store.search(query, limit=5)
    sample_query_store.count(query)


SOUP = ["OR", "NEAR(", "is:", "has:", "title:", "note:", "AND", "NOT", "--", "é", "²", "'; DROP"]
ALPHABET = st.sampled_from([*"abc ABC\"-*^():{}[]'\\;%_ORNEAR\x00", *SOUP])


@settings(max_examples=300, deadline=None)
@given(st.lists(ALPHABET, max_size=12).map("".join))
def test_operator_soup_never_raises(sample_query_store: Store, text: str) -> None:
    sample_query_store.search(parse_query(text), limit=5)


# -- the filters on a paper's identity ---------------------------------------------------


def test_author_is_a_prefix_or_a_quoted_phrase() -> None:
    assert parse_query('author:lecun -author:"yann lecun" AUTHOR:Li').clauses == (
        (Author("lecun"),),
        (Author("yann lecun", phrase=True, negated=True),),
        (Author("Li"),),
    )
    assert parse_query("author:smith OR title:mamba").clauses == (
        (Author("smith"), Term("mamba", field="title")),
    )
    assert parse_query("author:smith").highlight_terms() == ()  # not the title's words


@pytest.mark.parametrize(
    "text",
    [
        "id:2504.01234",
        "id:2504.01234v2",
        "id:arXiv:2504.01234",
        "id:ARXIV:2504.01234v11",
        "id:https://arxiv.org/abs/2504.01234",
        "id:https://arxiv.org/abs/2504.01234v3",
        "id:http://arxiv.org/pdf/2504.01234v1.pdf",
        "id:arxiv.org/abs/2504.01234",
        "id:https://huggingface.co/papers/2504.01234",
        'id:"2504.01234"',
    ],
)
def test_an_id_in_any_of_its_spellings_is_the_id_without_its_version(text: str) -> None:
    assert parse_query(text).clauses == ((ArxivId("2504.01234"),),)
    assert parse_query("-" + text).clauses == ((ArxivId("2504.01234", negated=True),),)


def test_arxiv_ids_old_and_new() -> None:
    assert arxiv_id("hep-th/9901001v2") == "hep-th/9901001"
    assert arxiv_id("math.GT/0309136") == "math.GT/0309136"
    assert arxiv_id("0704.0001") == "0704.0001"
    assert arxiv_id(" 2504.0123 ") == "2504.0123"
    for text in ["2504", "2504.123", "foo", "", "2504.01234v", "https://example.org/2504.01234"]:
        assert arxiv_id(text) is None, text


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("upvotes>=20", 20, None),
        ("upvotes>20", 21, None),
        ("upvotes<=5", None, 6),
        ("upvotes<5", None, 5),
        ("upvotes=3", 3, 4),
        ("Upvotes>=007", 7, None),
        ("upvotes>=99999999999999999999999", 2**62, None),
    ],
)
def test_upvotes_compare_as_a_range(text: str, low: int | None, high: int | None) -> None:
    assert parse_query(text).clauses == ((Range("upvotes", low, high),),)
    assert parse_query("-" + text).clauses == ((Range("upvotes", low, high, negated=True),),)


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("published>=2026-01-01", "2026-01-01", None),
        ("published>2026-01-31", "2026-02-01", None),
        ("published<2026-03", None, "2026-03"),
        ("published<=2026-03", None, "2026-04"),
        ("published<=2026-12", None, "2027-01"),
        ("published=2026", "2026", "2027"),
        ("published>2026", "2027", None),
        ("published=2026-02", "2026-02", "2026-03"),
        ("published=2024-02-29", "2024-02-29", "2024-03-01"),
        ("published=2026-3-4", "2026-03-04", "2026-03-05"),
        ("published<=9999", None, None),
        ("published>9999-12-31", "9999-12-31", "9999-12-31"),  # after the last day: none
    ],
)
def test_a_year_or_month_published_is_a_span(text: str, low: str | None, high: str | None) -> None:
    assert parse_query(text).clauses == ((Range("published", low, high),),)


def test_identity_states() -> None:
    assert parse_query("has:code -has:id has:authors has:author is:withdrawn").clauses == (
        (State("code"),),
        (State("id", negated=True),),
        (State("authors"),),
        (State("authors"),),
        (State("withdrawn"),),
    )


def test_words_that_only_look_like_comparisons_are_text() -> None:
    assert parse_query("a=b x<y 3>2 foo:bar").clauses == (
        (Term("a=b"),),
        (Term("x<y"),),
        (Term("3>2"),),
        (Term("foo:bar"),),
    )
    assert parse_query('"upvotes>=20"').clauses == ((Term("upvotes>=20", phrase=True),),)
