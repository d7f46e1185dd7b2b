"""The last model learned is kept in the library and taken again while the library is as
it was learned for (rank.kept): a decision, an import or a knob turned learns again."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from readlist.core.ingest.importer import Importer
from readlist.core.rank import Model, learn
from readlist.core.store import Store
from tests.conftest import NOW
from tests.unit.rank_papers import ids_of, make_library

LEARNING = importlib.import_module("readlist.core.rank.learn")  # the module, not learn()


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Store]:
    store = make_library(tmp_path / "library.db")
    store.set_flag(ids_of("diffusion")[:5], "starred", True)
    store.set_flag(ids_of("robots")[:5], "read", True)
    yield store
    store.close()


def _terms_kept(store: Store) -> int:
    return int(store.conn.execute("SELECT count(*) FROM paper_terms").fetchone()[0])


def _same(one: Model, other: Model) -> bool:
    return (
        (one.fitted, one.basis, one.stamp, one.bias)
        == (other.fitted, other.basis, other.stamp, other.bias)
        and np.array_equal(one.weight_of, other.weight_of)
        and np.array_equal(one.idf_of, other.idf_of)
    )


def test_an_unchanged_library_takes_the_kept_model_without_learning(library: Store) -> None:
    first = learn(library)
    # Learning makes the terms it lacks: with none left, only a kept model needs none.
    library.conn.execute("DELETE FROM paper_terms")
    again = learn(library)
    assert _terms_kept(library) == 0
    assert _same(first, again)
    assert again.weight_of.flags.writeable is False


def test_a_decision_learns_again(library: Store) -> None:
    first = learn(library)
    library.set_flag([ids_of("graphs")[0]], "read", True)
    library.conn.execute("DELETE FROM paper_terms")
    again = learn(library)
    assert _terms_kept(library) > 0  # learned again
    assert again.stamp != first.stamp
    assert again.basis == "learned from 5 liked papers and 6 others"


def test_an_import_learns_again(library: Store) -> None:
    first = learn(library)
    item = {
        "paper": {"id": "2603.00001", "title": "Graph sparsity", "summary": "Sparse graphs."},
        "publishedAt": "2026-11-02T08:00:00.000Z",
    }
    Importer(library, now=NOW).import_bytes(json.dumps([item]).encode(), "new.json")
    library.conn.execute("DELETE FROM paper_terms")
    again = learn(library)
    assert _terms_kept(library) > 0
    assert again.stamp == first.stamp  # no decision moved, but the papers did


def test_a_kept_model_that_makes_no_sense_is_learned_again(library: Store) -> None:
    first = learn(library)
    library.conn.execute("UPDATE rank_model SET model = x'00ff'")
    assert _same(learn(library), first)
    assert _terms_kept(library) > 0


def test_a_knob_turned_learns_again(library: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    learn(library)
    monkeypatch.setattr(LEARNING, "MIN_POSITIVES", 50)
    library.conn.execute("DELETE FROM paper_terms")
    again = learn(library)
    assert not again.fitted and _terms_kept(library) > 0
