"""Blocking keys staged in a small table and merged into the big one in sorted bulk:
where a key lives must never change what an import decides."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.core.ingest import planned as planned_module
from readlist.core.ingest.importer import Importer
from readlist.core.models import NewPaper
from readlist.core.store import Store
from readlist.core.store.imports import CANDIDATES_PER_KEY
from tests.conftest import NOW, SAMPLE_DUMPS
from tests.unit.test_importer import make_dump

# The imported data, with the keys as one set wherever they are held.
_CONTENTS = (
    "SELECT id, title, abstract, match_title, first_seen, last_seen, times_seen FROM papers",
    "SELECT paper_id, dump_id, date_line, seen_on, match, title, abstract FROM sightings",
    "SELECT paper_id, other_id, title_score, abstract_score, reason FROM review",
    "SELECT key, paper_id FROM dedupe_keys UNION ALL SELECT key, paper_id FROM dedupe_keys_recent",
)


def _import_all(
    path: Path, cap: int, monkeypatch: pytest.MonkeyPatch
) -> tuple[list[list[object]], int, int]:
    """The library's contents after the same imports, and how many keys are staged and
    how many merged."""
    monkeypatch.setattr(planned_module, "RECENT_KEYS_CAP", cap)
    with Store.open(path) as store:
        importer = Importer(store, now=NOW)
        for dump in sorted(SAMPLE_DUMPS.glob("*.txt")):
            assert importer.import_bytes(dump.read_bytes(), dump.name).error is None
        edited = [(p.title.upper(), p.abstract) for p in store.get_many([1, 2, 3])]
        edited += [(p.title + "s", p.abstract) for p in store.get_many([4, 5])]
        edited += [("A New Name for It", p.abstract) for p in store.get_many([6])]
        # Each found through keys an earlier dump wrote: a changed case and a typo merge;
        # a new title over the same abstract is a new paper, flagged for review.
        report = importer.import_bytes(make_dump(edited, "Nov 21"), "edited.txt")
        assert (report.merged_exact, report.merged_fuzzy, report.flagged) == (3, 2, 1)
        contents = [sorted(store.conn.execute(sql).fetchall()) for sql in _CONTENTS]
        staged, merged = (
            store.imports.recent_keys(),
            store.conn.execute("SELECT count(*) FROM dedupe_keys").fetchone()[0],
        )
        assert store.check_integrity() == []
    return contents, staged, merged


def test_merging_the_staged_keys_changes_no_decision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Merged after every dump, or never: the same papers, sightings, reviews and keys."""
    merged_each_dump, staged_a, merged_a = _import_all(tmp_path / "a.db", 1, monkeypatch)
    never_merged, staged_b, merged_b = _import_all(tmp_path / "b.db", 10**9, monkeypatch)
    assert merged_each_dump == never_merged
    assert staged_a == 0 and merged_a > 1000  # all in the big table
    assert merged_b == 0 and staged_b > 1000  # all still staged


def test_keys_merge_in_the_dump_transaction_or_not_at_all(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(planned_module, "RECENT_KEYS_CAP", 1)
    importer = Importer(store, now=NOW)
    importer.import_bytes(make_dump([("First Paper Title", "An abstract. With words.")]), "a.txt")
    monkeypatch.setattr(planned_module, "RECENT_KEYS_CAP", 10**9)
    importer.import_bytes(make_dump([("Second Paper Title", "Other words. Here.")]), "b.txt")
    staged = store.imports.recent_keys()
    assert staged > 0
    monkeypatch.setattr(planned_module, "RECENT_KEYS_CAP", 1)

    def failing() -> int:
        raise OSError("disk full")

    monkeypatch.setattr(store.imports, "merge_keys", failing)
    with pytest.raises(OSError):
        importer.import_bytes(make_dump([("Third Paper Title", "More. Words.")]), "c.txt")
    assert store.imports.recent_keys() == staged  # the dump's own keys are gone with it
    assert store.conn.execute("SELECT count(*) FROM dumps").fetchone()[0] == 2


def test_merge_keys_wants_the_write_transaction(store: Store) -> None:
    with pytest.raises(RuntimeError, match="inside a write transaction"):
        store.imports.merge_keys()


def test_candidates_are_the_newest_few_wherever_their_keys_are(store: Store) -> None:
    with store.transaction():
        store.imports.add_papers(
            [NewPaper(i, f"T{i}", "", f"t{i}", "2026-11-20") for i in range(1, 21)]
        )
        store.imports.add_keys((7, i) for i in range(1, 21, 2))  # the odd ids: merged
        store.imports.add_keys((5, i) for i in range(1, 4))
        store.imports.merge_keys()
        store.imports.add_keys((7, i) for i in range(2, 21, 2))  # the even ones: staged
        store.imports.add_keys((5, i) for i in range(10, 20))
        store.imports.add_keys([(9, 3)])
    found = store.imports.candidates([5, 7, 9, 11])
    assert [i for i, _ in found[7]] == list(range(20, 20 - CANDIDATES_PER_KEY, -1))
    assert [i for i, _ in found[5]] == list(range(19, 19 - CANDIDATES_PER_KEY, -1))
    assert found[9] == [(3, "t3")]
    assert 11 not in found
