"""Dedupe stays bounded when blocking keys are dense: boilerplate passages that
thousands of abstracts share, or title openings many papers have. Each incoming paper
is decided against a few candidates whatever the library's size, and accuracy holds:
planted near-duplicates merged, look-alikes kept apart."""

from __future__ import annotations

import hashlib
import importlib.util
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from readlist.core import normalize
from readlist.core.ingest import dedupe
from readlist.core.ingest.dedupe import DECIDE_PER_PAPER, Verdict, fingerprint
from readlist.core.ingest.importer import Importer
from readlist.core.store import Store
from readlist.core.store.imports import CANDIDATES_PER_KEY
from tests.conftest import NOW

ROOT = Path(__file__).resolve().parents[2]
# Decisions per imported paper on a shared-passage corpus: a small constant (on a
# corpus whose abstracts are unique it is about 0.1).
DECIDE_BOUND = 1.0

OPENING = (
    "In this paper we present a comprehensive study of the problem and propose a novel"
    " framework that addresses the key limitations of existing approaches. "
)
CLOSING = (
    " Extensive experiments on multiple benchmarks demonstrate the effectiveness of our"
    " approach. Code and models are publicly available."
)


def _generator() -> ModuleType:
    """bench/generate.py, the benchmarks' corpus generator (bench/ is no package)."""
    spec = importlib.util.spec_from_file_location("bench_generate", ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def decide_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times dedupe.decide is called (one counter, in a list)."""
    return _count_decisions(monkeypatch)


def _count_decisions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    decide = dedupe.decide

    def counted(*args: Any, **kwargs: Any) -> dedupe.Decision:
        calls[0] += 1
        return decide(*args, **kwargs)

    monkeypatch.setattr(dedupe, "decide", counted)
    return calls


@dataclass(frozen=True)
class Imported:
    truth: dict[str, Any]  # what bench/generate.py planted
    library: Path
    decided: list[int]  # decisions so far, after each paper imported


@pytest.fixture(scope="module")
def shared_passages(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    """A generated corpus of 4,000 papers whose abstracts mostly open and/or close with
    one of a few passages (hundreds share each abstract key), imported dump by dump."""
    folder = tmp_path_factory.mktemp("shared")
    truth = _generator().generate(4000, folder / "dumps", seed=11, shared_passages=True)
    decided: list[int] = []
    with pytest.MonkeyPatch.context() as patch, Store.open(folder / "library.db") as store:
        calls = _count_decisions(patch)
        importer = Importer(store, now=NOW)
        for dump in sorted((folder / "dumps").glob("*.txt")):
            report = importer.import_bytes(
                dump.read_bytes(), dump.name, lambda _done, _total: decided.append(calls[0])
            )
            assert report.error is None
    return Imported(truth, folder / "library.db", decided)


def test_decisions_per_paper_stay_flat_as_a_shared_passage_library_grows(
    shared_passages: Imported,
) -> None:
    """A paper is decided against less than DECIDE_BOUND candidates on average, in
    each stretch of 500 papers, from the library's first to its last."""
    decided, window = shared_passages.decided, 500
    rates = [
        (decided[end - 1] - decided[end - window - 1]) / window
        for end in range(window + 1, len(decided) + 1, window)
    ]
    assert len(rates) >= 8
    assert max(rates) < DECIDE_BOUND, rates


def test_a_shared_passage_library_merges_every_near_duplicate_and_no_look_alike(
    shared_passages: Imported,
) -> None:
    """Near-duplicates whose abstracts open and close with boilerplate (so that both
    their end keys are dense) and whose title typo spoils both title keys are still
    found, by the middle of the abstract; look-alikes are still kept apart."""
    truth = shared_passages.truth
    with sqlite3.connect(shared_passages.library) as conn:
        (distinct,) = conn.execute("SELECT count(*) FROM papers").fetchone()
        rows = conn.execute("SELECT id, abstract FROM papers").fetchall()
        rows += conn.execute("SELECT paper_id, abstract FROM sightings WHERE abstract IS NOT NULL")
    assert distinct == truth["distinct"]  # every near-duplicate merged
    holders: dict[str, set[int]] = {}
    for paper_id, abstract in rows:
        holders.setdefault(abstract, set()).add(paper_id)
    for _, _, base, alike in truth["look_alikes"]:
        assert not holders[base] & holders[alike]


def _import(store: Store, papers: list[tuple[str, str]], name: str) -> None:
    body = "\n\n".join(f"{title}\n\n{abstract}" for title, abstract in papers)
    page = f"new\n\nGet trending papers in your email inbox!\n\nNov 20\n\n{body}\n"
    report = Importer(store, now=NOW).import_bytes(page.encode(), name)
    assert report.error is None, report.error


def _templated(i: int) -> tuple[str, str]:
    """A distinct paper whose abstract opens and closes with the shared passages."""
    words = [f"w{i}x{j}" for j in range(80)]
    title = hashlib.sha256(str(i).encode()).hexdigest()[:24]  # titles far apart
    return title, f"{OPENING}{' '.join(words)}.{CLOSING}"


def test_papers_sharing_only_boilerplate_are_not_decided(
    store: Store, decide_calls: list[int]
) -> None:
    """Many papers share both ends of their abstracts: once their keys' blocks are
    dense, importing two dozen more decides none against another (on the bare shared
    keys each would be decided against the newest few), and none merges."""
    _import(store, [_templated(i) for i in range(CANDIDATES_PER_KEY)], "a.txt")
    decide_calls[0] = 0
    _import(store, [_templated(i) for i in range(100, 124)], "b.txt")
    assert decide_calls[0] == 0
    assert store.conn.execute("SELECT count(*) FROM papers").fetchone()[0] == 32


def test_a_retitled_copy_is_found_by_its_rare_abstract_end(store: Store) -> None:
    """The abstract's opening is boilerplate shared by many, its closing is its own: a
    copy under a reworded title is merged through the closing's key, after many more
    papers with the same opening."""
    original = ("Sparse Routers for Long Context", OPENING + "We route tokens sparsely. " * 8)
    _import(store, [original], "a.txt")
    _import(store, [_templated(i) for i in range(3 * CANDIDATES_PER_KEY)], "b.txt")
    retitled = ("Routing Tokens Sparsely over a Long Context", original[1])
    _import(store, [retitled], "c.txt")
    titles = [row[0] for row in store.conn.execute("SELECT title FROM papers WHERE id = 1")]
    assert titles == [original[0]]
    (match,) = store.conn.execute("SELECT match FROM sightings WHERE dump_id = 3").fetchone()
    assert match == Verdict.SAME_FUZZY.value


def test_an_abstract_framed_by_boilerplate_has_a_key_of_its_own() -> None:
    """Two papers framed by the same opening and closing share those keys, and differ
    in the key at the middle of the abstract; a retyped title keeps all three."""
    ours, theirs = _templated(1), _templated(2)
    _, ours_keys = dedupe.block_keys(fingerprint(*ours))
    _, theirs_keys = dedupe.block_keys(fingerprint(*theirs))
    assert len(ours_keys) == 3
    assert ours_keys[:2] == theirs_keys[:2] and ours_keys[2] != theirs_keys[2]
    assert dedupe.block_keys(fingerprint(ours[0].upper(), ours[1]))[1] == ours_keys
    short = dedupe.block_keys(fingerprint("Short", "An abstract of a line or two, no more."))
    assert short[1] == ()  # too short for keys: the title's find it


def _block(ids: range, title: str) -> list[tuple[int, str]]:
    return [(i, normalize.match_title(title)) for i in reversed(ids)]


def test_a_dense_abstract_block_lets_papers_through_on_a_close_title_only() -> None:
    incoming = fingerprint("Dense Keys in Record Linkage", OPENING + "Ours.")
    dense = _block(range(1, CANDIDATES_PER_KEY + 1), "Something Else Entirely")
    dense[0] = (8, normalize.match_title("Dense Keys in Record Linkages"))
    rare = _block(range(20, 22), "Unrelated Title")
    found = dedupe.shortlist(incoming, [(dense, True), (rare, True)], dense=CANDIDATES_PER_KEY)
    assert found == [
        (8, normalize.match_title("Dense Keys in Record Linkages"), True),
        (20, normalize.match_title("Unrelated Title"), True),
        (21, normalize.match_title("Unrelated Title"), True),
    ]


def test_many_close_titles_are_cut_to_the_best_evidenced_few() -> None:
    """Forty papers whose titles all pass the screen: the same title, the paper sharing a
    rare abstract key and the closest titles are decided; the rest are not."""
    title = "Scaling Laws for Sparse Mixture of Experts"
    incoming = fingerprint(title, "")
    close = [(i, normalize.match_title(f"{title} {i}")) for i in range(1, 41)]
    same = [(50, normalize.match_title(title.upper()))]
    rare = [(60, normalize.match_title("Scaling Laws for Sparse Mixtures of Experts 9"))]
    found = dedupe.shortlist(
        incoming, [(close, False), (same, False), (rare, True)], dense=CANDIDATES_PER_KEY
    )
    ids = [paper_id for paper_id, _, _ in found]
    assert len(ids) == DECIDE_PER_PAPER and ids == sorted(ids)
    assert 50 in ids and 60 in ids
    assert all(i < 10 for i in ids if i < 50)  # the one-digit suffixes score closest


_TITLE = st.lists(st.sampled_from(["graph", "sparse", "law", "v2", "scaling", "a"]), min_size=1)
_BLOCK = st.lists(_TITLE.map(" ".join), max_size=CANDIDATES_PER_KEY)


@settings(max_examples=300)
@given(_TITLE.map(" ".join), st.lists(st.tuples(_BLOCK, st.booleans()), max_size=5))
def test_the_shortlist_is_the_screen_cut_to_a_few(
    title: str, blocks: list[tuple[list[str], bool]]
) -> None:
    """What shortlist keeps is the papers with a close title or a rare abstract key,
    DECIDE_PER_PAPER at most (the same title first), and all of them when that is fewer."""
    incoming = fingerprint(title, "")
    given_blocks: list[tuple[dedupe.Block, bool]] = []
    screened: set[int] = set()
    same: set[int] = set()
    next_id = 1
    for block_titles, is_abstract in blocks:
        block = [(next_id + i, normalize.match_title(t)) for i, t in enumerate(block_titles)]
        next_id += len(block)
        given_blocks.append((block, is_abstract))
        rare = is_abstract and len(block) < CANDIDATES_PER_KEY
        for paper_id, match_title in block:
            other = normalize.title_key(match_title)
            same.update([paper_id] if other == incoming.title_key else [])
            if rare or fuzz.ratio(incoming.title_key, other) >= dedupe.TITLE_REVIEW - 1:
                screened.add(paper_id)
    found = [i for i, _, _ in dedupe.shortlist(incoming, given_blocks, dense=CANDIDATES_PER_KEY)]
    assert found == sorted(found) and set(found) <= screened
    assert len(found) == min(len(screened), DECIDE_PER_PAPER)
    assert len(set(found) & same) == min(len(same), DECIDE_PER_PAPER)
