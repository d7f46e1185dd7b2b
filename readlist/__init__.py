"""readlist: triage the papers you collect from the Hugging Face Daily Papers page."""

__version__ = "0.1.0"
