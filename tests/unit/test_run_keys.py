"""A run of imports keeps the blocking keys of the papers it wrote in memory and asks
the store only about older papers: where a candidate is found must never change what
an import decides, and a paper imported elsewhere meanwhile must still be found."""

from __future__ import annotations

from pathlib import Path

import pytest

from readlist.core.ingest import importer as importer_module
from readlist.core.ingest.importer import Importer
from readlist.core.store import Store
from tests.conftest import NOW, SAMPLE_DUMPS
from tests.unit.test_importer import make_dump
from tests.unit.test_staged_keys import _CONTENTS

# Twelve papers whose titles share their first letters (one blocking key, more papers
# than a key's candidates), each in a dump of its own; then a retyped copy of the first.
_SHARED_START = [
    (f"Scaling Laws for {topic}", f"We study how {topic} improves with compute. More.")
    for topic in (
        "Retrieval",
        "Speech",
        "Vision",
        "Robotics",
        "Chemistry",
        "Proteins",
        "Weather",
        "Music",
        "Tables",
        "Graphs",
        "Code",
        "Agents",
    )
]


# A title start that papers of both runs share, the older paper's among them: a key the
# run holds a few papers of, and the store one more.
_EMERGENT = [
    (f"Emergent Abilities of {kind}", f"Abilities of {kind} appear suddenly at scale. Yes.")
    for kind in ("Ocean Models", "Small Models", "Agent Swarms")
]


def _contents(store: Store) -> list[list[object]]:
    return [sorted(store.conn.execute(sql).fetchall()) for sql in _CONTENTS]


def _import_all(path: Path, cap: int, monkeypatch: pytest.MonkeyPatch) -> list[list[object]]:
    """The library after the same imports: the sample dumps by one run, then by a second
    run (the library no longer empty) dumps that hit keys of both runs."""
    monkeypatch.setattr(importer_module, "RUN_KEYS_CAP", cap)
    with Store.open(path) as store:
        first = Importer(store, now=NOW)
        for dump in sorted(SAMPLE_DUMPS.glob("*.txt")):
            assert first.import_bytes(dump.read_bytes(), dump.name).error is None
        assert first.import_bytes(make_dump(_EMERGENT[:1]), "emergent.txt").new == 1
        second = Importer(store, now=NOW)
        for index, paper in enumerate(_SHARED_START + _EMERGENT[1:]):
            assert second.import_bytes(make_dump([paper]), f"shared{index}.txt").new == 1
        edited = [(p.title.upper(), p.abstract) for p in store.get_many([1, 2, 3])]
        edited += [(p.title + "s", p.abstract) for p in store.get_many([4, 5])]
        edited += [("Scaling Laws for Retreival", _SHARED_START[0][1])]  # the oldest of 12
        edited += [("Scaling Laws for Agentss", _SHARED_START[-1][1])]  # the newest
        # Its title start alone is shared, with a paper of each run: flagged against both.
        edited += [("Emergent Abilities of Ocean Modelz", "Something else entirely. Here.")]
        report = second.import_bytes(make_dump(edited, "Nov 21"), "edited.txt")
        assert (report.merged_exact, report.merged_fuzzy, report.flagged) == (3, 4, 1)
        assert store.conn.execute("SELECT count(*) FROM review").fetchone()[0] >= 2
        assert store.check_integrity() == []
        return _contents(store)


def test_keys_held_in_memory_change_no_decision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every lookup from the store, the run's from memory, or memory given up and begun
    again every few dumps: the same papers, sightings, reviews and keys."""
    from_store = _import_all(tmp_path / "a.db", 0, monkeypatch)
    from_memory = _import_all(tmp_path / "b.db", 10**9, monkeypatch)
    restarted = _import_all(tmp_path / "c.db", 40, monkeypatch)
    assert from_memory == from_store
    assert restarted == from_store


@pytest.mark.parametrize("elsewhere", ["another connection", "another importer"])
def test_a_paper_imported_elsewhere_mid_run_is_still_found(db_path: Path, elsewhere: str) -> None:
    """The run does not hold it, and it is newer than the run's start: the run must see
    that something else imported, and ask the store again."""
    title, abstract = _SHARED_START[0]
    with Store.open(db_path) as mine, Store.open(db_path) as theirs:
        importer = Importer(mine, now=NOW)
        assert importer.import_bytes(make_dump(_SHARED_START[1:3]), "a.txt").new == 2
        other = Importer(theirs if elsewhere == "another connection" else mine, now=NOW)
        assert other.import_bytes(make_dump([(title, abstract)]), "b.txt").new == 1
        report = importer.import_bytes(make_dump([(title.upper(), abstract)]), "c.txt")
        assert (report.new, report.merged_exact) == (0, 1)
        assert mine.stats().papers == 3


def test_another_window_s_star_keeps_the_run(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A star adds no paper and no key: the run goes on from memory, asking the store
    nothing (its library was empty when it began)."""
    with Store.open(db_path) as mine, Store.open(db_path) as theirs:
        importer = Importer(mine, now=NOW)
        assert importer.import_bytes(make_dump(_SHARED_START[:2]), "a.txt").new == 2
        theirs.set_flag([1], "starred", True)
        asked: list[object] = []
        monkeypatch.setattr(mine, "candidates", lambda *a, **k: asked.append(a) or {})
        title, abstract = _SHARED_START[0]
        report = importer.import_bytes(make_dump([(title.upper(), abstract)]), "b.txt")
        assert (report.new, report.merged_exact, asked) == (0, 1, [])
        assert theirs.get_many([1])[0].starred
