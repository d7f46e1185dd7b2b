""" "For you" learns from the user's decisions on a small hand-made library (rank_papers):
four topics, each with its own words and authors."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from readlist.core.ingest.importer import Importer
from readlist.core.models import PaperMeta
from readlist.core.query import parse_query
from readlist.core.rank import Model, RankUnavailable, learn, rank
from readlist.core.store import Store
from tests.conftest import NOW
from tests.unit.rank_papers import PER_TOPIC, ids_of, make_library, topic_of

EVERY_PAPER = parse_query("")


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Store]:
    store = make_library(tmp_path / "library.db")
    yield store
    store.close()


def _topics(ids: np.ndarray) -> list[str]:
    return [topic_of(int(paper_id)) for paper_id in ids]


def _mean(numbers: list[int]) -> float:
    return sum(numbers) / len(numbers)


def _fitted_on_diffusion(store: Store) -> Model:
    """Five diffusion papers starred; five robot and five language papers read."""
    store.set_flag(ids_of("diffusion")[:5], "starred", True)
    store.set_flag(ids_of("robots")[:5] + ids_of("language")[:5], "read", True)
    model = learn(store)
    assert model.fitted
    return model


def test_a_user_who_stars_only_diffusion_papers_gets_diffusion_papers_first(
    library: Store,
) -> None:
    model = _fitted_on_diffusion(library)
    ranking = rank(library, model, EVERY_PAPER)
    undecided = 4 * PER_TOPIC - 15
    assert ranking.undecided == undecided
    assert _topics(ranking.ids[:5]) == ["diffusion"] * 5
    # The topics read come after the one it never saw, on the whole.
    places: dict[str, list[int]] = {}
    for place, topic in enumerate(_topics(ranking.ids[:undecided])):
        places.setdefault(topic, []).append(place)
    assert _mean(places["diffusion"]) < _mean(places["graphs"]) < _mean(places["robots"])
    assert _mean(places["graphs"]) < _mean(places["language"])
    assert model.basis == "learned from 5 liked papers and 10 others"
    assert model.stamp == library.state_stamp()


def test_with_no_liked_paper_there_is_nothing_to_rank_by(library: Store) -> None:
    library.set_flag(ids_of("robots"), "read", True)
    with pytest.raises(RankUnavailable, match="star a paper you like") as caught:
        learn(library)
    assert "\n" not in str(caught.value)


def test_one_star_ranks_by_similarity_to_it(library: Store) -> None:
    library.set_flag([ids_of("graphs")[0]], "starred", True)
    model = learn(library)
    assert not model.fitted
    assert model.basis == "by similarity to 1 liked paper"
    ranking = rank(library, model, EVERY_PAPER)
    assert ranking.undecided == 4 * PER_TOPIC - 1
    assert _topics(ranking.ids[:5]) == ["graphs"] * 5
    assert ranking.ids[-1] == ids_of("graphs")[0]  # the decided come last
    assert float(ranking.scores.min()) >= 0.0 and float(ranking.scores.max()) <= 1.0


def test_reading_without_a_star_pushes_similar_papers_down(library: Store) -> None:
    library.set_flag([ids_of("diffusion")[0], ids_of("graphs")[0]], "starred", True)
    before = rank(library, learn(library), EVERY_PAPER)
    library.set_flag(ids_of("graphs")[1:6], "read", True)
    library.set_flag(ids_of("diffusion")[1:4] + ids_of("robots")[:1], "starred", True)
    after = rank(library, learn(library), EVERY_PAPER)
    graph = ids_of("graphs")[7]
    assert after.score_of(graph) is not None and before.score_of(graph) is not None
    assert list(after.ids).index(graph) > list(before.ids).index(graph)


def _score_after(store: Store, *, skips: int) -> float:
    """The score of a language paper once five others are skipped `skips` times each."""
    for _ in range(skips):
        for paper_id in ids_of("language")[:5]:
            store.record_skip(paper_id)
    ranking = rank(store, learn(store), [ids_of("language")[9]])
    score = ranking.score_of(ids_of("language")[9])
    assert score is not None
    return score


def test_skips_count_against_similar_papers_weakly(library: Store, tmp_path: Path) -> None:
    library.set_flag(ids_of("diffusion")[:5], "starred", True)
    library.set_flag(ids_of("robots")[:5], "read", True)
    unskipped = _score_after(library, skips=0)
    skipped = _score_after(library, skips=1)
    assert skipped < unskipped
    # Read instead of skipped, the same papers count more.
    with make_library(tmp_path / "other.db") as other:
        other.set_flag(ids_of("diffusion")[:5], "starred", True)
        other.set_flag(ids_of("robots")[:5] + ids_of("language")[:5], "read", True)
        read = rank(other, learn(other), [ids_of("language")[9]]).score_of(ids_of("language")[9])
    assert read is not None and read < skipped


def test_notes_and_tags_count_as_liking(library: Store) -> None:
    library.set_note(ids_of("robots")[0], "the grasping trick, try it")
    library.add_tag([ids_of("robots")[1]], "grasping")
    model = learn(library)
    assert "2 liked papers" in model.basis
    assert _topics(rank(library, model, EVERY_PAPER).ids[:5]) == ["robots"] * 5


def test_why_names_words_the_liked_papers_share(library: Store) -> None:
    model = _fitted_on_diffusion(library)
    best = library.get(int(rank(library, model, EVERY_PAPER).ids[0]))
    why = model.why(best)
    words = why.split(" · ")[0].split(", ")
    assert 1 <= len(words) <= 3
    text = f"{best.title} {best.abstract}".lower()
    assert all(word in text for word in words), why
    assert model.score(best) > 0.5
    # Nothing of a paper on another subject weighs for it.
    other = dataclasses.replace(
        best, title="Quasar photometry", abstract="Quasar spectra.", meta=PaperMeta()
    )
    assert model.why(other) == ""


def test_least_sure_first_orders_the_undecided_by_closeness_to_the_boundary(
    library: Store,
) -> None:
    model = _fitted_on_diffusion(library)
    best = rank(library, model, EVERY_PAPER)
    unsure = rank(library, model, EVERY_PAPER, order="unsure")
    assert unsure.undecided == best.undecided
    closeness = np.abs(unsure.scores[: unsure.undecided] - 0.5)
    assert list(closeness) == sorted(closeness)
    assert sorted(unsure.ids[: unsure.undecided]) == sorted(best.ids[: best.undecided])
    decided = unsure.scores[unsure.undecided :]
    assert list(decided) == sorted(decided, reverse=True)


def test_a_ranking_of_ids_keeps_the_decided_after_the_undecided(library: Store) -> None:
    model = _fitted_on_diffusion(library)
    asked = [ids_of("diffusion")[0], ids_of("graphs")[3], ids_of("diffusion")[8], 10_000]
    ranking = rank(library, model, asked)
    assert list(ranking.ids) == [
        ids_of("diffusion")[8],
        ids_of("graphs")[3],
        ids_of("diffusion")[0],
    ]
    assert ranking.undecided == 2
    assert ranking.score_of(10_000) is None


def _wordless(title: str, number: int, day: int) -> dict[str, object]:
    """A paper of stopwords alone: no terms, so its score ties with any other such."""
    return {
        "paper": {"id": f"2602.{number:05}", "title": title, "summary": "We propose a new method."},
        "publishedAt": f"2026-11-{day:02}T08:00:00.000Z",
    }


def test_ties_keep_the_listing_order_not_the_ids(library: Store) -> None:
    first, second = _wordless("About this paper", 1, 1), _wordless("Above these methods", 2, 1)
    Importer(library, now=NOW).import_bytes(json.dumps([first, second]).encode(), "a.json")
    # The second seen again later: latest first, it lists before the first (a lower id).
    again = _wordless("Above these methods", 2, 22)
    Importer(library, now=NOW).import_bytes(json.dumps([again]).encode(), "b.json")
    listed = [i for i in library.iter_ids(EVERY_PAPER) if i > 4 * PER_TOPIC]
    assert listed == [4 * PER_TOPIC + 2, 4 * PER_TOPIC + 1]
    model = _fitted_on_diffusion(library)
    ranking = rank(library, model, EVERY_PAPER).ids.tolist()
    assert [i for i in ranking if i in listed] == listed
    assert ranking.index(listed[0]) + 1 == ranking.index(listed[1])  # tied, side by side
    # Ids asked for keep their own order among ties.
    assert rank(library, model, listed[::-1]).ids.tolist() == listed[::-1]
