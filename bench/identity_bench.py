"""Papers with identity at N: importing Hugging Face JSON, and the identity filters.

    python bench/identity_bench.py N [--work DIR] [--rounds R] [--json]

One corpus (bench/generate.py, seed 7) written twice: as text dumps, the baseline, and
as Hugging Face Daily Papers JSON (`--hf-json`), the same papers, a file a day.

- Import: `readlist import FOLDER` of each into a fresh library, process start
  included, taking turns (text, JSON, JSON, text, ...) R times; the median of each and
  their ratio. Then the JSON again as listed a day later (every item's upvotes changed)
  into the JSON library: each listing merges by arXiv id and updates its upvotes. The
  library is checked after it: N papers, every one with its new upvotes.
- Filters on that library, each against `diffusion` (the baseline, in the same run):
  in-process (`Store.search(parse_query(q), limit=20)`, median of 7) and as a process
  (`readlist list Q --limit 20`, median of 5, process start included, bytecode
  compiled). Rounds go over every query in turn, so that load on the machine falls on
  all of them alike. A query slower in-process than SLOW_MS is flagged, with its plan.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cli_bench import READLIST, bytecode
from generate import generate
from harness import ms
from library import DEFAULT_WORK

from readlist.core.query import parse_query
from readlist.core.store import Store
from readlist.core.store.search import SORTS, Sort, plain_where

IN_PROCESS_RUNS = 7
PROCESS_RUNS = 5
SLOW_MS = 200.0
BASELINE = "diffusion"


def corpus(n: int, work: Path) -> dict[str, Path]:
    """The text dumps, the same papers as JSON, and the JSON listed again a day later;
    made once per N and kept in `work`."""
    base = work / f"identity-{n}"
    folders = {name: base / name for name in ("text", "json", "relisted")}
    for name, hf_json in (("text", False), ("json", True)):
        truth = folders[name] / ".truth.json"
        if not truth.exists() or json.loads(truth.read_text())["distinct"] != n:
            shutil.rmtree(folders[name], ignore_errors=True)
            generate(n, folders[name], hf_json=hf_json)
    if not (folders["relisted"] / ".done").exists():
        relist(folders["json"], folders["relisted"])
    return folders


def relist(source: Path, out: Path) -> None:
    """Every item of `source` again, with its upvotes changed (and given to the few that
    had none), as a day later's listing of the same days gives them."""
    rng = random.Random(11)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for path in sorted(source.glob("[0-9]*.json")):
        items = json.loads(path.read_text(encoding="utf-8"))
        for item in items:
            paper = item["paper"]
            paper["upvotes"] = int(paper.get("upvotes", 0) * 1.2) + rng.randint(1, 5)
        (out / path.name).write_text(json.dumps(items), encoding="utf-8")
    (out / ".done").write_text("")


