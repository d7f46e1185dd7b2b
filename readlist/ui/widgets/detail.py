"""The right-hand pane: one paper in full, its note, where and when it was seen."""

from __future__ import annotations

from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, VerticalScroll
from textual.widgets import Markdown, Static

from readlist.core.models import Paper, Sighting
from readlist.core.printable import shown
from readlist.ui.widgets.status import Part, StatusLine


def highlighted(text: str, terms: tuple[str, ...], style: str = "reverse") -> Text:
    """Literal text (no markup read from it, no control character let through to the
    terminal) with the query's words picked out."""
    rich = Text(shown(text))
    words = [w for term in terms for w in term.split() if any(c.isalnum() for c in w)]
    if words:
        rich.highlight_words(words, style=style, case_sensitive=False)
    return rich


NOTE_SHOWN_CHARS = 8_000


def note_shown(note: str) -> str:
    """The note as the pane's Markdown: the Markdown widget lays a long note out slowly,
    so the pane shows the start of a long one, cut at a line,
    with a marker saying how long it is; the note editor (n) holds it whole."""
    if len(note) <= NOTE_SHOWN_CHARS:
        return shown(note)
    head = note[:NOTE_SHOWN_CHARS]
    line_end = head.rfind("\n")
    if line_end > NOTE_SHOWN_CHARS // 2:
        head = head[:line_end]
    if sum(line.lstrip().startswith("```") for line in head.splitlines()) % 2:
        head += "\n```"  # close a code block cut in two, so the marker shows as text
    return shown(head) + f"\n\n*… (the note goes on: {len(note):,} characters in all)*"


def sightings_line(paper: Paper, sightings: list[Sighting]) -> str:
    days = sorted({s.seen_on for s in sightings})
    listed = ", ".join(days[-6:]) + (" …" if len(days) > 6 else "")
    dumps = "dump" if paper.times_seen == 1 else "dumps"
    return f"Seen in {paper.times_seen} {dumps}: {listed}" if days else ""


Scroll = Literal["page_down", "page_up", "line_down", "line_up"]

# The keys that move through a paper, as in less and mutt, on every screen that shows
# one; each such screen has an `action_scroll_paper(how)`.
READING_BINDINGS = [
    Binding(
        "space",
        "scroll_paper('page_down')",
        "Page down",
        show=False,
        tooltip="Page the paper down",
        id="paper.page_down",
    ),
    Binding(
        "b",
        "scroll_paper('page_up')",
        "Page up",
        show=False,
        tooltip="Page the paper up",
        id="paper.page_up",
    ),
    Binding(
        "J",
        "scroll_paper('line_down')",
        "Line down",
        show=False,
        tooltip="Scroll the paper down a line",
        id="paper.line_down",
    ),
    Binding(
        "K",
        "scroll_paper('line_up')",
        "Line up",
        show=False,
        tooltip="Scroll the paper up a line",
        id="paper.line_up",
    ),
]


def more_below(pane: ScrollableContainer) -> bool:
    """Part of the paper is still below the pane's bottom edge."""
    return pane.scroll_target_y < pane.max_scroll_y


def scroll_paper(pane: ScrollableContainer, how: Scroll) -> None:
    """Move through a paper from the keyboard: the pane holding it never has the focus,
    so the list (or the triage card's keys) keep theirs while the paper is read.

    At once and from where the last key left it, so a burst of Spaces pages as often."""
    page = pane.scrollable_content_region.height
    step = {"page_down": page, "page_up": -page, "line_down": 1, "line_up": -1}[how]
    pane.scroll_to(y=pane.scroll_target_y + step, animate=False, immediate=True)


class DetailPane(VerticalScroll, can_focus=False):
    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    DetailPane #detail-title { text-style: bold; margin-bottom: 1; }
    DetailPane #detail-state { color: $text-muted; }
    DetailPane #detail-sightings { color: $text-muted; margin-bottom: 1; }
    DetailPane #detail-note-label, DetailPane #detail-abstract-label { text-style: bold; }
    DetailPane Markdown { margin: 0; padding: 0; }
    """

    paper: Paper | None = None  # the paper shown
    sightings: tuple[Sighting, ...] = ()  # its sightings, as shown
    terms: tuple[str, ...] = ()  # the filter's words picked out in it

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        yield StatusLine(id="detail-state", seps=(" · ",))  # a narrow pane drops the id
        yield Static(id="detail-sightings")
        # The note comes before the abstract: what the user wrote is never below the fold.
        yield Static("Your note", id="detail-note-label")
        yield Markdown(id="detail-note")
        yield Static("Abstract", id="detail-abstract-label")
        yield Static(id="detail-abstract")

    def shows_text_of(self, paper: Paper) -> bool:
        """This very paper is shown, with the same text and note: only its state may
        differ, and `show_state` redraws that."""
        shown = self.paper
        return (
            shown is not None
            and shown.id == paper.id
            and (shown.title, shown.abstract, shown.note, shown.times_seen)
            == (paper.title, paper.abstract, paper.note, paper.times_seen)
        )

    def show_state(self, paper: Paper) -> None:
        self.paper = paper
        # A narrow pane gives up the id first (rank 2: the star's short form is not
        # taken for it), then says the star with its symbol alone.
        starred = ("★ starred", "★") if paper.starred else ("not starred", "☆")
        state = [
            Part(starred[0], 0, short=starred[1]),
            Part("read" if paper.read else "unread", 0),
            Part(f"id {paper.id}", 2),
        ]
        self.query_one("#detail-state", StatusLine).show(state)

    def show(self, paper: Paper | None, sightings: list[Sighting], terms: tuple[str, ...]) -> None:
        title = self.query_one("#detail-title", Static)
        self.paper = paper
        self.sightings = tuple(sightings)
        self.terms = terms
        has_note = paper is not None and bool(paper.note.strip())
        for name in ("#detail-note-label", "#detail-note", "#detail-abstract-label"):
            self.query_one(name).display = has_note
        if paper is None:
            title.update(Text("No paper here. Clear the filter with Esc, or import with i."))
            self.query_one("#detail-state", StatusLine).show([])
            for name in ("#detail-sightings", "#detail-abstract"):
                self.query_one(name, Static).update("")
            return
        title.update(highlighted(paper.title, terms))
        self.show_state(paper)
        self.query_one("#detail-sightings", Static).update(Text(sightings_line(paper, sightings)))
        abstract = paper.abstract or "(no abstract in the dumps)"
        self.query_one("#detail-abstract", Static).update(highlighted(abstract, terms))
        if has_note:
            # Markdown, but no terminal controls
            self.query_one("#detail-note", Markdown).update(note_shown(paper.note))
        self.scroll_home(animate=False, immediate=True)
