"""Synthesised clips on disk, keyed by the spoken text and every setting that changes the sound.

Piper samples noise, so the same sentence never synthesises to the same bytes twice: reusing a
cached clip is what makes a rebuild fast and its output byte-identical.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import wave
from pathlib import Path
from typing import Any

from narrate.errors import OutputError
from narrate.models import Clip

ENV_VAR = "NARRATE_CACHE_DIR"


def default_cache_dir() -> Path:
    override = os.environ.get(ENV_VAR)
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("narrate"))


def clip_key(identity: dict[str, Any], spoken: str) -> str:
    payload = json.dumps({"voice": identity, "text": spoken}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def read_clip_samples(path: Path):
    """The 16-bit samples of a clip as a numpy array."""
    import numpy as np

    with wave.open(str(path), "rb") as wav:
        return np.frombuffer(wav.readframes(wav.getnframes()), dtype=np.int16)


class ClipCache:
    def __init__(self, root: Path):
        self.root = root
        self.clips = root / "clips"

    def _path(self, key: str) -> Path:
        return self.clips / key[:2] / f"{key}.wav"

    def get(self, key: str) -> Clip | None:
        path = self._path(key)
        try:
            with wave.open(str(path), "rb") as wav:
                clip = Clip(path=path, samples=wav.getnframes(), sample_rate=wav.getframerate())
        except (FileNotFoundError, EOFError, wave.Error):
            return None
        os.utime(path)  # the access time drives least-recently-used eviction
        return clip

    def put(self, key: str, samples, sample_rate: int) -> Clip:
        """Store a clip atomically: a build killed mid-write leaves no torn file behind."""
        path = self._path(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".wav", dir=path.parent)
            with os.fdopen(fd, "wb") as raw, wave.open(raw, "wb") as wav:
                wav.setnchannels(1)
                wav.setsampwidth(2)
                wav.setframerate(sample_rate)
                wav.writeframes(samples.tobytes())
            os.replace(tmp, path)
        except OSError as exc:
            raise OutputError(f"cache: cannot write {path.parent} ({exc.strerror or exc})") from None
        return Clip(path=path, samples=len(samples), sample_rate=sample_rate)
