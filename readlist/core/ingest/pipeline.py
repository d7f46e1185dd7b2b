"""A big import on both cores: this process decides each dump while a writer process
writes the dumps decided before it.

An import's writes (each dump's rows, its full-text insert and its commit) and its
decisions each took about half of a big import's time, one after the other (the parsing
already runs in a process of its own: ready.ready_dumps). A thread does not overlap
them: `executemany` takes Python's lock back for every row. So the writes go to a
process of their own, which writes each dump's `Planned` rows in order, as the importer
would have in line, each dump whole or not at all (the dumps queued for it share a
transaction).

A dump is planned with the ids the library will give it, counting on the dumps before
it being written. The writer checks that under the write lock, before it writes a row:
if anything else has added a paper or a dump meanwhile (another window's, or another
process's import), that dump and every one planned after it is void, nothing of them is
written, and they are imported again in line, against the library as it now is. A star
or a note made elsewhere changes nothing an import plans with, so it voids nothing. If
the writer dies, what it had not committed is imported in line the same way.
"""

from __future__ import annotations

import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Generator, Iterable
from contextlib import AbstractContextManager, nullcontext, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from readlist.core.ingest.importer import Importer, Progress
from readlist.core.ingest.planned import Planned, write_planned
from readlist.core.ingest.ready import ReadyDump
from readlist.core.models import FileReport
from readlist.core.store import Store

if TYPE_CHECKING:  # multiprocessing loads only when a big import starts the writer
    from multiprocessing.connection import Connection

# Papers imported in line before the writer starts: it takes ~0.2 s to start (a fresh
# interpreter), and a month of daily dumps is ~3,000 papers.
WRITER_AFTER = 3_000
WRITER_AHEAD = 3  # dumps planned and sent to the writer, not yet committed
# Listings the writer puts in one transaction, of the dumps queued for it: one full-text
# insert and one commit for them all (the two were half of its time at 100k papers),
# and the write lock held ~1 s at most (another window's star waits that long).
GROUP_LISTINGS = 5_000

Track = Callable[[ReadyDump], AbstractContextManager[Progress | None]]


def _untracked(prepared: ReadyDump) -> AbstractContextManager[Progress | None]:
    return nullcontext()


def import_all(
    importer: Importer,
    items: Iterable[ReadyDump | FileReport],
    *,
    track: Track = _untracked,
    writer_after: int | None = None,
    timings: dict[str, float] | None = None,
    stop: Callable[[], bool] | None = None,
) -> Generator[FileReport, None, None]:
    """Each dump imported, its report yielded once it is committed, in order (a
    FileReport passes through). Past `writer_after` papers the writes go to a writer
    process. Close the generator (contextlib.closing) to stop that process if the
    caller stops early: what it had not committed is not written. `stop` is asked
    between dumps and between the parts of a dump written in line (the app quitting):
    once it says so, the rest is not imported. `timings`, if given,
    gets the writer's seconds in its transactions ("writer_s"), and this process's
    waiting for it ("waited_s"), for the benchmarks."""
    writer_after = WRITER_AFTER if writer_after is None else writer_after
    timings = {} if timings is None else timings
    for name in ("writer_s", "waited_s"):
        timings.setdefault(name, 0.0)
    writer: _Writer | None = None
    window: deque[_Sent | FileReport] = deque()
    in_line = 0  # papers imported in line
    may_start = True  # not once the writer has given up
    ids = (0, 0)  # the next paper and dump ids, once the dumps sent are written
    try:
        for item in items:
            if stop is not None and stop():
                return
            ready = may_start and in_line >= writer_after
            if ready and writer is None and isinstance(item, ReadyDump):
                writer = _Writer.start(Path(importer.store.path), timings)
                may_start = writer is not None
            if isinstance(item, FileReport):
                window.append(item)
            elif writer is None or _in_parts(importer, item):
                while window:  # the dumps before it first, in order
                    yield from _settle(importer, writer, window, track)
                with track(item) as progress:
                    report = importer.import_prepared(item, progress, stop=stop)
                in_line += report.papers
                yield report
            else:
                if not window or not importer.plans_ahead():
                    while window:  # what is planned next reads the library as written
                        yield from _settle(importer, writer, window, track)
                    ids = (importer.store.next_paper_id(), importer.store.next_dump_id())
                sent = _plan(importer, item, ids, window, track)
                if sent is None:
                    window.append(FileReport(item.source, already_imported=True))
                else:
                    writer.send(sent.batch)
                    window.append(sent)
                    ids = sent.batch.next_ids
            while window and (len(window) > WRITER_AHEAD or isinstance(window[0], FileReport)):
                yield from _settle(importer, writer, window, track)
            if writer is not None and writer.broken:  # the library changed under it
                while window:
                    yield from _settle(importer, writer, window, track)
                writer.stop()
                writer, may_start = None, False  # the rest in line
        while window:
            yield from _settle(importer, writer, window, track)
    finally:
        if writer is not None:
            writer.stop(now=bool(window))


