"""Triage's keys, by binding id (the settings file's [keys] names); the help screen, the
palette and the footer read them from here through the screen."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from readlist.ui.widgets.detail import READING_BINDINGS, paper_page_bindings

TRIAGE_BINDINGS: list[BindingType] = [
    Binding("s", "star", "Star", tooltip="Star the paper, show the next", id="triage.star"),
    Binding(
        "r", "read", "Read", tooltip="Not for me: mark it read, show the next", id="triage.read"
    ),
    # Space reads on, as in mutt's pager: it pages the card while more is below, and
    # skips to the next card from the card's end.
    Binding(
        "space",
        "skip",
        "Skip",
        tooltip="Page down the card; at its end, leave the paper undecided, show the next",
        id="triage.skip",
    ),
    Binding(
        "n", "note", "Note", tooltip="Write a note on the paper; stays on it", id="triage.note"
    ),
    Binding(
        "u",
        "undo",
        "Undo",
        tooltip="Take back the last decision and show its card",
        id="triage.undo",
    ),
    *paper_page_bindings("triage"),
    Binding("g", "first_card", "Back to the first card", show=False, id="triage.first_card"),
    Binding(
        "S",
        "cycle_order",
        "Order",
        show=False,
        tooltip="Order the cards after this one: best first, least sure first, listing order",
        id="triage.order",
    ),
    Binding("escape,q", "leave", "Done", tooltip="Leave triage with a summary", id="triage.leave"),
    *(binding for binding in READING_BINDINGS if binding.key != "space"),
]
