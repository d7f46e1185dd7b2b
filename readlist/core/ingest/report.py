"""An import's report as a table: the rows that `readlist import` prints and the app's
import dialog shows, made once here so the two never differ; each only renders them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from readlist.core.ingest.sources import file_label
from readlist.core.models import FileReport, ImportReport

RowKind = Literal["header", "file", "refused", "already", "total"]
HEADER = ("file", "papers", "new", "exact", "fuzzy", "review")
_RANGES_SHOWN = 12


@dataclass(frozen=True, slots=True)
class ReportRow:
    """One line of the table, laid out: `kind` says how a renderer may style it."""

    kind: RowKind
    text: str


@dataclass(frozen=True, slots=True)
class ReportTable:
    """The table's rows (header, one a file, total), and the notes below it: the lines
    of each file that went into no paper."""

    rows: tuple[ReportRow, ...]
    notes: tuple[str, ...]


def report_table(report: ImportReport, name_width: int | None = None) -> ReportTable:
    """What each file brought, and the totals, in aligned columns; a file's name is at
    most `name_width` characters."""

    def name(f: FileReport) -> str:
        return file_label(f.source, name_width)

    width = max([len(name(f)) for f in report.files] + [5])
    rows = [ReportRow("header", f"{HEADER[0]:<{width}}  papers    new  exact  fuzzy  review")]
    for f in report.files:
        label = f"{name(f):<{width}}  "
        if f.error:
            rows.append(ReportRow("refused", f"{label}refused"))
        elif f.already_imported:
            rows.append(ReportRow("already", f"{label}already imported, nothing changed"))
        else:
            rows.append(ReportRow("file", label + _cells(f.papers, f.new, *_merges(f))))
    papers = sum(f.papers for f in report.files)
    totals = (report.total(k) for k in ("new", "merged_exact", "merged_fuzzy", "flagged"))
    rows.append(ReportRow("total", f"{'total':<{width}}  " + _cells(papers, *totals)))
    notes = tuple(
        f"{name(f)}: {unplaced_line(f.unplaced_lines)}" for f in report.files if f.unplaced_lines
    )
    return ReportTable(tuple(rows), notes)


def _merges(f: FileReport) -> tuple[int, int, int]:
    return f.merged_exact, f.merged_fuzzy, f.flagged


def _cells(papers: int, new: int, exact: int, fuzzy: int, flagged: int) -> str:
    return f"{papers:>6} {new:>6} {exact:>6} {fuzzy:>6} {flagged:>7}"


def unplaced_line(lines: tuple[int, ...]) -> str:
    """The lines the parser could not place in a paper, as ranges: "3 lines not read:
    12, 40-41 (text with no title before it)"; the full list is in `import --json`."""
    ranges: list[list[int]] = []
    for line in lines:
        if ranges and line == ranges[-1][1] + 1:
            ranges[-1][1] = line
        else:
            ranges.append([line, line])
    shown = [f"{a}" if a == b else f"{a}-{b}" for a, b in ranges[:_RANGES_SHOWN]]
    more = ", …" if len(ranges) > _RANGES_SHOWN else ""
    count = len(lines)
    return (
        f"{count} line{'s' if count != 1 else ''} not read: {', '.join(shown)}{more}"
        " (text with no title before it)"
    )
