"""The right-hand pane: one paper in full, its note, where and when it was seen."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from rich.cells import cell_len
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, VerticalScroll
from textual.widgets import Markdown, Static

from readlist.core.care import tags_line
from readlist.core.models import Paper, PaperMeta, Sighting
from readlist.core.printable import shown, shown_in_line
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


AUTHORS_SHOWN = 3  # names the pane shows of a longer list; the reader (Enter) shows all


def authors_line(meta: PaperMeta, *, full: bool = False) -> str:
    """The authors, cut after AUTHORS_SHOWN names in the pane, where a list of fifty
    would push the abstract out of sight; "" when no listing named them."""
    names = [shown_in_line(name) for name in meta.authors]
    if full or len(names) <= AUTHORS_SHOWN + 1:  # "… and 1 more" saves no room
        return ", ".join(names)
    return ", ".join(names[:AUTHORS_SHOWN]) + f" … and {len(names) - AUTHORS_SHOWN} more"


def _count(number: int, word: str) -> str:
    return f"{number:,} {word}" if number == 1 else f"{number:,} {word}s"


def facts(meta: PaperMeta) -> list[str]:
    """The day it came out and how the Daily Papers listing received it, as far as known."""
    found = []
    if meta.published:
        found.append(f"published {meta.published}")
    if meta.upvotes is not None:
        found.append(f"▲ {_count(meta.upvotes, 'upvote')}")
    if meta.comments is not None:
        found.append(_count(meta.comments, "comment"))
    return found


def _bare(url: str) -> str:
    """A link without its scheme and trailing slash: what the pane has room for."""
    return url.split("://", 1)[-1].rstrip("/")


def links(meta: PaperMeta) -> list[tuple[str, str]]:
    """(what, link) for each of the paper's pages known: arXiv (else its DOI, else the
    link its source gave), Hugging Face, the code and the project's page."""
    found = []
    if meta.arxiv_url:
        found.append(("arXiv", meta.arxiv_url))
    elif meta.doi:
        found.append(("DOI", f"https://doi.org/{meta.doi}"))
    elif meta.page_url:  # the source's link when it is a web page, as `o` opens it
        found.append(("Link", meta.page_url))
    if meta.hf_url:
        found.append(("HF", meta.hf_url))
    if meta.github:
        found.append(("GitHub", meta.github))
    if meta.project_page:
        found.append(("Project", meta.project_page))
    return found


Piece = str | tuple[str, ...]  # a piece of a line, or its forms, widest first


def links_shown(meta: PaperMeta, *, full: bool = False) -> list[Piece]:
    """The pane names each page in a few words (`o` opens the first, `y` copies it),
    shorter when the pane is narrow: a repo drops its owner, then its name, rather than
    break across lines. The reader gives every link whole, one a line, to select with
    the mouse."""
    found = links(meta)
    if full:
        return [f"{what:<8}{shown_in_line(url)}" for what, url in found]
    repo = shown_in_line(_bare(meta.github or "").removeprefix("github.com/"))
    widest = {
        "arXiv": f"arXiv {meta.arxiv_id}" + (f"v{meta.version}" if meta.version else ""),
        "DOI": f"DOI {shown_in_line(meta.doi or '')}",
        "GitHub": f"GitHub {repo}",
        "Project": "project page",
    }
    shorter = {"GitHub": f"GitHub {repo.rpartition('/')[2]}"}  # the repo without its owner
    return [
        tuple(dict.fromkeys((widest.get(what, what), shorter.get(what, what), what)))
        for what, _url in found
    ]


def widest_form(piece: Piece, width: int) -> str:
    """The widest of a piece's forms that fits `width`, else its narrowest."""
    if isinstance(piece, str):
        return piece
    return next((form for form in piece if cell_len(form) <= width), piece[-1])


def joined(pieces: Sequence[Piece], width: int, sep: str = " · ") -> str:
    """The pieces in their order, `sep` between them, each line broken only between two
    pieces, so that "▲ 42 upvotes" never ends one line and starts the next; a piece
    with shorter forms takes the widest that fits a line."""
    lines: list[str] = []
    for piece in pieces:
        text = widest_form(piece, width)
        if lines and cell_len(lines[-1]) + cell_len(sep) + cell_len(text) <= width:
            lines[-1] += sep + text
        else:
            lines.append(text)
    return "\n".join(lines)


class Pieces(Static):
    """Short pieces of text, lines broken between pieces (see `joined`), again whenever
    the width changes; hidden when there are none."""

    def __init__(self, *, id: str | None = None, sep: str = " · ") -> None:
        super().__init__(id=id)
        self.sep = sep
        self.forms: tuple[Piece, ...] = ()

    @property
    def pieces(self) -> tuple[str, ...]:
        """Each piece in its widest form."""
        return tuple(widest_form(piece, 1_000) for piece in self.forms)

    def show(self, pieces: Sequence[Piece]) -> None:
        self.forms = tuple(pieces)
        self.display = bool(self.forms)
        self._fill()

    def on_resize(self) -> None:
        self._fill()

    def _fill(self) -> None:
        width = self.content_size.width or 1_000  # not laid out yet: fitted on its resize
        self.update(Text(joined(self.forms, width, self.sep)))


