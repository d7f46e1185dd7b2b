"""Library care: the user fixing and organising the library. Merging, splitting and
keeping apart duplicates; the trash and undoing an import; tags and saved searches.

Each step keeps the user's state (stars, read marks, notes, tags) and can be undone.
The SQL lives in the store; this package holds what is not SQL, and is the front door
the CLI and the app call.
"""

from readlist.core.care.trash import deletion, removal_said, to_delete

__all__ = ["deletion", "removal_said", "to_delete"]
