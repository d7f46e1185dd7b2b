"""An Input for a path that completes it from the file system, as a shell does.

As you type, the completion Tab would make shows in grey after the cursor (a Suggester
that reads the folder in a thread); Tab takes it. Tab completes to the longest start
that every matching name shares, a folder with its trailing /; when more than one name
is left, the input says which (`PathInput.Completed`), for the dialog to show. `~` is
the home folder, and stays `~` in the text, as in a shell. Tab never moves the focus
away from the input.
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import dataclass, field
from pathlib import Path

from textual.binding import Binding
from textual.message import Message
from textual.suggester import Suggester
from textual.widgets import Input


@dataclass(frozen=True, slots=True)
class Completion:
    """What Tab makes of a path: the new text, and the names in its folder that match
    (folders with a trailing /): none, the one it completed to, or those it could still
    become."""

    text: str
    candidates: list[str] = field(default_factory=list)


def complete(text: str) -> Completion:
    """`text` completed from the names in its folder (the working folder when it names
    none). Hidden names match only a start that begins with a dot. A name that cannot be
    typed (not UTF-8, or holding control characters) is never offered."""
    if text.startswith("~") and "/" not in text:  # "~" or "~user": the home folder
        return Completion(text + "/", [text + "/"]) if _is_dir(text) else Completion(text)
    cut = text.rfind("/") + 1
    head, start = text[:cut], text[cut:]
    names = sorted(_entries(head, start))
    if not names:
        return Completion(text)
    if len(names) == 1:
        return Completion(head + names[0], names)
    return Completion(head + _common_start(names), names)


def _common_start(names: list[str]) -> str:
    """The longest start all `names` share, character by character (not by path part:
    these are names in one folder)."""
    first, last = min(names), max(names)
    size = next((i for i, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), None)
    return first if size is None else first[:size]


def _is_dir(text: str) -> bool:
    try:
        return Path(text).expanduser().is_dir()
    except (RuntimeError, OSError):  # "~nobody": no such user
        return False


def _entries(head: str, start: str) -> list[str]:
    try:
        folder = Path(head).expanduser() if head else Path()
        with os.scandir(folder) as entries:
            found = []
            for entry in entries:
                name = entry.name
                if not name.startswith(start) or not _typeable(name):
                    continue
                if name.startswith(".") and not start.startswith("."):
                    continue
                found.append(name + "/" if _entry_is_dir(entry) else name)
            return found
    except (RuntimeError, OSError):  # no such folder or user, or not allowed to read it
        return []


def _entry_is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _typeable(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8, kept as surrogates
        return False
    return name.isprintable()


class PathSuggester(Suggester):
    """The completion Tab would make, shown in grey; read afresh each time (the folder
    may change), in a thread (a slow disk never holds the screen)."""

    def __init__(self) -> None:
        super().__init__(use_cache=False, case_sensitive=True)

    async def get_suggestion(self, value: str) -> str | None:
        if not value:
            return None
        completed = (await asyncio.to_thread(complete, value)).text
        return completed if completed != value else None


class PathInput(Input):
    """An Input that completes the path typed in it with Tab."""

    BINDINGS = [
        Binding(
            "tab",
            "complete",
            "Complete the path",
            show=False,
            tooltip="import (i): complete the path; the names left show below it",
            id="path_input.complete",
        )
    ]

    @dataclass
    class Completed(Message):
        """Tab completed the path; `candidates`: the names in its folder that match."""

        path_input: PathInput
        candidates: list[str]

        @property
        def control(self) -> PathInput:
            return self.path_input

    def __init__(self, *, placeholder: str = "", id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, suggester=PathSuggester(), id=id)

    async def action_complete(self) -> None:
        value = self.value
        completion = await asyncio.to_thread(complete, value)
        if self.value != value:  # edited meanwhile: that edit is newer
            return
        if completion.text != value:
            self.value = completion.text
        self.cursor_position = len(self.value)
        self.post_message(self.Completed(self, completion.candidates))
