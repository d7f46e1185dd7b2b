"""Notices what others change in the library: another readlist window, the CLI, an import.

SQLite says when another connection has committed (`PRAGMA data_version`); asking costs
microseconds, so one thread asks twice a second, on a connection of its own, and tells
the app. This app's own writer is another connection too, so its commits are noticed as
well; the screens re-read what they show, find it unchanged, and redraw nothing.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

from readlist.core.errors import ReadlistError
from readlist.core.store import Store

POLL_SECONDS = 0.5  # another window's star shows here within a second

OnChange = Callable[[bool], None]  # called with True when an import has landed


class Watcher:
    def __init__(self, path: Path, on_change: OnChange, interval: float = POLL_SECONDS) -> None:
        self._path = path
        self._on_change = on_change
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="readlist-watcher", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _run(self) -> None:
        try:
            store = Store.open(self._path, cache_mib=1)
        except (ReadlistError, sqlite3.Error):
            return  # the app reports a library it cannot open; nothing to watch
        try:
            version, dump = store.data_version(), store.last_dump_id()
            while not self._stop.wait(self._interval):
                try:
                    now = store.data_version()
                    if now == version:
                        continue
                    latest = store.last_dump_id()
                except sqlite3.Error:
                    continue  # busy or gone for a moment: ask again next time
                version, imported, dump = now, latest != dump, latest
                self._on_change(imported)
        finally:
            store.close()
