"""What the import and export dialogs share: reading the path the user typed."""

from __future__ import annotations

from pathlib import Path


def expand(text: str) -> Path:
    """What the user typed, as a path: outer spaces and quotes (a dropped file) and ~ go."""
    text = text.strip()
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        text = text[1:-1]
    return Path(text).expanduser()
