"""Dump text -> papers: the saved text of a Hugging Face "Daily Papers" page.

People save that page by select-all and paste, so a dump arrives in whatever encoding the
editor chose, with the page's chrome, blank lines or none, sometimes hard-wrapped. Titles
and abstracts are told apart by their shape (length, sentences, final period; shape.py)
rather than by position, so a missing abstract or a stray line costs one paper, not every
paper after it; where the shape cannot tell, the page's rhythm decides (a title, then a
longer abstract). The one rule never bent: abstract text is never stored as a title.
Text that goes into no paper is reported by line, and text with none of the page's
structure is told apart (`not_a_dump`), so the importer can refuse it.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable
from itertools import accumulate, pairwise

from readlist.core.ingest.decode import clean_text
from readlist.core.ingest.shape import (
    ABSTRACT_MAX,
    CLOSERS,
    TERMINAL,
    TITLE_MAX,
    Kind,
    abstract_shaped,
    classify,
    may_be_title,
    title_cased,
    title_shaped,
)
from readlist.core.models import ParsedDump, ParsedPaper

__all__ = ["ABSTRACT_MAX", "TITLE_MAX", "is_date_line", "not_a_dump", "parse_dump"]

_PAIRED_SHARE = 0.8  # of a page's text blocks in title/abstract pairs, without its header
_PAIRS_MIN = 2  # pairs that make a rhythm, without a date line
_WRAP_MIN, _WRAP_MAX = 30, 250  # nobody hard-wraps outside these, so a width there is chance
_SNIPPET = 80

_CHROME = frozenset(
    line.casefold()
    for line in (
        "new",
        "Get trending papers in your email inbox!",
        "Get trending papers in your email inbox once a day!",
        "Subscribe",
        "Daily Papers",
        "byAK and the research community",
        "by AK and the research community",
    )
)
_CHROME_MAX_LEN = max(map(len, _CHROME))
_HEADER = _CHROME - {"new"}  # chrome that only the page's header holds
_GLUED_CHROME = "Subscribe"  # the button text, pasted with no break before the first title

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DATE = re.compile(
    rf"{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"
    rf"|\d{{1,2}}\s+{_MONTH}(?:,?\s+\d{{4}})?"
    r"|\d{4}-\d{2}-\d{2}",
    re.IGNORECASE,
)
_DATE_MAX_LEN = 30

# A unit of the page: its kind, its text, and its lines, from `first` to before `end`.
_Unit = tuple[Kind, str, int, int]


def parse_dump(text: str) -> ParsedDump:
    """Find the papers in a dump; never raises, whatever the text, since users paste anything.

    Text that cannot be paired with a title is reported in `skipped`, and its lines in
    `unplaced`, instead of guessed at.
    """
    items, header_lines = _blocks(text)
    paragraphs = [item for _, item in items if isinstance(item, list) and len(item) > 1]
    # A sample is enough to see how the page is wrapped, and keeps huge dumps fast.
    page_widths = _wrap_widths(paragraphs[:: len(paragraphs) // 500 + 1])
    units: list[_Unit] = []
    for line, item in items:
        if isinstance(item, str):
            units.append((Kind.DATE, item, line, line + 1))
            continue
        groups = _line_groups(item, page_widths)
        if len(groups) > 1 and len(item) > 2:  # maybe wrapped unlike the rest of the page
            widths = _wrap_widths([item])
            groups = _line_groups(item, widths) if widths else groups
        if _glued(item[0]):  # cut only now: the wrapping tool counted it in the line
            groups[0][0] = groups[0][0].removeprefix(_GLUED_CHROME)
        previous: list[str] | None = None  # the lines of the abstract just before
        for lines in groups:
            first, line = line, line + len(lines)  # a group's lines follow each other
            text = " ".join(lines)
            kind = classify(text)
            if kind is Kind.ABSTRACT and previous is not None:
                # Two abstracts in a row inside one paragraph: wrapping hid a title.
                if k := _title_tail(previous):
                    before = units[-1]
                    units[-1] = (Kind.ABSTRACT, " ".join(previous[:-k]), before[2], first - k)
                    units.append((Kind.TITLE, " ".join(previous[-k:]), first - k, first))
                elif k := _title_head(lines):
                    units.append((Kind.TITLE, " ".join(lines[:k]), first, first + k))
                    lines = lines[k:]
                    text = " ".join(lines)
                    first += k
            units.append((kind, text, first, line))
            previous = lines if kind is Kind.ABSTRACT else None
    return dataclasses.replace(_pair(units), header_lines=header_lines)


def is_date_line(line: str) -> bool:
    """Whether the line is a page's date line ("Mar 14"), which begins a pasted page."""
    line = line.strip()
    return len(line) <= _DATE_MAX_LEN and _DATE.fullmatch(line) is not None


