"""arXiv ids, read the same way wherever they come from: a file's field (the readers of
readlist.core.ingest.formats) or a query's `id:` (readlist.core.query), so that the id a
paper is stored under is the one a search for it names."""

from __future__ import annotations

import re

# New-style ids (2504.01234, 0704.0001) and old-style ones (hep-th/9901001, math.GT/0309136),
# each with an optional version: the id is group 1, the version's digits group 2.
ID = r"(\d{4}\.\d{4,5}|[a-z][a-z-]*(?:\.[A-Z]{2})?/\d{7})(?:v(\d+))?"
_BARE_ID = re.compile(rf"(?:arxiv:)?{ID}", re.IGNORECASE)


def parse_id(text: str) -> tuple[str, int | None] | None:
    """`text` as an arXiv id ("2504.01234v2", "arXiv:hep-th/9901001"): the id without
    its version, and the version it named (None when it names none a column holds)."""
    match = _BARE_ID.fullmatch(text.strip())
    if match is None:
        return None
    return match.group(1), version_of(match.group(2))


def version_of(digits: str | None) -> int | None:
    """An id's version ("2" of "v2"), or None when it names none a column holds."""
    if not digits or len(digits) > 18:
        return None
    return int(digits)
