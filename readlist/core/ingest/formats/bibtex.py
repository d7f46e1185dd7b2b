"""BibTeX, as Zotero, Better BibTeX, JabRef, cobib and papis export it, read with
bibtexparser (v2); LaTeX in the values becomes Unicode with pylatexenc.

Mapped: `title`, `abstract`, `author` ("Last, First and ..." -> "First Last"), `year`,
`month` and `date` (the published date, ISO as far as known), the arXiv id (`eprint`,
`arxiv`, `arxivid`, an arxiv.org `url` or arXiv's DOI 10.48550/arXiv.ID), `primaryClass`,
`doi` and `url`. Every field, the entry type and the key are kept as the record, as
written (LaTeX and all), so nothing is lost.
"""

from __future__ import annotations

import logging
import re

from bibtexparser.entrypoint import parse_string
from bibtexparser.library import Library
from bibtexparser.middlewares import RemoveEnclosingMiddleware, ResolveStringReferencesMiddleware
from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import DuplicateBlockKeyBlock, Entry
from pylatexenc.latex2text import LatexNodes2Text

from readlist.core.ingest.formats.fields import (
    bare_arxiv_id,
    doi_of,
    finish,
    flip_name,
    iso_date,
    iso_date_in,
    leading_id_note,
    marked_arxiv_id,
    record_json,
    tidy,
    tidy_or_none,
)
from readlist.core.models import PaperMeta, ParsedDump, ParsedPaper

__all__ = ["read_bibtex"]

# The parser logs what it skips; the skipped entries are reported here instead, so its
# lines never reach a terminal through logging's last-resort handler.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())
logging.getLogger("pylatexenc").addHandler(logging.NullHandler())

# Fields that hold an id alone ("2504.01234v2", "arXiv:2504.01234").
_ID_FIELDS = ("eprint", "arxiv", "arxivid", "arxiv_id")
# Fields that may mark an id inside a longer value (a link, arXiv's DOI, "arXiv:ID");
# Google Scholar writes `journal = {arXiv preprint arXiv:ID}`. A note counts only when
# it opens with the id.
_MARKED_FIELDS = ("url", "doi", "journal", "howpublished", "number")
# A bare % or & in a value is the character itself, never a LaTeX comment or alignment.
_BARE_SPECIAL = re.compile(r"(?<!\\)([%&])")
# What LaTeX turns into something else, beyond dropping braces: macros, math, ties,
# dashes and quotes. A value with none of it (most abstracts, Zotero's braced titles)
# skips the LaTeX parser, which costs milliseconds a field.
_LATEX = re.compile(r"[\\$~`]|--|''")


def read_bibtex(text: str, source: str) -> ParsedDump:
    """The papers of a BibTeX file; entries without a title are reported, not imported."""
    library = parse_string(text)
    decoder = LatexNodes2Text()
    papers: list[ParsedPaper] = []
    skipped: list[str] = []
    entries: list[Entry] = list(library.entries)
    for block in library.failed_blocks:
        if isinstance(block, DuplicateBlockKeyBlock) and isinstance(
            block.ignore_error_block, Entry
        ):
            entries.append(_as_parsed(block.ignore_error_block, library))
        else:
            skipped.append(f"line {(block.start_line or 0) + 1}: an entry BibTeX cannot read")
    for entry in sorted(entries, key=lambda e: e.start_line or 0):
        paper = _paper(entry, decoder)
        if paper is None:
            skipped.append(f"entry {entry.key}: no title")
        else:
            papers.append(paper)
    return finish(papers, skipped, source, "a BibTeX file", ("entry", "entries"))


def _as_parsed(entry: Entry, library: Library) -> Entry:
    """An entry whose key repeats (two files pasted together), read as the others are:
    bibtexparser leaves it as split, its values in their braces and its @string
    references unresolved, so its id, year and authors would not be found."""
    alone = Library([*library.strings, entry])
    for middleware in (ResolveStringReferencesMiddleware(), RemoveEnclosingMiddleware()):
        alone = middleware.transform(alone)
    return alone.entries[0]


def _paper(entry: Entry, decoder: LatexNodes2Text) -> ParsedPaper | None:
    fields: dict[str, str] = {}
    for field in entry.fields:
        if isinstance(field.value, str):
            fields.setdefault(field.key.casefold(), field.value)

    def text(name: str) -> str:
        return _decoded(fields.get(name, ""), decoder)

    title = text("title")
    if not title:
        return None
    found = _arxiv(fields)
    meta = PaperMeta(
        arxiv_id=found[0] if found else None,
        version=found[1] if found else None,
        authors=_authors(fields.get("author", ""), decoder),
        published=iso_date_in(fields.get("date"))
        or iso_date(tidy(fields.get("year")), tidy(fields.get("month"))),
        doi=doi_of(fields.get("doi")),
        url=tidy_or_none(fields.get("url")),
        primary_class=tidy_or_none(fields.get("primaryclass") or fields.get("eprintclass")),
        record=record_json(
            {"ENTRYTYPE": entry.entry_type, "ID": entry.key}
            | {f.key: f.value for f in entry.fields}
        ),
    )
    return ParsedPaper(title, text("abstract"), meta=meta)


def _arxiv(fields: dict[str, str]) -> tuple[str, int | None] | None:
    prefix = tidy(fields.get("archiveprefix") or fields.get("eprinttype")).casefold()
    for name in _ID_FIELDS:
        if name == "eprint" and prefix not in ("", "arxiv"):
            continue  # an eprint of another archive (HAL, PubMed)
        if (found := bare_arxiv_id(fields.get(name))) is not None:
            return found
    marked = [fields.get(name) for name in _MARKED_FIELDS]
    return marked_arxiv_id([*marked, leading_id_note(fields.get("note"))])


def _authors(value: str, decoder: LatexNodes2Text) -> tuple[str, ...]:
    """Names split on "and" as BibTeX does (not inside braces: {Barnes and Noble} is one),
    each "First von Last Jr" in that order, its LaTeX decoded."""
    names = []
    for name in split_multiple_persons_names(value):
        try:
            ordered = parse_single_name_into_parts(name).merge_first_name_first
        except InvalidNameError:
            ordered = flip_name(name)
        decoded = _decoded(ordered, decoder)
        if decoded:
            names.append(decoded)
    return tuple(names)


def _decoded(value: str, decoder: LatexNodes2Text) -> str:
    """A value's LaTeX as Unicode text, on one line; as written, without its braces,
    when pylatexenc fails on it (a macro missing its arguments: `\\href{x}`, `\\input`)."""
    plain = tidy(value.replace("{", "").replace("}", ""))
    if not _LATEX.search(value):
        return plain
    try:
        return tidy(decoder.latex_to_text(_BARE_SPECIAL.sub(r"\\\1", value)))
    except (IndexError, TypeError, ValueError, KeyError, AttributeError):
        return plain
