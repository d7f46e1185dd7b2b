"""The readlist command line: thin wrappers that parse arguments, call the core, print.

Most of the time `readlist list` takes, even at a million papers, is Python starting up.
So the modules only some commands need (the exporters, the importer, json, shutil,
tempfile, the UI) are imported inside those commands, and a test keeps them out of
`import readlist.cli`.
"""

from __future__ import annotations

import dataclasses
import sys
from contextlib import closing
from pathlib import Path
from typing import TYPE_CHECKING

import click

from readlist import __version__
from readlist.cli_support import (
    QUERY_ARGS,
    Library,
    QueryCommand,
    ReadlistGroup,
    echo_json,
    open_library,
    query_of,
)
from readlist.core.errors import NoteChangedError
from readlist.core.models import FileReport, ImportReport
from readlist.core.printable import shown_in_line
from readlist.core.query import State
from readlist.paths import ENV_VAR, library_path

if TYPE_CHECKING:
    from readlist.core.models import Paper

# readlist.core.export.FORMATS, named here so that the export command's options do not
# import the exporters (a test checks that the two agree).
EXPORT_FORMATS = ("md", "csv", "json", "bibtex")


@click.group(cls=ReadlistGroup, invoke_without_command=True)
@click.option(
    "--db",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar=ENV_VAR,
    help=f"Library file (default: ${ENV_VAR}, else the user data dir).",
)
@click.version_option(__version__, prog_name="readlist")
@click.pass_context
def cli(ctx: click.Context, db: Path | None) -> None:
    """Triage the papers you collect from the Hugging Face Daily Papers page."""
    ctx.obj = Library(library_path(db))
    if db is None and not ctx.obj.path.parent.exists():
        ctx.obj.path.parent.mkdir(parents=True)  # the default data dir, on first use
    if ctx.invoked_subcommand is None:
        open_library(ctx.obj.path).close()  # refuse a bad library here, with one clear line
        from readlist.ui.app import run  # the UI is imported only on this branch

        run(ctx.obj.path)


# -- import ---------------------------------------------------------------------


@cli.command("import")
@click.argument("sources", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--force", is_flag=True, help="Import text that does not look like a Daily Papers page."
)
@click.pass_obj
def import_(library: Library, sources: tuple[str, ...], as_json: bool, force: bool) -> None:
    """Import dump files, folders of *.txt dumps, or - for stdin."""
    # Imported here: dedupe and rapidfuzz are a third of readlist's start-up, and only
    # import needs them.
    from readlist.cli_import import progress_bar, report_table, sources_of
    from readlist.core.importer import Importer
    from readlist.core.pipeline import import_all
    from readlist.core.prepare import prepare_all

    reports: list[FileReport] = []
    with library.open() as store, store.bulk():
        importer = Importer(store)
        # A big import reads and fingerprints the next dumps in a second process, and
        # writes the dumps it has decided in a third, while it decides the next one.
        with (
            closing(prepare_all(sources_of(sources), importer.today, force=force)) as prepared,
            closing(import_all(importer, prepared, track=progress_bar(quiet=as_json))) as done,
        ):
            for report in done:
                if report.error:
                    click.echo(f"Error: {report.error}", err=True)
                reports.append(report)
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
        report_table(summary, total, library.path)
    if summary.failed:
        sys.exit(1)


# -- list -------------------------------------------------------------------------


def _marks(paper: Paper) -> str:
    return (
        ("★" if paper.starred else " ")
        + ("✓" if paper.read else " ")
        + ("✎" if paper.note else " ")
    )


def _terminal_width() -> int:
    import shutil

    return max(shutil.get_terminal_size().columns, 60)


