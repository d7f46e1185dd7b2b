"""Errors the core raises for bad input; each message is one line a user can act on."""


class ReadlistError(Exception):
    """Base for every error caused by input or by the library file, never by a bug."""


class DumpError(ReadlistError):
    """A dump file that cannot be imported: missing, empty, binary, or without papers."""


class LibraryError(ReadlistError):
    """A library file that readlist must not open or change."""


class UnknownPaperError(ReadlistError):
    """An id that names no paper in the library."""


class NoteChangedError(ReadlistError):
    """A note was changed by someone else (another window, the CLI) since it was opened."""

    def __init__(self, paper_id: int, current: str) -> None:
        super().__init__(f"the note on paper {paper_id} was changed elsewhere since it was opened")
        self.paper_id = paper_id
        self.current = current
