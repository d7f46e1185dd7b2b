"""Every way papers come in: reading dumps (files, folders, stdin), decoding and parsing
them, dedupe, and the importer that writes them into the store.

The front door is `import_sources`; `report_table` lays out its reports for the CLI
and the app alike. The rest of the package is private to it."""

from readlist.core.ingest.entry import ImportProgress, import_sources
from readlist.core.ingest.report import ReportRow, ReportTable, report_table
from readlist.core.ingest.sources import Source, dump_files, file_label, source_name

__all__ = [
    "ImportProgress",
    "ReportRow",
    "ReportTable",
    "Source",
    "dump_files",
    "file_label",
    "import_sources",
    "report_table",
    "source_name",
]
