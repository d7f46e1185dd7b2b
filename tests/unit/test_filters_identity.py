"""The filters on a paper's identity (author:, id:, has:code, has:id, has:authors,
is:withdrawn, upvotes and published comparisons) and the sorts by upvotes and by the day
published: on the store, on every read path, and through `readlist list`.

The papers come in through the import, from the Hugging Face JSON.
"""

from __future__ import annotations

import json
import random
import string
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from readlist.cli import LIST_SORTS, cli
from readlist.core.ingest.importer import Importer
from readlist.core.models import Paper
from readlist.core.query import parse_query
from readlist.core.store import Store, search
from readlist.core.store import walk as walk_module
from readlist.core.store.search import SORTS, plain_where, where_clause
from readlist.core.store.walk import Walk
from tests.conftest import NOW
from tests.unit.test_hostile_query import read_every_way

PAPERS = 42
NAMES = ["Yann LeCun", "Jane Smith", "John Smithson", "Ana Müller", "Li Wei", "Smith Jones"]


def identity_of(n: int) -> dict[str, Any]:
    """Paper n's identity: every field missing from some papers."""
    meta: dict[str, Any] = {}
    if n % 5:
        meta["upvotes"] = n * 7 % 45 if n > 1 else 0  # 0 to 44, some twice
    if n % 7:
        meta["published"] = f"{2025 + n % 2}-{n % 12 + 1:02}-{n % 28 + 1:02}"
    if n % 6:
        meta["authors"] = [NAMES[n % len(NAMES)], NAMES[(n * 5 + 1) % len(NAMES)]]
    if n % 4:
        meta["arxiv_id"], meta["version"] = f"2504.{n:05}", 1 + n % 3
    elif n % 8 == 0:
        meta["arxiv_id"] = f"hep-th/99010{n:02}"
    if n % 3 == 0:
        meta["github"] = f"https://github.com/lab/repo{n}"
    if n in (13, 26):
        meta["withdrawn"] = "2026-02-01"
    return meta


def hf_item(n: int) -> dict[str, Any]:
    """Paper n as an item of the Hugging Face Daily Papers JSON, listed on a day of its
    own; its title shares words with others (for the walk) and has one of its own."""
    meta = identity_of(n)
    paper: dict[str, Any] = {
        "title": f"{'alpha ' if n % 2 else ''}{'beta ' if n % 3 else ''}paper {_OWN[n]}",
        "summary": f"An abstract of {_OWN[n]} {_OWN[-n]}.",
        "authors": [{"name": name} for name in meta.get("authors", [])],
        "upvotes": meta.get("upvotes"),
        "githubRepo": meta.get("github"),
    }
    if "arxiv_id" in meta:
        paper["id"] = meta["arxiv_id"] + (f"v{meta['version']}" if "version" in meta else "")
    if "published" in meta:
        paper["publishedAt"] = meta["published"] + "T17:59:58.000Z"
    if "withdrawn" in meta:
        paper["withdrawnAt"] = meta["withdrawn"] + "T00:00:00.000Z"
    return {"paper": paper, "publishedAt": f"2026-11-{n % 20 + 1:02}T08:00:00.000Z"}


# A word for each paper that no other has, nor shares a prefix with.
_OWN = ["".join(random.Random(n).choices(string.ascii_lowercase, k=10)) for n in range(90)]


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    """Read only: the papers of identity_of, imported from the Hugging Face JSON."""
    path: Path = tmp_path_factory.mktemp("identity") / "library.db"
    items = [hf_item(n) for n in range(1, PAPERS + 1)]
    with Store.open(path) as store:
        report = Importer(store, now=NOW).import_bytes(json.dumps(items).encode(), "daily.json")
        assert report.error is None
        assert [paper.title for paper in store.search(parse_query(""), sort="title")] == sorted(
            (item["paper"]["title"] for item in items), key=str.lower
        )
        for n in range(1, PAPERS + 1):  # paper n has id n, as the cases expect
            assert store.get(n).title == items[n - 1]["paper"]["title"]
        store.set_flag(range(1, PAPERS + 1, 4), "starred", True)
        yield store


def _between(value: Any, low: Any, high: Any) -> bool:
    return value is not None and (low is None or value >= low) and (high is None or value < high)


