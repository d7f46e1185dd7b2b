"""The user's data: schema upgrades from a real older library, backups, and notes that
another window or the CLI changed meanwhile."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from readlist.cli import cli
from readlist.core.errors import LibraryError, NoteChangedError
from readlist.core.ingest.importer import Importer
from readlist.core.store import Store, migrations, schema

# Written by readlist at library version 1 and committed as it is: every later readlist
# must open it. Never regenerate it; add a fixture for each new version instead.
LIBRARY_V1 = Path(__file__).parent.parent / "fixtures" / "library-v1.db"


def _user_state(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT paper_id, read, starred, note, read_at, starred_at, note_at"
            " FROM state ORDER BY paper_id"
        ).fetchall()
    finally:
        conn.close()


def _papers(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT id, title, abstract, times_seen FROM papers ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def v1_library(tmp_path: Path) -> Path:
    path = tmp_path / "library.db"
    shutil.copyfile(LIBRARY_V1, path)
    return path


def test_the_v1_fixture_holds_user_state() -> None:
    """What the upgrade tests below must keep: stars, read marks and a note."""
    state = _user_state(LIBRARY_V1)
    assert [row[0] for row in state if row[2]] == [1, 2]  # starred
    assert [row[0] for row in state if row[1]] == [2, 3]  # read
    assert [row[3] for row in state if row[3]] == [
        "# Why it matters\n\nCompare with [CLS] pooling; *read* §3."
    ]
    assert len(_papers(LIBRARY_V1)) == 72


def test_this_readlist_opens_a_v1_library_with_everything_in_it(v1_library: Path) -> None:
    state, papers = _user_state(v1_library), _papers(v1_library)
    with Store.open(v1_library) as store:
        assert store.check_integrity() == []
        assert store.stats().starred == 2
    assert _user_state(v1_library) == state and _papers(v1_library) == papers


def test_a_v1_library_upgraded_still_finds_duplicates_of_its_papers(v1_library: Path) -> None:
    """Version 2 stages new blocking keys in a table of their own; the keys a v1 library
    holds stay where they are and still find its papers."""
    with Store.open(v1_library) as store:
        assert store.imports.recent_keys() == 0
        old = store.get_many([1, 2])
        dump = "new\n\nSubscribe\n\nNov 22\n\n" + "\n\n".join(
            f"{p.title.upper()}\n\n{p.abstract}" for p in old
        )
        report = Importer(store).import_bytes(dump.encode(), "later.txt")
        assert (report.new, report.merged_exact) == (0, 2)
        assert [p.times_seen for p in store.get_many([1, 2])] == [p.times_seen + 1 for p in old]
        assert store.check_integrity() == []
    assert _user_state(v1_library) == _user_state(LIBRARY_V1)


def _next_version(monkeypatch: pytest.MonkeyPatch, script: str) -> int:
    """Pretend this readlist is one library version ahead, with `script` as the step."""
    target = schema.SCHEMA_VERSION + 1
    monkeypatch.setattr(schema, "SCHEMA_VERSION", target)
    monkeypatch.setitem(migrations.MIGRATIONS, target, script)
    return target


def test_an_upgrade_backs_up_first_then_migrates_keeping_user_state(
    v1_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    state, papers, before = _user_state(v1_library), _papers(v1_library), _digest(v1_library)
    target = _next_version(
        monkeypatch,
        "ALTER TABLE state ADD COLUMN tags TEXT NOT NULL DEFAULT '';\n"
        "CREATE INDEX state_tagged ON state (paper_id) WHERE tags != '';",
    )
    with Store.open(v1_library) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == target
        assert store.conn.execute("SELECT count(*) FROM state WHERE tags = ''").fetchone()[0] == 4
        assert store.check_integrity() == []
    assert _user_state(v1_library) == state and _papers(v1_library) == papers
    kept = v1_library.with_name("library.db.v1.bak")
    assert _user_state(kept) == state and _papers(kept) == papers
    conn = sqlite3.connect(kept)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 1  # the library as it was
    conn.close()
    assert before != _digest(v1_library)


def test_a_failed_upgrade_leaves_the_library_as_it_was(
    v1_library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _digest(v1_library)
    _next_version(
        monkeypatch,
        "ALTER TABLE state ADD COLUMN tags TEXT NOT NULL DEFAULT '';\n"
        "UPDATE state SET starred = 0;\n"  # the kind of step that must never half-land
        "INSERT INTO no_such_table VALUES (1);",
    )
    with pytest.raises(LibraryError, match=r"upgrade from library version 1 failed.*as it was"):
        Store.open(v1_library)
    assert _digest(v1_library) == before
    monkeypatch.undo()  # this readlist again: the library opens, all of it there
    with Store.open(v1_library) as store:
        assert store.stats().starred == 2
        assert store.check_integrity() == []


def test_a_library_from_a_newer_readlist_is_refused_untouched(v1_library: Path) -> None:
    conn = sqlite3.connect(v1_library)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    before = _digest(v1_library)
    with pytest.raises(LibraryError, match="newer readlist"):
        Store.open(v1_library)
    assert _digest(v1_library) == before
    assert sorted(p.name for p in v1_library.parent.iterdir()) == ["library.db"]


# -- backups ------------------------------------------------------------------------


def test_a_backup_is_a_consistent_copy_while_a_write_is_under_way(
    v1_library: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    with Store.open(v1_library) as store, Store.open(v1_library) as writer:
        writer.conn.execute("BEGIN IMMEDIATE")  # another window, mid-write
        writer.conn.execute("UPDATE state SET starred = 0")
        store.backup_to(copy)
        writer.conn.execute("COMMIT")
    state = _user_state(copy)
    assert [row[0] for row in state if row[2]] == [1, 2]  # what was committed
    with Store.open(copy) as backup:
        assert backup.check_integrity() == []
        assert backup.stats().papers == 72
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_backup_replaces_an_earlier_one_but_never_another_file(
    v1_library: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.db"
    with Store.open(v1_library) as store:
        store.backup_to(copy)
        store.set_flag([5], "starred", True)
        store.backup_to(copy)
        assert [row[0] for row in _user_state(copy) if row[2]] == [1, 2, 5]
        essay = tmp_path / "essay.txt"
        essay.write_text("months of work")
        with pytest.raises(LibraryError, match="not a readlist library; not replaced"):
            store.backup_to(essay)
        assert essay.read_text() == "months of work"


# -- notes changed elsewhere --------------------------------------------------------


def test_a_note_changed_since_it_was_opened_is_not_written_over(v1_library: Path) -> None:
    with Store.open(v1_library) as mine, Store.open(v1_library) as theirs:
        opened = mine.note(5)
        theirs.set_note(5, "theirs")
        with pytest.raises(NoteChangedError) as raised:
            mine.set_note(5, "mine", expected=opened)
        assert raised.value.current == "theirs"
        assert mine.note(5) == "theirs"
        mine.set_note(5, "mine", expected="theirs")  # once the user has chosen
        assert theirs.note(5) == "mine"
        mine.set_note(5, "mine", expected="stale")  # the same words: nothing to lose
        mine.set_note(5, "plain overwrite")  # no expectation: the CLI's `note ID TEXT`
        assert theirs.note(5) == "plain overwrite"


# -- through the command line ---------------------------------------------------------


def test_cli_backup_to_a_file_or_a_folder(v1_library: Path, tmp_path: Path) -> None:
    folder = tmp_path / "backups"
    folder.mkdir()
    result = CliRunner().invoke(cli, ["--db", str(v1_library), "backup", str(folder)])
    assert result.exit_code == 0, result.output
    (copy,) = folder.iterdir()
    assert copy.name.startswith("library-") and copy.suffix == ".db"
    assert "Backed up 72 papers" in result.output and str(copy) in result.output
    assert _user_state(copy) == _user_state(v1_library)
    same = CliRunner().invoke(cli, ["--db", str(v1_library), "backup", str(v1_library)])
    assert same.exit_code == 1
    assert (
        same.output.strip()
        == f"Error: {v1_library}: is the library itself; back up to another path"
    )


def test_cli_says_once_that_it_upgraded_the_library_and_where_the_copy_is(
    v1_library: Path,
) -> None:
    kept = v1_library.with_name("library.db.v1.bak")
    first = CliRunner().invoke(cli, ["--db", str(v1_library), "list", "--limit", "1"])
    assert first.exit_code == 0, first.output
    assert first.stderr.splitlines() == [
        f"Upgraded {v1_library} to library version {schema.SCHEMA_VERSION}; "
        f"the library as it was is kept in {kept}"
    ]
    assert kept.exists() and first.stdout.count("\n") == 1  # the paper asked for, alone
    again = CliRunner().invoke(cli, ["--db", str(v1_library), "list", "--limit", "1"])
    assert again.exit_code == 0 and again.stderr == ""


def test_cli_note_edit_keeps_your_words_when_the_note_changed_meanwhile(
    v1_library: Path, tmp_path: Path
) -> None:
    """$EDITOR is open while the app (here: another `readlist note`) saves the note."""
    editor = tmp_path / "editor.sh"
    editor.write_text(
        f'#!/bin/sh\n"{sys.executable}" -m readlist --db "{v1_library}" note 5 theirs\n'
        'printf "mine" > "$1"\n'
    )
    editor.chmod(0o755)
    result = CliRunner().invoke(
        cli, ["--db", str(v1_library), "note", "5", "--edit"], env={"EDITOR": str(editor)}
    )
    assert result.exit_code == 1
    message = result.output.strip()
    assert "changed elsewhere since it was opened; yours is not saved but kept in" in message
    kept = Path(message.rsplit(" kept in ", 1)[1])
    try:
        assert kept.read_text(encoding="utf-8") == "mine"
    finally:
        kept.unlink()
    with Store.open(v1_library) as store:
        assert store.note(5) == "theirs"


@pytest.mark.parametrize(
    ("where", "command"),
    [
        (1, ["stats"]),  # the schema's own page: refused as the library is opened
        (40, ["list", "--limit", "1000"]),  # a data page: refused when it is read
    ],
)
def test_a_damaged_library_is_one_clear_line_and_left_as_it_is(
    v1_library: Path, where: int, command: list[str]
) -> None:
    Store.open(v1_library).close()  # in use: in WAL mode, as every library readlist opened
    with v1_library.open("r+b") as fh:
        fh.seek(4096 * where)
        fh.write(bytes(range(256)) * 48)  # three pages of garbage
    before = _digest(v1_library)
    result = CliRunner().invoke(cli, ["--db", str(v1_library), *command])
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line.startswith(f"Error: {v1_library}: ")
    assert "damaged" in line or "not a readlist library" in line
    assert "Traceback" not in result.output
    assert _digest(v1_library) == before


def test_another_process_closing_never_pulls_the_log_from_under_open_connections(
    v1_library: Path,
) -> None:
    """POSIX locks belong to the process: closing any descriptor of the library file
    drops them all. Opening a second connection must not read the file's header through
    one of its own (it did: the other process, closing last as it thought, then deleted
    the write-ahead log under us, and this process read "disk I/O error")."""
    stores = [Store.open(v1_library)]
    try:
        stores[0].stats()
        stores.append(Store.open(v1_library))  # as the app's pool opens one per thread
        stores[1].set_flag([1], "read", True)
        stores.append(Store.open(v1_library))
        subprocess.run(
            [sys.executable, "-m", "readlist", "--db", str(v1_library), "note", "5", "elsewhere"],
            check=True,
            capture_output=True,
        )
        assert v1_library.with_name("library.db-shm").exists()
        stores[2].set_note(5, "here", expected="elsewhere")
        assert stores[0].note(5) == "here" and stores[1].stats().papers == 72
    finally:
        for store in stores:
            store.close()
