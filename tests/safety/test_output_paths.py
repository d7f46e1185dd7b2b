"""Every path the user names for readlist to write (`export -o`, `backup`) is safe: never
the library or its -wal/-shm/-journal by any name, a pipe or a device is written in place,
a file gets a shell redirect's permissions, and each mistake is one line naming the path
as typed (readlist.core.targets)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from readlist.cli import cli
from readlist.core.ingest.importer import Importer
from readlist.core.query import parse_query
from readlist.core.store import Store
from tests.conftest import NOW, ROOT, SAMPLE_DUMPS
from tests.safety.support import contents, readlist_command, wait_until

STARRED = [1, 2]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("built") / "lib.db"
    with Store.open(path) as store:
        importer = Importer(store, now=NOW)
        for dump in sorted(SAMPLE_DUMPS.glob("*.txt")):
            importer.import_bytes(dump.read_bytes(), dump.name)
        store.set_flag(STARRED, "starred", True)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def lib(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the library in a folder of its own, which is also the working directory."""
    folder = tmp_path / "work"
    folder.mkdir()
    path = folder / "lib.db"
    shutil.copy(built, path)
    monkeypatch.chdir(folder)
    return path


def run(db: Path | str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def one_line_error(result: Result, *fragments: str, code: int = 1) -> str:
    assert result.exit_code == code, (result.output, result.exception)
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert ".tmp" not in lines[0] and ".partial" not in lines[0], lines[0]
    return lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else "absent"


def starred(db: Path) -> list[int]:
    with Store.open(db) as store:
        return sorted(p.id for p in store.iter_search(parse_query("is:starred")))


# -- the library and its sidecars, by every name ------------------------------------------

# (how the test names a path that reaches one of the library's files, which file)
Namer = Callable[[Path], str]


def _symlink(lib: Path) -> str:
    (lib.parent / "link.db").symlink_to(lib.name)
    return "link.db"


def _hard_link(lib: Path) -> str:
    os.link(lib, lib.parent / "hard.db")
    return "hard.db"


def _dotdot(lib: Path) -> str:
    (lib.parent / "sub").mkdir()
    return f"sub/../{lib.name}"


def _outside_in(lib: Path) -> str:
    """../work/lib.db from a sibling folder, through a symlinked folder."""
    (lib.parent.parent / "aside").symlink_to(lib.parent)
    return f"../{lib.parent.name}/../aside/{lib.name}-wal"


def _wal_link(lib: Path) -> str:
    (lib.parent / "wal-link").symlink_to(f"{lib.name}-wal")
    return "wal-link"


def _wal_hard_link(lib: Path) -> str:
    os.link(f"{lib}-wal", lib.parent / "wal-hard")
    return "wal-hard"


NAMES: dict[str, tuple[Namer, str]] = {
    "library": (lambda lib: lib.name, "the library itself"),
    "absolute": (lambda lib: str(lib), "the library itself"),
    "wal": (lambda lib: f"{lib.name}-wal", "-wal file"),
    "shm": (lambda lib: f"{lib.name}-shm", "-shm file"),
    "journal": (lambda lib: f"{lib.name}-journal", "-journal file"),  # not there in WAL
    "damage mark": (lambda lib: f"{lib.name}.damaged", ".damaged file"),  # not there yet
    "symlink": (_symlink, "the library itself"),
    "hard link": (_hard_link, "the library itself"),
    "dot-dot": (_dotdot, "the library itself"),
    "dot-dot through a symlinked folder": (_outside_in, "-wal file"),
    "symlink to the wal": (_wal_link, "-wal file"),
    "hard link to the wal": (_wal_hard_link, "-wal file"),
}


@pytest.fixture
def app_open(lib: Path) -> Iterator[Store]:
    """The library held open with a write done, as the app holds it: -wal and -shm exist."""
    with Store.open(lib) as store:
        store.set_flag([3], "starred", True)
        assert Path(f"{lib}-wal").exists() and Path(f"{lib}-shm").exists()
        yield store


def _assert_nothing_lost(lib: Path, app: Store, before: dict[str, tuple[int, str]]) -> None:
    """The library is as it was, and the app's next write lands in it."""
    app.set_flag([4], "starred", True)
    app.close()
    with Store.open(lib) as fresh:
        assert fresh.check_integrity() == []
    assert contents(lib)["papers"] == before["papers"]
    assert starred(lib) == [*STARRED, 3, 4]


@pytest.mark.parametrize("how", NAMES, ids=list(NAMES))
def test_export_never_writes_onto_the_library_or_its_sidecars(
    how: str, lib: Path, app_open: Store
) -> None:
    namer, what = NAMES[how]
    given = namer(lib)
    before = contents(lib)
    result = run(lib, "export", "--format", "json", "-o", given)
    one_line_error(result, f"Error: {given}: is ", what, "export to another path")
    assert not Path(f"{lib}-journal").exists()
    _assert_nothing_lost(lib, app_open, before)


@pytest.mark.parametrize("how", NAMES, ids=list(NAMES))
def test_backup_never_writes_onto_the_library_or_its_sidecars(
    how: str, lib: Path, app_open: Store
) -> None:
    namer, what = NAMES[how]
    given = namer(lib)
    before = contents(lib)
    result = run(lib, "backup", given)
    one_line_error(result, f"Error: {given}: is ", what, "back up to another path")
    assert not Path(f"{lib}-journal").exists()
    _assert_nothing_lost(lib, app_open, before)


def test_the_library_named_through_a_relative_db_path_is_refused(lib: Path) -> None:
    """--db given relative, the target absolute: the same file all the same."""
    before = digest(lib)
    one_line_error(run("lib.db", "export", "--format", "csv", "-o", str(lib)), "is the library")
    one_line_error(run("./lib.db", "backup", str(lib)), "is the library itself")
    assert digest(lib) == before


# -- what a backup may replace --------------------------------------------------------------


def test_a_backup_replaces_no_empty_file_and_no_other_file(lib: Path) -> None:
    empty = lib.parent / "empty.db"
    empty.touch()
    one_line_error(run(lib, "backup", "empty.db"), "empty.db: ", "not a readlist library")
    assert empty.read_bytes() == b""
    other = lib.parent / "other.db"
    other.write_bytes(b"SQLite format 3\x00" + bytes(4080))  # another program's, say
    one_line_error(run(lib, "backup", "other.db"), "other.db: ", "not a readlist library")
    assert other.read_bytes() == b"SQLite format 3\x00" + bytes(4080)


def test_a_backup_refuses_a_pipe(lib: Path) -> None:
    os.mkfifo(lib.parent / "pipe")
    one_line_error(run(lib, "backup", "pipe"), "pipe: is a pipe or a device")
    assert stat.S_ISFIFO((lib.parent / "pipe").lstat().st_mode)


def test_a_backup_through_a_symlink_writes_the_file_it_names(lib: Path) -> None:
    first = run(lib, "backup", "real.db")
    assert first.exit_code == 0, first.output
    (lib.parent / "latest.db").symlink_to("real.db")
    run(lib, "mark", "5", "--star")
    again = run(lib, "backup", "latest.db")
    assert again.exit_code == 0, again.output
    assert (lib.parent / "latest.db").is_symlink()
    assert starred(lib.parent / "real.db") == [*STARRED, 5]


# -- relative paths and folders -------------------------------------------------------------


def test_a_relative_backup_twice_replaces_the_first(lib: Path) -> None:
    first = run(lib, "backup", "REL.db")
    assert first.exit_code == 0, first.output
    run(lib, "mark", "6", "--star")
    second = run(lib, "backup", "REL.db")
    assert second.exit_code == 0, (second.output, second.exception)
    assert "Backed up 358 papers" in second.output
    assert starred(lib.parent / "REL.db") == [*STARRED, 6]
    assert sorted(p.name for p in lib.parent.iterdir()) == ["REL.db", "lib.db"]


def test_a_trailing_slash_is_a_folder_made_if_its_parent_exists(lib: Path) -> None:
    result = run(lib, "backup", "backups/")
    assert result.exit_code == 0, result.output
    assert (lib.parent / "backups").is_dir()
    (copy,) = (lib.parent / "backups").iterdir()
    assert copy.name.startswith("lib-") and copy.suffix == ".db"
    assert f"to backups/{copy.name}" in result.output

    one_line_error(run(lib, "backup", "no/such/"), "no/such/: no such folder (no is missing)")
    assert not (lib.parent / "no").exists()
    (lib.parent / "afile").write_text("x")
    one_line_error(run(lib, "backup", "afile/"), "afile/: is a file, not a folder")
    assert (lib.parent / "afile").read_text() == "x"


def test_export_to_a_folder_name_is_refused(lib: Path) -> None:
    one_line_error(run(lib, "export", "-o", "out/"), "out/: names a folder")
    assert not (lib.parent / "out").exists()
    (lib.parent / "there").mkdir()
    one_line_error(run(lib, "export", "-o", "there"), "there: is a folder")


# -- pipes, devices, stdout ------------------------------------------------------------------


def _read_in_thread(path: Path) -> tuple[threading.Thread, list[bytes]]:
    got: list[bytes] = []

    def read() -> None:
        with open(path, "rb") as fh:
            got.append(fh.read())

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    return reader, got


def test_export_to_a_fifo_streams_into_it(lib: Path) -> None:
    fifo = lib.parent / "pipe.json"
    os.mkfifo(fifo)
    reader, got = _read_in_thread(fifo)
    result = run(lib, "export", "-o", "pipe.json")
    assert result.exit_code == 0, result.output
    wait_until(lambda: not reader.is_alive(), "the reader to reach the end")
    assert sorted(p["id"] for p in json.loads(got[0])) == STARRED
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert sorted(p.name for p in lib.parent.iterdir()) == ["lib.db", "pipe.json"]


@pytest.fixture
def null_device(tmp_path: Path) -> Path:
    """A character device like /dev/null (1, 3), made where the test can look at it."""
    path = tmp_path / "null"
    try:
        os.mknod(path, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device needs root")
    return path


def test_export_to_a_device_writes_into_it(lib: Path, null_device: Path) -> None:
    result = run(lib, "export", "-o", str(null_device))
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(null_device.lstat().st_mode)
    assert null_device.stat().st_size == 0
    assert not [p for p in null_device.parent.iterdir() if p.name.startswith(".")]


def _export_to_stdout(lib: Path, given: str) -> subprocess.CompletedProcess[bytes]:
    done = subprocess.run(
        [*readlist_command(lib, "export", "--format", "json", "-o", given)],
        cwd=lib.parent,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p["id"] for p in json.loads(done.stdout)) == STARRED
    return done


def test_export_to_dash_is_stdout(lib: Path) -> None:
    _export_to_stdout(lib, "-")
    assert not (lib.parent / "-").exists()


def test_export_to_a_link_to_the_process_stdout_writes_stdout(lib: Path) -> None:
    """What /dev/stdout is: a link into /proc/self/fd, written in place, not replaced."""
    (lib.parent / "out").symlink_to("/proc/self/fd/1")
    _export_to_stdout(lib, "out")
    assert (lib.parent / "out").is_symlink()


@pytest.mark.parametrize("given", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1", "out"])
def test_export_to_stdout_sent_to_a_file_keeps_what_the_shell_wrote_there(
    lib: Path, given: str
) -> None:
    """`{ echo head; readlist export -o /dev/stdout; echo foot; } >> log`: /dev/stdout is
    the shell's file, written at the shell's offset, never swapped for a new file."""
    (lib.parent / "out").symlink_to("/dev/stdout")
    log = lib.parent / "log.md"
    log.write_text("precious line\n")
    command = " ".join(f"'{part}'" for part in readlist_command(lib, "export", "-o", given))
    subprocess.run(
        f"{{ echo HEAD; {command}; echo FOOT; }} >> {log}",
        shell=True,
        cwd=lib.parent,
        env=os.environ | {"PYTHONPATH": str(ROOT)},
        stdin=subprocess.DEVNULL,
        timeout=60,
        check=True,
    )
    lines = log.read_text().splitlines()
    assert lines[:3] == ["precious line", "HEAD", "# Reading list"]
    assert lines[-1] == "FOOT"


# -- files: atomic, a shell redirect's mode, a known format ------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_a_new_export_gets_the_mode_a_shell_redirect_gives(lib: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        result = run(lib, "export", "-o", "out.md")
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE((lib.parent / "out.md").stat().st_mode) == 0o666 & ~umask


def test_a_replaced_export_keeps_its_mode_and_a_symlink_is_followed(lib: Path) -> None:
    kept = lib.parent / "kept.csv"
    kept.write_text("old")
    os.chmod(kept, 0o640)
    (lib.parent / "link.csv").symlink_to("kept.csv")
    result = run(lib, "export", "-o", "link.csv")
    assert result.exit_code == 0, result.output
    assert (lib.parent / "link.csv").is_symlink()
    assert kept.read_text().startswith("id,title,")
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640


@pytest.mark.parametrize("name", ["refs.enw", "x.txt", "notes.docx"])
def test_an_unknown_suffix_is_a_usage_error(lib: Path, name: str) -> None:
    suffix = Path(name).suffix
    line = one_line_error(run(lib, "export", "-o", name), name, f"'{suffix}'", code=2)
    assert ".md" in line and ".bib" in line and "--format" in line
    assert not (lib.parent / name).exists()
    ok = run(lib, "export", "--format", "md", "-o", name)  # said outright, it is written
    assert ok.exit_code == 0, ok.output
    assert (lib.parent / name).read_text().startswith("# Reading list")


def test_no_suffix_is_markdown_and_known_suffixes_choose_the_format(lib: Path) -> None:
    for name, start in [("notes", "# Reading list"), ("x.markdown", "# Reading"), ("x.bib", "@")]:
        result = run(lib, "export", "-o", name)
        assert result.exit_code == 0, result.output
        assert (lib.parent / name).read_text().startswith(start)


# -- errors name the target and its real problem ------------------------------------------------


@pytest.fixture
def mount(tmp_path: Path) -> Iterator[Callable[[str], Path]]:
    """Mount a small tmpfs (its options given), for a full or a read-only folder."""
    mounted: list[Path] = []

    def make(options: str) -> Path:
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
            capture_output=True,
            check=False,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
        mounted.append(point)
        return point

    yield make
    for point in mounted:
        subprocess.run(["umount", str(point)], check=True)


def test_a_full_disk_is_said_of_the_export_not_the_library(
    lib: Path, mount: Callable[[str], Path]
) -> None:
    full = mount("size=64k")
    earlier = full / "all.json"
    earlier.write_text("[]\n")
    given = str(earlier)
    line = one_line_error(run(lib, "export", "--all", "-o", given), f"Error: {given}: ", "full")
    assert "library" not in line and str(lib) not in line
    assert f"{given} is as it was" in line
    assert earlier.read_text() == "[]\n"
    assert sorted(p.name for p in full.iterdir()) == ["all.json"]


def test_a_full_disk_is_said_of_the_backup_not_the_library(
    lib: Path, mount: Callable[[str], Path]
) -> None:
    full = mount("size=256k")
    given = str(full / "copy.db")
    before = digest(lib)
    line = one_line_error(run(lib, "backup", given), f"Error: {given}: ", "full")
    assert "could not write to the library" not in line and str(lib) not in line
    assert list(full.iterdir()) == []
    assert digest(lib) == before


def test_a_read_only_folder_is_said_so(lib: Path, mount: Callable[[str], Path]) -> None:
    folder = mount("ro,size=64k")
    for args in (["export", "--format", "csv", "-o"], ["backup"]):
        given = str(folder / "out.db")
        line = one_line_error(run(lib, *args, given), f"Error: {given}: ", "read-only folder")
        assert "not a readlist library" not in line
    assert list(folder.iterdir()) == []


def test_a_read_only_folder_with_an_earlier_backup_is_said_so(
    lib: Path, mount: Callable[[str], Path]
) -> None:
    folder = mount("size=4m")
    shutil.copy(lib, folder / "old.db")
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
    given = str(folder / "old.db")
    before = digest(folder / "old.db")
    line = one_line_error(run(lib, "backup", given), f"Error: {given}: ", "read-only folder")
    assert "not a readlist library" not in line and f"{given} is as it was" in line
    assert digest(folder / "old.db") == before


def test_a_missing_folder_is_said_of_the_target(lib: Path) -> None:
    one_line_error(run(lib, "export", "-o", "nope/x.md"), "nope/x.md: no such folder (nope)")
    one_line_error(run(lib, "backup", "nope/x.db"), "nope/x.db: no such folder (nope)")
