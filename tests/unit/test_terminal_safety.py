"""Whatever a library or a folder holds, printing it never drives the terminal, and
every command prints under any locale without a traceback."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from readlist.core.printable import escaped_in_json, shown, shown_in_line
from readlist.core.store import Store
from tests.conftest import ROOT, SAMPLE_DUMPS
from tests.unit.test_cli import ok, run

# ESC sequences, CSI as its C1 byte, BEL, DEL, and the bidi controls that reorder text.
HOSTILE = "Zyx \x1b[2J\x1b]0;pwned\x07 \x9b31m \x7f \u202egpj.exe \u2066i\u2069 \u200f\u061c end"
# What a terminal obeys: C0 but tab and newline, DEL, C1, and the bidi controls.
OBEYED = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
NOTE = "★ 论文 — naïve\n\n" + HOSTILE + "\nlast line"


@pytest.fixture
def hostile(db_path: Path) -> Path:
    """The sample library with a hostile title and note on paper 1 (starred), and a
    pair of papers up for review whose titles are hostile too."""
    ok(db_path, "import", str(SAMPLE_DUMPS))
    with Store.open(db_path) as store:
        store.conn.execute("UPDATE papers SET title = ? WHERE id IN (1, 2)", (HOSTILE,))
        store.conn.execute(
            "INSERT INTO review VALUES (1, 2, 91.5, 88.0, ?, '2026-11-23')", (HOSTILE,)
        )
        store.set_note(1, NOTE)
        store.set_flag([1], "starred", True)
    return db_path


def _clean(text: str) -> None:
    assert not OBEYED.search(text), OBEYED.findall(text)


def test_bidi_controls_are_shown_as_one_visible_cell() -> None:
    for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)):
        assert shown_in_line(f"a{chr(code)}b") == "a\ufffdb"
        assert shown(f"a{chr(code)}b\n") == "a\ufffdb\n"
    assert shown_in_line("cod\u202egpj.exe") == "cod\ufffdgpj.exe"
    assert shown_in_line("caf\udce9.txt") == "caf\ufffd.txt"  # a file name not in UTF-8
    assert shown_in_line("naïve ★ 论文 ‍") == "naïve ★ 论文 ‍"
    # The marks steer only their neighbours and belong to Arabic and Hebrew text.
    assert (
        shown("\u05e9\u05dc\u05d5\u05dd\u200f (x)\u061c")
        == "\u05e9\u05dc\u05d5\u05dd\u200f (x)\u061c"
    )


def test_json_escapes_keep_the_same_data() -> None:
    text = json.dumps({"t": HOSTILE, "n": NOTE}, ensure_ascii=False)
    escaped = escaped_in_json(text)
    _clean(escaped)
    assert json.loads(escaped) == {"t": HOSTILE, "n": NOTE}


def test_list_dupes_note_and_stats_print_no_terminal_controls(hostile: Path) -> None:
    table = ok(hostile, "list", "zyx").stdout
    assert "Zyx ␛[2J␛]0;pwned␇ \ufffd31m ␡ \ufffdgpj.exe" in table
    tsv = ok(hostile, "list", "--format", "tsv", "zyx").stdout
    rows = list(csv.reader(io.StringIO(tsv), delimiter="\t"))
    assert len(rows) == 3
    assert rows[1][-1].startswith("Zyx ␛[2J")
    dupes = ok(hostile, "dupes").stdout
    assert dupes.count("Zyx ␛[2J") == 3  # both titles and the reason
    note = ok(hostile, "note", "1").stdout
    assert note.startswith("★ 论文 — naïve\n\nZyx ␛[2J")
    assert note.endswith("\nlast line\n")
    for out in (table, tsv, dupes, note):
        _clean(out)


def test_json_output_is_escaped_but_holds_the_same_data(hostile: Path) -> None:
    for args in (["list", "--format", "json", "zyx"], ["export", "--format", "json"]):
        out = ok(hostile, *args).stdout
        _clean(out)
        (paper,) = [p for p in json.loads(out) if p["id"] == 1]
        assert (paper["title"], paper["note"]) == (HOSTILE, NOTE)
    dupes = ok(hostile, "dupes", "--format", "json").stdout
    _clean(dupes)
    assert json.loads(dupes)[0]["title"] == HOSTILE


@pytest.mark.parametrize("fmt", ["md", "csv", "bibtex", "ris"])
def test_an_export_to_stdout_is_cleaned_and_one_to_a_file_is_exact(
    hostile: Path, tmp_path: Path, fmt: str
) -> None:
    printed = ok(hostile, "export", "--format", fmt).stdout
    _clean(printed)
    target = tmp_path / f"out.{fmt}"
    ok(hostile, "export", "--format", fmt, "-o", str(target))
    written = target.read_bytes().decode("utf-8")
    assert "\u202e" in written
    if fmt in ("bibtex", "ris"):  # one-line fields, no C0/C1 controls: LaTeX and RIS use none
        assert "Zyx [2J" in printed and "Zyx [2J" in written
        assert "\x1b" not in written and "\x9b" not in written
        return
    assert "Zyx ␛[2J" in printed
    assert "\x1b[2J" in written and "\x9b" in written
    if fmt == "csv":  # line ends kept: still CSV, one row a paper
        rows = list(csv.DictReader(io.StringIO(printed)))
        assert [r["id"] for r in rows] == ["1"]


def test_file_names_in_the_import_report_and_errors_are_cleaned(
    db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "dumps"
    folder.mkdir()
    name = "evil\x1b]0;pwned\x07\u202etxt.exe"
    (folder / f"{name}.txt").write_bytes(next(SAMPLE_DUMPS.glob("004_*.txt")).read_bytes())
    (folder / f"{name}2.txt").write_text("")
    result = run(db_path, "import", str(folder))
    assert result.exit_code == 1
    _clean(result.stdout)
    _clean(result.stderr)
    assert "evil␛]0;pwned␇\ufffdtxt.exe.txt" in result.stdout
    assert "evil␛]0;pwned␇\ufffdtxt.exe2.txt" in result.stderr


def test_the_progress_bar_label_is_cleaned(monkeypatch: pytest.MonkeyPatch) -> None:
    from readlist.cli_import import ProgressBars
    from readlist.core.ingest import ImportProgress

    err = io.StringIO()
    err.isatty = lambda: True  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stderr", err)
    bars = ProgressBars(quiet=False)
    bars(ImportProgress("dumps/evil\x1b[2J\u202e.txt", 0, 1, 5, 10))
    bars.close()
    assert "evil␛[2J\ufffd.txt" in err.getvalue()
    _clean(err.getvalue().replace("\r", "").replace("\x1b[?25l", "").replace("\x1b[?25h", ""))


def test_a_library_path_with_controls_is_cleaned_in_import_and_stats(tmp_path: Path) -> None:
    db = tmp_path / "lib\x1b[2J.db"
    for out in (
        ok(db, "import", str(next(SAMPLE_DUMPS.glob("004_*.txt")))).stdout,
        ok(db, "stats").stdout,
    ):
        _clean(out)
        assert "lib␛[2J.db" in out


# -- locales ----------------------------------------------------------------------------


LOCALES = {
    "cp1252": {"PYTHONIOENCODING": "cp1252"},
    "C": {"LC_ALL": "C"},
    "C, no UTF-8 mode": {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
}


def _env(extra: dict[str, str]) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "PYTHON", "LANG"))}
    env["PYTHONPATH"] = os.environ.get("PYTHONPATH", str(ROOT))
    return env | extra


@pytest.mark.parametrize("locale", LOCALES)
def test_every_command_prints_under_a_narrow_locale(hostile: Path, locale: str) -> None:
    env = _env(LOCALES[locale])

    def readlist(*args: str) -> bytes:
        done = subprocess.run(
            [sys.executable, "-m", "readlist", "--db", str(hostile), *args],
            capture_output=True,
            env=env,
            cwd=ROOT,
        )
        assert b"Traceback" not in done.stderr, done.stderr.decode(errors="replace")
        assert done.returncode == 0, (args, done.stderr)
        return done.stdout

    for args in (["list"], ["list", "is:starred"], ["dupes"], ["stats"], ["note", "1"]):
        assert readlist(*args)
    # Data is UTF-8 whatever the locale, as a file written with -o is.
    exported = json.loads(readlist("export", "--format", "json").decode("utf-8"))
    assert exported[0]["note"] == NOTE
    listed = json.loads(readlist("list", "--format", "json", "is:starred").decode("utf-8"))
    assert listed[0]["note"] == NOTE
    for fmt in ("md", "csv", "ris"):
        assert "★ 论文 — naïve" in readlist("export", "--format", fmt).decode("utf-8")
    # BibTeX names in LaTeX what LaTeX can name, and keeps the rest UTF-8.
    assert r"★ 论文 {\textemdash} na{\"\i}ve" in readlist("export", "--format", "bibtex").decode()
    csl = json.loads(readlist("export", "--format", "csl-json").decode("utf-8"))
    assert csl[0]["note"] == NOTE
    assert "Zyx" in readlist("list", "--format", "tsv", "zyx").decode("utf-8")
    table = readlist("list", "is:starred").decode("utf-8", "replace")
    assert re.match(r" +1 [★*]", table), table
