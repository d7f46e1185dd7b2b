"""`y` then `l` in a real terminal: the link leaves the app as OSC 52, which only a real
terminal can take. tmux with `set-clipboard on` takes it into its paste buffer, as a
terminal takes it into the system clipboard; the pilot tests see only `app.clipboard`."""

from __future__ import annotations

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
TMUX = ["tmux", "-L", f"readlist-e2e-{uuid.uuid4().hex[:8]}", "-f", "/dev/null"]
LISTING = ROOT / "tests" / "fixtures" / "hf_daily_papers.json"
LINK = "https://arxiv.org/abs/2410.09918"


def tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TMUX, *args], capture_output=True, text=True, check=False)


def wait_for(what: str, condition: Callable[[str], bool]) -> None:
    """Poll the screen until `condition` holds; fail naming `what`, showing the screen."""
    deadline = time.monotonic() + 20.0
    while not condition(screen := tmux("capture-pane", "-p", "-t", "app").stdout):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}; the screen:\n{screen}")
        time.sleep(0.05)  # a poll interval between captures, not a wait for time


@pytest.fixture
def app(tmp_path: Path) -> Iterator[None]:
    """readlist in tmux, 80x24, on a library with the sample dumps and a listing."""
    db = tmp_path / "library.db"
    subprocess.run(
        [*READLIST, "--db", str(db), "import", str(SAMPLE_DUMPS), str(LISTING)],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    command = " ".join([*READLIST, "--db", str(db)]) + "; sleep 30"
    started = tmux(
        "new-session", "-d", "-x", "80", "-y", "24", "-s", "app", "-c", str(ROOT), command
    )
    assert started.returncode == 0, started.stderr
    try:
        tmux("set-option", "-g", "set-clipboard", "on")  # before any key: OSC 52 is taken
        yield
    finally:
        tmux("kill-server")


@pytest.mark.usefixtures("app")
def test_y_l_puts_the_link_in_the_terminals_clipboard() -> None:
    wait_for("the library to open", lambda screen: "sort:" in screen)
    tmux("send-keys", "-t", "app", "/")
    wait_for("the filter bar to take the focus", lambda screen: "Filter:" in screen)
    tmux("send-keys", "-t", "app", "-l", "id:2410.09918")
    tmux("send-keys", "-t", "app", "Enter")
    wait_for("the filter to apply", lambda screen: "1 shown" in screen)
    tmux("send-keys", "-t", "app", "y")
    wait_for("the copy menu", lambda screen: "Copy to the clipboard" in screen)
    tmux("send-keys", "-t", "app", "l")
    wait_for("the link in tmux's buffer", lambda _: tmux("show-buffer").stdout == LINK)
