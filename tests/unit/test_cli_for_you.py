"""`readlist list --sort for-you`: the papers "for you" ranks first, with their scores;
with nothing to learn from, the default order and one line on stderr, never a failure."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from readlist.core.store import Store
from readlist.core.store import connection as store_module
from tests.unit.rank_papers import ids_of, make_library, topic_of
from tests.unit.test_cli import ok, one_line_error, run


@pytest.fixture
def library(db_path: Path) -> Path:
    make_library(db_path).close()
    return db_path


def _learned(db: Path) -> None:
    """Five diffusion papers starred; five robot and five language papers read."""
    with Store.open(db) as store:
        store.set_flag(ids_of("diffusion")[:5], "starred", True)
        store.set_flag(ids_of("robots")[:5] + ids_of("language")[:5], "read", True)


def test_json_gives_each_paper_its_score_best_first(library: Path) -> None:
    _learned(library)
    result = ok(library, "list", "--sort", "for-you", "--limit", "5", "--format", "json")
    rows = json.loads(result.stdout)
    assert [topic_of(row["id"]) for row in rows] == ["diffusion"] * 5
    scores = [row["score"] for row in rows]
    assert scores == sorted(scores, reverse=True)
    assert all(isinstance(s, float) and 0 < s <= 1 and round(s, 4) == s for s in scores)
    assert not any(row["read"] or row["starred"] for row in rows)  # the undecided first
    assert result.stderr == ""
    plain = json.loads(ok(library, "list", "--limit", "1", "--format", "json").stdout)
    assert "score" not in plain[0]  # only for you scores


def test_a_query_narrows_the_ranking(library: Path) -> None:
    _learned(library)
    rows = json.loads(
        ok(library, "list", "molecule", "--sort", "for-you", "--format", "json").stdout
    )
    everything = json.loads(ok(library, "list", "molecule", "--format", "json").stdout)
    assert sorted(row["id"] for row in rows) == sorted(row["id"] for row in everything)
    assert {topic_of(row["id"]) for row in rows} == {"graphs"}


def test_a_library_that_takes_no_writes_is_ranked_all_the_same(
    library: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Terms are only a saving: with the write lock held elsewhere past busy_timeout (as
    a read-only library refuses the write), the list is ranked with terms made for it."""
    _learned(library)
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_MS", 50)
    holder = sqlite3.connect(library, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        result = ok(library, "list", "--sort", "for-you", "--limit", "5", "--format", "json")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert [topic_of(row["id"]) for row in json.loads(result.stdout)] == ["diffusion"] * 5
    with Store.open(library) as store:
        assert store.conn.execute("SELECT count(*) FROM paper_terms").fetchone() == (0,)


def test_tsv_names_the_score_column_and_table_shows_it(library: Path) -> None:
    _learned(library)
    tsv = ok(library, "list", "--sort", "for-you", "--limit", "2", "--format", "tsv").stdout
    head, first, _second = tsv.splitlines()
    assert head.split("\t") == [
        "id", "starred", "read", "last_seen", "times_seen", "title", "score"
    ]  # fmt: skip
    assert 0.5 < float(first.split("\t")[-1]) <= 1
    plain = ok(library, "list", "--limit", "1", "--format", "tsv").stdout
    assert plain.splitlines()[0].split("\t")[-1] == "title"
    table = ok(library, "list", "--sort", "for-you", "--limit", "1").stdout
    paper_id, _date, score, *_title = table.split()
    assert topic_of(int(paper_id)) == "diffusion" and 0.5 < float(score) <= 1


def test_with_nothing_to_learn_from_the_list_comes_in_its_default_order(library: Path) -> None:
    def said_once(stderr: str) -> None:
        lines = stderr.splitlines()
        assert len(lines) == 1 and "star a paper you like" in lines[0]

    ranked = ok(library, "list", "--sort", "for-you", "--format", "json")
    rows = json.loads(ranked.stdout)
    assert rows == [
        {**row, "score": None} for row in json.loads(ok(library, "list", "--format", "json").stdout)
    ]
    said_once(ranked.stderr)
    tsv = ok(library, "list", "--sort", "for-you", "--format", "tsv")
    head, *lines = ok(library, "list", "--format", "tsv").stdout.splitlines()
    assert tsv.stdout.splitlines() == [f"{head}\tscore", *(f"{line}\t" for line in lines)]
    said_once(tsv.stderr)
    table = ok(library, "list", "--sort", "for-you")
    assert table.stdout == ok(library, "list").stdout
    said_once(table.stderr)


def test_a_few_stars_rank_by_similarity_and_say_so(library: Path) -> None:
    with Store.open(library) as store:
        store.set_flag([ids_of("graphs")[0]], "starred", True)
    result = ok(library, "list", "--sort", "for-you", "--limit", "3", "--format", "json")
    assert {topic_of(row["id"]) for row in json.loads(result.stdout)} == {"graphs"}
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and "by similarity to 1 liked paper" in lines[0]


def test_mistakes_still_fail_in_one_line(library: Path) -> None:
    result = run(library, "list", "-survey", "--sort", "for-you")
    assert result.exit_code == 2
    one_line_error(result, "No such option: -survey")
    result = run(library, "list", "--sort", "for-yuo")
    assert result.exit_code == 2
    one_line_error(result, "for-yuo", "for-you")
