"""Title and abstract normal forms shared by dedupe and search.

Stored text is never normalised; these forms only decide what counts as
"the same words".
"""

from __future__ import annotations

import re
import unicodedata

# Inline math and common LaTeX markup seen in paper titles: "$f$-DVL", "\textbf{X}".
_LATEX_CMD = re.compile(r"\\[a-zA-Z]+\*?\s*(?:\{([^{}]*)\})?")
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u2043\ufe58\ufe63\uff0d]")
_WORD = re.compile(r"[^\W_]+")
_ASCII_WORD = re.compile(r"[a-z0-9]+")  # _WORD within lower-case ASCII
_DIGITS = re.compile(r"\d+")

# British -> American spellings, so "Optimisation" and "Optimization" are one title.
_BRITISH = re.compile(
    r"\b(\w{3,})(?:(isation)|is(e|ed|es|ing)|ys(e|ed|es|ing)|ll(ed|ing)|(our|tre))\b"
)


def _american(match: re.Match[str]) -> str:
    stem, isation, ise, yse, lled, our_tre = match.groups()
    if isation:
        return stem + "ization"
    if ise:
        return stem + "iz" + ise
    if yse:
        return stem + "yz" + yse
    if lled:
        return stem + "l" + lled
    return stem + ("or" if our_tre == "our" else "ter")


def strip_latex(text: str) -> str:
    """Drop math delimiters and LaTeX commands but keep their arguments."""
    if "\\" not in text and "$" not in text and "{" not in text:
        return text
    text = text.replace("$", "")
    previous = None
    while previous != text:  # nested commands unwrap one level per pass
        previous = text
        text = _LATEX_CMD.sub(lambda m: m.group(1) or "", text)
    return text.replace("{", "").replace("}", "")


def fold(text: str) -> str:
    """Case, width and dash variants folded; what every other form starts from."""
    if not text.isascii():
        text = _DASHES.sub("-", unicodedata.normalize("NFKC", text))
    return strip_latex(text).casefold()


def has_word(text: str) -> bool:
    return _WORD.search(text) is not None


def words(text: str) -> list[str]:
    """Folded words, punctuation dropped: the unit abstracts are compared in.

    Plain ASCII with no LaTeX takes a simpler pattern over the lower-cased text, a third
    faster, with the same words (a property test checks)."""
    if text.isascii() and "\\" not in text and "$" not in text and "{" not in text:
        return _ASCII_WORD.findall(text.lower())
    return _WORD.findall(fold(text))


def match_title(title: str) -> str:
    """A title as dedupe compares it: folded words, British spellings made American.

    Stored beside each paper so that candidates are compared without re-reading
    or re-normalising their text.
    """
    text = " ".join(words(title))
    return _BRITISH.sub(_american, text) if text else fold(title).strip()


def title_key(match: str) -> str:
    """The exact-match key: no separators, so "Pre-training" == "Pretraining"."""
    return match.replace(" ", "")


def numbers(match: str) -> tuple[str, ...]:
    """Digit runs in a title: "YOLOv9" and "YOLOv10" differ here and nowhere else."""
    return tuple(sorted(m.lstrip("0") or "0" for m in _DIGITS.findall(match)))
