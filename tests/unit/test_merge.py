"""Merging duplicates loses nothing, and a split gives each paper back its own state."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.core import care
from readlist.core.errors import MergeError, UnknownPaperError
from readlist.core.ingest.importer import Importer
from readlist.core.store import Store
from tests.conftest import NOW
from tests.unit.test_importer import make_dump

A = (
    "Scaling Sparse Attention to Long Inputs with Linear Memory",
    "We scale sparse attention to inputs of a million tokens. Memory grows linearly. "
    "Results on long benchmarks improve.",
)
B = (
    "Scaling Sparse Attention to Long Inputs with Linear Memory Banks",
    "A different study of memory banks for retrieval. We propose caching keys. Experiments on QA.",
)
C = ("Protein folding with tiny models", "We fold proteins quickly. It is new.")


@pytest.fixture
def pair(store: Store) -> Store:
    """Papers 1 (A) and 3 (B), a pair held for review; 2 (C) apart from both."""
    importer = Importer(store, now=NOW)
    importer.import_bytes(make_dump([A, C]), "a.txt")
    importer.import_bytes(make_dump([B], "Nov 21"), "b.txt")
    assert [(p.paper_id, p.other_id) for p in care.open_pairs(store)] == [(3, 1)]
    return store


def _everything(store: Store) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    tables = ("papers", "state", "sightings", "review", "kept_apart", "tags", "trash", "skips")
    for table in tables:
        rows += [(table, *r) for r in store.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
    keys = (
        "SELECT key, paper_id FROM dedupe_keys UNION SELECT key, paper_id FROM dedupe_keys_recent"
    )
    rows += sorted(("keys", *r) for r in store.conn.execute(keys))
    return rows


def _tag(store: Store, paper_id: int, tag: str) -> None:
    with store.transaction():
        store.conn.execute(
            "INSERT INTO tags (paper_id, tag, tagged_at) VALUES (?, ?, '2026-11-20T10:00:00')",
            (paper_id, tag),
        )


def test_a_merge_loses_nothing(pair: Store) -> None:
    pair.set_flag([1], "starred", True)
    pair.set_note(1, "mine")
    pair.set_flag([3], "read", True)
    pair.set_note(3, "theirs")
    _tag(pair, 3, "attention")
    result = care.merge(pair, 1, [3])
    assert (result.starred, result.read, result.notes_joined) == (False, True, True)
    assert result.what_changed() == "read, notes joined, 1 tag added"
    kept = pair.get(1)
    assert kept.starred and kept.read
    assert kept.note.startswith("mine\n\n--- note from paper 3: Scaling") and "theirs" in kept.note
    assert pair.tag_stamps(1) == {"attention": "2026-11-20T10:00:00"}
    assert pair.paper_row(3) is None
    assert kept.times_seen == 2 and (kept.first_seen, kept.last_seen) < ("2026-11-21", "")
    variants = pair.conn.execute(
        "SELECT title, abstract FROM sightings WHERE paper_id = 1 AND dump_id = 2"
    ).fetchall()
    assert variants == [B]
    assert care.open_pairs(pair) == []
    assert pair.check_integrity() == []
    # Both indexes find the kept paper by the merged note.
    assert [p.id for p in pair.search(_query("theirs"))] == [1]


def _query(text: str):  # type: ignore[no-untyped-def]
    from readlist.core.query import parse_query

    return parse_query(text)


def test_identical_notes_are_kept_once(pair: Store) -> None:
    pair.set_note(1, "same")
    pair.set_note(3, "same")
    assert not care.merge(pair, 1, [3]).notes_joined
    assert pair.get(1).note == "same"


def test_a_later_listing_of_the_merged_title_finds_the_kept_paper(pair: Store) -> None:
    care.merge(pair, 1, [3])
    report = Importer(pair, now=NOW).import_bytes(make_dump([B], "Nov 23"), "b-again.txt")
    assert (report.new, report.flagged) == (0, 0)
    assert pair.get(1).times_seen == 3
    assert pair.check_integrity() == []


def test_split_gives_each_paper_back_its_own_state(pair: Store) -> None:
    pair.set_note(1, "mine")
    pair.set_flag([3], "starred", True)
    pair.set_note(3, "theirs")
    _tag(pair, 3, "attention")
    with pair.transaction():
        pair.conn.execute(
            """UPDATE papers SET arxiv_id = '2411.00001', authors = '["Ada Lovelace"]'
               WHERE id = 3"""
        )
    before = _everything(pair)
    care.merge(pair, 1, [3])
    assert pair.get(1).meta.arxiv_id == "2411.00001"
    assert [p.id for p in pair.search(_query("author:lovelace"))] == [1]
    assert pair.check_integrity() == []
    result = care.split(pair, 1)
    assert [(r.old_id, r.new_id) for r in result.restored] == [(3, 3)]
    assert _everything(pair) == before
    assert [p.id for p in pair.search(_query("author:lovelace"))] == [3]
    assert pair.check_integrity() == []


def test_split_keeps_what_the_user_changed_after_the_merge(pair: Store) -> None:
    pair.set_flag([3], "starred", True)
    pair.set_flag([3], "read", True)
    care.merge(pair, 1, [3])
    pair.set_flag([1], "read", False)  # the user's, after the merge
    pair.set_note(1, "written after")
    care.split(pair, 1)
    kept, back = pair.get(1), pair.get(3)
    assert (kept.starred, kept.read, kept.note) == (False, False, "written after")
    assert (back.starred, back.read, back.note) == (True, True, "")


def _skip(store: Store, paper_id: int, times: int, at: str) -> None:
    with store.transaction():
        store.conn.execute(
            "INSERT INTO skips (paper_id, times, skipped_at) VALUES (?, ?, ?)",
            (paper_id, times, at),
        )


def test_a_merge_sums_both_papers_skips_and_a_split_gives_each_its_own(pair: Store) -> None:
    _skip(pair, 1, 2, "2026-11-20T10:00:00")
    _skip(pair, 3, 1, "2026-11-22T10:00:00")
    before = _everything(pair)
    care.merge(pair, 1, [3])
    assert pair.skip_row(1) == {"times": 3, "skipped_at": "2026-11-22T10:00:00"}
    care.split(pair, 1)
    assert _everything(pair) == before
    care.merge(pair, 1, [3])
    pair.record_skip(1)  # the user's, after the merge: it stays with the kept paper
    care.split(pair, 1)
    assert pair.skip_row(1)["times"] == 3  # type: ignore[index]
    assert pair.skip_row(3) == {"times": 1, "skipped_at": "2026-11-22T10:00:00"}


def test_a_merged_papers_id_is_never_given_again_so_it_comes_back_under_it(
    pair: Store,
) -> None:
    care.merge(pair, 1, [3])
    Importer(pair, now=NOW).import_bytes(make_dump([("Graph Nets", "Graphs. Nets.")]), "g.txt")
    assert pair.get(4).title == "Graph Nets"  # not 3, the merged paper's
    result = care.split(pair, 1)
    assert [(r.old_id, r.new_id) for r in result.restored] == [(3, 3)]
    assert pair.get(3).title == B[0]
    assert pair.sightings(3)[0].source == "b.txt"
    assert [(p.paper_id, p.other_id) for p in care.open_pairs(pair)] == [(3, 1)]
    assert pair.check_integrity() == []


def test_no_paper_or_dump_id_is_given_twice(pair: Store) -> None:
    """Emptied from the trash, a paper's id stays its own; so does a removed dump's."""
    pair.delete_papers([3])
    pair.empty_trash()
    dump = max(d.id for d in pair.dumps())
    pair.remove_dump(dump)
    report = Importer(pair, now=NOW).import_bytes(make_dump([("Graph Nets", "G. N.")]), "g.txt")
    assert report.new == 1
    assert pair.get(4).title == "Graph Nets"
    assert max(d.id for d in pair.dumps()) == dump + 1


def test_several_merges_split_newest_first_or_one_by_its_merged_id(pair: Store) -> None:
    before = _everything(pair)
    care.merge(pair, 1, [3, 2])
    assert pair.stats().papers == 1
    assert [r.old_id for r in care.split(pair, 2).restored] == [2]
    assert [r.old_id for r in care.split(pair, 1).restored] == [3]
    assert _everything(pair) == before
    care.merge(pair, 1, [3])
    assert care.unmerge(pair, 1, 3).new_id == 3
    assert _everything(pair) == before


def test_keep_apart_closes_the_pair_and_its_undo_reopens_it(pair: Store) -> None:
    assert care.keep_apart(pair, 1, 3)
    assert care.open_pairs(pair) == []
    assert pair.review_candidates() != []  # dedupe's own record stays
    assert care.forget_kept_apart(pair, 3, 1)
    assert len(care.open_pairs(pair)) == 1
    with pair.transaction():
        pair.conn.execute("INSERT INTO trash (paper_id, deleted_at) VALUES (3, 'now')")
    assert care.open_pairs(pair) == []


def test_an_import_never_flags_a_pair_kept_apart(pair: Store) -> None:
    care.keep_apart(pair, 1, 3)
    with pair.transaction():
        pair.conn.execute("DELETE FROM review")
        pair.imports.add_reviews([(3, 1, 90.0, 0.0, "close title"), (2, 1, 81.0, 0.0, "x")])
    assert pair.conn.execute("SELECT paper_id, other_id FROM review").fetchall() == [(2, 1)]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda s: care.merge(s, 1, [1]), "cannot merge paper 1 into itself"),
        (lambda s: care.merge(s, 1, [99]), "no paper with id 99"),
        (lambda s: care.merge(s, 99, [1]), "no paper with id 99"),
        (lambda s: care.split(s, 1), "paper 1 has no merges to split"),
        (lambda s: care.split(s, 99), "no paper with id 99"),
        (lambda s: care.unmerge(s, 1, 3), "paper 3 is not merged into paper 1"),
        (lambda s: care.keep_apart(s, 2, 2), "cannot keep paper 2 apart from itself"),
        (lambda s: care.keep_apart(s, 2, 99), "no paper with id 99"),
    ],
)
def test_bad_ids_are_one_clear_error_and_change_nothing(pair: Store, call, message) -> None:  # type: ignore[no-untyped-def]
    before = _everything(pair)
    with pytest.raises((MergeError, UnknownPaperError), match=message):
        call(pair)
    assert _everything(pair) == before


def _state(tags: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "starred": st.booleans(),
            "read": st.booleans(),
            "note": st.sampled_from(["", "same", "mine", "a longer note\nwith two lines"]),
            "tags": st.sets(st.sampled_from(tags), max_size=2),
        }
    )


@settings(max_examples=10, deadline=None)
@given(_state(["ml", "later"]), _state(["ML", "x"]))  # "ml" and "ML" are one tag
def test_merge_then_split_is_the_library_as_it_was(
    tmp_path_factory: pytest.TempPathFactory, kept: dict[str, Any], other: dict[str, Any]
) -> None:
    """Whatever the two papers' stars, read marks, notes and tags: the merge keeps each
    (starred or read if either was, both notes, every tag), and the split gives both
    papers back exactly; the full-text indexes stay sound throughout."""
    with Store.open(tmp_path_factory.mktemp("merge") / "library.db") as store:
        importer = Importer(store, now=NOW)
        importer.import_bytes(make_dump([A, C]), "a.txt")
        importer.import_bytes(make_dump([B], "Nov 21"), "b.txt")
        for paper_id, state in ((1, kept), (3, other)):
            store.set_flag([paper_id], "starred", state["starred"])
            store.set_flag([paper_id], "read", state["read"])
            if state["note"]:
                store.set_note(paper_id, state["note"])
            for tag in state["tags"]:
                _tag(store, paper_id, tag)
        before = _everything(store)
        care.merge(store, 1, [3])
        merged = store.get(1)
        assert merged.starred == (kept["starred"] or other["starred"])
        assert merged.read == (kept["read"] or other["read"])
        assert kept["note"] in merged.note and other["note"] in merged.note
        folded = {t.casefold() for t in kept["tags"] | other["tags"]}
        assert set(store.tag_stamps(1)) == folded
        assert store.check_integrity() == []
        care.split(store, 1)
        assert _everything(store) == before
        assert store.check_integrity() == []


def test_a_paper_in_the_trash_is_not_merged(pair: Store) -> None:
    """Merged into a paper in the trash, a star or note would hide there, and go with it
    when the trash is emptied: restored first, it is the user's to see."""
    pair.delete_papers([1])
    pair.set_flag([3], "starred", True)
    before = _everything(pair)
    with pytest.raises(MergeError, match=r"paper 1 is in the trash \(readlist restore 1"):
        care.merge(pair, 1, [3])
    with pytest.raises(MergeError, match="paper 1 is in the trash"):
        care.merge(pair, 3, [1])
    assert _everything(pair) == before
