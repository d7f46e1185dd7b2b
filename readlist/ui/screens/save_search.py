"""Saving the filter as a search (Ctrl+S on the library screen): the name to save it as,
offered as the last name saved. Enter saves, Esc changes nothing."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from readlist.core.care import BadNameError, one_word
from readlist.core.printable import shown_in_line

SAVE_KEYS = "Enter save · Esc cancel · one word; saving a known name replaces it"


class SaveSearch(ModalScreen[str | None]):
    """Asks the name to save `query` as; dismisses with it, or None."""

    BINDINGS = [
        Binding(
            "escape",
            "cancel",
            "Cancel",
            tooltip="Save nothing",
            priority=True,
            id="save_search.cancel",
        )
    ]

    def __init__(self, query: str, name: str = "", *, taken: dict[str, str] | None = None):
        super().__init__()
        self.filter_text = query
        self.offered = name
        self.taken = {k.casefold(): v for k, v in (taken or {}).items()}

    def compose(self) -> ComposeResult:
        with Vertical(id="save-dialog"):
            yield Static(
                Text(f"Save the filter {shown_in_line(self.filter_text)}"), id="save-heading"
            )
            yield Input(self.offered, placeholder="name (one word)", id="save-name")
            yield Static(id="save-said")
            yield Static(SAVE_KEYS, id="save-keys")

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.focus()
        field.select_all()
        self._said(field.value)

    def _said(self, text: str) -> None:
        old = self.taken.get(text.strip().casefold())
        line = (
            f"replaces: {shown_in_line(old)}" if old is not None and old != self.filter_text else ""
        )
        self.query_one("#save-said", Static).update(Text(line))

    def on_input_changed(self, event: Input.Changed) -> None:
        self._said(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            name = one_word(event.value, "saved search name")
        except BadNameError as exc:
            self.query_one("#save-said", Static).update(Text(str(exc)))
            return
        self.dismiss(name)

    def action_cancel(self) -> None:
        self.dismiss(None)
