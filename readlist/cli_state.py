"""`readlist mark` and `readlist note`: the user's state from the shell, and the checks of
what they were given before the library is opened: flags that contradict each other,
ids no library can hold, note text that is empty, not UTF-8 or too long. See readlist.cli."""

from __future__ import annotations

import sys

import click

from readlist.cli_support import INT64_MAX, Library, confirmed, query_of
from readlist.core import drafts
from readlist.core.errors import NoteChangedError, NoteTooLongError, UnknownPaperError
from readlist.core.printable import shown, shown_in_line
from readlist.core.store import NOTE_MAX_BYTES


def either(flags: dict[str, bool]) -> bool | None:
    """True for the first of two flags, False for the second, None for neither; both
    given contradict each other, and the last must not silently win."""
    (yes, said_yes), (no, said_no) = flags.items()
    if said_yes and said_no:
        raise click.UsageError(f"{yes} and {no} contradict each other; give one of them")
    return True if said_yes else False if said_no else None


def paper_ids(ids: tuple[int, ...]) -> tuple[int, ...]:
    """Ids as the user gave them; one beyond what SQLite can store names no paper."""
    for paper_id in ids:
        if not -INT64_MAX - 1 <= paper_id <= INT64_MAX:
            raise UnknownPaperError(f"no paper with id {paper_id}")
    return ids


def _utf8(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise click.ClickException(
            f"{name}: the note is not UTF-8 text ({exc.reason} at byte {exc.start}); "
            "nothing was saved"
        ) from exc


def note_text(text: str) -> str:
    """TEXT as given, or stdin for "-": UTF-8, and not empty (clearing takes --clear)."""
    if text == "-":
        raw = sys.stdin.buffer.read(NOTE_MAX_BYTES + 1)  # no more than a note may hold
        if len(raw) > NOTE_MAX_BYTES:
            raise click.ClickException(
                f"<stdin>: more than the {NOTE_MAX_BYTES:,} bytes a note may hold; "
                "nothing was saved"
            )
        text = _utf8(raw, "<stdin>")
    else:  # an argument that is not UTF-8 reaches Python as lone surrogates
        try:
            raw = text.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raw = text.encode("utf-8", "surrogatepass")
        given = shown_in_line(raw[:40].decode("utf-8", "backslashreplace"))
        text = _utf8(raw, f"TEXT '{given}{'…' if len(raw) > 40 else ''}'")
    if not text.strip():
        raise click.UsageError("the note text is empty; to clear the note, give --clear")
    return text


@click.command()
@click.argument("ids", nargs=-1, type=int, metavar="[ID...]")
@click.option("--query", "query_text", metavar="QUERY", help="Every paper QUERY matches.")
@click.option("--star", is_flag=True, help="Star the papers.")
@click.option("--unstar", is_flag=True, help="Remove the star.")
@click.option("--read", "read_", is_flag=True, help="Mark read.")
@click.option("--unread", is_flag=True, help="Mark unread.")
@click.option("--yes", is_flag=True, help="Do it without asking (with --query).")
@click.pass_obj
def mark(
    library: Library,
    ids: tuple[int, ...],
    query_text: str | None,
    star: bool,
    unstar: bool,
    read_: bool,
    unread: bool,
    yes: bool,
) -> None:
    """Star, unstar, mark read or unread: papers by ID, or all that --query matches.

    \b
    With --query, the command says how many papers it would change and asks first
    (--yes does not ask; with no terminal to ask on, --yes is needed).
    """
    starred = either({"--star": star, "--unstar": unstar})
    read = either({"--read": read_, "--unread": unread})
    if starred is None and read is None:
        raise click.UsageError("say what to do: --star, --unstar, --read or --unread")
    if bool(ids) == (query_text is not None):
        raise click.UsageError(
            "name the papers: IDs, or --query QUERY (not both)"
            if ids
            else "name the papers: give their IDs, or --query QUERY"
        )
    done = [
        w
        for w, v in (
            ("starred" if starred else "unstarred", starred),
            ("read" if read else "unread", read),
        )
        if v is not None
    ]
    if query_text is not None:
        _mark_query(library, query_text, starred, read, " and ".join(done), yes)
        return
    ids = paper_ids(ids)
    with library.open() as store:
        if starred is not None:
            store.set_flag(ids, "starred", starred)
        if read is not None:
            store.set_flag(ids, "read", read)
    click.echo(f"Marked {len(set(ids))} paper(s) {' and '.join(done)}.")


def _mark_query(
    library: Library, text: str, starred: bool | None, read: bool | None, done: str, yes: bool
) -> None:
    """Mark every paper a query matches: counted first, and asked about."""
    with library.open() as store:
        plan = query_of((text,), store.saved_queries())
        if plan.hints:  # the rest of the query would match more than was meant
            raise click.ClickException(
                f"--query {shown_in_line(text)!r}: {plan.hints[0].message}; nothing marked"
            )
        count = store.count(plan)
        if count == 0:
            click.echo(f"No papers match {shown_in_line(text)!r}; nothing marked.")
            return
        confirmed(f"Mark {count:,} paper(s) {done}?", yes=yes)
        changed = set()
        if starred is not None:
            changed.update(store.flag_where(plan, "starred", starred))
        if read is not None:
            changed.update(store.flag_where(plan, "read", read))
    already = count - len(changed)
    more = f" ({already:,} already were)" if already > 0 else ""
    click.echo(f"Marked {len(changed):,} paper(s) {done}{more}.")


@click.command()
@click.argument("paper_id", type=int, metavar="ID")
@click.argument("text", required=False)
@click.option("--edit", is_flag=True, help="Write the note in $EDITOR.")
@click.option("--clear", is_flag=True, help="Clear the note.")
@click.pass_obj
def note(library: Library, paper_id: int, text: str | None, edit: bool, clear: bool) -> None:
    """Set a paper's note to TEXT (- reads stdin); without TEXT, print the note.

    A TEXT that starts with - goes after --: readlist note 12 -- "-1 for this".
    """
    asked = [
        n for n, on in (("TEXT", text is not None), ("--edit", edit), ("--clear", clear)) if on
    ]
    if len(asked) > 1:
        raise click.UsageError(f"{' and '.join(asked)} contradict each other; give one of them")
    paper_ids((paper_id,))
    if text is not None:
        text = note_text(text)
    elif clear:
        text = ""
    with library.open() as store:
        current = store.get(paper_id).note
        if edit:
            edited = click.edit(current, extension=".md", require_save=True)
            if edited is None:
                click.echo("Note unchanged.", err=True)
                return
            text = edited
        elif text is None:
            click.echo(shown(current), nl=not current.endswith("\n"))
            return
        try:
            store.set_note(paper_id, text, expected=current if edit else None)
        except NoteChangedError as exc:  # changed while $EDITOR was open: keep both
            kept = drafts.keep(library.path.parent, paper_id, text)
            raise click.ClickException(f"{exc}; yours is not saved but kept in {kept}") from exc
        except NoteTooLongError as exc:
            if not edit:
                raise
            # words typed in $EDITOR are not lost
            kept = drafts.keep(library.path.parent, paper_id, text)
            raise click.ClickException(f"{exc}; yours is kept in {kept}") from exc
    click.echo(f"Note saved for paper {paper_id}." if text else f"Note cleared for {paper_id}.")
