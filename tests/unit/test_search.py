"""The filter walk (walk.py) gives exactly what the plain SQL query gives, page by page,
from either end, in every sort; and it does so by walking or gathering, not by SQL."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.core.query import parse_query
from readlist.core.store import Store, migrations
from readlist.core.store import walk as walk_module
from readlist.core.store.search import SORTS, Sort, narrowing_match
from readlist.core.store.walk import Walk
from tests.conftest import write_paper

# Words at different densities, a family sharing a prefix, and words the tokenizer folds.
WORDS = [
    ("alpha", 0.7),
    ("beta", 0.25),
    ("gamma", 0.04),
    ("delta", 0.01),
    ("dog", 0.3),
    ("door", 0.1),
    ("dot", 0.02),
    ("naïve", 0.05),
    ("Über", 0.05),
    ("x2", 0.03),
]
PAPERS = 400


def _small_walks(patch: pytest.MonkeyPatch) -> None:
    """Chunks and budgets scaled down to a small library, so that every path runs."""
    patch.setattr(walk_module, "CHUNK_MIN", 8)
    patch.setattr(walk_module, "CHUNK_MAX", 32)
    patch.setattr(walk_module, "BUDGET", 64)
    patch.setattr(walk_module, "GATHER_TESTED", 16)
    patch.setattr(walk_module, "GATHER_SORTED", 40)


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    rng = random.Random(7)
    path: Path = tmp_path_factory.mktemp("walk") / "library.db"
    with Store.open(path) as store:
        with store.transaction():
            dump = store.imports.add_dump("sha", "test.txt", PAPERS, "2026-11-23T12:00:00+00:00")
            for n in range(PAPERS):
                words = [w for w, share in WORDS if rng.random() < share]
                rng.shuffle(words)
                title = " ".join(words[:2]) + f" paper {n}"
                abstract = " ".join(words[2:] + ["filler"] * rng.randrange(3))
                write_paper(
                    store,
                    title,
                    abstract,
                    title.lower(),
                    [n],
                    dump_id=dump,
                    date_line=None,
                    seen_on=f"2026-{rng.randrange(1, 13):02}-{rng.randrange(1, 29):02}",
                )
        for n in range(1, PAPERS + 1, 7):
            store.set_flag([n], "starred", True)
        for n in range(1, PAPERS + 1, 3):
            store.set_flag([n], "read", True)
        for n in range(1, PAPERS + 1, 11):
            store.set_note(n, rng.choice(["gamma ray", "a dog's note", "delta"]))
        yield store


TOKENS = st.sampled_from(
    [
        "alpha", "al", "a", "beta", "gamma", "ga", "delta", "d", "do", "doo", "dot",
        "naive", "über", "UBER", "x2", "x", "zzz", "-beta", "-dog", "is:starred",
        "is:unread", "has:note", "-is:read", "OR", "title:alpha", "abstract:dog",
        "note:gamma", '"alpha beta"', '"dog alpha"', "-title:d",
        "is:starred OR gamma", "has:note OR -dog", "d OR is:read",
    ]
)  # fmt: skip
QUERIES = st.lists(TOKENS, min_size=1, max_size=4).map(" ".join)


def _walked(store: Store, text: str, sort: Sort, limit: int, total: int) -> list[int]:
    """Every page in turn: from the start while the total is unknown (a short page
    ends it), from the end once it is known, as the list reads them."""
    query = parse_query(text)
    walk = Walk(query, sort)
    if not total:
        ids: list[int] = []
        while page := store.page(query, len(ids), limit, sort=sort, walk=walk):
            ids += [paper.id for paper in page]
            if len(page) < limit:
                break
        return ids
    pages = {}
    for offset in reversed(range(0, total, limit)):
        pages[offset] = store.page(query, offset, limit, sort=sort, total=total, walk=walk)
    return [paper.id for offset in sorted(pages) for paper in pages[offset]]


@settings(max_examples=150, deadline=None)
@given(text=QUERIES, sort=st.sampled_from(list(SORTS)), limit=st.sampled_from([1, 7, 50]))
def test_walked_pages_are_the_plain_query(
    library: Store, text: str, sort: Sort, limit: int
) -> None:
    expected = [paper.id for paper in library.search(parse_query(text), sort=sort)]
    with pytest.MonkeyPatch.context() as patch:
        _small_walks(patch)
        assert _walked(library, text, sort, limit, total=0) == expected
        assert _walked(library, text, sort, limit, total=len(expected)) == expected
    assert library.count(parse_query(text)) == len(expected)


def test_a_broad_filter_is_walked_only_as_far_as_its_page(library: Store) -> None:
    with pytest.MonkeyPatch.context() as patch:
        _small_walks(patch)
        walk = Walk(parse_query("alpha"), "latest")
        first = library.page(walk.query, 0, 10, walk=walk)
        assert len(first) == 10
        assert not walk.forward.done
        assert 10 <= walk.forward.scanned <= 40  # about 10 / 0.7 rows, not the library
        library.page(walk.query, 10, 10, walk=walk)
        assert len(walk.forward.ids) >= 20  # the second page read on from the first


def test_a_narrow_filter_is_gathered_whole_through_its_rarer_words(library: Store) -> None:
    with pytest.MonkeyPatch.context() as patch:
        _small_walks(patch)
        patch.setattr(walk_module, "GATHER_TESTED", 100)
        walk = Walk(parse_query("delta d"), "latest")
        library.page(walk.query, 0, 10, walk=walk)
        expected = [p.id for p in library.search(walk.query)]
        assert walk.total == len(expected)
        assert walk.forward.ids == expected


def test_short_prefixes_are_left_out_of_the_narrowing_match() -> None:
    assert narrowing_match(parse_query("mamba d")) == '(("mamba"*))'
    assert narrowing_match(parse_query("do d")) == '(("do"*))'
    assert narrowing_match(parse_query('"a b" x')) == '(("a b"))'
    assert narrowing_match(parse_query("is:starred")) is None


def test_the_walk_tests_rows_with_the_library_tokenizer() -> None:
    assert f"tokenize = '{migrations.FTS_TOKENIZE}'" in migrations.SCHEMA_V1


@settings(max_examples=60, deadline=None)
@given(
    text=QUERIES,
    sort=st.sampled_from(list(SORTS)),
    offset=st.integers(0, 150),
    limit=st.integers(1, 250),
)
def test_a_limited_search_is_a_slice_of_the_whole(
    library: Store, text: str, sort: Sort, offset: int, limit: int
) -> None:
    """`list --limit` walks; it must list what the unlimited search lists, in order."""
    query = parse_query(text)
    everything = [paper.id for paper in library.search(query, sort=sort)]
    with pytest.MonkeyPatch.context() as patch:
        _small_walks(patch)
        limited = library.search(query, sort=sort, limit=limit, offset=offset)
    assert [paper.id for paper in limited] == everything[offset : offset + limit]
