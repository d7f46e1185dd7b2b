"""The app's latency at library size N, driven headless by Textual's Pilot.

    python bench/app_bench.py N [--work DIR]

Each figure is from the key press (delivered as the terminal driver delivers it) until
the first frame painted while the widgets hold the state that key should produce: the
state is checked as each frame is painted (`Frames`), so the frame counted is the one
that shows the change. Run one N per process so peak RSS is that N's. The baseline in
the same run is a plain FTS5 MATCH ... LIMIT 100 with sqlite3 on the same file: what
any UI over this library must at least spend.
"""

from __future__ import annotations

import asyncio
import os
import resource
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from readlist.ui.launch import FRAMES_A_SECOND

# Before Textual is imported, which reads it once: the frame cap `readlist` runs at.
os.environ.setdefault("TEXTUAL_FPS", str(FRAMES_A_SECOND))

# isort: split
import harness
from harness import Figures, ms
from library import ensure_library
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from readlist.core.query import parse_query
from readlist.core.store import Store
from readlist.ui.app import ReadlistApp
from readlist.ui.library import StorePool
from readlist.ui.screens.library import LibraryScreen
from readlist.ui.screens.triage import TriageScreen
from readlist.ui.widgets.paper_list import PaperList

TYPED = ["diffusion", "reinforcement learning", "graph neural", "language model", "sparse"]


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the app never reached the expected state")
        await asyncio.sleep(0.001)


def shown_query(app: ReadlistApp) -> tuple[str, int] | None:
    screen = app.screen
    if not isinstance(screen, LibraryScreen):
        return None
    return screen.shown_query, screen.query_one(PaperList).total


class Frames:
    """Records when the app paints a frame (App._display), and whether what we wait for
    was true as it painted: the frame that shows it, not merely one after it."""

    def __init__(self, app: ReadlistApp) -> None:
        self.painted: list[tuple[float, bool]] = []
        self.condition: Callable[[], bool] = lambda: True
        display = app._display

        def recorded(*args: Any, **kwargs: Any) -> Any:
            self.painted.append((time.perf_counter(), self.condition()))
            return display(*args, **kwargs)

        app._display = recorded  # type: ignore[method-assign]

    async def first_showing(self, condition: Callable[[], bool], since: float) -> float:
        """When the first frame painted after `since` with `condition` true was painted."""

        def shown() -> float | None:
            return next((t for t, ok in self.painted if t >= since and ok), None)

        await until(lambda: shown() is not None)
        moment = shown()
        assert moment is not None
        return moment


def press(app: ReadlistApp, key: str) -> None:
    """A key press as the terminal driver delivers it; Pilot.press would also wait for the
    CPU to go idle (20 ms at least), which is the app's own work we want to time."""
    char = {"space": " ", "slash": "/", "escape": None}.get(key, key if len(key) == 1 else None)
    event = events.Key(key, char)
    event.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(event)


async def open_filter(app: ReadlistApp, pilot: Pilot[None]) -> None:
    """The "/" key, and the app settling after it (the footer shows the filter's keys), as a
    person's pause before the first letter gives it; the letters are what is timed."""
    press(app, "slash")
    await until(lambda: isinstance(app.focused, Input))
    await pilot.pause()


async def timed(
    app: ReadlistApp, frames: Frames, keys: str | list[str], condition: Callable[[], bool]
) -> float:
    """Seconds from pressing `keys` until `condition` holds and a frame has been painted."""
    frames.condition = condition
    t0 = time.perf_counter()
    for key in [keys] if isinstance(keys, str) else keys:
        press(app, key)
    painted = await frames.first_showing(condition, t0)
    frames.condition = lambda: True
    return painted - t0


def keys_for(text: str) -> list[str]:
    return ["space" if char == " " else char for char in text]


