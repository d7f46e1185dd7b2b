"""Tags: the store's calls, the name rule, tag:/-tag: in queries, every export's field
(read back by the real parsers) and the `tag` and `tags` commands."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from pathlib import Path

import pytest

from readlist.core.care import tags_line
from readlist.core.errors import UnknownPaperError
from readlist.core.query import Hint, Tag, parse_query
from readlist.core.store import BadNameError, Store
from tests.unit.test_cli import listed, ok, one_line_error, run
from tests.unit.test_export_bibtex import parse_both
from tests.unit.test_export_csl_ris import VASWANI, csl, export, ris


def ids(store: Store, text: str) -> set[int]:
    return {paper.id for paper in store.search(parse_query(text))}


# --- the store -------------------------------------------------------------------------


def test_a_tag_is_added_once_whatever_its_case_and_spelled_as_first_given(
    sample_store: Store,
) -> None:
    stamp = sample_store.state_stamp()
    assert sample_store.add_tag([1, 2], "To-Read") == [1, 2]
    assert sample_store.state_stamp() > stamp  # other windows see it
    assert sample_store.add_tag([2, 3], "to-read") == [3]  # 2 has it already
    assert sample_store.tags_of(3) == ("To-Read",)  # the library's spelling
    assert sample_store.add_tag([1], "ml") == [1]
    assert sample_store.tags_of(1) == ("ml", "To-Read")
    assert sample_store.tag_counts() == [("ml", 1), ("To-Read", 3)]
    assert sample_store.remove_tag([1, 4], "TO-READ") == [1]
    assert sample_store.tag_counts() == [("ml", 1), ("To-Read", 2)]


def test_change_tags_puts_on_and_takes_off_only_what_it_names(sample_store: Store) -> None:
    """The tag editor's save: a tag put on meanwhile elsewhere stays."""
    sample_store.add_tag([5], "old")
    sample_store.add_tag([6], "ML")
    sample_store.add_tag([5], "elsewhere")  # after the editor opened, say
    sample_store.change_tags(5, ["ml", "new", "NEW"], ["old"])
    assert sample_store.tags_of(5) == ("elsewhere", "ML", "new")
    sample_store.change_tags(5, ["old"], ["ml", "new"])  # its undo
    assert sample_store.tags_of(5) == ("elsewhere", "old")


def test_the_tags_come_with_every_paper_read(sample_store: Store) -> None:
    sample_store.add_tag([7], "b")
    sample_store.add_tag([7], "A")
    assert sample_store.get(7).tags == ("A", "b")
    assert sample_store.get_many([8, 7])[1].tags == ("A", "b")
    assert sample_store.get(8).tags == ()
    (paper,) = [p for p in sample_store.search(parse_query("")) if p.id == 7]
    assert paper.tags == ("A", "b")
    assert tags_line(paper.tags) == "#A #b"


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("", "tag '' is empty"),
        ("to read", "tag 'to read' has a space in it"),
        ("a\x1bb", "tag 'a␛b' has a control character"),
        ("-x", "tag '-x' starts with -"),
        ("a,b", "tag 'a,b' has a comma"),
        ("x" * 65, "is 65 characters long, more than the 64"),
    ],
)
def test_a_name_that_is_not_one_word_is_refused_and_nothing_is_written(
    sample_store: Store, name: str, problem: str
) -> None:
    stamp = sample_store.state_stamp()
    for write in (
        lambda: sample_store.add_tag([1], name),
        lambda: sample_store.remove_tag([1], name),
        lambda: sample_store.change_tags(1, ["fine", name], []),
    ):
        with pytest.raises(BadNameError) as raised:
            write()
        assert problem in str(raised.value)
    assert sample_store.state_stamp() == stamp
    assert sample_store.tags_of(1) == ()


def test_an_unknown_paper_writes_nothing(sample_store: Store) -> None:
    with pytest.raises(UnknownPaperError):
        sample_store.add_tag([1, 99_999], "ml")
    assert sample_store.tag_counts() == []


# --- the query language --------------------------------------------------------------


