"""The main screen's status line (and the detail's state line), fitted to its width part
by part.

A line cut at its end loses what comes last, whatever it is. Here each part has a rank:
when the line is too long the least important part is cut short (if it may be) or left
out, and so on up, so that the counts always show whole and a hint about the filter
right after them. The filter's own text is cut short rather than the totals: the filter
bar above shows it whole.
A part may have a short form, taken before a part of the next rank is cut (the counts
say "12/358 shown" rather than cut a hint), or when nothing is left to give up.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual.widget import Widget

WIDE = "  ·  "
NARROW = " · "  # when the wide separators do not leave room for every part
MIN_CUT = 12  # cells: a part cut shorter than this says too little; it is left out


@dataclass(frozen=True, slots=True)
class Part:
    """One piece of the status line. `rank` 0 matters most and is never left out; a part
    that may be `cut` ends in an ellipsis where the room ends; a `short` form stands in
    for the text before a part of the next rank is cut or left out, or when nothing
    else can give way."""

    text: str
    rank: int
    cut: bool = False
    short: str | None = None


def fit(parts: Sequence[Part], width: int, seps: Sequence[str] = (WIDE, NARROW)) -> str:
    """The parts, in their order, in at most `width` cells, the least important given
    up first; between them the first of `seps` that leaves room for all, else the last."""
    kept = list(parts)
    for sep in seps:
        if _width(kept, sep) <= width:
            return sep.join(part.text for part in kept)
    sep = seps[-1]
    while _width(kept, sep) > width:
        droppable = [part for part in kept if part.rank > 0]
        if not droppable:
            shorter = [i for i, part in enumerate(kept) if part.short]
            if not shorter:
                break  # what is left is cut by the line's own ellipsis
            for i in shorter:
                kept[i] = Part(kept[i].short or "", kept[i].rank, kept[i].cut)
            continue
        least = max(reversed(droppable), key=lambda part: part.rank)  # the last of a rank
        shorter = [i for i, part in enumerate(kept) if part.short and part.rank == least.rank - 1]
        if shorter:
            for i in shorter:
                kept[i] = Part(kept[i].short or "", kept[i].rank, kept[i].cut)
            continue
        others = [part for part in kept if part is not least]
        room = width - _width(others, sep) - cell_len(sep)
        index = kept.index(least)
        if least.cut and room >= MIN_CUT:
            kept[index] = Part(set_cell_size(least.text, room - 1).rstrip() + "…", least.rank)
            break
        del kept[index]
    return sep.join(part.text for part in kept)


def _width(parts: Sequence[Part], sep: str) -> int:
    return sum(cell_len(part.text) for part in parts) + cell_len(sep) * max(len(parts) - 1, 0)


class StatusLine(Widget):
    """One line, redrawn in place without a new layout, fitted to its width
    again whenever it is drawn."""

    DEFAULT_CSS = "StatusLine { height: 1; text-wrap: nowrap; text-overflow: ellipsis; }"

    def __init__(self, *, id: str | None = None, seps: Sequence[str] = (WIDE, NARROW)) -> None:
        super().__init__(id=id)
        self._parts: tuple[Part, ...] = ()
        self._seps = tuple(seps)

    def show(self, parts: Sequence[Part]) -> None:
        self._parts = tuple(parts)
        self.refresh()

    def render(self) -> Text:
        width = self.content_size.width or 1_000  # not laid out yet: all of it
        return Text(fit(self._parts, width, self._seps), no_wrap=True, overflow="ellipsis")