def _authored(name: str) -> Callable[[Paper], bool]:
    return lambda p: any(name in author.lower().split() for author in p.meta.authors)


# The filter, and what it means, said in Python over the papers the store gives back.
CASES: list[tuple[str, Callable[[Paper], bool]]] = [
    ("author:lecun", _authored("lecun")),
    ("author:LeCun", _authored("lecun")),
    ("author:smith", lambda p: any("smith" in a.lower() for a in p.meta.authors)),
    ('author:"jane smith"', lambda p: "Jane Smith" in p.meta.authors),
    ("author:muller", _authored("müller")),  # the library's tokenizer folds diacritics
    ("author:müller", _authored("müller")),
    ("-author:smith", lambda p: not any("smith" in a.lower() for a in p.meta.authors)),
    ("author:lecun OR author:wei", lambda p: _authored("lecun")(p) or _authored("wei")(p)),
    ("id:2504.00005", lambda p: p.meta.arxiv_id == "2504.00005"),
    ("id:2504.00005v3", lambda p: p.meta.arxiv_id == "2504.00005"),
    ("id:arXiv:2504.00005", lambda p: p.meta.arxiv_id == "2504.00005"),
    ("id:https://arxiv.org/abs/2504.00005v1", lambda p: p.meta.arxiv_id == "2504.00005"),
    ("id:https://huggingface.co/papers/2504.00005", lambda p: p.meta.arxiv_id == "2504.00005"),
    ("id:hep-th/9901008", lambda p: p.meta.arxiv_id == "hep-th/9901008"),
    ("-id:2504.00005", lambda p: p.meta.arxiv_id != "2504.00005"),
    ("id:2504.00001 OR id:2504.00002", lambda p: p.id in (1, 2)),
    ("has:code", lambda p: p.meta.github is not None),
    ("-has:code", lambda p: p.meta.github is None),
    ("has:id", lambda p: p.meta.arxiv_id is not None),
    ("-has:id", lambda p: p.meta.arxiv_id is None),
    ("has:authors", lambda p: bool(p.meta.authors)),
    ("-has:authors", lambda p: not p.meta.authors),
    ("is:withdrawn", lambda p: p.meta.withdrawn is not None),
    ("-is:withdrawn", lambda p: p.meta.withdrawn is None),
    ("upvotes>=20", lambda p: _between(p.meta.upvotes, 20, None)),
    ("upvotes>20", lambda p: _between(p.meta.upvotes, 21, None)),
    ("upvotes<=5", lambda p: _between(p.meta.upvotes, None, 6)),
    ("upvotes<5", lambda p: _between(p.meta.upvotes, None, 5)),
    ("upvotes=0", lambda p: p.meta.upvotes == 0),
    ("upvotes=14", lambda p: p.meta.upvotes == 14),
    ("-upvotes>=20", lambda p: not _between(p.meta.upvotes, 20, None)),  # None included
    ("upvotes>=99999999999999999999999", lambda p: False),
    ("published>=2026-01-01", lambda p: _between(p.meta.published, "2026-01-01", None)),
    ("published>2026-01-05", lambda p: _between(p.meta.published, "2026-01-06", None)),
    ("published<2025-03", lambda p: _between(p.meta.published, None, "2025-03")),
    ("published<=2025-03", lambda p: _between(p.meta.published, None, "2025-04")),
    ("published=2026", lambda p: _between(p.meta.published, "2026", "2027")),
    ("published=2025-11", lambda p: _between(p.meta.published, "2025-11", "2025-12")),
    ("published>2025", lambda p: _between(p.meta.published, "2026", None)),
    ("published=2026-04-04", lambda p: p.meta.published == "2026-04-04"),
    ("published=2026-4-4", lambda p: p.meta.published == "2026-04-04"),
    ("published<=2026-04-04", lambda p: _between(p.meta.published, None, "2026-04-05")),
    ("published=2026-12 OR published<2025-02", lambda p: _between(
        p.meta.published, "2026-12", "2027") or _between(p.meta.published, None, "2025-02")),
    ("-published=2026", lambda p: not _between(p.meta.published, "2026", "2027")),
    # with words, states and each other: the walk runs these
    ("alpha upvotes>=10", lambda p: p.id % 2 == 1 and _between(p.meta.upvotes, 10, None)),
    ("beta author:smith", lambda p: p.id % 3 != 0 and _authored("smith")(p)),
    ("alpha -beta has:code", lambda p: p.id % 2 == 1 and p.id % 3 == 0),
    ("alpha upvotes>=30 OR is:starred", lambda p: p.id % 2 == 1 and (
        _between(p.meta.upvotes, 30, None) or p.starred)),
    ("-alpha published=2025 -has:code", lambda p: p.id % 2 == 0 and _between(
        p.meta.published, "2025", "2026") and p.meta.github is None),
]  # fmt: skip


