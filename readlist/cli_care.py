"""`readlist backup` and `readlist check`: keeping the library file safe (see readlist.cli)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from readlist.cli_support import Library, ReadlistCommand, echo_json
from readlist.core.printable import shown_in_line

# -- backup -----------------------------------------------------------------------


@click.command(cls=ReadlistCommand)
@click.argument("target", type=click.Path(), metavar="PATH")
@click.pass_obj
def backup(library: Library, target: str) -> None:
    """Copy the library to PATH (a file, or a folder to put a dated copy in).

    \b
    PATH ending in / is a folder, made if missing (its parent must exist).
    The copy is consistent even while the app or an import is writing, and it replaces
    an earlier backup at PATH only once it is complete and checked; any other file at
    PATH, and the library itself, are never written over.
    """
    with library.open() as store:  # no library: said before any folder is made
        path = Path(target)
        if target.endswith(("/", os.sep)) and not path.is_dir():
            _make_folder(target, path)
        if path.is_dir():
            from datetime import datetime

            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            path = path / f"{library.path.stem}-{stamp}.db"
        store.backup_to(path)
        papers = store.stats(quick=True).papers
    size = path.stat().st_size / 2**20
    click.echo(f"Backed up {papers:,} papers ({size:,.1f} MB) to {shown_in_line(str(path))}")


def _make_folder(given: str, path: Path) -> None:
    """The folder a trailing / names, made if its parent exists: a mistyped parent is
    said, not made into a tree of folders."""
    if path.exists():
        raise click.ClickException(f"{given}: is a file, not a folder")
    if not path.parent.is_dir():
        raise click.ClickException(f"{given}: no such folder ({path.parent} is missing)")
    try:
        path.mkdir()
    except OSError as exc:
        raise click.ClickException(f"{given}: cannot make the folder ({exc.strerror})") from exc


# -- check ------------------------------------------------------------------------


@click.command(cls=ReadlistCommand)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_obj
def check(library: Library, fmt: str) -> None:
    """Check the library for damage: SQLite's integrity check and the full-text index's.

    Damage in a part no command reads stays hidden until something reads it; this reads
    it all. One line per problem, and exit 1 with the way to recover when damaged.
    """
    with library.open() as store:
        problems = store.check_integrity()
        papers = None if problems else store.stats(quick=True).papers
    if fmt == "json":
        echo_json(
            {
                "path": str(library.path),
                "sound": not problems,
                "problems": problems,
                "papers": papers,
            }
        )
    else:
        for problem in problems:
            click.echo(shown_in_line(problem))
    if problems:
        if fmt == "json":
            sys.exit(1)
        from readlist.core.errors import DamagedLibraryError

        raise DamagedLibraryError(library.path, f"{len(problems)} problem(s) found")
    if fmt != "json":
        click.echo(
            f"{shown_in_line(str(library.path))}: sound "
            f"({papers:,} papers; integrity and full-text index checked)"
        )
