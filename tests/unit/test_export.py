"""Export: every format survives hostile text, stays valid when empty, streams, and files
are replaced atomically."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import stat
import tracemalloc
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.core.export import FORMATS, export_to_file, meta_record, write_export
from readlist.core.models import NO_META, Paper, PaperMeta

NASTY = [
    Paper(
        id=1,
        title="[CLS] Tokens",
        abstract='We study [CLS] tokens, "quoted", and commas.',
        first_seen="2026-03-14",
        last_seen="2026-03-20",
        times_seen=3,
        starred=True,
        note="-1",
    ),
    Paper(
        id=2,
        title="Q[x]",
        abstract="- starts like a list\n\n# and a heading\n\n1. and a number &amp; AT&T",
        first_seen="2025-12-31",
        last_seen="2026-01-02",
        times_seen=1,
        read=True,
        note="+cmd",
    ),
    Paper(
        id=3,
        title="Café & Co: 50% of #1 {braces} $x^2$ under_score ~tilde \\backslash",
        abstract="Line one\nline two, with `code` *stars* _under_ <div> | pipe",
        first_seen="2026-02-01",
        last_seen="2026-02-01",
        times_seen=2,
        read=True,
        starred=True,
        note='Notes 📝 with 漢字 and "quotes", commas\n\nsecond paragraph\n## not a heading\n```',
    ),
    Paper(
        id=4,
        title='=HYPERLINK("http://evil.example","click")',
        abstract="=1+1",
        first_seen="2026-03-01",
        last_seen="2026-03-02",
        times_seen=2,
        note="@SUM(A1:A2)",
    ),
    Paper(
        id=5,
        title="A lone { brace, a lone } and \\{ too",
        abstract="",
        first_seen="2026-03-03",
        last_seen="2026-03-03",
        times_seen=1,
    ),
    Paper(
        id=6,
        title="\tTabbed title",
        abstract="\rcarriage",
        first_seen="2026-03-04",
        last_seen="2026-03-05",
        times_seen=4,
        note="ok\r\nwindows line",
    ),
]


def export(papers: Iterable[Paper], fmt: str) -> str:
    out = io.StringIO(newline="")
    write_export(papers, fmt, out)
    return out.getvalue()


def paper(i: int, title: str = "Same Title", note: str = "") -> Paper:
    return Paper(i, title, f"Abstract {i}.", "2026-03-14", "2026-03-14", 1, note=note)


# --- shared ----------------------------------------------------------------------------


def test_formats_are_the_six_the_cli_offers() -> None:
    assert FORMATS == ("md", "csv", "json", "bibtex", "csl-json", "ris")


@pytest.mark.parametrize("fmt", FORMATS)
def test_returns_how_many_were_written(fmt: str) -> None:
    assert write_export(iter(NASTY), fmt, io.StringIO()) == len(NASTY)
    assert write_export([], fmt, io.StringIO()) == 0


def test_unknown_format_is_a_value_error_and_writes_nothing(tmp_path: Path) -> None:
    out = io.StringIO()
    with pytest.raises(ValueError, match="yaml"):
        write_export(NASTY, "yaml", out)
    assert out.getvalue() == ""
    with pytest.raises(ValueError):
        export_to_file(NASTY, "yaml", tmp_path / "x.yaml")
    assert list(tmp_path.iterdir()) == []


# --- csv -------------------------------------------------------------------------------

HEADER = ["id", "title", "abstract", "starred", "read", "note", "first_seen", "last_seen"]
HEADER += ["times_seen", "authors", "arxiv_id", "url", "tags"]


def guarded(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_round_trips_with_the_formula_guard() -> None:
    rows = csv_rows(export(NASTY, "csv"))
    assert rows[0] == HEADER
    expected = [
        [
            str(p.id),
            guarded(p.title),
            guarded(p.abstract),
            str(p.starred).lower(),
            str(p.read).lower(),
            guarded(p.note),
            p.first_seen,
            p.last_seen,
            str(p.times_seen),
            "",
            "",
            "",
            "",
        ]
        for p in NASTY
    ]
    assert rows[1:] == expected


def test_csv_guard_applies_exactly_where_a_spreadsheet_would_run_a_formula() -> None:
    by_id = {row[0]: row for row in csv_rows(export(NASTY, "csv"))[1:]}
    assert by_id["1"][1] == "[CLS] Tokens"
    assert by_id["1"][5] == "'-1"
    assert by_id["2"][5] == "'+cmd"
    assert by_id["2"][2].startswith("'- starts")
    assert by_id["3"][5].startswith("Notes 📝")
    assert by_id["4"][1] == "'" + NASTY[3].title
    assert by_id["4"][2] == "'=1+1"
    assert by_id["4"][5] == "'@SUM(A1:A2)"
    assert by_id["5"][5] == ""
    assert by_id["6"][1] == "'\tTabbed title"
    assert by_id["6"][2] == "'\rcarriage"
    # Numbers and dates are never guarded, even when they start with a minus sign.
    odd = Paper(-7, "t", "a", "2026-03-14", "2026-03-14", 1)
    assert csv_rows(export([odd], "csv"))[1][0] == "-7"


def test_csv_booleans_are_true_false_words() -> None:
    row = csv_rows(export([NASTY[0]], "csv"))[1]
    assert (row[3], row[4]) == ("true", "false")


def test_csv_empty_is_only_the_header() -> None:
    assert csv_rows(export([], "csv")) == [HEADER]


def test_csv_file_has_crlf_rows_and_keeps_newlines_in_cells(tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    export_to_file(NASTY, "csv", target)
    raw = target.read_bytes()
    assert b"\r\r\n" not in raw
    assert raw.startswith(
        b"id,title,abstract,starred,read,note,first_seen,last_seen,times_seen,"
        b"authors,arxiv_id,url,tags\r\n"
    )
    with target.open(encoding="utf-8", newline="") as f:
        assert list(csv.reader(f)) == csv_rows(export(NASTY, "csv"))


# --- json ------------------------------------------------------------------------------


def json_fields(paper: Paper) -> dict[str, object]:
    """The paper's fields, its identity's flat (none here: all null)."""
    assert paper.meta == NO_META
    record = dataclasses.asdict(paper)
    record.pop("meta")
    tags = list(record.pop("tags"))
    return record | meta_record(NO_META) | {"tags": tags}


def test_json_round_trips_exactly() -> None:
    text = export(NASTY, "json")
    assert json.loads(text) == [json_fields(p) for p in NASTY]
    assert "漢字" in text  # kept as UTF-8, not \u escapes


def test_json_keys_are_in_the_documented_order() -> None:
    record = json.loads(export([NASTY[0]], "json"))[0]
    assert list(record) == [
        "id",
        "title",
        "abstract",
        "read",
        "starred",
        "note",
        "first_seen",
        "last_seen",
        "times_seen",
        "arxiv_id",
        "version",
        "authors",
        "published",
        "upvotes",
        "comments",
        "withdrawn",
        "doi",
        "arxiv_url",
        "hf_url",
        "github",
        "project_page",
        "url",
        "tags",
    ]


def test_json_empty_is_an_empty_array() -> None:
    assert json.loads(export([], "json")) == []


# BibTeX, CSL-JSON and RIS: test_export_bibtex.py, test_export_keys.py and
# test_export_csl_ris.py.


# --- md --------------------------------------------------------------------------------


def test_md_has_every_paper_title_mark_and_note() -> None:
    text = export(NASTY, "md")
    lines = text.splitlines()
    assert lines[0] == "# Reading list"
    assert lines[-1] == "_6 papers._"
    assert r"## \[CLS\] Tokens" in lines
    assert r"## Q\[x\]" in lines
    assert sum(line.startswith("## ") for line in lines) == len(NASTY)
    assert (
        "id 1 · ★ starred · unread · first seen 2026-03-14 · last seen 2026-03-20 · seen 3 times"
        in (lines)
    )
    assert "id 2 · read · first seen 2025-12-31 · last seen 2026-01-02 · seen 1 time" in lines
    for p in NASTY:
        for note_line in p.note.splitlines():
            assert f"> {note_line}".rstrip() in lines
    assert r"\- starts like a list" in lines
    assert r"\# and a heading" in lines
    assert r"1\. and a number \&amp; AT&T" in lines
    assert r"Line one line two, with \`code\` \*stars\* \_under\_ \<div\> \| pipe" in lines


def test_md_empty_says_no_papers() -> None:
    assert export([], "md") == "# Reading list\n\n_No papers._\n"
    assert export([paper(1)], "md").endswith("\n_1 paper._\n")


def blocks(text: str) -> list[tuple[str, str]]:
    """(tag, text as a reader sees it) for each top-level block of a CommonMark rendering.

    markdown-it-py comes with textual; the tests skip rather than fail without it."""
    markdown_it = pytest.importorskip("markdown_it")
    tokens = markdown_it.MarkdownIt("commonmark").parse(text)
    found = []
    for i, tok in enumerate(tokens):
        if tok.level == 0 and tok.nesting >= 0:
            inline = tokens[i + 1] if tokens[i + 1 :] and tokens[i + 1].type == "inline" else None
            shown_text = "".join(c.content for c in inline.children or []) if inline else ""
            found.append((tok.tag or tok.type, shown_text))
    return found


def headings(text: str) -> list[tuple[str, str]]:
    return [(tag, shown_text) for tag, shown_text in blocks(text) if tag in ("h1", "h2")]


def shown(title: str) -> str:
    return " ".join(title.split()) or "(untitled)"


def test_md_renders_one_heading_per_paper_with_the_literal_title() -> None:
    text = export(NASTY, "md")
    assert headings(text) == [("h1", "Reading list")] + [("h2", shown(p.title)) for p in NASTY]
    assert {tag for tag, _ in blocks(text)} == {"h1", "h2", "p", "blockquote"}


def test_md_paper_layout() -> None:
    p = Paper(1, "T", "One *two*\n\nThree", "2026-03-14", "2026-03-15", 2, note="x\n\n- y")
    assert [tag for tag, _ in blocks(export([p], "md"))] == [
        "h1",
        "h2",
        "p",  # marks
        "p",  # abstract, first paragraph
        "p",  # abstract, second paragraph
        "p",  # "Note:"
        "blockquote",
        "p",  # count
    ]
    assert blocks(export([p], "md"))[3] == ("p", "One *two*")


@settings(max_examples=300)
@given(st.text(st.characters(exclude_characters="\x00")), st.text(), st.text())
def test_md_structure_survives_any_text(title: str, abstract: str, note: str) -> None:
    p = Paper(1, title, abstract, "2026-03-14", "2026-03-14", 1, note=note)
    text = export([p, p], "md")
    assert headings(text) == [("h1", "Reading list"), ("h2", shown(title)), ("h2", shown(title))]
    assert {tag for tag, _ in blocks(text)} <= {"h1", "h2", "p", "blockquote"}
    assert text.endswith("\n_2 papers._\n")


# --- identity: links and authors ---------------------------------------------------------

CITED = Paper(
    21,
    "Attention Is All You Need",
    "The Transformer.",
    "2026-03-14",
    "2026-03-14",
    1,
    meta=PaperMeta(
        arxiv_id="1706.03762", authors=("Ashish Vaswani", "Noam *Shazeer*"), published="2017"
    ),
)


def links(text: str) -> list[tuple[str, str]]:
    """(href, shown text) of every link a CommonMark renderer makes."""
    markdown_it = pytest.importorskip("markdown_it")
    found = []
    for token in markdown_it.MarkdownIt("commonmark").parse(text):
        children = token.children or []
        for i, child in enumerate(children):
            if child.type == "link_open":
                shown_text = "".join(c.content for c in children[i + 1 :] if c.type == "text")
                found.append((str(child.attrs["href"]), shown_text))
    return found


def test_md_links_the_title_to_its_page_and_names_the_authors() -> None:
    text = export([CITED], "md")
    assert links(text) == [("https://arxiv.org/abs/1706.03762", "Attention Is All You Need")]
    assert headings(text)[1] == ("h2", "Attention Is All You Need")
    assert blocks(text)[2] == ("p", "Ashish Vaswani, Noam *Shazeer*")


def test_md_links_only_web_pages_and_keeps_hostile_urls_inside_the_link() -> None:
    evil = dataclasses.replace(CITED.meta, arxiv_id=None, url="javascript:alert(1)")
    assert links(export([dataclasses.replace(CITED, meta=evil)], "md")) == []
    odd = dataclasses.replace(CITED.meta, arxiv_id=None, url="https://x.example/a b>(c)\n# h")
    text = export([dataclasses.replace(CITED, meta=odd)], "md")
    ((href, shown_text),) = links(text)
    assert href.startswith("https://x.example/a%20b%3E") and "\n" not in href
    assert shown_text == CITED.title
    assert [tag for tag, _ in headings(text)] == ["h1", "h2"]


@settings(max_examples=200)
@given(
    st.text(st.characters(exclude_characters="\x00")), st.lists(st.text(), max_size=3), st.text()
)
def test_md_structure_survives_any_authors_and_url(
    title: str, authors: list[str], tail: str
) -> None:
    meta = PaperMeta(authors=tuple(authors), url="https://x.example/" + tail)
    p = Paper(1, title, "a", "2026-03-14", "2026-03-14", 1, meta=meta)
    text = export([p, p], "md")
    assert headings(text) == [("h1", "Reading list"), ("h2", shown(title)), ("h2", shown(title))]
    assert {tag for tag, _ in blocks(text)} <= {"h1", "h2", "p", "blockquote"}
    assert [shown_text for _, shown_text in links(text)] == [shown(title)] * 2


def test_csv_gains_authors_arxiv_id_and_url_at_the_end() -> None:
    rows = csv_rows(export([CITED, NASTY[0]], "csv"))
    assert rows[0][:9] == HEADER[:9] and rows[0][9:12] == ["authors", "arxiv_id", "url"]
    assert rows[1][9:12] == [
        "Ashish Vaswani; Noam *Shazeer*",
        "1706.03762",
        "https://arxiv.org/abs/1706.03762",
    ]
    assert rows[2][9:12] == ["", "", ""]
    guarded_author = dataclasses.replace(CITED.meta, authors=("=cmd()",))
    row = csv_rows(export([dataclasses.replace(CITED, meta=guarded_author)], "csv"))[1]
    assert row[9] == "'=cmd()"


# --- every format on arbitrary text ------------------------------------------------------

papers_strategy = st.lists(
    st.builds(
        Paper,
        id=st.integers(min_value=1, max_value=10**9),
        title=st.text(),
        abstract=st.text(),
        first_seen=st.dates().map(lambda d: d.isoformat()),
        last_seen=st.dates().map(lambda d: d.isoformat()),
        times_seen=st.integers(min_value=1, max_value=1000),
        read=st.booleans(),
        starred=st.booleans(),
        note=st.text(),
    ),
    max_size=5,
    unique_by=lambda p: p.id,
)


@settings(max_examples=150)
@given(papers_strategy)
def test_json_and_csv_round_trip_any_text(papers: list[Paper]) -> None:
    assert json.loads(export(papers, "json")) == [json_fields(p) for p in papers]
    rows = csv_rows(export(papers, "csv"))
    assert rows[0] == HEADER
    assert [(row[0], row[1], row[5]) for row in rows[1:]] == [
        (str(p.id), guarded(p.title), guarded(p.note)) for p in papers
    ]


# --- streaming -------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_papers_are_written_before_the_next_is_pulled(fmt: str) -> None:
    out = io.StringIO()
    papers = [paper(i, title=f"Streamed{i}") for i in range(5)]

    def source() -> Iterator[Paper]:
        for i, p in enumerate(papers):
            if i:
                assert f"Streamed{i - 1}" in out.getvalue(), "buffered instead of streamed"
            yield p

    assert write_export(source(), fmt, out) == 5


class DiscardingSink(io.StringIO):
    def write(self, s: str) -> int:
        return len(s)


@pytest.mark.parametrize("fmt", FORMATS)
def test_memory_does_not_grow_with_the_export(fmt: str) -> None:
    big = "x" * 2000

    def source() -> Iterator[Paper]:
        for i in range(3000):  # about 6 MB of output
            yield Paper(i + 1, f"Title {i}", big, "2026-03-14", "2026-03-14", 1, note=big)

    tracemalloc.start()
    try:
        write_export(source(), fmt, DiscardingSink())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 500_000


# --- export_to_file --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_export_to_file_writes_utf8(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / f"list.{fmt}"
    assert export_to_file(NASTY, fmt, target) == len(NASTY)
    with target.open(encoding="utf-8", newline="" if fmt == "csv" else None) as f:
        assert f.read() == export(NASTY, fmt)
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def failing_after(count: int) -> Iterator[Paper]:
    yield from NASTY[:count]
    raise RuntimeError("source broke mid-export")


@pytest.mark.parametrize("fmt", FORMATS)
def test_failed_export_leaves_the_old_file_and_no_temp(fmt: str, tmp_path: Path) -> None:
    target = tmp_path / "list.out"
    target.write_bytes(b"previous export\n")
    with pytest.raises(RuntimeError, match="mid-export"):
        export_to_file(failing_after(2), fmt, target)
    assert target.read_bytes() == b"previous export\n"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_failed_first_export_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError):
        export_to_file(failing_after(2), "md", tmp_path / "new.md")
    assert list(tmp_path.iterdir()) == []


def test_replacing_keeps_the_old_file_permissions(tmp_path: Path) -> None:
    target = tmp_path / "list.md"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o644)
    export_to_file(NASTY, "md", target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert target.read_text(encoding="utf-8").startswith("# Reading list")
