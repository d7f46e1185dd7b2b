"""Hostile text in a filter is read as words, never as SQL or FTS5 syntax, and hostile
text in the library is found by its words.

test_query.py shows that no string raises in `search(limit=5)` and `count`; these add
what it leaves open: every read path (`count`, `search` whole and limited, `page` with
its walk from either end), agreement between them, and that what comes back is what
the words say, checked against a reference matcher written here in Python.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.core.models import Paper
from readlist.core.query import FIELDS, Query, State, Term, parse_query
from readlist.core.store import Store, search
from readlist.core.store.search import Walk
from tests.conftest import write_paper

# FTS5 operators and syntax, SQL, the filter language's own, controls and NUL; words
# short enough to be prefixes of each other ("al" of "alpha", "no" of "not").
WORDS = ["alpha", "al", "beta", "near", "NEAR", "and", "AND", "or", "OR", "not", "NOT", "no"]
WORDS += ["x1", "x", "1", "zeta", "Zeta"]
PUNCTUATION = list("\"*:^()-+{}[]'\\;%_,./@#$&|~`<>=!?")
CONTROLS = ["\x00", "\x1b", "\x07", "\x08", "\r", "\x7f", "\x9b", "\t", "\n"]
SYNTAX = ["NEAR(", "NEAR/2", ")", "title:", "abstract:", "note:", "is:starred", "is:read"]
SYNTAX += ["is:unread", "has:note", "-", "--", "'; DROP TABLE papers; --", "{title}", "^al"]
PIECES = st.sampled_from([*WORDS, *PUNCTUATION, *CONTROLS, *SYNTAX, " ", " ", " "])
# Glued soup, and soup in the shape of a filter: items, some negated, quoted or
# fielded, some joined by OR, some states.
SOUP = st.lists(PIECES, max_size=14).map("".join)
LEAD = st.sampled_from(["", "", "", "-", '"', "title:", "-note:", "(", "^", "*"])
ITEM = st.tuples(LEAD, st.lists(PIECES, min_size=1, max_size=3).map("".join)).map("".join)
SHAPED = st.lists(st.one_of(ITEM, st.sampled_from(["OR", "is:read", "-has:note"])), max_size=7)
HOSTILE_ASCII = st.one_of(SOUP, SHAPED.map(" ".join))
PAPERS = 60


def hostile_text(rng: random.Random, size: int) -> str:
    pieces = [*WORDS, *PUNCTUATION, *CONTROLS, *SYNTAX, " ", " ", " ", " "]
    return "".join(rng.choice(pieces) for _ in range(size))


def unique_word(n: int) -> str:
    """No one of these is a prefix of another, nor of any other word here."""
    return f"uniq{n}w"


def _add(store: Store, title: str, abstract: str, note: str) -> int:
    with store.transaction():
        dump = store.imports.add_dump(
            f"sha{title!r}", "hostile.txt", 1, "2026-11-23T12:00:00+00:00"
        )
        paper_id = write_paper(
            store,
            title,
            abstract,
            title.lower(),
            [],
            dump_id=dump,
            date_line=None,
            seen_on="2026-11-23",
        )
    if note:
        store.set_note(paper_id, note)
    return paper_id


def hostile_library(path: Path) -> Store:
    """Papers whose stored title, abstract and note are themselves hostile text (as an
    old library or a direct write could hold), each with one word no other paper has."""
    rng = random.Random(11)
    store = Store.open(path)
    for n in range(PAPERS):
        title = f"{hostile_text(rng, 8)} {unique_word(n)} {hostile_text(rng, 4)}"
        note = hostile_text(rng, 6) if n % 3 == 0 else ""
        _add(store, title, hostile_text(rng, 12), note)
    store.set_flag(range(1, PAPERS + 1, 4), "starred", True)
    store.set_flag(range(1, PAPERS + 1, 5), "read", True)
    return store


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Read only: hypothesis runs many examples on one library."""
    with hostile_library(tmp_path_factory.mktemp("hostile") / "library.db") as store:
        yield store


@pytest.fixture(scope="module")
def growing_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """The same library, for a test that adds a paper in each example."""
    with hostile_library(tmp_path_factory.mktemp("growing") / "library.db") as store:
        yield store


# -- a reference matcher, for ASCII text -------------------------------------------------

_TOKEN = re.compile(r"[a-z0-9]+")


def tokens(text: str) -> list[str]:
    """FTS5's unicode61 tokenizer on ASCII text: runs of letters and digits, lower case;
    everything else, controls included, separates them."""
    return _TOKEN.findall(text.lower())


def term_matches(term: Term, paper: Paper) -> bool:
    """The term's words in a row, the last one as a prefix unless it is a phrase: the
    FTS5 string every term becomes, whatever punctuation it holds."""
    *head, last = tokens(term.text)
    size = len(head) + 1
    for field in (term.field,) if term.field else FIELDS:
        have = tokens(getattr(paper, field))
        for i in range(len(have) - size + 1):
            end = have[i + size - 1]
            if have[i : i + size - 1] == head and (
                end == last if term.phrase else end.startswith(last)
            ):
                return True
    return False


