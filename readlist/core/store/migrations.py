"""The library's schema as it shipped, one script per version (MIGRATIONS), and the rule
each table follows for the change counter (CHANGE_COUNTED). Part of the store; schema.py
runs these scripts (make_current), each word for word, so that a library of any version
is brought up by exactly the statements that made every later one."""

from __future__ import annotations

# The full-text tokenizer, as in SCHEMA_V1; the filter walk (walk.py) tests rows with it.
FTS_TOKENIZE = "unicode61 remove_diacritics 2"

SCHEMA_V1 = """
CREATE TABLE dumps (
    id INTEGER PRIMARY KEY,
    sha256 TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    imported_at TEXT NOT NULL,
    papers INTEGER NOT NULL
);
CREATE TABLE papers (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    abstract TEXT NOT NULL,
    match_title TEXT NOT NULL,  -- the title as dedupe compares it (normalize.match_title)
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    times_seen INTEGER NOT NULL DEFAULT 1,
    added_at TEXT NOT NULL
);
CREATE INDEX papers_latest ON papers (last_seen DESC, id);
CREATE INDEX papers_most_seen ON papers (times_seen DESC, id);
CREATE INDEX papers_title ON papers (title COLLATE NOCASE, id);
CREATE TABLE sightings (
    paper_id INTEGER NOT NULL REFERENCES papers (id),
    dump_id INTEGER NOT NULL REFERENCES dumps (id),
    date_line TEXT,
    seen_on TEXT NOT NULL,
    match TEXT NOT NULL,
    title TEXT,     -- the title as this dump spelled it, when it differs
    abstract TEXT,  -- likewise the abstract: no variant is ever thrown away
    PRIMARY KEY (paper_id, dump_id)
) WITHOUT ROWID;
CREATE TABLE dedupe_keys (
    key INTEGER NOT NULL,
    paper_id INTEGER NOT NULL REFERENCES papers (id),
    PRIMARY KEY (key, paper_id)
) WITHOUT ROWID;
CREATE TABLE review (
    paper_id INTEGER NOT NULL REFERENCES papers (id),
    other_id INTEGER NOT NULL REFERENCES papers (id),
    title_score REAL NOT NULL,
    abstract_score REAL NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (paper_id, other_id)
);
CREATE TABLE state (
    paper_id INTEGER PRIMARY KEY REFERENCES papers (id),
    read INTEGER NOT NULL DEFAULT 0,
    starred INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    read_at TEXT,
    starred_at TEXT,
    note_at TEXT
);
CREATE INDEX state_starred ON state (paper_id) WHERE starred = 1;
CREATE INDEX state_read ON state (paper_id) WHERE read = 1;
CREATE INDEX state_noted ON state (paper_id) WHERE note != '';

CREATE VIEW paper_text AS
    SELECT p.id AS id, p.title AS title, p.abstract AS abstract,
           coalesce(s.note, '') AS note
    FROM papers p LEFT JOIN state s ON s.paper_id = p.id;
CREATE VIRTUAL TABLE papers_fts USING fts5 (
    title, abstract, note,
    content = 'paper_text', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
-- New papers are indexed in bulk by the store when their import commits
-- (Store.transaction): one statement per import, not a trigger per row.
CREATE TRIGGER papers_fts_update AFTER UPDATE OF title, abstract ON papers BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract, note)
    VALUES ('delete', old.id, old.title, old.abstract,
            coalesce((SELECT note FROM state WHERE paper_id = old.id), ''));
    INSERT INTO papers_fts (rowid, title, abstract, note)
    VALUES (new.id, new.title, new.abstract,
            coalesce((SELECT note FROM state WHERE paper_id = new.id), ''));
END;
CREATE TRIGGER state_fts_insert AFTER INSERT ON state WHEN new.note != '' BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract, note)
    SELECT 'delete', id, title, abstract, '' FROM papers WHERE id = new.paper_id;
    INSERT INTO papers_fts (rowid, title, abstract, note)
    SELECT id, title, abstract, new.note FROM papers WHERE id = new.paper_id;
END;
CREATE TRIGGER state_fts_note AFTER UPDATE OF note ON state
WHEN old.note IS NOT new.note BEGIN
    INSERT INTO papers_fts (papers_fts, rowid, title, abstract, note)
    SELECT 'delete', id, title, abstract, old.note FROM papers WHERE id = old.paper_id;
    INSERT INTO papers_fts (rowid, title, abstract, note)
    SELECT id, title, abstract, new.note FROM papers WHERE id = new.paper_id;
END;
"""

