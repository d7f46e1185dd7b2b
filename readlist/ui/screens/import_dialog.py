"""The import dialog: a path, a progress bar, then what the import did to the library.

The work is the CLI's: `dump_files` turns the path into dumps, each read with the same
cap (readlist.core.ingest.sources), one `Importer` takes them a part at a time, and a bad file
is refused with its one-line error while the good ones land. It all runs in a thread
worker on the worker's own connection. Every name shown is cleaned first: a file name
may hold bytes that are not UTF-8, or a terminal's escape sequences.
"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path
from typing import Literal

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, ProgressBar, Static

from readlist.core.errors import DumpError, ReadlistError, describe_sqlite_error
from readlist.core.ingest.importer import Importer
from readlist.core.ingest.sources import dump_files, file_label, read_dump, source_name
from readlist.core.models import DuplicateCandidate, FileReport, ImportReport
from readlist.core.printable import shown_in_line
from readlist.ui.screens.dialogs import expand
from readlist.ui.services import AppServices, services
from readlist.ui.threads import deliver
from readlist.ui.widgets.path_input import PathInput

Stage = Literal["prompt", "running", "done"]
PROGRESS_STEPS = 200  # bar updates per file at most: each one waits for the UI thread
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


def _name(source: str) -> str:
    return file_label(source, NAME_WIDTH)


def report_text(report: ImportReport) -> Text:
    """The CLI's table, one row a file, as literal text (names can hold anything)."""
    width = max([len(_name(f.source)) for f in report.files] + [5])
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(f"{'file':<{width}}  papers    new  exact  fuzzy  review\n", style="bold")
    for f in report.files:
        name = f"{_name(f.source):<{width}}  "
        if f.error:
            out.append(name)
            out.append("refused\n", style="red")
        elif f.already_imported:
            out.append(f"{name}already imported, nothing changed\n", style="dim")
        else:
            out.append(
                f"{name}{f.papers:>6} {f.new:>6} {f.merged_exact:>6}"
                f" {f.merged_fuzzy:>6} {f.flagged:>7}\n"
            )
    out.append(
        f"{'total':<{width}}  {sum(f.papers for f in report.files):>6}"
        f" {report.total('new'):>6} {report.total('merged_exact'):>6}"
        f" {report.total('merged_fuzzy'):>6} {report.total('flagged'):>7}",
        style="bold",
    )
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
    """Dismissed with the report (None when cancelled before anything was imported)."""

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
            yield Label(Text("A dump file, or a folder of *.txt dumps:"), id="import-path-label")
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
        try:
            files = dump_files(path)
        except (DumpError, OSError) as exc:
            name = source_name(path)
            message = str(exc) if isinstance(exc, DumpError) else f"{name}: {exc.strerror}"
            deliver(self, self._refused, message)
            return
        deliver(self, self._begin, len(files))
        try:
            store = self.rl_app.library.store()
            before = {(c.paper_id, c.other_id) for c in store.review_candidates()}
            importer = Importer(store)
        except (ReadlistError, sqlite3.Error) as exc:
            message = (
                describe_sqlite_error(self.rl_app.library.path, exc)
                if isinstance(exc, sqlite3.Error)
                else str(exc)
            )
            deliver(self, self._refused, message)
            return
        reports: list[FileReport] = []
        for index, file in enumerate(files):
            if self._stop.is_set() or self._gone.is_set():
                break
            reports.append(self._import_file(importer, file, index, len(files)))
        try:
            candidates = [
                c for c in store.review_candidates() if (c.paper_id, c.other_id) not in before
            ]
            papers = store.stats().papers
        except sqlite3.Error:
            candidates, papers = [], 0
        report = ImportReport(tuple(reports))
        stopped = len(files) - len(reports)
        deliver(self, self._finished, report, candidates, papers, stopped)

    def _import_file(self, importer: Importer, file: Path, index: int, files: int) -> FileReport:
        """One file, a part at a time; whatever goes wrong is that file's one-line error.
        While it is read and parsed (seconds, for a month of pages) the bar pulses; it
        counts the file's papers as they are decided, and fills at once when the file
        turns out to be in the library already."""
        source = source_name(file)

        deciding = False

        def progress(done: int, total: int) -> None:
            nonlocal deciding
            if not deciding:  # read and parsed: the papers are being decided
                deciding = True
                deliver(self, self._deciding, index, files, file)
            if done == total or done % max(1, total // PROGRESS_STEPS) == 0:
                deliver(self, self._progress, index + done / total)

        try:
            gone = self._gone.is_set
            deliver(self, self._reading, index, files, file)
            return importer.import_bytes(read_dump(file, gone), source, progress, stop=gone)
        except ReadlistError as exc:
            return FileReport(source, error=str(exc))
        except sqlite3.Error as exc:  # the library, not the file: a full disk, say
            library = describe_sqlite_error(self.rl_app.library.path, exc)
            return FileReport(source, error=f"{source}: not imported; {library}")
        except OSError as exc:
            return FileReport(source, error=f"{source}: {exc.strerror or exc}")
        finally:
            deliver(self, self._file_done, index, files)

    # -- back on the UI thread ---------------------------------------------------------------

    def _refused(self, message: str) -> None:
        self._set_stage("prompt")
        self._say(message, error=True)
        self.query_one("#import-path", Input).focus()

    def _begin(self, files: int) -> None:
        self.query_one(ProgressBar).update(total=files, progress=0)

    def _reading(self, index: int, files: int, file: Path) -> None:
        self.query_one(ProgressBar).update(total=None)  # pulses: how long is not known yet
        if not self._stop.is_set():
            self._say(f"Reading {file_label(file.name, NAME_WIDTH)} ({index + 1} of {files})…")

    def _deciding(self, index: int, files: int, file: Path) -> None:
        self.query_one(ProgressBar).update(total=files, progress=index)
        if not self._stop.is_set():
            self._say(f"Importing {file_label(file.name, NAME_WIDTH)} ({index + 1} of {files})…")

    def _progress(self, progress: float) -> None:
        self.query_one(ProgressBar).update(progress=progress)

    def _file_done(self, index: int, files: int) -> None:
        self.query_one(ProgressBar).update(total=files, progress=index + 1)

    def _finished(
        self,
        report: ImportReport,
        candidates: list[DuplicateCandidate],
        papers: int,
        stopped: int,
    ) -> None:
        self.report = report
        self.candidates = candidates
        self.query_one("#import-table", Static).update(report_text(report))
        self.query_one("#import-notes", Static).update(
            report_notes(report, candidates, papers, stopped)
        )
        new = report.total("new")
        refused = sum(1 for f in report.files if f.error)
        summary = f"{new:,} new paper{'s' if new != 1 else ''}"
        if refused:
            summary += f"; {refused} file{'s' if refused != 1 else ''} refused"
        self._say(summary, error=bool(refused))
        self._set_stage("done")
        self.query_one("#import-report", ScrollableContainer).focus()
