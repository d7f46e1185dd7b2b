"""The readlist command line: thin wrappers that parse arguments, call the core, print.

Most of the time `readlist list` takes is Python starting up, so the modules only some
commands need (exporters, importer, json, shutil, tempfile, the UI) are imported inside
those commands, and a test keeps them out of `import readlist.cli`.
"""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from readlist import __version__
from readlist.cli_care import backup, check
from readlist.cli_config import config, export_format_setting
from readlist.cli_dupes import dupes, keep_apart_command, merge_command, split_command
from readlist.cli_fetch import fetch
from readlist.cli_state import mark, note
from readlist.cli_support import (
    CONTEXT,
    Library,
    ReadlistGroup,
    ShownStream,
    data_out,
    echo_json,
    in_int64,
    query_of,
    say_hints,
)
from readlist.cli_tags import saved_group, tag, tags
from readlist.cli_trash import delete, dumps, restore, trash
from readlist.core.printable import shown_in_line
from readlist.core.query import State
from readlist.paths import ENV_VAR, library_path

if TYPE_CHECKING:
    from readlist.core.models import Paper
    from readlist.core.store import Sort

# readlist.core.export.FORMATS, named here so that the export command's options do not
# import the exporters (a test checks that the two agree).
EXPORT_FORMATS = ("md", "csv", "json", "bibtex", "csl-json", "ris")
# list --sort's names (hyphenated) for the store's orders (its SORTS; unimported here)
_SORTS: tuple[Sort, ...] = ("latest", "most_seen", "title", "upvotes", "published")
LIST_SORTS = {name.replace("_", "-"): name for name in _SORTS}
FOR_YOU = "for-you"  # list --sort's order learned from the user's decisions (readlist.core.rank)


@click.group(cls=ReadlistGroup, invoke_without_command=True, context_settings=CONTEXT)
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
    ctx.obj = Library(library_path(db), named=None if db is None else str(db))
    if ctx.invoked_subcommand is None:
        if not _has_terminal():
            click.echo(
                "Error: the readlist app needs a terminal (stdin, stdout and stderr); "
                "without one, use its commands, e.g. readlist list (see: readlist --help)",
                err=True,
            )
            ctx.exit(2)
        new = not ctx.obj.exists() and ctx.obj.named is not None  # a typo must not make one
        if new and not click.confirm(
            f"No library at {shown_in_line(str(ctx.obj))}. Create it?", default=False
        ):
            sys.exit(1)
        with ctx.obj.open(create=True):  # refuse a bad library here, with one clear line
            pass
        from readlist.ui.launch import run  # the UI is imported only on this branch

        run(ctx.obj.path)


def _has_terminal() -> bool:
    """The app draws on the terminal and reads keys from it: with no terminal it could
    only spin and write escape codes into a file or a pipe."""
    return all(s is not None and s.isatty() for s in (sys.stdin, sys.stdout, sys.stderr))


# -- import ---------------------------------------------------------------------


@cli.command("import")
@click.argument("sources", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--force", is_flag=True, help="Import text that does not look like a Daily Papers page."
)
@click.pass_obj
def import_(library: Library, sources: tuple[str, ...], as_json: bool, force: bool) -> None:
    """Import dumps, folders of them, or - for stdin.

    \b
    A dump is a Daily Papers page's copied text, the Hugging Face JSON (or JSON
    Lines), a saved page (HTML), BibTeX, RIS or CSL-JSON: known by its content.
    """
    # Imported here: dedupe and rapidfuzz are a third of readlist's start-up, and only
    # import and fetch need them.
    from readlist.cli_import import run_import

    if "-" in sources and sys.stdin.isatty():  # else the command would seem to hang, waiting
        click.echo(
            "Reading a dump from the terminal: paste it, then press Ctrl-D on a "
            "line of its own (Ctrl-C stops).",
            err=True,
        )
    run_import(library, sources, as_json=as_json, force=force)


# -- list -------------------------------------------------------------------------


