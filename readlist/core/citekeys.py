"""Citation keys: `vaswani2017attention`, the first author's last name, the year published
and the first title word that is not a stopword, as Zotero makes them.

A key depends only on what a paper is (its authors, date, title, ids), never on readlist's
paper ids or the order the dumps came in: rebuilding a library from the same dumps in any
order gives every paper the same key, so documents citing them keep working.

One export never repeats a key. Two papers whose keys would be the same each get a tag
drawn from their own identity (`vaswani2017attentionkqd`), so which of them comes first
changes neither key. Knowing which keys repeat takes a pass over the papers before the
one that writes (`repeated_keys`): the export's memory grows by one small integer a paper.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from readlist.core.models import Paper

__all__ = ["CiteKeys", "bibtex_key", "last_name", "repeated_keys"]

# Zotero's own list (citeKeyTitleBannedRe in its BibTeX translator): articles and
# prepositions in English, German, French and Spanish; "l'" and "d'" are elisions.
_STOPWORDS = frozenset(
    {"a", "an", "the", "some", "from", "on", "in", "to", "of", "do", "with"}
    | {"der", "die", "das", "ein", "eine", "einer", "eines", "einem", "einen"}
    | {"un", "une", "la", "le", "l", "el", "las", "los", "al", "uno", "una", "unos", "unas"}
    | {"de", "des", "del", "d"}
)
# Letters NFKD does not split into a base letter and an accent.
_FOLD = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "TH",
        "\u0131": "i",  # dotless i
    }
)
_ELISION = re.compile(r"^[ldLD]['\u2019](?=\w)")
_NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
_WORD_MAX = 24
_TITLE_WORDS = 3  # without authors, the key is the title's first words that count
_YEAR = re.compile(r"(\d{4})(?:-|$)")
_TAG_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _ascii_slug(text: str) -> str:
    """Lower-case ASCII letters and digits only: "Łukasz-Müller" -> "lukaszmuller"."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return re.sub(r"[^a-z0-9]", "", folded.encode("ascii", "ignore").decode().lower())[:_WORD_MAX]


def last_name(author: str) -> str:
    """The family name in "Given Family" (or "Family, Given"), as Zotero splits an arXiv
    listing's names: the last word, past a "Jr." or "III"."""
    if "," in author:
        family = author.split(",", 1)[0].strip()
        if family:
            return family
    words = author.split()
    while len(words) > 1 and _ascii_slug(words[-1]) in _NAME_SUFFIXES:
        words.pop()
    return words[-1] if words else ""


def _title_words(title: str) -> list[str]:
    """The title's words that count for a key: folded, without stopwords or empty ones."""
    words = (_ascii_slug(_ELISION.sub("", word)) for word in title.split())
    return [word for word in words if word and word not in _STOPWORDS]


def _year(paper: Paper) -> str:
    match = _YEAR.match(paper.meta.published or "")
    return match[1] if match else ""


def bibtex_key(paper: Paper) -> str:
    """The paper's key before any tag: what it is cited as unless another paper in the
    same export has the same one.

    With authors, `lastnameYEARword`; without (or when the name has no ASCII letter), the
    title's first words that count and the year; with neither, `paper` and a digest of
    the title, stable for the same text.
    """
    year = _year(paper)
    words = _title_words(paper.title)
    author = _ascii_slug(last_name(paper.meta.authors[0])) if paper.meta.authors else ""
    if author:
        return f"{author}{year}{words[0] if words else ''}"
    if words:
        return "".join(words[:_TITLE_WORDS]) + year
    return f"paper{year}{_digest(' '.join(paper.title.split()), 3)}"


def _identity(paper: Paper) -> str:
    """What tells a paper from another with the same key: its ids, else its text."""
    meta = paper.meta
    if meta.arxiv_id:
        return f"arxiv:{meta.arxiv_id}"
    if meta.doi:
        return f"doi:{meta.doi.lower()}"
    return "text:" + " ".join(paper.title.split()) + "\0" + " ".join(paper.abstract.split())


def _digest(text: str, letters: int) -> str:
    number = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest())
    out = []
    for _ in range(letters):
        number, rest = divmod(number, len(_TAG_LETTERS))
        out.append(_TAG_LETTERS[rest])
    return "".join(out)


def _key_hash(key: str) -> int:
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest())


def repeated_keys(papers: Iterable[Paper]) -> frozenset[int]:
    """The keys (as hashes) that more than one of `papers` has: the first pass of an
    export whose keys do not depend on the papers' order."""
    seen: set[int] = set()
    repeated: set[int] = set()
    for paper in papers:
        key = _key_hash(bibtex_key(paper))
        (repeated if key in seen else seen).add(key)
    return frozenset(repeated)


class CiteKeys:
    """The keys of one export, handed out one paper at a time, never the same twice.

    `repeated`: the keys more than one paper of the export has (`repeated_keys`); those
    papers' keys carry a tag from their identity. A key that comes twice anyway (a paper
    that came in after the first pass, or papers that only stream by once) is tagged too.
    """

    def __init__(self, repeated: frozenset[int] = frozenset()) -> None:
        self._repeated = repeated
        self._given: set[int] = set()

    def key(self, paper: Paper) -> str:
        base = bibtex_key(paper)
        identity = _identity(paper)
        key, attempt = base, 0
        if _key_hash(base) in self._repeated:
            key = base + _digest(identity, 3)
        while _key_hash(key) in self._given:
            attempt += 1
            key = base + _digest(f"{attempt}\0{identity}", 3)
        self._given.add(_key_hash(key))
        return key
