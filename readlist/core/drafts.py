"""A note that could not be saved (changed elsewhere, too long, a failed write): its
words go to a file of their own, which the user is told of. The app keeps them so as it
quits; `readlist note --edit` keeps what was typed in $EDITOR."""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from readlist.core.models import Paper
from readlist.core.printable import shown, shown_in_line

PREFIX = "readlist-draft-"


def saved(paper: Paper) -> str:
    """The line that tells the user their note was saved as the app quit."""
    return f"readlist: saved your note on {_title(paper)}"


def kept(folder: Path, paper: Paper, text: str, why: str) -> str:
    """Keep `text` in a file (see `keep`); the line that says why and where. With
    nowhere to write, the line carries the words themselves."""
    try:
        path = keep(folder, paper.id, text)
    except OSError as exc:
        return (
            f"readlist: your note on {_title(paper)} was not saved ({why}), "
            f"nor kept in a file ({exc}); here it is:\n{shown(text)}"
        )
    return f"readlist: your note on {_title(paper)} was not saved ({why}); your words are in {path}"


def keep(folder: Path, paper_id: int, text: str) -> Path:
    """Write `text` to a new file in `folder` (the library's, where the user looks for
    readlist's files), else in the temp dir; never over an existing file. OSError when
    neither place takes it."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    failure: OSError | None = None
    for where in (folder, Path(tempfile.gettempdir())):
        try:
            return _write_new(where, f"{PREFIX}{paper_id}-{stamp}", text)
        except OSError as exc:
            failure = exc
    assert failure is not None
    raise failure


def _write_new(folder: Path, stem: str, text: str) -> Path:
    for attempt in range(1000):
        path = folder / (f"{stem}.md" if attempt == 0 else f"{stem}-{attempt}.md")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        try:
            with os.fdopen(fd, "w", encoding="utf-8", errors="surrogatepass", newline="") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
        except OSError:
            path.unlink(missing_ok=True)  # a part of the words is no draft
            raise
        return path
    raise FileExistsError(f"{folder}: too many drafts named {stem}")


def _title(paper: Paper) -> str:
    title = shown_in_line(paper.title)
    return f'"{title[:60]}…"' if len(title) > 61 else f'"{title}"'
