"""The filter language, parsed into a plan the store runs.

    diffusion "video generation" -survey title:mamba is:starred has:note a OR b
    author:lecun id:2504.01234 has:code upvotes>=20 published>=2026-01
    tag:to-read is:new saved:weekly

Terms are ANDed; OR joins the items either side of it into alternatives (so
``a OR b c`` means (a or b) and c, as in most search boxes). Any text is a
valid query: what cannot be read as an operator is read as words, and what
has no words in it is ignored.

A word the user got wrong as a filter is dropped from the query and kept as a `Hint`
that says so (the rest of the query still runs): `is:` or `has:` with a value the
language lacks (`is:stared`, `has:abstract`, a bare `is:`), a field with no word after
it (`title:`, `note:""`, `author:`), an `id:` that is no arXiv id, and a comparison
whose value is no count or date (`upvotes>=lots`, `published>=yesterday`) or whose name
is nearly `upvotes` or `published` (`upvote>=5`), and a `saved:` that names no saved
search, or names itself. Any other word with a colon (`arXiv:2401`, `foo:bar`) is text,
as it may well be in a title.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal

from readlist.core.query_values import CONTROL as _CONTROL
from readlist.core.query_values import (
    OPERATORS,
    STATES,
    StateName,
    arxiv_id,
    bounds,
    tokens,
    unknown_state,
)

SearchField = Literal["title", "abstract", "note"]
RangeField = Literal["upvotes", "published"]

FIELDS: tuple[SearchField, ...] = ("title", "abstract", "note")
# The saved: words one query may expand, counting those inside saved searches: searches
# that name each other twice at every level would otherwise grow without bound.
SAVED_EXPANSIONS = 256
_FIELD_PREFIX = re.compile(r"(title|abstract|note):", re.IGNORECASE)
_COMPARISON = re.compile(r"([a-z_]+)(>=|<=|>|<|=)(.*)", re.IGNORECASE | re.DOTALL)
_RANGE_FIELDS: tuple[RangeField, ...] = ("upvotes", "published")
_RANGE_NAMED: dict[str, RangeField] = {name: name for name in _RANGE_FIELDS}
# The examples a hint about each field's value suggests.
_EXAMPLE: dict[RangeField, str] = {"upvotes": "20", "published": "2026-01-01"}


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


@dataclass(frozen=True, slots=True)
class Tag:
    """tag:NAME: the papers the user tagged NAME, whatever its case."""

    name: str
    negated: bool = False


Item = Term | State | Author | ArxivId | Range | Tag


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


def _range(field: RangeField, operator: str, value: str, negated: bool) -> Range | None:
    """The range `field operator value` means, or None when `value` is no count (for
    upvotes) or no year, month or day (for published)."""
    found = bounds(field, operator, value)
    return None if found is None else Range(field, found[0], found[1], negated)


def _identity_item(
    prefix: str, quoted: bool, body: str, word: str, negated: bool
) -> Item | Hint | None:
    """author:, id:, upvotes and published comparisons, or None when `prefix` is none."""
    sign = "-" if negated else ""
    lowered = prefix.lower()
    if lowered.startswith("tag:"):
        tag = prefix[len("tag:") :] + (body if quoted else "")
        if tag.strip():
            return Tag(tag.strip(), negated)
        return Hint(word, f"empty filter {word} — write {sign}tag:name")
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
        state = STATES.get(lowered)
        if state is not None:
            return State(state, negated)
        operator = next((o for o in OPERATORS if lowered.startswith(o)), None)
        if operator is not None:
            return Hint(word, unknown_state(word, operator, lowered[len(operator) :], negated))
    if _has_word(prefix) and not quoted:
        return Term(prefix, field, negated=negated)
    if field is not None:
        sign = "-" if negated else ""
        return Hint(word, f"empty filter {word} — write {sign}{field}:word")
    return None


def parse_query(text: str, saved: Mapping[str, str] | None = None) -> Query:
    """Never raises: any string is a query. A word that names no filter is left out,
    with a hint, so the rest of the query still runs. `saved` holds the library's saved
    searches (name -> query): `saved:NAME` is read as NAME's query, whatever the case
    of NAME. The caller reads them, so that parsing stays free of the library."""
    folded = {name.casefold(): (name, query) for name, query in (saved or {}).items()}
    return _parse(text, folded, (), [SAVED_EXPANSIONS])


def _saved_clauses(
    word: str,
    name: str,
    negated: bool,
    saved: Mapping[str, tuple[str, str]],
    within: tuple[str, ...],
    budget: list[int],
) -> tuple[tuple[tuple[Item, ...], ...], tuple[Hint, ...]]:
    """The clauses `saved:NAME` stands for and the hints of its query, or no clauses and
    a hint: for an unknown name, a search that names itself, or a "-" before a search
    of several terms (the language has no "not both")."""
    sign = "-" if negated else ""
    if not name:
        return (), (Hint(word, f"empty filter {word} — write {sign}saved:name"),)
    found = saved.get(name.casefold())
    if found is None:
        known = ", ".join(sorted((spelled for spelled, _ in saved.values()), key=str.casefold))
        said = (
            f"saved searches: {known}" if known else "none is saved (readlist saved set NAME QUERY)"
        )
        return (), (Hint(word, f"unknown saved search {word} — {said}"),)
    spelled, text = found
    if name.casefold() in within:
        return (), (Hint(word, f"saved search {spelled} names itself; {word} left out"),)
    budget[0] -= 1
    if budget[0] < 0:
        message = f"saved searches name others more than {SAVED_EXPANSIONS} times; {word} left out"
        return (), (Hint(word, message),)
    inner = _parse(text, saved, (*within, name.casefold()), budget)
    hints = tuple(Hint(word, f"in {word}: {hint.message}") for hint in inner.hints)
    clauses = inner.clauses
    if negated and clauses:
        if all(len(clause) == 1 for clause in clauses):  # not (a and b): -a OR -b
            clauses = (tuple(replace(c[0], negated=not c[0].negated) for c in clauses),)
        elif len(clauses) == 1:  # not (a or b): -a -b
            clauses = tuple((replace(item, negated=not item.negated),) for item in clauses[0])
        else:
            message = f"{word} cannot be negated whole (its terms mix AND and OR); left out"
            return (), (*hints, Hint(word, message))
    return clauses, hints


def _parse(
    text: str, saved: Mapping[str, tuple[str, str]], within: tuple[str, ...], budget: list[int]
) -> Query:
    clauses: list[list[Item]] = []
    hints: list[Hint] = []
    join_next = False
    several = ""  # the saved: just read, when it holds several clauses (no OR joins it)
    # isprintable is false for every character _CONTROL matches: the quick test
    words = text if text.isprintable() else re.sub(_CONTROL, " ", text)
    for token, quoted in tokens(words):
        if token == "OR" and not quoted:
            if several:
                hints.append(Hint("OR", f"OR after {several} (several terms) reads as AND"))
            join_next = bool(clauses) and not several
            continue
        several = ""
        negated = token.startswith("-")
        if not quoted and token[negated:][:6].lower() == "saved:":
            name = token[negated + 6 :]
            more, said = _saved_clauses(token, name, negated, saved, within, budget)
            hints += said
            if join_next and len(more) > 1:
                hints.append(Hint("OR", f"OR before {token} (several terms) reads as AND"))
            if join_next and len(more) == 1:  # a search of one clause ORs as a word does
                clauses[-1] += more[0]
            else:
                clauses += (list(clause) for clause in more)
            if not more and not join_next:  # as a hint's word does (below)
                clauses.append([])
            several = token if len(more) > 1 else ""
            join_next = False
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
