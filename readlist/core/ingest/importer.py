"""Parse, dedupe and store a dump, in parts of bounded size, and say what happened."""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from functools import partial

from readlist.core import normalize
from readlist.core.ingest import dedupe, identity
from readlist.core.ingest.batch import Batch, Incoming
from readlist.core.ingest.planned import Planned, write_planned
from readlist.core.ingest.ready import ReadyDump, ready_dump
from readlist.core.models import NO_META, FileReport, NewSighting
from readlist.core.store import CANDIDATES_PER_KEY, Store

Progress = Callable[[int, int], None]  # (papers done, papers in the file)
_FINGERPRINT_CACHE = 10_000  # recent papers: the ones near-duplicates usually hit
# A dump is decided and written in parts, each its own transaction, so that the write
# lock is never held for long: a star or a `mark` elsewhere waits for one part at most.
# A part is this many listings at most, and stops being decided after PART_SECONDS
# (then written: about half as long again).
PART_LISTINGS = 2_500
PART_SECONDS = 0.3
# Between two parts the write lock is left free this long: a writer waiting for it
# (Store.transaction asks every few milliseconds) takes it then.
PART_GAP_SECONDS = 0.005
_CLOCK_EVERY = 64  # listings decided between looks at the clock
# A listing that merges because the library holds its arXiv id (counted as exact).
_SAME_ID = dedupe.Decision(dedupe.Verdict.SAME_EXACT, 100.0, 100.0, "same arXiv id")
# A listing of a title the user merged into another paper (see Importer._merged_into).
_MERGED_BY_USER = dedupe.Decision(dedupe.Verdict.SAME_EXACT, 100.0, 100.0, "merged by you")


