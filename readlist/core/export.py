"""Papers -> Markdown, CSV, JSON, BibTeX, CSL-JSON or RIS, written to a text stream one
paper at a time.

Every format is a head, one chunk per paper and a tail, so `write_export` never holds more
than one paper's text: a million-paper library exports in constant memory (the formats
with citation keys add one small integer a paper: see readlist.core.citekeys). Each
format still yields a valid file for an empty list.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import io
import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from readlist.core import citations, targets
from readlist.core.citekeys import CiteKeys, bibtex_key, repeated_keys
from readlist.core.models import Paper, PaperMeta

__all__ = [
    "FORMATS",
    "SUFFIXES",
    "Papers",
    "bibtex_key",
    "export_to_file",
    "format_of",
    "meta_record",
    "write_export",
]

# The papers to export, or a way to read them afresh: given the latter, the formats with
# citation keys read the papers twice, so that no key depends on the papers' order.
Papers = Iterable[Paper] | Callable[[], Iterable[Paper]]


@dataclass(frozen=True, slots=True)
class _Format:
    head: str
    item: Callable[[Paper, int, str], str]  # (paper, 1-based position, key) -> text
    tail: Callable[[int], str]  # (papers written) -> text
    keyed: bool = False  # its entries carry citation keys


# --- Markdown --------------------------------------------------------------------------

# Characters that could start emphasis, code, links, HTML, headings or tables mid-line.
_MD_ESCAPES = str.maketrans({c: "\\" + c for c in "\\`*_[]<>#|~"})
# "&amp;" would render as "&"; a bare "&" is left alone for readability.
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
# After the inline escapes, what can still open a block at the start of a line:
# list bullets, setext underlines and ordered-list numbers ("1." / "1)"). The match ends
# where the backslash goes.
_MD_LEADING_BLOCK = re.compile(r"^(?:(?=[-+=])|\d+(?=[.)]))")


def _md_text(text: str) -> str:
    """One line of imported text that renders literally, whatever it contains."""
    line = _MD_ENTITY.sub(r"\\&", " ".join(text.split()).translate(_MD_ESCAPES))
    match = _MD_LEADING_BLOCK.match(line)
    return line if match is None else f"{line[: match.end()]}\\{line[match.end() :]}"


def _md_link(url: str | None) -> str | None:
    """A link destination for a web page's URL; None for any other scheme (a hostile
    source's "javascript:" is not a link) or a URL with nothing after the scheme."""
    if not url or not re.match(r"https?://[^\s/]", url.strip(), re.IGNORECASE):
        return None
    # In <...> a destination ends only at ">"; the rest is percent-encoded by safe_url.
    return "<" + citations.safe_url(url).replace("(", "%28").replace(")", "%29") + ">"


def _paragraphs(text: str) -> list[str]:
    """Split on blank lines so a paragraph break survives while stray line wraps do not."""
    return [p for p in re.split(r"\n[ \t\r]*\n", text) if p.strip()]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _md_item(paper: Paper, _position: int, _key: str) -> str:
    marks = [f"id {paper.id}"]
    if paper.starred:
        marks.append("★ starred")
    marks.append("read" if paper.read else "unread")
    marks += [
        f"first seen {paper.first_seen}",
        f"last seen {paper.last_seen}",
        f"seen {_plural(paper.times_seen, 'time')}",
    ]
    title = _md_text(paper.title) or "(untitled)"
    url = _md_link(paper.meta.page_url)
    blocks = [f"## [{title}]({url})" if url else f"## {title}"]
    if authors := [" ".join(a.split()) for a in paper.meta.authors if a.strip()]:
        blocks.append(_md_text(", ".join(authors)))
    blocks.append(" · ".join(marks))
    if paper.tags:  # escaped as text: a tag may hold any printable character
        blocks.append("Tags: " + _md_text(", ".join(paper.tags)))
    blocks += [_md_text(p) for p in _paragraphs(paper.abstract)]
    if paper.note.strip():
        # The note is the user's own Markdown: kept line for line, and the blockquote keeps
        # whatever it contains (headings, open fences) from reaching the document's structure.
        quoted = (f"> {line}".rstrip() for line in paper.note.strip("\n").splitlines())
        blocks += ["**Note:**", "\n".join(quoted)]
    return "\n\n".join(blocks) + "\n\n"


