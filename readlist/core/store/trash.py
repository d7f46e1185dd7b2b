"""The store's side of removing mistakes: the trash (delete, restore, empty) and the
removal of an imported dump's listings. Part of the store, so that all SQL stays in it;
readlist.core.care is the front door the CLI and the app call.

A paper in the trash keeps every row it has (its listings, keys, state, tags): only the
row in `trash` hides it (search.py's scope), so a restore is one delete. Emptying the
trash removes the papers and every row that names them, the full-text indexes' included.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import replace
from typing import TYPE_CHECKING

from readlist.core.errors import UnknownDumpError, UnknownPaperError
from readlist.core.models import DumpRemoval, ImportedDump, TrashedPaper
from readlist.core.store import schema

if TYPE_CHECKING:
    from readlist.core.models import Paper

_IN_TRASH = "SELECT paper_id FROM trash"
# The tables whose rows name a paper, emptied with it (papers last: they are referenced).
_PAPER_ROWS = (
    "DELETE FROM sightings WHERE paper_id IN ({ids})",
    "DELETE FROM dedupe_keys WHERE paper_id IN ({ids})",
    "DELETE FROM dedupe_keys_recent WHERE paper_id IN ({ids})",
    "DELETE FROM review WHERE paper_id IN ({ids}) OR other_id IN ({ids})",
    "DELETE FROM state WHERE paper_id IN ({ids})",
    "DELETE FROM tags WHERE paper_id IN ({ids})",
    "DELETE FROM kept_apart WHERE paper_id IN ({ids}) OR other_id IN ({ids})",
    "DELETE FROM merges WHERE kept_id IN ({ids}) OR merged_id IN ({ids})",
    "DELETE FROM trash WHERE paper_id IN ({ids})",
    "DELETE FROM papers WHERE id IN ({ids})",
)
_DUMP_COLUMNS = "id, sha256, source, imported_at, papers, written"
_SIGHTING_COLUMNS = "paper_id, dump_id, listing, date_line, seen_on, match, title, abstract, record"
# A paper the user has made their own: a dump removed keeps it out of the trash.
_USERS = """SELECT paper_id FROM state WHERE starred = 1 OR read = 1 OR note != ''
            UNION SELECT paper_id FROM tags"""


def _listed(ids: Iterable[int]) -> str:
    return json.dumps(sorted(set(ids)))


# A row of `trash`: the paper, when it went there, the removed dump that took it there.
TrashRow = tuple[int, str, int | None]


class TrashCare:
    """Store's trash and dump removal; each write is one transaction, all or nothing."""

    conn: sqlite3.Connection

    def transaction(self) -> AbstractContextManager[None]:  # Store's
        raise NotImplementedError

    def get_many(self, ids: Sequence[int]) -> list[Paper]:  # LibraryReads'
        raise NotImplementedError

    # -- the trash ------------------------------------------------------------------

    def present_ids(self, ids: Iterable[int]) -> list[int]:
        """Those of the ids still in the library (in the trash or not), in the order
        given: one read of the ids alone, not of the papers (an undo of a million)."""
        wanted = list(ids)
        found = {
            row[0]
            for row in self.conn.execute(
                "SELECT id FROM papers WHERE id IN (SELECT value FROM json_each(?))",
                (_listed(wanted),),
            )
        }
        return [paper_id for paper_id in wanted if paper_id in found]

    def require_papers(self, ids: Iterable[int]) -> list[int]:
        """The ids, each once, in order; any that names no paper is refused, all of them
        in one message, before anything is written."""
        wanted = list(dict.fromkeys(ids))
        found = set(self.present_ids(wanted))
        unknown = [str(paper_id) for paper_id in wanted if paper_id not in found]
        if unknown:
            many = "s" if len(unknown) > 1 else ""
            raise UnknownPaperError(f"no paper with id{many} {', '.join(unknown)}; nothing changed")
        return wanted

    def delete_papers(self, ids: Iterable[int]) -> list[int]:
        """Move papers to the trash; returns those newly moved (in the order given), so
        that an undo restores those and no paper that was there before."""
        with self.transaction():
            wanted = self.require_papers(ids)
            there = self.in_trash(wanted)
            moved = [paper_id for paper_id in wanted if paper_id not in there]
            self.conn.executemany(
                "INSERT INTO trash (paper_id, deleted_at) VALUES (?, ?)",
                [(paper_id, schema.now()) for paper_id in moved],
            )
        return moved

    def restore_papers(self, ids: Iterable[int]) -> list[int]:
        """Take papers out of the trash; returns those that were in it."""
        return [row[0] for row in self.take_from_trash(ids)]

    def take_from_trash(self, ids: Iterable[int]) -> list[TrashRow]:
        """Take papers out of the trash; returns the rows taken (in the order given),
        each with when and by which dump it went there, for put_back_in_trash: an undo
        that wrote a new row would forget the dump, which a re-import or the dump's
        put-back then no longer finds."""
        with self.transaction():
            wanted = self.require_papers(ids)
            rows = {
                row[0]: (row[0], row[1], row[2])
                for row in self.conn.execute(
                    """SELECT paper_id, deleted_at, by_dump FROM trash
                       WHERE paper_id IN (SELECT value FROM json_each(?))""",
                    (_listed(wanted),),
                )
            }
            self.conn.execute(
                "DELETE FROM trash WHERE paper_id IN (SELECT value FROM json_each(?))",
                (_listed(rows),),
            )
        return [rows[paper_id] for paper_id in wanted if paper_id in rows]

    def put_back_in_trash(self, rows: Iterable[TrashRow]) -> None:
        """Put trash rows back exactly as take_from_trash returned them (a restore's
        undo); a paper emptied from the library since is passed over."""
        with self.transaction():
            self.conn.executemany(
                """INSERT INTO trash (paper_id, deleted_at, by_dump)
                   SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM papers WHERE id = ?)
                   ON CONFLICT (paper_id) DO UPDATE
                   SET deleted_at = excluded.deleted_at, by_dump = excluded.by_dump""",
                [(*row, row[0]) for row in rows],
            )

    def in_trash(self, ids: Sequence[int]) -> set[int]:
        """Those of the papers that are in the trash."""
        rows = self.conn.execute(
            "SELECT paper_id FROM trash WHERE paper_id IN (SELECT value FROM json_each(?))",
            (_listed(ids),),
        )
        return {row[0] for row in rows}

    def trash_count(self) -> int:
        return int(self.conn.execute("SELECT count(*) FROM trash").fetchone()[0])

    def trashed(self) -> list[TrashedPaper]:
        """The papers in the trash, the latest deleted first."""
        rows = self.conn.execute(
            "SELECT paper_id, deleted_at, by_dump FROM trash ORDER BY deleted_at DESC, paper_id"
        ).fetchall()
        papers = {paper.id: paper for paper in self.get_many([row[0] for row in rows])}
        return [TrashedPaper(papers[row[0]], row[1], row[2]) for row in rows]

    def empty_trash(self) -> int:
        """Remove the papers in the trash for good, with every row that names them and
        their entries in both full-text indexes (taken out as they were put in: an
        external-content index cannot find a row's words once the row is gone).

        The rows that name the papers are deleted first, each table in one statement,
        with the foreign keys' checks off: for each paper deleted, the check reads the
        whole of every table that names papers without an index by paper (dedupe_keys,
        keyed by key), minutes for a thousand papers in a big library."""
        if not self.trash_count():
            return 0
        self.conn.execute("PRAGMA foreign_keys = OFF")  # outside a transaction, or no-op
        try:
            return self._empty_trash()
        finally:
            self.conn.execute("PRAGMA foreign_keys = ON")

    def _empty_trash(self) -> int:
        with self.transaction():
            count = self.trash_count()
            self.conn.execute(
                f"""INSERT INTO papers_fts (papers_fts, rowid, title, abstract, note)
                    SELECT 'delete', p.id, p.title, p.abstract, coalesce(s.note, '')
                    FROM papers p LEFT JOIN state s ON s.paper_id = p.id
                    WHERE p.id IN ({_IN_TRASH})"""
            )
            self.conn.execute(
                f"""INSERT INTO authors_fts (authors_fts, rowid, authors)
                    SELECT 'delete', id, authors FROM papers
                    WHERE id IN ({_IN_TRASH}) AND authors IS NOT NULL"""
            )
            # Every statement reads the ids from a copy: the last two empty `trash` itself.
            self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS emptied (id INTEGER PRIMARY KEY)")
            self.conn.execute("DELETE FROM temp.emptied")
            self.conn.execute(f"INSERT INTO temp.emptied {_IN_TRASH}")
            for statement in _PAPER_ROWS:
                self.conn.execute(statement.format(ids="SELECT id FROM temp.emptied"))
            self.conn.execute("DELETE FROM temp.emptied")
        return count

    # -- imported dumps -------------------------------------------------------------

    def dumps(self) -> list[ImportedDump]:
        """Every imported dump, oldest first, with its listings counted: one read of the
        sightings for all of them."""
        counts: dict[int, list[int]] = {}
        lines: dict[int, list[str]] = {}
        rows = self.conn.execute(
            """SELECT dump_id, date_line, count(*), total(match = 'new'), min(listing)
               FROM sightings GROUP BY dump_id, date_line ORDER BY dump_id, min(listing)"""
        )
        for dump_id, date_line, listings, new, _ in rows:
            held = counts.setdefault(dump_id, [0, 0])
            held[0] += listings
            held[1] += int(new)
            if date_line:
                lines.setdefault(dump_id, []).append(date_line)
        dumps = self.conn.execute(
            "SELECT id, source, imported_at, written IS NULL FROM dumps ORDER BY id"
        )
        return [_dump(row, counts.get(row[0], [0, 0]), lines.get(row[0], [])) for row in dumps]

    def _dump(self, dump_id: int) -> ImportedDump:
        row = self.conn.execute(
            "SELECT id, source, imported_at, written IS NULL FROM dumps WHERE id = ?", (dump_id,)
        ).fetchone()
        if row is None:
            raise UnknownDumpError(
                f"no imported dump with id {dump_id} (readlist dumps lists them); nothing changed"
            )
        counted = self.conn.execute(
            """SELECT date_line, count(*), total(match = 'new') FROM sightings
               WHERE dump_id = ? GROUP BY date_line ORDER BY min(listing)""",
            (dump_id,),
        ).fetchall()
        listings = [sum(r[1] for r in counted), int(sum(r[2] for r in counted))]
        return _dump(row, listings, [r[0] for r in counted if r[0]])

    def dump_removal(self, dump_id: int) -> DumpRemoval:
        """What remove_dump would do, changing nothing: for the question asked first."""
        with self.snapshot():
            removal, _ = self._plan_removal(dump_id)
        return removal

    def remove_dump(self, dump_id: int) -> DumpRemoval:
        """Remove a dump's listings and its row (the same file can then be imported
        again). The papers only it listed go to the trash, `by_dump` set so that a later
        import listing them brings them back, but for those the user made their own;
        every paper that lost a listing has its days and count of dumps read again from
        the listings left (a paper left with none keeps its days, seen 0 times)."""
        with self.transaction():
            removal, listed = self._plan_removal(dump_id)
            removal = replace(removal, record=self._dump_record(dump_id, removal))
            self.conn.executemany(
                "INSERT INTO trash (paper_id, deleted_at, by_dump) VALUES (?, ?, ?)",
                [(paper_id, schema.now(), dump_id) for paper_id in removal.trashed],
            )
            self.conn.execute("DELETE FROM sightings WHERE dump_id = ?", (dump_id,))
            self.conn.execute("DELETE FROM dumps WHERE id = ?", (dump_id,))
            self._recount(listed)
        return removal

    def _recount(self, ids: Sequence[int]) -> None:
        """Papers' days and count of dumps, read again from their listings."""
        self.conn.execute(
            """UPDATE papers SET
                   times_seen = (SELECT count(DISTINCT dump_id) FROM sightings
                                 WHERE paper_id = papers.id),
                   first_seen = coalesce((SELECT min(seen_on) FROM sightings
                                          WHERE paper_id = papers.id), first_seen),
                   last_seen = coalesce((SELECT max(seen_on) FROM sightings
                                         WHERE paper_id = papers.id), last_seen)
               WHERE id IN (SELECT value FROM json_each(?))""",
            (_listed(ids),),
        )

    def _dump_record(self, dump_id: int, removal: DumpRemoval) -> str:
        dump = self.conn.execute(f"SELECT {_DUMP_COLUMNS} FROM dumps WHERE id = ?", (dump_id,))
        listings = self.conn.execute(
            f"SELECT {_SIGHTING_COLUMNS} FROM sightings WHERE dump_id = ?", (dump_id,)
        )
        return json.dumps(
            {"dump": dump.fetchone(), "listings": listings.fetchall(), "trashed": removal.trashed}
        )

    def put_back_dump(self, removal: DumpRemoval) -> None:
        """Undo remove_dump exactly: the dump's row and listings back as they were, its
        papers out of the trash, days and counts read again. Refused (nothing changed)
        once the same file was imported again, which put them back already; listings
        of papers emptied from the trash since are gone with them."""
        record = json.loads(removal.record)
        dump, listings = record["dump"], record["listings"]
        with self.transaction():
            again = self.conn.execute(
                "SELECT 1 FROM dumps WHERE id = ? OR sha256 = ?", (dump[0], dump[1])
            ).fetchone()
            if again is not None:
                raise UnknownDumpError(
                    f"dump {dump[0]} ({dump[2]}) was imported again; nothing to put back"
                )
            slots = ", ".join("?" * len(dump))
            self.conn.execute(f"INSERT INTO dumps ({_DUMP_COLUMNS}) VALUES ({slots})", dump)
            held = {
                row[0]
                for row in self.conn.execute(
                    "SELECT id FROM papers WHERE id IN (SELECT value FROM json_each(?))",
                    (_listed(row[0] for row in listings),),
                )
            }
            slots = ", ".join("?" * len(_SIGHTING_COLUMNS.split(",")))
            self.conn.executemany(
                f"INSERT INTO sightings ({_SIGHTING_COLUMNS}) VALUES ({slots})",
                [row for row in listings if row[0] in held],
            )
            self.conn.execute(
                """DELETE FROM trash WHERE by_dump = ?
                   AND paper_id IN (SELECT value FROM json_each(?))""",
                (dump[0], _listed(record["trashed"])),
            )
            self._recount(sorted(held))

    def _plan_removal(self, dump_id: int) -> tuple[DumpRemoval, list[int]]:
        dump = self._dump(dump_id)
        listed = [
            row[0]
            for row in self.conn.execute(
                "SELECT DISTINCT paper_id FROM sightings WHERE dump_id = ?", (dump_id,)
            )
        ]
        only_here = [
            row[0]
            for row in self.conn.execute(
                """SELECT value FROM json_each(?) WHERE NOT EXISTS (
                       SELECT 1 FROM sightings WHERE paper_id = value AND dump_id != ?)
                   ORDER BY value""",
                (_listed(listed), dump_id),
            )
        ]
        in_trash = self.in_trash(only_here)
        users = self._users(only_here)
        removal = DumpRemoval(
            dump=dump,
            trashed=tuple(i for i in only_here if i not in in_trash and i not in users),
            kept=tuple(i for i in only_here if i not in in_trash and i in users),
            also_listed=len(listed) - len(only_here),
            already_in_trash=tuple(i for i in only_here if i in in_trash),
        )
        return removal, listed

    def _users(self, ids: Sequence[int]) -> set[int]:
        rows = self.conn.execute(
            f"""SELECT paper_id FROM ({_USERS})
                WHERE paper_id IN (SELECT value FROM json_each(?))""",
            (_listed(ids),),
        )
        return {row[0] for row in rows}

    def snapshot(self) -> AbstractContextManager[None]:  # LibraryReads'
        raise NotImplementedError


def _dump(row: Sequence[object], listings: Sequence[int], lines: Sequence[str]) -> ImportedDump:
    dump_id, source, imported_at, whole = row
    return ImportedDump(
        id=int(dump_id),  # type: ignore[call-overload]
        source=str(source),
        date_lines=tuple(lines),
        imported_at=str(imported_at),
        listings=listings[0],
        new=listings[1],
        merged=listings[0] - listings[1],
        whole=bool(whole),
    )
