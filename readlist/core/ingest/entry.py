"""The one way papers come in: `import_sources`, which `readlist import` and the app's
import dialog both call. Everything behind it (the parsing process, the importer) is
private to readlist.core.ingest."""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from readlist.core.errors import DumpError
from readlist.core.ingest import sources as _sources
from readlist.core.ingest import stream
from readlist.core.ingest.importer import Importer
from readlist.core.ingest.ready import ReadyDump, ready_dumps
from readlist.core.models import FileReport
from readlist.core.store import Store

PROGRESS_STEPS = 200  # progress events per file at most, its first and last included


@dataclass(frozen=True, slots=True)
class ImportProgress:
    """Where an import stands: the dump `source`, number `index` (from 0) of `files`, has
    `done` of its `total` papers decided. `total` is None while the dump is read and
    parsed (how long that takes is not known). Each dump's last event has done ==
    total: its report is ready (a dump found in the library already has no other
    event after its first)."""

    source: str
    index: int
    files: int
    done: int
    total: int | None


def import_sources(
    store: Store,
    sources: Iterable[_sources.Source],
    *,
    progress: Callable[[ImportProgress], None] | None = None,
    stop: Callable[[], bool] | None = None,
    force: bool = False,
    now: datetime | None = None,
) -> Generator[FileReport, None, None]:
    """Import dump files, folders of dumps, "-" (stdin) or named streams into the
    store, yielding each dump's report in order once it is in the library. A source that
    cannot be read, or is no dump, gets its report with a one-line error, and the others
    are imported; an error of the library itself (a full disk) is raised.

    `force` imports text that does not look like a Daily Papers page; `stop` is asked
    between dumps and between the parts of a big one (the app quitting), and once it
    says so, nothing more is imported. A dump stopped midway keeps the parts written,
    and importing it again writes the rest. Close the iterator (or run it out) to end
    the helper processes of a big import."""
    found = _sources.dump_sources(sources)
    files = len(found)
    tell = progress or _ignore
    importer = Importer(store, now=now)

    def read() -> Iterator[tuple[str, bytes | FileReport | ReadyDump]]:
        for index, (name, where) in enumerate(found):
            tell(ImportProgress(name, index, files, 0, None))
            if isinstance(where, Path) and stream.should_stream(where):
                yield (
                    name,
                    stream.streamed_dump(where, name, importer.today, force=force, stop=stop),
                )
                continue
            try:
                yield name, _sources.read_source(name, where, stop)
            except DumpError as exc:
                yield name, FileReport(name, error=str(exc))

    # The next dumps are read and parsed in a second process while this one imports.
    with closing(ready_dumps(read(), importer.today, force=force)) as ready:
        for index, dump in enumerate(ready):
            if stop is not None and stop():
                return
            if isinstance(dump, FileReport):  # refused before it met the library
                report = dump
            else:
                decided = _decided(dump, index, files, tell)
                try:
                    report = importer.import_ready(dump, decided, stop=stop)
                except DumpError as exc:  # a big file read again changed: the rest go on
                    report = FileReport(dump.source, error=str(exc))
            tell(ImportProgress(report.source, index, files, report.papers, report.papers))
            yield report


def _decided(
    dump: ReadyDump, index: int, files: int, tell: Callable[[ImportProgress], None]
) -> Callable[[int, int], None]:
    """The importer's count of papers decided, as PROGRESS_STEPS events at most."""
    step = max(1, len(dump.rows) // PROGRESS_STEPS)

    def decided(done: int, total: int) -> None:
        if done % step == 0 and done < total:
            tell(ImportProgress(dump.source, index, files, done, total))

    return decided


def _ignore(event: ImportProgress) -> None:
    pass