@cli.command("list", cls=QueryCommand, context_settings=QUERY_ARGS)
@click.argument("query", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "tsv"]),
    default="table",
    show_default=True,
)
@click.option("--limit", type=click.IntRange(min=1), help="Show at most N papers.")
@click.pass_obj
def list_(library: Library, query: tuple[str, ...], fmt: str, limit: int | None) -> None:
    """List papers matching QUERY (all papers without one), latest seen first.

    \b
    QUERY: words (prefix match, ANDed)  "exact phrase"  -exclude  a OR b
           title:word abstract:word note:word  is:starred is:read is:unread has:note
    """
    with library.open() as store:
        papers = store.iter_search(query_of(query), limit=limit)
        if fmt == "json":
            from readlist.core.export import write_export

            write_export(papers, "json", sys.stdout)  # streamed: the export's JSON shape
        elif fmt == "tsv":
            click.echo("id\tstarred\tread\tlast_seen\ttimes_seen\ttitle")
            for p in papers:
                title = p.title.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                click.echo(
                    f"{p.id}\t{int(p.starred)}\t{int(p.read)}\t{p.last_seen}"
                    f"\t{p.times_seen}\t{title}"
                )
        else:
            width = _terminal_width() if sys.stdout.isatty() else 1000
            shown = 0
            for p in papers:
                title = shown_in_line(p.title)  # for people: no terminal control codes
                line = f"{p.id:>6} {_marks(p)} {p.last_seen} {p.times_seen:>2}x {title}"
                click.echo(line[:width])
                shown += 1
            if sys.stdout.isatty():
                click.echo(f"{shown} papers", err=True)


# -- state ------------------------------------------------------------------------


@cli.command()
@click.argument("ids", nargs=-1, required=True, type=int, metavar="ID...")
@click.option("--star", "star", flag_value=True, default=None, help="Star the papers.")
@click.option("--unstar", "star", flag_value=False, help="Remove the star.")
@click.option("--read", "read", flag_value=True, default=None, help="Mark read.")
@click.option("--unread", "read", flag_value=False, help="Mark unread.")
@click.pass_obj
def mark(library: Library, ids: tuple[int, ...], star: bool | None, read: bool | None) -> None:
    """Star, unstar, mark read or unread."""
    if star is None and read is None:
        raise click.UsageError("say what to do: --star, --unstar, --read or --unread")
    with library.open() as store:
        if star is not None:
            store.set_flag(ids, "starred", star)
        if read is not None:
            store.set_flag(ids, "read", read)
    done = [
        w
        for w, v in (
            ("starred" if star else "unstarred", star),
            ("read" if read else "unread", read),
        )
        if v is not None
    ]
    click.echo(f"Marked {len(set(ids))} paper(s) {' and '.join(done)}.")


@cli.command()
@click.argument("paper_id", type=int, metavar="ID")
@click.argument("text", required=False)
@click.option("--edit", is_flag=True, help="Write the note in $EDITOR.")
@click.pass_obj
def note(library: Library, paper_id: int, text: str | None, edit: bool) -> None:
    """Set a paper's note to TEXT (- reads stdin); without TEXT, print the note."""
    with library.open() as store:
        current = store.get(paper_id).note
        if edit:
            edited = click.edit(current, extension=".md", require_save=True)
            if edited is None:
                click.echo("Note unchanged.", err=True)
                return
            text = edited
        elif text == "-":
            raw = sys.stdin.buffer.read()
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise click.ClickException(
                    f"<stdin>: the note is not UTF-8 text ({exc.reason} at byte {exc.start})"
                ) from exc
        elif text is None:
            click.echo(current, nl=not current.endswith("\n"))
            return
        try:
            store.set_note(paper_id, text, expected=current if edit else None)
        except NoteChangedError as exc:  # changed while $EDITOR was open: keep both
            kept = _keep_unsaved_note(paper_id, text)
            raise click.ClickException(f"{exc}; yours is not saved but kept in {kept}") from exc
    click.echo(f"Note saved for paper {paper_id}." if text else f"Note cleared for {paper_id}.")


