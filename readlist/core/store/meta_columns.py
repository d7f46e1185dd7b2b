"""A paper's identity (PaperMeta) as the columns of `papers` hold it: one column a
field, in PaperMeta's order, the authors as a JSON array; the listing's record stays
with each sighting. The reads and the import's writes both go through here."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Sequence

from readlist.core.models import NO_META, PaperMeta

COLUMNS = tuple(f.name for f in dataclasses.fields(PaperMeta) if f.name != "record")
NAMES = ", ".join(COLUMNS)
SLOTS = ", ".join("?" for _ in COLUMNS)
_AUTHORS = COLUMNS.index("authors")


def values_of(meta: PaperMeta | None) -> tuple[object, ...]:
    """The columns' values for `meta` (all NULL for none)."""
    if meta is None:
        return (None,) * len(COLUMNS)
    values = [getattr(meta, name) for name in COLUMNS]
    values[_AUTHORS] = json.dumps(list(meta.authors), ensure_ascii=False) if meta.authors else None
    return tuple(values)


def meta_of(values: Sequence[object]) -> PaperMeta:
    """The identity the columns' values (in COLUMNS' order) hold; NO_META for none."""
    if all(value is None for value in values):
        return NO_META
    fields = dict(zip(COLUMNS, values, strict=True))
    authors = fields.pop("authors")
    return PaperMeta(
        **fields,  # type: ignore[arg-type]
        authors=tuple(json.loads(authors)) if isinstance(authors, str) else (),
    )
