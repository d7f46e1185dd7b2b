"""Removing mistakes, as the CLI and the app say it: what a delete would take (so that
the user is asked with the stakes in view), and what removing a dump did. The writes are
the store's (store/trash.py: delete_papers, restore_papers, empty_trash, remove_dump)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from readlist.core.care.bulk import papers
from readlist.core.models import DumpRemoval, Paper

if TYPE_CHECKING:
    from readlist.core.store import Store


def stakes(chosen: Sequence[Paper]) -> str:
    """What of the user's is in the papers: "1 starred, 1 with a note" ("" for none)."""
    starred = sum(paper.starred for paper in chosen)
    noted = sum(bool(paper.note) for paper in chosen)
    parts = [f"{starred} starred"] if starred else []
    if noted:
        parts.append(f"{noted} with a note" if noted == 1 else f"{noted} with notes")
    return ", ".join(parts)


def to_delete(store: Store, ids: Iterable[int]) -> list[Paper]:
    """The papers a delete of `ids` would move (those not in the trash already), in the
    order given; an unknown id is refused (UnknownPaperError) as the delete would."""
    wanted = store.require_papers(ids)
    there = store.in_trash(wanted)
    return store.get_many([paper_id for paper_id in wanted if paper_id not in there])


def deletion(chosen: Sequence[Paper], where: str = " to the trash") -> str:
    """ "3 papers to the trash (1 starred, 1 with a note)": the words a question about
    moving them, or the report of it, uses."""
    at_stake = stakes(chosen)
    return papers(len(chosen)) + where + (f" ({at_stake})" if at_stake else "")


def ids_line(ids: Sequence[int], most: int = 20) -> str:
    shown = ", ".join(str(i) for i in ids[:most])
    return shown + (f" and {len(ids) - most} more" if len(ids) > most else "")


def removal_said(removal: DumpRemoval, *, done: bool) -> str:
    """What removing a dump does (done=False, for the question) or did, in a sentence or
    two: "12 papers went to the trash; 2 stay because you starred, read, noted or
    tagged them: 17, 40"."""
    dump = removal.dump
    went = "went" if done else "would go"
    lines = [
        f"{'Removed' if done else 'Would remove'} dump {dump.id} ({dump.source}): "
        f"{dump.listings} listing{'' if dump.listings == 1 else 's'}."
    ]
    moved = len(removal.trashed)
    said = f"{papers(moved)} {went} to the trash"
    if removal.kept:
        stay = ("stays" if len(removal.kept) == 1 else "stay") if done else "would stay"
        said += (
            f"; {len(removal.kept)} {stay} because you starred, read, noted or tagged "
            f"{'it' if len(removal.kept) == 1 else 'them'}: {ids_line(removal.kept)}"
        )
    lines.append(said if removal.kept else said + ".")
    if removal.also_listed:
        one = removal.also_listed == 1
        lose = (
            ("loses this listing and stays" if one else "lose this listing and stay")
            if done
            else "would lose this listing and stay"
        )
        lines.append(f"{papers(removal.also_listed)} also listed by other dumps {lose}.")
    if removal.already_in_trash:
        lines.append(f"{papers(len(removal.already_in_trash))} you deleted stay in the trash.")
    return "\n".join(lines)
