"""Mistakes on the command line never pass silently: a mistyped option, a flag that
contradicts another, a library path with nothing there, an empty note, a value no
library can hold. Each is one line, a non-zero exit, and nothing changed or created."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from readlist.cli import cli
from readlist.core.errors import NoteTooLongError
from readlist.core.store import NOTE_MAX_BYTES, Store
from tests.conftest import ROOT, SAMPLE_DUMPS
from tests.unit.test_cli import listed, ok, one_line_error, run


@pytest.fixture
def library(db_path: Path) -> Path:
    ok(db_path, "import", str(next(SAMPLE_DUMPS.glob("004_*.txt"))))
    return db_path


def _state(db: Path) -> list[tuple[object, ...]]:
    with Store.open(db) as store:
        return list(store.conn.execute("SELECT * FROM state ORDER BY paper_id"))


# -- options ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "wrong", "meant"),
    [
        (["list", "--frmat", "json"], "--frmat", "--format"),
        (["export", "--fromat", "csv"], "--fromat", "--format"),
        (["list", "-format", "json"], "-format", "--format"),
        (["dupes", "--fromat", "json"], "--fromat", "--format"),
        (["mark", "1", "--stra"], "--stra", "--star"),
    ],
)
def test_a_mistyped_option_is_a_usage_error_that_says_what_was_meant(
    library: Path, args: list[str], wrong: str, meant: str
) -> None:
    result = run(library, *args)
    assert result.exit_code == 2
    one_line_error(result, "No such option", wrong, "Did you mean", f"'{meant}'")
    assert result.stdout == ""


def test_a_word_that_starts_with_a_dash_is_refused_unless_it_follows_double_dash(
    library: Path,
) -> None:
    result = run(library, "list", "-survey")
    assert result.exit_code == 2
    one_line_error(result, "No such option: -survey", "list -- -survey")
    assert result.stdout == ""
    everything = listed(library)
    assert listed(library, "--", "-survey") == [
        p for p in everything if p["id"] not in {q["id"] for q in listed(library, "survey")}
    ]
    ids = [str(p["id"]) for p in everything[:1]]
    ok(library, "note", ids[0], "--", "-really good")
    assert ok(library, "note", ids[0]).stdout == "-really good\n"


def test_dash_h_is_help_everywhere(library: Path) -> None:
    for command in [[], *([name] for name in cli.list_commands(click_context()))]:
        short = CliRunner().invoke(cli, ["--db", str(library), *command, "-h"])
        long = CliRunner().invoke(cli, ["--db", str(library), *command, "--help"])
        assert short.exit_code == 0, (command, short.output)
        assert short.stdout.startswith("Usage: ")
        assert short.stdout == long.stdout


def click_context() -> object:
    import click

    return click.Context(cli)


# -- no library, no file ----------------------------------------------------------------


READ_ONLY = [
    ["list"],
    ["list", "--format", "json"],
    ["stats"],
    ["export", "--format", "json"],
    ["dupes"],
    ["note", "1"],
    ["note", "1", "hello"],
    ["mark", "1", "--star"],
]


@pytest.mark.parametrize("command", READ_ONLY, ids=" ".join)
def test_a_command_on_a_path_with_no_library_says_so_and_creates_nothing(
    tmp_path: Path, command: list[str]
) -> None:
    folder = tmp_path / "here"
    folder.mkdir()
    result = run(folder / "typo.db", *command)
    assert result.exit_code == 1
    one_line_error(result, str(folder / "typo.db"), "no library here", "readlist import")
    assert list(folder.iterdir()) == []


def test_backup_of_no_library_creates_nothing(tmp_path: Path) -> None:
    result = run(tmp_path / "typo.db", "backup", str(tmp_path / "copy.db"))
    one_line_error(result, "no library here")
    assert list(tmp_path.iterdir()) == []


def test_an_empty_file_is_no_library_and_stays_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty.db"
    empty.touch()
    for command in READ_ONLY:
        one_line_error(run(empty, *command), "no library here")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]
    assert empty.stat().st_size == 0


def test_the_default_library_is_not_created_by_reading_it(tmp_path: Path) -> None:
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg"), "READLIST_DB": ""}
    result = CliRunner().invoke(cli, ["list"], env=env)
    one_line_error(result, str(tmp_path / "xdg" / "readlist" / "library.db"), "no library here")
    assert not (tmp_path / "xdg").exists()


@pytest.fixture
def app_runs(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Where the app would have opened: the terminal UI itself is not started here."""
    opened: list[Path] = []
    monkeypatch.setattr("readlist.ui.launch.run", opened.append)
    monkeypatch.setattr("readlist.cli._has_terminal", lambda: True)  # CliRunner has none
    return opened


