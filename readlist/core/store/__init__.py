"""The library file: connection and transactions, schema and migrations, reads, search,
the user's state, and the import-side writes that only readlist.core.ingest makes.

The front door is `Store`, with the few names its callers need beside it; every SQL
statement readlist runs lives in this package."""

from readlist.core.store.connection import NOTE_MAX_BYTES, Store, check_note_size
from readlist.core.store.damage import in_one_line as damage_in_one_line
from readlist.core.store.damage import record as record_damage
from readlist.core.store.imports import CANDIDATES_PER_KEY, RECENT_KEYS_CAP
from readlist.core.store.memory import ListSort, Memory, MemoryKey, Remembered, TriagePlace
from readlist.core.store.merge_reads import RowDict
from readlist.core.store.merges import PAPER_FIELDS_FILLED
from readlist.core.store.ranking import PaperDecision, RankRow
from readlist.core.store.schema import SCHEMA_VERSION
from readlist.core.store.search import Sort
from readlist.core.store.tags import NAME_MAX, BadNameError, one_word, sorted_tags, unique_names
from readlist.core.store.trash import TrashRow
from readlist.core.store.walk import Walk

__all__ = [
    "CANDIDATES_PER_KEY",
    "NAME_MAX",
    "NOTE_MAX_BYTES",
    "PAPER_FIELDS_FILLED",
    "RECENT_KEYS_CAP",
    "SCHEMA_VERSION",
    "BadNameError",
    "ListSort",
    "Memory",
    "MemoryKey",
    "PaperDecision",
    "RankRow",
    "Remembered",
    "RowDict",
    "Sort",
    "Store",
    "TrashRow",
    "TriagePlace",
    "Walk",
    "check_note_size",
    "damage_in_one_line",
    "one_word",
    "record_damage",
    "sorted_tags",
    "unique_names",
]
