"""Papers with identity meet the library: an arXiv id merges first, two ids never merge,
a text-dump paper gains the id and authors of its JSON listing, and a newer listing
updates what changes (upvotes) without touching the user's state."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from readlist.core import normalize
from readlist.core.ingest import dedupe, import_sources
from readlist.core.ingest.importer import Importer
from readlist.core.ingest.ready import ready_parsed
from readlist.core.models import FileReport, PaperMeta, ParsedDump, ParsedPaper
from readlist.core.query import parse_query
from readlist.core.store import Store, migrations, schema
from tests.conftest import FIXTURES, NOW, SAMPLE_DUMPS
from tests.unit.test_importer import make_dump

ABSTRACT = (
    "We train a sparse mixture of experts on long documents. It routes each token to two "
    "experts. It matches a dense model at a third of the compute on six benchmarks."
)
OTHER_ABSTRACT = (
    "We study how retrieval helps small language models answer questions. A retriever "
    "finds passages. The model reads them and answers, beating larger models on recall."
)


def meta(arxiv_id: str | None = "2504.01234", **fields: object) -> PaperMeta:
    fields.setdefault("authors", ("Ada Lovelace", "Alan Turing"))
    record = json.dumps({"id": arxiv_id, **fields}, sort_keys=True, default=list)
    return PaperMeta(arxiv_id=arxiv_id, record=record, **fields)  # type: ignore[arg-type]


def listing(
    title: str, abstract: str = ABSTRACT, listed_on: str = "2026-11-20", **fields: object
) -> ParsedPaper:
    return ParsedPaper(title, abstract, meta=meta(**fields), listed_on=listed_on)


def import_papers(store: Store, papers: list[ParsedPaper], source: str = "a.json") -> FileReport:
    ready = ready_parsed(ParsedDump(tuple(papers)), source, date(2026, 11, 25))
    return Importer(store, now=NOW).import_ready(ready)


def only_paper(store: Store) -> int:
    ids = [row[0] for row in store.conn.execute("SELECT id FROM papers")]
    assert len(ids) == 1, ids
    return ids[0]


def authors_match(store: Store, word: str) -> list[int]:
    rows = store.conn.execute("SELECT rowid FROM authors_fts WHERE authors_fts MATCH ?", (word,))
    return [row[0] for row in rows]


def test_a_text_dump_paper_gains_the_id_and_authors_of_its_json_listing(store: Store) -> None:
    title = "Sparse Experts for Long Documents"
    Importer(store, now=NOW).import_bytes(make_dump([(title, ABSTRACT)]), "day.txt")
    paper_id = only_paper(store)
    store.set_flag([paper_id], "starred", True)
    store.set_note(paper_id, "read the routing section")
    report = import_papers(store, [listing(title, upvotes=12)])
    assert (report.new, report.merged_exact) == (0, 1)
    paper = store.get(only_paper(store))
    assert paper.meta.arxiv_id == "2504.01234"
    assert paper.meta.authors == ("Ada Lovelace", "Alan Turing")
    assert paper.meta.upvotes == 12
    assert paper.meta.arxiv_url == "https://arxiv.org/abs/2504.01234"
    assert (paper.starred, paper.note) == (True, "read the routing section")
    assert authors_match(store, "turing") == [paper_id]
    assert store.check_integrity() == []


def test_the_same_id_merges_whatever_the_title_and_keeps_the_variant(store: Store) -> None:
    import_papers(store, [listing("Sparse Experts for Long Documents")])
    report = import_papers(
        store,
        [listing("Routing Tokens to Experts", OTHER_ABSTRACT, version=2)],
        source="b.json",
    )
    assert (report.new, report.merged_exact) == (0, 1)
    paper_id = only_paper(store)
    assert store.get(paper_id).title == "Sparse Experts for Long Documents"
    match, title = store.conn.execute(
        "SELECT match, title FROM sightings WHERE dump_id = 2"
    ).fetchone()
    assert (match, title) == ("id", "Routing Tokens to Experts")
    assert store.get(paper_id).meta.version == 2


def test_two_ids_never_merge_whatever_their_titles(store: Store) -> None:
    title = "Sparse Experts for Long Documents"
    report = import_papers(
        store, [listing(title, arxiv_id="2504.01234"), listing(title, arxiv_id="2504.09999")]
    )
    assert report.new == 2
    import_papers(store, [listing(title + "s", arxiv_id="2505.00001")], source="b.json")
    assert store.conn.execute("SELECT count(*) FROM papers").fetchone()[0] == 3
    assert store.conn.execute("SELECT count(*) FROM review").fetchone()[0] == 0


def test_a_paper_without_an_id_still_merges_by_title_into_one_with_an_id(store: Store) -> None:
    title = "Sparse Experts for Long Documents"
    import_papers(store, [listing(title)])
    report = Importer(store, now=NOW).import_bytes(make_dump([(title, ABSTRACT)]), "day.txt")
    assert (report.new, report.merged_exact) == (0, 1)
    assert store.get(only_paper(store)).meta.arxiv_id == "2504.01234"


def test_a_newer_listing_updates_the_upvotes_and_an_older_one_does_not(store: Store) -> None:
    title = "Sparse Experts for Long Documents"
    import_papers(store, [listing(title, listed_on="2026-11-20", upvotes=5)])
    paper_id = only_paper(store)
    store.set_flag([paper_id], "read", True)
    before = store.get(paper_id)
    import_papers(store, [listing(title, listed_on="2026-11-21", upvotes=30)], source="b.json")
    assert store.get(paper_id).meta.upvotes == 30
    import_papers(store, [listing(title, listed_on="2026-11-19", upvotes=1)], source="c.json")
    after = store.get(paper_id)
    assert after.meta.upvotes == 30
    assert (after.read, after.starred, after.note) == (before.read, False, "")
    sources = json.loads(
        store.conn.execute("SELECT meta_from FROM papers WHERE id = ?", (paper_id,)).fetchone()[0]
    )
    assert sources["upvotes"] == [2, "2026-11-21"]  # the dump and the day that gave it
    assert sources["arxiv_id"] == [1, "2026-11-20"]


def test_the_same_listing_with_new_upvotes_is_a_new_dump_not_already_imported(
    store: Store,
) -> None:
    title = "Sparse Experts for Long Documents"
    assert import_papers(store, [listing(title, upvotes=5)]).new == 1
    assert import_papers(store, [listing(title, upvotes=5)]).already_imported
    again = import_papers(store, [listing(title, upvotes=9)])
    assert (again.already_imported, again.merged_exact) == (False, 1)
    assert store.get(only_paper(store)).meta.upvotes == 9


def test_one_dump_listing_an_id_twice_holds_one_paper(store: Store) -> None:
    first = listing("Sparse Experts for Long Documents", upvotes=3)
    second = dataclasses.replace(first, title="Sparse Experts, Revisited", abstract=OTHER_ABSTRACT)
    report = import_papers(store, [first, second])
    assert (report.new, report.merged_exact) == (1, 1)
    only_paper(store)


def test_every_listing_keeps_its_record(store: Store) -> None:
    import_papers(store, [listing("Sparse Experts for Long Documents", upvotes=3)])
    record = store.conn.execute("SELECT record FROM sightings").fetchone()[0]
    assert json.loads(record)["upvotes"] == 3


def test_authors_that_change_are_found_by_their_new_names(store: Store) -> None:
    title = "Sparse Experts for Long Documents"
    import_papers(store, [listing(title, authors=("Ada Lovelace",))])
    paper_id = only_paper(store)
    import_papers(
        store,
        [listing(title, listed_on="2026-11-22", authors=("Ada Lovelace", "Grace Hopper"))],
        source="b.json",
    )
    assert authors_match(store, "hopper") == [paper_id]
    assert authors_match(store, "lovelace") == [paper_id]
    assert store.check_integrity() == []


def test_a_version_5_library_is_brought_along_with_a_copy_kept(tmp_path: Path) -> None:
    """Upgraded to version 6: its papers and the user's state as they were, a copy of
    it kept, and a JSON listing of one of its papers gives that paper its identity."""
    path = tmp_path / "library.db"
    title = "Sparse Experts for Long Documents"
    conn = sqlite3.connect(path, isolation_level=None)
    for version in range(1, 6):
        for statement in schema._statements(migrations.MIGRATIONS[version]):
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 5")
    conn.execute(
        "INSERT INTO dumps (id, sha256, source, imported_at, papers) VALUES (1, 'x', 'a.txt', "
        "'2026-11-20T00:00:00+00:00', 1)"
    )
    conn.execute(
        "INSERT INTO papers (id, title, abstract, match_title, first_seen, last_seen, added_at)"
        " VALUES (1, ?, ?, ?, '2026-11-20', '2026-11-20', '2026-11-20T00:00:00+00:00')",
        (title, ABSTRACT, normalize.match_title(title)),
    )
    conn.execute(
        "INSERT INTO sightings (paper_id, dump_id, listing, seen_on, match)"
        " VALUES (1, 1, 0, '2026-11-20', 'new')"
    )
    fp = dedupe.fingerprint(title, ABSTRACT)
    title_keys, abstract_keys = dedupe.block_keys(fp)
    for key in (dedupe.exact_key(fp), *title_keys, *abstract_keys):
        conn.execute("INSERT INTO dedupe_keys (key, paper_id) VALUES (?, 1)", (key,))
    conn.execute("INSERT INTO papers_fts (papers_fts) VALUES ('rebuild')")
    conn.execute("INSERT INTO state (paper_id, starred, note) VALUES (1, 1, 'mine')")
    conn.close()
    with Store.open(path) as store:
        assert store.upgraded_copy == path.with_name("library.db.v5.bak")
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        report = import_papers(store, [listing(title, upvotes=7)])
        assert (report.new, report.merged_exact) == (0, 1)
        paper = store.get(1)
        assert (paper.starred, paper.note, paper.meta.upvotes) == (True, "mine", 7)
        assert paper.meta.authors == ("Ada Lovelace", "Alan Turing")
        assert store.check_integrity() == []
    kept = sqlite3.connect(path.with_name("library.db.v5.bak"))
    assert kept.execute("PRAGMA user_version").fetchone()[0] == 5
    kept.close()


def test_a_vaguer_day_published_never_replaces_a_precise_one(store: Store) -> None:
    title = "Sparse Experts for Long Documents"
    import_papers(store, [listing(title, listed_on="2026-11-20", published="2024-10-13")])
    vaguer = listing(title, listed_on="2026-11-22", published="2024-10")
    import_papers(store, [vaguer], source="refs.bib")
    assert store.get(only_paper(store)).meta.published == "2024-10-13"
    corrected = listing(title, listed_on="2026-11-23", published="2024-11-02")
    import_papers(store, [corrected], source="b.json")
    assert store.get(only_paper(store)).meta.published == "2024-11-02"


DUALFORMER = 'title:"Dualformer: Controllable Fast and Slow"'


def dump_paper_starred(store: Store) -> int:
    dump = SAMPLE_DUMPS / "000_1fcb70e74d98b500.txt"
    assert all(r.error is None for r in import_sources(store, [dump], now=NOW))
    [paper] = store.search(parse_query(DUALFORMER))
    store.set_flag([paper.id], "starred", True)
    store.set_note(paper.id, "mine")
    return paper.id


@pytest.mark.parametrize(
    "fixture", ["hf_daily_papers.json", "hf_daily_papers.jsonl", "hf_daily_papers_page.html"]
)
def test_a_dump_paper_listed_in_the_json_gains_its_identity(store: Store, fixture: str) -> None:
    """A paper from a copied page, starred and noted, then listed in the Hugging Face
    JSON (or a saved page) with the same title: one paper, which gains the listing's id
    and authors, with the user's state."""
    paper_id = dump_paper_starred(store)
    before = store.stats().papers
    [report] = import_sources(store, [FIXTURES / fixture], now=NOW)
    assert report.error is None and report.merged_exact >= 1
    [after] = store.search(parse_query(DUALFORMER))
    assert after.id == paper_id
    assert after.meta.arxiv_id == "2410.09918"
    assert after.meta.authors[0] == "DiJia Su"
    assert (after.starred, after.note) == (True, "mine")
    assert store.stats().papers == before + report.new
    assert store.check_integrity() == []


