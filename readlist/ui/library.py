"""The app's way to the library: a store (an SQLite connection) per thread, from a pool.

Workers run on threads of their own, and an SQLite connection must not be shared
between threads mid-transaction, so each thread gets a store of its own. Textual
starts a new thread for every thread worker, one per keystroke while filtering, so
the stores are pooled: when a thread ends, its thread-local lease is dropped and the
store goes back to the pool for the next thread, instead of a new connection (and a
new page cache) per keystroke.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from pathlib import Path

from readlist.core.errors import damaged_line, is_damage
from readlist.core.store import Store, damage_in_one_line, record_damage

READER_CACHE_MIB = 8  # per connection; a few are open at once while typing a filter


class _Lease:
    """Held in a thread-local: freed, and the store returned, when its thread ends."""

    __slots__ = ("__weakref__", "store")

    def __init__(self, store: Store) -> None:
        self.store = store


class StorePool:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._all: list[Store] = []
        self._idle: list[Store] = []
        self._closed = False
        self._damage_told = False

    def store(self) -> Store:
        lease: _Lease | None = getattr(self._local, "lease", None)
        if lease is None:
            with self._lock:
                store = self._idle.pop() if self._idle else None
            if store is None:
                store = Store.open(self.path, cache_mib=READER_CACHE_MIB)
                with self._lock:
                    self._all.append(store)
            lease = _Lease(store)
            weakref.finalize(lease, self._release, store)
            self._local.lease = lease
        return lease.store

    def _release(self, store: Store) -> None:
        with self._lock:
            if self._closed:  # close() left it to the thread that was using it
                with contextlib.suppress(Exception):
                    store.close()
                return
            if store.conn.in_transaction:  # a thread died mid-write: never reuse that
                with contextlib.suppress(Exception):
                    store.conn.rollback()
            self._idle.append(store)

    def damage_news(self, problem: str | BaseException) -> str | None:
        """Damage met (a problem found, or an SQLite error that says so): remembered, so
        that the writer refuses every later change (Store.ensure_writable), and the line
        to tell the user, the first time only. None for an error that is not damage."""
        if isinstance(problem, BaseException):
            if not is_damage(problem):
                return None
            problem = str(problem)
        record_damage(self.path, problem)
        with self._lock:
            told, self._damage_told = self._damage_told, True
        return None if told else damaged_line(self.path, problem)

    def check(self) -> str | None:
        """SQLite's quick check of the whole library, for a worker thread when the app
        opens it: damage no screen happens to read is found before anything is written.
        The line to tell the user, as damage_news."""
        problems = self.store().quick_check()
        if not problems:
            return None
        return self.damage_news(damage_in_one_line(problems))

    def close(self) -> None:
        """Close the idle stores; stop the busy ones, which their threads close on exit.

        Closing a connection under a thread still running a query crashes SQLite, and
        the app may quit while a cancelled worker is still reading. A store in the middle
        of a write (an import's part) is left to commit it: stopping it would throw away
        the part the import was asked to finish.
        """
        with self._lock:
            self._closed = True
            busy = [store for store in self._all if store not in self._idle]
            for store in self._idle:
                with contextlib.suppress(Exception):
                    store.close()
            for store in busy:
                if not store.writing:
                    with contextlib.suppress(Exception):
                        store.conn.interrupt()
            self._all.clear()
            self._idle.clear()
