"""Run the app benchmark at each N and write the figures into BENCHMARKS.md.

    python bench/report.py [N ...]          default: 10000 100000 1000000

Each N runs in its own process (so peak RSS is that N's), on a library built once by
bench/library.py and cached in bench/out/. The table replaces the block between the
APP-BENCH markers in BENCHMARKS.md; the rest of the file is left as written.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
DOC = HERE.parent / "BENCHMARKS.md"
BEGIN, END = "<!-- APP-BENCH:BEGIN -->", "<!-- APP-BENCH:END -->"

ROWS = [  # (key, label, target)
    ("first_paint_ms", "first paint (ms)", "≤ 500"),
    ("keystroke_p50_ms", "filter keystroke → repaint, p50 (ms)", ""),
    ("keystroke_p95_ms", "filter keystroke → repaint, p95 (ms)", "≤ 50"),
    ("raw_fts_match_p95_ms", "  baseline: raw FTS5 MATCH LIMIT 100, p95 (ms)", ""),
    ("burst_of_20_to_final_ms", "burst of 20 keys → final results (ms)", ""),
    ("burst_ends_on_last_query", "burst ends on the last query's results", "yes"),
    ("clear_filter_ms", "clear filter → full list (ms)", "≤ 50"),
    ("scroll_to_end_ms", "scroll to end, G (ms)", ""),
    ("scroll_to_start_ms", "scroll to start, g (ms)", ""),
    ("star_toggle_ms", "star toggle visible (ms)", "≤ 30"),
    ("triage_next_p50_ms", "triage next card, p50 (ms)", "≤ 30"),
    ("triage_next_p95_ms", "triage next card, p95 (ms)", ""),
    ("peak_rss_mb", "peak RSS (MB)", "≤ 150"),
]


def run(n: int) -> dict[str, object]:
    done = subprocess.run(
        [sys.executable, str(HERE / "app_bench.py"), str(n), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, object] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def cell(value: object) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "**no**"
    return str(value)


def table(results: list[dict[str, object]]) -> str:
    head = "| | " + " | ".join(f"{int(str(r['n'])):,}" for r in results) + " | target |"
    lines = [head, "|---" * (len(results) + 2) + "|"]
    for key, label, target in ROWS:
        lines.append(
            f"| {label} | " + " | ".join(cell(r.get(key)) for r in results) + f" | {target} |"
        )
    return "\n".join(lines)


def main() -> None:
    sizes = [int(arg) for arg in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
    results = []
    for n in sizes:
        print(f"app bench at {n:,} papers ...", flush=True)
        results.append(run(n))
        print(json.dumps(results[-1]), flush=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    block = (
        f"{BEGIN}\n"
        f"Made by `python bench/report.py {' '.join(map(str, sizes))}` on {stamp} ({machine}).\n\n"
        f"{table(results)}\n{END}"
    )
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    start, end = text.index(BEGIN), text.index(END) + len(END)
    DOC.write_text(text[:start] + block + text[end:], encoding="utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