def test_the_app_asks_before_creating_a_library_at_a_new_path(
    tmp_path: Path, app_runs: list[Path]
) -> None:
    new = tmp_path / "new.db"
    refused = CliRunner().invoke(cli, ["--db", str(new)], input="n\n")
    assert refused.exit_code == 1
    assert f"No library at {new}. Create it? [y/N]" in refused.output
    assert list(tmp_path.iterdir()) == []
    assert app_runs == []
    # Enter alone is no, too.
    assert CliRunner().invoke(cli, ["--db", str(new)], input="\n").exit_code == 1
    assert list(tmp_path.iterdir()) == []

    accepted = CliRunner().invoke(cli, ["--db", str(new)], input="y\n")
    assert accepted.exit_code == 0, accepted.output
    assert app_runs == [new]
    with Store.open(new) as store:
        assert store.stats().papers == 0


def test_the_app_opens_an_existing_library_and_the_default_one_without_asking(
    library: Path, tmp_path: Path, app_runs: list[Path]
) -> None:
    assert CliRunner().invoke(cli, ["--db", str(library)]).exit_code == 0
    env = {"XDG_DATA_HOME": str(tmp_path / "xdg"), "READLIST_DB": ""}
    result = CliRunner().invoke(cli, [], env=env)
    assert result.exit_code == 0, result.output
    assert "Create it?" not in result.output
    default = tmp_path / "xdg" / "readlist" / "library.db"
    assert app_runs == [library, default]
    assert default.stat().st_size > 0


# -- flags that contradict each other --------------------------------------------------


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["mark", "{id}", "--star", "--unstar"], "--star and --unstar"),
        (["mark", "{id}", "--unstar", "--star"], "--star and --unstar"),
        (["mark", "{id}", "--read", "--unread", "--star"], "--read and --unread"),
        (["note", "{id}", "text", "--edit"], "TEXT and --edit"),
        (["note", "{id}", "text", "--clear"], "TEXT and --clear"),
        (["note", "{id}", "--edit", "--clear"], "--edit and --clear"),
    ],
)
def test_flags_that_contradict_each_other_are_usage_errors(
    library: Path, args: list[str], said: str
) -> None:
    paper = str(listed(library, "--limit", "1")[0]["id"])
    ok(library, "note", paper, "kept")
    before = _state(library)
    result = run(library, *(a.format(id=paper) for a in args))
    assert result.exit_code == 2
    one_line_error(result, said, "contradict")
    assert _state(library) == before


# -- notes ------------------------------------------------------------------------------


def test_an_empty_note_does_not_clear_one_without_clear(library: Path) -> None:
    paper = str(listed(library, "--limit", "1")[0]["id"])
    ok(library, "note", paper, "my words")
    for args, stdin in [(["-"], b""), (["-"], b"\n  \n"), ([""], None)]:
        result = run(library, "note", paper, *args, input=stdin)
        assert result.exit_code == 2
        one_line_error(result, "empty", "--clear")
    assert ok(library, "note", paper).stdout == "my words\n"
    assert "Note cleared" in ok(library, "note", paper, "--clear").stdout
    assert ok(library, "note", paper).stdout.strip() == ""


