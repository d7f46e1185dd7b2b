"""Import: the sample dumps, dedupe across and within dumps, one transaction per file."""

from __future__ import annotations

import re
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from readlist.core.errors import DumpError
from readlist.core.ingest import importer as importer_module
from readlist.core.ingest.importer import Importer
from readlist.core.ingest.ready import resolve_date
from readlist.core.ingest.sources import dump_files
from readlist.core.query import parse_query
from readlist.core.store import Store, migrations, schema
from tests.conftest import NOW, SAMPLE_DUMPS

_DATE_LINE = re.compile(r"^[A-Z][a-z]{2} \d{1,2}$")


def expected_pairs() -> dict[str, str]:
    """Title -> abstract, read from the raw files as simply as possible (known layouts)."""
    pairs: dict[str, str] = {}
    for path in sorted(SAMPLE_DUMPS.glob("*.txt")):
        lines = [line for line in path.read_text().splitlines() if line.strip()]
        if lines[0] == "new":
            start = next(i for i, line in enumerate(lines) if _DATE_LINE.match(line)) + 1
            body = lines[start:]
        else:  # the glued layout: two header lines, then "Subscribe<first title>"
            body = lines[2:]
            body[0] = body[0].removeprefix("Subscribe")
        pairs.update(zip(body[::2], body[1::2], strict=True))
    return pairs


def make_dump(papers: list[tuple[str, str]], date_line: str = "Nov 20") -> bytes:
    body = "\n\n".join(f"{t}\n\n{a}" for t, a in papers)
    return f"new\n\nSubscribe\n\n{date_line}\n\n{body}\n".encode()


