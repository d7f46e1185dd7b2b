"""What every readlist command shares: one-line errors and exit codes, query words that
look like options, the library a command opens, JSON output. See readlist.cli."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click

from readlist.core import damage, schema
from readlist.core.errors import ReadlistError, describe_sqlite_error, is_damage
from readlist.core.query import Query, parse_query
from readlist.core.store import Store

QUERY_ARGS = {"ignore_unknown_options": True}  # so "-x" is a query term, not an option


class ReadlistGroup(click.Group):
    """Turns every expected failure into one line on stderr and a non-zero exit."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        **extra: Any,
    ) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, False, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "readlist"
            click.echo(f"Error: {exc.format_message()} (see: {command} --help)", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"Error: {exc.format_message()}", err=True)
            sys.exit(exc.exit_code)
        except (click.Abort, KeyboardInterrupt):
            click.echo("Aborted.", err=True)
            sys.exit(130)
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except ReadlistError as exc:
            raise click.ClickException(str(exc)) from exc
        except sqlite3.Error as exc:
            path = ctx.obj.path if isinstance(ctx.obj, Library) else "library"
            if is_damage(exc) and isinstance(path, Path):
                damage.record(path, str(exc))  # so that no later write lands on it
            raise click.ClickException(describe_sqlite_error(path, exc)) from exc
        except BrokenPipeError:
            raise  # the reader went away ("| head"): click exits quietly
        except OSError as exc:
            name = exc.filename or "readlist"
            raise click.ClickException(f"{name}: {exc.strerror or exc}") from exc


class QueryCommand(click.Command):
    """Reads "-survey" as an excluded query term, not as the options -s -u -r -v -e -y.

    The word is shielded with a NUL, which click takes for a plain argument and the
    query parser drops again.
    """

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        shielded = [
            "\x00" + arg if len(arg) > 2 and arg[0] == "-" and arg[1] not in "-0123456789" else arg
            for arg in args
        ]
        return super().parse_args(ctx, shielded)


class Library:
    """The library a command works on, opened by the commands that read or write it."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def open(self) -> Iterator[Store]:
        store = open_library(self.path)
        try:
            yield store
        finally:
            store.close()


def open_library(path: Path) -> Store:
    """Store.open, saying so (on stderr) when it upgraded the library: the upgrade made a
    copy of it, which takes a while and as much room again on a big library."""
    store = Store.open(path)
    if store.upgraded_copy is not None:
        click.echo(
            f"Upgraded {path} to library version {schema.SCHEMA_VERSION}; "
            f"the library as it was is kept in {store.upgraded_copy}",
            err=True,
        )
    return store


def query_of(words: tuple[str, ...]) -> Query:
    return parse_query(" ".join(words))


def echo_json(value: Any) -> None:
    import json

    click.echo(json.dumps(value, ensure_ascii=False, indent=2))
