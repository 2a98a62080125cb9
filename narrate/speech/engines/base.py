"""The one protocol every speech engine implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    import numpy as np

    from narrate.config import Config


@dataclass(frozen=True)
class VoiceInfo:
    """A voice as `narrate voices` lists it."""

    engine: str
    name: str
    language: str
    quality: str
    speakers: tuple[str, ...]
    sample_rate: int
    location: str


class Engine(Protocol):
    name: str
    sample_rate: int
    parallel_safe: bool
    """True when several worker processes may each run a copy (then `single_threaded` gives one)."""
    language: str
    """The language the voice speaks (ISO 639-1): an article in another is refused before synthesis."""
    takes_phonemes: bool
    """True when a lexicon's IPA, given as [[ ... ]], is spoken as phonemes (else the word is said)."""

    @classmethod
    def from_config(cls, config: Config) -> Engine:
        """Check the engine's options and prepare it; raise ConfigError or EngineError."""

    @classmethod
    def owns_voice(cls, voice: str) -> bool:
        """True when `voice` can only mean this engine's (optional: `--voice` then picks the engine)."""

    @classmethod
    def voices(cls, config: Config) -> list[VoiceInfo]:
        """Voices this engine can use without a download."""

    def identity(self) -> dict[str, Any]:
        """Everything besides the text that changes the sound; it keys the clip cache."""

    def synthesize(self, text: str) -> np.ndarray:
        """Speak `text`: 16-bit mono PCM at `sample_rate`."""

    # Optional: `def unload(self) -> None`, freeing the loaded network (it loads again when next used),
    # called before a long encode that needs no more speech; `def load(self) -> None`, loading it now,
    # called by a watching build while it waits for the next edit.
