"""Parse, dedupe and store one dump per transaction, and say what happened."""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

from readlist.core import dedupe
from readlist.core.errors import DumpError
from readlist.core.models import FileReport, NewPaper, NewSighting, ParsedPaper
from readlist.core.prepare import Prepared, Row, prepare
from readlist.core.run_keys import RunKeys
from readlist.core.store import Store
from readlist.core.store_imports import CANDIDATES_PER_KEY, RECENT_KEYS_CAP

Progress = Callable[[int, int], None]  # (papers done, papers in the file)
_FINGERPRINT_CACHE = 10_000  # recent papers: the ones near-duplicates usually hit
RUN_KEYS_CAP = 1_000_000  # blocking keys a run holds in memory (~200,000 papers, ~120 MB)


def dump_files(path: Path) -> list[Path]:
    """A file is itself; a folder is the *.txt dumps inside it."""
    if path.is_dir():
        files = sorted(p for p in path.glob("*.txt") if p.is_file())
        if not files:
            raise DumpError(f"{path}: folder has no *.txt dumps")
        return files
    if not path.exists():
        raise DumpError(f"{path}: no such file or folder")
    return [path]


def read_dump(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise DumpError(f"{path}: cannot read ({exc.strerror})") from exc


class Importer:
    """Imports dumps into one store; remembers fingerprints across files of one run."""

    def __init__(self, store: Store, *, now: datetime | None = None) -> None:
        self.store = store
        self.now = now or datetime.now(UTC)
        # The most recently used papers' fingerprints, oldest first. An OrderedDict, not a
        # dict: dropping the oldest of a dict that has dropped many is a scan, and at
        # 100k papers that scan took a quarter of the import.
        self._fingerprints: OrderedDict[int, dedupe.Fingerprint] = OrderedDict()
        self._run: RunKeys | None = None
        # Papers whose text the library does not hold yet: planned in a dump not yet
        # committed (see readlist.core.pipeline), or given an abstract by the dump being
        # planned. paper id -> (the last dump that wrote it, title, abstract).
        self._pending: dict[int, tuple[int, str, str]] = {}

    @property
    def today(self) -> date:
        return self.now.date()

    def import_bytes(
        self, data: bytes, source: str, progress: Progress | None = None
    ) -> FileReport:
        """One dump, one transaction: all of its papers land, or none do."""
        return self.import_prepared(prepare(data, source, self.today), progress)

    def import_prepared(
        self, prepared: Prepared | FileReport, progress: Progress | None = None
    ) -> FileReport:
        """A dump read and fingerprinted by `prepare` (here or in another process)."""
        if isinstance(prepared, FileReport):  # refused before it met the library
            return prepared
        store = self.store
        try:
            with store.transaction():
                if store.dump_imported(prepared.sha256):
                    return FileReport(prepared.source, already_imported=True)
                ids = (store.next_paper_id(), store.next_dump_id())
                report, batch = self.plan(prepared, ids, progress)
                write_planned(store, batch.planned)
        except BaseException:
            self.forget()  # ids from the rolled-back transaction are void
            raise
        finally:
            self._pending.clear()
        if self._run is not None:  # committed: its papers' keys are the run's from now on
            self._run.landed(batch.fresh, batch.next_id, batch.dump_id)
        return report

    def plan(
        self, prepared: Prepared, ids: tuple[int, int], progress: Progress | None = None
    ) -> tuple[FileReport, _Batch]:
        """Decide every paper of the dump in order, writing nothing: what the dump adds
        and merges, for `write_planned` to write in a few statements (not a few a paper).
        `ids` are the first new paper's id and the dump's id, as the library will give
        them when the dump is written. Returns the report, and the decisions."""
        rows = prepared.rows
        imported_at = self.now.isoformat(timespec="seconds")
        first_id, dump_id = ids
        incoming = [_Incoming.of(row) for row in rows]
        keys = {k for item in incoming for k in item.keys}
        batch = _Batch(dump_id, first_id, self._known(keys, first_id, dump_id))
        batch.planned = Planned(prepared.sha256, prepared.source, len(rows), imported_at, ids)
        counts = {"new": 0, "exact": 0, "fuzzy": 0, "flagged": 0}
        for done, item in enumerate(incoming, 1):
            found = dedupe.match(item.fp, self._candidates(item, batch))
            if found.merge_into is not None:
                paper_id, decision = found.merge_into
                kind = decision.verdict.value
                self._merge(paper_id, item, kind, batch)
                counts[kind] += 1
            else:
                paper_id = batch.add(item)
                self._remember(paper_id, item.fp)
                counts["new"] += 1
                batch.planned.reviews.extend(
                    (paper_id, other, d.title_score, d.abstract_score, d.reason)
                    for other, d in found.reviews
                )
                counts["flagged"] += bool(found.reviews)
            if progress is not None:
                progress(done, len(rows))
        batch.planned.papers.extend(batch.papers.values())
        report = FileReport(
            prepared.source,
            new=counts["new"],
            merged_exact=counts["exact"],
            merged_fuzzy=counts["fuzzy"],
            flagged=counts["flagged"],
            skipped=prepared.skipped,
            unplaced_lines=prepared.unplaced_lines,
        )
        return report, batch

    def hold(self, batch: _Batch) -> None:
        """A dump planned and sent to be written (readlist.core.pipeline): its new papers
        read as if written until `release`, and its keys are the run's."""
        for paper in batch.papers.values():
            self._pending[paper.id] = (batch.dump_id, paper.title, paper.abstract)
        if self._run is not None:
            self._run.landed(batch.fresh, batch.next_id, batch.dump_id)

    def release(self, dump_id: int) -> None:
        """The dump `dump_id` and those before it are committed: read their papers from
        the library from now on."""
        pending = self._pending
        for paper_id in [i for i, (owner, _, _) in pending.items() if owner <= dump_id]:
            del pending[paper_id]

    def forget(self) -> None:
        """Start afresh from the library: what was planned and not written is void."""
        self._fingerprints.clear()
        self._pending.clear()
        self._run = None

    def plans_ahead(self) -> bool:
        """Whether the next dump may be planned while dumps before it are still being
        written: not if its run begins afresh, which reads the library below its start."""
        run = self._run
        return run is not None and run.size < RUN_KEYS_CAP

    def _text_of(self, paper_id: int, batch: _Batch) -> tuple[str, str]:
        if paper_id not in batch.texts:
            held = self._pending.get(paper_id)
            if held is not None:
                return held[1], held[2]
            batch.texts.update(self.store.texts([paper_id]))
        return batch.texts[paper_id]

    def _abstract(self, paper_id: int) -> str:
        held = self._pending.get(paper_id)
        return held[2] if held is not None else self.store.abstract(paper_id)

    def _known(
        self, keys: set[int], first_id: int, dump_id: int
    ) -> dict[int, list[tuple[int, str]]]:
        """The library's papers holding each key, newest first, a few at most: those this
        run wrote from memory, the older ones from the store. A run starts afresh, from
        the library as it now is, once it holds RUN_KEYS_CAP keys, or if anything else
        has added papers or imported a dump since its last dump (this dump is `dump_id`,
        just added; its new papers start at `first_id`): another window, another
        process, or another Importer on this store, whose papers and keys it would not
        hold. Nothing else adds blocking keys, and no paper's are ever taken away."""
        store = self.store
        now = (first_id, dump_id)
        run = self._run
        if run is None or run.expect != now or run.size >= RUN_KEYS_CAP:
            run = self._run = RunKeys(*now)
        found = store.candidates(keys, below=run.start) if run.start > 1 else {}
        return run.known(keys, found)

    def _candidates(
        self, item: _Incoming, batch: _Batch
    ) -> Iterator[tuple[int, dedupe.Fingerprint, bool]]:
        """Papers sharing a key with `item`, a few per key (the most recent: this dump's
        own new papers first), each with whether it shares an abstract key."""
        titles: dict[int, str] = {}
        via_abstract: set[int] = set()
        fresh, known = batch.fresh, batch.known
        for keys, is_abstract in ((item.title_keys, False), (item.abstract_keys, True)):
            for key in keys:
                block = known.get(key, ())
                if key in fresh:
                    block = [*fresh[key][::-1], *block][:CANDIDATES_PER_KEY]
                for paper_id, match_title in block:
                    titles[paper_id] = match_title
                    if is_abstract:
                        via_abstract.add(paper_id)
        # Most of a block differs in its title alone: told apart without a Fingerprint.
        for paper_id in dedupe.worth_deciding(item.fp, titles, via_abstract):
            fp = batch.fingerprints.get(paper_id) or self._fingerprints.get(paper_id)
            if fp is None:
                fp = dedupe.Fingerprint(titles[paper_id], partial(self._abstract, paper_id))
                self._remember(paper_id, fp)
            yield paper_id, fp, paper_id in via_abstract

    def _remember(self, paper_id: int, fp: dedupe.Fingerprint) -> None:
        if len(self._fingerprints) >= _FINGERPRINT_CACHE:
            self._fingerprints.popitem(last=False)  # the oldest
        self._fingerprints[paper_id] = fp

    def _merge(self, paper_id: int, item: _Incoming, kind: str, batch: _Batch) -> None:
        paper = item.paper
        pending = batch.papers.get(paper_id)
        if pending is not None:  # new in this very dump
            title, abstract = pending.title, pending.abstract
        else:
            title, abstract = self._text_of(paper_id, batch)
        if not abstract and paper.abstract:  # the first abstract a dump gives it
            if pending is not None:
                batch.papers[paper_id] = dataclasses.replace(pending, abstract=paper.abstract)
                batch.fingerprints[paper_id] = dedupe.Fingerprint(
                    pending.match_title, paper.abstract
                )
                match_title = pending.match_title
            else:
                batch.planned.fills.append((paper_id, paper.abstract))
                batch.texts[paper_id] = (title, paper.abstract)
                self._pending[paper_id] = (batch.dump_id, title, paper.abstract)
                match_title = dedupe.fingerprint(title, "").match_title
            self._fingerprints.pop(paper_id, None)
            # Its abstract's blocking keys too: a later listing under another title is
            # found through them, as it would be had the abstract come first.
            for key in item.abstract_keys:
                batch.fresh.setdefault(key, []).append((paper_id, match_title))
                batch.planned.keys.append((key, paper_id))
        if paper_id in batch.sighted:
            return  # the dump lists it twice: one sighting
        batch.sighted.add(paper_id)
        batch.planned.sightings.append(
            NewSighting(
                paper_id,
                batch.dump_id,
                paper.date_line,
                item.seen_on,
                kind,
                title=paper.title if paper.title != title else None,
                abstract=paper.abstract if paper.abstract not in ("", abstract) else None,
            )
        )


@dataclass(slots=True)
class _Incoming:
    """A paper read from a dump, with what dedupe needs to place it."""

    paper: ParsedPaper
    seen_on: str
    fp: dedupe.Fingerprint
    title_keys: tuple[int, ...]  # the exact title key first
    abstract_keys: tuple[int, ...]

    @classmethod
    def of(cls, row: Row) -> _Incoming:
        title, abstract, date_line, seen_on, match_title, title_keys, abstract_keys = row
        paper = ParsedPaper(title, abstract, date_line)
        return cls(
            paper, seen_on, dedupe.Fingerprint(match_title, abstract), title_keys, abstract_keys
        )

    @property
    def keys(self) -> tuple[int, ...]:
        return (*self.title_keys, *self.abstract_keys)


@dataclass
class _Batch:
    """One dump's decisions, written when every paper of it is decided."""

    dump_id: int
    next_id: int
    known: dict[int, list[tuple[int, str]]]  # key -> papers already in the library
    fresh: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # key -> this dump's
    papers: dict[int, NewPaper] = field(default_factory=dict)
    fingerprints: dict[int, dedupe.Fingerprint] = field(default_factory=dict)
    sighted: set[int] = field(default_factory=set)
    texts: dict[int, tuple[str, str]] = field(default_factory=dict)  # read from the library
    planned: Planned = field(init=False)

    def add(self, item: _Incoming) -> int:
        paper_id = self.next_id
        self.next_id += 1
        paper = item.paper
        self.papers[paper_id] = NewPaper(
            paper_id, paper.title, paper.abstract, item.fp.match_title, item.seen_on
        )
        self.fingerprints[paper_id] = item.fp
        for key in item.keys:
            self.fresh.setdefault(key, []).append((paper_id, item.fp.match_title))
            self.planned.keys.append((key, paper_id))
        self.sighted.add(paper_id)
        self.planned.sightings.append(
            NewSighting(paper_id, self.dump_id, paper.date_line, item.seen_on, "new")
        )
        return paper_id


@dataclass(slots=True)
class Planned:
    """One dump's writes, decided: what `write_planned` puts in the library."""

    sha256: str
    source: str
    listed: int  # papers the dump lists
    imported_at: str
    ids: tuple[int, int]  # the first new paper's id and the dump's, as planned
    fills: list[tuple[int, str]] = field(default_factory=list)  # (paper id, first abstract)
    papers: list[NewPaper] = field(default_factory=list)
    keys: list[tuple[int, int]] = field(default_factory=list)  # (blocking key, paper id)
    sightings: list[NewSighting] = field(default_factory=list)
    reviews: list[tuple[int, int, float, float, str]] = field(default_factory=list)

    @property
    def next_ids(self) -> tuple[int, int]:
        """The library's next paper and dump ids once this dump is written."""
        return self.ids[0] + len(self.papers), self.ids[1] + 1


def write_planned(store: Store, planned: Planned) -> None:
    """A planned dump's writes, inside its write transaction (Store.transaction), where
    the library's next paper and dump ids are the ones it was planned with."""
    dump_id = store.add_dump(planned.sha256, planned.source, planned.listed, planned.imported_at)
    if dump_id != planned.ids[1]:
        raise RuntimeError(f"dump planned as {planned.ids[1]} written as {dump_id}")
    for paper_id, abstract in planned.fills:
        store.fill_abstract(paper_id, abstract)
    store.add_papers(planned.papers)
    store.add_keys(planned.keys)
    store.add_sightings(planned.sightings)
    store.add_reviews(planned.reviews)
    if store.recent_keys() >= RECENT_KEYS_CAP:
        store.merge_keys()  # in the dump's transaction: both land, or neither
