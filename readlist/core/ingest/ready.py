"""The part of an import that needs no library: read, parse and fingerprint a dump.

Split from the importer so a big import can do it in a second process, on the second
core, while the first imports the dump before it: the two overlap, and neither waits
for the other.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
import time
from collections import deque
from collections.abc import Generator, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from readlist.core.errors import DumpError
from readlist.core.ingest import dedupe
from readlist.core.ingest.decode import decode_dump
from readlist.core.ingest.formats import read_structured
from readlist.core.ingest.parse import not_a_dump, parse_dump
from readlist.core.models import FileReport, PaperMeta, ParsedDump, ParsedPaper

if TYPE_CHECKING:  # multiprocessing and the pool load only when a big import starts one
    from concurrent.futures import Future, ProcessPoolExecutor

# One paper of a dump, as the importer places it: title, abstract, date line, the day it
# was listed (ISO), its match title, its title keys (the exact key first), its abstract
# keys, what the listing says of its identity (None for a copied page's text), and the
# day its source says it was listed (None: a file with no listing day, or a page's text).
Row = tuple[
    str, str, str | None, str, str, tuple[int, ...], tuple[int, ...], PaperMeta | None, str | None
]

# Below this many bytes of dumps a second process costs more than it saves (it starts in
# about 0.2 s); the five sample dumps are 0.5 MB, a month of daily dumps is ~10 MB.
BACKGROUND_AFTER_BYTES = 4 << 20
READY_AHEAD = 2  # dumps made ready in the background while one is imported
PARENT_CHECK_SECONDS = 0.5
# The second process is forked: it starts at once with everything imported, and nothing
# re-runs the caller's main module (as "spawn" would). Where there is no fork, or the
# caller has threads of its own (the app), dumps are made ready in line instead (_may_fork).
_CAN_FORK = hasattr(os, "fork")

_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_DATE = re.compile(r"([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?")


@dataclass(frozen=True, slots=True)
class ReadyDump:
    """A dump ready to meet the library: its identity and its papers, in order, and
    what the parser could not read in it (for the report)."""

    source: str
    sha256: str
    rows: Sequence[Row]  # a list, or StreamedRows for a big file (readlist.core.ingest.stream)
    skipped: int = 0  # text blocks that went into no paper
    unplaced_lines: tuple[int, ...] = ()  # their lines, numbered from 1


def resolve_date(date_line: str | None, today: date) -> date:
    """The day a date line like "Mar 14" means: the latest such day not after today."""
    match = _DATE.fullmatch(date_line.strip()) if date_line else None
    month = _MONTHS.get(match.group(1).lower()) if match else None
    if match is None or month is None:
        return today
    day = int(match.group(2))
    year = int(match.group(3)) if match.group(3) else today.year
    try:
        resolved = date(year, month, day)
        if not match.group(3) and resolved > today:
            resolved = date(year - 1, month, day)
    except ValueError:  # "Feb 30", or Feb 29 resolved into a common year
        return today
    return resolved


def content_hash(papers: Iterable[ParsedPaper]) -> str:
    """A dump's identity: its papers, not its bytes, so a copy re-saved with other
    line ends or another encoding counts as the dump already imported."""
    digest = hashlib.sha256()
    for paper in papers:
        digest.update(paper_digest(paper))
    return digest.hexdigest()


def paper_digest(paper: ParsedPaper) -> bytes:
    """What a paper adds to its dump's content hash: a listing's identity too, so a
    newer listing of the same papers (their upvotes changed) is a dump of its own."""
    text = f"{paper.title}\x1f{paper.abstract}\x1f{paper.date_line}\x1e"
    if paper.meta is not None or paper.listed_on is not None:
        text += f"{paper.listed_on}\x1f{paper.meta!r}\x1e"
    return text.encode("utf-8", "surrogatepass")


def row_of(paper: ParsedPaper, today: date) -> Row:
    fp = dedupe.fingerprint(paper.title, paper.abstract)
    title_keys, abstract_keys = dedupe.block_keys(fp)
    seen_on = paper.listed_on or resolve_date(paper.date_line, today).isoformat()
    return (
        paper.title,
        paper.abstract,
        paper.date_line,
        seen_on,
        fp.match_title,
        (dedupe.exact_key(fp), *title_keys),
        abstract_keys,
        paper.meta,
        paper.listed_on,
    )


def ready_dump(
    data: bytes, source: str, today: date, *, force: bool = False
) -> ReadyDump | FileReport:
    """The dump read and fingerprinted, or the one line that says why it is refused.

    The reader is chosen by content: a Hugging Face JSON or saved page, a BibTeX, RIS or
    CSL-JSON file (formats.read_structured), else a copied page's text. Text that is no
    Daily Papers page (parse.not_a_dump) is refused unless `force`: its
    papers would be junk, and nothing takes papers out of the library.
    """
    try:
        structured = read_structured(data, source)
        parsed = structured or parse_dump(decode_dump(data, source))
    except DumpError as exc:
        return FileReport(source, error=str(exc))
    if not parsed.papers:
        return FileReport(source, error=f"{source}: no papers found in the file")
    if structured is None and not force and (why := not_a_dump(parsed)):
        return FileReport(
            source,
            error=f"{source}: not a Daily Papers dump ({why}); "
            "readlist import --force imports it anyway",
        )
    return ready_parsed(parsed, source, today)


def ready_parsed(parsed: ParsedDump, source: str, today: date) -> ReadyDump:
    """A parsed dump fingerprinted, ready to meet the library."""
    papers = parsed.papers
    return ReadyDump(
        source,
        content_hash(papers),
        [row_of(paper, today) for paper in papers],
        skipped=len(parsed.skipped),
        unplaced_lines=parsed.unplaced,
    )


def ready_dumps(
    sources: Iterable[tuple[str, bytes | FileReport | ReadyDump]],
    today: date,
    *,
    background_after: int = BACKGROUND_AFTER_BYTES,
    force: bool = False,
) -> Generator[ReadyDump | FileReport, None, None]:
    """Each source prepared, in order (a FileReport passes through: a file not read);
    `force` imports text that is no Daily Papers page too (see `ready_dump`).

    The first `background_after` bytes are prepared here; the rest in a second process,
    a few dumps ahead of the caller, who writes each one as it comes; only while the
    program has one thread, since the second process is forked. Close the iterator
    (contextlib.closing) to stop that process at once if the caller stops early.
    """
    pool: ProcessPoolExecutor | None = None
    pending: deque[tuple[str, bytes, Future[ReadyDump | FileReport]] | ReadyDump | FileReport]
    pending = deque()
    seen = 0
    try:
        for source, data in sources:
            if isinstance(data, FileReport | ReadyDump):  # refused, or streamed
                pending.append(data)
            elif pool is None and (seen < background_after or not _may_fork()):
                seen += len(data)
                pending.append(ready_dump(data, source, today, force=force))
            else:
                if pool is None:
                    pool = _start_pool()
                from concurrent.futures.process import BrokenProcessPool  # loaded by the pool

                try:
                    submitted = pool.submit(ready_dump, data, source, today, force=force)
                    pending.append((source, data, submitted))
                except BrokenProcessPool:  # it died on an earlier dump: go on here
                    pending.append(ready_dump(data, source, today, force=force))
            while pending and (len(pending) > READY_AHEAD or not isinstance(pending[0], tuple)):
                yield _result(pending.popleft(), today, force)
        while pending:
            yield _result(pending.popleft(), today, force)
    finally:
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)


def _start_pool() -> ProcessPoolExecutor:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(
        1,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_follow_parent,
        initargs=(os.getpid(),),
    )


def _may_fork() -> bool:
    """A forked child gets only the forking thread: a lock another thread held at that
    moment stays locked in it for ever. So fork only from a program's only thread."""
    return _CAN_FORK and threading.active_count() == 1


def _follow_parent(parent: int) -> None:
    """In the helper process: end when the importer is gone, however it went (a process
    killed outright closes no pipe this one would see; it would wait for work for ever)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


def _result(
    item: tuple[str, bytes, Future[ReadyDump | FileReport]] | ReadyDump | FileReport,
    today: date,
    force: bool,
) -> ReadyDump | FileReport:
    if not isinstance(item, tuple):
        return item
    from concurrent.futures.process import BrokenProcessPool

    source, data, future = item
    try:
        return future.result()
    except BrokenProcessPool:  # the helper process died (killed, out of memory): do it here
        return ready_dump(data, source, today, force=force)
