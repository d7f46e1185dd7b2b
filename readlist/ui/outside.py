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
from typing import Any
from urllib.parse import quote_plus

from textual.app import App, SuspendNotSupported

from readlist.core.models import Paper
from readlist.ui.app_settings import AppSettings
from readlist.ui.screens.link import LinkScreen

SEARCH_URL = "https://huggingface.co/papers?q={}"


def edit_note_in_editor(app: App[Any], paper: Paper) -> str | None:
    """`paper`'s note in $VISUAL or $EDITOR (else vi), for those who write at length in
    their own editor: the text it saved, or None if it could not run or failed (the
    user is told)."""
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
        return None
    except (OSError, ValueError) as exc:
        app.notify(f"Could not run {editor}: {exc}", severity="error")
        return None
    finally:
        path.unlink(missing_ok=True)
    if result.returncode != 0:
        app.notify(f"{editor} exited with {result.returncode}; note unchanged")
        return None
    return text


def page_of(paper: Paper) -> str:
    """Where `o` takes the user: the paper's own page (arXiv, else its DOI, else the link
    its source gave; see PaperMeta.page_url), or its Hugging Face page; a search for its
    title only when no listing gave it an identity."""
    meta = paper.meta
    return meta.page_url or meta.hf_url or SEARCH_URL.format(quote_plus(paper.title))


def open_web(app: App[Any], paper: Paper, settings: AppSettings) -> None:
    """`paper`'s page (`page_of`) in the browser the settings name (else the system's);
    without one, the link alone and a key to copy it."""
    url = page_of(paper)
    browser = settings.values.browser  # None: the system's
    if not (_system_browser(url) if browser is None else settings.run(browser, url)):
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