def latest_upvotes(folder: Path) -> dict[str, int]:
    """Each arXiv id's upvotes in its last listing in `folder`: what the library keeps."""
    upvotes: dict[str, int] = {}
    for path in sorted(folder.glob("[0-9]*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            if "upvotes" in item["paper"]:
                upvotes[item["paper"]["id"]] = item["paper"]["upvotes"]
    return upvotes


def listings(folder: Path) -> int:
    truth = json.loads((folder / ".truth.json").read_text())
    return int(truth["distinct"]) + int(truth["near_duplicates"])


def timed_import(db: Path, folder: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [*READLIST, "--db", str(db), "import", str(folder)],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - start


def megabytes(db: Path) -> float:
    """The library on disk, its write-ahead log included."""
    return round(sum(p.stat().st_size for p in db.parent.glob(db.name + "*")) / 1e6, 1)


def fresh(db: Path) -> Path:
    for path in db.parent.glob(db.name + "*"):
        path.unlink()
    return db


def imports(folders: dict[str, Path], work: Path, rounds: int) -> tuple[dict[str, object], Path]:
    """The import figures, and the JSON library after the re-listing."""
    seconds: dict[str, list[float]] = {"text": [], "json": []}
    size: dict[str, float] = {}
    library = work / "identity-json.db"
    for turn in range(rounds):
        order = ("text", "json") if turn % 2 == 0 else ("json", "text")
        for name in order:
            db = library if name == "json" else work / "identity-text.db"
            seconds[name].append(timed_import(fresh(db), folders[name]))
            size[name] = megabytes(db)
    fresh(work / "identity-text.db")
    count = listings(folders["json"])
    relisted = timed_import(library, folders["relisted"])
    size["relisted"] = megabytes(library)
    text, hf = (statistics.median(seconds[name]) for name in ("text", "json"))
    figures: dict[str, object] = {
        "listings": count,
        "text_s": round(text, 2),
        "json_s": round(hf, 2),
        "text_us_per_listing": round(text / count * 1e6),
        "json_us_per_listing": round(hf / count * 1e6),
        "json_over_text": round(hf / text, 2),
        "relisted_s": round(relisted, 2),
        "relisted_us_per_listing": round(relisted / count * 1e6),
        "relisted_over_text": round(relisted / text, 2),
        "text_mb": size["text"],
        "json_mb": size["json"],
        "relisted_mb": size["relisted"],
    }
    figures.update(check(library, folders["relisted"]))
    return figures, library


def check(library: Path, relisted: Path) -> dict[str, object]:
    """What the re-listing left: one paper per id, each with its newest upvotes."""
    want = latest_upvotes(relisted)
    with Store.open(library) as store:
        rows = store.conn.execute(
            "SELECT arxiv_id, upvotes FROM papers WHERE arxiv_id IS NOT NULL"
        ).fetchall()
        papers = store.conn.execute("SELECT count(*) FROM papers").fetchone()[0]
    stale = sum(1 for arxiv, upvotes in rows if want.get(arxiv) != upvotes)
    return {"papers_after_relisting": papers, "ids": len(rows), "upvotes_not_updated": stale}


def queries(folder: Path) -> list[tuple[str, str, Sort]]:
    """The filters, with the corpus's most common surname, one surname of one paper, an
    id from the middle and a day published near the end."""
    surnames: Counter[str] = Counter()
    ids: list[str] = []
    published: list[str] = []
    for path in sorted(folder.glob("[0-9]*.json")):
        for item in json.loads(path.read_text(encoding="utf-8")):
            paper = item["paper"]
            ids.append(paper["id"])
            published.append(paper["publishedAt"][:10])
            surnames.update({a["name"].split()[-1] for a in paper["authors"]})
    common = surnames.most_common(1)[0][0]
    # author: matches a prefix of a name, so the rare one begins no other surname.
    names = sorted(surnames)
    rare = next(
        name
        for i, name in enumerate(names)
        if surnames[name] == 1 and (i + 1 == len(names) or not names[i + 1].startswith(name))
    )
    recent = sorted(published)[len(published) * 97 // 100]
    return [
        ("baseline", BASELINE, "latest"),
        ("upvotes>=20", "upvotes>=20", "latest"),
        ("upvotes>=1000", "upvotes>=1000", "latest"),
        ("author:common", f"author:{common}", "latest"),
        ("author:rare", f"author:{rare}", "latest"),
        ("id:", f"id:{ids[len(ids) // 2]}", "latest"),
        ("has:code", "has:code", "latest"),
        ("is:withdrawn", "is:withdrawn", "latest"),
        ("published>=recent", f"published>={recent}", "latest"),
        ("--sort upvotes", "", "upvotes"),
        ("diffusion upvotes>=20", f"{BASELINE} upvotes>=20", "latest"),
        ("diffusion author:common", f"{BASELINE} author:{common}", "latest"),
    ]


Found = tuple[float, int, list[str]]  # median ms, rows, query plan


def in_process(library: Path, qs: list[tuple[str, str, Sort]]) -> dict[str, Found]:
    times: dict[str, list[float]] = {label: [] for label, _, _ in qs}
    rows: dict[str, int] = {}
    with Store.open(library) as store:
        for _ in range(IN_PROCESS_RUNS):
            for label, text, sort in qs:
                start = time.perf_counter()
                found = store.search(parse_query(text), limit=20, sort=sort)
                times[label].append(time.perf_counter() - start)
                rows[label] = len(found)
        plans = {label: plan(store, text, sort) for label, text, sort in qs}
    return {
        label: (ms(statistics.median(times[label])), rows[label], plans[label]) for label in times
    }


def plan(store: Store, text: str, sort: Sort) -> list[str]:
    """EXPLAIN QUERY PLAN of the SQL `search` runs for a filter without words (one with
    words is walked in pages, walk.py)."""
    where = plain_where(store.conn, parse_query(text))
    if where.uses_text:
        return ["walked (words): see walk.py"]
    sql = f"SELECT p.id FROM papers p{where.sql} ORDER BY {SORTS[sort]} LIMIT 20"
    return [row[3] for row in store.conn.execute(f"EXPLAIN QUERY PLAN {sql}", where.params)]


def as_process(library: Path, qs: list[tuple[str, str, Sort]]) -> dict[str, float]:
    times: dict[str, list[float]] = {label: [] for label, _, _ in qs}
    for _ in range(PROCESS_RUNS):
        for label, text, sort in qs:
            args = [*READLIST, "--db", str(library), "list", "--limit", "20", "--sort", sort]
            args += ["--", *text.split()] if text else []
            start = time.perf_counter()
            subprocess.run(args, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times[label].append(time.perf_counter() - start)
    return {label: ms(statistics.median(t)) for label, t in times.items()}


def measure(n: int, work: Path, rounds: int) -> dict[str, object]:
    work.mkdir(parents=True, exist_ok=True)
    folders = corpus(n, work)
    figures, library = imports(folders, work, rounds)
    qs = queries(folders["json"])
    inside = in_process(library, qs)
    bytecode(cached=True)
    process = as_process(library, qs)
    filters = {}
    for label, text, sort in qs:
        took, rows, query_plan = inside[label]
        filters[label] = {
            "query": " ".join([text, "" if sort == "latest" else f"--sort {sort}"]).strip(),
            "rows": rows,
            "in_process_ms": took,
            "in_process_ratio": round(took / inside["baseline"][0], 2),
            "process_ms": process[label],
            "process_ratio": round(process[label] / process["baseline"], 2),
            "plan": query_plan,
        }
    return {"n": n, "rounds": rounds, "import": figures, "filters": filters}


def table(figures: dict[str, object]) -> str:
    imp = figures["import"]
    filters = figures["filters"]
    assert isinstance(imp, dict) and isinstance(filters, dict)
    lines = [
        f"import, {imp['listings']:,} listings: seconds, µs/listing, ÷ text, library MB after",
        f"  text dumps (baseline)   {imp['text_s']:7.2f} s {imp['text_us_per_listing']:6} µs"
        f"  1.00x {imp['text_mb']:8.1f} MB",
        f"  HF JSON                 {imp['json_s']:7.2f} s {imp['json_us_per_listing']:6} µs"
        f"  {imp['json_over_text']:.2f}x {imp['json_mb']:8.1f} MB",
        f"  HF JSON re-listed       {imp['relisted_s']:7.2f} s {imp['relisted_us_per_listing']:6}"
        f" µs  {imp['relisted_over_text']:.2f}x {imp['relisted_mb']:8.1f} MB",
        f"  after: {imp['papers_after_relisting']:,} papers, {imp['ids']:,} ids, "
        f"{imp['upvotes_not_updated']} with stale upvotes",
        "",
        f"{'filter':26} {'query':34} {'rows':>4} {'in-proc ms':>10} {'÷':>6}"
        f" {'list ms':>8} {'÷':>5}",
    ]
    slow = []
    for label, row in filters.items():
        lines.append(
            f"{label:26} {row['query'][:34]:34} {row['rows']:4} {row['in_process_ms']:10.1f}"
            f" {row['in_process_ratio']:6.2f} {row['process_ms']:8.1f} {row['process_ratio']:5.2f}"
        )
        if row["in_process_ms"] > SLOW_MS:
            slow.append(f"slow: {label} ({row['in_process_ms']} ms): " + " / ".join(row["plan"]))
    return "\n".join([*lines, *slow])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("n", type=int, help="papers in the generated corpus")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--rounds", type=int, default=2, help="imports of each corpus")
    parser.add_argument("--json", action="store_true", help="one line of JSON")
    args = parser.parse_args()
    figures = measure(args.n, args.work, args.rounds)
    print(json.dumps(figures) if args.json else table(figures))


if __name__ == "__main__":
    main()
