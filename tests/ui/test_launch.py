"""Textual's frame cap: set as the app is started, never by importing readlist.ui, and
the user's own TEXTUAL_FPS wins. Each case runs in a fresh interpreter, since Textual
reads the variable once, as it is first imported."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from readlist.ui.launch import FRAMES_A_SECOND

# Runs readlist.ui.launch.run as `readlist` does, up to the moment Textual is first
# imported: there it says the frame cap Textual reads, and stops.
AT_TEXTUAL_IMPORT = """
import os, sys
from pathlib import Path

class Stop(Exception):
    pass

class Watch:
    def find_spec(self, name, path=None, target=None):
        if name == "textual.constants":
            print(os.environ.get("TEXTUAL_FPS"))
            raise Stop
        return None

import readlist.ui.launch as launch
assert "textual" not in sys.modules
sys.meta_path.insert(0, Watch())
try:
    launch.run(Path(sys.argv[1]))
except Stop:
    pass
"""


def python(code: str, *args: str, fps: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    if fps is not None:
        env["TEXTUAL_FPS"] = fps
    done = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return done.stdout.strip()


def test_importing_the_ui_sets_nothing() -> None:
    code = "import os, readlist.ui, readlist.ui.app; print(os.environ.get('TEXTUAL_FPS'))"
    assert python(code) == "None"


def test_the_app_runs_at_the_readlist_frame_cap(library_path: Path) -> None:
    assert python(AT_TEXTUAL_IMPORT, str(library_path)) == str(FRAMES_A_SECOND)


def test_the_users_own_frame_cap_wins(library_path: Path) -> None:
    assert python(AT_TEXTUAL_IMPORT, str(library_path), fps="30") == "30"
