"""A filter word that names no filter is left out of the query with a hint saying so,
and the rest of the query runs; a word with a colon that is not is:/has: stays text."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.cli import cli
from readlist.core.query import ArxivId, Author, Hint, Range, State, Term, parse_query
from readlist.core.store import Store
from tests.conftest import SAMPLE_DUMPS


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("is:stared", "unknown filter is:stared — did you mean is:starred?"),
        ("IS:Stard", "unknown filter IS:Stard — did you mean is:starred?"),
        ("-is:stared", "unknown filter -is:stared — did you mean -is:starred?"),
        ("is:unstarred", "unknown filter is:unstarred — did you mean -is:starred?"),
        ("-is:unstarred", "unknown filter -is:unstarred — did you mean is:starred?"),
        ("has:no-note", "unknown filter has:no-note — did you mean -has:note?"),
        ("is:note", "unknown filter is:note — did you mean has:note?"),
        ("has:starred", "unknown filter has:starred — did you mean is:starred?"),
        (
            "is:old",
            "unknown filter is:old — is: takes starred, read, unread, withdrawn, new or deleted",
        ),
        ("is:", "unknown filter is: — is: takes starred, read, unread, withdrawn, new or deleted"),
        ("is:delted", "unknown filter is:delted — did you mean is:deleted?"),
        ("is:undeleted", "unknown filter is:undeleted — did you mean -is:deleted?"),
        ("has:abstract", "unknown filter has:abstract — has: takes note, code, id or authors"),
        ("title:", "empty filter title: — write title:word"),
        ("-Note:", "empty filter -Note: — write -note:word"),
        ('abstract:""', 'empty filter abstract:"" — write abstract:word'),
        ("is:withdrawed", "unknown filter is:withdrawed — did you mean is:withdrawn?"),
        ("has:github", "unknown filter has:github — has: takes note, code, id or authors"),
        ("-has:cod", "unknown filter -has:cod — did you mean -has:code?"),
        ("has:no-code", "unknown filter has:no-code — did you mean -has:code?"),
        ("author:", "empty filter author: — write author:name"),
        ('-author:""', 'empty filter -author:"" — write -author:name'),
        ("id:", "empty filter id: — write id:2504.01234"),
        ("id:foo", "unknown filter id:foo — write an arXiv id: id:2504.01234"),
        ("-id:2504", "unknown filter -id:2504 — write an arXiv id: -id:2504.01234"),
        ("upvotes>=lots", "unknown filter upvotes>=lots — write a count: upvotes>=20"),
        ("upvotes<-1", "unknown filter upvotes<-1 — write a count: upvotes<20"),
        ("-upvotes>2.5", "unknown filter -upvotes>2.5 — write a count: -upvotes>20"),
        ("upvotes>=", "empty filter upvotes>= — write upvotes>=20"),
        (
            "published>=yesterday",
            "unknown filter published>=yesterday — write a year, month or day:"
            " published>=2026-01-01",
        ),
        (
            "published<2026-13",
            "unknown filter published<2026-13 — write a year, month or day: published<2026-01-01",
        ),
        (
            "published=2026-02-30",
            "unknown filter published=2026-02-30 — write a year, month or day:"
            " published=2026-01-01",
        ),
        *[
            (
                f"published={value}",
                f"unknown filter published={value} — write a year,"
                " month or day: published=2026-01-01",
            )
            for value in ["2026-00", "2026-01-00", "0000", "2026-1-", "26", "2026/01"]
        ],
        ("Upvote>=5", "unknown filter Upvote>=5 — did you mean upvotes>=5?"),
        ("-votes>3", "unknown filter -votes>3 — did you mean -upvotes>3?"),
        ("publishd<2026", "unknown filter publishd<2026 — did you mean published<2026?"),
        ("upvotes:20", "unknown filter upvotes:20 — did you mean upvotes>=20?"),
        ("upvotes:>20", "unknown filter upvotes:>20 — did you mean upvotes>20?"),
        ("published:2026", "unknown filter published:2026 — did you mean published=2026?"),
        ("published:", "unknown filter published: — did you mean published=2026-01-01?"),
    ],
)
def test_a_word_that_names_no_filter_is_a_hint(text: str, message: str) -> None:
    query = parse_query(text)
    assert query.clauses == ()
    assert [(hint.word, hint.message) for hint in query.hints] == [(text, message)]


def test_the_rest_of_the_query_stays() -> None:
    query = parse_query("mamba is:stared -survey")
    assert query.clauses == ((Term("mamba"),), (Term("survey", negated=True),))
    assert [hint.word for hint in query.hints] == ["is:stared"]


def test_a_hint_in_an_or_leaves_the_other_alternatives_their_own_clause() -> None:
    """`a is:x OR is:read` is a and (is:read), not (a or is:read)."""
    assert parse_query("mamba is:stared OR is:read").clauses == (
        (Term("mamba"),),
        (State("read"),),
    )
    assert parse_query("mamba OR is:stared video").clauses == ((Term("mamba"),), (Term("video"),))
    assert parse_query("is:old OR is:stared").clauses == ()
    assert len(parse_query("is:old OR is:stared").hints) == 2


def test_known_filters_and_other_colons_give_no_hint() -> None:
    query = parse_query('is:star has:notes title:mamba note:"to read" arXiv:2401 foo:bar')
    assert query.hints == ()
    assert query.clauses == (
        (State("starred"),),
        (State("note"),),
        (Term("mamba", field="title"),),
        (Term("to read", field="note", phrase=True),),
        (Term("arXiv:2401"),),
        (Term("foo:bar"),),
    )


def test_a_query_with_a_hint_finds_what_the_rest_finds(sample_store: Store) -> None:
    ids = [paper.id for paper in sample_store.search(parse_query("continual"))]
    assert ids
    assert [p.id for p in sample_store.search(parse_query("continual is:stared title:"))] == ids


SOUP = ["is:", "has:", "title:", "-note:", "abstract:", "star", "unread", "no", "un", "OR"]
SOUP += ["author:", "id:", "2504.01234", "v2", "upvotes", "published", ">=", "<", "=", "2026"]
SOUP += ["-01", "code", "withdrawn", "votes", ":"]
ALPHABET = st.sampled_from([*'ab -":*\x00', *SOUP])
CONTROLS = r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]"  # read as spaces


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), st.lists(ALPHABET, max_size=10).map("".join)))
def test_hints_never_raise_and_name_what_was_typed(text: str) -> None:
    query = parse_query(text)
    typed = re.sub(CONTROLS, " ", text).replace('"', "")  # the words, as the parser reads them
    for hint in query.hints:
        assert isinstance(hint, Hint)
        assert hint.message.startswith(("unknown filter ", "empty filter "))
        assert hint.word.replace('"', "") in typed
    items = [item for clause in query.clauses for item in clause]
    assert all(isinstance(item, Term | State | Author | ArxivId | Range) for item in items)
    assert all(query.clauses)


# -- the CLI says the hint on stderr, and the query runs -------------------------------


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args])


@pytest.fixture
def library(db_path: Path) -> Path:
    assert run(db_path, "import", str(SAMPLE_DUMPS)).exit_code == 0
    return db_path


def test_list_says_the_hint_on_stderr_and_lists_the_rest(library: Path) -> None:
    plain = run(library, "list", "--format", "json", "continual")
    hinted = run(library, "list", "--format", "json", "continual", "is:stared")
    assert hinted.exit_code == 0
    assert hinted.stderr.splitlines() == ["unknown filter is:stared — did you mean is:starred?"]
    assert json.loads(hinted.stdout) == json.loads(plain.stdout) != []
    assert plain.stderr == ""


def test_export_says_the_hint_on_stderr(library: Path) -> None:
    result = run(library, "export", "--all", "--format", "json", "title:", "has:abstract")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "empty filter title: — write title:word",
        "unknown filter has:abstract — has: takes note, code, id or authors",
    ]
    assert len(json.loads(result.stdout)) == 358  # the rest of the query: every paper
