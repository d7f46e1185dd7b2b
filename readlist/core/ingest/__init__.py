"""Every way papers come in: reading dumps (files, folders, stdin), decoding and parsing
them, dedupe, and the importer that writes them into the store.

The front door is `import_sources`; `report_table` lays out its reports for the CLI
and the app alike; `fetch_daily_papers` brings the Daily Papers JSON from the API as a
source for it. The rest of the package is private to it."""

from readlist.core.ingest.entry import ImportProgress, import_sources
from readlist.core.ingest.fetch import (
    DEFAULT_BASE_URL,
    Fetched,
    FetchError,
    Period,
    base_url_of,
    fetch_daily_papers,
    period_of,
)
from readlist.core.ingest.report import ReportRow, ReportTable, report_table
from readlist.core.ingest.sources import Source, dump_files, file_label, source_name

__all__ = [
    "DEFAULT_BASE_URL",
    "FetchError",
    "Fetched",
    "ImportProgress",
    "Period",
    "ReportRow",
    "ReportTable",
    "Source",
    "base_url_of",
    "dump_files",
    "fetch_daily_papers",
    "file_label",
    "import_sources",
    "period_of",
    "report_table",
    "source_name",
]
