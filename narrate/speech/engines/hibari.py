"""hibari: a small offline neural voice (a distilled Kokoro voice), with `heart` inside its package.

hibari reads text with its own grapheme-to-phoneme rules (a lexicon and a small network for unknown
words) and its own normaliser; narrate's spoken forms go first, so its normaliser finds little left to
do. A lexicon entry's IPA reaches the model as phonemes, in hibari's alphabet (misaki's, where the
diphthongs are single letters).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narrate.errors import ConfigError, EngineError
from narrate.speech.clauses import clauses
from narrate.speech.engines.base import VoiceInfo

if TYPE_CHECKING:
    import numpy as np

    from narrate.config import Config

SAMPLE_RATE = 24_000
LANGUAGE = "en"
_PHONEMES = re.compile(r"\[\[\s*(.*?)\s*\]\]")
_STOPS = (".", "!", "?", "…")
_FINAL_STOP = re.compile(r"([.!?])[\"'”’)\]]*\s*$")
# IPA as dictionaries write it, to the symbols hibari's model was trained on (longest first).
_IPA_TO_MISAKI = (("eɪ", "A"), ("aɪ", "I"), ("aʊ", "W"), ("ɔɪ", "Y"), ("oʊ", "O"), ("əʊ", "Q"),
                  ("dʒ", "ʤ"), ("tʃ", "ʧ"), ("ɝ", "ɜɹ"), ("ɚ", "əɹ"), ("ɫ", "l"), ("r", "ɹ"), ("g", "ɡ"),
                  ("'", "ˈ"), (",", "ˌ"))


def misaki(ipa: str) -> str:
    """Standard IPA in hibari's alphabet: "ˈheɪ.li" -> "ˈhAli"."""
    text = ipa.replace(".", "").replace("/", "")
    for written, symbol in _IPA_TO_MISAKI:
        text = text.replace(written, symbol)
    return text


def _assets() -> Path:
    """hibari's assets folder, found without importing the package: its `__init__` loads onnxruntime and
    numpy (a quarter of a second), which a build whose every sentence is cached never needs."""
    import importlib.util

    spec = importlib.util.find_spec("hibari")
    if spec is None or not spec.submodule_search_locations:
        raise EngineError("hibari: the package hibari-tts is not installed (pip install hibari-tts)")
    return Path(spec.submodule_search_locations[0]) / "assets"


def _registry() -> dict[str, dict[str, Any]]:
    """hibari's voices, name -> facts: its own `hibari.voices.VOICES` once the package is loaded, else
    the file that registry is read from."""
    import json
    import sys

    if "hibari.voices" in sys.modules:
        return sys.modules["hibari.voices"].VOICES
    return json.loads((_assets() / "voices.json").read_text(encoding="utf-8"))


def _voice_model(name: str, config: Config) -> Path:
    """The voice's ONNX file: inside the package for `heart`, else downloaded once into the user cache."""
    voice = _registry()[name]
    if voice.get("bundled"):
        return _assets() / voice["file"]
    import hibari.voices

    from narrate.speech.engines.download import fetch, voices_dir

    target = voices_dir(config.path(config.cache.dir)) / "hibari" / voice["file"]
    base = config.hibari.download_url or hibari.voices.BASE_URL
    return fetch(base.rstrip("/") + "/" + voice["file"], target, voice["sha256"], "sha256",
                 f"hibari voice {name!r} ({voice['bytes'] / 1e6:.1f} MB)",
                 f"connect once to download it, or copy {voice['file']} into {target.parent}, "
                 f"or use the bundled voice heart")


def _phonemiser(voice: str, folder: Path | None):
    """hibari's word-to-phoneme reader for `voice`, unpickled from a copy saved in `folder` the first time.

    Building it parses hibari's gzipped JSON lexicons and tagger, about a second on every run (as long
    as speaking an edited sentence); the same objects unpickled take about a third of that. The copy is
    named by hibari's version and its lexicon's size and date, so a new release is saved again; one that
    will not load (torn, damaged, another layout) is discarded and the reader is built from hibari's files.
    Like the rest of the cache, the folder is the user's own: nothing in it comes from elsewhere.
    """
    import pickle
    from importlib.metadata import version

    from hibari.g2p import ASSETS, G2P

    from narrate.cache import discard, saved_once

    british = bool(_registry()[voice].get("british"))
    if folder is None:
        return G2P(british=british)
    accent = "gb" if british else "us"
    lexicon = (Path(ASSETS) / f"lexicon_{accent}_gold.json.gz").stat()
    copy = folder / f"hibari-{version('hibari-tts')}-g2p-{accent}-{lexicon.st_size}-{lexicon.st_mtime_ns}.pickle"
    if copy.is_file():
        try:
            with copy.open("rb") as file:
                saved = pickle.load(file)
            if isinstance(saved, G2P):
                return saved
        except Exception:  # pickle's, zlib's or an attribute's error for a torn or foreign file
            pass
        discard(copy)
    built = G2P(british=british)
    saved_once(copy, lambda temporary: temporary.write_bytes(pickle.dumps(built, pickle.HIGHEST_PROTOCOL)))
    return built


