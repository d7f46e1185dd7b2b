"""RIS, as Zotero, EndNote, Mendeley and JabRef export it, read with rispy.

Mapped: TI (or T1) the title, AB (or N2) the abstract, AU and A1 the authors ("Last,
First" -> "First Last"), DA, Y1 and PY the published date (the most precise of them), DO
the DOI, UR the link, and the arXiv id from arXiv's DOI, an arxiv.org link or "arXiv:ID".
Every tag is kept as the record, under its own two letters.
"""

from __future__ import annotations

import re

import rispy

from readlist.core.errors import DumpError
from readlist.core.ingest.formats.fields import (
    bare_arxiv_id,
    doi_of,
    finish,
    flip_name,
    iso_date_in,
    leading_id_note,
    marked_arxiv_id,
    primary_class_after_id,
    record_json,
    tidy,
    tidy_or_none,
)
from readlist.core.models import PaperMeta, ParsedDump, ParsedPaper

__all__ = ["read_ris"]

# Read every tag under its own name, a repeated one as a list: the record keeps them all.
_AS_TAGS = {tag: tag for tag in rispy.TAG_KEY_MAPPING}
_RECORD_START = re.compile(r"^[ \t]*TY {1,2}-", re.MULTILINE)
_MARKED_TAGS = ("DO", "UR", "M1", "M3", "SN", "IS", "AN")  # and a note (N1) opening with one
_BARE_ID_TAGS = ("M1", "SN", "IS", "AN")  # a number field that holds the id alone (arXiv's)


def read_ris(text: str, source: str) -> ParsedDump:
    """The papers of an RIS file; records without a title are reported, not imported."""
    try:
        records = rispy.loads(
            _without_blank_lines(text), mapping=_AS_TAGS, list_tags=[], enforce_list_tags=False
        )
    except (ValueError, KeyError, TypeError, OSError) as exc:
        raise DumpError(f"{source}: an RIS file readlist cannot read ({tidy(str(exc))})") from None
    papers: list[ParsedPaper] = []
    skipped: list[str] = []
    for number, tags in enumerate(records, 1):
        paper = _paper(tags)
        if paper is None:
            skipped.append(f"record {number}: no title")
        else:
            papers.append(paper)
    starts = [text.count("\n", 0, m.start()) + 1 for m in _RECORD_START.finditer(text)]
    if len(starts) > len(records):  # rispy drops a record no ER line ends
        skipped.append(f"record at line {starts[-1]}: no ER line ends it")
    return finish(papers, skipped, source, "an RIS file", ("record", "records"))


def _without_blank_lines(text: str) -> str:
    """The text without its blank lines. rispy reads a blank line as more of the tag
    before it, and fails when that tag is the previous record's (a blank line after a
    TY line, a file cut off after one): a blank line adds nothing to any value."""
    return "\n".join(line for line in text.split("\n") if line.strip())


def _paper(tags: dict[str, object]) -> ParsedPaper | None:
    title = _first(tags, "TI") or _first(tags, "T1")
    if not title:
        return None
    notes = [leading_id_note(note) for note in _all(tags, "N1")]
    found = marked_arxiv_id([*(v for tag in _MARKED_TAGS for v in _all(tags, tag)), *notes])
    if found is None and any("arxiv" in _first(tags, t).casefold() for t in ("PB", "DP", "DB")):
        bare = (bare_arxiv_id(_first(tags, tag)) for tag in _BARE_ID_TAGS)
        found = next((f for f in bare if f is not None), None)
    dates = (iso_date_in(_first(tags, tag)) for tag in ("DA", "Y1", "PY"))
    authors = (flip_name(name) for tag in ("AU", "A1") for name in _all(tags, tag))
    unknown = tags.get("UK")
    kept = {tag: value for tag, value in tags.items() if tag != "UK"}
    if isinstance(unknown, dict):  # tags rispy does not know; lines with no tag under ""
        kept |= {tag if isinstance(tag, str) else "": value for tag, value in unknown.items()}
    meta = PaperMeta(
        arxiv_id=found[0] if found else None,
        version=found[1] if found else None,
        authors=tuple(dict.fromkeys(name for name in authors if name)),
        published=max((d for d in dates if d), key=len, default=None),
        doi=doi_of(_first(tags, "DO")),
        url=tidy_or_none(_first(tags, "UR")),
        primary_class=primary_class_after_id(notes),
        record=record_json(kept),
    )
    abstract = _first(tags, "AB") or _first(tags, "N2")
    return ParsedPaper(title, abstract, meta=meta)


def _all(tags: dict[str, object], tag: str) -> list[str]:
    value = tags.get(tag)
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, str)]


def _first(tags: dict[str, object], tag: str) -> str:
    return next((t for v in _all(tags, tag) if (t := tidy(v))), "")