@pytest.mark.parametrize(
    ("fixture", "merged"), [("zotero.ris", True), ("zotero_csl.json", True), ("zotero.bib", False)]
)
def test_a_reference_managers_abridged_abstract_merges_when_cut_short(
    store: Store, fixture: str, merged: bool
) -> None:
    """The Zotero fixtures give Dualformer a shortened abstract under the same title. The
    RIS and CSL-JSON ones hold its first sentence: a truncated prefix, so the same paper,
    which gains the file's DOI and keeps the user's state. The BibTeX one goes on with a
    sentence the dump's abstract does not have: a different text, held for review, and
    the starred dump paper is as it was."""
    paper_id = dump_paper_starred(store)
    [report] = import_sources(store, [FIXTURES / fixture], now=NOW)
    assert report.error is None
    pairs = [c for c in store.review_candidates() if paper_id in (c.paper_id, c.other_id)]
    kept = store.get(paper_id)
    assert (kept.starred, kept.note) == (True, "mine")
    if merged:
        assert (report.merged_exact, pairs) == (1, [])
        assert kept.meta.doi == "10.48550/arXiv.2410.09918"
        match = store.conn.execute(
            "SELECT match FROM sightings WHERE paper_id = ? ORDER BY dump_id DESC", (paper_id,)
        ).fetchone()
        assert match == ("exact",)
    else:
        assert report.flagged >= 1
        assert [c.reason for c in pairs] == ["same title, different abstract"]
        assert kept.meta.doi is None
    assert store.check_integrity() == []


