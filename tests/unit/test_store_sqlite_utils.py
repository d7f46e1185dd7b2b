"""The library is a plain SQLite file: sqlite-utils (and so Datasette) reads it as it is,
and the store's own sqlite-utils Database is its one connection, as the store set it up."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from readlist.cli import cli
from readlist.core.query import parse_query
from readlist.core.store import Store
from tests.conftest import SAMPLE_DUMPS


def _sqlite_utils(*args: str) -> list[dict[str, Any]]:
    """The sqlite-utils command, in a process of its own; its output read as JSON."""
    done = subprocess.run(
        [sys.executable, "-m", "sqlite_utils", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    rows: list[dict[str, Any]] = json.loads(done.stdout)
    return rows


def test_sqlite_utils_reads_a_real_library_and_counts_what_the_store_counts(
    db_path: Path,
) -> None:
    done = CliRunner().invoke(cli, ["--db", str(db_path), "import", str(SAMPLE_DUMPS)])
    assert done.exit_code == 0, done.output
    with Store.open(db_path) as store:
        store.set_flag([1, 2], "starred", True)
        store.set_note(3, "a note on diffusion")
        stats = store.stats()
        diffusion = sorted(p.id for p in store.search(parse_query("diffusion")))
    assert stats.papers > 0 and stats.sightings > stats.papers and stats.dumps == 5

    tables = _sqlite_utils("tables", str(db_path), "--counts")
    counts = {row["table"]: row["count"] for row in tables}
    assert counts["papers"] == counts["papers_fts"] == stats.papers
    assert counts["sightings"] == stats.sightings
    assert counts["dumps"] == stats.dumps
    assert counts["review"] == stats.review_candidates
    assert counts["state"] == 3  # the two starred papers and the noted one

    found = _sqlite_utils(
        "query",
        str(db_path),
        "SELECT rowid AS id FROM papers_fts WHERE papers_fts MATCH :word ORDER BY rowid",
        "-p",
        "word",
        "diffusion",
    )
    assert [row["id"] for row in found] == diffusion
    assert 3 in diffusion  # the note is searched too
    starred = _sqlite_utils(
        "query", str(db_path), "SELECT paper_id FROM state WHERE starred ORDER BY paper_id"
    )
    assert starred == [{"paper_id": 1}, {"paper_id": 2}]


def test_the_stores_sqlite_utils_database_is_its_own_connection_unchanged(store: Store) -> None:
    """One connection: sqlite-utils' reads and writes share the store's locks, pragmas
    and transactions, and it changes none of them."""
    pragmas = ("recursive_triggers", "foreign_keys", "journal_mode", "busy_timeout")

    def settings() -> dict[str, object]:
        return {name: store.conn.execute(f"PRAGMA {name}").fetchone()[0] for name in pragmas}

    before = settings()
    assert store.db.conn is store.conn
    assert settings() == before
    assert before["recursive_triggers"] == 0 and before["journal_mode"] == "wal"
    store.remember({"sort": "title"})  # written through sqlite-utils
    assert store.db.table("memory").count == 1
    assert settings() == before


def test_sqlite_utils_sees_how_the_tables_link(store: Store) -> None:
    """Declared foreign keys, so that sqlite-utils and Datasette link a sighting, a note or
    a review to its paper."""
    links = {
        (key.table, key.column, key.other_table, key.other_column)
        for table in store.db.tables
        for key in table.foreign_keys
    }
    assert links == {
        ("state", "paper_id", "papers", "id"),
        ("sightings", "paper_id", "papers", "id"),
        ("sightings", "dump_id", "dumps", "id"),
        ("review", "paper_id", "papers", "id"),
        ("review", "other_id", "papers", "id"),
        ("dedupe_keys", "paper_id", "papers", "id"),
        ("dedupe_keys_recent", "paper_id", "papers", "id"),
        ("trash", "paper_id", "papers", "id"),
        ("tags", "paper_id", "papers", "id"),
        ("skips", "paper_id", "papers", "id"),
    }
    assert store.db.table("papers").pks == ["id"]
    assert store.db.table("sightings").pks == ["paper_id", "dump_id", "listing"]