def test_a_note_argument_that_is_not_utf8_is_one_line_and_stores_nothing(library: Path) -> None:
    paper = str(listed(library, "--limit", "1")[0]["id"])
    before = _state(library)
    done = subprocess.run(
        [sys.executable, "-m", "readlist", "--db", str(library), "note", paper, b"ok \x9b"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert done.returncode in (1, 2)
    assert "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "Error: TEXT 'ok \\x9b': the note is not UTF-8 text "
        "(invalid start byte at byte 3); nothing was saved"
    ]
    assert _state(library) == before


def test_an_id_or_limit_beyond_64_bits_is_one_line(library: Path) -> None:
    huge = "99999999999999999999"
    before = _state(library)
    one_line_error(run(library, "mark", huge, "--star"), f"no paper with id {huge}")
    one_line_error(run(library, "mark", "--star", "--", "-" + huge), f"no paper with id -{huge}")
    one_line_error(run(library, "note", huge, "hello"), f"no paper with id {huge}")
    one_line_error(run(library, "note", huge), f"no paper with id {huge}")
    result = run(library, "list", "--limit", huge)
    assert result.exit_code == 2
    one_line_error(result, "--limit", huge, "range")
    assert _state(library) == before
    assert len(listed(library, "--limit", str(2**63 - 1))) == 72


def test_a_note_over_the_cap_is_refused_by_the_store(sample_store: Store) -> None:
    store = sample_store
    store.set_note(1, "é" * (NOTE_MAX_BYTES // 2))  # at the cap exactly: two bytes each
    with pytest.raises(NoteTooLongError, match=f"{NOTE_MAX_BYTES + 2:,} bytes"):
        store.set_note(1, "é" * (NOTE_MAX_BYTES // 2 + 1))
    assert store.note(1) == "é" * (NOTE_MAX_BYTES // 2)


def test_a_note_over_the_cap_is_one_line_from_the_cli(library: Path) -> None:
    paper = str(listed(library, "--limit", "1")[0]["id"])
    ok(library, "note", paper, "short")
    too_long = b"x" * (NOTE_MAX_BYTES + 1)
    one_line_error(run(library, "note", paper, "-", input=too_long), "<stdin>", "a note may hold")
    one_line_error(
        run(library, "note", paper, too_long.decode()), f"{NOTE_MAX_BYTES + 1:,} bytes", "hold"
    )
    assert ok(library, "note", paper).stdout == "short\n"
    ok(library, "note", paper, "-", input=b"y" * NOTE_MAX_BYTES)
    assert json.loads(ok(library, "stats", "--format", "json").stdout)["with_note"] == 1


def test_a_note_over_the_cap_written_in_editor_is_kept_in_a_file(
    library: Path, tmp_path: Path
) -> None:
    paper = str(listed(library, "--limit", "1")[0]["id"])
    editor = tmp_path / "editor.py"
    editor.write_text(f"import sys\nopen(sys.argv[1], 'w').write('z' * {NOTE_MAX_BYTES + 10})\n")
    editor.chmod(0o755)
    result = CliRunner().invoke(
        cli,
        ["--db", str(library), "note", paper, "--edit"],
        env={"EDITOR": f"{sys.executable} {editor}"},
    )
    one_line_error(result, "a note may hold", "kept in")
    kept = Path(result.stderr.strip().rsplit(" ", 1)[-1])
    assert kept.read_text() == "z" * (NOTE_MAX_BYTES + 10)
    kept.unlink()
    assert ok(library, "note", paper).stdout.strip() == ""


def test_a_path_glued_to_o_is_a_path_and_a_bare_word_is_not(library: Path, tmp_path: Path) -> None:
    """click reads "-oFILE" as "-o FILE": a glued path is kept working, while "-odd" (an
    excluded word more likely than a file named "dd") stays a usage error."""
    out = tmp_path / "glued.md"
    ok(library, "export", "--all", f"-o{out}")
    assert out.read_text(encoding="utf-8").startswith("# Reading list")
    result = run(library, "export", "-odd")
    assert result.exit_code == 2
    assert not (Path.cwd() / "dd").exists()
