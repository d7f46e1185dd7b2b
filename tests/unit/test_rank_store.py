"""The store's side of "for you": papers' terms made once and kept (and made again when
their text changes), the decisions the ranker reads, and triage skips."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from readlist.core.care.merge import merge
from readlist.core.errors import UnknownPaperError
from readlist.core.query import parse_query
from readlist.core.rank import learn, rank, terms
from readlist.core.rank.ranking import make_terms
from readlist.core.store import Store
from tests.unit.rank_papers import PER_TOPIC, ids_of, make_library

EVERY_PAPER = parse_query("")


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Store]:
    store = make_library(tmp_path / "library.db")
    yield store
    store.close()


def _terms(store: Store) -> dict[int, tuple[bytes, int]]:
    rows = store.conn.execute("SELECT paper_id, terms, made_by FROM paper_terms")
    return {row[0]: (row[1], row[2]) for row in rows}


def test_terms_are_made_once_when_first_ranked_and_kept(library: Store) -> None:
    assert _terms(library) == {}
    library.set_flag([1], "starred", True)
    stamp = library.state_stamp()
    ranking = rank(library, learn(library), ids_of("graphs"))
    assert len(ranking.ids) == PER_TOPIC
    kept = _terms(library)
    assert set(kept) == set(range(1, 4 * PER_TOPIC + 1))  # the idf's sample: every paper here
    assert {made_by for _blob, made_by in kept.values()} == {terms.TERMS_VERSION}
    assert library.state_stamp() == stamp  # derived data: no user's change
    done: list[tuple[int, int]] = []
    assert make_terms(library, list(kept), progress=lambda *step: done.append(step)) == 0
    assert done == []  # nothing left to make
    paper = library.get(5)
    blob = terms.pack(paper.title, paper.abstract, paper.meta.authors)
    assert kept[5][0] == blob


def test_a_changed_abstract_makes_the_terms_again(library: Store) -> None:
    make_terms(library, [3, 4])
    before = _terms(library)[3][0]
    with library.transaction():  # as an import filling in a new abstract does
        library.conn.execute("UPDATE papers SET abstract = 'Quasar photometry.' WHERE id = 3")
    assert set(_terms(library)) == {4}
    assert make_terms(library, [3, 4]) == 1
    assert _terms(library)[3][0] not in (b"", before)


def test_a_deleted_paper_takes_its_terms_and_skips_with_it(library: Store) -> None:
    make_terms(library, [3, 4])
    library.record_skip(3)
    library.delete_papers([3])
    assert library.empty_trash() == 1
    assert set(_terms(library)) == {4}
    assert library.skips(3) == 0


def test_terms_made_by_other_rules_are_made_again(library: Store) -> None:
    make_terms(library, [3])
    with library.transaction():
        library.conn.execute("UPDATE paper_terms SET made_by = ?", (terms.TERMS_VERSION - 1,))
    assert library.missing_terms([3], terms.TERMS_VERSION) == [3]
    assert make_terms(library, [3]) == 1
    assert _terms(library)[3][1] == terms.TERMS_VERSION


def test_a_skip_is_counted_undone_one_at_a_time_and_moves_the_stamp(library: Store) -> None:
    stamp = library.state_stamp()
    library.record_skip(7)
    library.record_skip(7)
    assert library.skips(7) == 2
    assert library.state_stamp() > stamp
    library.forget_skip(7)
    assert library.skips(7) == 1
    library.forget_skip(7)
    assert library.skips(7) == 0
    assert library.conn.execute("SELECT count(*) FROM skips").fetchone()[0] == 0
    library.forget_skip(7)  # a late undo: nothing to undo
    with pytest.raises(UnknownPaperError):
        library.record_skip(10_000)


def test_the_decisions_leave_out_the_trash_and_the_undecided(library: Store) -> None:
    library.set_flag([1, 2], "starred", True)
    library.set_flag([2, 11], "read", True)
    library.set_note(12, "a note")
    library.add_tag([13], "later")
    library.record_skip(14)
    library.record_skip(15)
    library.delete_papers([15])
    found = {d.paper_id: d for d in library.decisions()}
    assert set(found) == {1, 2, 11, 12, 13, 14}
    assert found[2].starred and found[2].read and not found[2].kept
    assert found[12].kept and found[13].kept and not found[12].starred
    assert found[14].skips == 1 and found[14].at


def test_a_merge_adds_the_merged_papers_skips_to_the_kept_ones(library: Store) -> None:
    library.record_skip(1)
    library.record_skip(2)
    library.record_skip(2)
    merge(library, 1, [2])
    assert (library.skips(1), library.skips(2)) == (3, 0)
    assert library.conn.execute("SELECT count(*) FROM skips").fetchone()[0] == 1
