"""The settings file (config.toml): how the user likes the app, read once at start.

A missing file means the defaults. A setting the file gets wrong costs only that
setting: it is said in one line (the file, the line, what is wrong) and its default
applies, while the rest of the file still does. A file that is not TOML at all is one
line too, and then every default applies. Nothing here raises on what the file holds.

The app knows things this module cannot (the binding ids, the themes): it passes them
in, and they are checked too; `readlist export`, which needs neither, does not.
"""

from __future__ import annotations

import difflib
import re
import shlex
import tomllib
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from readlist.core.export import FORMATS as EXPORT_FORMATS
from readlist.core.printable import shown_in_line

DEFAULT_THEME = "textual-dark"  # Textual's own default (a UI test checks they agree)
MARKS = ("star", "read")
SETTINGS = ("theme", "advance_after_mark", "export_format", "browser", "for_you", "keys")
SETTINGS_SHOWN = "theme, advance_after_mark, export_format, browser, for_you, [keys]"
MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
KEY_NAMES_HINT = "keys are named as Textual names them: f, F, ctrl+f, space, enter, f5, slash"


@dataclass(frozen=True, slots=True)
class Settings:
    """What the settings file says, each setting at its default where it says nothing
    (or something wrong)."""

    theme: str = DEFAULT_THEME
    # binding id ("library.star") -> the keys that replace its own ("f" or "f,ctrl+f")
    keys: Mapping[str, str] = field(default_factory=dict)
    # the marks after which the list's cursor moves on to the next paper
    advance_after_mark: frozenset[str] = frozenset({"read"})
    export_format: str = "md"
    browser: str | None = None  # a command for `o`; None: the system's browser
    # The app ranks papers "for you" (a sort, triage's order, the why line); False: never.
    for_you: bool = True


@dataclass(frozen=True, slots=True)
class SettingsFile:
    """Where the settings live, and how to name that file to the user."""

    path: Path
    named: str  # as $READLIST_CONFIG gave it, or the full default path
    explicit: bool = False  # named by $READLIST_CONFIG: then a missing file is a mistake


def load(
    file: SettingsFile,
    *,
    bindings: Collection[str] | None = None,
    themes: Collection[str] | None = None,
    only: Collection[str] | None = None,
) -> tuple[Settings, list[str]]:
    """The settings, and one line per problem for the user (never an exception: a bad
    settings file must not keep the app or a command from running). `only`: the
    settings a command uses; the others are neither read nor judged."""
    try:
        raw = file.path.read_bytes()
    except FileNotFoundError:
        if file.explicit:
            return Settings(), [
                f"{file.named}: no settings file there ($READLIST_CONFIG names it); "
                "using the defaults"
            ]
        return Settings(), []
    except OSError as exc:
        return Settings(), [f"{file.named}: cannot read it ({exc.strerror}); using the defaults"]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return Settings(), [
            f"{file.named}: not UTF-8 text ({exc.reason} at byte {exc.start}); using the defaults"
        ]
    return parse(text, file.named, bindings=bindings, themes=themes, only=only)


def parse(
    text: str,
    name: str,
    *,
    bindings: Collection[str] | None = None,
    themes: Collection[str] | None = None,
    only: Collection[str] | None = None,
) -> tuple[Settings, list[str]]:
    """`text` read as a settings file named `name` (for the messages); `only` as `load`."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return Settings(), [_syntax_line(name, exc)]
    lines = _key_lines(text)
    problems: list[str] = []

    def bad(path: tuple[str, ...], what: str) -> None:
        line = _line_of(lines, path)
        where = f"{name} line {line}" if line else name
        problems.append(f"{where}: {shown_in_line(what)}")

    values: dict[str, Any] = {}
    for key, value in data.items():
        if only is not None and key not in only:
            continue
        if key not in SETTINGS:
            hint = _did_you_mean(key, SETTINGS) or f" (the settings: {SETTINGS_SHOWN})"
            bad((key,), f"{_shown(key)} is not a setting{hint}")
            continue
        if key == "keys":
            values["keys"] = _keys(value, bindings, bad)
            continue
        try:
            values[key] = _READERS[key](value, themes)
        except _Bad as exc:
            bad((key,), f"{key}: {exc}")
    return Settings(**values), problems


class _Bad(ValueError):
    """One setting's value is wrong: the message says how, and what applies instead."""


def _theme(value: object, themes: Collection[str] | None) -> str:
    if not isinstance(value, str):
        raise _Bad(f'give a theme\'s name, e.g. "nord"; using {DEFAULT_THEME}')
    if themes is not None and value not in themes:
        close = _did_you_mean(value, themes).removeprefix("; ")
        hint = f" ({close})" if close else f" (one of: {', '.join(sorted(themes))})"
        raise _Bad(f"{_shown(value)} is not a theme{hint}; using {DEFAULT_THEME}")
    return value


def _advance(value: object, _themes: object) -> frozenset[str]:
    default = '; using the default ["read"]'
    if not isinstance(value, list):
        raise _Bad(f'give a list of marks, e.g. ["read"], ["star", "read"] or []{default}')
    for mark in value:
        if mark not in MARKS:
            raise _Bad(f"{_shown(mark)} is not a mark ({', '.join(MARKS)}){default}")
    return frozenset(value)


def _export_format(value: object, _themes: object) -> str:
    if value not in EXPORT_FORMATS:
        raise _Bad(
            f"{_shown(value)} is not an export format ({', '.join(EXPORT_FORMATS)}); using md"
        )
    assert isinstance(value, str)
    return value


