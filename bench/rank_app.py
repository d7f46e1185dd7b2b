"""The next triage card after a decision, in the app, best first (`rank_bench.py --speed N`).

The app opens headless on rank_speed.py's triaged library and triage opens best first.
Each decision (a read, a skip, a star every fifth) is timed from the key until the
frame that shows the next card (app_bench.py's Frames). Two paces:
- "paced": a person's, the next key once the model has learned again and the cards
  ahead are ranked again (what each decision sets off in the background);
- "at once": the next key as soon as the card shows, while that work still runs.
The baseline in the same run: the same keys in the same library with `for_you = false`
(triage in the listing order, nothing learned or ranked).
"""

from __future__ import annotations

import asyncio
import sqlite3
import statistics
import tempfile
import time
from pathlib import Path

from app_bench import Frames, press, timed, until
from harness import ms

from readlist.core.settings import SettingsFile
from readlist.ui.app import ReadlistApp
from readlist.ui.library import StorePool
from readlist.ui.screens.triage import TriageScreen

DECISIONS = 20
KEYS = ("r", "space", "r", "space", "s")


async def _decide(db: Path, for_you: bool, paced: bool) -> tuple[list[float], str]:
    with tempfile.TemporaryDirectory(dir=db.parent) as folder:
        config = Path(folder) / "config.toml"
        config.write_text(f"for_you = {str(for_you).lower()}\n")
        copy = Path(folder) / db.name  # each run decides in a library of its own
        with sqlite3.connect(db) as source, sqlite3.connect(copy) as target:
            source.backup(target)  # with what its WAL holds
        app = ReadlistApp(StorePool(copy), settings=SettingsFile(config, str(config)))
        frames = Frames(app)
        async with app.run_test(size=(120, 35)) as pilot:
            if for_you:
                await until(lambda: app.for_you.model is not None, timeout=600)
            press(app, "t")
            await until(lambda: isinstance(app.screen, TriageScreen) and app.screen.keys_ready)
            triage = app.screen
            assert isinstance(triage, TriageScreen)
            order = str(triage.queue.order)
            await pilot.pause()
            times = []
            for turn in range(DECISIONS):
                current = triage._current()
                assert current is not None
                learned, ranked_with = app.for_you.learned, triage.queue.ranked_with
                times.append(
                    await timed(
                        app,
                        frames,
                        KEYS[turn % len(KEYS)],
                        lambda c=current: (  # type: ignore[misc]
                            (n := triage._current()) is not None and n.id != c.id
                        ),
                    )
                )
                if paced and for_you:  # the model learned again, the cards ahead re-ranked
                    await until(lambda: app.for_you.learned > learned, timeout=60)  # noqa: B023
                    await until(lambda: triage.queue.ranked_with != ranked_with, timeout=60)  # noqa: B023
                    await pilot.pause()
            app.writer.flush()
    return times, order


def in_app(db: Path) -> dict[str, object]:
    """The next card's p50 and p95 (ms) for each pace, and the listing-order baseline."""
    figures: dict[str, object] = {}
    for name, for_you, paced in (
        ("listing", False, False),
        ("paced", True, True),
        ("at_once", True, False),
    ):
        start = time.perf_counter()
        times, order = asyncio.run(_decide(db, for_you, paced))
        figures[f"triage_{name}_order"] = order
        figures[f"triage_{name}_next_p50_ms"] = ms(statistics.median(times))
        figures[f"triage_{name}_next_p95_ms"] = ms(statistics.quantiles(times, n=20)[18])
        figures[f"triage_{name}_run_s"] = round(time.perf_counter() - start, 1)
    return figures
