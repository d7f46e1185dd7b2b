"""Saves the user's changes the moment a key is pressed, in order, off the UI thread.

One writer thread drains a queue of writes. A single thread (rather than one worker
per key press) keeps the writes in the order the keys were pressed, so "star,
unstar" can never land as "unstar, star"; the app flushes it before exiting.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable

from readlist.core.store import Store
from readlist.ui.library import StorePool

Write = Callable[[Store], None]
OnError = Callable[[Exception], None]


class StateWriter:
    def __init__(self, library: StorePool, on_error: OnError) -> None:
        self._library = library
        self._on_error = on_error
        self._queue: queue.Queue[Write | None] = queue.Queue()
        self.submitted = 0  # writes asked for so far: a read older than one is stale
        self.after_write: Write | None = None  # run after each write (the watcher's)
        self._thread = threading.Thread(target=self._run, name="readlist-writer", daemon=True)
        self._thread.start()

    def submit(self, write: Write) -> None:
        self.submitted += 1
        self._queue.put(write)
        if self.after_write is not None:
            self._queue.put(self.after_write)

    def in_turn(self, work: Write) -> None:
        """Run `work` on the writer's connection, in turn with the writes, not counted as
        one of them (see `submitted`): the watcher's look, or what the app remembers of
        how it was left, which changes nothing shown."""
        self._queue.put(work)

    def flush(self) -> None:
        """Block until every submitted write has been committed (or has failed)."""
        self._queue.join()

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=10)

    def _run(self) -> None:
        while True:
            write = self._queue.get()
            try:
                if write is None:
                    return
                write(self._library.store())
            except Exception as exc:  # reported to the user; the app keeps running
                self._on_error(exc)
            finally:
                self._queue.task_done()
