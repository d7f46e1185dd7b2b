"""The app's way to the library: one store (one SQLite connection) per thread.

Workers run on threads of their own, and an SQLite connection must not be shared
between threads mid-transaction, so each thread opens its own on first use.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

from readlist.core.store import Store


class Library:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._stores: list[Store] = []

    def store(self) -> Store:
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store.open(self.path)
            self._local.store = store
            with self._lock:
                self._stores.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._stores:
                with contextlib.suppress(Exception):  # a thread's connection may be gone
                    store.close()
            self._stores.clear()