def _browser(value: object, _themes: object) -> str:
    default = "; using the system's browser"
    if not isinstance(value, str):
        raise _Bad(f'give a command, e.g. "firefox" or "firefox --new-tab %s"{default}')
    try:
        words = shlex.split(value)
    except ValueError as exc:
        raise _Bad(f"{_shown(value)}: {str(exc).lower()}{default}") from exc
    if not words:
        raise _Bad(f"the command is empty{default}")
    return value


def _for_you(value: object, _themes: object) -> bool:
    if not isinstance(value, bool):
        raise _Bad(f"{_shown(value)} is not true or false; using true")
    return value


_READERS = {
    "theme": _theme,
    "advance_after_mark": _advance,
    "export_format": _export_format,
    "browser": _browser,
    "for_you": _for_you,
}


def _keys(
    value: object, bindings: Collection[str] | None, bad: Callable[[tuple[str, ...], str], None]
) -> dict[str, str]:
    """Binding id -> keys; each wrong entry is said alone and the rest apply. A dotted
    id written bare (library.star = "f") is a table in TOML: it is read as the id."""
    if not isinstance(value, dict):
        bad(("keys",), 'keys: give a table, e.g. [keys] then "library.star" = "f"; keys unchanged')
        return {}
    keys: dict[str, str] = {}
    for path, keys_given in _flat(value, ("keys",)):
        binding = ".".join(path[1:])
        if bindings is not None and binding not in bindings:
            hint = _did_you_mean(binding, bindings) or " (readlist config --init lists them)"
            if binding in SETTINGS:  # TOML puts every line below [keys] into it
                hint = f"; the setting {binding} goes above [keys]"
            bad(path, f"keys: {_shown(binding)} is not a binding{hint}")
        elif not isinstance(keys_given, str) or not keys_given.strip():
            bad(path, f'keys: {binding}: give its keys, e.g. "f" or "f,ctrl+f"; key unchanged')
        elif wrong := [k for k in keys_given.split(",") if not key_name_ok(k.strip())]:
            bad(
                path,
                f"keys: {binding}: {_shown(wrong[0])} is not a key ({KEY_NAMES_HINT}); "
                "key unchanged",
            )
        else:
            keys[binding] = ",".join(k.strip() for k in keys_given.split(","))
    return keys


def _flat(table: dict[str, Any], path: tuple[str, ...]) -> list[tuple[tuple[str, ...], Any]]:
    out: list[tuple[tuple[str, ...], Any]] = []
    for key, value in table.items():
        if isinstance(value, dict) and value:
            out.extend(_flat(value, (*path, key)))
        else:
            out.append(((*path, key), value))
    return out


def key_name_ok(key: str) -> bool:
    """A key as Textual names it: one character, or a lower-case name ("space", "f5",
    "question_mark"), after any modifiers ("ctrl+shift+"). "Space" would never fire."""
    if len(key) == 1:
        return not key.isspace()
    *modifiers, base = key.split("+")
    if not all(m in MODIFIERS for m in modifiers):
        return False
    return (len(base) == 1 and not base.isspace()) or re.fullmatch(
        r"[a-z][a-z0-9_]*", base
    ) is not None


def browser_command(browser: str, url: str) -> list[str]:
    """The browser setting as a command for `url`: the URL stands for each %s in it, or
    is added at the end, as Python's $BROWSER does."""
    words = shlex.split(browser)
    if any("%s" in word for word in words):
        return [word.replace("%s", url) for word in words]
    return [*words, url]


# -- saying where -----------------------------------------------------------------------

_SYNTAX = re.compile(r"(?P<what>.*) \(at line (?P<line>\d+), column (?P<column>\d+)\)$")


def _syntax_line(name: str, exc: tomllib.TOMLDecodeError) -> str:
    found = _SYNTAX.match(str(exc))
    if found is None:
        return f"{name}: not valid TOML ({exc}); using the defaults"
    return (
        f"{name} line {found['line']}: not valid TOML ({found['what']}, at column "
        f"{found['column']}); using the defaults"
    )


_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_PATH = rf"{_PART}(?:\s*\.\s*{_PART})*"
_ASSIGN = re.compile(rf"\s*(?P<path>{_PATH})\s*=")
_TABLE_HEADER = re.compile(rf"\s*\[\s*(?P<path>{_PATH})\s*\]")


def _key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The line each key (and table) is given on: tomllib says what is in the file, not
    where. Lines inside a multi-line string are skipped."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_string = False
    for number, line in enumerate(text.splitlines(), 1):
        if in_string:
            in_string = (line.count('"""') + line.count("'''")) % 2 == 0
            continue
        if (header := _TABLE_HEADER.match(line)) is not None:
            table = _path(header["path"])
            lines.setdefault(table, number)
        elif (assign := _ASSIGN.match(line)) is not None:
            lines.setdefault((*table, *_path(assign["path"])), number)
        in_string = (line.count('"""') + line.count("'''")) % 2 == 1
    return lines


def _path(written: str) -> tuple[str, ...]:
    """A dotted key as TOML reads it (quotes, escapes), by asking tomllib."""
    try:
        node: Any = tomllib.loads(f"{written} = 0")
    except tomllib.TOMLDecodeError:
        return ()
    path: list[str] = []
    while isinstance(node, dict) and len(node) == 1:
        key, node = next(iter(node.items()))
        path.append(key)
    return tuple(path)


def _line_of(lines: Mapping[tuple[str, ...], int], path: tuple[str, ...]) -> int | None:
    for end in range(len(path), 0, -1):
        if (line := lines.get(path[:end])) is not None:
            return line
    return None


def _shown(value: object) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _did_you_mean(word: str, choices: Collection[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f"; did you mean {_shown(close[0])}?" if close else ""
