"""Paper text as the screen may show it: every character visible, none the terminal obeys.

The parser strips escape sequences from what it imports, but a note can hold any text
(`readlist note`, $EDITOR), and an old library or a direct write can hold anything. Rich
and Textual pass ESC, NUL, DEL and the C1 controls (CSI is U+009B) through to the
terminal, where "\\x1b[2J" clears the screen and "\\x1b]0;...\\x07" retitles the window.
So each control character is drawn as its Control Pictures symbol (ESC as ␛, so the
sequence shows as ␛[2J, as `cat -v` would show it) and each C1 control as U+FFFD; both
take one cell, as a letter does. The bidi overrides, embeddings and isolates
reorder the text around them (a file name "cod\\u202egpj.exe" reads "codexe.jpg"), so they
are drawn as U+FFFD too, and so is a lone surrogate (a file name that is not UTF-8, as
Python reads it). Only what is drawn changes: the stored text stays byte for byte.
"""

from __future__ import annotations

import re

# The marks (U+200E, U+200F, U+061C) stay: they steer only the characters beside them,
# and Arabic and Hebrew text holds them, which an edit in the note editor must keep.
_BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
_PICTURES: dict[int, str] = {
    **{code: chr(0x2400 + code) for code in range(0x20)},  # ␀ ... ␟
    0x7F: "\u2421",  # ␡
    **dict.fromkeys(range(0x80, 0xA0), "\ufffd"),  # C1: no pictures exist for these
    **dict.fromkeys(_BIDI, "\ufffd"),
    **dict.fromkeys(range(0xD800, 0xE000), "\ufffd"),
}
# Multi-line widgets lay out tabs and line breaks themselves; a single line has neither.
_IN_BLOCK = str.maketrans({**_PICTURES, ord("\t"): "\t", ord("\n"): "\n"})
_IN_LINE = str.maketrans({**_PICTURES, ord("\t"): " ", ord("\n"): " "})
# A stream (CSV) ends its lines with \r\n; a \r on its own sends the cursor back.
_IN_STREAM = str.maketrans({**_PICTURES, ord("\t"): "\t", ord("\n"): "\n", ord("\r"): "\r"})
_LONE_CR = re.compile("\r(?!\n)")
# JSON escapes the C0 controls itself; the rest are escaped as \uXXXX, the same data.
_IN_JSON = str.maketrans({code: f"\\u{code:04x}" for code in _PICTURES if code >= 0x7F})


def shown(text: str) -> str:
    """`text` for a widget that wraps it (Static, Markdown): tabs and newlines kept.

    `isprintable` is the quick test, false for every control character: nearly every
    title passes it and comes back as it is.
    """
    return text if text.isprintable() else text.translate(_IN_BLOCK)


def shown_in_line(text: str) -> str:
    """`text` for one line (a row of the paper list): tabs and newlines become spaces.

    Called for each row on screen in every frame, so the common case is one C loop.
    """
    return text if text.isprintable() else text.translate(_IN_LINE)


def shown_in_stream(text: str) -> str:
    """`text` of a Markdown, CSV or BibTeX export printed to a terminal: as `shown`, with
    the \\r of a CSV line end kept."""
    if text.isprintable():
        return text
    return _LONE_CR.sub("\u240d", text.translate(_IN_STREAM))


def escaped_in_json(text: str) -> str:
    """JSON text with DEL, the C1 and bidi controls and lone surrogates escaped as
    \\uXXXX: still valid JSON holding the same strings, but nothing in it that a
    terminal obeys. Only valid on JSON text, where such characters occur in strings alone."""
    return text if text.isascii() else text.translate(_IN_JSON)
