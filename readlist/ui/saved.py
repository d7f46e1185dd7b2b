"""The library's saved searches as the app knows them, so that every filter it parses
reads `saved:NAME` without a read of its own on the UI thread."""

from __future__ import annotations

import sqlite3
from contextlib import suppress
from typing import TYPE_CHECKING

from readlist.core.errors import ReadlistError
from readlist.core.models import SavedSearch
from readlist.core.query import Query, parse_query

if TYPE_CHECKING:
    from readlist.core.store import Store


class SavedSearches:
    """The library's saved searches, read as the app opens and again after every change
    to the library (the app's own, another window's): a filter parsed on the UI thread
    expands `saved:NAME` without a read."""

    def __init__(self) -> None:
        self.searches: tuple[SavedSearch, ...] = ()
        self.last_name = ""  # the name the filter was last saved as: the next save offers it

    def read(self, store: Store) -> None:
        """On any thread (one assignment); a failed read leaves the last one."""
        with suppress(sqlite3.Error, ReadlistError):
            self.searches = tuple(store.saved_searches())

    @property
    def queries(self) -> dict[str, str]:
        return {search.name: search.query for search in self.searches}

    def parse(self, text: str) -> Query:
        return parse_query(text, self.queries)

    def at(self, key: int) -> SavedSearch | None:
        """The saved search key `key` (1-9) shows."""
        return self.searches[key - 1] if 0 < key <= len(self.searches) else None

    def shown_by(self, text: str) -> SavedSearch | None:
        """The saved search whose query the filter is, word for word."""
        words = text.split()
        return next((s for s in self.searches if s.query.split() == words), None) if words else None
