"""Two texts side by side, with the words that differ marked: what the review of a pair
of possible duplicates shows, so the eye goes to the difference at once."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from readlist.core import normalize

# A word with the spaces after it: the pieces keep the text exactly as it was given.
_PIECE = re.compile(r"\S+\s*|\s+")

Marked = list[tuple[str, bool]]  # runs of the text, each with whether it differs


def _key(piece: str) -> str:
    """A word as compared: case, accents and punctuation do not count as differences."""
    return " ".join(normalize.words(piece)) or piece.strip()


def _runs(pieces: list[str], differs: list[bool]) -> Marked:
    runs: Marked = []
    for piece, marked in zip(pieces, differs, strict=True):
        if runs and runs[-1][1] == marked:
            runs[-1] = (runs[-1][0] + piece, marked)
        else:
            runs.append((piece, marked))
    return runs


def differing_words(a: str, b: str) -> tuple[Marked, Marked]:
    """Each text as runs of (text, differs): the words of `a` not in `b` (in order, as
    difflib matches word sequences) and the words of `b` not in `a`. Joining a side's
    runs gives its text back exactly."""
    pieces_a, pieces_b = _PIECE.findall(a), _PIECE.findall(b)
    matcher = SequenceMatcher(
        None, [_key(p) for p in pieces_a], [_key(p) for p in pieces_b], autojunk=False
    )
    differs_a, differs_b = [True] * len(pieces_a), [True] * len(pieces_b)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            differs_a[i1:i2] = [False] * (i2 - i1)
            differs_b[j1:j2] = [False] * (j2 - j1)
    return _runs(pieces_a, differs_a), _runs(pieces_b, differs_b)
