"""The latest import run, as the app says it on start: the store's summary and its line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from readlist.core.ingest.importer import Importer
from readlist.core.models import ImportSummary
from readlist.core.store import Store, Walk
from readlist.ui.last_import import said
from tests.conftest import NOW, SAMPLE_DUMPS

DUMPS = sorted(SAMPLE_DUMPS.glob("*.txt"))


def import_run(store: Store, dumps: list[Path], minutes: int) -> None:
    importer = Importer(store, now=NOW + timedelta(minutes=minutes))
    for dump in dumps:
        assert importer.import_bytes(dump.read_bytes(), dump.name).error is None


def test_no_import_yet(store: Store) -> None:
    assert store.latest_import() is None


def test_the_latest_run_is_summed_over_its_dumps(store: Store) -> None:
    import_run(store, DUMPS[:2], minutes=0)
    import_run(store, DUMPS[2:], minutes=5)
    summary = store.latest_import()
    assert summary == ImportSummary(
        imported_at=(NOW + timedelta(minutes=5)).isoformat(timespec="seconds"),
        files=3,
        listings=83 + 96 + 72,
        new=63 + 91 + 48,
    )
    assert summary.merged == 20 + 5 + 24


def test_a_run_that_imports_nothing_leaves_the_one_before(store: Store) -> None:
    import_run(store, DUMPS, minutes=0)
    before = store.latest_import()
    import_run(store, DUMPS, minutes=5)  # every dump already in the library
    assert store.latest_import() == before
    assert before is not None and (before.files, before.new, before.merged) == (5, 358, 63)


def test_the_line_says_a_recent_import_only() -> None:
    summary = ImportSummary(NOW.isoformat(timespec="seconds"), 5, 421, 358)
    assert said(summary, NOW + timedelta(seconds=20)) == (
        "Last import just now: 5 files, 358 new, 63 merged"
    )
    assert said(summary, NOW + timedelta(minutes=2, seconds=5)) == (
        "Last import 2 min ago: 5 files, 358 new, 63 merged"
    )
    assert said(summary, NOW + timedelta(minutes=61)) is None
    one = ImportSummary(NOW.isoformat(timespec="seconds"), 1, 1200, 1100)
    assert said(one, NOW) == "Last import just now: 1 file, 1,100 new, 100 merged"


def test_is_new_is_the_latest_runs_new_papers(store: Store) -> None:
    from readlist.core.query import parse_query

    import_run(store, DUMPS[:2], minutes=0)
    first = {p.id for p in store.search(parse_query("is:new"))}
    assert len(first) == store.stats(quick=True).papers  # the first run brought every paper
    import_run(store, DUMPS[2:], minutes=5)
    new = store.search(parse_query("is:new"))
    assert len(new) == store.count(parse_query("is:new")) == 63 + 91 + 48
    assert not first & {p.id for p in new}
    everyone = store.stats(quick=True).papers
    assert store.count(parse_query("-is:new")) == everyone - len(new)
    assert {p.id for p in store.search(parse_query("is:new learning"))} <= {p.id for p in new}
    for text in ("is:new learning", "is:new"):  # a page, walked or gathered, agrees
        query = parse_query(text)
        first = [p.id for p in store.page(query, 0, 20, walk=Walk(query))]
        assert first == [p.id for p in store.search(query)][:20]
    import_run(store, DUMPS, minutes=10)  # nothing new: the run before still shows
    assert store.count(parse_query("is:new")) == len(new)
