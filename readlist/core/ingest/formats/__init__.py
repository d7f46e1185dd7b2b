"""Files with papers in a structure: Hugging Face Daily Papers JSON (or JSON Lines), a
Daily Papers page saved as HTML, BibTeX, RIS and CSL-JSON. The reader is chosen by the
file's content, never its name; anything else is left to the text-dump parser.

The front door is `read_structured` (and `looks_structured`, for deciding early whether
a big file is one of these); the readers behind it are private to the package. Each
reader's parser loads only when a file of its format arrives.
"""

from __future__ import annotations

from readlist.core.errors import DumpError
from readlist.core.ingest.decode import decode_dump
from readlist.core.ingest.formats.sniff import sniff
from readlist.core.models import ParsedDump

__all__ = ["looks_structured", "read_structured"]

HEAD_BYTES = 64 << 10  # what looks_structured is given, at most


def looks_structured(head: bytes) -> bool:
    """Whether a file's first bytes (up to 64 KiB) look like one of the structured
    formats: a big file that does is read whole, not streamed as a text dump."""
    try:
        text = decode_dump(head[:HEAD_BYTES], "<head>")
    except DumpError:  # empty or binary: the text path says so
        return False
    return sniff(text) is not None


def read_structured(data: bytes, source: str) -> ParsedDump | None:
    """The papers of a Hugging Face JSON / JSON Lines file, a saved Daily Papers HTML page,
    a BibTeX, RIS or CSL-JSON file, chosen by content (never by the file's suffix); None
    when the bytes are none of these (then they are read as a copied page's text).

    Raises DumpError with one line naming `source` and what is wrong when the file is one
    of these formats but broken or holds no papers."""
    if not looks_structured(data[:HEAD_BYTES]):
        return None
    text = decode_dump(data, source)
    try:
        return _read(text, source)
    except RecursionError:  # a value nested deeper than Python's stack, past json's check
        raise DumpError(f"{source}: nested too deeply to read") from None


def _read(text: str, source: str) -> ParsedDump | None:
    kind = sniff(text)
    if kind == "json":
        from readlist.core.ingest.formats.hf import read_json

        return read_json(text, source)
    if kind == "html":
        from readlist.core.ingest.formats.page import read_page

        return read_page(text, source)
    if kind == "bibtex":
        from readlist.core.ingest.formats.bibtex import read_bibtex

        return read_bibtex(text, source)
    if kind == "ris":
        from readlist.core.ingest.formats.ris import read_ris

        return read_ris(text, source)
    return None