def _keep_unsaved_note(paper_id: int, text: str) -> Path:
    import tempfile

    with tempfile.NamedTemporaryFile(
        "w", prefix=f"readlist-note-{paper_id}-", suffix=".md", delete=False, encoding="utf-8"
    ) as fh:
        fh.write(text)
    return Path(fh.name)


# -- backup -----------------------------------------------------------------------


@cli.command()
@click.argument("target", type=click.Path(path_type=Path), metavar="PATH")
@click.pass_obj
def backup(library: Library, target: Path) -> None:
    """Copy the library to PATH (a file, or a folder to put a dated copy in).

    The copy is consistent even while the app or an import is writing, and it replaces
    an earlier backup at PATH only once it is complete and checked.
    """
    if not library.path.exists():
        raise click.ClickException(f"{library.path}: no library here to back up")
    if target.is_dir():
        from datetime import datetime

        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        target = target / f"{library.path.stem}-{stamp}.db"
    if target.exists() and target.resolve() == library.path.resolve():
        raise click.ClickException(f"{target}: is the library itself; back up to another path")
    if not target.parent.is_dir():
        raise click.ClickException(f"{target}: cannot write the backup, no such folder")
    with library.open() as store:
        store.backup_to(target)
        papers = store.stats(quick=True).papers
    size = target.stat().st_size / 2**20
    click.echo(f"Backed up {papers:,} papers ({size:,.1f} MB) to {target}")


# -- export -----------------------------------------------------------------------


@cli.command(cls=QueryCommand, context_settings=QUERY_ARGS)
@click.argument("query", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Every paper, not just the starred.")
@click.option(
    "--format", "fmt", type=click.Choice(EXPORT_FORMATS), help="Default: from -o, else md."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE (atomically) instead of stdout.",
)
@click.pass_obj
def export(
    library: Library, query: tuple[str, ...], everything: bool, fmt: str | None, output: Path | None
) -> None:
    """Export the starred papers (narrowed by QUERY) with their notes."""
    from readlist.core.export import export_to_file, write_export

    plan = query_of(query)
    if not everything:
        plan = dataclasses.replace(plan, clauses=((State("starred"),), *plan.clauses))
    if fmt is None:
        suffix = output.suffix.lstrip(".").lower() if output else ""
        fmt = {"markdown": "md", "bib": "bibtex"}.get(suffix, suffix)
        fmt = fmt if fmt in EXPORT_FORMATS else "md"
    with library.open() as store:
        papers = store.iter_search(plan)
        if output is None:
            count = write_export(papers, fmt, sys.stdout)
        else:
            count = export_to_file(papers, fmt, output)
    what = "papers" if everything else "starred papers"
    if count == 0:
        click.echo(f"No {what} to export; wrote an empty {fmt} file.", err=True)
    elif output is not None:
        click.echo(f"Exported {count} {what} to {output}.", err=True)


# -- dupes and stats ----------------------------------------------------------------


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_obj
def dupes(library: Library, fmt: str) -> None:
    """Pairs kept apart on import because they were close but not certain duplicates."""
    with library.open() as store:
        candidates = store.review_candidates()
    if fmt == "json":
        echo_json([dataclasses.asdict(c) for c in candidates])
        return
    if not candidates:
        click.echo("No possible duplicates to review.")
        return
    for c in candidates:
        click.echo(
            f"{c.paper_id:>6} ~ {c.other_id:<6} title {c.title_score:5.1f}  "
            f"abstract {c.abstract_score:5.1f}  {c.reason}"
        )
        click.echo(f"         {c.title}")
        click.echo(f"         {c.other_title}")


@cli.command()
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_obj
def stats(library: Library, fmt: str) -> None:
    """How big the library is and how far through it you are."""
    with library.open() as store:
        numbers = dataclasses.asdict(store.stats())
    if fmt == "json":
        echo_json(numbers)
        return
    for name, value in numbers.items():
        click.echo(f"{name.replace('_', ' '):<18} {value}")


def main() -> None:
    cli(prog_name="readlist")
