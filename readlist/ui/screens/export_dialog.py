"""The export dialog: which papers, which format, where; written atomically off the UI thread.

The CLI's export, behind a form: the starred papers by default, the plan narrowed by the
library's current filter when asked, and `export_to_file` swapping the file in whole
(never onto the library: see readlist.core.targets).
"""

from __future__ import annotations

import dataclasses
import functools
import os
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, RadioButton, RadioSet, Static

from readlist.core.errors import OutputError, ReadlistError
from readlist.core.export import FORMATS, export_to_file
from readlist.core.query import Query, State, parse_query
from readlist.ui.screens.dialogs import expand
from readlist.ui.services import AppServices, services

Scope = Literal["starred", "starred_filtered", "filtered", "all"]
SUFFIX = {
    "md": ".md",
    "csv": ".csv",
    "json": ".json",
    "bibtex": ".bib",
    "csl-json": ".csl.json",
    "ris": ".ris",
}
FORMAT_LABEL = {
    "md": "Markdown",
    "csv": "CSV",
    "json": "JSON",
    "bibtex": "BibTeX",
    "csl-json": "CSL-JSON",
    "ris": "RIS",
}
FILE_STEM = {
    "starred": "readlist-starred",
    "starred_filtered": "readlist-starred",
    "filtered": "readlist-filtered",
    "all": "readlist-all",
}
WHAT = {  # as the CLI says it
    "starred": "starred papers",
    "starred_filtered": "starred papers",
    "filtered": "papers",
    "all": "papers",
}
EXPORT_KEYS = "Tab next · ↑↓ choose · Enter export · Esc cancel"


def default_path(scope: Scope, fmt: str) -> str:
    return f"~/{FILE_STEM[scope]}{SUFFIX[fmt]}"


def plan(scope: Scope, query_text: str, saved: Mapping[str, str] | None = None) -> Query:
    """The CLI's plan: the filter's clauses (`saved`: the library's saved searches), with
    "is starred" in front unless all papers."""
    query = parse_query(query_text if scope in ("starred_filtered", "filtered") else "", saved)
    if scope in ("starred", "starred_filtered"):
        query = dataclasses.replace(query, clauses=((State("starred"),), *query.clauses))
    return query


def summary(count: int, scope: Scope, fmt: str, path: Path) -> str:
    what = WHAT[scope]
    if count == 0:
        return f"No {what} to export; wrote an empty {fmt} file to {path}."
    if count == 1:
        what = what.replace("papers", "paper")
    return f"Exported {count:,} {what} to {path}."


class Choices(RadioSet, inherit_bindings=False):
    """A radio set whose arrows choose, so that Enter is left free to submit the dialog."""

    BINDINGS = [
        Binding("down,right", "next_button", "Next option", show=False, id="export.next_option"),
        Binding(
            "up,left", "previous_button", "Previous option", show=False, id="export.previous_option"
        ),
        Binding("space", "toggle_button", "Choose", show=False, id="export.choose"),
    ]

    def __init__(self, *buttons: RadioButton, id: str) -> None:
        super().__init__(*buttons, id=id, compact=True)

    def action_next_button(self) -> None:
        super().action_next_button()
        if self.has_focus:  # not on mount, when RadioSet moves to its first button
            self.action_toggle_button()

    def action_previous_button(self) -> None:
        super().action_previous_button()
        if self.has_focus:
            self.action_toggle_button()


