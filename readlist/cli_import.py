"""`readlist import`'s helpers: reading the sources, a progress bar, the report table.

Imported by the import command alone, so that the importer stays out of other commands'
start-up (see readlist.cli)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from readlist.core.errors import DumpError
from readlist.core.ingest.importer import Progress
from readlist.core.ingest.pipeline import Track
from readlist.core.ingest.prepare import Prepared
from readlist.core.ingest.sources import dump_files, file_label, read_dump, read_stream, source_name
from readlist.core.models import FileReport, ImportReport
from readlist.core.printable import shown_in_line

LABEL_WIDTH = 40  # a bar's file name, at most: the bar needs the rest of an 80-column line


def progress_bar(*, quiet: bool) -> Track:
    """A progress bar for each dump as it is decided, on a terminal."""

    @contextmanager
    def bar_for(prepared: Prepared) -> Iterator[Progress | None]:
        if quiet or not sys.stderr.isatty():
            yield None
            return
        label = file_label(prepared.source, LABEL_WIDTH)
        # Width 0: the bar takes what the terminal leaves, so the line never wraps (a
        # wrapped line is drawn again below itself at every step).
        with click.progressbar(length=100, label=label, file=sys.stderr, width=0) as bar:

            def progress(done: int, total: int) -> None:
                bar.length = total
                bar.update(done - bar.pos)

            yield progress

    return bar_for


def sources_of(args: tuple[str, ...]) -> Iterator[tuple[str, bytes | FileReport]]:
    """Each dump's bytes, or the report of why it could not be read, in order. Each is
    read with a size cap (readlist.core.ingest.sources), and named so that any file name,
    UTF-8 or not, can be shown and stored."""
    for arg in args:
        if arg == "-":
            if sys.stdin.isatty():  # else the command would seem to hang, waiting
                click.echo(
                    "Reading a dump from the terminal: paste it, then press Ctrl-D on a "
                    "line of its own (Ctrl-C stops).",
                    err=True,
                )
            try:
                yield "<stdin>", read_stream(sys.stdin.buffer)
            except DumpError as exc:
                yield "<stdin>", FileReport("<stdin>", error=str(exc))
            continue
        try:
            files = dump_files(Path(arg))
        except DumpError as exc:
            name = source_name(arg)
            yield name, FileReport(name, error=str(exc))
            continue
        for path in files:
            name = source_name(path)
            try:
                yield name, read_dump(path)
            except DumpError as exc:
                yield name, FileReport(name, error=str(exc))


def report_table(report: ImportReport, total_papers: int, path: Path) -> None:
    """What each file brought, and the totals, as a table."""
    width = max([len(_name(f)) for f in report.files] + [5])
    header = f"{'file':<{width}}  papers    new  exact  fuzzy  review"
    click.echo(header)
    for f in report.files:
        name = _name(f)
        if f.error:
            click.echo(f"{name:<{width}}  refused")
        elif f.already_imported:
            click.echo(f"{name:<{width}}  already imported, nothing changed")
        else:
            click.echo(
                f"{name:<{width}}  {f.papers:>6} {f.new:>6} {f.merged_exact:>6}"
                f" {f.merged_fuzzy:>6} {f.flagged:>7}"
            )
    click.echo(
        f"{'total':<{width}}  {sum(f.papers for f in report.files):>6}"
        f" {report.total('new'):>6} {report.total('merged_exact'):>6}"
        f" {report.total('merged_fuzzy'):>6} {report.total('flagged'):>7}"
    )
    for f in report.files:
        if f.unplaced_lines:
            click.echo(f"{_name(f)}: {unplaced_line(f.unplaced_lines)}")
    click.echo(f"Library: {total_papers} papers in {shown_in_line(str(path))}")
    if report.total("flagged"):
        click.echo("Possible duplicates kept apart for review: see `readlist dupes`.")


def _name(report: FileReport) -> str:
    return file_label(report.source)


_RANGES_SHOWN = 12


def unplaced_line(lines: tuple[int, ...]) -> str:
    """The lines the parser could not place in a paper, as ranges: "3 lines not read:
    12, 40-41 (no title before them)"; the full list is in `import --json`."""
    ranges: list[list[int]] = []
    for line in lines:
        if ranges and line == ranges[-1][1] + 1:
            ranges[-1][1] = line
        else:
            ranges.append([line, line])
    shown = [f"{a}" if a == b else f"{a}-{b}" for a, b in ranges[:_RANGES_SHOWN]]
    more = ", …" if len(ranges) > _RANGES_SHOWN else ""
    count = len(lines)
    return (
        f"{count} line{'s' if count != 1 else ''} not read: {', '.join(shown)}{more}"
        " (text with no title before it)"
    )
