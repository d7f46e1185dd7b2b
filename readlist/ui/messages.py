"""What the app's reads found, posted from their workers to the screen that wants it.

A worker only reads; what it found goes back as one of these messages, posted to the
screen that asked (`post_message` is safe from any thread). A screen taken down while
its worker read has closed its queue, so the message is dropped there, never handled
against widgets that have gone. They do not bubble: each is news for its screen alone.
Widgets and screens whose own workers read nest their messages on themselves
(`PaperList.PageLoaded`, `ExportScreen.Written`).
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from textual.message import Message

from readlist.core.models import LibraryStats, Paper, Sighting
from readlist.core.store import ListSort, Walk

if TYPE_CHECKING:
    from readlist.core.rank import Model, Ranking

TriageOrder = Literal["best", "unsure", "listing"]  # ranked, least sure first, the list's


class _News(Message, bubble=False):
    """For the screen it is posted to alone: it and every kind of news below it never
    bubble up to the app (Message makes a subclass bubble unless it says otherwise)."""

    def __init_subclass__(cls, bubble: bool | None = False, **kwargs: Any) -> None:
        super().__init_subclass__(bubble=bubble, **kwargs)


class _Latest(_News):
    """Only the newest matters: one still waiting in the queue gives way to a newer one."""

    def can_replace(self, message: Message) -> bool:
        return type(message) is type(self)


# -- the main screen's results (readlist.ui.results) ---------------------------------------


@dataclass
class ResultsRead(_News):
    """The first page of `text` in `walk`'s order; `keep`: the paper the cursor stays on."""

    text: str
    walk: Walk
    first: list[Paper]
    keep: int | None


@dataclass
class RankingRead(_News):
    """`text`'s papers ranked for the user, and the first page of them; `keep`: the
    paper the cursor stays on; `basis`: what the model learned from."""

    text: str
    ranking: Ranking
    first: list[Paper]
    keep: int | None
    basis: str


@dataclass
class RankingProgress(_Latest):
    """Ranking `text`'s papers: `done` of `total` have their terms."""

    text: str
    done: int
    total: int


@dataclass
class RankingFailed(_News):
    """`text`'s papers could not be ranked: `line` says why; `unavailable`: there is
    nothing to learn from (the sort gives way to the next)."""

    text: str
    line: str
    unavailable: bool


@dataclass
class TotalCounted(_News):
    """How many papers `text` matches in `sort`'s order."""

    text: str
    sort: ListSort
    total: int


@dataclass
class PlaceFound(_News):
    """Where a paper stands in `text`'s results; `since`: the list's (generation,
    cursor) when it was asked, so that a key pressed meanwhile wins."""

    text: str
    walk: Walk
    index: int
    total: int | None
    since: tuple[int, int]


@dataclass
class StatsRead(_Latest):
    """The library's totals."""

    stats: LibraryStats


@dataclass
class PapersReread(_News):
    """The shown papers as the library holds them, and its totals; `writes`: the
    writer's count when the read began (a key pressed since makes it stale)."""

    writes: int
    papers: list[Paper]
    stats: LibraryStats


@dataclass
class DetailRead(_News):
    """A paper's sightings, for the detail pane (None: no paper highlighted), and its
    why line (see ForYou.why_line)."""

    paper: Paper | None
    sightings: list[Sighting]
    why: str = ""


@dataclass
class DetailWhyRead(_Latest):
    """The paper's why line made again, after the model learned again."""

    paper_id: int
    why: str


# -- what a failed read tells the user (readlist.ui.health) --------------------------------


@dataclass
class LibraryDamaged(_News):
    """The library file is damaged: said in full, once."""

    line: str


@dataclass
class ReadFailed(_News):
    """A read failed for another reason, or a filter met the damage again."""

    line: str


# -- triage's queue (readlist.ui.triage_queue) ---------------------------------------------


@dataclass
class QueueOpened(_News):
    """The queue's first papers; `total` if they are all of it; `start`: the remembered
    place's position, if queued."""

    first: list[Paper]
    total: int | None
    start: int | None
    order: TriageOrder = "listing"  # the order the queue came in
    said: str | None = None  # why it is not the order asked for, if it is not


@dataclass
class QueueRanking(_Latest):
    """The queue is being ranked: `done` of `total` papers have their terms."""

    done: int
    total: int


@dataclass
class QueueWhyRead(_News):
    """The why lines of the cards ahead, by paper id, as the model of `stamp` says them."""

    stamp: int
    lines: dict[int, str]


@dataclass
class QueueReordered(_News):
    """The ids that came after position `after` when asked, in `order`, with the papers
    of the first few; `said`: why the order could not be had (the ids are then None);
    `stamp`: the state stamp of the model that ranked them, if one did."""

    after: int
    order: TriageOrder
    ids: list[int] | None
    papers: list[Paper]
    said: str | None = None
    stamp: int | None = None


@dataclass
class QueueCounted(_News):
    total: int


@dataclass
class QueueGrew(_News):
    """More of the queue's ids, in order (each chunk follows the last: none gives way)."""

    ids: array[int]


@dataclass
class QueuePapersRead(_News):
    """The papers of `ids` still in the library, fetched ahead of their cards."""

    ids: list[int]
    papers: list[Paper]


@dataclass
class QueueFailed(_News):
    """A read of the queue failed; `ids`: the papers whose fetch failed, if any."""

    line: str
    ids: list[int]


# -- the app ---------------------------------------------------------------------------------


@dataclass
class LastImportRead(_News):
    """The line that says the latest import, read as the app starts (see last_import)."""

    line: str


# -- for you (readlist.ui.for_you) ------------------------------------------------------------


@dataclass
class ModelChanged(_News):  # the app posts it on to its screens
    """The model was learned again (`model`), or cannot be (`reason`, one line): posted
    to the app, which posts one to each of its screens."""

    model: Model | None
    reason: str | None
