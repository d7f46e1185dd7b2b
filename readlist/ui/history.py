"""Undo: what each action changed, so `u` can put it back."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

from readlist.core.models import Paper
from readlist.core.store import Store

Field = Literal["starred", "read", "note"]


@dataclass(frozen=True, slots=True)
class Change:
    """One field of one paper, before and after."""

    paper: Paper  # the paper as it was before
    field: Field
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


def write(
    store: Store, paper_id: int, field: Field, value: bool | str, expected: bool | str | None = None
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
        self._stack: list[tuple[str, tuple[Change, ...]]] = []
        self._limit = limit

    def push(self, label: str, *changes: Change) -> None:
        self._stack.append((label, changes))
        del self._stack[: -self._limit]

    def pop(self) -> tuple[str, tuple[Change, ...]] | None:
        return self._stack.pop() if self._stack else None

    def forget(self, change: Change) -> None:
        """Drop the action that made `change` (a note that was never saved)."""
        self._stack = [entry for entry in self._stack if change not in entry[1]]

    def __len__(self) -> int:
        return len(self._stack)
