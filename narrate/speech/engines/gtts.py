"""gTTS: Google Translate's text-to-speech. Needs the network; narrate says so plainly when it is missing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from narrate.errors import ConfigError, EngineError
from narrate.speech.engines.base import VoiceInfo

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
        self.language = lang.split("-")[0].lower()
        self.tld = tld
        self.slow = slow
        self.speed = speed
        self.timeout = timeout

    @classmethod
    def from_config(cls, config: Config) -> GttsEngine:
        from gtts.lang import tts_langs

        options = config.gtts
        # Unset, Google speaks the article's language (the pipeline fills it in), else the one asked for.
        lang = options.lang or config.speech.language or "en"
        languages = tts_langs()
        if lang not in languages:
            key = "gtts.lang" if options.lang else "language"
            raise ConfigError(f"{key}: gtts does not speak {lang!r}; e.g. {', '.join(sorted(languages)[:12])}, ...")
        return cls(lang, options.tld, options.slow, config.speed, options.timeout)

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

        host = f"translate.google.{self.tld}"
        try:
            mp3 = b"".join(gTTS(text, lang=self.lang, tld=self.tld, slow=self.slow,
                                timeout=self.timeout).stream())
        except gTTSError as exc:
            raise EngineError(f"gtts: no speech from {host}: {exc} "
                              "(gtts needs the network; engine: piper works offline)") from None
        if not mp3:
            raise EngineError(f"gtts: {host} returned no audio for {text[:40]!r}")
        return np.frombuffer(self._decode(mp3), dtype=np.int16).copy()

    def _decode(self, mp3: bytes) -> bytes:
        """Google's MP3 as 16-bit mono PCM, by the ffmpeg binary that imageio-ffmpeg ships.

        Google speaks at one pace; `speed` is applied with ffmpeg's pitch-preserving atempo.
        """
        import subprocess

        import imageio_ffmpeg

        tempo = [] if self.speed == 1.0 else ["-af", f"atempo={self.speed}"]
        command = [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-f", "mp3",
                   "-i", "pipe:0", *tempo, "-f", "s16le", "-ac", "1", "-ar", str(SAMPLE_RATE), "pipe:1"]
        try:
            proc = subprocess.run(command, input=mp3, capture_output=True, check=False)
        except OSError as exc:
            raise EngineError(f"gtts audio: cannot run ffmpeg ({exc})") from None
        if proc.returncode != 0:
            lines = [line for line in proc.stderr.decode("utf-8", "replace").splitlines() if line.strip()]
            raise EngineError(f"gtts audio: {lines[-1] if lines else f'exit status {proc.returncode}'}")
        return proc.stdout
