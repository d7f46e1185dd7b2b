"""The filter bar: the core's query language, applied as you type."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input

PLACEHOLDER = '/ filter: words  "phrase"  -exclude  title:x  is:starred  has:note  a OR b'


class FilterBar(Widget):
    DEFAULT_CSS = """
    FilterBar { height: 1; }
    FilterBar Input { border: none; height: 1; padding: 0 1; background: $boost; }
    FilterBar Input:focus { background: $accent 20%; }
    """
    BINDINGS = [
        Binding("escape", "clear", "Clear filter", show=False),
        Binding("enter", "done", "Back to list", show=False),
    ]

    @dataclass
    class Changed(Message):
        """The query text changed (every keystroke)."""

        query: str

    @dataclass
    class Done(Message):
        """Enter or Esc: the user is back to the list."""

    def compose(self) -> ComposeResult:
        yield Input(placeholder=PLACEHOLDER)

    @property
    def value(self) -> str:
        return self.query_one(Input).value

    @value.setter
    def value(self, text: str) -> None:
        self.query_one(Input).value = text

    def focus_input(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Done())

    def action_clear(self) -> None:
        self.value = ""
        self.post_message(self.Done())

    def action_done(self) -> None:
        self.post_message(self.Done())
