"""The store's writes to many papers at once: a filter's papers marked read or starred in
one transaction (the bulk actions of readlist.core.care.bulk). Part of the store, the
only package with SQL."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Literal

from readlist.core.query import Query
from readlist.core.store import schema
from readlist.core.store.search import plain_where

Flag = Literal["read", "starred"]
# Ids go to SQLite as one JSON array a statement, this many at most.
IDS_PER_STATEMENT = 10_000


def _chunks(ids: Sequence[int]) -> Iterator[str]:
    for start in range(0, len(ids), IDS_PER_STATEMENT):
        yield json.dumps(list(ids[start : start + IDS_PER_STATEMENT]))


class BulkWrites:
    """Store's writes to a filter's papers; each is one transaction."""

    conn: sqlite3.Connection

    def transaction(self) -> AbstractContextManager[None]:  # Store's
        raise NotImplementedError

    def flag_where(self, query: Query, flag: Flag, value: bool) -> list[int]:
        """Set `flag` to `value` on every paper `query` matches; the ids of the papers it
        changed (not those that had it already), so that an undo puts back only those."""
        where = plain_where(self.conn, query)
        joined = " AND " if where.sql else " WHERE "
        has = f"p.id IN (SELECT paper_id FROM state WHERE {flag} = 1)"
        sql = f"SELECT p.id FROM papers p{where.sql}{joined}{'NOT ' if value else ''}({has})"
        with self.transaction():
            ids = [row[0] for row in self.conn.execute(sql, where.params)]
            self._write_flag(ids, flag, value)
        return ids

    def set_flag_many(self, ids: Sequence[int], flag: Flag, value: bool) -> None:
        """Set `flag` on many papers in one transaction (a bulk mark's undo); ids no longer
        in the library are passed over."""
        with self.transaction():
            self._write_flag(ids, flag, value)

    def _write_flag(self, ids: Sequence[int], flag: Flag, value: bool) -> None:
        at = schema.now()
        for chunk in _chunks(ids):
            self.conn.execute(
                f"""INSERT INTO state (paper_id, {flag}, {flag}_at)
                    SELECT j.value, ?, ? FROM json_each(?) j
                    WHERE j.value IN (SELECT id FROM papers)
                    ON CONFLICT (paper_id) DO UPDATE
                    SET {flag} = excluded.{flag}, {flag}_at = excluded.{flag}_at
                    WHERE state.{flag} != excluded.{flag}""",
                (int(value), at, chunk),
            )
