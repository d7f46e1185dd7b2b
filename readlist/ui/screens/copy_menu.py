"""The copy menu (y): the paper's BibTeX entry, its link or its title, to the clipboard.

Through Textual's `copy_to_clipboard` (OSC 52, which most terminals pass to the system
clipboard, over ssh too). A terminal that ignores OSC 52 gives no sign, so a message
says what was copied. The menu names each key as the settings file binds it, and what
each would copy, so nothing is copied blind; a paper no listing gave a link says so.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from readlist.core.models import Paper
from readlist.core.printable import shown_in_line
from readlist.ui.keymap import key_label, rebound

NO_LINK = "none known: no listing gave this paper an arXiv id, a DOI or a link"


def bibtex_of(paper: Paper) -> str:
    """The paper's one entry, as `export --format bibtex` writes it."""
    from readlist.core.export import write_export  # only when a copy asks for it

    out = io.StringIO()
    write_export([paper], "bibtex", out)
    return out.getvalue()


class CopyMenu(ModalScreen[None]):
    """What of `paper` to copy; `keymap`: the keys the settings file rebinds."""

    BINDINGS = [
        Binding("b", "copy('bibtex')", "BibTeX", tooltip="Copy its BibTeX entry", id="copy.bibtex"),
        Binding(
            "l",
            "copy('link')",
            "Link",
            tooltip="Copy its link (arXiv, else its DOI or the link its source gave)",
            id="copy.link",
        ),
        Binding("h", "copy('hf')", "HF link", tooltip="Copy its Hugging Face link", id="copy.hf"),
        Binding("t", "copy('title')", "Title", tooltip="Copy its title", id="copy.title"),
        Binding("escape,q", "close", "Close", tooltip="Copy nothing", id="copy.close"),
    ]

    def __init__(self, paper: Paper, keymap: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.paper = paper
        self.keymap = dict(keymap or {})

    def _key(self, binding_id: str) -> str:
        binding = next(b for b in self.BINDINGS if isinstance(b, Binding) and b.id == binding_id)
        return key_label(rebound(binding, self.keymap))

    def compose(self) -> ComposeResult:
        meta = self.paper.meta
        table = Table(show_header=False, box=None, expand=True, padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(style="dim", ratio=1, overflow="fold")
        head = bibtex_of(self.paper).partition("\n")[0].rstrip(",")  # "@misc{key"
        table.add_row(
            Text(self._key("copy.bibtex")), Text("BibTeX"), Text(shown_in_line(head) + ", …}")
        )
        link = meta.page_url
        table.add_row(
            Text(self._key("copy.link")), Text("Link"), Text(shown_in_line(link or NO_LINK))
        )
        if meta.hf_url and meta.hf_url != link:  # both: either may be the one wanted
            table.add_row(Text(self._key("copy.hf")), Text("HF link"), Text(meta.hf_url))
        table.add_row(Text(self._key("copy.title")), Text("Title"), Text(""))
        with Vertical(id="copy-dialog"):
            yield Label(Text("Copy to the clipboard"), id="copy-heading")
            yield Static(Text(shown_in_line(self.paper.title)), id="copy-title")
            yield Static(table, id="copy-choices")
            yield Static(Text(f"{self._key('copy.close')} close"), id="copy-keys")

    def action_copy(self, what: str) -> None:
        meta = self.paper.meta
        texts = {
            "bibtex": ("the BibTeX entry", bibtex_of(self.paper) if what == "bibtex" else ""),
            "link": ("the link", meta.page_url),
            "hf": ("the Hugging Face link", meta.hf_url),
            "title": ("the title", self.paper.title),
        }
        named, text = texts[what]
        if not text:
            self.app.notify(f"This paper has no {named.removeprefix('the ')} to copy", timeout=4)
        else:
            self.app.copy_to_clipboard(text)
            self.app.notify(f"Copied {named} to the clipboard", timeout=4)
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
