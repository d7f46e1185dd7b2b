"""Store.position_of: where a paper stands in a filter's results, read in SQL."""

from __future__ import annotations

import pytest

from readlist.core.query import parse_query
from readlist.core.store import Store
from readlist.core.store.search import Sort


@pytest.mark.parametrize("sort", ["latest", "most_seen", "title"])
@pytest.mark.parametrize("text", ["", "learning", "is:unread -model", "is:starred"])
def test_position_is_the_index_in_search(sample_query_store: Store, sort: Sort, text: str) -> None:
    query = parse_query(text)
    shown = [paper.id for paper in sample_query_store.search(query, sort=sort)]
    assert shown
    for index, paper_id in enumerate(shown):
        assert sample_query_store.position_of(query, sort, paper_id) == index


def test_a_paper_the_filter_hides_has_no_position(sample_query_store: Store) -> None:
    query = parse_query("is:starred")
    hidden = next(p for p in sample_query_store.search(parse_query("")) if not p.starred)
    assert sample_query_store.position_of(query, "latest", hidden.id) is None
    assert sample_query_store.position_of(parse_query(""), "latest", 10**9) is None