def _md_tail(count: int) -> str:
    # The count comes last because a stream only knows it at the end.
    return f"_{_plural(count, 'paper')}._\n" if count else "_No papers._\n"


# --- CSV -------------------------------------------------------------------------------

_CSV_HEADER = (
    "id",
    "title",
    "abstract",
    "starred",
    "read",
    "note",
    "first_seen",
    "last_seen",
    "times_seen",
    "authors",
    "arxiv_id",
    "url",
    "tags",
)
# Authors in one cell, as Zotero's CSV export joins them (and its tags, likewise).
_CSV_AUTHORS = "; "
# Spreadsheets run a cell starting with these as a formula (OWASP "CSV injection").
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_text(text: str) -> str:
    """A text cell a spreadsheet shows as text: the apostrophe is Excel's own text marker."""
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _csv_row(cells: Iterable[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_MINIMAL).writerow(cells)
    return buffer.getvalue()


def _csv_bool(value: bool) -> str:
    # "true"/"false", the same words as the JSON export, so neither reads as a number.
    return "true" if value else "false"


def _csv_item(paper: Paper, _position: int, _key: str) -> str:
    return _csv_row(
        (
            paper.id,
            _csv_text(paper.title),
            _csv_text(paper.abstract),
            _csv_bool(paper.starred),
            _csv_bool(paper.read),
            _csv_text(paper.note),
            paper.first_seen,
            paper.last_seen,
            paper.times_seen,
            _csv_text(_CSV_AUTHORS.join(" ".join(a.split()) for a in paper.meta.authors)),
            _csv_text(paper.meta.arxiv_id or ""),
            _csv_text(paper.meta.page_url or ""),
            _csv_text(_CSV_AUTHORS.join(paper.tags)),
        )
    )


# --- JSON ------------------------------------------------------------------------------


def meta_record(meta: PaperMeta) -> dict[str, object]:
    """A paper's identity under the JSON names `list --format json` and `export --format
    json` give it (README, "JSON fields"): null, or [] for authors, when not known."""
    return {
        "arxiv_id": meta.arxiv_id,
        "version": meta.version,
        "authors": list(meta.authors),
        "published": meta.published,
        "upvotes": meta.upvotes,
        "comments": meta.comments,
        "withdrawn": meta.withdrawn,
        "doi": meta.doi,
        "arxiv_url": meta.arxiv_url,
        "hf_url": meta.hf_url,
        "github": meta.github,
        "project_page": meta.project_page,
        "url": meta.page_url,
    }


def _json_record(paper: Paper) -> dict[str, object]:
    return {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "read": paper.read,
        "starred": paper.starred,
        "note": paper.note,
        "first_seen": paper.first_seen,
        "last_seen": paper.last_seen,
        "times_seen": paper.times_seen,
        **meta_record(paper.meta),
        "tags": list(paper.tags),
    }


def _json_text(record: dict[str, object], position: int) -> str:
    # The array opens with the first item, so an empty export can still close as "[]".
    return ("[\n  " if position == 1 else ",\n  ") + json.dumps(record, ensure_ascii=False)


def _json_item(paper: Paper, position: int, _key: str) -> str:
    return _json_text(_json_record(paper), position)


def _scored_json_item(scores: Mapping[int, float], paper: Paper, position: int, _key: str) -> str:
    score = scores.get(paper.id)
    record = {**_json_record(paper), "score": None if score is None else round(score, 4)}
    return _json_text(record, position)


# --- CSL-JSON, BibTeX, RIS --------------------------------------------------------------


def _csl_json_item(paper: Paper, position: int, key: str) -> str:
    return ("[\n  " if position == 1 else ",\n  ") + citations.csl_item(paper, key)


def _ris_item(paper: Paper, _position: int, key: str) -> str:
    return citations.ris_entry(paper, key)


def _bib_item(paper: Paper, position: int, key: str) -> str:
    return ("\n" if position > 1 else "") + citations.bibtex_entry(paper, key)


# --- Writing ---------------------------------------------------------------------------


def _no_tail(_count: int) -> str:
    return ""


_FORMATS: dict[str, _Format] = {
    "md": _Format("# Reading list\n\n", _md_item, _md_tail),
    "csv": _Format(_csv_row(_CSV_HEADER), _csv_item, _no_tail),
    "json": _Format("", _json_item, lambda count: "\n]\n" if count else "[]\n"),
    "bibtex": _Format(
        "", _bib_item, lambda count: "" if count else "% readlist export: no papers\n", True
    ),
    "csl-json": _Format("", _csl_json_item, lambda count: "\n]\n" if count else "[]\n", True),
    "ris": _Format("", _ris_item, _no_tail, True),
}
FORMATS: tuple[str, ...] = tuple(_FORMATS)


def _format(fmt: str) -> _Format:
    try:
        return _FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r}: choose one of {FORMATS}") from None


