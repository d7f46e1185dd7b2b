"""The store's reads for a filter: the query as SQL over `papers p` (where_clause), the
orders a list is read in (SORTS), and the filters narrow enough to read as a list of ids
first (narrow_filters). Part of the store, the only package with SQL; the walk
(readlist.core.store.walk) runs these same clauses a chunk at a time."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from typing import Any, Literal

from readlist.core.query import ArxivId, Author, Item, Query, Range, State, Tag, Term

Sort = Literal["latest", "most_seen", "title", "upvotes", "published"]
# A paper with no upvotes (or no day published) comes after every paper with them; each
# order reads an index (migrations.SCHEMA_V6 has the expressions' indexes).
SORTS: dict[Sort, str] = {
    "latest": "p.last_seen DESC, p.id",
    "most_seen": "p.times_seen DESC, p.id",
    "title": "p.title COLLATE NOCASE, p.id",
    "upvotes": "coalesce(p.upvotes, -1) DESC, p.id",
    "published": "coalesce(p.published, '') DESC, p.id",
}
# The same orders backwards, to read a page near the end from the end.
REVERSED_SORTS: dict[Sort, str] = {
    "latest": "p.last_seen ASC, p.id DESC",
    "most_seen": "p.times_seen ASC, p.id DESC",
    "title": "p.title COLLATE NOCASE DESC, p.id DESC",
    "upvotes": "coalesce(p.upvotes, -1) ASC, p.id DESC",
    "published": "coalesce(p.published, '') ASC, p.id DESC",
}

_STATE_SQL: dict[str, str] = {
    "starred": "p.id IN (SELECT paper_id FROM state WHERE starred = 1)",
    "read": "p.id IN (SELECT paper_id FROM state WHERE read = 1)",
    "unread": "p.id NOT IN (SELECT paper_id FROM state WHERE read = 1)",
    "note": "p.id IN (SELECT paper_id FROM state WHERE note != '')",
    "withdrawn": "coalesce(p.withdrawn, '') != ''",
    "code": "coalesce(p.github, '') != ''",
    "id": "p.arxiv_id IS NOT NULL",
    "authors": "coalesce(p.authors, '[]') != '[]'",
    # The latest import run's new papers: those above the last paper an earlier run's
    # dump brought in (LibraryReads.latest_import), a range of ids found once a query.
    "new": """p.id > coalesce((SELECT n.paper_id FROM sightings n
        WHERE n.match = 'new' AND n.dump_id < (SELECT min(d.id) FROM dumps d
            WHERE d.imported_at = (SELECT imported_at FROM dumps ORDER BY id DESC LIMIT 1))
        ORDER BY n.paper_id DESC LIMIT 1), 0)""",
    "deleted": "p.id IN (SELECT paper_id FROM trash)",
}
# Which papers a query looks at: those not in the trash, or, for is:deleted, those in it
# (Query.in_trash). Every read of a filter has one of the two (Where.sql, Where.scope),
# but for a read outside an empty trash, which tests nothing (see where_clause).
_SCOPE = {False: "p.id NOT IN (SELECT paper_id FROM trash)", True: _STATE_SQL["deleted"]}
_EVERY_PAPER = "1"
# The states read from a paper's own row (or its id), which narrow_filters may count.
_LISTED = ("withdrawn", "code", "id", "authors", "new")
_FTS_IN = "p.id IN (SELECT rowid FROM {fts} WHERE {fts} MATCH ?)"
_AUTHORS_IN = "p.id IN (SELECT rowid FROM authors_fts WHERE authors_fts MATCH ?)"
_TAG_IN = "p.id IN (SELECT paper_id FROM tags WHERE tag = ?)"  # NOCASE, by tags_by_name
# A range's field as its index (migrations.SCHEMA_V6) reads it, and the bound that leaves
# out the papers without one (NULL reads as -1 and '').
_RANGE_SQL = {"upvotes": "coalesce(p.upvotes, -1)", "published": "coalesce(p.published, '')"}
_RANGE_FLOOR = {"upvotes": ">= 0", "published": "> ''"}

SHORT_PREFIX = 3  # a word being typed this short matches too many others to gather by
# A filter on a paper's columns that matches at most this many papers is read as a list
# of ids, then sorted (plain_where); a broader one is tested on each row in display order.
NARROW_FILTER = 1000
# is:new, a run of imports' new papers, is read as a list up to this many (a few days'
# dumps): a range of ids, found in one read, tested with words in one chunk.
NARROW_NEW = 5000


def fts_term(term: Term) -> str:
    """One term as an FTS5 string: quoted, so no user text is read as an operator."""
    text = '"' + term.text.replace('"', '""') + '"'
    if not term.phrase:
        text += "*"
    return f"{term.field} : {text}" if term.field else text


def _is_text(item: Item) -> bool:
    return isinstance(item, Term) and not item.negated


def _identity_sql(item: ArxivId | Author | Range | Tag) -> tuple[str, list[Any]]:
    """A filter on what a listing says of a paper (or its tags), as SQL over `papers p`
    that an index or authors_fts answers. It is true or false, never NULL, so that NOT
    negates it."""
    if isinstance(item, Tag):
        return _TAG_IN, [item.name]
    if isinstance(item, Author):
        text = '"' + item.text.replace('"', '""') + '"' + ("" if item.phrase else "*")
        return _AUTHORS_IN, [text]
    if isinstance(item, ArxivId):
        return "(p.arxiv_id = ? AND p.arxiv_id IS NOT NULL)", [item.arxiv_id]
    column = _RANGE_SQL[item.field]
    parts, params = [], []
    if item.low is None:
        parts.append(f"{column} {_RANGE_FLOOR[item.field]}")
    else:
        parts.append(f"{column} >= ?")
        params.append(item.low)
    if item.high is not None:
        parts.append(f"{column} < ?")
        params.append(item.high)
    return "(" + " AND ".join(parts) + ")", params


@dataclass(frozen=True, slots=True)
class Where:
    """A query as SQL over `papers p`; user text only ever travels as a parameter."""

    sql: str  # "" or " WHERE ...", the trash's scope (`scope`) among its conditions
    params: list[Any]
    match: str | None  # the whole query as one FTS5 expression, when it is words alone
    uses_text: bool = False  # it matches words in the full-text table (so may be walked)
    scope: str = _SCOPE[False]  # the papers looked at, in the trash or out of it ("1": all)

    def scope_of(self, column: str) -> str:
        """The scope as a test of another column than `p.id` (papers_fts's rowid)."""
        return self.scope.replace("p.id", column, 1)


def trash_is_empty(conn: sqlite3.Connection) -> bool:
    return bool(conn.execute("SELECT NOT EXISTS (SELECT 1 FROM trash)").fetchone()[0])


def where_clause(
    query: Query,
    fts: str = "papers_fts",
    narrow: frozenset[Item] = frozenset(),
    *,
    trash: bool = True,
) -> Where:
    """`fts` names the full-text table to match in: the library's, or the walk's copy.
    The `narrow` filters are read as a list of ids first (see plain_where). `trash`
    False says the trash is empty: a query outside it then tests no paper against it,
    which at a million papers makes a count or a page in the middle several times
    slower (BENCHMARKS.md, the trash)."""
    fts_in = _FTS_IN.format(fts=fts)
    where: list[str] = []
    params: list[Any] = []
    matches: list[str] = []
    exclusions: list[str] = []
    uses_text = False
    for clause in query.clauses:
        if all(_is_text(item) for item in clause):
            matches.append("(" + " OR ".join(fts_term(t) for t in clause) + ")")  # type: ignore[arg-type]
            continue
        if len(clause) == 1 and isinstance(clause[0], Term):
            exclusions.append(fts_term(clause[0]))
            continue
        if clause == (State("deleted"),):
            continue  # the scope, below, says it
        alternatives = []
        for item in clause:
            if isinstance(item, State):
                sql = _STATE_SQL[item.name]
            elif isinstance(item, Term):
                sql = fts_in
                params.append(fts_term(item))
                uses_text = True
            else:
                sql, more = _identity_sql(item)
                params += more
            if item in narrow:
                sql = f"p.id IN (SELECT p.id FROM papers p WHERE {sql})"
            alternatives.append(f"NOT ({sql})" if item.negated else sql)
        where.append("(" + " OR ".join(alternatives) + ")")
    match = None
    if matches:
        match = "(" + " AND ".join(matches) + ")"
        if exclusions:
            match += " NOT (" + " OR ".join(exclusions) + ")"
        where.insert(0, fts_in)
        params.insert(0, match)
    else:
        for exclusion in exclusions:
            where.append(f"NOT ({fts_in})")
            params.append(exclusion)
    uses_text = uses_text or bool(matches or exclusions)
    words_alone = len(where) == 1 and match is not None
    scope = _SCOPE[query.in_trash] if trash or query.in_trash else _EVERY_PAPER
    if scope != _EVERY_PAPER:
        where.append(scope)
    sql = (" WHERE " + " AND ".join(where)) if where else ""
    return Where(sql, params, match if words_alone else None, uses_text, scope)


def plain_where(conn: sqlite3.Connection, query: Query) -> Where:
    """The query as SQL to read in display order. A filter on a paper's columns is a test
    on each row as the sort's index reads the library (quick for upvotes>=1, whose matches
    come soon), but one few papers pass (upvotes>=1000, is:withdrawn) would test them all:
    SQL cannot tell the two apart, so a narrow one becomes a list of ids to sort."""
    narrow = frozenset(narrow_filters(conn, query))
    return where_clause(query, narrow=narrow, trash=not trash_is_empty(conn))


def narrow_filters(conn: sqlite3.Connection, query: Query) -> dict[Item, tuple[str, list[Any]]]:
    """The filters on a paper's columns, each a clause of its own, that at most
    NARROW_FILTER papers pass, with their SQL: counted, up to that, through the filter's
    index or in a quick read of the table."""
    narrow: dict[Item, tuple[str, list[Any]]] = {}
    for clause in query.clauses:
        item = clause[0]
        if len(clause) != 1 or item.negated:
            continue
        sql: str | None = None
        params: list[Any] = []
        if isinstance(item, Range | Tag):
            sql, params = _identity_sql(item)
        elif isinstance(item, State) and item.name in _LISTED:
            sql = _STATE_SQL[item.name]
        if sql is not None:
            cap = NARROW_NEW if item == State("new") else NARROW_FILTER
            row = conn.execute(
                f"SELECT count(*) FROM (SELECT 1 FROM papers p WHERE {sql} LIMIT ?)",
                [*params, cap + 1],
            ).fetchone()
            if row[0] <= cap:
                narrow[item] = sql, params
    return narrow


def narrowing_match(query: Query) -> str | None:
    """An FTS5 expression every match of `query` also matches, built from its words
    and leaving out short prefixes ("d" stands for every word that starts with d, and
    FTS5 merges all of them before it answers) where longer words are there to use."""
    clauses = [c for c in query.clauses if all(_is_text(item) for item in c)]

    def short(clause: tuple[Item, ...]) -> bool:
        return any(
            isinstance(t, Term) and not t.phrase and len(t.text) <= SHORT_PREFIX for t in clause
        )

    long = [c for c in clauses if not short(c)]
    if not clauses:
        return None
    if not long:  # all short: the longest of them narrows the most
        long = [max(clauses, key=lambda c: min(len(t.text) for t in c if isinstance(t, Term)))]
    parts = ["(" + " OR ".join(fts_term(t) for t in c) + ")" for c in long]  # type: ignore[arg-type]
    return "(" + " AND ".join(parts) + ")"
