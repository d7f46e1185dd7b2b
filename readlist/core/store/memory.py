"""What the app remembers of a library between runs: its sort order, the last filter and
the place in a triage. Kept in the library (table `memory`), so that it travels with the
file and its backups. Part of the store (see connection.py), so all SQL stays in the store.

Each thing is one row, written only when it changed, so the last writer wins thing by
thing when two windows share a library. What is read back is checked, never trusted:
a row that does not make sense (another version's, or edited by hand) is forgotten, not
an error, since the user's papers never depend on it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Literal, NamedTuple, get_args

from readlist.core.store import schema
from readlist.core.store.search import Sort

if TYPE_CHECKING:
    import sqlite_utils

MemoryKey = Literal["sort", "filter", "triage"]
MEMORY_KEYS: tuple[MemoryKey, ...] = get_args(MemoryKey)
SORT_NAMES: tuple[Sort, ...] = get_args(Sort)
# The app's list is in one of the store's sorts, or ranked for the user (readlist.core.rank).
ListSort = Sort | Literal["for_you"]
LIST_SORTS: tuple[ListSort, ...] = (*SORT_NAMES, "for_you")
FILTER_MAX_CHARS = 10_000  # a remembered filter longer than this was not typed: forgotten


class TriagePlace(NamedTuple):
    """Where a triage was left: its filter and order, and the paper on its card. A triage
    of the same filter in the same order starts again at that paper, if still queued."""

    query: str
    sort: Sort
    paper_id: int


class Memory(NamedTuple):
    """What the app remembers of a library; each thing None when there is nothing."""

    sort: ListSort | None = None
    filter: str | None = None
    triage: TriagePlace | None = None


Remembered = ListSort | str | TriagePlace | None  # a value for `remember`; None forgets


class LibraryMemory:
    """Store's memory of how the app was left. Read with plain SQL, since the app reads
    it as it opens (before sqlite-utils is imported); written with sqlite-utils."""

    conn: sqlite3.Connection

    @property
    def db(self) -> sqlite_utils.Database:  # Store's
        raise NotImplementedError

    def transaction(self) -> AbstractContextManager[None]:  # Store's
        raise NotImplementedError

    def recall(self) -> Memory:
        """What the app remembers of this library, read when it opens."""
        rows = dict(self.conn.execute("SELECT key, value FROM memory").fetchall())
        return Memory(
            sort=_list_sort(rows.get("sort")),
            filter=_filter(rows.get("filter")),
            triage=_triage(rows.get("triage")),
        )

    def remember(self, values: Mapping[MemoryKey, Remembered]) -> None:
        """Keep these things (None forgets one) in one transaction. A thing that is
        already so is not written, so that nothing is committed for it, and another
        window's watcher (PRAGMA data_version) is not woken."""
        rows = dict(_encoded(values))
        with self.transaction():
            held = dict(self.conn.execute("SELECT key, value FROM memory").fetchall())
            saved_at = schema.now()
            table = self.db.table("memory")
            table.upsert_all(
                [
                    {"key": key, "value": value, "saved_at": saved_at}
                    for key, value in rows.items()
                    if value is not None and held.get(key) != value
                ],
                pk="key",
            )
            for key, value in rows.items():
                if value is None and key in held:
                    table.delete(key)


def _encoded(values: Mapping[MemoryKey, Remembered]) -> Iterator[tuple[str, str | None]]:
    for key, value in values.items():
        if key not in MEMORY_KEYS:
            raise ValueError(f"nothing called {key!r} is remembered")
        if value is None:
            yield key, None
        elif key == "triage" and isinstance(value, TriagePlace):
            yield key, json.dumps(value._asdict(), ensure_ascii=False)
        elif key == "sort" and value in LIST_SORTS:
            yield key, str(value)
        elif key == "filter" and isinstance(value, str):
            yield key, value
        else:
            raise ValueError(f"{key} cannot be {value!r}")


def _sort(value: str | None) -> Sort | None:
    for name in SORT_NAMES:
        if value == name:
            return name
    return None


def _list_sort(value: str | None) -> ListSort | None:
    return next((name for name in LIST_SORTS if value == name), None)


def _filter(value: str | None) -> str | None:
    if value is None or not value.strip() or len(value) > FILTER_MAX_CHARS:
        return None
    return value


def _triage(value: str | None) -> TriagePlace | None:
    if value is None:
        return None
    try:
        place = json.loads(value)
    except ValueError:
        return None
    if not isinstance(place, dict):
        return None
    query, sort, paper_id = place.get("query"), _sort(place.get("sort")), place.get("paper_id")
    if not isinstance(query, str) or sort is None or type(paper_id) is not int:
        return None
    return TriagePlace(query, sort, paper_id)
