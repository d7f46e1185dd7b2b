"""The store: schema guards, separate user state, FTS kept in sync, stable order."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from readlist.core.errors import LibraryError, UnknownPaperError
from readlist.core.query import parse_query
from readlist.core.store import Store, schema
from readlist.core.store.search import Sort
from tests.conftest import write_paper


def _add(store: Store, title: str, abstract: str = "", seen_on: str = "2026-03-14") -> int:
    with store.transaction():
        dump_id = store.imports.add_dump(f"sha-{title}", "test.txt", 1, "2026-11-23T12:00:00+00:00")
        return write_paper(
            store,
            title,
            abstract,
            title.lower(),
            [hash(title)],
            dump_id=dump_id,
            date_line=None,
            seen_on=seen_on,
        )


def _ids(store: Store, text: str) -> list[int]:
    return [p.id for p in store.search(parse_query(text))]


def test_new_library_is_marked_and_versioned(store: Store, db_path: Path) -> None:
    conn = sqlite3.connect(db_path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == schema.APPLICATION_ID
    assert conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_reopening_keeps_everything(db_path: Path) -> None:
    with Store.open(db_path) as first:
        paper_id = _add(first, "Sparse Attention at Scale", "Long abstract.")
        first.set_note(paper_id, "keep me")
    with Store.open(db_path) as second:
        assert second.get(paper_id).note == "keep me"


@pytest.mark.parametrize(
    "content",
    [b"hello, I am a text file\n", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8],
)
def test_a_file_that_is_not_sqlite_is_refused_untouched(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(content)
    with pytest.raises(LibraryError, match="not a readlist library"):
        Store.open(path)
    assert path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"]


def test_a_foreign_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(LibraryError, match="another program"):
        Store.open(path)
    assert path.read_bytes() == before


def test_a_newer_library_is_refused_untouched(db_path: Path) -> None:
    Store.open(db_path).close()
    conn = sqlite3.connect(db_path)
    conn.execute(f"PRAGMA user_version = {schema.SCHEMA_VERSION + 1}")
    conn.close()
    before = db_path.read_bytes()
    with pytest.raises(LibraryError, match="newer readlist"):
        Store.open(db_path)
    assert db_path.read_bytes() == before


def test_missing_folder_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(LibraryError, match="does not exist"):
        Store.open(tmp_path / "nope" / "library.db")


def test_user_state_lives_apart_from_imported_data(store: Store) -> None:
    paper_id = _add(store, "Learning to Route Tokens")
    store.set_flag([paper_id], "starred", True)
    store.set_flag([paper_id], "read", True)
    store.set_note(paper_id, "✓ read twice\n\n- revisit §3")
    paper = store.get(paper_id)
    assert (paper.starred, paper.read, paper.note) == (True, True, "✓ read twice\n\n- revisit §3")
    # The import side of the schema has no column an import could overwrite state with.
    columns = {r[1] for r in store.conn.execute("PRAGMA table_info(papers)")}
    assert not columns & {"read", "starred", "note"}


def test_state_changes_record_when(store: Store) -> None:
    paper_id = _add(store, "A Paper")
    store.set_flag([paper_id], "starred", True)
    row = store.conn.execute(
        "SELECT starred_at, read_at FROM state WHERE paper_id = ?", (paper_id,)
    ).fetchone()
    assert row[0] is not None
    assert row[1] is None


def test_unknown_id_changes_nothing(store: Store) -> None:
    paper_id = _add(store, "Known Paper")
    with pytest.raises(UnknownPaperError, match="no paper with id 999"):
        store.set_flag([paper_id, 999], "starred", True)
    assert not store.get(paper_id).starred
    with pytest.raises(UnknownPaperError):
        store.set_note(999, "x")


def test_notes_are_kept_byte_for_byte(store: Store) -> None:
    paper_id = _add(store, "Notes Paper")
    note = "naïve 日本語 🚀\r\n\ttabbed\n" + "long " * 20_000 + "\x00 end"
    store.set_note(paper_id, note)
    assert store.get(paper_id).note == note


def test_fts_follows_title_abstract_and_note(store: Store) -> None:
    a = _add(store, "Continual Learning of Robots", "Robots forget.")
    b = _add(store, "Vision Models", "Images and continually changing data.")
    assert _ids(store, "continual") == [a, b]
    assert _ids(store, "title:continual") == [a]
    store.set_note(b, "great ablations")
    assert _ids(store, "ablation") == [b]
    assert _ids(store, "note:ablations") == [b]
    store.set_note(b, "changed my mind")
    assert _ids(store, "ablation") == []
    assert _ids(store, "mind") == [b]
    with store.transaction():
        store.conn.execute("UPDATE papers SET abstract = 'Nothing here.' WHERE id = ?", (b,))
    assert _ids(store, "continual") == [a]
    assert store.check_integrity() == []


def test_query_forms(store: Store) -> None:
    a = _add(store, "Video Generation with Diffusion", "We generate video.")
    b = _add(store, "Flow Matching for Video", "Flows, not diffusion.")
    c = _add(store, "A Survey of Diffusion Models", "We survey.")
    store.set_flag([c], "starred", True)
    store.set_flag([a], "read", True)
    store.set_note(b, "check the code")
    assert _ids(store, "diffusion") == [a, b, c]
    assert _ids(store, '"video generation"') == [a]
    assert _ids(store, '"generation video"') == []
    assert _ids(store, "diffusion -survey") == [a, b]
    assert _ids(store, "-survey") == [a, b]
    assert _ids(store, "title:diffusion") == [a, c]
    assert _ids(store, "abstract:diffusion") == [b]
    assert _ids(store, "is:starred") == [c]
    assert _ids(store, "is:read") == [a]
    assert _ids(store, "is:unread") == [b, c]
    assert _ids(store, "-is:read diffusion") == [b, c]
    assert _ids(store, "has:note") == [b]
    assert _ids(store, "survey OR flow") == [b, c]
    assert _ids(store, "is:starred OR has:note") == [b, c]
    assert _ids(store, "video OR survey -flow") == [a, c]
    assert _ids(store, "VIDEO gen") == [a]
    assert store.count(parse_query("diffusion -survey")) == 2


def test_prefix_matches_word_starts_case_insensitively(store: Store) -> None:
    a = _add(store, "Continual Pretraining", "")
    b = _add(store, "Learning continually", "")
    _add(store, "Discontinuity", "")
    assert _ids(store, "CONTINUAL") == [a, b]


def test_results_latest_sighting_first_then_id(store: Store) -> None:
    old = _add(store, "Old", seen_on="2025-01-01")
    new1 = _add(store, "New one", seen_on="2026-05-01")
    new2 = _add(store, "New two", seen_on="2026-05-01")
    assert _ids(store, "") == [new1, new2, old]
    assert [p.id for p in store.search(parse_query(""), limit=2)] == [new1, new2]
    assert [p.id for p in store.search(parse_query(""), limit=2, offset=2)] == [old]
    assert [p.id for p in store.search(parse_query(""), sort="title")] == [new1, new2, old]


def test_sample_library_is_sound(sample_query_store: Store) -> None:
    assert sample_query_store.check_integrity() == []
    stats = sample_query_store.stats()
    assert stats.papers == 358
    assert stats.sightings == 421


def test_queue_ids_follow_search_order_and_papers_come_back_in_order(
    store: Store, db_path: Path
) -> None:
    old = _add(store, "Old diffusion", seen_on="2025-01-01")
    new1 = _add(store, "New diffusion", seen_on="2026-05-01")
    new2 = _add(store, "New flow", seen_on="2026-05-01")
    store.set_flag([new2], "read", True)
    for text in ("", "diffusion", "is:unread", "-is:read diffusion", "title:nothing"):
        assert list(store.iter_ids(parse_query(text))) == _ids(store, text)
    assert list(store.iter_ids(parse_query(""), offset=1, sort="title")) == [new2, old]
    assert [p.id for p in store.get_many([old, 999, new2, new1])] == [old, new2, new1]
    assert store.get_many([new2])[0].read
    assert store.get_many([]) == []
    with store.snapshot():
        before = list(store.iter_ids(parse_query("is:unread")))
        with Store.open(db_path) as other:
            other.set_flag([old], "read", True)
        assert list(store.iter_ids(parse_query("is:unread"))) == before == [new1, old]
    assert list(store.iter_ids(parse_query("is:unread"))) == [new1]


@pytest.mark.parametrize("sort", ["latest", "most_seen", "title"])
@pytest.mark.parametrize("text", ["", "learning", "is:unread -model"])
def test_page_is_a_slice_of_search_from_either_end(
    sample_store: Store, sort: Sort, text: str
) -> None:
    query = parse_query(text)
    everything = sample_store.search(query, sort=sort)
    total = len(everything)
    assert total > 20
    for offset in (0, 7, total // 2 - 3, total // 2 + 1, total - 10, total - 1, total):
        for limit in (1, 10, 100):
            expected = everything[offset : offset + limit]
            assert sample_store.page(query, offset, limit, sort=sort, total=total) == expected
            assert sample_store.page(query, offset, limit, sort=sort) == expected


def test_quick_stats_agree_with_full_on_what_they_count(sample_store: Store) -> None:
    sample_store.set_flag([1, 2], "starred", True)
    sample_store.set_flag([2, 3, 4], "read", True)
    full, quick = sample_store.stats(), sample_store.stats(quick=True)
    assert (quick.papers, quick.starred, quick.read, quick.unread, quick.with_note) == (
        full.papers,
        full.starred,
        full.read,
        full.unread,
        full.with_note,
    )
    assert full.sightings > 0 and quick.sightings == 0
