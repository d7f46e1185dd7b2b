"""The app's connection pool: a store per thread, reused once the thread ends."""

from __future__ import annotations

import threading
from pathlib import Path

from readlist.core.store import Store
from readlist.ui.library import StorePool


def test_threads_reuse_stores_and_never_share_one(library_path: Path) -> None:
    library = StorePool(library_path)
    seen: list[Store] = []  # held, so no two stores can share an id()

    def work() -> None:
        store = library.store()
        assert store is library.store()  # the same one for the life of the thread
        seen.append(store)
        store.stats()

    for _ in range(50):  # one after another: one store, reused
        thread = threading.Thread(target=work)
        thread.start()
        thread.join()
    assert len({id(store) for store in seen}) <= 2  # at most one more while one is let go
    barrier = threading.Barrier(4)
    stores: list[Store] = []

    def hold() -> None:
        stores.append(library.store())
        barrier.wait()  # all four alive at once: four different stores

    threads = [threading.Thread(target=hold) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(store) for store in stores}) == 4
    assert len({id(store) for store in seen + stores}) <= 6  # idle ones were reused
    library.close()
