"""The note editor: Markdown in a TextArea; Ctrl+S saves, Esc asks before throwing work away."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, TextArea

from readlist.core.errors import NoteTooLongError
from readlist.core.models import Paper
from readlist.core.printable import shown, shown_in_line
from readlist.core.store import check_note_size


class ConfirmDiscard(ModalScreen[bool]):
    """Asks once; y or Enter discards, n or Esc goes back to the note."""

    BINDINGS = [
        Binding("y", "answer(True)", "Discard", id="discard.yes"),
        Binding("n,escape", "answer(False)", "Keep editing", id="discard.no"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Discard the changes to this note?")
            with Horizontal():
                yield Button("Discard (y)", id="discard", variant="error")
                yield Button("Keep editing (n)", id="keep", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#keep", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "discard")

    def action_answer(self, discard: bool) -> None:
        self.dismiss(discard)


class NoteEditor(ModalScreen[str | None]):
    """Edits one paper's note; dismisses with the new text, or None when nothing is saved."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="note.save"),
        Binding("escape", "cancel", "Cancel", priority=True, id="note.cancel"),
    ]

    def __init__(self, paper: Paper, *, text: str | None = None) -> None:
        super().__init__()
        self.paper = paper
        # `text`: the user's own words, not saved yet (back from a conflict or a failed
        # write): saved even if not touched again.
        self._unsaved = text is not None
        start = paper.note if text is None else text
        # The editor draws what it holds as it is: a control character (from `readlist
        # note` or $EDITOR) is given to it as its visible symbol instead, and a note
        # left as it was is never saved, so the stored one stays byte for byte.
        # A note over the size a note may hold (from an older readlist) would freeze the
        # editor for minutes: it is not opened here (`readlist note ID --edit` can cut it).
        self._too_long: str | None = None
        try:
            check_note_size(paper.id, start)
        except NoteTooLongError as exc:
            self._too_long = str(exc).split(";")[0]
            start = ""
        self._start = shown(start)
        self._loaded = self._start  # as the editor holds it (see on_mount)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text(f"Note on {shown_in_line(self.paper.title)}"), id="note-title")
            yield TextArea(self._start, soft_wrap=True, tab_behavior="indent", id="note")
            yield Static(Text("Markdown  ·  Ctrl+S save  ·  Esc cancel"), id="note-keys")

    def on_mount(self) -> None:
        if self._too_long is not None:
            self.notify(
                f"{self._too_long}: edit it with `readlist note {self.paper.id} --edit`",
                title="Not opened",
                severity="error",
                timeout=8,
                markup=False,
            )
            self.call_after_refresh(self._close)
            return
        area = self.query_one(TextArea)
        # The editor joins lines split at \r, U+2028 and the like with one newline: what
        # it holds now is the baseline for "changed".
        self._loaded = area.text
        area.focus()
        area.move_cursor(area.document.end)

    def _close(self) -> None:
        self.dismiss(None)  # not awaited: this screen's own handler is running

    @property
    def text(self) -> str:
        return self.query_one(TextArea).text

    @property
    def changed(self) -> bool:
        return self._unsaved or self.text != self._loaded

    @property
    def draft(self) -> str | None:
        """What Ctrl+S would save now (None: nothing to save); the app saves it if it
        must quit while the editor is open."""
        try:
            return self.text if self.changed else None
        except NoMatches:  # not composed yet: nothing typed
            return self._start if self._unsaved else None

    def action_save(self) -> None:
        """Saves, unless the note is longer than a note may hold: then the words stay
        here, with a message, for the user to cut down."""
        text = self.draft
        if text is None:
            self.dismiss(None)
            return
        try:
            check_note_size(self.paper.id, text)
        except NoteTooLongError as exc:
            self.notify(str(exc), title="Not saved", severity="error", timeout=8, markup=False)
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        if not self.changed:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDiscard(), answered)


class NoteConflict(ModalScreen[str | None]):
    """The note was changed elsewhere (another window, the CLI) while it was being
    written here. Nothing is written until the user has seen both and says which to
    keep: "mine", "theirs", or "edit" (back to editing mine, to save over theirs)."""

    BINDINGS = [
        Binding("m", "answer('mine')", "Save mine", id="conflict.mine"),
        Binding("t,escape", "answer('theirs')", "Keep theirs", id="conflict.theirs"),
        Binding("e", "answer('edit')", "Edit mine", id="conflict.edit"),
    ]

    def __init__(self, paper: Paper, mine: str) -> None:
        super().__init__()
        self.paper = paper
        self.mine = mine

    def compose(self) -> ComposeResult:
        # The words scroll and the buttons stay: on a short terminal the dialog still
        # shows whole, its sentence wrapped, not cut.
        with Vertical():
            with VerticalScroll(id="conflict-text"):
                yield Static(
                    Text(f"The note on {shown_in_line(self.paper.title)} was changed elsewhere."),
                    id="conflict-title",
                )
                yield Static(Text("Theirs, as the library holds it now:"), classes="conflict-head")
                yield Static(
                    Text(shown(self.paper.note) or "(empty)"), id="theirs", classes="conflict-note"
                )
                yield Static(Text("Yours, not saved yet:"), classes="conflict-head")
                yield Static(
                    Text(shown(self.mine) or "(empty)"), id="mine", classes="conflict-note"
                )
            with Horizontal():
                yield Button("Save mine (m)", id="mine-button", variant="warning")
                yield Button("Keep theirs (t)", id="theirs-button", variant="primary")
                yield Button("Edit mine (e)", id="edit-button")

    def on_mount(self) -> None:
        self.query_one("#edit-button", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(str(event.button.id).removesuffix("-button"))

    def action_answer(self, choice: str) -> None:
        self.dismiss(choice)