@pytest.mark.parametrize(("text", "meaning"), CASES, ids=[text for text, _ in CASES])
def test_a_filter_on_identity_finds_what_it_says_on_every_read_path(
    library: Store, text: str, meaning: Callable[[Paper], bool]
) -> None:
    query = parse_query(text)
    assert query.hints == ()
    expected = [paper.id for paper in library.search(parse_query("")) if meaning(paper)]
    assert read_every_way(library, query) == expected
    with pytest.MonkeyPatch.context() as patch:  # every range broad: tested row by row
        patch.setattr(search, "NARROW_FILTER", 0)
        assert read_every_way(library, query) == expected
    if "99999" not in text:
        assert expected, f"{text} matches nothing: a weak check"


def test_the_fields_are_set_as_the_cases_expect(library: Store) -> None:
    """give_identity wrote what identity_of says, through the store's own reads."""
    paper = library.get(3)
    assert paper.meta.authors == ("Ana Müller", "Li Wei")
    assert (paper.meta.arxiv_id, paper.meta.upvotes) == ("2504.00003", 21)
    assert library.get(30).meta.upvotes is None


@pytest.mark.parametrize("sort", list(SORTS))
def test_every_sort_orders_by_its_field_with_the_unknown_last(library: Store, sort: str) -> None:
    papers = library.search(parse_query(""), sort=sort)  # type: ignore[arg-type]
    assert len(papers) == PAPERS
    if sort == "upvotes":
        keys = [(p.meta.upvotes is None, -(p.meta.upvotes or 0), p.id) for p in papers]
        assert keys == sorted(keys)
    elif sort == "published":
        known = [p.meta.published for p in papers if p.meta.published is not None]
        assert known == sorted(known, reverse=True)
        assert all(p.meta.published is None for p in papers[len(known) :])
    for paper in papers[:: len(papers) // 7]:
        assert library.position_of(parse_query(""), sort, paper.id) == papers.index(paper)  # type: ignore[arg-type]


def test_a_filter_by_upvotes_keeps_its_place_in_the_sort_by_upvotes(library: Store) -> None:
    query = parse_query("upvotes>=10 alpha")
    papers = library.search(query, sort="upvotes")
    assert len(papers) > 5
    for index, paper in enumerate(papers):
        assert library.position_of(query, "upvotes", paper.id) == index
        assert library.position_of(query, "published", paper.id) is not None
    assert library.position_of(query, "upvotes", 30) is None  # no upvotes


def test_the_filters_read_indexes_not_every_paper(library: Store) -> None:
    """upvotes and published read their index, id the unique one, author: authors_fts."""
    plans = {
        "upvotes>=20": "papers_upvotes",
        "published>=2026-01": "papers_published",
        "id:2504.00005": "papers_arxiv",
        "author:smith": "authors_fts",
    }
    for text, index in plans.items():
        where = where_clause(parse_query(text))
        details = _plan(library, f"SELECT count(*) FROM papers p{where.sql}", where.params)
        assert index in details, (text, details)
        assert "SCAN p " not in details + " ", (text, details)


def _plan(store: Store, sql: str, params: list[Any]) -> str:
    rows = store.conn.execute("EXPLAIN QUERY PLAN " + sql, params).fetchall()
    return " | ".join(row[-1] for row in rows)


def test_a_narrow_filter_is_read_as_a_list_and_a_broad_one_in_order(library: Store) -> None:
    """upvotes>=1000 would test every paper in display order to find its few; upvotes>=1
    finds its first page at once that way, where its index would have to sort most."""
    plans = [
        ("upvotes>=43", "papers_upvotes", True),
        ("upvotes>=1", "papers_latest", False),
        ("published>2026-12-10", "papers_published", True),
        ("published>=2025", "papers_latest", False),
        ("is:withdrawn", "SCAN p", True),  # a read of the table, then a sort
        ("has:code", "papers_latest", False),
        ("-is:withdrawn", "papers_latest", False),
    ]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(search, "NARROW_FILTER", 3)
        for text, index, listed in plans:
            where = plain_where(library.conn, parse_query(text))
            assert ("IN (SELECT p.id FROM papers p WHERE" in where.sql) == listed, text
            sql = f"SELECT p.id FROM papers p{where.sql} ORDER BY {SORTS['latest']} LIMIT 20"
            assert index in _plan(library, sql, where.params), text


def test_a_walk_gathers_a_filter_few_papers_pass_through_its_index(library: Store) -> None:
    """Words in most papers and upvotes few have: the walk would read far for its page,
    and the words too many to gather by, so the papers with those upvotes are tested."""
    query = parse_query("alpha upvotes>=30")
    expected = [paper.id for paper in library.search(query)]
    with pytest.MonkeyPatch.context() as patch:
        for name, value in [("CHUNK_MIN", 2), ("CHUNK_MAX", 4), ("BUDGET", 4)]:
            patch.setattr(walk_module, name, value)
        patch.setattr(walk_module, "GATHER_TESTED", 2)
        patch.setattr(search, "NARROW_FILTER", 10)
        walk = Walk(query)
        assert [paper.id for paper in library.page(query, 0, 2, walk=walk)] == expected[:2]
    assert walk.total == len(expected) > 2
    assert walk.forward.ids == expected


def test_only_words_make_a_filter_walk() -> None:
    """The walk copies a chunk's words to match them: a filter without words has no use
    for it, whatever its own SQL matches against (author: reads authors_fts)."""
    for text in ["author:smith", "upvotes>=20 has:code", "id:2504.00001", "-author:x"]:
        assert not where_clause(parse_query(text)).uses_text, text
    for text in ["alpha author:smith", "-alpha upvotes>=1", "alpha OR has:code"]:
        assert where_clause(parse_query(text)).uses_text, text


# -- readlist list ------------------------------------------------------------------


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args])