def snapshot(store: Store) -> list[tuple[object, ...]]:
    rows: list[tuple[object, ...]] = []
    for table in (
        "papers",
        "sightings",
        "state",
        "dumps",
        "review",
        "dedupe_keys",
        "dedupe_keys_recent",
    ):
        rows += [(table, *r) for r in store.conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2")]
    return rows


def test_sample_dumps_import_to_358_papers_with_their_abstracts(sample_store: Store) -> None:
    expected = expected_pairs()
    papers = sample_store.search(parse_query(""))
    assert len(papers) == len(expected) == 358
    assert {p.title: p.abstract for p in papers} == expected
    assert sum(p.times_seen for p in papers) == 421
    assert sample_store.check_integrity() == []


def test_sample_date_lines_become_sighting_dates(sample_store: Store) -> None:
    dates = {p.last_seen for p in sample_store.search(parse_query(""))}
    # Mar 14, Mar 11, Apr 30, Jul 29 resolve into 2026; 003 has no date line: import day.
    assert dates == {"2026-03-14", "2026-03-11", "2026-04-30", "2026-07-29", "2026-11-23"}


def test_second_import_changes_nothing(sample_store: Store) -> None:
    before = snapshot(sample_store)
    importer = Importer(sample_store, now=NOW)
    for path in sorted(SAMPLE_DUMPS.glob("*.txt")):
        report = importer.import_bytes(path.read_bytes(), path.name)
        assert report.already_imported
    # The same dump re-saved with CRLF line ends is the same dump.
    crlf = next(SAMPLE_DUMPS.glob("000_*.txt")).read_bytes().replace(b"\n", b"\r\n")
    assert importer.import_bytes(crlf, "copy.txt").already_imported
    assert snapshot(sample_store) == before


def test_user_state_survives_every_reimport_and_merge(sample_store: Store) -> None:
    papers = sample_store.search(parse_query(""), limit=30)
    for p in papers[:10]:
        sample_store.set_flag([p.id], "starred", True)
    for p in papers[5:20]:
        sample_store.set_flag([p.id], "read", True)
    for p in papers[::3]:
        sample_store.set_note(p.id, f"note for {p.id}\nsecond line")
    state_before = sample_store.conn.execute("SELECT * FROM state ORDER BY paper_id").fetchall()
    variants = [(p.title.upper() + " ", p.abstract + " We release code.") for p in papers]
    importer = Importer(sample_store, now=NOW)
    report = importer.import_bytes(make_dump(variants), "variants.txt")
    assert (report.new, report.merged_exact, report.error) == (0, 30, None)
    for path in sorted(SAMPLE_DUMPS.glob("*.txt")):
        importer.import_bytes(path.read_bytes(), path.name)
    state_after = sample_store.conn.execute("SELECT * FROM state ORDER BY paper_id").fetchall()
    assert state_after == state_before


def test_near_duplicates_merge_and_keep_their_variant_text(sample_store: Store) -> None:
    original = sample_store.search(parse_query(""), limit=1)[0]
    typo = original.title[:6] + original.title[7] + original.title[6] + original.title[8:]
    revised = original.abstract.replace(". ", ". Moreover, ", 1)
    report = Importer(sample_store, now=NOW).import_bytes(
        make_dump([(typo, revised)]), "edited.txt"
    )
    assert (report.new, report.merged_fuzzy) == (0, 1)
    merged = sample_store.get(original.id)
    assert merged.title == original.title
    assert merged.abstract == original.abstract
    assert merged.times_seen == original.times_seen + 1
    row = sample_store.conn.execute(
        "SELECT title, abstract, match FROM sightings WHERE paper_id = ? ORDER BY dump_id DESC",
        (original.id,),
    ).fetchone()
    assert row == (typo, revised, "fuzzy")


def test_look_alike_is_a_new_paper_flagged_for_review(sample_store: Store) -> None:
    (original,) = sample_store.search(parse_query('title:"online continual"'), limit=1)
    look_alike = original.title.replace("Online", "Offline")
    abstract = "We study replay in the offline setting. Buffers are large. Results improve."
    report = Importer(sample_store, now=NOW).import_bytes(
        make_dump([(look_alike, abstract)]), "lookalike.txt"
    )
    assert (report.new, report.flagged, report.merged_fuzzy) == (1, 1, 0)
    (candidate,) = sample_store.review_candidates()
    assert (candidate.title, candidate.other_id) == (look_alike, original.id)
    assert candidate.title_score >= 80
    # A different title with an unrelated abstract is simply new.
    report = Importer(sample_store, now=NOW).import_bytes(
        make_dump([("Protein Folding with Tiny Models", "We fold proteins. It is new.")]),
        "new.txt",
    )
    assert (report.new, report.flagged) == (1, 0)


def test_duplicates_within_one_import_merge(store: Store) -> None:
    abstract = "We study sparse attention. It is fast. It is also accurate on long inputs."
    report = Importer(store, now=NOW).import_bytes(
        make_dump(
            [
                ("Sparse Attention for Long Inputs", abstract),
                ("Sparse Attention for Long Inptus", abstract),
                ("Sparse Attention for Long Inputs", abstract),
            ]
        ),
        "dup.txt",
    )
    assert (report.new, report.merged_fuzzy, report.merged_exact) == (1, 1, 1)
    (paper,) = store.search(parse_query(""))
    assert paper.times_seen == 1  # one dump listed it, however many times


def _listings(store: Store) -> list[tuple[object, ...]]:
    return store.conn.execute(
        "SELECT title, abstract, match FROM sightings ORDER BY dump_id, match DESC"
    ).fetchall()


def test_a_variant_in_the_same_dump_is_kept_as_in_another_dump(tmp_path: Path) -> None:
    title = "Sparse Attention for Long Inputs"
    abstract = "We study sparse attention. It is fast. It is also accurate on long inputs."
    typo = "Sparse Attention for Long Inptus"
    revised = abstract.replace("It is fast.", "It is very fast.")
    with Store.open(tmp_path / "one.db") as one, Store.open(tmp_path / "two.db") as two:
        report = Importer(one, now=NOW).import_bytes(
            make_dump([(title, abstract), (typo, revised)]), "both.txt"
        )
        assert (report.new, report.merged_fuzzy) == (1, 1)  # the report counts the variant
        importer = Importer(two, now=NOW)
        importer.import_bytes(make_dump([(title, abstract)]), "first.txt")
        assert importer.import_bytes(make_dump([(typo, revised)]), "second.txt").merged_fuzzy == 1
        kept = [(None, None, "new"), (typo, revised, "fuzzy")]
        assert _listings(one) == _listings(two) == kept
        (paper,) = one.search(parse_query(""))
        assert (paper.title, paper.abstract, paper.times_seen) == (title, abstract, 1)
        assert two.search(parse_query(""))[0].times_seen == 2
        assert one.stats().sightings == 2
        assert one.check_integrity() == []


def test_every_listing_of_a_paper_in_one_dump_is_a_sighting(store: Store) -> None:
    abstract = "We study sparse attention. It is fast. It is also accurate on long inputs."
    dump = make_dump(
        [
            ("Sparse Attention for Long Inputs", abstract),
            ("Other Paper on Protein Folding", "Proteins fold. We fold them quickly here."),
            ("Sparse Attention for Long Inputs", abstract),
            ("SPARSE attention for long inputs!", "We study sparse attention."),
        ]
    )
    report = Importer(store, now=NOW).import_bytes(dump, "three.txt")
    assert (report.new, report.merged_exact) == (2, 2)
    rows = store.conn.execute(
        "SELECT listing, title, abstract, match FROM sightings ORDER BY listing"
    ).fetchall()
    assert rows == [
        (0, None, None, "new"),
        (1, None, None, "new"),
        (2, None, None, "exact"),
        (3, "SPARSE attention for long inputs!", "We study sparse attention.", "exact"),
    ]
    assert [p.times_seen for p in store.search(parse_query(""))] == [1, 1]


def test_missing_abstract_is_filled_by_a_later_dump(store: Store) -> None:
    importer = Importer(store, now=NOW)
    importer.import_bytes(make_dump([("Tiny Recursive Models", "")]), "a.txt")
    abstract = "Recursion beats depth. We show it on puzzles."
    report = importer.import_bytes(make_dump([("Tiny Recursive Models", abstract)]), "b.txt")
    assert report.merged_exact == 1
    (paper,) = store.search(parse_query("puzzles"))
    assert paper.abstract == abstract
    assert store.check_integrity() == []


def test_a_failed_file_leaves_nothing_behind(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    importer = Importer(store, now=NOW)
    good = make_dump([("First Paper Title", "An abstract. With sentences.")])
    importer.import_bytes(good, "good.txt")
    before = snapshot(store)

    # The dump's papers and keys are written by then: the sightings fail.
    def failing(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(store.imports, "add_sightings", failing)
    papers = [(f"Paper Number {w}", f"Abstract {w}. More words here.") for w in "ABCDE"]
    with pytest.raises(OSError):
        importer.import_bytes(make_dump(papers), "bad.txt")
    assert snapshot(store) == before
    monkeypatch.undo()
    assert importer.import_bytes(make_dump(papers), "bad.txt").new == 5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200), "binary"),
        (b"new\n\nSubscribe\n\nMar 14\n", "no papers"),
    ],
)
def test_bad_files_are_reported_and_change_nothing(store: Store, data: bytes, message: str) -> None:
    report = Importer(store, now=NOW).import_bytes(data, "bad.txt")
    assert report.error is not None
    assert report.error.startswith("bad.txt: ")
    assert message in report.error
    assert snapshot(store) == []


