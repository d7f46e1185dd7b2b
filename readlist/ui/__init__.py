"""The Textual app. Thin: every read and write goes through readlist.core.
`launch.run` starts it."""
