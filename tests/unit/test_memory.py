"""What the app remembers of a library (its sort, the last filter, the place in a
triage): kept in the library file, checked when read back, and never in the way."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from readlist.cli import cli
from readlist.core.errors import DamagedLibraryError
from readlist.core.store import Store, damage, schema
from readlist.core.store.memory import Memory, TriagePlace

# Written by readlist at library version 3 (library-v1.db upgraded by it) and committed
# as it is: every later readlist must open it. Never regenerate it.
LIBRARY_V3 = Path(__file__).parent.parent / "fixtures" / "library-v3.db"


def _version(path: Path) -> int:
    conn = sqlite3.connect(path)
    try:
        return int(conn.execute("PRAGMA user_version").fetchone()[0])
    finally:
        conn.close()


def test_a_new_library_remembers_nothing(store: Store) -> None:
    assert store.recall() == Memory(sort=None, filter=None, triage=None)


def test_what_is_remembered_is_there_after_a_reopen(db_path: Path) -> None:
    place = TriagePlace("diffusion -survey", "most_seen", 42)
    with Store.open(db_path) as store:
        store.remember({"sort": "title", "filter": 'title:"video gen" is:starred'})
        store.remember({"triage": place})
    with Store.open(db_path) as again:
        assert again.recall() == Memory("title", 'title:"video gen" is:starred', place)


def test_the_last_writer_wins_thing_by_thing(db_path: Path) -> None:
    with Store.open(db_path) as one, Store.open(db_path) as other:
        one.remember({"sort": "title", "filter": "diffusion"})
        other.remember({"sort": "most_seen"})
        one.remember({"triage": TriagePlace("", "latest", 7)})
        assert other.recall() == Memory("most_seen", "diffusion", TriagePlace("", "latest", 7))


def test_none_forgets(store: Store) -> None:
    store.remember({"triage": TriagePlace("x", "latest", 3), "filter": "x"})
    store.remember({"triage": None})
    assert store.recall() == Memory(filter="x")


def test_a_thing_already_so_commits_nothing(db_path: Path) -> None:
    """Nothing written: another window's watcher (PRAGMA data_version) sees no change."""
    with Store.open(db_path) as store, Store.open(db_path) as other:
        store.remember({"sort": "title"})
        before = other.data_version()
        store.remember({"sort": "title"})
        assert other.data_version() == before
        store.remember({"sort": "latest"})
        assert other.data_version() != before


def test_a_value_that_makes_no_sense_is_refused_before_anything_is_written(
    store: Store,
) -> None:
    with pytest.raises(ValueError, match="sort cannot be"):
        store.remember({"filter": "kept?", "sort": "by_colour"})  # type: ignore[dict-item]
    assert store.recall() == Memory()


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("sort", "by_colour"),
        ("filter", "   "),
        ("filter", "x" * 20_000),
        ("triage", "not json"),
        ("triage", "[1, 2]"),
        ("triage", '{"query": "x", "sort": "latest", "paper_id": "7"}'),
        ("triage", '{"query": "x", "sort": "sideways", "paper_id": 7}'),
        ("triage", '{"query": 3, "sort": "latest", "paper_id": 7}'),
        ("triage", '{"query": "x", "sort": "latest", "paper_id": true}'),
        ("mood", "cheerful"),
    ],
)
def test_a_row_that_makes_no_sense_is_forgotten_not_an_error(
    store: Store, key: str, value: str
) -> None:
    """Edited by hand, or written by another version: the app starts as if new."""
    store.remember({"sort": "title"})
    with store.transaction():
        store.conn.execute(
            "INSERT OR REPLACE INTO memory VALUES (?, ?, '2026-11-23T12:00:00+00:00')",
            (key, value),
        )
    expected = Memory() if key == "sort" else Memory(sort="title")
    assert store.recall() == expected


def test_a_damaged_library_is_not_written_to_for_memory(store: Store, db_path: Path) -> None:
    store.remember({"sort": "title"})
    damage.record(db_path, "papers: database disk image is malformed")
    with pytest.raises(DamagedLibraryError):
        store.remember({"sort": "latest"})
    assert store.recall() == Memory(sort="title")


def test_state_stamp_counts_changes_to_stars_marks_and_notes_only(
    sample_store: Store,
) -> None:
    store = sample_store
    start = store.state_stamp()
    store.set_flag([1, 2], "starred", True)
    after_stars = store.state_stamp()
    assert after_stars > start
    store.set_flag([1], "starred", True)  # already so: nothing changed
    assert store.state_stamp() == after_stars
    store.set_note(3, "a note")
    assert store.state_stamp() > after_stars
    noted = store.state_stamp()
    store.remember({"sort": "title", "filter": "x", "triage": TriagePlace("x", "title", 1)})
    assert store.state_stamp() == noted


# -- an older library --------------------------------------------------------------------


@pytest.fixture
def v3_library(tmp_path: Path) -> Path:
    path = tmp_path / "library.db"
    shutil.copyfile(LIBRARY_V3, path)
    return path


def test_the_v3_fixture_is_what_the_upgrade_test_expects() -> None:
    assert _version(LIBRARY_V3) == 3


def test_a_v3_library_is_upgraded_keeping_everything_and_remembers_from_then_on(
    v3_library: Path,
) -> None:
    conn = sqlite3.connect(v3_library)
    state = conn.execute("SELECT * FROM state ORDER BY paper_id").fetchall()
    papers = conn.execute("SELECT * FROM papers ORDER BY id").fetchall()
    conn.close()
    assert len(papers) == 72 and len(state) == 4
    with Store.open(v3_library) as store:
        assert store.upgraded_copy == v3_library.with_name("library.db.v3.bak")
        assert store.recall() == Memory()
        assert store.stats().starred == 2
        store.remember({"sort": "most_seen"})
        stamp = store.state_stamp()
        store.set_flag([5], "read", True)
        assert store.state_stamp() == stamp + 1
        assert store.check_integrity() == []
        columns = "id, title, abstract, match_title, first_seen, last_seen, times_seen, added_at"
        kept = store.conn.execute(f"SELECT {columns} FROM papers ORDER BY id").fetchall()
        assert kept == papers
        known = store.conn.execute(
            "SELECT count(*) FROM papers WHERE coalesce(arxiv_id, authors, upvotes) IS NOT NULL"
        )
        assert known.fetchone()[0] == 0  # no identity yet: no listing gave one
    assert _version(v3_library) == schema.SCHEMA_VERSION
    assert _version(v3_library.with_name("library.db.v3.bak")) == 3
    with Store.open(v3_library) as again:
        assert again.upgraded_copy is None
        assert again.recall() == Memory(sort="most_seen")


def test_a_backup_carries_the_memory(tmp_path: Path, sample_store: Store) -> None:
    sample_store.remember({"sort": "title", "filter": "diffusion"})
    copy = tmp_path / "copy.db"
    result = CliRunner().invoke(cli, ["--db", str(sample_store.path), "backup", str(copy)])
    assert result.exit_code == 0, result.output
    with Store.open(copy) as restored:
        assert restored.recall() == Memory(sort="title", filter="diffusion")
