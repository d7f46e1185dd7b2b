"""Parse, dedupe and store one dump per transaction, and say what happened."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path

from readlist.core import dedupe
from readlist.core.errors import DumpError
from readlist.core.models import FileReport, ParsedPaper
from readlist.core.parse import decode_dump, parse_dump
from readlist.core.store import Store

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
        self._fingerprints: dict[int, dedupe.Fingerprint] = {}

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
        papers = list(papers)
        imported_at = self.now.isoformat(timespec="seconds")
        dump_id = self.store.add_dump(sha256, source, len(papers), imported_at)
        counts = {"new": 0, "exact": 0, "fuzzy": 0, "flagged": 0}
        today = self.now.date()
        for done, paper in enumerate(papers, 1):
            seen_on = resolve_date(paper.date_line, today).isoformat()
            fp = dedupe.fingerprint(paper.title, paper.abstract)
            title_keys, abstract_keys = dedupe.block_keys(fp)
            title_keys = (dedupe.exact_key(fp), *title_keys)
            found = dedupe.match(fp, self._candidates(title_keys, abstract_keys))
            if found.merge_into is not None:
                paper_id, decision = found.merge_into
                kind = decision.verdict.value
                self._merge(paper_id, dump_id, paper, seen_on, kind)
                counts[kind] += 1
            else:
                paper_id = self.store.add_paper(
                    paper.title,
                    paper.abstract,
                    fp.match_title,
                    (*title_keys, *abstract_keys),
                    dump_id=dump_id,
                    date_line=paper.date_line,
                    seen_on=seen_on,
                )
                self._remember(paper_id, fp)
                counts["new"] += 1
                for other_id, decision in found.reviews:
                    self.store.add_review(
                        paper_id,
                        other_id,
                        decision.title_score,
                        decision.abstract_score,
                        decision.reason,
                    )
                counts["flagged"] += bool(found.reviews)
            if progress is not None:
                progress(done, len(papers))
        return FileReport(
            source,
            new=counts["new"],
            merged_exact=counts["exact"],
            merged_fuzzy=counts["fuzzy"],
            flagged=counts["flagged"],
        )

    def _candidates(
        self, title_keys: tuple[int, ...], abstract_keys: tuple[int, ...]
    ) -> Iterator[tuple[int, dedupe.Fingerprint, bool]]:
        for paper_id, match_title, via_abstract in self.store.candidates(title_keys, abstract_keys):
            fp = self._fingerprints.get(paper_id)
            if fp is None:
                fp = dedupe.Fingerprint(match_title, partial(self.store.abstract, paper_id))
                self._remember(paper_id, fp)
            yield paper_id, fp, via_abstract

    def _remember(self, paper_id: int, fp: dedupe.Fingerprint) -> None:
        if len(self._fingerprints) >= _FINGERPRINT_CACHE:
            del self._fingerprints[next(iter(self._fingerprints))]  # the oldest
        self._fingerprints[paper_id] = fp

    def _merge(
        self, paper_id: int, dump_id: int, paper: ParsedPaper, seen_on: str, kind: str
    ) -> None:
        existing = self.store.get(paper_id)
        if not existing.abstract and paper.abstract:
            self.store.fill_abstract(paper_id, paper.abstract)
            self._fingerprints.pop(paper_id, None)
        self.store.add_sighting(
            paper_id,
            dump_id,
            date_line=paper.date_line,
            seen_on=seen_on,
            match=kind,
            title=paper.title if paper.title != existing.title else None,
            abstract=paper.abstract if paper.abstract not in ("", existing.abstract) else None,
        )
