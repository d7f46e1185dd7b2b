"""Hostile text in a filter is read as words, never as SQL or FTS5 syntax, and hostile
text in the library is found by its words.

test_query.py shows that no string raises in `search(limit=5)` and `count`; these add
what it leaves open: every read path (`count`, `search` whole and limited, `page` with
its walk from either end), agreement between them, and that what comes back is what
the words say, checked against a reference matcher written here in Python. The papers
carry identity (authors, arXiv ids, upvotes, days published, links), so the filters on
it (author:, id:, has:code, upvotes>=5, published<2026 ...) are in the mix too.
"""

from __future__ import annotations

import itertools
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.core.models import Paper
from readlist.core.query import FIELDS, ArxivId, Author, Query, Range, State, Term, parse_query
from readlist.core.store import Store
from readlist.core.store import walk as walk_module
from readlist.core.store.walk import Walk
from tests.conftest import write_paper

# FTS5 operators and syntax, SQL, the filter language's own, controls and NUL; words
# short enough to be prefixes of each other ("al" of "alpha", "no" of "not").
WORDS = ["alpha", "al", "beta", "near", "NEAR", "and", "AND", "or", "OR", "not", "NOT", "no"]
WORDS += ["x1", "x", "1", "zeta", "Zeta"]
PUNCTUATION = list("\"*:^()-+{}[]'\\;%_,./@#$&|~`<>=!?")
CONTROLS = ["\x00", "\x1b", "\x07", "\x08", "\r", "\x7f", "\x9b", "\t", "\n"]
SYNTAX = ["NEAR(", "NEAR/2", ")", "title:", "abstract:", "note:", "is:starred", "is:read"]
SYNTAX += ["is:unread", "has:note", "-", "--", "'; DROP TABLE papers; --", "{title}", "^al"]
# The filters on identity: in queries only, so that the library's text stays as it is.
IDENTITY = ["author:", "-author:", "id:", "id:2504.0000", "arXiv:", "v2", "has:code", "has:id"]
IDENTITY += ["has:authors", "is:withdrawn", "upvotes", "published", ">=", "<=", ">", "<", "="]
IDENTITY += ["2026", "-01", "-1", "upvotes>=", "published<", "9"]
PIECES = st.sampled_from([*WORDS, *PUNCTUATION, *CONTROLS, *SYNTAX, *IDENTITY, " ", " ", " "])
# Glued soup, and soup in the shape of a filter: items, some negated, quoted or
# fielded, some joined by OR, some states.
SOUP = st.lists(PIECES, max_size=14).map("".join)
LEAD = st.sampled_from(["", "", "", "-", '"', "title:", "-note:", "(", "^", "*"])
ITEM = st.tuples(LEAD, st.lists(PIECES, min_size=1, max_size=3).map("".join)).map("".join)
FILTERS = ["OR", "is:read", "-has:note", "has:code", "-is:withdrawn", "upvotes>=5", "upvotes<3"]
FILTERS += ["published>=2026-02", "published=2025", "-published<2026", "id:2504.00003v2"]
FILTERS += ["author:al", 'author:"zeta x1"', "-author:beta", "has:id", "-has:authors"]
SHAPED = st.lists(st.one_of(ITEM, st.sampled_from(FILTERS)), max_size=7)
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


def give_identity(store: Store, paper_id: int, **columns: Any) -> None:
    """Set papers' identity columns as an import would (authors as a JSON array, so
    that authors_fts indexes them through its trigger). Call it in store.transaction()."""
    if "authors" in columns:
        columns["authors"] = json.dumps(list(columns["authors"]), ensure_ascii=False)
    assignments = ", ".join(f"{name} = ?" for name in columns)
    store.conn.execute(
        f"UPDATE papers SET {assignments} WHERE id = ?", [*columns.values(), paper_id]
    )


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
    with store.transaction():
        for n in range(1, PAPERS + 1):
            give_identity(store, n, **hostile_identity(rng, n))
    return store


