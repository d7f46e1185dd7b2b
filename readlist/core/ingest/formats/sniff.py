"""Which structured format a file holds, told by its first characters, never its name.

A `.txt` that holds JSON is JSON, and a `.json` that holds a copied page's text is that
text. The tests are strict enough that a copied page never passes for one of these: a
page's text starts with its header or a title, and no title starts a BibTeX entry or an
RIS record.
"""

from __future__ import annotations

import json
import re
from typing import Literal

Kind = Literal["json", "html", "bibtex", "ris"]

_LEAD = "\ufeff \t\r\n"
# The first characters of a JSON array of items or of an object: nothing a page's text
# starts with. Any other JSON value ("[1, 2]", a string) is known only by parsing it all.
_JSON_OPENINGS = re.compile(r"\[\s*[\[{\]]|\{\s*[\"}]")
_VALUE_START = frozenset('["-0123456789tfn')
# An entry, a @string or a @comment: "@article{key," or "@misc(key,".
_BIBTEX_ENTRY = re.compile(r"@\s*[A-Za-z]+\s*[{(]")
_RIS_START = re.compile(r"TY\s{1,2}-(?:\s|$)")
_LEAD_LINES = 10  # lines of a file's own preamble (JabRef's "% Encoding: UTF-8") looked past
_PREAMBLE_LINE_MAX = 200
_HTML_LOOK = 4096  # characters of comments and XML declaration looked past for <html


def sniff(text: str) -> Kind | None:
    """The format `text` (all of a file, or its start) is in, or None for anything else
    (a copied page's text, or what no reader here takes)."""
    start = text.lstrip(_LEAD)
    if _JSON_OPENINGS.match(start):
        return "json"
    if start[:1] in _VALUE_START and _whole_json(start):
        return "json"
    if _html(start):
        return "html"
    for line in _preamble(start):
        if _BIBTEX_ENTRY.match(line):
            return "bibtex"
        if _RIS_START.match(line):
            return "ris"
    return None


def _whole_json(text: str) -> bool:
    """A JSON value that is no array of items (a number, a string): JSON, though neither
    shape readlist reads."""
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


def _html(start: str) -> bool:
    """A doctype or an <html> tag, after any comments ("<!-- saved from url=... -->")
    and XML declaration a browser's "Save page as" put first."""
    head = start[:_HTML_LOOK].lower()
    while True:
        if head.startswith("<!--"):
            close = "-->"
        elif head.startswith("<?xml"):
            close = "?>"
        else:
            return head.startswith(("<!doctype html", "<html"))
        end = head.find(close)
        if end < 0:
            return False
        head = head[end + len(close) :].lstrip(_LEAD)


def _preamble(start: str) -> list[str]:
    """The first few non-blank lines, up to the first that reads like prose: BibTeX and
    RIS files may open with a line or two of their own before the first entry, and a
    BibTeX file with a header of % comments as long as it likes (they are not counted)."""
    lines = []
    for line in start.splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("%"):
            continue
        lines.append(stripped)
        if len(lines) >= _LEAD_LINES or len(stripped) > _PREAMBLE_LINE_MAX:
            break
    return lines
