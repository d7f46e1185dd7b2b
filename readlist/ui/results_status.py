"""The main screen's status line, part by part (see widgets/status.py for how the parts
give way on a narrow line): the count shown first, a hint about the filter next, then the
library's totals and the sort."""

from __future__ import annotations

from readlist.core.models import LibraryStats
from readlist.core.printable import shown_in_line
from readlist.core.query import Query
from readlist.core.store import ListSort
from readlist.ui.widgets.status import Part

SORT_LABEL: dict[ListSort, str] = {
    "latest": "latest seen",
    "most_seen": "most sightings",
    "title": "title",
    "upvotes": "most upvotes",
    "published": "latest published",
    "for_you": "for you",
}


def status_parts(
    *,
    shown: str,
    stats: LibraryStats | None,
    parsed: Query,
    text: str,
    saved_name: str | None,
    sort: ListSort,
    ranking: str | None = None,
    basis: str | None = None,
) -> list[Part]:
    """`shown`: the count of papers shown ("12" or "1,000+" while counted); `saved_name`:
    the saved search the filter is; `ranking`: how far a ranking on its way is (kept
    while it lasts); `basis`: what the model of the ranking shown learned from."""
    of = f" of {stats.papers:,} papers" if stats else ""
    short = f"{shown}/{stats.papers:,} shown" if stats else None
    parts = [Part(f"{shown} shown{of}", 0, short=short)]
    if parsed.in_trash:  # the trash view names itself
        parts = [Part(f"{shown} in the trash", 0)]
    if saved_name is not None:  # rank 1: as a hint, it says what the list shows
        parts.append(Part(f"saved:{shown_in_line(saved_name)}", 1))
    hints = [hint.message for hint in parsed.hints]
    if hints:  # in place of the filter, which the filter bar above shows too
        parts += [Part(hint, 1, cut=True) for hint in hints]
    elif text.strip() and saved_name is None:  # a saved search's name says it
        parts.append(Part(f"filter: {text}", 3, cut=True))
    if stats is not None:
        parts += [Part(f"{stats.starred:,} starred", 2), Part(f"{stats.unread:,} unread", 2)]
        if stats.trashed and not parsed.in_trash:
            parts.append(Part(f"{stats.trashed:,} in the trash", 3))
    parts.append(Part(f"sort: {SORT_LABEL[sort]}", 4))
    if sort == "for_you" and ranking:
        parts.insert(1, Part(ranking, 1))
    elif sort == "for_you" and basis:
        parts.append(Part(basis, 5, cut=True))
    return parts
