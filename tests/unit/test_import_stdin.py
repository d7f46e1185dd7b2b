"""`readlist import -` on a terminal says it is reading the terminal, and how to end it;
from a pipe it says nothing of the kind."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT, SAMPLE_DUMPS

SAID = "Reading a dump from the terminal: paste it, then press Ctrl-D"


def test_import_from_the_terminal_says_how_to_end_it(tmp_path: Path) -> None:
    master, terminal = pty.openpty()
    try:
        done = subprocess.Popen(
            [sys.executable, "-m", "readlist", "--db", str(tmp_path / "lib.db"), "import", "-"],
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            cwd=ROOT,
        )
        os.write(master, b"\x04")  # Ctrl-D at the start of a line: the end of the input
        _out, err = done.communicate(timeout=60)
    finally:
        os.close(terminal)
        os.close(master)
    assert err.decode().splitlines()[0].startswith(SAID)


def test_import_from_a_pipe_says_nothing_of_the_terminal(tmp_path: Path) -> None:
    dump = sorted(SAMPLE_DUMPS.glob("*.txt"))[0].read_bytes()
    done = subprocess.run(
        [sys.executable, "-m", "readlist", "--db", str(tmp_path / "lib.db"), "import", "-"],
        input=dump,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert SAID not in done.stderr.decode()
