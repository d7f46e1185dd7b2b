"""CSL-JSON, Zotero's native export: an array of items with `type`, `title`, `author`
([{family, given} or {literal}]), `issued` ({"date-parts": [[2024, 3, 14]]}), `abstract`,
`DOI`, `URL` and more. Zotero writes a preprint's arXiv id in `number` ("arXiv:2504.01234")
and its DOI 10.48550/arXiv.ID; either gives the paper its id. Each item is kept whole as
the paper's record.
"""

from __future__ import annotations

from collections.abc import Sequence

from readlist.core.ingest.formats.fields import (
    bare_arxiv_id,
    doi_of,
    finish,
    iso_date,
    iso_date_in,
    leading_id_note,
    marked_arxiv_id,
    primary_class_after_id,
    record_json,
    tidy,
    tidy_or_none,
)
from readlist.core.models import PaperMeta, ParsedDump, ParsedPaper

__all__ = ["csl_dump"]

# Where Zotero and Better BibTeX put an arXiv id ("arXiv:ID", an arxiv.org link, its DOI);
# the note (Zotero's Extra) counts only when it opens with the id.
_ID_FIELDS = ("number", "DOI", "URL", "archive_location", "source")
_NAME_PARTS = ("given", "dropping-particle", "non-dropping-particle", "family")


def csl_dump(items: Sequence[object], source: str) -> ParsedDump:
    """CSL-JSON items as papers."""
    papers: list[ParsedPaper] = []
    skipped: list[str] = []
    for number, item in enumerate(items, 1):
        if not isinstance(item, dict):
            skipped.append(f"item {number}: not an object")
        elif (paper := _paper(item)) is None:
            label = item.get("id")
            skipped.append(f"item {label if isinstance(label, str) else number}: no title")
        else:
            papers.append(paper)
    return finish(papers, skipped, source, "a CSL-JSON file", ("item", "items"))


def _paper(item: dict[str, object]) -> ParsedPaper | None:
    title = tidy(item.get("title"))
    if not title:
        return None
    values = [*(item.get(name) for name in _ID_FIELDS), leading_id_note(item.get("note"))]
    found = marked_arxiv_id(values)
    if found is None and tidy(item.get("publisher")).casefold() == "arxiv":
        found = bare_arxiv_id(item.get("number"))
    doi = doi_of(item.get("DOI"))
    meta = PaperMeta(
        arxiv_id=found[0] if found else None,
        version=found[1] if found else None,
        authors=_authors(item.get("author")),
        published=_issued(item.get("issued")),
        doi=doi,
        url=tidy_or_none(item.get("URL")),
        primary_class=primary_class_after_id(values),
        record=record_json(item),
    )
    return ParsedPaper(title, tidy(item.get("abstract")), meta=meta)


def _authors(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    names = []
    for person in value:
        if not isinstance(person, dict):
            continue
        name = tidy(person.get("literal")) or " ".join(
            part for part in (tidy(person.get(key)) for key in _NAME_PARTS) if part
        )
        suffix = tidy(person.get("suffix"))
        if name:
            names.append(f"{name} {suffix}" if suffix else name)
    return tuple(names)


def _issued(value: object) -> str | None:
    """{"date-parts": [[2024, 3, 14]]}, or the {"raw": "2024-03-14"} some exports write."""
    if not isinstance(value, dict):
        return iso_date_in(value)
    parts = value.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        year, month, day = [*parts[0], None, None][:3]
        return iso_date(year, month, day)
    return iso_date_in(value.get("raw")) or iso_date_in(value.get("literal"))
