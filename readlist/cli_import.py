"""`readlist import`'s run and rendering: a progress bar for each dump, and the report
table (`readlist fetch` prints the same).

Imported by the import and fetch commands alone, so that the importer stays out of other
commands' start-up (see readlist.cli)."""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Iterable
from contextlib import ExitStack, closing
from pathlib import Path
from typing import Any

import click

from readlist.cli_support import Library, echo_json
from readlist.core.ingest import ImportProgress, Source, file_label, import_sources, report_table
from readlist.core.models import FileReport, ImportReport
from readlist.core.printable import shown_in_line

LABEL_WIDTH = 40  # a bar's file name, at most: the bar needs the rest of an 80-column line


class ProgressBars:
    """A click progress bar for each dump while its papers are decided, on a terminal.
    A dump with nothing to decide (already in the library) gets none, rather than a bar
    that jumps from nothing to full."""

    def __init__(self, *, quiet: bool) -> None:
        self.shown = not quiet and sys.stderr.isatty()
        self._bar: Any = None
        self._index = -1
        self._stack = ExitStack()

    def __call__(self, event: ImportProgress) -> None:
        if not self.shown or event.total is None:
            return
        if event.index != self._index:
            self.close()
            self._index = event.index
            if event.done >= event.total:  # done before it began: nothing to show
                return
            label = file_label(event.source, LABEL_WIDTH)
            # Width 0: the bar takes what the terminal leaves, so the line never wraps
            # (a wrapped line is drawn again below itself at every step).
            bar = click.progressbar(length=event.total, label=label, file=sys.stderr, width=0)
            self._bar = self._stack.enter_context(bar)
        bar = self._bar
        if bar is None:
            return
        bar.length = max(event.total, 1)
        bar.update(event.done - bar.pos)
        if event.done >= event.total:
            self.close()

    def close(self) -> None:
        self._stack.close()
        self._bar = None


def print_report(report: ImportReport, total_papers: int, path: Path) -> None:
    """What each file brought, and the totals, as a table (readlist.core.ingest.report)."""
    table = report_table(report)
    for row in table.rows:
        click.echo(row.text)
    for note in table.notes:
        click.echo(note)
    click.echo(f"Library: {total_papers} papers in {shown_in_line(str(path))}")
    if report.total("flagged"):
        click.echo("Possible duplicates kept apart for review: see `readlist dupes`.")


def run_import(library: Library, sources: Iterable[Source], *, as_json: bool, force: bool) -> None:
    """Import `sources` into the library (made if missing) and print the report, or
    its JSON; a refused source is one line on stderr, and makes the exit 1."""
    reports: list[FileReport] = []
    bars = ProgressBars(quiet=as_json)
    with library.open(create=True) as store, store.bulk():
        store.ensure_writable()  # a damaged library: one line, before any file is read
        try:
            with closing(import_sources(store, sources, progress=bars, force=force)) as done:
                for report in done:
                    if report.error:
                        click.echo(f"Error: {shown_in_line(report.error)}", err=True)
                    reports.append(report)
        finally:
            bars.close()
        total = store.stats().papers
    summary = ImportReport(tuple(reports))
    if as_json:
        echo_json(
            {
                "files": [dataclasses.asdict(f) | {"papers": f.papers} for f in summary.files],
                "library_papers": total,
            }
        )
    elif any(not f.error for f in summary.files):  # errors alone were said on stderr
        print_report(summary, total, library.path)
    if summary.failed:
        sys.exit(1)