async def measure(path: Path) -> dict[str, object]:
    start = time.perf_counter()
    app = ReadlistApp(StorePool(path))
    figures: dict[str, object] = {}
    frames = Frames(app)  # before it runs, to see its first frames
    frames.condition = lambda: (shown_query(app) or ("?", 0))[1] > 0
    async with app.run_test(size=(120, 35)) as pilot:
        painted = await frames.first_showing(frames.condition, start)
        frames.condition = lambda: True
        figures["first_paint_ms"] = ms(painted - start)
        screen = app.screen
        assert isinstance(screen, LibraryScreen)
        papers = screen.query_one(PaperList)
        await until(lambda: not screen.counting)  # the first page came first; now the count
        total = papers.total
        await pilot.pause()

        # One keystroke at a time, each waiting for its own results.
        keystrokes: list[float] = []
        for phrase in TYPED:
            await open_filter(app, pilot)
            typed = ""
            for key in keys_for(phrase):
                typed += " " if key == "space" else key
                want = typed
                keystrokes.append(
                    await timed(app, frames, key, lambda w=want: screen.shown_query == w)  # type: ignore[misc]
                )
            await timed(app, frames, "escape", lambda: screen.shown_query == "")
        figures["keystroke_p50_ms"] = ms(statistics.median(keystrokes))
        figures["keystroke_p95_ms"] = ms(statistics.quantiles(keystrokes, n=20)[18])
        figures["keystrokes"] = len(keystrokes)

        # A burst of 20 keys as fast as they come: the list must end on the last query.
        burst = "transformer attentio"
        await open_filter(app, pilot)
        figures["burst_of_20_to_final_ms"] = ms(
            await timed(app, frames, keys_for(burst), lambda: screen.shown_query == burst)
        )
        await until(lambda: not screen.counting, timeout=120)
        with Store.open(path, cache_mib=1) as store:  # the bench's own; kept small
            figures["burst_ends_on_last_query"] = papers.total == store.count(parse_query(burst))

        # Clear the filter (Esc in the filter bar), back to the whole library.
        clears = []
        for _ in range(5):
            clears.append(
                await timed(
                    app,
                    frames,
                    "escape",
                    lambda: screen.shown_query == "",
                )
            )
            await open_filter(app, pilot)
            await timed(app, frames, keys_for("sparse"), lambda: screen.shown_query == "sparse")
        await timed(app, frames, "escape", lambda: screen.shown_query == "")
        figures["clear_filter_ms"] = ms(statistics.median(clears))

        # Scroll to the end and back to the start.
        await until(lambda: not screen.counting and papers.total == total)
        figures["scroll_to_end_ms"] = ms(
            await timed(
                app,
                frames,
                "G",
                lambda: papers.cursor == total - 1 and papers.highlighted is not None,
            )
        )
        figures["scroll_to_start_ms"] = ms(
            await timed(
                app, frames, "g", lambda: papers.cursor == 0 and papers.highlighted is not None
            )
        )

        # Star toggle: the row shows the star.
        stars = []
        for _ in range(10):
            before = papers.highlighted
            assert before is not None
            stars.append(
                await timed(
                    app,
                    frames,
                    "s",
                    lambda b=before: (
                        (h := papers.highlighted) is not None  # type: ignore[misc]
                        and h.starred != b.starred
                    ),
                )
            )
        figures["star_toggle_ms"] = ms(statistics.median(stars))

        # Triage: the next card.
        press(app, "t")
        await until(
            lambda: isinstance(app.screen, TriageScreen) and app.screen._current() is not None
        )
        triage = app.screen
        assert isinstance(triage, TriageScreen)
        await pilot.pause()
        nexts = []
        for _ in range(30):
            current = triage._current()
            assert current is not None
            nexts.append(
                await timed(
                    app,
                    frames,
                    "space",
                    lambda c=current: (
                        (n := triage._current()) is not None  # type: ignore[misc]
                        and n.id != c.id
                    ),
                )
            )
        figures["triage_next_p50_ms"] = ms(statistics.median(nexts))
        figures["triage_next_p95_ms"] = ms(statistics.quantiles(nexts, n=20)[18])
        press(app, "escape")
        await pilot.pause()
        app.writer.flush()
    figures["papers"] = total
    figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return figures


def baseline(path: Path) -> dict[str, object]:
    """Plain sqlite3 on the same file: one FTS5 MATCH with LIMIT 100, per typed phrase."""
    conn = sqlite3.connect(path)
    times = []
    for phrase in TYPED:
        for end in range(1, len(phrase) + 1):
            words = [w for w in phrase[:end].split() if w]
            match = " ".join(f'"{w}"*' for w in words)
            t0 = time.perf_counter()
            conn.execute(
                "SELECT rowid, title FROM papers_fts WHERE papers_fts MATCH ? LIMIT 100", (match,)
            ).fetchall()
            times.append(time.perf_counter() - t0)
    conn.close()
    return {
        "raw_fts_match_p50_ms": ms(statistics.median(times)),
        "raw_fts_match_p95_ms": ms(statistics.quantiles(times, n=20)[18]),
    }


def figures(n: int, work: Path) -> Figures:
    path = ensure_library(n, work)
    # The app first: its peak RSS must not include the plain queries' own.
    app_figures = asyncio.run(measure(path))
    return {**baseline(path), **app_figures}


if __name__ == "__main__":
    harness.run(__doc__, figures)
