"""The trash: delete, restore and empty, in the store and the CLI; a paper in the trash
is in no view but is:deleted (one test a path: list, count, stats, triage, exports,
position_of, the walk, dupes)."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

import pytest
from click.testing import CliRunner, Result, _NamedTextIOWrapper

from readlist.cli import cli
from readlist.core.errors import UnknownPaperError
from readlist.core.export import write_export
from readlist.core.ingest.importer import Importer
from readlist.core.query import parse_query
from readlist.core.store import Sort, Store, Walk, pages
from readlist.core.store.search import REVERSED_SORTS, SORTS
from tests.conftest import NOW

# Four papers that share the word "learning", so that one filter finds them all.
PAPERS = [
    ("Quantum annealing for sparse learning", "We anneal sparse learning problems on qubits."),
    ("Protein folding with graph learning", "Graph networks learning how proteins fold."),
    ("Robotic grasping by imitation learning", "Robots learning to grasp from demonstrations."),
    ("Tokenizer-free language learning", "Byte level models learning language directly."),
]


def make_dump(papers: list[tuple[str, str]], date_line: str = "Nov 20") -> bytes:
    body = "\n\n".join(f"{t}\n\n{a}" for t, a in papers)
    return f"new\n\nSubscribe\n\n{date_line}\n\n{body}\n".encode()


def fill(store: Store) -> None:
    report = Importer(store, now=NOW).import_bytes(make_dump(PAPERS), "one.txt")
    assert report.error is None and report.new == 4


@pytest.fixture
def lib(store: Store) -> Store:
    """Papers 1-4, paper 2 starred and noted, paper 1 in the trash."""
    fill(store)
    store.set_flag([2], "starred", True)
    store.set_note(2, "my note on folding")
    assert store.delete_papers([1]) == [1]
    return store


def shown_ids(store: Store, text: str = "") -> list[int]:
    return [p.id for p in store.search(parse_query(text))]


# -- the store ----------------------------------------------------------------------


def test_delete_moves_only_the_papers_not_in_the_trash_yet(lib: Store) -> None:
    assert lib.delete_papers([3, 1, 3]) == [3]
    assert lib.trash_count() == 2
    assert sorted(t.paper.id for t in lib.trashed()) == [1, 3]
    assert all(t.by_dump is None for t in lib.trashed())


def test_restore_brings_back_what_was_in_the_trash(lib: Store) -> None:
    assert lib.restore_papers([1, 2]) == [1]
    assert lib.trash_count() == 0
    assert sorted(shown_ids(lib)) == [1, 2, 3, 4]


@pytest.mark.parametrize("call", ["delete_papers", "restore_papers"])
def test_unknown_ids_are_one_error_and_nothing_changes(lib: Store, call: str) -> None:
    before = lib.state_stamp()
    with pytest.raises(UnknownPaperError, match=r"no paper with ids 98, 99; nothing changed"):
        getattr(lib, call)([3, 98, 99, 4])
    assert lib.state_stamp() == before
    assert [t.paper.id for t in lib.trashed()] == [1]


def test_a_delete_keeps_the_users_state(lib: Store) -> None:
    lib.delete_papers([2])
    lib.restore_papers([2])
    paper = lib.get(2)
    assert (paper.starred, paper.note) == (True, "my note on folding")


def test_emptying_the_trash_removes_every_row_and_keeps_the_library_sound(lib: Store) -> None:
    lib.delete_papers([2])
    with lib.transaction():  # a pair to review and tags name the papers too
        lib.imports.add_reviews([(2, 3, 80.0, 0.0, "test")])
        lib.conn.execute("INSERT INTO tags VALUES (2, 'bio', 'now'), (3, 'ml', 'now')")
    assert lib.empty_trash() == 2
    assert lib.trash_count() == 0
    for table, column in [
        ("papers", "id"),
        ("sightings", "paper_id"),
        ("dedupe_keys_recent", "paper_id"),
        ("state", "paper_id"),
        ("tags", "paper_id"),
        ("review", "paper_id"),
        ("review", "other_id"),
    ]:
        held = {r[0] for r in lib.conn.execute(f"SELECT {column} FROM {table}")}
        assert not held & {1, 2}, table
    assert lib.check_integrity() == []
    assert lib.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert lib.conn.execute("PRAGMA foreign_keys").fetchone() == (1,)
    assert lib.count(parse_query("folding")) == 0  # its words left the index
    assert lib.count(parse_query("note:folding")) == 0
    assert sorted(shown_ids(lib)) == [3, 4]
    assert lib.empty_trash() == 0


def test_a_later_import_leaves_a_deleted_paper_in_the_trash(lib: Store) -> None:
    Importer(store=lib, now=NOW).import_bytes(make_dump(PAPERS[:2], "Nov 21"), "two.txt")
    assert [t.paper.id for t in lib.trashed()] == [1]
    assert lib.get(1).times_seen == 2  # the listing is kept, the paper hidden


# -- hidden from every view but is:deleted ------------------------------------------


def test_list_hides_the_trash(lib: Store) -> None:
    assert sorted(shown_ids(lib)) == [2, 3, 4]
    assert sorted(shown_ids(lib, "learning")) == [2, 3, 4]
    assert sorted(shown_ids(lib, "sparse OR folding")) == [2]


def test_is_deleted_shows_the_trash_and_only_it(lib: Store) -> None:
    assert shown_ids(lib, "is:deleted") == [1]
    assert shown_ids(lib, "learning is:deleted") == [1]
    assert shown_ids(lib, "folding is:deleted") == []
    assert lib.count(parse_query("is:deleted")) == 1
    assert sorted(shown_ids(lib, "-is:deleted")) == [2, 3, 4]


def test_count_hides_the_trash(lib: Store) -> None:
    assert lib.count(parse_query("")) == 3
    assert lib.count(parse_query("learning")) == 3  # words alone: counted in the index
    assert lib.count(parse_query("learning -folding")) == 2


def test_stats_leave_the_trash_out_and_count_it(lib: Store) -> None:
    lib.set_flag([1], "read", True)
    lib.set_note(1, "a note in the trash")
    stats = lib.stats()
    assert (stats.papers, stats.starred, stats.read, stats.with_note) == (3, 1, 0, 1)
    assert stats.unread == 3 and stats.trashed == 1
    assert lib.stats(quick=True).papers == 3


def test_triage_hides_the_trash(lib: Store) -> None:
    assert sorted(lib.iter_ids(parse_query(""))) == [2, 3, 4]


def test_exports_hide_the_trash(lib: Store) -> None:
    out = io.StringIO()
    write_export(lib.iter_search(parse_query("")), "json", out)
    assert sorted(r["id"] for r in json.loads(out.getvalue())) == [2, 3, 4]


def test_position_of_hides_the_trash(lib: Store) -> None:
    query = parse_query("")
    order = shown_ids(lib)
    assert lib.position_of(query, "latest", 1) is None
    assert [lib.position_of(query, "latest", i) for i in order] == [0, 1, 2]
    assert lib.position_of(parse_query("is:deleted"), "latest", 1) == 0


@pytest.mark.parametrize("text", ["learning", "is:deleted learning"])
def test_the_walk_knows_the_trash(lib: Store, text: str) -> None:
    query = parse_query(text)
    walk = Walk(query)
    walked = [p.id for p in lib.page(query, 0, 10, walk=walk)]
    assert walk.forward.scanned  # the page came from the walk, not from SQL
    assert walked == shown_ids(lib, text)


def test_dupes_hide_a_pair_with_a_paper_in_the_trash(lib: Store) -> None:
    with lib.transaction():
        lib.imports.add_reviews([(1, 3, 80.0, 0.0, "r"), (3, 4, 80.0, 0.0, "r")])
    assert [(c.paper_id, c.other_id) for c in lib.review_candidates()] == [(3, 4)]


def test_stats_count_the_open_pairs_only(lib: Store) -> None:
    with lib.transaction():
        lib.imports.add_reviews([(1, 3, 80.0, 0.0, "r"), (3, 4, 80.0, 0.0, "r")])
        lib.imports.add_reviews([(2, 3, 80.0, 0.0, "r")])
    lib.keep_apart_pair(3, 2)
    assert lib.stats().review_candidates == 1  # (3, 4): (1, 3) is in the trash


def test_tag_counts_leave_the_trash_out(lib: Store) -> None:
    lib.add_tag([1, 2], "later")
    lib.add_tag([1], "gone")
    assert lib.tag_counts() == [("later", 1)]


def test_bulk_marks_leave_the_trash_alone(lib: Store) -> None:
    assert sorted(lib.flag_where(parse_query("learning"), "read", True)) == [2, 3, 4]
    assert not lib.get(1).read


# -- the CLI ------------------------------------------------------------------------


def run(db: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args], input=input)


@pytest.fixture
def db(db_path: Path) -> Iterator[Path]:
    with Store.open(db_path) as store:
        fill(store)
        store.set_flag([2], "starred", True)
        store.set_note(3, "mine")
    yield db_path


def test_delete_without_yes_says_what_it_would_move_and_moves_nothing(db: Path) -> None:
    result = run(db, "delete", "1", "2", "3")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: Would move 3 papers to the trash (1 starred, 1 with a note); give --yes"
    )
    assert run(db, "trash", "--format", "json").stdout.strip() == "[]"


def test_delete_then_restore(db: Path) -> None:
    result = run(db, "delete", "1", "2", "--yes")
    assert result.exit_code == 0, result.output
    assert "Moved 2 papers to the trash (1 starred)" in result.stdout
    listed = json.loads(run(db, "list", "--format", "json").stdout)
    assert sorted(p["id"] for p in listed) == [3, 4]
    trashed = json.loads(run(db, "trash", "--format", "json").stdout)
    assert sorted(t["id"] for t in trashed) == [1, 2]
    assert {t["by_dump"] for t in trashed} == {None}
    assert run(db, "restore", "2").stdout.strip() == "Restored 1 paper."
    exported = json.loads(run(db, "export", "--format", "json").stdout)
    assert [p["id"] for p in exported] == [2]


def test_export_leaves_out_a_deleted_paper(db: Path) -> None:
    run(db, "delete", "2", "--yes")
    assert json.loads(run(db, "export", "--all", "--format", "json").stdout) != []
    assert json.loads(run(db, "export", "--format", "json").stdout) == []


def test_dupes_leave_out_a_pair_with_a_deleted_paper(db: Path) -> None:
    with Store.open(db) as store, store.transaction():
        store.imports.add_reviews([(1, 2, 80.0, 0.0, "r")])
    assert len(json.loads(run(db, "dupes", "--format", "json").stdout)) == 1
    run(db, "delete", "2", "--yes")
    assert json.loads(run(db, "dupes", "--format", "json").stdout) == []
    assert [
        p["id"] for p in json.loads(run(db, "list", "is:deleted", "--format", "json").stdout)
    ] == [2]


def test_delete_of_an_unknown_id_is_one_line(db: Path) -> None:
    result = run(db, "delete", "2", "77", "--yes")
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: no paper with id 77; nothing changed"
    assert run(db, "trash", "--format", "json").stdout.strip() == "[]"


def test_trash_empty_needs_yes_without_a_terminal(db: Path) -> None:
    run(db, "delete", "1", "--yes")
    result = run(db, "trash", "--empty")
    assert result.exit_code == 2
    assert "give --yes" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert run(db, "trash", "--empty", "--yes").stdout.strip() == "Removed 1 paper for good."
    assert run(db, "check").exit_code == 0


@pytest.mark.parametrize(("answer", "left"), [("n\n", 1), ("y\n", 0)])
def test_trash_empty_asks_on_a_terminal(
    db: Path, monkeypatch: pytest.MonkeyPatch, answer: str, left: int
) -> None:
    run(db, "delete", "1", "--yes")
    monkeypatch.setattr(_NamedTextIOWrapper, "isatty", lambda self: True)  # a terminal
    result = run(db, "trash", "--empty", input=answer)
    assert "Remove 1 paper in the trash for good?" in result.output
    assert len(json.loads(run(db, "trash", "--format", "json").stdout)) == left


def test_pages_of_the_whole_library_leave_out_the_trash_at_any_offset(
    sample_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pages read without testing each row (store/pages.py, here at every offset)
    are the list's own, in every order."""
    monkeypatch.setattr(pages, "ROWS_PER_TRASHED", 0)
    everything = parse_query("")
    lib = sample_store
    lib.delete_papers([*range(1, 30, 3), *range(150, 160), 200, 201, 357, 358])
    total = lib.count(everything)
    for sort in get_args(Sort):
        whole = [p.id for p in lib.search(everything, sort=sort)]
        assert total == len(whole) == 358 - 24
        for offset in (0, 1, 17, 60, 150, 166, 167, 200, 300, 320, 330, 334):
            page = lib.page(everything, offset, 20, sort=sort, total=total)
            assert [p.id for p in page] == whole[offset : offset + 20], (sort, offset)
            page = lib.page(everything, offset, 20, sort=sort)  # forwards, at any offset
            assert [p.id for p in page] == whole[offset : offset + 20], (sort, offset)
            # each answered by pages.py, not by SQL's test of every row
            forwards = pages.kept_page(lib.conn, sort, SORTS[sort], False, offset, 20)
            assert forwards == whole[offset : offset + 20], (sort, offset)
            backwards = pages.kept_page(lib.conn, sort, REVERSED_SORTS[sort], True, offset, 20)
            assert backwards == whole[::-1][offset : offset + 20], (sort, offset)
