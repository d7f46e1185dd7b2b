"""The Textual app. Thin: every read and write goes through readlist.core."""

import os

# Textual paints at most 60 frames a second, so a change waits up to 17 ms for its
# frame. The app paints only when something changed, so a higher cap costs nothing when
# idle and halves the wait after a keystroke. Set here, before Textual is imported;
# the user's own TEXTUAL_FPS wins.
os.environ.setdefault("TEXTUAL_FPS", "120")
