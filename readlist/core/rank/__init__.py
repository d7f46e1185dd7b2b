""" "For you": a ranking of papers learned from the user's own decisions (stars, read
marks, notes, tags and triage skips), offline and with numpy alone.

The front door: `learn(store)` -> Model, then `rank(store, model, query_or_ids)` ->
Ranking; `Model.why(paper)` says in one line what weighs for a paper. Imported only
by the code paths that rank: numpy is slow to import, and `readlist list` and the app's
first paint need none of it."""

from readlist.core.rank.learn import learn
from readlist.core.rank.model import Model, RankCancelled, RankUnavailable
from readlist.core.rank.ranking import Order, Ranking, rank

__all__ = ["Model", "Order", "RankCancelled", "RankUnavailable", "Ranking", "learn", "rank"]
