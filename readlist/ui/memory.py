"""What the app remembers of its library between runs: the sort order, the last filter,
the place in a triage (readlist.core.store.memory keeps them in the library file).

Read once as the app opens, on the writer's thread; kept current here as the user
changes them, so the screens ask this, never the library; written on the writer's
thread after a pause (MEMORY_PAUSE) and as the app quits, in one transaction that
skips what is already so. A write that fails (a damaged library, a file that cannot be
written) is dropped in silence: the user's papers matter, this does not, and a
damaged library is already said once (LibraryHealth).
"""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from functools import partial
from typing import TYPE_CHECKING, Any

from readlist.core.errors import ReadlistError
from readlist.core.store import Memory, MemoryKey, Remembered

if TYPE_CHECKING:
    from textual.app import App
    from textual.timer import Timer

    from readlist.core.store import Store
    from readlist.ui.state_writer import StateWriter

# Seconds without a change before it is written: a sort cycled through, a run of triage
# decisions, is one write, not one a key.
MEMORY_PAUSE = 1.0


class AppMemory:
    def __init__(self, app: App[None], writer: StateWriter) -> None:
        self._app = app
        self._writer = writer
        self.now = Memory()  # as the user left things, this run's changes included
        self._unsaved: dict[MemoryKey, Remembered] = {}
        self._timer: Timer | None = None
        self.saved = 0  # writes handed to the writer (for tests)

    def recall(self) -> None:
        """As the app opens, before its first screen: read what the library remembers.
        Waits for the writer, as the app's first look at the library does."""
        self._writer.in_turn(self._read)
        self._writer.flush()

    def _read(self, store: Store) -> None:
        # Unread, the app starts as on a new library; any damage is said by the check.
        with suppress(sqlite3.Error, ReadlistError):
            self.now = store.recall()

    def remember(self, key: MemoryKey, value: Remembered) -> None:
        """Keep `value` (None forgets it); written once changes pause, or as the app quits."""
        if getattr(self.now, key) == value and key not in self._unsaved:
            return
        changed: dict[str, Any] = {key: value}  # the store checks each value's type
        self.now = self.now._replace(**changed)
        self._unsaved[key] = value
        if self._timer is not None:
            self._timer.stop()
        self._timer = self._app.set_timer(MEMORY_PAUSE, self.save, name="remember")

    def save(self) -> None:
        """Hand what is not yet written to the writer (at once as the app quits)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        unsaved, self._unsaved = self._unsaved, {}
        if unsaved:
            self.saved += 1
            self._writer.in_turn(partial(_write, values=unsaved))


def _write(store: Store, *, values: dict[MemoryKey, Remembered]) -> None:
    """On the writer's thread. A failure is never worth a word (see the docstring above)."""
    with suppress(sqlite3.Error, ReadlistError, OSError):
        store.remember(values)