@pytest.fixture
def listed(library: Store) -> Path:
    return library.path


def _ids(result: Result) -> list[int]:
    assert result.exit_code == 0, result.output
    return [int(line.split("\t")[0]) for line in result.stdout.splitlines()[1:]]


def test_list_sorts_by_each_order_under_its_hyphenated_name(listed: Path) -> None:
    assert set(LIST_SORTS.values()) == set(SORTS)
    with Store.open(listed) as store:
        for name, sort in LIST_SORTS.items():
            expected = [p.id for p in store.search(parse_query("alpha"), sort=sort, limit=9)]
            assert _ids(run(listed, "list", "alpha", "--sort", name, "--limit", "9", "--format",
                            "tsv")) == expected, name  # fmt: skip
    default = run(listed, "list", "--format", "tsv")
    assert _ids(default) == _ids(run(listed, "list", "--sort", "latest", "--format", "tsv"))


def test_list_top_upvoted_and_filtered_by_identity(listed: Path) -> None:
    top = run(listed, "list", "upvotes>=40", "--sort", "upvotes", "--format", "json")
    assert top.exit_code == 0
    rows = json.loads(top.stdout)
    assert [row["upvotes"] for row in rows] == [44, 43, 42, 41]
    assert top.stderr == ""
    smiths = run(listed, "list", 'author:"jane smith"', "--format", "json")
    assert all("Jane Smith" in row["authors"] for row in json.loads(smiths.stdout))


def test_list_says_a_bad_value_and_a_bad_sort_in_one_line(listed: Path) -> None:
    result = run(listed, "list", "alpha", "upvotes>=lots", "--format", "tsv")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "unknown filter upvotes>=lots — write a count: upvotes>=20"
    ]
    assert _ids(result) == _ids(run(listed, "list", "alpha", "--format", "tsv"))
    bad = run(listed, "list", "--sort", "stars")
    assert bad.exit_code == 2
    assert "Invalid value for '--sort': 'stars' is not one of" in bad.stderr
    assert "Traceback" not in bad.output
