"""Triage: one undecided paper at a time, one key to decide it, the next card at once.

The cards come from the filter's unread, unstarred papers as they stood when triage
began (ui/triage_queue.py reads them, a few cards ahead). Decisions are saved at once
through the app, so leaving at any point loses nothing.
The cards come best first (ranked for the user, ui/for_you.py) once the model has
learned from enough decisions, or when the list is sorted for you; `S` cycles best first,
least sure first and the library's order. A ranked queue is ranked again after each
decision, in the background: the card on screen never moves, and the next is at hand.
In the library's order the app remembers the card's paper (ui/memory.py): a triage of
the same filter and order opens at it again, even after a restart, while it is queued;
`g` goes to the first card.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import ActiveBinding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from readlist.core.models import Paper
from readlist.core.printable import shown_in_line
from readlist.core.store import Sort
from readlist.ui import typeahead
from readlist.ui.for_you import ORDER_LABEL
from readlist.ui.history import Change
from readlist.ui.keymap import in_declared_order
from readlist.ui.messages import (
    ModelChanged,
    QueueCounted,
    QueueFailed,
    QueueGrew,
    QueueOpened,
    QueuePapersRead,
    QueueRanking,
    QueueReordered,
    QueueWhyRead,
    TriageOrder,
)
from readlist.ui.screens.triage_keys import TRIAGE_BINDINGS
from readlist.ui.services import AppServices, services
from readlist.ui.triage_queue import TriageQueue
from readlist.ui.widgets.detail import (
    Scroll,
    more_below,
    scroll_paper,
)
from readlist.ui.widgets.footer import KeysFooter
from readlist.ui.widgets.triage_card import TriageCard

STEPS_KEPT = 1000  # steps u can walk back (stars and reads: as far as the app history goes)

StepKind = Literal["starred", "read", "skipped", "note"]
DECISIONS: tuple[StepKind, ...] = ("starred", "read", "skipped")
NOTHING_TO_TRIAGE = "Nothing to triage: no unread, unstarred papers match"
ORDERS: tuple[TriageOrder, ...] = ("best", "unsure", "listing")  # as S cycles them


@dataclass(frozen=True, slots=True)
class Step:
    """One thing done in this triage, so `u` can walk back through them in order."""

    kind: StepKind
    position: int
    paper_id: int


class TriageScreen(Screen[str | None]):
    BINDINGS = TRIAGE_BINDINGS

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return in_declared_order(super().active_bindings)  # rebound keys stay in place

    def __init__(
        self,
        query_text: str,
        sort: Sort = "latest",
        saved: Mapping[str, str] | None = None,
        order: TriageOrder | None = None,
    ) -> None:
        """`sort`: the library's order, so the cards can come as the list shows them;
        `order`: None is best first if the model has learned from enough decisions,
        else the library's order."""
        super().__init__()
        self.query_text = query_text
        self.sort: Sort = sort
        self.queue = TriageQueue(self, query_text, sort, saved, order)
        self.position = 0
        self.counts: dict[StepKind, int] = {kind: 0 for kind in DECISIONS}
        self._terms = self.queue.query.highlight_terms()
        self._steps: deque[Step] = deque(maxlen=STEPS_KEPT)
        self._noting: int | None = None  # the paper whose note editor is open
        self._waiting = True  # the card says "Loading…" until its paper is held
        # Keys typed ahead wait (see typeahead) until the first card, or word that there
        # is none, is shown: a decision needs a card.
        self.keys_ready = False
        self._card_drawn = False  # the card on screen is laid out: its length is known

    @property
    def rl_app(self) -> AppServices:
        return services(self)

    def compose(self) -> ComposeResult:
        yield Static(id="triage-progress")
        yield TriageCard(id="triage-card")
        yield KeysFooter()

    def on_mount(self) -> None:
        app = self.rl_app
        self.queue.load(app.library, app.memory.now.triage, app.for_you)  # where it was left

    # -- the queue's news ------------------------------------------------------------------

    def on_queue_opened(self, found: QueueOpened) -> None:
        """The first page is in; `start` is the remembered place's position, if queued."""
        self.queue.opened(found)
        start = found.start
        if found.said:
            self.notify(found.said, title="Triage", timeout=6, markup=False)
        if not len(self.queue):
            self._ready_for_keys()
            self.notify(NOTHING_TO_TRIAGE, timeout=4, markup=False)
            self.dismiss(None)
            return
        if start:
            self.position = start
            where = f"card {start + 1:,}. g goes to the first card."
            self.notify(f"Picked up where you left off: {where}", title="Triage", timeout=5)
        self._show_card()  # keys wait for its card, which may still have to be read

    def _ready_for_keys(self) -> None:
        if not self.keys_ready:
            self.keys_ready = True
            typeahead.ready(self)

    def on_queue_ranking(self, found: QueueRanking) -> None:
        """While the first ranking makes the terms it lacks, the card says how far it is."""
        if not len(self.queue):
            self.query_one(TriageCard).show_title(f"Ranking {found.done:,} of {found.total:,}…")

    def on_queue_reordered(self, found: QueueReordered) -> None:
        """The cards after this one in their new order; the card on screen stays."""
        if found.said:  # the cards keep their order
            self.notify(found.said, title="Triage", timeout=6, markup=False)
        self.queue.reordered(found, self.position)
        self._show_progress()
        self.queue.fetch_ahead(self.position)

    def on_model_changed(self, news: ModelChanged) -> None:
        """The model learned again (after a decision, here or elsewhere): the cards after
        this one are ranked again, and the card's why line follows (made in a worker,
        with those of the cards ahead)."""
        if news.model is not None:
            self.queue.rank_again(news.model.stamp, self.position)
        self.queue.why.ahead(self.queue.ahead(self.position), anew=True)
        paper = None if self.finished or self._waiting else self._current()
        if paper is not None and news.model is None:
            self.query_one(TriageCard).show_why("")

    def on_queue_why_read(self, found: QueueWhyRead) -> None:
        self.queue.why.read(found)
        paper = None if self.finished or self._waiting else self._current()
        if paper is not None and paper.id in found.lines:
            self.query_one(TriageCard).show_why(self.queue.why.line(paper))

    def on_queue_counted(self, found: QueueCounted) -> None:
        """The progress line shows the count in place of "…"."""
        self.queue.total = found.total
        self._show_progress()

    def on_queue_grew(self, found: QueueGrew) -> None:
        """More ids: the card waiting for its paper may be among them."""
        self.queue.grew(found)
        if self._waiting:
            self._show_card()
        else:
            self.queue.fetch_ahead(self.position)

    def on_queue_papers_read(self, found: QueuePapersRead) -> None:
        """Fetched papers: the card waiting for its paper may be among them."""
        self.queue.papers_read(found)
        if self._waiting:
            self._show_card()

    def on_queue_failed(self, found: QueueFailed) -> None:
        """Reading the queue, or the papers of its next cards, failed: say so, and let the
        keys through, so that q and Esc leave (and a decision key tries the read again)."""
        self.queue.failed(found)
        message = found.line
        self._ready_for_keys()
        self.notify(message, severity="error", markup=False)
        if not len(self.queue):
            self.query_one(TriageCard).show_title(message)

    def _current(self) -> Paper | None:
        return self.queue.paper_at(self.position)

    @property
    def finished(self) -> bool:
        total = self.queue.total
        return total is not None and self.position >= total

    # -- the card --------------------------------------------------------------------------

    def summary(self) -> str:
        """What this triage decided, for the notice on leaving ("" when nothing)."""
        decided = sum(self.counts.values())
        if not decided:
            return ""
        starred, read, skipped = (self.counts[kind] for kind in DECISIONS)
        return f"Triaged {decided}: {starred} starred, {read} read, {skipped} skipped"

    def _show_progress(self) -> None:
        count = self.queue.total
        total = "…" if count is None else f"{count:,}"
        shown = min(self.position + 1, count or self.position + 1)
        parts = [
            f"{shown:,} / {total}",
            f"{self.counts['starred']} starred · {self.counts['read']} read"
            f" · {self.counts['skipped']} skipped",
        ]
        if self.queue.order in ("best", "unsure"):  # ranked for you: said, as S changes it
            parts.append(ORDER_LABEL[self.queue.order])
        if self.query_text.strip():
            parts.append(f"filter: {shown_in_line(self.query_text)}")
        self.query_one("#triage-progress", Static).update(Text("   ·   ".join(parts)))

    def _show_card(self) -> None:
        self.position = self.queue.skip_gone(self.position)  # deleted: nothing to decide
        self._show_progress()
        self.queue.fetch_ahead(self.position)
        paper = None if self.finished else self._current()
        self._waiting = paper is None and not self.finished
        if not self._waiting:
            self._ready_for_keys()
            place = None if paper is None else self.queue.place(paper)
            if self.queue.order == "listing":  # a ranked queue has no place to go back to
                self.rl_app.memory.remember("triage", place)  # none at the end of the queue
        card = self.query_one(TriageCard)
        if paper is not None:
            card.show_paper(paper, self._terms, self.queue.why.line(paper))
        elif self.finished:
            done = self.summary() or "Nothing decided"
            end = Text(f"{done}. u goes back, q or Esc leaves.")
            card.fill(Text("End of the queue"), abstract=end)
        else:
            card.fill(Text("Loading…"))
        self._card_drawn = False
        self.call_after_refresh(self._drawn)

    def _drawn(self) -> None:
        self._card_drawn = True

    def show_paper(self, paper: Paper) -> None:
        """The app changed a paper (a decision, an undo, a note): hold its new state."""
        before = self.queue.hold(paper)
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
            self.queue.fetch_ahead(self.position)  # again, in case a fetch failed
        return paper

    def _decided(self, kind: StepKind, paper: Paper) -> None:
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
            self.rl_app.record_skip(paper.id)
            self._decided("skipped", paper)

    def action_note(self) -> None:
        if (paper := self._shown()) is not None:
            self._noting = paper.id
            self.rl_app.edit_note(paper)

    def action_open_web(self) -> None:
        if (paper := self._shown()) is not None:
            self.rl_app.open_web(paper)

    def action_copy(self) -> None:
        if (paper := self._shown()) is not None:
            self.rl_app.copy_paper(paper)

    def _shown(self) -> Paper | None:
        """The card's paper, if a card is shown; neither decides it."""
        return None if self.finished else self._current()

    def action_undo(self) -> None:
        """Take back this triage's last step (not the library's) and show its card again."""
        self._noting = None
        if not self._steps:
            self.notify("Nothing to undo in this triage", timeout=2)
            return
        step = self._steps.pop()
        if step.kind == "skipped":
            self.rl_app.record_skip(step.paper_id, undo=True)
        elif self.rl_app.undo() is None:
            self._steps.clear()  # the app's history no longer reaches back this far
            return
        if step.kind != "note":
            self.counts[step.kind] -= 1
        self.position = self.queue.position_of(step.paper_id, step.position)
        self._show_card()

    def action_first_card(self) -> None:
        """Back to the first card: from a triage picked up where it was left, the papers
        skipped before it."""
        self._noting = None
        self.position = 0
        self._show_card()

    def action_cycle_order(self) -> None:
        """The cards after this one come in the next order (the card on screen stays)."""
        if not self.rl_app.for_you.enabled:
            self.notify("For you is off (for_you = false in the settings)", timeout=4)
            return
        current = self.queue.order or "listing"
        order = ORDERS[(ORDERS.index(current) + 1) % len(ORDERS)]
        self.notify(f"Next cards: {ORDER_LABEL[order]}", timeout=2)
        self.queue.reorder(self.position, order)

    def action_leave(self) -> None:
        self.dismiss(self.summary() or None)
