"""The shape of one piece of a dump's text: a title, an abstract, or neither.

A title is short, at most a question and a subtitle, and rarely ends with a full stop;
an abstract is sentences. parse.py reads a whole page with these, and decides by the
page's rhythm where one piece's shape cannot tell.
"""

from __future__ import annotations

import re
from enum import Enum

__all__ = [
    "ABSTRACT_MAX",
    "CLOSERS",
    "OPENERS",
    "TERMINAL",
    "TITLE_MAX",
    "Kind",
    "abstract_shaped",
    "classify",
    "may_be_title",
    "title_cased",
    "title_shaped",
]

TITLE_MAX = 300  # longer text is an abstract, whatever else it looks like
ABSTRACT_MAX = 5000  # arXiv caps abstracts at 1,920 characters: longer text is no abstract
_AMBIGUOUS_MAX = 200  # one sentence ending with "." up to this length might be a title

_TWO_LETTERS = re.compile(r"[^\W\d_].*?[^\W\d_]", re.DOTALL)
# A sentence ends at . ! or ? (maybe inside quotes or brackets) before a capital or digit.
# Curly quotes are written as escapes here: ruff rightly says they look like backticks.
_SENTENCE_END = re.compile(
    r"[.!?][\"')\]\u201d\u2019\u00bb]*\s+(?=[\"'(\[\u201c\u2018\u00ab]*[A-Z0-9])"
)
_ABBREVIATIONS = frozenset(
    ("al", "approx", "cf", "dr", "eq", "eqs", "etc", "fig", "figs", "mr", "mrs", "ms", "no")
) | frozenset(("ref", "resp", "sec", "st", "vol", "vs"))
CLOSERS = "\"')]\u201d\u2019\u00bb"
OPENERS = "\"'([\u201c\u2018\u00ab"
TERMINAL = (".", "!", "?", "\u3002", "\uff01", "\uff1f")  # and their CJK full-width forms


class Kind(Enum):
    """What a piece of a page is, as far as its own shape tells."""

    TITLE = "title"
    ABSTRACT = "abstract"
    AMBIGUOUS = "ambiguous"  # a short sentence ending with ".": the neighbours decide
    NOISE = "noise"  # fewer than two letters: upvote counts, bullets, rules
    DATE = "date"


def classify(unit: str) -> Kind:
    """Title, abstract or neither, from the unit's own shape.

    Titles are short, at most a question plus a subtitle ("Is X Enough? Y via Z"), and
    rarely end with a period; abstracts are several sentences that end with one. Anything
    longer than TITLE_MAX is an abstract outright, which is what keeps abstracts out of
    titles.
    """
    if not _TWO_LETTERS.search(unit):
        return Kind.NOISE
    if len(unit) > TITLE_MAX:
        return Kind.ABSTRACT
    periods, others = _sentence_ends(unit)
    if periods >= 2 or periods + others >= 3:
        return Kind.ABSTRACT
    if unit.rstrip(CLOSERS).endswith("."):
        if periods + others or len(unit) > _AMBIGUOUS_MAX:
            return Kind.ABSTRACT
        return Kind.AMBIGUOUS
    return Kind.TITLE


def _sentence_ends(unit: str) -> tuple[int, int]:
    """How many sentences end inside the unit with a full stop, and with ! or ?."""
    periods = others = 0
    for match in _SENTENCE_END.finditer(unit):
        end = start = match.start()
        if unit[end] != ".":
            others += 1
            continue
        while start and unit[start - 1].isalnum():
            start -= 1
        word = unit[start:end]  # "e.g." and initials leave one letter here
        periods += len(word) > 1 and word.lower() not in _ABBREVIATIONS
    return periods, others


def title_cased(line: str) -> bool:
    """Most of the line's words are capitalised. Short words ("a", "of", "for") are left
    out, as Title Case leaves them lowercase, unless too few longer words are left to
    tell: a title of short words capitalised ("A For For For For Attention") is one too."""
    words = [word.lstrip(OPENERS) for word in line.split()]
    words = [word for word in words if len(word) >= 2 and word[0].isalpha()]
    longer = [word for word in words if len(word) >= 4]
    if len(longer) >= 2:
        words = longer
    return len(words) >= 2 and 4 * sum(word[0].isupper() for word in words) >= 3 * len(words)


def abstract_shaped(unit: str) -> bool:
    """Reads as an abstract of the page: two sentences or more, in at most ABSTRACT_MAX
    characters; not one sentence alone, nor a block of code or a table, which is long but
    no sentences."""
    if len(unit) > TITLE_MAX:
        return len(unit) <= ABSTRACT_MAX and _SENTENCE_END.search(unit) is not None
    return classify(unit) is Kind.ABSTRACT


def may_be_title(unit: str, *, waited_for: bool) -> bool:
    """Short, and at most two sentences ("Is X Enough? Not All Y Is Needed."); in Title
    Case too where a title waits for its abstract, which such a text would otherwise be."""
    if len(unit) > TITLE_MAX or (waited_for and not title_cased(unit)):
        return False
    periods, others = _sentence_ends(unit)
    return periods + others <= 1


_MARKUP = re.compile(r"[`|{}<>=;\\]|://|^\W\W|[:,]$")


def title_shaped(unit: str) -> bool:
    """Reads as a title of the page: two words or more, starting with a letter or digit
    (maybe after one quote or bracket), with no markup or code in it (a Markdown heading,
    a table row, an assignment, a URL, a colon at the end), and not a sentence: a title
    ending with a full stop is one in Title Case."""
    return (
        " " in unit
        and _MARKUP.search(unit) is None
        and unit.lstrip(OPENERS)[:1].isalnum()
        and (not unit.rstrip(CLOSERS).endswith(".") or title_cased(unit))
    )
