"""Undo: what each action changed, so `u` can put it back.

An action is one or more `Change`s (a field of a paper: a star, a read mark, a note), or
a `Deed`: anything else the user does to the library (a delete, a merge, tags, a bulk
mark), which carries its own undo."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from readlist.core.models import Paper
from readlist.core.printable import shown_in_line
from readlist.core.store import Store

StateField = Literal["starred", "read", "note"]
UNDO_TITLE = 40  # the most of a paper's title an undo's message shows


@dataclass(frozen=True, slots=True)
class Change:
    """One field of one paper, before and after."""

    paper: Paper  # the paper as it was before
    field: StateField
    after: bool | str

    @property
    def before(self) -> bool | str:
        value: bool | str = getattr(self.paper, self.field)
        return value

    def applied(self) -> Paper:
        if self.field == "note":
            return replace(self.paper, note=str(self.after))
        if self.field == "starred":
            return replace(self.paper, starred=bool(self.after))
        return replace(self.paper, read=bool(self.after))


@dataclass(frozen=True, slots=True)
class Deed:
    """An action beyond one field of one paper, with the write that takes it back."""

    label: str  # what it was: "delete", "merge", "tag"
    undo: Callable[[Store], object]  # run on the writer's thread, in key-press order
    # What the undo says ("Put back 3 papers from the trash"); a callable when that is
    # known only once the deed is done (how many papers it changed).
    undone: str | Callable[[], str]
    paper_id: int | None = None  # where the list's cursor goes after the undo

    def said(self) -> str:
        return self.undone() if callable(self.undone) else self.undone


Action = tuple[Change, ...] | Deed


def write(
    store: Store,
    paper_id: int,
    field: StateField,
    value: bool | str,
    expected: bool | str | None = None,
) -> None:
    """Save one field. For a note, `expected` is the text it replaces as the user saw it:
    NoteChangedError if it was changed elsewhere meanwhile (marks have no such check:
    the last key pressed wins, as it would in one window)."""
    if field == "note":
        store.set_note(paper_id, str(value), expected=None if expected is None else str(expected))
    else:
        store.set_flag([paper_id], field, bool(value))


class History:
    """A bounded stack of actions; each action is one or more changes."""

    def __init__(self, limit: int = 200) -> None:
        self._stack: list[tuple[str, Action]] = []
        self._limit = limit

    def push(self, label: str, *changes: Change) -> None:
        self._push(label, changes)

    def push_deed(self, deed: Deed) -> None:
        self._push(deed.label, deed)

    def _push(self, label: str, action: Action) -> None:
        self._stack.append((label, action))
        del self._stack[: -self._limit]

    def pop(self) -> tuple[str, Action] | None:
        return self._stack.pop() if self._stack else None

    def forget(self, change: Change | Deed) -> None:
        """Drop the action that made `change` (a note that was never saved, a deed that
        failed)."""
        self._stack = [
            (label, action)
            for label, action in self._stack
            if not (action is change or (isinstance(action, tuple) and change in action))
        ]

    def __len__(self) -> int:
        return len(self._stack)


def undone(label: str, changes: Sequence[Change]) -> str:
    """What an undo put back, naming the paper, so the user sees which one it was."""
    change = changes[0]
    title = shown_in_line(change.paper.title)
    title = f"'{title[: UNDO_TITLE - 1]}…'" if len(title) > UNDO_TITLE else f"'{title}'"
    if len(changes) > 1:
        return f"Undid {label} on {title} and {len(changes) - 1} more"
    if change.field == "starred":
        return f"{'Starred' if change.before else 'Unstarred'} {title}"
    if change.field == "read":
        return f"Marked {title} {'read' if change.before else 'unread'}"
    return f"Put back the note on {title}"