def _in_parts(importer: Importer, prepared: ReadyDump) -> bool:
    """A dump to import in line, a part at a time: one bigger than a group (the writer
    writes each dump whole, holding the write lock as long as that takes), or one an
    earlier import left unfinished."""
    return (
        len(prepared.rows) > GROUP_LISTINGS
        or importer.store.unfinished_dump(prepared.sha256) is not None
    )


@dataclass(slots=True)
class _Sent:
    """A dump planned and sent to the writer, with what it becomes once committed."""

    prepared: ReadyDump
    batch: Planned
    report: FileReport


def _plan(
    importer: Importer,
    prepared: ReadyDump,
    ids: tuple[int, int],
    window: deque[_Sent | FileReport],
    track: Track,
) -> _Sent | None:
    """The dump decided against the library as the dumps in flight will leave it; None
    if it is one of them, or already in the library."""
    flying = {s.prepared.sha256 for s in window if isinstance(s, _Sent)}
    if prepared.sha256 in flying or importer.store.dump_imported(prepared.sha256):
        return None
    with track(prepared) as progress:
        report, batch = importer.plan(prepared, ids, progress)
    importer.hold(batch)
    return _Sent(prepared, batch.planned, report)


def _settle(
    importer: Importer,
    writer: _Writer | None,
    window: deque[_Sent | FileReport],
    track: Track,
) -> Generator[FileReport, None, None]:
    """The oldest dump in flight, once committed; or, if the writer could not write it,
    it and every dump after it in line."""
    head = window.popleft()
    if isinstance(head, FileReport):
        yield head
        return
    assert writer is not None  # a dump is sent only to a writer
    if writer.committed():
        importer.release(head.batch.ids[1])
        yield head.report
        return
    # Void: nothing of it or of what followed it was written. Begin again in line.
    importer.forget()
    redo: list[ReadyDump | FileReport] = [head.prepared]
    redo += [s.prepared if isinstance(s, _Sent) else s for s in window]
    window.clear()
    for item in redo:
        if isinstance(item, FileReport):
            yield item
            continue
        with track(item) as progress:
            yield importer.import_prepared(item, progress)


class _Writer:
    """The writer process, and this end of its two pipes."""

    def __init__(
        self,
        process: subprocess.Popen[bytes],
        out: Connection,
        back: Connection,
        timings: dict[str, float],
    ) -> None:
        self.process = process
        self.timings = timings
        self.out = out  # planned dumps to it
        self.back = back  # its answers
        self.broken = False  # a dump was void, or the writer died: the rest in line

    @classmethod
    def start(cls, path: Path, timings: dict[str, float]) -> _Writer | None:
        """A fresh interpreter, not a fork (this process holds SQLite connections, and a
        forked copy of one must never be used), nor multiprocessing's "spawn", which
        runs the caller's main module again. None if there is no library file for it to
        open (an in-memory store), or no process to be had: the import stays in line."""
        from multiprocessing.connection import Connection

        if not path.is_file():
            return None
        to_read, to_writer = os.pipe()
        from_writer, to_write = os.pipe()
        package_root = str(Path(__file__).resolve().parents[2])  # this very readlist
        try:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    _WRITER_MAIN,
                    package_root,
                    str(path),
                    str(to_read),
                    str(to_write),
                ],
                pass_fds=(to_read, to_write),
                # Its errors come back through the pipe; if it cannot even start, the
                # dumps are written in line, and a traceback would say nothing a user
                # can act on.
                stderr=subprocess.DEVNULL,
            )
        except OSError:  # no process to be had (out of memory, too many processes)
            for fd in (to_read, to_writer, from_writer, to_write):
                os.close(fd)
            return None
        os.close(to_read)
        os.close(to_write)
        out = Connection(to_writer, readable=False)
        return cls(process, out, Connection(from_writer, writable=False), timings)

    def send(self, batch: Planned) -> None:
        # If it has died, its answers to what it did commit are still to be read:
        # `committed` tells them, then sends the rest in line.
        with suppress(OSError):
            self.out.send(batch)

    def committed(self) -> bool:
        """Whether the oldest dump sent is committed. Raises what made the writer fail
        (a full disk, say): its transaction rolled back, as it would have in line."""
        if self.broken:
            return False
        start = time.perf_counter()
        try:
            answer, detail = self.back.recv()
        except (EOFError, OSError):
            answer, detail = "void", None
        self.timings["waited_s"] += time.perf_counter() - start
        if answer == "error":
            self.broken = True
            assert isinstance(detail, BaseException)
            raise detail
        if answer == "ok":
            self.timings["writer_s"] += detail
        self.broken = answer != "ok"
        return not self.broken

    def stop(self, *, now: bool = False) -> None:
        """End the writer: after what it was sent, or `now`, rolling back its dump."""
        if now:
            self.process.kill()
        else:
            with suppress(OSError):
                self.out.send(None)
        self.out.close()
        self.process.wait()
        self.back.close()


