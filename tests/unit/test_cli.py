"""The CLI contract, through CliRunner and as a real subprocess."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from readlist.cli import cli
from tests.conftest import ROOT, SAMPLE_DUMPS


def run(db: Path, *args: str, input: str | bytes | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args], input=input)


def ok(db: Path, *args: str, input: str | bytes | None = None) -> Result:
    result = run(db, *args, input=input)
    assert result.exit_code == 0, (result.output, result.stderr, result.exception)
    return result


def one_line_error(result: Result, *fragments: str) -> None:
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.output + result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture
def library(db_path: Path) -> Path:
    ok(db_path, "import", str(SAMPLE_DUMPS))
    return db_path


def listed(db: Path, *query: str) -> list[dict[str, object]]:
    return json.loads(ok(db, "list", "--format", "json", *query).stdout)  # type: ignore[no-any-return]


def test_import_folder_reports_per_file(db_path: Path) -> None:
    result = ok(db_path, "import", str(SAMPLE_DUMPS), "--json")
    report = json.loads(result.stdout)
    assert [f["source"].rsplit("/", 1)[-1][:3] for f in report["files"]] == [
        "000",
        "001",
        "002",
        "003",
        "004",
    ]
    assert sum(f["new"] for f in report["files"]) == 358
    assert sum(f["merged_exact"] for f in report["files"]) == 63
    assert report["library_papers"] == 358
    table = ok(db_path, "import", str(SAMPLE_DUMPS)).stdout
    assert table.count("already imported, nothing changed") == 5


def test_import_stdin(db_path: Path) -> None:
    data = next(SAMPLE_DUMPS.glob("001_*.txt")).read_bytes()
    result = ok(db_path, "import", "-", "--json", input=data)
    assert json.loads(result.stdout)["files"][0]["new"] == 75


def test_bad_paths_are_one_line_errors(db_path: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    chrome = tmp_path / "chrome.txt"
    chrome.write_text("new\nSubscribe\nMar 14\n")
    folder = tmp_path / "nothing"
    folder.mkdir()
    cases = [
        ("missing.txt", "no such file"),
        (str(empty), "empty"),
        (str(binary), "binary"),
        (str(chrome), "no papers"),
        (str(folder), "folder has no dumps"),
    ]
    for arg, message in cases:
        one_line_error(run(db_path, "import", arg), arg, message)
    assert json.loads(ok(db_path, "stats", "--format", "json").stdout)["papers"] == 0


def test_good_files_land_when_a_bad_one_is_refused(db_path: Path, tmp_path: Path) -> None:
    good = next(SAMPLE_DUMPS.glob("004_*.txt"))
    result = run(db_path, "import", str(good), str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    assert "missing.txt: no such file" in result.stderr
    assert len(listed(db_path)) == 72


def test_list_query_formats_and_limit(library: Path) -> None:
    papers = listed(library, "continual", "learning")
    assert papers
    assert set(papers[0]) >= {
        "id",
        "title",
        "abstract",
        "read",
        "starred",
        "note",
        "first_seen",
        "times_seen",
    }
    assert all("continual" in (p["title"] + p["abstract"]).lower() for p in papers)  # type: ignore[operator]
    assert len(listed(library, "--limit", "3")) == 3
    excluded = listed(library, "--", "continual", "-learning")
    assert all("learning" not in str(p["title"]).lower() for p in excluded)
    tsv = ok(library, "list", "reinforcement", "--format", "tsv", "--limit", "2").stdout
    rows = list(csv.reader(io.StringIO(tsv), delimiter="\t"))
    assert rows[0] == ["id", "starred", "read", "last_seen", "times_seen", "title"]
    assert len(rows) == 3
    table = ok(library, "list", "NEAR(", '"unbalanced', "*", "^", "-").stdout
    assert "Traceback" not in table


def test_mark_note_and_state_survive_reimport(library: Path) -> None:
    ids = [str(p["id"]) for p in listed(library, "--limit", "3")]
    ok(library, "mark", *ids[:2], "--star")
    ok(library, "mark", ids[2], "--read")
    note = "Ünïcode ✓ 论文\n\n```py\nx = 1\n```\n" + "long line " * 500
    ok(library, "note", ids[0], "-", input=note.encode())
    ok(library, "import", str(SAMPLE_DUMPS))
    starred = listed(library, "is:starred")
    assert sorted(str(p["id"]) for p in starred) == sorted(ids[:2])
    assert [str(p["id"]) for p in listed(library, "is:read")] == [ids[2]]
    assert [p["note"] for p in listed(library, "has:note")] == [note]
    assert ok(library, "note", ids[0]).stdout == note + "\n"
    ok(library, "mark", ids[0], "--unstar", "--unread")
    assert [str(p["id"]) for p in listed(library, "is:starred")] == [ids[1]]


def test_unknown_id_is_a_clear_error_and_changes_nothing(library: Path) -> None:
    first = str(listed(library, "--limit", "1")[0]["id"])
    one_line_error(run(library, "mark", first, "99999", "--star"), "99999")
    assert listed(library, "is:starred") == []
    one_line_error(run(library, "note", "99999", "hello"), "99999")
    one_line_error(run(library, "mark", first), "--star")
    one_line_error(run(library, "mark", "abc", "--star"), "abc")


def test_export_holds_exactly_the_starred_papers(library: Path, tmp_path: Path) -> None:
    chosen = [p["id"] for p in listed(library, "diffusion")][:3]
    ok(library, "mark", *map(str, chosen), "--star")
    ok(library, "note", str(chosen[0]), '=HYPERLINK("x") & {braces} 100%')
    out = json.loads(ok(library, "export", "--format", "json").stdout)
    assert sorted(p["id"] for p in out) == sorted(chosen)
    ok(library, "export", "--format", "csv", "-o", str(tmp_path / "s.csv"))
    with (tmp_path / "s.csv").open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(int(r["id"]) for r in rows) == sorted(chosen)  # type: ignore[arg-type]
    assert any(r["note"].startswith("'=HYPERLINK") for r in rows)
    bib = ok(library, "export", "--format", "bibtex").stdout
    assert bib.count("@misc{") == 3
    md = ok(library, "export", "--format", "md").stdout
    titles = {str(p["title"]) for p in listed(library, "is:starred")}
    assert sum(md.count(f"## {t[:20]}") >= 1 for t in titles) >= 1
    narrowed = json.loads(ok(library, "export", "--format", "json", "--", "-diffusion").stdout)
    assert narrowed == []
    everything = json.loads(ok(library, "export", "--all", "--format", "json").stdout)
    assert len(everything) == 358


def test_export_with_nothing_starred_writes_a_valid_empty_file(
    library: Path, tmp_path: Path
) -> None:
    target = tmp_path / "out.json"
    result = ok(library, "export", "--format", "json", "-o", str(target))
    assert "No starred papers" in result.stderr
    assert json.loads(target.read_text()) == []


def test_dupes_and_stats(library: Path) -> None:
    assert json.loads(ok(library, "dupes", "--format", "json").stdout) == []
    assert "No possible duplicates" in ok(library, "dupes").stdout
    stats = json.loads(ok(library, "stats", "--format", "json").stdout)
    assert (stats["papers"], stats["sightings"], stats["dumps"]) == (358, 421, 5)


def test_a_file_that_is_not_a_library_is_refused_untouched(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("my precious notes\n")
    one_line_error(run(notes, "list"), str(notes), "not a readlist library")
    assert notes.read_text() == "my precious notes\n"


def test_readlist_db_environment_variable(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "env.db"
    monkeypatch.setenv("READLIST_DB", str(db))
    result = CliRunner().invoke(cli, ["import", str(next(SAMPLE_DUMPS.glob("004_*.txt")))])
    assert result.exit_code == 0, result.stdout
    assert db.exists()


def test_default_location_is_the_user_data_dir(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg"), "READLIST_DB": ""}
    dump = str(next(SAMPLE_DUMPS.glob("004_*.txt")))
    assert CliRunner().invoke(cli, ["import", dump], env=env).exit_code == 0
    result = CliRunner().invoke(cli, ["stats", "--format", "json"], env=env)
    assert result.exit_code == 0, result.stdout
    assert json.loads(result.stdout)["path"] == str(tmp_path / "xdg" / "readlist" / "library.db")


def test_real_subprocess_import_and_error(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    cmd = [sys.executable, "-m", "readlist", "--db", str(db)]
    done = subprocess.run(
        [*cmd, "import", str(SAMPLE_DUMPS), "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    assert json.loads(done.stdout)["library_papers"] == 358
    failed = subprocess.run(
        [*cmd, "import", str(tmp_path / "nope.txt")], capture_output=True, text=True, cwd=ROOT
    )
    assert failed.returncode == 1
    assert failed.stderr.strip().splitlines() == [
        f"Error: {tmp_path / 'nope.txt'}: no such file or folder"
    ]


def test_the_core_never_imports_the_ui() -> None:
    code = (
        "import sys, pkgutil, importlib, readlist.core\n"
        "for m in pkgutil.iter_modules(readlist.core.__path__):\n"
        "    importlib.import_module('readlist.core.' + m.name)\n"
        "import readlist.cli\n"
        "bad = [m for m in sys.modules if m.split('.')[0] == 'textual' or "
        "m.startswith('readlist.ui')]\n"
        "print(len([m for m in sys.modules if m.startswith('readlist.core.')]))\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) >= 9  # every core module was imported


def test_exclusions_are_query_terms_after_double_dash_or_quoted(
    library: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    before = sorted(tmp_path.iterdir())
    ok(library, "mark", *(str(p["id"]) for p in listed(library, "diffusion")), "--star")
    assert json.loads(ok(library, "export", "--format", "json", "--", "-diffusion").stdout) == []
    assert json.loads(ok(library, "export", "--format", "json", "--", "-is:read", "-x").stdout)
    assert listed(library, "--", "diffusion", "-is:starred") == []
    assert listed(library, "diffusion -is:starred") == []
    # Bare, "-odd" would be -o with the value "dd": refused instead, writing nothing.
    one_line_error(run(library, "export", "-odd"), "-odd", "--")
    assert sorted(tmp_path.iterdir()) == before


def test_list_for_people_draws_no_terminal_control_codes(library: Path) -> None:
    """A title with escape codes (an old library, a direct write): `list` shows them as
    symbols, so printing it cannot clear or retitle the user's terminal."""
    from readlist.core.store import Store

    with Store.open(library) as store:
        store.conn.execute("UPDATE papers SET title = 'Zyx \x1b[2J\x1b]0;pwned\x07 T' WHERE id = 1")
    out = ok(library, "list", "zyx").output
    assert "\x1b" not in out and "\x07" not in out
    assert "Zyx ␛[2J␛]0;pwned␇ T" in out
