"""One line of text, redrawn in place (StatusLine, in status.py, fits one part by part).

A Static asks for a new layout of the whole screen on every update, in case its size
changed; a line never changes size, and may change on every keystroke.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget


class Line(Widget):
    DEFAULT_CSS = "Line { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }"

    def __init__(self, text: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._text = Text(text, no_wrap=True, overflow="ellipsis")

    def show(self, text: str) -> None:
        self._text = Text(text, no_wrap=True, overflow="ellipsis")
        self.refresh()

    def render(self) -> Text:
        return self._text
