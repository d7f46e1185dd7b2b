"""ReadlistApp: its screens and dialogs, its start and its quitting; what it writes, and
undo, are WritingApp's (app_writes.py)."""

from __future__ import annotations

import asyncio
import gc
import sqlite3
import threading
from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING

from textual import events
from textual.app import App
from textual.binding import Binding

from readlist.core import drafts
from readlist.core.care.bulk import Bulk
from readlist.core.errors import NoteChangedError, ReadlistError
from readlist.core.models import Paper
from readlist.core.settings import SettingsFile
from readlist.core.store import ListSort, Sort
from readlist.ui import last_import, outside
from readlist.ui.app_settings import AppSettings
from readlist.ui.app_writes import WritingApp
from readlist.ui.commands import ScreenKeys
from readlist.ui.for_you import ForYou
from readlist.ui.history import Change, Deed, History, write
from readlist.ui.library import StorePool
from readlist.ui.memory import AppMemory
from readlist.ui.messages import LastImportRead, ModelChanged, TriageOrder
from readlist.ui.saved import SavedSearches
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.state_writer import StateWriter
from readlist.ui.typeahead import ScreenReady, TypeAhead
from readlist.ui.watcher import POLL_SECONDS, Watcher

if TYPE_CHECKING:
    from readlist.core.store import Store
    from readlist.ui.services import AppServices


class ReadlistApp(WritingApp):
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
        self.writer.after_write = self.watcher.own_write
        self.for_you = ForYou(self, library, self.writer, enabled=self.settings.values.for_you)
        self.memory = AppMemory(self, self.writer)  # the sort, last filter, triage place
        self.saved = SavedSearches()  # read with the memory, before the first screen
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
        self.writer.in_turn(self.saved.read)
        self.memory.recall()  # waits for the writer: the look above is done with it
        self.push_screen(LibraryScreen())
        last_import.tell(self, self.library)  # the quick start's report, said again
        self.call_after_refresh(self.for_you.start)  # after the first screen is drawn
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

    def on_model_changed(self, news: ModelChanged) -> None:
        """For you learned again: every screen hears it (the list's why line and triage's
        order follow the model)."""
        for screen in self.screen_stack:
            screen.post_message(ModelChanged(news.model, news.reason))

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

    def _poll(self) -> None:
        self.writer.in_turn(self.watcher.check)

    def on_unmount(self) -> None:
        self.memory.save()
        self.writer.flush()
        self.writer.stop()
        self.library.close()

    def _library_changed(self, imported: bool) -> None:
        """On the writer's thread: someone else committed to the library (see Watcher)."""
        self.saved.read(self.library.store())  # before the screens parse their filters
        self._from_writer(self._refresh_screens, imported)

    def _refresh_screens(self, imported: bool) -> None:
        self.for_you.changed()
        for screen in self.screen_stack:
            if isinstance(screen, LibraryScreen):
                screen.library_changed(imported)

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

    def act_on_shown(self, query_text: str, count: int) -> None:
        """The bulk menu for the `count` papers `query_text` shows; what the user picks is
        done as one deed, which `u` takes back whole."""
        from readlist.ui.screens.bulk import BulkMenu

        query = self.saved.parse(query_text)
        if query.hints:  # the papers shown are more than the filter means
            self.notify(
                f"Fix the filter first: {query.hints[0].message}", severity="warning", markup=False
            )
            return

        def chosen(bulk: Bulk | None) -> None:
            if bulk is None:
                return
            plan = query
            changed: list[int] = []

            def do(store: Store) -> int:
                changed.extend(bulk.run(store, plan))
                return len(changed)

            deed = Deed(
                bulk.kind,
                undo=lambda store: bulk.undo(store, changed),
                undone=lambda: bulk.undone(len(changed)),
            )
            self.perform(deed, do, then=lambda _: self.notify(bulk.done(len(changed), count)))

        shown = BulkMenu(
            count,
            query_text,
            self.settings.values.keys,
            query=query,
        )
        self.push_screen(shown, chosen)

    def copy_paper(self, paper: Paper) -> None:
        from readlist.ui.screens.copy_menu import CopyMenu

        self.push_screen(CopyMenu(paper, self.settings.values.keys))

    def start_triage(self, query_text: str, sort: ListSort = "latest") -> None:
        """Triage in the list's order; ranked (best first) when the list is sorted for
        you, or when the model has learned from enough decisions (see TriageScreen)."""
        from readlist.ui.screens.triage import TriageScreen

        ranked = sort == "for_you" and self.for_you.enabled
        listing: Sort = "latest" if sort == "for_you" else sort
        order: TriageOrder | None = "best" if ranked else None
        if not self.for_you.enabled:
            order = "listing"
        screen = TriageScreen(query_text, sort=listing, saved=self.saved.queries, order=order)
        self.push_screen(screen, self._triage_done)

    def _triage_done(self, summary: str | None) -> None:
        if summary:
            self.notify(summary, title="Triage", timeout=6)
        self._reload_library()

    def import_dumps(self) -> None:
        from readlist.ui.screens.import_dialog import ImportScreen

        self.push_screen(ImportScreen(), lambda _: self._reload_library())

    def export(self, query_text: str) -> None:
        from readlist.ui.screens.export_dialog import ExportScreen

        self.push_screen(ExportScreen(query_text, self.settings.values.export_format))

    def review_duplicates(self) -> None:
        from readlist.ui.screens.review import ReviewScreen

        self.push_screen(ReviewScreen())

    def show_help(self) -> None:
        from readlist.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen(self.settings.values.keys, self.settings.named))


if TYPE_CHECKING:

    def _serves(app: ReadlistApp) -> AppServices:
        """mypy checks here that the app gives the screens all they ask of it."""
        return app
