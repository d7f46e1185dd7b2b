"""The bulk menu (A): one change to every paper the filter shows, newsboat's "mark all
read" and Zotero's select-all, each asked about with its count before anything changes.

The menu is two steps: the key for what to do, then the question ("Mark 57 papers
read?") answered y or n. What it returns is done by the app as one deed, so `u` takes
the whole of it back."""

from __future__ import annotations

from collections.abc import Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from readlist.core.care.bulk import Bulk, BulkKind, papers
from readlist.core.printable import shown_in_line
from readlist.ui.keymap import key_label, rebound

# The choices, in the menu's order: (kind, what the menu calls it).
CHOICES: tuple[tuple[BulkKind, str], ...] = (
    ("read", "Mark all read"),
    ("unread", "Mark all unread"),
    ("star", "Star all"),
    ("unstar", "Unstar all"),
)


class BulkMenu(ModalScreen[Bulk | None]):
    """What to do to the `count` papers shown by the filter `filter_text`."""

    BINDINGS = [
        Binding("r", "choose('read')", "Mark all read", id="bulk.read"),
        Binding("R", "choose('unread')", "Mark all unread", id="bulk.unread"),
        Binding("s", "choose('star')", "Star all", id="bulk.star"),
        Binding("S", "choose('unstar')", "Unstar all", id="bulk.unstar"),
        Binding("y,enter", "yes", "Yes", show=False, id="bulk.yes"),
        Binding("n", "no", "No", show=False, id="bulk.no"),
        Binding("escape,q", "close", "Close", tooltip="Change nothing", id="bulk.close"),
    ]

    def __init__(self, count: int, filter_text: str, keymap: Mapping[str, str] | None = None):
        super().__init__()
        self.count = count
        self.filter_text = filter_text
        self.keymap = dict(keymap or {})
        self.chosen: Bulk | None = None

    def _key(self, binding_id: str) -> str:
        binding = next(b for b in self.BINDINGS if isinstance(b, Binding) and b.id == binding_id)
        return key_label(rebound(binding, self.keymap))

    def compose(self) -> ComposeResult:
        shown = shown_in_line(self.filter_text.strip())
        what = f"shown by {shown}" if shown else "in the library"
        with Vertical(id="bulk-dialog"):
            yield Label(Text(f"Act on all {papers(self.count)} {what}"), id="bulk-heading")
            yield Static(self._choices(), id="bulk-body")
            yield Static(Text(f"{self._key('bulk.close')} close"), id="bulk-keys")

    def _choices(self) -> Table:
        table = Table(show_header=False, box=None, padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for kind, label in CHOICES:
            table.add_row(Text(self._key(f"bulk.{kind}")), Text(label))
        return table

    def action_choose(self, kind: BulkKind) -> None:
        self.chosen = Bulk(kind)
        question = Text(self.chosen.question(self.count), style="bold")
        question.append(
            f"\n\n{self._key('bulk.yes')} yes · {self._key('bulk.no')} no", style="not bold"
        )
        self.query_one("#bulk-body", Static).update(question)

    def action_yes(self) -> None:
        if self.chosen is not None:
            self.dismiss(self.chosen)

    def action_no(self) -> None:
        if self.chosen is None:
            self.dismiss(None)
            return
        self.chosen = None  # back to the choices
        self.query_one("#bulk-body", Static).update(self._choices())

    def action_close(self) -> None:
        self.dismiss(None)
