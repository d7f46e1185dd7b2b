"""The main screen's detail pane following the list's highlight.

A move of the cursor is followed at once. While a filter is typed, or new results come
in, the detail waits for a pause (DETAIL_PAUSE), so that the list is redrawn alone
first: the detail pane's new layout costs as much again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from functools import partial
from typing import Any

from textual.screen import Screen
from textual.timer import Timer
from textual.worker import get_current_worker

from readlist.core.models import Paper
from readlist.ui.health import LibraryHealth
from readlist.ui.library import StorePool
from readlist.ui.messages import DetailRead, DetailWhyRead
from readlist.ui.services import services
from readlist.ui.widgets.detail import DetailPane
from readlist.ui.widgets.paper_list import PaperList

DETAIL_PAUSE = 0.15  # seconds without a keystroke in the filter before the detail follows


class DetailFollower:
    """When the screen's detail pane shows the highlighted paper, and its sightings,
    read in a thread worker of the screen's (group "detail") and posted to the screen as
    DetailRead, which it hands back here (`shown`). `terms`: the filter's words to pick
    out."""

    def __init__(
        self,
        screen: Screen[Any],
        library: StorePool,
        health: LibraryHealth,
        terms: Callable[[], tuple[str, ...]],
    ) -> None:
        self._screen = screen
        self._library = library
        self._health = health
        self._terms = terms
        self._timer: Timer | None = None  # the detail waits while a filter is typed
        self._pending: Paper | None = None
        self._fresh = False  # the next highlight is the top of new results

    def new_results(self) -> None:
        """New results go into the list: the next highlight is their top, and the detail
        waits for a pause before following it."""
        self._fresh = True

    def highlighted(self, paper: Paper | None, *, typing: bool) -> None:
        """The list's cursor rests on `paper`; `typing`: a filter is being typed."""
        fresh, self._fresh = self._fresh, False
        detail = self._screen.query_one(DetailPane)
        if not fresh and paper is not None and detail.shows_text_of(paper):
            detail.show_state(paper)  # a star or a read mark: one line to redraw
            return
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if typing or fresh:  # new results may highlight other words: the whole detail
            self._pending = paper
            self._timer = self._screen.set_timer(DETAIL_PAUSE, self.now)
        else:
            self._pending = None
            self.load(paper)

    def now(self) -> None:
        """A detail waiting for a pause follows at once (the filter is done)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
            self.load(self._pending)

    def load(self, paper: Paper | None) -> None:
        """Read `paper`'s sightings for the pane; a newer load cancels this one."""
        self._screen.run_worker(
            partial(self._read, paper), name="detail", group="detail", exclusive=True, thread=True
        )

    def _read(self, paper: Paper | None) -> None:
        """The sightings, and the why line, made here too: off the UI thread."""
        try:
            sightings = self._library.store().sightings(paper.id) if paper else []
        except sqlite3.DatabaseError as exc:
            self._health.read_failed(exc)
            sightings = []
        why = "" if paper is None else services(self._screen).for_you.why_line(paper)
        if not get_current_worker().is_cancelled:
            self._screen.post_message(DetailRead(paper, sightings, why))

    def shown(self, found: DetailRead) -> None:
        """Into the pane, unless the highlight has moved on to another paper meanwhile."""
        current = self._screen.query_one(PaperList).highlighted
        paper = found.paper
        if paper is not None and (current is None or current.id != paper.id):
            return
        detail = self._screen.query_one(DetailPane)
        detail.show(current, found.sightings, self._terms())
        detail.show_why(found.why)

    def why_changed(self) -> None:
        """The model learned again: the shown paper's why line follows, made in a worker
        (the pane, and where the reader is in it, stay)."""
        paper = self._screen.query_one(DetailPane).paper
        if paper is not None:
            self._screen.run_worker(
                partial(self._read_why, paper),
                name="detail-why",
                group="detail-why",
                exclusive=True,
                thread=True,
            )

    def _read_why(self, paper: Paper) -> None:
        why = services(self._screen).for_you.why_line(paper)
        if not get_current_worker().is_cancelled:
            self._screen.post_message(DetailWhyRead(paper.id, why))

    def why_shown(self, found: DetailWhyRead) -> None:
        """Into the pane, if it still shows that paper."""
        detail = self._screen.query_one(DetailPane)
        if detail.paper is not None and detail.paper.id == found.paper_id:
            detail.show_why(found.why)
