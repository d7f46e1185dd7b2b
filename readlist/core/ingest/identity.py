"""What a paper's identity becomes when another listing of it comes in.

A listing is one dump's word on a paper at one date. A field the paper lacks is taken
from any listing; a field it has is taken from a listing as new as the one it came from,
or newer: the upvotes of the latest listing stand, and an older listing imported later
changes nothing a newer one set. A file that gives no listing day (BibTeX, RIS,
CSL-JSON) weighs as the oldest ("" for its day): it fills what a paper lacks, and a
dated listing's values stand over it, whichever came first. The arXiv id, once known, is
never replaced (a listing with another id is another paper: dedupe never merges them),
the version kept is the latest seen, and a day published is never made vaguer (a
BibTeX entry's month does not replace the day a Hugging Face listing gave) while any
listing may make it more precise. Where each field came from is kept with it
(`Sources`), as the library stores it (papers.meta_from).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from readlist.core.models import PaperMeta

# field -> (dump id, ISO date of the listing) that gave it its value
Sources = Mapping[str, tuple[int, str]]

# The fields a listing may set: all but the record, which each sighting keeps.
FIELDS = tuple(f.name for f in dataclasses.fields(PaperMeta) if f.name != "record")


def _given(value: object) -> bool:
    return value is not None and value != ()


def _refines(name: str, current: object, value: object) -> bool:
    """Whether `value` is the day published that `current` told less precisely ("2024-10"
    -> "2024-10-13"): taken from any listing, however old, since it says more, not other."""
    return (
        name == "published"
        and isinstance(current, str)
        and isinstance(value, str)
        and len(current) < len(value)
        and value.startswith(current)
    )


def sources_of(meta: PaperMeta, dump_id: int, listed_on: str) -> Sources:
    """Where a new paper's fields came from: all from its one listing."""
    return {name: (dump_id, listed_on) for name in FIELDS if _given(getattr(meta, name))}


def combine(
    old: PaperMeta, old_sources: Sources, new: PaperMeta, dump_id: int, listed_on: str
) -> tuple[PaperMeta, Sources]:
    """The paper's identity once the listing `new` (of dump `dump_id`, listed on
    `listed_on`) is taken in, and where each field now comes from."""
    changes: dict[str, object] = {}
    sources = dict(old_sources)
    for name in FIELDS:
        value = getattr(new, name)
        if not _given(value):
            continue
        current = getattr(old, name)
        if name == "arxiv_id" and current is not None:
            continue
        if name == "version" and current is not None and current >= value:
            continue
        if name == "published" and isinstance(current, str) and current.startswith(value):
            continue  # "2024-10" says less than the "2024-10-13" the paper has
        came = old_sources.get(name)
        newer = _given(current) and came is not None and came[1] > listed_on
        if newer and name != "version" and not _refines(name, current, value):
            continue  # a newer listing set it
        if current != value:
            changes[name] = value
        sources[name] = (dump_id, listed_on)
    meta = dataclasses.replace(old, record=None, **changes)  # type: ignore[arg-type]
    return meta, sources
