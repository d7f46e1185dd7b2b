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
class PaperMeta:
    """What a listing says of a paper beyond its title and abstract: its identity, as
    the Hugging Face JSON, a saved page or another reference manager's file gives it
    (a copied page's text gives none). Every field is optional.

    `arxiv_id` is the id without its version ("2504.01234", "hep-th/9901001"), the key
    that dedupe merges on; `version` is the version it named, if any. `published` is an
    ISO date (the day the paper came out, not the day it was listed). `upvotes` and
    `comments` are as of the listing. `withdrawn` is the ISO date it was withdrawn on.
    `record` is the listing as read, every field of it, as JSON: nothing a source
    gives is dropped, even what readlist has no column for."""

    arxiv_id: str | None = None
    version: int | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    upvotes: int | None = None
    comments: int | None = None
    github: str | None = None
    project_page: str | None = None
    withdrawn: str | None = None
    doi: str | None = None
    url: str | None = None
    primary_class: str | None = None
    record: str | None = None

    @property
    def arxiv_url(self) -> str | None:
        return f"https://arxiv.org/abs/{self.arxiv_id}" if self.arxiv_id else None

    @property
    def hf_url(self) -> str | None:
        """The paper's page on Hugging Face: new-style arXiv ids only have one."""
        if self.arxiv_id and "/" not in self.arxiv_id:
            return f"https://huggingface.co/papers/{self.arxiv_id}"
        return None

    @property
    def page_url(self) -> str | None:
        """Where the paper is read: arXiv, else its DOI, else the link its source gave
        when that is a web page (`o` hands it to a browser; a hostile file's `file:` or
        `javascript:` link, or one that reads as a browser's option, is no page)."""
        if self.arxiv_id:
            return self.arxiv_url
        if self.doi:
            return f"https://doi.org/{self.doi}"
        return _web_page(self.url)


def _web_page(url: str | None) -> str | None:
    """`url` when it is an http(s) URL with a host, else None."""
    link = (url or "").strip()
    scheme, sep, rest = link.partition("://")
    if sep and scheme.lower() in ("http", "https") and rest[:1].strip() not in ("", "/"):
        return link
    return None


NO_META = PaperMeta()


@dataclass(frozen=True, slots=True)
class ParsedPaper:
    """One paper as read from a dump (or a JSON, HTML, BibTeX, RIS or CSL-JSON file),
    before it meets the library."""

    title: str
    abstract: str  # "" when the dump had no abstract for this title
    date_line: str | None = None  # the page's date line above it, e.g. "Mar 14"
    meta: PaperMeta | None = None  # None for a copied page's text: it carries none
    listed_on: str | None = None  # ISO date it was listed on, when the source says


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
    meta: PaperMeta = NO_META  # its identity, as far as any listing gave it
    tags: tuple[str, ...] = ()  # the user's, in care.tags.sorted_tags order


@dataclass(frozen=True, slots=True)
class Sighting:
    """One dump's listing of a paper: when, from which file, and how it was matched."""

    paper_id: int
    source: str  # file name the paper was imported from ("<stdin>" for a pipe)
    date_line: str | None
    seen_on: str  # ISO date
    imported_at: str  # ISO timestamp, UTC
    match: str  # "new", "id" (the same arXiv id), "exact" or "fuzzy"


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
    with_id: int = 0  # papers with an arXiv id (0 in the app's quick counts)
    upvotes_known: bool = False  # some paper has upvotes: sorting by them means something
    published_known: bool = False  # likewise the day published
    trashed: int = 0  # papers in the trash, counted in none of the above


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
    meta: PaperMeta | None = None


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
    record: str | None = None  # the listing as its source gave it (PaperMeta.record)


@dataclass(frozen=True, slots=True)
class SavedSearch:
    """A query the user named: `saved:NAME` stands for it, and the app's keys 1-9 show
    the first nine in `position` order."""

    name: str
    query: str
    position: int


@dataclass(frozen=True, slots=True)
class TrashedPaper:
    """A paper in the trash, with when it went there and why: `by_dump` is the removed
    dump that took it there (a later import listing it brings it back), None when the
    user deleted it (it stays in the trash whatever lists it)."""

    paper: Paper
    deleted_at: str  # ISO timestamp, UTC
    by_dump: int | None


@dataclass(frozen=True, slots=True)
class ImportedDump:
    """One imported file as `readlist dumps` lists it, with what its listings did."""

    id: int
    source: str  # the file name ("<stdin>" for a pipe)
    date_lines: tuple[str, ...]  # the dump's own date lines ("Daily Papers, 2 Dec"), in order
    imported_at: str  # ISO timestamp, UTC
    listings: int  # its listings still in the library
    new: int  # listings that brought a paper in
    merged: int  # listings of a paper already known
    whole: bool = True  # False while an import of it is unfinished


@dataclass(frozen=True, slots=True)
class DumpRemoval:
    """What removing a dump's listings does (or did): the papers only it listed go to
    the trash (`trashed`), except those the user starred, read, noted or tagged
    (`kept`); the papers other dumps also list lose one listing and stay."""

    dump: ImportedDump
    trashed: tuple[int, ...]
    kept: tuple[int, ...]
    also_listed: int  # papers another dump lists too
    already_in_trash: tuple[int, ...] = ()  # deleted by the user before: they stay there
    # What the removal took out (the dump's row and listings, as JSON), for an exact
    # undo (Store.put_back_dump); empty for a removal only planned.
    record: str = field(default="", repr=False, compare=False)
