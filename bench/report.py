"""Run every benchmark at each N and write the figures into BENCHMARKS.md and a plot.

    python bench/report.py [N ...]          default: 10000 100000 1000000
    python bench/report.py --render         the tables again from the figures last
                                            measured (after a change to the rows)

For each N, in this order and each in its own process (so each peak RSS is its own):
import_bench.py (which builds the N-paper library through readlist's import, timed, when
the generator or the importer changed), cli_bench.py and app_bench.py. The tables
replace the block between the REPORT markers in BENCHMARKS.md; every figure measured is
kept in bench/results.json (so the document stays short and `--render` can redraw it);
the plot is bench/results.png (needs the `bench` extra: pip install -e '.[bench]').
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
PLOT = HERE / "results.png"
FIGURES = HERE / "results.json"
BEGIN, END = "<!-- REPORT:BEGIN -->", "<!-- REPORT:END -->"
Figures = dict[str, object]

IMPORT_ROWS = [  # (key, label, target); the scaling table in BENCHMARKS.md has the rest
    ("rows", "rows imported (papers and their re-listings)", ""),
    ("raw_rebuild_s", "raw limit: plain executemany + one FTS5 rebuild (s)", ""),
    ("import_s", "readlist import with dedupe, empty library (s)", ""),
    ("import_vs_limit", "readlist import ÷ raw limit", "≤ 3 at 100k"),
    ("schema_floor_vs_limit", "  floor (readlist's tables, plain executemany) ÷ raw limit", ""),
    ("fresh_1k_ratio", "1,000 fresh papers into N ÷ into empty (median of 3)", "≤ 2"),
    ("fresh_1k_floor_ratio", "  the same for the floor", ""),
    ("distinct_in_library", "distinct papers in the library (planted: N)", "N"),
    ("look_alikes_wrongly_merged", "look-alikes wrongly merged", "0"),
    ("disk_mb", "library on disk (MB)", ""),
    ("disk_fts_mb", "  of which the full-text index (MB)", ""),
]
CLI_ROWS = [
    ("process_start_ms", "process start: readlist --help (ms)", ""),
    ("process_start_uncached_ms", "  the same, readlist's bytecode not yet compiled (ms)", ""),
    ("list_limit20_worst_ms", "list QUERY --limit 20, worst of 6 queries (ms)", "≤ 200"),
    ("list_sparse_all_ms", "list mamba (a rare word, every match) (ms)", "≤ 200"),
    ("raw_fts_match_limit20_worst_ms", "  raw FTS5 MATCH LIMIT 20, worst (ms)", ""),
    ("export_rows", "export title:diffusion, rows", ""),
    ("export_ms", "  export time (ms)", ""),
]
APP_ROWS = [
    ("first_paint_ms", "first paint (ms)", "≤ 500"),
    ("keystroke_p50_ms", "filter keystroke → repaint, p50 (ms)", ""),
    ("keystroke_p95_ms", "filter keystroke → repaint, p95 (ms)", "≤ 50"),
    ("raw_fts_match_p95_ms", "  raw FTS5 MATCH LIMIT 100 per prefix typed, p95 (ms)", ""),
    ("burst_of_20_to_final_ms", "burst of 20 keys → final results (ms)", ""),
    ("burst_ends_on_last_query", "burst ends on the last query's results", "yes"),
    ("clear_filter_ms", "clear filter → full list (ms)", "≤ 50"),
    ("scroll_to_end_ms", "scroll to end, G (ms)", ""),
    ("scroll_to_start_ms", "scroll to start, g (ms)", ""),
    ("star_toggle_ms", "star toggle visible (ms)", "≤ 30"),
    ("triage_next_p50_ms", "triage next card, p50 (ms)", "≤ 30"),
    ("triage_next_p95_ms", "triage next card, p95 (ms)", ""),
    ("peak_rss_mb", "app peak RSS (MB)", "≤ 150"),
]


def run(script: str, n: int) -> Figures:
    done = subprocess.run(
        [sys.executable, str(HERE / script), str(n), "--json"],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise SystemExit(f"{script} {n} failed:\n{done.stderr[-3000:]}")
    figures: Figures = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


def cell(value: object) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "**no**"
    if value is None:
        return "n/a"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def table(title: str, rows: list[tuple[str, str, str]], results: list[Figures]) -> str:
    head = "| " + title + " | " + " | ".join(f"{int(str(r['n'])):,}" for r in results)
    lines = [head + " | target |", "|---" * (len(results) + 2) + "|"]
    for key, label, target in rows:
        values = " | ".join(cell(r.get(key)) for r in results)
        lines.append(f"| {label} | {values} | {target} |")
    return "\n".join(lines)


def plot(results: list[Figures], *, same_figures: bool = False) -> str:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        if same_figures and PLOT.exists():  # drawn from these very figures
            return f"![latency and throughput against N]({PLOT.relative_to(DOC.parent)})"
        return "(no plot: matplotlib is not installed; pip install -e '.[bench]')"
    ns = [int(str(r["n"])) for r in results]
    fig, (latency, throughput) = plt.subplots(1, 2, figsize=(11, 4.2))
    for key, label in [
        ("keystroke_p95_ms", "filter keystroke p95"),
        ("first_paint_ms", "first paint"),
        ("clear_filter_ms", "clear filter"),
        ("triage_next_p95_ms", "triage next card p95"),
        ("list_limit20_worst_ms", "CLI list --limit 20 (with start)"),
        ("raw_fts_match_p95_ms", "raw FTS5 MATCH p95 (baseline)"),
    ]:
        latency.plot(ns, [float(str(r.get(key, "nan"))) for r in results], marker="o", label=label)
    latency.axhline(50, color="grey", linestyle=":", linewidth=1)
    latency.set(xscale="log", yscale="log", xlabel="papers", ylabel="ms", title="Latency")
    latency.legend(fontsize=7)
    floor = [float(str(r["rows"])) / float(str(r["schema_floor_s"])) for r in results]
    for values, label in [
        ([float(str(r.get("import_rows_per_s", "nan"))) for r in results], "readlist import"),
        (floor, "readlist's tables by plain executemany (floor)"),
        ([float(str(r.get("raw_limit_rows_per_s", "nan"))) for r in results], "raw limit"),
    ]:
        throughput.plot(ns, values, marker="o", label=label)
    throughput.set(xscale="log", yscale="log", xlabel="papers", ylabel="rows/s")
    throughput.set_title("Import throughput")
    throughput.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(PLOT, dpi=110)
    return f"![latency and throughput against N]({PLOT.relative_to(DOC.parent)})"


def main() -> None:
    if sys.argv[1:] == ["--render"]:  # the tables again, from the figures last measured
        kept = json.loads(FIGURES.read_text(encoding="utf-8"))
        write(kept["results"], kept["made"], same_figures=True)
        return
    sizes = [int(arg) for arg in sys.argv[1:]] or [10_000, 100_000, 1_000_000]
    results: list[Figures] = []
    for n in sizes:
        merged: Figures = {"n": n}
        for script in ("import_bench.py", "cli_bench.py", "app_bench.py"):
            print(f"{script} at {n:,} papers ...", flush=True)
            merged.update(run(script, n))
        results.append(merged)
        print(json.dumps(merged), flush=True)
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    command = f"python bench/report.py {' '.join(map(str, sizes))}"
    write(results, f"Made by `{command}` on {stamp} ({machine}).")


def write(results: list[Figures], made: str, *, same_figures: bool = False) -> None:
    """The block between the markers in BENCHMARKS.md, the plot, and every figure."""
    FIGURES.write_text(json.dumps({"made": made, "results": results}, indent=1) + "\n")
    block = "\n\n".join(
        [
            BEGIN,
            made,
            plot(results, same_figures=same_figures),
            "### Import\n\n" + table("import", IMPORT_ROWS, results),
            "### Command line\n\n" + table("CLI", CLI_ROWS, results),
            "### The app\n\n" + table("app", APP_ROWS, results),
            f"Every figure measured: `{FIGURES.relative_to(DOC.parent)}`.",
            END,
        ]
    )
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text += f"\n{BEGIN}\n{END}\n"
    start, end = text.index(BEGIN), text.index(END) + len(END)
    DOC.write_text(text[:start] + block + text[end:], encoding="utf-8")
    print(f"wrote {DOC}, {FIGURES} and {PLOT}")


if __name__ == "__main__":
    main()
