"""The real `readlist` in a real terminal (tmux): filter, star, quit, then the CLI checks."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT, SAMPLE_DUMPS

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed"),
]
READLIST = [sys.executable, "-m", "readlist"]
# A server of our own, with no user config: a fixed size, whatever else tmux is running.
TMUX = ["tmux", "-L", f"readlist-e2e-{uuid.uuid4().hex[:8]}", "-f", "/dev/null"]


def tmux(*args: str) -> str:
    done = subprocess.run([*TMUX, *args], capture_output=True, text=True, check=True)
    return done.stdout


def wait_for(
    session: str, condition: Callable[[str], bool], what: str, timeout: float = 20.0
) -> None:
    """Poll the screen until `condition` holds; fail naming `what`, showing the screen."""
    deadline = time.monotonic() + timeout
    while not condition(shown := screen(session)):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; the screen:\n{shown}")
        time.sleep(0.05)  # a poll interval between screen captures, not a wait for time


@pytest.fixture
def library(tmp_path: Path) -> Path:
    db = tmp_path / "library.db"
    subprocess.run(
        [*READLIST, "--db", str(db), "import", str(SAMPLE_DUMPS)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    return db


@pytest.fixture
def session(library: Path) -> Iterator[str]:
    name = f"readlist-e2e-{uuid.uuid4().hex[:8]}"
    command = " ".join([*READLIST, "--db", str(library)])
    tmux(
        "new-session",
        "-d",
        "-x",
        "120",
        "-y",
        "35",
        "-s",
        name,
        "-c",
        str(ROOT),
        f"{command}; echo READLIST-EXITED-$?; sleep 30",
    )
    try:
        yield name
    finally:
        subprocess.run([*TMUX, "kill-server"], capture_output=True)


def screen(name: str) -> str:
    return tmux("capture-pane", "-p", "-t", name)


def test_filter_star_quit_then_the_cli_sees_it(session: str, library: Path) -> None:
    wait_for(session, lambda shown: "358 papers" in shown, "the library to open")
    tmux("send-keys", "-t", session, "/")
    # The footer drops the list's keys once the filter bar has the focus.
    wait_for(session, lambda shown: "s Star" not in shown, "the filter bar to take the focus")
    tmux("send-keys", "-t", session, "-l", "continual learning")
    wait_for(session, lambda shown: "filter: continual learning" in shown, "the filter to apply")
    tmux("send-keys", "-t", session, "Enter")
    tmux("send-keys", "-t", session, "s")
    wait_for(session, lambda shown: "1 starred" in shown, "the star to show")
    tmux("send-keys", "-t", session, "q")
    wait_for(session, lambda shown: "READLIST-EXITED-0" in shown, "readlist to quit cleanly")
    listed = subprocess.run(
        [*READLIST, "--db", str(library), "list", "is:starred", "--format", "json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    (paper,) = json.loads(listed.stdout)
    text = (paper["title"] + " " + paper["abstract"]).lower()
    assert "continual" in text and "learning" in text
