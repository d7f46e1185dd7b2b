"""Placeholder until the readers land: nothing is structured yet."""

from __future__ import annotations

from readlist.core.models import ParsedDump


def read_structured(data: bytes, source: str) -> ParsedDump | None:
    return None


def looks_structured(head: bytes) -> bool:
    return False
