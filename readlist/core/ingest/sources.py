"""Where an import's bytes come from: a file, a folder of dumps, or a stream
(stdin); each read with a size cap, and named so that any name can be shown and stored.

A dump is a saved page, a few MB at most; MAX_DUMP_BYTES leaves room for months of
dumps pasted into one file, and stops `import /dev/zero` (or a runaway pipe) before it
takes every byte of memory. A name that is not a regular file (a FIFO, a device, a
socket) is refused without waiting on it: opening a FIFO to read waits for a writer,
for ever if none comes, and a device may never end. Reads go a chunk at a time, so
Ctrl-C stops a read from a pipe between two chunks.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import BinaryIO

from readlist.core.errors import DumpError
from readlist.core.printable import shown_in_line

MAX_DUMP_BYTES = 1 << 30  # 1 GiB
# The files a folder's import takes: copied pages' text, the Hugging Face JSON (or JSON
# Lines), saved pages, BibTeX, RIS (CSL-JSON is .json). Each is read by its content.
FOLDER_SUFFIXES = (".txt", ".json", ".jsonl", ".html", ".htm", ".bib", ".ris")
FOLDER_DUMPS = "*.txt, *.json, *.jsonl, *.html, *.htm, *.bib, *.ris"
_CHUNK = 1 << 20


def source_name(path: Path | str) -> str:
    """`path` as text that can be shown and stored: a file name that is not UTF-8 (its
    bytes came to Python as lone surrogates, which no terminal, JSON or SQLite text
    takes) has those bytes written as escapes, `caf\\xe9.txt`."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    return text


def file_label(source: str, width: int | None = None) -> str:
    """A dump's file name as a report or a progress bar shows it: no folder, nothing a
    terminal obeys, and at most `width` characters (the last one "…" when cut)."""
    name = shown_in_line(Path(source).name if source != "<stdin>" else source)
    return name if width is None or len(name) <= width else name[: width - 1] + "…"


def _size(limit: int) -> str:
    for unit, size in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if limit >= size:
            return f"{limit / size:.3g} {unit}"
    return f"{limit} bytes"


def _too_big(name: str) -> DumpError:
    limit = MAX_DUMP_BYTES
    return DumpError(
        f"{name}: larger than {_size(limit)}, too big for a dump (a saved page is a few MB);"
        " split it into smaller files"
    )


def _not_regular(name: str) -> str:
    return f"{name}: not a regular file (a FIFO, a device or a socket)"


def dump_files(path: Path) -> list[Path]:
    """A file is itself, whatever its name; a folder is the dumps inside it (regular
    files named as FOLDER_SUFFIXES say, in name order; hidden ones left out)."""
    name = source_name(path)
    try:
        if path.is_dir():
            files = sorted(
                p
                for p in path.iterdir()
                if p.suffix.lower() in FOLDER_SUFFIXES
                and not p.name.startswith(".")
                and p.is_file()
            )
            if not files:
                raise DumpError(f"{name}: folder has no dumps ({FOLDER_DUMPS})")
            return files
    except OSError as exc:  # a folder we may not list
        raise DumpError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    try:
        mode = path.stat().st_mode  # a stat, unlike an open, never waits on a FIFO
    except FileNotFoundError:
        raise DumpError(f"{name}: no such file or folder") from None
    except OSError as exc:
        raise DumpError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    if not stat.S_ISREG(mode):
        raise DumpError(_not_regular(name))
    return [path]


def read_dump(path: Path, stop: Callable[[], bool] | None = None) -> bytes:
    """The file's bytes, up to MAX_DUMP_BYTES; a name that is not a regular file is
    refused at once, never waited on. `stop` is asked between chunks (the app quitting):
    a read it stops is an error, and nothing of the file is imported."""
    name = source_name(path)
    try:
        # O_NONBLOCK: opening a FIFO with no writer returns at once, to be refused; a
        # regular file reads as it always does.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise DumpError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    with os.fdopen(fd, "rb", buffering=0) as fh:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise DumpError(_not_regular(name))
            if info.st_size > MAX_DUMP_BYTES:
                raise _too_big(name)
            os.set_blocking(fd, True)
            return _read_capped(fh, name, stop)
        except OSError as exc:
            raise DumpError(f"{name}: cannot read ({exc.strerror or exc})") from exc


def read_stream(stream: BinaryIO, name: str = "<stdin>") -> bytes:
    """A pipe's or a terminal's bytes (`import -`), up to MAX_DUMP_BYTES."""
    try:
        return _read_capped(stream, name, None)
    except OSError as exc:
        raise DumpError(f"{name}: cannot read ({exc.strerror or exc})") from exc


def _read_capped(stream: BinaryIO, name: str, stop: Callable[[], bool] | None) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        if stop is not None and stop():
            raise DumpError(f"{name}: not imported, the import was stopped")
        chunk = stream.read(_CHUNK)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > MAX_DUMP_BYTES:
            raise _too_big(name)
        chunks.append(chunk)


# What `import_sources` takes: a path as the user typed it (a file, or a folder of
# dumps), "-" for stdin, or a stream and the name to store it under.
Source = str | Path | tuple[str, BinaryIO]


def dump_sources(sources: Iterable[Source]) -> list[tuple[str, Path | BinaryIO | DumpError]]:
    """Each dump the sources name, in order: a folder becomes its dumps. A source
    that names no dump (no such file, an empty folder) is its one-line error."""
    found: list[tuple[str, Path | BinaryIO | DumpError]] = []
    for source in sources:
        if isinstance(source, tuple):
            found.append(source)
        elif source == "-":
            found.append(("<stdin>", sys.stdin.buffer))
        else:
            try:
                found += [(source_name(path), path) for path in dump_files(Path(source))]
            except DumpError as exc:
                found.append((source_name(source), exc))
    return found


def read_source(
    name: str, where: Path | BinaryIO | DumpError, stop: Callable[[], bool] | None = None
) -> bytes:
    """A dump's bytes, read with the size cap; raises its one-line DumpError."""
    if isinstance(where, DumpError):
        raise where
    if isinstance(where, Path):
        return read_dump(where, stop)
    return read_stream(where, name)
