"""Dump bytes -> text, and text -> what a terminal or a browser would show.

A dump arrives in whatever encoding the user's editor chose, with a byte-order mark or
none; it may hold escape sequences copied from a terminal. Decoding refuses what is
empty or binary with one line naming the file; parse.py takes the text from here.
"""

from __future__ import annotations

import codecs
import re
from contextlib import suppress

from readlist.core.errors import DumpError

__all__ = ["clean_text", "decode_dump"]

_SAMPLE = 8192  # bytes looked at for binary detection, as git does

# ANSI sequences go whole (their parameters would otherwise survive as "[31m"); then every
# C0 control but tab and newline, DEL and C1, which takes a lone ESC too.
_JUNK = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor movement
    r"|\x1b\][^\x07\x1b\n]*(?:\x07|\x1b\\)"  # OSC: window titles, hyperlinks
    r"|\x1b[()*+][0-~]"  # character set designation
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f]"
)


def clean_text(s: str) -> str:
    """Drop what a terminal or a browser would not show, so it never reaches the library.

    Everything printable stays byte for byte: brackets ("[CLS]", "[bold]") are text here,
    and no Unicode normalisation happens, because the stored title is the one the user saw.
    """
    return _JUNK.sub("", s) if _JUNK.search(s) else s


def decode_dump(data: bytes, source: str) -> str:
    """Read a dump in whichever encoding the user's editor saved it.

    UTF-8 is tried strictly first, so Windows-1252 is used only for bytes UTF-8 rejects;
    that order never misreads real UTF-8 and always reads an old Windows save. A file that
    is empty or plainly binary is refused with one line naming it, before anything parses.
    """
    if not data or data.isspace():
        raise DumpError(f"{source}: the file is empty")
    text = _decode_bom(data)
    if text is None:
        sample = data[:_SAMPLE]
        if b"\x00" in sample:
            encoding = _utf16_without_bom(sample)
            if encoding is None:
                raise DumpError(f"{source}: not a text file (binary data)")
            text = data.decode(encoding, errors="replace")
        elif _control_share(sample) > 0.05:
            raise DumpError(f"{source}: not a text file (binary data)")
        else:
            text = _decode_8bit(data)
    if not text or text.isspace():
        raise DumpError(f"{source}: the file is empty")
    return text


def _decode_bom(data: bytes) -> str | None:
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        with suppress(UnicodeDecodeError):  # else UTF-16 text that starts with a NUL
            return data.decode("utf-32")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    if data.startswith(codecs.BOM_UTF8):
        return _decode_8bit(data[len(codecs.BOM_UTF8) :])
    return None


def _utf16_without_bom(sample: bytes) -> str | None:
    """Mostly-Latin UTF-16 has a NUL in every other byte, and almost never in the others."""
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2 or 1
    if odd * 4 >= half and even * 10 <= odd:
        return "utf-16-le"
    if even * 4 >= half and odd * 10 <= even:
        return "utf-16-be"
    return None


_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\x0b\x0c\x1b") + b"\x7f"


def _control_share(sample: bytes) -> float:
    return (len(sample) - len(sample.translate(None, _CONTROL_BYTES))) / len(sample)


# Windows-1252 with its five undefined bytes read as Latin-1, so decoding never fails.
_CP1252 = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(256))


def _decode_8bit(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return codecs.charmap_decode(data, "strict", _CP1252)[0]
