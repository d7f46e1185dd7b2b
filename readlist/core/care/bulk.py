"""Bulk actions: one change to every paper a filter shows (mark all read, star, tag,
delete), asked about with its count first and undone as one step.

`Bulk` says what to do and words the question, the report and the undo; `run` does it
and returns the papers it changed, which are all its undo touches: a paper that was
read already stays read when "mark all read" is undone, and one tagged already keeps
its tag."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

from readlist.core.query import Query

if TYPE_CHECKING:
    from readlist.core.store import Store, TrashRow

BulkKind = Literal["read", "unread", "star", "unstar", "tag", "delete", "restore"]
Flag = Literal["read", "starred"]

# A mark's kind -> (the flag, its value, the question, the state it leaves, the state
# its undo leaves)
_MARKS: dict[BulkKind, tuple[Flag, bool, str, str, str]] = {
    "read": ("read", True, "Mark {n} read", "read", "unread"),
    "unread": ("read", False, "Mark {n} unread", "unread", "read"),
    "star": ("starred", True, "Star {n}", "starred", "unstarred"),
    "unstar": ("starred", False, "Unstar {n}", "unstarred", "starred"),
}


def papers(count: int) -> str:
    """ "1 paper", "57 papers": a count of papers as the messages say it."""
    return f"{count:,} paper" + ("" if count == 1 else "s")


@dataclass(frozen=True, slots=True)
class Bulk:
    kind: BulkKind
    tag: str = ""  # the tag, for "tag"
    # The trash rows a "restore" took out, which its undo puts back exactly (with the
    # dump that put each there): filled by run.
    taken: list[TrashRow] = field(default_factory=list, compare=False, repr=False)

    def question(self, count: int) -> str:
        """ "Mark 57 papers read?": asked before anything changes."""
        if self.kind == "tag":
            return f"Tag {papers(count)} {self.tag}?"
        if self.kind == "delete":
            return f"Move {papers(count)} to the trash?"
        if self.kind == "restore":
            return f"Restore {papers(count)} from the trash?"
        return _MARKS[self.kind][2].format(n=papers(count)) + "?"

    def done(self, changed: int, count: int) -> str:
        """What it did, and how many were so already."""
        if self.kind in ("delete", "restore"):
            where = "to the trash" if self.kind == "delete" else "back from the trash"
            return f"Moved {papers(changed)} {where}"
        state = f"tagged {self.tag}" if self.kind == "tag" else _MARKS[self.kind][3]
        if changed == 0:
            return f"Nothing to change: the {papers(count)} were {state} already"
        already = count - changed
        more = f" ({already:,} already were)" if already > 0 else ""
        return f"{papers(changed)} {state}{more}"

    def undone(self, count: int) -> str:
        if self.kind in ("delete", "restore"):
            where = "out of" if self.kind == "delete" else "back in"
            return f"Put {papers(count)} {where} the trash again"
        if self.kind == "tag":
            return f"Took the tag {self.tag} off {papers(count)} again"
        return f"Put back {papers(count)} as {_MARKS[self.kind][4]}"

    def run(self, store: Store, query: Query) -> list[int]:
        """Do it to every paper `query` matches: the ids it changed."""
        if self.kind == "tag":
            return store.add_tag(list(store.iter_ids(query)), self.tag)
        if self.kind == "delete":
            return store.delete_papers(list(store.iter_ids(query)))
        if self.kind == "restore":
            self.taken[:] = store.take_from_trash(list(store.iter_ids(query)))
            return [row[0] for row in self.taken]
        flag, value, *_ = _MARKS[self.kind]
        return store.flag_where(query, flag, value)

    def undo(self, store: Store, changed: Sequence[int]) -> None:
        """Put back the papers `run` changed, and only those (those still in the library)."""
        if self.kind == "tag":
            store.remove_tag(store.present_ids(changed), self.tag)
            return
        if self.kind == "restore":
            store.put_back_in_trash(self.taken)
            return
        if self.kind == "delete":
            store.restore_papers(store.present_ids(changed))
            return
        flag, value, *_ = _MARKS[self.kind]
        store.set_flag_many(changed, flag, not value)
