"""Marking every paper a query matches: `mark --query` counts and asks first, writes in one
transaction, and `Bulk.undo` puts back only the papers it changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.core.care.bulk import Bulk
from readlist.core.query import parse_query
from readlist.core.store import Store
from tests.conftest import SAMPLE_DUMPS
from tests.unit.test_cli import ok, one_line_error, run

WORD = "diffusion"


@pytest.fixture
def library(db_path: Path) -> Path:
    ok(db_path, "import", str(SAMPLE_DUMPS))
    return db_path


def ids_of(db: Path, query: str) -> set[int]:
    with Store.open(db) as store:
        return {p.id for p in store.search(parse_query(query))}


def test_mark_query_says_the_count_and_changes_only_what_it_matches(library: Path) -> None:
    matched = ids_of(library, WORD)
    ok(library, "mark", str(min(matched)), "--read")
    result = ok(library, "mark", "--query", WORD, "--read", "--yes")
    assert result.stdout.strip() == (f"Marked {len(matched) - 1} paper(s) read ({1} already were).")
    assert ids_of(library, "is:read") == matched


def test_mark_query_without_a_terminal_refuses_without_yes(library: Path) -> None:
    result = run(library, "mark", "--query", WORD, "--star")
    one_line_error(result, f"Mark {len(ids_of(library, WORD))} paper(s) starred", "give --yes")
    assert ids_of(library, "is:starred") == set()


def test_mark_takes_ids_or_a_query_not_both_nor_neither(library: Path) -> None:
    one_line_error(run(library, "mark", "1", "--query", WORD, "--star"), "not both")
    one_line_error(run(library, "mark", "--star"), "IDs, or --query")
    assert ids_of(library, "is:starred") == set()


def test_mark_query_matching_nothing_changes_nothing(library: Path) -> None:
    result = ok(library, "mark", "--query", "zzzqqqxx", "--star", "--yes")
    assert "nothing marked" in result.stdout
    assert ids_of(library, "is:starred") == set()


def test_bulk_undo_puts_back_only_the_papers_it_changed(library: Path) -> None:
    matched = sorted(ids_of(library, WORD))
    with Store.open(library) as store:
        store.set_flag(matched[:2], "starred", True)
        bulk = Bulk("star")
        changed = bulk.run(store, parse_query(WORD))
        assert sorted(changed) == matched[2:]
        assert bulk.done(len(changed), len(matched)).endswith("(2 already were)")
        bulk.undo(store, changed)
        assert {p.id for p in store.search(parse_query("is:starred"))} == set(matched[:2])
        assert store.check_integrity() == []


def test_mark_query_with_a_word_it_cannot_read_marks_nothing(library: Path) -> None:
    """A dropped word would widen the query to more than was meant: the whole library,
    when it was the only word."""
    ok(library, "saved", "set", "fav", "is:starred")
    ok(library, "saved", "set", "fav2", "saved:fav")
    ok(library, "saved", "rm", "fav")
    for query in ("saved:fav2", "is:bogus", "diffusion is:stared"):
        one_line_error(run(library, "mark", "--query", query, "--read", "--yes"), query)
    assert ids_of(library, "is:read") == set()


def test_saved_set_refuses_a_query_that_cannot_work(library: Path) -> None:
    one_line_error(
        run(library, "saved", "set", "loop", "saved:loop"), "saved:loop", "nothing saved"
    )
    one_line_error(run(library, "saved", "set", "x", ""), "saved:x", "empty", "nothing saved")
    one_line_error(run(library, "saved", "set", "y", "is:bogus"), "is:bogus", "nothing saved")
    assert ok(library, "saved", "list", "--format", "json").stdout.strip() == "[]"


def test_bulk_undo_reads_the_ids_left_not_the_papers(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    matched = sorted(ids_of(library, WORD))
    with Store.open(library) as store:
        assert store.present_ids([matched[1], 10**9, matched[0]]) == [matched[1], matched[0]]
        for kind in ("delete", "tag"):
            bulk = Bulk(kind, tag="later")
            changed = bulk.run(store, parse_query(WORD))
            with monkeypatch.context() as patched:
                patched.setattr(Store, "get_many", lambda *_: pytest.fail("papers read"))
                bulk.undo(store, changed)
        assert store.trash_count() == 0 and store.tag_counts() == []
