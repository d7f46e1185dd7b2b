"""`readlist list --sort for-you`: the papers of a query in the order "for you" gives them
(readlist.core.rank), with their scores. Imported only on that path: numpy and the
ranker are slow to import, and every other `list` needs neither.

The ranking never fails the command: with nothing to learn from, the list comes in its
default order and one line on stderr says why and what to do; stdout stays data."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator

import click

from readlist.core.models import Paper
from readlist.core.query import Query
from readlist.core.store import Store

# Papers whose terms a first ranking makes before it says, on a terminal, that it does.
SAY_MAKING_FROM = 5000


def _say(line: str) -> None:
    click.echo(f"readlist: {line}", err=True)


def ranked(
    store: Store, plan: Query, limit: int | None
) -> tuple[Iterator[Paper], dict[int, float]]:
    """The query's papers, best first for the user (the undecided first, then the
    decided), and each one's score; with nothing to rank by, the papers in the default
    order and no scores."""
    from readlist.core.rank import RankUnavailable, learn, rank
    from readlist.core.rank.learn import MIN_NEGATIVES, MIN_POSITIVES

    try:
        model = learn(store)
    except RankUnavailable as exc:
        _say(f"{exc} (listed latest first)")
        return store.iter_search(plan, limit=limit), {}
    if not model.fitted:
        _say(
            f"for you ranks {model.basis} until it has {MIN_POSITIVES} liked papers"
            f" (starred, noted or tagged) and {MIN_NEGATIVES} others to learn from"
        )
    ranking = rank(store, model, plan, progress=_progress())
    ids = [int(paper_id) for paper_id in ranking.ids[:limit]]
    scores = dict(zip(ids, ranking.scores[: len(ids)].tolist(), strict=True))
    return _in_chunks(store, ids), scores


def _in_chunks(store: Store, ids: list[int]) -> Iterator[Paper]:
    for start in range(0, len(ids), 500):
        yield from store.get_many(ids[start : start + 500])


def _progress() -> Callable[[int, int], None]:
    """On a terminal, one line when a first ranking reads many papers' text."""
    said = False

    def progress(done: int, total: int) -> None:
        nonlocal said
        if not said and done == 0 and total >= SAY_MAKING_FROM and sys.stderr.isatty():
            _say(f"for you: reading {total} papers' text once (kept for next time)")
            said = True

    return progress
