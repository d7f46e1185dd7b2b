"""CSL-JSON validated strictly against the official schema (tests/fixtures/csl-data.json,
with its licence beside it) and RIS read by rispy: the fields Zotero imports, for any text."""

from __future__ import annotations

import io
import json
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import jsonschema
import pytest
import rispy
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.core.export import format_of, write_export
from readlist.core.models import Paper, PaperMeta
from tests.conftest import SAMPLE_DUMPS
from tests.unit.test_cli import ok, one_line_error, run

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "csl-data.json").read_text(encoding="utf-8")
)
VALIDATOR = jsonschema.Draft7Validator(SCHEMA, format_checker=jsonschema.FormatChecker())

VASWANI = Paper(
    7,
    "Attention Is All You Need",
    "The dominant sequence transduction models.",
    "2026-03-14",
    "2026-03-20",
    2,
    note="read §3\nthen the appendix",
    meta=PaperMeta(
        arxiv_id="1706.03762",
        version=7,
        authors=("Ashish Vaswani", "Noam Shazeer", "Martin Luther King Jr.", "Plato"),
        published="2017-06-12",
        primary_class="cs.CL",
    ),
)
NATURE = Paper(
    8,
    "Deep learning",
    "",
    "2026-03-14",
    "2026-03-14",
    1,
    meta=PaperMeta(authors=("Yann LeCun",), published="2015-05", doi="10.1038/nature14539"),
)
BARE = Paper(9, "Only a title {and} 50%", "An abstract.", "2026-03-14", "2026-03-14", 1)


def one_line(text: str) -> str:
    """A title as a one-line field holds it: control characters and whitespace runs are
    one space."""
    return " ".join("".join(" " if unicodedata.category(c) == "Cc" else c for c in text).split())


def export(papers: Iterable[Paper], fmt: str) -> str:
    out = io.StringIO()
    write_export(list(papers), fmt, out)
    return out.getvalue()


def csl(papers: Iterable[Paper]) -> list[dict[str, object]]:
    text = export(papers, "csl-json")
    items = json.loads(text)
    VALIDATOR.validate(items)
    return items  # type: ignore[no-any-return]


def ris(papers: Iterable[Paper]) -> list[dict[str, object]]:
    return rispy.loads(export(papers, "ris"))  # type: ignore[no-any-return]


# --- CSL-JSON --------------------------------------------------------------------------


def test_the_schema_is_strict() -> None:
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate([{"id": "x", "type": "article", "howpublished": "no such field"}])
    with pytest.raises(jsonschema.ValidationError):
        VALIDATOR.validate([{"id": "x", "type": "preprint"}])


def test_an_arxiv_paper_is_what_zotero_writes_for_a_preprint() -> None:
    (item,) = csl([VASWANI])
    assert item == {
        "id": "vaswani2017attention",
        "citation-key": "vaswani2017attention",
        "type": "article",
        "title": "Attention Is All You Need",
        "author": [
            {"family": "Vaswani", "given": "Ashish"},
            {"family": "Shazeer", "given": "Noam"},
            {"family": "King", "given": "Martin Luther", "suffix": "Jr."},
            {"literal": "Plato"},
        ],
        "issued": {"date-parts": [[2017, 6, 12]]},
        "abstract": "The dominant sequence transduction models.",
        "number": "arXiv:1706.03762",
        "publisher": "arXiv",
        "URL": "https://arxiv.org/abs/1706.03762",
        "note": "read §3\nthen the appendix",
    }


def test_a_doi_paper_and_a_bare_one_invent_nothing() -> None:
    nature, bare = csl([NATURE, BARE])
    assert nature["DOI"] == "10.1038/nature14539"
    assert nature["URL"] == "https://doi.org/10.1038/nature14539"
    assert nature["issued"] == {"date-parts": [[2015, 5]]}
    assert "number" not in nature and "publisher" not in nature
    assert set(bare) == {"id", "citation-key", "type", "title", "abstract"}
    assert bare["title"] == "Only a title {and} 50%"


def test_csl_json_empty_is_an_empty_array() -> None:
    assert csl([]) == []


# --- RIS -------------------------------------------------------------------------------


def test_an_arxiv_paper_as_ris() -> None:
    text = export([VASWANI], "ris")
    assert text == (
        "TY  - UNPB\n"
        "ID  - vaswani2017attention\n"
        "TI  - Attention Is All You Need\n"
        "AU  - Vaswani, Ashish\n"
        "AU  - Shazeer, Noam\n"
        "AU  - King, Martin Luther, Jr.\n"
        "AU  - Plato\n"
        "PY  - 2017\n"
        "DA  - 2017/06/12\n"
        "AB  - The dominant sequence transduction models.\n"
        "PB  - arXiv\n"
        "AN  - arXiv:1706.03762\n"
        "UR  - https://arxiv.org/abs/1706.03762\n"
        "N1  - read §3 then the appendix\n"
        "ER  - \n\n"
    )
    (record,) = rispy.loads(text)
    assert record["type_of_reference"] == "UNPB"
    assert record["authors"][0] == "Vaswani, Ashish"
    assert record["notes"] == ["read §3 then the appendix"]


