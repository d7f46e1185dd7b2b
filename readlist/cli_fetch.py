"""`readlist fetch`: the Daily Papers of a day, a week or a month, pulled from the
Hugging Face API and imported, with the same report as `readlist import` (see
readlist.cli).

The fetching, the importer and urllib are imported inside the command, so that they
stay out of other commands' start-up."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from readlist.cli_support import Library, ReadlistCommand

if TYPE_CHECKING:
    from readlist.core.ingest import Period

# readlist.core.ingest.DEFAULT_BASE_URL, named here so that the options do not import
# the importer (a test checks that the two agree).
DEFAULT_BASE_URL = "https://huggingface.co"


def _period(ctx: click.Context, param: click.Parameter, value: str | None) -> Period | None:
    """The option's value in its exact form, else a usage error that names it."""
    if value is None or param.name is None:
        return None
    from readlist.core.ingest import period_of

    try:
        return period_of(param.name, value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def _base_url(ctx: click.Context, param: click.Parameter, value: str) -> str:
    from readlist.core.ingest import base_url_of

    try:
        return base_url_of(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


@click.command(cls=ReadlistCommand)
@click.option("--date", callback=_period, metavar="YYYY-MM-DD", help="The papers of that day.")
@click.option("--week", callback=_period, metavar="YYYY-Www", help="Of that ISO week.")
@click.option("--month", callback=_period, metavar="YYYY-MM", help="Of that month.")
@click.option(
    "--base-url",
    default=DEFAULT_BASE_URL,
    show_default=True,
    callback=_base_url,
    metavar="URL",
    help="A server with the same paths (URL/api/daily_papers).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.pass_obj
def fetch(
    library: Library,
    date: Period | None,
    week: Period | None,
    month: Period | None,
    base_url: str,
    as_json: bool,
) -> None:
    """Fetch the Daily Papers from Hugging Face and import them (the latest day without
    --date, --week or --month).

    \b
    One request per page of 50 papers; a connection error, a timeout, 429 or 5xx is
    tried once more. Nothing is imported unless every page came.
    """
    asked = [p for p in (date, week, month) if p is not None]
    if len(asked) > 1:
        names = " and ".join(f"--{p.kind}" for p in asked)
        raise click.UsageError(f"{names} contradict each other; give one of them")
    import io

    from readlist.cli_import import run_import
    from readlist.core.ingest import Period, fetch_daily_papers

    # Fetched before the library is opened: a fetch that fails leaves it as it was.
    fetched = fetch_daily_papers(asked[0] if asked else Period(), base_url)
    run_import(library, [(fetched.source, io.BytesIO(fetched.data))], as_json=as_json, force=False)
