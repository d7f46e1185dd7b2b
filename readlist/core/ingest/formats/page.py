"""A Daily Papers page saved from the browser ("Save page as", HTML).

The page embeds its papers as JSON in an element's `data-props` attribute
(`<div data-target="DailyPapers" data-props="{&quot;dailyPapers&quot;: [...]}">`), the
same items the API returns. The standard library's HTML parser finds that attribute and
unescapes it, so no pattern ever reads the HTML itself.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

from readlist.core.errors import DumpError
from readlist.core.ingest.formats.fields import day_of, tidy
from readlist.core.ingest.formats.hf import hf_dump
from readlist.core.models import ParsedDump

__all__ = ["read_page"]

_TARGET = "DailyPapers"


def read_page(text: str, source: str) -> ParsedDump:
    """The papers a saved Daily Papers page embeds; one line for a page without them."""
    props = _embedded(text)
    if props is None:
        raise DumpError(
            f"{source}: a web page, but no Daily Papers are embedded in it "
            "(save the page huggingface.co/papers shows, or use readlist fetch)"
        )
    try:
        value = json.loads(props)
    except (ValueError, RecursionError) as exc:
        raise DumpError(
            f"{source}: the Daily Papers this page embeds are not valid JSON ({tidy(str(exc))})"
        ) from None
    items = value.get("dailyPapers") if isinstance(value, dict) else None
    if not isinstance(items, list):
        raise DumpError(f"{source}: the page's Daily Papers element holds no list of papers")
    if not items:
        raise DumpError(f"{source}: a Daily Papers page with no papers in it")
    return hf_dump(items, source, listed_on=day_of(value.get("dateString")))


class _Finder(HTMLParser):
    """Collects the `data-props` of the Daily Papers element (or, on a page that names
    it otherwise, of any element whose props hold `dailyPapers`)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.targeted: str | None = None
        self.other: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        props = values.get("data-props")
        if props is None:
            return
        if values.get("data-target") == _TARGET:
            if self.targeted is None:
                self.targeted = props
        elif self.other is None and '"dailyPapers"' in props:
            self.other = props


def _embedded(text: str) -> str | None:
    finder = _Finder()
    try:
        finder.feed(text)
        finder.close()
    except (AssertionError, ValueError):  # markup html.parser gives up on, past the props
        pass
    return finder.targeted if finder.targeted is not None else finder.other
