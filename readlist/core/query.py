"""The filter language, parsed into a plan the store runs.

    diffusion "video generation" -survey title:mamba is:starred has:note a OR b
    author:lecun id:2504.01234 has:code upvotes>=20 published>=2026-01

Terms are ANDed; OR joins the items either side of it into alternatives (so
``a OR b c`` means (a or b) and c, as in most search boxes). Any text is a
valid query: what cannot be read as an operator is read as words, and what
has no words in it is ignored.

A word the user got wrong as a filter is dropped from the query and kept as a `Hint`
that says so (the rest of the query still runs): `is:` or `has:` with a value the
language lacks (`is:stared`, `has:abstract`, a bare `is:`), a field with no word after
it (`title:`, `note:""`, `author:`), an `id:` that is no arXiv id, and a comparison
whose value is no count or date (`upvotes>=lots`, `published>=yesterday`) or whose name
is nearly `upvotes` or `published` (`upvote>=5`). Any other word with a colon
(`arXiv:2401`, `foo:bar`) is text, as it may well be in a title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from readlist.core.arxiv import parse_id

SearchField = Literal["title", "abstract", "note"]
StateName = Literal[
    "starred", "read", "unread", "note", "withdrawn", "code", "id", "authors", "deleted"
]
RangeField = Literal["upvotes", "published"]

FIELDS: tuple[SearchField, ...] = ("title", "abstract", "note")
_STATES: dict[str, StateName] = {
    "is:starred": "starred",
    "is:star": "starred",
    "is:read": "read",
    "is:unread": "unread",
    "is:withdrawn": "withdrawn",
    "has:note": "note",
    "has:notes": "note",
    "has:code": "code",
    "has:id": "id",
    "has:authors": "authors",
    "has:author": "authors",
    "is:deleted": "deleted",
}
# Each state's own spelling, the one a hint suggests: the first key for it above.
_WRITTEN_AS: dict[StateName, str] = {name: key for key, name in reversed(_STATES.items())}
_OPERATORS = ("is:", "has:")
_NEGATIONS = ("un", "not", "non", "no")  # is:unstarred means -is:starred
_FIELD_PREFIX = re.compile(r"(title|abstract|note):", re.IGNORECASE)
_COMPARISON = re.compile(r"([a-z_]+)(>=|<=|>|<|=)(.*)", re.IGNORECASE | re.DOTALL)
_RANGE_FIELDS: tuple[RangeField, ...] = ("upvotes", "published")
_RANGE_NAMED: dict[str, RangeField] = {name: name for name in _RANGE_FIELDS}
# The examples a hint about each field's value suggests.
_EXAMPLE: dict[RangeField, str] = {"upvotes": "20", "published": "2026-01-01"}
# Counts past this are all "more than any paper has"; SQLite's integers stop at 2**63.
_MOST = 2**62
_ARXIV_PAGE = re.compile(
    r"(?:https?://)?(?:www\.|export\.)?(?:arxiv\.org/(?:abs|pdf)|huggingface\.co/papers)/",
    re.IGNORECASE,
)
_DAY = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?")
# Control characters, and lone surrogates (an argument that is not UTF-8, as Python reads it).
# Compiled on first use, by re's own cache: this class takes a millisecond to compile, and
# a query that is all printable (nearly every one) never needs it.
_CONTROL = r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]"


@dataclass(frozen=True, slots=True)
class Term:
    """Words that must appear: a prefix match, or an exact phrase when quoted."""

    text: str
    field: SearchField | None = None
    phrase: bool = False
    negated: bool = False


@dataclass(frozen=True, slots=True)
class State:
    """A yes or no of a paper: the user's (is:starred, is:read, is:unread, has:note,
    is:deleted) or its listing's (is:withdrawn, has:code, has:id, has:authors); `negated`
    for a "-". is:deleted also says which papers the query looks at (Query.in_trash)."""

    name: StateName
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Author:
    """author:NAME: a word of any author's name, as a prefix, or their words in a row
    when quoted. Not a Term: it matches the authors, which no word of a query does."""

    text: str
    phrase: bool = False
    negated: bool = False


@dataclass(frozen=True, slots=True)
class ArxivId:
    """id:2504.01234: the paper with that arXiv id, whatever version the user named."""

    arxiv_id: str
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Range:
    """upvotes>=20, published<2026-03, published=2026: papers whose field lies from
    `low` (inclusive) up to `high` (exclusive), either end open when None. A year or a
    month is a span, so published<=2026-03 ends where April starts. A paper with no
    such field is in no range (and so in every negated one)."""

    field: RangeField
    low: int | str | None = None
    high: int | str | None = None
    negated: bool = False


Item = Term | State | Author | ArxivId | Range


@dataclass(frozen=True, slots=True)
class Hint:
    """A word dropped from the query because it names no filter, and what to type
    instead: "matches nothing" is silent, so the status bar and the CLI say this."""

    word: str  # as typed, with its "-"
    message: str  # "unknown filter is:stared — did you mean is:starred?"


@dataclass(frozen=True, slots=True)
class Query:
    """A conjunction of clauses; each clause is one item or several OR-ed ones."""

    clauses: tuple[tuple[Item, ...], ...] = ()
    text: str = ""
    hints: tuple[Hint, ...] = ()  # the words left out of `clauses`, in order

    @property
    def is_empty(self) -> bool:
        return not self.clauses

    @property
    def in_trash(self) -> bool:
        """Whether the query looks in the trash (is:deleted) rather than at the library:
        a paper in the trash is in no other view, and the trash holds nothing else."""
        return any(item == State("deleted") for clause in self.clauses for item in clause)

    def highlight_terms(self) -> tuple[str, ...]:
        """The words a view should highlight: every positive term."""
        return tuple(
            item.text
            for clause in self.clauses
            for item in clause
            if isinstance(item, Term) and not item.negated
        )


def _has_word(text: str) -> bool:
    return any(ch.isalnum() for ch in text)


def _tokens(text: str) -> list[tuple[str, bool]]:
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
                out.extend(_tokens(prefix + text[i + 1 :]))
                return out
            out.append((prefix + "\x00" + text[i + 1 : end], True))
            i = end + 1
        else:
            out.append((prefix, False))
    return out


def _state_named(operator: str, value: str) -> StateName | None:
    """The state `value` names after `operator`, or after the other operator."""
    for key in (operator + value, *(o + value for o in _OPERATORS)):
        if key in _STATES:
            return _STATES[key]
    return None


def _state_hint(word: str, operator: str, value: str, negated: bool) -> Hint:
    """What to say about `is:`/`has:` followed by a value the language lacks: the
    filter it most likely means, else the values `operator` takes."""
    import difflib  # only a mistyped filter needs it, not every start

    ours = {
        key.partition(":")[2]: name for key, name in _STATES.items() if key.startswith(operator)
    }
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
        return Hint(word, f"unknown filter {word} — did you mean {guess}?")
    values = [_WRITTEN_AS[name].partition(":")[2] for name in dict.fromkeys(ours.values())]
    known = ", ".join(values[:-1]) + " or " + values[-1] if len(values) > 1 else values[0]
    return Hint(word, f"unknown filter {word} — {operator} takes {known}")


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


def _range(field: RangeField, operator: str, value: str, negated: bool) -> Range | None:
    """The range `field operator value` means, or None when `value` is no count (for
    upvotes) or no year, month or day (for published)."""
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
    return Range(field, low, high, negated)


def _identity_item(
    prefix: str, quoted: bool, body: str, word: str, negated: bool
) -> Item | Hint | None:
    """author:, id:, upvotes and published comparisons, or None when `prefix` is none."""
    sign = "-" if negated else ""
    lowered = prefix.lower()
    if lowered.startswith("author:"):
        name = prefix[len("author:") :]
        text = ((name + " " + body).strip() if name else body) if quoted else name
        if _has_word(text):
            return Author(text, phrase=quoted, negated=negated)
        return Hint(word, f"empty filter {word} — write {sign}author:name")
    raw = prefix + body
    if lowered.startswith("id:"):
        value = raw[len("id:") :]
        found = arxiv_id(value)
        if found is not None:
            return ArxivId(found, negated)
        if not value.strip():
            return Hint(word, f"empty filter {word} — write {sign}id:2504.01234")
        return Hint(word, f"unknown filter {word} — write an arXiv id: {sign}id:2504.01234")
    for named in _RANGE_FIELDS:  # upvotes:20, as other sites write it
        if lowered.startswith(named + ":"):
            value = raw[len(named) + 1 :]
            if value[:1] in "<>=" and value:
                guess = f"{sign}{named}{value}"
            else:
                guess = f"{sign}{named}{'>=' if named == 'upvotes' else '='}"
                guess += value or _EXAMPLE[named]
            return Hint(word, f"unknown filter {word} — did you mean {guess}?")
    match = _COMPARISON.fullmatch(raw)
    if match is None:
        return None
    name, operator, value = match.group(1).lower(), match.group(2), match.group(3)
    field = _RANGE_NAMED.get(name)
    if field is not None:
        found_range = _range(field, operator, value, negated)
        if found_range is not None:
            return found_range
        what = "a count" if field == "upvotes" else "a year, month or day"
        example = f"{sign}{field}{operator}{_EXAMPLE[field]}"
        if not value:
            return Hint(word, f"empty filter {word} — write {example}")
        return Hint(word, f"unknown filter {word} — write {what}: {example}")
    import difflib  # only a word with a comparison in it needs it, not every start

    close = difflib.get_close_matches(name, list(_RANGE_FIELDS), n=1, cutoff=0.7)
    if close:
        return Hint(
            word, f"unknown filter {word} — did you mean {sign}{close[0]}{operator}{value}?"
        )
    return None  # a=b in a title is text


def _item(token: str, quoted: bool) -> Item | Hint | None:
    prefix, _, body = token.partition("\x00") if quoted else (token, "", "")
    word = prefix + (f'"{body}"' if quoted else "")
    negated = False
    if prefix.startswith("-"):
        negated, prefix = True, prefix[1:]
    if ":" in prefix or "=" in prefix or "<" in prefix or ">" in prefix:
        identity = _identity_item(prefix, quoted, body, word, negated)
        if identity is not None:
            return identity
    field: SearchField | None = None
    match = _FIELD_PREFIX.match(prefix)
    if match:  # a field with no word after it is a hint, below
        field = match.group(1).lower()  # type: ignore[assignment]
        prefix = prefix[match.end() :]
    if quoted:
        text = (prefix + " " + body).strip() if prefix else body
        if _has_word(text):
            return Term(text, field, phrase=True, negated=negated)
    elif field is None:
        lowered = prefix.lower()
        state = _STATES.get(lowered)
        if state is not None:
            return State(state, negated)
        operator = next((o for o in _OPERATORS if lowered.startswith(o)), None)
        if operator is not None:
            return _state_hint(word, operator, lowered[len(operator) :], negated)
    if _has_word(prefix) and not quoted:
        return Term(prefix, field, negated=negated)
    if field is not None:
        sign = "-" if negated else ""
        return Hint(word, f"empty filter {word} — write {sign}{field}:word")
    return None


def parse_query(text: str) -> Query:
    """Never raises: any string is a query. A word that names no filter is left out,
    with a hint, so the rest of the query still runs."""
    clauses: list[list[Item]] = []
    hints: list[Hint] = []
    join_next = False
    # isprintable is false for every character _CONTROL matches: the quick test
    words = text if text.isprintable() else re.sub(_CONTROL, " ", text)
    for token, quoted in _tokens(words):
        if token == "OR" and not quoted:
            join_next = bool(clauses)
            continue
        item = _item(token, quoted)
        if item is None:
            continue
        if isinstance(item, Hint):
            hints.append(item)
            if not join_next:  # the place of its clause: `is:x OR is:read` is is:read
                clauses.append([])
            join_next = False
            continue
        if join_next:
            clauses[-1].append(item)
        else:
            clauses.append([item])
        join_next = False
    return Query(tuple(tuple(c) for c in clauses if c), text, tuple(hints))
