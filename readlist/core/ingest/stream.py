"""A big dump file read a stretch at a time, so that importing it takes memory that does
not grow with the file: months of pages pasted into one file, up to MAX_DUMP_BYTES.

The file is cut into stretches before a date line (where a pasted page begins), each
SEGMENT_LINES lines at least, and each stretch is parsed on its own. A first pass
reads every stretch for the dump's identity (its content hash, as readlist.core.ingest
.ready gives it), its count of papers and what could not be read; then `StreamedRows`
gives the importer the rows of the papers it asks for, one part after another, parsing
and fingerprinting only the stretches those fall in and holding one stretch's rows.
"""

from __future__ import annotations

import codecs
import hashlib
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from itertools import accumulate
from pathlib import Path
from typing import overload

from readlist.core.errors import DumpError
from readlist.core.ingest import decode, parse
from readlist.core.ingest.formats import looks_structured
from readlist.core.ingest.ready import ReadyDump, Row, paper_digest, row_of
from readlist.core.ingest.sources import MAX_DUMP_BYTES
from readlist.core.models import FileReport, ParsedDump

STREAM_AFTER_BYTES = 32 << 20  # smaller files are read whole (a month of pages is ~10 MB)
SEGMENT_LINES = 20_000  # a stretch's lines at least (~5,000 papers), unless the file ends
_CHUNK = 1 << 20
_SAMPLE = 8192  # bytes looked at for the encoding, as decode.decode_dump does

HEAD_BYTES = 64 << 10  # what formats.looks_structured reads of a file


def should_stream(path: Path) -> bool:
    """Whether the file is a copied page's text big enough to import a stretch at a
    time (and not so big that read_dump refuses it). A JSON, HTML, BibTeX, RIS or
    CSL-JSON file is read whole: it has no date lines to cut it at."""
    try:
        if not STREAM_AFTER_BYTES < path.stat().st_size <= MAX_DUMP_BYTES:
            return False
        with path.open("rb") as fh:
            return not looks_structured(fh.read(HEAD_BYTES))
    except OSError:  # read_dump says what is wrong with it
        return False


def streamed_dump(
    path: Path,
    source: str,
    today: date,
    *,
    force: bool = False,
    stop: Callable[[], bool] | None = None,
) -> ReadyDump | FileReport:
    """The dump's identity and its rows as a `StreamedRows`, or the one line that says
    why it is refused, as ready.ready_dump gives for a dump read whole."""
    try:
        encoding = _encoding(path, source)
        try:
            return _first_pass(path, source, encoding, today, force, stop)
        except UnicodeDecodeError:  # not UTF-8 after all: Windows-1252, as decode does
            return _first_pass(path, source, "cp1252", today, force, stop)
    except DumpError as exc:
        return FileReport(source, error=str(exc))
    except OSError as exc:
        return FileReport(source, error=f"{source}: cannot read ({exc.strerror or exc})")


def _first_pass(
    path: Path,
    source: str,
    encoding: str,
    today: date,
    force: bool,
    stop: Callable[[], bool] | None,
) -> ReadyDump | FileReport:
    digest = hashlib.sha256()
    counts: list[int] = []
    skipped = 0
    unplaced: list[int] = []
    for first, lines in _stretches(path, encoding):
        if stop is not None and stop():  # the app quitting: a stretch's wait at most
            raise DumpError(f"{source}: not imported, the import was stopped")
        parsed = parse.parse_dump("\n".join(lines))
        if not counts and not force and (why := parse.not_a_dump(parsed)):
            return FileReport(
                source,
                error=f"{source}: not a Daily Papers dump ({why}); "
                "readlist import --force imports it anyway",
            )
        for paper in parsed.papers:
            digest.update(paper_digest(paper))
        counts.append(len(parsed.papers))
        skipped += len(parsed.skipped)
        unplaced += (first - 1 + line for line in parsed.unplaced)
    if not sum(counts):
        return FileReport(source, error=f"{source}: no papers found in the file")
    rows = StreamedRows(path, source, encoding, counts, today)
    return ReadyDump(source, digest.hexdigest(), rows, skipped, tuple(unplaced))


