"""The paper full-screen (Enter on the list): its title, note and abstract with the whole
terminal to themselves, for a narrow or short window where the pane is cramped."""

from __future__ import annotations

import sqlite3
from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.screen import Screen

from readlist.core.models import Paper, Sighting
from readlist.ui.keymap import in_declared_order
from readlist.ui.messages import DetailRead
from readlist.ui.services import services
from readlist.ui.widgets.detail import (
    READING_BINDINGS,
    DetailPane,
    Scroll,
    paper_page_bindings,
    scroll_paper,
)
from readlist.ui.widgets.footer import KeysFooter


class ReaderScreen(Screen[None]):
    BINDINGS = [
        # Here the footer has room to say how to read on.
        *(replace(binding, show=binding.key in ("space", "b")) for binding in READING_BINDINGS),
        *paper_page_bindings("reader"),
        Binding(
            "escape,enter,q",
            "close",
            "Back",
            tooltip="Back to the list",
            id="reader.close",
        ),
    ]

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return in_declared_order(super().active_bindings)  # rebound keys stay in place

    def __init__(self, paper: Paper, sightings: list[Sighting], terms: tuple[str, ...]) -> None:
        super().__init__()
        self.paper = paper
        self._sightings = sightings
        self._terms = terms

    def compose(self) -> ComposeResult:
        yield DetailPane(id="reader", full=True)  # every author, every link whole
        yield KeysFooter()

    def on_mount(self) -> None:
        self.query_one(DetailPane).show(self.paper, self._sightings, self._terms)
        if not self._sightings and self.paper.times_seen:
            # Opened before the pane had read them (Enter right after a move): read here.
            self.run_worker(self._read_sightings, group="reader", exclusive=True, thread=True)

    def _read_sightings(self) -> None:
        try:
            found = services(self).library.store().sightings(self.paper.id)
        except sqlite3.DatabaseError:
            return  # the line stays empty; the main screen reports a library it cannot read
        self.post_message(DetailRead(self.paper, found))

    def on_detail_read(self, found: DetailRead) -> None:
        self.query_one(DetailPane).show_sightings(found.sightings)

    def action_scroll_paper(self, how: Scroll) -> None:
        scroll_paper(self.query_one(DetailPane), how)

    def action_open_web(self) -> None:
        services(self).open_web(self.paper)

    def action_copy(self) -> None:
        services(self).copy_paper(self.paper)

    def action_close(self) -> None:
        self.dismiss(None)
