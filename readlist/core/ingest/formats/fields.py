"""What every reader of a structured file shares: tidy text, arXiv ids, ISO dates, names,
the record kept as JSON, and the one rule for a file that holds no papers.

Each reader maps its own format's fields; these helpers make the same kind of value come
out the same way whichever file it came from, so dedupe sees one id and one date shape.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from datetime import date

from readlist.core import arxiv
from readlist.core.errors import DumpError
from readlist.core.ingest.decode import clean_text
from readlist.core.models import ParsedDump, ParsedPaper

_ID = arxiv.ID
# Where an id shows inside a longer value: an arXiv link, arXiv's DOI, or "arXiv:ID".
_MARKED_ID = re.compile(
    rf"arxiv\.org/(?:abs|pdf|html)/{_ID}|10\.48550/arxiv\.{_ID}|arxiv:\s*{_ID}",
    re.IGNORECASE,
)
_CLASS_AFTER_ID = re.compile(rf"arxiv:\s*{_ID}\s*\[([a-z-]+(?:\.[A-Za-z-]+)?)\]", re.IGNORECASE)
# Archives arXiv files papers under with no subject class: a class after an id is one of
# these or "archive.CLASS" ("cs.CL"); Zotero's bare "[cs]" names no class.
_CLASSLESS_ARCHIVES = frozenset(
    {"gr-qc", "hep-ex", "hep-lat", "hep-ph", "hep-th", "math-ph", "nucl-ex", "nucl-th", "quant-ph"}
)
_ISO = re.compile(r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # a pair JSON escapes decodes to one char
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")

ArxivId = tuple[str, int | None]
# The largest whole number a library column holds (SQLite's INTEGER): a count or version
# past it is no real one, and would stop the import.
_INT_MAX = (1 << 63) - 1


def tidy(value: object) -> str:
    """A value as one line of text: what a terminal would not show dropped, runs of
    whitespace (a JSON summary's line breaks, a BibTeX field's wrapping) one space, and
    half a surrogate pair (JSON may escape one; no UTF-8 text holds it) U+FFFD."""
    if not isinstance(value, str):
        return ""
    return " ".join(clean_text(_LONE_SURROGATE.sub("\ufffd", value)).split())


def tidy_or_none(value: object) -> str | None:
    return tidy(value) or None


def bare_arxiv_id(value: object) -> ArxivId | None:
    """A value that is an arXiv id ("2504.01234v2", "arXiv:hep-th/9901001"): the id
    without its version, and the version it named."""
    return arxiv.parse_id(value) if isinstance(value, str) else None


def marked_arxiv_id(values: Iterable[object]) -> ArxivId | None:
    """The first arXiv id that a value marks as one (an arxiv.org link, the DOI
    10.48550/arXiv.ID, "arXiv:ID"). Only marked ids count, so a DOI or a report number
    that merely looks like one is never taken for an arXiv id."""
    for value in values:
        if not isinstance(value, str):
            continue
        match = _MARKED_ID.search(value)
        if match:
            groups = [g for g in match.groups()]
            for i in range(0, len(groups), 2):
                if groups[i]:
                    return groups[i], arxiv.version_of(groups[i + 1])
    return None


def leading_id_note(value: object) -> str | None:
    """A free-text note that opens with an id ("arXiv:2504.01234 [cs]", as Zotero writes
    a preprint's): only then is the id in it the paper's own, not one it cites."""
    text = tidy(value)
    return text if text.casefold().startswith("arxiv:") else None


def primary_class_after_id(values: Iterable[object]) -> str | None:
    """The category Zotero writes after an id ("arXiv:2504.01234 [cs.CL]")."""
    for value in values:
        if isinstance(value, str) and (match := _CLASS_AFTER_ID.search(value)):
            found = match.group(3)
            if "." in found or found.casefold() in _CLASSLESS_ARCHIVES:
                return found
    return None


def iso_date(year: object, month: object = None, day: object = None) -> str | None:
    """An ISO date as far as it is known ("2024", "2024-03", "2024-03-14"), or None for
    a value that is no date. A month may be a number or a name ("mar", "March")."""
    y = _int(year)
    if y is None or not 1000 <= y <= 9999:
        return None
    m = _month(month)
    if m is None:
        return f"{y:04d}"
    d = _int(day)
    if d is not None:
        try:
            return date(y, m, d).isoformat()
        except (ValueError, OverflowError):  # no such day, or past any C long
            pass
    return f"{y:04d}-{m:02d}"


def iso_date_in(value: object) -> str | None:
    """The date at the start of a value: "2025-04-01T17:59:59.000Z", "2024/03/14/",
    "2024-03", "2024///"."""
    if not isinstance(value, str):
        return None
    match = _ISO.match(value.strip())
    return iso_date(*match.groups()) if match else None


def day_of(value: object) -> str | None:
    """The day a timestamp falls on ("2025-04-01T17:59:59.000Z" -> "2025-04-01"); None
    unless it names a whole day."""
    found = iso_date_in(value)
    return found if found and len(found) == 10 else None


def flip_name(name: str) -> str:
    """ "Last, First" -> "First Last" ("Last, Jr., First" -> "First Last Jr."), the order
    the page and the exports use; a name without a comma is kept."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) == 2 and parts[1]:
        return f"{parts[1]} {parts[0]}"
    if len(parts) == 3 and parts[2]:
        return f"{parts[2]} {parts[0]} {parts[1]}".strip()
    return tidy(name)


def doi_of(value: object) -> str | None:
    """A DOI without the resolver in front of it ("https://doi.org/10.1/x" -> "10.1/x")."""
    text = tidy(value)
    return _DOI_PREFIX.sub("", text) or None


def record_json(value: object) -> str:
    """The listing as JSON, so nothing its source gave is lost: half a surrogate pair
    stays escaped, as the source wrote it, so that the library can store the text."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False)
    return _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m[0]):04x}", text)


def as_int(value: object) -> int | None:
    """A count (upvotes, comments): an int, or a float with nothing after the point, that
    a library column holds."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and -_INT_MAX <= value <= _INT_MAX:
        return value
    return None


def finish(
    papers: Sequence[ParsedPaper],
    skipped: Sequence[str],
    source: str,
    what: str,
    item: tuple[str, str],
) -> ParsedDump:
    """The dump a reader found, or one line saying the file holds no papers at all;
    `item` names one of the file's records and many ("entry", "entries")."""
    if not papers:
        if skipped:
            count = len(skipped)
            raise DumpError(
                f"{source}: {what} with no papers in it "
                f"({count} {item[0] if count == 1 else item[1]}, none with a title)"
            )
        raise DumpError(f"{source}: {what} with no papers in it")
    return ParsedDump(papers=tuple(papers), skipped=tuple(skipped))


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _month(value: object) -> int | None:
    number = _int(value)
    if number is not None:
        return number if 1 <= number <= 12 else None
    if isinstance(value, str) and len(value.strip()) >= 3:
        name = value.strip()[:3].casefold()
        if name in _MONTHS:
            return _MONTHS.index(name) + 1
    return None
