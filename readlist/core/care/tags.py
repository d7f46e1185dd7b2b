"""Tags as the user reads them: the views' and exports' one line of a paper's tags.

The rule for a tag's name (and a saved search's) is the store's, as the rule for a
note's size is (readlist.core.store.tags): it refuses what it must never write, whoever
calls it; this package re-exports it for the CLI and the app."""

from __future__ import annotations

from collections.abc import Iterable

from readlist.core.store import NAME_MAX, BadNameError, one_word, sorted_tags, unique_names

__all__ = ["NAME_MAX", "BadNameError", "one_word", "sorted_tags", "tags_line", "unique_names"]


def tags_line(tags: Iterable[str]) -> str:
    """A paper's tags as a line reads them: "#ml #to-read"."""
    return " ".join(f"#{tag}" for tag in tags)