# Version 2, for imports into a big library:
# - New papers' blocking keys are staged in a small table of their own and moved into
#   dedupe_keys in one sorted pass once it holds imports.RECENT_KEYS_CAP (LSM-style).
#   dedupe_keys is keyed by hashes, so each key written straight into it lands on a leaf
#   page of its own; a small table takes the same keys in a few pages.
# - Candidates' match titles are read from a narrow covering index, which fits the
#   import's page cache where a big library's papers table does not.
SCHEMA_V2 = """
CREATE TABLE dedupe_keys_recent (
    key INTEGER NOT NULL,
    paper_id INTEGER NOT NULL REFERENCES papers (id),
    PRIMARY KEY (key, paper_id)
) WITHOUT ROWID;
CREATE INDEX papers_match ON papers (id, match_title);
"""

# Version 3, so that nothing an import reads is thrown away and a big dump lands in parts:
# - A sighting is one listing: a dump that lists a paper twice (the second time
#   reworded) keeps both, each under its place in the dump (`listing`, from 0; 0 for
#   the sightings of libraries older than version 3, one a paper and dump).
# - A dump is written in parts, each its own transaction (the write lock is never held
#   for long): `written` counts the listings written until the dump is whole (NULL).
SCHEMA_V3 = """
CREATE TABLE sightings_v3 (
    paper_id INTEGER NOT NULL REFERENCES papers (id),
    dump_id INTEGER NOT NULL REFERENCES dumps (id),
    listing INTEGER NOT NULL,
    date_line TEXT,
    seen_on TEXT NOT NULL,
    match TEXT NOT NULL,
    title TEXT,
    abstract TEXT,
    PRIMARY KEY (paper_id, dump_id, listing)
) WITHOUT ROWID;
INSERT INTO sightings_v3
    (paper_id, dump_id, listing, date_line, seen_on, match, title, abstract)
    SELECT paper_id, dump_id, 0, date_line, seen_on, match, title, abstract FROM sightings;
DROP TABLE sightings;
ALTER TABLE sightings_v3 RENAME TO sightings;
ALTER TABLE dumps ADD COLUMN written INTEGER;
"""

# Version 4, so that the app remembers how it was left, in the library (it travels with
# the file and with its backups), and a second window is not woken by that:
# - `memory` holds what the app remembers (memory.py): the sort order, the last
#   filter, the place in a triage; one row a thing, the last writer's.
# - `state_changes` counts the changes to the user's state, made by anyone: a window
#   that sees the library change (PRAGMA data_version) tells a star made elsewhere,
#   which it shows, from the memory another window saved, which changes nothing shown.
SCHEMA_V4 = """
CREATE TABLE memory (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    saved_at TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE state_changes (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    changes INTEGER NOT NULL
);
INSERT INTO state_changes (id, changes) VALUES (1, 0);
CREATE TRIGGER state_changed_insert AFTER INSERT ON state BEGIN
    UPDATE state_changes SET changes = changes + 1 WHERE id = 1;
END;
CREATE TRIGGER state_changed_update AFTER UPDATE ON state BEGIN
    UPDATE state_changes SET changes = changes + 1 WHERE id = 1;
END;
CREATE TRIGGER state_changed_delete AFTER DELETE ON state BEGIN
    UPDATE state_changes SET changes = changes + 1 WHERE id = 1;
END;
"""

