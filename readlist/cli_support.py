"""What every readlist command shares: one-line errors and exit codes, arguments that
look like options, the library a command opens, output a terminal can show. See
readlist.cli."""

from __future__ import annotations

import io
import sqlite3
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO, cast

import click

from readlist.core.errors import ReadlistError, describe_sqlite_error, is_damage
from readlist.core.printable import escaped_in_json, shown_in_line, shown_in_stream
from readlist.core.query import Query, parse_query
from readlist.core.store import SCHEMA_VERSION, Store, record_damage

CONTEXT = {"help_option_names": ["-h", "--help"]}
INT64_MAX = 2**63 - 1  # the largest integer SQLite stores


class ReadlistCommand(click.Command):
    """Refuses an argument that starts with "-" and is no option of the command, where
    click would read "-survey" as the options -s -u -r ... and say "No such option: -s".
    A query word or a note that starts with "-" goes after "--"."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        refuse_unknown_options(ctx, self, args)
        return super().parse_args(ctx, args)


def refuse_unknown_options(ctx: click.Context, command: click.Command, args: list[str]) -> None:
    """A usage error for the first argument before "--" that looks like an option and is
    none; an unknown "--long" one is left to click, which says "did you mean". A short
    option's glued value passes when it looks like a path ("-o/tmp/a.md"); "-odd" is more
    likely an excluded word than a file named "dd", so it is refused."""
    takes_value: dict[str, bool] = {}
    for param in command.get_params(ctx):
        if isinstance(param, click.Option):
            for name in (*param.opts, *param.secondary_opts):
                takes_value[name] = not (param.is_flag or param.count)
    rest = iter(args)
    for arg in rest:
        if arg == "--":
            return
        if len(arg) < 2 or arg[0] != "-" or arg.startswith("--"):
            continue
        if arg in takes_value:
            if takes_value[arg]:
                next(rest, None)  # its value, which may start with "-"
            continue
        if takes_value.get(arg[:2]) and any(ch in arg[2:] for ch in "/."):
            continue  # "-ofile.md": a value glued to its short option, as click reads it
        import difflib  # only on this error's way: it costs start-up time

        shown = shown_in_line(arg)
        close = difflib.get_close_matches(arg, list(takes_value))
        if close:
            raise click.NoSuchOption(shown, possibilities=close, ctx=ctx)
        raise click.NoSuchOption(
            shown,
            message=(
                f"No such option: {shown}; a word that starts with - goes after --, "
                f"as in: {ctx.command_path} -- {shown}"
            ),
            ctx=ctx,
        )


class ReadlistGroup(click.Group):
    """Turns every expected failure into one line on stderr and a non-zero exit."""

    command_class = ReadlistCommand

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
        never_fail_to_print()
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            command = exc.ctx.command_path if exc.ctx else "readlist"
            message = shown_in_line(exc.format_message())
            click.echo(f"Error: {message} (see: {command} --help)", err=True)
            sys.exit(exc.exit_code)
        except click.ClickException as exc:
            click.echo(f"Error: {shown_in_line(exc.format_message())}", err=True)
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
                record_damage(path, str(exc))  # so that no later write lands on it
            raise click.ClickException(describe_sqlite_error(path, exc)) from exc
        except BrokenPipeError:
            raise  # the reader went away ("| head"): click exits quietly
        except OSError as exc:
            name = exc.filename or "readlist"
            raise click.ClickException(f"{name}: {exc.strerror or exc}") from exc


class Library:
    """The library a command works on, opened by the commands that read or write it.

    Only `import` and the app create a library: every other command on a path with no
    library says so and leaves nothing behind (no file, no -wal or -shm beside it).
    """

    def __init__(self, path: Path, *, named: str | None = None) -> None:
        self.path = path
        self.named = named  # as the user gave it (--db, $READLIST_DB); None: the default

    def __str__(self) -> str:
        return self.named or str(self.path)

    def exists(self) -> bool:
        """Something is at the path; an empty file is no library yet (opening it makes one)."""
        try:
            return self.path.is_dir() or self.path.stat().st_size > 0
        except OSError:
            return False

    @contextmanager
    def open(self, *, create: bool = False) -> Iterator[Store]:
        if not self.exists():
            if not create:
                raise click.ClickException(
                    f"{self}: no library here (readlist import FILE creates one)"
                )
            if self.named is None and not self.path.parent.exists():
                self.path.parent.mkdir(parents=True)  # the default data dir, on first use
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
            f"Upgraded {shown_in_line(str(path))} to library version {SCHEMA_VERSION}; "
            f"the library as it was is kept in {shown_in_line(str(store.upgraded_copy))}",
            err=True,
        )
    return store


def in_int64(ctx: click.Context, param: click.Parameter, value: int | None) -> int | None:
    """An option's number as SQLite can take it: a bigger one is out of range."""
    if value is not None and not -INT64_MAX - 1 <= value <= INT64_MAX:
        raise click.BadParameter(f"{value} is out of range (at most {INT64_MAX})", ctx, param)
    return value


def query_of(words: tuple[str, ...], saved: Mapping[str, str] | None = None) -> Query:
    """The query the words make, with `saved` the library's saved searches
    (Store.saved_queries) for its `saved:NAME` words."""
    return parse_query(" ".join(words), saved)


def say_hints(query: Query) -> None:
    """A word of the query that names no filter was left out (the rest ran): say which,
    on stderr, after the results so that a long listing does not scroll it away."""
    for hint in query.hints:
        click.echo(shown_in_line(hint.message), err=True)


def echo_json(value: Any) -> None:
    import json

    click.echo(escaped_in_json(json.dumps(value, ensure_ascii=False, indent=2)), file=data_out())


def never_fail_to_print() -> None:
    """A character the terminal's encoding lacks (★ under cp1252 or ASCII), or a file name
    that is not UTF-8, is printed as a backslash escape instead of a UnicodeEncodeError."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def data_out() -> TextIO:
    """stdout for data (JSON, TSV, an export): UTF-8 whatever the locale, as a file
    written with -o is. What goes to stdout is also made terminal-safe (ShownStream),
    so only `-o FILE` holds a note's control characters byte for byte."""
    out = sys.stdout
    if isinstance(out, io.TextIOWrapper) and out.encoding.replace("-", "").lower() != "utf8":
        out.reconfigure(encoding="utf-8")
    return out


class ShownStream(io.TextIOBase):
    """Writes text through to `out` with every character a terminal would obey drawn as a
    symbol (see readlist.core.printable), or for JSON escaped as \\uXXXX: what an
    export prints to stdout can neither move the cursor nor retitle the window."""

    def __init__(self, out: TextIO, *, json: bool = False) -> None:
        self.out = out
        self.clean = escaped_in_json if json else shown_in_stream

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        self.out.write(self.clean(text))
        return len(text)

    def flush(self) -> None:
        self.out.flush()

    def as_text_io(self) -> TextIO:
        return cast(TextIO, self)


def confirmed(question: str, *, yes: bool) -> None:
    """Go on once the user said yes: at once with --yes, else asked on the terminal; with
    no terminal to ask on, refuse (a script says --yes), and a no stops with exit 1."""
    if yes:
        return
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise click.UsageError(f"{question.rstrip('?')}: not asked without a terminal; give --yes")
    if not click.confirm(question, default=False):
        click.echo("Nothing changed.", err=True)
        sys.exit(1)
