"""The tag editor (T): a paper's tags, with completion of the library's tags.

Typing a name and Enter adds it (Tab or → first takes the completion shown); "-name"
and Enter takes one off, as the filter reads "-tag:name"; Backspace in an empty field
takes off the last. Ctrl+S (or Enter in an empty field) saves and closes; Esc closes
with nothing changed. The save is one deed the app performs, which `u` takes back."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from readlist.core.care import BadNameError, one_word, sorted_tags, tags_line
from readlist.core.models import Paper
from readlist.core.printable import shown_in_line
from readlist.ui.health import said_if_failed
from readlist.ui.services import services

EDITOR_KEYS = "Enter add · -name remove · Tab complete · Ctrl+S save · Esc cancel"
NO_TAGS = "No tags yet: type one and press Enter"


class TagInput(Input):
    """The name being typed; Tab takes the completion shown, as → does."""

    BINDINGS = [
        Binding(
            "tab",
            "complete",
            "Complete",
            show=False,
            tooltip="Take the tag offered as you type",
            id="tags.complete",
        )
    ]

    def action_complete(self) -> None:
        if self._suggestion and self.cursor_at_end:
            self.action_cursor_right()


class TagEditor(ModalScreen[tuple[str, ...] | None]):
    """Edits `paper`'s tags; dismisses with them, or None when nothing is to be saved."""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", tooltip="Save the tags", priority=True, id="tags.save"),
        Binding(
            "escape",
            "cancel",
            "Cancel",
            tooltip="Close, the tags as they were",
            priority=True,
            id="tags.cancel",
        ),
    ]

    def __init__(self, paper: Paper, known: Sequence[str] = ()) -> None:
        super().__init__()
        self.paper = paper
        self.tags: list[str] = list(paper.tags)
        self.known = list(known)  # the library's tags, for completion (read on mount)

    def compose(self) -> ComposeResult:
        with Vertical(id="tags-dialog"):
            yield Static(Text(f"Tags of {shown_in_line(self.paper.title)}"), id="tags-title")
            yield Static(id="tags-list")
            yield TagInput(placeholder="a tag (one word)", id="tags-input")
            yield Static(id="tags-said")
            yield Static(EDITOR_KEYS, id="tags-keys")

    def on_mount(self) -> None:
        self._show()
        self.query_one(TagInput).focus()
        if not self.known:
            self._read_known()

    @work(thread=True, exclusive=True, group="tags")
    def _read_known(self) -> None:
        with said_if_failed(self, "Could not read the tags"):
            counts = services(self).library.store().tag_counts()
            self.app.call_from_thread(self._set_known, [name for name, _ in counts])

    def _set_known(self, names: list[str]) -> None:
        self.known = names
        self._suggest()

    def _suggest(self) -> None:
        mine = {tag.casefold() for tag in self.tags}
        offered = [name for name in self.known if name.casefold() not in mine]
        self.query_one(TagInput).suggester = SuggestFromList(offered, case_sensitive=False)

    def _show(self, said: str = "") -> None:
        shown = shown_in_line(tags_line(sorted_tags(self.tags))) if self.tags else NO_TAGS
        self.query_one("#tags-list", Static).update(Text(shown))
        self.query_one("#tags-said", Static).update(Text(said))
        self._suggest()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        text = event.value.strip()
        if not text:
            self.action_save()
            return
        remove = text.startswith("-")
        try:
            name = one_word(text[1:] if remove else text)
        except BadNameError as exc:
            self._show(str(exc))
            return
        self.query_one(TagInput).value = ""
        held = [tag for tag in self.tags if tag.casefold() == name.casefold()]
        if remove:
            if not held:
                self._show(f"no tag {shown_in_line(name)} to remove")
                return
            self.tags.remove(held[0])
            self._show(f"removed {shown_in_line(held[0])}")
        elif held:
            self._show(f"{shown_in_line(held[0])} is there already")
        else:
            spelled = next((k for k in self.known if k.casefold() == name.casefold()), name)
            self.tags.append(spelled)
            self._show(f"added {shown_in_line(spelled)}")

    def on_key(self, event: object) -> None:
        key = getattr(event, "key", None)
        field = self.query_one(TagInput)
        if key == "backspace" and not field.value and self.tags:
            gone = self.tags.pop()
            self._show(f"removed {shown_in_line(gone)}")

    def action_save(self) -> None:
        before = {tag.casefold() for tag in self.paper.tags}
        after = {tag.casefold() for tag in self.tags}
        self.dismiss(sorted_tags(self.tags) if before != after else None)

    def action_cancel(self) -> None:
        self.dismiss(None)
