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
_NON_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"[^\W_]+")
_DIGITS = re.compile(r"\d+")

# British -> American spellings, folded for fuzzy comparison only.
_SPELLING = [
    (re.compile(r"isation"), "ization"),
    (re.compile(r"(\w{3})is(e|ed|es|ing)\b"), r"\1iz\2"),
    (re.compile(r"(\w{2})ys(e|ed|es|ing)\b"), r"\1yz\2"),
    (re.compile(r"(\w{3})ll(ed|ing)\b"), r"\1l\2"),
    (re.compile(r"(\w{3})our\b"), r"\1or"),
    (re.compile(r"(\w{3})tre\b"), r"\1ter"),
]


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
    text = unicodedata.normalize("NFKC", text)
    text = _DASHES.sub("-", text)
    return strip_latex(text).casefold()


def has_word(text: str) -> bool:
    return _WORD.search(text) is not None


def words(text: str) -> list[str]:
    """Folded words, punctuation dropped: the unit abstracts are compared in."""
    return _WORD.findall(fold(text))


def title_key(title: str) -> str:
    """The exact-match key: letters and digits only, so "Pre-training" == "Pretraining"."""
    folded = fold(title)
    return _NON_WORD.sub("", folded) or folded.strip()


def fuzzy_title(title: str) -> str:
    """The title as fuzzy scoring sees it: British spellings folded, no separators."""
    text = " ".join(words(title))
    for pattern, replacement in _SPELLING:
        text = pattern.sub(replacement, text)
    return text.replace(" ", "")


def numbers(title: str) -> tuple[str, ...]:
    """Digit runs in a title: "YOLOv9" and "YOLOv10" differ here and nowhere else."""
    return tuple(sorted(m.lstrip("0") or "0" for m in _DIGITS.findall(fold(title))))