_WRITER_MAIN = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from readlist.core.ingest.pipeline import serve; serve(*sys.argv[2:])"
)


def serve(path: str, read_fd: str, write_fd: str) -> None:
    """The writer process: the planned dumps, in order, answering each ("ok", seconds it
    took), ("void", None), or ("error", the exception) and ending. The dumps that have
    queued up while it wrote go in one transaction (up to GROUP_LISTINGS listings), each
    whole or not at all as in line: their full-text insert and commit are made once."""
    from multiprocessing.connection import Connection

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the importer, which ends us
    conn = Connection(int(read_fd), writable=False)
    answers = Connection(int(write_fd), readable=False)
    inbox: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()

    def read() -> None:
        try:
            while True:
                inbox.put(conn.recv_bytes())
        except (EOFError, OSError):
            inbox.put(None)

    threading.Thread(target=read, daemon=True).start()
    void = False  # once a dump is void, so is every one planned after it
    held: list[Planned] = []  # a dump read and left for the next group
    with Store.open(path) as store, store.bulk():
        while True:
            group, more = _group(inbox, held)
            if void:
                for _ in group:
                    answers.send(("void", None))
            elif group:
                try:
                    void = not _commit(store, group, answers)
                except Exception as exc:
                    if len(group) == 1:  # the importer raises it, as it would in line
                        answers.send(("error", exc))
                        return
                    # One at a time, as in line: the dumps before the failing one land.
                    for index, batch in enumerate(group):
                        try:
                            landed = _commit(store, [batch], answers)
                        except Exception as exc:
                            answers.send(("error", exc))
                            return
                        if not landed:
                            void = True
                            for _ in group[index + 1 :]:
                                answers.send(("void", None))
                            break
            if not more:  # the importer is done, or gone
                return


def _group(
    inbox: queue.SimpleQueue[bytes | None], held: list[Planned]
) -> tuple[list[Planned], bool]:
    """The next dump (held back from the last group, or waited for), with those queued
    behind it while they fit in GROUP_LISTINGS listings together (a dump that does not
    fit is held back for the next group); and whether more follow."""
    group: list[Planned] = []
    listings = 0
    while True:
        if held:
            batch = held.pop()
        elif group and inbox.empty():
            return group, True
        else:
            data = inbox.get()
            loaded = None if data is None else pickle.loads(data)
            if loaded is None:
                return group, False
            batch = loaded
        size = len(batch.sightings)  # one a paper the dump lists
        if group and listings + size > GROUP_LISTINGS:
            held.append(batch)
            return group, True
        group.append(batch)
        listings += size


def _commit(store: Store, group: list[Planned], answers: Connection) -> bool:
    """The dumps in one transaction, each answered once it is committed (or void);
    whether all were written. Raises what failed, having written and answered nothing."""
    start = time.perf_counter()
    with store.transaction():
        written = _write_group(store, group)
    seconds = (time.perf_counter() - start) / max(written, 1)
    for index in range(len(group)):
        answers.send(("ok", seconds) if index < written else ("void", None))
    return written == len(group)


def _write_group(store: Store, group: list[Planned]) -> int:
    """As many of the dumps as the library is as they were planned against (all, unless
    something else has written since the dumps before them were planned, or begun the
    same dump): how many."""
    for written, batch in enumerate(group):
        if (
            store.dump_imported(batch.sha256)
            or store.unfinished_dump(batch.sha256) is not None
            or (store.next_paper_id(), store.next_dump_id()) != batch.ids
        ):
            return written
        write_planned(store, batch)
    return len(group)
