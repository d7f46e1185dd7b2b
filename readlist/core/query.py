"""The filter language, parsed into a plan the store runs.

    diffusion "video generation" -survey title:mamba is:starred has:note a OR b

Terms are ANDed; OR joins the items either side of it into alternatives (so
``a OR b c`` means (a or b) and c, as in most search boxes). Any text is a
valid query: what cannot be read as an operator is read as words, and what
has no words in it is ignored.

Two kinds of word are read as a filter the user got wrong, dropped from the query and
kept as a `Hint` that says so (the rest of the query still runs): `is:` or `has:` with
a value the language lacks (`is:stared`, `has:abstract`, a bare `is:`), and a field
with no word after it (`title:`, `note:""`). Any other word with a colon (`arXiv:2401`,
`foo:bar`) is text, as it may well be in a title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

SearchField = Literal["title", "abstract", "note"]
StateName = Literal["starred", "read", "unread", "note"]

FIELDS: tuple[SearchField, ...] = ("title", "abstract", "note")
_STATES: dict[str, StateName] = {
    "is:starred": "starred",
    "is:star": "starred",
    "is:read": "read",
    "is:unread": "unread",
    "has:note": "note",
    "has:notes": "note",
}
# Each state's own spelling, the one a hint suggests: the first key for it above.
_WRITTEN_AS: dict[StateName, str] = {name: key for key, name in reversed(_STATES.items())}
_OPERATORS = ("is:", "has:")
_NEGATIONS = ("un", "not", "non", "no")  # is:unstarred means -is:starred
_FIELD_PREFIX = re.compile(r"(title|abstract|note):", re.IGNORECASE)
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
    """is:starred, is:read, is:unread or has:note; `negated` for a leading "-"."""

    name: StateName
    negated: bool = False


Item = Term | State


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


def _item(token: str, quoted: bool) -> Item | Hint | None:
    prefix, _, body = token.partition("\x00") if quoted else (token, "", "")
    word = prefix + (f'"{body}"' if quoted else "")
    negated = False
    if prefix.startswith("-"):
        negated, prefix = True, prefix[1:]
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