def write_export(
    papers: Papers, fmt: str, out: TextIO, *, scores: Mapping[int, float] | None = None
) -> int:
    """Stream papers out one at a time, so an export costs the memory of one paper.

    `papers` may be a function that reads them afresh (`lambda: store.iter_search(plan)`):
    BibTeX, CSL-JSON and RIS then read them once for the keys that more than one paper
    has, so each paper's key is the same whatever order the papers come in. Papers that
    stream by once still get keys unique within the export.

    `scores` (JSON only: `list --sort for-you`) gives each record a `score`, rounded to
    4 places, null for a paper it has none for.

    Returns how many papers were written, for the caller's summary line.
    """
    spec = _format(fmt)
    if scores is not None:
        if fmt != "json":
            raise ValueError(f"only json exports carry scores, not {fmt}")
        spec = dataclasses.replace(spec, item=functools.partial(_scored_json_item, scores))
    keys: CiteKeys | None = None
    if spec.keyed:
        keys = CiteKeys(repeated_keys(papers()) if callable(papers) else frozenset())
    out.write(spec.head)
    count = 0
    for count, paper in enumerate(papers() if callable(papers) else papers, start=1):
        out.write(spec.item(paper, count, keys.key(paper) if keys else ""))
    out.write(spec.tail(count))
    return count


def export_to_file(
    papers: Papers,
    fmt: str,
    path: str | os.PathLike[str],
    *,
    library: Path | None = None,
    wait_for_reader: bool = True,
) -> int:
    """Write the export to the file the user named, never onto `library` (the library the
    papers come from) or its -wal/-shm/-journal files, however the path reaches them.

    A regular file is written beside itself and swapped in, so a crash, a full disk or a
    failing source never leaves a half-written file in place of the previous export; a
    FIFO or a device is written in place (see readlist.core.targets).
    """
    _format(fmt)  # fail before creating anything
    target = targets.vet(path, library=library, verb="export")
    return targets.write_text(
        target,
        lambda out: write_export(papers, fmt, out),
        newline="" if fmt == "csv" else None,
        wait_for_reader=wait_for_reader,
    )


# The suffixes an output file's format is known by, when no format is given.
SUFFIXES = {
    "md": "md",
    "markdown": "md",
    "csv": "csv",
    "json": "json",
    "bib": "bibtex",
    "bibtex": "bibtex",
    "ris": "ris",
    "csl.json": "csl-json",  # two parts, matched before ".json" alone
}


def format_of(path: str | os.PathLike[str]) -> str | None:
    """The format a file name asks for: md without a suffix (as on stdout), None for a
    suffix readlist does not write, so that `-o refs.ris` is not silently Markdown."""
    name = Path(path).name.lower()
    for suffix, fmt in SUFFIXES.items():
        if "." in suffix and name.endswith(f".{suffix}") and len(name) > len(suffix) + 1:
            return fmt
    suffix = Path(path).suffix.lstrip(".").lower()
    return SUFFIXES.get(suffix) if suffix else "md"
