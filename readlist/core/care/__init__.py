"""Library care: the user fixing and organising the library. Merging, splitting and
keeping apart duplicates; the trash and undoing an import; tags and saved searches.

Each step keeps the user's state (stars, read marks, notes, tags) and can be undone.
The SQL lives in the store; this package holds what is not SQL, and is the front door
the CLI and the app call.
"""

from readlist.core.care.compare import Marked, differing_words
from readlist.core.care.merge import (
    MergeResult,
    Restored,
    SplitResult,
    forget_kept_apart,
    keep_apart,
    merge,
    open_pairs,
    split,
    unmerge,
)
from readlist.core.care.tags import NAME_MAX, BadNameError, one_word, sorted_tags, tags_line
from readlist.core.care.trash import deletion, removal_said, to_delete

__all__ = [
    "NAME_MAX",
    "BadNameError",
    "Marked",
    "MergeResult",
    "Restored",
    "SplitResult",
    "deletion",
    "differing_words",
    "forget_kept_apart",
    "keep_apart",
    "merge",
    "one_word",
    "open_pairs",
    "removal_said",
    "sorted_tags",
    "split",
    "tags_line",
    "to_delete",
    "unmerge",
]
