"""Hugging Face Daily Papers as JSON: what `GET https://huggingface.co/api/daily_papers`
returns (an array of items), the same items as JSON Lines, or the object a saved page
embeds (`{"dailyPapers": [...]}`). CSL-JSON is JSON too: the items' keys tell it apart.

An item is `{"paper": {"id", "title", "summary", "authors": [{"name"}], "publishedAt",
"upvotes", "githubRepo", "projectPage", "withdrawnAt", ...}, "publishedAt", "numComments",
"title", "summary", ...}` (huggingface_hub's `list_daily_papers` documents it). Every field
is optional: the paper's title and summary win over the item's, and the item's own
`publishedAt` is the day it was listed. The item is kept as the listing's record, less
the title and summary the paper keeps.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence
from typing import Literal

from readlist.core.errors import DumpError
from readlist.core.ingest.formats import csl
from readlist.core.ingest.formats.fields import (
    as_int,
    bare_arxiv_id,
    day_of,
    finish,
    record_json,
    tidy,
    tidy_or_none,
)
from readlist.core.models import PaperMeta, ParsedDump, ParsedPaper

__all__ = ["hf_dump", "read_json"]

_HF_KEYS = frozenset(
    {"paper", "numComments", "submittedBy", "summary", "upvotes", "publishedAt", "githubRepo"}
)
_CSL_KEYS = frozenset({"issued", "container-title", "DOI", "URL", "author", "abstract"})
_NEITHER = (
    "JSON, but neither Hugging Face Daily Papers (items with a paper) nor CSL-JSON "
    "(items with a type and a title)"
)


def read_json(text: str, source: str) -> ParsedDump:
    """The papers of a JSON or JSON Lines file: Hugging Face items or CSL-JSON."""
    kind, items = _items(_load(text, source), source)
    if kind == "csl":
        return csl.csl_dump(items, source)
    return hf_dump(items, source)


def hf_dump(items: Sequence[object], source: str, listed_on: str | None = None) -> ParsedDump:
    """Hugging Face items as papers; `listed_on` is the day for items that give none."""
    papers: list[ParsedPaper] = []
    skipped: list[str] = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            skipped.append(f"item {number}: not an object")
        elif (paper := _paper(item, listed_on)) is None:
            skipped.append(f"item {number}: no title")
        else:
            papers.append(paper)
    return finish(papers, skipped, source, "Hugging Face Daily Papers JSON", ("item", "items"))


def _paper(item: dict[str, object], listed_on: str | None) -> ParsedPaper | None:
    inner = item.get("paper")
    if isinstance(inner, dict):
        paper: dict[str, object] = inner
        listed_on = day_of(item.get("publishedAt")) or listed_on
    elif "paper" not in item and ("authors" in item or "id" in item):
        paper = item  # a bare paper (`/api/papers/ID`): its publishedAt is no listing day
    else:
        paper = {}
        listed_on = day_of(item.get("publishedAt")) or listed_on
    title = tidy(paper.get("title")) or tidy(item.get("title"))
    if not title:
        return None
    found = bare_arxiv_id(paper.get("id"))
    meta = PaperMeta(
        arxiv_id=found[0] if found else None,
        version=found[1] if found else None,
        authors=_authors(paper.get("authors")),
        published=day_of(paper.get("publishedAt")),
        upvotes=as_int(paper.get("upvotes")),
        comments=as_int(item.get("numComments")),
        github=tidy_or_none(paper.get("githubRepo")),
        project_page=tidy_or_none(paper.get("projectPage")),
        withdrawn=day_of(paper.get("withdrawnAt")),
    )
    abstract = tidy(paper.get("summary")) or tidy(item.get("summary"))
    kept = dataclasses.replace(meta, record=record_json(_slim(item, paper, title, abstract)))
    return ParsedPaper(title, abstract, meta=kept, listed_on=listed_on)


def _slim(
    item: dict[str, object], paper: dict[str, object], title: str, abstract: str
) -> dict[str, object]:
    """The item less the title and summary readlist keeps anyway (the paper's, or the
    listing's own where it differs): an item carries its summary twice, and the record
    is kept with every listing."""
    kept_text = {"title": title, "summary": abstract}

    def without_text(value: dict[str, object]) -> dict[str, object]:
        return {
            k: v
            for k, v in value.items()
            if not (k in kept_text and isinstance(v, str) and tidy(v) == kept_text[k])
        }

    slim = without_text(item)
    if paper is not item and isinstance(item.get("paper"), dict):
        slim["paper"] = without_text(paper)
    return slim


def _authors(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    names = (tidy(a.get("name")) if isinstance(a, dict) else tidy(a) for a in value)
    return tuple(name for name in names if name)


def _load(text: str, source: str) -> object:
    """The JSON value of `text`, or the list of a JSON Lines file's values."""
    text = text.lstrip("\ufeff")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        if exc.msg == "Extra data" and text.lstrip().startswith("{"):
            return _load_lines(text, source)
        raise DumpError(
            f"{source}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None
    except RecursionError:
        raise DumpError(f"{source}: JSON nested too deeply to read") from None


def _load_lines(text: str, source: str) -> list[object]:
    values: list[object] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            values.append(json.loads(line))
        except json.JSONDecodeError as exc:
            raise DumpError(
                f"{source}: JSON Lines, but line {number} is not valid JSON "
                f"({exc.msg} at column {exc.colno})"
            ) from None
        except RecursionError:
            raise DumpError(f"{source}: line {number} is JSON nested too deeply") from None
    return values


def _items(value: object, source: str) -> tuple[Literal["hf", "csl"], list[object]]:
    """Which shape a JSON value is in, and its items."""
    if isinstance(value, dict):
        embedded = value.get("dailyPapers")
        if isinstance(embedded, list):
            return "hf", embedded
        value = [value]
    if not isinstance(value, list):
        raise DumpError(f"{source}: {_NEITHER}")
    if not value:
        raise DumpError(f"{source}: JSON with no papers in it (an empty list)")
    objects = [v for v in value if isinstance(v, dict)]
    hf = sum(1 for v in objects if _HF_KEYS & v.keys())
    cited = sum(1 for v in objects if isinstance(v.get("type"), str) or _CSL_KEYS & v.keys())
    if cited > hf:
        return "csl", value
    if hf or any("title" in v for v in objects):
        return "hf", value
    raise DumpError(f"{source}: {_NEITHER}")
