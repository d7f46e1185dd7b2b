"""`readlist` with no command is the app, which needs a terminal: without one (a pipe,
a file, /dev/null, cron) it says so in one line, points to the commands, exits 2, and
creates no library."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

MESSAGE = (
    "Error: the readlist app needs a terminal (stdin, stdout and stderr); "
    "without one, use its commands, e.g. readlist list (see: readlist --help)"
)


def _drain(master: int) -> str:
    """All a pty holds once no process has it open any more."""
    out = b""
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # EIO: everything written has been read
            break
        if not chunk:
            break
        out += chunk
    return out.decode("utf-8", "replace")


@pytest.mark.parametrize(
    ("stdin", "stdout", "stderr"),
    [
        ("null", "null", "pipe"),  # readlist </dev/null >/dev/null 2>log
        ("tty", "null", "tty"),  # readlist >/dev/null
        ("null", "tty", "tty"),  # readlist </dev/null
        ("tty", "tty", "pipe"),  # readlist 2>log
    ],
)
def test_the_app_without_a_terminal_says_so_and_exits_2(
    tmp_path: Path, stdin: str, stdout: str, stderr: str
) -> None:
    db = tmp_path / "library.db"
    master, terminal = pty.openpty()
    streams = {"null": subprocess.DEVNULL, "pipe": subprocess.PIPE, "tty": terminal}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "readlist", "--db", str(db)],
            stdin=streams[stdin],
            stdout=streams[stdout],
            stderr=streams[stderr],
            timeout=60,  # the app, if it started, would wait for keys that never come
            cwd=ROOT,
        )
    finally:
        os.close(terminal)
    try:
        said = done.stderr.decode() if stderr == "pipe" else _drain(master)
    finally:
        os.close(master)
    assert done.returncode == 2
    assert said.strip().splitlines() == [MESSAGE]
    assert not db.exists()
