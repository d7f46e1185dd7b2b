"""A link no browser could open: shown whole on a line of its own, with a key to copy it.

A toast would word-wrap the address among its other words; here the link stands alone,
so that it can be selected with the mouse, and `c` puts it on the clipboard (OSC 52,
which most terminals pass to the system clipboard, over ssh too).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

LINK_KEYS = "c copy the link · Esc close"


class LinkScreen(ModalScreen[None]):
    """`url` could not be opened: why (`title`), the link, and what the keys do."""

    COPY = Binding(
        "c",
        "copy",
        "Copy the link",
        tooltip="no browser for o: copy the link",
        id="link.copy",
    )
    BINDINGS = [COPY, Binding("escape,q,enter", "close", "Close", id="link.close")]

    def __init__(self, url: str, title: str = "No browser found") -> None:
        super().__init__()
        self.url = url
        self.heading = title

    def compose(self) -> ComposeResult:
        with Vertical(id="link-dialog"):
            yield Label(Text(f"{self.heading}. The link:"), id="link-title")
            # One line for the link alone; wider than the dialog, it folds at the edge,
            # never between words, so a copy by mouse is the link and nothing else.
            yield Static(Text(self.url, no_wrap=False, overflow="fold"), id="link-url")
            yield Static(Text(LINK_KEYS), id="link-keys")

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.url)
        # The link itself would wrap over the toast's lines again: it is in the
        # clipboard, the toast says so.
        self.app.notify("Copied the link to the clipboard", timeout=4)
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