def test_tag_and_not_tag_filter_whatever_the_case(sample_store: Store) -> None:
    sample_store.add_tag([1, 2], "ml")
    sample_store.add_tag([2], "rl")
    assert parse_query("TAG:ML -tag:rl").clauses == ((Tag("ML"),), (Tag("rl", negated=True),))
    assert ids(sample_store, "tag:ML") == {1, 2}
    assert ids(sample_store, "tag:ml -tag:rl") == {1}
    assert ids(sample_store, "tag:ml OR tag:none") == {1, 2}
    everyone = sample_store.stats(quick=True).papers
    assert sample_store.count(parse_query("-tag:ml")) == everyone - 2
    assert ids(sample_store, "tag:nosuch") == set()
    assert ids(sample_store, "tag:ml learning") <= {1, 2}  # with words: the walk agrees
    query = parse_query("tag:ml")
    assert sample_store.page(query, 0, 10, total=2) == sample_store.search(query)


def test_a_bare_tag_is_a_hint_like_author() -> None:
    query = parse_query("tag: mamba")
    assert query.hints == (Hint("tag:", "empty filter tag: — write tag:name"),)
    assert parse_query("-tag:").hints[0].message == "empty filter -tag: — write -tag:name"


# --- exports -------------------------------------------------------------------------

TAGGED = dataclasses.replace(VASWANI, tags=("attention", "to-read"))


def test_bibtex_keywords_read_back_by_pybtex_and_bibtexparser() -> None:
    fields = parse_both(export([TAGGED, dataclasses.replace(VASWANI, id=8)], "bibtex"))
    first, second = fields.values()
    assert first["keywords"] == "attention, to-read"
    assert "keywords" not in second


def test_csl_json_keyword_and_ris_kw() -> None:
    (item,) = csl([TAGGED])
    assert item["keyword"] == "attention, to-read"
    assert "keyword" not in csl([VASWANI])[0]
    (record,) = ris([TAGGED])
    assert record["keywords"] == ["attention", "to-read"]


def test_csv_json_and_markdown_carry_the_tags() -> None:
    rows = list(csv.DictReader(io.StringIO(export([TAGGED, VASWANI], "csv"), newline="")))
    assert [row["tags"] for row in rows] == ["attention; to-read", ""]
    records = json.loads(export([TAGGED, VASWANI], "json"))
    assert [r["tags"] for r in records] == [["attention", "to-read"], []]
    assert list(records[0])[-1] == "tags"
    assert "Tags: attention, to-read\n" in export([TAGGED], "md")
    assert "Tags:" not in export([VASWANI], "md")


# --- the commands --------------------------------------------------------------------


@pytest.fixture
def small_library(db_path: Path) -> Path:
    from tests.conftest import SAMPLE_DUMPS

    ok(db_path, "import", str(sorted(SAMPLE_DUMPS.glob("*.txt"))[0]))
    return db_path


def test_tag_tags_and_list_json(small_library: Path) -> None:
    db = small_library
    assert ok(db, "tag", "1", "2", "ml").stdout == "Tagged 2 papers ml.\n"
    assert ok(db, "tag", "2", "3", "ML").stdout == "Tagged 1 paper ML (1 had it already).\n"
    assert ok(db, "tags").stdout == "     3  ml\n"
    assert json.loads(ok(db, "tags", "--format", "json").stdout) == [{"tag": "ml", "papers": 3}]
    assert {p["id"] for p in listed(db, "tag:ml")} == {1, 2, 3}
    assert {tuple(p["tags"]) for p in listed(db, "tag:ml")} == {("ml",)}  # type: ignore[arg-type]
    removed = ok(db, "tag", "--remove", "1", "4", "ml").stdout
    assert removed == "Took tag ml off 1 paper (1 did not have it).\n"
    exported = ok(db, "export", "--all", "--format", "bibtex", "tag:ml").stdout
    assert exported.count("keywords = {ml}") == 2


def test_tag_mistakes_are_one_line_and_change_nothing(small_library: Path) -> None:
    db = small_library
    one_line_error(run(db, "tag", "1", "to read"), "tag 'to read' has a space in it")
    one_line_error(run(db, "tag", "1", "99999", "ml"), "no paper with id 99999")
    one_line_error(run(db, "tag", "1", "--", "-x"), "tag '-x' starts with -")
    assert ok(db, "tags").stdout.startswith("No tags yet")
