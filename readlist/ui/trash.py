"""The library screen's side of the trash: d (and Delete) moves the highlighted paper to
the trash, asking first when it is starred or has a note; in the trash view (is:deleted)
the same key restores it. Each is a deed that `u` takes back. I opens the imported
dumps (screens/trash.py)."""

from __future__ import annotations

from dataclasses import replace

from textual.binding import ActiveBinding
from textual.screen import Screen

from readlist.core.care.trash import stakes
from readlist.core.models import Paper
from readlist.core.printable import shown_in_line
from readlist.core.query import parse_query
from readlist.core.store import TrashRow
from readlist.ui.history import UNDO_TITLE, Deed
from readlist.ui.services import services
from readlist.ui.widgets.paper_list import PaperList


def _title(paper: Paper) -> str:
    title = shown_in_line(paper.title)
    return f"'{title[: UNDO_TITLE - 1]}…'" if len(title) > UNDO_TITLE else f"'{title}'"


def in_trash_view(query_text: str) -> bool:
    return "is:deleted" in query_text and parse_query(query_text).in_trash


def delete_or_restore(screen: Screen[None], in_trash: bool) -> None:
    """d on the list: the highlighted paper to the trash, or back from it in the trash
    view. The cursor moves on to the next paper first, so that it stays in place as
    the paper leaves the list; `u` brings it back and the cursor with it."""
    papers = screen.query_one(PaperList)
    paper = papers.highlighted
    if paper is None:
        return
    restoring = in_trash
    at_stake = stakes([paper])
    if restoring or not at_stake:
        _move(screen, paper, restoring=restoring)
        return
    from readlist.ui.screens.trash import AskFirst

    def answered(yes: bool | None) -> None:
        if yes:
            _move(screen, paper, restoring=False)

    body = f"{shown_in_line(paper.title)}\n\nIt is {at_stake.replace('1 ', '')}."
    screen.app.push_screen(AskFirst("Move to the trash?", body, "delete", "keep"), answered)


def _move(screen: Screen[None], paper: Paper, *, restoring: bool) -> None:
    papers = screen.query_one(PaperList)
    if papers.highlighted is not None and papers.highlighted.id == paper.id:
        if papers.cursor + 1 < papers.total:
            papers.action_cursor_down()
        elif papers.cursor > 0:
            papers.action_cursor_up()
    title = _title(paper)
    if restoring:
        # The undo puts back the very row taken (its dump, if a dump's removal put it there).
        taken: list[TrashRow] = []
        deed = Deed(
            "restore",
            undo=lambda store: store.put_back_in_trash(taken),
            undone=f"Moved {title} back to the trash",
            paper_id=paper.id,
        )
        services(screen).perform(
            deed,
            lambda store: taken.extend(store.take_from_trash([paper.id])),
            done=f"Restored {title} (u undoes)",
        )
        return
    # The undo restores only what this delete moved: not a paper another window deleted.
    moved: list[int] = []
    deed = Deed(
        "delete",
        undo=lambda store: store.restore_papers(moved),
        undone=f"Put back {title} from the trash",
        paper_id=paper.id,
    )
    services(screen).perform(
        deed,
        lambda store: moved.extend(store.delete_papers([paper.id])),
        done=f"Moved {title} to the trash (u undoes; is:deleted shows the trash)",
    )


def named_for_view(keys: dict[str, ActiveBinding], query_text: str) -> dict[str, ActiveBinding]:
    """In the trash view the delete key restores: the footer says so."""
    if not in_trash_view(query_text):
        return keys
    return {
        key: active._replace(binding=replace(active.binding, description="Restore"))
        if active.binding.action == "delete"
        else active
        for key, active in keys.items()
    }


def show_dumps(screen: Screen[None]) -> None:
    from readlist.ui.screens.trash import DumpsScreen

    screen.app.push_screen(DumpsScreen())
