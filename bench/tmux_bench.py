"""The real `readlist` in a real terminal (tmux), timed from outside.

    python bench/tmux_bench.py N

Starts the app on the bench library of N papers in a private tmux server, sends keys
with `tmux send-keys` and polls `tmux capture-pane` until the screen shows the change:
what a person at the terminal would see, terminal and all. A capture takes a few
milliseconds, so the figures are good to about 5 ms; app_bench.py, in-process, is finer.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from harness import Figures, ms
from library import ensure_library

ROOT = Path(__file__).resolve().parents[1]
TMUX = ["tmux", "-L", f"readlist-bench-{uuid.uuid4().hex[:8]}", "-f", "/dev/null"]
TYPED = ["diffusion", "graph neural", "sparse"]


def tmux(*args: str) -> str:
    return subprocess.run([*TMUX, *args], capture_output=True, text=True, check=True).stdout


def screen() -> list[str]:
    return tmux("capture-pane", "-p", "-t", "bench").splitlines()


def status(lines: list[str]) -> str:
    return lines[-2] if len(lines) >= 2 else ""


def until(condition: Callable[[list[str]], bool], timeout: float = 60.0) -> float:
    """Seconds until the screen satisfies `condition`, polling as fast as tmux answers."""
    start = time.perf_counter()
    while not condition(screen()):
        if time.perf_counter() - start > timeout:
            raise TimeoutError("\n".join(screen()))
    return time.perf_counter() - start


def timed(keys: list[str], condition: Callable[[list[str]], bool]) -> float:
    t0 = time.perf_counter()
    tmux("send-keys", "-t", "bench", *keys)
    until(condition)
    return time.perf_counter() - t0


def timed_twice(
    keys: list[str], first: Callable[[list[str]], bool], then: Callable[[list[str]], bool]
) -> tuple[float, float]:
    """Seconds until `first` shows, and until `then` shows."""
    t0 = time.perf_counter()
    tmux("send-keys", "-t", "bench", *keys)
    until(first)
    t1 = time.perf_counter()
    until(then)
    return t1 - t0, time.perf_counter() - t0


def measure(n: int, work: Path) -> Figures:
    path = ensure_library(n, work)
    command = f"{sys.executable} -m readlist --db {path}"
    start = time.perf_counter()
    tmux("new-session", "-d", "-s", "bench", "-x", "120", "-y", "35", "-c", str(ROOT), command)
    figures: Figures = {}
    try:
        until(lambda s: " shown of " in status(s))
        figures["first_paint_ms"] = ms(time.perf_counter() - start)
        until(lambda s: "+ shown" not in status(s))
        keystrokes, echoes = [], []
        for phrase in TYPED:
            timed(["/"], lambda s: "s Star" not in s[-1])  # the footer shows the filter's keys
            typed = ""
            for char in phrase:
                typed += char
                echo, shown = timed_twice(
                    ["-l", char],
                    lambda s, t=typed: s[0].strip() == t.strip(),  # type: ignore[misc]
                    lambda s, w=f"filter: {typed}  ·": w in status(s),  # type: ignore[misc]
                )
                echoes.append(echo)
                keystrokes.append(shown)
            timed(["Escape"], lambda s: "filter:" not in status(s))
        figures["keystroke_p50_ms"] = ms(statistics.median(keystrokes))
        figures["keystroke_p95_ms"] = ms(statistics.quantiles(keystrokes, n=20)[18])
        # The same keys' echo in the filter box: what tmux and a redraw cost by themselves.
        figures["echo_p50_ms"] = ms(statistics.median(echoes))
        figures["echo_p95_ms"] = ms(statistics.quantiles(echoes, n=20)[18])
        stars = []
        for _ in range(6):
            was = screen()[1][:4]
            stars.append(timed(["s"], lambda s, w=was: s[1][:4] != w))  # type: ignore[misc]
        figures["star_toggle_ms"] = ms(statistics.median(stars))
        tmux("send-keys", "-t", "bench", "q")
    finally:
        subprocess.run([*TMUX, "kill-server"], capture_output=True)
    return figures


if __name__ == "__main__":
    harness.run(__doc__, measure)
