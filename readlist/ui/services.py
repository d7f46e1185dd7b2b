"""What the screens ask of the app: the library, the user's state, and the app-wide
actions. ReadlistApp satisfies this protocol, so screens and widgets work through it
and never import the app module (which imports them)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol, runtime_checkable

from textual.dom import DOMNode

from readlist.core.models import Paper
from readlist.core.store import ListSort, Store
from readlist.ui.for_you import ForYou
from readlist.ui.history import Change, Deed
from readlist.ui.library import StorePool
from readlist.ui.memory import AppMemory
from readlist.ui.saved import SavedSearches
from readlist.ui.state_writer import StateWriter


@runtime_checkable
class AppServices(Protocol):
    @property
    def library(self) -> StorePool:
        """The library's stores, one a thread."""

    @property
    def writer(self) -> StateWriter:
        """Saves the user's changes in key-press order."""

    @property
    def saved(self) -> SavedSearches:
        """The library's saved searches: parse a filter with them (`saved.parse`)."""

    @property
    def memory(self) -> AppMemory:
        """The sort, the last filter and the triage place, kept between runs."""

    @property
    def for_you(self) -> ForYou:
        """The model that ranks papers for the user, kept current."""

    @property
    def advance_after_mark(self) -> set[str]:
        """The marks ("star", "read") after which the list's cursor moves on."""

    def apply(self, label: str, *changes: Change, remember: bool = True) -> None:
        """Show a change at once and save it; `u` takes it back if `remember`."""

    def perform(
        self,
        deed: Deed,
        do: Callable[[Store], object],
        *,
        done: str | None = None,
        then: Callable[[object], None] | None = None,
        remember: bool = True,
    ) -> None:
        """Do `do` to the library in key-press order; `u` takes it back by `deed`."""

    def record_skip(self, paper_id: int, *, undo: bool = False) -> None:
        """Save a triage skip in key-press order (`undo`: take one back)."""

    def undo(self) -> Change | Deed | None:
        """Put back the last action: its first change, the deed, or None if there was none."""

    def review_duplicates(self) -> None:
        """The review of possible duplicates, one pair at a time."""

    def edit_note(self, paper: Paper, *, text: str | None = None) -> None:
        """The note editor on `paper`'s note."""

    def edit_note_in_editor(self, paper: Paper) -> None:
        """`paper`'s note in the user's own editor."""

    def open_web(self, paper: Paper) -> None:
        """`paper` on the web, or its link to copy."""

    def act_on_shown(self, query_text: str, count: int) -> None:
        """The bulk menu for the papers a filter shows (mark all read, star...)."""

    def copy_paper(self, paper: Paper) -> None:
        """The copy menu: `paper`'s BibTeX, link or title to the clipboard."""

    def start_triage(self, query_text: str, sort: ListSort = "latest") -> None:
        """Triage the filter's undecided papers."""

    def import_dumps(self) -> None:
        """The import dialog."""

    def export(self, query_text: str) -> None:
        """The export dialog, offering the filter's papers."""

    def show_help(self) -> None:
        """Every key, and what it does."""

    async def action_quit(self) -> None:
        """Quit, with the note being edited saved."""


def services(node: DOMNode) -> AppServices:
    """The app that `node` runs in, as the screens know it."""
    app = node.app
    if not isinstance(app, AppServices):
        raise TypeError(f"{type(app).__name__} does not provide readlist's app services")
    return app