class StreamedRows(Sequence[Row]):
    """A streamed dump's rows, in order, made when asked for. Asked for in order (as the
    importer's parts are), it reads the file once, parsing only the stretches the rows
    asked for fall in; asked for rows before those it holds, it reads it again."""

    def __init__(
        self, path: Path, source: str, encoding: str, counts: list[int], today: date
    ) -> None:
        self._path = path
        self._source = source  # the name the user knows it by
        self._encoding = encoding
        self._counts = counts
        self._starts = [0, *accumulate(counts)]  # the first row of each stretch
        self._today = today
        self._stretches: Iterator[tuple[int, list[str]]] | None = None
        self._next = 0  # the index of the stretch self._stretches gives next
        self._held: tuple[int, list[Row]] = (-1, [])  # a stretch's index, and its rows

    def __len__(self) -> int:
        return self._starts[-1]

    @overload
    def __getitem__(self, index: int) -> Row: ...

    @overload
    def __getitem__(self, index: slice) -> list[Row]: ...

    def __getitem__(self, index: int | slice) -> Row | list[Row]:
        if isinstance(index, int):
            if not -len(self) <= index < len(self):
                raise IndexError(index)
            return self[index % len(self) : index % len(self) + 1][0]
        start, stop, step = index.indices(len(self))
        if step != 1:
            raise ValueError("a streamed dump's rows are read in order, a step of 1")
        rows: list[Row] = []
        while start < stop:
            stretch = self._stretch_of(start)
            held = self._rows_of(stretch)
            offset = start - self._starts[stretch]
            taken = held[offset : offset + stop - start]
            rows += taken
            start += len(taken)
        return rows

    def _stretch_of(self, row: int) -> int:
        stretch = 0
        while self._starts[stretch + 1] <= row:
            stretch += 1
        return stretch

    def _rows_of(self, stretch: int) -> list[Row]:
        """The stretch's rows: the one held, or read from the file (only the stretch
        that is held is kept, so memory holds one stretch's rows)."""
        if self._held[0] == stretch:
            return self._held[1]
        if self._stretches is None or self._next > stretch:
            self._stretches = _stretches(self._path, self._encoding)
            self._next = 0
        self._held = (-1, [])  # let the old stretch's rows go before the next is made
        changed = DumpError(
            f"{self._source}: the file changed while it was imported; the papers before "
            "the change are in, and importing it again brings in the rest"
        )
        try:
            while True:
                found = next(self._stretches, None)
                if found is None:  # shorter than when it was first read
                    raise changed
                self._next += 1
                if self._next > stretch:
                    break
        except (OSError, UnicodeDecodeError) as exc:  # gone, or rewritten in another encoding
            raise changed from exc
        parsed: ParsedDump = parse.parse_dump("\n".join(found[1]))
        rows = [row_of(paper, self._today) for paper in parsed.papers]
        if len(rows) != self._counts[stretch]:
            raise changed
        self._held = (stretch, rows)
        return rows


def _encoding(path: Path, source: str) -> str:
    """The file's encoding, from its first bytes as decode.decode_dump would tell it;
    UTF-8 until a byte says otherwise. Refuses a file that is plainly binary."""
    with path.open("rb") as fh:
        sample = fh.read(_SAMPLE)
    if not sample or sample.isspace():
        raise DumpError(f"{source}: the file is empty")
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if b"\x00" in sample:
        encoding = decode._utf16_without_bom(sample)
        if encoding is None:
            raise DumpError(f"{source}: not a text file (binary data)")
        return encoding
    if decode._control_share(sample) > 0.05:
        raise DumpError(f"{source}: not a text file (binary data)")
    return "utf-8"


def _decoder(encoding: str) -> Callable[[bytes, bool], str]:
    if encoding == "cp1252":  # one byte a character: any chunk decodes on its own
        return lambda data, final: codecs.charmap_decode(data, "strict", decode._CP1252)[0]
    errors = "replace" if encoding.startswith("utf-16") else "strict"
    return codecs.getincrementaldecoder(encoding)(errors).decode


def _lines(path: Path, encoding: str) -> Iterator[str]:
    """The file's lines, as `str.split("\\n")` of its decoded text with every line end
    made "\\n" would give them (the last one "" if the text ends with one)."""
    decoded = _decoder(encoding)
    rest = ""
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(_CHUNK)
            text = rest + decoded(chunk, not chunk)
            if chunk and text.endswith("\r"):  # its "\n" may begin the next chunk
                text, rest = text[:-1], "\r"
            else:
                rest = ""
            if "\r" in text:
                text = text.replace("\r\n", "\n").replace("\r", "\n")
            lines = text.split("\n")
            if chunk:
                rest = lines.pop() + rest
            yield from lines
            if not chunk:
                return


def _stretches(path: Path, encoding: str) -> Iterator[tuple[int, list[str]]]:
    """The file's lines in stretches, each with the number of its first line (from 1):
    a stretch ends before a date line once it holds SEGMENT_LINES lines."""
    stretch: list[str] = []
    first = 1
    for number, line in enumerate(_lines(path, encoding), 1):
        if len(stretch) >= SEGMENT_LINES and parse.is_date_line(line):
            yield first, stretch
            stretch, first = [], number
        stretch.append(line)
    if stretch:
        yield first, stretch
