"""A run of imports' memory of its own papers' blocking keys, for Importer._known."""

from __future__ import annotations

from readlist.core.store.imports import CANDIDATES_PER_KEY


class RunKeys:
    """The blocking keys of the papers one run of imports has written, held in memory:
    its candidates among them are found here, and only papers older than the run (ids
    below `start`) in the store. A big import into an empty library then makes no
    lookup query at all; they were a sixth of its time. About 120 bytes a key, the
    papers' titles included."""

    def __init__(self, start: int, dump_id: int) -> None:
        self.start = start  # the run's first paper id
        # The next paper id and dump id, if the library holds nothing the run did not see.
        self.expect = (start, dump_id)
        self.size = 0
        # key -> paper id, or the newest few ids in id order when more than one holds it
        self._ids: dict[int, int | list[int]] = {}
        self._titles: dict[int, str] = {}  # paper id -> its match title

    def landed(
        self, fresh: dict[int, list[tuple[int, str]]], next_id: int, next_dump_id: int
    ) -> None:
        """A dump's (or part's) keys (key -> papers holding it, with their match titles),
        and the library's next paper and dump ids once it is written: a dump committed,
        or one sent to the writer process, whose papers the importer reads from memory
        until it is."""
        ids, titles = self._ids, self._titles
        for key, entries in fresh.items():
            for paper_id, match_title in entries:
                titles[paper_id] = match_title
                held = ids.get(key)
                if held is None:
                    ids[key] = paper_id
                    self.size += 1
                    continue
                if isinstance(held, int):
                    held = ids[key] = [held]
                if paper_id not in held:
                    held.append(paper_id)
                    held.sort()
                    if len(held) > CANDIDATES_PER_KEY:
                        # Never among a key's newest few again: newer ids are held here.
                        del held[0]
                    else:
                        self.size += 1
        # Last: a run left half-told by an error here no longer matches the library, and
        # the next dump starts afresh.
        self.expect = (next_id, next_dump_id)

    def known(
        self, keys: set[int], older: dict[int, list[tuple[int, str]]]
    ) -> dict[int, list[tuple[int, str]]]:
        """`older` (the store's candidates below `start`) with this run's papers added:
        for each key the newest few of both, newest first. A paper of the library that
        this run gave an abstract is in both, once."""
        titles = self._titles
        for key in keys:
            held = self._ids.get(key)
            if held is None:
                continue
            mine = (
                [(held, titles[held])]
                if isinstance(held, int)
                else [(paper_id, titles[paper_id]) for paper_id in reversed(held)]
            )
            theirs = older.get(key)
            if theirs:
                merged = dict(theirs)
                merged.update(mine)
                mine = sorted(merged.items(), reverse=True)[:CANDIDATES_PER_KEY]
            older[key] = mine
        return older
