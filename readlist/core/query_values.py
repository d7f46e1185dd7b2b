"""The words of a filter, and the values of its comparisons (upvotes>=20,
published<2026-03): a query split into words and phrases, arXiv ids, counts, and days,
months and years as the spans of ISO dates they cover; and the values is: and has: take,
with what to say of one the language lacks. Part of readlist.core.query: the parser there
builds the query's items from these values, and these know nothing of the items."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Literal

from readlist.core.arxiv import parse_id

# Counts past this are all "more than any paper has"; SQLite's integers stop at 2**63.
_MOST = 2**62
_DAY = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
_ARXIV_PAGE = re.compile(
    r"(?:https?://)?(?:www\.|export\.)?(?:arxiv\.org/(?:abs|pdf)|huggingface\.co/papers)/",
    re.IGNORECASE,
)

# Control characters, and lone surrogates (an argument that is not UTF-8, as Python reads it).
# Compiled on first use, by re's own cache: this class takes a millisecond to compile, and
# a query that is all printable (nearly every one) never needs it.
CONTROL = r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]"


def tokens(text: str) -> list[tuple[str, bool]]:
    """Split into (token, quoted) pairs. A quote with no partner is text, not a phrase:
    half-typed (`"video gen`) or stray (`-"`), it never turns the words after it into one
    phrase, or a negated one."""
    out: list[tuple[str, bool]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch.isspace():
            i += 1
            continue
        start = i
        while i < n and not text[i].isspace() and text[i] != '"':
            i += 1
        prefix = text[start:i]
        if i < n and text[i] == '"':
            end = text.find('"', i + 1)
            if end == -1:  # unbalanced: the quote is dropped, the words stay words
                out.extend(tokens(prefix + text[i + 1 :]))
                return out
            out.append((prefix + "\x00" + text[i + 1 : end], True))
            i = end + 1
        else:
            out.append((prefix, False))
    return out


def arxiv_id(text: str) -> str | None:
    """The arXiv id `text` names, without its version: a bare id (2504.01234v2,
    hep-th/9901001), one with an `arXiv:` prefix, or its page on arXiv or Hugging Face."""
    text = _ARXIV_PAGE.sub("", text.strip(), count=1)
    found = parse_id(text.removesuffix(".pdf"))
    return found[0] if found else None


def _count(value: str) -> int | None:
    if not re.fullmatch(r"[0-9]+", value):
        return None
    return _MOST if len(value) > 18 else min(int(value), _MOST)


def _span(value: str) -> tuple[str, str | None] | None:
    """A year, month or day as the ISO strings where it starts and where the next one
    starts (None past 9999): published dates compare as strings."""
    match = _DAY.fullmatch(value)
    if match is None:
        return None
    written = match.groups()  # the month and day are None when not written
    year, month, day = (int(g or 1) for g in written)
    try:
        if written[2]:
            start = date(year, month, day)
            last = start == date.max
            return start.isoformat(), None if last else (start + timedelta(days=1)).isoformat()
        if written[1]:
            date(year, month, 1)  # a month that exists
            following = (year + 1, 1) if month == 12 else (year, month + 1)
            after = f"{following[0]:04}-{following[1]:02}" if following[0] <= 9999 else None
            return f"{year:04}-{month:02}", after
        date(year, 1, 1)
    except ValueError:
        return None
    return f"{year:04}", (f"{year + 1:04}" if year < 9999 else None)


def bounds(
    field: Literal["upvotes", "published"], operator: str, value: str
) -> tuple[int | str | None, int | str | None] | None:
    """Where `field operator value` starts (inclusive) and ends (exclusive), either end
    open when None; None when `value` is no count (for upvotes) or no year, month or
    day (for published)."""
    start: int | str
    after: int | str | None
    if field == "upvotes":
        count = _count(value)
        if count is None:
            return None
        start, after = count, count + 1
    else:
        span = _span(value)
        if span is None:
            return None
        start, after = span
    low, high = {
        ">=": (start, None),
        ">": (after, None) if after is not None else (start, start),  # past the last
        "<=": (None, after),
        "<": (None, start),
        "=": (start, after),
    }[operator]
    return low, high


# The states is: and has: name, and how a query may spell each.
StateName = Literal[
    "starred", "read", "unread", "note", "withdrawn", "code", "id", "authors", "new", "deleted"
]
STATES: dict[str, StateName] = {
    "is:starred": "starred",
    "is:star": "starred",
    "is:read": "read",
    "is:unread": "unread",
    "is:withdrawn": "withdrawn",
    "is:new": "new",
    "has:note": "note",
    "has:notes": "note",
    "has:code": "code",
    "has:id": "id",
    "has:authors": "authors",
    "has:author": "authors",
    "is:deleted": "deleted",
}
# Each state's own spelling, the one a hint suggests: the first key for it above.
_WRITTEN_AS: dict[StateName, str] = {name: key for key, name in reversed(STATES.items())}
OPERATORS = ("is:", "has:")
_NEGATIONS = ("un", "not", "non", "no")


def _state_named(operator: str, value: str) -> StateName | None:
    """The state `value` names after `operator`, or after the other operator."""
    for key in (operator + value, *(o + value for o in OPERATORS)):
        if key in STATES:
            return STATES[key]
    return None


def unknown_state(word: str, operator: str, value: str, negated: bool) -> str:
    """What to say about `is:`/`has:` followed by a value the language lacks: the
    filter it most likely means, else the values `operator` takes."""
    import difflib  # only a mistyped filter needs it, not every start

    ours = {key.partition(":")[2]: name for key, name in STATES.items() if key.startswith(operator)}
    guess: str | None = None
    for negation in _NEGATIONS:  # is:unstarred -> -is:starred
        rest = value.removeprefix(negation).lstrip("-_")
        if rest != value and (name := _state_named(operator, rest)) is not None:
            guess = ("" if negated else "-") + _WRITTEN_AS[name]
            break
    else:
        name = _state_named(operator, value)  # has:starred -> is:starred
        close = difflib.get_close_matches(value, list(ours), n=1, cutoff=0.6)
        if name is None and close:
            name = ours[close[0]]
        if name is not None:
            guess = ("-" if negated else "") + _WRITTEN_AS[name]
    if guess is not None:
        return f"unknown filter {word} — did you mean {guess}?"
    values = [_WRITTEN_AS[name].partition(":")[2] for name in dict.fromkeys(ours.values())]
    known = ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else values[0]
    return f"unknown filter {word} — {operator} takes {known}"
