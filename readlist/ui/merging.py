"""Merging and splitting from the library screen, for any two papers a search finds, not
only the pairs the review (D) offers. M marks the highlighted paper as the one to keep;
the filter may change meanwhile, to find the other; M on that one asks, then merges it
in. X splits the highlighted paper's merges, after saying how many papers come back.
Each is a deed that `u` takes back: a merge by splitting that one paper out again, a
split by merging the papers it brought back."""

from __future__ import annotations

from functools import partial
from weakref import WeakKeyDictionary

from textual.screen import Screen

from readlist.core import care
from readlist.core.care import MergeResult, SplitResult
from readlist.core.models import Paper
from readlist.core.printable import shown_in_line
from readlist.core.store import Store
from readlist.ui.history import UNDO_TITLE, Deed
from readlist.ui.services import services
from readlist.ui.widgets.paper_list import PaperList

# The paper each library screen keeps when M is pressed again, until it merges or is forgotten.
_keeping: WeakKeyDictionary[Screen[None], Paper] = WeakKeyDictionary()


def _title(paper: Paper | str) -> str:
    title = shown_in_line(paper if isinstance(paper, str) else paper.title)
    return f"'{title[: UNDO_TITLE - 1]}…'" if len(title) > UNDO_TITLE else f"'{title}'"


def _named(paper_id: int, title: Paper | str) -> str:
    """A paper as a message names it: its id too, as duplicates often share a title."""
    return f"#{paper_id} {_title(title)}"


def forget(screen: Screen[None]) -> None:
    """Esc: the paper marked to merge into is forgotten (said only if there was one)."""
    keep = _keeping.pop(screen, None)
    if keep is not None:
        screen.notify(f"No longer merging into {_named(keep.id, keep)}", timeout=3, markup=False)


def merge_key(screen: Screen[None]) -> None:
    """M: mark the highlighted paper to keep; on another paper, ask to merge it in."""
    other = screen.query_one(PaperList).highlighted
    if other is None:
        return
    keep = _keeping.get(screen)
    if keep is None:
        _keeping[screen] = other
        screen.notify(
            f"Merge into {_named(other.id, other)}: move to the paper to merge in and press "
            "M again; Esc forgets it",
            timeout=8,
            markup=False,
        )
        return
    if keep.id == other.id:
        forget(screen)
        return
    from readlist.ui.screens.trash import AskFirst

    def answered(yes: bool | None) -> None:
        if yes and _keeping.get(screen) is keep:  # not forgotten meanwhile
            del _keeping[screen]
            _merge(screen, keep, other)

    body = (
        f"Merge {_named(other.id, other)} into {_named(keep.id, keep)}?\n\n"
        "Stars, read marks, notes and tags are kept; u undoes it."
    )
    screen.app.push_screen(AskFirst("Merge two papers?", body, "merge", "keep both"), answered)


def _merge(screen: Screen[None], keep: Paper, other: Paper) -> None:
    said = f"{_named(other.id, other)} into {_named(keep.id, keep)}"
    deed = Deed(
        "merge",
        partial(care.unmerge, keep_id=keep.id, merged_id=other.id),
        f"Split {_named(other.id, other)} back out of {_named(keep.id, keep)}",
        paper_id=keep.id,
    )

    def do(store: Store) -> MergeResult:
        return care.merge(store, keep.id, [other.id])  # refuses a paper in the trash

    def then(result: object) -> None:
        changed = result.what_changed() if isinstance(result, MergeResult) else ""
        screen.notify(
            f"Merged {said}" + (f": {changed}" if changed else "") + " (u undoes)",
            timeout=5,
            markup=False,
        )

    services(screen).perform(deed, do, then=then)


def split_key(screen: Screen[None]) -> None:
    """X: split the highlighted paper's merges, after saying how many papers come back."""
    paper = screen.query_one(PaperList).highlighted
    if paper is None:
        return
    # One indexed read of the merges table: quick enough to ask at once.
    count = len(services(screen).library.store().merges_into(paper.id))
    if not count:
        screen.notify(f"{_named(paper.id, paper)} has no merges to split", timeout=4, markup=False)
        return
    from readlist.ui.screens.trash import AskFirst

    def answered(yes: bool | None) -> None:
        if yes:
            _split(screen, paper)

    papers = f"{count} paper{'s' * (count != 1)}"
    body = (
        f"Split {_named(paper.id, paper)}?\n\n{papers} merged into it: each comes back as "
        "its own paper, with the listings it brought and its own stars, read marks, notes "
        "and tags. u merges them back."
    )
    screen.app.push_screen(AskFirst("Split merged papers?", body, "split", "keep"), answered)


def _split(screen: Screen[None], paper: Paper) -> None:
    done: list[SplitResult] = []  # the split, once made: its undo merges these back

    def undo(store: Store) -> object:
        if not done:
            return None
        return care.merge(store, done[0].kept_id, [r.new_id for r in done[0].restored])

    def undone() -> str:
        count = len(done[0].restored) if done else 0
        return f"Merged {count} paper{'s' * (count != 1)} back into {_named(paper.id, paper)}"

    def do(store: Store) -> SplitResult:
        result = care.split(store, paper.id)
        done.append(result)
        return result

    def then(result: object) -> None:
        if isinstance(result, SplitResult):
            back = ", ".join(_named(r.new_id, r.title) for r in result.restored)
            one = len(result.restored) == 1
            screen.notify(
                f"Split {_named(paper.id, paper)}: {back} "
                f"{'is back on its' if one else 'are back on their'} own (u undoes)",
                timeout=6,
                markup=False,
            )

    deed = Deed("split", undo, undone, paper_id=paper.id)
    services(screen).perform(deed, do, then=then)
