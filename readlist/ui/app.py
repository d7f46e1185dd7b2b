"""ReadlistApp: screens, undo, and the one place that writes the user's state."""

from __future__ import annotations

import asyncio
import gc
import sqlite3
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.message import Message

from readlist.core import drafts
from readlist.core.errors import NoteChangedError, ReadlistError, describe_sqlite_error
from readlist.core.models import Paper
from readlist.core.settings import SettingsFile
from readlist.core.store import Sort
from readlist.ui import last_import, outside
from readlist.ui.app_settings import AppSettings
from readlist.ui.commands import ScreenKeys
from readlist.ui.history import Change, Deed, History, undone, write
from readlist.ui.library import StorePool
from readlist.ui.memory import AppMemory
from readlist.ui.messages import LastImportRead
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.state_writer import StateWriter
from readlist.ui.typeahead import ScreenReady, TypeAhead
from readlist.ui.watcher import POLL_SECONDS, Watcher

if TYPE_CHECKING:
    from readlist.core.store import Store
    from readlist.ui.services import AppServices


class WriterReport(Message):
    """What the writer's thread has for the UI: run `call` there."""

    def __init__(self, call: Callable[[], None]) -> None:
        super().__init__()
        self.call = call


class ReadlistApp(App[None]):
    CSS_PATH = "readlist.tcss"
    COMMANDS = App.COMMANDS | {ScreenKeys}
    TITLE = "readlist"
    BINDINGS = [Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="app.quit")]

    def __init__(
        self,
        library: StorePool,
        *,
        signals: Sequence[int] = (),
        settings: SettingsFile | None = None,
    ) -> None:
        """`signals`: those that make the app quit as `leave` says (launch.QUIT_SIGNALS
        when it has a terminal; none in tests, which run it in pytest's process). `settings`:
        the settings file (None: the defaults, and no file is read or written)."""
        super().__init__()
        self.settings = AppSettings(self, settings)
        self.library = library
        self.history = History()
        self.writer = StateWriter(library, self._write_failed)
        self.watcher = Watcher(self._library_changed)
        self.memory = AppMemory(self, self.writer)  # the sort, last filter, triage place
        self._signals = tuple(signals)
        self.leaving: int | None = None  # the signal the app is quitting on
        self.quitting = False  # set as the app quits: no one is left to ask
        self.left = threading.Event()  # set once `leave` has saved all there was to save
        self.exit_notes: list[str] = []  # for stderr, once the terminal is given back
        # The marks ("star", "read") after which the list's cursor moves to the next
        # paper, as in mutt and newsboat; the settings file may change it.
        self.advance_after_mark: set[str] = set(self.settings.values.advance_after_mark)
        self.typeahead = TypeAhead(self)  # keys pressed before their screen is ready

    def on_load(self) -> None:
        # Before the terminal is taken over: from then on a signal quits cleanly. The
        # handlers go with the event loop, after the terminal is given back.
        loop = asyncio.get_running_loop()
        for signum in self._signals:
            loop.add_signal_handler(signum, self.leave, signum)

    def on_mount(self) -> None:
        self.settings.apply()  # keys and theme, before the first screen is drawn
        # The watcher's first look, before anything is read for the screen: whatever
        # another process commits after it is noticed.
        self._poll()
        self.memory.recall()  # waits for the writer: the look above is done with it
        self.push_screen(LibraryScreen())
        last_import.tell(self, self.library)  # the quick start's report, said again
        # The widgets, styles and caches made so far live as long as the app: out of
        # the collector's sight, a full collection takes a few milliseconds, not 50.
        self.call_after_refresh(gc.freeze)
        self.set_interval(POLL_SECONDS, self._poll, name="watch the library")

    async def on_event(self, event: events.Event) -> None:
        # Every key from the terminal passes the gate: one typed ahead of its screen
        # waits for it (see typeahead).
        if not isinstance(event, events.Key):
            await super().on_event(event)
        elif event.is_forwarded:  # on its way back up from the screen it was sent into
            if not self.typeahead.holds(event):
                await super().on_event(event)
        elif not self.typeahead.holds(event):
            target = self.focused or self.screen  # where Textual sends it
            await super().on_event(event)
            self.typeahead.sent(event, target)

    def on_screen_ready(self, message: ScreenReady) -> None:
        self.typeahead.release()

    def on_last_import_read(self, news: LastImportRead) -> None:
        last_import.toast(self, news)

    async def action_quit(self) -> None:
        """Ctrl+C: quit at once, with whatever is in the note editor saved, not dropped."""
        self._save_open_work()
        self.exit()

    def leave(self, signum: int) -> None:
        """Quit on a signal (a kill, a closed terminal window) without losing work, and
        exit the normal way, which gives the terminal back."""
        if self.leaving is not None:
            return
        self.leaving = signum
        self._save_open_work()
        self.left.set()
        self.exit(return_code=128 + signum)

    def _save_open_work(self) -> None:
        """As the app quits: the note being edited is saved as Ctrl+S saves it (a note
        changed elsewhere meanwhile goes to a draft file instead), and every queued write
        is committed. From here on no one is asked anything."""
        from readlist.ui.screens.note import NoteConflict, NoteEditor

        self.quitting = True
        for screen in self.screen_stack:
            if isinstance(screen, NoteEditor) and (text := screen.draft) is not None:
                self.writer.submit(partial(self._save_draft, paper=screen.paper, text=text))
            elif isinstance(screen, NoteConflict):  # the user has not said "save mine"
                self._keep_draft(screen.paper, screen.mine, "it was changed elsewhere")
        self.memory.save()
        self.writer.flush()

    def _save_draft(self, store: Store, *, paper: Paper, text: str) -> None:
        """On the writer's thread, as the app quits: `_save`'s rule, with no one to ask."""
        try:
            write(store, paper.id, "note", text, paper.note)
        except NoteChangedError:
            self._keep_draft(paper, text, "it was changed elsewhere")
        except (sqlite3.Error, ReadlistError, OSError) as exc:
            self._keep_draft(paper, text, self._reason(exc))
        else:
            self.exit_notes.append(drafts.saved(paper))

    def _keep_draft(self, paper: Paper, text: str, why: str) -> None:
        self.exit_notes.append(drafts.kept(self.library.path.parent, paper, text, why))

    def _poll(self) -> None:
        self.writer.in_turn(self.watcher.check)

    def on_unmount(self) -> None:
        self.memory.save()
        self.writer.flush()
        self.writer.stop()
        self.library.close()

    def _from_writer(self, call: Callable[..., None], *args: Any) -> None:
        """From the writer's thread, to run on the UI's. A message, not call_from_thread:
        that would wait for the UI, which may itself be waiting for the writer (a quit
        flushes the writes)."""
        self.post_message(WriterReport(partial(call, *args)))

    def on_writer_report(self, message: WriterReport) -> None:
        message.call()

    def _library_changed(self, imported: bool) -> None:
        """On the writer's thread: someone else committed to the library (see Watcher)."""
        self._from_writer(self._refresh_screens, imported)

    def _refresh_screens(self, imported: bool) -> None:
        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                screen.library_changed(imported)

    # -- the user's state ----------------------------------------------------------------

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
            self._from_writer(self._performed, deed.undone, None, None, deed.paper_id)

    def undo(self) -> Change | Deed | None:
        """Put back the last action; returns its first change (triage steps back to it),
        or the deed, once its undo is under way."""
        entry = self.history.pop()
        if entry is None:
            self.notify("Nothing to undo", timeout=2)
            return None
        label, changes = entry
        if isinstance(changes, Deed):
            self.writer.submit(partial(self._undo_deed, deed=changes))
            return changes
        for change in reversed(changes):
            self.writer.submit(partial(self._save, change=change, undo=True))
            self._show(change.paper)
        self.notify(undone(label, changes), timeout=3, markup=False)
        return changes[0]

    # -- dialogs and other actions -----------------------------------------------------

    def edit_note(self, paper: Paper, *, text: str | None = None) -> None:
        """The note editor on `paper`'s note, or on `text` (the user's own words, back
        from a conflict) to be saved over it."""
        from readlist.ui.screens.note import NoteEditor

        def saved(new: str | None) -> None:
            if new is not None and new != paper.note:
                self.apply("note", Change(paper, "note", new))

        self.push_screen(NoteEditor(paper, text=text), saved)

    def edit_note_in_editor(self, paper: Paper) -> None:
        """The note in the user's own editor (see outside); what it saves is a change
        `u` takes back."""
        text = outside.edit_note_in_editor(self, paper)
        if text is not None and text != paper.note:
            self.apply("note", Change(paper, "note", text))

    def open_web(self, paper: Paper) -> None:
        """The paper on the web, or its link to copy (see outside)."""
        outside.open_web(self, paper, self.settings)

    def copy_paper(self, paper: Paper) -> None:
        from readlist.ui.screens.copy_menu import CopyMenu

        self.push_screen(CopyMenu(paper, self.settings.values.keys))

    def start_triage(self, query_text: str, sort: Sort = "latest") -> None:
        from readlist.ui.screens.triage import TriageScreen

        self.push_screen(TriageScreen(query_text, sort=sort), self._triage_done)

    def _triage_done(self, summary: str | None) -> None:
        if summary:
            self.notify(summary, title="Triage", timeout=6)
        self._reload_library()

    def _reload_library(self, *, keep: int | None = None) -> None:
        """Every library screen reads its filter again; the cursor goes to `keep` if the
        results show it, else stays on its paper."""
        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                screen.reload(restat=True, keep=keep)

    def import_dumps(self) -> None:
        from readlist.ui.screens.import_dialog import ImportScreen

        self.push_screen(ImportScreen(), lambda _: self._reload_library())

    def export(self, query_text: str) -> None:
        from readlist.ui.screens.export_dialog import ExportScreen

        self.push_screen(ExportScreen(query_text, self.settings.values.export_format))

    def show_help(self) -> None:
        from readlist.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.settings.values.keys, self.settings.named))


if TYPE_CHECKING:

    def _serves(app: ReadlistApp) -> AppServices:
        """mypy checks here that the app gives the screens all they ask of it."""
        return app
