"""The trash's dialogs: the question asked before a starred or noted paper is deleted,
and the imported dumps (I, "Imported dumps"), from which one is removed after the same
explanation `readlist dumps remove` gives."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Label, Static

from readlist.core.care import removal_said
from readlist.core.models import DumpRemoval, ImportedDump
from readlist.core.printable import shown_in_line
from readlist.core.store import Store
from readlist.ui.health import said_if_failed
from readlist.ui.history import Deed
from readlist.ui.services import services
from readlist.ui.widgets.footer import KeysFooter


class AskFirst(ModalScreen[bool]):
    """A yes-or-no question about a step that takes something of the user's: y or Enter
    goes ahead, n or Esc keeps everything as it is."""

    BINDINGS = [
        Binding("y,enter", "answer(True)", "Yes", tooltip="Go ahead", id="ask.yes"),
        Binding("n,escape", "answer(False)", "No", tooltip="Change nothing", id="ask.no"),
    ]

    def __init__(self, title: str, body: str, yes: str, no: str) -> None:
        super().__init__()
        self.title_text, self.body, self.yes, self.no = title, body, yes, no

    def compose(self) -> ComposeResult:
        with Vertical(id="ask-dialog"):
            yield Label(Text(self.title_text), id="ask-heading")
            yield Static(Text(self.body), id="ask-body")
            yield Static(Text(f"y/Enter {self.yes} · n/Esc {self.no}"), id="ask-keys")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


def dump_row(dump: ImportedDump) -> tuple[str | Text, ...]:
    """A dump as the dumps screen lists it: the columns of `readlist dumps`."""
    day = ", ".join(dump.date_lines) or "no date line"
    source = shown_in_line(dump.source).rsplit("/", 1)[-1]
    return (
        str(dump.id),
        dump.imported_at[:16].replace("T", " "),
        Text(f"{dump.listings:,}", justify="right"),
        Text(f"{dump.new:,}", justify="right"),
        Text(f"{dump.merged:,}", justify="right"),
        source + ("" if dump.whole else " (unfinished)"),
        shown_in_line(day),
    )


class DumpsScreen(Screen[None]):
    """Every imported dump; Enter or x removes the highlighted one's listings, once the
    user has read what that does and said yes."""

    BINDINGS = [
        Binding(
            "x",
            "remove",
            "Remove dump",
            tooltip="Remove the dump's listings (or Enter)",
            id="dumps.remove",
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            tooltip="Undo the last action, a dump's removal too",
            id="dumps.undo",
        ),
        Binding("escape,q", "close", "Close", tooltip="Back to the library", id="dumps.close"),
    ]

    @dataclass
    class Read(Message):
        """The dumps, read off the UI thread."""

        dumps: list[ImportedDump]

    @dataclass
    class Planned(Message):
        """What removing a dump would do, read off the UI thread."""

        removal: DumpRemoval

    def compose(self) -> ComposeResult:
        yield Label("Imported dumps", id="dumps-heading")
        table: DataTable[str | Text] = DataTable(id="dumps", cursor_type="row")
        table.add_columns("id", "imported", "listings", "new", "merged", "file", "date")
        yield table
        yield Static(
            Text(
                "Removing a dump takes its listings out; papers only it listed go to the "
                "trash, but those you starred, read, noted or tagged stay. u undoes it, "
                "and so does importing the file again."
            ),
            id="dumps-note",
        )
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(DataTable).loading = True
        self.read_dumps()

    @work(thread=True, exclusive=True, group="dumps")
    def read_dumps(self) -> None:
        with said_if_failed(self, "Could not read the imported dumps"):
            self.post_message(self.Read(services(self).library.store().dumps()))

    def on_dumps_screen_read(self, found: Read) -> None:
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for dump in found.dumps:
            table.add_row(*dump_row(dump), key=str(dump.id))
        table.loading = False
        if found.dumps:
            table.move_cursor(row=min(cursor, len(found.dumps) - 1))
        else:
            self.query_one("#dumps-note", Static).update("No dumps imported yet.")

    def action_remove(self) -> None:
        table = self.query_one(DataTable)
        if not table.row_count:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if key is not None:
            self.plan_removal(int(key))

    def on_data_table_row_selected(self) -> None:
        self.action_remove()  # Enter on a row

    def action_undo(self) -> None:
        """Undo, then read the dumps again once the undo is written (the writer runs
        in key-press order)."""
        app = services(self)
        if app.undo() is not None:
            app.writer.in_turn(self._read_in_turn)

    def _read_in_turn(self, store: Store) -> None:
        self.post_message(self.Read(store.dumps()))

    @work(thread=True, exclusive=True, group="dump-removal")
    def plan_removal(self, dump_id: int) -> None:
        # The dump may have been removed meanwhile, in another window: that is said.
        with said_if_failed(self, f"Could not read what removing dump {dump_id} would do"):
            self.post_message(self.Planned(services(self).library.store().dump_removal(dump_id)))

    def on_dumps_screen_planned(self, planned: Planned) -> None:
        removal = planned.removal

        def answered(yes: bool | None) -> None:
            if yes:
                remove_dump(self, removal, then=self._reread)

        title = f"Remove dump {removal.dump.id}?"
        body = removal_said(removal, done=False) + "\n\nu undoes it; so does importing it again."
        self.app.push_screen(AskFirst(title, body, "remove", "keep"), answered)

    def _reread(self) -> None:
        self.read_dumps()

    def action_close(self) -> None:
        self.dismiss(None)


def remove_dump(screen: Screen[None], removal: DumpRemoval, then: Callable[[], None]) -> None:
    """Remove the dump as one deed; `u` puts its listings back as they were and takes
    its papers out of the trash (Store.put_back_dump)."""
    done: list[DumpRemoval] = []

    def do(store: Store) -> DumpRemoval:
        done.append(store.remove_dump(removal.dump.id))
        return done[-1]

    def undo(store: Store) -> None:
        if done:
            store.put_back_dump(done[-1])

    def said(result: object) -> None:
        if isinstance(result, DumpRemoval):
            screen.notify(removal_said(result, done=True), timeout=8, markup=False)
        then()

    undone = f"Put back dump {removal.dump.id} and its listings"
    services(screen).perform(Deed("remove dump", undo=undo, undone=undone), do, then=said)
