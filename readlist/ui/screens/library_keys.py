"""The library screen's keys, by binding id (the settings file's [keys] names); the
help screen, the palette and the footer read them from here through the screen."""

from __future__ import annotations

from textual.binding import Binding, BindingType

from readlist.ui.widgets.detail import READING_BINDINGS, paper_page_bindings

LIBRARY_BINDINGS: list[BindingType] = [
    # Priority: runs as the key arrives, so what is typed right after "/" lands in the
    # filter, not on the list as commands.
    Binding(
        "slash",
        "focus_filter",
        "Filter",
        tooltip="Filter the list as you type",
        priority=True,
        id="library.filter",
    ),
    # Priority too: Esc in the filter starts the reload here, in the key's own
    # handler, so the query runs while the focus change is being drawn.
    Binding(
        "escape",
        "clear_filter",
        "Clear filter",
        show=False,
        tooltip="Show every paper",
        priority=True,
        id="library.clear_filter",
    ),
    # Priority, as "/" is: a "/" typed right after Tab lands in the filter, not
    # before the Tab's focus change, which would take the focus back to the list.
    Binding(
        "tab,shift+tab",
        "switch_pane",
        "Switch pane",
        show=False,
        tooltip="Move between the list and the paper (the filter: only /)",
        priority=True,
        id="library.switch_pane",
    ),
    Binding("s", "flip('starred')", "Star", tooltip="Star or unstar the paper", id="library.star"),
    Binding(
        "r",
        "flip('read')",
        "Read",
        tooltip="Mark the paper read or unread, and move to the next",
        id="library.read",
    ),
    Binding("n", "note", "Note", tooltip="Write a note on the paper (Markdown)", id="library.note"),
    Binding(
        "E",
        "note_in_editor",
        "Note in $EDITOR",
        show=False,
        tooltip="Edit the note in $EDITOR",
        id="library.note_in_editor",
    ),
    Binding(
        "t",
        "triage",
        "Triage",
        tooltip="Triage the filter's unread, unstarred papers",
        id="library.triage",
    ),
    Binding(
        "u",
        "undo",
        "Undo",
        tooltip="Undo the last star, read mark, note or decision",
        id="library.undo",
    ),
    *paper_page_bindings("library", footer=True),
    Binding(
        "i",
        "import_dumps",
        "Import",
        show=False,
        tooltip="Import a dump file or folder",
        id="library.import",
    ),
    Binding("x", "export", "Export", tooltip="Export the starred papers", id="library.export"),
    Binding(
        "S",
        "cycle_sort",
        "Sort",
        show=False,
        tooltip="Sort: latest seen, sightings, title, upvotes, published, for you",
        id="library.sort",
    ),
    Binding(
        "A",
        "bulk",
        "All shown",
        show=False,
        tooltip="Mark all shown read or unread, star or unstar them (asks first)",
        id="library.bulk",
    ),
    Binding(
        "D",
        "review_duplicates",
        "Review duplicates",
        show=False,
        tooltip="Merge or keep apart the pairs that may be one paper",
        id="library.review_duplicates",
    ),
    Binding(
        "M",
        "merge",
        "Merge papers",
        show=False,
        tooltip="Keep this paper; M on another (search for it) merges that one in",
        id="library.merge",
    ),
    Binding(
        "X",
        "split",
        "Split merged papers",
        show=False,
        tooltip="Give the papers merged into this one back their own place",
        id="library.split",
    ),
    Binding("T", "tags", "Tags", show=False, tooltip="Edit the paper's tags", id="library.tags"),
    Binding(
        "ctrl+s",
        "save_filter",
        "Save search",
        show=False,
        tooltip="Save the filter as a search (keys 1-9 show saved searches)",
        id="library.save_filter",
    ),
    # 1-9: the saved searches in their order; the first says it for all nine.
    *(
        Binding(
            str(key),
            f"saved_search({key})",
            "Saved search 1-9" if key == 1 else "",
            show=False,
            tooltip=(
                "Show saved search 1, 2 ... 9 (in their saved order)"
                if key == 1
                else f"Show saved search {key}"
            ),
            id=f"library.saved_{key}",
        )
        for key in range(1, 10)
    ),
    Binding(
        "d,delete",
        "delete",
        "Delete",
        tooltip="Move the paper to the trash (in the trash, is:deleted: restore it)",
        id="library.delete",
    ),
    Binding(
        "I",
        "imported_dumps",
        "Imported dumps",
        show=False,
        tooltip="List the imported dumps, and remove one's listings",
        id="library.dumps",
    ),
    Binding("question_mark", "help", "Help", tooltip="Show every key", id="library.help"),
    Binding("q", "quit", "Quit", tooltip="Quit readlist", id="library.quit"),
    *READING_BINDINGS,
    Binding(
        "enter",
        "read_full",
        "Full screen",
        show=False,
        tooltip="Show the paper full-screen",
        id="library.full_screen",
    ),
]