# Version 5, so that another window sees every change a user makes: the counter of
# version 4 (Store.state_stamp) also counts every write to the imported tables that an
# import never makes (an import only inserts, and updates papers and dumps), so a delete
# and an update of a sighting or a review is a user's. CHANGE_COUNTED below is the rule
# every table follows; test_store_changes holds every table of the library to it.
SCHEMA_V5 = """
CREATE TRIGGER papers_changed_delete AFTER DELETE ON papers BEGIN
    UPDATE state_changes SET changes = changes + 1 WHERE id = 1;
END;
CREATE TRIGGER sightings_changed_update AFTER UPDATE ON sightings BEGIN
    UPDATE state_changes SET changes = changes + 1 WHERE id = 1;
END;
CREATE TRIGGER sightings_changed_delete AFTER DELETE ON sightings BEGIN
    UPDATE state_changes SET changes = changes + 1 WHERE id = 1;
END;
CREATE TRIGGER dumps_changed_delete AFTER DELETE ON dumps BEGIN
    UPDATE state_changes SET changes = changes + 1 WHERE id = 1;
END;
CREATE TRIGGER review_changed_update AFTER UPDATE ON review BEGIN
    UPDATE state_changes SET changes = changes + 1 WHERE id = 1;
END;
CREATE TRIGGER review_changed_delete AFTER DELETE ON review BEGIN
    UPDATE state_changes SET changes = changes + 1 WHERE id = 1;
END;
"""

# Version 6, so that a paper has an identity: the Hugging Face JSON, a saved page and
# other reference managers' files say more of a paper than its title and abstract.
# - papers gain the fields of PaperMeta. `arxiv_id` (no version) is unique: dedupe
#   merges on it first, and two papers with different ids are never one. `authors` is
#   a JSON array of names; `meta_from` says where each field came from, as JSON
#   {field: [dump id, ISO date of the listing]}, so a newer listing updates what
#   changes (upvotes) and an older one leaves it.
# - A sighting keeps the listing as its source gave it (`record`, JSON), every field.
# - authors_fts indexes the authors for `author:`; its content is the papers that have
#   authors (the view paper_authors; older libraries have none); new papers join it in
#   bulk with papers_fts (imports.ImportWrites.index_new_papers).
# - Sorting by upvotes or by the day published reads an index each; a paper that has
#   no upvotes or no such day comes last. The few papers withdrawn, or with code, are
#   found through partial indexes (`is:withdrawn`, `has:code`).
SCHEMA_V6 = f"""
ALTER TABLE papers ADD COLUMN arxiv_id TEXT;
ALTER TABLE papers ADD COLUMN version INTEGER;
ALTER TABLE papers ADD COLUMN authors TEXT;
ALTER TABLE papers ADD COLUMN published TEXT;
ALTER TABLE papers ADD COLUMN upvotes INTEGER;
ALTER TABLE papers ADD COLUMN comments INTEGER;
ALTER TABLE papers ADD COLUMN github TEXT;
ALTER TABLE papers ADD COLUMN project_page TEXT;
ALTER TABLE papers ADD COLUMN withdrawn TEXT;
ALTER TABLE papers ADD COLUMN doi TEXT;
ALTER TABLE papers ADD COLUMN url TEXT;
ALTER TABLE papers ADD COLUMN primary_class TEXT;
ALTER TABLE papers ADD COLUMN meta_from TEXT;
ALTER TABLE sightings ADD COLUMN record TEXT;
CREATE UNIQUE INDEX papers_arxiv ON papers (arxiv_id) WHERE arxiv_id IS NOT NULL;
CREATE INDEX papers_doi ON papers (doi) WHERE doi IS NOT NULL;
CREATE INDEX papers_withdrawn ON papers (id) WHERE coalesce(withdrawn, '') != '';
CREATE INDEX papers_code ON papers (id) WHERE coalesce(github, '') != '';
CREATE INDEX papers_upvotes ON papers (coalesce(upvotes, -1) DESC, id);
CREATE INDEX papers_published ON papers (coalesce(published, '') DESC, id);
CREATE VIRTUAL TABLE authors_fts USING fts5 (
    authors, content = 'paper_authors', content_rowid = 'id', tokenize = '{FTS_TOKENIZE}'
);
CREATE VIEW paper_authors AS SELECT id, authors FROM papers WHERE authors IS NOT NULL;
CREATE TRIGGER authors_fts_update AFTER UPDATE OF authors ON papers
WHEN old.authors IS NOT new.authors BEGIN
    INSERT INTO authors_fts (authors_fts, rowid, authors)
    SELECT 'delete', old.id, old.authors WHERE old.authors IS NOT NULL;
    INSERT INTO authors_fts (rowid, authors)
    SELECT new.id, new.authors WHERE new.authors IS NOT NULL;
END;
"""


