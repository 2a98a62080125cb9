"""Turn the speech plan into clips, reusing cached audio wherever the text and voice match."""

from __future__ import annotations

from collections.abc import Callable

from narrate.audio import trim_silence
from narrate.cache import Cache, clip_key
from narrate.engines.base import Engine
from narrate.errors import EngineError
from narrate.models import Clip, Utterance

Progress = Callable[[int, int], None]
"""Called with (characters done, characters in all) as clips become ready."""


def speak(plan: list[Utterance], engines: dict[str, Engine], cache: Cache,
          progress: Progress | None = None) -> list[Clip]:
    """One clip per utterance, in the voice of its role (`engines["body"]` when the role has none)."""
    identities = {role: engine.identity() for role, engine in engines.items()}
    total = sum(len(u.spoken) for u in plan)
    done = 0
    clips = []
    for utterance in plan:
        role = utterance.role if utterance.role in engines else "body"
        engine = engines[role]
        key = clip_key(identities[role], utterance.spoken)
        clip = cache.get(key)
        if clip is None:
            samples = engine.synthesize(utterance.spoken)
            if len(samples) == 0:
                raise EngineError(f"{engine.name}: produced no audio for {utterance.spoken[:60]!r}")
            samples = trim_silence(samples, engine.sample_rate)
            clip = cache.put(key, samples, engine.sample_rate)
        clips.append(clip)
        done += len(utterance.spoken)
        if progress:
            progress(done, total)
    return clips
