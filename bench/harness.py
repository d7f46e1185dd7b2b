"""What the benchmark scripts share: their command line, their output, milliseconds."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from library import DEFAULT_WORK

Figures = dict[str, object]


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def run(doc: str | None, measure: Callable[[int, Path], Figures]) -> None:
    """`script.py N [--work DIR] [--json]`: the figures at N papers, as a table or JSON."""
    parser = argparse.ArgumentParser(description=(doc or "").split("\n\n")[0])
    parser.add_argument("n", type=int, help="papers in the generated library")
    parser.add_argument("--work", type=Path, default=DEFAULT_WORK)
    parser.add_argument("--json", action="store_true", help="one line of JSON")
    args = parser.parse_args()
    figures = {"n": args.n, **measure(args.n, args.work)}
    if args.json:
        print(json.dumps(figures))
        return
    for key, value in figures.items():
        print(f"{key:34} {value}")