def _counted(*tables: str) -> str:
    """The triggers by which every write to `tables` moves the change counter."""
    return "".join(
        f"""CREATE TRIGGER {table}_changed_{verb.lower()} AFTER {verb} ON {table} BEGIN
    UPDATE state_changes SET changes = changes + 1 WHERE id = 1;
END;
"""
        for table in tables
        for verb in ("INSERT", "UPDATE", "DELETE")
    )


# Version 7, so that the user can fix and organise the library (every table here is the
# user's own, and every write to it moves the change counter):
# - `trash` holds the papers deleted, hidden from every view but `is:deleted` until
#   restored or the trash is emptied; `by_dump` is the removed dump whose papers went
#   there (a re-import of it brings them back), NULL for a paper the user deleted.
# - `tags` are the user's names for papers, one row a paper and tag; a tag is one name
#   whatever its case (NOCASE), spelled as first given.
# - `saved_searches` are named queries (`saved:NAME`, keys 1-9 in `position` order).
# - `kept_apart` holds the pairs the user said differ (the smaller id first): never
#   offered for review again.
# - `merges` keeps what each merge changed (`record`, JSON), so that a split puts both
#   papers back as they were.
# - `high_water` holds the highest paper and dump ids ever given, kept by triggers as
#   rows go: an id names one paper (or dump) for good, so that a merged paper comes back
#   under its own id, a script's id never names another paper, and `is:new` and a trash
#   row's dump mean what they say.
SCHEMA_V7 = """
CREATE TABLE high_water (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    paper INTEGER NOT NULL,
    dump INTEGER NOT NULL
);
INSERT INTO high_water (id, paper, dump) VALUES (
    1, (SELECT coalesce(max(id), 0) FROM papers), (SELECT coalesce(max(id), 0) FROM dumps)
);
CREATE TRIGGER papers_high_water AFTER DELETE ON papers BEGIN
    UPDATE high_water SET paper = max(paper, old.id) WHERE id = 1;
END;
CREATE TRIGGER dumps_high_water AFTER DELETE ON dumps BEGIN
    UPDATE high_water SET dump = max(dump, old.id) WHERE id = 1;
END;
CREATE TABLE trash (
    paper_id INTEGER PRIMARY KEY REFERENCES papers (id),
    deleted_at TEXT NOT NULL,
    by_dump INTEGER
);
CREATE TABLE tags (
    paper_id INTEGER NOT NULL REFERENCES papers (id),
    tag TEXT NOT NULL COLLATE NOCASE,
    tagged_at TEXT NOT NULL,
    PRIMARY KEY (paper_id, tag)
) WITHOUT ROWID;
CREATE INDEX tags_by_name ON tags (tag, paper_id);
CREATE TABLE saved_searches (
    name TEXT PRIMARY KEY COLLATE NOCASE,
    query TEXT NOT NULL,
    position INTEGER NOT NULL,
    saved_at TEXT NOT NULL
);
CREATE TABLE kept_apart (
    paper_id INTEGER NOT NULL,
    other_id INTEGER NOT NULL,
    kept_at TEXT NOT NULL,
    PRIMARY KEY (paper_id, other_id),
    CHECK (paper_id < other_id)
) WITHOUT ROWID;
CREATE TABLE merges (
    id INTEGER PRIMARY KEY,
    kept_id INTEGER NOT NULL,
    merged_id INTEGER NOT NULL,
    merged_at TEXT NOT NULL,
    record TEXT NOT NULL
);
CREATE INDEX merges_kept ON merges (kept_id);
CREATE INDEX merges_merged ON merges (merged_id);
""" + _counted("trash", "tags", "saved_searches", "kept_apart", "merges")

