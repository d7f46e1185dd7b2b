"""The library file: connection and transactions, schema and migrations, reads, search,
the user's state, and the import-side writes that only readlist.core.ingest makes.

The front door is `Store`; every SQL statement readlist runs lives in this package."""

from readlist.core.store.connection import NOTE_MAX_BYTES, Store, check_note_size

__all__ = ["NOTE_MAX_BYTES", "Store", "check_note_size"]
