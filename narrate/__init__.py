"""narrate: turn a written article into a podcast-ready episode."""

__version__ = "0.1.0"