# Version 8, so that "for you" can learn from every decision and rank at once:
# - `skips`: the papers the user passed over in triage (how often, when last), a weak
#   signal beside stars and read marks; the user's own, so every write moves the counter.
# - `paper_terms`: each paper's terms as readlist.core.rank packs them (`made_by`: the
#   version of the rules), made when first needed and dropped by the trigger below when
#   the text they came from changes; and `rank_model`: the last model learned, with the
#   key it was learned for. Both are derived, written by the ranker alone, never counted.
SCHEMA_V8 = """
CREATE TABLE skips (
    paper_id INTEGER PRIMARY KEY REFERENCES papers (id),
    times INTEGER NOT NULL,
    skipped_at TEXT NOT NULL
);
CREATE TABLE paper_terms (
    paper_id INTEGER PRIMARY KEY,
    terms BLOB NOT NULL,
    made_by INTEGER NOT NULL
);
CREATE TRIGGER paper_terms_stale AFTER UPDATE OF title, abstract, authors ON papers
WHEN old.title IS NOT new.title OR old.abstract IS NOT new.abstract
    OR old.authors IS NOT new.authors BEGIN
    DELETE FROM paper_terms WHERE paper_id = old.id;
END;
CREATE TABLE rank_model (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    learned_for TEXT NOT NULL,
    model BLOB NOT NULL
);
CREATE TRIGGER papers_gone_rank AFTER DELETE ON papers BEGIN
    DELETE FROM paper_terms WHERE paper_id = old.id;
    DELETE FROM skips WHERE paper_id = old.id;
END;
""" + _counted("skips")

# The writes to each table that move the change counter (state_changes): every write
# to the user's own tables; the writes no import makes to the imported ones; none to
# the store's bookkeeping (the app's memory, which another window must not wake on; what
# follows the papers: dedupe keys, full-text indexes, the ranker's terms and model).
CHANGE_COUNTED: dict[str, tuple[str, ...]] = {
    "state": ("INSERT", "UPDATE", "DELETE"),
    "papers": ("DELETE",),
    "sightings": ("UPDATE", "DELETE"),
    "dumps": ("DELETE",),
    "review": ("UPDATE", "DELETE"),
    "memory": (),
    "dedupe_keys": (),
    "dedupe_keys_recent": (),
    "papers_fts": (),
    "authors_fts": (),
    "state_changes": (),
    "high_water": (),
    "trash": ("INSERT", "UPDATE", "DELETE"),
    "tags": ("INSERT", "UPDATE", "DELETE"),
    "saved_searches": ("INSERT", "UPDATE", "DELETE"),
    "kept_apart": ("INSERT", "UPDATE", "DELETE"),
    "merges": ("INSERT", "UPDATE", "DELETE"),
    "skips": ("INSERT", "UPDATE", "DELETE"),
    "paper_terms": (),
    "rank_model": (),
}

# version -> the script that brings a library from version-1 up to it, word for word as
# it shipped (see the module's docstring).
MIGRATIONS: dict[int, str] = {
    1: SCHEMA_V1,
    2: SCHEMA_V2,
    3: SCHEMA_V3,
    4: SCHEMA_V4,
    5: SCHEMA_V5,
    6: SCHEMA_V6,
    7: SCHEMA_V7,
    8: SCHEMA_V8,
}
