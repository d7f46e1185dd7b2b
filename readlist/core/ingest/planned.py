"""One part of a dump's writes, as the importer decided them, and their writing: the
few statements `write_planned` makes inside the part's write transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

from readlist.core.ingest.identity import Sources
from readlist.core.models import NewPaper, NewSighting, PaperMeta
from readlist.core.store import RECENT_KEYS_CAP, Store


@dataclass(slots=True)
class Planned:
    """One part of a dump's writes, decided: what `write_planned` puts in the library."""

    sha256: str
    source: str
    listed: int  # papers the dump lists
    imported_at: str
    ids: tuple[int, int]  # the first new paper's id and the dump's, as planned
    start: int = 0  # the first listing planned: 0, or where an earlier part ended
    end: int = 0  # the listing after the last one planned; the dump is whole at `listed`
    fills: list[tuple[int, str]] = field(default_factory=list)  # (paper id, first abstract)
    papers: list[NewPaper] = field(default_factory=list)
    keys: list[tuple[int, int]] = field(default_factory=list)  # (blocking key, paper id)
    sightings: list[NewSighting] = field(default_factory=list)
    reviews: list[tuple[int, int, float, float, str]] = field(default_factory=list)
    sources: dict[int, Sources] = field(default_factory=dict)  # new papers' identity's
    metas: list[tuple[int, PaperMeta, Sources]] = field(default_factory=list)  # changed


def write_planned(store: Store, planned: Planned) -> None:
    """A part's writes, inside the write transaction it was decided in
    (Store.transaction). The checks of the dump's id and of how far it is written guard
    the importer's own bookkeeping: they hold unless it has a bug."""
    written = None if planned.end >= planned.listed else planned.end
    if planned.start == 0:
        dump_id = store.imports.add_dump(
            planned.sha256, planned.source, planned.listed, planned.imported_at, written=written
        )
        if dump_id != planned.ids[1]:
            raise RuntimeError(f"dump planned as {planned.ids[1]} written as {dump_id}")
    else:
        if store.imports.unfinished_dump(planned.sha256) != (planned.ids[1], planned.start):
            raise RuntimeError(f"dump {planned.ids[1]} is not written up to {planned.start}")
        store.imports.dump_written(planned.ids[1], written)
    for paper_id, abstract in planned.fills:
        store.imports.fill_abstract(paper_id, abstract)
    store.imports.add_papers(planned.papers, planned.sources)
    store.imports.set_metas(planned.metas)
    store.imports.add_keys(planned.keys)
    store.imports.add_sightings(planned.sightings)
    store.imports.add_reviews(planned.reviews)
    if store.imports.recent_keys() >= RECENT_KEYS_CAP:
        store.imports.merge_keys()  # in the dump's transaction: both land, or neither