def sightings_line(paper: Paper, sightings: list[Sighting]) -> str:
    days = sorted({s.seen_on for s in sightings})
    listed = ", ".join(days[-6:]) + (" …" if len(days) > 6 else "")
    dumps = "dump" if paper.times_seen == 1 else "dumps"
    return f"Seen in {paper.times_seen} {dumps}: {listed}" if days else ""


Scroll = Literal["page_down", "page_up", "line_down", "line_up"]


def paper_page_bindings(screen: str, *, footer: bool = False) -> list[Binding]:
    """`o` and `y` on every screen that shows a paper, under the ids `SCREEN.open` and
    `SCREEN.copy`; each such screen has `action_open_web` and `action_copy`. `footer`
    shows `y` in the footer."""
    return [
        Binding(
            "o",
            "open_web",
            "Open",
            show=False,
            tooltip="Open the paper's page (else search its title)",
            id=f"{screen}.open",
        ),
        Binding(
            "y",
            "copy",
            "Copy",
            show=footer,
            tooltip="Copy the paper's BibTeX, link or title",
            id=f"{screen}.copy",
        ),
    ]


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
    DetailPane #detail-why { color: $text-muted; margin-bottom: 1; }
    DetailPane.-why #detail-title { margin-bottom: 0; }
    DetailPane #detail-state { color: $text-muted; }
    DetailPane #detail-withdrawn { color: $text-error; text-style: bold; }
    DetailPane #detail-facts, DetailPane #detail-links { color: $text-muted; }
    DetailPane #detail-sightings { color: $text-muted; margin-bottom: 1; }
    DetailPane #detail-note-label, DetailPane #detail-abstract-label { text-style: bold; }
    DetailPane Markdown { margin: 0; padding: 0; }
    """

    paper: Paper | None = None  # the paper shown
    sightings: tuple[Sighting, ...] = ()  # its sightings, as shown
    terms: tuple[str, ...] = ()  # the filter's words picked out in it

    def __init__(self, *, full: bool = False, id: str | None = None) -> None:
        """`full`: every author and every link whole (the reader), not the pane's digest."""
        super().__init__(id=id)
        self.full = full

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title")
        yield Static(id="detail-why")  # why it ranks as it does for the user, if ranked
        # What a listing says of the paper (PaperMeta): each line shows only when known,
        # so a paper from a copied page looks as it always has.
        yield Static(id="detail-withdrawn")
        yield Static(id="detail-authors")
        yield StatusLine(id="detail-state", seps=(" · ",))  # a narrow pane drops the id
        yield Pieces(id="detail-facts")
        yield Pieces(id="detail-links", sep="\n" if self.full else " · ")
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
            and (shown.title, shown.abstract, shown.note, shown.times_seen, shown.meta)
            == (paper.title, paper.abstract, paper.note, paper.times_seen, paper.meta)
        )

    def show_state(self, paper: Paper) -> None:
        self.paper = paper
        # A narrow pane gives up the id first (rank 2: the star's short form is not
        # taken for it), then says the star with its symbol alone.
        starred = ("★ starred", "★") if paper.starred else ("not starred", "☆")
        state = [
            Part(starred[0], 0, short=starred[1]),
            Part("read" if paper.read else "unread", 0),
            *([Part(shown_in_line(tags_line(paper.tags)), 1, cut=True)] if paper.tags else []),
            Part(f"id {paper.id}", 2),
        ]
        self.query_one("#detail-state", StatusLine).show(state)

    def show_why(self, line: str) -> None:
        """The line under the title that says why the paper ranks as it does ("" none)."""
        why = self.query_one("#detail-why", Static)
        why.display = bool(line)
        why.update(Text(line))
        self.set_class(bool(line), "-why")

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
            self._show_meta(PaperMeta(), ())
            return
        title.update(highlighted(paper.title, terms))
        self._show_meta(paper.meta, terms)
        self.show_state(paper)
        self.query_one("#detail-sightings", Static).update(Text(sightings_line(paper, sightings)))
        abstract = paper.abstract or "(no abstract in the dumps)"
        self.query_one("#detail-abstract", Static).update(highlighted(abstract, terms))
        if has_note:
            # Markdown, but no terminal controls
            self.query_one("#detail-note", Markdown).update(note_shown(paper.note))
        self.scroll_home(animate=False, immediate=True)

    def show_sightings(self, sightings: list[Sighting]) -> None:
        """The paper's sightings, read after it was shown; where the reader is stays."""
        self.sightings = tuple(sightings)
        if self.paper is not None:
            line = sightings_line(self.paper, sightings)
            self.query_one("#detail-sightings", Static).update(Text(line))

    def _show_meta(self, meta: PaperMeta, terms: tuple[str, ...]) -> None:
        """The lines of the paper's identity; each hidden when its fields are unknown.
        The filter's words are picked out in the authors, as in the title."""
        withdrawn = f"⚠ Withdrawn on {meta.withdrawn}" if meta.withdrawn else ""
        notice = self.query_one("#detail-withdrawn", Static)
        notice.display = bool(withdrawn)
        notice.update(Text(withdrawn))
        authors = authors_line(meta, full=self.full)
        names = self.query_one("#detail-authors", Static)
        names.display = bool(authors)
        names.update(highlighted(authors, terms))
        self.query_one("#detail-facts", Pieces).show(facts(meta))
        self.query_one("#detail-links", Pieces).show(links_shown(meta, full=self.full))
