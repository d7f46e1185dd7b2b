"""Triage's card: one paper, laid out to decide on it (or a word in its place: loading,
the end of the queue)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from readlist.core.models import Paper
from readlist.core.printable import shown
from readlist.ui.widgets.detail import Pieces, authors_line, facts, highlighted


class TriageCard(VerticalScroll):
    """The paper's title, why it ranks as it does (when ranked for the user), what
    helps decide (its authors, how it was listed and received), the user's note, then
    its abstract."""

    def compose(self) -> ComposeResult:
        yield Static(Text("Loading the queue…"), id="triage-title")
        yield Static(id="triage-why")  # shown when the papers are ranked for the user
        yield Static(id="triage-authors")  # shown when a listing named them
        yield Pieces(id="triage-seen")
        yield Static(id="triage-note")  # before the abstract: never below the fold
        yield Static(id="triage-abstract")

    def show_paper(self, paper: Paper, terms: tuple[str, ...], why: str) -> None:
        """`paper` with the filter's `terms` picked out; `why`: its why line ("" none)."""
        dumps = "dump" if paper.times_seen == 1 else "dumps"
        meta = paper.meta
        # What helps decide, as far as a listing told it: who wrote it, how it was received.
        seen = [
            *([f"⚠ withdrawn {meta.withdrawn}"] if meta.withdrawn else []),
            f"Listed in {paper.times_seen} {dumps}",
            f"last seen {paper.last_seen}",
            *facts(meta),
        ]
        self.fill(
            highlighted(paper.title, terms),
            highlighted(authors_line(meta), terms),
            seen,
            highlighted(paper.abstract or "(no abstract in the dumps)", terms),
            paper.note,
        )
        self.show_why(why)

    def fill(
        self,
        title: Text,
        authors: Text = Text(),  # noqa: B008 (never changed)
        seen: list[str] | None = None,
        abstract: Text = Text(),  # noqa: B008
        note: str = "",
    ) -> None:
        """Each part of the card; a part left empty is hidden. The card starts at its top."""
        self.query_one("#triage-title", Static).update(title)
        self.show_why("")
        names = self.query_one("#triage-authors", Static)
        names.display = bool(authors.plain)
        names.update(authors)
        self.query_one("#triage-seen", Pieces).show(seen or [])
        self.query_one("#triage-abstract", Static).update(abstract)
        note_line = self.query_one("#triage-note", Static)
        note_line.display = bool(note.strip())
        note_line.update(Text.assemble(("Note: ", "bold"), shown(note)))
        self.scroll_home(animate=False, immediate=True)

    def show_title(self, line: str) -> None:
        """A word in place of the paper (a queue being read or ranked, a failure)."""
        self.query_one("#triage-title", Static).update(Text(line))

    def show_why(self, line: str) -> None:
        """The line under the title that says why the paper ranks as it does."""
        why = self.query_one("#triage-why", Static)
        why.display = bool(line)
        why.update(Text(line))
        self.set_class(bool(line), "-why")
