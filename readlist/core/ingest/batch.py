"""One part of a dump while the importer decides it: each listing as dedupe needs it
(Incoming) and the part's decisions so far (Batch), whose `planned` writes are what
planned.py writes. They hold the part's data; importer.py holds the rules that decide it,
so a reader of either meets one concern."""

from __future__ import annotations

from dataclasses import dataclass, field

from readlist.core.ingest import dedupe, identity
from readlist.core.ingest.planned import Planned
from readlist.core.ingest.ready import Row
from readlist.core.models import NewPaper, NewSighting, PaperMeta, ParsedPaper


@dataclass(slots=True)
class Incoming:
    """A paper read from a dump, with what dedupe needs to place it."""

    paper: ParsedPaper
    seen_on: str
    fp: dedupe.Fingerprint
    title_keys: tuple[int, ...]  # the exact title key first
    abstract_keys: tuple[int, ...]

    @classmethod
    def of(cls, row: Row) -> Incoming:
        title, abstract, date_line, seen_on, match_title, title_keys, abstract_keys = row[:7]
        paper = ParsedPaper(title, abstract, date_line, meta=row[7], listed_on=row[8])
        return cls(
            paper, seen_on, dedupe.Fingerprint(match_title, abstract), title_keys, abstract_keys
        )

    @property
    def listed(self) -> str:
        """The listing's day, as identity.combine weighs it: "" for a file that gives
        none (BibTeX, RIS, CSL-JSON), so it fills what a paper lacks but never outweighs
        a dated listing."""
        return self.paper.listed_on or ""

    @property
    def arxiv_id(self) -> str | None:
        meta = self.paper.meta
        return meta.arxiv_id if meta is not None else None

    @property
    def keys(self) -> tuple[int, ...]:
        return (*self.title_keys, *self.abstract_keys)


@dataclass
class Batch:
    """One part's decisions, written in the transaction they are made in."""

    dump_id: int
    next_id: int
    known: dict[int, list[tuple[int, str]]]  # key -> papers already in the library
    fresh: dict[int, list[tuple[int, str]]] = field(default_factory=dict)  # key -> this dump's
    papers: dict[int, NewPaper] = field(default_factory=dict)
    fingerprints: dict[int, dedupe.Fingerprint] = field(default_factory=dict)
    texts: dict[int, tuple[str, str]] = field(default_factory=dict)  # read from the library
    by_arxiv: dict[str, int] = field(default_factory=dict)  # arXiv id -> paper holding it
    arxiv_of: dict[int, str] = field(default_factory=dict)  # candidate paper -> its arXiv id
    # Library papers whose identity this part changes, and where each field came from.
    metas: dict[int, tuple[PaperMeta, identity.Sources]] = field(default_factory=dict)
    planned: Planned = field(init=False)

    def add(self, item: Incoming, listing: int) -> int:
        paper_id = self.next_id
        self.next_id += 1
        paper = item.paper
        self.papers[paper_id] = NewPaper(
            paper_id, paper.title, paper.abstract, item.fp.match_title, item.seen_on, paper.meta
        )
        if paper.meta is not None:
            self.planned.sources[paper_id] = identity.sources_of(
                paper.meta, self.dump_id, item.listed
            )
            if paper.meta.arxiv_id:
                self.by_arxiv[paper.meta.arxiv_id] = paper_id
                self.arxiv_of[paper_id] = paper.meta.arxiv_id
        self.fingerprints[paper_id] = item.fp
        for key in item.keys:
            self.fresh.setdefault(key, []).append((paper_id, item.fp.match_title))
            self.planned.keys.append((key, paper_id))
        self.planned.sightings.append(
            NewSighting(
                paper_id,
                self.dump_id,
                paper.date_line,
                item.seen_on,
                "new",
                listing=listing,
                record=paper.meta.record if paper.meta is not None else None,
            )
        )
        return paper_id
