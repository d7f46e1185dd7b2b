"""Review duplicates: the pairs dedupe was unsure of, one at a time, both papers side by
side with the words that differ marked, and one key to merge them, keep them apart or
leave them for later. Zotero's "Duplicate Items" pane, from the keyboard.

The pairs are read once as the screen opens and again after each merge, keep-apart or
undo, on the writer's thread right after that write (app.perform runs both in order),
so that the pair shown is always one the library still holds open.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from readlist.core import care
from readlist.core.care import Marked, differing_words
from readlist.core.models import DuplicateCandidate, Paper
from readlist.core.printable import shown, shown_in_line
from readlist.core.store import Store
from readlist.ui.health import said_if_failed
from readlist.ui.history import Deed
from readlist.ui.keymap import in_declared_order
from readlist.ui.services import AppServices, services
from readlist.ui.widgets.footer import KeysFooter

NO_PAIRS = "No possible duplicates to review"
STACKED_BELOW = 100  # columns: on a narrower terminal the two papers are one above the other
TITLE_SAID = 40  # the most of a title a notice shows
MARK = "reverse"  # the style of a word that differs


@dataclass(frozen=True, slots=True)
class Pair:
    """A pair to review, with both its papers as the library holds them."""

    found: DuplicateCandidate
    first: Paper  # the older of the two (seen first), shown first
    second: Paper

    @property
    def ids(self) -> tuple[int, int]:
        return self.first.id, self.second.id

    def older(self) -> int:
        """The paper kept by default: the one seen first (the lower id on a tie)."""
        return self.first.id


def read_pairs(store: Store) -> list[Pair]:
    """The open pairs, with their papers (a pair whose paper has gone is left out)."""
    found = care.open_pairs(store)
    papers = {p.id: p for p in store.get_many([i for f in found for i in (f.paper_id, f.other_id)])}
    pairs = []
    for f in found:
        if f.paper_id in papers and f.other_id in papers:
            older, newer = sorted((papers[f.paper_id], papers[f.other_id]), key=_age)
            pairs.append(Pair(f, older, newer))
    return pairs


def _age(paper: Paper) -> tuple[str, int]:
    return paper.first_seen, paper.id


def _nothing(store: Store) -> None:
    """The undo of a read: nothing."""


def _said(title: str) -> str:
    title = shown_in_line(title)
    return f"'{title[: TITLE_SAID - 1]}…'" if len(title) > TITLE_SAID else f"'{title}'"


def _marked(runs: Marked, style: str = "") -> Text:
    text = Text(style=style)
    for run, differs in runs:
        text.append(shown(run), style=MARK if differs else "")
    return text


class ReviewScreen(Screen[None]):
    BINDINGS = [
        Binding(
            "m", "merge", "Merge", tooltip="Merge the pair into the kept paper", id="review.merge"
        ),
        Binding(
            "k",
            "flip_kept",
            "Flip kept",
            tooltip="Keep the other paper of the pair when merging",
            id="review.flip_kept",
        ),
        Binding(
            "a",
            "keep_apart",
            "Keep apart",
            tooltip="They differ: never offer this pair again",
            id="review.keep_apart",
        ),
        Binding(
            "s,n,right",
            "skip",
            "Skip",
            tooltip="Leave the pair for later, show the next",
            id="review.skip",
        ),
        Binding(
            "u",
            "undo",
            "Undo",
            tooltip="Undo the last merge or keep-apart made here, and show its pair",
            id="review.undo",
        ),
        Binding("escape,q", "close", "Close", tooltip="Back to the library", id="review.close"),
    ]

    @dataclass
    class PairsRead(Message):
        """The pairs as the library holds them, read off the UI thread; `at`: the pair
        to show (None: the one shown stays). A screen closed meanwhile never gets it."""

        pairs: list[Pair]
        at: tuple[int, int] | None = None

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        return in_declared_order(super().active_bindings)  # rebound keys stay in place

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[Pair] | None = None  # None until read
        self.index = 0
        self.kept: int | None = None  # the paper of the pair shown that a merge keeps
        # What was done here, newest last: its deed and the pair it was done to.
        self.done: list[tuple[Deed, tuple[int, int]]] = []
        self._failed: set[int] = set()  # the deeds whose write failed (set by the writer)

    @property
    def rl_app(self) -> AppServices:
        return services(self)

    def compose(self) -> ComposeResult:
        yield Static(Text("Reading the pairs…"), id="review-progress")
        yield Static(id="review-scores")
        with Horizontal(id="review-pair"):
            with VerticalScroll(id="review-first", classes="review-side"):
                yield Static(id="review-first-text")
            with VerticalScroll(id="review-second", classes="review-side"):
                yield Static(id="review-second-text")
        yield KeysFooter()

    def on_mount(self) -> None:
        self._stack(self.size.width)
        self._read()

    def on_resize(self) -> None:
        self._stack(self.size.width)

    def _stack(self, width: int) -> None:
        self.set_class(0 < width < STACKED_BELOW, "stacked")

    @work(thread=True, exclusive=True, group="review")
    def _read(self) -> None:
        with said_if_failed(self, "Could not read the possible duplicates"):
            self.post_message(self.PairsRead(read_pairs(self.rl_app.library.store())))

    # -- showing ---------------------------------------------------------------------------

    def on_review_screen_pairs_read(self, found: PairsRead) -> None:
        """The pairs as the library now holds them, showing the pair `at` (else the one
        shown) if it is one of them, else the one at the same place (the next, once the
        one shown is settled)."""
        pairs, current = found.pairs, self.current
        at = found.at or (current.ids if current is not None else None)
        self.pairs = pairs
        if at is not None:
            self.index = next(
                (i for i, p in enumerate(pairs) if set(p.ids) == set(at)),
                next((i for i, p in enumerate(pairs) if set(p.ids) & set(at)), self.index),
            )
        self.index = max(0, min(self.index, len(pairs)))
        self.kept = None
        self._show()

    @property
    def current(self) -> Pair | None:
        if self.pairs is None or self.index >= len(self.pairs):
            return None
        return self.pairs[self.index]

    def _show(self) -> None:
        progress = self.query_one("#review-progress", Static)
        scores = self.query_one("#review-scores", Static)
        pair = self.current
        self.query_one("#review-pair").display = pair is not None
        if pair is None:
            done = self.pairs and self.index >= len(self.pairs)
            progress.update(
                Text("No more pairs: q closes, u undoes" if done else NO_PAIRS, style="bold")
            )
            scores.update("")
            return
        assert self.pairs is not None
        if self.kept not in pair.ids:
            self.kept = pair.older()
        progress.update(
            Text.assemble(
                ("Possible duplicates  ", "bold"), f"{self.index + 1:,} of {len(self.pairs):,}"
            )
        )
        found = pair.found
        scores.update(
            Text(
                f"title {found.title_score:.0f}  abstract {found.abstract_score:.0f}  "
                f"held back: {shown_in_line(found.reason)}"
            )
        )
        titles = differing_words(pair.first.title, pair.second.title)
        abstracts = differing_words(pair.first.abstract, pair.second.abstract)
        for side, paper, title, abstract in (
            ("first", pair.first, titles[0], abstracts[0]),
            ("second", pair.second, titles[1], abstracts[1]),
        ):
            self.query_one(f"#review-{side}-text", Static).update(
                self._side(paper, title, abstract)
            )
            self.query_one(f"#review-{side}").set_class(paper.id == self.kept, "kept")
            self.query_one(f"#review-{side}").scroll_home(animate=False)

    def _side(self, paper: Paper, title: Marked, abstract: Marked) -> Text:
        kept = paper.id == self.kept
        state = [
            word
            for word, on in (
                ("starred", paper.starred),
                ("read", paper.read),
                ("noted", paper.note),
            )
            if on
        ]
        head = f"{'KEEP' if kept else 'merge in'} · #{paper.id} · listed {paper.times_seen}x "
        head += f"since {paper.first_seen}" + (f" · {', '.join(state)}" if state else "")
        return Text.assemble(
            (head, "bold" if kept else "dim"),
            "\n\n",
            _marked(title, "bold"),
            "\n\n",
            _marked(abstract) if paper.abstract else Text("(no abstract)", style="dim"),
        )

    # -- the keys --------------------------------------------------------------------------

    def _ready(self) -> Pair | None:
        return self.current

    def action_flip_kept(self) -> None:
        pair = self._ready()
        if pair is not None:
            self.kept = pair.second.id if self.kept == pair.first.id else pair.first.id
            self._show()

    def action_skip(self) -> None:
        if self._ready() is not None:
            assert self.pairs is not None
            self.index += 1
            self.kept = None
            self._show()

    def action_merge(self) -> None:
        pair = self._ready()
        if pair is None or self.kept is None:
            return
        keep = self.kept
        other = pair.second if keep == pair.first.id else pair.first
        deed = Deed(
            "merge",
            partial(care.unmerge, keep_id=keep, merged_id=other.id),
            f"Split #{other.id} {_said(other.title)} back out of #{keep}",
            paper_id=keep,
        )
        merge = partial(care.merge, keep_id=keep, other_ids=[other.id])
        self._act(deed, pair, merge, f"Merged #{other.id} {_said(other.title)} into #{keep}")

    def action_keep_apart(self) -> None:
        pair = self._ready()
        if pair is None:
            return
        a, b = pair.ids
        # The undo forgets the pair only if this keep-apart recorded it, not another window.
        added: list[bool] = []

        def keep(store: Store) -> None:
            added.append(care.keep_apart(store, a, b))

        def forget(store: Store) -> None:
            if any(added):
                care.forget_kept_apart(store, a, b)

        deed = Deed("keep apart", forget, f"#{a} and #{b} are offered for review again", paper_id=a)
        self._act(deed, pair, keep, f"Kept #{a} and #{b} apart")

    def _act(self, deed: Deed, pair: Pair, write: Callable[[Store], object], done: str) -> None:
        """The pair is settled: the next one shows at once, while the write and a fresh
        read of the pairs run on the writer's thread, in that order."""
        assert self.pairs is not None
        self.done.append((deed, pair.ids))
        self.pairs.pop(self.index)
        self.kept = None
        self._show()

        def do(store: Store) -> list[Pair]:
            try:
                write(store)
            except Exception:
                self._failed.add(id(deed))  # the app forgets it: so must this screen's undo
                raise
            return read_pairs(store)

        self.rl_app.perform(deed, do, done=done, then=self._reread)

    def _reread(self, result: object, at: tuple[int, int] | None = None) -> None:
        """Fresh pairs: the pair shown stays shown (or `at`, a pair an undo reopened)."""
        if isinstance(result, list):
            self.post_message(self.PairsRead(result, at))

    def action_undo(self) -> None:
        if not self.done:
            self.notify("Nothing to undo on this screen", timeout=2)
            return
        while self.done and id(self.done[-1][0]) in self._failed:
            self.done.pop()  # never done, so nothing to undo
        if not self.done:
            self.notify("Nothing to undo on this screen", timeout=2)
            return
        _, ids = self.done.pop()
        self.rl_app.undo()  # this screen's deed: nothing else is done while it is open
        self.rl_app.perform(
            Deed("review", _nothing, ""),
            read_pairs,
            then=partial(self._reread, at=ids),
            remember=False,
        )

    def action_close(self) -> None:
        self.dismiss(None)
