"""The status line: one line of counts, redrawn in place.

A Static asks for a new layout of the whole screen on every update, in case its size
changed; this line never changes size, and it changes on every keystroke in the filter.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class StatusBar(Widget):
    DEFAULT_CSS = "StatusBar { height: 1; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text()

    def show(self, text: str) -> None:
        self._text = Text(text, no_wrap=True, overflow="ellipsis")
        self.refresh()

    def render(self) -> Text:
        return self._text
