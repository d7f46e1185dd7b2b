"""The filter language, parsed into a plan the store runs.

    diffusion "video generation" -survey title:mamba is:starred has:note a OR b

Terms are ANDed; OR joins the items either side of it into alternatives (so
``a OR b c`` means (a or b) and c, as in most search boxes). Any text is a
valid query: what cannot be read as an operator is read as words, and what
has no words in it is ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

Field = Literal["title", "abstract", "note"]
StateName = Literal["starred", "read", "unread", "note"]

FIELDS: tuple[Field, ...] = ("title", "abstract", "note")
_STATES: dict[str, StateName] = {
    "is:starred": "starred",
    "is:star": "starred",
    "is:read": "read",
    "is:unread": "unread",
    "has:note": "note",
    "has:notes": "note",
}
_FIELD_PREFIX = re.compile(r"(title|abstract|note):", re.IGNORECASE)
# Control characters, and lone surrogates (an argument that is not UTF-8, as Python reads it).
# Compiled on first use, by re's own cache: this class takes a millisecond to compile, and
# a query that is all printable (nearly every one) never needs it.
_CONTROL = r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]"


@dataclass(frozen=True, slots=True)
class Term:
    """Words that must appear: a prefix match, or an exact phrase when quoted."""

    text: str
    field: Field | None = None
    phrase: bool = False
    negated: bool = False


@dataclass(frozen=True, slots=True)
class State:
    """is:starred, is:read, is:unread or has:note; `negated` for a leading "-"."""

    name: StateName
    negated: bool = False


Item = Term | State


@dataclass(frozen=True, slots=True)
class Query:
    """A conjunction of clauses; each clause is one item or several OR-ed ones."""

    clauses: tuple[tuple[Item, ...], ...] = ()
    text: str = ""

    @property
    def is_empty(self) -> bool:
        return not self.clauses

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


def _item(token: str, quoted: bool) -> Item | None:
    prefix, _, body = token.partition("\x00") if quoted else (token, "", "")
    negated = False
    if prefix.startswith("-"):
        negated, prefix = True, prefix[1:]
    field: Field | None = None
    match = _FIELD_PREFIX.match(prefix)
    if match and (quoted or len(prefix) > match.end()):
        field = match.group(1).lower()  # type: ignore[assignment]
        prefix = prefix[match.end() :]
    if quoted:
        text = (prefix + " " + body).strip() if prefix else body
        return Term(text, field, phrase=True, negated=negated) if _has_word(text) else None
    state = _STATES.get(prefix.lower()) if field is None else None
    if state is not None:
        return State(state, negated)
    return Term(prefix, field, negated=negated) if _has_word(prefix) else None


def parse_query(text: str) -> Query:
    """Never raises: any string is a query."""
    clauses: list[list[Item]] = []
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
        if join_next:
            clauses[-1].append(item)
        else:
            clauses.append([item])
        join_next = False
    return Query(tuple(tuple(c) for c in clauses), text)
