"""Plain frozen records passed between the core, the CLI and the UI.

Every record has a docstring: `dataclass` would otherwise build one from the class's
signature (inspect.signature) at every start. Defining a dataclass costs about a
millisecond here even so, most of it compiling the methods it generates (__init__,
__repr__, __eq__, __hash__, __setattr__, __delattr__); and every command imports
this module, so each record costs every command its millisecond, used or not.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ParsedPaper:
    """One title/abstract pair as read from a dump, before it meets the library."""

    title: str
    abstract: str  # "" when the dump had no abstract for this title
    date_line: str | None = None  # the page's date line above it, e.g. "Mar 14"


@dataclass(frozen=True, slots=True)
class ParsedDump:
    """What one dump parsed into: its papers in page order, and what could not be read."""

    papers: tuple[ParsedPaper, ...]
    # Text blocks that could not be paired with a title (kept out of the library,
    # reported so the user knows something was dropped).
    skipped: tuple[str, ...] = ()
    unplaced: tuple[int, ...] = ()  # the line numbers (from 1) of those blocks' lines
    # Lines of the page's header and date lines: a Daily Papers page shows itself by
    # them, or else by its rhythm (see parse.not_a_dump).
    header_lines: int = 0
    date_lines: int = 0


@dataclass(frozen=True, slots=True)
class Paper:
    """A paper as the library holds it: imported text plus the user's own state."""

    id: int
    title: str
    abstract: str
    first_seen: str  # ISO date of the earliest sighting
    last_seen: str  # ISO date of the latest sighting
    times_seen: int  # how many dumps listed it
    read: bool = False
    starred: bool = False
    note: str = ""


@dataclass(frozen=True, slots=True)
class Sighting:
    """One dump's listing of a paper: when, from which file, and how it was matched."""

    paper_id: int
    source: str  # file name the paper was imported from ("<stdin>" for a pipe)
    date_line: str | None
    seen_on: str  # ISO date
    imported_at: str  # ISO timestamp, UTC
    match: str  # "new", "exact" or "fuzzy"


@dataclass(frozen=True, slots=True)
class FileReport:
    """What importing one file did: the counts of the report table and of `--json`."""

    source: str
    new: int = 0
    merged_exact: int = 0
    merged_fuzzy: int = 0
    flagged: int = 0  # new papers that look like an existing one: see `readlist dupes`
    skipped: int = 0  # text blocks with no title, left out
    unplaced_lines: tuple[int, ...] = ()  # their line numbers (from 1) in the file
    already_imported: bool = False  # the same bytes were imported before: nothing changed
    error: str | None = None  # set when the whole file was refused

    @property
    def papers(self) -> int:
        return self.new + self.merged_exact + self.merged_fuzzy


@dataclass(frozen=True, slots=True)
class ImportReport:
    """Every file of one import, in order; a refused file makes the import fail."""

    files: tuple[FileReport, ...] = field(default_factory=tuple)

    @property
    def failed(self) -> bool:
        return any(f.error for f in self.files)

    def total(self, name: str) -> int:
        return sum(int(getattr(f, name)) for f in self.files)


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    """Two papers close enough to be one, but not certain enough to merge."""

    paper_id: int
    other_id: int
    title: str
    other_title: str
    title_score: float
    abstract_score: float
    reason: str


@dataclass(frozen=True, slots=True)
class LibraryStats:
    """The counts `readlist stats` prints and the app's status bar shows."""

    papers: int
    starred: int
    read: int
    unread: int
    with_note: int
    sightings: int
    dumps: int
    review_candidates: int
    schema_version: int
    path: str


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """The latest import run (the dumps one `readlist import` or the app's dialog
    wrote), for the app to say on start what the import before it did."""

    imported_at: str  # ISO timestamp, UTC: when the run began (its dumps all say so)
    files: int
    listings: int
    new: int

    @property
    def merged(self) -> int:
        """Listings that joined a paper already there (or earlier in the run)."""
        return self.listings - self.new


@dataclass(frozen=True, slots=True)
class NewPaper:
    """A paper an import adds, under the id the import gave it."""

    id: int
    title: str
    abstract: str
    match_title: str
    seen_on: str


@dataclass(frozen=True, slots=True)
class NewSighting:
    """A dump listing a paper: "new" for its first, else how it was matched."""

    paper_id: int
    dump_id: int
    date_line: str | None
    seen_on: str
    match: str
    title: str | None = None  # the dump's spelling, when it differs from the paper's
    abstract: str | None = None
    listing: int = 0  # its place in the dump, from 0: a dump may list a paper twice

    def __reduce__(self) -> tuple[type[NewSighting], tuple[object, ...]]:
        # As NewPaper's.
        fields = (self.paper_id, self.dump_id, self.date_line, self.seen_on, self.match)
        return NewSighting, (*fields, self.title, self.abstract, self.listing)
