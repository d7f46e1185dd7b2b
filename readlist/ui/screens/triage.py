"""Triage: one undecided paper at a time, one key to decide it, the next card at once.

The queue is the filter's unread, unstarred papers as they stood when triage began.
Their ids stream into an array (8 bytes a paper, read in one snapshot, so decisions
never shift positions) while the first cards show; only the cards just ahead are held
as papers, fetched a small batch at a time before they are needed. Decisions are saved
at once through the app, so leaving at any point loses nothing.
The app remembers the card's paper (ui/memory.py): a triage of the same filter and order
opens at it again, even after a restart, while it is queued; `g` goes to the first card.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict, deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from readlist.core.models import Paper
from readlist.core.printable import shown, shown_in_line
from readlist.core.query import Query, State, parse_query
from readlist.core.search import Sort
from readlist.core.store_memory import TriagePlace
from readlist.ui import typeahead
from readlist.ui.history import Change
from readlist.ui.keymap import in_declared_order
from readlist.ui.threads import deliver
from readlist.ui.widgets.detail import (
    READING_BINDINGS,
    Scroll,
    highlighted,
    more_below,
    scroll_paper,
)
from readlist.ui.widgets.footer import KeysFooter

if TYPE_CHECKING:
    from readlist.ui.app import ReadlistApp

FIRST_PAGE = 100  # papers read with the first card, before the ids stream in
ID_CHUNK = 50_000  # ids handed to the screen at a time while they stream
AHEAD = 20  # fetch more when any of the next AHEAD cards is not held
BATCH = 40  # ids looked at (and fetched if not held) per fetch
KEEP = 256  # papers held at most; the oldest go first
STEPS_KEPT = 1000  # steps u can walk back (stars and reads: as far as the app history goes)

Kind = Literal["starred", "read", "skipped", "note"]
DECISIONS: tuple[Kind, ...] = ("starred", "read", "skipped")
NOTHING_TO_TRIAGE = "Nothing to triage: no unread, unstarred papers match"


def queue_query(text: str) -> Query:
    """The filter's undecided papers.

    Added as clauses rather than text, so a filter ending in OR cannot swallow them.
    """
    parsed = parse_query(text)
    undecided = ((State("unread"),), (State("starred", negated=True),))
    return Query(parsed.clauses + undecided, parsed.text)


@dataclass(frozen=True, slots=True)
class Step:
    """One thing done in this triage, so `u` can walk back through them in order."""

    kind: Kind
    position: int
    paper_id: int


class TriageScreen(Screen[str | None]):
    BINDINGS = [
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
        Binding("g", "first_card", "Back to the first card", show=False, id="triage.first_card"),
        Binding(
            "escape,q", "leave", "Done", tooltip="Leave triage with a summary", id="triage.leave"
        ),
        *(binding for binding in READING_BINDINGS if binding.key != "space"),
    ]

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return in_declared_order(super().active_bindings)  # rebound keys stay in place

    def __init__(self, query_text: str, sort: Sort = "latest") -> None:
        super().__init__()
        self.query_text = query_text
        self.sort: Sort = sort  # the library's order, so the cards come as the list shows them
        self.position = 0
        self.total: int | None = None  # None until counted
        self.counts: dict[Kind, int] = {kind: 0 for kind in DECISIONS}
        self._queue_query = queue_query(query_text)
        self._terms = self._queue_query.highlight_terms()
        self._ids = array("q")
        self._held: OrderedDict[int, Paper] = OrderedDict()
        self._fetching: set[int] = set()
        self._gone: set[int] = set()  # ids no longer in the library
        self._steps: deque[Step] = deque(maxlen=STEPS_KEPT)
        self._noting: int | None = None  # the paper whose note editor is open
        self._waiting = True  # the card says "Loading…" until its paper is held
        # Keys typed ahead wait (see typeahead) until the first card, or word that there
        # is none, is shown: a decision needs a card.
        self.keys_ready = False
        self._card_drawn = False  # the card on screen is laid out: its length is known

    @property
    def rl_app(self) -> ReadlistApp:
        from readlist.ui.app import ReadlistApp

        assert isinstance(self.app, ReadlistApp)
        return self.app

    def compose(self) -> ComposeResult:
        yield Static(id="triage-progress")
        with VerticalScroll(id="triage-card"):
            yield Static(Text("Loading the queue…"), id="triage-title")
            yield Static(id="triage-seen")
            yield Static(id="triage-note")  # before the abstract: never below the fold
            yield Static(id="triage-abstract")
        yield KeysFooter()

    def on_mount(self) -> None:
        left = self.rl_app.memory.now.triage  # picked up where it was left, if the same
        same = left is not None and (left.query, left.sort) == (self.query_text, self.sort)
        self._load_queue(left.paper_id if same and left is not None else None)

    # -- the queue -------------------------------------------------------------------------

    @work(thread=True, group="triage-queue")
    def _load_queue(self, resume: int | None) -> None:
        """`resume`: the paper to open at, if the queue holds it."""
        worker = get_current_worker()
        query = self._queue_query
        try:
            store = self.rl_app.library.store()
            with store.snapshot():
                first = store.search(query, limit=FIRST_PAGE, sort=self.sort)
                complete = len(first) < FIRST_PAGE
                start = next((i for i, p in enumerate(first) if p.id == resume), None)
                if start is None and resume is not None and not complete:
                    start = store.position_of(query, self.sort, resume)
                if worker.is_cancelled:
                    return
                deliver(self, self._first_page, first, len(first) if complete else None, start)
                if complete:
                    return
                total = store.count(query)
                if worker.is_cancelled:
                    return
                deliver(self, self._counted, total)
                chunk = array("q")
                for paper_id in store.iter_ids(query, offset=len(first), sort=self.sort):
                    chunk.append(paper_id)
                    if len(chunk) == ID_CHUNK:
                        if worker.is_cancelled:
                            return
                        deliver(self, self._more_ids, chunk)
                        chunk = array("q")
                if chunk and not worker.is_cancelled:
                    deliver(self, self._more_ids, chunk)
        except Exception as exc:  # shown to the user; triage stays open
            if not worker.is_cancelled:
                deliver(self, self._failed, f"Could not read the queue: {exc}")

    def _first_page(self, first: list[Paper], total: int | None, start: int | None) -> None:
        if not first:
            self._ready_for_keys()
            self.notify(NOTHING_TO_TRIAGE, timeout=4, markup=False)
            self.dismiss(None)
            return
        self._ids.extend(paper.id for paper in first)
        for paper in first:
            self._hold(paper)
        self.total = total
        if start:
            self.position = start
            where = f"card {start + 1:,}. g goes to the first card."
            self.notify(f"Picked up where you left off: {where}", title="Triage", timeout=5)
        self._show_card()  # keys wait for its card, which may still have to be read

    def _ready_for_keys(self) -> None:
        if not self.keys_ready:
            self.keys_ready = True
            typeahead.ready(self)

    def _counted(self, total: int) -> None:
        self.total = total
        self._show_progress()

    def _more_ids(self, ids: array[int]) -> None:
        self._ids.extend(ids)
        if self._waiting:
            self._show_card()
        else:
            self._fetch_ahead()

    def _fetch_ahead(self) -> None:
        """Start fetching the cards just ahead, unless they are held or on their way."""
        ahead = self._ids[self.position : self.position + AHEAD]
        if all(i in self._held or i in self._fetching or i in self._gone for i in ahead):
            return
        wanted = [
            paper_id
            for paper_id in self._ids[self.position : self.position + BATCH]
            if paper_id not in self._held and paper_id not in self._fetching
        ]
        self._fetching.update(wanted)
        self._fetch(wanted)

    @work(thread=True, group="triage-fetch")
    def _fetch(self, ids: list[int]) -> None:
        worker = get_current_worker()
        try:
            papers = self.rl_app.library.store().get_many(ids)
        except Exception as exc:  # shown to the user; the next key press tries again
            if not worker.is_cancelled:
                deliver(self, self._fetch_failed, ids, f"Could not read papers: {exc}")
            return
        if not worker.is_cancelled:
            deliver(self, self._fetched, ids, papers)

    def _fetched(self, ids: list[int], papers: list[Paper]) -> None:
        self._fetching.difference_update(ids)
        for paper in papers:
            if paper.id not in self._held:  # a held copy may have changes not yet saved
                self._hold(paper)
        self._gone.update(set(ids) - {paper.id for paper in papers})
        if self._waiting:
            self._show_card()

    def _fetch_failed(self, ids: list[int], message: str) -> None:
        self._fetching.difference_update(ids)
        self.notify(message, severity="error", markup=False)

    def _failed(self, message: str) -> None:
        self._ready_for_keys()  # q and Esc still leave
        self.notify(message, severity="error", markup=False)
        if not self._ids:
            self.query_one("#triage-title", Static).update(Text(message))

    def _hold(self, paper: Paper) -> None:
        self._held[paper.id] = paper
        self._held.move_to_end(paper.id)
        while len(self._held) > KEEP:
            self._held.popitem(last=False)

    def _current(self) -> Paper | None:
        if self.position >= len(self._ids):
            return None
        paper = self._held.get(self._ids[self.position])
        if paper is not None:
            self._held.move_to_end(paper.id)
        return paper

    @property
    def finished(self) -> bool:
        return self.total is not None and self.position >= self.total

    # -- the card --------------------------------------------------------------------------

    def summary(self) -> str:
        """What this triage decided, for the notice on leaving ("" when nothing)."""
        decided = sum(self.counts.values())
        if not decided:
            return ""
        starred, read, skipped = (self.counts[kind] for kind in DECISIONS)
        return f"Triaged {decided}: {starred} starred, {read} read, {skipped} skipped"

    def _show_progress(self) -> None:
        total = "…" if self.total is None else f"{self.total:,}"
        shown = min(self.position + 1, self.total or self.position + 1)
        parts = [
            f"{shown:,} / {total}",
            f"{self.counts['starred']} starred · {self.counts['read']} read"
            f" · {self.counts['skipped']} skipped",
        ]
        if self.query_text.strip():
            parts.append(f"filter: {shown_in_line(self.query_text)}")
        self.query_one("#triage-progress", Static).update(Text("   ·   ".join(parts)))

    def _show_card(self) -> None:
        while self.position < len(self._ids) and self._ids[self.position] in self._gone:
            self.position += 1  # deleted since triage began: nothing to decide
        self._show_progress()
        self._fetch_ahead()
        paper = None if self.finished else self._current()
        self._waiting = paper is None and not self.finished
        if not self._waiting:
            self._ready_for_keys()
            place = None if paper is None else TriagePlace(self.query_text, self.sort, paper.id)
            self.rl_app.memory.remember("triage", place)  # none at the end of the queue
        if paper is None:
            if self.finished:
                done = self.summary() or "Nothing decided"
                end = Text(f"{done}. u goes back, q or Esc leaves.")
                self._fill(Text("End of the queue"), Text(), end, "")
            else:
                self._fill(Text("Loading…"), Text(), Text(), "")
            return
        dumps = "dump" if paper.times_seen == 1 else "dumps"
        self._fill(
            highlighted(paper.title, self._terms),
            Text(f"Listed in {paper.times_seen} {dumps} · last seen {paper.last_seen}"),
            highlighted(paper.abstract or "(no abstract in the dumps)", self._terms),
            paper.note,
        )

    def _fill(self, title: Text, seen: Text, abstract: Text, note: str) -> None:
        self.query_one("#triage-title", Static).update(title)
        self.query_one("#triage-seen", Static).update(seen)
        self.query_one("#triage-abstract", Static).update(abstract)
        note_line = self.query_one("#triage-note", Static)
        note_line.display = bool(note.strip())
        note_line.update(Text.assemble(("Note: ", "bold"), shown(note)))
        self.query_one("#triage-card", VerticalScroll).scroll_home(animate=False, immediate=True)
        self._card_drawn = False
        self.call_after_refresh(self._drawn)

    def _drawn(self) -> None:
        self._card_drawn = True

    def show_paper(self, paper: Paper) -> None:
        """The app changed a paper (a decision, an undo, a note): hold its new state."""
        before = self._held.get(paper.id)
        self._hold(paper)
        if before is None or before.note == paper.note:
            return  # the card shows nothing else that can change
        if paper.id == self._noting:
            self._steps.append(Step("note", self.position, paper.id))
        current = self._current()
        if current is not None and current.id == paper.id:
            self._show_card()

    # -- keys ------------------------------------------------------------------------------

    def _deciding(self) -> Paper | None:
        """The card's paper, when there is one to decide on."""
        self._noting = None
        if self.finished:
            return None
        paper = self._current()
        if paper is None:
            self._fetch_ahead()  # again, in case a fetch failed
        return paper

    def _decided(self, kind: Kind, paper: Paper) -> None:
        self._steps.append(Step(kind, self.position, paper.id))
        self.counts[kind] += 1
        self.position += 1
        self._show_card()

    def action_star(self) -> None:
        if (paper := self._deciding()) is not None:
            self.rl_app.apply("star", Change(paper, "starred", True))
            self._decided("starred", paper)

    def action_read(self) -> None:
        if (paper := self._deciding()) is not None:
            self.rl_app.apply("read", Change(paper, "read", True))
            self._decided("read", paper)

    def action_scroll_paper(self, how: Scroll) -> None:
        scroll_paper(self.query_one("#triage-card", VerticalScroll), how)

    def action_skip(self) -> None:
        card = self.query_one("#triage-card", VerticalScroll)
        if self._card_drawn and more_below(card):  # a card not yet drawn was not seen
            scroll_paper(card, "page_down")
            return
        if (paper := self._deciding()) is not None:
            self._decided("skipped", paper)

    def action_note(self) -> None:
        paper = None if self.finished else self._current()
        if paper is not None:
            self._noting = paper.id
            self.rl_app.edit_note(paper)

    def action_undo(self) -> None:
        """Take back this triage's last step (not the library's) and show its card again."""
        self._noting = None
        if not self._steps:
            self.notify("Nothing to undo in this triage", timeout=2)
            return
        step = self._steps.pop()
        if step.kind != "skipped" and self.rl_app.undo() is None:
            self._steps.clear()  # the app's history no longer reaches back this far
            return
        if step.kind != "note":
            self.counts[step.kind] -= 1
        self.position = step.position
        self._show_card()

    def action_first_card(self) -> None:
        """Back to the first card: from a triage picked up where it was left, the papers
        skipped before it."""
        self._noting = None
        self.position = 0
        self._show_card()

    def action_leave(self) -> None:
        self.dismiss(self.summary() or None)
