"""Parse, dedupe and store one dump per transaction, and say what happened."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

from readlist.core import dedupe
from readlist.core.errors import DumpError
from readlist.core.models import FileReport, NewPaper, NewSighting, ParsedPaper
from readlist.core.parse import decode_dump, parse_dump
from readlist.core.store import CANDIDATES_PER_KEY, Store

Progress = Callable[[int, int], None]  # (papers done, papers in the file)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}
_DATE = re.compile(r"([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:,?\s+(\d{4}))?")
_FINGERPRINT_CACHE = 10_000  # recent papers: the ones near-duplicates usually hit


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
        digest.update(
            f"{paper.title}\x1f{paper.abstract}\x1f{paper.date_line}\x1e".encode(
                "utf-8", "surrogatepass"
            )
        )
    return digest.hexdigest()


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

    def import_bytes(
        self, data: bytes, source: str, progress: Progress | None = None
    ) -> FileReport:
        """One dump, one transaction: all of its papers land, or none do."""
        try:
            papers = parse_dump(decode_dump(data, source)).papers
        except DumpError as exc:
            return FileReport(source, error=str(exc))
        if not papers:
            return FileReport(source, error=f"{source}: no papers found in the file")
        sha256 = content_hash(papers)
        try:
            with self.store.transaction():
                if self.store.dump_imported(sha256):
                    return FileReport(source, already_imported=True)
                return self._import(papers, sha256, source, progress)
        except BaseException:
            self._fingerprints.clear()  # ids from the rolled-back transaction are void
            raise

    def _import(
        self, papers: Iterable[ParsedPaper], sha256: str, source: str, progress: Progress | None
    ) -> FileReport:
        """Decide every paper of the dump in order, then write them all: a few statements
        a dump, not a few a paper."""
        papers = list(papers)
        imported_at = self.now.isoformat(timespec="seconds")
        dump_id = self.store.add_dump(sha256, source, len(papers), imported_at)
        today = self.now.date()
        incoming = [_Incoming.of(paper, today) for paper in papers]
        batch = _Batch(
            dump_id,
            self.store.next_paper_id(),
            self.store.candidates(k for item in incoming for k in item.keys),
        )
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
                batch.reviews += [
                    (paper_id, other, d.title_score, d.abstract_score, d.reason)
                    for other, d in found.reviews
                ]
                counts["flagged"] += bool(found.reviews)
            if progress is not None:
                progress(done, len(papers))
        self._write(batch)
        return FileReport(
            source,
            new=counts["new"],
            merged_exact=counts["exact"],
            merged_fuzzy=counts["fuzzy"],
            flagged=counts["flagged"],
        )

    def _candidates(
        self, item: _Incoming, batch: _Batch
    ) -> Iterator[tuple[int, dedupe.Fingerprint, bool]]:
        """Papers sharing a key with `item`, a few per key (the most recent: this dump's
        own new papers first), each with whether it shares an abstract key."""
        via_abstract: dict[int, bool] = {}
        titles: dict[int, str] = {}
        for key, is_abstract in item.keyed():
            fresh = batch.fresh.get(key, [])[::-1]
            known = batch.known.get(key, [])
            for paper_id, match_title in [*fresh, *known][:CANDIDATES_PER_KEY]:
                via_abstract[paper_id] = via_abstract.get(paper_id, False) or is_abstract
                titles[paper_id] = match_title
        for paper_id in sorted(via_abstract):
            fp = batch.fingerprints.get(paper_id) or self._fingerprints.get(paper_id)
            if fp is None:
                fp = dedupe.Fingerprint(titles[paper_id], partial(self.store.abstract, paper_id))
                self._remember(paper_id, fp)
            yield paper_id, fp, via_abstract[paper_id]

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
            title, abstract = batch.text_of(paper_id, self.store)
        if not abstract and paper.abstract:  # the first abstract a dump gives it
            if pending is not None:
                batch.papers[paper_id] = dataclasses.replace(pending, abstract=paper.abstract)
                batch.fingerprints[paper_id] = dedupe.Fingerprint(
                    pending.match_title, paper.abstract
                )
                match_title = pending.match_title
            else:
                self.store.fill_abstract(paper_id, paper.abstract)
                batch.texts[paper_id] = (title, paper.abstract)
                match_title = dedupe.fingerprint(title, "").match_title
            self._fingerprints.pop(paper_id, None)
            # Its abstract's blocking keys too: a later listing under another title is
            # found through them, as it would be had the abstract come first.
            for key in item.abstract_keys:
                batch.fresh.setdefault(key, []).append((paper_id, match_title))
                batch.keys.append((key, paper_id))
        if paper_id in batch.sighted:
            return  # the dump lists it twice: one sighting
        batch.sighted.add(paper_id)
        batch.sightings.append(
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

    def _write(self, batch: _Batch) -> None:
        store = self.store
        store.add_papers(list(batch.papers.values()))
        store.add_keys(batch.keys)
        store.add_sightings(batch.sightings)
        store.add_reviews(batch.reviews)


@dataclass(slots=True)
class _Incoming:
    """A paper read from a dump, with what dedupe needs to place it."""

    paper: ParsedPaper
    seen_on: str
    fp: dedupe.Fingerprint
    title_keys: tuple[int, ...]  # the exact title key first
    abstract_keys: tuple[int, ...]

    @classmethod
    def of(cls, paper: ParsedPaper, today: date) -> _Incoming:
        fp = dedupe.fingerprint(paper.title, paper.abstract)
        title_keys, abstract_keys = dedupe.block_keys(fp)
        seen_on = resolve_date(paper.date_line, today).isoformat()
        return cls(paper, seen_on, fp, (dedupe.exact_key(fp), *title_keys), abstract_keys)

    @property
    def keys(self) -> tuple[int, ...]:
        return (*self.title_keys, *self.abstract_keys)

    def keyed(self) -> Iterator[tuple[int, bool]]:
        """Each key, and whether it is an abstract key."""
        for key in self.title_keys:
            yield key, False
        for key in self.abstract_keys:
            yield key, True


@dataclass
class _Batch:
    """One dump's decisions, written when every paper of it is decided."""

    dump_id: int
    next_id: int
    known: dict[int, list[tuple[int, str]]]  # key -> papers already in the library
    fresh: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # key -> this dump's
    papers: dict[int, NewPaper] = field(default_factory=dict)
    fingerprints: dict[int, dedupe.Fingerprint] = field(default_factory=dict)
    keys: list[tuple[int, int]] = field(default_factory=list)
    sightings: list[NewSighting] = field(default_factory=list)
    sighted: set[int] = field(default_factory=set)
    reviews: list[tuple[int, int, float, float, str]] = field(default_factory=list)
    texts: dict[int, tuple[str, str]] = field(default_factory=dict)

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
            self.keys.append((key, paper_id))
        self.sighted.add(paper_id)
        self.sightings.append(
            NewSighting(paper_id, self.dump_id, paper.date_line, item.seen_on, "new")
        )
        return paper_id

    def text_of(self, paper_id: int, store: Store) -> tuple[str, str]:
        if paper_id not in self.texts:
            self.texts.update(store.texts([paper_id]))
        return self.texts[paper_id]
