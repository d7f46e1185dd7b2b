"""Notices what others change in the library: another readlist window, the CLI, an import.

SQLite says when another connection has committed (`PRAGMA data_version`), and asking
costs microseconds. The app asks twice a second on its writer's own connection, in
the writer's queue (`StateWriter.in_turn`): there its own commits do not count as
changes, so a star pressed here is not followed by a re-read of what is on screen, and
only what others did is. This app's other connections commit too (the ranker keeps the
terms it makes): after each of the writer's writes the stamps it moved are taken as
seen (`own_write`), so such a commit never passes this app's marks off as another's.
A commit that changed neither the papers (an import) nor
anything a user changes (the store's change rule, `migrations.CHANGE_COUNTED`) is what
another window remembers of how it was left: it changes nothing shown here, so it
wakes nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from readlist.core.store import Store

POLL_SECONDS = 0.5  # another window's star shows here within a second

OnChange = Callable[[bool], None]  # called with True when an import has landed


class Watcher:
    def __init__(self, on_change: OnChange) -> None:
        self._on_change = on_change
        # data_version, and what it changed: the import stamp and the state stamp.
        self._seen: tuple[int, tuple[tuple[int, int], int]] | None = None
        self.polls = 0

    def check(self, store: Store) -> None:
        """On the writer's thread, with its store."""
        try:
            version = store.data_version()
            if self._seen is not None and version == self._seen[0]:
                return
            stamps = (store.import_stamp(), store.state_stamp())
        except sqlite3.Error:
            return  # busy or gone for a moment: ask again next time
        finally:
            self.polls += 1
        seen, self._seen = self._seen, (version, stamps)
        # The first look is the baseline, taken before the first read.
        if seen is not None and stamps != seen[1]:
            self._on_change(stamps[0] != seen[1][0])

    def own_write(self, store: Store) -> None:
        """On the writer's thread, after one of its writes: the stamps it moved are no
        news. Unless another connection committed since the last look: that look is
        left to `check`, which may then take this write for another's (a re-read more)."""
        seen = self._seen
        try:
            if seen is not None and store.data_version() == seen[0]:
                self._seen = (seen[0], (store.import_stamp(), store.state_stamp()))
        except sqlite3.Error:
            return
