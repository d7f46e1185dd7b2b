"""What the "nothing lost" tests share: generated dumps, the real CLI in a subprocess,
waiting on a condition, and the library's contents in a form two libraries can be
compared by."""

from __future__ import annotations

import hashlib
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
_SYLLABLES = [
    "ka", "lo", "mi", "ra", "ten", "vo", "shi", "del", "pra", "gu",
    "nex", "tor", "bel", "qui", "sam", "zor", "fen", "lac", "mon", "dri",
]  # fmt: skip
_HEADER = (
    "new\n\nGet trending papers in your email inbox!\n\nSubscribe\n\n"
    "byAK and the research community\n\n{day}\n\n"
)

Paper = tuple[str, str]  # title, abstract ("" for none)


class PaperMaker:
    """Distinct made-up papers, the same ones for the same seed: titles of invented
    words, so that no two are near-duplicates by chance and dedupe merges only the
    papers a test repeats on purpose."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        words: set[str] = set()
        while len(words) < 3000:
            words.add("".join(self._rng.choices(_SYLLABLES, k=self._rng.randint(2, 4))))
        self._words = sorted(words)
        self._titles: set[str] = set()

    def paper(self) -> Paper:
        rng = self._rng
        while True:
            title = " ".join(w.capitalize() for w in rng.choices(self._words, k=rng.randint(5, 8)))
            if title not in self._titles:
                self._titles.add(title)
                break
        sentences = [
            " ".join(rng.choices(self._words, k=rng.randint(10, 16))).capitalize() + "."
            for _ in range(rng.randint(3, 5))
        ]
        return title, " ".join(sentences)

    def papers(self, n: int) -> list[Paper]:
        return [self.paper() for _ in range(n)]


def dump_text(papers: Iterable[Paper], day: str) -> str:
    """A saved Daily Papers page: the page's chrome, its date line, then title and
    abstract paragraphs (a paper without an abstract is a title alone)."""
    body = "\n\n".join(
        f"{title}\n\n{abstract}" if abstract else title for title, abstract in papers
    )
    return _HEADER.format(day=day) + body + "\n"


def write_dumps(
    folder: Path, dumps: Sequence[Sequence[Paper]], *, month: str = "Mar"
) -> list[Path]:
    """One file per dump, named so that a folder import takes them in this order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, papers in enumerate(dumps):
        path = folder / f"{number:03d}.txt"
        path.write_text(dump_text(papers, f"{month} {number + 1}, 2025"), encoding="utf-8")
        paths.append(path)
    return paths


# -- the CLI, for real ----------------------------------------------------------------


def readlist_command(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "readlist", "--db", str(db), *args]


def start_readlist(
    db: Path, *args: str, preexec_fn: Callable[[], Any] | None = None
) -> subprocess.Popen[str]:
    """`readlist --db DB ARGS...` as its own process, output captured."""
    return subprocess.Popen(
        readlist_command(db, *args),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=preexec_fn,
    )


def run_readlist(db: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        readlist_command(db, *args),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def wait_until(
    condition: Callable[[], bool],
    what: str,
    *,
    timeout: float = 30,
    process: subprocess.Popen[str] | None = None,
) -> None:
    """Poll `condition` until it holds: the tests wait on what happened, never on a
    guess of how long it takes. Fails when `process` ends first or time runs out."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"the process ended (exit {process.returncode}) before {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {timeout} s waiting for {what}")
        time.sleep(0.003)


# -- looking at a library ---------------------------------------------------------------

# The library's data as the user would miss it: no ids of dumps (they are numbered in
# commit order) and no wall-clock times of imports, which differ between two runs.
_CONTENTS = {
    "papers": """SELECT id, title, abstract, match_title, first_seen, last_seen, times_seen
                 FROM papers ORDER BY id""",
    "sightings": """SELECT s.paper_id, d.sha256, s.listing, s.date_line, s.seen_on, s.match,
                           s.title, s.abstract
                    FROM sightings s JOIN dumps d ON d.id = s.dump_id ORDER BY 1, 2, 3""",
    "dumps": "SELECT sha256, source, papers, written FROM dumps ORDER BY id",
    # Staged or merged (Store.merge_keys), a key is the same key.
    "dedupe_keys": "SELECT key, paper_id FROM dedupe_keys"
    " UNION ALL SELECT key, paper_id FROM dedupe_keys_recent ORDER BY 1, 2",
    "review": "SELECT paper_id, other_id, title_score, abstract_score, reason FROM review"
    " ORDER BY 1, 2",
    "state": "SELECT * FROM state ORDER BY paper_id",
}


def connect(db: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA busy_timeout = 5000")
    return conn


def user_state(db: Path) -> list[tuple[Any, ...]]:
    """Every star, read mark and note, with the time each was set."""
    conn = connect(db)
    try:
        return conn.execute(_CONTENTS["state"]).fetchall()
    finally:
        conn.close()


def contents(db: Path) -> dict[str, tuple[int, str]]:
    """Each table as (rows, digest of the rows): equal for two libraries holding the same."""
    conn = connect(db)
    try:
        out = {}
        for table, sql in _CONTENTS.items():
            digest = hashlib.sha256()
            rows = 0
            for row in conn.execute(sql):
                digest.update(repr(row).encode())
                rows += 1
            out[table] = (rows, digest.hexdigest()[:16])
        return out
    finally:
        conn.close()


def open_in_step(paths: list[Path], barrier: Barrier, results: Queue[str | None]) -> None:
    """In a process of its own: for each path, wait for the other processes, then open
    (create) the library and write to it, as every readlist command starts. Here, not in
    the test module, so that the process starts without pytest."""
    from readlist.core.store import Store

    for path in paths:
        barrier.wait(timeout=30)
        try:
            with Store.open(path) as store:
                store.set_flag([], "starred", True)  # a write transaction, like `mark`
                store.stats()
            results.put(None)
        except Exception as exc:
            results.put(f"{type(exc).__name__}: {exc}")
