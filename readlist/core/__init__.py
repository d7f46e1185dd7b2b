"""The pure-Python core: parse, dedupe, store, query, export. Never imports the UI."""
