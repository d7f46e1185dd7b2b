"""The user's tags and saved searches: their SQL, part of the store (see connection.py).

Both are the user's own state, written at once in a transaction of their own, and
every write moves the change counter (migrations.SCHEMA_V7's triggers), so that
other windows show it.

A tag and a saved search's name are each one word, because the filter language reads
`tag:NAME` and `saved:NAME` up to the next space; a name that starts with "-" would
read as the negation of another, and exports put commas between tags. Control
characters never reach the library, where they would reach a terminal."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from readlist.core.errors import ReadlistError
from readlist.core.models import SavedSearch
from readlist.core.printable import shown_in_line
from readlist.core.store import schema

NAME_MAX = 64  # characters: long enough for any word, short enough for the list's column


class BadNameError(ReadlistError):
    """A tag or saved search name that is not one word: the message names it and why."""


def one_word(text: str, what: str = "tag") -> str:
    """`text` without the spaces around it, when it is one word a query can name;
    BadNameError (one line, naming what was given and what is wrong) otherwise."""
    name = text.strip()
    shown = shown_in_line(text[:80])
    if not name:
        problem = "is empty"
    elif any(ch.isspace() for ch in name):
        problem = "has a space in it; a name is one word (try - or _ between words)"
    elif not name.isprintable():
        problem = "has a control character in it"
    elif "," in name:
        problem = "has a comma in it, which exports put between tags"
    elif name.startswith("-"):
        problem = "starts with -, which a query reads as 'not'"
    elif len(name) > NAME_MAX:
        problem = f"is {len(name)} characters long, more than the {NAME_MAX} a name may be"
    else:
        return name
    raise BadNameError(f"{what} '{shown}' {problem}")


def unique_names(names: Iterable[str], what: str = "tag") -> list[str]:
    """Each name checked (one_word), once whatever its case, in the order given: the
    library holds a tag once a paper, whatever its case."""
    seen: dict[str, str] = {}
    for text in names:
        name = one_word(text, what)
        seen.setdefault(name.casefold(), name)
    return list(seen.values())


def sorted_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """A paper's tags in the one order every view and export shows them."""
    return tuple(sorted(tags, key=lambda tag: (tag.casefold(), tag)))


class LibraryTags:
    """Store's tags and saved searches."""

    conn: sqlite3.Connection

    if TYPE_CHECKING:

        def transaction(self) -> AbstractContextManager[None]: ...
        def _require(self, ids: Iterable[int]) -> list[int]: ...

    # -- tags --------------------------------------------------------------------

    def _spelling(self, name: str) -> str:
        """A tag as the library first spelled it (a tag is one whatever its case)."""
        row = self.conn.execute("SELECT tag FROM tags WHERE tag = ? LIMIT 1", (name,)).fetchone()
        return str(row[0]) if row is not None else name

    def add_tag(self, ids: Iterable[int], name: str) -> list[int]:
        """Tag papers with `name`; returns the ids that did not have it yet. An unknown
        id (UnknownPaperError) or a name that is not one word (BadNameError) writes
        nothing."""
        (name,) = unique_names([name], "tag")
        added: list[int] = []
        with self.transaction():
            wanted = self._require(ids)
            spelled = self._spelling(name)
            stamp = schema.now(precise=True)
            for paper_id in wanted:
                cursor = self.conn.execute(
                    "INSERT OR IGNORE INTO tags (paper_id, tag, tagged_at) VALUES (?, ?, ?)",
                    (paper_id, spelled, stamp),
                )
                if cursor.rowcount:
                    added.append(paper_id)
        return added

    def remove_tag(self, ids: Iterable[int], name: str) -> list[int]:
        """Take `name` off papers; returns the ids that had it."""
        (name,) = unique_names([name], "tag")
        removed: list[int] = []
        with self.transaction():
            for paper_id in self._require(ids):
                cursor = self.conn.execute(
                    "DELETE FROM tags WHERE paper_id = ? AND tag = ?", (paper_id, name)
                )
                if cursor.rowcount:
                    removed.append(paper_id)
        return removed

    def change_tags(self, paper_id: int, added: Iterable[str], removed: Iterable[str]) -> None:
        """Put `added` on a paper and take `removed` off it, in one transaction: the tag
        editor's save and its undo, which leave every other tag as it is (one put on
        meanwhile by another window stays)."""
        on, off = unique_names(added, "tag"), unique_names(removed, "tag")
        with self.transaction():
            self._require([paper_id])
            stamp = schema.now(precise=True)
            for name in on:
                self.conn.execute(
                    "INSERT OR IGNORE INTO tags (paper_id, tag, tagged_at) VALUES (?, ?, ?)",
                    (paper_id, self._spelling(name), stamp),
                )
            for name in off:
                self.conn.execute(
                    "DELETE FROM tags WHERE paper_id = ? AND tag = ?", (paper_id, name)
                )

    def _tags_of(self, paper_id: int) -> Iterator[str]:
        rows = self.conn.execute("SELECT tag FROM tags WHERE paper_id = ?", (paper_id,))
        return (str(row[0]) for row in rows.fetchall())

    def tags_of(self, paper_id: int) -> tuple[str, ...]:
        """A paper's tags, in the order every view shows them (care.tags.sorted_tags)."""
        return sorted_tags(self._tags_of(paper_id))

    def tag_counts(self) -> list[tuple[str, int]]:
        """Every tag in the library with how many papers have it, by name; papers in
        the trash are not counted (a tag only they have is not listed)."""
        rows = self.conn.execute(
            """SELECT tag, count(*) FROM tags WHERE paper_id NOT IN (SELECT paper_id FROM trash)
               GROUP BY tag ORDER BY tag COLLATE NOCASE, tag"""
        )
        return [(str(tag), int(count)) for tag, count in rows]

    # -- saved searches -------------------------------------------------------------

    def saved_searches(self) -> list[SavedSearch]:
        """The saved searches in their saved order (the app's keys 1-9 follow it)."""
        rows = self.conn.execute(
            "SELECT name, query, position FROM saved_searches ORDER BY position, name"
        )
        return [SavedSearch(str(name), str(query), int(pos)) for name, query, pos in rows]

    def saved_queries(self) -> dict[str, str]:
        """Name -> query, for parse_query's `saved` (which reads names whatever their case)."""
        return {s.name: s.query for s in self.saved_searches()}

    def save_search(self, name: str, query: str) -> bool:
        """Save `query` as `name`: a new name goes last, a known one (whatever its case)
        keeps its place and takes the new query. True when the name is new."""
        (name,) = unique_names([name], "saved search name")
        with self.transaction():
            cursor = self.conn.execute(
                "UPDATE saved_searches SET query = ?, saved_at = ? WHERE name = ?",
                (query, schema.now(), name),
            )
            if cursor.rowcount:
                return False
            self.conn.execute(
                """INSERT INTO saved_searches (name, query, position, saved_at)
                   VALUES (?, ?, (SELECT coalesce(max(position), 0) + 1 FROM saved_searches),
                           ?)""",
                (name, query, schema.now()),
            )
        return True

    def remove_saved_search(self, name: str) -> SavedSearch | None:
        """Forget a saved search; what it was (for an undo), or None when no search has
        that name."""
        with self.transaction():
            row = self.conn.execute(
                "SELECT name, query, position FROM saved_searches WHERE name = ?", (name,)
            ).fetchone()
            if row is None:
                return None
            self.conn.execute("DELETE FROM saved_searches WHERE name = ?", (name,))
        return SavedSearch(str(row[0]), str(row[1]), int(row[2]))
