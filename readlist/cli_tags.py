"""`readlist tag`, `readlist tags` and `readlist saved`: the user's tags and saved
searches (see readlist.cli; the rules are readlist.core.care's)."""

from __future__ import annotations

import click

from readlist.cli_state import paper_ids
from readlist.cli_support import (
    Library,
    ReadlistCommand,
    ReadlistGroup,
    echo_json,
    query_of,
)
from readlist.core.printable import shown_in_line


def _papers(count: int) -> str:
    return f"{count} paper" if count == 1 else f"{count} papers"


@click.command(cls=ReadlistCommand)
@click.argument("ids", nargs=-1, required=True, type=int, metavar="ID...")
@click.argument("name", metavar="NAME")
@click.option("--remove", is_flag=True, help="Take the tag off instead.")
@click.pass_obj
def tag(library: Library, ids: tuple[int, ...], name: str, remove: bool) -> None:
    """Tag papers NAME (one word), or take it off with --remove.

    \b
    Find them again with the query tag:NAME (and leave them out with -tag:NAME).
    """
    from readlist.core.care.tags import one_word

    name = one_word(name)  # said before the library is opened
    ids = paper_ids(ids)
    with library.open() as store:
        if remove:
            changed = store.remove_tag(ids, name)
            others = len(set(ids)) - len(changed)
            done = f"Took tag {shown_in_line(name)} off {_papers(len(changed))}"
            rest = f" ({others} did not have it)" if others else ""
        else:
            changed = store.add_tag(ids, name)
            others = len(set(ids)) - len(changed)
            done = f"Tagged {_papers(len(changed))} {shown_in_line(name)}"
            rest = f" ({others} had it already)" if others else ""
    click.echo(f"{done}{rest}.")


@click.command(cls=ReadlistCommand)
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_obj
def tags(library: Library, fmt: str) -> None:
    """The tags in the library, each with how many papers have it."""
    with library.open() as store:
        counts = store.tag_counts()
    if fmt == "json":
        echo_json([{"tag": name, "papers": count} for name, count in counts])
        return
    if not counts:
        click.echo("No tags yet (readlist tag ID... NAME adds one).")
        return
    for name, count in counts:
        click.echo(f"{count:>6}  {shown_in_line(name)}")


@click.group("saved", cls=ReadlistGroup)
def saved_group() -> None:
    """Named queries: saved:NAME in any query stands for NAME's query."""


@saved_group.command("set")
@click.argument("name")
@click.argument("query", nargs=-1, required=True)
@click.pass_obj
def saved_set(library: Library, name: str, query: tuple[str, ...]) -> None:
    """Save QUERY as NAME (one word), replacing NAME's query if it has one.

    A word of QUERY that starts with - goes after --: readlist saved set fresh -- -survey
    """
    from readlist.core.care.tags import one_word

    name = one_word(name, "saved search name")
    text = " ".join(query)
    with library.open() as store:
        plan = query_of(query, {**store.saved_queries(), name: text})
        if plan.hints or plan.is_empty:  # a saved search stands for a filter that works
            why = plan.hints[0].message if plan.hints else "the query is empty"
            raise click.ClickException(f"saved:{shown_in_line(name)}: {why}; nothing saved")
        new = store.save_search(name, text)
    verb = "Saved" if new else "Replaced"
    click.echo(f"{verb} saved:{shown_in_line(name)} = {shown_in_line(text)}")


@saved_group.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.pass_obj
def saved_list(library: Library, fmt: str) -> None:
    """The saved searches in their order (the app's keys 1-9 show the first nine)."""
    with library.open() as store:
        searches = store.saved_searches()
    if fmt == "json":
        echo_json(
            [
                {"name": s.name, "query": s.query, "key": n if n <= 9 else None}
                for n, s in enumerate(searches, start=1)
            ]
        )
        return
    if not searches:
        click.echo("No saved searches yet (readlist saved set NAME QUERY saves one).")
        return
    width = max(len(s.name) for s in searches)
    for n, s in enumerate(searches, start=1):
        key = str(n) if n <= 9 else " "
        click.echo(f"{key}  {shown_in_line(s.name):<{width}}  {shown_in_line(s.query)}")


@saved_group.command("rm")
@click.argument("name")
@click.pass_obj
def saved_rm(library: Library, name: str) -> None:
    """Forget the saved search NAME."""
    with library.open() as store:
        gone = store.remove_saved_search(name)
        if gone is None:
            known = ", ".join(s.name for s in store.saved_searches()) or "none yet"
            raise click.ClickException(
                f"no saved search named {shown_in_line(name)} (saved searches: "
                f"{shown_in_line(known)})"
            )
    click.echo(f"Removed saved:{shown_in_line(gone.name)} (it was: {shown_in_line(gone.query)})")
