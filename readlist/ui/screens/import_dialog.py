"""The import dialog: a path, a progress bar, then what the import did to the library.

The work is the CLI's: the same front door (readlist.core.ingest.import_sources) reads
the dumps the path names, imports them and refuses a bad file with its one-line error
while the good ones land; the same rows make the report table. It runs in a thread
worker on the worker's own connection. Every name shown is cleaned first: a file name
may hold bytes that are not UTF-8, or a terminal's escape sequences.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, Static

from readlist.core.errors import ReadlistError, describe_sqlite_error
from readlist.core.ingest import (
    ImportProgress,
    dump_files,
    file_label,
    import_sources,
    report_table,
    source_name,
)
from readlist.core.models import DuplicateCandidate, FileReport, ImportReport
from readlist.core.printable import shown_in_line
from readlist.ui.screens.dialogs import expand
from readlist.ui.services import AppServices, services
from readlist.ui.widgets.path_input import PathInput

Stage = Literal["prompt", "running", "done"]
CANDIDATES_SHOWN = 100  # the rest are for `readlist dupes`
NAMES_SHOWN = 8  # names a Tab could still complete to, shown under the path
NAME_WIDTH = 40
LEGEND = (
    "new: not in the library before · exact, fuzzy: merged into a paper already there\n"
    "review: new, but close to a paper already there"
)
KEYS = {
    "prompt": "Tab complete · Enter import · Esc cancel",
    "running": "Esc stop after this file",
    "done": "↑↓ PgUp PgDn scroll · Enter or Esc close",
}


_STYLES = {"header": "bold", "refused": "red", "already": "dim", "total": "bold"}


def report_text(report: ImportReport) -> Text:
    """The CLI's table (readlist.core.ingest.report_table), as literal text: names can
    hold anything, markup included."""
    table = report_table(report, NAME_WIDTH)
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append("\n".join(row.text for row in table.rows[:1]), style="bold")
    for row in table.rows[1:]:
        out.append("\n")
        out.append(row.text, style=_STYLES.get(row.kind, ""))
    return out


def report_notes(
    report: ImportReport,
    candidates: list[DuplicateCandidate],
    library_papers: int,
    stopped: int = 0,
) -> Text:
    """Below the table: each refused file's error, then the pairs flagged for review."""
    out = Text()
    for f in report.files:
        if f.error:
            out.append(f"Error: {shown_in_line(f.error)}\n", style="red")
    for note in report_table(report, NAME_WIDTH).notes:
        out.append(f"{note}\n", style="yellow")
    if stopped:
        out.append(f"Stopped: {stopped} more file(s) not imported.\n", style="yellow")
    out.append(f"\n{LEGEND}\n", style="dim")
    out.append(f"Library: {library_papers:,} papers\n")
    if candidates:
        out.append(
            f"\nPossible duplicates kept apart for review ({len(candidates)}):"
            " see `readlist dupes`.\n",
            style="bold",
        )
        for c in candidates[:CANDIDATES_SHOWN]:
            out.append(
                f"{c.paper_id:>6} ~ {c.other_id:<6} title {c.title_score:5.1f}  "
                f"abstract {c.abstract_score:5.1f}  {c.reason}\n"
            )
            out.append(f"         {c.title}\n         {c.other_title}\n")
        if len(candidates) > CANDIDATES_SHOWN:
            out.append(f"… and {len(candidates) - CANDIDATES_SHOWN} more.\n", style="dim")
    out.rstrip()
    return out


