"""What `readlist import` is given to read: each input is read with a size cap, a name
that is not a regular file (a FIFO, a device) is refused at once rather than waited on
or read for ever, Ctrl-C stops a read, and a file name that is not UTF-8 is imported and
shown with escapes. Each refusal is one line, exit 1, the library unchanged."""

from __future__ import annotations

import contextlib
import io
import json
import os
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from readlist.cli import cli
from readlist.cli_import import ProgressBars
from readlist.core.ingest import ImportProgress, sources
from tests.conftest import ROOT, SAMPLE_DUMPS
from tests.safety.support import PaperMaker, contents, dump_text, readlist_command, wait_until

TIMEOUT = 60  # seconds: a read that hangs fails the test instead of hanging it


def _run(db: Path, *args: str, input: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args], input=input)


def _one_line_error(result: Result | subprocess.CompletedProcess[str], *fragments: str) -> None:
    code = result.exit_code if isinstance(result, Result) else result.returncode
    assert code == 1, (code, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def _limit_memory() -> None:
    """In the child: 2 GiB of address space, so that a read without a cap fails fast
    instead of taking the machine's memory."""
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


def _readlist(db: Path, *args: str | bytes, stdin: int | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [*readlist_command(db), *args],
        cwd=ROOT,
        stdin=subprocess.DEVNULL if stdin is None else stdin,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_limit_memory,
    )


def _finish(process: subprocess.Popen[str]) -> subprocess.CompletedProcess[str]:
    try:
        out, err = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        out, err = process.communicate()
        raise AssertionError(f"still reading after {TIMEOUT} s: {err}") from None
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


@pytest.fixture
def library(db_path: Path) -> Path:
    assert _run(db_path, "import", str(next(SAMPLE_DUMPS.glob("000_*.txt")))).exit_code == 0
    return db_path


@pytest.fixture
def small_cap(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(sources, "MAX_DUMP_BYTES", 1 << 20)
    return 1 << 20


def _big_dump(size: int) -> bytes:
    """A real dump (it would import) just over `size` bytes."""
    maker = PaperMaker(seed=9)
    papers = maker.papers(size // 400)
    while len(text := dump_text(papers, "Mar 3, 2025").encode()) <= size:
        papers += maker.papers(100)
    return text


def test_a_file_over_the_cap_is_refused_whole(
    library: Path, tmp_path: Path, small_cap: int
) -> None:
    before = contents(library)
    big = tmp_path / "big.txt"
    big.write_bytes(_big_dump(small_cap))
    _one_line_error(
        _run(library, "import", str(big)),
        f"{big}: larger than 1 MiB",
        "split it into smaller files",
    )
    assert contents(library) == before


def test_stdin_over_the_cap_is_refused_and_stdin_under_it_imports(
    library: Path, small_cap: int
) -> None:
    before = contents(library)
    _one_line_error(
        _run(library, "import", "-", input=_big_dump(small_cap)), "<stdin>: larger than 1 MiB"
    )
    assert contents(library) == before
    fits = dump_text(PaperMaker(seed=4).papers(3), "Mar 3, 2025").encode()
    done = _run(library, "import", "-", "--json", input=fits)
    assert done.exit_code == 0, done.stderr
    (report,) = json.loads(done.stdout)["files"]
    assert (report["source"], report["new"]) == ("<stdin>", 3)


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/null"])
def test_a_device_is_refused_at_once(library: Path, device: str) -> None:
    before = contents(library)
    done = _finish(_readlist(library, "import", device))
    _one_line_error(done, f"{device}: not a regular file")
    assert contents(library) == before


def test_a_fifo_is_refused_at_once_not_waited_on(library: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    before = contents(library)
    process = _readlist(library, "import", str(fifo))
    try:
        done = _finish(process)
    finally:  # a reader waiting on it (a readlist without the check) is let go
        with contextlib.suppress(OSError):
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
    _one_line_error(done, f"{fifo}: not a regular file")
    assert contents(library) == before


def test_ctrl_c_stops_a_read_from_stdin(library: Path) -> None:
    """A pipe that never ends (its writer is still there): Ctrl-C ends the import with
    "Aborted.", exit 130, no traceback, the library as it was."""
    before = contents(library)
    read_end, write_end = os.pipe()
    try:
        process = _readlist(library, "import", "-", stdin=read_end)
        os.close(read_end)
        os.write(write_end, b"new\n\nSubscribe\n\nMar 3\n\n")
        # Until it is reading: its interpreter is up and has stdin open (it waits there).
        wait_until(lambda: _reads_stdin(process.pid), "the import to read stdin", timeout=30)
        process.send_signal(signal.SIGINT)
        done = _finish(process)
    finally:
        os.close(write_end)
    assert done.returncode == 130, done.stderr
    assert done.stderr.strip() == "Aborted."
    assert contents(library) == before


def _reads_stdin(pid: int) -> bool:
    """The process is asleep in a read of its stdin (Linux's /proc tells)."""
    try:
        syscall = Path(f"/proc/{pid}/syscall").read_text().split()
    except OSError:
        return False
    # read(2) is syscall 0 on x86-64 and 63 on arm64; its first argument is the fd.
    return len(syscall) > 1 and syscall[0] in ("0", "63") and int(syscall[1], 16) == 0


def _non_utf8_folder(folder: Path) -> None:
    """Three dumps, the middle one named in Latin-1 bytes (not UTF-8)."""
    folder.mkdir()
    dumps = sorted(SAMPLE_DUMPS.glob("*.txt"))
    (folder / "a.txt").write_bytes(dumps[0].read_bytes())
    fd = os.open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), os.O_WRONLY | os.O_CREAT)
    os.write(fd, dumps[1].read_bytes())
    os.close(fd)
    (folder / "z.txt").write_bytes(dumps[2].read_bytes())


def test_a_folder_with_a_non_utf8_file_name_imports_every_file(
    db_path: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "dumps"
    _non_utf8_folder(folder)
    done = _run(db_path, "import", str(folder))
    assert done.exit_code == 0, (done.stderr, done.exception)
    rows = [line.split()[0] for line in done.stdout.splitlines()[1:4]]
    assert rows == ["a.txt", "caf\\xe9.txt", "z.txt"]
    again = _run(db_path, "import", str(folder), "--json")
    sources_named = [f["source"] for f in json.loads(again.stdout)["files"]]
    assert sources_named == [f"{folder}/a.txt", f"{folder}/caf\\xe9.txt", f"{folder}/z.txt"]
    stored = _run(db_path, "stats", "--format", "json")
    assert json.loads(stored.stdout)["dumps"] == 3


def test_a_non_utf8_file_name_as_an_argument(db_path: Path, tmp_path: Path) -> None:
    """Named on the command line in bytes that are not UTF-8 (a real process: argv is
    bytes): imported, and named with escapes; missing, one line naming it so."""
    folder = tmp_path / "dumps"
    _non_utf8_folder(folder)
    name = os.path.join(os.fsencode(folder), b"caf\xe9.txt")
    done = _finish(_readlist(db_path, "import", name))
    assert done.returncode == 0, done.stderr
    assert "caf\\xe9.txt" in done.stdout
    missing = _finish(_readlist(db_path, "import", name + b".gone"))
    _one_line_error(missing, "caf\\xe9.txt.gone: no such file or folder")


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_shows_a_file_name_s_escapes_not_obeys_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    name = "\x1b]0;owned\x07\x1b[2Jdump.txt"
    bars = ProgressBars(quiet=False)
    bars(ImportProgress(name, 0, 1, 0, 2))
    bars(ImportProgress(name, 0, 1, 2, 2))
    shown = terminal.getvalue()
    assert "\u241b]0;owned\u2407\u241b[2Jdump.txt" in shown
    assert "\x1b]0" not in shown and "\x1b[2J" not in shown


@pytest.mark.parametrize(
    ("name", "data"),
    [
        (
            "counts.json",
            b'[{"paper": {"id": "2504.01234", "title": "Huge Counts", "summary": "s",'
            b' "upvotes": 99999999999999999999999}, "numComments": 1e300}]',
        ),
        (
            "version.bib",
            b"@misc{a, title = {Huge Version},"
            b" eprint = {2504.01234v99999999999999999999999}, archivePrefix = {arXiv}}\n",
        ),
        (
            "day.json",
            b'[{"type": "article", "title": "Huge Day", "number": "arXiv:2504.01234",'
            b' "issued": {"date-parts": [[2024, 1, 99999999999999999999999]]}}]',
        ),
    ],
)
def test_a_count_or_version_too_big_for_the_library_is_left_out(
    library: Path, tmp_path: Path, name: str, data: bytes
) -> None:
    """Not an OverflowError's traceback: the paper imports, with what fits."""
    path = tmp_path / name
    path.write_bytes(data)
    result = _run(library, "import", str(path))
    assert result.exit_code == 0, result.output
    listed = json.loads(_run(library, "list", "id:2504.01234", "--format", "json").output)
    (paper,) = listed
    assert (paper["upvotes"], paper["comments"], paper["version"]) == (None, None, None)
    assert paper["published"] in (None, "2024-01")


@pytest.mark.parametrize(
    ("name", "data"),
    [
        (  # as `readlist fetch` passes on an answer that escapes one
            "hf.json",
            b'[{"paper": {"id": "2504.01234", "title": "Lone \\ud800 Surrogate",'
            b' "summary": "s \\udfff", "authors": [{"name": "Ada \\ud83d"}],'
            b' "projectPage": "https://x.example/\\udc00"}, "extra": "\\ud800"}]',
        ),
        (
            "csl.json",
            b'[{"type": "article", "title": "Lone \\ud800 Surrogate",'
            b' "number": "arXiv:2504.01234", "author": [{"family": "\\udc00"}],'
            b' "URL": "https://x.example/\\ud800", "note": "\\ud800"}]',
        ),
    ],
)
def test_json_with_a_lone_surrogate_escaped_in_it_imports(
    library: Path, tmp_path: Path, name: str, data: bytes
) -> None:
    """JSON may escape half of a surrogate pair; SQLite stores no such text. The shown
    text gets U+FFFD in its place, and the record keeps the escape, so nothing is lost."""
    path = tmp_path / name
    path.write_bytes(data)
    result = _run(library, "import", str(path))
    assert result.exit_code == 0, result.output
    (paper,) = json.loads(_run(library, "list", "id:2504.01234", "--format", "json").output)
    assert paper["title"] == "Lone \ufffd Surrogate"
    with contextlib.closing(sqlite3.connect(library)) as conn:
        rows = conn.execute("SELECT record FROM sightings WHERE record IS NOT NULL").fetchall()
    (record,) = [json.loads(row[0]) for row in rows]
    given = json.loads(data)[0]
    for key in ("extra", "note", "author"):  # what the record keeps as the file gave it
        if key in given:
            assert record[key] == given[key]