def not_a_dump(parsed: ParsedDump) -> str | None:
    """Why the text is no Daily Papers page, or None when it is one, so that a README, a
    config file, a script, a table or a log is refused instead of imported as junk papers.

    A page shows itself by a line of its header (any chrome line but "new", which any text
    may hold), or by its rhythm: at least 80% of its text blocks pair as a title and an
    abstract in the page's shape (see `title_shaped`; an abstract is two sentences or
    more and at most ABSTRACT_MAX characters), in two pairs or more, or one under a date
    line. One heading and a paragraph is any text, and licences and READMEs pair headings
    and paragraphs often, but not nearly always. Measured here, not while parsing, since a
    header settles it for almost every real page.
    """
    if parsed.header_lines:
        return None
    papers = parsed.papers
    with_abstract = [paper for paper in papers if paper.abstract]
    pairs = sum(
        title_shaped(paper.title) and abstract_shaped(paper.abstract) for paper in with_abstract
    )
    paired = 2 * pairs
    blocks = len(papers) + len(with_abstract) + len(parsed.skipped)  # every unit of text
    pairs_min = 1 if parsed.date_lines else _PAIRS_MIN
    if pairs >= pairs_min and paired >= _PAIRED_SHARE * blocks:
        return None
    return (
        f"no page header, {'a' if parsed.date_lines else 'no'} date line,"
        f" {paired} of its {blocks} text blocks in title/abstract pairs"
    )


