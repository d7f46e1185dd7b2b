"""Handing a paper to another program: the user's editor for its note, the browser for
its page. The app waits for the editor with the terminal handed over; with no browser to
open, the link comes up in a dialog, to copy."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
import webbrowser
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote_plus

from textual.app import SuspendNotSupported

from readlist.core.models import Paper
from readlist.ui.history import Change
from readlist.ui.screens.link import LinkScreen

if TYPE_CHECKING:
    from readlist.ui.app import ReadlistApp

SEARCH_URL = "https://huggingface.co/papers?q={}"


def edit_note_in_editor(app: ReadlistApp, paper: Paper) -> None:
    """`paper`'s note in $VISUAL or $EDITOR (else vi), for those who write at length in
    their own editor; what it saves goes to the library as a change `u` takes back."""
    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi"
    with tempfile.NamedTemporaryFile("w", suffix=".md", delete=False, encoding="utf-8") as fh:
        fh.write(paper.note)
        path = Path(fh.name)
    try:
        with app.suspend():
            result = subprocess.run([*shlex.split(editor), str(path)], check=False)
        text = path.read_text(encoding="utf-8")
    except SuspendNotSupported:
        app.notify("No terminal to hand to $EDITOR here; use n", severity="error")
        return
    except (OSError, ValueError) as exc:
        app.notify(f"Could not run {editor}: {exc}", severity="error")
        return
    finally:
        path.unlink(missing_ok=True)
    if result.returncode != 0:
        app.notify(f"{editor} exited with {result.returncode}; note unchanged")
    elif text != paper.note:
        app.apply("note", Change(paper, "note", text))


def open_web(app: ReadlistApp, paper: Paper) -> None:
    """`paper`'s title searched on Hugging Face Papers, in the browser the settings name
    (else the system's); without one, the link alone and a key to copy it."""
    url = SEARCH_URL.format(quote_plus(paper.title))
    browser = app.settings.values.browser  # None: the system's
    if not (_system_browser(url) if browser is None else app.settings.run(browser, url)):
        app.push_screen(LinkScreen(url))


def _system_browser(url: str) -> bool:
    """Open `url` in the system's browser, unless that is one for the terminal (lynx,
    w3m, www-browser over ssh): it would run in the app's own terminal, fighting the app
    for it, and the app would wait for it to end. False: the link is offered instead."""
    try:
        found = webbrowser.get()
    except webbrowser.Error:
        found = None
    if isinstance(found, webbrowser.GenericBrowser) and not isinstance(
        found, webbrowser.BackgroundBrowser
    ):
        return False
    return webbrowser.open(url)
