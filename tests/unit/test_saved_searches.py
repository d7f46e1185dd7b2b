"""Saved searches: the store's calls, `saved:NAME` in the query language (expanded by
the parser from the library's saved searches, never looping), and `readlist saved`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from readlist.core.models import SavedSearch
from readlist.core.query import State, Tag, Term, parse_query
from readlist.core.store import BadNameError, Store
from tests.unit.test_cli import listed, ok, one_line_error, run


def test_saved_searches_keep_their_order_and_a_name_is_one_whatever_its_case(
    store: Store,
) -> None:
    stamp = store.state_stamp()
    assert store.save_search("Fresh", "is:new -is:read")
    assert store.save_search("mine", "is:starred")
    assert store.state_stamp() > stamp
    assert not store.save_search("FRESH", "is:new")  # replaced, in its place
    assert store.saved_searches() == [
        SavedSearch("Fresh", "is:new", 1),
        SavedSearch("mine", "is:starred", 2),
    ]
    assert store.saved_queries() == {"Fresh": "is:new", "mine": "is:starred"}
    assert store.remove_saved_search("fresh") == SavedSearch("Fresh", "is:new", 1)
    assert store.remove_saved_search("fresh") is None
    assert store.save_search("again", "x")
    assert [s.name for s in store.saved_searches()] == ["mine", "again"]
    with pytest.raises(BadNameError, match="saved search name 'two words' has a space"):
        store.save_search("two words", "x")


SAVED = {"Fresh": "is:new -is:read", "ml": "tag:ml OR tag:rl", "both": "saved:fresh saved:ML"}


def test_saved_stands_for_its_query_whatever_the_case_of_its_name() -> None:
    assert parse_query("saved:FRESH mamba", SAVED).clauses == (
        (State("new"),),
        (State("read", negated=True),),
        (Term("mamba"),),
    )
    assert parse_query("saved:both", SAVED).clauses == (
        (State("new"),),
        (State("read", negated=True),),
        (Tag("ml"), Tag("rl")),
    )
    # one clause ORs as a word does
    assert parse_query("is:starred OR saved:ml", SAVED).clauses == (
        (State("starred"), Tag("ml"), Tag("rl")),
    )
    assert parse_query("saved:fresh", SAVED).text == "saved:fresh"
    assert parse_query("saved:fresh").hints  # no saved searches given: a hint


def test_a_negated_saved_search_is_negated_where_the_language_can_say_it() -> None:
    assert parse_query("-saved:ml", SAVED).clauses == (
        (Tag("ml", negated=True),),
        (Tag("rl", negated=True),),
    )
    assert parse_query("-saved:fresh", SAVED).clauses == (
        (State("new", negated=True), State("read")),
    )
    mixed = parse_query("-saved:x a", {"x": "a OR b c"})
    assert mixed.clauses == ((Term("a"),),)
    assert "cannot be negated whole" in mixed.hints[0].message


@pytest.mark.parametrize(
    ("text", "saved", "message"),
    [
        ("saved:me", {"me": "saved:ME x"}, "saved search me names itself"),
        ("saved:a", {"a": "saved:b", "b": "x saved:a"}, "saved search a names itself"),
        (
            "saved:nope",
            {"a": "x", "B": "y"},
            "unknown saved search saved:nope — saved searches: a, B",
        ),
        ("saved:nope", {}, "none is saved (readlist saved set NAME QUERY)"),
        ("saved:", {}, "empty filter saved: — write saved:name"),
    ],
)
def test_a_loop_or_an_unknown_name_is_a_hint_never_an_error(
    text: str, saved: dict[str, str], message: str
) -> None:
    query = parse_query(text, saved)
    assert any(message in hint.message for hint in query.hints), query.hints


def test_or_next_to_a_search_of_several_terms_reads_as_and_and_says_so() -> None:
    for text in ("saved:fresh OR mamba", "mamba OR saved:fresh"):
        query = parse_query(text, SAVED)
        assert len(query.clauses) == 3
        assert [hint.word for hint in query.hints] == ["OR"]
        assert "(several terms) reads as AND" in query.hints[0].message


def test_searches_that_name_each_other_twice_at_every_level_stay_bounded() -> None:
    saved = {f"s{n}": f"saved:s{n + 1} saved:s{n + 1}" for n in range(40)} | {"s40": "x"}
    query = parse_query("saved:s0", saved)
    assert query.clauses and len(query.clauses) <= 256
    assert "more than 256 times" in query.hints[-1].message


def test_a_loop_keeps_the_rest_of_the_search() -> None:
    query = parse_query("saved:a", {"a": "saved:b tokens", "b": "saved:a attention"})
    assert query.clauses == ((Term("attention"),), (Term("tokens"),))


# --- the commands --------------------------------------------------------------------


@pytest.fixture
def small_library(db_path: Path) -> Path:
    from tests.conftest import SAMPLE_DUMPS

    ok(db_path, "import", str(sorted(SAMPLE_DUMPS.glob("*.txt"))[0]))
    return db_path


def test_saved_set_list_rm_and_use(small_library: Path) -> None:
    db = small_library
    ok(db, "mark", "1", "2", "--star")
    assert ok(db, "saved", "set", "stars", "is:starred").stdout == (
        "Saved saved:stars = is:starred\n"
    )
    ok(db, "saved", "set", "fresh", "--", "-is:read", "saved:stars")
    assert ok(db, "saved", "list").stdout == (
        "1  stars  is:starred\n2  fresh  -is:read saved:stars\n"
    )
    assert json.loads(ok(db, "saved", "list", "--format", "json").stdout) == [
        {"name": "stars", "query": "is:starred", "key": 1},
        {"name": "fresh", "query": "-is:read saved:stars", "key": 2},
    ]
    assert {p["id"] for p in listed(db, "saved:Fresh")} == {1, 2}
    ok(db, "mark", "1", "--read")
    assert {p["id"] for p in listed(db, "saved:fresh")} == {2}
    exported = ok(db, "export", "--format", "json", "saved:fresh").stdout
    assert [p["id"] for p in json.loads(exported)] == [2]
    assert ok(db, "saved", "set", "STARS", "is:starred", "has:note").stdout.startswith(
        "Replaced saved:STARS"
    )
    assert ok(db, "saved", "rm", "stars").stdout == (
        "Removed saved:stars (it was: is:starred has:note)\n"
    )
    hint = run(db, "list", "saved:stars")
    assert hint.exit_code == 0
    assert "unknown saved search saved:stars — saved searches: fresh" in hint.stderr


def test_saved_mistakes_are_one_line(small_library: Path) -> None:
    db = small_library
    one_line_error(run(db, "saved", "rm", "nope"), "no saved search named nope")
    one_line_error(run(db, "saved", "set", "a b", "x"), "saved search name 'a b' has a space")
    one_line_error(
        run(db, "saved", "set", "loop", "saved:loop", "x"),
        "saved search loop names itself",
        "nothing saved",
    )
