"""`readlist dupes`, `merge`, `split` and `keep-apart`: reviewing the pairs dedupe was
unsure of, and merging, splitting or keeping apart papers (readlist.core.care)."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager

import click

from readlist.cli_state import paper_ids
from readlist.cli_support import Library, ReadlistCommand, echo_json
from readlist.core.printable import shown_in_line

TITLE_SHOWN = 60  # characters of a title in the one line a command says


@contextmanager
def _refused_unchanged() -> Iterator[None]:
    """A merge, split or keep-apart refused says that nothing changed, as delete does
    (each is one transaction: a refusal leaves the library as it was)."""
    from readlist.core.errors import ReadlistError

    try:
        yield
    except ReadlistError as exc:
        said = str(exc)
        end = "" if said.endswith("nothing changed") else "; nothing changed"
        raise click.ClickException(said + end) from exc


def _short(title: str) -> str:
    title = shown_in_line(title)
    return title if len(title) <= TITLE_SHOWN else title[: TITLE_SHOWN - 1].rstrip() + "…"


@click.command(cls=ReadlistCommand)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_obj
def dupes(library: Library, fmt: str) -> None:
    """Pairs that may be one paper: dedupe was not sure enough to merge them.

    \b
    Pairs kept apart (readlist keep-apart) and pairs with a paper in the trash are left
    out. Merge a pair with `readlist merge KEEP OTHER`, or keep it apart.
    """
    from readlist.core import care

    with library.open() as store:
        candidates = care.open_pairs(store)
    if fmt == "json":
        echo_json([dataclasses.asdict(c) for c in candidates])
        return
    if not candidates:
        click.echo("No possible duplicates to review.")
        return
    for c in candidates:
        click.echo(
            f"{c.paper_id:>6} ~ {c.other_id:<6} title {c.title_score:5.1f}  "
            f"abstract {c.abstract_score:5.1f}  {shown_in_line(c.reason)}"
        )
        click.echo(f"         {shown_in_line(c.title)}")
        click.echo(f"         {shown_in_line(c.other_title)}")


@click.command("merge", cls=ReadlistCommand)
@click.argument("keep", type=int, metavar="KEEP")
@click.argument("others", nargs=-1, required=True, type=int, metavar="OTHER...")
@click.pass_obj
def merge_command(library: Library, keep: int, others: tuple[int, ...]) -> None:
    """Merge the OTHER papers into KEEP, losing nothing.

    \b
    KEEP is starred if any was, read if any was; the notes are joined, each under a
    line naming its paper; tags are united; every listing and variant title moves to
    KEEP, and the identity fields KEEP lacks are filled. `readlist split KEEP` undoes it.
    """
    from readlist.core import care

    with _refused_unchanged():
        ids = paper_ids((keep, *others))
        with library.open() as store:
            result = care.merge(store, ids[0], ids[1:])
    count = len(result.merged_ids)
    changed = result.what_changed()
    click.echo(
        f"Merged {count} paper{'s' * (count != 1)} into {result.kept_id} '{_short(result.title)}'"
        f"{': ' + changed if changed else ''}. `readlist split {result.kept_id}` undoes this."
    )


@click.command("split", cls=ReadlistCommand)
@click.argument("paper_id", type=int, metavar="ID")
@click.pass_obj
def split_command(library: Library, paper_id: int) -> None:
    """Undo the merges into paper ID (newest first), or the merge of paper ID.

    \b
    Each paper comes back with its own listings, state and tags. What you changed on
    the kept paper since the merge stays; the rest is as it was before. A merged paper
    whose id was taken meanwhile comes back under a new id, and this says which.
    """
    from readlist.core import care

    with _refused_unchanged():
        (paper_id,) = paper_ids((paper_id,))
        with library.open() as store:
            result = care.split(store, paper_id)
    back = ", ".join(
        f"{r.new_id} '{_short(r.title)}'"
        + (f" (its id {r.old_id} is taken: now {r.new_id})" if r.new_id != r.old_id else "")
        for r in result.restored
    )
    count = len(result.restored)
    click.echo(
        f"Split {count} paper{'s' * (count != 1)} from {result.kept_id}: {back}. "
        f"`readlist merge {result.kept_id} "
        f"{' '.join(str(r.new_id) for r in result.restored)}` merges again."
    )


@click.command("keep-apart", cls=ReadlistCommand)
@click.argument("a", type=int, metavar="A")
@click.argument("b", type=int, metavar="B")
@click.pass_obj
def keep_apart_command(library: Library, a: int, b: int) -> None:
    """Record that papers A and B differ: the pair never comes back in `dupes`, on a
    later import or in the app's review."""
    from readlist.core import care

    with _refused_unchanged():
        a, b = paper_ids((a, b))
        with library.open() as store:
            new = care.keep_apart(store, a, b)
    click.echo(
        f"Kept papers {a} and {b} apart{'' if new else ' (they already were)'}: "
        "the pair will not be offered as duplicates again."
    )
