"""`readlist delete`, `restore`, `trash` and `dumps`: removing mistakes (see readlist.cli).
The stakes are said before anything is removed, and nothing is removed for good without
a yes (--yes, or an answer on a terminal)."""

from __future__ import annotations

import click

from readlist.cli_state import paper_ids
from readlist.cli_support import Library, ReadlistCommand, ReadlistGroup, confirmed, echo_json
from readlist.core.printable import shown_in_line

FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
YES = click.option("--yes", "-y", is_flag=True, help="Do it without asking.")


@click.command(cls=ReadlistCommand)
@click.argument("ids", nargs=-1, required=True, type=int, metavar="ID...")
@YES
@click.pass_obj
def delete(library: Library, ids: tuple[int, ...], yes: bool) -> None:
    """Move papers to the trash (readlist restore brings them back).

    Without --yes, says what it would move (and how many are starred or noted) and
    moves nothing. The trash shows in `readlist list is:deleted` and `readlist trash`.
    """
    from readlist.core import care

    ids = paper_ids(ids)
    with library.open() as store:
        chosen = care.to_delete(store, ids)
        if not chosen:
            click.echo("Nothing to move: every one of those papers is in the trash already.")
            return
        if not yes:
            raise click.ClickException(f"Would move {care.deletion(chosen)}; give --yes")
        moved = set(store.delete_papers(paper.id for paper in chosen))
    them = "it" if len(moved) == 1 else "them"
    click.echo(
        f"Moved {care.deletion([p for p in chosen if p.id in moved])}; "
        f"readlist restore {' '.join(str(p.id) for p in chosen if p.id in moved)} "
        f"brings {them} back."
    )


@click.command(cls=ReadlistCommand)
@click.argument("ids", nargs=-1, required=True, type=int, metavar="ID...")
@click.pass_obj
def restore(library: Library, ids: tuple[int, ...]) -> None:
    """Bring papers back from the trash."""
    from readlist.core.care.bulk import papers

    ids = paper_ids(ids)
    with library.open() as store:
        restored = store.restore_papers(ids)
    left = len(set(ids)) - len(restored)
    said = f"Restored {papers(len(restored))}."
    if left:
        said += f" {papers(left)} {'was' if left == 1 else 'were'} not in the trash."
    click.echo(said)


@click.command(cls=ReadlistCommand)
@click.option("--empty", is_flag=True, help="Remove the papers in the trash for good.")
@YES
@FORMAT
@click.pass_obj
def trash(library: Library, empty: bool, yes: bool, fmt: str) -> None:
    """List the papers in the trash, or remove them for good (--empty).

    --empty asks first on a terminal (--yes skips the question); without a terminal it
    needs --yes. Emptied papers, their listings, notes and tags cannot be brought back.
    """
    from readlist.core.care.trash import deletion

    with library.open() as store:
        if empty:
            held = [t.paper for t in store.trashed()]
            if not held:
                click.echo("The trash is empty.")
                return
            confirmed(f"Remove {deletion(held, ' in the trash')} for good?", yes=yes)
            removed = store.empty_trash()
            click.echo(f"Removed {removed} paper{'' if removed == 1 else 's'} for good.")
            return
        held_rows = store.trashed()
    if fmt == "json":
        echo_json(
            [
                {
                    "id": t.paper.id,
                    "title": t.paper.title,
                    "deleted_at": t.deleted_at,
                    "by_dump": t.by_dump,
                    "starred": t.paper.starred,
                    "read": t.paper.read,
                    "note": t.paper.note,
                }
                for t in held_rows
            ]
        )
        return
    if not held_rows:
        click.echo("The trash is empty.")
        return
    for t in held_rows:
        why = f"dump {t.by_dump} removed" if t.by_dump is not None else "deleted"
        marks = ("★" if t.paper.starred else " ") + ("✎" if t.paper.note else " ")
        click.echo(
            f"{t.paper.id:>7} {marks} {t.deleted_at[:16].replace('T', ' ')}  {why:<16} "
            f"{shown_in_line(t.paper.title)}"
        )


@click.group(cls=ReadlistGroup, invoke_without_command=True)
@FORMAT
@click.pass_context
def dumps(ctx: click.Context, fmt: str) -> None:
    """List the imported dumps (readlist dumps remove DUMP_ID undoes one)."""
    if ctx.invoked_subcommand is not None:
        return
    library: Library = ctx.obj
    with library.open() as store:
        found = store.dumps()
    if fmt == "json":
        echo_json(
            [
                {
                    "id": d.id,
                    "source": d.source,
                    "date_lines": list(d.date_lines),
                    "imported_at": d.imported_at,
                    "listings": d.listings,
                    "new": d.new,
                    "merged": d.merged,
                    "whole": d.whole,
                }
                for d in found
            ]
        )
        return
    if not found:
        click.echo("No dumps imported yet.")
        return
    click.echo(f"{'id':>5}  {'imported':<16}  {'listings':>8} {'new':>6} {'merged':>6}  file, date")
    for d in found:
        day = ", ".join(d.date_lines) or "no date line"
        whole = "" if d.whole else " (unfinished)"
        click.echo(
            f"{d.id:>5}  {d.imported_at[:16].replace('T', ' '):<16}  {d.listings:>8} "
            f"{d.new:>6} {d.merged:>6}  {shown_in_line(d.source)}, {shown_in_line(day)}{whole}"
        )


@dumps.command(cls=ReadlistCommand)
@click.argument("dump_id", type=int, metavar="DUMP_ID")
@YES
@click.pass_obj
def remove(library: Library, dump_id: int, yes: bool) -> None:
    """Remove a dump's listings (the same file can then be imported again).

    Papers no other dump listed go to the trash, except those you starred, read, noted
    or tagged: those stay. Importing the file again brings the trashed ones back.
    Asks first on a terminal (--yes skips the question); without one it needs --yes.
    """
    from readlist.core.care import removal_said

    with library.open() as store:
        planned = store.dump_removal(dump_id)
        click.echo(removal_said(planned, done=False), err=True)
        confirmed(f"Remove dump {dump_id}?", yes=yes)
        done = store.remove_dump(dump_id)
    click.echo(removal_said(done, done=True))
