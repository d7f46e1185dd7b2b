"""Another window sees every change a user makes to the library: stars, marks and notes,
and any write no import makes (a merge, a delete, a review settled), whoever makes it.
The rule is migrations.CHANGE_COUNTED, kept by triggers on every table."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from readlist.cli import cli
from readlist.core.store import Store, migrations, schema
from readlist.core.store.memory import TriagePlace
from readlist.ui.watcher import Watcher
from tests.conftest import SAMPLE_DUMPS

_EVENT = re.compile(r"\bAFTER\s+(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


def _counted(conn: sqlite3.Connection) -> dict[str, set[str]]:
    """table -> the writes to it whose triggers move the change counter."""
    found: dict[str, set[str]] = {}
    for table, sql in conn.execute(
        "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'trigger'"
    ):
        event = _EVENT.search(sql)
        assert event is not None, sql
        if "state_changes" in sql:
            found.setdefault(table, set()).add(event.group(1).upper())
    return found


def _tables(conn: sqlite3.Connection) -> set[str]:
    """The library's tables, less SQLite's own and the full-text index's shadow tables."""
    names = {
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    return {name for name in names if not name.startswith(("papers_fts_", "authors_fts_"))}


def test_every_table_has_its_place_in_the_change_rule(store: Store) -> None:
    """A table added by a later version must say which of its writes another window
    sees (CHANGE_COUNTED), and have the triggers that count them."""
    assert _tables(store.conn) == set(migrations.CHANGE_COUNTED)
    counted = _counted(store.conn)
    for table, writes in migrations.CHANGE_COUNTED.items():
        assert counted.get(table, set()) == set(writes), table


def _import(store: Store) -> None:
    """Through the CLI, the import's front door: a dump of papers already there, dated a
    day later, is a new dump."""
    dump = sorted(SAMPLE_DUMPS.glob("*.txt"))[0]
    later = store.path.with_name("later.txt")
    later.write_bytes(dump.read_bytes().replace(b"Mar 14", b"Mar 15"))
    done = CliRunner().invoke(cli, ["--db", str(store.path), "import", str(later)])
    assert done.exit_code == 0, done.output


def _delete_paper(store: Store) -> None:
    with store.transaction():
        for table in ("sightings", "dedupe_keys", "dedupe_keys_recent", "state"):
            store.conn.execute(f"DELETE FROM {table} WHERE paper_id = 9")
        store.conn.execute("DELETE FROM review WHERE 9 IN (paper_id, other_id)")
        store.conn.execute("DELETE FROM papers WHERE id = 9")


def _merge(store: Store) -> None:
    """Paper 8 joins paper 7: its sightings move over (no delete on the way)."""
    with store.transaction():
        store.conn.execute(
            "UPDATE sightings SET paper_id = 7, listing = listing + 1000 WHERE paper_id = 8"
        )


def _settle_review(store: Store) -> None:
    with store.transaction():
        store.conn.execute("DELETE FROM review")


def _forget_a_dump(store: Store) -> None:
    with store.transaction():
        store.conn.execute("DELETE FROM dumps WHERE source = 'empty.txt'")


WRITES: dict[str, Callable[[Store], None]] = {
    "star": lambda store: store.set_flag([1], "starred", True),
    "read mark": lambda store: store.set_flag([2], "read", True),
    "note": lambda store: store.set_note(3, "worth a look"),
    "note cleared": lambda store: store.set_note(4, ""),
    "import": _import,
    "paper deleted": _delete_paper,
    "papers merged": _merge,
    "review settled": _settle_review,
    "dump forgotten": _forget_a_dump,
}


def _flag_a_pair(store: Store) -> None:
    """A pair an import flagged (written here in SQL: the import-side writes belong to
    ingest, whose API is its own)."""
    with store.transaction():
        store.conn.execute("INSERT INTO review VALUES (2, 1, 91.0, 12.5, 'title', 'now')")
    assert [(c.paper_id, c.other_id) for c in store.review_candidates()] == [(2, 1)]


def _add_empty_dumps(store: Store) -> None:
    """A dump that brought no paper, and one after it (so the stamp of the imports,
    the last dump's id, stays when the first goes)."""
    with store.transaction():
        for n, name in enumerate(("empty.txt", "next.txt")):
            store.conn.execute(
                "INSERT INTO dumps (sha256, source, imported_at, papers) VALUES (?, ?, 'now', 0)",
                (str(n) * 64, name),
            )


# What is there before the write, made before the other window takes its baseline.
SETUP: dict[str, Callable[[Store], None]] = {
    "note cleared": lambda store: store.set_note(4, "x"),
    "review settled": _flag_a_pair,
    "dump forgotten": _add_empty_dumps,
}


@pytest.fixture
def other_window(sample_store: Store) -> Store:
    """The sample library, as a second window of it sees it."""
    return Store.open(sample_store.path)


@pytest.mark.parametrize("kind", list(WRITES))
def test_a_write_of_each_kind_moves_the_stamps_another_window_reads(
    sample_store: Store, other_window: Store, kind: str
) -> None:
    if kind in SETUP:
        SETUP[kind](sample_store)
    changes: list[bool] = []
    watcher = Watcher(changes.append)
    with other_window:
        before = (other_window.import_stamp(), other_window.state_stamp())
        watcher.check(other_window)  # the baseline
        WRITES[kind](sample_store)
        after = (other_window.import_stamp(), other_window.state_stamp())
        watcher.check(other_window)
    assert after != before
    assert len(changes) == 1, "the other window's watcher wakes, once"
    if kind == "import":
        assert changes == [True], "and knows papers may have come in"


def test_what_the_app_remembers_moves_no_stamp(sample_store: Store, other_window: Store) -> None:
    changes: list[bool] = []
    watcher = Watcher(changes.append)
    with other_window:
        watcher.check(other_window)
        before = (other_window.import_stamp(), other_window.state_stamp())
        sample_store.remember({"sort": "title", "triage": TriagePlace("x", "title", 1)})
        sample_store.remember({"triage": None})
        assert (other_window.import_stamp(), other_window.state_stamp()) == before
        watcher.check(other_window)
    assert changes == []


def test_a_version_4_library_upgrades_keeping_its_count_and_counts_deletes(
    tmp_path: Path,
) -> None:
    path = tmp_path / "library.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for version in range(1, 5):
        conn.executescript(migrations.MIGRATIONS[version])
    conn.execute("INSERT INTO papers VALUES (1, 'T', 'A', 't', '2026-01-01', '2026-01-01', 1, 'x')")
    conn.execute("INSERT INTO state (paper_id, starred) VALUES (1, 1)")
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 4")
    (count,) = conn.execute("SELECT changes FROM state_changes").fetchone()
    conn.close()
    assert count == 1
    with Store.open(path) as store:
        assert store.upgraded_copy == path.with_name("library.db.v4.bak")
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        assert store.state_stamp() == 1
        assert store.get(1).starred
        assert _counted(store.conn) == {
            table: set(writes) for table, writes in migrations.CHANGE_COUNTED.items() if writes
        }
        with store.transaction():
            store.conn.execute("DELETE FROM state")
            store.conn.execute("DELETE FROM papers")
        assert store.state_stamp() == 3
        assert store.check_integrity() == []
