"""The filter language: parsing is total, and the store runs every query."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.core.query import State, Term, parse_query
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
