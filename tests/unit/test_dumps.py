"""Undoing an import: `readlist dumps` lists what came in, `dumps remove` takes a dump's
listings out; papers only it listed go to the trash but for those the user made their
own, and come back when a later import lists them."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result, _NamedTextIOWrapper

from readlist.cli import cli
from readlist.core.care import removal_said
from readlist.core.care.bulk import Bulk
from readlist.core.errors import UnknownDumpError
from readlist.core.ingest.importer import Importer
from readlist.core.query import parse_query
from readlist.core.store import Store
from tests.conftest import NOW
from tests.unit.test_trash import PAPERS, make_dump

# dump 1 lists papers 1-4 on Nov 20; dump 2 lists papers 3 and 4 again, and 5 and 6.
LATER = [
    *PAPERS[2:],
    ("Sparse attention for long video", "Attention that skips frames of long videos."),
    ("Federated tuning of small models", "Clients tune small models without sharing data."),
]
FIRST, SECOND = make_dump(PAPERS, "Nov 20"), make_dump(LATER, "Nov 22")


def imported(store: Store, data: bytes, name: str) -> None:
    assert Importer(store, now=NOW).import_bytes(data, name).error is None


@pytest.fixture
def lib(store: Store) -> Store:
    imported(store, FIRST, "first.txt")
    imported(store, SECOND, "second.txt")
    return store


def seen(store: Store, paper_id: int) -> tuple[int, str, str]:
    paper = store.get(paper_id)
    return paper.times_seen, paper.first_seen, paper.last_seen


def test_dumps_lists_each_import_with_its_counts(lib: Store) -> None:
    first, second = lib.dumps()
    assert (first.id, first.source, first.date_lines) == (1, "first.txt", ("Nov 20",))
    assert (first.listings, first.new, first.merged, first.whole) == (4, 4, 0, True)
    assert (second.id, second.source, second.date_lines) == (2, "second.txt", ("Nov 22",))
    assert (second.listings, second.new, second.merged) == (4, 2, 2)
    assert lib.dump_removal(2).dump == second  # one dump, read alone, says the same


def test_removing_a_dump_trashes_the_papers_only_it_listed(lib: Store) -> None:
    assert seen(lib, 3)[0] == 2
    removal = lib.remove_dump(2)
    assert (removal.trashed, removal.kept, removal.also_listed) == ((5, 6), (), 2)
    assert [(t.paper.id, t.by_dump) for t in lib.trashed()] == [(5, 2), (6, 2)]
    assert [d.id for d in lib.dumps()] == [1]
    assert seen(lib, 3) == seen(lib, 1)  # its count and days are the first dump's again
    assert seen(lib, 3)[0] == 1
    assert sorted(p.id for p in lib.search(parse_query(""))) == [1, 2, 3, 4]
    assert lib.check_integrity() == []


def test_papers_the_user_made_their_own_stay(lib: Store) -> None:
    lib.set_flag([5], "read", True)
    with lib.transaction():
        lib.conn.execute("INSERT INTO tags VALUES (6, 'later', 'now')")
    planned = lib.dump_removal(2)
    assert (planned.trashed, planned.kept) == ((), (5, 6))
    assert lib.dumps()[1].id == 2  # asking changes nothing
    lib.remove_dump(2)
    assert lib.trash_count() == 0
    assert lib.get(5).read and lib.get(5).times_seen == 0


def test_a_paper_the_user_deleted_stays_in_the_trash(lib: Store) -> None:
    lib.delete_papers([5])
    removal = lib.remove_dump(2)
    assert (removal.trashed, removal.already_in_trash) == ((6,), (5,))
    assert {t.paper.id: t.by_dump for t in lib.trashed()} == {5: None, 6: 2}


def test_importing_the_dump_again_brings_its_papers_back(lib: Store) -> None:
    before = {i: seen(lib, i) for i in range(1, 7)}
    lib.delete_papers([6])
    lib.remove_dump(2)
    imported(lib, SECOND, "second.txt")  # its row is gone: the same bytes come in again
    assert [t.paper.id for t in lib.trashed()] == [6]  # the user's delete holds
    assert {i: seen(lib, i) for i in range(1, 7)} == before
    assert lib.stats().papers == 5
    assert lib.check_integrity() == []


def test_an_unknown_dump_is_one_error(lib: Store) -> None:
    with pytest.raises(UnknownDumpError, match="no imported dump with id 9"):
        lib.remove_dump(9)
    assert len(lib.dumps()) == 2


# -- the CLI ------------------------------------------------------------------------


def run(db: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args], input=input)


@pytest.fixture
def db(db_path: Path) -> Path:
    with Store.open(db_path) as store:
        imported(store, FIRST, "first.txt")
        imported(store, SECOND, "second.txt")
        store.set_flag([5], "starred", True)
    return db_path


def test_dumps_json(db: Path) -> None:
    listed = json.loads(run(db, "dumps", "--format", "json").stdout)
    assert [(d["id"], d["source"], d["date_lines"]) for d in listed] == [
        (1, "first.txt", ["Nov 20"]),
        (2, "second.txt", ["Nov 22"]),
    ]
    assert {k: listed[1][k] for k in ("listings", "new", "merged")} == {
        "listings": 4,
        "new": 2,
        "merged": 2,
    }
    assert listed[0]["imported_at"] == NOW.isoformat(timespec="seconds")
    assert "second.txt, Nov 22" in run(db, "dumps").stdout


def test_dumps_remove_needs_yes_without_a_terminal(db: Path) -> None:
    result = run(db, "dumps", "remove", "2")
    assert result.exit_code == 2
    assert "1 paper would go to the trash; 1 would stay because you" in result.stderr
    assert (
        result.stderr.strip()
        .splitlines()[-1]
        .startswith("Error: Remove dump 2: not asked without a terminal; give --yes")
    )
    assert len(json.loads(run(db, "dumps", "--format", "json").stdout)) == 2


def test_dumps_remove_says_what_stays(db: Path) -> None:
    result = run(db, "dumps", "remove", "2", "--yes")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[1] == (
        "1 paper went to the trash; 1 stays because you starred, read, noted or tagged it: 5"
    )
    trashed = json.loads(run(db, "trash", "--format", "json").stdout)
    assert [(t["id"], t["by_dump"]) for t in trashed] == [(6, 2)]


def test_dumps_remove_asks_on_a_terminal(db: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_NamedTextIOWrapper, "isatty", lambda self: True)  # a terminal
    result = run(db, "dumps", "remove", "2", input="n\n")
    assert "Remove dump 2?" in result.output and result.exit_code == 1
    assert len(json.loads(run(db, "dumps", "--format", "json").stdout)) == 2
    assert run(db, "dumps", "remove", "2", input="y\n").exit_code == 0
    assert len(json.loads(run(db, "dumps", "--format", "json").stdout)) == 1


def test_dumps_remove_of_an_unknown_dump_is_one_line(db: Path) -> None:
    result = run(db, "dumps", "remove", "7", "--yes")
    assert result.exit_code == 1
    assert result.stderr.strip() == (
        "Error: no imported dump with id 7 (readlist dumps lists them); nothing changed"
    )


def test_undoing_a_restore_keeps_the_dump_that_trashed_the_paper(lib: Store) -> None:
    removal = lib.remove_dump(2)
    lib.put_back_in_trash(lib.take_from_trash([5]))  # a restore and its undo
    assert {t.paper.id: t.by_dump for t in lib.trashed()} == {5: 2, 6: 2}
    lib.put_back_dump(removal)
    assert lib.trash_count() == 0


def test_undoing_a_bulk_restore_keeps_the_dump_that_trashed_the_papers(lib: Store) -> None:
    removal = lib.remove_dump(2)
    bulk = Bulk("restore")
    changed = bulk.run(lib, parse_query("is:deleted"))
    assert sorted(changed) == [5, 6] and lib.trash_count() == 0
    bulk.undo(lib, changed)
    assert {t.paper.id: t.by_dump for t in lib.trashed()} == {5: 2, 6: 2}
    lib.put_back_dump(removal)
    assert lib.trash_count() == 0


def test_one_paper_also_listed_is_said_in_the_singular(lib: Store) -> None:
    one = replace(lib.dump_removal(2), also_listed=1)
    said = "1 paper also listed by other dumps {}."
    assert said.format("loses this listing and stays") in removal_said(one, done=True)
    assert said.format("would lose this listing and stay") in removal_said(one, done=False)
