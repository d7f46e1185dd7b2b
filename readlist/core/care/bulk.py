"""Bulk actions: one change to every paper a filter shows (mark all read, star, tag,
delete), asked about with its count first and undone as one step.

`Bulk` says what to do and words the question, the report and the undo; `run` does it
in one transaction and returns the papers it changed, which are all its undo touches:
a paper that was read already stays read when "mark all read" is undone."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from readlist.core.query import Query

if TYPE_CHECKING:
    from readlist.core.store import Store

BulkKind = Literal["read", "unread", "star", "unstar"]

# kind -> (the flag, its value, the verb of the question, the state it leaves)
_FLAGS: dict[BulkKind, tuple[Literal["read", "starred"], bool, str, str]] = {
    "read": ("read", True, "Mark {n} read", "read"),
    "unread": ("read", False, "Mark {n} unread", "unread"),
    "star": ("starred", True, "Star {n}", "starred"),
    "unstar": ("starred", False, "Unstar {n}", "unstarred"),
}

_WAS: dict[BulkKind, str] = {
    "read": "unread",
    "unread": "read",
    "star": "unstarred",
    "unstar": "starred",
}


def papers(count: int) -> str:
    return f"{count:,} paper" + ("" if count == 1 else "s")


@dataclass(frozen=True, slots=True)
class Bulk:
    kind: BulkKind

    def question(self, count: int) -> str:
        """ "Mark 57 papers read?": asked before anything changes."""
        return _FLAGS[self.kind][2].format(n=papers(count)) + "?"

    def done(self, changed: int, count: int) -> str:
        """What it did, and how many had it already."""
        state = _FLAGS[self.kind][3]
        if changed == 0:
            return f"Nothing to change: the {papers(count)} were {state} already"
        already = count - changed
        more = f" ({already:,} already were)" if already > 0 else ""
        return f"{papers(changed)} {state}{more}"

    def undone(self, count: int) -> str:
        return f"Put back {papers(count)} as {_WAS[self.kind]}"

    def run(self, store: Store, query: Query) -> list[int]:
        """Do it to every paper `query` matches, in one transaction: the ids changed."""
        flag, value, _verb, _state = _FLAGS[self.kind]
        return store.flag_where(query, flag, value)

    def undo(self, store: Store, changed: Sequence[int]) -> None:
        """Put back the papers `run` changed, and only those."""
        flag, value, _verb, _state = _FLAGS[self.kind]
        store.set_flag_many(changed, flag, not value)