class ExportScreen(ModalScreen[Path | None]):
    """Dismissed with the file written, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="export.cancel"),
        Binding("enter", "export", "Export", show=False, id="export.export"),
    ]

    def __init__(self, query_text: str = "", fmt: str = FORMATS[0]) -> None:
        """`fmt`: the format chosen at first (the settings file's export_format)."""
        super().__init__()
        self.query_text = query_text.strip()
        self.scopes: tuple[Scope, ...] = (
            ("starred", "starred_filtered", "filtered") if self.query_text else ("starred", "all")
        )
        self.fmt = fmt
        self.scope: Scope = "starred"
        self.busy = False

    @dataclass
    class Written(Message, bubble=False):
        """The export worker wrote the file; `summary` says what went into it."""

        summary: str
        path: Path

    @dataclass
    class Failed(Message, bubble=False):
        """The export worker could not write the file: `reason`, as the user is told it."""

        reason: str

    @property
    def rl_app(self) -> AppServices:
        return services(self)

    def _scope_label(self, scope: Scope) -> Content:
        if scope == "starred":
            return Content("Starred papers")
        if scope == "all":
            return Content("Every paper")
        start = "Starred papers" if scope == "starred_filtered" else "All papers"
        return Content.assemble(f"{start} matching ", (self.query_text, "italic"))

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="export-dialog", can_focus=False) as dialog:
            dialog.border_title = "Export"
            with Horizontal(classes="row"):
                yield Label(Text("Format"))
                yield Choices(
                    *(
                        RadioButton(Content(FORMAT_LABEL[fmt]), value=fmt == self.fmt)
                        for fmt in FORMATS
                    ),
                    id="export-format",
                )
            with Horizontal(classes="row"):
                yield Label(Text("Papers"))
                yield Choices(
                    *(
                        RadioButton(self._scope_label(scope), value=scope == self.scope)
                        for scope in self.scopes
                    ),
                    id="export-scope",
                )
            with Horizontal(classes="row"):
                yield Label(Text("Save to"), classes="for-input")
                yield Input(default_path(self.scope, self.fmt), id="export-path")
            yield Static(id="export-message")
            yield Static(Text(EXPORT_KEYS), id="export-keys")

    def on_mount(self) -> None:
        self.query_one("#export-format", RadioSet).focus()

    @property
    def path_input(self) -> Input:
        return self.query_one("#export-path", Input)

    def _say(self, message: str, *, error: bool = False) -> None:
        line = self.query_one("#export-message", Static)
        line.update(Text(message))
        line.set_class(error, "-error")

    @on(RadioSet.Changed)
    def _chosen(self, event: RadioSet.Changed) -> None:
        """The default path follows the choices until the user edits it."""
        before = default_path(self.scope, self.fmt)
        if event.radio_set.id == "export-format":
            self.fmt = FORMATS[event.index]
        else:
            self.scope = self.scopes[event.index]
        if self.path_input.value == before:
            self.path_input.value = default_path(self.scope, self.fmt)

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_export()

    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(None)

    def action_export(self) -> None:
        if self.busy:
            return
        text = self.path_input.value
        if not text.strip():
            self._say("Type the path of the file to write.", error=True)
            self.path_input.focus()
            return
        try:
            path = expand(text)
        except RuntimeError as exc:  # "~someone" with no such user
            self._say(f"{text.strip()}: {exc}", error=True)
            self.path_input.focus()
            return
        if text.rstrip().endswith(("/", os.sep)):
            self._say(f"{path} is a folder: add a file name.", error=True)
            self.path_input.focus()
            return
        self.busy = True
        self._say(f"Exporting to {path}…")
        self._export(path, self.fmt, self.scope)

    @work(thread=True, exclusive=True, group="export")
    def _export(self, path: Path, fmt: str, scope: Scope) -> None:
        path = path.absolute()
        if path.is_dir() or path.name in ("", ".", ".."):
            self.post_message(self.Failed(f"{path} is a folder: add a file name."))
            return
        if not path.parent.is_dir():
            self.post_message(self.Failed(f"{path.parent}: no such folder."))
            return
        app = self.rl_app
        app.writer.flush()  # stars pressed a moment ago are in the export
        library = app.library.path
        try:
            # Read afresh for each pass: citation keys do not depend on the papers' order.
            papers = functools.partial(
                app.library.store().iter_search, plan(scope, self.query_text, app.saved.queries)
            )
            # Never onto the library; a pipe nobody reads is refused rather than waited on.
            count = export_to_file(papers, fmt, path, library=library, wait_for_reader=False)
        except OutputError as exc:  # the target's fault, named as typed
            self.post_message(self.Failed(str(exc)))
            return
        except OSError as exc:
            self.post_message(self.Failed(f"{path}: {exc.strerror or exc}"))
            return
        except (ReadlistError, sqlite3.Error) as exc:
            self.post_message(self.Failed(f"{library}: {exc}"))
            return
        self.post_message(self.Written(summary(count, scope, fmt, path), path))

    def on_export_screen_failed(self, failed: Failed) -> None:
        self.busy = False
        self._say(failed.reason, error=True)
        self.path_input.focus()

    def on_export_screen_written(self, written: Written) -> None:
        self.busy = False
        self.app.notify(written.summary, title="Export", timeout=6, markup=False)
        self.dismiss(written.path)
