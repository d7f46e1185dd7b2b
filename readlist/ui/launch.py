"""Starting the app in the user's terminal: the entry point `readlist` (no command) runs.

Textual reads its settings from the environment once, as it is first imported, so the
frame rate is set here before the app module (and Textual with it) is imported; nothing
is set by merely importing readlist.ui.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from readlist.ui.app import ReadlistApp

# Textual paints at most 60 frames a second, so a change waits up to 17 ms for its
# frame. The app paints only when something changed, so a higher cap costs nothing when
# idle and halves the wait after a keystroke.
FRAMES_A_SECOND = 120
# A kill (TERM, or INT: Ctrl+C is a key in the app, so INT comes from `kill`), or the
# terminal window closing (HUP): the app saves the user's words and quits.
QUIT_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
# The most a quit on a signal may take once the user's work is saved (see run).
LEAVE_SECONDS = 5.0


def set_frame_rate() -> None:
    """Textual's frame cap, unless the user set TEXTUAL_FPS: theirs wins. It takes
    effect only if Textual has not been imported yet."""
    os.environ.setdefault("TEXTUAL_FPS", str(FRAMES_A_SECOND))


def run(path: Path) -> None:
    """The app in this terminal, until it quits. The process exits non-zero when the
    app did not end well: 128 + the signal it quit on, or 1 after an unexpected error
    (whose traceback Textual has printed), so that a script or a shell can tell."""
    set_frame_rate()
    from readlist.paths import settings_file
    from readlist.ui.app import ReadlistApp
    from readlist.ui.library import StorePool

    app = ReadlistApp(StorePool(path), signals=QUIT_SIGNALS, settings=settings_file())
    ended = threading.Event()
    threading.Thread(
        target=_end_if_stuck, args=(app, ended), name="readlist-leave", daemon=True
    ).start()
    app.run()
    ended.set()
    app.left.set()  # the watch ends
    _say(app.exit_notes)
    if app.return_code:
        sys.exit(app.return_code)


def _end_if_stuck(app: ReadlistApp, ended: threading.Event) -> None:
    """Once a signal's work is saved, the process ends within LEAVE_SECONDS. With the
    terminal gone (a closed window), Textual's exit can wait for ever to write to it."""
    app.left.wait()
    if not ended.wait(LEAVE_SECONDS) and app.leaving is not None:
        _say(app.exit_notes)
        os._exit(128 + app.leaving)


def _say(lines: list[str]) -> None:
    for line in lines:
        try:
            print(line, file=sys.stderr, flush=True)
        except OSError:  # the terminal has gone (SIGHUP): any draft is still in its file
            return
