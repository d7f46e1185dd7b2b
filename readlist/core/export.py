"""Papers -> Markdown, CSV, JSON or BibTeX, written to a text stream one paper at a time.

Every format is a head, one chunk per paper and a tail, so `write_export` never holds more
than one paper's text: a million-paper library exports in constant memory. Each format
still yields a valid file for an empty list.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from readlist.core import targets
from readlist.core.models import Paper, PaperMeta

__all__ = ["FORMATS", "SUFFIXES", "bibtex_key", "export_to_file", "format_of", "write_export"]


@dataclass(frozen=True, slots=True)
class _Format:
    head: str
    item: Callable[[Paper, int], str]  # (paper, 1-based position) -> text
    tail: Callable[[int], str]  # (papers written) -> text


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


def _paragraphs(text: str) -> list[str]:
    """Split on blank lines so a paragraph break survives while stray line wraps do not."""
    return [p for p in re.split(r"\n[ \t\r]*\n", text) if p.strip()]


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _md_item(paper: Paper, _position: int) -> str:
    marks = [f"id {paper.id}"]
    if paper.starred:
        marks.append("★ starred")
    marks.append("read" if paper.read else "unread")
    marks += [
        f"first seen {paper.first_seen}",
        f"last seen {paper.last_seen}",
        f"seen {_plural(paper.times_seen, 'time')}",
    ]
    blocks = [f"## {_md_text(paper.title) or '(untitled)'}", " · ".join(marks)]
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
)
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


def _csv_item(paper: Paper, _position: int) -> str:
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


def _json_item(paper: Paper, position: int) -> str:
    record = {
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
    }
    # The array opens with the first item, so an empty export can still close as "[]".
    return ("[\n  " if position == 1 else ",\n  ") + json.dumps(record, ensure_ascii=False)


# --- BibTeX ----------------------------------------------------------------------------

# BibTeX counts every brace, escaped or not, so a lone "\{" would unbalance the entry:
# braces become LaTeX's \textbrace commands instead, which balance whatever the text holds.
_BIB_ESCAPES = str.maketrans(
    {
        "\\": r"\textbackslash{}",
        "{": r"\textbraceleft{}",
        "}": r"\textbraceright{}",
        "#": r"\#",
        "$": r"\$",
        "%": r"\%",
        "&": r"\&",
        "_": r"\_",
        "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}",
    }
)
_KEY_STOPWORDS = frozenset(
    {"a", "an", "and", "for", "from", "in", "of", "on", "the", "to", "via", "with"}
)
_KEY_SLUG_MAX = 24
_YEAR = re.compile(r"\d{4}")


def _bib_text(text: str) -> str:
    """Escaped field text. Lines stay lines, blank lines are dropped: a blank line would be
    a \\par, which some bibliography macros reject."""
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line).translate(_BIB_ESCAPES)


def bibtex_key(paper: Paper) -> str:
    """A citation key that stays the same across exports so citing documents keep working.

    "rl<id>" makes it unique, since ids are; "_<word>" (the first title word that is not a
    stopword, folded to ASCII) makes it recognisable. A title with no ASCII word gives "rl<id>".
    """
    for token in paper.title.split():
        folded = unicodedata.normalize("NFKD", token).encode("ascii", "ignore").decode()
        slug = re.sub(r"[^a-z0-9]", "", folded.lower())
        if slug and slug not in _KEY_STOPWORDS:
            return f"rl{paper.id}_{slug[:_KEY_SLUG_MAX]}"
    return f"rl{paper.id}"


def _bib_item(paper: Paper, position: int) -> str:
    # Double braces keep BibTeX styles from lower-casing the title.
    fields = [("title", "{" + _bib_text(" ".join(paper.title.split())) + "}")]
    if paper.abstract.strip():
        fields.append(("abstract", _bib_text(paper.abstract)))
    if paper.note.strip():
        fields.append(("note", _bib_text(paper.note)))
    fields.append(("howpublished", "Hugging Face Daily Papers"))
    if _YEAR.match(paper.first_seen):
        fields.append(("year", paper.first_seen[:4]))
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return ("\n" if position > 1 else "") + f"@misc{{{bibtex_key(paper)},\n{body}\n}}\n"


# --- Writing ---------------------------------------------------------------------------

_FORMATS: dict[str, _Format] = {
    "md": _Format("# Reading list\n\n", _md_item, _md_tail),
    "csv": _Format(_csv_row(_CSV_HEADER), _csv_item, lambda _count: ""),
    "json": _Format("", _json_item, lambda count: "\n]\n" if count else "[]\n"),
    "bibtex": _Format(
        "", _bib_item, lambda count: "" if count else "% readlist export: no papers\n"
    ),
}
FORMATS: tuple[str, ...] = tuple(_FORMATS)


def _format(fmt: str) -> _Format:
    try:
        return _FORMATS[fmt]
    except KeyError:
        raise ValueError(f"unknown export format {fmt!r}: choose one of {FORMATS}") from None


def write_export(papers: Iterable[Paper], fmt: str, out: TextIO) -> int:
    """Stream papers out one at a time, so an export costs the memory of one paper.

    Returns how many papers were written, for the caller's summary line.
    """
    spec = _format(fmt)
    out.write(spec.head)
    count = 0
    for count, paper in enumerate(papers, start=1):
        out.write(spec.item(paper, count))
    out.write(spec.tail(count))
    return count


def export_to_file(
    papers: Iterable[Paper],
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
}


def format_of(path: str | os.PathLike[str]) -> str | None:
    """The format a file name asks for: md without a suffix (as on stdout), None for a
    suffix readlist does not write, so that `-o refs.ris` is not silently Markdown."""
    suffix = Path(path).suffix.lstrip(".").lower()
    return SUFFIXES.get(suffix) if suffix else "md"