def test_folders_hold_dumps_of_every_kind_readlist_reads(tmp_path: Path) -> None:
    names = ("a.txt", "b.md", "c.JSON", "d.jsonl", "e.html", "f.bib", "g.ris", "h.py", ".i.txt")
    for name in names:
        (tmp_path / name).write_text("x")
    (tmp_path / "i.bib").mkdir()
    found = [p.name for p in dump_files(tmp_path)]
    assert found == ["a.txt", "c.JSON", "d.jsonl", "e.html", "f.bib", "g.ris"]
    with pytest.raises(DumpError, match="no such file"):
        dump_files(tmp_path / "missing.txt")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(DumpError, match=r"folder has no dumps \(\*\.txt, \*\.json"):
        dump_files(empty)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Mar 14", date(2026, 3, 14)),
        ("Dec 24", date(2025, 12, 24)),  # after "today": last year's
        ("March 3, 2024", date(2024, 3, 3)),
        ("Feb 30", date(2026, 11, 23)),
        (None, date(2026, 11, 23)),
        ("nonsense", date(2026, 11, 23)),
    ],
)
def test_resolve_date(line: str | None, expected: date) -> None:
    assert resolve_date(line, date(2026, 11, 23)) == expected


def test_other_windows_see_each_part_of_a_dump_come_in(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The app notices an import by Store.import_stamp: it changes with every part."""
    monkeypatch.setattr(importer_module, "PART_LISTINGS", 2)
    papers = [(f"Paper Number {w}", f"Abstract {w}. More words here.") for w in "ABCDEF"]
    seen: list[tuple[int, int]] = []
    with Store.open(store.path) as other:

        def progress(done: int, total: int) -> None:
            seen.append(other.import_stamp())

        Importer(store, now=NOW).import_bytes(make_dump(papers), "six.txt", progress)
        final = other.import_stamp()
    assert list(dict.fromkeys(seen)) == [(0, 0), (1, 2), (1, 4)]  # before, after parts 1, 2
    assert final not in seen


def test_a_dump_in_parts_reports_its_unplaced_lines_once(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer_module, "PART_LISTINGS", 2)
    papers = [(f"Paper Number {w}", f"Abstract {w}. More words here.") for w in "ABCDE"]
    dump = make_dump(papers).replace(b"Nov 20\n\n", b"Nov 20\n\nA stray line. Of text.\n\n")
    report = Importer(store, now=NOW).import_bytes(dump, "stray.txt")
    assert (report.new, report.skipped, report.unplaced_lines) == (5, 1, (7,))


def _version_2_library(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    for script in (migrations.SCHEMA_V1, migrations.SCHEMA_V2):
        for statement in schema._statements(script):
            conn.execute(statement)
    conn.execute(f"PRAGMA application_id = {schema.APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 2")
    return conn


def test_a_version_2_library_keeps_its_sightings_and_whole_dumps(tmp_path: Path) -> None:
    """Upgraded to version 3: each sighting kept (its listing 0), each dump whole, so a
    re-import of it changes nothing and a new dump adds to it."""
    abstract = "We study sparse attention. It is fast. It is also accurate on long inputs."
    dump = make_dump([("Sparse Attention for Long Inputs", abstract)])
    with Store.open(tmp_path / "made.db") as made:  # the rows a version 2 import wrote
        Importer(made, now=NOW).import_bytes(dump, "a.txt")
        dumps = made.conn.execute("SELECT id, sha256, source, imported_at, papers FROM dumps")
        papers = made.conn.execute(
            "SELECT id, title, abstract, match_title, first_seen, last_seen, times_seen, added_at"
            " FROM papers"
        ).fetchall()
        sightings = made.conn.execute(
            "SELECT paper_id, dump_id, date_line, seen_on, match, title, abstract FROM sightings"
        ).fetchall()
        keys = made.conn.execute(
            "SELECT key, paper_id FROM dedupe_keys"
            " UNION SELECT key, paper_id FROM dedupe_keys_recent"
        ).fetchall()
        rows = (dumps.fetchall(), papers, sightings, keys)
    path = tmp_path / "v2.db"
    conn = _version_2_library(path)
    conn.executemany("INSERT INTO dumps VALUES (?, ?, ?, ?, ?)", rows[0])
    conn.executemany("INSERT INTO papers VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows[1])
    conn.executemany("INSERT INTO sightings VALUES (?, ?, ?, ?, ?, ?, ?)", rows[2])
    conn.executemany("INSERT INTO dedupe_keys VALUES (?, ?)", rows[3])
    conn.execute("INSERT INTO papers_fts (papers_fts) VALUES ('rebuild')")
    conn.close()
    with Store.open(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
        listed = store.conn.execute("SELECT paper_id, dump_id, listing, match FROM sightings")
        assert listed.fetchall() == [(1, 1, 0, "new")]
        assert store.conn.execute("SELECT written FROM dumps").fetchall() == [(None,)]
        importer = Importer(store, now=NOW)
        assert importer.import_bytes(dump, "again.txt").already_imported
        retitled = make_dump([("Sparse Attention for Long Inptus", abstract)], "Nov 21")
        assert importer.import_bytes(retitled, "b.txt").merged_fuzzy == 1
        assert store.get(1).times_seen == 2
        assert store.check_integrity() == []