def test_a_doi_paper_and_a_bare_one_as_ris() -> None:
    nature, bare = ris([NATURE, BARE])
    assert nature["type_of_reference"] == "GEN"
    assert nature["doi"] == "10.1038/nature14539"
    assert nature["urls"] == ["https://doi.org/10.1038/nature14539"]
    assert (nature["year"], nature["date"]) == ("2015", "2015/05/")
    assert set(bare) == {"type_of_reference", "id", "title", "abstract"}


def test_a_note_that_looks_like_ris_stays_inside_its_record() -> None:
    sneaky = Paper(1, "T", "A", "2026-03-14", "2026-03-14", 1, note="x\nER  - \nTY  - JOUR\n")
    (record,) = ris([sneaky])
    assert record["notes"] == ["x ER - TY - JOUR"]


# --- any text --------------------------------------------------------------------------

papers_strategy = st.lists(
    st.builds(
        Paper,
        id=st.integers(1, 10**6),
        title=st.text(),
        abstract=st.text(),
        first_seen=st.just("2026-03-14"),
        last_seen=st.just("2026-03-14"),
        times_seen=st.just(1),
        note=st.text(),
        meta=st.builds(
            PaperMeta,
            arxiv_id=st.none() | st.from_regex(r"\d{4}\.\d{5}", fullmatch=True),
            authors=st.lists(st.text(), max_size=3).map(tuple),
            published=st.none() | st.dates().map(lambda d: d.isoformat()),
            doi=st.none() | st.text(min_size=1),
        ),
    ),
    max_size=4,
)


@settings(max_examples=200, deadline=None)
@given(papers_strategy)
def test_any_papers_are_valid_csl_json_with_their_text(papers: list[Paper]) -> None:
    items = csl(papers)
    assert len(items) == len(papers)
    assert len({item["id"] for item in items}) == len(items)
    for p, item in zip(papers, items, strict=True):
        assert item.get("title", "") == one_line(p.title)
        assert item.get("note", "") == (p.note if p.note.strip() else "")


@settings(max_examples=200, deadline=None)
@given(papers_strategy)
def test_any_papers_are_one_ris_record_each(papers: list[Paper]) -> None:
    records = ris(papers)
    assert len(records) == len(papers)
    assert len({r["id"] for r in records}) == len(records)
    for p, record in zip(papers, records, strict=True):
        assert record["type_of_reference"] == ("UNPB" if p.meta.arxiv_id else "GEN")
        assert record.get("title", "") == one_line(p.title)
        assert record.get("notes", [""]) == [one_line(p.note)]


# --- the export command ------------------------------------------------------------------


def test_format_of_knows_ris_and_the_two_part_csl_json_suffix() -> None:
    assert format_of("refs.ris") == "ris"
    assert format_of("refs.RIS") == "ris"
    assert format_of("refs.csl.json") == "csl-json"
    assert format_of("refs.json") == "json"
    assert format_of(".csl.json") == "json"  # a hidden file named "csl", not a suffix
    assert format_of("refs.enw") is None


def test_the_export_command_writes_csl_json_and_ris(db_path: Path, tmp_path: Path) -> None:
    ok(db_path, "import", str(SAMPLE_DUMPS))
    ok(db_path, "mark", "1", "2", "3", "--star")
    ok(db_path, "note", "2", "my note \x1b[2J")
    items = json.loads(ok(db_path, "export", "--format", "csl-json").stdout)
    VALIDATOR.validate(items)
    assert len(items) == 3
    assert [i.get("note") for i in items].count("my note \x1b[2J") == 1  # escaped, kept
    ok(db_path, "export", "-o", str(tmp_path / "refs.csl.json"))
    assert json.loads((tmp_path / "refs.csl.json").read_text(encoding="utf-8")) == items
    ok(db_path, "export", "-o", str(tmp_path / "refs.ris"))
    records = rispy.loads((tmp_path / "refs.ris").read_text(encoding="utf-8"))
    assert [r["id"] for r in records] == [i["id"] for i in items]
    bib = ok(db_path, "export", "--format", "bibtex").stdout
    assert [e for e in re.findall(r"^@misc\{([^,]+),", bib, re.M)] == [i["id"] for i in items]
    one_line_error(run(db_path, "export", "-o", str(tmp_path / "x.enw")), ".ris", ".csl.json")
