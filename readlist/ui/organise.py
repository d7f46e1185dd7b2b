"""Tags and saved searches on the library screen: keys 1-9, saving the filter (Ctrl+S)
and the tag editor's save (T). Every write is a deed the app performs, so that `u`
takes it back."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from readlist.core.models import Paper
from readlist.core.printable import shown_in_line
from readlist.ui.history import UNDO_TITLE, Deed
from readlist.ui.services import services

if TYPE_CHECKING:
    from textual.screen import Screen

    from readlist.core.store import Store

SAVE_HOW = "type a filter, then Ctrl+S saves it (or: readlist saved set NAME QUERY)"


def _title(paper: Paper) -> str:
    title = shown_in_line(paper.title)
    return f"'{title[: UNDO_TITLE - 1]}…'" if len(title) > UNDO_TITLE else f"'{title}'"


def show_saved(screen: Screen[None], key: int, show: Callable[[str], None]) -> None:
    """Key 1-9: the filter becomes (`show`) the saved search in that place."""
    app = services(screen)
    search = app.saved.at(key)
    if search is None:
        count = len(app.saved.searches)
        have = f"{count} saved search{'es' if count != 1 else ''}" if count else "no saved search"
        screen.notify(f"Key {key}: {have} yet; {SAVE_HOW}", timeout=6, markup=False)
        return
    show(search.query)
    screen.notify(f"Saved search {shown_in_line(search.name)}", timeout=2, markup=False)


def save_filter(screen: Screen[None], text: str, saved_then: Callable[[], object]) -> None:
    """Ctrl+S: ask a name for the filter `text`, then save it as one deed and call
    `saved_then` (the screen goes back to its list)."""
    from readlist.ui.screens.save_search import SaveSearch

    app = services(screen)
    text = text.strip()
    if not text:
        screen.notify(f"No filter to save: {SAVE_HOW}", timeout=4, markup=False)
        return
    saved = app.saved
    offered = ((shown := saved.shown_by(text)) and shown.name) or saved.last_name

    def named(name: str | None) -> None:
        if name is None:
            return
        saved.last_name = name
        before = saved.queries
        old = next((q for n, q in before.items() if n.casefold() == name.casefold()), None)

        def do(store: Store) -> None:
            store.save_search(name, text)
            saved.read(store)

        def undo(store: Store) -> None:
            if old is None:
                store.remove_saved_search(name)
            else:
                store.save_search(name, old)
            saved.read(store)

        label = shown_in_line(name)
        deed = Deed(
            "save search",
            undo,
            f"Removed saved:{label}" if old is None else f"Put back saved:{label} as it was",
        )
        key = len(saved.searches) + 1 if old is None else None
        where = f" (key {key})" if key is not None and key <= 9 else ""
        app.perform(deed, do, done=f"Saved the filter as saved:{label}{where}")
        saved_then()

    screen.app.push_screen(SaveSearch(text, offered, taken=saved.queries), named)


def edit_tags(screen: Screen[None], paper: Paper | None) -> None:
    """T: the tag editor on `paper`; its save is one deed."""
    from readlist.ui.screens.tags import TagEditor

    if paper is None:
        return
    app = services(screen)

    def edited(tags: tuple[str, ...] | None) -> None:
        if tags is None:
            return
        # What the user changed, not the whole set: a tag put on meanwhile elsewhere (by
        # another window, the CLI, a bulk tag) stays, on the save and on its undo.
        had = {tag.casefold() for tag in paper.tags}
        keep = {tag.casefold() for tag in tags}
        added = [tag for tag in tags if tag.casefold() not in had]
        removed = [tag for tag in paper.tags if tag.casefold() not in keep]
        if not added and not removed:
            return

        deed = Deed(
            "tags",
            lambda store: store.change_tags(paper.id, removed, added),
            f"Put back the tags of {_title(paper)}",
            paper_id=paper.id,
        )
        app.perform(
            deed,
            lambda store: store.change_tags(paper.id, added, removed),
            done=f"Tags of {_title(paper)}: {' '.join(tags) or 'none'}",
        )

    screen.app.push_screen(TagEditor(paper), edited)
