"""parse_query skips its control-character pass for printable text (nearly every query),
so that the pass's pattern is never compiled for them; that is only right if no
character the pattern matches is printable."""

from __future__ import annotations

import re

from readlist.core import query
from readlist.core.query import parse_query


def test_every_character_the_control_pass_replaces_is_unprintable() -> None:
    pattern = re.compile(query._CONTROL)
    matched = [chr(code) for code in range(0x110000) if pattern.fullmatch(chr(code))]
    assert len(matched) == 32 + 33 + 2048  # C0, DEL and C1, surrogates
    assert not any(ch.isprintable() for ch in matched)


def test_a_control_character_still_separates_words() -> None:
    typed = parse_query("graph\x1bneural")
    assert typed.clauses == parse_query("graph neural").clauses
    assert typed.text == "graph\x1bneural"  # the query keeps the text as typed
