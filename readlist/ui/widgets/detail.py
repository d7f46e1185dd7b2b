"""The right-hand pane: one paper in full, its note, where and when it was seen."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Markdown, Static

from readlist.core.models import Paper, Sighting
from readlist.core.printable import shown
from readlist.ui.widgets.line import Line


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


class DetailPane(VerticalScroll, can_focus=False):
    DEFAULT_CSS = """
    DetailPane { padding: 0 1; }
    DetailPane #detail-title { text-style: bold; margin-bottom: 1; }
    DetailPane #detail-state { color: $text-muted; }
    DetailPane #detail-sightings { color: $text-muted; margin-bottom: 1; }
    DetailPane #detail-note-label { text-style: bold; margin-top: 1; }
    DetailPane Markdown { margin: 0; padding: 0; }
    """

    paper: Paper | None = None  # the paper shown

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        yield Line(id="detail-state")
        yield Static(id="detail-sightings")
        yield Static(id="detail-abstract")
        yield Static("Note", id="detail-note-label")
        yield Markdown(id="detail-note")

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
        state = [
            "★ starred" if paper.starred else "not starred",
            "read" if paper.read else "unread",
            f"id {paper.id}",
        ]
        self.query_one("#detail-state", Line).show(" · ".join(state))

    def show(self, paper: Paper | None, sightings: list[Sighting], terms: tuple[str, ...]) -> None:
        title = self.query_one("#detail-title", Static)
        self.paper = paper
        if paper is None:
            title.update(Text("No paper here. Clear the filter with Esc, or import with i."))
            self.query_one("#detail-state", Line).show("")
            for name in ("#detail-sightings", "#detail-abstract"):
                self.query_one(name, Static).update("")
            self.query_one("#detail-note-label").display = False
            self.query_one("#detail-note", Markdown).display = False
            return
        title.update(highlighted(paper.title, terms))
        self.show_state(paper)
        self.query_one("#detail-sightings", Static).update(Text(sightings_line(paper, sightings)))
        abstract = paper.abstract or "(no abstract in the dumps)"
        self.query_one("#detail-abstract", Static).update(highlighted(abstract, terms))
        has_note = bool(paper.note.strip())
        self.query_one("#detail-note-label").display = has_note
        note = self.query_one("#detail-note", Markdown)
        note.display = has_note
        if has_note:
            note.update(note_shown(paper.note))  # Markdown, but no terminal controls
        self.scroll_home(animate=False)
