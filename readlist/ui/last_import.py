"""On start, the app says what the latest import did, if it was recent.

The quick start imports and then opens the app, whose screen takes the terminal and
with it the import's report. So the app says the gist again, as a toast: "Last import
2 min ago: 5 files, 358 new, 63 merged". Only an import of the last hour is news: an
older one is not what the user has just done.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from typing import Any

from textual.app import App

from readlist.core.models import ImportSummary
from readlist.ui.library import StorePool
from readlist.ui.messages import LastImportRead

RECENT = timedelta(hours=1)
SHOWN_SECONDS = 6


def said(summary: ImportSummary, now: datetime) -> str | None:
    """The line for the latest import, or None if it is not recent."""
    try:
        began = datetime.fromisoformat(summary.imported_at)
    except ValueError:
        return None
    if began.tzinfo is None:
        began = began.replace(tzinfo=UTC)
    age = now - began
    if abs(age) > RECENT:
        return None
    minutes = int(age.total_seconds() // 60)
    when = "just now" if minutes < 1 else f"{minutes} min ago"
    files = f"{summary.files} file{'s' if summary.files != 1 else ''}"
    return f"Last import {when}: {files}, {summary.new:,} new, {summary.merged:,} merged"


def tell(app: App[Any], library: StorePool) -> None:
    """Off the UI thread: read the latest import; if it is recent, its line goes to the
    app as LastImportRead, which toasts it (see `toast`)."""
    app.run_worker(lambda: _read(app, library), name="last import", thread=True)


def _read(app: App[Any], library: StorePool) -> None:
    try:
        summary = library.store().latest_import()
    except sqlite3.Error:  # the library's health check says what is wrong with it
        return
    line = None if summary is None else said(summary, datetime.now(UTC))
    if line is not None:
        app.post_message(LastImportRead(line))


def toast(app: App[Any], news: LastImportRead) -> None:
    app.notify(news.line, title="Import", timeout=SHOWN_SECONDS, markup=False)
