"""The reader is chosen by what a file holds, never by its name; a copied page's text is
left to the text-dump parser exactly as before; and no bytes or JSON make a reader fail
with anything but one DumpError line."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from readlist.core.errors import DumpError
from readlist.core.ingest.formats import looks_structured, read_structured
from readlist.core.models import ParsedDump
from tests.conftest import FIXTURES, SAMPLE_DUMPS

STRUCTURED = [
    "hf_daily_papers.json",
    "hf_daily_papers.jsonl",
    "hf_daily_papers_page.html",
    "zotero.bib",
    "jabref.bib",
    "zotero.ris",
    "zotero_csl.json",
]
SAMPLES = sorted(SAMPLE_DUMPS.glob("*.txt"))


@pytest.mark.parametrize("dump", SAMPLES, ids=lambda p: p.name[:3])
def test_every_sample_dump_is_left_to_the_text_parser(dump: Path) -> None:
    data = dump.read_bytes()
    assert not looks_structured(data[: 64 << 10])
    assert read_structured(data, "dump.json") is None  # a .json holding a page's text


@pytest.mark.parametrize("name", STRUCTURED)
def test_a_structured_file_is_known_whatever_it_is_called(name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    assert looks_structured(data[: 64 << 10])
    as_named = read_structured(data, name)
    as_text = read_structured(data, "papers.txt")
    assert as_named is not None and as_text is not None
    assert as_text.papers == as_named.papers


@pytest.mark.parametrize("name", STRUCTURED)
def test_a_byte_order_mark_and_leading_blank_lines_change_nothing(name: str) -> None:
    data = (FIXTURES / name).read_bytes()
    plain = read_structured(data, name)
    assert plain is not None
    for variant in (codecs.BOM_UTF8 + data, b"\n\n  \r\n" + data):
        again = read_structured(variant, name)
        assert again is not None and again.papers == plain.papers
    utf16 = read_structured(data.decode("utf-8").encode("utf-16"), name)
    assert utf16 is not None and utf16.papers == plain.papers


@pytest.mark.parametrize(
    "text",
    [
        "[CLS] tokens and what they learn\n\nWe study the [CLS] token.",
        "{Braces} in a title, copied\n\nAn abstract.",
        "@karpathy said this paper is good\n\nAn abstract about @-mentions.",
        "TYPO - a paper about typos\n\nAn abstract.",
        "<b>bold</b> title copied from a page\n\nAn abstract.",
        "2025 was a year\n\nAn abstract.",
        "",
        "   \n",
    ],
)
def test_text_that_only_starts_like_a_format_is_left_to_the_text_parser(text: str) -> None:
    assert read_structured(text.encode(), "dump.txt") is None


def test_a_bibtex_file_may_open_with_lines_of_its_own() -> None:
    data = b"This file was created with JabRef 2.10.\nEncoding: UTF8\n\n@article{k, title={T}}\n"
    parsed = read_structured(data, "old.bib")
    assert parsed is not None and [p.title for p in parsed.papers] == ["T"]


def test_a_bibtex_file_may_open_with_a_long_comment_header() -> None:
    """A licence or thesis header of % lines, longer than the lines looked past."""
    header = "".join(f"% header line {n} of my thesis bibliography\n" for n in range(30))
    data = f"{header}\n@article{{k, title={{T}}}}\n".encode()
    parsed = read_structured(data, "thesis.bib")
    assert parsed is not None and [p.title for p in parsed.papers] == ["T"]


def test_a_page_saved_with_a_comment_first_is_a_page() -> None:
    data = b"<!-- saved from url=(0029)https://huggingface.co/papers -->\n<!DOCTYPE html><html>"
    with pytest.raises(DumpError, match="no Daily Papers are embedded"):
        read_structured(data, "saved.htm")


def test_json_after_a_head_of_64_kib_is_still_json() -> None:
    """A big API answer: looks_structured sees only its start, read_structured all."""
    item = {"paper": {"id": "2504.01234", "title": "T", "summary": "x" * 1000}}
    data = json.dumps([item] * 200).encode()
    assert len(data) > 64 << 10 and looks_structured(data[: 64 << 10])
    parsed = read_structured(data, "big.json")
    assert parsed is not None and len(parsed.papers) == 200


def _read_or_refuse(data: bytes) -> ParsedDump | None:
    try:
        return read_structured(data, "x")
    except DumpError as exc:
        assert str(exc).startswith("x: ") and "\n" not in str(exc)
        return None


PREFIXES = st.sampled_from(
    (
        b"",
        b"\xef\xbb\xbf",
        b"[",
        b"{",
        b'[{"paper": ',
        b'{"dailyPapers": ',
        b"@article{",
        b"@misc(k,",
        b"TY  - ",
        b"<!DOCTYPE html>",
        b"<html><div data-target='DailyPapers' data-props='",
    )
)
KEYS = [
    "paper",
    "title",
    "summary",
    "authors",
    "name",
    "id",
    "publishedAt",
    "upvotes",
    "numComments",
    "withdrawnAt",
    "type",
    "author",
    "issued",
    "date-parts",
    "family",
    "given",
    "literal",
    "DOI",
    "URL",
    "number",
    "dailyPapers",
    "x",
]


@settings(max_examples=300, deadline=None)
@given(PREFIXES, st.binary(max_size=300))
def test_no_bytes_make_a_reader_fail_but_with_one_line(prefix: bytes, tail: bytes) -> None:
    _read_or_refuse(prefix + tail)


@settings(max_examples=300, deadline=None)
@given(PREFIXES, st.text(max_size=300))
def test_no_text_makes_a_reader_fail_but_with_one_line(prefix: bytes, tail: str) -> None:
    _read_or_refuse(prefix + tail.encode("utf-8", "surrogatepass"))


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["2504.01234v2", "2025-04-01T00:00:00.000Z", "arXiv:2504.01234 [cs.CL]"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(KEYS),
            inner,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES, st.booleans())
def test_no_json_value_makes_a_reader_fail_but_with_one_line(value: object, lines: bool) -> None:
    if lines and isinstance(value, list):
        data = "\n".join(json.dumps(v) for v in value).encode()
    else:
        data = json.dumps(value).encode()
    parsed = _read_or_refuse(data)
    if parsed is not None:
        assert parsed.papers and all(p.title.strip() for p in parsed.papers)
