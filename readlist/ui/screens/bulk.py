"""The bulk menu (A): one change to every paper the filter shows, newsboat's "mark all
read" and Zotero's select-all, each asked about with its count before anything changes.

The menu is two steps: the key for what to do, then the question ("Mark 57 papers
read?") answered y or n. What it returns is done by the app as one deed, so `u` takes
the whole of it back."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Literal

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from readlist.core.care import BadNameError, one_word
from readlist.core.care.bulk import Bulk, BulkKind, papers
from readlist.core.printable import shown_in_line
from readlist.core.query import Query, State
from readlist.ui.health import said_if_failed
from readlist.ui.keymap import key_label, rebound
from readlist.ui.services import services

# The choices, in the menu's order: (kind, what the menu calls it).
CHOICES: tuple[tuple[BulkKind, str], ...] = (
    ("read", "Mark all read"),
    ("unread", "Mark all unread"),
    ("star", "Star all"),
    ("unstar", "Unstar all"),
    ("tag", "Tag all…"),
    ("delete", "Move all to the trash"),
)
RESTORE_ALL = "Restore all from the trash"  # in the trash's view, in place of the trash


class BulkMenu(ModalScreen[Bulk | None]):
    """What to do to the `count` papers shown by the filter `filter_text`."""

    BINDINGS = [
        Binding("r", "choose('read')", "Mark all read", id="bulk.read"),
        Binding("R", "choose('unread')", "Mark all unread", id="bulk.unread"),
        Binding("s", "choose('star')", "Star all", id="bulk.star"),
        Binding("S", "choose('unstar')", "Unstar all", id="bulk.unstar"),
        Binding("t", "choose('tag')", "Tag all", id="bulk.tag"),
        Binding("d", "choose('trash')", "Trash or restore all", id="bulk.trash"),
        Binding("y,enter", "yes", "Yes", show=False, id="bulk.yes"),
        Binding("n", "no", "No", show=False, id="bulk.no"),
        Binding("escape,q", "close", "Close", tooltip="Change nothing", id="bulk.close"),
    ]

    def __init__(
        self,
        count: int,
        filter_text: str,
        keymap: Mapping[str, str] | None = None,
        *,
        query: Query | None = None,
    ):
        """`query`: the filter as parsed, to count what a delete would take of the user's."""
        super().__init__()
        self.count = count
        self.filter = query
        self.in_trash = query is not None and query.in_trash  # the trash's view: d restores
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
            if kind == "delete":
                trash = RESTORE_ALL if self.in_trash else label
                table.add_row(Text(self._key("bulk.trash")), Text(trash))
            else:
                table.add_row(Text(self._key(f"bulk.{kind}")), Text(label))
        return table

    def action_choose(self, kind: BulkKind | Literal["trash"]) -> None:
        if kind == "trash":
            kind = "restore" if self.in_trash else "delete"
        if kind == "tag":
            self._ask_tag()
            return
        self._ask(Bulk(kind))

    def _ask_tag(self) -> None:
        """The tag's name first, the library's tags offered as it is typed."""
        self.query_one("#bulk-body", Static).update(Text("Tag them with (one word, Enter):"))
        field = Input(placeholder="a tag", id="bulk-tag")
        self.query_one("#bulk-dialog").mount(field, after="#bulk-body")
        field.focus()
        self._read_tags()

    @work(thread=True, exclusive=True, group="bulk-tags")
    def _read_tags(self) -> None:
        with said_if_failed(self, "Could not read the tags"):
            names = [name for name, _ in services(self).library.store().tag_counts()]
            self.app.call_from_thread(self._offer, names)

    def _offer(self, names: list[str]) -> None:
        for field in self.query("#bulk-tag").results(Input):
            field.suggester = SuggestFromList(names, case_sensitive=False)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            name = one_word(event.value)
        except BadNameError as exc:
            self.query_one("#bulk-body", Static).update(Text(str(exc)))
            return
        event.input.remove()
        self._ask(Bulk("tag", name))

    @work(thread=True, exclusive=True, group="bulk-stakes")
    def _count_stakes(self, query: Query) -> None:
        """How many of the papers to delete are starred or noted: said before y."""
        mine = replace(query, clauses=(*query.clauses, (State("starred"), State("note"))))
        with said_if_failed(self, "Could not count the starred and noted papers"):
            count = services(self).library.store().count(mine)
            if count:
                self.app.call_from_thread(self._show_stakes, count)

    def _show_stakes(self, count: int) -> None:
        if self.chosen is not None and self.chosen.kind == "delete":
            self._ask(self.chosen, f"{count:,} of them starred or noted (the trash keeps all)")

    def _ask(self, bulk: Bulk, stakes: str = "") -> None:
        if bulk.kind == "delete" and not stakes and self.filter is not None:
            self._count_stakes(self.filter)
        self.chosen = bulk
        self.set_focus(None)  # y and n answer, not the tag's field
        question = Text(bulk.question(self.count), style="bold")
        if stakes:
            question.append(f"\n{stakes}", style="not bold")
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
        self.query("#bulk-tag").remove()
        self.chosen = None  # back to the choices
        self.query_one("#bulk-body", Static).update(self._choices())

    def action_close(self) -> None:
        self.dismiss(None)
