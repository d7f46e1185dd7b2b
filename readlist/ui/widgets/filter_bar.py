"""The filter bar: the core's query language, applied as you type."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Input, Static

from readlist.core.printable import shown_in_line

PLACEHOLDER = '/ filter: words  "phrase"  -exclude  title:x  is:starred  has:note  a OR b'
# With a filter used before (in this run or the last): "/" offers it again.
PLACEHOLDER_LAST = "/ filter · last: {} (/ then Enter uses it again, typing replaces it)"


class FilterInput(Input, can_focus=False):
    """An Input one line high and as wide as the bar, whatever its text: its text width
    changes its scrolling, never the screen's layout. (Input asks for a new layout of
    the whole screen on every keystroke, which costs as much as the filtering itself.)

    Out of the Tab order: it takes the focus only through "/" (`FilterBar.focus_input`),
    so keys meant for the list never become filter text unseen. Its cursor does not
    blink, so that it is always there to see while it has the focus."""

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)

    def on_blur(self) -> None:
        self.can_focus = False  # back out of the Tab order


class FilterBar(Widget):
    DEFAULT_CSS = """
    FilterBar { height: 1; layout: horizontal; }
    FilterBar #filter-prompt { display: none; width: auto; padding: 0 1; }
    FilterBar.-typing #filter-prompt {
        display: block; background: $accent; color: $text; text-style: bold;
    }
    FilterBar Input, FilterBar Input:focus { border: none; width: 1fr; height: 1; padding: 0 1; }
    FilterBar Input { background: $boost; }
    FilterBar Input:focus { background: $accent 20%; }
    """
    # Priority bindings run while the app handles the key press, so focus has moved on
    # before the next key is dispatched: "/query<Enter>s" stars, and never types an "s".
    # Esc is the screen's (LibraryScreen.action_clear_filter): it reloads the list too.
    BINDINGS = [
        Binding("enter", "done", "Back to list", show=False, priority=True, id="filter.done"),
    ]

    @dataclass
    class Changed(Message):
        """The query text changed (every keystroke)."""

        query: str

    @dataclass
    class Done(Message):
        """Enter: the user is back to the list, the filter kept."""

    def __init__(self, *, last: str | None = None, id: str | None = None) -> None:
        super().__init__(id=id)
        self._last = last

    def compose(self) -> ComposeResult:
        yield Static("Filter:", id="filter-prompt")  # shown while the filter has the focus
        yield FilterInput(placeholder=self._placeholder())

    @property
    def last(self) -> str | None:
        """The filter used last: an empty filter offers it (`focus_input`)."""
        return self._last

    @last.setter
    def last(self, text: str | None) -> None:
        self._last = text
        self.query_one(FilterInput).placeholder = self._placeholder()

    def _placeholder(self) -> str:
        if self._last is None:
            return PLACEHOLDER
        return PLACEHOLDER_LAST.format(shown_in_line(self._last))

    @property
    def value(self) -> str:
        return self.query_one(Input).value

    @value.setter
    def value(self, text: str) -> None:
        self.query_one(Input).value = text

    def focus_input(self) -> None:
        # At once (Widget.focus waits a turn), or the keys typed right after "/" would
        # still reach the list and run as commands.
        field = self.query_one(FilterInput)
        field.can_focus = True
        field.cursor_blink = False
        self.screen.set_focus(field)
        if not field.value and self._last is not None:
            # Offered, not forced: its results show, Enter keeps it, the first key typed
            # replaces it (it is selected), Esc clears it.
            field.value = self._last
            field.select_all()

    def on_descendant_focus(self) -> None:
        self.add_class("-typing")  # the prompt shows (a class: it restyles the children)

    def on_descendant_blur(self) -> None:
        self.remove_class("-typing")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        if not event.value.isprintable():  # pasted control characters: never drawn
            clean = "".join(c for c in event.value if c.isprintable())
            if clean != event.value:
                self.value = clean  # changes again, and that change is the filter
                return
        self.post_message(self.Changed(event.value))

    def action_done(self) -> None:
        self.screen.focus_next()  # at once, not via a message: see BINDINGS
        self.post_message(self.Done())
