"""The help screen: every key, read from the bindings themselves so it cannot drift, as
the settings file may have rebound them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from readlist.ui.keymap import key_label, rebound

QUERY_LANGUAGE = (
    ("words", "all of them, as word prefixes: continual matches continually"),
    ('"a phrase"', "the words in sequence"),
    ("-word", "without it"),
    ("title:x abstract:x note:x", "in one field only"),
    ("is:starred is:read is:unread", "by state"),
    ("has:note", "papers with a note"),
    ("author:name id:2504.01234", "by author (a prefix) or arXiv id"),
    ("has:code has:id is:withdrawn", "with a repo, an id; withdrawn"),
    ("is:deleted", "the trash (hidden from every other view)"),
    ("upvotes>=20", "by upvotes (also > < <= =)"),
    ("published>=2026-01", "by year, month or day published"),
    ("a OR b", "either"),
)


def key_rows(
    bindings: Iterable[BindingType], keymap: Mapping[str, str] | None = None
) -> list[tuple[str, str]]:
    """(keys, what they do) for each described binding; `keymap`: binding id -> the keys
    the settings file gives it instead."""
    rows = []
    for binding in bindings:
        if isinstance(binding, Binding) and binding.description:
            keys = rebound(binding, keymap or {})
            rows.append((key_label(keys), binding.tooltip or binding.description))
    return rows


def key_table(title: str, rows: Iterable[tuple[str, str]]) -> Table:
    table = Table(title=title, title_justify="left", show_header=False, box=None, expand=True)
    table.add_column(style="bold", no_wrap=True, min_width=12)
    table.add_column(ratio=1)
    for key, description in rows:
        table.add_row(Text(key), Text(description))
    return table


def sections(keymap: Mapping[str, str] | None = None) -> list[Table]:
    from readlist.ui.screens.copy_menu import CopyMenu
    from readlist.ui.screens.library import LibraryScreen
    from readlist.ui.screens.link import LinkScreen
    from readlist.ui.screens.note import NoteEditor
    from readlist.ui.screens.reader import ReaderScreen
    from readlist.ui.screens.triage import TriageScreen
    from readlist.ui.widgets.paper_list import PaperList
    from readlist.ui.widgets.path_input import PathInput

    main = [
        *key_rows(PaperList.BINDINGS, keymap),
        *key_rows(LibraryScreen.BINDINGS, keymap),
        ("Ctrl+P", "command palette: every action, and the theme"),
    ]
    return [
        key_table("Main screen", main),
        key_table(
            "Filter (type after /, which offers the last one; Enter keeps it, Esc clears it)",
            QUERY_LANGUAGE,
        ),
        key_table("The paper full-screen (Enter)", key_rows(ReaderScreen.BINDINGS, keymap)),
        key_table("Triage (t): one card at a time", key_rows(TriageScreen.BINDINGS, keymap)),
        key_table("Note editor (n)", key_rows(NoteEditor.BINDINGS, keymap)),
        key_table("Copy menu (y)", key_rows(CopyMenu.BINDINGS, keymap)),
        key_table("Dialogs", key_rows([*PathInput.BINDINGS, LinkScreen.COPY], keymap)),
    ]


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help.close")]

    def __init__(self, keymap: Mapping[str, str] | None = None, settings: str = "") -> None:
        """`keymap`: the keys the settings file rebinds; `settings`: where that file is."""
        super().__init__()
        self.keymap = dict(keymap or {})
        self.settings = settings

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = "readlist keys  ·  Esc closes"
            for table in sections(self.keymap):
                yield Static(table)
            if self.settings:
                yield Static(
                    Text(
                        f"Keys, theme and more are set in {self.settings} "
                        "(readlist config --init writes one that lists them all)."
                    ),
                    id="help-settings",
                )

    def action_close(self) -> None:
        self.dismiss(None)