def hostile_identity(rng: random.Random, n: int) -> dict[str, object]:
    """Identity for paper n, each field missing from some papers; authors' names are
    hostile text too."""
    meta: dict[str, object] = {}
    if rng.random() < 0.8:
        meta["authors"] = [hostile_text(rng, 5) for _ in range(rng.randrange(3))]
    if rng.random() < 0.8:
        meta["upvotes"] = rng.randrange(10)
    if rng.random() < 0.8:
        meta["published"] = (
            f"{rng.choice([2025, 2026])}-{rng.randrange(1, 13):02}-{rng.randrange(1, 29):02}"
        )
    if rng.random() < 0.7:
        meta["arxiv_id"] = f"2504.{n:05}"
    if rng.random() < 0.4:
        meta["github"] = f"https://github.com/x/{n}"
    if rng.random() < 0.1:
        meta["withdrawn"] = "2026-01-01"
    return meta


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


def words_match(text: str, phrase: bool, have: list[str]) -> bool:
    """The words of `text` in a row in `have`, the last one as a prefix unless it is a
    phrase: the FTS5 string every term becomes, whatever punctuation it holds."""
    *head, last = tokens(text)
    size = len(head) + 1
    for i in range(len(have) - size + 1):
        end = have[i + size - 1]
        if have[i : i + size - 1] == head and (end == last if phrase else end.startswith(last)):
            return True
    return False


def term_matches(term: Term, paper: Paper) -> bool:
    fields = (term.field,) if term.field else FIELDS
    return any(words_match(term.text, term.phrase, tokens(getattr(paper, f))) for f in fields)


def author_matches(author: Author, paper: Paper) -> bool:
    """The authors as the library holds them, a JSON array, the text authors_fts reads."""
    stored = json.dumps(list(paper.meta.authors), ensure_ascii=False)
    return words_match(author.text, author.phrase, tokens(stored))


def range_matches(item: Range, paper: Paper) -> bool:
    value = getattr(paper.meta, item.field)
    if value is None:
        return False
    return (item.low is None or value >= item.low) and (item.high is None or value < item.high)


def state_matches(state: State, paper: Paper) -> bool:
    return {
        "starred": paper.starred,
        "read": paper.read,
        "unread": not paper.read,
        "note": paper.note != "",
        "withdrawn": paper.meta.withdrawn is not None,
        "code": paper.meta.github is not None,
        "id": paper.meta.arxiv_id is not None,
        "authors": bool(paper.meta.authors),
    }[state.name]


def item_matches(item: Term | State | Author | ArxivId | Range, paper: Paper) -> bool:
    if isinstance(item, Term):
        return term_matches(item, paper)
    if isinstance(item, Author):
        return author_matches(item, paper)
    if isinstance(item, ArxivId):
        return paper.meta.arxiv_id == item.arxiv_id
    if isinstance(item, Range):
        return range_matches(item, paper)
    return state_matches(item, paper)


def matches(query: Query, paper: Paper) -> bool:
    """Clauses ANDed, the items of a clause ORed: the language's documented meaning."""
    return all(
        any(item_matches(item, paper) != item.negated for item in clause)
        for clause in query.clauses
    )


def test_the_reference_matcher_reads_words_as_the_store_does(hostile_store: Store) -> None:
    """The matcher agrees with the store on queries whose meaning is plain, so that its
    agreement on hostile ones below means something."""
    every = hostile_store.search(Query())
    assert len(every) == PAPERS
    plain = ["al", "alpha", "near x1", '"alpha beta"', "title:zeta", "note:no", "x OR 1"]
    plain += ["-beta is:read", "has:note -not", "NEAR(alpha", "zeta*"]
    plain += ["author:al", "-author:al", "has:code", "upvotes>=5", "-upvotes<3 OR is:read"]
    plain += ["published<2025-07", "id:2504.00003v1 OR id:arXiv:2504.00009", "-has:authors"]
    plain += ["is:withdrawn OR upvotes=2", 'author:"drop table"', "-has:id", "al published=2026"]
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
            patch.setattr(walk_module, name, value)
        patch.setattr(walk_module, "GATHER_TESTED", 8)
        patch.setattr(walk_module, "GATHER_SORTED", 16)
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
