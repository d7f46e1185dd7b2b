"""`readlist config`: where the settings file is, a commented default to start from, and
the settings that apply; and the export format `readlist export` starts from. See
readlist.core.settings, imported only by the commands that read the file."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

import click

from readlist.cli_support import ReadlistCommand
from readlist.core.printable import shown_in_line
from readlist.paths import settings_file

if TYPE_CHECKING:
    from textual.binding import Binding

    from readlist.core.settings import Settings, SettingsFile


@click.command("config", cls=ReadlistCommand)
@click.option("--path", "show_path", is_flag=True, help="Print where the settings file is.")
@click.option(
    "--init",
    is_flag=True,
    help="Write a settings file with every setting at its default, each said what it does.",
)
@click.option("--force", is_flag=True, help="With --init: write over the file there.")
def config(show_path: bool, init: bool, force: bool) -> None:
    """The settings file: where it is, one to start from, what applies.

    With no option: the file's path and the settings that apply, each problem with the
    file on stderr. It is config.toml in the user config dir; $READLIST_CONFIG names
    another."""
    if show_path and init:
        raise click.UsageError("--path and --init: give one of them")
    if force and not init:
        raise click.UsageError("--force goes with --init")
    file = settings_file()
    if show_path:
        click.echo(shown_in_line(str(file.path)))
        return
    from readlist.ui.keymap import all_bindings  # the app's bindings: for --init

    if init:
        _init(file, all_bindings(), force=force)
        return
    from textual.theme import BUILTIN_THEMES

    from readlist.ui.keymap import read_settings

    settings, problems = read_settings(file, themes=BUILTIN_THEMES)
    for problem in problems:
        click.echo(shown_in_line(problem), err=True)
    there = "" if file.path.exists() else " (no file there: the defaults apply)"
    click.echo(f"# {shown_in_line(str(file.path))}{there}")
    for line in shown_settings(settings):
        click.echo(shown_in_line(line))


def _init(file: SettingsFile, bindings: Mapping[str, Binding], *, force: bool) -> None:
    from textual.theme import BUILTIN_THEMES

    from readlist.core.settings_file import template, write_atomically

    if file.path.exists() and not force:
        raise click.ClickException(
            f"{shown_in_line(file.named)}: a settings file is already there; "
            "readlist config --init --force writes over it"
        )
    rows = [(binding_id, b.key, b.tooltip or b.description) for binding_id, b in bindings.items()]
    write_atomically(file, file.path.resolve(), template(rows, list(BUILTIN_THEMES)))
    click.echo(f"Wrote {shown_in_line(file.named)}: every setting at its default, commented.")


def shown_settings(settings: Settings) -> list[str]:
    """The settings that apply, as lines of the settings file."""
    return [
        f"theme = {json.dumps(settings.theme)}",
        f"advance_after_mark = {json.dumps(sorted(settings.advance_after_mark))}",
        f"export_format = {json.dumps(settings.export_format)}",
        f"browser = {json.dumps(settings.browser)}"
        if settings.browser is not None
        else "# browser: the system's browser",
        f"for_you = {json.dumps(settings.for_you)}",
        "",
        "[keys]" + ("" if settings.keys else "  # every key as it is by default"),
        *(f"{json.dumps(b)} = {json.dumps(k)}" for b, k in sorted(settings.keys.items())),
    ]


def export_format_setting() -> str:
    """The format `readlist export` writes to stdout when none is given; a problem with
    the settings file is said on stderr, and the export goes on."""
    from readlist.core.settings import load

    settings, problems = load(settings_file(), only=("export_format",))
    for problem in problems:
        click.echo(shown_in_line(problem), err=True)
    return settings.export_format
