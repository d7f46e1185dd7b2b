"""The app's one way of writing what the user changes: a change of one field shown at
once and saved in key-press order (`apply`), any other deed (`perform`), and `undo` of
either. ReadlistApp is made of this and of its screens and dialogs (app.py)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.message import Message

from readlist.core import drafts
from readlist.core.errors import NoteChangedError, ReadlistError, describe_sqlite_error
from readlist.core.models import Paper
from readlist.ui.for_you import ForYou
from readlist.ui.history import Change, Deed, History, undone, write
from readlist.ui.library import StorePool
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.state_writer import StateWriter

if TYPE_CHECKING:
    from readlist.core.store import Store


class WriterReport(Message):
    """What the writer's thread has for the UI: run `call` there."""

    def __init__(self, call: Callable[[], None]) -> None:
        super().__init__()
        self.call = call


class WritingApp(App[None]):
    """Writes the user's changes through the writer thread, and takes them back."""

    # ReadlistApp makes these.
    library: StorePool
    history: History
    writer: StateWriter
    for_you: ForYou
    quitting: bool
    exit_notes: list[str]

    def edit_note(self, paper: Paper, *, text: str | None = None) -> None:  # ReadlistApp's
        raise NotImplementedError

    def _keep_draft(self, paper: Paper, text: str, why: str) -> None:
        self.exit_notes.append(drafts.kept(self.library.path.parent, paper, text, why))

    def _from_writer(self, call: Callable[..., None], *args: Any) -> None:
        """From the writer's thread, to run on the UI's. A message, not call_from_thread:
        that would wait for the UI, which may itself be waiting for the writer (a quit
        flushes the writes)."""
        self.post_message(WriterReport(partial(call, *args)))

    def on_writer_report(self, message: WriterReport) -> None:
        message.call()

    def _reload_library(self, *, keep: int | None = None) -> None:
        """Every library screen reads its filter again; the cursor goes to `keep` if the
        results show it, else stays on its paper."""
        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                screen.reload(restat=True, keep=keep)

    def _write_failed(self, exc: Exception) -> None:
        self._from_writer(
            partial(self.notify, title="Not saved", severity="error", markup=False),
            f"Could not save: {exc}",
        )

    def _show(self, paper: Paper) -> None:
        for screen in self.screen_stack:
            show = getattr(screen, "show_paper", None)
            if show is not None:
                show(paper)

    def apply(self, label: str, *changes: Change, remember: bool = True) -> None:
        """Show a change at once and save it straight away, in key-press order."""
        for change in changes:
            self.writer.submit(partial(self._save, change=change, undo=False))
            self._show(change.applied())
        if remember:
            self.history.push(label, *changes)
        self.for_you.changed()

    def record_skip(self, paper_id: int, *, undo: bool = False) -> None:
        """A triage skip saved, in key-press order with the marks, or taken back (`u`):
        for you reads it as a weak "not for me", which must not outlive its undo."""
        self.writer.submit(partial(_skip, paper_id=paper_id, undo=undo))
        self.for_you.changed()

    def _save(self, store: Store, *, change: Change, undo: bool) -> None:
        """On the writer's thread. A note changed elsewhere since it was opened is not
        written over: the user is asked (`_note_conflict`)."""
        value, expected = (change.before, change.after) if undo else (change.after, change.before)
        try:
            write(store, change.paper.id, change.field, value, expected)
        except NoteChangedError as exc:
            if self.quitting:  # no one to ask any more
                self._keep_draft(change.paper, str(value), "it was changed elsewhere")
            else:
                self._from_writer(self._note_conflict, change, str(value), exc.current)
        except (sqlite3.Error, ReadlistError, OSError) as exc:  # a full disk, a lost file
            if self.quitting and change.field == "note" and not undo:
                self._keep_draft(change.paper, str(value), self._reason(exc))
            else:
                self._from_writer(self._not_saved, change, undo, exc)

    def _reason(self, exc: Exception) -> str:
        if isinstance(exc, sqlite3.Error):
            return describe_sqlite_error(self.library.path, exc)
        return str(exc)

    def _not_saved(self, change: Change, undo: bool, exc: Exception) -> None:
        """The screen shows what the library holds again, and a note's words are not
        lost: they go back into the editor."""
        held = change.applied() if undo else change.paper
        if not undo:
            self.history.forget(change)
        self._show(held)
        if self.quitting and change.field == "note" and not undo:
            self._keep_draft(change.paper, str(change.after), self._reason(exc))
            return
        self.notify(
            self._reason(exc),
            title="Not saved",
            severity="error",
            timeout=8,
            markup=False,
        )
        if change.field == "note" and not undo:
            self.edit_note(held, text=str(change.after))

    def _note_conflict(self, change: Change, mine: str, theirs: str) -> None:
        from readlist.ui.screens.note import NoteConflict

        self.history.forget(change)
        paper = replace(change.paper, note=theirs)
        self._show(paper)  # what the library holds: the other note
        if self.quitting:  # no one to ask any more
            self._keep_draft(paper, mine, "it was changed elsewhere")
            return

        def answered(choice: str | None) -> None:
            if choice == "mine":
                self.apply("note", Change(paper, "note", mine))
            elif choice == "edit":
                self.edit_note(paper, text=mine)
            else:
                self.notify("Kept the other note; yours was not saved", timeout=4)

        self.push_screen(NoteConflict(paper, mine), answered)

    def perform(
        self,
        deed: Deed,
        do: Callable[[Store], object],
        *,
        done: str | None = None,
        then: Callable[[object], None] | None = None,
        remember: bool = True,
    ) -> None:
        """Run `do` on the writer's thread, in key-press order; `deed` goes on the undo
        stack at once, so that `u` pressed right after takes it back. On failure the deed
        is forgotten and the error said. After success, on the UI thread: the library's
        screens read it again (papers may appear or vanish), `done` is said, and `then`
        gets what `do` returned."""
        if remember:
            self.history.push_deed(deed)
        self.writer.submit(partial(self._perform, deed=deed, do=do, done=done, then=then))
        self.for_you.changed()

    def _perform(
        self,
        store: Store,
        *,
        deed: Deed,
        do: Callable[[Store], object],
        done: str | None,
        then: Callable[[object], None] | None,
    ) -> None:
        try:
            result = do(store)
        except (sqlite3.Error, ReadlistError, OSError) as exc:
            self._from_writer(self._not_performed, deed, exc)
        else:
            self._from_writer(self._performed, done, then, result)

    def _performed(
        self,
        done: str | None,
        then: Callable[[object], None] | None,
        result: object,
        keep: int | None = None,
    ) -> None:
        self._reload_library(keep=keep)
        if done:
            self.notify(done, timeout=3, markup=False)
        if then is not None:
            then(result)

    def _not_performed(self, deed: Deed, exc: Exception) -> None:
        self.history.forget(deed)
        self._reload_library()
        self.notify(self._reason(exc), title="Not done", severity="error", timeout=8, markup=False)

    def _undo_deed(self, store: Store, *, deed: Deed) -> None:
        try:
            deed.undo(store)
        except (sqlite3.Error, ReadlistError, OSError) as exc:
            self._from_writer(self._not_performed, deed, exc)
        else:
            self._from_writer(self._performed, deed.said(), None, None, deed.paper_id)

    def undo(self) -> Change | Deed | None:
        """Put back the last action; returns its first change (triage steps back to it),
        or the deed, once its undo is under way."""
        entry = self.history.pop()
        if entry is None:
            self.notify("Nothing to undo", timeout=2)
            return None
        label, changes = entry
        self.for_you.changed()
        if isinstance(changes, Deed):
            self.writer.submit(partial(self._undo_deed, deed=changes))
            return changes
        for change in reversed(changes):
            self.writer.submit(partial(self._save, change=change, undo=True))
            self._show(change.paper)
        self.notify(undone(label, changes), timeout=3, markup=False)
        return changes[0]


def _skip(store: Store, *, paper_id: int, undo: bool) -> None:
    """On the writer's thread."""
    if undo:
        store.forget_skip(paper_id)
    else:
        store.record_skip(paper_id)
