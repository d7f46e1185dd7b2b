"""A damaged library is never written to, and `readlist check` finds damage no command
reads: real libraries with real bytes flipped in them, through the CLI."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from readlist.cli import cli
from readlist.core.ingest.importer import Importer
from readlist.core.store import Store
from readlist.core.store import connection as store_module
from readlist.core.store.damage import marker_of
from tests.conftest import NOW, ROOT, SAMPLE_DUMPS
from tests.safety.support import PaperMaker, dump_text

PAGE_TYPES = {
    0x02: "index interior",
    0x05: "table interior",
    0x0A: "index leaf",
    0x0D: "table leaf",
}


def run(db: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args], input=input)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line_error(result: Result, *fragments: str) -> str:
    assert result.exit_code == 1, (result.output, result.exception)
    assert "Traceback" not in result.output + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    return lines[0]


def refused_as_damaged(result: Result) -> str:
    """The refusal names the library, says it is damaged, and the way back."""
    return one_line_error(result, "damaged", "readlist backup", ".recover", "latest backup")


def damaged_copy(result: Result) -> str:
    """A backup of a damaged library: says so, and the way back from its copy."""
    return one_line_error(result, "damaged", "its copy is kept as", ".recover", "latest backup")


# -- a library and its pages ------------------------------------------------------------


def sample_library(path: Path) -> Path:
    """The sample dumps imported, every change in the library file itself (no -wal)."""
    with Store.open(path) as store:
        importer = Importer(store, now=NOW)
        for dump in sorted(SAMPLE_DUMPS.glob("*.txt")):
            assert importer.import_bytes(dump.read_bytes(), dump.name).error is None
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


def _page(data: bytes, number: int, size: int) -> tuple[int, bytes]:
    """A page and where its b-tree header starts (after the file header on page 1)."""
    page = data[(number - 1) * size : number * size]
    return (100 if number == 1 else 0), page


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = 0
    for i in range(9):
        byte = data[at + i]
        if i == 8:
            return (value << 8) | byte, at + 9
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, at + i + 1
    raise AssertionError("unreachable")


def leaf_pages(db: Path, name: str) -> dict[int, list[int]]:
    """The leaf pages of a table or an index, walked down its b-tree from the root (no
    need for SQLite's dbstat); for a table, with the rowids each leaf holds."""
    with sqlite3.connect(db) as conn:
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?", (name,)).fetchone()
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    data = db.read_bytes()
    leaves: dict[int, list[int]] = {}
    todo = [root[0]]
    while todo:
        number = todo.pop()
        start, page = _page(data, number, size)
        kind = page[start]
        cells = int.from_bytes(page[start + 3 : start + 5], "big")
        header = 12 if kind in (0x02, 0x05) else 8
        offsets = [
            int.from_bytes(page[start + header + 2 * i : start + header + 2 * i + 2], "big")
            for i in range(cells)
        ]
        if kind in (0x02, 0x05):
            todo.append(int.from_bytes(page[start + 8 : start + 12], "big"))
            todo += [int.from_bytes(page[at : at + 4], "big") for at in offsets]
        elif kind == 0x0D:
            rowids = []
            for at in offsets:
                _, at = _varint(page, at)
                rowids.append(_varint(page, at)[0])
            leaves[number] = rowids
        else:
            assert kind == 0x0A, PAGE_TYPES.get(kind, kind)
            leaves[number] = []
    return leaves


def flip_page_type(db: Path, number: int) -> None:
    """Flip every bit of a page's type byte, as a failing disk or a stray write would."""
    with sqlite3.connect(db) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    at = (number - 1) * size + (100 if number == 1 else 0)  # page 1 opens with the file header
    with db.open("r+b") as fh:
        fh.seek(at)
        byte = fh.read(1)[0]
        assert byte in PAGE_TYPES
        fh.seek(at)
        fh.write(bytes([byte ^ 0xFF]))


def damage_papers(db: Path) -> list[int]:
    """Flip the type byte of a leaf page of papers that does not hold paper 1 (so that a
    write to paper 1 reads none of the damage); returns the ids of the papers on it."""
    leaves = leaf_pages(db, "papers")
    number, ids = max((n, ids) for n, ids in leaves.items() if 1 not in ids)
    flip_page_type(db, number)
    return ids


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    path = sample_library(tmp_path / "library.db")
    damage_papers(path)
    return path


# -- writes are refused ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("mark", "1", "--star"),
        ("mark", "1", "--read"),
        ("note", "1", "a note on a damaged library"),
        ("import", "-"),
    ],
    ids=["star", "read", "note", "import"],
)
def test_a_write_to_a_damaged_table_page_is_refused(damaged: Path, args: tuple[str, ...]) -> None:
    new_dump = dump_text(PaperMaker(15).papers(5), "Nov 24")  # papers new to the library
    before = digest(damaged)
    refused_as_damaged(run(damaged, *args, input=new_dump))
    assert digest(damaged) == before