@pytest.mark.parametrize("fixture", ["zotero.bib", "zotero.ris", "zotero_csl.json"])
def test_the_zotero_files_after_the_json_join_its_paper(store: Store, fixture: str) -> None:
    """Imported after the Hugging Face JSON, each Zotero file's Dualformer joins the
    JSON's paper (by its arXiv id, whatever its abstract), and nothing is held."""
    [first] = import_sources(store, [FIXTURES / "hf_daily_papers.json"], now=NOW)
    assert first.error is None
    [report] = import_sources(store, [FIXTURES / fixture], now=NOW)
    assert report.error is None and report.merged_exact >= 1
    [paper] = store.search(parse_query(DUALFORMER))
    assert paper.meta.arxiv_id == "2410.09918"
    assert not [c for c in store.review_candidates() if DUALFORMER in (c.title, c.other_title)]


def test_an_older_listing_gives_the_day_a_coarser_date_left_out(store: Store) -> None:
    """A BibTeX file (read as listed the day it is imported) gave "2025-04"; the Hugging
    Face listing of an earlier day gives "2025-04-01": the day is more, not other."""
    title = "Sparse Experts for Long Documents"
    import_papers(store, [listing(title, listed_on="2026-11-25", published="2025-04")])
    paper_id = only_paper(store)
    import_papers(
        store, [listing(title, listed_on="2026-11-20", published="2025-04-01")], source="b.json"
    )
    assert store.get(paper_id).meta.published == "2025-04-01"
    import_papers(
        store, [listing(title, listed_on="2026-11-19", published="2025-06-02")], source="c.json"
    )
    assert store.get(paper_id).meta.published == "2025-04-01"  # other, and older: not taken


