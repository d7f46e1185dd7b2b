"""`mark`'s and `note`'s checks of what they were given, before the library is opened:
flags that contradict each other, ids no library can hold, note text that is empty,
not UTF-8 or too long. See readlist.cli."""

from __future__ import annotations

import sys

import click

from readlist.cli_support import INT64_MAX
from readlist.core.errors import UnknownPaperError
from readlist.core.printable import shown_in_line
from readlist.core.store import NOTE_MAX_BYTES


def either(flags: dict[str, bool]) -> bool | None:
    """True for the first of two flags, False for the second, None for neither; both
    given contradict each other, and the last must not silently win."""
    (yes, said_yes), (no, said_no) = flags.items()
    if said_yes and said_no:
        raise click.UsageError(f"{yes} and {no} contradict each other; give one of them")
    return True if said_yes else False if said_no else None


def paper_ids(ids: tuple[int, ...]) -> tuple[int, ...]:
    """Ids as the user gave them; one beyond what SQLite can store names no paper."""
    for paper_id in ids:
        if not -INT64_MAX - 1 <= paper_id <= INT64_MAX:
            raise UnknownPaperError(f"no paper with id {paper_id}")
    return ids


def _utf8(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{name}: the note is not UTF-8 text ({exc.reason} at byte {exc.start}); "
            "nothing was saved"
        ) from exc


def note_text(text: str) -> str:
    """TEXT as given, or stdin for "-": UTF-8, and not empty (clearing takes --clear)."""
    if text == "-":
        raw = sys.stdin.buffer.read(NOTE_MAX_BYTES + 1)  # no more than a note may hold
        if len(raw) > NOTE_MAX_BYTES:
            raise click.ClickException(
                f"<stdin>: more than the {NOTE_MAX_BYTES:,} bytes a note may hold; "
                "nothing was saved"
            )
        text = _utf8(raw, "<stdin>")
    else:  # an argument that is not UTF-8 reaches Python as lone surrogates
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raw = text.encode("utf-8", "surrogatepass")
        given = shown_in_line(raw[:40].decode("utf-8", "backslashreplace"))
        text = _utf8(raw, f"TEXT '{given}{'…' if len(raw) > 40 else ''}'")
    if not text.strip():
        raise click.UsageError("the note text is empty; to clear the note, give --clear")
    return text
