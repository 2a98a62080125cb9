"""Typed errors: the library raises these, the CLI turns them into one line and an exit code."""


class NarrateError(Exception):
    """A problem the user can fix; the message says what went wrong and, where it helps, what to do."""

    exit_code = 1


class ConfigError(NarrateError):
    """The configuration file or a flag holds a value narrate cannot use."""

    exit_code = 2


class IngestError(NarrateError):
    """The input cannot be read as an article."""


class EngineError(NarrateError):
    """A speech engine failed or cannot be used here."""


class AudioToolError(NarrateError):
    """ffmpeg (or an audio file given in the config) failed."""


class OutputError(NarrateError):
    """The episode cannot be written where it was asked to go."""