def _blocks(text: str) -> tuple[list[tuple[int, str | list[str]]], int]:
    """Split into paragraphs (lists of lines) and date lines (str), each with the number of
    its first line, dropping page chrome; and count the lines of the page's header.

    Chrome and date lines end a paragraph, as a blank line does, so a pasted page without
    blank lines still breaks where the page had its own structure.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    items: list[tuple[int, str | list[str]]] = []
    paragraph: list[str] = []
    header_lines = 0
    for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), 1):
        line = (raw if raw.isprintable() else clean_text(raw)).strip()
        if len(line) <= _CHROME_MAX_LEN:
            is_date = len(line) <= _DATE_MAX_LEN and _DATE.fullmatch(line) is not None
            chrome = line.casefold()
            if not line or is_date or chrome in _CHROME:
                if paragraph:
                    items.append((number - len(paragraph), paragraph))
                    paragraph = []
                if is_date:
                    items.append((number, line))
                header_lines += chrome in _HEADER
                continue
        if _glued(line):
            header_lines += 1
            if paragraph:
                items.append((number - len(paragraph), paragraph))
                paragraph = []
        paragraph.append(line)
    if paragraph:
        items.append((number + 1 - len(paragraph), paragraph))
    return items, header_lines


def _glued(line: str) -> bool:
    if not line.startswith(_GLUED_CHROME):
        return False
    rest = line[len(_GLUED_CHROME) : len(_GLUED_CHROME) + 1]
    return rest.isupper() or rest.isdigit()


_Widths = tuple[int, int]  # the range of widths a page or paragraph was wrapped at


def _wrap_widths(paragraphs: Iterable[list[str]]) -> _Widths | None:
    """Guess the widths a hard-wrapping tool broke these lines at, or None if none did.

    A greedy wrapper (textwrap, vim's gq, Emacs fill) leaves every line but a paragraph's
    last one full: the next line's first word would not have fitted. So each pair of lines
    is evidence for the widths in `_fits`. When two thirds of the pairs, and two or more,
    agree on some widths, those are the wrap widths. Unwrapped lines (a title then a long
    abstract) vote at random and rarely agree that much. Title Case lines followed by a
    capital abstain, since a list of titles looks just like one wrapped title; so do lines
    of one word.
    """
    steps = [0] * (_WRAP_MAX + 2)  # votes per width, as differences
    pairs = 0
    for lines in paragraphs:
        for line, after in pairwise(lines):
            start, end = _fits(line, after)
            if start > min(end, _WRAP_MAX):
                pairs += 1  # evidence against any wrapping
                continue
            if " " not in line or (after[0].isupper() and title_cased(line)):
                continue
            pairs += 1
            steps[start] += 1
            steps[min(end + 1, _WRAP_MAX + 1)] -= 1
    votes = list(accumulate(steps))
    best = max(votes[_WRAP_MIN:])
    if best < 2 or 3 * best < 2 * pairs:
        return None
    low = high = votes.index(best, _WRAP_MIN)
    while votes[high + 1] == best:  # stops at the end: every vote is taken back by then
        high += 1
    return low, high


def _fits(line: str, after: str) -> _Widths:
    """The widths at which a greedy wrapper would break `line` where it ends, before `after`.

    The width holds both lines but not `line` with the next word; a word longer than the
    width (a URL) is put alone on its line, so such a line fits any width.
    """
    space = after.find(" ")
    start = max(len(line) if " " in line else 0, len(after) if space >= 0 else 0)
    return start, len(line) + (len(after) if space < 0 else space)


def _line_groups(lines: list[str], widths: _Widths | None) -> list[list[str]]:
    """Group the lines of a paragraph that are one text broken by wrapping."""
    groups = [[lines[0]]]
    for index in range(1, len(lines)):
        then = lines[index + 1] if index + 1 < len(lines) else ""
        if _continues(lines[index - 1], lines[index], then, widths):
            groups[-1].append(lines[index])
        else:
            groups.append([lines[index]])
    return groups


def _continues(line: str, after: str, then: str, widths: _Widths | None) -> bool:
    """Whether `after` carries on `line` rather than starting a new title or abstract.

    A sentence does not stop without punctuation and restart in lowercase, so that joins
    lines whatever the width, but only among lines short enough to be wrapped ones: next to
    an unwrapped abstract (`then` is the line after `after`) a short line is a title, maybe
    a lowercase one ("softmax is not enough"). Otherwise the break must be one the wrapper
    would have made at one of the page's wrap widths.
    """
    if (
        after[:1].islower()
        and not line.rstrip(CLOSERS).endswith(TERMINAL)
        and max(len(line), len(after), len(then)) <= _WRAP_MAX
    ):
        return True
    if widths is None:
        return False
    start, end = _fits(line, after)
    return start <= widths[1] and end >= widths[0]


def _title_tail(lines: list[str]) -> int:
    """How many last lines of an abstract are the next paper's title it swallowed, or 0.

    The title starts on the line after one that ends a sentence, and reads as a title.
    """
    length = -1
    for k in range(1, len(lines)):
        length += len(lines[-k]) + 1
        if length > TITLE_MAX:
            return 0
        if lines[-k - 1].rstrip(CLOSERS).endswith(TERMINAL):
            title = " ".join(lines[-k:])
            if "://" not in title and _is_split(title, " ".join(lines[:-k])):
                return k
    return 0


def _title_head(lines: list[str]) -> int:
    """How many first lines of an abstract are its own title wrapped into it, or 0.

    Only Title Case lines are taken, since an abstract's first line reads as a title too.
    """
    k = 0
    while k < len(lines) - 1 and title_cased(lines[k]):
        k += 1
    return k if k and _is_split(" ".join(lines[:k]), " ".join(lines[k:])) else 0


def _is_split(title: str, abstract: str) -> bool:
    return (
        (title[0].isupper() or title[0].isdigit())
        and (abstract[0].isupper() or abstract[0].isdigit())
        and classify(title) is Kind.TITLE
        and classify(abstract) is Kind.ABSTRACT
    )


def _pair(units: list[_Unit]) -> ParsedDump:
    """Pair each title with the abstract after it, in one pass.

    A title followed by another title lost its abstract; an abstract with no title before
    it lost its title and is reported, never promoted. What is a title is decided by the
    page's rhythm where the unit's shape cannot tell: an ambiguous unit is a title when an
    abstract follows it; a short one of at most two sentences (a title may end with "."
    as well as "?"; see `may_be_title`) when an abstract longer than it follows. Else
    each is the pending title's abstract.
    """
    papers: list[ParsedPaper] = []
    skipped: list[str] = []
    unplaced: list[int] = []
    pending: tuple[str, str | None] | None = None  # a title waiting for its abstract
    date: str | None = None
    dates = 0
    for index, (kind, text, first, end) in enumerate(units):
        if kind is Kind.NOISE:
            continue
        if kind is Kind.AMBIGUOUS:
            kind = Kind.TITLE if _abstract_follows(units, index) else Kind.ABSTRACT
        elif kind is Kind.ABSTRACT and may_be_title(text, waited_for=pending is not None):
            kind = Kind.TITLE if _abstract_follows(units, index, len(text)) else Kind.ABSTRACT
        if kind is Kind.ABSTRACT and pending is not None:
            papers.append(ParsedPaper(pending[0], text, pending[1]))
            pending = None
            continue
        if kind is Kind.ABSTRACT:
            skipped.append(text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "…")
            unplaced.extend(range(first, end))
            continue
        if pending is not None:
            papers.append(ParsedPaper(pending[0], "", pending[1]))
            pending = None
        if kind is Kind.DATE:
            date = text
            dates += 1
        else:
            pending = (text, date)
    if pending is not None:
        papers.append(ParsedPaper(pending[0], "", pending[1]))
    return ParsedDump(
        papers=tuple(papers),
        skipped=tuple(skipped),
        unplaced=tuple(unplaced),
        date_lines=dates,
    )


def _abstract_follows(units: list[_Unit], index: int, longer_than: int = 0) -> bool:
    for later in range(index + 1, len(units)):
        kind, text = units[later][:2]
        if kind is not Kind.NOISE:
            return kind is Kind.ABSTRACT and len(text) > longer_than
    return False
