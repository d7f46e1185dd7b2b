"""bench/generate.py --hf-json: the benchmarks' corpus as Hugging Face Daily Papers
JSON carries the same papers as the text dumps, with an identity readlist imports."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from readlist.core.ingest import import_sources
from readlist.core.store import Store
from tests.conftest import NOW
from tests.unit.test_dedupe_dense import _generator

N = 900  # two days' files at seed 1


def _items(folder: Path) -> list[dict[str, object]]:
    return [
        item
        for path in sorted(folder.glob("[0-9]*.json"))
        for item in json.loads(path.read_text(encoding="utf-8"))
    ]


def test_the_json_lists_the_text_dumps_papers_in_their_order(tmp_path: Path) -> None:
    generate = _generator().generate
    generate(N, tmp_path / "text", seed=1)
    truth = generate(N, tmp_path / "json", seed=1, hf_json=True)
    texts = sorted((tmp_path / "text").glob("*.txt"))
    days = sorted((tmp_path / "json").glob("[0-9]*.json"))
    assert [p.stem for p in texts] == [p.stem for p in days] and len(days) >= 2
    for text, day in zip(texts, days, strict=True):
        items = json.loads(day.read_text(encoding="utf-8"))
        body = text.read_text(encoding="utf-8")
        titles = [item["paper"]["title"] for item in items]
        # Each title opens its own block of the text dump, in the same order.
        at = 0
        for title in titles:
            at = body.index(f"\n\n{title}\n\n", at) + 1
        assert all(item["title"] == item["paper"]["title"] for item in items)
    items = _items(tmp_path / "json")
    assert len(items) == truth["distinct"] + truth["near_duplicates"]
    assert len({item["paper"]["id"] for item in items}) == truth["distinct"]
    # A near-duplicate is its paper listed again (the same id); a look-alike is another.
    id_of = {item["paper"]["title"]: item["paper"]["id"] for item in items}
    assert truth["look_alikes"]
    for base, alike, *_ in truth["look_alikes"]:
        assert id_of[base] != id_of[alike]


def test_the_json_corpus_imports_one_paper_per_id_with_its_identity(tmp_path: Path) -> None:
    truth = _generator().generate(N, tmp_path / "json", seed=1, hf_json=True)
    items = _items(tmp_path / "json")
    papers = [item["paper"] for item in items]
    assert all(1 <= len(p["authors"]) <= 7 for p in papers)
    assert 0.05 < sum("upvotes" not in p for p in papers) / len(papers) < 0.15
    assert 0.2 < sum("githubRepo" in p for p in papers) / len(papers) < 0.4
    assert max(p.get("upvotes", 0) for p in papers) >= 100  # heavy-tailed
    surnames = Counter(a["name"].split()[-1] for p in papers for a in p["authors"])
    assert surnames.most_common(1)[0][1] > len(papers) / 20  # a surname many share
    assert sum(1 for count in surnames.values() if count == 1) > 100  # and rare ones

    with Store.open(tmp_path / "library.db") as store:
        reports = list(import_sources(store, [tmp_path / "json"], now=NOW))
        assert all(report.error is None for report in reports)
        rows = store.conn.execute(
            "SELECT count(*), count(arxiv_id), count(upvotes), count(github) FROM papers"
        ).fetchone()
    papers_, ids, upvoted, coded = rows
    assert papers_ == ids == truth["distinct"]
    assert upvoted < papers_ and coded < papers_