def state_matches(state: State, paper: Paper) -> bool:
    return {
        "starred": paper.starred,
        "read": paper.read,
        "unread": not paper.read,
        "note": paper.note != "",
    }[state.name]


def matches(query: Query, paper: Paper) -> bool:
    """Clauses ANDed, the items of a clause ORed: the language's documented meaning."""
    return all(
        any(
            (term_matches(item, paper) if isinstance(item, Term) else state_matches(item, paper))
            != item.negated
            for item in clause
        )
        for clause in query.clauses
    )


def test_the_reference_matcher_reads_words_as_the_store_does(hostile_store: Store) -> None:
    """The matcher agrees with the store on queries whose meaning is plain, so that its
    agreement on hostile ones below means something."""
    every = hostile_store.search(Query())
    assert len(every) == PAPERS
    plain = ["al", "alpha", "near x1", '"alpha beta"', "title:zeta", "note:no", "x OR 1"]
    plain += ["-beta is:read", "has:note -not", "NEAR(alpha", "zeta*"]
    for text in plain:
        query = parse_query(text)
        expected = [paper.id for paper in every if matches(query, paper)]
        assert [paper.id for paper in hostile_store.search(query)] == expected, text
        assert 0 < len(expected) < PAPERS, f"{text!r} matches none or all: a weak check"


# -- the properties ------------------------------------------------------------------------


def read_every_way(store: Store, query: Query) -> list[int]:
    """The ids of `query`'s matches, after checking that every read path gives them."""
    ids = [paper.id for paper in store.search(query)]
    assert store.count(query) == len(ids)
    assert [paper.id for paper in store.search(query, limit=7, offset=3)] == ids[3:10]
    with pytest.MonkeyPatch.context() as patch:  # walks scaled down, so every path runs
        for name, value in [("CHUNK_MIN", 4), ("CHUNK_MAX", 16), ("BUDGET", 24)]:
            patch.setattr(search, name, value)
        patch.setattr(search, "GATHER_TESTED", 8)
        patch.setattr(search, "GATHER_SORTED", 16)
        walk = Walk(query)
        forward: list[int] = []
        while page := store.page(query, len(forward), 9, walk=walk):
            forward += [paper.id for paper in page]
        assert forward == ids
        total = len(ids)
        backward = Walk(query)
        pages = [
            store.page(query, offset, 9, total=total, walk=backward)
            for offset in reversed(range(0, total, 9))
        ]
        assert [paper.id for page in reversed(pages) for paper in page] == ids
    assert list(store.iter_ids(query)) == ids
    return ids


@settings(max_examples=300, deadline=None)
@given(HOSTILE_ASCII)
def test_a_hostile_filter_finds_what_its_words_say(hostile_store: Store, text: str) -> None:
    query = parse_query(text)
    ids = read_every_way(hostile_store, query)
    expected = [paper.id for paper in hostile_store.search(Query()) if matches(query, paper)]
    assert ids == expected


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_runs_on_every_read_path(hostile_store: Store, text: str) -> None:
    read_every_way(hostile_store, parse_query(text))


# Characters with no word in them, to Python and to FTS5 alike, so the parser drops them
# (and a quote among them makes a phrase of the word and nothing else). Not all of
# Unicode's punctuation: FTS5's tables are Unicode 6.1, and reads some later symbols,
# U+07FE say, as letters.
NOISE_CHARS = "".join(ch for ch in map(chr, range(0xA0)) if not ch.isalnum())
NOISE_CHARS += (  # quotes, dashes, symbols, spaces, CJK punctuation
    "\u201c\u201d\u2018\u2019\u00ab\u00bb\u2014\u2013\u2026\u00b7\u00a1\u00bf\u2022"
    "\u20ac\u00a3\u00a5\u00a9\u00ae\u2122\u00b0\u00b1\u00d7\u00f7\u00a0\u2009\u2028"
    "\u3000\u3001\u3002\uff01\uff1f\uff1a\uff1b\uff08\uff09\u3010\u3011\u300c\u300d"
)
NOISE = st.text(st.sampled_from(NOISE_CHARS), max_size=12)
_counter = itertools.count(PAPERS)


@settings(max_examples=150, deadline=None)
@given(stored=st.text(), before=NOISE, after=NOISE)
def test_a_word_in_one_paper_finds_that_paper_whatever_surrounds_it(
    growing_store: Store, stored: str, before: str, after: str
) -> None:
    """Arbitrary stored text around the word, and wordless noise around it in the filter:
    the word alone decides."""
    word = unique_word(next(_counter))
    paper_id = _add(growing_store, f"{stored} {word} {stored}", stored, stored)
    for text in [word, word.upper(), f"title:{word}", f'"{word}"', f"{before} {word} {after}"]:
        assert read_every_way(growing_store, parse_query(text)) == [paper_id], text
    read_every_way(growing_store, parse_query(stored))  # the stored text as a filter


@pytest.mark.parametrize("text", ["a\udcffb", "\ud800x"])
def test_a_lone_surrogate_in_a_filter_is_text_too(hostile_store: Store, text: str) -> None:
    read_every_way(hostile_store, parse_query(text))
