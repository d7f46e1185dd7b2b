"""Paper text as the screen may show it: every character visible, none the terminal obeys.

The parser strips escape sequences from what it imports, but a note can hold any text
(`readlist note`, $EDITOR), and an old library or a direct write can hold anything. Rich
and Textual pass ESC, NUL, DEL and the C1 controls (CSI is U+009B) through to the
terminal, where "\\x1b[2J" clears the screen and "\\x1b]0;...\\x07" retitles the window.
So each control character is drawn as its Control Pictures symbol (ESC as ␛, so the
sequence shows as ␛[2J, as `cat -v` would show it) and each C1 control as U+FFFD; both
take one cell, as a letter does. Only what is drawn changes: the stored text stays
byte for byte.
"""

from __future__ import annotations

_PICTURES: dict[int, str] = {
    **{code: chr(0x2400 + code) for code in range(0x20)},  # ␀ ... ␟
    0x7F: "\u2421",  # ␡
    **dict.fromkeys(range(0x80, 0xA0), "\ufffd"),  # C1: no pictures exist for these
}
# Multi-line widgets lay out tabs and line breaks themselves; a single line has neither.
_IN_BLOCK = str.maketrans({**_PICTURES, ord("\t"): "\t", ord("\n"): "\n"})
_IN_LINE = str.maketrans({**_PICTURES, ord("\t"): " ", ord("\n"): " "})


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
