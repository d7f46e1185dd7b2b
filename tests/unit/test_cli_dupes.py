"""`readlist dupes`, `merge`, `split` and `keep-apart` from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.unit.test_cli import ok, one_line_error, run
from tests.unit.test_importer import make_dump
from tests.unit.test_merge import A, B, C


@pytest.fixture
def pair(db_path: Path, tmp_path: Path) -> Path:
    """Papers 1 (A) and 3 (B), held for review; 2 (C)."""
    (tmp_path / "a.txt").write_bytes(make_dump([A, C]))
    (tmp_path / "b.txt").write_bytes(make_dump([B], "Nov 21"))
    ok(db_path, "import", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    return db_path


def _pairs(db: Path) -> list[dict[str, object]]:
    return json.loads(ok(db, "dupes", "--format", "json").stdout)  # type: ignore[no-any-return]


def test_dupes_lists_the_open_pairs_with_their_fields(pair: Path) -> None:
    [found] = _pairs(pair)
    assert set(found) == {
        "paper_id",
        "other_id",
        "title",
        "other_title",
        "title_score",
        "abstract_score",
        "reason",
    }
    assert (found["paper_id"], found["other_id"], found["title"]) == (3, 1, B[0])
    assert found["reason"] == "close title, different abstract"


def test_merge_says_what_it_did_and_how_to_undo_it(pair: Path) -> None:
    ok(pair, "mark", "3", "--star")
    ok(pair, "note", "1", "mine")
    ok(pair, "note", "3", "theirs")
    out = ok(pair, "merge", "1", "3").stdout
    assert out == (
        f"Merged 1 paper into 1 '{A[0]}': starred, notes joined. `readlist split 1` undoes this.\n"
    )
    assert _pairs(pair) == []
    [paper] = json.loads(ok(pair, "list", "--format", "json", "is:starred").stdout)
    assert paper["id"] == 1 and "theirs" in paper["note"]
    out = ok(pair, "split", "1").stdout
    assert out.startswith("Split 1 paper from 1: 3 'Scaling Sparse Attention")
    assert out.endswith("…'. `readlist merge 1 3` merges again.\n")
    assert [p["paper_id"] for p in _pairs(pair)] == [3]


def test_keep_apart_closes_the_pair_for_good(pair: Path, tmp_path: Path) -> None:
    out = ok(pair, "keep-apart", "3", "1").stdout
    assert out.startswith("Kept papers 3 and 1 apart")
    assert _pairs(pair) == []
    assert "No possible duplicates to review." in ok(pair, "dupes").stdout
    (tmp_path / "b2.txt").write_bytes(make_dump([B], "Nov 22"))
    ok(pair, "import", str(tmp_path / "b2.txt"))
    assert _pairs(pair) == []


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["merge", "1", "1"], ["cannot merge paper 1 into itself; nothing changed"]),
        (["merge", "1", "99"], ["no paper with id 99; nothing changed"]),
        (["split", "2"], ["paper 2 has no merges to split; nothing changed"]),
        (["split", "99"], ["no paper with id 99; nothing changed"]),
        (["keep-apart", "1", "1"], ["cannot keep paper 1 apart from itself; nothing changed"]),
        (
            ["keep-apart", "1", "99999999999999999999"],
            ["no paper with id 99999999999999999999; nothing changed"],
        ),
    ],
)
def test_bad_ids_are_one_line_and_change_nothing(
    pair: Path, args: list[str], fragments: list[str]
) -> None:
    before = ok(pair, "list", "--format", "json").stdout
    one_line_error(run(pair, *args), *fragments)
    assert ok(pair, "list", "--format", "json").stdout == before
    assert len(_pairs(pair)) == 1


def test_a_merged_papers_id_is_never_given_again(pair: Path, tmp_path: Path) -> None:
    """Ids name one paper for good: a paper imported after a merge takes a new id, and a
    split brings the merged paper back under its own."""
    ok(pair, "merge", "1", "3")
    (tmp_path / "g.txt").write_bytes(make_dump([("Graph Nets", "Graphs. Nets.")], "Nov 22"))
    ok(pair, "import", str(tmp_path / "g.txt"))
    assert [p["id"] for p in json.loads(ok(pair, "list", "--format", "json", "graph").stdout)] == [
        4
    ]
    out = ok(pair, "split", "1").stdout
    assert "taken" not in out
    assert out.endswith("`readlist merge 1 3` merges again.\n")
