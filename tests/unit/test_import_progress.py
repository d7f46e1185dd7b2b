"""`readlist import` on a terminal: a bar for each dump it writes, each ending at 100%;
a dump already in the library has nothing to do, so it gets no bar stuck at 0%."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys
import threading
from pathlib import Path

from readlist.core.ingest import ImportProgress, import_sources
from readlist.core.store import Store
from tests.conftest import NOW, ROOT, SAMPLE_DUMPS

CONTROL = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
BAR = re.compile(r"(\S+\.txt)\s+\[[#-]*\]\s+(\d+)%")  # a file's name, its bar, how far


def import_on_a_terminal(db: Path, columns: int = 80) -> str:
    """What `readlist import sample_dumps` draws on a terminal (stderr on a pty)
    `columns` wide, without the terminal's control sequences."""
    master, terminal = pty.openpty()
    drawn = bytearray()

    def read() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the terminal's other end closed: all is read
                return
            if not chunk:
                return
            drawn.extend(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "readlist", "--db", str(db), "import", str(SAMPLE_DUMPS)],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=terminal,
            cwd=ROOT,
            env={**os.environ, "COLUMNS": str(columns)},
            timeout=120,
            check=False,
        )
    finally:
        os.close(terminal)
        reader.join(timeout=30)
        os.close(master)
    assert done.returncode == 0, done.stdout
    return CONTROL.sub("", drawn.decode("utf-8", "replace"))


def last_percent_by_dump(drawn: str) -> dict[str, int]:
    """Each bar's last drawing: the dump it is for, and how far it says it went."""
    last: dict[str, int] = {}
    for name, percent in BAR.findall(drawn):
        last[Path(name).name] = int(percent)
    return last


def test_each_bar_ends_full(tmp_path: Path) -> None:
    bars = last_percent_by_dump(import_on_a_terminal(tmp_path / "lib.db"))
    assert sorted(bars) == sorted(p.name for p in SAMPLE_DUMPS.glob("*.txt"))
    assert set(bars.values()) == {100}


def test_each_bar_fits_the_terminal_line(tmp_path: Path) -> None:
    """A bar wider than the terminal wraps, and each redraw then adds a line."""
    drawn = import_on_a_terminal(tmp_path / "lib.db", columns=80)
    lines = [line for line in re.split(r"[\r\n]", drawn) if BAR.search(line)]
    assert lines
    assert max(len(line.rstrip()) for line in lines) <= 80


def test_a_reimport_draws_no_bar_stuck_at_zero(tmp_path: Path) -> None:
    db = tmp_path / "lib.db"
    import_on_a_terminal(db)
    drawn = import_on_a_terminal(db)
    assert last_percent_by_dump(drawn) == {}  # nothing to do, so no bar
    assert "0%" not in drawn


def test_a_dump_found_whole_completes_its_progress_at_once(db_path: Path) -> None:
    """The front door's side, for any bar made before the dump is found in the library
    (the app's): once read, a dump with nothing to decide has one more event, its last
    (done == total), which fills the bar at once."""
    dump = sorted(SAMPLE_DUMPS.glob("*.txt"))[0]
    with Store.open(db_path) as store:
        list(import_sources(store, [dump], now=NOW))
        events: list[ImportProgress] = []
        (report,) = import_sources(store, [dump], progress=events.append, now=NOW)
    assert report.already_imported
    assert events == [
        ImportProgress(str(dump), 0, 1, 0, None),
        ImportProgress(str(dump), 0, 1, 0, 0),
    ]