class Importer:
    """Imports dumps into one store; remembers fingerprints across files of one run."""

    def __init__(self, store: Store, *, now: datetime | None = None) -> None:
        self.store = store
        self.now = now or datetime.now(UTC)
        # The most recently used papers' fingerprints, oldest first. An OrderedDict, not a
        # dict: dropping the oldest of a dict that has dropped many is a scan, slow
        # once the cache has turned over many times.
        self._fingerprints: OrderedDict[int, dedupe.Fingerprint] = OrderedDict()
        # Abstracts the part being decided gives papers of the library, not yet written.
        self._filled: dict[int, str] = {}

    @property
    def today(self) -> date:
        return self.now.date()

    def import_bytes(
        self,
        data: bytes,
        source: str,
        progress: Progress | None = None,
        *,
        stop: Callable[[], bool] | None = None,
    ) -> FileReport:
        """One dump, written in parts (see import_ready)."""
        return self.import_ready(ready_dump(data, source, self.today), progress, stop=stop)

    def import_ready(
        self,
        prepared: ReadyDump | FileReport,
        progress: Progress | None = None,
        *,
        stop: Callable[[], bool] | None = None,
    ) -> FileReport:
        """A dump read and fingerprinted by `ready_dump` (here or in another process),
        decided and written a part at a time, each part one transaction: the write lock
        is held for one part (PART_LISTINGS, PART_SECONDS), never for a whole big dump.
        The dump is recorded as whole with its last part; stopped before (a crash, an
        error, Ctrl-C, or `stop`, asked between parts, saying so: the app quitting), it
        keeps the parts written, and importing it again writes the rest, from where it
        stopped. The report counts what this call wrote."""
        if isinstance(prepared, FileReport):  # refused before it met the library
            return prepared
        total = FileReport(
            prepared.source, skipped=prepared.skipped, unplaced_lines=prepared.unplaced_lines
        )
        wrote = False
        while True:
            part = self._import_part(prepared, progress)
            if part is None:  # whole, by an earlier import or another process
                if not wrote:
                    return FileReport(prepared.source, already_imported=True)
                break
            report, whole = part
            wrote = True
            total = dataclasses.replace(
                total,
                new=total.new + report.new,
                merged_exact=total.merged_exact + report.merged_exact,
                merged_fuzzy=total.merged_fuzzy + report.merged_fuzzy,
                flagged=total.flagged + report.flagged,
            )
            if whole or (stop is not None and stop()):
                break
            time.sleep(PART_GAP_SECONDS)
        return total

    def _import_part(
        self, prepared: ReadyDump, progress: Progress | None
    ) -> tuple[FileReport, bool] | None:
        """The dump's next part, in one transaction: from where the library says the dump
        stands (written by this call's caller, or by an import stopped earlier). Its
        report and whether the dump is now whole; None if it was whole already."""
        store = self.store
        try:
            with store.transaction():
                if store.imports.dump_imported(prepared.sha256):
                    return None
                unfinished = store.imports.unfinished_dump(prepared.sha256)
                dump_id, start = (
                    (store.imports.next_dump_id(), 0) if unfinished is None else unfinished
                )
                ids = (store.imports.next_paper_id(), dump_id)
                report, batch = self._plan(prepared, ids, start, progress)
                write_planned(store, batch.planned)
        except BaseException:
            # The part's ids are void: they may go to other papers now.
            self._fingerprints.clear()
            raise
        finally:
            self._filled.clear()
        return report, batch.planned.end == len(prepared.rows)

    def _plan(
        self,
        prepared: ReadyDump,
        ids: tuple[int, int],
        start: int,
        progress: Progress | None,
    ) -> tuple[FileReport, Batch]:
        """Decide the dump's next part in order, from listing `start`, up to
        PART_LISTINGS listings or PART_SECONDS, writing nothing: what it adds and merges,
        for `write_planned` to write in a few statements (not a few a paper). `ids` are
        the first new paper's id and the dump's id, as the library gives them when the
        part is written. Returns the part's report, and its decisions."""
        rows = prepared.rows
        imported_at = self.now.isoformat(timespec="seconds")
        first_id, dump_id = ids
        end = min(len(rows), start + PART_LISTINGS)
        incoming = [Incoming.of(row) for row in rows[start:end]]
        keys = {k for item in incoming for k in item.keys}
        batch = Batch(dump_id, first_id, self.store.imports.candidates(keys))
        arxiv_ids = {item.arxiv_id for item in incoming if item.arxiv_id}
        if arxiv_ids:  # an id merges first, and two ids never merge: the library's ids
            batch.by_arxiv = self.store.imports.papers_by_arxiv_id(arxiv_ids)
            held = {paper_id for block in batch.known.values() for paper_id, _ in block}
            batch.arxiv_of = self.store.imports.arxiv_ids(held)
        batch.planned = Planned(
            prepared.sha256,
            prepared.source,
            len(rows),
            imported_at,
            ids,
            start=start,
            end=end,
        )
        counts = {"new": 0, "exact": 0, "fuzzy": 0, "flagged": 0}
        deadline = time.monotonic() + PART_SECONDS
        for offset, item in enumerate(incoming):
            listing = start + offset
            if offset and offset % _CLOCK_EVERY == 0 and time.monotonic() > deadline:
                batch.planned.end = listing  # the rest in the next part
                break
            same_id = batch.by_arxiv.get(item.arxiv_id) if item.arxiv_id else None
            merged_into = self._merged_into(item, batch) if same_id is None else None
            if same_id is not None:  # the same arXiv id: the same paper, whatever its text
                found = dedupe.Match((same_id, _SAME_ID))
            elif merged_into is not None:
                found = dedupe.Match((merged_into, _MERGED_BY_USER))
            else:
                found = dedupe.match(item.fp, self._candidates(item, batch))
            if found.merge_into is not None:
                paper_id, decision = found.merge_into
                kind = "id" if decision is _SAME_ID else decision.verdict.value
                self._merge(paper_id, item, kind, batch, listing)
                counts["exact" if kind == "id" else kind] += 1
            else:
                paper_id = batch.add(item, listing)
                self._remember(paper_id, item.fp)
                counts["new"] += 1
                batch.planned.reviews.extend(
                    (paper_id, other, d.title_score, d.abstract_score, d.reason)
                    for other, d in found.reviews
                )
                counts["flagged"] += bool(found.reviews)
            if progress is not None:
                progress(listing + 1, len(rows))
        batch.planned.papers.extend(batch.papers.values())
        batch.planned.metas.extend((pid, meta, came) for pid, (meta, came) in batch.metas.items())
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

    def _text_of(self, paper_id: int, batch: Batch) -> tuple[str, str]:
        if paper_id not in batch.texts:
            batch.texts.update(self.store.imports.texts([paper_id]))
        return batch.texts[paper_id]

    def _abstract(self, paper_id: int) -> str:
        """A paper's abstract, when dedupe first needs it: the part being decided may
        have given it one that is not written yet."""
        filled = self._filled.get(paper_id)
        return filled if filled is not None else self.store.imports.abstract(paper_id)

    def _candidates(
        self, item: Incoming, batch: Batch
    ) -> Iterator[tuple[int, dedupe.Fingerprint, bool]]:
        """The papers to decide `item` against (dedupe.shortlist), from the blocks of its
        keys: a few papers per key (the most recent: this dump's own new papers first),
        each with whether it shares an abstract key."""
        fresh, known = batch.fresh, batch.known
        blocks: list[tuple[dedupe.Block, bool]] = []
        for keys, is_abstract in ((item.title_keys, False), (item.abstract_keys, True)):
            for key in keys:
                block: dedupe.Block = known.get(key, ())
                if key in fresh:
                    newest = fresh[key][: -CANDIDATES_PER_KEY - 1 : -1]
                    block = [*newest, *block][:CANDIDATES_PER_KEY]
                blocks.append((block, is_abstract))
        for paper_id, match_title, shares_abstract in dedupe.shortlist(
            item.fp, blocks, dense=CANDIDATES_PER_KEY
        ):
            other_id = batch.arxiv_of.get(paper_id)
            if item.arxiv_id and other_id and other_id != item.arxiv_id:
                continue  # two arXiv ids are two papers, whatever their titles
            fp = batch.fingerprints.get(paper_id) or self._fingerprints.get(paper_id)
            if fp is None:
                fp = dedupe.Fingerprint(match_title, partial(self._abstract, paper_id))
                self._remember(paper_id, fp)
            yield paper_id, fp, shares_abstract

    def _merged_into(self, item: Incoming, batch: Batch) -> int | None:
        """The paper the user merged a paper of this very title into, if any: it holds
        the title's exact key (a merge moves the merged paper's keys to the kept one)
        under a title of its own. The user's merge settles what dedupe was unsure of."""
        for paper_id, match_title in batch.known.get(item.title_keys[0], ()):
            if normalize.title_key(match_title) == item.fp.title_key:
                continue
            other_id = batch.arxiv_of.get(paper_id)
            if not (item.arxiv_id and other_id and other_id != item.arxiv_id):
                return paper_id
        return None

    def _remember(self, paper_id: int, fp: dedupe.Fingerprint) -> None:
        if len(self._fingerprints) >= _FINGERPRINT_CACHE:
            self._fingerprints.popitem(last=False)  # the oldest
        self._fingerprints[paper_id] = fp

    def _merge(self, paper_id: int, item: Incoming, kind: str, batch: Batch, listing: int) -> None:
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
                self._filled[paper_id] = paper.abstract
                match_title = dedupe.fingerprint(title, "").match_title
            self._fingerprints.pop(paper_id, None)
            # Its abstract's blocking keys too: a later listing under another title is
            # found through them, as it would be had the abstract come first.
            for key in item.abstract_keys:
                batch.fresh.setdefault(key, []).append((paper_id, match_title))
                batch.planned.keys.append((key, paper_id))
        if paper.meta is not None:
            self._take_identity(paper_id, item, batch)
        # A sighting for every listing, a second one of the same dump included: its
        # variant title or abstract is kept with it, as another dump's would be.
        batch.planned.sightings.append(
            NewSighting(
                paper_id,
                batch.dump_id,
                paper.date_line,
                item.seen_on,
                kind,
                title=paper.title if paper.title != title else None,
                abstract=paper.abstract if paper.abstract not in ("", abstract) else None,
                listing=listing,
                record=paper.meta.record if paper.meta is not None else None,
            )
        )

    def _take_identity(self, paper_id: int, item: Incoming, batch: Batch) -> None:
        """What the listing says of the paper it merged into (identity.combine)."""
        meta = item.paper.meta
        assert meta is not None
        pending = batch.papers.get(paper_id)
        if pending is not None:  # new in this part
            old = pending.meta or NO_META
            came: identity.Sources = batch.planned.sources.get(paper_id, {})
        elif paper_id in batch.metas:
            old, came = batch.metas[paper_id]
        else:
            old, came = self.store.imports.metas([paper_id])[paper_id]
        combined, sources = identity.combine(old, came, meta, batch.dump_id, item.listed)
        if pending is not None:
            batch.papers[paper_id] = dataclasses.replace(pending, meta=combined)
            batch.planned.sources[paper_id] = sources
        elif (combined, sources) != (old, came):
            batch.metas[paper_id] = (combined, sources)
        if combined.arxiv_id:
            batch.by_arxiv[combined.arxiv_id] = paper_id
            batch.arxiv_of[paper_id] = combined.arxiv_id