class ImportScreen(ModalScreen[ImportReport | None]):
    """Dismissed with the report (None when cancelled before anything was imported).

    Its worker only imports; what happens comes back as the messages below, posted to
    this screen. A dialog taken down meanwhile (the app quitting) has closed its queue,
    so they are dropped there."""

    @dataclass
    class Began(Message, bubble=False):
        """The path names `files` dumps."""

        files: int

    @dataclass
    class Progressed(Message, bubble=False):
        """How far the import has got; only the newest waiting one matters."""

        event: ImportProgress

        def can_replace(self, message: Message) -> bool:
            return isinstance(message, ImportScreen.Progressed)

    @dataclass
    class Finished(Message, bubble=False):
        """The import is over: what it did, the pairs it flagged, the library's size, and
        how many files an Esc left unimported."""

        report: ImportReport
        candidates: list[DuplicateCandidate]
        papers: int
        stopped: int

    @dataclass
    class Refused(Message, bubble=False):
        """The path names no dump, or the library could not be read: one line."""

        message: str

    BINDINGS = [
        Binding("escape", "close", "Close", id="import.close"),
        Binding("enter", "enter", "Close", show=False, id="import.enter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stage: Stage = "prompt"
        self.report: ImportReport | None = None
        self.candidates: list[DuplicateCandidate] = []  # flagged by this import
        self._stop = threading.Event()  # Esc: after this file
        # The dialog is going (the app quitting): after this part of a big file, or
        # this chunk of a read, so that the app's exit never waits out a whole import.
        self._gone = threading.Event()

    @property
    def rl_app(self) -> AppServices:
        return services(self)

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog") as dialog:
            dialog.border_title = "Import dumps"
            yield Label(
                Text("A dump (text, JSON, HTML, BibTeX, RIS), or a folder of them:"),
                id="import-path-label",
            )
            yield PathInput(placeholder="~/Downloads/daily-papers.txt", id="import-path")
            yield Static(id="import-message")
            yield ProgressBar(id="import-progress", show_eta=False)
            with ScrollableContainer(id="import-report"):
                yield Static(id="import-table")
                yield Static(id="import-notes")
            yield Static(Text(KEYS["prompt"]), id="import-keys")

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()

    def on_unmount(self) -> None:
        self._gone.set()

    def _set_stage(self, stage: Stage) -> None:
        self.stage = stage
        self.set_class(stage == "running", "-running")
        self.set_class(stage == "done", "-done")
        self.query_one("#import-path", Input).disabled = stage != "prompt"
        self.query_one("#import-keys", Static).update(Text(KEYS[stage]))

    def _say(self, message: str, *, error: bool = False) -> None:
        line = self.query_one("#import-message", Static)
        line.update(Text(shown_in_line(message)))
        line.set_class(error, "-error")

    # -- keys ------------------------------------------------------------------------------

    @on(Input.Submitted, "#import-path")
    def _submitted(self) -> None:
        self._start()

    @on(Input.Changed, "#import-path")
    def _edited(self) -> None:
        """An error said of the path goes once the path is edited: it was about that one.
        So do the names a Tab offered (a Tab's own edit comes before its names)."""
        if self.stage == "prompt":
            self._say("")

    @on(PathInput.Completed, "#import-path")
    def _completed_path(self, event: PathInput.Completed) -> None:
        names = event.candidates
        if not names:
            self._say(f"No file or folder matches {event.path_input.value}", error=True)
        elif len(names) > 1:
            shown = "  ".join(names[:NAMES_SHOWN])
            more = f"  … and {len(names) - NAMES_SHOWN} more" if len(names) > NAMES_SHOWN else ""
            self._say(shown + more)

    def action_enter(self) -> None:
        if self.stage == "done":
            self.dismiss(self.report)
        elif self.stage == "prompt":
            self._start()

    def action_close(self) -> None:
        if self.stage == "running":
            self._stop.set()
            self._say("Stopping after this file…")
        else:
            self.dismiss(self.report)

    def _start(self) -> None:
        if self.stage != "prompt":
            return
        text = self.query_one("#import-path", Input).value
        if not text.strip():
            self._say("Type the path of a dump file or of a folder of dumps.", error=True)
            return
        try:
            path = expand(text)
        except RuntimeError as exc:  # "~someone" with no such user
            self._say(f"{text.strip()}: {exc}", error=True)
            return
        self._say(f"Reading {source_name(path)}…")
        self._stop.clear()
        self._set_stage("running")
        self._import(path)

    # -- the work, on a thread ---------------------------------------------------------------

    @work(thread=True, exclusive=True, group="import")
    def _import(self, path: Path) -> None:
        try:  # a path that names no dump: said here, and the path can be fixed
            files = len(dump_files(path))
            store = self.rl_app.library.store()
            store.ensure_writable()  # a damaged library: said here, before any file is read
            before = {(c.paper_id, c.other_id) for c in store.review_candidates()}
        except (ReadlistError, sqlite3.Error, OSError) as exc:
            self._refuse(path, exc)
            return
        self.post_message(self.Began(files))
        reports: list[FileReport] = []
        current = source_name(path)

        def progress(event: ImportProgress) -> None:
            nonlocal current
            current = event.source
            self.post_message(self.Progressed(event))

        try:
            done = import_sources(store, [path], progress=progress, stop=self._gone.is_set)
            with closing(done):
                for file_report in done:
                    reports.append(file_report)
                    if self._stop.is_set() or self._gone.is_set():
                        break  # Esc: after this file
        except sqlite3.Error as exc:  # the library, not the file: a full disk, say
            library = describe_sqlite_error(self.rl_app.library.path, exc)
            reports.append(FileReport(current, error=f"{current}: not imported; {library}"))
        except (ReadlistError, OSError) as exc:  # damage met midway, say: one line
            reason = str(exc) if isinstance(exc, ReadlistError) else exc.strerror or str(exc)
            reports.append(FileReport(current, error=f"{current}: not imported; {reason}"))
        try:
            candidates = [
                c for c in store.review_candidates() if (c.paper_id, c.other_id) not in before
            ]
            papers = store.stats().papers
        except sqlite3.Error:
            candidates, papers = [], 0
        report = ImportReport(tuple(reports))
        stopped = files - len(reports)
        self.post_message(self.Finished(report, candidates, papers, stopped))

    def _refuse(self, path: Path, exc: Exception) -> None:
        if isinstance(exc, sqlite3.Error):
            message = describe_sqlite_error(self.rl_app.library.path, exc)
        elif isinstance(exc, OSError):
            message = f"{source_name(path)}: {exc.strerror}"
        else:
            message = str(exc)
        self.post_message(self.Refused(message))

    # -- back on the UI thread ---------------------------------------------------------------

    @on(Refused)
    def _refused(self, news: Refused) -> None:
        self._set_stage("prompt")
        self._say(news.message, error=True)
        self.query_one("#import-path", Input).focus()

    @on(Began)
    def _begin(self, news: Began) -> None:
        self.query_one(ProgressBar).update(total=news.files, progress=0)

    @on(Progressed)
    def _progressed(self, news: Progressed) -> None:
        """The bar counts files, and a file's papers as they are decided; it pulses while
        a file is read and parsed (seconds, for a month of pages), and fills at once for
        a file found in the library already."""
        event = news.event
        bar = self.query_one(ProgressBar)
        name = file_label(event.source, NAME_WIDTH)
        where = f"({event.index + 1} of {event.files})"
        if event.total is None:
            bar.update(total=None)  # pulses: how long is not known yet
            if not self._stop.is_set():
                self._say(f"Reading {name} {where}…")
        elif event.done >= event.total:
            bar.update(total=event.files, progress=event.index + 1)
        else:
            if bar.total is None and not self._stop.is_set():
                self._say(f"Importing {name} {where}…")
            bar.update(total=event.files, progress=event.index + event.done / event.total)

    @on(Finished)
    def _finished(self, news: Finished) -> None:
        report = self.report = news.report
        self.candidates = news.candidates
        self.query_one("#import-table", Static).update(report_text(report))
        self.query_one("#import-notes", Static).update(
            report_notes(report, news.candidates, news.papers, news.stopped)
        )
        new = report.total("new")
        refused = sum(1 for f in report.files if f.error)
        summary = f"{new:,} new paper{'s' if new != 1 else ''}"
        if refused:
            summary += f"; {refused} file{'s' if refused != 1 else ''} refused"
        self._say(summary, error=bool(refused))
        self._set_stage("done")
        self.query_one("#import-report", ScrollableContainer).focus()
