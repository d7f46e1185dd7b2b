"""Papers into the library: sources (files, folders, stdin), decoding, parsing, dedupe
and the importer."""