def test_a_file_with_no_listing_day_fills_gaps_and_never_outweighs_a_listing(
    store: Store,
) -> None:
    """A Zotero export imported after the Hugging Face listing does not replace the
    listing's authors; one imported before it is replaced by the listing's."""
    title = "Sparse Experts for Long Documents"
    import_papers(store, [listing(title, authors=("Ada Lovelace",), upvotes=4)])
    zotero = dataclasses.replace(
        listing(title, authors=("A. Lovelace", "C. Babbage"), doi="10.1/x"), listed_on=None
    )
    import_papers(store, [zotero], source="refs.bib")
    paper = store.get(only_paper(store))
    assert paper.meta.authors == ("Ada Lovelace",)  # the listing's stand
    assert paper.meta.doi == "10.1/x"  # what it lacked is filled

    other = "Dense Experts for Short Documents"
    first = dataclasses.replace(
        listing(other, OTHER_ABSTRACT, arxiv_id="2504.05555", authors=("B. Liskov",)),
        listed_on=None,
    )
    import_papers(store, [first], source="early.bib")
    later = listing(
        other, OTHER_ABSTRACT, arxiv_id="2504.05555", listed_on="2026-01-05",
        authors=("Barbara Liskov",),
    )  # fmt: skip
    import_papers(store, [later], source="day.json")
    [found] = store.search(parse_query("id:2504.05555"))
    assert found.meta.authors == ("Barbara Liskov",)
