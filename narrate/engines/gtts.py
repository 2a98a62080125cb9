"""gTTS: Google Translate's text-to-speech. Needs the network; narrate says so plainly when it is missing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from narrate.engines.base import VoiceInfo
from narrate.errors import ConfigError, EngineError

if TYPE_CHECKING:
    import numpy as np

    from narrate.config import Config

# gTTS returns 24 kHz mono MP3; decoding at that rate keeps every sample Google sent.
SAMPLE_RATE = 24_000


class GttsEngine:
    name = "gtts"
    sample_rate = SAMPLE_RATE
    parallel_safe = False  # one request at a time: polite to Google, and errors stay in order

    def __init__(self, lang: str, tld: str, slow: bool, speed: float, timeout: float):
        self.lang = lang
        self.tld = tld
        self.slow = slow
        self.speed = speed
        self.timeout = timeout

    @classmethod
    def from_config(cls, config: Config) -> GttsEngine:
        from gtts.lang import tts_langs

        options = config.gtts
        languages = tts_langs()
        if options.lang not in languages:
            raise ConfigError(f"gtts.lang: unsupported language {options.lang!r}; "
                              f"e.g. {', '.join(sorted(languages)[:12])}, ...")
        return cls(options.lang, options.tld, options.slow, config.speed, options.timeout)

    @classmethod
    def voices(cls, config: Config) -> list[VoiceInfo]:
        from gtts.lang import tts_langs

        return [VoiceInfo(engine=cls.name, name=code, language=code, quality="online",
                          speakers=(name,), sample_rate=SAMPLE_RATE, location="network")
                for code, name in sorted(tts_langs().items())]

    def identity(self) -> dict[str, Any]:
        return {"engine": self.name, "lang": self.lang, "tld": self.tld, "slow": self.slow,
                "speed": self.speed, "sample_rate": SAMPLE_RATE}

    def synthesize(self, text: str) -> np.ndarray:
        import numpy as np
        from gtts import gTTS, gTTSError

        from narrate.ffmpeg import run_ffmpeg

        host = f"translate.google.{self.tld}"
        try:
            mp3 = b"".join(gTTS(text, lang=self.lang, tld=self.tld, slow=self.slow,
                                timeout=self.timeout).stream())
        except gTTSError as exc:
            raise EngineError(f"gtts: no speech from {host}: {exc} "
                              "(gtts needs the network; engine: piper works offline)") from None
        if not mp3:
            raise EngineError(f"gtts: {host} returned no audio for {text[:40]!r}")
        # Google speaks at one pace; `speed` is applied with ffmpeg's pitch-preserving atempo.
        tempo = [] if self.speed == 1.0 else ["-af", f"atempo={self.speed}"]
        proc = run_ffmpeg(["-f", "mp3", "-i", "pipe:0", *tempo, "-f", "s16le", "-ac", "1",
                           "-ar", str(SAMPLE_RATE), "pipe:1"], input_bytes=mp3, what="gtts audio")
        return np.frombuffer(proc.stdout, dtype=np.int16).copy()
