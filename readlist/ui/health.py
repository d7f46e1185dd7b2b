"""What the user is told when the library cannot be read: damage, or a failed filter."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from textual.widget import Widget
from textual.worker import get_current_worker

from readlist.core.errors import ReadlistError, is_damage
from readlist.core.printable import shown_in_line
from readlist.ui.library import StorePool
from readlist.ui.messages import LibraryDamaged, ReadFailed


class LibraryHealth:
    """One voice for every read that fails, on whichever worker meets it, so that damage
    is said in full once (and stops every write), however many reads run into it.
    `node` is the screen the news goes to, as LibraryDamaged and ReadFailed messages
    (dropped if it has gone); it runs the check."""

    def __init__(self, node: Widget, library: StorePool) -> None:
        self._node = node
        self._library = library

    def check(self) -> None:
        """After the first paint, off the UI thread: a damaged library is said at once,
        and nothing more is written to it."""
        self._node.run_worker(self._check, name="check", group="check", exclusive=True, thread=True)

    def _check(self) -> None:
        try:
            told = self._library.check()
        except sqlite3.DatabaseError as exc:
            told = self._library.damage_news(exc) or f"Could not check the library: {exc}"
        if told is not None:
            self._node.post_message(LibraryDamaged(told))

    def page_failed(self, exc: sqlite3.DatabaseError) -> None:
        """In the list's page worker: damage is said, once; the list itself draws the
        page that failed as "…" and asks for it again."""
        told = self._library.damage_news(exc)
        if told is not None:
            self._node.post_message(LibraryDamaged(told))

    def read_failed(self, exc: sqlite3.DatabaseError, *, filtering: bool = False) -> None:
        """In a worker: a read failed. Damage is said in full once (and stops every
        write), and in short for each filter it fails; an interrupted query (a newer
        keystroke) is no news; anything else is said."""
        if is_damage(exc):
            told = self._library.damage_news(exc)
            if told is not None:
                self._node.post_message(LibraryDamaged(told))
            elif filtering:
                self._node.post_message(ReadFailed(f"The library is damaged: {exc}"))
        elif not get_current_worker().is_cancelled:  # else: interrupted, as it should be
            self._node.post_message(ReadFailed(f"The filter failed: {exc}"))


@contextmanager
def said_if_failed(node: Widget, what: str) -> Iterator[None]:
    """Around a dialog's read on its worker: a read that fails is said in one line, as
    an error, and the worker ends there; the app goes on. The library's own errors are
    whole sentences already (a dump removed meanwhile in another window); SQLite's are
    said after `what` ("Could not read the tags")."""
    try:
        yield
    except ReadlistError as exc:
        _say(node, str(exc))
    except sqlite3.Error as exc:
        _say(node, f"{what}: {exc}")


def _say(node: Widget, line: str) -> None:
    node.app.call_from_thread(node.app.notify, shown_in_line(line), severity="error", markup=False)
