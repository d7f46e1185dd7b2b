"""Hugging Face Daily Papers in: the API's JSON, the same items as JSON Lines, and a page
saved as HTML, read through the one front door (`read_structured`) from the fixtures."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from readlist.core.errors import DumpError
from readlist.core.ingest.decode import decode_dump
from readlist.core.ingest.formats import read_structured
from readlist.core.ingest.parse import parse_dump
from readlist.core.models import PaperMeta, ParsedDump
from tests.conftest import DUALFORMER, DUALFORMER_AUTHORS, FIXTURES, SAMPLE_DUMPS

GETTING_UP = "Learning Getting-Up Policies for Real-World Humanoid Robots"

# What each paper of tests/fixtures/hf_daily_papers.json carries besides its record:
# (title, listed_on, meta).
EXPECTED = [
    (
        DUALFORMER,
        "2024-10-15",
        PaperMeta(
            arxiv_id="2410.09918",
            authors=DUALFORMER_AUTHORS,
            published="2024-10-13",
            upvotes=42,
            comments=3,
            github="https://github.com/facebookresearch/dualformer",
            project_page="https://dualformer.github.io",
        ),
    ),
    (
        GETTING_UP,
        "2025-02-18",
        PaperMeta(
            arxiv_id="2502.12152",
            version=2,
            authors=("Xialin He", "Runpei Dong", "Zixuan Chen", "Saurabh Gupta"),
            published="2025-02-17",
            upvotes=37,
            comments=1,
            project_page="https://humanoid-getup.github.io/",
        ),
    ),
    (
        "Équivariant Flows for Multilingual Speech: Beyond ASCII",
        "2025-03-07",
        PaperMeta(
            arxiv_id="2503.04567",
            authors=("Jörg Müller", "Zoë Ångström", "李明", "José Álvarez-Núñez"),
            published="2025-03-06",
            upvotes=5,
            comments=0,
        ),
    ),
    (
        "A Result That Did Not Hold",
        "2025-03-04",
        PaperMeta(
            arxiv_id="2503.01111",
            authors=("Alex Withdrawn",),
            published="2025-03-03",
            upvotes=2,
            comments=4,
            withdrawn="2025-03-20",
        ),
    ),
    ("A Paper Listed With Only Its Title", None, PaperMeta()),
    (
        "The Paper's Own Title",
        "2025-01-02",
        PaperMeta(arxiv_id="2501.00042", version=1, upvotes=0, comments=0),
    ),
]


def read(name: str) -> ParsedDump:
    parsed = read_structured((FIXTURES / name).read_bytes(), name)
    assert parsed is not None
    return parsed


def without_record(meta: PaperMeta | None) -> PaperMeta:
    assert meta is not None
    return dataclasses.replace(meta, record=None)


def refused(data: bytes, source: str = "papers.json") -> str:
    with pytest.raises(DumpError) as caught:
        read_structured(data, source)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{source}: ")
    return message


@pytest.mark.parametrize("name", ["hf_daily_papers.json", "hf_daily_papers.jsonl"])
def test_every_field_of_the_api_items_is_read(name: str) -> None:
    parsed = read(name)
    got = [(p.title, p.listed_on, without_record(p.meta)) for p in parsed.papers]
    assert got == EXPECTED
    assert parsed.skipped == ("item 7: no title",)


def _put_back(record: dict[str, Any], title: str, abstract: str, like: dict[str, Any]) -> None:
    """The title and summary the record leaves out, where the item had them."""
    for key, text in (("title", title), ("summary", abstract)):
        if key in like and key not in record:
            record[key] = text


@pytest.mark.parametrize("name", ["hf_daily_papers.json", "hf_daily_papers.jsonl"])
def test_the_record_is_the_whole_item_less_the_text_the_paper_keeps(name: str) -> None:
    items = json.loads((FIXTURES / "hf_daily_papers.json").read_text(encoding="utf-8"))
    papers = [p for p in read(name).papers if p.meta]
    assert len(papers) == 6
    for paper, item in zip(papers, items, strict=False):
        assert paper.meta is not None and paper.meta.record is not None
        record = json.loads(paper.meta.record)
        assert "summary" not in record or record["summary"] != paper.abstract
        _put_back(record, paper.title, paper.abstract, item)
        if isinstance(item.get("paper"), dict):
            _put_back(record["paper"], paper.title, paper.abstract, item["paper"])
        tidied = json.loads(json.dumps(item))
        for where in (tidied, tidied.get("paper")):
            for key in ("title", "summary"):
                if isinstance(where, dict) and isinstance(where.get(key), str):
                    where[key] = " ".join(where[key].split())
        assert record == tidied  # every other field, as the item gave it
    assert "ai_keywords" in papers[0].meta.record and "submittedBy" in papers[0].meta.record


def test_the_papers_title_and_summary_win_over_the_items() -> None:
    paper = read("hf_daily_papers.json").papers[5]
    assert (paper.title, paper.abstract) == ("The Paper's Own Title", "The paper's own summary.")


def test_a_summary_wrapped_in_lines_is_one_paragraph() -> None:
    paper = read("hf_daily_papers.json").papers[2]
    assert paper.abstract == (
        "We show that flows with x < y & z > w keep their guarantees. "
        "Code at https://example.org/flows."
    )


def test_two_listings_match_a_papers_title_and_abstract_in_a_text_dump() -> None:
    """The lead's merge test relies on it: the JSON lists two papers of dump 000 word
    for word, so the one paper they make gains an id and authors."""
    dump = SAMPLE_DUMPS / "000_1fcb70e74d98b500.txt"
    text_papers = {
        p.title: p.abstract for p in parse_dump(decode_dump(dump.read_bytes(), "d")).papers
    }
    listed = {p.title: p.abstract for p in read("hf_daily_papers.json").papers}
    for title in (DUALFORMER, GETTING_UP):
        assert listed[title] == text_papers[title]


def test_a_saved_page_gives_the_items_it_embeds() -> None:
    parsed = read("hf_daily_papers_page.html")
    got = [(p.title, p.listed_on, without_record(p.meta)) for p in parsed.papers]
    assert got == EXPECTED[:4]
    assert parsed.skipped == ()
    # The props were HTML-escaped in the page: "<" and "&" come back as themselves.
    assert parsed.papers[2].abstract.startswith("We show that flows with x < y & z > w")


def test_a_page_takes_its_date_for_items_that_give_none() -> None:
    props = {
        "dailyPapers": [{"paper": {"id": "2504.00001", "title": "T"}}],
        "dateString": "2025-04-02",
    }
    page = (
        "<!DOCTYPE html><html><body>"
        f"<div data-target='DailyPapers' data-props='{json.dumps(props)}'></div>"
    )
    parsed = read_structured(page.encode(), "p.html")
    assert parsed is not None and parsed.papers[0].listed_on == "2025-04-02"


def test_a_bare_paper_object_imports_without_a_listing_day() -> None:
    """What `/api/papers/ID` returns: the paper itself, whose publishedAt is its own."""
    data = json.dumps(
        {"id": "2504.01234v1", "title": "T", "summary": "S.", "publishedAt": "2025-04-01T00:00:00Z"}
    )
    parsed = read_structured(data.encode(), "paper.json")
    assert parsed is not None
    (paper,) = parsed.papers
    assert (paper.listed_on, paper.meta and paper.meta.published) == (None, "2025-04-01")
    assert paper.meta and (paper.meta.arxiv_id, paper.meta.version) == ("2504.01234", 1)


def test_malformed_json_says_where() -> None:
    message = refused(b'[{"paper": {"id": "2504.01234"},\n  "title": }]')
    assert message == "papers.json: not valid JSON (Expecting value at line 2, column 12)"


def test_a_bad_json_line_is_named() -> None:
    data = b'{"title": "A"}\n{"title": "B"}\n{"title": \n'
    message = refused(data, "feed.jsonl")
    assert message == (
        "feed.jsonl: JSON Lines, but line 3 is not valid JSON (Expecting value at column 11)"
    )


@pytest.mark.parametrize("data", [b'{"name": "x"}', b"[1, 2, 3]", b'"a string"', b'[{"a": 1}]'])
def test_json_of_neither_shape_is_refused(data: bytes) -> None:
    assert "neither Hugging Face Daily Papers" in refused(data)


def test_an_empty_list_is_refused() -> None:
    assert refused(b"[]\n") == "papers.json: JSON with no papers in it (an empty list)"


def test_items_none_of_which_has_a_title_are_refused() -> None:
    message = refused(b'[{"paper": {"id": "2504.01234"}}, {"numComments": 2}]')
    assert message == (
        "papers.json: Hugging Face Daily Papers JSON with no papers in it "
        "(2 items, none with a title)"
    )


def test_a_page_without_daily_papers_gets_one_clear_line() -> None:
    page = b"<!DOCTYPE html>\n<html><head><title>Models</title></head><body><p>Hi</p></body></html>"
    assert refused(page, "page.html") == (
        "page.html: a web page, but no Daily Papers are embedded in it (save the page "
        "huggingface.co/papers shows, or use readlist fetch)"
    )


def test_a_page_whose_embedded_papers_are_broken_says_so() -> None:
    page = b'<html><div data-target="DailyPapers" data-props="{&quot;dailyPapers&quot;: ["></div>'
    assert "the Daily Papers this page embeds are not valid JSON" in refused(page, "page.html")


def test_a_page_with_an_empty_list_of_papers_is_refused() -> None:
    page = b'<html><div data-target="DailyPapers" data-props="{&quot;dailyPapers&quot;: []}"></div>'
    assert refused(page, "page.html") == "page.html: a Daily Papers page with no papers in it"