def test_the_refusal_is_one_line_from_the_real_command(damaged: Path) -> None:
    """As a user runs it: one line on stderr, exit 1, no traceback, the file untouched."""
    before = digest(damaged)
    done = subprocess.run(
        [sys.executable, "-m", "readlist", "--db", str(damaged), "mark", "1", "--star"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "damaged" in done.stderr and "readlist backup" in done.stderr
    assert digest(damaged) == before


def test_damage_a_read_meets_is_remembered_by_later_writes(
    damaged: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A library too big to check before each write: the damage a read meets (here
    `export` in another process) is remembered beside the library, and a write that
    reads none of it is refused; `check` forgets it once the library is sound."""
    monkeypatch.setattr(store_module, "WRITE_CHECK_MAX_PAGES", 0, raising=False)
    export = subprocess.run(
        [sys.executable, "-m", "readlist", "--db", str(damaged), "export", "--all"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert export.returncode == 1 and "damaged" in export.stderr
    assert marker_of(damaged).exists()
    before = digest(damaged)
    refused_as_damaged(run(damaged, "mark", "1", "--star"))
    assert digest(damaged) == before

    sound = sample_library(damaged.with_name("restored.db"))  # "the latest backup"
    damaged.unlink()
    sound.rename(damaged)
    refused_as_damaged(run(damaged, "note", "1", "still refused until checked"))
    assert run(damaged, "check").exit_code == 0
    assert not marker_of(damaged).exists()
    assert run(damaged, "mark", "1", "--star").exit_code == 0


# -- readlist check ---------------------------------------------------------------------------


def test_check_finds_damage_in_an_index_no_command_reads(tmp_path: Path) -> None:
    library = sample_library(tmp_path / "library.db")
    index_leaf = max(leaf_pages(library, "papers_title"))
    flip_page_type(library, index_leaf)
    before = digest(library)
    for args in (("list", "--limit", "5"), ("stats",), ("export", "--all")):
        assert run(library, *args).exit_code == 0, args  # the damage stays hidden

    result = run(library, "check")
    line = refused_as_damaged(result)
    assert str(library) in line
    problems = result.stdout.strip().splitlines()
    assert problems and all(p != "ok" for p in problems)
    assert any(str(index_leaf) in p or "papers_title" in p for p in problems), problems
    assert digest(library) == before

    as_json = run(library, "check", "--format", "json")
    assert as_json.exit_code == 1
    report = json.loads(as_json.stdout)
    assert report["sound"] is False and report["problems"] == problems


def test_check_says_which_table_a_malformed_page_is_in(damaged: Path) -> None:
    result = run(damaged, "check")
    refused_as_damaged(result)
    assert result.stdout.splitlines()[0].startswith("papers: ")


def test_check_passes_a_sound_library_and_changes_nothing(tmp_path: Path) -> None:
    library = sample_library(tmp_path / "library.db")
    before = digest(library)
    result = run(library, "check")
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.strip()
        == f"{library}: sound (358 papers; integrity and full-text index checked)"
    )
    assert digest(library) == before
    report = json.loads(run(library, "check", "--format", "json").stdout)
    assert report == {"path": str(library), "sound": True, "problems": [], "papers": 358}


def test_check_creates_no_library(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.db"
    one_line_error(run(missing, "check"), str(missing), "no library")
    assert not missing.exists()


# -- backup -----------------------------------------------------------------------------------


def test_a_backup_of_a_damaged_library_says_so_and_keeps_the_earlier_one(
    tmp_path: Path, damaged: Path
) -> None:
    backups = tmp_path / "backups"
    backups.mkdir()
    earlier = backups / "readlist.db"
    sound = sample_library(tmp_path / "sound.db")
    assert run(sound, "backup", str(earlier)).exit_code == 0  # last week's, say
    kept_before = digest(earlier)

    line = damaged_copy(run(damaged, "backup", str(earlier)))
    copy = backups / "readlist-DAMAGED.db"
    assert str(copy) in line and "left as it was" in line
    assert digest(earlier) == kept_before
    assert copy.read_bytes()[:16] == b"SQLite format 3\x00"
    assert sorted(p.name for p in backups.iterdir()) == ["readlist-DAMAGED.db", "readlist.db"]
    damaged_copy(run(damaged, "backup", str(earlier)))  # again: a second name
    assert (backups / "readlist-DAMAGED-2.db").exists()
    assert digest(earlier) == kept_before


def test_a_backup_is_checked_in_full_not_only_page_by_page(tmp_path: Path) -> None:
    """A full-text index that lost a paper passes SQLite's quick check of the copy; the
    full check (the index against the papers) does not."""
    library = sample_library(tmp_path / "library.db")
    with sqlite3.connect(library) as conn:
        conn.execute(
            "INSERT INTO papers_fts (papers_fts, rowid, title, abstract, note) "
            "SELECT 'delete', id, title, abstract, '' FROM papers WHERE id = 2"
        )
    conn.close()
    target = tmp_path / "copy.db"
    line = damaged_copy(run(library, "backup", str(target)))
    assert "full-text index" in line
    assert not target.exists()
    assert (tmp_path / "copy-DAMAGED.db").exists()


@pytest.mark.parametrize("args", [("mark", "1", "--star"), ("check",), ("stats",)])
def test_damage_in_the_schema_page_is_said_as_damage(tmp_path: Path, args: tuple[str, ...]) -> None:
    """An SQLite file whose own schema page is unreadable is a damaged library, not "not a
    readlist library": the line gives the way back that works without opening it."""
    library = sample_library(tmp_path / "library.db")
    flip_page_type(library, 1)
    before = digest(library)
    line = one_line_error(run(library, *args), "damaged", "cannot open", ".recover")
    assert "not a readlist library" not in line
    assert digest(library) == before


def test_a_library_checked_sound_is_not_checked_again_by_its_writers(
    sample_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app checks the whole library when it opens; its writer's first star does not
    read every page again. A file changed since (a stray write) is checked again."""
    from readlist.core.store import damage

    assert sample_store.quick_check() == []
    checks: list[str] = []
    real = damage.findings
    monkeypatch.setattr(damage, "findings", lambda *a: checks.append(a[1]) or real(*a))
    with Store.open(sample_store.path) as writer:
        writer.set_flag([1], "starred", True)
    assert checks == []
    st = sample_store.path.stat()  # the file changes: no longer as it was checked
    os.utime(sample_store.path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    with Store.open(sample_store.path) as writer:
        writer.set_flag([2], "starred", True)
    assert checks == ["quick_check"]