def _mark_symbols() -> tuple[str, str, str]:
    """★ ✓ ✎, or * r n where the terminal's encoding has no such characters."""
    try:
        "★✓✎".encode(getattr(sys.stdout, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return ("*", "r", "n")
    return ("★", "✓", "✎")


def _marks(paper: Paper, symbols: tuple[str, str, str]) -> str:
    star, read, note = symbols
    return (
        (star if paper.starred else " ")
        + (read if paper.read else " ")
        + (note if paper.note else " ")
    )


def _terminal_width() -> int:
    import shutil

    return max(shutil.get_terminal_size().columns, 60)


@cli.command("list")
@click.argument("query", nargs=-1)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "tsv"]),
    default="table",
    show_default=True,
)
@click.option(
    "--limit", type=click.IntRange(min=1), callback=in_int64, help="Show at most N papers."
)
@click.option(
    "--sort",
    type=click.Choice([*LIST_SORTS, FOR_YOU]),
    default="latest",
    show_default=True,
    help="for-you: the unread first, ranked by what you star, read and skip.",
)
@click.pass_obj
def list_(library: Library, query: tuple[str, ...], fmt: str, limit: int | None, sort: str) -> None:
    """List papers matching QUERY (all papers without one), latest seen first (or --sort).

    \b
    QUERY: words (prefix match, ANDed)  "exact phrase"  a OR b
           title:word abstract:word note:word  is:starred is:read is:unread has:note
           author:name id:2504.01234 has:code is:withdrawn 'upvotes>=20' 'published<2026-03'
           tag:name is:new saved:name
           is:deleted (the trash, and only it)
           (quoted: a shell reads > and < as redirections)
           -- -exclude  (a word that starts with - goes after --, or in quotes: 'a -b')
    """
    with library.open() as store:
        plan = query_of(query, store.saved_queries())
        scores: dict[int, float] | None = None
        if sort == FOR_YOU:
            from readlist.cli_rank import ranked  # numpy and the ranker: only on this path

            papers, scores = ranked(store, plan, limit)
        else:
            papers = store.iter_search(plan, limit=limit, sort=LIST_SORTS[sort])
        if fmt == "json":
            from readlist.core.export import write_export

            # streamed: the export's JSON shape (and each paper's score, for you)
            out = ShownStream(data_out(), json=True).as_text_io()
            write_export(papers, "json", out, scores=scores)
        elif fmt == "tsv":
            out = data_out()
            score_head = "\tscore" if scores is not None else ""
            click.echo(f"id\tstarred\tread\tlast_seen\ttimes_seen\ttitle{score_head}", file=out)
            for p in papers:
                title = p.title.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                score = ""
                if scores is not None:
                    score = "\t" + (f"{scores[p.id]:.4f}" if p.id in scores else "")
                click.echo(
                    f"{p.id}\t{int(p.starred)}\t{int(p.read)}\t{p.last_seen}"
                    f"\t{p.times_seen}\t{shown_in_line(title)}{score}",
                    file=out,
                )
        else:
            width = _terminal_width() if sys.stdout.isatty() else 1000
            symbols = _mark_symbols()
            count = 0
            for p in papers:
                title = shown_in_line(p.title)  # for people: no terminal control codes
                # for you: the score where the times seen go
                seen = f"{scores[p.id]:.2f}" if scores and p.id in scores else f"{p.times_seen:>2}x"
                line = f"{p.id:>6} {_marks(p, symbols)} {p.last_seen} {seen} {title}"
                click.echo(line[:width])
                count += 1
            if sys.stdout.isatty():
                click.echo(f"{count} papers", err=True)
    say_hints(plan)


# -- export -----------------------------------------------------------------------


@cli.command()
@click.argument("query", nargs=-1)
@click.option("--all", "everything", is_flag=True, help="Every paper, not just the starred.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    help="Default: from -o's suffix, else export_format in the settings (md).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(allow_dash=True),
    help="Write to FILE (a file atomically; a pipe or device in place; - is stdout).",
)
@click.pass_obj
def export(
    library: Library, query: tuple[str, ...], everything: bool, fmt: str | None, output: str | None
) -> None:
    """Export the starred papers (narrowed by QUERY) with their notes."""
    import functools

    from readlist.core.export import SUFFIXES, export_to_file, format_of, write_export

    if output == "-":
        output = None
    if fmt is None:
        fmt = format_of(output) if output else export_format_setting()
        if fmt is None:
            known = ", ".join(f".{s}" for s in SUFFIXES)
            raise click.UsageError(
                f"-o {output}: readlist writes no {Path(output or '').suffix!r} files; "
                f"name one of {known}, or say --format ({', '.join(EXPORT_FORMATS)})",
                ctx=click.get_current_context(),
            )
    with library.open() as store:
        plan = query_of(query, store.saved_queries())
        if not everything:
            plan = dataclasses.replace(plan, clauses=((State("starred"),), *plan.clauses))
        # Read afresh for each pass: citation keys do not depend on the papers' order.
        papers = functools.partial(store.iter_search, plan)
        if output is None:  # data in UTF-8, with nothing in it that a terminal obeys
            out = ShownStream(data_out(), json=fmt in ("json", "csl-json"))
            count = write_export(papers, fmt, out.as_text_io())
        else:
            count = export_to_file(papers, fmt, output, library=library.path)
    say_hints(plan)
    what = "papers" if everything else "starred papers"
    if count == 0:
        click.echo(f"No {what} to export; wrote an empty {fmt} file.", err=True)
    elif output is not None:
        click.echo(f"Exported {count} {what} to {output}.", err=True)


# -- stats ----------------------------------------------------------------


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
        click.echo(f"{name.replace('_', ' '):<18} {shown_in_line(str(value))}")


cli.add_command(backup)
cli.add_command(check)
cli.add_command(config)
cli.add_command(dupes)
cli.add_command(fetch)
cli.add_command(keep_apart_command)
cli.add_command(mark)
cli.add_command(merge_command)
cli.add_command(note)
cli.add_command(split_command)
cli.add_command(saved_group)
cli.add_command(tag)
cli.add_command(tags)
cli.add_command(delete)
cli.add_command(restore)
cli.add_command(trash)
cli.add_command(dumps)


def main() -> None:
    cli(prog_name="readlist")