class HibariEngine:
    name = "hibari"
    takes_phonemes = True  # a lexicon's [[ IPA ]] is spoken as written
    sample_rate = SAMPLE_RATE
    language = LANGUAGE
    parallel_safe = True

    def __init__(self, voice: str, model: Path, speed: float, threads: int, clause_pause: float,
                 optimized_dir: Path | None = None):
        self.voice = voice
        self.model = model
        self.optimized_dir = optimized_dir
        self.speed = speed
        self.threads = threads
        self.clause_pause = clause_pause
        self._tts = None
        self.loads = 0  # times this copy loaded its network: a process that keeps its voice loads it once

    @classmethod
    def from_config(cls, config: Config) -> HibariEngine:
        options = config.hibari
        voices = _registry()
        if options.voice not in voices:
            names = ", ".join(f"{n} (bundled)" if v.get("bundled") else n for n, v in voices.items())
            raise ConfigError(f"hibari.voice: unknown voice {options.voice!r}; hibari's voices: {names}")
        model = _voice_model(options.voice, config)
        from narrate.speech.engines.optimized import models_dir

        return cls(options.voice, model, config.speed, options.threads, config.pauses.clause,
                   optimized_dir=models_dir(config))

    @classmethod
    def owns_voice(cls, voice: str) -> bool:
        return voice in _registry()

    @classmethod
    def voices(cls, config: Config) -> list[VoiceInfo]:
        from narrate.speech.engines.download import voices_dir

        folder = voices_dir(config.path(config.cache.dir)) / "hibari"
        infos = []
        for name, voice in _registry().items():
            if voice.get("bundled"):
                location = "bundled"
            elif (folder / voice["file"]).is_file():
                location = str(folder / voice["file"])
            else:
                location = f"downloaded when named ({voice['bytes'] / 1e6:.1f} MB)"
            infos.append(VoiceInfo(engine=cls.name, name=name, language=voice["language"], quality=voice["gender"],
                                   speakers=(voice["accent"],), sample_rate=SAMPLE_RATE, location=location))
        return infos

    def single_threaded(self) -> HibariEngine:
        return HibariEngine(self.voice, self.model, self.speed, 1, self.clause_pause, self.optimized_dir)

    def __getstate__(self):
        return {**self.__dict__, "_tts": None}  # workers load their own network

    def identity(self) -> dict[str, Any]:
        from importlib.metadata import version

        return {
            "engine": self.name,
            "voice": self.voice,
            "model": self.model.name,
            "sha256": _registry()[self.voice]["sha256"],
            "version": version("hibari-tts"),  # its phonemiser ships with it: a new one may say words otherwise
            "speed": self.speed,
            "clause_pause": self.clause_pause,
            "sample_rate": SAMPLE_RATE,
        }

    def unload(self) -> None:
        """Free the network's memory; the next sentence loads it again."""
        self._tts = None

    def load(self) -> None:
        """Load the network now rather than at the first sentence (a watching build does it while it waits),
        and run it once on a word: its first run sets up its buffers and takes several times a sentence's."""
        if self._tts is None:
            self._load()
            self.synthesize("Ready.")

    def _load(self):
        if self._tts is None:
            from hibari import Hibari

            from narrate.cache import discard
            from narrate.speech.engines.optimized import optimized_copy

            copy = optimized_copy(self.model, self.optimized_dir)  # starts in a third of the time
            g2p = _phonemiser(self.voice, self.optimized_dir)
            try:
                self._tts = Hibari(voice=self.voice, model=str(copy), threads=self.threads, g2p=g2p) if copy else None
            except Exception:  # a damaged copy: start from the voice itself
                discard(copy)
            try:
                self._tts = self._tts or Hibari(voice=self.voice, model=str(self.model), threads=self.threads,
                                                g2p=g2p)
            except Exception as exc:  # onnxruntime raises its own untyped errors for a bad model
                raise EngineError(f"hibari: cannot load voice {self.voice} from {self.model} ({exc})") from None
            self.loads += 1
        return self._tts

    @staticmethod
    def _marked(text: str) -> str:
        """A lexicon's [[ IPA ]] as hibari's own phoneme markup, [word](/phonemes/)."""
        return _PHONEMES.sub(lambda m: f"[word](/{misaki(m.group(1))}/)", text)

    def _phoneme_parts(self, text: str) -> list[list[str]]:
        """What the model is given: per clause (when clause pauses are on), its phoneme strings.

        hibari's phonemiser takes a closing "p.m." or "N.S.A." for an abbreviation and drops the
        sentence's full stop with it; the stop is put back, so the voice still falls at the end.
        """
        tts = self._load()
        parts = clauses(text) if self.clause_pause else [text]
        planned = []
        for part in parts:
            chunks = tts.phonemize(self._marked(part))
            stop = _FINAL_STOP.search(part)
            for index, chunk in enumerate(chunks):
                final = index == len(chunks) - 1
                if not chunk.endswith(_STOPS) and (stop or not final):  # hibari cut a sentence there
                    chunks[index] += stop.group(1) if final else "."
            planned.append(chunks)
        return planned

    def phonemes(self, text: str) -> str:
        """The phonemes hibari will speak for `text`, a bar between the pieces spoken apart."""
        return " | ".join(chunk for chunks in self._phoneme_parts(text) for chunk in chunks)

    def synthesize(self, text: str) -> np.ndarray:
        import numpy as np

        from narrate.speech.silence import trim_silence

        tts = self._load()
        planned = self._phoneme_parts(text)
        pause = np.zeros(round(self.clause_pause * SAMPLE_RATE), dtype=np.int16)
        pieces = []
        for chunks in planned:
            audio = [tts.from_ids(tts.ids(chunk), self.speed) for chunk in chunks]
            audio = np.concatenate(audio) if audio else np.zeros(0, dtype=np.float32)
            if len(audio):
                samples = (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16)
                pieces += [trim_silence(samples, SAMPLE_RATE) if len(planned) > 1 else samples, pause]
        return np.concatenate(pieces[:-1]) if pieces else np.zeros(0, dtype=np.int16)
